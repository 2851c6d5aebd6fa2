#pragma once

#include "Billing.h"
#include "Decimal.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

namespace TenantDesk {

// "Values seen" of one tag key, as the attribution rules' editor shows them: one row per value,
// with how many lines carry it, their cost per currency (exact, summed with Decimal), the tenants
// those lines are attributed to now (or Unallocated) and the mapping of the rules being edited
// that names the value, if any. Rows come sorted by cost, the costliest first.
class BillingTagValuesModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { ValueColumn, LinesColumn, CostColumn, AttributedColumn, MappedColumn, ColumnCount };
    Q_ENUM(Column)

    enum Role {
        ValueRole = Qt::UserRole + 1, // QString: the tag value, exactly
        SortRole,                     // what the column sorts by: text, line count, or cost (ordering only)
        MappedRole,                   // bool: the rules being edited map this value already
        ExactCostRole,                // QString: the cost per currency, exact ("20.52022672899 USD")
    };
    Q_ENUM(Role)

    explicit BillingTagValuesModel(QObject* parent = nullptr);
    ~BillingTagValuesModel() override;

    // The rows of Store::billingTagValues for one key, summed per value.
    void setValues(const QList<BillingTagValue>& rows);
    // The tenants' slugs, for the "attributed to" column.
    void learnTenant(TenantId id, const QString& slug);
    // The tenants named by the rows, whose slugs the model has not been told yet.
    QList<TenantId> unnamedTenants() const;
    // value → the tenant (slug) the edited rules map it to.
    void setMappedValues(const QHash<QString, QString>& mapped);

    QString valueAt(int row) const;
    // The exact cost of one row in `currency` ("0" when none).
    QString costAt(int row, const QString& currency) const;
    qint64 totalLines() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    struct Row {
        QString value;
        qint64 lines = 0;
        QList<std::pair<QString, DecimalSum>> costs; // currency → sum, by currency
        Decimal total;                               // over currencies, for ordering only
        QList<TenantId> tenants;                     // ascending; 0: unallocated
        bool shared = false;
    };
    QString costText(const Row& row) const;
    QString attributedText(const Row& row) const;

    QList<Row> m_rows;
    QHash<TenantId, QString> m_slugs;
    QHash<QString, QString> m_mapped;
};

} // namespace TenantDesk
