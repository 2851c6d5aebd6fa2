#pragma once

#include "Ids.h"

#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <optional>

namespace TenantDesk {

enum class RoleScope { Platform, Tenant, Environment };

QString roleScopeKey(RoleScope scope);
std::optional<RoleScope> roleScopeFromKey(const QString& key);

// A named set of permissions with a scope. Built-in roles belong to no tenant (tenantId 0);
// custom roles belong to the tenant that defined them. A composite role includes others.
struct Role {
    RoleId id = 0;
    TenantId tenantId = 0;
    QString name;
    QString description;
    RoleScope scope = RoleScope::Tenant;
    bool builtIn = false;
    QStringList permissions;   // sorted
    QList<RoleId> includedRoleIds;
    qint64 version = 1;

    friend bool operator==(const Role&, const Role&) = default;
};

// The built-in roles every platform starts with.
namespace BuiltInRole {
inline const QString PlatformAdmin = QStringLiteral("Platform Admin");
inline const QString TenantAdmin = QStringLiteral("Tenant Admin");
inline const QString TenantUser = QStringLiteral("Tenant User");
inline const QString TenantViewer = QStringLiteral("Tenant Viewer");

QList<Role> definitions();
} // namespace BuiltInRole

} // namespace TenantDesk

Q_DECLARE_METATYPE(TenantDesk::Role)
