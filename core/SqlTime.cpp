#include "SqlTime.h"

#include <QTimeZone>

namespace TenantDesk::SqlTime {

QString format(const QDateTime& time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODate) : QString();
}

QString formatPrecise(const QDateTime& time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODateWithMs) : QString();
}

QDateTime parse(const QString& text)
{
    if (text.isEmpty())
        return {};
    QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    return time.toUTC();
}

QString now()
{
    return format(QDateTime::currentDateTimeUtc());
}

} // namespace TenantDesk::SqlTime
