#include "UsageComparisonModel.h"

#include "Async.h"
#include "UsageSeriesModel.h"

#include <QLocale>
#include <QTimeZone>

#include <memory>

namespace TenantDesk {

using namespace Qt::StringLiterals;

UsageComparisonModel::UsageComparisonModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

UsageComparisonModel::~UsageComparisonModel() = default;

QList<std::pair<QDateTime, QDateTime>> UsageComparisonModel::monthsOf(const QDateTime& from, const QDateTime& to)
{
    QList<std::pair<QDateTime, QDateTime>> months;
    if (!from.isValid() || !to.isValid() || from >= to)
        return months;
    QDateTime start = from.toUTC();
    const QDateTime end = to.toUTC();
    while (start < end) {
        const QDate first(start.date().year(), start.date().month(), 1);
        const QDateTime next(first.addMonths(1), QTime(0, 0), QTimeZone::utc());
        months.append({start, std::min(next, end)});
        start = next;
    }
    return months;
}

void UsageComparisonModel::load(UsageMetric metric, const QDateTime& from, const QDateTime& to, int limit)
{
    m_metric = metric;
    m_from = from;
    m_to = to;
    m_limit = limit;
    reload();
}

void UsageComparisonModel::fail(quint64 generation, const QString& message)
{
    if (generation != m_generation)
        return;
    ++m_generation; // the other answers of this load no longer count
    m_errorMessage = message;
    m_loading = false;
    Q_EMIT loadingChanged(false);
    Q_EMIT loadFailed(message);
}

void UsageComparisonModel::reload()
{
    if (!m_store)
        return;
    const quint64 generation = ++m_generation;
    m_errorMessage.clear();
    if (!m_loading) {
        m_loading = true;
        Q_EMIT loadingChanged(true);
    }
    const QList<std::pair<QDateTime, QDateTime>> months = monthsOf(m_from, m_to);
    QStringList labels;
    const QLocale locale;
    for (const auto& month : months)
        labels << locale.toString(month.first.date(), u"MMM yyyy"_s);

    UsageTotalsQuery top{m_metric, m_from, m_to, m_limit, -1};
    whenReady(m_store->usageTotals(top), this, [this, generation, months, labels](const QList<UsageTotal>& totals) {
        if (generation != m_generation)
            return;
        struct Gathering {
            QList<Row> rows;
            qsizetype waiting = 0;
        };
        auto gathering = std::make_shared<Gathering>();
        for (const UsageTotal& total : totals)
            gathering->rows.append(Row{total.tenantId, u"#"_s + QString::number(total.tenantId),
                                       QList<double>(months.size(), 0.0), total.total});
        gathering->waiting = totals.isEmpty() ? 0 : months.size() + totals.size();
        const auto done = [this, generation, gathering, labels]() {
            if (generation != m_generation || --gathering->waiting > 0)
                return;
            setComparison(m_metric, labels, gathering->rows);
            m_loading = false;
            Q_EMIT loadingChanged(false);
            Q_EMIT loaded();
        };
        if (totals.isEmpty()) {
            ++gathering->waiting;
            done();
            return;
        }
        for (qsizetype i = 0; i < months.size(); ++i) {
            const UsageTotalsQuery month{m_metric, months.at(i).first, months.at(i).second, maximumPageSize, -1};
            whenReady(m_store->usageTotals(month), this, [gathering, done, i](const QList<UsageTotal>& monthTotals) {
                for (const UsageTotal& t : monthTotals) {
                    for (Row& row : gathering->rows) {
                        if (row.tenantId == t.tenantId)
                            row.periods[i] = t.total;
                    }
                }
                done();
            }, [this, generation](const StoreError& error) { fail(generation, error.message()); });
        }
        for (qsizetype j = 0; j < totals.size(); ++j) {
            whenReady(m_store->tenant(totals.at(j).tenantId), this, [gathering, done, j](const Tenant& tenant) {
                gathering->rows[j].name = tenant.displayName;
                done();
            }, [done](const StoreError&) { done(); }); // the tenant went away meanwhile: shown by its id
        }
    }, [this, generation](const StoreError& error) { fail(generation, error.message()); });
}

void UsageComparisonModel::setComparison(UsageMetric metric, const QStringList& periodLabels, const QList<Row>& rows)
{
    beginResetModel();
    m_metric = metric;
    m_periodLabels = periodLabels;
    m_rows = rows;
    endResetModel();
}

int UsageComparisonModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int UsageComparisonModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : periodCount() + 2;
}

QVariant UsageComparisonModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& r = m_rows.at(index.row());
    const int column = index.column();
    const bool isValue = column > 0;
    const double value = column == totalColumn() ? r.total : isValue ? r.periods.value(column - 1) : 0.0;
    switch (role) {
    case TenantIdRole: return r.tenantId;
    case ValueRole: return isValue ? QVariant(value) : QVariant();
    case Qt::DisplayRole:
        if (!isValue)
            return r.name;
        return QLocale().toString(value, 'f', 2);
    case Qt::TextAlignmentRole:
        return isValue ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    default:
        return {};
    }
}

QVariant UsageComparisonModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= columnCount())
        return QAbstractTableModel::headerData(section, orientation, role);
    if (section == 0)
        return tr("Tenant");
    if (section == totalColumn())
        return tr("Whole range");
    return m_periodLabels.at(section - 1);
}

QHash<int, QByteArray> UsageComparisonModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(TenantIdRole, "tenantId");
    names.insert(ValueRole, "value");
    return names;
}

} // namespace TenantDesk
