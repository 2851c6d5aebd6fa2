#include "Logging.h"

namespace TenantDesk {
Q_LOGGING_CATEGORY(lcStore, "tenantdesk.store", QtInfoMsg)
Q_LOGGING_CATEGORY(lcApp, "tenantdesk.app", QtInfoMsg)
} // namespace TenantDesk
