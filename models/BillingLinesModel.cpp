#include "BillingLinesModel.h"

#include "Async.h"
#include "BillingMoney.h"

#include <QJsonDocument>
#include <QLocale>
#include <algorithm>

namespace TenantDesk {

using namespace Qt::StringLiterals;

BillingLinesModel::BillingLinesModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

BillingLinesModel::~BillingLinesModel() = default;

void BillingLinesModel::setStore(Store* store)
{
    beginResetModel();
    ++m_generation;
    m_store = store;
    m_active = false;
    m_lines.clear();
    m_nextCursor.clear();
    m_complete = true;
    resetSums();
    endResetModel();
    setLoading(false);
    setErrorMessage({});
}

void BillingLinesModel::setPageSize(int size)
{
    m_pageSize = std::clamp(size, 1, maximumPageSize);
}

void BillingLinesModel::setQuery(const BillingLineQuery& query)
{
    const bool wasLoading = m_loading;
    beginResetModel();
    ++m_generation; // answers to the previous query are stale from now on
    m_query = query;
    m_query.cursor.clear();
    m_active = m_store != nullptr;
    m_lines.clear();
    m_nextCursor.clear();
    m_complete = !m_active;
    m_loading = m_active; // so that a view reacting to the reset asks for nothing more
    resetSums();
    endResetModel();
    if (m_loading != wasLoading)
        Q_EMIT loadingChanged(m_loading);
    setErrorMessage({});
    if (m_active)
        requestPage();
}

void BillingLinesModel::reload()
{
    setQuery(m_query);
}

void BillingLinesModel::clear()
{
    beginResetModel();
    ++m_generation;
    m_active = false;
    m_lines.clear();
    m_nextCursor.clear();
    m_complete = true;
    resetSums();
    endResetModel();
    setLoading(false);
    setErrorMessage({});
}

void BillingLinesModel::setTenantNames(const QHash<TenantId, QString>& names)
{
    m_names = names;
    if (!m_lines.isEmpty())
        Q_EMIT dataChanged(index(0, TenantColumn), index(int(m_lines.size()) - 1, TenantColumn));
}

void BillingLinesModel::resetSums()
{
    m_billed = DecimalSum();
    m_effective = DecimalSum();
}

BillingLine BillingLinesModel::line(int row) const
{
    return row >= 0 && row < m_lines.size() ? m_lines.at(row) : BillingLine();
}

void BillingLinesModel::retry()
{
    if (!m_active || !hasError() || m_loading)
        return;
    setLoading(true);
    setErrorMessage({});
    requestPage();
}

void BillingLinesModel::setLoading(bool loading)
{
    if (loading == m_loading)
        return;
    m_loading = loading;
    Q_EMIT loadingChanged(loading);
}

void BillingLinesModel::setErrorMessage(const QString& message)
{
    if (message == m_errorMessage)
        return;
    m_errorMessage = message;
    Q_EMIT errorMessageChanged(message);
}

void BillingLinesModel::requestPage()
{
    BillingLineQuery query = m_query;
    query.limit = m_pageSize;
    query.cursor = m_nextCursor;
    const quint64 generation = m_generation;
    whenReady(m_store->billingLines(query), this,
        [this, generation](const Page<BillingLine>& page) {
            if (generation != m_generation)
                return;
            if (!page.items.isEmpty()) {
                const int first = int(m_lines.size());
                beginInsertRows({}, first, first + int(page.items.size()) - 1);
                m_lines.append(page.items);
                for (const BillingLine& line : page.items) {
                    m_billed.add(line.billedCost);
                    m_effective.add(line.effectiveCost);
                }
                endInsertRows();
            }
            m_nextCursor = page.nextCursor;
            m_complete = page.isLast();
            setLoading(false);
            Q_EMIT pageLoaded(int(page.items.size()));
        },
        [this, generation](const StoreError& error) {
            if (generation != m_generation)
                return;
            setLoading(false); // retry() asks for the same page
            setErrorMessage(error.message());
            Q_EMIT loadFailed(error.message());
        });
}

int BillingLinesModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_lines.size());
}

int BillingLinesModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant BillingLinesModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const BillingLine& line = m_lines.at(index.row());
    const int column = index.column();
    switch (role) {
    case LineIdRole: return line.id;
    case TenantIdRole: return line.tenantId;
    case SharedRole: return line.shared;
    case ImportIdRole: return line.importId;
    case ExactAmountRole:
        return column == BilledCostColumn ? QVariant(line.billedCost)
             : column == EffectiveCostColumn ? QVariant(line.effectiveCost) : QVariant();
    case Qt::TextAlignmentRole:
        return column == BilledCostColumn || column == EffectiveCostColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::ToolTipRole:
        switch (column) {
        case BilledCostColumn: return tr("%1 %2, exactly").arg(line.billedCost, line.billingCurrency);
        case EffectiveCostColumn: return tr("%1 %2, exactly").arg(line.effectiveCost, line.billingCurrency);
        case ChargeStartColumn:
            return tr("%1 to %2 (UTC)").arg(line.chargePeriodStart.toUTC().toString(Qt::ISODate),
                                            line.chargePeriodEnd.toUTC().toString(Qt::ISODate));
        case SubAccountColumn: return tr("%1 (%2)").arg(line.subAccountName, line.subAccountId);
        case TagsColumn:
        case ResourceColumn: return data(index, Qt::DisplayRole);
        case TenantColumn:
            return line.shared ? tr("A shared cost, spread over tenants by the attribution rules") : QVariant();
        }
        return {};
    case Qt::DisplayRole:
        switch (column) {
        case ChargeStartColumn: return line.chargePeriodStart.toUTC().toString(u"yyyy-MM-dd HH:mm"_s);
        case ServiceColumn: return line.serviceName;
        case CategoryColumn: return line.serviceCategory;
        case ChargeCategoryColumn: return line.chargeCategory;
        case SubAccountColumn: return line.subAccountName.isEmpty() ? line.subAccountId : line.subAccountName;
        case ResourceColumn: return line.resourceId;
        case RegionColumn: return line.regionId;
        case BilledCostColumn: return BillingMoney::format(line.billedCost, QString(), QLocale(), 6);
        case EffectiveCostColumn: return BillingMoney::format(line.effectiveCost, QString(), QLocale(), 6);
        case CurrencyColumn: return line.billingCurrency;
        case TenantColumn:
            if (line.shared)
                return tr("Shared");
            if (line.tenantId == 0)
                return tr("Unallocated");
            return m_names.value(line.tenantId, tr("Tenant %1").arg(line.tenantId));
        case TagsColumn:
            return line.tags.isEmpty() ? QString() : QString::fromUtf8(QJsonDocument(line.tags).toJson(QJsonDocument::Compact));
        }
        return {};
    }
    return {};
}

QVariant BillingLinesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case ChargeStartColumn: return tr("Charge start (UTC)");
    case ServiceColumn: return tr("Service");
    case CategoryColumn: return tr("Service category");
    case ChargeCategoryColumn: return tr("Charge");
    case SubAccountColumn: return tr("Sub-account");
    case ResourceColumn: return tr("Resource");
    case RegionColumn: return tr("Region");
    case BilledCostColumn: return tr("Billed cost");
    case EffectiveCostColumn: return tr("Effective cost");
    case CurrencyColumn: return tr("Currency");
    case TenantColumn: return tr("Tenant");
    case TagsColumn: return tr("Tags");
    }
    return {};
}

Qt::ItemFlags BillingLinesModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
}

bool BillingLinesModel::canFetchMore(const QModelIndex& parent) const
{
    return !parent.isValid() && m_store && m_active && !m_loading && !m_complete && !hasError();
}

void BillingLinesModel::fetchMore(const QModelIndex& parent)
{
    if (!canFetchMore(parent))
        return;
    setLoading(true);
    requestPage();
}

QHash<int, QByteArray> BillingLinesModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(LineIdRole, "lineId");
    names.insert(TenantIdRole, "tenantId");
    names.insert(ExactAmountRole, "exactAmount");
    names.insert(SharedRole, "shared");
    names.insert(ImportIdRole, "importId");
    return names;
}

} // namespace TenantDesk
