#pragma once

#include "Ids.h"
#include "Membership.h"
#include "Role.h"
#include "User.h"

#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <optional>

namespace TenantDesk {

// Users, roles and memberships as the Store changes them (issue 5): the requests and what comes back.

// One membership of a user as a person reads it.
struct UserMembership {
    Membership membership;
    QString tenantSlug;
    QString tenantName;
    QString environmentName;     // empty for a tenant-wide membership
    QString roleName;
    RoleScope roleScope = RoleScope::Tenant;
    int inheritedTenantCount = 0; // a tenant-wide membership also applies to this many sub-tenants (DESIGN.md)

    friend bool operator==(const UserMembership&, const UserMembership&) = default;
};

// What the user editor shows: the user, the platform-scope roles they hold (a platform principal
// when there is one), and their memberships the reader may see, by tenant slug.
struct UserDetail {
    User user;
    QList<Role> platformRoles;
    QList<UserMembership> memberships;

    bool isPlatformPrincipal() const { return !platformRoles.isEmpty(); }
    friend bool operator==(const UserDetail&, const UserDetail&) = default;
};

// A user to create: invited unless said otherwise, with one first membership when `membership`
// names a tenant (its userId is ignored). A tenant admin creates users only with a membership on
// a tenant they administer.
struct NewUser {
    QString email;
    QString displayName;
    UserStatus status = UserStatus::Invited;
    std::optional<Membership> membership;
};

// The fields of a user that an edit may change; an absent field is left as it is.
struct UserChange {
    std::optional<QString> email;
    std::optional<QString> displayName;
    std::optional<UserStatus> status;

    bool isEmpty() const { return !email && !displayName && !status; }
};

// Whether a user's status may go from `from` to `to`: invited → active or disabled, active →
// disabled, disabled → active or invited (invited again). Staying where it is is no change.
bool isLegalUserTransition(UserStatus from, UserStatus to);

// What is wrong with a value, as a sentence without the field's name; empty when it is fine.
QString emailError(const QString& email);        // "ann@example.com", "ann@localhost": one @, a domain, no spaces
QString userDisplayNameError(const QString& name);
QString roleNameError(const QString& name);

// A custom role of a tenant. `includedRoleIds` makes it composite: each included role must be
// built in or of the same tenant with no wider scope (Policy::mayInclude), and not include this
// role back, directly or through others: a cycle is refused. A custom role of tenant 0 is a
// platform-scope role; a tenant's custom roles have tenant or environment scope.
struct NewRole {
    TenantId tenantId = 0;
    QString name;
    QString description;
    RoleScope scope = RoleScope::Tenant;
    QStringList permissions;
    QList<RoleId> includedRoleIds;
};

struct RoleChange {
    std::optional<QString> name;
    std::optional<QString> description;
    std::optional<QStringList> permissions;
    std::optional<QList<RoleId>> includedRoleIds;

    bool isEmpty() const { return !name && !description && !permissions && !includedRoleIds; }
};

// Why a user holds one permission on a tenant: one membership (or platform role) and the chain of
// roles from the one granted to the one that lists the permission.
struct PermissionSource {
    bool platform = false;              // a platform-scope role: applies to every tenant
    TenantId grantedOnTenantId = 0;     // the membership's tenant: the tenant itself or an ancestor
    QString grantedOnTenantSlug;
    EnvironmentId environmentId = 0;    // a membership on one environment of the tenant
    QString environmentName;
    QStringList roleChain;              // "Support Lead" → "Tenant Viewer": granted first, listing last

    bool inherited(TenantId tenantId) const { return !platform && grantedOnTenantId != tenantId; }
    friend bool operator==(const PermissionSource&, const PermissionSource&) = default;
};

struct EffectivePermission {
    QString permission;
    QList<PermissionSource> sources;
    friend bool operator==(const EffectivePermission&, const EffectivePermission&) = default;
};

// A user's permissions on one tenant, each with every reason it is held, in Permission::all() order;
// permissions not held are left out.
struct EffectivePermissions {
    UserId userId = 0;
    TenantId tenantId = 0;
    QList<EffectivePermission> permissions;

    QStringList names() const;
    friend bool operator==(const EffectivePermissions&, const EffectivePermissions&) = default;
};

// One change applied to many users in one transaction, one audit event per user changed. A row
// that fails (a user gone, a role not usable where the users are moved) rolls the whole action back.
enum class BulkUserActionKind {
    SetStatus,   // every user to `status` (users already there are unchanged)
    GrantRole,   // a membership (tenantId, environmentId, roleId) for each user
    RevokeRole,  // the membership (tenantId, environmentId, roleId) of each user removed
    Move,        // each user's memberships on (tenantId, environmentId) moved to (targetTenantId,
                 // targetEnvironmentId), roles kept; users without one there are unchanged
};

struct BulkUserAction {
    BulkUserActionKind kind = BulkUserActionKind::SetStatus;
    QList<UserId> userIds;
    UserStatus status = UserStatus::Active;
    TenantId tenantId = 0;
    EnvironmentId environmentId = 0;
    RoleId roleId = 0;
    TenantId targetTenantId = 0;
    EnvironmentId targetEnvironmentId = 0;
};

// What a bulk action changed, enough to undo it: the users changed, and for SetStatus the status
// each had before (parallel to changedUserIds).
struct BulkUserResult {
    QList<UserId> changedUserIds;
    QList<UserStatus> previousStatuses;
    int unchangedCount = 0;
    friend bool operator==(const BulkUserResult&, const BulkUserResult&) = default;
};

// Users, roles and memberships to bring in at once (a CSV or JSON file of users, a Keycloak
// realm): checked row by row first, written in one transaction only when nothing is wrong.
struct ImportIssue {
    int line = 0;       // the file's line (CSV), the record's position (JSON); 0: the whole file
    QString field;      // "email", "role", "realm.users[3].email"; empty for a whole record
    QString message;
    friend bool operator==(const ImportIssue&, const ImportIssue&) = default;
};

struct ImportMembership {
    QString tenantSlug;       // empty: the import's tenant (DirectoryImport::tenantSlug)
    QString environmentName;  // empty: tenant-wide
    QString roleName;         // a built-in role, a role of the tenant or an ancestor, or one in `roles`
    int line = 0;             // where the file gives it (a CSV row of its own); 0: the user's line
    friend bool operator==(const ImportMembership&, const ImportMembership&) = default;
};

struct ImportUser {
    int line = 0;
    QString email;
    QString displayName;
    UserStatus status = UserStatus::Invited;
    QList<ImportMembership> memberships;
    friend bool operator==(const ImportUser&, const ImportUser&) = default;
};

struct ImportRole {
    QString name;
    QString description;
    RoleScope scope = RoleScope::Tenant;
    QStringList permissions;
    QStringList includedRoleNames; // built-in roles or others in the same import
    friend bool operator==(const ImportRole&, const ImportRole&) = default;
};

struct DirectoryImport {
    QString source;          // the file or folder, as named in the report
    QString tenantSlug;      // the tenant the roles belong to and rows default to
    bool createTenant = false; // create it (a Keycloak realm) with `tenantName`; refused when the slug is taken
    QString tenantName;
    QList<ImportRole> roles;
    QList<ImportUser> users;
    QList<ImportIssue> issues; // found while reading the file: the import is refused while any remain
    QStringList notes;         // what the reader mapped or skipped, and why
};

// What an import did (or, checked only, would do). Users that exist already (by e-mail) keep their
// profile and status and gain the memberships; credentials are never stored: imported users are
// invited unless the file says they are disabled.
struct ImportReport {
    bool written = false;
    TenantId tenantId = 0;
    int usersCreated = 0;
    int usersExisting = 0;
    int rolesCreated = 0;
    int membershipsCreated = 0;
    QList<ImportIssue> issues;
    QStringList notes;
    friend bool operator==(const ImportReport&, const ImportReport&) = default;
};

} // namespace TenantDesk

Q_DECLARE_METATYPE(TenantDesk::UserDetail)
