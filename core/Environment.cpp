#include "Environment.h"

#include "EnumKeys.h"

#include <QCoreApplication>

namespace TenantDesk {

QString environmentKindKey(EnvironmentKind kind)
{
    switch (kind) {
    case EnvironmentKind::Production: return QStringLiteral("production");
    case EnvironmentKind::Staging: return QStringLiteral("staging");
    case EnvironmentKind::Development: return QStringLiteral("development");
    case EnvironmentKind::Sandbox: return QStringLiteral("sandbox");
    }
    return {};
}

std::optional<EnvironmentKind> environmentKindFromKey(const QString& key)
{
    return enumFromKey<EnvironmentKind>(key, allEnvironmentKinds, environmentKindKey);
}

QString environmentKindDisplayName(EnvironmentKind kind)
{
    switch (kind) {
    case EnvironmentKind::Production: return QCoreApplication::translate("Environment", "Production");
    case EnvironmentKind::Staging: return QCoreApplication::translate("Environment", "Staging");
    case EnvironmentKind::Development: return QCoreApplication::translate("Environment", "Development");
    case EnvironmentKind::Sandbox: return QCoreApplication::translate("Environment", "Sandbox");
    }
    return {};
}

} // namespace TenantDesk
