#include "AttributionRulesModel.h"

#include <QBrush>
#include <QColor>

namespace TenantDesk {

using namespace Qt::StringLiterals;

AttributionRulesModel::AttributionRulesModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

AttributionRulesModel::~AttributionRulesModel() = default;

QString AttributionRulesModel::sourceName(AttributionSource source)
{
    switch (source) {
    case AttributionSource::Tag: return tr("Tag");
    case AttributionSource::SubAccount: return tr("Sub-account");
    }
    return {};
}

void AttributionRulesModel::setMappings(const QList<AttributionMapping>& mappings)
{
    beginResetModel();
    m_rows.clear();
    for (const AttributionMapping& mapping : mappings)
        m_rows.append(Row{mapping, m_slugs.value(mapping.tenantId), false});
    endResetModel();
}

QList<TenantId> AttributionRulesModel::unnamedTenants() const
{
    QList<TenantId> ids;
    for (const Row& row : m_rows)
        if (row.slug.isEmpty() && row.mapping.tenantId != 0 && !ids.contains(row.mapping.tenantId))
            ids.append(row.mapping.tenantId);
    return ids;
}

QList<AttributionMapping> AttributionRulesModel::mappings() const
{
    QList<AttributionMapping> result;
    for (const Row& row : m_rows)
        result.append(row.mapping);
    return result;
}

QString AttributionRulesModel::problem(int index) const
{
    const Row& row = m_rows.at(index);
    if (row.mapping.source == AttributionSource::Tag && row.mapping.key.trimmed().isEmpty())
        return tr("Row %1: a tag mapping needs the tag key.").arg(index + 1);
    if (row.mapping.value.isEmpty())
        return tr("Row %1: the value to match is empty.").arg(index + 1);
    if (row.notFound)
        return tr("Row %1: no tenant has the slug “%2”.").arg(index + 1).arg(row.slug);
    if (row.mapping.tenantId == 0)
        return row.slug.isEmpty() ? tr("Row %1: choose the tenant.").arg(index + 1)
                                  : tr("Row %1: looking up “%2”…").arg(index + 1).arg(row.slug);
    return {};
}

QStringList AttributionRulesModel::problems() const
{
    QStringList result;
    for (int row = 0; row < m_rows.size(); ++row)
        if (const QString text = problem(row); !text.isEmpty())
            result.append(text);
    return result;
}

void AttributionRulesModel::learnTenant(TenantId id, const QString& slug)
{
    m_slugs.insert(id, slug);
    m_ids.insert(slug, id);
    for (int row = 0; row < m_rows.size(); ++row) {
        Row& entry = m_rows[row];
        const bool waiting = entry.mapping.tenantId == 0 && entry.slug == slug;
        const bool unnamed = entry.mapping.tenantId == id && entry.slug != slug;
        if (!waiting && !unnamed)
            continue;
        entry.mapping.tenantId = id;
        entry.slug = slug;
        entry.notFound = false;
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
    }
}

void AttributionRulesModel::tenantNotFound(const QString& slug)
{
    for (int row = 0; row < m_rows.size(); ++row) {
        Row& entry = m_rows[row];
        if (entry.mapping.tenantId != 0 || entry.slug != slug)
            continue;
        entry.notFound = true;
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
    }
}

int AttributionRulesModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int AttributionRulesModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AttributionRulesModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows.at(index.row());
    switch (role) {
    case TenantIdRole: return row.mapping.tenantId;
    case SourceRole: return int(row.mapping.source);
    case ProblemRole: return problem(index.row());
    case Qt::ToolTipRole: return problem(index.row());
    case Qt::ForegroundRole:
        if (index.column() == TenantColumn && (row.notFound || row.mapping.tenantId == 0))
            return QBrush(QColor(0xb0, 0x00, 0x20));
        if (index.column() == KeyColumn && row.mapping.source == AttributionSource::SubAccount)
            return QBrush(Qt::gray);
        return {};
    case Qt::DisplayRole:
    case Qt::EditRole:
        switch (index.column()) {
        case SourceColumn: return sourceName(row.mapping.source);
        case KeyColumn:
            return row.mapping.source == AttributionSource::SubAccount && role == Qt::DisplayRole
                       ? tr("(SubAccountId or name)") : row.mapping.key;
        case ValueColumn: return row.mapping.value;
        case TenantColumn:
            if (!row.slug.isEmpty())
                return row.slug;
            return row.mapping.tenantId != 0 ? QVariant(tr("Tenant %1").arg(row.mapping.tenantId)) : QVariant(QString());
        }
        return {};
    }
    return {};
}

bool AttributionRulesModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    Row& row = m_rows[index.row()];
    if (role == TenantIdRole && index.column() == TenantColumn) {
        row.mapping.tenantId = value.toLongLong();
        row.slug = m_slugs.value(row.mapping.tenantId);
        row.notFound = false;
    } else if (role == Qt::EditRole) {
        const QString text = value.toString().trimmed();
        switch (index.column()) {
        case SourceColumn:
            if (value.typeId() == QMetaType::Int)
                row.mapping.source = AttributionSource(value.toInt());
            else if (text == sourceName(AttributionSource::SubAccount) || text == u"sub-account"_s)
                row.mapping.source = AttributionSource::SubAccount;
            else if (text == sourceName(AttributionSource::Tag) || text == u"tag"_s)
                row.mapping.source = AttributionSource::Tag;
            else
                return false;
            if (row.mapping.source == AttributionSource::SubAccount)
                row.mapping.key.clear();
            break;
        case KeyColumn:
            if (row.mapping.source == AttributionSource::SubAccount)
                return false;
            row.mapping.key = text;
            break;
        case ValueColumn: row.mapping.value = value.toString(); break; // compared exactly
        case TenantColumn: {
            row.slug = text;
            row.notFound = false;
            const auto known = m_ids.constFind(text);
            row.mapping.tenantId = known == m_ids.cend() ? 0 : *known;
            if (row.mapping.tenantId == 0 && !text.isEmpty())
                Q_EMIT tenantLookupRequested(text);
            break;
        }
        default: return false;
        }
    } else {
        return false;
    }
    Q_EMIT dataChanged(this->index(index.row(), 0), this->index(index.row(), ColumnCount - 1));
    Q_EMIT edited();
    return true;
}

QVariant AttributionRulesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case SourceColumn: return tr("Source");
    case KeyColumn: return tr("Tag key");
    case ValueColumn: return tr("Value");
    case TenantColumn: return tr("Tenant (slug)");
    }
    return {};
}

Qt::ItemFlags AttributionRulesModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
    const bool keyless = index.column() == KeyColumn
                         && m_rows.at(index.row()).mapping.source == AttributionSource::SubAccount;
    if (!keyless)
        flags |= Qt::ItemIsEditable;
    return flags;
}

bool AttributionRulesModel::insertRows(int row, int count, const QModelIndex& parent)
{
    if (parent.isValid() || row < 0 || row > m_rows.size() || count < 1)
        return false;
    beginInsertRows(parent, row, row + count - 1);
    for (int i = 0; i < count; ++i) {
        Row entry;
        // A new row continues the one above: the same source and tag key, the usual case.
        if (row > 0) {
            entry.mapping.source = m_rows.at(row - 1).mapping.source;
            entry.mapping.key = m_rows.at(row - 1).mapping.key;
        }
        m_rows.insert(row + i, entry);
    }
    endInsertRows();
    Q_EMIT edited();
    return true;
}

bool AttributionRulesModel::removeRows(int row, int count, const QModelIndex& parent)
{
    if (parent.isValid() || row < 0 || count < 1 || row + count > m_rows.size())
        return false;
    beginRemoveRows(parent, row, row + count - 1);
    m_rows.remove(row, count);
    endRemoveRows();
    Q_EMIT edited();
    return true;
}

QHash<int, QByteArray> AttributionRulesModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(TenantIdRole, "tenantId");
    names.insert(SourceRole, "source");
    names.insert(ProblemRole, "problem");
    return names;
}

} // namespace TenantDesk
