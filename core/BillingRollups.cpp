#include "BillingRollups.h"

#include "SqlTime.h"

namespace TenantDesk {

bool BillingRollups::add(const Key& key, QStringView billedCost, QStringView effectiveCost, QStringView listCost)
{
    DecimalSum billed, effective, list;
    if (!billed.add(billedCost) || !effective.add(effectiveCost) || !list.add(listCost))
        return false;
    Sums& sums = m_groups[key];
    sums.billed.add(billed);
    sums.effective.add(effective);
    sums.list.add(list);
    ++sums.lines;
    return true;
}

bool BillingRollups::add(const BillingLine& line)
{
    return add(Key{line.tenantId, line.importId, -1, monthOf(SqlTime::format(line.chargePeriodStart)), line.serviceName,
                   line.serviceCategory, line.billingCurrency},
               line.billedCost, line.effectiveCost, line.listCost);
}

} // namespace TenantDesk
