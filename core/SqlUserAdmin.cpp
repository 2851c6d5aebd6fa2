// SqlSession's user administration: users, memberships, custom and composite roles, effective
// permissions explained, bulk actions and directory imports. Every change is one transaction with
// its audit events.

#include "SqlSession.h"

#include "Permission.h"
#include "Policy.h"
#include "SqlDetail.h"
#include "TenantSettings.h"

#include <QHash>
#include <QJsonArray>
#include <QSet>

namespace TenantDesk {

using namespace Qt::StringLiterals;
using namespace SqlDetail;

namespace {

void refuse(const QString& field, const QString& message, ErrorCode code = ErrorCode::Invalid)
{
    throw StoreError(code, field + u": "_s + message).withField(field);
}

void require(const QString& field, const QString& error)
{
    if (!error.isEmpty())
        refuse(field, error);
}

User fetchUser(const QSqlDatabase& db, UserId id)
{
    Query q(db, tr("Could not read a user"));
    q.prepare(u"SELECT "_s + userColumns + u" FROM users u WHERE u.id = ?"_s).bind(id).exec();
    if (!q.next())
        throw StoreError(ErrorCode::NotFound, tr("There is no user with id %1; they may have been deleted.").arg(id));
    return userFromRow(q);
}

std::optional<User> userByEmail(const QSqlDatabase& db, const QString& email)
{
    Query q(db, tr("Could not read a user"));
    q.prepare(u"SELECT "_s + userColumns + u" FROM users u WHERE lower(u.email) = lower(?)"_s).bind(email).exec();
    if (!q.next())
        return std::nullopt;
    return userFromRow(q);
}

// Holds a user's or a role's row until the change commits (see lockRow in SqlTenantAdmin.cpp).
void lockRow(const QSqlDatabase& db, const QString& table, qint64 id)
{
    if (!isPostgres(db))
        return;
    Query q(db, tr("Could not lock the row to change"));
    q.prepare(u"SELECT id FROM "_s + table + u" WHERE id = ? FOR UPDATE"_s).bind(id).exec();
}

const QString roleColumns = u"id, coalesce(tenant_id, 0), name, description, scope, built_in, version"_s;

Role roleFromRow(const Query& q)
{
    Role role;
    role.id = q.integer(0);
    role.tenantId = q.integer(1);
    role.name = q.text(2);
    role.description = q.text(3);
    role.scope = roleScopeFromKey(q.text(4)).value_or(RoleScope::Tenant);
    role.builtIn = q.integer(5) != 0;
    role.version = q.integer(6);
    return role;
}

Role fetchRole(const QSqlDatabase& db, RoleId id)
{
    Query q(db, tr("Could not read a role"));
    q.prepare(u"SELECT "_s + roleColumns + u" FROM roles WHERE id = ?"_s).bind(id).exec();
    if (!q.next())
        throw StoreError(ErrorCode::NotFound, tr("There is no role with id %1; it may have been deleted.").arg(id));
    Role role = roleFromRow(q);
    q.prepare(u"SELECT permission FROM role_permissions WHERE role_id = ? ORDER BY permission"_s).bind(id).exec();
    while (q.next())
        role.permissions.append(q.text(0));
    q.prepare(u"SELECT included_role_id FROM role_composites WHERE role_id = ? ORDER BY included_role_id"_s).bind(id).exec();
    while (q.next())
        role.includedRoleIds.append(q.integer(0));
    return role;
}

std::optional<Environment> environmentOf(const QSqlDatabase& db, TenantId tenantId, EnvironmentId id)
{
    for (const Environment& e : fetchEnvironments(db, tenantId)) {
        if (e.id == id)
            return e;
    }
    return std::nullopt;
}

QJsonObject userJson(const User& user)
{
    return QJsonObject{{u"email"_s, user.email}, {u"display_name"_s, user.displayName},
                       {u"status"_s, userStatusKey(user.status)}};
}

QJsonObject roleJson(const Role& role, const QList<Role>& known)
{
    QJsonArray included;
    for (RoleId id : role.includedRoleIds) {
        const auto found = std::find_if(known.cbegin(), known.cend(), [id](const Role& r) { return r.id == id; });
        included.append(found == known.cend() ? QJsonValue(id) : QJsonValue(found->name));
    }
    return QJsonObject{{u"name"_s, role.name}, {u"description"_s, role.description},
                       {u"scope"_s, roleScopeKey(role.scope)},
                       {u"permissions"_s, QJsonArray::fromStringList(role.permissions)}, {u"includes"_s, included}};
}

// How many tenants lie below `tenant`, at any depth.
int descendantCount(const QSqlDatabase& db, const QString& path)
{
    Query q(db, tr("Could not count the sub-tenants"));
    return q.prepare(u"SELECT count(*) FROM tenants WHERE substr(path, 1, ?) = ? AND path <> ?"_s)
        .bind(qint64(path.size())).bind(path).bind(path).scalar(0).toInt();
}

} // namespace

// A membership as a person reads it; the role checked against the tenant and the environment.
namespace {

struct CheckedGrant {
    Tenant tenant;
    QString environmentName;
    Role role;
};

CheckedGrant checkGrant(const QSqlDatabase& db, const Membership& m)
{
    CheckedGrant checked;
    checked.tenant = fetchTenant(db, m.tenantId);
    if (checked.tenant.status == TenantStatus::Decommissioning || checked.tenant.status == TenantStatus::Archived)
        refuse(u"tenant_id"_s, tr("“%1” is being retired; it takes no new members.").arg(checked.tenant.displayName));
    if (m.environmentId != 0) {
        const auto environment = environmentOf(db, m.tenantId, m.environmentId);
        if (!environment)
            refuse(u"environment_id"_s, tr("“%1” has no environment with id %2.").arg(checked.tenant.displayName).arg(m.environmentId));
        checked.environmentName = environment->name;
    }
    checked.role = fetchRole(db, m.roleId);
    const Role& role = checked.role;
    if (role.tenantId != 0 && role.tenantId != m.tenantId && !checked.tenant.ancestorIds.contains(role.tenantId))
        refuse(u"role_id"_s, tr("the role “%1” belongs to another tenant; it cannot be granted on “%2”.")
                                 .arg(role.name, checked.tenant.displayName));
    if (role.scope == RoleScope::Platform)
        refuse(u"role_id"_s, tr("“%1” is a platform role; platform roles are held across tenants, not granted on one.").arg(role.name));
    if (m.environmentId == 0 && role.scope == RoleScope::Environment)
        refuse(u"role_id"_s, tr("“%1” is an environment role; grant it on one of the tenant's environments.").arg(role.name));
    return checked;
}

bool holds(const QSqlDatabase& db, const Membership& m)
{
    Query q(db, tr("Could not read the memberships"));
    q.prepare(u"SELECT 1 FROM memberships WHERE tenant_id = ? AND user_id = ? AND environment_id = ? AND role_id = ?"_s)
        .bind(m.tenantId).bind(m.userId).bind(m.environmentId).bind(m.roleId).exec();
    return q.next();
}

QJsonObject membershipJson(const CheckedGrant& g, const Membership& m)
{
    QJsonObject json{{u"tenant"_s, g.tenant.slug}, {u"role"_s, g.role.name}};
    if (m.environmentId != 0)
        json.insert(u"environment"_s, g.environmentName);
    return json;
}

} // namespace

UserDetail SqlSession::userDetail(UserId id) const
{
    return scoped([&] {
        UserDetail detail;
        detail.user = fetchUser(m_db, id);
        detail.platformRoles = platformRolesOf(id);
        Query q(m_db, tr("Could not read the user's memberships"));
        q.prepare(u"SELECT m.tenant_id, m.environment_id, m.role_id, t.slug, t.display_name, coalesce(e.name, ''), r.name, "
                  "r.scope, t.path FROM memberships m JOIN tenants t ON t.id = m.tenant_id JOIN roles r ON r.id = m.role_id "
                  "LEFT JOIN environments e ON e.tenant_id = m.tenant_id AND e.id = m.environment_id "
                  "WHERE m.user_id = ? ORDER BY t.slug, m.environment_id, r.name"_s).bind(id).exec();
        QList<std::pair<UserMembership, QString>> rows;
        while (q.next()) {
            UserMembership m;
            m.membership = Membership{q.integer(0), id, q.integer(1), q.integer(2)};
            m.tenantSlug = q.text(3);
            m.tenantName = q.text(4);
            m.environmentName = q.text(5);
            m.roleName = q.text(6);
            m.roleScope = roleScopeFromKey(q.text(7)).value_or(RoleScope::Tenant);
            const QList<TenantId> path = idsOfPath(q.text(8));
            if (!m_scope.covers(m.membership.tenantId, path))
                continue; // a membership elsewhere is not the reader's business
            rows.append({m, q.text(8)});
        }
        for (auto& [m, path] : rows) {
            if (m.membership.environmentId == 0 && m.roleScope == RoleScope::Tenant)
                m.inheritedTenantCount = descendantCount(m_db, path);
            detail.memberships.append(m);
        }
        return detail;
    });
}

User SqlSession::createUser(const NewUser& user) const
{
    require(u"email"_s, emailError(user.email));
    require(u"display_name"_s, userDisplayNameError(user.displayName));
    return transaction([&] {
        if (const auto existing = userByEmail(m_db, user.email))
            refuse(u"email"_s, tr("“%1” already belongs to the user “%2”.").arg(user.email, existing->displayName),
                   ErrorCode::Conflict);
        std::optional<CheckedGrant> grant;
        if (user.membership)
            grant = checkGrant(m_db, *user.membership);
        const UserId id = nextId(m_db, u"users"_s);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        Query q(m_db, tr("Could not create the user"));
        q.prepare(u"INSERT INTO users (id, email, display_name, status, created_at, version) VALUES (?, ?, ?, ?, ?, 1)"_s)
            .bind(id).bind(user.email).bind(user.displayName.trimmed()).bind(userStatusKey(user.status))
            .bind(SqlTime::format(now)).exec();
        const User created = fetchUser(m_db, id);
        QJsonObject after = userJson(created);
        TenantId auditTenant = 0;
        if (grant) {
            Membership m = *user.membership;
            m.userId = id;
            q.prepare(u"INSERT INTO memberships (tenant_id, user_id, environment_id, role_id) VALUES (?, ?, ?, ?)"_s)
                .bind(m.tenantId).bind(id).bind(m.environmentId).bind(m.roleId).exec();
            after.insert(u"membership"_s, membershipJson(*grant, m));
            auditTenant = m.tenantId;
        }
        appendAudit(AuditEvent{0, auditTenant, now, m_actor, u"user.create"_s, u"user"_s, created.email, {}, after, {}, {}});
        return created;
    });
}

User SqlSession::updateUser(UserId id, const UserChange& change, qint64 expectedVersion) const
{
    if (change.isEmpty())
        throw StoreError(ErrorCode::Invalid, tr("The change names no field to change.")).withField(u"body"_s);
    if (change.email)
        require(u"email"_s, emailError(*change.email));
    if (change.displayName)
        require(u"display_name"_s, userDisplayNameError(*change.displayName));
    return transaction([&] {
        lockRow(m_db, u"users"_s, id);
        const User before = fetchUser(m_db, id);
        checkVersion(before.email, before.version, expectedVersion);
        User after = before;
        if (change.email && *change.email != before.email) {
            if (const auto other = userByEmail(m_db, *change.email); other && other->id != id)
                refuse(u"email"_s, tr("“%1” already belongs to the user “%2”.").arg(*change.email, other->displayName),
                       ErrorCode::Conflict);
            after.email = *change.email;
        }
        if (change.displayName)
            after.displayName = change.displayName->trimmed();
        if (change.status && *change.status != before.status) {
            if (!isLegalUserTransition(before.status, *change.status))
                refuse(u"status"_s, tr("a user who is %1 cannot become %2.")
                                        .arg(userStatusDisplayName(before.status).toLower(),
                                             userStatusDisplayName(*change.status).toLower()));
            after.status = *change.status;
        }
        if (after == before)
            return before;
        Query q(m_db, tr("Could not change the user"));
        q.prepare(u"UPDATE users SET email = ?, display_name = ?, status = ?, version = version + 1 WHERE id = ? AND version = ?"_s)
            .bind(after.email).bind(after.displayName).bind(userStatusKey(after.status)).bind(id).bind(expectedVersion).exec();
        if (q.raw().numRowsAffected() != 1)
            throw StoreError(ErrorCode::Conflict, tr("“%1” was changed by someone else; review their change, then edit again.").arg(before.email));
        QJsonObject beforeJson, afterJson;
        const QJsonObject b = userJson(before), a = userJson(after);
        for (auto it = a.begin(); it != a.end(); ++it) {
            if (b.value(it.key()) != it.value()) {
                beforeJson.insert(it.key(), b.value(it.key()));
                afterJson.insert(it.key(), it.value());
            }
        }
        appendAudit(AuditEvent{0, 0, QDateTime::currentDateTimeUtc(), m_actor, u"user.update"_s, u"user"_s, before.email,
                               beforeJson, afterJson, {}, {}});
        return fetchUser(m_db, id);
    });
}

UserMembership SqlSession::grantMembership(const Membership& membership) const
{
    return transaction([&] {
        const User user = fetchUser(m_db, membership.userId);
        const CheckedGrant g = checkGrant(m_db, membership);
        if (holds(m_db, membership))
            throw StoreError(ErrorCode::Conflict, tr("%1 already holds “%2” there.").arg(user.email, g.role.name));
        Query q(m_db, tr("Could not grant the role"));
        q.prepare(u"INSERT INTO memberships (tenant_id, user_id, environment_id, role_id) VALUES (?, ?, ?, ?)"_s)
            .bind(membership.tenantId).bind(membership.userId).bind(membership.environmentId).bind(membership.roleId).exec();
        appendAudit(AuditEvent{0, membership.tenantId, QDateTime::currentDateTimeUtc(), m_actor, u"membership.grant"_s,
                               u"user"_s, user.email, {}, membershipJson(g, membership), {}, {}});
        UserMembership m{membership, g.tenant.slug, g.tenant.displayName, g.environmentName, g.role.name, g.role.scope, 0};
        if (membership.environmentId == 0 && g.role.scope == RoleScope::Tenant) {
            Query path(m_db, tr("Could not read a tenant"));
            m.inheritedTenantCount = descendantCount(
                m_db, path.prepare(u"SELECT path FROM tenants WHERE id = ?"_s).bind(membership.tenantId).scalar().toString());
        }
        return m;
    });
}

UserMembership SqlSession::revokeMembership(const Membership& membership) const
{
    return transaction([&] {
        const User user = fetchUser(m_db, membership.userId);
        if (!holds(m_db, membership))
            throw StoreError(ErrorCode::NotFound, tr("%1 does not hold that role there (any more).").arg(user.email));
        CheckedGrant g;
        g.tenant = fetchTenant(m_db, membership.tenantId);
        g.role = fetchRole(m_db, membership.roleId);
        if (membership.environmentId != 0) {
            if (const auto e = environmentOf(m_db, membership.tenantId, membership.environmentId))
                g.environmentName = e->name;
        }
        Query q(m_db, tr("Could not take the role away"));
        q.prepare(u"DELETE FROM memberships WHERE tenant_id = ? AND user_id = ? AND environment_id = ? AND role_id = ?"_s)
            .bind(membership.tenantId).bind(membership.userId).bind(membership.environmentId).bind(membership.roleId).exec();
        appendAudit(AuditEvent{0, membership.tenantId, QDateTime::currentDateTimeUtc(), m_actor, u"membership.revoke"_s,
                               u"user"_s, user.email, membershipJson(g, membership), {}, {}, {}});
        return UserMembership{membership, g.tenant.slug, g.tenant.displayName, g.environmentName, g.role.name, g.role.scope, 0};
    });
}

namespace {

// The roles a custom role of `tenantId` may see by name or id: built in, and the tenant's own.
QList<Role> rolesAround(const SqlSession& s, TenantId tenantId)
{
    return s.roles(tenantId);
}

void checkRoleContent(const QSqlDatabase& db, const Role& role, const QList<Role>& known)
{
    for (const QString& permission : role.permissions) {
        if (!Permission::isKnown(permission))
            refuse(u"permissions"_s, tr("“%1” is no permission TenantDesk knows (expected one of %2).")
                                         .arg(permission, Permission::all().join(u", "_s)));
    }
    for (RoleId includedId : role.includedRoleIds) {
        const auto included = std::find_if(known.cbegin(), known.cend(), [includedId](const Role& r) { return r.id == includedId; });
        if (included == known.cend())
            refuse(u"included_role_ids"_s, tr("there is no role with id %1 here.").arg(includedId));
        if (included->id == role.id)
            refuse(u"included_role_ids"_s, tr("a role cannot include itself."));
        if (!Policy::mayInclude(role, *included))
            refuse(u"included_role_ids"_s, tr("“%1” cannot include “%2”: a role includes only built-in roles and roles of "
                                              "its own tenant, of no wider scope.").arg(role.name, included->name));
    }
    const QStringList cycle = Policy::includeCycle(role, role.includedRoleIds, known);
    if (!cycle.isEmpty())
        refuse(u"included_role_ids"_s, tr("including these roles would make a cycle: %1.").arg(cycle.join(u" → "_s)));
    Q_UNUSED(db);
}

void requireUniqueRoleName(const QSqlDatabase& db, TenantId tenantId, const QString& name, RoleId except)
{
    Query q(db, tr("Could not check the role's name"));
    q.prepare(u"SELECT coalesce(tenant_id, 0) FROM roles WHERE (tenant_id IS NULL OR tenant_id = ?) AND lower(name) = lower(?) AND id <> ?"_s)
        .bind(tenantId).bind(name).bind(except).exec();
    if (q.next())
        refuse(u"name"_s, q.integer(0) == 0 && tenantId != 0 ? tr("“%1” is the name of a built-in or platform role.").arg(name)
                                                               : tr("there is a role called “%1” already.").arg(name),
               ErrorCode::Conflict);
}

void writeRoleContent(const QSqlDatabase& db, const Role& role)
{
    Query q(db, tr("Could not save the role"));
    q.prepare(u"DELETE FROM role_permissions WHERE role_id = ?"_s).bind(role.id).exec();
    q.prepare(u"DELETE FROM role_composites WHERE role_id = ?"_s).bind(role.id).exec();
    for (const QString& permission : role.permissions)
        q.prepare(u"INSERT INTO role_permissions (role_id, permission) VALUES (?, ?)"_s).bind(role.id).bind(permission).exec();
    for (RoleId included : role.includedRoleIds)
        q.prepare(u"INSERT INTO role_composites (role_id, included_role_id) VALUES (?, ?)"_s).bind(role.id).bind(included).exec();
}

QStringList normalised(QStringList list)
{
    list.sort();
    list.removeDuplicates();
    return list;
}

QList<RoleId> normalised(QList<RoleId> list)
{
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
    return list;
}

} // namespace

Role SqlSession::role(RoleId id) const
{
    return scoped([&] { return fetchRole(m_db, id); });
}

Role SqlSession::createRole(const NewRole& newRole) const
{
    require(u"name"_s, roleNameError(newRole.name));
    if (newRole.tenantId == 0 && newRole.scope != RoleScope::Platform)
        refuse(u"scope"_s, tr("a role of no tenant is a platform role; tenant and environment roles belong to a tenant."));
    if (newRole.tenantId != 0 && newRole.scope == RoleScope::Platform)
        refuse(u"scope"_s, tr("a tenant's role has tenant or environment scope; platform roles belong to the platform."));
    return transaction([&] {
        TenantId auditTenant = 0;
        if (newRole.tenantId != 0) {
            const Tenant tenant = fetchTenant(m_db, newRole.tenantId);
            if (tenant.status == TenantStatus::Decommissioning || tenant.status == TenantStatus::Archived)
                refuse(u"tenant_id"_s, tr("“%1” is being retired; its roles no longer change.").arg(tenant.displayName));
            auditTenant = tenant.id;
        }
        requireUniqueRoleName(m_db, newRole.tenantId, newRole.name, 0);
        const QList<Role> known = rolesAround(*this, newRole.tenantId);
        Role role;
        role.id = nextId(m_db, u"roles"_s);
        role.tenantId = newRole.tenantId;
        role.name = newRole.name;
        role.description = newRole.description.trimmed();
        if (role.description.isNull())
            role.description = QStringLiteral(""); // NOT NULL: no description is ''

        role.scope = newRole.scope;
        role.permissions = normalised(newRole.permissions);
        role.includedRoleIds = normalised(newRole.includedRoleIds);
        checkRoleContent(m_db, role, known);
        Query q(m_db, tr("Could not create the role"));
        q.prepare(u"INSERT INTO roles (id, tenant_id, name, description, scope, built_in, version) VALUES (?, ?, ?, ?, ?, 0, 1)"_s)
            .bind(role.id).bind(role.tenantId == 0 ? QVariant(QMetaType::fromType<qint64>()) : QVariant(role.tenantId))
            .bind(role.name).bind(role.description).bind(roleScopeKey(role.scope)).exec();
        writeRoleContent(m_db, role);
        appendAudit(AuditEvent{0, auditTenant, QDateTime::currentDateTimeUtc(), m_actor, u"role.create"_s, u"role"_s, role.name,
                               {}, roleJson(role, known), {}, {}});
        return fetchRole(m_db, role.id);
    });
}

Role SqlSession::updateRole(RoleId id, const RoleChange& change, qint64 expectedVersion) const
{
    if (change.isEmpty())
        throw StoreError(ErrorCode::Invalid, tr("The change names no field to change.")).withField(u"body"_s);
    if (change.name)
        require(u"name"_s, roleNameError(*change.name));
    return transaction([&] {
        lockRow(m_db, u"roles"_s, id);
        const Role before = fetchRole(m_db, id);
        if (before.builtIn)
            throw StoreError(ErrorCode::Forbidden, tr("“%1” is a built-in role; built-in roles do not change. "
                                                      "Create a custom role that includes it instead.").arg(before.name));
        checkVersion(before.name, before.version, expectedVersion);
        Role after = before;
        if (change.name && *change.name != before.name) {
            requireUniqueRoleName(m_db, before.tenantId, *change.name, id);
            after.name = *change.name;
        }
        if (change.description)
            after.description = change.description->isNull() ? QStringLiteral("") : change.description->trimmed();
        if (change.permissions)
            after.permissions = normalised(*change.permissions);
        if (change.includedRoleIds)
            after.includedRoleIds = normalised(*change.includedRoleIds);
        if (after == before)
            return before;
        const QList<Role> known = rolesAround(*this, before.tenantId);
        checkRoleContent(m_db, after, known);
        Query q(m_db, tr("Could not change the role"));
        q.prepare(u"UPDATE roles SET name = ?, description = ?, version = version + 1 WHERE id = ? AND version = ?"_s)
            .bind(after.name).bind(after.description).bind(id).bind(expectedVersion).exec();
        if (q.raw().numRowsAffected() != 1)
            throw StoreError(ErrorCode::Conflict, tr("“%1” was changed by someone else; review their change, then edit again.").arg(before.name));
        writeRoleContent(m_db, after);
        QJsonObject b = roleJson(before, known), a = roleJson(after, known), beforeJson, afterJson;
        for (auto it = a.begin(); it != a.end(); ++it) {
            if (b.value(it.key()) != it.value()) {
                beforeJson.insert(it.key(), b.value(it.key()));
                afterJson.insert(it.key(), it.value());
            }
        }
        appendAudit(AuditEvent{0, before.tenantId, QDateTime::currentDateTimeUtc(), m_actor, u"role.update"_s, u"role"_s,
                               before.name, beforeJson, afterJson, {}, {}});
        return fetchRole(m_db, id);
    });
}

Role SqlSession::deleteRole(RoleId id, qint64 expectedVersion) const
{
    return transaction([&] {
        lockRow(m_db, u"roles"_s, id);
        const Role before = fetchRole(m_db, id);
        if (before.builtIn)
            throw StoreError(ErrorCode::Forbidden, tr("“%1” is a built-in role; built-in roles cannot be deleted.").arg(before.name));
        checkVersion(before.name, before.version, expectedVersion);
        Query q(m_db, tr("Could not delete the role"));
        const int held = q.prepare(u"SELECT count(*) FROM memberships WHERE role_id = ?"_s).bind(id).scalar(0).toInt()
            + q.prepare(u"SELECT count(*) FROM platform_principals WHERE role_id = ?"_s).bind(id).scalar(0).toInt();
        if (held > 0)
            throw StoreError(ErrorCode::Conflict, QCoreApplication::translate("SqlSession",
                "“%1” is still granted %n time(s); take it away from its members first.", nullptr, held).arg(before.name));
        q.prepare(u"SELECT r.name FROM role_composites c JOIN roles r ON r.id = c.role_id WHERE c.included_role_id = ? ORDER BY r.name"_s)
            .bind(id).exec();
        QStringList includers;
        while (q.next())
            includers << q.text(0);
        if (!includers.isEmpty())
            throw StoreError(ErrorCode::Conflict, tr("“%1” is included in %2; remove it from there first.")
                                                      .arg(before.name, includers.join(u", "_s)));
        const QList<Role> known = rolesAround(*this, before.tenantId);
        q.prepare(u"DELETE FROM roles WHERE id = ?"_s).bind(id).exec();
        appendAudit(AuditEvent{0, before.tenantId, QDateTime::currentDateTimeUtc(), m_actor, u"role.delete"_s, u"role"_s,
                               before.name, roleJson(before, known), {}, {}, {}});
        return before;
    });
}

EffectivePermissions SqlSession::effectivePermissions(UserId userId, TenantId tenantId) const
{
    return scoped([&] {
        fetchUser(m_db, userId);
        const Tenant tenant = fetchTenant(m_db, tenantId);
        const QList<Role> known = roles(tenantId);
        QHash<RoleId, Role> byId;
        for (const Role& role : known)
            byId.insert(role.id, role);
        QMap<QString, QList<PermissionSource>> sources;
        const auto add = [&](const Role& role, const PermissionSource& base) {
            const QMap<QString, QStringList> chains = Policy::permissionChains(role, known);
            for (auto it = chains.cbegin(); it != chains.cend(); ++it) {
                PermissionSource source = base;
                source.roleChain = it.value();
                sources[it.key()].append(source);
            }
        };
        for (const Role& role : platformRolesOf(userId))
            add(role, PermissionSource{.platform = true});

        QList<TenantId> chain = tenant.ancestorIds;
        chain.append(tenantId);
        Query q(m_db, tr("Could not read the user's memberships"));
        q.prepare(u"SELECT m.tenant_id, m.environment_id, m.role_id, t.slug, coalesce(e.name, '') FROM memberships m "
                  "JOIN tenants t ON t.id = m.tenant_id "
                  "LEFT JOIN environments e ON e.tenant_id = m.tenant_id AND e.id = m.environment_id "
                  "WHERE m.user_id = ? AND m.tenant_id IN ("_s + QStringList(chain.size(), u"?"_s).join(u',')
                  + u") ORDER BY t.depth, m.environment_id, m.role_id"_s);
        q.bind(userId);
        for (TenantId id : std::as_const(chain))
            q.bind(id);
        q.exec();
        while (q.next()) {
            const TenantId on = q.integer(0);
            const EnvironmentId environmentId = q.integer(1);
            const auto role = byId.constFind(q.integer(2));
            if (role == byId.cend())
                continue;
            // A tenant-wide grant of a tenant role reaches the sub-tenants; one on an environment
            // reaches that environment only.
            if (on != tenantId && (environmentId != 0 || role->scope != RoleScope::Tenant))
                continue;
            add(*role, PermissionSource{.grantedOnTenantId = on, .grantedOnTenantSlug = q.text(3),
                                        .environmentId = environmentId, .environmentName = q.text(4)});
        }
        EffectivePermissions result{userId, tenantId, {}};
        for (const QString& permission : Permission::all()) {
            if (sources.contains(permission))
                result.permissions.append(EffectivePermission{permission, sources.value(permission)});
        }
        return result;
    });
}

Principal SqlSession::principalOf(UserId userId) const
{
    return scoped([&] {
        const User user = fetchUser(m_db, userId);
        Principal principal;
        principal.userId = user.id;
        principal.email = user.email;
        const QList<Role> builtIn = roles(0);
        for (const Role& role : platformRolesOf(user.id)) {
            for (const QString& permission : Policy::flattenPermissions(role, builtIn)) {
                if (!principal.platformPermissions.contains(permission))
                    principal.platformPermissions.append(permission);
            }
        }
        principal.platformPermissions.sort();
        QHash<TenantId, Tenant> tenants;
        const auto tenantOf = [&](TenantId id) {
            auto it = tenants.find(id);
            if (it == tenants.end())
                it = tenants.insert(id, fetchTenant(m_db, id));
            return *it;
        };
        QHash<TenantId, QList<Role>> rolesByTenant;
        for (const MembershipEntry& m : membershipsOfUser(user.id)) {
            const Tenant tenant = tenantOf(m.tenantId);
            const auto dormant = [&](TenantId id) { return isDormant(tenantOf(id).status); };
            if (isDormant(tenant.status) || std::any_of(tenant.ancestorIds.cbegin(), tenant.ancestorIds.cend(), dormant))
                continue; // a membership on a dormant tenant grants nothing while it is
            auto it = rolesByTenant.find(m.tenantId);
            if (it == rolesByTenant.end())
                it = rolesByTenant.insert(m.tenantId, roles(m.tenantId));
            const auto role = std::find_if(it->cbegin(), it->cend(), [&m](const Role& r) { return r.id == m.roleId; });
            if (role != it->cend())
                principal.grants.append(Policy::grantFor(*role, tenant, m.environmentId, *it));
        }
        return principal;
    });
}

BulkUserResult SqlSession::applyBulkUserAction(const BulkUserAction& action, const std::function<bool(int)>& progress) const
{
    if (action.userIds.isEmpty())
        throw StoreError(ErrorCode::Invalid, tr("Choose at least one user.")).withField(u"user_ids"_s);
    return transaction([&] {
        BulkUserResult result;
        const QDateTime now = QDateTime::currentDateTimeUtc();
        std::optional<CheckedGrant> grant;
        Tenant source, target;
        QString sourceEnvironment, targetEnvironment;
        QHash<RoleId, Role> rolesById;
        switch (action.kind) {
        case BulkUserActionKind::SetStatus:
            break;
        case BulkUserActionKind::GrantRole:
            grant = checkGrant(m_db, Membership{action.tenantId, 0, action.environmentId, action.roleId});
            break;
        case BulkUserActionKind::RevokeRole:
            grant = CheckedGrant{fetchTenant(m_db, action.tenantId), {}, fetchRole(m_db, action.roleId)};
            if (action.environmentId != 0) {
                if (const auto e = environmentOf(m_db, action.tenantId, action.environmentId))
                    grant->environmentName = e->name;
            }
            break;
        case BulkUserActionKind::Move: {
            source = fetchTenant(m_db, action.tenantId);
            target = fetchTenant(m_db, action.targetTenantId);
            if (target.status == TenantStatus::Decommissioning || target.status == TenantStatus::Archived)
                refuse(u"target_tenant_id"_s, tr("“%1” is being retired; it takes no new members.").arg(target.displayName));
            if (action.environmentId != 0) {
                const auto e = environmentOf(m_db, source.id, action.environmentId);
                if (!e)
                    refuse(u"environment_id"_s, tr("“%1” has no environment with id %2.").arg(source.displayName).arg(action.environmentId));
                sourceEnvironment = e->name;
            }
            if (action.targetEnvironmentId != 0) {
                const auto e = environmentOf(m_db, target.id, action.targetEnvironmentId);
                if (!e)
                    refuse(u"target_environment_id"_s,
                           tr("“%1” has no environment with id %2.").arg(target.displayName).arg(action.targetEnvironmentId));
                targetEnvironment = e->name;
            }
            if (source.id == target.id && action.environmentId == action.targetEnvironmentId)
                refuse(u"target_tenant_id"_s, tr("the users are there already; choose another tenant or environment."));
            for (const Role& role : roles(source.id))
                rolesById.insert(role.id, role);
            break;
        }
        }

        Query q(m_db, tr("Could not change the users"));
        int done = 0;
        for (UserId userId : action.userIds) {
            const User user = fetchUser(m_db, userId);
            bool changed = false;
            switch (action.kind) {
            case BulkUserActionKind::SetStatus:
                if (user.status != action.status) {
                    if (!isLegalUserTransition(user.status, action.status))
                        throw StoreError(ErrorCode::Invalid,
                                         tr("%1 is %2 and cannot become %3; nothing was changed.")
                                             .arg(user.email, userStatusDisplayName(user.status).toLower(),
                                                  userStatusDisplayName(action.status).toLower())).withField(u"status"_s);
                    q.prepare(u"UPDATE users SET status = ?, version = version + 1 WHERE id = ?"_s)
                        .bind(userStatusKey(action.status)).bind(userId).exec();
                    appendAudit(AuditEvent{0, action.tenantId, now, m_actor, u"user.update"_s, u"user"_s, user.email,
                                           QJsonObject{{u"status"_s, userStatusKey(user.status)}},
                                           QJsonObject{{u"status"_s, userStatusKey(action.status)}}, {}, {}});
                    result.previousStatuses.append(user.status);
                    changed = true;
                }
                break;
            case BulkUserActionKind::GrantRole: {
                const Membership m{action.tenantId, userId, action.environmentId, action.roleId};
                if (!holds(m_db, m)) {
                    q.prepare(u"INSERT INTO memberships (tenant_id, user_id, environment_id, role_id) VALUES (?, ?, ?, ?)"_s)
                        .bind(m.tenantId).bind(userId).bind(m.environmentId).bind(m.roleId).exec();
                    appendAudit(AuditEvent{0, m.tenantId, now, m_actor, u"membership.grant"_s, u"user"_s, user.email, {},
                                           membershipJson(*grant, m), {}, {}});
                    changed = true;
                }
                break;
            }
            case BulkUserActionKind::RevokeRole: {
                const Membership m{action.tenantId, userId, action.environmentId, action.roleId};
                if (holds(m_db, m)) {
                    q.prepare(u"DELETE FROM memberships WHERE tenant_id = ? AND user_id = ? AND environment_id = ? AND role_id = ?"_s)
                        .bind(m.tenantId).bind(userId).bind(m.environmentId).bind(m.roleId).exec();
                    appendAudit(AuditEvent{0, m.tenantId, now, m_actor, u"membership.revoke"_s, u"user"_s, user.email,
                                           membershipJson(*grant, m), {}, {}, {}});
                    changed = true;
                }
                break;
            }
            case BulkUserActionKind::Move: {
                q.prepare(u"SELECT role_id FROM memberships WHERE tenant_id = ? AND user_id = ? AND environment_id = ? ORDER BY role_id"_s)
                    .bind(source.id).bind(userId).bind(action.environmentId).exec();
                QList<RoleId> roleIds;
                while (q.next())
                    roleIds << q.integer(0);
                if (roleIds.isEmpty())
                    break;
                QJsonArray moved;
                for (RoleId roleId : std::as_const(roleIds)) {
                    const Role role = rolesById.value(roleId);
                    if (role.tenantId != 0 && role.tenantId != target.id && !target.ancestorIds.contains(role.tenantId))
                        throw StoreError(ErrorCode::Invalid,
                                         tr("%1 holds “%2”, a role of “%3” that “%4” cannot use; nothing was moved.")
                                             .arg(user.email, role.name, source.displayName, target.displayName))
                            .withField(u"user_ids"_s);
                    if (action.targetEnvironmentId == 0 && role.scope == RoleScope::Environment)
                        throw StoreError(ErrorCode::Invalid,
                                         tr("%1 holds the environment role “%2”, which needs an environment to move to; nothing was moved.")
                                             .arg(user.email, role.name)).withField(u"target_environment_id"_s);
                    q.prepare(u"DELETE FROM memberships WHERE tenant_id = ? AND user_id = ? AND environment_id = ? AND role_id = ?"_s)
                        .bind(source.id).bind(userId).bind(action.environmentId).bind(roleId).exec();
                    const Membership to{target.id, userId, action.targetEnvironmentId, roleId};
                    if (!holds(m_db, to))
                        q.prepare(u"INSERT INTO memberships (tenant_id, user_id, environment_id, role_id) VALUES (?, ?, ?, ?)"_s)
                            .bind(target.id).bind(userId).bind(to.environmentId).bind(roleId).exec();
                    moved.append(role.name);
                }
                QJsonObject from{{u"tenant"_s, source.slug}, {u"roles"_s, moved}};
                QJsonObject to{{u"tenant"_s, target.slug}, {u"roles"_s, moved}};
                if (action.environmentId != 0)
                    from.insert(u"environment"_s, sourceEnvironment);
                if (action.targetEnvironmentId != 0)
                    to.insert(u"environment"_s, targetEnvironment);
                appendAudit(AuditEvent{0, target.id, now, m_actor, u"membership.move"_s, u"user"_s, user.email, from, to, {}, {}});
                changed = true;
                break;
            }
            }
            if (changed)
                result.changedUserIds.append(userId);
            else
                ++result.unchangedCount;
            ++done;
            if (progress && !progress(done))
                throw StoreError(ErrorCode::Unavailable, QCoreApplication::translate("SqlSession",
                    "The change to %n user(s) was cancelled; nothing was changed.", nullptr, int(action.userIds.size())));
        }
        return result;
    });
}

ImportReport SqlSession::importDirectory(const DirectoryImport& import, bool dryRun) const
{
    return transaction([&] {
        ImportReport report;
        report.issues = import.issues;
        report.notes = import.notes;
        const auto issue = [&](int line, const QString& field, const QString& message) {
            report.issues.append(ImportIssue{line, field, message});
        };

        // The tenant the roles belong to and the rows default to.
        std::optional<Tenant> tenant;
        if (import.createTenant) {
            if (const QString error = validateTenantSlug(import.tenantSlug); !error.isEmpty())
                issue(0, u"tenant"_s, tr("“%1” cannot be a tenant's slug: %2").arg(import.tenantSlug, error));
            Query q(m_db, tr("Could not check the slug"));
            q.prepare(u"SELECT display_name FROM tenants WHERE slug = ?"_s).bind(import.tenantSlug).exec();
            if (q.next())
                issue(0, u"tenant"_s, tr("the tenant “%1” exists already (“%2”); import into it, or choose another slug.")
                                          .arg(import.tenantSlug, q.text(0)));
        } else if (!import.tenantSlug.isEmpty()) {
            Query q(m_db, tr("Could not read a tenant"));
            q.prepare(u"SELECT id FROM tenants WHERE slug = ?"_s).bind(import.tenantSlug).exec();
            if (q.next())
                tenant = fetchTenant(m_db, q.integer(0));
            else
                issue(0, u"tenant"_s, tr("there is no tenant “%1”.").arg(import.tenantSlug));
        }

        // Roles: the import's own, and those it may name (built in, or of its tenant and ancestors).
        QHash<QString, Role> existingRoles; // lower-case name → role, for the import's tenant
        for (const Role& role : roles(tenant ? tenant->id : 0))
            existingRoles.insert(role.name.toLower(), role);
        QHash<QString, qsizetype> importRoles;
        for (qsizetype i = 0; i < import.roles.size(); ++i) {
            const ImportRole& role = import.roles.at(i);
            const QString field = u"roles[%1]"_s.arg(i);
            if (const QString error = roleNameError(role.name); !error.isEmpty())
                issue(0, field + u".name"_s, error);
            if (importRoles.contains(role.name.toLower()))
                issue(0, field + u".name"_s, tr("the role “%1” appears twice.").arg(role.name));
            importRoles.insert(role.name.toLower(), i);
            for (const QString& permission : role.permissions) {
                if (!Permission::isKnown(permission))
                    issue(0, field + u".permissions"_s, tr("“%1” is no permission TenantDesk knows.").arg(permission));
            }
        }
        for (qsizetype i = 0; i < import.roles.size(); ++i) {
            for (const QString& name : import.roles.at(i).includedRoleNames) {
                if (!importRoles.contains(name.toLower()) && !existingRoles.contains(name.toLower()))
                    issue(0, u"roles[%1].includes"_s.arg(i), tr("“%1” includes “%2”, which is neither in the import nor a role here.")
                                                                .arg(import.roles.at(i).name, name));
            }
        }
        // Cycles among the import's roles.
        {
            QHash<QString, int> state; // 1: on the path, 2: done
            std::function<bool(const QString&, QStringList&)> visit = [&](const QString& key, QStringList& path) {
                if (state.value(key) == 2 || !importRoles.contains(key))
                    return false;
                const ImportRole& role = import.roles.at(importRoles.value(key));
                path.append(role.name);
                if (state.value(key) == 1)
                    return true;
                state.insert(key, 1);
                for (const QString& next : role.includedRoleNames) {
                    if (visit(next.toLower(), path))
                        return true;
                }
                state.insert(key, 2);
                path.removeLast();
                return false;
            };
            for (const ImportRole& role : import.roles) {
                QStringList path;
                if (visit(role.name.toLower(), path)) {
                    issue(0, u"roles"_s, tr("the roles include each other in a cycle: %1.").arg(path.join(u" → "_s)));
                    break;
                }
            }
        }
        for (const ImportRole& role : import.roles) {
            if (!existingRoles.contains(role.name.toLower()))
                ++report.rolesCreated;
        }

        // Users and their memberships, row by row.
        QHash<QString, Tenant> tenantsBySlug;
        const auto tenantBySlugOrNone = [&](const QString& slug) -> std::optional<Tenant> {
            if (const auto it = tenantsBySlug.constFind(slug); it != tenantsBySlug.cend())
                return *it;
            Query q(m_db, tr("Could not read a tenant"));
            q.prepare(u"SELECT id FROM tenants WHERE slug = ?"_s).bind(slug).exec();
            if (!q.next())
                return std::nullopt;
            const Tenant t = fetchTenant(m_db, q.integer(0));
            tenantsBySlug.insert(slug, t);
            return t;
        };
        struct PlannedMembership {
            QString email;
            QString tenantSlug;     // empty: the import's tenant
            std::optional<Tenant> tenant;
            EnvironmentId environmentId = 0;
            QString roleName;
        };
        QList<PlannedMembership> planned;
        QHash<QString, int> seen;
        for (const ImportUser& user : import.users) {
            if (const QString error = emailError(user.email); !error.isEmpty()) {
                issue(user.line, u"email"_s, error);
                continue;
            }
            if (seen.contains(user.email.toLower())) {
                issue(user.line, u"email"_s, tr("%1 appears again (first on line %2).").arg(user.email).arg(seen.value(user.email.toLower())));
                continue;
            }
            seen.insert(user.email.toLower(), user.line);
            if (const QString error = userDisplayNameError(user.displayName.isEmpty() ? user.email : user.displayName); !error.isEmpty())
                issue(user.line, u"display_name"_s, error);
            if (userByEmail(m_db, user.email))
                ++report.usersExisting;
            else
                ++report.usersCreated;
            for (const ImportMembership& m : user.memberships) {
                const int line = m.line > 0 ? m.line : user.line; // its own CSV row
                PlannedMembership p{user.email, m.tenantSlug, std::nullopt, 0, m.roleName};
                const bool ownTenant = m.tenantSlug.isEmpty() || m.tenantSlug == import.tenantSlug;
                if (ownTenant && import.createTenant) {
                    if (!m.environmentName.isEmpty()) {
                        issue(line, u"environment"_s, tr("the new tenant “%1” has no environment “%2” yet.")
                                                               .arg(import.tenantSlug, m.environmentName));
                        continue;
                    }
                } else {
                    p.tenant = ownTenant ? tenant : tenantBySlugOrNone(m.tenantSlug);
                    if (!p.tenant) {
                        if (m.tenantSlug.isEmpty() && import.tenantSlug.isEmpty())
                            issue(line, u"tenant"_s, tr("the row names a role but no tenant."));
                        else if (!ownTenant || tenant)
                            issue(line, u"tenant"_s, tr("there is no tenant “%1”.").arg(m.tenantSlug));
                        continue;
                    }
                    if (!m.environmentName.isEmpty()) {
                        const QList<Environment> environments = fetchEnvironments(m_db, p.tenant->id);
                        const auto e = std::find_if(environments.cbegin(), environments.cend(),
                                                    [&](const Environment& env) { return env.name == m.environmentName; });
                        if (e == environments.cend()) {
                            issue(line, u"environment"_s, tr("“%1” has no environment “%2”.").arg(p.tenant->slug, m.environmentName));
                            continue;
                        }
                        p.environmentId = e->id;
                    }
                }
                const bool known = (ownTenant && importRoles.contains(m.roleName.toLower()))
                    || (ownTenant && existingRoles.contains(m.roleName.toLower()));
                bool knownElsewhere = false;
                if (!ownTenant && p.tenant) {
                    for (const Role& role : roles(p.tenant->id))
                        knownElsewhere = knownElsewhere || role.name.compare(m.roleName, Qt::CaseInsensitive) == 0;
                }
                if (!known && !knownElsewhere) {
                    issue(line, u"role"_s, tr("there is no role “%1” in “%2”.")
                                                    .arg(m.roleName, ownTenant ? import.tenantSlug : m.tenantSlug));
                    continue;
                }
                planned.append(p);
            }
        }
        report.membershipsCreated = int(planned.size());
        if (!report.issues.isEmpty() || dryRun)
            return report;

        // Everything checked: write it.
        if (import.createTenant) {
            NewTenant newTenant;
            newTenant.slug = import.tenantSlug;
            newTenant.displayName = import.tenantName.trimmed().isEmpty() ? import.tenantSlug : import.tenantName;
            newTenant.timezone = u"UTC"_s;
            newTenant.language = u"en"_s;
            tenant = createTenant(newTenant);
        }
        const TenantId tenantId = tenant ? tenant->id : 0;
        report.tenantId = tenantId;
        QHash<QString, RoleId> roleIds; // lower-case name → id, on the import's tenant
        for (auto it = existingRoles.cbegin(); it != existingRoles.cend(); ++it)
            roleIds.insert(it.key(), it->id);
        Query q(m_db, tr("Could not import"));
        const QDateTime now = QDateTime::currentDateTimeUtc();
        for (const ImportRole& role : import.roles) {
            if (roleIds.contains(role.name.toLower()))
                continue;
            const RoleId id = nextId(m_db, u"roles"_s);
            q.prepare(u"INSERT INTO roles (id, tenant_id, name, description, scope, built_in, version) VALUES (?, ?, ?, ?, ?, 0, 1)"_s)
                .bind(id).bind(tenantId == 0 ? QVariant(QMetaType::fromType<qint64>()) : QVariant(tenantId)).bind(role.name)
                .bind(role.description.isNull() ? QStringLiteral("") : role.description)
                .bind(roleScopeKey(tenantId == 0 ? RoleScope::Platform : role.scope)).exec();
            for (const QString& permission : normalised(role.permissions))
                q.prepare(u"INSERT INTO role_permissions (role_id, permission) VALUES (?, ?)"_s).bind(id).bind(permission).exec();
            roleIds.insert(role.name.toLower(), id);
        }
        for (const ImportRole& role : import.roles) {
            QSet<RoleId> included;
            for (const QString& name : role.includedRoleNames)
                included.insert(roleIds.value(name.toLower()));
            for (RoleId id : std::as_const(included))
                q.prepare(u"INSERT INTO role_composites (role_id, included_role_id) VALUES (?, ?) ON CONFLICT DO NOTHING"_s)
                    .bind(roleIds.value(role.name.toLower())).bind(id).exec();
        }
        QHash<QString, UserId> userIds;
        for (const ImportUser& user : import.users) {
            if (const auto existing = userByEmail(m_db, user.email)) {
                userIds.insert(user.email.toLower(), existing->id);
                continue;
            }
            const UserId id = nextId(m_db, u"users"_s);
            const UserStatus status = user.status == UserStatus::Disabled ? UserStatus::Disabled : UserStatus::Invited;
            const QString name = user.displayName.trimmed().isEmpty() ? user.email : user.displayName.trimmed();
            q.prepare(u"INSERT INTO users (id, email, display_name, status, created_at, version) VALUES (?, ?, ?, ?, ?, 1)"_s)
                .bind(id).bind(user.email).bind(name).bind(userStatusKey(status)).bind(SqlTime::format(now)).exec();
            userIds.insert(user.email.toLower(), id);
            appendAudit(AuditEvent{0, tenantId, now, m_actor, u"user.import"_s, u"user"_s, user.email, {},
                                   QJsonObject{{u"display_name"_s, name}, {u"status"_s, userStatusKey(status)},
                                               {u"source"_s, import.source}}, {}, {}});
        }
        int membershipsWritten = 0;
        for (const PlannedMembership& p : std::as_const(planned)) {
            const TenantId on = p.tenant ? p.tenant->id : tenantId;
            RoleId roleId = (on == tenantId) ? roleIds.value(p.roleName.toLower()) : 0;
            if (roleId == 0) {
                for (const Role& role : roles(on)) {
                    if (role.name.compare(p.roleName, Qt::CaseInsensitive) == 0)
                        roleId = role.id;
                }
            }
            const Membership m{on, userIds.value(p.email.toLower()), p.environmentId, roleId};
            if (holds(m_db, m))
                continue;
            q.prepare(u"INSERT INTO memberships (tenant_id, user_id, environment_id, role_id) VALUES (?, ?, ?, ?)"_s)
                .bind(m.tenantId).bind(m.userId).bind(m.environmentId).bind(m.roleId).exec();
            ++membershipsWritten;
        }
        report.membershipsCreated = membershipsWritten;
        appendAudit(AuditEvent{0, tenantId, now, m_actor, u"directory.import"_s, u"import"_s, import.source, {},
                               QJsonObject{{u"users_created"_s, report.usersCreated}, {u"users_existing"_s, report.usersExisting},
                                           {u"roles_created"_s, report.rolesCreated},
                                           {u"memberships_created"_s, report.membershipsCreated}}, {}, {}});
        report.written = true;
        return report;
    });
}

} // namespace TenantDesk
