#pragma once

#include "Ids.h"

#include <QHash>
#include <QMutex>

#include <chrono>

namespace TenantDesk {

// A token bucket per tenant: a tenant with a limit of N requests per minute may make N at once,
// then one every 60/N seconds. Shared by the server's request threads.
class RateLimiter
{
public:
    using Clock = std::chrono::steady_clock;

    // 0 when the request is admitted; otherwise the seconds to wait before the next one fits.
    int admit(TenantId tenant, int requestsPerMinute, Clock::time_point now = Clock::now());

private:
    struct Bucket {
        double tokens = 0;
        Clock::time_point refilled;
    };
    QMutex m_mutex;
    QHash<TenantId, Bucket> m_buckets;
};

} // namespace TenantDesk
