#pragma once

#include "Store.h"
#include "Tenant.h"
#include "UsageSample.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QList>
#include <QPointF>

#include <optional>

namespace TenantDesk {

// The error rate, in percent of requests, above which a tenant's service is out of its objective
// when its settings name none.
inline constexpr double defaultErrorRateThreshold = 1.0;
// The tenant setting (integration settings, key → text) that names another threshold in percent,
// e.g. "0.5"; a value that is not a number above 0 and at most 100 is not used.
inline constexpr char16_t errorRateThresholdSetting[] = u"slo.error_rate_percent";

// The quota a metric is measured against, per hour, when the tenant has one: cpu_hours against
// cpuCores (an hour on N cores is N core-hours), memory_gb_hours against memoryGb, storage_gb against
// storageGb, active_users against userSeats, api_calls against the API rate limit (requests per
// minute × 60 in an hour), error_rate against the tenant's error-rate threshold (its setting
// errorRateThresholdSetting, otherwise defaultErrorRateThreshold).
std::optional<double> usageQuota(UsageMetric metric, const Tenant& tenant);
// The metric as a person reads it in a picker or an axis title ("CPU hours").
QString usageMetricTitle(UsageMetric metric);

// The table behind a usage chart: one row per hour of one metric of a tenant (or of one of its
// environments), oldest first, with the quota and the utilisation of the quota in percent. The
// samples of the tenant's environments are added up per hour (error_rate: their mean).
//
// load() reads the samples from the store without blocking; loaded() or loadFailed() tells when
// they are there. setSamples() fills the model directly (tests, and data read elsewhere).
class UsageSeriesModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { TimeColumn, ValueColumn, QuotaColumn, UtilisationColumn, ColumnCount };
    Q_ENUM(Column)

    enum Role {
        TimeRole = Qt::UserRole + 1, // QDateTime, UTC, the start of the hour
        ValueRole,                   // double
        QuotaRole,                   // double, or invalid without a quota
        UtilisationRole,             // double, percent of the quota, or invalid without one
    };
    Q_ENUM(Role)

    explicit UsageSeriesModel(QObject* parent = nullptr);
    ~UsageSeriesModel() override;

    // The store to read; must outlive its use here.
    void setStore(Store* store) { m_store = store; }
    // Reads `query` (answers to earlier loads are ignored from now on); the quota stays as set.
    void load(const UsageQuery& query);
    // Reads the last query again (after a failure: Retry).
    void reload();
    bool isLoading() const { return m_loading; }
    QString errorMessage() const { return m_errorMessage; }
    UsageQuery query() const { return m_query; }

    // Fills the model with `samples` (of `metric`, any environments, any order).
    void setSamples(UsageMetric metric, const QList<UsageSample>& samples);
    void setQuota(std::optional<double> quota);
    std::optional<double> quota() const { return m_quota; }
    UsageMetric metric() const { return m_metric; }

    // The series as chart points: x in milliseconds since 1970 UTC, y the value; time-ordered.
    QList<QPointF> points() const;
    // The largest hourly value, and its share of the quota in percent (nullopt without a quota or samples).
    std::optional<double> peak() const;
    std::optional<double> peakUtilisation() const;

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
    struct Hour {
        QDateTime at;
        double value = 0;
    };

    Store* m_store = nullptr;
    UsageQuery m_query;
    quint64 m_generation = 0;
    bool m_loading = false;
    QString m_errorMessage;
    UsageMetric m_metric = UsageMetric::CpuHours;
    std::optional<double> m_quota;
    QList<Hour> m_hours;
};

} // namespace TenantDesk
