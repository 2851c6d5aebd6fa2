#pragma once

#include "Billing.h"
#include "Decimal.h"

#include <QString>
#include <QStringView>

#include <map>
#include <tuple>

namespace TenantDesk {

// Roll-ups of billing lines (the rows of billing_rollups) summed exactly while lines are read or
// written: by tenant (0: unallocated or shared), import (0: demo lines), shared-cost rule (-1:
// none), month of ChargePeriodStart, service, service category and currency.
class BillingRollups
{
public:
    struct Key {
        TenantId tenantId = 0;
        qint64 importId = 0;
        int sharedRule = -1;
        QString month; // "2024-09"
        QString serviceName;
        QString serviceCategory;
        QString billingCurrency;
        friend auto operator<=>(const Key& a, const Key& b)
        {
            return std::tie(a.tenantId, a.importId, a.sharedRule, a.month, a.serviceName, a.serviceCategory,
                            a.billingCurrency)
                <=> std::tie(b.tenantId, b.importId, b.sharedRule, b.month, b.serviceName, b.serviceCategory,
                             b.billingCurrency);
        }
        friend bool operator==(const Key&, const Key&) = default;
    };
    struct Sums {
        DecimalSum billed;
        DecimalSum effective;
        DecimalSum list;
        qint64 lines = 0;
    };

    // Adds one line; false (nothing added) when a cost is not a plain decimal number.
    bool add(const Key& key, QStringView billedCost, QStringView effectiveCost, QStringView listCost);
    bool add(const BillingLine& line);

    const std::map<Key, Sums>& groups() const { return m_groups; }
    bool isEmpty() const { return m_groups.empty(); }
    void clear() { m_groups.clear(); }

    // "2024-09" of a time as the store writes it ("2024-09-30T23:00:00Z").
    static QString monthOf(QStringView storedTime) { return storedTime.left(7).toString(); }

private:
    std::map<Key, Sums> m_groups;
};

} // namespace TenantDesk
