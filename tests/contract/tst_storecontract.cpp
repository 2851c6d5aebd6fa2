// The one Store contract: the same tests, run by CTest once per backend (TENANTDESK_CONTRACT_BACKEND):
//   sqlite         SqlStore on an SQLite file
//   postgres       SqlStore on PostgreSQL, connected as tenantdesk_app (row-level security on)
//   rest-sqlite    RestStore against tenantdesk-server on 127.0.0.1, over an SQLite file
//   rest-postgres  RestStore against tenantdesk-server on 127.0.0.1, over PostgreSQL as tenantdesk_app
// Each backend holds the same generated demo (the generator is deterministic), and every answer
// is compared, as JSON, with the answer of a reference SqlStore on an SQLite file of its own:
// reads, paging in every order, searches, errors (code and field), and writes.

#include "JsonCodec.h"
#include "RestStore.h"
#include "SqlStore.h"
#include "ContractStores.h"
#include "TestSupport.h"

#include <QDir>
#include <QJsonArray>
#include <QStandardPaths>
#include <QTest>

#include <functional>
#include <memory>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

namespace {

const QString adminEmail = ContractStores::adminEmail;

DemoScale contractScale()
{
    return ContractStores::scale();
}

// Every page of a listing, `limit` at a time, following the cursors; fails on a loop.
template<typename T, typename Fetch>
QList<QList<T>> allPages(Fetch fetch)
{
    QList<QList<T>> pages;
    QString cursor;
    QStringList seen;
    do {
        const Page<T> page = await(fetch(cursor));
        pages.append(page.items);
        if (page.isLast())
            break;
        if (seen.contains(page.nextCursor))
            qFatal("A listing gave the same cursor twice");
        seen << page.nextCursor;
        cursor = page.nextCursor;
    } while (pages.size() < 10000);
    return pages;
}

template<typename T>
QJsonArray pagesJson(const QList<QList<T>>& pages)
{
    QJsonArray array;
    for (const QList<T>& page : pages)
        array.append(jsonList(page));
    return array;
}

// Pages of users without when the bootstrapped admin was created and last signed in: the one
// thing that differs between two databases given the same admin at different moments.
QJsonArray withoutAdminTimes(QJsonArray pages)
{
    for (QJsonValueRef page : pages) {
        QJsonArray users = page.toArray();
        for (QJsonValueRef value : users) {
            QJsonObject user = value.toObject();
            if (user.value(u"email"_s).toString() == adminEmail) {
                user.remove(u"created_at"_s);
                user.remove(u"last_sign_in_at"_s);
                value = user;
            }
        }
        page = users;
    }
    return pages;
}

} // namespace

class TestStoreContract : public QObject
{
    Q_OBJECT

private:
    ContractStores m_stores;
    Store* m_store = nullptr;       // the store under test
    SqlStore* m_reference = nullptr; // the expected answers

    Tenant referenceTenantWithMostChildren() const
    {
        const QList<Tenant> top = await(m_reference->tenants({.limit = 500})).items;
        Tenant best = top.constFirst();
        for (const Tenant& tenant : top) {
            if (tenant.subTenantCount > best.subTenantCount)
                best = tenant;
        }
        return best;
    }

    // Every tenant of the reference, top-level first then each level below.
    QList<Tenant> referenceTenants() const
    {
        QList<Tenant> all = await(m_reference->tenants({.limit = 500})).items;
        for (qsizetype i = 0; i < all.size(); ++i) {
            if (all.at(i).subTenantCount > 0)
                all += await(m_reference->tenants({.parentId = all.at(i).id, .limit = 500})).items;
        }
        return all;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        qInfo("Store contract on %s", qPrintable(m_stores.backend()));
        QVERIFY2(m_stores.setUp(), qPrintable(m_stores.error()));
        m_store = &m_stores.store();
        m_reference = &m_stores.reference();
    }

    void platformAndItsSummary()
    {
        QCOMPARE(json(await(m_store->platform())), json(await(m_reference->platform())));
        QCOMPARE(json(await(m_store->platformSummary())), json(await(m_reference->platformSummary())));
        QCOMPARE(await(m_store->platformSummary()).tenantCount, contractScale().tenants);
    }

    void tenantPagesInEveryOrder_data()
    {
        QTest::addColumn<int>("sort");
        QTest::addColumn<int>("order");
        QTest::addColumn<bool>("underParent");
        const std::pair<TenantSort, const char*> sorts[] = {
            {TenantSort::DisplayName, "name"}, {TenantSort::Slug, "slug"}, {TenantSort::Status, "status"},
            {TenantSort::CreatedAt, "created"}};
        for (const auto& [sort, name] : sorts) {
            for (const Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
                for (const bool underParent : {false, true}) {
                    QTest::addRow("%s %s %s", name, order == Qt::AscendingOrder ? "asc" : "desc",
                                  underParent ? "sub-tenants" : "top level")
                        << int(sort) << int(order) << underParent;
                }
            }
        }
    }

    void tenantPagesInEveryOrder()
    {
        QFETCH(int, sort);
        QFETCH(int, order);
        QFETCH(bool, underParent);
        TenantQuery query{.sort = TenantSort(sort), .order = Qt::SortOrder(order), .limit = 3};
        if (underParent) {
            query.parentId = referenceTenantWithMostChildren().id;
            query.limit = 1;
        }
        const auto fetch = [query](Store& store) {
            return [&store, query](const QString& cursor) mutable {
                query.cursor = cursor;
                return store.tenants(query);
            };
        };
        const auto expected = allPages<Tenant>(fetch(*m_reference));
        const auto actual = allPages<Tenant>(fetch(*m_store));
        QVERIFY(expected.size() > 1);
        QCOMPARE(pagesJson(actual), pagesJson(expected));
    }

    void everyTenantInDetail()
    {
        const QList<Tenant> tenants = referenceTenants();
        QCOMPARE(tenants.size(), contractScale().tenants);
        int environments = 0;
        for (const Tenant& tenant : tenants) {
            QCOMPARE(json(await(m_store->tenant(tenant.id))), json(tenant));
            QCOMPARE(json(await(m_store->tenantBySlug(tenant.slug))), json(tenant));
            QCOMPARE(json(await(m_store->tenantSummary(tenant.id))), json(await(m_reference->tenantSummary(tenant.id))));
            QCOMPARE(jsonList(await(m_store->roles(tenant.id))), jsonList(await(m_reference->roles(tenant.id))));
            const QList<Environment> expected = await(m_reference->environments(tenant.id));
            QCOMPARE(jsonList(await(m_store->environments(tenant.id))), jsonList(expected));
            for (const Environment& environment : expected) {
                QCOMPARE(json(await(m_store->environmentSummary(environment.id))),
                         json(await(m_reference->environmentSummary(environment.id))));
                ++environments;
            }
        }
        QVERIFY(environments >= tenants.size());
        QCOMPARE(jsonList(await(m_store->roles(0))), jsonList(await(m_reference->roles(0))));
    }

    void searches_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("limit");
        const Tenant deep = referenceTenants().constLast();
        QTest::newRow("a slug") << deep.slug << 10;
        QTest::newRow("part of a name, other case") << deep.displayName.left(4).toUpper() << 50;
        QTest::newRow("one letter, truncated") << u"a"_s << 3;
        QTest::newRow("percent") << u"%"_s << 10;
        QTest::newRow("underscore") << u"_"_s << 10;
        QTest::newRow("quote and semicolon") << u"'; DROP TABLE tenants; --"_s << 10;
        QTest::newRow("no match") << u"zzqx-nothing"_s << 10;
        QTest::newRow("non-ASCII") << u"Zürich"_s << 10;
    }

    void searches()
    {
        QFETCH(QString, text);
        QFETCH(int, limit);
        QCOMPARE(json(await(m_store->searchTenants(text, limit))), json(await(m_reference->searchTenants(text, limit))));
    }

    void userPages_data()
    {
        QTest::addColumn<bool>("ofTenant");
        QTest::addColumn<QString>("text");
        QTest::newRow("every user") << false << QString();
        QTest::newRow("every user, a text") << false << u"an"_s;
        QTest::newRow("one tenant") << true << QString();
        QTest::newRow("one tenant, a text") << true << u"e"_s;
        QTest::newRow("SQL in the text") << false << u"' OR 1=1 --"_s;
    }

    void userPages()
    {
        QFETCH(bool, ofTenant);
        QFETCH(QString, text);
        UserQuery query{.text = text, .limit = 37};
        if (ofTenant)
            query.tenantId = referenceTenantWithMostChildren().id;
        const auto fetch = [query](Store& store) {
            return [&store, query](const QString& cursor) mutable {
                query.cursor = cursor;
                return store.users(query);
            };
        };
        QCOMPARE(withoutAdminTimes(pagesJson(allPages<User>(fetch(*m_store)))),
                 withoutAdminTimes(pagesJson(allPages<User>(fetch(*m_reference)))));
    }

    void membershipPages()
    {
        int compared = 0;
        for (const Tenant& tenant : referenceTenants()) {
            const auto fetch = [&tenant](Store& store) {
                return [&store, &tenant](const QString& cursor) {
                    return store.memberships({.tenantId = tenant.id, .limit = 7, .cursor = cursor});
                };
            };
            const auto expected = allPages<MembershipEntry>(fetch(*m_reference));
            QCOMPARE(pagesJson(allPages<MembershipEntry>(fetch(*m_store))), pagesJson(expected));
            compared += int(expected.constFirst().size());
            if (!expected.constFirst().isEmpty()) {
                const UserId user = expected.constFirst().constFirst().userId;
                const MembershipQuery ofUser{.tenantId = tenant.id, .userId = user, .limit = 100};
                QCOMPARE(jsonList(await(m_store->memberships(ofUser)).items), jsonList(await(m_reference->memberships(ofUser)).items));
            }
        }
        QVERIFY(compared > 0);
    }

    void auditPages()
    {
        for (const TenantId tenant : {TenantId(0), referenceTenantWithMostChildren().id}) {
            const auto fetch = [tenant](Store& store) {
                return [&store, tenant](const QString& cursor) {
                    return store.auditEvents({.tenantId = tenant, .limit = 11, .cursor = cursor});
                };
            };
            const auto expected = allPages<AuditEvent>(fetch(*m_reference));
            QVERIFY(!expected.constFirst().isEmpty());
            QCOMPARE(pagesJson(allPages<AuditEvent>(fetch(*m_store))), pagesJson(expected));
        }
    }

    void usageOfEveryMetric()
    {
        const Tenant tenant = referenceTenantWithMostChildren();
        const EnvironmentId environment = await(m_reference->environments(tenant.id)).constFirst().id;
        const QDateTime to = contractScale().anchor;
        int samples = 0;
        for (const UsageMetric metric : allUsageMetrics) {
            for (const EnvironmentId env : {EnvironmentId(0), environment}) {
                const UsageQuery query{.tenantId = tenant.id, .environmentId = env, .metric = metric,
                                       .from = to.addDays(-3), .to = to};
                const QList<UsageSample> expected = await(m_reference->usage(query));
                QCOMPARE(jsonList(await(m_store->usage(query))), jsonList(expected));
                samples += int(expected.size());
            }
        }
        QVERIFY(samples > 0);
    }

    void billingSummaries()
    {
        const QDateTime to = contractScale().anchor;
        for (const TenantId tenant : {TenantId(0), referenceTenantWithMostChildren().id}) {
            const BillingQuery query{.tenantId = tenant, .from = to.addMonths(-6), .to = to.addMonths(1)};
            const QList<BillingSummaryRow> expected = await(m_reference->billingSummary(query));
            QVERIFY(!expected.isEmpty());
            QCOMPARE(jsonList(await(m_store->billingSummary(query))), jsonList(expected));
        }
    }

    void refusalsAreTheSame_data()
    {
        QTest::addColumn<int>("operation");
        QTest::newRow("tenant that does not exist") << 0;
        QTest::newRow("slug that does not exist") << 1;
        QTest::newRow("summary of a tenant that does not exist") << 2;
        QTest::newRow("environment that does not exist") << 3;
        QTest::newRow("sub-tenants of a tenant that does not exist") << 4;
        QTest::newRow("a page of 0") << 5;
        QTest::newRow("a page over 500") << 6;
        QTest::newRow("a forged tenant cursor") << 7;
        QTest::newRow("a forged user cursor") << 8;
        QTest::newRow("a forged membership cursor") << 9;
        QTest::newRow("a forged audit cursor") << 10;
        QTest::newRow("usage ending before it starts") << 11;
        QTest::newRow("billing ending before it starts") << 12;
        QTest::newRow("memberships of a tenant that does not exist") << 13;
        QTest::newRow("users of a tenant that does not exist") << 14;
        QTest::newRow("audit events of a tenant that does not exist") << 15;
        QTest::newRow("usage of a tenant that does not exist") << 16;
        QTest::newRow("billing of a tenant that does not exist") << 17;
        QTest::newRow("roles of a tenant that does not exist") << 18;
        QTest::newRow("environments of a tenant that does not exist") << 19;
        QTest::newRow("a search of 0") << 20;
    }

    void refusalsAreTheSame()
    {
        QFETCH(int, operation);
        const QDateTime to = contractScale().anchor;
        const std::function<Failure(Store&)> operations[] = {
            [](Store& s) { return failureOf(s.tenant(987654321)); },
            [](Store& s) { return failureOf(s.tenantBySlug(u"no-such-tenant"_s)); },
            [](Store& s) { return failureOf(s.tenantSummary(987654321)); },
            [](Store& s) { return failureOf(s.environmentSummary(987654321)); },
            [](Store& s) { return failureOf(s.tenants({.parentId = 987654321})); },
            [](Store& s) { return failureOf(s.tenants({.limit = 0})); },
            [](Store& s) { return failureOf(s.users({.limit = 501})); },
            [](Store& s) { return failureOf(s.tenants({.limit = 5, .cursor = u"bm90IGEgY3Vyc29y"_s})); },
            [](Store& s) { return failureOf(s.users({.limit = 5, .cursor = u"' OR 1=1 --"_s})); },
            [](Store& s) { return failureOf(s.memberships({.tenantId = 1, .limit = 5, .cursor = u"../../etc"_s})); },
            [](Store& s) { return failureOf(s.auditEvents({.limit = 5, .cursor = u"%00"_s})); },
            [&to](Store& s) { return failureOf(s.usage({.tenantId = 1, .from = to, .to = to.addDays(-1)})); },
            [&to](Store& s) { return failureOf(s.billingSummary({.from = to, .to = to.addDays(-1)})); },
            [](Store& s) { return failureOf(s.memberships({.tenantId = 987654321})); },
            [](Store& s) { return failureOf(s.users({.tenantId = 987654321})); },
            [](Store& s) { return failureOf(s.auditEvents({.tenantId = 987654321})); },
            [&to](Store& s) { return failureOf(s.usage({.tenantId = 987654321, .from = to.addDays(-1), .to = to})); },
            [&to](Store& s) { return failureOf(s.billingSummary({.tenantId = 987654321, .from = to.addDays(-1), .to = to})); },
            [](Store& s) { return failureOf(s.roles(987654321)); },
            [](Store& s) { return failureOf(s.environments(987654321)); },
            [](Store& s) { return failureOf(s.searchTenants(u"a"_s, 0)); },
        };
        const Failure expected = operations[operation](*m_reference);
        const Failure actual = operations[operation](*m_store);
        compareFailures(expected, actual, QTest::currentDataTag());
    }

    // Writes last: they change the data the reads above compare.
    void aChangeIsVersionedAuditedAndChained()
    {
        const Tenant before = referenceTenantWithMostChildren();
        const AuditEvent previous = await(m_store->auditEvents({.tenantId = before.id, .limit = 1})).items.constFirst();

        TenantChange change;
        change.displayName = before.displayName + u" (renamed)"_s;
        change.domain = u"renamed.example.com"_s;
        const Tenant after = await(m_store->updateTenant(before.id, change, before.version));
        QCOMPARE(after.version, before.version + 1);
        QCOMPARE(after.displayName, *change.displayName);
        QCOMPARE(after.domain, *change.domain);
        QCOMPARE(after.slug, before.slug);
        QCOMPARE(json(await(m_store->tenant(before.id))), json(after));

        // The same change on the reference gives the same tenant, but for when it was made.
        QJsonObject expected = json(await(m_reference->updateTenant(before.id, change, before.version)));
        QJsonObject actual = json(after);
        expected.remove(u"updated_at"_s);
        actual.remove(u"updated_at"_s);
        QCOMPARE(actual, expected);

        const AuditEvent event = await(m_store->auditEvents({.tenantId = before.id, .limit = 1})).items.constFirst();
        QVERIFY(event.id != previous.id);
        QCOMPARE(event.actor, adminEmail);
        QCOMPARE(event.tenantId, before.id);
        QCOMPARE(event.objectId, before.slug);
        QCOMPARE(event.before.value(u"display_name"_s).toString(), before.displayName);
        QCOMPARE(event.after.value(u"display_name"_s).toString(), after.displayName);
        QCOMPARE(event.previousHash, previous.hash);
        QVERIFY(!event.hash.isEmpty() && event.hash != previous.hash);
    }

    void aStaleChangeConflictsAndChangesNothing()
    {
        const Tenant current = referenceTenantWithMostChildren();
        const Tenant stored = await(m_store->tenant(current.id));
        TenantChange change;
        change.displayName = u"Lost update"_s;
        const Failure failure = failureOf(m_store->updateTenant(current.id, change, stored.version - 1));
        QVERIFY(failure.failed);
        QCOMPARE(errorCodeName(failure.code), errorCodeName(ErrorCode::Conflict));
        QCOMPARE(json(await(m_store->tenant(current.id))), json(stored));
    }

    void invalidChangesAreRefusedByField_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        QTest::newRow("empty name") << u"display_name"_s << u"  "_s;
        QTest::newRow("bad domain") << u"domain"_s << u"not a domain"_s;
        QTest::newRow("SQL in the domain") << u"domain"_s << u"x.com'; DELETE FROM tenants; --"_s;
        QTest::newRow("unknown time zone") << u"timezone"_s << u"Mars/Olympus_Mons"_s;
        QTest::newRow("bad language") << u"language"_s << u"english"_s;
    }

    void invalidChangesAreRefusedByField()
    {
        QFETCH(QString, field);
        QFETCH(QString, value);
        const Tenant tenant = referenceTenants().constLast();
        const Tenant stored = await(m_store->tenant(tenant.id));
        TenantChange change;
        if (field == u"display_name"_s)
            change.displayName = value;
        else if (field == u"domain"_s)
            change.domain = value;
        else if (field == u"timezone"_s)
            change.timezone = value;
        else
            change.language = value;
        const Failure expected = failureOf(m_reference->updateTenant(tenant.id, change, tenant.version));
        const Failure actual = failureOf(m_store->updateTenant(tenant.id, change, stored.version));
        compareFailures(expected, actual, QTest::currentDataTag());
        QCOMPARE(actual.field, field);
        QCOMPARE(json(await(m_store->tenant(tenant.id))), json(stored));
        QCOMPARE(await(m_store->platformSummary()).tenantCount, contractScale().tenants);
    }
};

QTEST_GUILESS_MAIN(TestStoreContract)
#include "tst_storecontract.moc"
