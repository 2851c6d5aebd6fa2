// The usage comparison part of the Store contract, run by CTest once per backend
// (TENANTDESK_CONTRACT_BACKEND, see ContractStores): usage totals per tenant agree with the hourly
// samples usage() gives, come largest first, keep to a parent's sub-tenants when asked, and show a
// tenant admin only the tenants whose usage they may read.

#include "ContractStores.h"
#include "TestSupport.h"

#include <QStandardPaths>
#include <QTest>

#include <algorithm>
#include <cmath>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

namespace {

bool isMean(UsageMetric metric)
{
    return metric == UsageMetric::ActiveUsers || metric == UsageMetric::ErrorRate;
}

bool near(double a, double b)
{
    return std::abs(a - b) <= 1e-9 * std::max({1.0, std::abs(a), std::abs(b)});
}

QList<TenantId> idsOf(const QList<UsageTotal>& totals)
{
    QList<TenantId> ids;
    for (const UsageTotal& total : totals)
        ids.append(total.tenantId);
    return ids;
}

} // namespace

class TestUsageContract : public QObject
{
    Q_OBJECT

private:
    ContractStores m_stores;
    Store* m_store = nullptr;
    QDateTime m_to = ContractStores::scale().anchor;
    QDateTime m_from = m_to.addDays(-ContractStores::scale().usageDays);

    UsageTotalsQuery everyTenant(UsageMetric metric, int limit = 500) const
    {
        UsageTotalsQuery query;
        query.metric = metric;
        query.from = m_from;
        query.to = m_to;
        query.limit = limit;
        return query;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        qInfo("Usage contract on %s", qPrintable(m_stores.backend()));
        QVERIFY2(m_stores.setUp(), qPrintable(m_stores.error()));
        m_store = &m_stores.store();
    }

    void totalsAreTheSumsOfTheSamples_data()
    {
        QTest::addColumn<int>("metric");
        for (UsageMetric metric : allUsageMetrics)
            QTest::newRow(qPrintable(usageMetricKey(metric))) << int(metric);
    }

    // What a person compares is what the hourly samples add up to: the sum (the mean for levels
    // such as active_users and error_rate), the peak hour and the number of samples.
    void totalsAreTheSumsOfTheSamples()
    {
        QFETCH(int, metric);
        const auto m = UsageMetric(metric);
        const QList<UsageTotal> totals = await(m_store->usageTotals(everyTenant(m)));
        QCOMPARE(totals.size(), ContractStores::scale().usageTenants);
        for (const UsageTotal& total : totals) {
            const QList<UsageSample> samples = await(m_store->usage(UsageQuery{total.tenantId, 0, m, m_from, m_to}));
            QVERIFY(!samples.isEmpty());
            double sum = 0;
            double peak = samples.constFirst().value;
            for (const UsageSample& sample : samples) {
                sum += sample.value;
                peak = std::max(peak, sample.value);
            }
            const double expected = isMean(m) ? sum / double(samples.size()) : sum;
            QVERIFY2(near(total.total, expected), qPrintable(u"tenant %1: %2 != %3"_s.arg(total.tenantId).arg(total.total).arg(expected)));
            QCOMPARE(total.peak, peak);
            QCOMPARE(total.samples, qint64(samples.size()));
        }
    }

    // Top N: the N largest, largest first (ties by tenant id), the same tenants as the head of the full list.
    void topNLargestFirst()
    {
        const QList<UsageTotal> all = await(m_store->usageTotals(everyTenant(UsageMetric::CpuHours)));
        QVERIFY(all.size() > 5);
        for (qsizetype i = 1; i < all.size(); ++i) {
            QVERIFY(all.at(i - 1).total > all.at(i).total
                    || (all.at(i - 1).total == all.at(i).total && all.at(i - 1).tenantId < all.at(i).tenantId));
        }
        const QList<UsageTotal> top = await(m_store->usageTotals(everyTenant(UsageMetric::CpuHours, 5)));
        QCOMPARE(idsOf(top), idsOf(all.first(5)));
    }

    // parent_id: the top-level tenants, or the direct sub-tenants of one.
    void parentKeepsToItsSubTenants()
    {
        const QList<UsageTotal> all = await(m_store->usageTotals(everyTenant(UsageMetric::ApiCalls)));
        QHash<TenantId, TenantId> parentOf;
        for (const UsageTotal& total : all)
            parentOf.insert(total.tenantId, await(m_store->tenant(total.tenantId)).parentId);
        TenantId parent = 0;
        for (const UsageTotal& total : all) {
            if (parentOf.value(total.tenantId) != 0 && parentOf.values().count(parentOf.value(total.tenantId)) > 1)
                parent = parentOf.value(total.tenantId);
        }
        QVERIFY2(parent != 0, "the demo has a tenant with several sub-tenants that have usage");
        for (TenantId parentId : {TenantId(0), parent}) {
            UsageTotalsQuery query = everyTenant(UsageMetric::ApiCalls);
            query.parentId = parentId;
            QList<UsageTotal> expected = all;
            expected.removeIf([&](const UsageTotal& t) { return parentOf.value(t.tenantId) != parentId; });
            QVERIFY(!expected.isEmpty());
            QCOMPARE(idsOf(await(m_store->usageTotals(query))), idsOf(expected));
        }
    }

    // A tenant admin compares their own tenants (and their sub-tenants), never anyone else's.
    void tenantAdminSeesOnlyTheirTenants()
    {
        const QList<UsageTotal> all = await(m_store->usageTotals(everyTenant(UsageMetric::MemoryGbHours)));
        // A tenant with usage, with sub-tenants and a Tenant Admin.
        Tenant home;
        MembershipEntry admin;
        for (const UsageTotal& total : all) {
            const Tenant tenant = await(m_store->tenant(total.tenantId));
            if (tenant.parentId != 0 || tenant.subTenantCount == 0)
                continue;
            for (const MembershipEntry& m : await(m_store->memberships(MembershipQuery{tenant.id, 0, 500, {}})).items) {
                if (m.roleName == u"Tenant Admin"_s && m.environmentId == 0 && admin.userId == 0
                    && await(m_store->user(m.userId)).user.status == UserStatus::Active) { // one who may sign in
                    admin = m;
                    home = tenant;
                }
            }
            if (admin.userId != 0)
                break;
        }
        QVERIFY2(admin.userId != 0, "the demo has a top-level tenant with usage, sub-tenants and an active Tenant Admin");
        // What the admin's memberships allow: the sub-trees of their tenant-wide grants with usage.read.
        const Principal principal = await(m_store->principalOf(admin.userId));
        QVERIFY(!principal.isPlatformPrincipal());
        QList<UsageTotal> expected;
        for (const UsageTotal& total : all) {
            if (Policy::allows(principal, u"usage.read"_s, await(m_store->tenant(total.tenantId))))
                expected.append(total);
        }
        QVERIFY(idsOf(expected).contains(home.id));
        QVERIFY(expected.size() < all.size());

        const std::unique_ptr<Store> asAdmin = m_stores.storeAs(admin.userId, admin.userEmail);
        QVERIFY(asAdmin);
        const QList<UsageTotal> seen = await(asAdmin->usageTotals(everyTenant(UsageMetric::MemoryGbHours)));
        QCOMPARE(idsOf(seen), idsOf(expected));
        for (qsizetype i = 0; i < seen.size(); ++i)
            QVERIFY(near(seen.at(i).total, expected.at(i).total));
        const QList<UsageTotal> top = await(asAdmin->usageTotals(everyTenant(UsageMetric::MemoryGbHours, 1)));
        QCOMPARE(idsOf(top), idsOf(expected.first(1)));
    }

    void aRangeNeedsItsStartBeforeItsEnd()
    {
        UsageTotalsQuery query = everyTenant(UsageMetric::CpuHours);
        query.from = query.to;
        const std::optional<StoreError> error = awaitError(m_store->usageTotals(query));
        QVERIFY(error);
        QCOMPARE(errorCodeName(error->code()), errorCodeName(ErrorCode::Invalid));
        QCOMPARE(error->field(), u"from"_s);
    }
};

QTEST_GUILESS_MAIN(TestUsageContract)
#include "tst_usage_contract.moc"
