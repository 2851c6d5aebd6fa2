#pragma once

#include <QString>
#include <QStringList>

namespace TenantDesk {

// A permission is "resource.action", e.g. "tenant.update".
namespace Permission {
inline const QString TenantRead = QStringLiteral("tenant.read");
inline const QString TenantCreate = QStringLiteral("tenant.create");
inline const QString TenantUpdate = QStringLiteral("tenant.update");
inline const QString TenantLifecycle = QStringLiteral("tenant.lifecycle");
inline const QString UserRead = QStringLiteral("user.read");
inline const QString UserWrite = QStringLiteral("user.write");
inline const QString RoleManage = QStringLiteral("role.manage");
inline const QString EnvironmentManage = QStringLiteral("environment.manage");
inline const QString UsageRead = QStringLiteral("usage.read");
inline const QString BillingRead = QStringLiteral("billing.read");
inline const QString AuditRead = QStringLiteral("audit.read");

// Every permission the platform knows, in a stable order.
QStringList all();
bool isKnown(const QString& permission);
} // namespace Permission

} // namespace TenantDesk
