// tenantctl's billing review commands, run as a person runs them, on a copy of the small demo:
// billing summary grouped by tenant, service and month with exact sums (checked against the lines
// summed here), as text, JSON and CSV; billing rules show and set (cost moving to "(unallocated)",
// a stale file refused); billing budget set and removed; billing report as PDF, XLSX and CSV, in the
// tenant's branding pack.

#include "Decimal.h"
#include "SqlStore.h"
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <map>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

namespace {

struct Run {
    int exitCode = -1;
    QString out;
    QString err;
};

QJsonObject objectOf(const Run& run)
{
    return QJsonDocument::fromJson(run.out.toUtf8()).object();
}

QJsonArray rowsOf(const Run& run)
{
    return objectOf(run).value(u"rows"_s).toArray();
}

// The standard output of a helper program (pdftotext, unzip), empty when it fails.
QString outputOf(const QString& program, const QStringList& arguments)
{
    QProcess process;
    process.start(program, arguments);
    if (!process.waitForFinished(60000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return {};
    return QString::fromUtf8(process.readAllStandardOutput());
}

// The fields of one CSV line (RFC 4180 quoting, no line breaks inside).
QStringList csvFields(const QString& line)
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

// A branding pack's manifest from the sources (what tenantctl has compiled in).
QJsonObject brandManifest(const QString& slug)
{
    QFile file(QStringLiteral(TENANTDESK_BRANDING_DIR) + u'/' + slug + u"/brand.json"_s);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

QColor lightAccent(const QJsonObject& manifest)
{
    return QColor(manifest.value(u"palettes"_s).toObject().value(u"light"_s).toObject().value(u"accent"_s).toString());
}

// The pages of a PDF as pdftoppm renders them at 40 dpi, in order.
QList<QImage> renderedPages(const QString& pdf, const QString& folder)
{
    QDir().mkpath(folder);
    QProcess render;
    render.start(u"pdftoppm"_s, {u"-r"_s, u"40"_s, u"-png"_s, pdf, folder + u"/page"_s});
    if (!render.waitForFinished(60000) || render.exitCode() != 0)
        return {};
    QList<QImage> pages;
    for (const QString& name : QDir(folder).entryList({u"page*.png"_s}, QDir::Files, QDir::Name))
        pages << QImage(folder + u'/' + name);
    return pages;
}

// How many pixels of `image` are not white, and whether one is within 12 of `colour` on every channel.
std::pair<qsizetype, bool> inkAndColour(const QImage& image, const QColor& colour)
{
    qsizetype inked = 0;
    bool found = false;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            const QColor pixel = image.pixelColor(x, y);
            if (pixel != Qt::white)
                ++inked;
            if (qAbs(pixel.red() - colour.red()) < 12 && qAbs(pixel.green() - colour.green()) < 12
                && qAbs(pixel.blue() - colour.blue()) < 12)
                found = true;
        }
    }
    return {inked, found};
}

// The billed cost of `billing summary --json` rows, summed exactly.
QString summedBilledCost(const QJsonArray& rows)
{
    DecimalSum sum;
    for (const QJsonValue& value : rows)
        sum.add(value.toObject().value(u"billed_cost"_s).toString());
    return sum.text();
}

} // namespace

#define TENANTCTL_OK(run)                                                                                              \
    do {                                                                                                               \
        const Run& r_ = (run);                                                                                         \
        QVERIFY2(r_.exitCode == 0, qPrintable(u"exit status %1: %2"_s.arg(r_.exitCode).arg(r_.err)));                  \
    } while (false)

#define TENANTCTL_REFUSED(run, status, text)                                                                           \
    do {                                                                                                               \
        const Run& r_ = (run);                                                                                         \
        QVERIFY2(r_.exitCode == (status) && r_.err.contains(text) && r_.out.isEmpty(),                                 \
                 qPrintable(u"exit status %1 (expected %2): %3%4"_s.arg(r_.exitCode).arg(status).arg(r_.err, r_.out))); \
    } while (false)

class TestTenantctlBilling : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_database;

    Run tenantctl(const QStringList& arguments, const QString& language = {}) const
    {
        return tenantctlOn(m_database, arguments, language);
    }

    static Run tenantctlOn(const QString& database, const QStringList& arguments, const QString& language = {})
    {
        QProcess process;
        if (!language.isEmpty()) {
            QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
            environment.insert(u"LANGUAGE"_s, language);
            environment.insert(u"LC_ALL"_s, language + u".UTF-8"_s);
            process.setProcessEnvironment(environment);
        }
        process.start(QStringLiteral(TENANTCTL_PATH), QStringList{u"--database"_s, database} + arguments);
        if (!process.waitForFinished(120000))
            qFatal("tenantctl did not finish");
        return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
                QString::fromUtf8(process.readAllStandardError())};
    }

    // Every line's billed cost summed here, by tenant slug ("" for none) and month.
    std::map<std::pair<QString, QString>, DecimalSum> linesByTenantAndMonth() const
    {
        SqlStore store(m_database);
        await(store.open(OpenMode::OpenExisting));
        QHash<TenantId, QString> slugs;
        std::map<std::pair<QString, QString>, DecimalSum> sums;
        BillingLineQuery query{.limit = 500};
        for (;;) {
            const Page<BillingLine> page = await(store.billingLines(query));
            for (const BillingLine& line : page.items) {
                if (line.tenantId != 0 && !slugs.contains(line.tenantId))
                    slugs.insert(line.tenantId, await(store.tenant(line.tenantId)).slug);
                sums[{slugs.value(line.tenantId), line.chargePeriodStart.toUTC().toString(u"yyyy-MM"_s)}].add(line.billedCost);
            }
            if (page.isLast())
                return sums;
            query.cursor = page.nextCursor;
        }
    }

    QString writeFile(const QString& name, const QByteArray& content) const
    {
        const QString path = m_dir.filePath(name);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_database = copyFixture(smallDemoFixture(), m_dir);
    }

    void summarySumsExactlyByTenantServiceAndMonth()
    {
        const auto expected = linesByTenantAndMonth();
        const Run byTenantMonth = tenantctl({u"billing"_s, u"summary"_s, u"--by"_s, u"tenant,month"_s, u"--json"_s});
        TENANTCTL_OK(byTenantMonth);
        const QJsonArray rows = rowsOf(byTenantMonth);
        QCOMPARE(qsizetype(rows.size()), qsizetype(expected.size()));
        for (const QJsonValue& value : rows) {
            const QJsonObject row = value.toObject();
            const auto it = expected.find({row.value(u"tenant"_s).toString(), row.value(u"month"_s).toString()});
            QVERIFY2(it != expected.end(), qPrintable(row.value(u"tenant"_s).toString()));
            QCOMPARE(Decimal::parse(row.value(u"billed_cost"_s).toString()).value(), it->second.value());
            QCOMPARE(row.value(u"currency"_s).toString(), u"USD"_s);
            QVERIFY(!row.contains(u"service"_s));
        }

        // Grouped finer, the rows add up to the coarser ones exactly.
        const Run fine = tenantctl({u"billing"_s, u"summary"_s, u"--by"_s, u"tenant,service,month"_s, u"--json"_s});
        TENANTCTL_OK(fine);
        std::map<std::pair<QString, QString>, DecimalSum> regrouped;
        for (const QJsonValue& value : rowsOf(fine)) {
            const QJsonObject row = value.toObject();
            QVERIFY(!row.value(u"service"_s).toString().isEmpty());
            regrouped[{row.value(u"tenant"_s).toString(), row.value(u"month"_s).toString()}].add(row.value(u"billed_cost"_s).toString());
        }
        QVERIFY(rowsOf(fine).size() > rows.size());
        for (const auto& [key, sum] : expected)
            QCOMPARE(regrouped.at(key).value(), sum.value());

        // The CSV holds the same rows, the same amounts; the text ends with the total.
        const Run csv = tenantctl({u"billing"_s, u"summary"_s, u"--by"_s, u"tenant,month"_s, u"--csv"_s});
        TENANTCTL_OK(csv);
        const QStringList lines = csv.out.split(u"\r\n"_s, Qt::SkipEmptyParts);
        QCOMPARE(lines.constFirst(), u"tenant,month,currency,billed_cost,effective_cost,list_cost,shared_billed_cost,lines"_s);
        QCOMPARE(qsizetype(lines.size()), qsizetype(rows.size() + 1));
        const QJsonObject first = rows.at(0).toObject();
        QVERIFY(lines.at(1).startsWith(first.value(u"tenant"_s).toString() + u',' + first.value(u"month"_s).toString()
                                       + u",USD,"_s + first.value(u"billed_cost"_s).toString() + u','));
        // The column names are for scripts: the same in German, where the text table is German.
        const Run german = tenantctl({u"billing"_s, u"summary"_s, u"--by"_s, u"tenant,month"_s, u"--csv"_s}, u"de_DE"_s);
        TENANTCTL_OK(german);
        QCOMPARE(german.out.split(u"\r\n"_s, Qt::SkipEmptyParts), lines);
        const Run germanText = tenantctl({u"billing"_s, u"summary"_s}, u"de_DE"_s);
        TENANTCTL_OK(germanText);
        QVERIFY2(!germanText.out.contains(u"Total USD: billed "_s), qPrintable(germanText.out));
        const Run text = tenantctl({u"billing"_s, u"summary"_s});
        TENANTCTL_OK(text);
        DecimalSum all;
        for (const auto& [key, sum] : expected)
            all.add(sum);
        QVERIFY2(text.out.contains(u"Total USD: billed "_s + all.value().text() + u','), qPrintable(text.out));
    }

    void summaryFiltersByTenantAndDays()
    {
        const QJsonArray all = rowsOf(tenantctl({u"billing"_s, u"summary"_s, u"--by"_s, u"tenant,month"_s, u"--json"_s}));
        const QJsonObject some = all.at(0).toObject();
        const QString slug = some.value(u"tenant"_s).toString(), month = some.value(u"month"_s).toString();
        const Run one = tenantctl({u"billing"_s, u"summary"_s, u"--by"_s, u"month"_s, u"--tenant"_s, slug, u"--json"_s});
        TENANTCTL_OK(one);
        QJsonArray expected;
        for (const QJsonValue& value : all) {
            if (value.toObject().value(u"tenant"_s).toString() == slug)
                expected.append(value.toObject().value(u"billed_cost"_s));
        }
        QJsonArray actual;
        for (const QJsonValue& value : rowsOf(one))
            actual.append(value.toObject().value(u"billed_cost"_s));
        QCOMPARE(actual, expected);

        // --to is the last day included: one month, from its first day to its last.
        const QDate start = QDate::fromString(month + u"-01"_s, Qt::ISODate);
        const Run range = tenantctl({u"billing"_s, u"summary"_s, u"--by"_s, u"tenant,month"_s, u"--from"_s,
                                     start.toString(Qt::ISODate), u"--to"_s, start.addMonths(1).addDays(-1).toString(Qt::ISODate),
                                     u"--json"_s});
        TENANTCTL_OK(range);
        QVERIFY(!rowsOf(range).isEmpty());
        for (const QJsonValue& value : rowsOf(range))
            QCOMPARE(value.toObject().value(u"month"_s).toString(), month);

        TENANTCTL_REFUSED(tenantctl({u"billing"_s, u"summary"_s, u"--by"_s, u"region"_s}), 2, u"--by"_s);
        TENANTCTL_REFUSED(tenantctl({u"billing"_s, u"summary"_s, u"--json"_s, u"--csv"_s}), 2, u"--csv"_s);
        TENANTCTL_REFUSED(tenantctl({u"billing"_s, u"summary"_s, u"--from"_s, u"yesterday"_s}), 2, u"--from"_s);
    }

    void rulesMoveCostToUnallocatedAndBack()
    {
        const Run shown = tenantctl({u"billing"_s, u"rules"_s, u"show"_s, u"--json"_s});
        TENANTCTL_OK(shown);
        const QJsonObject demo = objectOf(shown);
        QCOMPARE(demo.value(u"tenant_tag_keys"_s).toArray(), QJsonArray{u"tenant"_s});
        const QJsonArray tenants = rowsOf(tenantctl({u"billing"_s, u"summary"_s, u"--json"_s}));
        const QJsonObject first = tenants.at(0).toObject(), second = tenants.at(1).toObject();
        const Decimal total = [&] {
            DecimalSum sum;
            for (const QJsonValue& value : tenants)
                sum.add(value.toObject().value(u"billed_cost"_s).toString());
            return sum.value();
        }();

        // Only the first two tenants' cost is attributed, both to the second; the rest is unallocated.
        const QJsonObject rules{
            {u"mappings"_s, QJsonArray{
                QJsonObject{{u"source"_s, u"tag"_s}, {u"key"_s, u"tenant"_s}, {u"value"_s, first.value(u"tenant"_s)},
                            {u"tenant_id"_s, second.value(u"tenant_id"_s)}},
                QJsonObject{{u"source"_s, u"tag"_s}, {u"key"_s, u"tenant"_s}, {u"value"_s, second.value(u"tenant"_s)},
                            {u"tenant_id"_s, second.value(u"tenant_id"_s)}}}}};
        const Run set = tenantctl({u"billing"_s, u"rules"_s, u"set"_s,
                                   writeFile(u"rules.json"_s, QJsonDocument(rules).toJson())});
        TENANTCTL_OK(set);
        QVERIFY2(set.out.contains(u"version 2 applied"_s), qPrintable(set.out));
        const QJsonArray after = rowsOf(tenantctl({u"billing"_s, u"summary"_s, u"--json"_s}));
        QCOMPARE(after.size(), 2);
        const QJsonObject moved = after.at(0).toObject(), unallocated = after.at(1).toObject();
        QCOMPARE(moved.value(u"tenant"_s), second.value(u"tenant"_s));
        QCOMPARE(Decimal::parse(moved.value(u"billed_cost"_s).toString()).value(),
                 Decimal::parse(first.value(u"billed_cost"_s).toString()).value()
                     + Decimal::parse(second.value(u"billed_cost"_s).toString()).value());
        QVERIFY(unallocated.value(u"tenant"_s).isNull());
        QCOMPARE(Decimal::parse(moved.value(u"billed_cost"_s).toString()).value()
                     + Decimal::parse(unallocated.value(u"billed_cost"_s).toString()).value(), total);
        const Run text = tenantctl({u"billing"_s, u"summary"_s});
        QVERIFY2(text.out.contains(u"(unallocated)"_s), qPrintable(text.out));
        const Run readable = tenantctl({u"billing"_s, u"rules"_s, u"show"_s});
        QVERIFY2(readable.out.contains(u"Mapping: tag tenant = "_s + first.value(u"tenant"_s).toString()), qPrintable(readable.out));

        // The file shown at version 1 is stale now: refused, nothing changed.
        TENANTCTL_REFUSED(tenantctl({u"billing"_s, u"rules"_s, u"set"_s,
                                     writeFile(u"stale.json"_s, QJsonDocument(demo).toJson())}), 1, u"changed"_s);
        TENANTCTL_REFUSED(tenantctl({u"billing"_s, u"rules"_s, u"set"_s,
                                     writeFile(u"bad.json"_s, R"({"mappings": [{"value": "x", "tenant_id": "two"}]})")}),
                          1, u"mappings[0]"_s);
        // The demo's rules again, without a version: every total as before.
        QJsonObject again = demo;
        again.remove(u"version"_s);
        TENANTCTL_OK(tenantctl({u"billing"_s, u"rules"_s, u"set"_s, writeFile(u"again.json"_s, QJsonDocument(again).toJson())}));
        QCOMPARE(rowsOf(tenantctl({u"billing"_s, u"summary"_s, u"--json"_s})), tenants);
    }

    void budgetsAreSetAndRemoved()
    {
        const QString slug = rowsOf(tenantctl({u"billing"_s, u"summary"_s, u"--json"_s})).at(0).toObject().value(u"tenant"_s).toString();
        const Run set = tenantctl({u"billing"_s, u"budget"_s, slug, u"1500"_s, u"EUR"_s});
        TENANTCTL_OK(set);
        QVERIFY2(set.out.contains(u"1500.00 EUR"_s), qPrintable(set.out));
        SqlStore store(m_database);
        await(store.open(OpenMode::OpenExisting));
        const TenantId id = await(store.tenantBySlug(slug)).id;
        QVERIFY(await(store.budgets()).contains(TenantBudget{id, u"1500.00"_s, u"EUR"_s}));
        TENANTCTL_REFUSED(tenantctl({u"billing"_s, u"budget"_s, slug, u"1e3"_s, u"EUR"_s}), 1, u"amount"_s);
        TENANTCTL_REFUSED(tenantctl({u"billing"_s, u"budget"_s, slug, u"10"_s}), 2, u"currency"_s);
        TENANTCTL_OK(tenantctl({u"billing"_s, u"budget"_s, slug, u"none"_s, u"EUR"_s}));
        for (const TenantBudget& budget : await(store.budgets()))
            QVERIFY(!(budget.tenantId == id && budget.currency == u"EUR"_s));
    }

    void reportWritesPdfXlsxAndCsv()
    {
        for (const QString& tool : {u"pdftoppm"_s, u"pdftotext"_s, u"unzip"_s}) {
            if (QStandardPaths::findExecutable(tool).isEmpty())
                QSKIP(qPrintable(tool + u" is not installed (scripts/setup --test installs poppler-utils and unzip)"_s));
        }
        // A copy of its own: the other tests here change rules and budgets.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString database = copyFixture(smallDemoFixture(), dir);
        const auto run = [&database](const QStringList& arguments) { return tenantctlOn(database, arguments); };
        const QString pdf = dir.filePath(u"report.pdf"_s), xlsx = dir.filePath(u"report.xlsx"_s),
                      csv = dir.filePath(u"report.csv"_s);

        const Run all = run({u"billing"_s, u"report"_s, u"--pdf"_s, pdf, u"--xlsx"_s, xlsx, u"--output"_s, csv});
        TENANTCTL_OK(all);
        for (const QString& path : {pdf, xlsx, csv})
            QVERIFY2(all.out.contains(u"Wrote "_s + QDir::toNativeSeparators(path)), qPrintable(all.out));
        const QJsonArray summary = rowsOf(run({u"billing"_s, u"summary"_s, u"--json"_s}));
        QVERIFY(summary.size() > 10);
        const QString total = summedBilledCost(summary);

        // The CSV's rows add up exactly to billing summary's total.
        QFile csvFile(csv);
        QVERIFY(csvFile.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(csvFile.readAll()).split(u"\r\n"_s, Qt::SkipEmptyParts);
        QVERIFY(lines.size() > summary.size());
        QCOMPARE(csvFields(lines.constFirst()).at(5), u"billed_cost"_s);
        DecimalSum csvSum;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QStringList fields = csvFields(lines.at(i));
            QCOMPARE(fields.size(), 10);
            QVERIFY2(csvSum.add(fields.at(5)), qPrintable(lines.at(i)));
        }
        QCOMPARE(csvSum.text(), total);

        // The XLSX is a sound zip with the report's sheets.
        QVERIFY(!outputOf(u"unzip"_s, {u"-tq"_s, xlsx}).isEmpty());
        const QString workbook = outputOf(u"unzip"_s, {u"-p"_s, xlsx, u"xl/workbook.xml"_s});
        for (const QString& sheet : {u"Summary"_s, u"Tenants"_s, u"Services"_s, u"Budgets"_s, u"Detail"_s})
            QVERIFY2(workbook.contains(u"name=\""_s + sheet + u'"'), qPrintable(sheet));

        // The PDF: pages with ink, the platform's accent on each, the grand total and the charts in its text.
        const QColor platformAccent = lightAccent(brandManifest(u"default"_s));
        QVERIFY(platformAccent.isValid());
        const QList<QImage> pages = renderedPages(pdf, dir.filePath(u"all"_s));
        QVERIFY2(pages.size() >= 2, "the demo's report takes more than one page");
        for (const QImage& page : pages) {
            QVERIFY(!page.isNull());
            const auto [inked, accent] = inkAndColour(page, platformAccent);
            QVERIFY(inked > page.width() * page.height() / 100);
            QVERIFY(accent);
        }
        const QString text = outputOf(u"pdftotext"_s, {pdf, u"-"_s});
        QVERIFY(text.contains(u"All tenants"_s));
        QVERIFY2(text.contains(QLocale().toString(total.toDouble(), 'f', 2)), qPrintable(total));
        for (const QString& heading : {u"Cost per month by tenant"_s, u"Cost per month by service"_s, u"Cost against budget"_s})
            QVERIFY2(text.contains(heading), qPrintable(heading));

        // One tenant with a branding pack: its product name, its total and its accent colour on every page.
        const QString slug = u"contoso-bank"_s;
        const QJsonObject contoso = brandManifest(slug);
        QVERIFY2(!contoso.isEmpty(), "contoso-bank has a branding pack in resources/branding");
        QVERIFY(run({u"tenants"_s, u"show"_s, slug}).exitCode == 0); // and is a tenant of the demo
        const QColor contosoAccent = lightAccent(contoso);
        QVERIFY(contosoAccent.isValid() && contosoAccent != platformAccent);
        const QString tenantPdf = dir.filePath(u"contoso.pdf"_s);
        TENANTCTL_OK(run({u"billing"_s, u"report"_s, u"--tenant"_s, slug, u"--pdf"_s, tenantPdf}));
        const QString tenantTotal = summedBilledCost(
            rowsOf(run({u"billing"_s, u"summary"_s, u"--tenant"_s, slug, u"--json"_s})));
        const QString tenantText = outputOf(u"pdftotext"_s, {tenantPdf, u"-"_s});
        QVERIFY2(tenantText.contains(contoso.value(u"product_name"_s).toString()), qPrintable(tenantText));
        QVERIFY(tenantText.contains(u"Contoso Bank"_s));
        QVERIFY(!tenantText.contains(u"Wingtip"_s));
        QVERIFY2(tenantText.contains(QLocale().toString(tenantTotal.toDouble(), 'f', 2)), qPrintable(tenantTotal));
        const QList<QImage> tenantPages = renderedPages(tenantPdf, dir.filePath(u"contoso"_s));
        QVERIFY(!tenantPages.isEmpty());
        for (const QImage& page : tenantPages) {
            const auto [inked, accent] = inkAndColour(page, contosoAccent);
            QVERIFY(inked > page.width() * page.height() / 100);
            QVERIFY(accent);
            QVERIFY(!inkAndColour(page, platformAccent).second); // not the platform's look
        }

        // A sub-tenant without a pack of its own: its nearest ancestor's.
        const QJsonObject redwood = brandManifest(u"redwood-games"_s);
        QVERIFY(!redwood.isEmpty());
        const Run children = run({u"tenants"_s, u"list"_s, u"--parent"_s, u"redwood-games"_s, u"--json"_s});
        TENANTCTL_OK(children);
        const QString child = QJsonDocument::fromJson(children.out.toUtf8()).array().at(0).toObject().value(u"slug"_s).toString();
        QVERIFY2(child.startsWith(u"redwood-games."_s), qPrintable(child));
        QVERIFY(brandManifest(child).isEmpty());
        const QString childPdf = dir.filePath(u"child.pdf"_s);
        TENANTCTL_OK(run({u"billing"_s, u"report"_s, u"--tenant"_s, child, u"--pdf"_s, childPdf}));
        QVERIFY(outputOf(u"pdftotext"_s, {childPdf, u"-"_s}).contains(redwood.value(u"product_name"_s).toString()));
        QVERIFY(inkAndColour(renderedPages(childPdf, dir.filePath(u"child"_s)).value(0), lightAccent(redwood)).second);

        // A refused pack (--branding-dir): said on stderr, and the report in the platform's look.
        const QString packs = dir.filePath(u"packs"_s);
        QVERIFY(QDir().mkpath(packs + u'/' + slug));
        QFile broken(packs + u'/' + slug + u"/brand.json"_s);
        QVERIFY(broken.open(QIODevice::WriteOnly) && broken.write("{ not json") > 0);
        broken.close();
        const QString refusedPdf = dir.filePath(u"refused.pdf"_s);
        const Run refused = run({u"billing"_s, u"report"_s, u"--tenant"_s, slug, u"--branding-dir"_s, packs, u"--pdf"_s, refusedPdf});
        TENANTCTL_OK(refused);
        QVERIFY2(refused.err.contains(u"brand.json"_s), qPrintable(refused.err));
        QVERIFY(!outputOf(u"pdftotext"_s, {refusedPdf, u"-"_s}).contains(contoso.value(u"product_name"_s).toString()));

        // A range without cost: the report says so instead of empty tables.
        const QString emptyPdf = dir.filePath(u"empty.pdf"_s);
        const Run empty = run({u"billing"_s, u"report"_s, u"--since"_s, u"2099-01-01"_s, u"--pdf"_s, emptyPdf});
        TENANTCTL_OK(empty);
        QVERIFY2(empty.out.contains(u"no rows"_s), qPrintable(empty.out));
        const QString emptyText = outputOf(u"pdftotext"_s, {emptyPdf, u"-"_s});
        QVERIFY2(emptyText.contains(u"No billing data matches this report"_s), qPrintable(emptyText));
        QVERIFY(!emptyText.contains(u"Cost by service"_s));

        // Bad arguments: a clear message, and nothing written (not even the outputs that could be).
        const QString first = dir.filePath(u"first.pdf"_s), missing = dir.filePath(u"no-such-folder/report.xlsx"_s);
        TENANTCTL_REFUSED(run({u"billing"_s, u"report"_s, u"--tenant"_s, u"no-such-tenant"_s, u"--pdf"_s, first}), 1,
                          u"no-such-tenant"_s);
        QVERIFY(!QFile::exists(first));
        TENANTCTL_REFUSED(run({u"billing"_s, u"report"_s, u"--pdf"_s, first, u"--xlsx"_s, missing}), 1, u"no-such-folder"_s);
        QVERIFY(!QFile::exists(first));
        QVERIFY(!QFile::exists(missing));
        TENANTCTL_REFUSED(run({u"billing"_s, u"report"_s, u"--pdf"_s, dir.path()}), 1, u"folder"_s);
        TENANTCTL_REFUSED(run({u"billing"_s, u"report"_s, u"--tenant"_s, slug}), 2, u"--pdf"_s);
        TENANTCTL_REFUSED(run({u"billing"_s, u"report"_s, u"--branding-dir"_s, dir.filePath(u"none"_s), u"--pdf"_s, first}),
                          2, u"--branding-dir"_s);
        QVERIFY(!QFile::exists(first));
        // Only the files asked for, and no partial ones, were left.
        const QStringList left = QDir(dir.path()).entryList({u"*.pdf"_s, u"*.xlsx"_s, u"*.csv"_s, u"*.part"_s, u".report-*"_s},
                                                            QDir::Files | QDir::Hidden);
        QCOMPARE(left, (QStringList{u"child.pdf"_s, u"contoso.pdf"_s, u"empty.pdf"_s, u"refused.pdf"_s, u"report.csv"_s, u"report.pdf"_s,
                                    u"report.xlsx"_s}));
    }
};

QTEST_GUILESS_MAIN(TestTenantctlBilling)
#include "tst_tenantctl_billing.moc"
