#include "UserAdmin.h"

namespace TenantDesk {

bool isLegalUserTransition(UserStatus from, UserStatus to)
{
    switch (from) {
    case UserStatus::Invited: return to == UserStatus::Active || to == UserStatus::Disabled;
    case UserStatus::Active: return to == UserStatus::Disabled;
    case UserStatus::Disabled: return to == UserStatus::Active || to == UserStatus::Invited;
    }
    return false;
}

QStringList EffectivePermissions::names() const
{
    QStringList list;
    for (const EffectivePermission& permission : permissions)
        list.append(permission.permission);
    return list;
}

} // namespace TenantDesk

#include "EnumKeys.h"
#include "StoreQueries.h"

namespace TenantDesk {

QString userSortKey(UserSort sort)
{
    switch (sort) {
    case UserSort::DisplayName: return QStringLiteral("display_name");
    case UserSort::Email: return QStringLiteral("email");
    case UserSort::Status: return QStringLiteral("status");
    case UserSort::LastSignIn: return QStringLiteral("last_sign_in_at");
    case UserSort::CreatedAt: return QStringLiteral("created_at");
    }
    return {};
}

std::optional<UserSort> userSortFromKey(const QString& key)
{
    return enumFromKey<UserSort>(key, std::initializer_list<UserSort>{UserSort::DisplayName, UserSort::Email, UserSort::Status,
                                                                     UserSort::LastSignIn, UserSort::CreatedAt},
                                 userSortKey);
}

} // namespace TenantDesk
