// The billing-review part of the Store contract, run by CTest once per backend
// (TENANTDESK_CONTRACT_BACKEND, see ContractStores): totals read from the roll-ups equal the lines
// summed independently, attribution rules edited and applied again move cost exactly, shared cost
// is split exactly (Even and Proportional) and the shares sum to their pool to the last digit, a
// stale rules version is a Conflict, budgets are set, read and removed, and a tenant admin sees
// only their tenants' rows and changes nothing.

#include "ContractStores.h"
#include "Decimal.h"
#include "Permission.h"
#include "Policy.h"
#include "PreviewStore.h"
#include "TestSupport.h"

#include <QStandardPaths>
#include <QTest>

#include <functional>
#include <map>
#include <set>
#include <tuple>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

namespace {

using GroupKey = std::tuple<TenantId, QString, QString, QString, QString>; // tenant, month, service, category, currency

struct Amounts {
    DecimalSum billed, effective, list;
    qint64 lines = 0;
};

// Every line the store holds for `query`, read page by page.
QList<BillingLine> allLines(Store& store, BillingLineQuery query)
{
    QList<BillingLine> lines;
    query.limit = 500;
    for (;;) {
        const Page<BillingLine> page = await(store.billingLines(query));
        lines += page.items;
        if (page.isLast())
            return lines;
        query.cursor = page.nextCursor;
    }
}

QString monthOf(const QDateTime& time)
{
    return time.toUTC().toString(u"yyyy-MM"_s);
}

// The lines summed by tenant × month × service × currency, here, not by the store.
std::map<GroupKey, Amounts> sumLines(const QList<BillingLine>& lines)
{
    std::map<GroupKey, Amounts> sums;
    for (const BillingLine& l : lines) {
        Amounts& a = sums[{l.tenantId, monthOf(l.chargePeriodStart), l.serviceName, l.serviceCategory, l.billingCurrency}];
        if (!a.billed.add(l.billedCost) || !a.effective.add(l.effectiveCost) || !a.list.add(l.listCost))
            qFatal("a line's cost is not a decimal: %s", qPrintable(l.billedCost));
        ++a.lines;
    }
    return sums;
}

Decimal decimal(const QString& text)
{
    const std::optional<Decimal> value = Decimal::parse(text);
    if (!value)
        qFatal("not a decimal: %s", qPrintable(text));
    return *value;
}

Decimal totalBilled(const QList<BillingTotalsRow>& rows, const std::function<bool(const BillingTotalsRow&)>& which = {})
{
    Decimal sum;
    for (const BillingTotalsRow& row : rows) {
        if (!which || which(row))
            sum += decimal(row.billedCost);
    }
    return sum;
}

Decimal totalBilled(const QList<BillingLine>& lines)
{
    Decimal sum;
    for (const BillingLine& line : lines)
        sum += decimal(line.billedCost);
    return sum;
}

} // namespace

class TestBillingContract : public QObject
{
    Q_OBJECT

private:
    ContractStores m_stores;
    Store* m_store = nullptr;
    SqlStore* m_reference = nullptr;
    QList<TenantId> m_tenantsWithCost; // ascending

    AttributionRules rulesWith(std::function<void(AttributionRules&)> edit)
    {
        AttributionRules rules = await(m_store->attributionRules());
        edit(rules);
        return rules;
    }

    AttributionResult apply(const AttributionRules& rules)
    {
        const qint64 version = await(m_store->attributionRules()).version;
        return await(m_store->setAttributionRules(rules, version));
    }

    static Decimal costOf(const QList<BillingTotalsRow>& rows, TenantId tenant)
    {
        return totalBilled(rows, [tenant](const BillingTotalsRow& r) { return r.tenantId == tenant; });
    }
    // The lines behind the rows, of one tenant (0: unallocated) or of all.
    static qint64 linesOf(const QList<BillingTotalsRow>& rows, std::optional<TenantId> tenant)
    {
        qint64 lines = 0;
        for (const BillingTotalsRow& row : rows)
            lines += !tenant || row.tenantId == *tenant ? row.lineCount : 0;
        return lines;
    }
    BillingLine firstLineOf(TenantId tenant)
    {
        const Page<BillingLine> page = await(m_store->billingLines({.filter = {.tenantId = tenant}, .limit = 1}));
        return page.items.value(0);
    }

    // The demo's rules: the "tenant" tag names the tenant.
    void restoreDemoRules()
    {
        AttributionRules demo;
        demo.tenantTagKeys = {u"tenant"_s};
        apply(demo);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        qInfo("Billing contract on %s", qPrintable(m_stores.backend()));
        QVERIFY2(m_stores.setUp(), qPrintable(m_stores.error()));
        m_store = &m_stores.store();
        m_reference = &m_stores.reference();
        std::set<TenantId> ids;
        for (const BillingTotalsRow& row : await(m_store->billingTotals({}))) {
            if (row.tenantId != 0)
                ids.insert(row.tenantId);
        }
        m_tenantsWithCost = QList<TenantId>(ids.begin(), ids.end());
        QVERIFY2(m_tenantsWithCost.size() >= 4, "the demo has billing lines for several tenants");
    }

    void totalsEqualTheLinesSummedIndependently()
    {
        const QList<BillingLine> lines = allLines(*m_store, {});
        QVERIFY(!lines.isEmpty());
        // The pages hold each line once, in ChargePeriodStart order.
        std::set<qint64> ids;
        for (qsizetype i = 0; i < lines.size(); ++i) {
            QVERIFY(ids.insert(lines.at(i).id).second);
            if (i > 0)
                QVERIFY(lines.at(i - 1).chargePeriodStart <= lines.at(i).chargePeriodStart);
        }
        const std::map<GroupKey, Amounts> expected = sumLines(lines);
        const QList<BillingTotalsRow> rows = await(m_store->billingTotals({}));
        QCOMPARE(qsizetype(rows.size()), qsizetype(expected.size()));
        for (const BillingTotalsRow& row : rows) {
            QVERIFY(!row.shared);
            const auto it = expected.find({row.tenantId, row.month, row.serviceName, row.serviceCategory, row.billingCurrency});
            QVERIFY2(it != expected.end(), qPrintable(row.month + u' ' + row.serviceName));
            QCOMPARE(row.billedCost, it->second.billed.text());
            QCOMPARE(row.effectiveCost, it->second.effective.text());
            QCOMPARE(row.listCost, it->second.list.text());
            QCOMPARE(row.lineCount, it->second.lines);
        }
        // The same demo in the reference store gives the same totals.
        QCOMPARE(rows, await(m_reference->billingTotals({})));

        // Filters: one tenant, one month range, one service; each holds on what it returns and
        // matches the lines behind it.
        const TenantId tenant = m_tenantsWithCost.first();
        const QList<BillingTotalsRow> ofTenant = await(m_store->billingTotals({.tenantId = tenant}));
        QVERIFY(!ofTenant.isEmpty());
        for (const BillingTotalsRow& row : ofTenant)
            QCOMPARE(row.tenantId, tenant);
        const QList<BillingLine> tenantLines = allLines(*m_store, {.filter = {.tenantId = tenant}});
        QCOMPARE(totalBilled(ofTenant), totalBilled(tenantLines));

        const BillingTotalsRow& some = rows.at(rows.size() / 2);
        BillingLineQuery drill{.filter = {.tenantId = some.tenantId, .serviceName = some.serviceName,
                                          .billingCurrency = some.billingCurrency}, .month = some.month};
        const QList<BillingLine> behind = allLines(*m_store, drill);
        QCOMPARE(qint64(behind.size()), some.lineCount);
        QCOMPARE(totalBilled(behind), decimal(some.billedCost));
        for (const BillingLine& line : behind) {
            QCOMPARE(line.tenantId, some.tenantId);
            QCOMPARE(line.serviceName, some.serviceName);
            QCOMPARE(monthOf(line.chargePeriodStart), some.month);
        }

        const QDateTime from = QDateTime::fromString(some.month + u"-01T00:00:00Z"_s, Qt::ISODate);
        const QList<BillingTotalsRow> oneMonth = await(m_store->billingTotals({.from = from, .to = from.addMonths(1)}));
        QVERIFY(!oneMonth.isEmpty());
        for (const BillingTotalsRow& row : oneMonth)
            QCOMPARE(row.month, some.month);
        const QList<BillingTotalsRow> oneService = await(m_store->billingTotals({.serviceName = some.serviceName}));
        for (const BillingTotalsRow& row : oneService)
            QCOMPARE(row.serviceName, some.serviceName);

        QCOMPARE(failureOf(m_store->billingLines({.month = u"2024-13"_s})).code, ErrorCode::Invalid);
        QCOMPARE(failureOf(m_store->billingTotals({.from = from, .to = from})).code, ErrorCode::Invalid);
    }

    void rulesAppliedAgainMoveCostExactly()
    {
        const QList<BillingTotalsRow> before = await(m_store->billingTotals({}));
        const Decimal all = totalBilled(before);
        const TenantId a = m_tenantsWithCost.at(0), b = m_tenantsWithCost.at(1);
        const Decimal costA = totalBilled(before, [a](const BillingTotalsRow& r) { return r.tenantId == a; });
        const Decimal costB = totalBilled(before, [b](const BillingTotalsRow& r) { return r.tenantId == b; });
        QVERIFY(!costA.isZero() && !costB.isZero());
        const QString slugA = await(m_store->tenant(a)).slug, slugB = await(m_store->tenant(b)).slug;

        // No tenant tag any more: only A's and B's lines are attributed, both to B; the rest is unallocated.
        AttributionRules rules;
        rules.mappings = {AttributionMapping{AttributionSource::Tag, u"tenant"_s, slugA, b},
                          AttributionMapping{AttributionSource::Tag, u"tenant"_s, slugB, b}};
        const AttributionResult result = apply(rules);
        QCOMPARE(result.rules.mappings, rules.mappings);
        QVERIFY(result.rules.version > 0);
        QVERIFY(result.linesAttributed > 0 && result.linesUnallocated > 0);
        QCOMPARE(result.linesShared, qint64(0));

        const QList<BillingTotalsRow> after = await(m_store->billingTotals({}));
        QCOMPARE(totalBilled(after), all);
        QCOMPARE(totalBilled(after, [b](const BillingTotalsRow& r) { return r.tenantId == b; }), costA + costB);
        QVERIFY(totalBilled(after, [a](const BillingTotalsRow& r) { return r.tenantId == a; }).isZero());
        QCOMPARE(totalBilled(after, [](const BillingTotalsRow& r) { return r.tenantId == 0; }), all - costA - costB);
        QCOMPARE(qint64(allLines(*m_store, {.filter = {.tenantId = b}}).size()), result.linesAttributed);
        const QList<BillingLine> unallocated = allLines(*m_store, {.filter = {.tenantId = 0}});
        QCOMPARE(qint64(unallocated.size()), result.linesUnallocated);
        QCOMPARE(totalBilled(unallocated), all - costA - costB);
        // Totals read from the roll-ups agree with the lines again, group by group.
        const std::map<GroupKey, Amounts> expected = sumLines(allLines(*m_store, {}));
        QCOMPARE(qsizetype(after.size()), qsizetype(expected.size()));
        for (const BillingTotalsRow& row : after)
            QCOMPARE(row.billedCost, expected.at({row.tenantId, row.month, row.serviceName, row.serviceCategory,
                                                  row.billingCurrency}).billed.text());

        // The rules read back as stored; the tenant tag again restores every total.
        QCOMPARE(await(m_store->attributionRules()).mappings, rules.mappings);
        restoreDemoRules();
        QCOMPARE(await(m_store->billingTotals({})), before);
    }

    // Sub-account mappings (AttributionSource::SubAccount), by the account's id and by its name,
    // come before the tenant tag and move exactly the cost of those accounts; nothing else moves.
    // (Read from the totals, with a page of lines where a line is needed: through a server, every
    // line of the demo takes long to page through.)
    void subAccountRulesMoveCostExactly()
    {
        restoreDemoRules();
        const QList<BillingTotalsRow> before = await(m_store->billingTotals({}));
        const Decimal all = totalBilled(before);
        const TenantId a = m_tenantsWithCost.at(0), b = m_tenantsWithCost.at(1), c = m_tenantsWithCost.at(2);
        const Decimal costA = costOf(before, a), costB = costOf(before, b), costC = costOf(before, c);
        // The demo gives each tenant a sub-account of its own: A's is named by its id, B's by its name.
        const BillingLine lineA = firstLineOf(a), lineB = firstLineOf(b);
        QVERIFY(!lineA.subAccountId.isEmpty() && lineA.subAccountName != lineA.subAccountId);
        QVERIFY(!lineB.subAccountName.isEmpty() && lineB.subAccountName != lineB.subAccountId);

        AttributionRules rules;
        rules.tenantTagKeys = {u"tenant"_s};
        rules.mappings = {AttributionMapping{AttributionSource::SubAccount, {}, lineA.subAccountId, c},
                          AttributionMapping{AttributionSource::SubAccount, {}, lineB.subAccountName, c}};
        const AttributionResult result = apply(rules);
        QCOMPARE(result.rules.mappings, rules.mappings);
        QCOMPARE(result.linesShared, qint64(0));
        QCOMPARE(result.linesAttributed + result.linesUnallocated, linesOf(before, std::nullopt));
        QCOMPARE(result.linesUnallocated, linesOf(before, 0));

        const QList<BillingTotalsRow> after = await(m_store->billingTotals({}));
        QCOMPARE(totalBilled(after), all);
        QCOMPARE(costOf(after, c), costA + costB + costC);
        QCOMPARE(linesOf(after, c), linesOf(before, a) + linesOf(before, b) + linesOf(before, c));
        QVERIFY(costOf(after, a).isZero() && linesOf(after, a) == 0);
        QVERIFY(costOf(after, b).isZero() && linesOf(after, b) == 0);
        QCOMPARE(costOf(after, 0), costOf(before, 0));
        for (TenantId other : std::as_const(m_tenantsWithCost)) {
            if (other != a && other != b && other != c)
                QCOMPARE(costOf(after, other), costOf(before, other)); // to the last digit
        }
        // Group by group: C's rows are its own and A's and B's added up.
        std::map<std::tuple<QString, QString, QString, QString>, Decimal> expected; // month, service, category, currency
        for (const BillingTotalsRow& row : before) {
            if (row.tenantId == a || row.tenantId == b || row.tenantId == c)
                expected[{row.month, row.serviceName, row.serviceCategory, row.billingCurrency}] += decimal(row.billedCost);
        }
        qsizetype rowsOfC = 0;
        for (const BillingTotalsRow& row : after) {
            if (row.tenantId != c)
                continue;
            ++rowsOfC;
            QCOMPARE(decimal(row.billedCost), expected.at({row.month, row.serviceName, row.serviceCategory, row.billingCurrency}));
        }
        QCOMPARE(rowsOfC, qsizetype(expected.size()));
        // The lines themselves now name C.
        const Page<BillingLine> ofC = await(m_store->billingLines({.filter = {.tenantId = c}, .limit = 500}));
        QVERIFY(std::any_of(ofC.items.cbegin(), ofC.items.cend(),
                            [&](const BillingLine& l) { return l.subAccountId == lineA.subAccountId; }));

        restoreDemoRules();
        QCOMPARE(await(m_store->billingTotals({})), before);
    }

    // Shared cost matched by sub-account (SharedCostMatch::SubAccount): every line of that account
    // is shared, whatever its tag says; Even over chosen tenants, or Proportional over every tenant
    // with direct cost; the shares of each pool sum to it exactly and no cost is made or lost.
    void sharedSubAccountIsSplitExactly()
    {
        restoreDemoRules();
        const QList<BillingTotalsRow> before = await(m_store->billingTotals({}));
        const Decimal all = totalBilled(before);
        const TenantId a = m_tenantsWithCost.at(0), b = m_tenantsWithCost.at(1), c = m_tenantsWithCost.at(2),
                       d = m_tenantsWithCost.at(3);
        const BillingLine lineA = firstLineOf(a), lineD = firstLineOf(d);

        // The pools: the shared tenant's direct cost by (month, service, currency), from the totals before.
        const auto poolsOf = [&before](TenantId tenant) {
            std::map<std::tuple<QString, QString, QString>, Decimal> pools;
            for (const BillingTotalsRow& row : before) {
                if (row.tenantId == tenant)
                    pools[{row.month, row.serviceName, row.billingCurrency}] += decimal(row.billedCost);
            }
            return pools;
        };
        const auto sharesOf = [](const QList<BillingTotalsRow>& rows, const std::tuple<QString, QString, QString>& key) {
            QList<BillingTotalsRow> shares;
            for (const BillingTotalsRow& row : rows) {
                if (row.shared && std::tie(row.month, row.serviceName, row.billingCurrency) == key)
                    shares.append(row);
            }
            return shares;
        };
        const auto checkSharedLines = [&](qint64 shared, const BillingLine& account) {
            const Page<BillingLine> page = await(m_store->billingLines({.sharedOnly = true, .limit = 100}));
            QVERIFY(!page.items.isEmpty());
            for (const BillingLine& line : page.items) {
                QVERIFY(line.shared);
                QCOMPARE(line.tenantId, TenantId(0));
                QCOMPARE(line.subAccountId, account.subAccountId);
            }
            QCOMPARE(shared, linesOf(before, account.tenantId));
        };

        // Even, by the account's name, over two chosen tenants.
        AttributionRules even;
        even.tenantTagKeys = {u"tenant"_s};
        even.sharedCosts = {SharedCostRule{SharedCostMatch::SubAccount, lineA.subAccountName, SharedCostSplit::Even, {b, c}}};
        checkSharedLines(apply(even).linesShared, lineA);
        const QList<BillingTotalsRow> evenRows = await(m_store->billingTotals({}));
        QCOMPARE(totalBilled(evenRows), all);
        QVERIFY(costOf(evenRows, a).isZero());
        QCOMPARE(costOf(evenRows, b) + costOf(evenRows, c), costOf(before, a) + costOf(before, b) + costOf(before, c));
        const auto evenPools = poolsOf(a);
        QVERIFY(!evenPools.empty());
        for (const auto& [key, pool] : evenPools) {
            const QList<BillingTotalsRow> shares = sharesOf(evenRows, key);
            QCOMPARE(shares.size(), qsizetype(2));
            QCOMPARE(totalBilled(shares), pool); // to the last of 18 decimals
            QCOMPARE((std::set<TenantId>{shares.at(0).tenantId, shares.at(1).tenantId}), (std::set<TenantId>{b, c}));
            const Decimal difference = decimal(shares.at(0).billedCost) - decimal(shares.at(1).billedCost);
            QVERIFY(std::max(difference, -difference) <= Decimal::fromUnits(1));
        }

        // Proportional, by the account's id, over every tenant with direct cost that month.
        AttributionRules proportional;
        proportional.tenantTagKeys = {u"tenant"_s};
        proportional.sharedCosts = {SharedCostRule{SharedCostMatch::SubAccount, lineD.subAccountId,
                                                   SharedCostSplit::Proportional, {}}};
        checkSharedLines(apply(proportional).linesShared, lineD);
        const QList<BillingTotalsRow> rows = await(m_store->billingTotals({}));
        QCOMPARE(totalBilled(rows), all);
        QVERIFY(linesOf(rows, d) == 0 && costOf(rows, d).isZero()); // no direct cost left, so no share either
        std::map<std::pair<QString, TenantId>, Decimal> direct; // (month, tenant) → direct billed cost
        for (const BillingTotalsRow& row : rows) {
            if (!row.shared && row.tenantId != 0)
                direct[{row.month, row.tenantId}] += decimal(row.billedCost);
        }
        const auto proportionalPools = poolsOf(d);
        QVERIFY(!proportionalPools.empty());
        for (const auto& [key, pool] : proportionalPools) {
            const QString& month = std::get<0>(key);
            const QList<BillingTotalsRow> shares = sharesOf(rows, key);
            QCOMPARE(totalBilled(shares), pool);
            Decimal weights;
            qsizetype tenants = 0;
            for (const auto& [k, cost] : direct) {
                if (k.first == month) {
                    weights += cost;
                    ++tenants;
                }
            }
            QCOMPARE(shares.size(), tenants);
            for (const BillingTotalsRow& share : shares) {
                const Decimal weight = direct.at({month, share.tenantId});
                const long double expected = (long double)(pool.units()) * (long double)(weight.units())
                    / (long double)(weights.units());
                const long double actual = (long double)(decimal(share.billedCost).units());
                QVERIFY2(std::abs(actual - expected) <= 1.0L + std::abs(expected) * 1e-15L, qPrintable(share.billedCost));
            }
        }

        restoreDemoRules();
        QCOMPARE(await(m_store->billingTotals({})), before);
    }

    void refusesBadRulesAndStaleVersions()
    {
        const AttributionRules current = await(m_store->attributionRules());
        const TenantId a = m_tenantsWithCost.at(0), b = m_tenantsWithCost.at(1);
        AttributionRules twice = current;
        twice.mappings = {AttributionMapping{AttributionSource::Tag, u"cost_center"_s, u"CC-1"_s, a},
                          AttributionMapping{AttributionSource::Tag, u"cost_center"_s, u"CC-1"_s, b}};
        const Failure mappedTwice = failureOf(m_store->setAttributionRules(twice, current.version));
        QCOMPARE(mappedTwice.code, ErrorCode::Invalid);
        QVERIFY2(mappedTwice.message.contains(u"CC-1"_s), qPrintable(mappedTwice.message));
        AttributionRules unknownTenant = current;
        unknownTenant.mappings = {AttributionMapping{AttributionSource::SubAccount, {}, u"123"_s, 987654321}};
        QCOMPARE(failureOf(m_store->setAttributionRules(unknownTenant, current.version)).code, ErrorCode::Invalid);
        AttributionRules emptyKey = current;
        emptyKey.mappings = {AttributionMapping{AttributionSource::Tag, {}, u"x"_s, a}};
        QCOMPARE(failureOf(m_store->setAttributionRules(emptyKey, current.version)).code, ErrorCode::Invalid);
        QCOMPARE(await(m_store->attributionRules()), current); // nothing was stored

        // A change made on an older version is refused; the rules stay as the newer change left them.
        const AttributionResult newer = apply(current);
        QCOMPARE(newer.rules.version, current.version + 1);
        QCOMPARE(failureOf(m_store->setAttributionRules(current, current.version)).code, ErrorCode::Conflict);
        QCOMPARE(await(m_store->attributionRules()).version, newer.rules.version);
    }

    void sharedCostIsSplitExactly()
    {
        const QList<BillingTotalsRow> before = await(m_store->billingTotals({}));
        const Decimal all = totalBilled(before);
        const QList<TenantId> three = m_tenantsWithCost.first(3);
        const QString evenService = u"AWS Lambda"_s, proportionalService = u"Amazon CloudFront"_s;
        const AttributionResult result = apply(rulesWith([&](AttributionRules& rules) {
            rules.sharedCosts = {SharedCostRule{SharedCostMatch::ServiceName, evenService, SharedCostSplit::Even, three},
                                 SharedCostRule{SharedCostMatch::ServiceName, proportionalService,
                                                SharedCostSplit::Proportional, {}}};
        }));
        QVERIFY(result.linesShared > 0);
        const QList<BillingLine> sharedLines = allLines(*m_store, {.sharedOnly = true});
        QCOMPARE(qint64(sharedLines.size()), result.linesShared);
        for (const BillingLine& line : sharedLines) {
            QVERIFY(line.shared);
            QCOMPARE(line.tenantId, TenantId(0));
            QVERIFY(line.serviceName == evenService || line.serviceName == proportionalService);
        }

        const QList<BillingTotalsRow> rows = await(m_store->billingTotals({}));
        QCOMPARE(totalBilled(rows), all); // spreading moves cost, it never makes or loses any
        // The pools, from the lines: (service, month, currency) → billed cost.
        std::map<std::tuple<QString, QString, QString>, Decimal> pools;
        for (const BillingLine& line : sharedLines)
            pools[{line.serviceName, monthOf(line.chargePeriodStart), line.billingCurrency}] += decimal(line.billedCost);
        QVERIFY(!pools.empty());
        // Direct billed cost per (month, currency, tenant), the weights of the proportional split.
        std::map<std::tuple<QString, QString, TenantId>, Decimal> direct;
        for (const BillingTotalsRow& row : rows) {
            if (!row.shared && row.tenantId != 0)
                direct[{row.month, row.billingCurrency, row.tenantId}] += decimal(row.billedCost);
        }
        for (const auto& [key, pool] : pools) {
            const auto& [service, month, currency] = key;
            QList<BillingTotalsRow> shares;
            for (const BillingTotalsRow& row : rows) {
                if (row.serviceName == service && row.month == month && row.billingCurrency == currency) {
                    QVERIFY2(row.shared, "a shared service has no direct cost left");
                    shares.append(row);
                }
            }
            QCOMPARE(totalBilled(shares), pool); // to the last of 18 decimals
            if (service == evenService) {
                QCOMPARE(shares.size(), three.size());
                Decimal smallest = decimal(shares.first().billedCost), largest = smallest;
                for (const BillingTotalsRow& share : shares) {
                    QVERIFY(three.contains(share.tenantId));
                    smallest = std::min(smallest, decimal(share.billedCost));
                    largest = std::max(largest, decimal(share.billedCost));
                }
                QVERIFY(largest - smallest <= Decimal::fromUnits(1)); // one unit of 10^-18 at most
            } else {
                // Every tenant with direct cost that month gets a share in proportion to it.
                Decimal weights;
                for (const auto& [k, cost] : direct) {
                    if (std::get<0>(k) == month && std::get<1>(k) == currency)
                        weights += cost;
                }
                for (const BillingTotalsRow& share : shares) {
                    const Decimal weight = direct.at({month, currency, share.tenantId});
                    const long double expected = (long double)(pool.units()) * (long double)(weight.units())
                        / (long double)(weights.units());
                    const long double actual = (long double)(decimal(share.billedCost).units());
                    QVERIFY2(std::abs(actual - expected) <= 1.0L + expected * 1e-15L, qPrintable(share.billedCost));
                }
            }
        }
        // A tenant's own filter shows its shares too.
        const QList<BillingTotalsRow> ofOne = await(m_store->billingTotals({.tenantId = three.first()}));
        QVERIFY(std::any_of(ofOne.cbegin(), ofOne.cend(), [](const BillingTotalsRow& r) { return r.shared; }));
        for (const BillingTotalsRow& row : ofOne)
            QCOMPARE(row.tenantId, three.first());
    }

    void tenantAdminSeesOnlyTheirTenants()
    {
        // Someone who administers one tenant with cost, and nothing platform-wide.
        UserId adminId = 0;
        TenantId adminTenant = 0;
        for (TenantId tenant : std::as_const(m_tenantsWithCost)) {
            for (const MembershipEntry& m : await(m_reference->memberships({.tenantId = tenant, .limit = 500})).items) {
                if (m.roleName == BuiltInRole::TenantAdmin && m.environmentId == 0) {
                    adminId = m.userId;
                    adminTenant = tenant;
                    break;
                }
            }
            if (adminId != 0)
                break;
        }
        QVERIFY2(adminId != 0, "the demo has a tenant admin on a tenant with cost");
        const Principal principal = await(m_store->principalOf(adminId));
        QVERIFY(!principal.isPlatformPrincipal());
        PreviewStore asAdmin(m_store, principal);

        const QList<BillingTotalsRow> seen = await(asAdmin.billingTotals({}));
        QVERIFY(!seen.isEmpty());
        std::set<TenantId> tenants;
        for (const BillingTotalsRow& row : seen) {
            QVERIFY2(row.tenantId != 0, "never unallocated cost");
            tenants.insert(row.tenantId);
        }
        for (TenantId tenant : tenants)
            QVERIFY(Policy::allows(principal, Permission::BillingRead, await(m_store->tenant(tenant))));
        QVERIFY(tenants.count(adminTenant) == 1);
        // Their own tenant's rows, shares of shared cost included, are the platform's view of it.
        QList<BillingTotalsRow> platformView = await(m_store->billingTotals({.tenantId = adminTenant}));
        QList<BillingTotalsRow> theirs = seen;
        theirs.removeIf([adminTenant](const BillingTotalsRow& r) { return r.tenantId != adminTenant; });
        QCOMPARE(theirs, platformView);
        QCOMPARE(await(asAdmin.billingTotals({.tenantId = adminTenant})), platformView);

        QCOMPARE(failureOf(asAdmin.billingTotals({.tenantId = 0})).code, ErrorCode::Forbidden);
        QCOMPARE(failureOf(asAdmin.billingLines({.filter = {.tenantId = 0}})).code, ErrorCode::Forbidden);
        QCOMPARE(failureOf(asAdmin.billingLines({.sharedOnly = true})).code, ErrorCode::Forbidden);
        QCOMPARE(failureOf(asAdmin.attributionRules()).code, ErrorCode::Forbidden);
        const AttributionRules rules = await(m_store->attributionRules());
        QCOMPARE(failureOf(asAdmin.setAttributionRules(rules, rules.version)).code, ErrorCode::Forbidden);
        QCOMPARE(failureOf(asAdmin.setBudget({adminTenant, u"10.00"_s, u"USD"_s})).code, ErrorCode::Forbidden);
        const Page<BillingLine> ownLines = await(asAdmin.billingLines({.filter = {.tenantId = adminTenant}, .limit = 5}));
        QCOMPARE(ownLines.items.size(), qsizetype(5));
        for (const BillingLine& line : ownLines.items)
            QCOMPARE(line.tenantId, adminTenant);
        QList<TenantBudget> readable = await(m_store->budgets());
        readable.removeIf([&](const TenantBudget& budget) {
            return !Policy::allows(principal, Permission::BillingRead, await(m_store->tenant(budget.tenantId)));
        });
        QCOMPARE(await(asAdmin.budgets()), readable);
        QCOMPARE(await(m_store->attributionRules()), rules); // unchanged
        restoreDemoRules();
    }

    void budgetsAreSetReadAndRemoved()
    {
        const QList<TenantBudget> demo = await(m_store->budgets());
        QVERIFY2(!demo.isEmpty(), "the demo gives a few tenants budgets");
        for (const TenantBudget& budget : demo)
            QVERIFY(Decimal::parse(budget.amount).has_value());
        const TenantId tenant = m_tenantsWithCost.last();

        const TenantBudget set = await(m_store->setBudget({tenant, u"1234.5"_s, u"EUR"_s}));
        QCOMPARE(set, (TenantBudget{tenant, u"1234.50"_s, u"EUR"_s}));
        QVERIFY(await(m_store->budgets()).contains(set));
        const TenantBudget changed = await(m_store->setBudget({tenant, u"99.999"_s, u"EUR"_s}));
        QCOMPARE(changed.amount, u"99.999"_s);
        QVERIFY(await(m_store->budgets()).contains(changed));
        QVERIFY(!await(m_store->budgets()).contains(set));

        const Failure negative = failureOf(m_store->setBudget({tenant, u"-5"_s, u"EUR"_s}));
        QCOMPARE(negative.code, ErrorCode::Invalid);
        QCOMPARE(negative.field, u"amount"_s);
        QCOMPARE(failureOf(m_store->setBudget({tenant, u"1e3"_s, u"EUR"_s})).field, u"amount"_s);
        QCOMPARE(failureOf(m_store->setBudget({tenant, u"10"_s, u"euro"_s})).field, u"currency"_s);
        QCOMPARE(failureOf(m_store->setBudget({987654321, u"10"_s, u"EUR"_s})).code, ErrorCode::NotFound);

        const TenantBudget removed = await(m_store->setBudget({tenant, QString(), u"EUR"_s}));
        QVERIFY(removed.amount.isEmpty());
        const QList<TenantBudget> after = await(m_store->budgets());
        QVERIFY(std::none_of(after.cbegin(), after.cend(), [tenant](const TenantBudget& b) {
            return b.tenantId == tenant && b.currency == u"EUR"_s;
        }));
        QCOMPARE(after, demo);
    }
};

QTEST_GUILESS_MAIN(TestBillingContract)
#include "tst_billing_contract.moc"
