// tenantctl's billing import commands, run as a person runs them, on a copy of the small demo:
// the shared FOCUS sample imported with its exact total and lines attributed by a tenant tag,
// listed, refused when sent again, and deleted; a broken file fails with the line and column.
#include "Decimal.h"
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

namespace {

struct Run {
    int exitCode = -1;
    QString out;
    QString err;
};

QString samplePath()
{
    return QDir(QStringLiteral(TENANTDESK_SHARED_DATA_DIR)).filePath(u"focus/focus_sample.csv"_s);
}

// The sample's data lines and the sum of their BilledCost, read here with a plain split (the
// sample's BilledCost, its second column, is never quoted and comes before any quoted comma).
std::pair<qint64, QString> sampleFacts()
{
    QFile file(samplePath());
    if (!file.open(QIODevice::ReadOnly))
        return {0, {}};
    file.readLine();
    qint64 lines = 0;
    DecimalSum sum;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        if (line.isEmpty())
            continue;
        ++lines;
        sum.add(QString::fromLatin1(line.split(',').value(1)));
    }
    return {lines, sum.text()};
}

} // namespace

class TestTenantctlBilling : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_database;

    Run tenantctl(const QStringList& arguments, const QString& language = {}) const
    {
        QProcess process;
        if (!language.isEmpty()) {
            QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
            environment.insert(u"LANGUAGE"_s, language);
            environment.insert(u"LC_ALL"_s, language + u".UTF-8"_s);
            process.setProcessEnvironment(environment);
        }
        process.start(QStringLiteral(TENANTCTL_PATH), QStringList{u"--database"_s, m_database} + arguments);
        if (!process.waitForFinished(120000))
            qFatal("tenantctl did not finish");
        return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
                QString::fromUtf8(process.readAllStandardError())};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_database = copyFixture(smallDemoFixture(), m_dir);
        QVERIFY(QFile::exists(samplePath()));
    }

    void importsListsRefusesAndDeletes()
    {
        const auto [lines, billed] = sampleFacts();
        QCOMPARE(lines, 1000);
        const QString sample = QDir(m_dir.path()).filePath(u"focus_sample.csv"_s);
        QVERIFY(QFile::copy(samplePath(), sample));

        // A tenant whose slug is a business_unit of the sample takes that unit's lines.
        const Run created = tenantctl({u"tenants"_s, u"create"_s, u"viennaai"_s, u"--name"_s, u"Vienna AI"_s,
                                       u"--timezone"_s, u"UTC"_s, u"--language"_s, u"en"_s});
        QVERIFY2(created.exitCode == 0, qPrintable(created.err));
        const Run imported = tenantctl({u"billing"_s, u"import"_s, sample, u"--tenant-tag"_s, u"business_unit"_s});
        QVERIFY2(imported.exitCode == 0, qPrintable(imported.err));
        QVERIFY2(imported.out.contains(u"focus_sample.csv"_s), qPrintable(imported.out));
        QVERIFY2(imported.out.contains(billed + u" USD"_s), qPrintable(imported.out));
        QVERIFY2(imported.out.contains(u"1,000 lines"_s) || imported.out.contains(u"1000 lines"_s), qPrintable(imported.out));

        const Run listed = tenantctl({u"billing"_s, u"imports"_s, u"--json"_s});
        QVERIFY2(listed.exitCode == 0, qPrintable(listed.err));
        const QJsonArray items = QJsonDocument::fromJson(listed.out.toUtf8()).object().value(u"items"_s).toArray();
        QCOMPARE(items.size(), 1);
        const QJsonObject first = items.at(0).toObject();
        QCOMPARE(first.value(u"line_count"_s).toInteger(), lines);
        QCOMPARE(first.value(u"billed_cost_total"_s).toString(), billed);
        // Some lines went to the tenant, the rest stayed unallocated.
        const qint64 unallocated = first.value(u"unallocated_lines"_s).toInteger();
        QVERIFY2(unallocated > 0 && unallocated < lines, qPrintable(QString::number(unallocated)));

        // The same file again: refused on stderr, exit status 1, naming the earlier import.
        const Run again = tenantctl({u"billing"_s, u"import"_s, sample});
        QCOMPARE(again.exitCode, 1);
        QVERIFY2(again.err.contains(QString::number(first.value(u"id"_s).toInteger())), qPrintable(again.err));
        const Run skipped = tenantctl({u"billing"_s, u"import"_s, sample, u"--on-duplicate"_s, u"skip"_s});
        QCOMPARE(skipped.exitCode, 0);
        QVERIFY2(skipped.out.contains(u"Skipped"_s), qPrintable(skipped.out));
        QCOMPARE(tenantctl({u"billing"_s, u"import"_s, sample, u"--on-duplicate"_s, u"sometimes"_s}).exitCode, 2);

        const Run deleted = tenantctl({u"billing"_s, u"delete-import"_s, QString::number(first.value(u"id"_s).toInteger())});
        QVERIFY2(deleted.exitCode == 0, qPrintable(deleted.err));
        const Run empty = tenantctl({u"billing"_s, u"imports"_s});
        QVERIFY2(empty.exitCode == 0 && empty.out.contains(u"No billing file"_s), qPrintable(empty.out + empty.err));
        QCOMPARE(tenantctl({u"billing"_s, u"delete-import"_s, QString::number(first.value(u"id"_s).toInteger())}).exitCode, 1);
    }

    void brokenFileFailsWithLineAndColumn()
    {
        QFile source(samplePath());
        QVERIFY(source.open(QIODevice::ReadOnly));
        QList<QByteArray> lines = source.readAll().split('\n');
        QList<QByteArray> fields = lines[4].split(',');
        fields[1] = "12,5"; // BilledCost of line 5, with a decimal comma
        lines[4] = fields.join(',');
        const QString broken = QDir(m_dir.path()).filePath(u"broken.csv"_s);
        QFile out(broken);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(lines.join('\n'));
        out.close();

        const Run run = tenantctl({u"billing"_s, u"import"_s, broken});
        QCOMPARE(run.exitCode, 1);
        QVERIFY(run.out.isEmpty());
        QVERIFY2(run.err.contains(u"broken.csv"_s) && run.err.contains(u"5"_s), qPrintable(run.err));
        const Run listed = tenantctl({u"billing"_s, u"imports"_s, u"--json"_s});
        QCOMPARE(QJsonDocument::fromJson(listed.out.toUtf8()).object().value(u"items"_s).toArray().size(), 0);
    }

    void brokenTagsAreNamedInTheUsersLanguage()
    {
        QFile source(samplePath());
        QVERIFY(source.open(QIODevice::ReadOnly));
        QList<QByteArray> lines = source.readAll().split('\n');
        QVERIFY(lines[2].endsWith("\"}\""));
        lines[2].chop(2);
        lines[2] += ", \"\"size\"\": 1e}\""; // a number with an empty exponent in the tags of line 3
        const QString broken = QDir(m_dir.path()).filePath(u"broken-tags.csv"_s);
        QFile out(broken);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(lines.join('\n'));
        out.close();

        const Run english = tenantctl({u"billing"_s, u"import"_s, broken});
        QCOMPARE(english.exitCode, 1);
        QVERIFY2(english.err.contains(u"line 3, column Tags"_s) && english.err.contains(u"exponent"_s), qPrintable(english.err));
        const Run german = tenantctl({u"billing"_s, u"import"_s, broken}, u"de_DE"_s);
        QCOMPARE(german.exitCode, 1);
        QVERIFY2(german.err.contains(u"Zeile 3, Spalte Tags"_s) && german.err.contains(u"Exponenten"_s), qPrintable(german.err));
        const Run french = tenantctl({u"billing"_s, u"import"_s, broken}, u"fr_FR"_s);
        QCOMPARE(french.exitCode, 1);
        QVERIFY2(french.err.contains(u"exposant"_s), qPrintable(french.err));
        const Run listed = tenantctl({u"billing"_s, u"imports"_s, u"--json"_s});
        QCOMPARE(QJsonDocument::fromJson(listed.out.toUtf8()).object().value(u"items"_s).toArray().size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestTenantctlBilling)
#include "tst_tenantctl_billing_import.moc"
