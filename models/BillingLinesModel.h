#pragma once

#include "Billing.h"
#include "Decimal.h"
#include "Store.h"

#include <QAbstractTableModel>
#include <QList>

namespace TenantDesk {

// The billing lines behind a total (drill-down), in ChargePeriodStart order, a page at a time
// (canFetchMore/fetchMore), the first page as soon as a query is set: a cell of a million lines
// shows at once and never loads everything. The sums of the lines loaded so far are kept exactly.
//
// A page that fails stops the loading: errorMessage() says why, loadFailed() is emitted and
// retry() asks for the same page again.
class BillingLinesModel : public QAbstractTableModel
{
    Q_OBJECT
    Q_PROPERTY(bool loading READ isLoading NOTIFY loadingChanged)
    Q_PROPERTY(QString errorMessage READ errorMessage NOTIFY errorMessageChanged)

public:
    enum Column {
        ChargeStartColumn,
        ServiceColumn,
        CategoryColumn,
        ChargeCategoryColumn,
        SubAccountColumn,
        ResourceColumn,
        RegionColumn,
        BilledCostColumn,
        EffectiveCostColumn,
        CurrencyColumn,
        TenantColumn,
        TagsColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role {
        LineIdRole = Qt::UserRole + 1, // qint64
        TenantIdRole,                  // qint64, 0 unallocated
        ExactAmountRole,               // QString, on the cost columns
        SharedRole,                    // bool
        ImportIdRole,                  // qint64
    };
    Q_ENUM(Role)

    explicit BillingLinesModel(QObject* parent = nullptr);
    ~BillingLinesModel() override;

    // The store to read; empties the model until the next setQuery(). The store must outlive its
    // use here (nullptr lets go of it).
    void setStore(Store* store);
    Store* store() const { return m_store; }
    void setPageSize(int size); // at most maximumPageSize
    int pageSize() const { return m_pageSize; }

    // Shows the lines of `query` (its limit and cursor are the model's own) from the first page.
    void setQuery(const BillingLineQuery& query);
    BillingLineQuery query() const { return m_query; }
    void reload();
    void clear();
    // Names for the tenant column (0 is "Unallocated").
    void setTenantNames(const QHash<TenantId, QString>& names);

    BillingLine line(int row) const;
    bool isLoading() const { return m_loading; }
    bool isComplete() const { return m_complete; }
    bool hasError() const { return !m_errorMessage.isEmpty(); }
    QString errorMessage() const { return m_errorMessage; }
    void retry();

    // Exact sums over the lines loaded so far.
    QString billedCostSum() const { return m_billed.text(); }
    QString effectiveCostSum() const { return m_effective.text(); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;
    QHash<int, QByteArray> roleNames() const override;

Q_SIGNALS:
    void loadingChanged(bool loading);
    void pageLoaded(int count);
    void loadFailed(const QString& message);
    void errorMessageChanged(const QString& message);

private:
    void requestPage();
    void setLoading(bool loading);
    void setErrorMessage(const QString& message);
    void resetSums();

    Store* m_store = nullptr;
    BillingLineQuery m_query;
    bool m_active = false;
    QList<BillingLine> m_lines;
    QString m_nextCursor;
    bool m_complete = true;
    bool m_loading = false;
    QString m_errorMessage;
    int m_pageSize = 200;
    quint64 m_generation = 0;
    DecimalSum m_billed;
    DecimalSum m_effective;
    QHash<TenantId, QString> m_names;
};

} // namespace TenantDesk
