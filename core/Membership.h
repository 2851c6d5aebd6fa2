#pragma once

#include "Ids.h"

#include <QMetaType>

namespace TenantDesk {

// A user holds a role on a tenant (environmentId 0) or on one of its environments.
// A tenant-scope role granted on a tenant also applies to its sub-tenants.
struct Membership {
    TenantId tenantId = 0;
    UserId userId = 0;
    EnvironmentId environmentId = 0;
    RoleId roleId = 0;

    friend bool operator==(const Membership&, const Membership&) = default;
};

} // namespace TenantDesk

Q_DECLARE_METATYPE(TenantDesk::Membership)
