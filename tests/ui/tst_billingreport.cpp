#include "BillingReport.h"
#include "Decimal.h"
#include "SqlStore.h"
#include "TestSupport.h"

#include <QGuiApplication>
#include <QImage>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

// A finance person exports the billing review of the demo platform as CSV, XLSX and PDF and sends
// it on: every format carries the same exact totals, and nothing half-written is ever left.
class TestBillingReport : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    BillingReportData m_data;
    QString m_grandTotal; // summed here from the store's rows, independently of the report

    static QString run(const QString& program, const QStringList& arguments)
    {
        QProcess process;
        process.start(program, arguments);
        if (!process.waitForFinished(60000) || process.exitCode() != 0)
            return {};
        return QString::fromUtf8(process.readAllStandardOutput());
    }

    // The fields of one CSV line (RFC 4180 quoting, no line breaks inside).
    static QStringList csvFields(const QString& line)
    {
        QStringList fields{QString()};
        bool quoted = false;
        for (qsizetype i = 0; i < line.size(); ++i) {
            const QChar c = line.at(i);
            if (quoted && c == u'"' && i + 1 < line.size() && line.at(i + 1) == u'"') {
                fields.last() += c;
                ++i;
            } else if (c == u'"') {
                quoted = !quoted;
            } else if (c == u',' && !quoted) {
                fields << QString();
            } else {
                fields.last() += c;
            }
        }
        return fields;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        const QString database = copyFixture(smallDemoFixture(), m_dir);
        SqlStore store(database);
        await(store.open(OpenMode::OpenExisting));
        for (const BillingTotalsRow& row : await(store.billingTotals({}))) {
            m_data.totals << row;
        }
        QVERIFY2(m_data.totals.size() > 10, "the demo has billing totals");
        for (const Tenant& tenant : await(store.tenants({.limit = 500})).items)
            m_data.tenantNames.insert(tenant.id, tenant.displayName);
        m_data.budgets = await(store.budgets());
        m_data.title = u"Billing report"_s;
        m_data.scope = u"All tenants"_s;
        m_data.generatedAt = QDateTime::currentDateTimeUtc();
        QImage logo(64, 32, QImage::Format_ARGB32);
        logo.fill(QColor(0x20, 0x80, 0x40));
        m_data.branding.logo = logo;

        DecimalSum sum;
        for (const BillingTotalsRow& row : std::as_const(m_data.totals))
            QVERIFY(sum.add(row.billedCost));
        m_grandTotal = sum.text();
    }

    void tablesSumExactly()
    {
        const BillingReportTables tables = billingReportTables(m_data);
        QVERIFY(!tables.months.isEmpty());
        QVERIFY(std::is_sorted(tables.months.cbegin(), tables.months.cend()));
        QCOMPARE(tables.grandTotals.size(), 1); // the demo bills in one currency
        DecimalSum grand;
        QVERIFY(grand.add(tables.grandTotals.constFirst().second));
        QCOMPARE(grand.text(), m_grandTotal);
        // Every pivot adds up to the grand total, and each row's months to its total.
        for (const auto* pivot : {&tables.byTenant, &tables.byService}) {
            DecimalSum all;
            for (const auto& cell : *pivot) {
                QCOMPARE(cell.monthly.size(), tables.months.size());
                DecimalSum months;
                for (const QString& amount : cell.monthly)
                    QVERIFY(months.add(amount));
                DecimalSum total;
                QVERIFY(total.add(cell.total));
                QCOMPARE(months.text(), total.text());
                all.add(total);
            }
            QCOMPARE(all.text(), m_grandTotal);
        }
        // Month over month: the change is exactly latest − previous.
        QVERIFY(!tables.changes.isEmpty());
        for (const auto& change : tables.changes) {
            DecimalSum check;
            QVERIFY(check.add(change.previous));
            QVERIFY(check.add(change.change));
            DecimalSum latest;
            QVERIFY(latest.add(change.latest));
            QCOMPARE(check.text(), latest.text());
        }
        for (const auto& budget : tables.budgets)
            QVERIFY(budget.percentUsed >= 0);
    }

    void csvCarriesEveryRowExactly()
    {
        const QString path = m_dir.filePath(u"report.csv"_s);
        BillingReportData data = m_data;
        data.tenantNames.insert(data.totals.constFirst().tenantId ? data.totals.constFirst().tenantId : 1,
                                u"=HYPERLINK(\"http://x\")"_s);
        QString error;
        QVERIFY2(writeBillingReport(data, ReportFormat::Csv, path, &error), qPrintable(error));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(file.readAll()).split(u"\r\n"_s, Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), data.totals.size() + 1);
        QVERIFY(lines.constFirst().startsWith(u"tenant,service"_s));
        DecimalSum sum;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QStringList fields = csvFields(lines.at(i));
            QCOMPARE(fields.size(), 10);
            QVERIFY2(sum.add(fields.at(5)), qPrintable(lines.at(i)));
            QVERIFY2(!fields.at(0).startsWith(u'='), "a formula is never left for a spreadsheet to run");
        }
        QCOMPARE(sum.text(), m_grandTotal);
    }

    void xlsxHasEverySheet()
    {
        if (QStandardPaths::findExecutable(u"unzip"_s).isEmpty())
            QSKIP("unzip is not installed (scripts/setup --test installs it)");
        const QString path = m_dir.filePath(u"report.xlsx"_s);
        QString error;
        QVERIFY2(writeBillingReport(m_data, ReportFormat::Xlsx, path, &error), qPrintable(error));
        QVERIFY(!QFile::exists(path + u".part"_s));
        QVERIFY(!run(u"unzip"_s, {u"-tq"_s, path}).isEmpty()); // a sound zip
        const QString workbook = run(u"unzip"_s, {u"-p"_s, path, u"xl/workbook.xml"_s});
        for (const QString& sheet : {u"Summary"_s, u"Tenants"_s, u"Services"_s, u"Budgets"_s, u"Detail"_s})
            QVERIFY2(workbook.contains(u"name=\""_s + sheet + u'"'), qPrintable(sheet));
        const QString strings = run(u"unzip"_s, {u"-p"_s, path, u"xl/sharedStrings.xml"_s});
        const BillingReportTables tables = billingReportTables(m_data);
        QVERIFY(strings.contains(tables.byTenant.constFirst().key.toHtmlEscaped()));
        // The detail sheet has one row per total, plus the header.
        const QString detail = run(u"unzip"_s, {u"-p"_s, path, u"xl/worksheets/sheet5.xml"_s});
        QCOMPARE(detail.count(u"<row "_s), m_data.totals.size() + 1);
    }

    void pdfRendersBrandedPages()
    {
        if (QStandardPaths::findExecutable(u"pdftoppm"_s).isEmpty())
            QSKIP("pdftoppm is not installed (scripts/setup --test installs poppler-utils)");
        const QString path = m_dir.filePath(u"report.pdf"_s);
        QString error;
        QVERIFY2(writeBillingReport(m_data, ReportFormat::Pdf, path, &error), qPrintable(error));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.read(5) == "%PDF-");
        file.close();
        if (const QString keep = qEnvironmentVariable("TENANTDESK_KEEP_REPORT"); !keep.isEmpty())
            QFile::copy(path, keep); // to look at it
        const QString prefix = m_dir.filePath(u"page"_s);
        QProcess render;
        render.start(u"pdftoppm"_s, {u"-r"_s, u"40"_s, u"-png"_s, path, prefix});
        QVERIFY(render.waitForFinished(60000));
        QCOMPARE(render.exitCode(), 0);
        const QStringList pages = QDir(m_dir.path()).entryList({u"page*.png"_s}, QDir::Files, QDir::Name);
        QVERIFY2(pages.size() >= 2, "the demo's tables take more than one page");
        for (const QString& page : pages) {
            const QImage image(m_dir.filePath(page));
            QVERIFY(!image.isNull());
            // Every page has its branded header: the accent colour appears on it, and it is not blank.
            bool accent = false;
            int inked = 0;
            for (int y = 0; y < image.height(); ++y) {
                for (int x = 0; x < image.width(); ++x) {
                    const QColor pixel = image.pixelColor(x, y);
                    if (pixel != Qt::white)
                        ++inked;
                    if (qAbs(pixel.red() - m_data.branding.accent.red()) < 12 && qAbs(pixel.green() - m_data.branding.accent.green()) < 12
                        && qAbs(pixel.blue() - m_data.branding.accent.blue()) < 12)
                        accent = true;
                }
            }
            QVERIFY2(accent, qPrintable(page));
            QVERIFY2(inked > image.width() * image.height() / 100, qPrintable(page));
        }
        if (!QStandardPaths::findExecutable(u"pdftotext"_s).isEmpty()) {
            const QString text = run(u"pdftotext"_s, {path, u"-"_s});
            QVERIFY(text.contains(u"Cost by tenant"_s));
            const BillingReportTables tables = billingReportTables(m_data);
            QVERIFY(text.contains(tables.byTenant.constFirst().key));
            // The charts: cost per month by tenant and by service (the largest in the legend), and
            // each budget's cost in the latest month against it.
            QVERIFY(text.contains(u"Cost per month by tenant"_s));
            QVERIFY(text.contains(u"Cost per month by service"_s));
            QVERIFY(text.count(tables.byService.constFirst().key) >= 2); // legend and table
            QVERIFY(!tables.budgets.isEmpty());
            QVERIFY(text.contains(u"Cost against budget, "_s + tables.months.constLast()));
            const auto& budget = tables.budgets.constFirst();
            QVERIFY2(text.contains(QLocale().toString(budget.cost.toDouble(), 'f', 2) + u" of "_s
                                   + QLocale().toString(budget.budget.toDouble(), 'f', 2) + u' ' + budget.currency),
                     qPrintable(text));
        }
    }

    void failureLeavesNothing()
    {
        for (ReportFormat format : {ReportFormat::Csv, ReportFormat::Xlsx, ReportFormat::Pdf}) {
            const QString path = m_dir.filePath(u"missing-folder/report"_s);
            QString error;
            QVERIFY(!writeBillingReport(m_data, format, path, &error));
            QVERIFY2(error.contains(u"missing-folder"_s), qPrintable(error));
            QVERIFY(!QFile::exists(path));
        }
        QCOMPARE(reportFormatForPath(u"a/b.PDF"_s), ReportFormat::Pdf);
        QCOMPARE(reportFormatForPath(u"b.xlsx"_s), ReportFormat::Xlsx);
        QCOMPARE(reportFormatForPath(u"b.csv"_s), ReportFormat::Csv);
    }
};

int main(int argc, char* argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    TestBillingReport test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_billingreport.moc"
