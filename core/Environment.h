#pragma once

#include "Ids.h"

#include <QDateTime>
#include <QJsonObject>
#include <QMetaType>
#include <QString>
#include <optional>

namespace TenantDesk {

enum class EnvironmentKind { Production, Staging, Development, Sandbox };

inline constexpr EnvironmentKind allEnvironmentKinds[] = {
    EnvironmentKind::Production, EnvironmentKind::Staging, EnvironmentKind::Development,
    EnvironmentKind::Sandbox,
};

QString environmentKindKey(EnvironmentKind kind);
std::optional<EnvironmentKind> environmentKindFromKey(const QString& key);
QString environmentKindDisplayName(EnvironmentKind kind);

// A workspace inside a tenant, with its own settings.
struct Environment {
    EnvironmentId id = 0;
    TenantId tenantId = 0;
    QString name;
    EnvironmentKind kind = EnvironmentKind::Development;
    QJsonObject settings;
    QDateTime createdAt;
    qint64 version = 1;

    friend bool operator==(const Environment&, const Environment&) = default;
};

} // namespace TenantDesk

Q_DECLARE_METATYPE(TenantDesk::Environment)
