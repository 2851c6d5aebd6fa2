#include "RateLimiter.h"

#include <QMutexLocker>

#include <cmath>

namespace TenantDesk {

int RateLimiter::admit(TenantId tenant, int requestsPerMinute, Clock::time_point now)
{
    if (requestsPerMinute <= 0)
        return 0; // no limit
    const double capacity = requestsPerMinute;
    const double perSecond = requestsPerMinute / 60.0;
    QMutexLocker lock(&m_mutex);
    auto it = m_buckets.find(tenant);
    if (it == m_buckets.end())
        it = m_buckets.insert(tenant, Bucket{capacity, now});
    Bucket& bucket = *it;
    const double elapsed = std::chrono::duration<double>(now - bucket.refilled).count();
    bucket.tokens = std::min(capacity, bucket.tokens + elapsed * perSecond);
    bucket.refilled = now;
    if (bucket.tokens >= 1.0) {
        bucket.tokens -= 1.0;
        return 0;
    }
    return std::max(1, int(std::ceil((1.0 - bucket.tokens) / perSecond)));
}

} // namespace TenantDesk
