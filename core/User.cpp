#include "User.h"

#include "EnumKeys.h"

#include <QCoreApplication>

namespace TenantDesk {

QString userStatusKey(UserStatus status)
{
    switch (status) {
    case UserStatus::Invited: return QStringLiteral("invited");
    case UserStatus::Active: return QStringLiteral("active");
    case UserStatus::Disabled: return QStringLiteral("disabled");
    }
    return {};
}

std::optional<UserStatus> userStatusFromKey(const QString& key)
{
    return enumFromKey<UserStatus>(key, std::initializer_list<UserStatus>{UserStatus::Invited, UserStatus::Active, UserStatus::Disabled}, userStatusKey);
}

QString userStatusDisplayName(UserStatus status)
{
    switch (status) {
    case UserStatus::Invited: return QCoreApplication::translate("User", "Invited");
    case UserStatus::Active: return QCoreApplication::translate("User", "Active");
    case UserStatus::Disabled: return QCoreApplication::translate("User", "Disabled");
    }
    return {};
}

} // namespace TenantDesk
