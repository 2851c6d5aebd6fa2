#include "Role.h"

#include "Permission.h"

#include "EnumKeys.h"

namespace TenantDesk {

QString roleScopeKey(RoleScope scope)
{
    switch (scope) {
    case RoleScope::Platform: return QStringLiteral("platform");
    case RoleScope::Tenant: return QStringLiteral("tenant");
    case RoleScope::Environment: return QStringLiteral("environment");
    }
    return {};
}

std::optional<RoleScope> roleScopeFromKey(const QString& key)
{
    return enumFromKey<RoleScope>(key, std::initializer_list<RoleScope>{RoleScope::Platform, RoleScope::Tenant, RoleScope::Environment}, roleScopeKey);
}

namespace BuiltInRole {

QList<Role> definitions()
{
    using namespace Permission;
    Role platformAdmin{.name = PlatformAdmin,
                       .description = QStringLiteral("Administers every tenant on the platform."),
                       .scope = RoleScope::Platform, .builtIn = true, .permissions = all()};
    Role tenantAdmin{.name = TenantAdmin,
                     .description = QStringLiteral("Administers one tenant and its sub-tenants."),
                     .scope = RoleScope::Tenant, .builtIn = true,
                     .permissions = {TenantRead, TenantUpdate, UserRead, UserWrite, RoleManage,
                                     EnvironmentManage, UsageRead, BillingRead, AuditRead}};
    Role tenantUser{.name = TenantUser,
                    .description = QStringLiteral("Works in a tenant and reads its usage."),
                    .scope = RoleScope::Tenant, .builtIn = true,
                    .permissions = {TenantRead, UserRead, UsageRead}};
    Role tenantViewer{.name = TenantViewer,
                      .description = QStringLiteral("Reads a tenant without changing anything."),
                      .scope = RoleScope::Tenant, .builtIn = true,
                      .permissions = {TenantRead, UserRead, UsageRead, BillingRead, AuditRead}};
    QList<Role> roles{platformAdmin, tenantAdmin, tenantUser, tenantViewer};
    for (Role& role : roles)
        role.permissions.sort();
    return roles;
}

} // namespace BuiltInRole

} // namespace TenantDesk
