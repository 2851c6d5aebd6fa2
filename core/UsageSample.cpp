#include "UsageSample.h"

#include "EnumKeys.h"

namespace TenantDesk {

QString usageMetricKey(UsageMetric metric)
{
    switch (metric) {
    case UsageMetric::CpuHours: return QStringLiteral("cpu_hours");
    case UsageMetric::MemoryGbHours: return QStringLiteral("memory_gb_hours");
    case UsageMetric::StorageGb: return QStringLiteral("storage_gb");
    case UsageMetric::ApiCalls: return QStringLiteral("api_calls");
    case UsageMetric::ActiveUsers: return QStringLiteral("active_users");
    case UsageMetric::ErrorRate: return QStringLiteral("error_rate");
    }
    return {};
}

std::optional<UsageMetric> usageMetricFromKey(const QString& key)
{
    return enumFromKey<UsageMetric>(key, allUsageMetrics, usageMetricKey);
}

} // namespace TenantDesk
