#include "TenantStatus.h"

#include "EnumKeys.h"

#include <QCoreApplication>

namespace TenantDesk {

QString tenantStatusKey(TenantStatus status)
{
    switch (status) {
    case TenantStatus::Requested: return QStringLiteral("requested");
    case TenantStatus::Provisioning: return QStringLiteral("provisioning");
    case TenantStatus::Active: return QStringLiteral("active");
    case TenantStatus::Suspended: return QStringLiteral("suspended");
    case TenantStatus::Decommissioning: return QStringLiteral("decommissioning");
    case TenantStatus::Archived: return QStringLiteral("archived");
    }
    return {};
}

std::optional<TenantStatus> tenantStatusFromKey(const QString& key)
{
    return enumFromKey<TenantStatus>(key, allTenantStatuses, tenantStatusKey);
}

QString tenantStatusDisplayName(TenantStatus status)
{
    switch (status) {
    case TenantStatus::Requested: return QCoreApplication::translate("TenantStatus", "Requested");
    case TenantStatus::Provisioning: return QCoreApplication::translate("TenantStatus", "Provisioning");
    case TenantStatus::Active: return QCoreApplication::translate("TenantStatus", "Active");
    case TenantStatus::Suspended: return QCoreApplication::translate("TenantStatus", "Suspended");
    case TenantStatus::Decommissioning: return QCoreApplication::translate("TenantStatus", "Decommissioning");
    case TenantStatus::Archived: return QCoreApplication::translate("TenantStatus", "Archived");
    }
    return {};
}

QList<TenantStatus> legalTransitions(TenantStatus from)
{
    switch (from) {
    case TenantStatus::Requested: return {TenantStatus::Provisioning};
    case TenantStatus::Provisioning: return {TenantStatus::Active};
    case TenantStatus::Active: return {TenantStatus::Suspended};
    case TenantStatus::Suspended: return {TenantStatus::Active, TenantStatus::Decommissioning};
    case TenantStatus::Decommissioning: return {TenantStatus::Archived};
    case TenantStatus::Archived: return {};
    }
    return {};
}

bool isLegalTransition(TenantStatus from, TenantStatus to)
{
    return legalTransitions(from).contains(to);
}

bool isDormant(TenantStatus status)
{
    return status == TenantStatus::Suspended || status == TenantStatus::Decommissioning
        || status == TenantStatus::Archived;
}

} // namespace TenantDesk
