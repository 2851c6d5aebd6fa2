#include "BillingTotalsModel.h"

#include "BillingMoney.h"

#include <QBrush>
#include <QColor>
#include <QDate>
#include <QFont>
#include <QLocale>
#include <QMap>
#include <algorithm>

namespace TenantDesk {

using namespace Qt::StringLiterals;

namespace {

// Every month from the first to the last, "2024-09" style.
QStringList monthRange(const QString& first, const QString& last)
{
    QStringList months;
    QDate month = QDate::fromString(first + u"-01"_s, u"yyyy-MM-dd"_s);
    const QDate end = QDate::fromString(last + u"-01"_s, u"yyyy-MM-dd"_s);
    if (!month.isValid() || !end.isValid())
        return {first};
    for (; month <= end && months.size() < 1200; month = month.addMonths(1))
        months.append(month.toString(u"yyyy-MM"_s));
    return months;
}

const QColor unallocatedColor(0xa8, 0x4b, 0x00);

} // namespace

BillingTotalsModel::BillingTotalsModel(QObject* parent)
    : QAbstractItemModel(parent)
{
}

BillingTotalsModel::~BillingTotalsModel() = default;

void BillingTotalsModel::setTotals(const QList<BillingTotalsRow>& rows, const BillingFilter& filter)
{
    beginResetModel();
    m_rows = rows;
    m_filter = filter;
    rebuild();
    endResetModel();
}

void BillingTotalsModel::clear()
{
    setTotals({}, {});
}

void BillingTotalsModel::setTenantNames(const QHash<TenantId, QString>& names)
{
    m_names = names;
    const int count = rowCount();
    if (count > 0)
        Q_EMIT dataChanged(index(0, NameColumn), index(count - 1, NameColumn));
}

QString BillingTotalsModel::tenantName(TenantId id) const
{
    if (id == 0)
        return tr("Unallocated");
    const QString name = m_names.value(id);
    return name.isEmpty() ? tr("Tenant %1").arg(id) : name;
}

void BillingTotalsModel::setCostKind(CostKind kind)
{
    if (kind == m_costKind)
        return;
    beginResetModel();
    m_costKind = kind;
    rebuild();
    endResetModel();
}

QString BillingTotalsModel::costOf(const BillingTotalsRow& row) const
{
    switch (m_costKind) {
    case CostKind::Billed: return row.billedCost;
    case CostKind::Effective: return row.effectiveCost;
    case CostKind::List: return row.listCost;
    }
    return row.billedCost;
}

void BillingTotalsModel::rebuild()
{
    m_groups.clear();
    m_months.clear();
    if (m_rows.isEmpty())
        return;
    QString first = m_rows.constFirst().month;
    QString last = first;
    for (const BillingTotalsRow& row : std::as_const(m_rows)) {
        first = std::min(first, row.month);
        last = std::max(last, row.month);
    }
    m_months = monthRange(first, last);
    const auto monthIndex = [this](const QString& month) { return int(m_months.indexOf(month)); };
    const auto emptyLine = [this](RowKind kind, TenantId tenantId, const QString& currency) {
        Line line;
        line.kind = kind;
        line.tenantId = tenantId;
        line.currency = currency;
        line.months.resize(m_months.size());
        line.monthLines.resize(m_months.size());
        return line;
    };
    const auto addTo = [](Line& line, int month, const QString& amount, qint64 lines) {
        if (month >= 0) {
            line.months[month].add(amount);
            line.monthLines[month] += lines;
        }
        line.total.add(amount);
        line.lines += lines;
    };

    // tenant × currency → service × shared
    QMap<std::pair<TenantId, QString>, Group> groups;
    QMap<std::pair<TenantId, QString>, QMap<std::pair<QString, bool>, Line>> services;
    QMap<QString, Line> totals;
    for (const BillingTotalsRow& row : std::as_const(m_rows)) {
        const QString amount = costOf(row).isEmpty() ? u"0"_s : costOf(row);
        const int month = monthIndex(row.month);
        const auto key = std::make_pair(row.tenantId, row.billingCurrency);
        auto group = groups.find(key);
        if (group == groups.end()) {
            Group created;
            created.line = emptyLine(RowKind::Tenant, row.tenantId, row.billingCurrency);
            group = groups.insert(key, created);
        }
        addTo(group->line, month, amount, row.lineCount);
        auto& byService = services[key];
        const auto serviceKey = std::make_pair(row.serviceName, row.shared);
        auto service = byService.find(serviceKey);
        if (service == byService.end()) {
            Line line = emptyLine(RowKind::Service, row.tenantId, row.billingCurrency);
            line.serviceName = row.serviceName;
            line.serviceCategory = row.serviceCategory;
            line.shared = row.shared;
            service = byService.insert(serviceKey, line);
        }
        addTo(*service, month, amount, row.lineCount);
        auto total = totals.find(row.billingCurrency);
        if (total == totals.end())
            total = totals.insert(row.billingCurrency, emptyLine(RowKind::Total, 0, row.billingCurrency));
        addTo(*total, month, amount, row.lineCount);
    }
    const auto larger = [](const Line& a, const Line& b) {
        const double x = BillingMoney::toDouble(a.total.text());
        const double y = BillingMoney::toDouble(b.total.text());
        return x != y ? x > y : a.serviceName < b.serviceName;
    };
    for (auto it = groups.begin(); it != groups.end(); ++it) {
        QList<Line> lines = services.value(it.key()).values();
        std::sort(lines.begin(), lines.end(), larger);
        it->services = lines;
        m_groups.append(*it);
    }
    // Unallocated first, so that it is never out of sight; then the largest.
    std::sort(m_groups.begin(), m_groups.end(), [&larger](const Group& a, const Group& b) {
        if ((a.line.tenantId == 0) != (b.line.tenantId == 0))
            return a.line.tenantId == 0;
        return larger(a.line, b.line);
    });
    for (const Line& total : std::as_const(totals))
        m_groups.append(Group{total, {}});
}

QStringList BillingTotalsModel::currencies() const
{
    QStringList result;
    for (const Group& group : m_groups)
        if (group.line.kind == RowKind::Total)
            result.append(group.line.currency);
    return result;
}

int BillingTotalsModel::monthColumn(const QString& month) const
{
    const qsizetype i = m_months.indexOf(month);
    return i < 0 ? -1 : FirstMonthColumn + int(i);
}

QModelIndex BillingTotalsModel::tenantIndex(TenantId id, const QString& currency) const
{
    for (int row = 0; row < m_groups.size(); ++row) {
        const Line& line = m_groups.at(row).line;
        if (line.kind == RowKind::Tenant && line.tenantId == id && (currency.isEmpty() || line.currency == currency))
            return index(row, NameColumn);
    }
    return {};
}

const BillingTotalsModel::Line* BillingTotalsModel::lineAt(const QModelIndex& index) const
{
    if (!index.isValid())
        return nullptr;
    if (index.internalId() == 0)
        return index.row() < m_groups.size() ? &m_groups.at(index.row()).line : nullptr;
    const int parentRow = int(index.internalId()) - 1;
    if (parentRow >= m_groups.size() || index.row() >= m_groups.at(parentRow).services.size())
        return nullptr;
    return &m_groups.at(parentRow).services.at(index.row());
}

QModelIndex BillingTotalsModel::index(int row, int column, const QModelIndex& parent) const
{
    if (row < 0 || column < 0 || column >= columnCount(parent) || row >= rowCount(parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, quintptr(0));
    return createIndex(row, column, quintptr(parent.row() + 1));
}

QModelIndex BillingTotalsModel::parent(const QModelIndex& child) const
{
    if (!child.isValid() || child.internalId() == 0)
        return {};
    return createIndex(int(child.internalId()) - 1, 0, quintptr(0));
}

int BillingTotalsModel::rowCount(const QModelIndex& parent) const
{
    if (!parent.isValid())
        return int(m_groups.size());
    if (parent.internalId() != 0 || parent.column() != 0 || parent.row() >= m_groups.size())
        return 0;
    return int(m_groups.at(parent.row()).services.size());
}

int BillingTotalsModel::columnCount(const QModelIndex&) const
{
    return changePercentColumn() + 1;
}

QString BillingTotalsModel::label(const Line& line) const
{
    switch (line.kind) {
    case RowKind::Tenant: return tenantName(line.tenantId);
    case RowKind::Service: {
        const QString name = line.serviceName.isEmpty() ? tr("(no service)") : line.serviceName;
        return line.shared ? tr("%1 (shared)").arg(name) : name;
    }
    case RowKind::Total: return tr("Total");
    }
    return {};
}

QVariant BillingTotalsModel::moneyData(const Line& line, int column, int role) const
{
    QString exact;
    qint64 lines = 0;
    if (column == totalColumn()) {
        exact = line.total.text();
        lines = line.lines;
    } else if (column >= FirstMonthColumn && column < totalColumn()) {
        const int month = column - FirstMonthColumn;
        exact = line.months.at(month).text();
        lines = line.monthLines.at(month);
    } else if (column == changeColumn() || column == changePercentColumn()) {
        if (m_months.size() < 2)
            return role == Qt::DisplayRole ? QVariant(u"—"_s) : QVariant();
        const QString latest = line.months.constLast().text();
        const QString previous = line.months.at(m_months.size() - 2).text();
        const QString change = BillingMoney::difference(latest, previous);
        const double before = BillingMoney::toDouble(previous);
        const double percent = before == 0 ? 0 : BillingMoney::toDouble(change) / std::abs(before) * 100.0;
        if (column == changeColumn()) {
            switch (role) {
            case Qt::DisplayRole: {
                const QString text = BillingMoney::format(change, line.currency);
                return BillingMoney::toDouble(change) > 0 ? QString(u'+' + text) : text;
            }
            case Qt::ToolTipRole:
                return tr("%1 in %2 against %3 in %4: %5 %6")
                    .arg(latest, m_months.constLast(), previous, m_months.at(m_months.size() - 2), change, line.currency);
            case ExactAmountRole: return change;
            case SortRole: return BillingMoney::toDouble(change);
            }
            return {};
        }
        switch (role) {
        case Qt::DisplayRole:
            if (before == 0)
                return u"—"_s;
            return QString((percent > 0 ? u"+"_s : QString()) + QLocale().toString(percent, 'f', 1) + u" %"_s);
        case Qt::ToolTipRole:
            return before == 0 ? tr("No cost in %1 to compare with").arg(m_months.at(m_months.size() - 2)) : QVariant();
        case SortRole: return before == 0 ? 0.0 : percent;
        }
        return {};
    } else {
        return {};
    }
    switch (role) {
    case Qt::DisplayRole: // a month without a line is left blank, so that the figures stand out
        return lines == 0 && BillingMoney::toDouble(exact) == 0 ? QString()
                                                                                          : BillingMoney::format(exact, line.currency);
    case Qt::ToolTipRole:
        return tr("%1 %2, exactly\n%n line(s)", nullptr, int(std::min<qint64>(lines, INT_MAX))).arg(exact, line.currency);
    case ExactAmountRole: return exact;
    case SortRole: return BillingMoney::toDouble(exact);
    case LineCountRole: return lines;
    }
    return {};
}

QVariant BillingTotalsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Line* line = lineAt(index);
    if (!line)
        return {};
    const int column = index.column();
    switch (role) {
    case TenantIdRole: return line->tenantId;
    case ServiceNameRole: return line->serviceName;
    case MonthRole:
        return column >= FirstMonthColumn && column < totalColumn() ? m_months.at(column - FirstMonthColumn) : QString();
    case CurrencyRole: return line->currency;
    case RowKindRole: return QVariant::fromValue(line->kind);
    case SharedRole: return line->shared;
    case Qt::TextAlignmentRole:
        return column >= FirstMonthColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::FontRole: {
        if (line->kind == RowKind::Service && !line->shared)
            return {};
        QFont font;
        font.setBold(line->kind == RowKind::Total || (line->kind == RowKind::Tenant && line->tenantId == 0));
        font.setItalic(line->shared);
        return font;
    }
    case Qt::ForegroundRole:
        return line->tenantId == 0 && line->kind != RowKind::Total ? QVariant(QBrush(unallocatedColor)) : QVariant();
    default: break;
    }
    if (column == NameColumn) {
        switch (role) {
        case Qt::DisplayRole: return label(*line);
        case SortRole: return label(*line);
        case Qt::ToolTipRole:
            if (line->shared)
                return tr("%1's share of the shared cost of %2, spread by the attribution rules")
                    .arg(tenantName(line->tenantId), line->serviceName);
            if (line->kind == RowKind::Tenant && line->tenantId == 0)
                return tr("Cost that no attribution rule gives to a tenant");
            if (line->kind == RowKind::Service && !line->serviceCategory.isEmpty())
                return tr("%1 (%2)").arg(line->serviceName, line->serviceCategory);
            return {};
        }
        return {};
    }
    if (column == CurrencyColumn)
        return role == Qt::DisplayRole || role == SortRole ? QVariant(line->currency) : QVariant();
    return moneyData(*line, column, role);
}

QVariant BillingTotalsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return QAbstractItemModel::headerData(section, orientation, role);
    if (role == MonthRole)
        return section >= FirstMonthColumn && section < totalColumn() ? m_months.at(section - FirstMonthColumn) : QString();
    if (role == Qt::ToolTipRole) {
        if (section == changeColumn() || section == changePercentColumn())
            return m_months.size() < 2 ? tr("Needs two months") : tr("%1 against %2").arg(m_months.constLast(), m_months.at(m_months.size() - 2));
        return {};
    }
    if (role != Qt::DisplayRole)
        return {};
    if (section == NameColumn)
        return tr("Tenant / service");
    if (section == CurrencyColumn)
        return tr("Currency");
    if (section == totalColumn())
        return tr("Total");
    if (section == changeColumn())
        return tr("Change");
    if (section == changePercentColumn())
        return tr("Change %");
    if (section >= FirstMonthColumn && section < totalColumn()) {
        const QDate month = QDate::fromString(m_months.at(section - FirstMonthColumn) + u"-01"_s, u"yyyy-MM-dd"_s);
        return month.isValid() ? QLocale().toString(month, u"MMM yyyy"_s) : m_months.at(section - FirstMonthColumn);
    }
    return {};
}

Qt::ItemFlags BillingTotalsModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    const Line* line = lineAt(index);
    Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (line && line->kind != RowKind::Tenant)
        flags |= Qt::ItemNeverHasChildren;
    return flags;
}

std::optional<BillingLineQuery> BillingTotalsModel::lineQuery(const QModelIndex& index) const
{
    const Line* line = lineAt(index);
    if (!line || index.column() < FirstMonthColumn)
        return std::nullopt;
    BillingLineQuery query;
    query.filter = m_filter;
    query.filter.billingCurrency = line->currency;
    if (index.column() >= FirstMonthColumn && index.column() < totalColumn())
        query.month = m_months.at(index.column() - FirstMonthColumn);
    else if (index.column() != totalColumn() && !m_months.isEmpty())
        query.month = m_months.constLast(); // the change: the latest month's lines
    if (line->kind != RowKind::Total && !line->shared)
        query.filter.tenantId = line->tenantId;
    if (line->kind == RowKind::Service) {
        query.filter.serviceName = line->serviceName;
        query.sharedOnly = line->shared;
    }
    return query;
}

QHash<int, QByteArray> BillingTotalsModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractItemModel::roleNames();
    names.insert(TenantIdRole, "tenantId");
    names.insert(ServiceNameRole, "serviceName");
    names.insert(MonthRole, "month");
    names.insert(CurrencyRole, "currency");
    names.insert(RowKindRole, "rowKind");
    names.insert(SharedRole, "shared");
    names.insert(ExactAmountRole, "exactAmount");
    names.insert(SortRole, "sortValue");
    names.insert(LineCountRole, "lineCount");
    return names;
}

} // namespace TenantDesk
