#include "BillingTagValuesModel.h"

#include "BillingMoney.h"

#include <QFont>
#include <QLocale>

#include <algorithm>
#include <map>

namespace TenantDesk {

using namespace Qt::StringLiterals;

BillingTagValuesModel::BillingTagValuesModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

BillingTagValuesModel::~BillingTagValuesModel() = default;

void BillingTagValuesModel::setValues(const QList<BillingTagValue>& rows)
{
    std::map<QString, Row> byValue;
    for (const BillingTagValue& value : rows) {
        Row& row = byValue[value.value];
        row.value = value.value;
        row.lines += value.lineCount;
        auto cost = std::find_if(row.costs.begin(), row.costs.end(),
                                 [&](const auto& entry) { return entry.first == value.billingCurrency; });
        if (cost == row.costs.end()) {
            row.costs.append({value.billingCurrency, DecimalSum()});
            cost = row.costs.end() - 1;
        }
        cost->second.add(value.billedCost);
        if (const std::optional<Decimal> amount = Decimal::parse(value.billedCost))
            row.total += *amount;
        if (!row.tenants.contains(value.tenantId))
            row.tenants.append(value.tenantId);
        row.shared = row.shared || value.shared;
    }
    beginResetModel();
    m_rows.clear();
    for (auto& [value, row] : byValue) {
        std::sort(row.costs.begin(), row.costs.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        std::sort(row.tenants.begin(), row.tenants.end());
        m_rows.append(std::move(row));
    }
    std::stable_sort(m_rows.begin(), m_rows.end(), [](const Row& a, const Row& b) { return a.total > b.total; });
    endResetModel();
}

void BillingTagValuesModel::learnTenant(TenantId id, const QString& slug)
{
    m_slugs.insert(id, slug);
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, AttributedColumn), index(int(m_rows.size()) - 1, AttributedColumn));
}

QList<TenantId> BillingTagValuesModel::unnamedTenants() const
{
    QList<TenantId> ids;
    for (const Row& row : m_rows)
        for (TenantId id : row.tenants)
            if (id != 0 && !m_slugs.contains(id) && !ids.contains(id))
                ids.append(id);
    return ids;
}

void BillingTagValuesModel::setMappedValues(const QHash<QString, QString>& mapped)
{
    m_mapped = mapped;
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
}

QString BillingTagValuesModel::valueAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).value : QString();
}

QString BillingTagValuesModel::costAt(int row, const QString& currency) const
{
    if (row < 0 || row >= m_rows.size())
        return u"0"_s;
    for (const auto& [code, sum] : m_rows.at(row).costs)
        if (code == currency)
            return sum.text();
    return u"0"_s;
}

qint64 BillingTagValuesModel::totalLines() const
{
    qint64 lines = 0;
    for (const Row& row : m_rows)
        lines += row.lines;
    return lines;
}

QString BillingTagValuesModel::costText(const Row& row) const
{
    QStringList parts;
    const QLocale locale;
    for (const auto& [currency, sum] : row.costs) {
        // Small amounts (a FOCUS sample's cost per value is often below a cent) keep six decimals.
        const Decimal value = sum.value();
        const bool small = value > Decimal::fromUnits(-Decimal::Units(1000000000000000000LL))
            && value < Decimal::fromUnits(Decimal::Units(1000000000000000000LL));
        parts.append(BillingMoney::format(sum.text(), currency, locale, small && !value.isZero() ? 6 : 2));
    }
    return parts.join(u"; "_s);
}

QString BillingTagValuesModel::attributedText(const Row& row) const
{
    QStringList names;
    for (TenantId id : row.tenants) {
        if (id == 0)
            names.append(row.shared ? tr("Shared or unallocated") : tr("Unallocated"));
        else
            names.append(m_slugs.value(id, tr("Tenant %1").arg(id)));
    }
    return names.join(u", "_s);
}

int BillingTagValuesModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int BillingTagValuesModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant BillingTagValuesModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows.at(index.row());
    const auto mapped = m_mapped.constFind(row.value);
    switch (role) {
    case ValueRole: return row.value;
    case MappedRole: return mapped != m_mapped.cend();
    case ExactCostRole: {
        QStringList parts;
        for (const auto& [currency, sum] : row.costs)
            parts.append(sum.text() + u' ' + currency);
        return parts.join(u"; "_s);
    }
    case SortRole:
        switch (index.column()) {
        case LinesColumn: return row.lines;
        case CostColumn: return BillingMoney::toDouble(row.total.text()); // ordering only
        default: return data(index, Qt::DisplayRole);
        }
    case Qt::TextAlignmentRole:
        return index.column() == LinesColumn || index.column() == CostColumn
                   ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::FontRole:
        if (mapped != m_mapped.cend() && index.column() == ValueColumn) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == CostColumn)
            return data(index, ExactCostRole);
        if (mapped != m_mapped.cend())
            return tr("Mapped to %1 by the rules being edited").arg(*mapped);
        return {};
    case Qt::AccessibleTextRole:
    case Qt::DisplayRole:
        switch (index.column()) {
        case ValueColumn:
            return mapped != m_mapped.cend() && role == Qt::DisplayRole ? QString(u"✓ "_s + row.value) : row.value;
        case LinesColumn: return QLocale().toString(row.lines);
        case CostColumn: return costText(row);
        case AttributedColumn: return attributedText(row);
        case MappedColumn: return mapped != m_mapped.cend() ? *mapped : QString();
        }
        return {};
    }
    return {};
}

QVariant BillingTagValuesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case ValueColumn: return tr("Value");
    case LinesColumn: return tr("Lines");
    case CostColumn: return tr("Billed cost");
    case AttributedColumn: return tr("Attributed to now");
    case MappedColumn: return tr("Mapped to");
    }
    return {};
}

QHash<int, QByteArray> BillingTagValuesModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(ValueRole, "value");
    names.insert(SortRole, "sort");
    names.insert(MappedRole, "mapped");
    names.insert(ExactCostRole, "exactCost");
    return names;
}

} // namespace TenantDesk
