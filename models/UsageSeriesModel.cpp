#include "UsageSeriesModel.h"

#include "Async.h"

#include <QLocale>
#include <QMap>
#include <QTimeZone>

#include <algorithm>
#include <cmath>

namespace TenantDesk {

using namespace Qt::StringLiterals;

std::optional<double> usageQuota(UsageMetric metric, const Tenant& tenant)
{
    const auto asDouble = [](const std::optional<int>& value) -> std::optional<double> {
        if (value && *value > 0)
            return double(*value);
        return std::nullopt;
    };
    switch (metric) {
    case UsageMetric::CpuHours: return asDouble(tenant.quotas.cpuCores);
    case UsageMetric::MemoryGbHours: return asDouble(tenant.quotas.memoryGb);
    case UsageMetric::StorageGb: return asDouble(tenant.quotas.storageGb);
    case UsageMetric::ActiveUsers: return asDouble(tenant.quotas.userSeats);
    case UsageMetric::ApiCalls:
        if (const auto perMinute = asDouble(tenant.apiRateLimit))
            return *perMinute * 60.0; // the samples are hourly
        return std::nullopt;
    case UsageMetric::ErrorRate: {
        bool ok = false;
        const double threshold =
            QLocale::c().toDouble(tenant.settings.value(QStringView(errorRateThresholdSetting)).toString().trimmed(), &ok);
        return ok && threshold > 0 && threshold <= 100 ? threshold : defaultErrorRateThreshold;
    }
    }
    return std::nullopt;
}

QString usageMetricTitle(UsageMetric metric)
{
    switch (metric) {
    case UsageMetric::CpuHours: return UsageSeriesModel::tr("CPU hours");
    case UsageMetric::MemoryGbHours: return UsageSeriesModel::tr("Memory (GB hours)");
    case UsageMetric::StorageGb: return UsageSeriesModel::tr("Storage (GB)");
    case UsageMetric::ApiCalls: return UsageSeriesModel::tr("API calls");
    case UsageMetric::ActiveUsers: return UsageSeriesModel::tr("Active users");
    case UsageMetric::ErrorRate: return UsageSeriesModel::tr("Error rate (%)");
    }
    return {};
}

UsageSeriesModel::UsageSeriesModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

UsageSeriesModel::~UsageSeriesModel() = default;

void UsageSeriesModel::load(const UsageQuery& query)
{
    m_query = query;
    reload();
}

void UsageSeriesModel::reload()
{
    if (!m_store)
        return;
    const quint64 generation = ++m_generation;
    m_errorMessage.clear();
    if (!m_loading) {
        m_loading = true;
        Q_EMIT loadingChanged(true);
    }
    const UsageMetric metric = m_query.metric;
    whenReady(m_store->usage(m_query), this, [this, generation, metric](const QList<UsageSample>& samples) {
        if (generation != m_generation)
            return;
        setSamples(metric, samples);
        m_loading = false;
        Q_EMIT loadingChanged(false);
        Q_EMIT loaded();
    }, [this, generation](const StoreError& error) {
        if (generation != m_generation)
            return;
        m_errorMessage = error.message();
        m_loading = false;
        Q_EMIT loadingChanged(false);
        Q_EMIT loadFailed(m_errorMessage);
    });
}

void UsageSeriesModel::setSamples(UsageMetric metric, const QList<UsageSample>& samples)
{
    // Per hour: the environments added up, or their mean for a rate.
    QMap<qint64, std::pair<double, int>> byHour;
    for (const UsageSample& sample : samples) {
        auto& [sum, count] = byHour[sample.at.toSecsSinceEpoch()];
        sum += sample.value;
        ++count;
    }
    beginResetModel();
    m_metric = metric;
    m_hours.clear();
    m_hours.reserve(byHour.size());
    for (auto it = byHour.cbegin(); it != byHour.cend(); ++it) {
        const auto& [sum, count] = it.value();
        m_hours.append(Hour{QDateTime::fromSecsSinceEpoch(it.key(), QTimeZone::utc()),
                            metric == UsageMetric::ErrorRate ? sum / count : sum});
    }
    endResetModel();
}

void UsageSeriesModel::setQuota(std::optional<double> quota)
{
    if (quota == m_quota)
        return;
    m_quota = quota;
    if (!m_hours.isEmpty())
        Q_EMIT dataChanged(index(0, QuotaColumn), index(rowCount() - 1, UtilisationColumn));
}

QList<QPointF> UsageSeriesModel::points() const
{
    QList<QPointF> result;
    result.reserve(m_hours.size());
    for (const Hour& hour : m_hours)
        result.append(QPointF(double(hour.at.toMSecsSinceEpoch()), hour.value));
    return result;
}

std::optional<double> UsageSeriesModel::peak() const
{
    if (m_hours.isEmpty())
        return std::nullopt;
    return std::max_element(m_hours.cbegin(), m_hours.cend(), [](const Hour& a, const Hour& b) { return a.value < b.value; })->value;
}

std::optional<double> UsageSeriesModel::peakUtilisation() const
{
    const std::optional<double> highest = peak();
    if (!highest || !m_quota)
        return std::nullopt;
    return *highest / *m_quota * 100.0;
}

int UsageSeriesModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_hours.size());
}

int UsageSeriesModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant UsageSeriesModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Hour& hour = m_hours.at(index.row());
    const std::optional<double> utilisation = m_quota ? std::optional(hour.value / *m_quota * 100.0) : std::nullopt;
    switch (role) {
    case TimeRole: return hour.at;
    case ValueRole: return hour.value;
    case QuotaRole: return m_quota ? QVariant(*m_quota) : QVariant();
    case UtilisationRole: return utilisation ? QVariant(*utilisation) : QVariant();
    case Qt::TextAlignmentRole:
        return index.column() == TimeColumn ? QVariant() : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::DisplayRole: {
        const QLocale locale;
        switch (Column(index.column())) {
        case TimeColumn: return hour.at.toString(u"yyyy-MM-dd HH:mm"_s);
        case ValueColumn: return locale.toString(hour.value, 'f', 2);
        case QuotaColumn:
            // An error-rate threshold may have decimals ("0.5"); the other quotas are whole numbers.
            return m_quota ? locale.toString(*m_quota, 'f', *m_quota == std::trunc(*m_quota) ? 0 : 2) : QString();
        case UtilisationColumn: return utilisation ? tr("%1 %").arg(locale.toString(*utilisation, 'f', 1)) : QString();
        case ColumnCount: break;
        }
        return {};
    }
    default:
        return {};
    }
}

QVariant UsageSeriesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case TimeColumn: return tr("Hour (UTC)");
    case ValueColumn: return usageMetricTitle(m_metric);
    case QuotaColumn: return tr("Quota");
    case UtilisationColumn: return tr("Of quota");
    case ColumnCount: break;
    }
    return {};
}

QHash<int, QByteArray> UsageSeriesModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(TimeRole, "time");
    names.insert(ValueRole, "value");
    names.insert(QuotaRole, "quota");
    names.insert(UtilisationRole, "utilisation");
    return names;
}

} // namespace TenantDesk
