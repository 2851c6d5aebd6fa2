#pragma once

#include <QStringList>

namespace TenantDesk::Tenantctl {

// Exit statuses: 0 success, 1 a failed operation, 2 bad usage. Messages go to stderr.
enum ExitStatus { Success = 0, Failed = 1, BadUsage = 2 };

int run(const QStringList& arguments);

} // namespace TenantDesk::Tenantctl
