#include "Permission.h"

namespace TenantDesk::Permission {

QStringList all()
{
    return {TenantRead, TenantCreate, TenantUpdate, TenantLifecycle, UserRead, UserWrite, RoleManage,
            EnvironmentManage, UsageRead, BillingRead, AuditRead};
}

bool isKnown(const QString& permission)
{
    return all().contains(permission);
}

} // namespace TenantDesk::Permission
