#pragma once

#include <QLoggingCategory>

namespace TenantDesk {
Q_DECLARE_LOGGING_CATEGORY(lcStore)
Q_DECLARE_LOGGING_CATEGORY(lcApp)
} // namespace TenantDesk
