#pragma once

#include <QByteArray>
#include <QSettings>
#include <QString>
#include <QStringList>
#include <QVariant>

namespace TenantDesk {

// One typed table of every setting TenantDesk keeps, with its default.
template<typename T>
struct SettingKey {
    const char* key;
    T defaultValue;
};

namespace Settings {
inline const SettingKey<QByteArray> mainWindowGeometry{"mainWindow/geometry", {}};
inline const SettingKey<QByteArray> mainWindowState{"mainWindow/state", {}};
inline const SettingKey<QByteArray> mainSplitterState{"mainWindow/splitter", {}};
inline const SettingKey<QByteArray> tenantTreeHeaderState{"mainWindow/tenantTreeHeader", {}};
inline const SettingKey<QStringList> recentDatabases{"databases/recent", {}};
inline const SettingKey<QString> lastDatabase{"databases/last", {}};
inline const SettingKey<QString> usageMetric{"usage/metric", QStringLiteral("cpu_hours")};  // usageMetricKey()
inline const SettingKey<QString> usageRange{"usage/range", QStringLiteral("week")};        // day, week, month, quarter
inline constexpr int maximumRecentDatabases = 8;

template<typename T>
T value(const SettingKey<T>& setting)
{
    const QVariant stored = QSettings().value(QString::fromLatin1(setting.key));
    return stored.isValid() ? stored.value<T>() : setting.defaultValue;
}

template<typename T>
void setValue(const SettingKey<T>& setting, const T& value)
{
    QSettings().setValue(QString::fromLatin1(setting.key), QVariant::fromValue(value));
}

// Puts `path` first in the list of recently opened databases.
void rememberDatabase(const QString& path);
// Puts a server (serverRecentEntry(): its address and e-mail, no secret) first in that list.
void rememberServer(const QString& entry);
} // namespace Settings

} // namespace TenantDesk
