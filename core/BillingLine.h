#pragma once

#include "Ids.h"

#include <QDateTime>
#include <QJsonObject>
#include <QMetaType>
#include <QString>

namespace TenantDesk {

// One row of a billing export, normalised to FOCUS columns. Costs are kept as the exact
// decimal text of the export (never a binary float), in BillingCurrency.
struct BillingLine {
    qint64 id = 0;
    TenantId tenantId = 0; // 0: unallocated
    QString providerName;
    QString billingAccountId;
    QString subAccountId;
    QString subAccountName;
    QDateTime billingPeriodStart;
    QDateTime billingPeriodEnd;
    QDateTime chargePeriodStart;
    QDateTime chargePeriodEnd;
    QString chargeCategory;   // Usage, Purchase, Tax, Credit, Adjustment
    QString serviceName;
    QString serviceCategory;
    QString regionId;
    QString resourceId;
    QString billedCost;       // decimal text, e.g. "12.340000"
    QString effectiveCost;
    QString listCost;
    QString billingCurrency;  // ISO 4217
    QJsonObject tags;
    qint64 importId = 0;     // the import it came from (0: demo data)
    bool shared = false;     // matched a shared-cost rule: spread over tenants, not attributed directly

    friend bool operator==(const BillingLine&, const BillingLine&) = default;
};

} // namespace TenantDesk

Q_DECLARE_METATYPE(TenantDesk::BillingLine)
