#include "Policy.h"

#include <functional>
#include <QHash>
#include <QMap>
#include <QSet>

#include <QJsonArray>
#include <QSet>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace TenantDesk {

bool PolicyScope::contains(const Tenant& tenant) const
{
    return all || std::any_of(roots.cbegin(), roots.cend(), [&tenant](TenantId root) {
               return root == tenant.id || tenant.ancestorIds.contains(root);
           });
}

namespace Policy {

namespace {

// Whether `tenant` is `tenantId` or lies under it.
bool isWithin(const Tenant& tenant, TenantId tenantId)
{
    return tenantId != 0 && (tenant.id == tenantId || tenant.ancestorIds.contains(tenantId));
}

int scopeRank(RoleScope scope)
{
    switch (scope) {
    case RoleScope::Environment: return 0;
    case RoleScope::Tenant: return 1;
    case RoleScope::Platform: return 2;
    }
    return 2;
}

// A positive integer id, as JSON numbers carry them.
std::optional<qint64> idFrom(const QJsonValue& value)
{
    const qint64 id = value.toInteger(0);
    if (!value.isDouble() || id <= 0)
        return std::nullopt;
    return id;
}

std::optional<QStringList> stringsFrom(const QJsonValue& value)
{
    if (!value.isArray())
        return std::nullopt;
    QStringList strings;
    for (const QJsonValue& item : value.toArray()) {
        if (!item.isString())
            return std::nullopt;
        strings.append(item.toString());
    }
    return strings;
}

std::optional<QList<TenantId>> idsFrom(const QJsonValue& value)
{
    if (!value.isArray())
        return std::nullopt;
    QList<TenantId> ids;
    for (const QJsonValue& item : value.toArray()) {
        const std::optional<qint64> id = idFrom(item);
        if (!id)
            return std::nullopt;
        ids.append(*id);
    }
    return ids;
}

std::optional<Grant> grantFromClaim(const QJsonValue& value)
{
    if (!value.isObject())
        return std::nullopt;
    const QJsonObject scope = value.toObject();
    Grant grant;
    const std::optional<qint64> tenantId = idFrom(scope.value(u"t"_s));
    const std::optional<QStringList> permissions = stringsFrom(scope.value(u"p"_s));
    const QJsonValue roleName = scope.value(u"r"_s);
    if (!tenantId || !permissions || !roleName.isString() || roleName.toString().isEmpty())
        return std::nullopt;
    grant.tenantId = *tenantId;
    grant.roleName = roleName.toString();
    grant.permissions = *permissions;
    if (scope.contains(u"e"_s)) {
        const std::optional<qint64> environmentId = idFrom(scope.value(u"e"_s));
        if (!environmentId)
            return std::nullopt;
        grant.environmentId = *environmentId;
    }
    if (scope.contains(u"a"_s)) {
        const std::optional<QList<TenantId>> ancestorIds = idsFrom(scope.value(u"a"_s));
        if (!ancestorIds)
            return std::nullopt;
        grant.tenantAncestorIds = *ancestorIds;
    }
    return grant;
}

} // namespace

bool allows(const Principal& principal, const QString& permission, const Tenant& target)
{
    if (principal.platformPermissions.contains(permission))
        return true;
    return std::any_of(principal.grants.cbegin(), principal.grants.cend(), [&](const Grant& grant) {
        return grant.environmentId == 0 && isWithin(target, grant.tenantId) && grant.permissions.contains(permission);
    });
}

bool allowsEnvironment(const Principal& principal, const QString& permission, const Tenant& tenantOfEnvironment,
                       EnvironmentId environmentId)
{
    if (allows(principal, permission, tenantOfEnvironment))
        return true;
    return environmentId != 0
        && std::any_of(principal.grants.cbegin(), principal.grants.cend(), [&](const Grant& grant) {
               return grant.environmentId == environmentId && grant.tenantId == tenantOfEnvironment.id
                   && grant.permissions.contains(permission);
           });
}

bool canSee(const Principal& principal, const Tenant& tenant)
{
    return scopeRoots(principal).contains(tenant);
}

PolicyScope scopeRoots(const Principal& principal)
{
    if (principal.isPlatformPrincipal())
        return PolicyScope{.all = true};
    QSet<TenantId> granted;
    for (const Grant& grant : principal.grants) {
        if (grant.tenantId != 0)
            granted.insert(grant.tenantId);
    }
    PolicyScope scope;
    for (const Grant& grant : principal.grants) {
        const bool underAnother = std::any_of(grant.tenantAncestorIds.cbegin(), grant.tenantAncestorIds.cend(),
                                              [&granted](TenantId ancestor) { return granted.contains(ancestor); });
        if (grant.tenantId != 0 && !underAnother && !scope.roots.contains(grant.tenantId))
            scope.roots.append(grant.tenantId);
    }
    std::sort(scope.roots.begin(), scope.roots.end());
    return scope;
}

bool mayInclude(const Role& role, const Role& included)
{
    return scopeRank(included.scope) <= scopeRank(role.scope)
        && (included.builtIn || included.tenantId == 0 || included.tenantId == role.tenantId);
}

QMap<QString, QStringList> permissionChains(const Role& role, const QList<Role>& allRoles)
{
    QHash<RoleId, const Role*> byId;
    for (const Role& r : allRoles)
        byId.insert(r.id, &r);
    QMap<QString, QStringList> chains;
    // Breadth first: the first chain found to a permission is a shortest one.
    QList<std::pair<const Role*, QStringList>> queue{{&role, QStringList{role.name}}};
    QSet<RoleId> visited{role.id};
    for (qsizetype i = 0; i < queue.size(); ++i) {
        const auto [current, chain] = queue.at(i);
        for (const QString& permission : current->permissions) {
            if (!chains.contains(permission))
                chains.insert(permission, chain);
        }
        for (RoleId id : current->includedRoleIds) {
            const Role* included = byId.value(id);
            if (!included || visited.contains(id) || !mayInclude(role, *included))
                continue;
            visited.insert(id);
            queue.append({included, chain + QStringList{included->name}});
        }
    }
    return chains;
}

QStringList includeCycle(const Role& role, const QList<RoleId>& includedRoleIds, const QList<Role>& allRoles)
{
    QHash<RoleId, const Role*> byId;
    for (const Role& r : allRoles)
        byId.insert(r.id, &r);
    // Depth first from each included role, looking for the way back to `role`.
    std::function<bool(RoleId, QStringList&, QSet<RoleId>&)> reaches = [&](RoleId id, QStringList& path, QSet<RoleId>& seen) {
        if (id == role.id)
            return true;
        const Role* r = byId.value(id);
        if (!r || seen.contains(id))
            return false;
        seen.insert(id);
        path.append(r->name);
        for (RoleId next : r->includedRoleIds) {
            if (reaches(next, path, seen))
                return true;
        }
        path.removeLast();
        return false;
    };
    for (RoleId id : includedRoleIds) {
        QStringList path{role.name};
        QSet<RoleId> seen;
        if (reaches(id, path, seen)) {
            path.append(role.name);
            return path;
        }
    }
    return {};
}

QStringList flattenPermissions(const Role& role, const QList<Role>& allRoles)
{
    QStringList permissions = role.permissions;
    QSet<RoleId> visited{role.id};
    QList<RoleId> pending = role.includedRoleIds;
    while (!pending.isEmpty()) {
        const RoleId id = pending.takeLast();
        if (id == 0 || visited.contains(id))
            continue;
        visited.insert(id);
        const auto included = std::find_if(allRoles.cbegin(), allRoles.cend(), [id](const Role& r) { return r.id == id; });
        if (included == allRoles.cend() || !mayInclude(role, *included))
            continue;
        permissions += included->permissions;
        pending += included->includedRoleIds;
    }
    permissions.sort();
    permissions.removeDuplicates();
    return permissions;
}

Grant grantFor(const Role& role, const Tenant& tenant, EnvironmentId environmentId, const QList<Role>& allRoles)
{
    return Grant{.tenantId = tenant.id,
                 .environmentId = environmentId,
                 .roleName = role.name,
                 .permissions = flattenPermissions(role, allRoles),
                 .tenantAncestorIds = tenant.ancestorIds};
}

QJsonObject toClaims(const Principal& principal)
{
    QJsonObject claims{{u"sub"_s, QString::number(principal.userId)}, {u"email"_s, principal.email}};
    if (!principal.platformPermissions.isEmpty())
        claims.insert(u"plat"_s, QJsonArray::fromStringList(principal.platformPermissions));
    QJsonArray scopes;
    for (const Grant& grant : principal.grants) {
        QJsonObject scope{{u"t"_s, grant.tenantId},
                          {u"r"_s, grant.roleName},
                          {u"p"_s, QJsonArray::fromStringList(grant.permissions)}};
        if (grant.environmentId != 0)
            scope.insert(u"e"_s, grant.environmentId);
        if (!grant.tenantAncestorIds.isEmpty()) {
            QJsonArray ancestorIds;
            for (TenantId id : grant.tenantAncestorIds)
                ancestorIds.append(id);
            scope.insert(u"a"_s, ancestorIds);
        }
        scopes.append(scope);
    }
    if (!scopes.isEmpty())
        claims.insert(u"scopes"_s, scopes);
    return claims;
}

std::optional<Principal> principalFromClaims(const QJsonObject& claims)
{
    Principal principal;
    const QString subject = claims.value(u"sub"_s).toString();
    bool ok = false;
    principal.userId = subject.toLongLong(&ok);
    if (!ok || principal.userId <= 0 || QString::number(principal.userId) != subject)
        return std::nullopt;
    const QJsonValue email = claims.value(u"email"_s);
    if (!email.isString())
        return std::nullopt;
    principal.email = email.toString();
    if (claims.contains(u"plat"_s)) {
        const std::optional<QStringList> platformPermissions = stringsFrom(claims.value(u"plat"_s));
        if (!platformPermissions)
            return std::nullopt;
        principal.platformPermissions = *platformPermissions;
    }
    if (claims.contains(u"scopes"_s)) {
        const QJsonValue scopes = claims.value(u"scopes"_s);
        if (!scopes.isArray())
            return std::nullopt;
        for (const QJsonValue& scope : scopes.toArray()) {
            const std::optional<Grant> grant = grantFromClaim(scope);
            if (!grant)
                return std::nullopt;
            principal.grants.append(*grant);
        }
    }
    return principal;
}

} // namespace Policy

} // namespace TenantDesk
