#include "RoleListModel.h"

#include "Async.h"

#include <QFont>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace TenantDesk {

QString roleScopeDisplayName(RoleScope scope)
{
    switch (scope) {
    case RoleScope::Platform: return QCoreApplication::translate("RoleListModel", "Platform");
    case RoleScope::Tenant: return QCoreApplication::translate("RoleListModel", "Tenant");
    case RoleScope::Environment: return QCoreApplication::translate("RoleListModel", "Environment");
    }
    return {};
}

RoleListModel::RoleListModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

RoleListModel::~RoleListModel() = default;

void RoleListModel::setStore(Store* store)
{
    ++m_generation;
    m_store = store;
    m_loading = false;
    m_errorMessage.clear();
    m_ownerSlugs.clear();
    beginResetModel();
    m_roles.clear();
    endResetModel();
}

void RoleListModel::setTenant(TenantId tenantId)
{
    m_tenantId = tenantId;
    reload();
}

void RoleListModel::reload()
{
    if (!m_store)
        return;
    const quint64 generation = ++m_generation;
    m_loading = true;
    m_errorMessage.clear();
    whenReady(m_store->roles(m_tenantId), this, [this, generation](QList<TenantDesk::Role> roles) {
        if (generation != m_generation)
            return;
        std::stable_sort(roles.begin(), roles.end(), [](const TenantDesk::Role& a, const TenantDesk::Role& b) {
            if (a.builtIn != b.builtIn)
                return a.builtIn;
            return a.name.localeAwareCompare(b.name) < 0;
        });
        m_loading = false;
        beginResetModel();
        m_roles = roles;
        endResetModel();
        Q_EMIT loaded();
    }, [this, generation](const StoreError& error) {
        if (generation != m_generation)
            return;
        m_loading = false;
        m_errorMessage = error.message();
        beginResetModel();
        m_roles.clear();
        endResetModel();
        Q_EMIT loadFailed(m_errorMessage);
    });
}

void RoleListModel::setOwnerSlugs(const QHash<TenantId, QString>& slugs)
{
    m_ownerSlugs = slugs;
    if (!m_roles.isEmpty())
        Q_EMIT dataChanged(index(0, OwnerColumn), index(rowCount() - 1, OwnerColumn), {Qt::DisplayRole});
}

TenantDesk::Role RoleListModel::role(int row) const
{
    return row >= 0 && row < m_roles.size() ? m_roles.at(row) : TenantDesk::Role{};
}

int RoleListModel::rowOf(RoleId id) const
{
    for (int row = 0; row < m_roles.size(); ++row) {
        if (m_roles.at(row).id == id)
            return row;
    }
    return -1;
}

int RoleListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_roles.size());
}

int RoleListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString RoleListModel::ownerText(const TenantDesk::Role& role) const
{
    if (role.builtIn || role.tenantId == 0)
        return tr("Built in");
    return m_ownerSlugs.value(role.tenantId, tr("tenant %1").arg(role.tenantId));
}

QVariant RoleListModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.model() != this || index.row() >= m_roles.size())
        return {};
    const TenantDesk::Role& r = m_roles.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn: return r.name;
        case ScopeColumn: return roleScopeDisplayName(r.scope);
        case OwnerColumn: return ownerText(r);
        }
        return {};
    case Qt::ToolTipRole:
        return r.description.isEmpty() ? QVariant() : QVariant(r.description);
    case Qt::FontRole:
        if (index.column() == NameColumn && r.builtIn) {
            QFont font;
            font.setItalic(true);
            return font;
        }
        return {};
    case RoleIdRole: return r.id;
    case IsBuiltInRole: return r.builtIn;
    case OwnerTenantIdRole: return r.tenantId;
    default: return {};
    }
}

QVariant RoleListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn: return tr("Role");
    case ScopeColumn: return tr("Scope");
    case OwnerColumn: return tr("Owner");
    }
    return {};
}

QHash<int, QByteArray> RoleListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(RoleIdRole, "roleId");
    names.insert(IsBuiltInRole, "builtIn");
    names.insert(OwnerTenantIdRole, "ownerTenantId");
    return names;
}

} // namespace TenantDesk
