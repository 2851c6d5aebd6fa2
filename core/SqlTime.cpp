#include "SqlTime.h"

#include <QTimeZone>

namespace TenantDesk::SqlTime {

QString format(const QDateTime& time)
{
    if (!time.isValid())
        return {};
    // Formatted by hand: QDateTime::toString is a measurable cost when a million rows are written.
    const qint64 seconds = time.toSecsSinceEpoch();
    const qint64 days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
    const int secondOfDay = int(seconds - days * 86400);
    int year = 0, month = 0, day = 0;
    QDate::fromJulianDay(days + 2440588).getDate(&year, &month, &day);
    if (year < 0 || year > 9999)
        return time.toUTC().toString(Qt::ISODate);
    char buffer[] = "0000-00-00T00:00:00Z";
    const auto put = [&buffer](int at, int value, int width) {
        for (int i = width - 1; i >= 0; --i, value /= 10)
            buffer[at + i] = char('0' + value % 10);
    };
    put(0, year, 4);
    put(5, month, 2);
    put(8, day, 2);
    put(11, secondOfDay / 3600, 2);
    put(14, secondOfDay / 60 % 60, 2);
    put(17, secondOfDay % 60, 2);
    return QString::fromLatin1(buffer, 20);
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
