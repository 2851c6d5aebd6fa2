#pragma once

#include <QDateTime>
#include <QString>

namespace TenantDesk::SqlTime {

// Times are stored as ISO 8601 text in UTC ("2026-11-01T09:30:00Z"), which sorts as it reads.
QString format(const QDateTime& time);
// With milliseconds, for audit events ("2026-11-01T09:30:00.123Z").
QString formatPrecise(const QDateTime& time);
QDateTime parse(const QString& text);
QString now();

} // namespace TenantDesk::SqlTime
