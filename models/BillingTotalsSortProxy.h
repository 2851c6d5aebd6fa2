#pragma once

#include <QSortFilterProxyModel>

namespace TenantDesk {

// Sorts a BillingTotalsModel by its SortRole (amounts as numbers, names as text), keeping the
// total rows at the bottom whichever way a column is sorted.
class BillingTotalsSortProxy : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit BillingTotalsSortProxy(QObject* parent = nullptr);

protected:
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;
};

} // namespace TenantDesk
