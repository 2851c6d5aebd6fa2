#pragma once

#include <QtGlobal>

namespace TenantDesk {

// Database identifiers. 0 means "none" (for example a top-level tenant's parent).
using TenantId = qint64;
using EnvironmentId = qint64;
using UserId = qint64;
using RoleId = qint64;

} // namespace TenantDesk
