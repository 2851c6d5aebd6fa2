// tenantctl's billing review commands, run as a person runs them, on a copy of the small demo:
// billing summary grouped by tenant, service and month with exact sums (checked against the lines
// summed here), as text, JSON and CSV; billing rules show and set (cost moving to "(unallocated)",
// a stale file refused); billing budget set and removed.

#include "Decimal.h"
#include "SqlStore.h"
#include "TestSupport.h"

#include <QFile>
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
};

QTEST_GUILESS_MAIN(TestTenantctlBilling)
#include "tst_tenantctl_billing.moc"
