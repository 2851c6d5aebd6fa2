#pragma once

#include "Ids.h"

#include <QDateTime>
#include <QMetaType>
#include <QString>
#include <optional>

namespace TenantDesk {

enum class UserStatus { Invited, Active, Disabled };

QString userStatusKey(UserStatus status);
std::optional<UserStatus> userStatusFromKey(const QString& key);
QString userStatusDisplayName(UserStatus status);

// A person with one identity on the platform.
struct User {
    UserId id = 0;
    QString email;
    QString displayName;
    UserStatus status = UserStatus::Invited;
    QDateTime createdAt;
    QDateTime lastSignInAt; // null: never signed in
    qint64 version = 1;

    friend bool operator==(const User&, const User&) = default;
};

} // namespace TenantDesk

Q_DECLARE_METATYPE(TenantDesk::User)
