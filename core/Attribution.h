#pragma once

#include "Billing.h"

#include <QHash>
#include <QString>
#include <QStringList>
#include <QStringView>

namespace TenantDesk {

// Attributes billing lines to tenants by the rules (Billing.h): explicit mappings first, in order,
// then the tenant tag keys (a tag value that is a tenant's slug); a line matching a shared-cost
// rule is shared and attributed to no tenant directly. Pure and cheap: built once per import or
// re-application, then asked once per line.
class Attribution
{
public:
    Attribution(const AttributionRules& rules, QHash<QString, TenantId> tenantIdsBySlug);

    struct Outcome {
        TenantId tenantId = 0; // 0: unallocated (or shared)
        int sharedRule = -1;   // the index of the shared-cost rule it matched, or -1
        friend bool operator==(const Outcome&, const Outcome&) = default;
    };

    // The tag keys the rules look at, so that a reader extracts only these from a line's tags.
    const QStringList& tagKeys() const { return m_tagKeys; }

    // `tagValues` holds the line's values of tagKeys() it has (absent keys are missing).
    Outcome attribute(QStringView subAccountId, QStringView subAccountName, QStringView serviceName,
                      const QHash<QString, QString>& tagValues) const;

private:
    AttributionRules m_rules;
    QHash<QString, TenantId> m_tenantIdsBySlug;
    QStringList m_tagKeys;
};

} // namespace TenantDesk
