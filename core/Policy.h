#pragma once

#include "Ids.h"
#include "Role.h"
#include "Tenant.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <optional>

namespace TenantDesk {

// A role a principal holds on one tenant (environmentId 0: tenant-wide, which also covers the
// tenant's sub-tenants) or on one environment of that tenant, with the role's permissions
// flattened over the roles it includes.
struct Grant {
    TenantId tenantId = 0;
    EnvironmentId environmentId = 0;
    QString roleName;
    QStringList permissions;           // sorted, each once (see Policy::flattenPermissions)
    QList<TenantId> tenantAncestorIds; // the granted tenant's ancestors, top-level first, as in
                                       // Tenant::ancestorIds: tells a grant inside another apart
                                       // (scopeRoots); it shows the caller none of them

    friend bool operator==(const Grant&, const Grant&) = default;
};

// Who is asking, with everything the policy needs to answer: the permissions of the user's
// platform-scope roles (Platform Admin has all of them) and the user's grants.
struct Principal {
    UserId userId = 0;
    QString email;
    QStringList platformPermissions;
    QList<Grant> grants;

    // A user holding a platform-scope role acts across tenants.
    bool isPlatformPrincipal() const { return !platformPermissions.isEmpty(); }

    friend bool operator==(const Principal&, const Principal&) = default;
};

// The part of the tenant tree a principal sees: everything (all), or the sub-trees of `roots`
// (sorted, none inside another), and nothing above the roots (see Policy::canSee).
struct PolicyScope {
    bool all = false;
    QList<TenantId> roots;

    // Whether `tenant` is a root or lies under one.
    bool contains(const Tenant& tenant) const;

    friend bool operator==(const PolicyScope&, const PolicyScope&) = default;
};

// The one authorization policy (DESIGN.md, "Authorization: one policy, enforced twice"): the server
// enforces it on every request, the UI uses it only to hide or disable what the user may not do.
// `Tenant` arguments must carry their ancestorIds as the store reports them.
namespace Policy {

// Whether `principal` may do `permission` on `target`: a platform-scope role gives it, or a
// tenant-wide grant including it on `target` or on any of its ancestors.
bool allows(const Principal& principal, const QString& permission, const Tenant& target);

// As allows(), plus a grant including `permission` on exactly environment `environmentId` of
// `tenantOfEnvironment` (a grant on one environment says nothing of the others).
bool allowsEnvironment(const Principal& principal, const QString& permission, const Tenant& tenantOfEnvironment,
                       EnvironmentId environmentId);

// Whether `tenant` appears at all to `principal` (its id, slug, name and status in the tree; reading
// its details still needs allows(tenant.read)). Visibility follows grants, whatever their permissions,
// and is least privilege:
// - a platform principal sees every tenant;
// - a grant on a tenant (tenant-wide or on one of its environments) shows that tenant and its sub-tree;
// - nothing else: not the ancestors of a granted tenant (a tenant-scoped caller's tree starts at the
//   tenants it was granted), nor their other sub-tenants.
// That is exactly scopeRoots(principal).contains(tenant): the scope tenantdesk-server sets for the
// caller, so that PostgreSQL's row-level security shows the same tenants as this policy, and the
// server answers alike over SQLite and PostgreSQL.
bool canSee(const Principal& principal, const Tenant& tenant);

// The smallest set of tenants whose sub-trees hold everything the principal was granted (a grant on
// a tenant and one on its sub-tenant give just the tenant), or all for a platform principal. The
// server sets it as the caller's tenant scope for row-level security.
PolicyScope scopeRoots(const Principal& principal);

// The permissions of `role` and of every role it includes, directly or through others (looked up by
// id in `allRoles`), sorted, each once. Each role is visited once, so cycles end. A role includes
// another only when that one has no wider scope (platform > tenant > environment) and is built in or
// belongs to the same tenant, so that a tenant's custom role cannot reach beyond it.
QStringList flattenPermissions(const Role& role, const QList<Role>& allRoles);

// Whether `role` may include `included`: no wider scope (platform > tenant > environment), and built
// in or a role of the same tenant, so that a tenant's custom role cannot reach beyond it.
bool mayInclude(const Role& role, const Role& included);

// Each permission `role` gives (its own and those of the roles it includes, as flattenPermissions
// counts them) with a shortest chain of role names from `role` to the role that lists it:
// {"user.read": ["Support Lead", "Tenant Viewer"]}.
QMap<QString, QStringList> permissionChains(const Role& role, const QList<Role>& allRoles);

// The cycle `role` would be part of if it included `includedRoleIds` (with the other roles'
// includes as `allRoles` has them): ["A", "B", "C", "A"]; empty when there is none.
QStringList includeCycle(const Role& role, const QList<RoleId>& includedRoleIds, const QList<Role>& allRoles);

// `role` (of tenant or environment scope) granted on `tenant`, or on its environment `environmentId`
// when not 0, with its permissions flattened over `allRoles`. Platform-scope roles are not granted
// on tenants: their permissions go to Principal::platformPermissions.
Grant grantFor(const Role& role, const Tenant& tenant, EnvironmentId environmentId, const QList<Role>& allRoles);

// The principal as access-token claims (the server adds iat, exp, jti and iss):
//   {"sub": "42", "email": "ann@example.com", "plat": ["tenant.read", ...],
//    "scopes": [{"t": 7, "a": [1, 3], "e": 12, "r": "Tenant Admin", "p": ["tenant.read", ...]}]}
// "plat", "scopes", "a" (ancestors) and "e" (environment) are left out when empty or 0.
QJsonObject toClaims(const Principal& principal);

// The principal the claims describe, or nothing when any of them is missing, of the wrong type or
// out of range (sub: a positive decimal user id; ids: positive integers). Other claims are ignored.
std::optional<Principal> principalFromClaims(const QJsonObject& claims);

} // namespace Policy

} // namespace TenantDesk
