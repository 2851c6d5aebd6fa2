#pragma once

#include "Ids.h"

#include <QDateTime>
#include <QMetaType>
#include <QString>
#include <optional>

namespace TenantDesk {

enum class UsageMetric { CpuHours, MemoryGbHours, StorageGb, ApiCalls, ActiveUsers, ErrorRate };

inline constexpr UsageMetric allUsageMetrics[] = {
    UsageMetric::CpuHours, UsageMetric::MemoryGbHours, UsageMetric::StorageGb,
    UsageMetric::ApiCalls, UsageMetric::ActiveUsers, UsageMetric::ErrorRate,
};

QString usageMetricKey(UsageMetric metric); // "cpu_hours"
std::optional<UsageMetric> usageMetricFromKey(const QString& key);

// One measurement of one metric of one environment of a tenant, for the hour starting at `at`.
struct UsageSample {
    TenantId tenantId = 0;
    EnvironmentId environmentId = 0;
    UsageMetric metric = UsageMetric::CpuHours;
    QDateTime at;
    double value = 0;

    friend bool operator==(const UsageSample&, const UsageSample&) = default;
};

} // namespace TenantDesk

Q_DECLARE_METATYPE(TenantDesk::UsageSample)
