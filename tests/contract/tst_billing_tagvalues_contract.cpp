// "Values seen", part of the Store contract, run by CTest once per backend
// (TENANTDESK_CONTRACT_BACKEND, see ContractStores): after the shared FOCUS sample is imported, the
// values of its business_unit tag, their line counts and their cost equal what the CSV itself holds
// (read here, independently of the importer); the tag keys seen are listed with their line counts;
// a value follows its lines to the tenant a rule attributes them to; a tenant admin sees only the
// values of their own tenants' lines; an unknown key gives nothing.

#include "ContractStores.h"
#include "Decimal.h"
#include "Permission.h"
#include "Policy.h"
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <algorithm>
#include <map>
#include <vector>
#include <set>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

namespace {

// The fields of one CSV line as RFC 4180 writes them ("" inside quotes is one quote).
QStringList csvFields(const QString& line)
{
    QStringList fields;
    QString field;
    bool quoted = false;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line.at(i);
        if (quoted) {
            if (c == u'"' && i + 1 < line.size() && line.at(i + 1) == u'"') {
                field += u'"';
                ++i;
            } else if (c == u'"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == u'"') {
            quoted = true;
        } else if (c == u',') {
            fields << field;
            field.clear();
        } else {
            field += c;
        }
    }
    fields << field;
    return fields;
}

struct ValueFacts {
    qint64 lines = 0;
    DecimalSum billed;
};

// What the sample holds, read from it independently of the importer.
struct SampleFacts {
    std::map<QString, ValueFacts> businessUnits; // value → lines and BilledCost
    std::map<QString, qint64> linesByKey;        // tag key → lines carrying it
    DecimalSum taggedBilled;                     // BilledCost of the lines with a business_unit
};

SampleFacts readSample(const QString& path)
{
    SampleFacts facts;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return facts;
    const QStringList header = csvFields(QString::fromUtf8(file.readLine()).trimmed());
    const qsizetype billedColumn = header.indexOf(u"BilledCost"_s);
    const qsizetype tagsColumn = header.indexOf(u"Tags"_s);
    while (!file.atEnd()) {
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        if (line.isEmpty())
            continue;
        const QStringList fields = csvFields(line);
        const QJsonObject tags = QJsonDocument::fromJson(fields.value(tagsColumn).toUtf8()).object();
        for (auto it = tags.begin(); it != tags.end(); ++it)
            ++facts.linesByKey[it.key()];
        const QJsonValue unit = tags.value(u"business_unit"_s);
        if (!unit.isString())
            continue;
        ValueFacts& value = facts.businessUnits[unit.toString()];
        ++value.lines;
        value.billed.add(fields.value(billedColumn));
        facts.taggedBilled.add(fields.value(billedColumn));
    }
    return facts;
}

Decimal amount(const QString& text)
{
    const std::optional<Decimal> parsed = Decimal::parse(text);
    if (!parsed)
        qFatal("not a decimal amount: %s", qPrintable(text));
    return *parsed;
}

// The rows summed per value, over tenants and currencies (the sample is in USD only).
std::map<QString, std::pair<qint64, Decimal>> perValue(const QList<BillingTagValue>& rows)
{
    std::map<QString, std::pair<qint64, Decimal>> values;
    for (const BillingTagValue& row : rows) {
        auto& [lines, billed] = values[row.value];
        lines += row.lineCount;
        billed += amount(row.billedCost);
    }
    return values;
}

} // namespace

class TestBillingTagValuesContract : public QObject
{
    Q_OBJECT

private:
    ContractStores m_stores;
    Store* m_store = nullptr;
    SampleFacts m_sample;
    qint64 m_importId = 0;

    BillingTagValueQuery ofImport(const QString& key) const
    {
        return BillingTagValueQuery{key, BillingFilter{.importId = m_importId}};
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (!m_stores.setUp())
            QFAIL(qPrintable(u"cannot prepare the stores: "_s + m_stores.error()));
        m_store = &m_stores.store();
        const QString sample = QDir(QStringLiteral(TENANTDESK_SHARED_DATA_DIR)).filePath(u"focus/focus_sample.csv"_s);
        m_sample = readSample(sample);
        QVERIFY2(m_sample.businessUnits.size() > 100, qPrintable(u"cannot read "_s + sample));
        const QString copy = QDir(m_stores.directory()).filePath(u"focus_sample.csv"_s);
        QVERIFY(QFile::copy(sample, copy));
        const BillingImportResult result = await(m_store->importBilling({copy, BillingFormat::Auto, DuplicateImport::Refuse, {}}));
        m_importId = result.import.id;
        QVERIFY(m_importId > 0);
    }

    // Every business_unit value of the file, with its line count and its BilledCost to the last digit.
    void valuesAreThoseOfTheFile()
    {
        const QList<BillingTagValue> rows = await(m_store->billingTagValues(ofImport(u"business_unit"_s)));
        const auto values = perValue(rows);
        QCOMPARE(values.size(), m_sample.businessUnits.size());
        Decimal total;
        for (const auto& [value, facts] : m_sample.businessUnits) {
            const auto found = values.find(value);
            QVERIFY2(found != values.end(), qPrintable(u"missing value "_s + value));
            QCOMPARE(found->second.first, facts.lines);
            QVERIFY2(found->second.second == facts.billed.value(),
                     qPrintable(value + u": "_s + found->second.second.text() + u" != "_s + facts.billed.text()));
            total += found->second.second;
        }
        QCOMPARE(total.text(), m_sample.taggedBilled.value().text());
        // In order of value, then tenant, then currency; each row's currency is the sample's.
        for (qsizetype i = 1; i < rows.size(); ++i)
            QVERIFY(rows.at(i - 1).value <= rows.at(i).value);
        for (const BillingTagValue& row : rows)
            QCOMPARE(row.billingCurrency, u"USD"_s);
    }

    // The keys seen, with how many lines carry each, the sample's odd " org" key included.
    void keysAreThoseOfTheLines()
    {
        const QList<BillingTagKey> keys = await(m_store->billingTagKeys());
        std::map<QString, qint64> seen;
        for (const BillingTagKey& key : keys)
            seen[key.key] = key.lineCount;
        for (const auto& [key, lines] : m_sample.linesByKey) {
            QVERIFY2(seen.count(key) == 1, qPrintable(u"missing key “"_s + key + u"”"_s));
            QVERIFY(seen.at(key) >= lines); // the demo's own lines may carry the same key
        }
        QVERIFY(seen.count(u" org"_s) == 1);
        for (qsizetype i = 1; i < keys.size(); ++i)
            QVERIFY(keys.at(i - 1).key < keys.at(i).key);
        // The import's lines alone: as many per key as the file has.
        for (const QString& key : {u"business_unit"_s, u" org"_s}) {
            qint64 lines = 0;
            for (const BillingTagValue& row : await(m_store->billingTagValues(ofImport(key))))
                lines += row.lineCount;
            QCOMPARE(lines, m_sample.linesByKey.at(key));
        }
    }

    void unknownKeyGivesNothing()
    {
        QVERIFY(await(m_store->billingTagValues({u"no-such-key"_s, {}})).isEmpty());
        QVERIFY(await(m_store->billingTagValues({u"business_unit"_s, {.importId = m_importId + 1000}})).isEmpty());
        const std::optional<StoreError> error = awaitError(m_store->billingTagValues({QString(), {}}));
        QVERIFY(error);
        QCOMPARE(errorCodeName(error->code()), errorCodeName(ErrorCode::Invalid));
    }

    // A mapping moves the value's lines to its tenant; a tenant admin sees only their tenants' values.
    void valuesFollowTheirTenantAndAdminsSeeOnlyTheirs()
    {
        // The two costliest values.
        std::vector<std::pair<Decimal, QString>> byCost;
        for (const auto& [value, facts] : m_sample.businessUnits)
            byCost.emplace_back(facts.billed.value(), value);
        std::sort(byCost.begin(), byCost.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
        const QString top = byCost.at(0).second;
        const QString second = byCost.at(1).second;

        // A top-level tenant with an active Tenant Admin, and another top-level tenant.
        Tenant home, other;
        MembershipEntry admin;
        for (const Tenant& tenant : await(m_store->tenants(TenantQuery{})).items) {
            if (tenant.parentId != 0)
                continue;
            if (admin.userId == 0) {
                for (const MembershipEntry& m : await(m_store->memberships(MembershipQuery{tenant.id, 0, 500, {}})).items) {
                    if (m.roleName == BuiltInRole::TenantAdmin && m.environmentId == 0 && admin.userId == 0
                        && await(m_store->user(m.userId)).user.status == UserStatus::Active) {
                        admin = m;
                        home = tenant;
                    }
                }
                if (admin.userId != 0)
                    continue;
            }
            if (other.id == 0 && tenant.id != home.id)
                other = tenant;
        }
        if (other.id == home.id || other.id == 0) { // the first top-level tenant was home's
            for (const Tenant& tenant : await(m_store->tenants(TenantQuery{})).items)
                other = tenant.parentId == 0 && tenant.id != home.id && other.id == 0 ? tenant : other;
        }
        QVERIFY2(admin.userId != 0 && other.id != 0, "the demo has two top-level tenants, one with an active Tenant Admin");

        const AttributionRules before = await(m_store->attributionRules());
        AttributionRules rules = before;
        rules.mappings.prepend({AttributionSource::Tag, u"business_unit"_s, second, other.id});
        rules.mappings.prepend({AttributionSource::Tag, u"business_unit"_s, top, home.id});
        const AttributionResult applied = await(m_store->setAttributionRules(rules, before.version));

        const QList<BillingTagValue> all = await(m_store->billingTagValues(ofImport(u"business_unit"_s)));
        for (const BillingTagValue& row : all) {
            if (row.value == top)
                QCOMPARE(row.tenantId, home.id);
            if (row.value == second)
                QCOMPARE(row.tenantId, other.id);
        }
        // One tenant's values: exactly the lines attributed to it.
        const QList<BillingTagValue> ofHome = await(m_store->billingTagValues({u"business_unit"_s, {.tenantId = home.id, .importId = m_importId}}));
        QVERIFY(!ofHome.isEmpty());
        for (const BillingTagValue& row : ofHome)
            QCOMPARE(row.tenantId, home.id);
        QCOMPARE(perValue(ofHome).at(top).second, m_sample.businessUnits.at(top).billed.value());
        // Unallocated values: none of the mapped ones.
        for (const BillingTagValue& row : await(m_store->billingTagValues({u"business_unit"_s, {.tenantId = 0, .importId = m_importId}}))) {
            QCOMPARE(row.tenantId, TenantId(0));
            QVERIFY(row.value != top && row.value != second);
        }

        // The admin sees the rows of the tenants where they hold billing.read, nothing unallocated.
        const Principal principal = await(m_store->principalOf(admin.userId));
        QVERIFY(!principal.isPlatformPrincipal());
        QList<BillingTagValue> expected = all;
        expected.removeIf([&](const BillingTagValue& row) {
            return row.tenantId == 0 || !Policy::allows(principal, Permission::BillingRead, await(m_store->tenant(row.tenantId)));
        });
        const std::unique_ptr<Store> asAdmin = m_stores.storeAs(admin.userId, admin.userEmail);
        QVERIFY(asAdmin);
        const QList<BillingTagValue> seen = await(asAdmin->billingTagValues(ofImport(u"business_unit"_s)));
        QCOMPARE(seen, expected);
        QVERIFY(perValue(seen).count(top) == 1);
        QVERIFY(perValue(seen).count(second) == 0);
        QCOMPARE(errorCodeName(awaitError(asAdmin->billingTagValues({u"business_unit"_s, {.tenantId = 0}}))->code()),
                 errorCodeName(ErrorCode::Forbidden));
        const std::optional<StoreError> otherError = awaitError(asAdmin->billingTagValues({u"business_unit"_s, {.tenantId = other.id}}));
        QVERIFY(otherError);
        QVERIFY2(otherError->code() == ErrorCode::Forbidden || otherError->code() == ErrorCode::NotFound,
                 qPrintable(errorCodeName(otherError->code())));
        QCOMPARE(errorCodeName(awaitError(asAdmin->billingTagKeys())->code()), errorCodeName(ErrorCode::Forbidden));

        await(m_store->setAttributionRules(before, applied.rules.version));
    }
};

QTEST_GUILESS_MAIN(TestBillingTagValuesContract)
#include "tst_billing_tagvalues_contract.moc"
