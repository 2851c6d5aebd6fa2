#pragma once

#include "Ids.h"
#include "TenantStatus.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <optional>

namespace TenantDesk {

// Resource limits of a tenant; an empty value means "no limit".
struct TenantQuotas {
    std::optional<int> cpuCores;
    std::optional<int> memoryGb;
    std::optional<int> storageGb;
    std::optional<int> userSeats;

    friend bool operator==(const TenantQuotas&, const TenantQuotas&) = default;
};

// An isolated customer, team or department. Tenants nest to any depth.
struct Tenant {
    TenantId id = 0;
    TenantId parentId = 0;        // 0: a top-level tenant, directly under the platform
    QList<TenantId> ancestorIds;  // from the top-level tenant down to the parent; empty at top level
    QString slug;                 // unique on the platform: "acme", "acme.emea"
    QString displayName;
    TenantStatus status = TenantStatus::Requested;
    QString domain;
    QString timezone;             // IANA name, e.g. "Europe/Berlin"
    QString language;             // BCP 47, e.g. "de" or "en-GB"
    TenantQuotas quotas;
    std::optional<int> apiRateLimit; // requests per minute
    QJsonObject featureFlags;
    QJsonObject securityPolicy;
    QJsonObject settings;         // integration settings: key → text
    QJsonObject decommission;     // the decommissioning checklist: step key → {"at", "by", "note"}
    QDateTime createdAt;
    QDateTime updatedAt;
    qint64 version = 1;           // incremented on every change (the ETag)
    int subTenantCount = 0;       // direct sub-tenants
    int environmentCount = 0;

    int depth() const { return int(ancestorIds.size()); }
    bool hasChildren() const { return subTenantCount > 0 || environmentCount > 0; }

    friend bool operator==(const Tenant&, const Tenant&) = default;
};

// A tenant's URL-safe identifier: lower-case letters, digits and hyphens, in dot-separated
// labels ("acme", "acme.emea-sales"), 2 to 100 characters. Returns an empty string when valid,
// otherwise the reason.
QString validateTenantSlug(const QString& slug);

} // namespace TenantDesk

Q_DECLARE_METATYPE(TenantDesk::Tenant)
