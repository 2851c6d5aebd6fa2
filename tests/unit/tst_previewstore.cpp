#include "Permission.h"
#include "PreviewStore.h"
#include "SqlStore.h"
#include "TestSupport.h"

#include <QSet>
#include <QStandardPaths>
#include <QTest>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

// "View as…": the demo platform seen through PreviewStore as a tenant admin, a tenant viewer and
// a platform admin would see it, the way tenantdesk-server filters it for them.
class TestPreviewStore : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<SqlStore> m_store;
    QList<Role> m_builtIn;
    Tenant m_scope;         // a sub-tenant with sub-tenants of its own: the previewed user's tenant
    Tenant m_scopeParent;   // its parent, which the user must not see
    Tenant m_elsewhere;     // a top-level tenant outside the user's scope

    Role builtIn(const QString& name) const
    {
        for (const Role& role : m_builtIn) {
            if (role.name == name)
                return role;
        }
        qFatal("no built-in role %s", qPrintable(name));
    }

    // A user holding `roleName` on m_scope: the store's own principalOf when it has one for such a
    // member, else the same principal put together from the policy.
    Principal principalWith(const QString& roleName)
    {
        const Page<MembershipEntry> members = await(m_store->memberships({.tenantId = m_scope.id, .limit = 500}));
        for (const MembershipEntry& entry : members.items) {
            if (entry.roleName != roleName || entry.environmentId != 0)
                continue;
            QFuture<Principal> future = m_store->principalOf(entry.userId);
            if (!QTest::qWaitFor([&future]() { return future.isFinished(); }, 30000))
                qFatal("principalOf did not answer");
            try {
                const Principal principal = future.result();
                // Only a member of this one tenant makes the expectations below exact.
                const bool onlyHere = std::all_of(principal.grants.cbegin(), principal.grants.cend(),
                                                  [this](const Grant& g) { return g.tenantId == m_scope.id; });
                if (!principal.isPlatformPrincipal() && onlyHere)
                    return principal;
            } catch (const StoreError& error) {
                if (error.code() != ErrorCode::Unavailable)
                    throw;
                break; // the backend has no principalOf yet
            }
        }
        Principal principal;
        principal.userId = 999999;
        principal.email = u"preview-%1@example.com"_s.arg(roleName.toLower().remove(u' '));
        principal.grants.append(Policy::grantFor(builtIn(roleName), m_scope, 0, m_builtIn));
        return principal;
    }

    Principal platformAdmin() const
    {
        Principal principal;
        principal.userId = 1;
        principal.email = u"platform-admin@example.com"_s;
        principal.platformPermissions = Permission::all();
        principal.platformPermissions.sort();
        return principal;
    }

    static QSet<TenantId> ids(const QList<Tenant>& tenants)
    {
        QSet<TenantId> result;
        for (const Tenant& tenant : tenants)
            result.insert(tenant.id);
        return result;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_store = std::make_unique<SqlStore>(copyFixture(smallDemoFixture(), m_dir));
        await(m_store->open(OpenMode::OpenExisting));
        m_builtIn = await(m_store->roles(0));
        const QList<Tenant> top = await(m_store->tenants({.limit = 500})).items;
        QVERIFY(top.size() >= 2);
        for (const Tenant& parent : top) {
            if (parent.subTenantCount == 0)
                continue;
            for (const Tenant& child : await(m_store->tenants({.parentId = parent.id, .limit = 500})).items) {
                if (child.subTenantCount > 0 && m_scope.id == 0) {
                    m_scope = child;
                    m_scopeParent = parent;
                }
            }
        }
        QVERIFY2(m_scope.id != 0, "the demo has a sub-tenant with sub-tenants");
        for (const Tenant& tenant : top) {
            if (tenant.id != m_scopeParent.id) {
                m_elsewhere = tenant;
                break;
            }
        }
        QVERIFY(m_elsewhere.id != 0);
    }

    void tenantAdminSeesOnlyTheirTenantAtTheTop()
    {
        const Principal principal = principalWith(BuiltInRole::TenantAdmin);
        PreviewStore preview(m_store.get(), principal);
        QCOMPARE(await(preview.currentPrincipal()), principal);

        const QList<Tenant> top = await(preview.tenants({})).items;
        QCOMPARE(ids(top), QSet<TenantId>{m_scope.id});
        // Their sub-tenants, as the store has them.
        QCOMPARE(ids(await(preview.tenants({.parentId = m_scope.id})).items),
                 ids(await(m_store->tenants({.parentId = m_scope.id})).items));
        // The path down starts at their tenant: its parent is not shown, nor found.
        QVERIFY(await(preview.tenantSummary(m_scope.id)).ancestors.isEmpty());
        QCOMPARE(awaitError(preview.tenant(m_scopeParent.id))->code(), ErrorCode::NotFound);
        QCOMPARE(awaitError(preview.tenant(m_elsewhere.id))->code(), ErrorCode::NotFound);
        QCOMPARE(awaitError(preview.tenants({.parentId = m_elsewhere.id}))->code(), ErrorCode::NotFound);
        QCOMPARE(awaitError(preview.tenantBySlug(m_elsewhere.slug))->code(), ErrorCode::NotFound);
        QCOMPARE(awaitError(preview.platformSummary())->code(), ErrorCode::Forbidden);
        // Users of the whole platform need the platform permission; their own tenant's are there.
        QCOMPARE(awaitError(preview.users({}))->code(), ErrorCode::Forbidden);
        QVERIFY(!await(preview.users({.tenantId = m_scope.id})).items.isEmpty());
        QCOMPARE(awaitError(preview.auditEvents({}))->code(), ErrorCode::Forbidden);
        await(preview.auditEvents({.tenantId = m_scope.id}));
    }

    void searchFindsNothingOutsideTheScope()
    {
        PreviewStore preview(m_store.get(), principalWith(BuiltInRole::TenantAdmin));
        const TenantSearchResult outside = await(preview.searchTenants(m_elsewhere.displayName, 100));
        const TenantSearchResult all = await(m_store->searchTenants(m_elsewhere.displayName, 100));
        QVERIFY(!all.matches.isEmpty());
        for (const Tenant& match : outside.matches)
            QVERIFY2(match.id == m_scope.id || match.ancestorIds.contains(m_scope.id), qPrintable(match.slug));
        for (const Tenant& ancestor : outside.ancestors)
            QVERIFY2(ancestor.id == m_scope.id || ancestor.ancestorIds.contains(m_scope.id), qPrintable(ancestor.slug));

        // Inside it, a sub-tenant is found, on a path that starts at their tenant.
        const Tenant inside = await(m_store->tenants({.parentId = m_scope.id, .limit = 1})).items.constFirst();
        const TenantSearchResult found = await(preview.searchTenants(inside.slug, 100));
        QVERIFY(ids(found.matches).contains(inside.id));
        QVERIFY(!ids(found.ancestors).contains(m_scopeParent.id));
    }

    void everyChangeIsRefused()
    {
        const Principal principal = principalWith(BuiltInRole::TenantAdmin);
        PreviewStore preview(m_store.get(), principal);
        const std::optional<StoreError> update =
            awaitError(preview.updateTenant(m_scope.id, {.displayName = u"Changed"_s}, m_scope.version));
        QCOMPARE(update->code(), ErrorCode::Forbidden);
        QVERIFY2(update->message().contains(principal.email), qPrintable(update->message()));
        QCOMPARE(awaitError(preview.createTenant({.slug = u"preview-new"_s, .displayName = u"New"_s}))->code(),
                 ErrorCode::Forbidden);
        QCOMPARE(awaitError(preview.createRole({.tenantId = m_scope.id, .name = u"Preview Role"_s}))->code(),
                 ErrorCode::Forbidden);
        QCOMPARE(awaitError(preview.changeTenantStatus(m_scope.id, TenantStatus::Suspended, m_scope.version))->code(),
                 ErrorCode::Forbidden);
        QCOMPARE(awaitError(preview.grantMembership({m_scope.id, 1, 0, builtIn(BuiltInRole::TenantUser).id}))->code(),
                 ErrorCode::Forbidden);
        // Nothing reached the store.
        QCOMPARE(await(m_store->tenant(m_scope.id)).version, m_scope.version);
    }

    void viewerCannotSeeUsersOfAnotherTenant()
    {
        PreviewStore preview(m_store.get(), principalWith(BuiltInRole::TenantViewer));
        QVERIFY(!await(preview.users({.tenantId = m_scope.id})).items.isEmpty());
        QCOMPARE(awaitError(preview.users({.tenantId = m_elsewhere.id}))->code(), ErrorCode::NotFound);
        QCOMPARE(awaitError(preview.users({.tenantId = m_scopeParent.id}))->code(), ErrorCode::NotFound);
        QCOMPARE(awaitError(preview.memberships({.tenantId = m_elsewhere.id}))->code(), ErrorCode::NotFound);
        // A viewer reads the tenant's audit trail but may not change it.
        await(preview.auditEvents({.tenantId = m_scope.id}));
        QCOMPARE(awaitError(preview.updateTenant(m_scope.id, {.domain = u"x.example"_s}, m_scope.version))->code(),
                 ErrorCode::Forbidden);
    }

    void tenantUserMayNotReadTheAuditTrail()
    {
        PreviewStore preview(m_store.get(), principalWith(BuiltInRole::TenantUser));
        await(preview.tenant(m_scope.id));
        QCOMPARE(awaitError(preview.auditEvents({.tenantId = m_scope.id}))->code(), ErrorCode::Forbidden);
        QCOMPARE(awaitError(preview.billingSummary({.tenantId = m_scope.id}))->code(), ErrorCode::Forbidden);
    }

    void platformAdminSeesEverything()
    {
        PreviewStore preview(m_store.get(), platformAdmin());
        QCOMPARE(ids(await(preview.tenants({.limit = 500})).items), ids(await(m_store->tenants({.limit = 500})).items));
        QCOMPARE(await(preview.tenant(m_elsewhere.id)), await(m_store->tenant(m_elsewhere.id)));
        const TenantSearchResult search = await(preview.searchTenants(m_elsewhere.displayName, 100));
        QCOMPARE(ids(search.matches), ids(await(m_store->searchTenants(m_elsewhere.displayName, 100)).matches));
        QCOMPARE(await(preview.platformSummary()).tenantCount, await(m_store->platformSummary()).tenantCount);
        QCOMPARE(await(preview.users({.limit = 10})).items, await(m_store->users({.limit = 10})).items);
        // Even a platform admin's preview changes nothing.
        QCOMPARE(awaitError(preview.updateTenant(m_elsewhere.id, {.domain = u"x.example"_s}, m_elsewhere.version))->code(),
                 ErrorCode::Forbidden);
    }
};

QTEST_GUILESS_MAIN(TestPreviewStore)
#include "tst_previewstore.moc"
