#pragma once

#include <QDateTime>
#include <QLocale>
#include <QString>

namespace TenantDesk {

// A time as the language in use writes it (QLocale(), which Language::apply sets): its short date
// and its short time, with the seconds when `withSeconds` (an audit event's time).
inline QString localDateTime(const QDateTime& time, bool withSeconds = false)
{
    const QLocale locale;
    QString timeFormat = locale.timeFormat(QLocale::ShortFormat);
    if (withSeconds && !timeFormat.contains(u's'))
        timeFormat.replace(QStringLiteral("mm"), QStringLiteral("mm:ss"));
    const QDateTime local = time.toLocalTime();
    return locale.toString(local.date(), QLocale::ShortFormat) + QLatin1Char(' ') + locale.toString(local.time(), timeFormat);
}

} // namespace TenantDesk
