#include "BudgetModel.h"

#include "BillingMoney.h"
#include "Decimal.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QLocale>
#include <QMap>
#include <algorithm>

namespace TenantDesk {

using namespace Qt::StringLiterals;

BudgetModel::BudgetModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

BudgetModel::~BudgetModel() = default;

void BudgetModel::setData(const QList<TenantBudget>& budgets, const QList<BillingTotalsRow>& totals, const QString& month)
{
    beginResetModel();
    m_month = month;
    m_rows.clear();
    QMap<TenantId, DecimalSum> costs;
    QMap<TenantId, QString> currencies;
    for (const BillingTotalsRow& row : totals) {
        if (row.month != month || row.tenantId == 0)
            continue;
        const auto budget = std::find_if(budgets.cbegin(), budgets.cend(),
                                         [&row](const TenantBudget& b) { return b.tenantId == row.tenantId; });
        // A budget is in one currency: cost in another is not compared with it.
        if (budget != budgets.cend() && budget->currency != row.billingCurrency)
            continue;
        costs[row.tenantId].add(row.billedCost);
        currencies.insert(row.tenantId, row.billingCurrency);
    }
    for (const TenantBudget& budget : budgets) {
        Row row;
        row.tenantId = budget.tenantId;
        row.budget = budget.amount;
        row.currency = budget.currency;
        row.cost = costs.value(budget.tenantId).text();
        m_rows.append(row);
    }
    for (auto it = costs.cbegin(); it != costs.cend(); ++it) {
        if (rowOf(it.key()) >= 0)
            continue;
        Row row;
        row.tenantId = it.key();
        row.currency = currencies.value(it.key());
        row.cost = it->text();
        m_rows.append(row);
    }
    // The most used first: what needs a look.
    std::stable_sort(m_rows.begin(), m_rows.end(), [this](const Row& a, const Row& b) {
        const double x = percentUsed(a).value_or(-1);
        const double y = percentUsed(b).value_or(-1);
        if (x != y)
            return x > y;
        return BillingMoney::toDouble(a.cost) > BillingMoney::toDouble(b.cost);
    });
    endResetModel();
}

void BudgetModel::setTenantNames(const QHash<TenantId, QString>& names)
{
    m_names = names;
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, TenantColumn), index(int(m_rows.size()) - 1, TenantColumn));
}

TenantBudget BudgetModel::budget(int row) const
{
    if (row < 0 || row >= m_rows.size())
        return {};
    return TenantBudget{m_rows.at(row).tenantId, m_rows.at(row).budget, m_rows.at(row).currency};
}

int BudgetModel::rowOf(TenantId id) const
{
    for (int row = 0; row < m_rows.size(); ++row)
        if (m_rows.at(row).tenantId == id)
            return row;
    return -1;
}

void BudgetModel::budgetSaved(const TenantBudget& budget)
{
    const int row = rowOf(budget.tenantId);
    if (row < 0)
        return;
    Row& entry = m_rows[row];
    entry.budget = budget.amount;
    if (!budget.currency.isEmpty())
        entry.currency = budget.currency;
    entry.pending = false;
    entry.previousBudget.clear();
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void BudgetModel::budgetFailed(TenantId tenantId)
{
    const int row = rowOf(tenantId);
    if (row < 0)
        return;
    Row& entry = m_rows[row];
    entry.budget = entry.previousBudget;
    entry.pending = false;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

std::optional<double> BudgetModel::percentUsed(const Row& row) const
{
    const double budget = BillingMoney::toDouble(row.budget);
    if (row.budget.isEmpty() || budget <= 0)
        return std::nullopt;
    return BillingMoney::toDouble(row.cost) / budget * 100.0;
}

int BudgetModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int BudgetModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant BudgetModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows.at(index.row());
    const std::optional<double> used = percentUsed(row);
    switch (role) {
    case TenantIdRole: return row.tenantId;
    case PercentUsedRole: return used ? QVariant(*used) : QVariant();
    case ExactAmountRole:
        return index.column() == BudgetColumn ? QVariant(row.budget) : index.column() == CostColumn ? QVariant(row.cost) : QVariant();
    case SortRole:
        switch (index.column()) {
        case TenantColumn: return data(index, Qt::DisplayRole);
        case BudgetColumn: return BillingMoney::toDouble(row.budget);
        case CurrencyColumn: return row.currency;
        case CostColumn: return BillingMoney::toDouble(row.cost);
        case UsedColumn: return used.value_or(-1);
        }
        return {};
    case Qt::TextAlignmentRole:
        return index.column() == TenantColumn || index.column() == CurrencyColumn ? QVariant() : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::FontRole:
        if (index.column() == BudgetColumn && row.pending) {
            QFont font;
            font.setItalic(true);
            return font;
        }
        return {};
    case Qt::ForegroundRole:
        if (index.column() == UsedColumn && used && *used > 100.0)
            return QBrush(QColor(0xb0, 0x00, 0x20));
        if (index.column() == BudgetColumn && row.budget.isEmpty())
            return QBrush(Qt::gray);
        return {};
    case Qt::ToolTipRole:
        if (index.column() == BudgetColumn)
            return row.pending ? tr("Saving…") : tr("Double-click or press F2 to set the monthly budget; empty removes it");
        if (index.column() == CostColumn)
            return tr("%1 %2, exactly, in %3").arg(row.cost, row.currency, m_month);
        return {};
    case Qt::EditRole:
        return index.column() == BudgetColumn ? QVariant(row.budget) : QVariant();
    case Qt::DisplayRole:
        switch (index.column()) {
        case TenantColumn: return m_names.value(row.tenantId, tr("Tenant %1").arg(row.tenantId));
        case BudgetColumn: return row.budget.isEmpty() ? tr("none") : BillingMoney::format(row.budget, QString());
        case CurrencyColumn: return row.currency;
        case CostColumn: return BillingMoney::format(row.cost, QString());
        case UsedColumn: return used ? QString(QLocale().toString(*used, 'f', 1) + u" %"_s) : QString();
        }
        return {};
    }
    return {};
}

bool BudgetModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (role != Qt::EditRole || index.column() != BudgetColumn
        || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    QString amount = value.toString().trimmed();
    // What a person types: "1 200", "1,200.50" (group separators of the locale), never a comma point.
    amount.remove(QLocale().groupSeparator());
    amount.remove(u' ');
    if (!amount.isEmpty() && !BillingMoney::isDecimal(amount)) {
        Q_EMIT invalidBudget(tr("“%1” is not an amount: type digits with a point, e.g. 1200.50.").arg(value.toString()));
        return false;
    }
    if (amount.startsWith(u'-')) {
        Q_EMIT invalidBudget(tr("A budget cannot be negative."));
        return false;
    }
    Row& row = m_rows[index.row()];
    if (amount == row.budget)
        return true;
    row.previousBudget = row.budget;
    row.budget = amount;
    row.pending = true;
    Q_EMIT dataChanged(this->index(index.row(), 0), this->index(index.row(), ColumnCount - 1));
    Q_EMIT budgetEdited(TenantBudget{row.tenantId, amount, row.currency});
    return true;
}

QVariant BudgetModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TenantColumn: return tr("Tenant");
    case BudgetColumn: return tr("Monthly budget");
    case CurrencyColumn: return tr("Currency");
    case CostColumn: return m_month.isEmpty() ? tr("Cost") : tr("Cost in %1").arg(m_month);
    case UsedColumn: return tr("Used");
    }
    return {};
}

Qt::ItemFlags BudgetModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
    if (index.column() == BudgetColumn)
        flags |= Qt::ItemIsEditable;
    return flags;
}

QHash<int, QByteArray> BudgetModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(TenantIdRole, "tenantId");
    names.insert(ExactAmountRole, "exactAmount");
    names.insert(PercentUsedRole, "percentUsed");
    names.insert(SortRole, "sortValue");
    return names;
}

} // namespace TenantDesk
