#include "ConflictError.h"

#include "JsonCodec.h"

namespace TenantDesk {

ConflictError::ConflictError(QString message, QString detail, QJsonObject current)
    : StoreError(ErrorCode::Conflict, std::move(message), std::move(detail))
    , m_current(std::move(current))
{
}

std::optional<Tenant> ConflictError::currentTenant() const
{
    if (m_current.isEmpty())
        return std::nullopt;
    try {
        return JsonCodec::tenantFromJson(m_current);
    } catch (const StoreError&) {
        return std::nullopt;
    }
}

} // namespace TenantDesk
