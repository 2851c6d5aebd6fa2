#pragma once

#include <QList>
#include <QString>
#include <optional>

namespace TenantDesk {

// requested → provisioning → active ⇄ suspended → decommissioning → archived
enum class TenantStatus { Requested, Provisioning, Active, Suspended, Decommissioning, Archived };

inline constexpr TenantStatus allTenantStatuses[] = {
    TenantStatus::Requested, TenantStatus::Provisioning, TenantStatus::Active,
    TenantStatus::Suspended, TenantStatus::Decommissioning, TenantStatus::Archived,
};

// The word stored in databases and sent over the API ("active").
QString tenantStatusKey(TenantStatus status);
std::optional<TenantStatus> tenantStatusFromKey(const QString& key);
// The word shown to a person ("Active"), translatable.
QString tenantStatusDisplayName(TenantStatus status);

// The statuses a tenant in `from` may move to. Only these transitions are legal.
QList<TenantStatus> legalTransitions(TenantStatus from);
bool isLegalTransition(TenantStatus from, TenantStatus to);

// A tenant whose services are not running for its users (greyed in the tree).
bool isDormant(TenantStatus status);

} // namespace TenantDesk
