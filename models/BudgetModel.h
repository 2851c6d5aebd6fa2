#pragma once

#include "Billing.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

namespace TenantDesk {

// Each tenant's monthly budget against its cost in one month (the latest of the totals): a row per
// tenant that has a budget or cost that month. The budget is edited in place: a valid amount emits
// budgetEdited() and shows as pending until budgetSaved() or budgetFailed(); an empty one removes
// the budget.
class BudgetModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { TenantColumn, BudgetColumn, CurrencyColumn, CostColumn, UsedColumn, ColumnCount };
    Q_ENUM(Column)

    enum Role {
        TenantIdRole = Qt::UserRole + 1, // qint64
        ExactAmountRole,                 // QString: the budget or the cost, exactly
        PercentUsedRole,                 // double, or invalid without a budget
        SortRole,
    };
    Q_ENUM(Role)

    explicit BudgetModel(QObject* parent = nullptr);
    ~BudgetModel() override;

    // The budgets, and the cost of `month` summed exactly from `totals` (rows of other months are
    // left out; unallocated cost has no budget and no row).
    void setData(const QList<TenantBudget>& budgets, const QList<BillingTotalsRow>& totals, const QString& month);
    void setTenantNames(const QHash<TenantId, QString>& names);
    QString month() const { return m_month; }
    TenantBudget budget(int row) const;
    int rowOf(TenantId id) const;

    // The store's answer to a budgetEdited(): the row shows it, no longer pending.
    void budgetSaved(const TenantBudget& budget);
    // The store refused it: the row shows the budget as it was.
    void budgetFailed(TenantId tenantId);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QHash<int, QByteArray> roleNames() const override;

Q_SIGNALS:
    void budgetEdited(const TenantDesk::TenantBudget& budget);
    // A budget typed that is no amount ("12,5", "ten"): the sentence says why.
    void invalidBudget(const QString& message);

private:
    struct Row {
        TenantId tenantId = 0;
        QString budget;   // exact, empty when none
        QString currency;
        QString cost;     // exact
        QString previousBudget;
        bool pending = false;
    };
    std::optional<double> percentUsed(const Row& row) const;

    QList<Row> m_rows;
    QString m_month;
    QHash<TenantId, QString> m_names;
};

} // namespace TenantDesk
