#include "UserAdmin.h"

#include <QCoreApplication>

#include <algorithm>

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

QString emailError(const QString& email)
{
    if (email.trimmed().isEmpty())
        return QCoreApplication::translate("UserAdmin", "an e-mail address is required.");
    if (email != email.trimmed() || email.size() > 254)
        return QCoreApplication::translate("UserAdmin", "“%1” is not an e-mail address (no surrounding spaces, at most 254 characters).").arg(email);
    const qsizetype at = email.indexOf(u'@');
    const bool oneAt = at > 0 && at == email.lastIndexOf(u'@');
    const QStringView domain = oneAt ? QStringView(email).mid(at + 1) : QStringView();
    // A single-label domain ("test-user@localhost") is accepted: Keycloak accepts it, and realm
    // exports (its own test realm among them) have such users.
    const bool dotted = !domain.isEmpty() && !domain.startsWith(u'.') && !domain.endsWith(u'.')
        && !domain.contains(QStringLiteral(".."));
    const bool plain = std::none_of(email.cbegin(), email.cend(), [](QChar c) {
        return c.isSpace() || c.category() == QChar::Other_Control || c == u',' || c == u';' || c == u'<' || c == u'>';
    });
    if (!oneAt || !dotted || !plain || at > 64)
        return QCoreApplication::translate("UserAdmin", "“%1” is not an e-mail address (expected name@example.com).").arg(email);
    return {};
}

QString userDisplayNameError(const QString& name)
{
    if (name.trimmed().isEmpty())
        return QCoreApplication::translate("UserAdmin", "a name is required.");
    if (name.size() > 200)
        return QCoreApplication::translate("UserAdmin", "at most 200 characters.");
    return {};
}

QString roleNameError(const QString& name)
{
    if (name.trimmed().isEmpty())
        return QCoreApplication::translate("UserAdmin", "a role needs a name.");
    if (name != name.trimmed())
        return QCoreApplication::translate("UserAdmin", "no spaces before or after the name.");
    if (name.size() > 100)
        return QCoreApplication::translate("UserAdmin", "at most 100 characters.");
    return {};
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
