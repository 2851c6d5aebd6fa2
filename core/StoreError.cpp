#include "StoreError.h"

namespace TenantDesk {

QString errorCodeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::NotFound: return QStringLiteral("NotFound");
    case ErrorCode::Conflict: return QStringLiteral("Conflict");
    case ErrorCode::Forbidden: return QStringLiteral("Forbidden");
    case ErrorCode::Invalid: return QStringLiteral("Invalid");
    case ErrorCode::Unavailable: return QStringLiteral("Unavailable");
    case ErrorCode::Unsupported: return QStringLiteral("Unsupported");
    case ErrorCode::Corrupt: return QStringLiteral("Corrupt");
    case ErrorCode::Internal: return QStringLiteral("Internal");
    }
    return QStringLiteral("Internal");
}

StoreError::StoreError(ErrorCode code, QString message, QString detail)
    : m_code(code)
    , m_message(std::move(message))
    , m_detail(std::move(detail))
    , m_what(fullMessage().toUtf8())
{
}

QString StoreError::fullMessage() const
{
    if (m_detail.isEmpty())
        return m_message;
    return m_message + QStringLiteral(" (") + m_detail + QLatin1Char(')');
}

} // namespace TenantDesk
