#pragma once

#include "Store.h"
#include "UsageSample.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QList>
#include <QStringList>

namespace TenantDesk {

// Tenants compared by one metric, for the platform's usage view: the top N tenants over a range
// (largest first, from Store::usageTotals), one row each, with the tenant's name, its total in
// each calendar month of the range (UTC) and its total over the whole range. For active_users and
// error_rate the "totals" are means, as the store gives them.
//
// Columns: the tenant, then one per month (periodCount()), then the whole range.
class UsageComparisonModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Role {
        TenantIdRole = Qt::UserRole + 1, // qint64
        ValueRole,                       // double, in the period and total columns
    };
    Q_ENUM(Role)

    struct Row {
        TenantId tenantId = 0;
        QString name;
        QList<double> periods; // one per period
        double total = 0;
        friend bool operator==(const Row&, const Row&) = default;
    };

    explicit UsageComparisonModel(QObject* parent = nullptr);
    ~UsageComparisonModel() override;

    void setStore(Store* store) { m_store = store; }
    // Reads the top `limit` tenants by `metric` over [from, to), and their totals month by month.
    void load(UsageMetric metric, const QDateTime& from, const QDateTime& to, int limit);
    void reload();
    bool isLoading() const { return m_loading; }
    QString errorMessage() const { return m_errorMessage; }
    UsageMetric metric() const { return m_metric; }

    // Fills the model directly: `periodLabels` name the columns between the tenant and the total.
    void setComparison(UsageMetric metric, const QStringList& periodLabels, const QList<Row>& rows);
    int periodCount() const { return int(m_periodLabels.size()); }
    QStringList periodLabels() const { return m_periodLabels; }
    Row row(int row) const { return m_rows.value(row); }
    int totalColumn() const { return periodCount() + 1; }

    // The calendar months (UTC) that [from, to) touches, each cut to the range.
    static QList<std::pair<QDateTime, QDateTime>> monthsOf(const QDateTime& from, const QDateTime& to);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

Q_SIGNALS:
    void loadingChanged(bool loading);
    void loaded();
    void loadFailed(const QString& message);

private:
    void fail(quint64 generation, const QString& message);

    Store* m_store = nullptr;
    UsageMetric m_metric = UsageMetric::CpuHours;
    QDateTime m_from;
    QDateTime m_to;
    int m_limit = 10;
    quint64 m_generation = 0;
    bool m_loading = false;
    QString m_errorMessage;
    QStringList m_periodLabels;
    QList<Row> m_rows;
};

} // namespace TenantDesk
