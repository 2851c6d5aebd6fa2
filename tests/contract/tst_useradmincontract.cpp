// The user-administration part of the Store contract, run by CTest once per backend
// (TENANTDESK_CONTRACT_BACKEND, see ContractStores): the users list with its filters and sorts,
// users created and changed, memberships, custom and composite roles with cycles refused, effective
// permissions explained, bulk actions (a failing row rolls everything back) and directory imports
// checked before anything is written. Refusals are compared with the reference SqlStore on SQLite.

#include "ContractStores.h"
#include "KeycloakImport.h"
#include "Permission.h"
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QTest>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

namespace {

QList<UserId> idsOf(const QList<User>& users)
{
    QList<UserId> ids;
    for (const User& u : users)
        ids.append(u.id);
    return ids;
}

// The same, without the contract's platform admin: signed in to a server, they have a last
// sign-in the reference store's copy of them lacks.
QList<UserId> idsOfOthers(const QList<User>& users)
{
    QList<User> others = users;
    others.removeIf([](const User& u) { return u.email == ContractStores::adminEmail; });
    return idsOf(others);
}

RoleId roleNamed(const QList<Role>& roles, const QString& name)
{
    for (const Role& role : roles) {
        if (role.name == name)
            return role.id;
    }
    return 0;
}

} // namespace

class TestUserAdminContract : public QObject
{
    Q_OBJECT

private:
    ContractStores m_stores;
    Store* m_store = nullptr;
    SqlStore* m_reference = nullptr;
    int m_serial = 0;

    QString unique(const QString& stem) { return stem + u'-' + QString::number(++m_serial); }

    Tenant newTenant(TenantId parentId = 0, QList<EnvironmentKind> environments = {EnvironmentKind::Production})
    {
        const QString slug = unique(u"people"_s);
        return await(m_store->createTenant(NewTenant{slug, u"People "_s + slug, parentId, {}, u"UTC"_s, u"en"_s, environments}));
    }

    User newUser(const QString& stem, std::optional<Membership> membership = std::nullopt)
    {
        const QString email = unique(stem) + u"@contract.test"_s;
        return await(m_store->createUser(NewUser{email, u"User "_s + email, UserStatus::Invited, membership}));
    }

    RoleId builtIn(const QString& name) { return roleNamed(await(m_store->roles(0)), name); }

    // Both stores give the same pages (the same demo, the same ids) for `query`, two pages deep.
    void compareLists(UserQuery query)
    {
        UserQuery reference = query; // each store reads its own cursors
        for (int page = 0; page < 2; ++page) {
            const Page<User> expected = await(m_reference->users(reference));
            const Page<User> actual = await(m_store->users(query));
            QCOMPARE(idsOfOthers(actual.items), idsOfOthers(expected.items));
            QCOMPARE(actual.isLast(), expected.isLast());
            if (actual.isLast())
                break;
            query.cursor = actual.nextCursor;
            reference.cursor = expected.nextCursor;
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        qInfo("User administration contract on %s", qPrintable(m_stores.backend()));
        QVERIFY2(m_stores.setUp(), qPrintable(m_stores.error()));
        m_store = &m_stores.store();
        m_reference = &m_stores.reference();
    }

    void listsUsersFilteredAndSortedAlike()
    {
        const Tenant tenant = await(m_reference->tenants({.limit = 1})).items.constFirst();
        const QList<Environment> environments = await(m_reference->environments(tenant.id));
        const RoleId viewer = roleNamed(await(m_reference->roles(0)), BuiltInRole::TenantViewer);
        for (UserSort sort : {UserSort::DisplayName, UserSort::Email, UserSort::Status, UserSort::LastSignIn, UserSort::CreatedAt}) {
            for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder})
                compareLists(UserQuery{.limit = sort == UserSort::LastSignIn ? 500 : 7, .sort = sort, .order = order});
        }
        compareLists(UserQuery{.tenantId = tenant.id, .limit = 5});
        compareLists(UserQuery{.limit = 5, .roleId = viewer});
        compareLists(UserQuery{.tenantId = tenant.id, .limit = 5, .roleId = viewer});
        compareLists(UserQuery{.limit = 5, .status = UserStatus::Disabled});
        compareLists(UserQuery{.text = u"an"_s, .limit = 5, .sort = UserSort::Email});
        if (!environments.isEmpty())
            compareLists(UserQuery{.tenantId = tenant.id, .limit = 5, .environmentId = environments.constFirst().id});

        // Each filter holds on what it returns.
        for (const User& u : await(m_store->users(UserQuery{.limit = 50, .status = UserStatus::Disabled})).items)
            QCOMPARE(u.status, UserStatus::Disabled);
        const QList<User> byEmail = await(m_store->users(UserQuery{.limit = 50, .sort = UserSort::Email, .order = Qt::DescendingOrder})).items;
        for (qsizetype i = 1; i < byEmail.size(); ++i)
            QVERIFY(byEmail.at(i - 1).email > byEmail.at(i).email);
    }

    void createsAndChangesUsers()
    {
        const Tenant tenant = newTenant();
        const RoleId tenantUser = builtIn(BuiltInRole::TenantUser);
        const User created = newUser(u"ann"_s, Membership{tenant.id, 0, 0, tenantUser});
        QCOMPARE(created.status, UserStatus::Invited);
        QCOMPARE(created.version, 1);
        const UserDetail detail = await(m_store->user(created.id));
        QCOMPARE(detail.memberships.size(), 1);
        QCOMPARE(detail.memberships.constFirst().tenantSlug, tenant.slug);
        QCOMPARE(detail.memberships.constFirst().roleName, BuiltInRole::TenantUser);
        QVERIFY(!detail.isPlatformPrincipal());

        const User active = await(m_store->updateUser(created.id, UserChange{.displayName = u"Ann Active"_s,
                                                                             .status = UserStatus::Active}, created.version));
        QCOMPARE(active.displayName, u"Ann Active"_s);
        QCOMPARE(active.status, UserStatus::Active);
        QCOMPARE(active.version, 2);
        const AuditEvent event = await(m_store->auditEvents({.action = u"user.update"_s, .limit = 1})).items.constFirst();
        QCOMPARE(event.objectId, created.email);
        QCOMPARE(event.after.value(u"status"_s).toString(), u"active"_s);

        // A stale version, an illegal transition, a bad or taken e-mail: refused by field, as on the reference.
        const User other = await(m_reference->createUser(NewUser{unique(u"ref"_s) + u"@contract.test"_s, u"Ref"_s}));
        Q_UNUSED(other);
        QCOMPARE(failureOf(m_store->updateUser(created.id, UserChange{.displayName = u"late"_s}, 1)).code, ErrorCode::Conflict);
        compareFailures(failureOf(m_reference->updateUser(1, UserChange{.email = u"not an e-mail"_s}, 1)),
                        failureOf(m_store->updateUser(created.id, UserChange{.email = u"not an e-mail"_s}, active.version)),
                        "a bad e-mail");
        const User invitedAgain = await(m_store->updateUser(created.id, UserChange{.status = UserStatus::Disabled}, active.version));
        QCOMPARE(invitedAgain.status, UserStatus::Disabled);
        const Failure illegal = failureOf(m_store->updateUser(created.id, UserChange{.status = UserStatus::Invited}, invitedAgain.version));
        QVERIFY(!illegal.failed); // disabled → invited: invited again
        const User invited = await(m_store->user(created.id)).user;
        const Failure activeToInvited = failureOf(m_store->updateUser(created.id, UserChange{.status = UserStatus::Active}, invited.version));
        QVERIFY(!activeToInvited.failed);
        const User reread = await(m_store->user(created.id)).user;
        const Failure refused = failureOf(m_store->updateUser(created.id, UserChange{.status = UserStatus::Invited}, reread.version));
        QVERIFY(refused.failed);
        QCOMPARE(refused.code, ErrorCode::Invalid);
        QCOMPARE(refused.field, u"status"_s);
        const Failure taken = failureOf(m_store->createUser(NewUser{created.email.toUpper(), u"Twin"_s}));
        QCOMPARE(taken.code, ErrorCode::Conflict);
        QCOMPARE(taken.field, u"email"_s);
    }

    void grantsAndRevokesMemberships()
    {
        const Tenant parent = newTenant();
        const Tenant child = newTenant(parent.id);
        const QList<Environment> environments = await(m_store->environments(parent.id));
        const User user = newUser(u"ben"_s);
        const Membership admin{parent.id, user.id, 0, builtIn(BuiltInRole::TenantAdmin)};
        const UserMembership granted = await(m_store->grantMembership(admin));
        QCOMPARE(granted.roleName, BuiltInRole::TenantAdmin);
        QCOMPARE(granted.inheritedTenantCount, 1); // the child
        QCOMPARE(await(m_store->user(user.id)).memberships.constFirst().inheritedTenantCount, 1);
        QCOMPARE(failureOf(m_store->grantMembership(admin)).code, ErrorCode::Conflict);
        QCOMPARE(idsOf(await(m_store->users(UserQuery{.tenantId = parent.id})).items), QList<UserId>{user.id});
        QVERIFY(await(m_store->users(UserQuery{.tenantId = child.id})).items.isEmpty());

        const Membership onEnvironment{parent.id, user.id, environments.constFirst().id, builtIn(BuiltInRole::TenantViewer)};
        QCOMPARE(await(m_store->grantMembership(onEnvironment)).environmentName, environments.constFirst().name);
        QCOMPARE(idsOf(await(m_store->users(UserQuery{.tenantId = parent.id, .environmentId = onEnvironment.environmentId})).items),
                 QList<UserId>{user.id});

        const Failure platformRole = failureOf(m_store->grantMembership(Membership{parent.id, user.id, 0, builtIn(BuiltInRole::PlatformAdmin)}));
        QCOMPARE(platformRole.code, ErrorCode::Invalid);
        QCOMPARE(platformRole.field, u"role_id"_s);

        QCOMPARE(await(m_store->revokeMembership(onEnvironment)).roleName, BuiltInRole::TenantViewer);
        QCOMPARE(failureOf(m_store->revokeMembership(onEnvironment)).code, ErrorCode::NotFound);
        const AuditEvent event = await(m_store->auditEvents({.tenantId = parent.id, .limit = 1})).items.constFirst();
        QCOMPARE(event.action, u"membership.revoke"_s);
        QCOMPARE(event.objectId, user.email);
    }

    void customRolesCompositesAndCycles()
    {
        const Tenant tenant = newTenant();
        const RoleId viewer = builtIn(BuiltInRole::TenantViewer);
        const Role lead = await(m_store->createRole(NewRole{tenant.id, u"Support Lead"_s, u"Leads support"_s, RoleScope::Tenant,
                                                            {Permission::UserWrite}, {viewer}}));
        QCOMPARE(lead.tenantId, tenant.id);
        QCOMPARE(lead.permissions, QStringList{Permission::UserWrite});
        QCOMPARE(lead.includedRoleIds, QList<RoleId>{viewer});
        QVERIFY(roleNamed(await(m_store->roles(tenant.id)), u"Support Lead"_s) == lead.id);

        const Role agent = await(m_store->createRole(NewRole{tenant.id, u"Agent"_s, {}, RoleScope::Tenant, {Permission::UsageRead}, {lead.id}}));
        // Lead including Agent would close the circle Agent → Lead → Agent.
        const Failure cycle = failureOf(m_store->updateRole(lead.id, RoleChange{.includedRoleIds = QList<RoleId>{viewer, agent.id}}, lead.version));
        QCOMPARE(cycle.code, ErrorCode::Invalid);
        QCOMPARE(cycle.field, u"included_role_ids"_s);
        QVERIFY2(cycle.message.contains(u"→"_s), qPrintable(cycle.message));

        const Failure unknown = failureOf(m_store->createRole(NewRole{tenant.id, u"Odd"_s, {}, RoleScope::Tenant, {u"tenant.fly"_s}, {}}));
        QCOMPARE(unknown.field, u"permissions"_s);
        QCOMPARE(failureOf(m_store->createRole(NewRole{tenant.id, u"support lead"_s, {}, RoleScope::Tenant, {}, {}})).code,
                 ErrorCode::Conflict);
        const Role builtInViewer = [&] {
            for (const Role& r : await(m_store->roles(0))) {
                if (r.id == viewer)
                    return r;
            }
            return Role{};
        }();
        QCOMPARE(failureOf(m_store->updateRole(viewer, RoleChange{.description = u"mine"_s}, builtInViewer.version)).code,
                 ErrorCode::Forbidden);

        const Role renamed = await(m_store->updateRole(lead.id, RoleChange{.name = u"Support Leads"_s,
                                                                            .permissions = QStringList{Permission::UserWrite, Permission::AuditRead}},
                                                        lead.version));
        QCOMPARE(renamed.version, lead.version + 1);
        QCOMPARE(renamed.permissions, (QStringList{Permission::AuditRead, Permission::UserWrite}));
        QCOMPARE(failureOf(m_store->updateRole(lead.id, RoleChange{.description = u"stale"_s}, lead.version)).code, ErrorCode::Conflict);

        // In use: refused; free: deleted.
        const User user = newUser(u"cara"_s, Membership{tenant.id, 0, 0, agent.id});
        QCOMPARE(failureOf(m_store->deleteRole(agent.id, agent.version)).code, ErrorCode::Conflict);
        QCOMPARE(failureOf(m_store->deleteRole(renamed.id, renamed.version)).code, ErrorCode::Conflict); // Agent includes it
        await(m_store->revokeMembership(Membership{tenant.id, user.id, 0, agent.id}));
        QCOMPARE(await(m_store->deleteRole(agent.id, agent.version)).name, u"Agent"_s);
        QCOMPARE(roleNamed(await(m_store->roles(tenant.id)), u"Agent"_s), 0);
    }

    void explainsEffectivePermissions()
    {
        const Tenant parent = newTenant();
        const Tenant child = newTenant(parent.id, {EnvironmentKind::Production});
        const QList<Environment> environments = await(m_store->environments(child.id));
        const Role lead = await(m_store->createRole(NewRole{parent.id, u"Lead"_s, {}, RoleScope::Tenant, {Permission::UserWrite},
                                                            {builtIn(BuiltInRole::TenantViewer)}}));
        const User user = newUser(u"dan"_s, Membership{parent.id, 0, 0, lead.id});
        await(m_store->grantMembership(Membership{child.id, user.id, environments.constFirst().id, builtIn(BuiltInRole::TenantUser)}));

        const EffectivePermissions onChild = await(m_store->effectivePermissions(user.id, child.id));
        QCOMPARE(onChild.userId, user.id);
        QVERIFY(onChild.names().contains(Permission::UserWrite));
        QVERIFY(!onChild.names().contains(Permission::TenantUpdate));
        QVERIFY(!onChild.names().contains(Permission::EnvironmentManage));
        for (const EffectivePermission& p : onChild.permissions) {
            if (p.permission == Permission::AuditRead) {
                // Only through Lead, which includes Tenant Viewer, granted on the parent.
                QCOMPARE(p.sources.size(), 1);
                const PermissionSource& source = p.sources.constFirst();
                QCOMPARE(source.grantedOnTenantSlug, parent.slug);
                QVERIFY(source.inherited(child.id));
                QCOMPARE(source.roleChain, (QStringList{u"Lead"_s, BuiltInRole::TenantViewer}));
            }
            if (p.permission == Permission::UsageRead) {
                // Twice: inherited from the parent, and on the child's environment by Tenant User.
                QCOMPARE(p.sources.size(), 2);
                QCOMPARE(p.sources.at(1).environmentName, environments.constFirst().name);
                QCOMPARE(p.sources.at(1).roleChain, QStringList{BuiltInRole::TenantUser});
            }
        }
        // The order is Permission::all()'s.
        QStringList order = Permission::all();
        order.removeIf([&](const QString& p) { return !onChild.names().contains(p); });
        QCOMPARE(onChild.names(), order);
    }

    void bulkActionsChangeAllOrNothing()
    {
        const Tenant from = newTenant();
        const Tenant to = newTenant();
        const RoleId tenantUser = builtIn(BuiltInRole::TenantUser);
        QList<UserId> ids;
        for (int i = 0; i < 4; ++i)
            ids.append(newUser(u"bulk"_s, Membership{from.id, 0, 0, tenantUser}).id);

        BulkUserAction disable{.kind = BulkUserActionKind::SetStatus, .userIds = ids, .status = UserStatus::Disabled};
        const BulkUserResult disabled = await(m_store->applyBulkUserAction(disable));
        QCOMPARE(disabled.changedUserIds, ids);
        QCOMPARE(disabled.previousStatuses, QList<UserStatus>(4, UserStatus::Invited));
        QCOMPARE(await(m_store->applyBulkUserAction(disable)).unchangedCount, 4);
        const BulkUserResult back = await(m_store->applyBulkUserAction(
            BulkUserAction{.kind = BulkUserActionKind::SetStatus, .userIds = ids, .status = UserStatus::Invited}));
        QCOMPARE(back.changedUserIds.size(), 4);
        QCOMPARE(await(m_store->user(ids.first())).user.status, UserStatus::Invited);

        // One user holds a custom role of `from`, which `to` cannot use: the whole move is refused.
        const Role local = await(m_store->createRole(NewRole{from.id, u"Local"_s, {}, RoleScope::Tenant, {Permission::TenantRead}, {}}));
        await(m_store->grantMembership(Membership{from.id, ids.last(), 0, local.id}));
        BulkUserAction move{.kind = BulkUserActionKind::Move, .userIds = ids, .tenantId = from.id, .targetTenantId = to.id};
        const Failure refused = failureOf(m_store->applyBulkUserAction(move));
        QCOMPARE(refused.code, ErrorCode::Invalid);
        QVERIFY2(refused.message.contains(u"Local"_s), qPrintable(refused.message));
        QCOMPARE(await(m_store->users(UserQuery{.tenantId = from.id})).items.size(), 4);
        QVERIFY(await(m_store->users(UserQuery{.tenantId = to.id})).items.isEmpty());

        move.userIds.removeLast();
        const BulkUserResult moved = await(m_store->applyBulkUserAction(move));
        QCOMPARE(moved.changedUserIds, move.userIds);
        QCOMPARE(await(m_store->users(UserQuery{.tenantId = to.id})).items.size(), 3);
        QCOMPARE(await(m_store->auditEvents({.tenantId = to.id, .action = u"membership.move"_s})).items.size(), 3);

        // A user gone fails the grant for all.
        BulkUserAction grant{.kind = BulkUserActionKind::GrantRole, .userIds = ids, .tenantId = to.id, .roleId = tenantUser};
        grant.userIds.append(9'999'999);
        QCOMPARE(failureOf(m_store->applyBulkUserAction(grant)).code, ErrorCode::NotFound);
        QCOMPARE(await(m_store->users(UserQuery{.tenantId = to.id})).items.size(), 3);
    }

    void importsAreCheckedBeforeAnythingIsWritten()
    {
        const Tenant tenant = newTenant();
        DirectoryImport import;
        import.source = u"people.csv"_s;
        import.tenantSlug = tenant.slug;
        import.roles = {ImportRole{u"Reviewer"_s, {}, RoleScope::Tenant, {Permission::AuditRead}, {BuiltInRole::TenantViewer}}};
        const QString a = unique(u"imp"_s) + u"@contract.test"_s, b = unique(u"imp"_s) + u"@contract.test"_s;
        import.users = {ImportUser{2, a, u"A"_s, UserStatus::Active, {ImportMembership{{}, {}, u"Reviewer"_s}}},
                        ImportUser{3, b, u"B"_s, UserStatus::Invited, {ImportMembership{{}, {}, u"No Such Role"_s}}}};
        const ImportReport refused = await(m_store->importDirectory(import, false));
        QVERIFY(!refused.written);
        QCOMPARE(refused.issues.size(), 1);
        QCOMPARE(refused.issues.constFirst().line, 3);
        QCOMPARE(refused.issues.constFirst().field, u"role"_s);
        QVERIFY(await(m_store->users(UserQuery{.tenantId = tenant.id})).items.isEmpty());
        QCOMPARE(roleNamed(await(m_store->roles(tenant.id)), u"Reviewer"_s), 0);

        import.users[1].memberships = {ImportMembership{{}, {}, BuiltInRole::TenantUser}};
        const ImportReport checked = await(m_store->importDirectory(import, true));
        QVERIFY(checked.issues.isEmpty());
        QVERIFY(!checked.written);
        QCOMPARE(checked.usersCreated, 2);
        QVERIFY(await(m_store->users(UserQuery{.tenantId = tenant.id})).items.isEmpty());

        const ImportReport written = await(m_store->importDirectory(import, false));
        QVERIFY(written.written);
        QCOMPARE(written.usersCreated, 2);
        QCOMPARE(written.rolesCreated, 1);
        QCOMPARE(written.membershipsCreated, 2);
        const QList<User> members = await(m_store->users(UserQuery{.tenantId = tenant.id})).items;
        QCOMPARE(members.size(), 2);
        for (const User& u : members)
            QCOMPARE(u.status, UserStatus::Invited); // credentials are never imported: invited, not active
    }

    void importsTheKeycloakSampleAsATenant()
    {
        const QString sample = QStringLiteral(TENANTDESK_SHARED_DATA_DIR "/keycloak/testrealm.json");
        QVERIFY2(QFile::exists(sample), qPrintable(sample));
        QList<DirectoryImport> imports = readKeycloakExport(sample);
        QCOMPARE(imports.size(), 1);
        DirectoryImport import = imports.constFirst();
        import.tenantSlug = unique(u"keycloak"_s); // each backend's database gets its own
        const ImportReport report = await(m_store->importDirectory(import, false));
        QVERIFY2(report.issues.isEmpty(), qPrintable(report.issues.isEmpty() ? QString() : report.issues.constFirst().message));
        QVERIFY(report.written);
        QCOMPARE(report.usersCreated + report.usersExisting, 7);
        QCOMPARE(report.rolesCreated, 19);
        QCOMPARE(report.membershipsCreated, 13);
        const Tenant tenant = await(m_store->tenantBySlug(import.tenantSlug));
        QCOMPARE(tenant.status, TenantStatus::Requested);
        QCOMPARE(await(m_store->users(UserQuery{.tenantId = tenant.id})).items.size(), 7);
    }

    void principalsFollowMemberships()
    {
        const Tenant tenant = newTenant();
        const User user = newUser(u"eve"_s, Membership{tenant.id, 0, 0, builtIn(BuiltInRole::TenantAdmin)});
        const Principal principal = await(m_store->principalOf(user.id));
        QCOMPARE(principal.userId, user.id);
        QVERIFY(!principal.isPlatformPrincipal());
        QCOMPARE(principal.grants.size(), 1);
        QCOMPARE(principal.grants.constFirst().tenantId, tenant.id);
        QCOMPARE(principal.grants.constFirst().roleName, BuiltInRole::TenantAdmin);
        const Principal me = await(m_store->currentPrincipal());
        QVERIFY(me.isPlatformPrincipal());
        QVERIFY(me.platformPermissions.contains(Permission::UserWrite));
    }
};

QTEST_GUILESS_MAIN(TestUserAdminContract)
#include "tst_useradmincontract.moc"
