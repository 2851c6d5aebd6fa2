#pragma once

#include "Billing.h"
#include "Decimal.h"

#include <QAbstractItemModel>
#include <QHash>
#include <QList>
#include <QStringList>

namespace TenantDesk {

// Cost as a pivot: a row per tenant (and one for unallocated cost) with a row per service under
// it, a column per month, then the total, and the change of the latest month over the one before
// (amount and percent). A tenant's share of a shared cost is a row of its own under the tenant,
// marked shared. The last rows are the totals, one per currency. Every figure is summed exactly
// (DecimalSum) from the rows given; the display rounds to cents with the currency,
// ExactAmountRole gives the exact text, SortRole a number for sorting (BillingTotalsSortProxy).
class BillingTotalsModel : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum FixedColumn { NameColumn, CurrencyColumn, FirstMonthColumn };
    Q_ENUM(FixedColumn)

    enum class RowKind { Tenant, Service, Total };
    Q_ENUM(RowKind)

    enum class CostKind { Billed, Effective, List };
    Q_ENUM(CostKind)

    enum Role {
        TenantIdRole = Qt::UserRole + 1, // qint64: 0 unallocated (or the total row)
        ServiceNameRole,                 // QString: empty on tenant and total rows
        MonthRole,                       // QString "2024-09" on a month column, else empty
        CurrencyRole,                    // QString ISO 4217
        RowKindRole,                     // RowKind
        SharedRole,                      // bool: a share of a shared cost
        ExactAmountRole,                 // QString exact decimal of the cell (empty off the money columns)
        SortRole,                        // double or QString, for sorting
        LineCountRole,                   // qint64: the lines behind the cell
    };
    Q_ENUM(Role)

    explicit BillingTotalsModel(QObject* parent = nullptr);
    ~BillingTotalsModel() override;

    // Shows `rows` (as Store::billingTotals answered `filter`); the months run from the earliest
    // to the latest month of the rows, every month between included.
    void setTotals(const QList<BillingTotalsRow>& rows, const BillingFilter& filter = {});
    void clear();
    const QList<BillingTotalsRow>& totals() const { return m_rows; }
    BillingFilter filter() const { return m_filter; }
    // Names for tenant ids (0 is always "Unallocated"); a tenant without one shows its id.
    void setTenantNames(const QHash<TenantId, QString>& names);
    QString tenantName(TenantId id) const;
    // Which cost is summed: BilledCost (the default), EffectiveCost or ListCost.
    void setCostKind(CostKind kind);
    CostKind costKind() const { return m_costKind; }

    QStringList months() const { return m_months; }
    int monthColumn(const QString& month) const;
    int totalColumn() const { return FirstMonthColumn + int(m_months.size()); }
    int changeColumn() const { return totalColumn() + 1; }
    int changePercentColumn() const { return totalColumn() + 2; }
    QStringList currencies() const;
    // The row of a tenant's cost in `currency` (0: unallocated); invalid when it has none.
    QModelIndex tenantIndex(TenantId id, const QString& currency = {}) const;

    // The lines behind a cell (drill-down): its tenant (none for a total row; the shared lines of a
    // service for a shared share), service, month (none on the total and change columns) and
    // currency, within the filter the totals answered. nullopt for the name and currency columns.
    std::optional<BillingLineQuery> lineQuery(const QModelIndex& index) const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    struct Line {
        RowKind kind = RowKind::Tenant;
        TenantId tenantId = 0;
        QString currency;
        QString serviceName;
        QString serviceCategory;
        bool shared = false;
        QList<DecimalSum> months;
        DecimalSum total;
        QList<qint64> monthLines;
        qint64 lines = 0;
    };
    struct Group {
        Line line;
        QList<Line> services;
    };

    void rebuild();
    const Line* lineAt(const QModelIndex& index) const;
    QString label(const Line& line) const;
    QVariant moneyData(const Line& line, int column, int role) const;
    QString costOf(const BillingTotalsRow& row) const;

    QList<BillingTotalsRow> m_rows;
    BillingFilter m_filter;
    QHash<TenantId, QString> m_names;
    CostKind m_costKind = CostKind::Billed;
    QStringList m_months;
    QList<Group> m_groups; // tenants, then the totals (one per currency)
};

} // namespace TenantDesk
