#include "BillingTotalsSortProxy.h"

#include "BillingTotalsModel.h"

namespace TenantDesk {

BillingTotalsSortProxy::BillingTotalsSortProxy(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(BillingTotalsModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
    setSortLocaleAware(true);
}

bool BillingTotalsSortProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    const auto kindOf = [](const QModelIndex& index) {
        return index.data(BillingTotalsModel::RowKindRole).value<BillingTotalsModel::RowKind>();
    };
    const bool leftTotal = kindOf(left) == BillingTotalsModel::RowKind::Total;
    const bool rightTotal = kindOf(right) == BillingTotalsModel::RowKind::Total;
    if (leftTotal != rightTotal) // the view reverses a descending sort: the totals stay last
        return sortOrder() == Qt::AscendingOrder ? rightTotal : leftTotal;
    return QSortFilterProxyModel::lessThan(left, right);
}

} // namespace TenantDesk
