#include "PermissionMatrixModel.h"

#include "Permission.h"
#include "Policy.h"

#include <QBrush>
#include <QColor>

using namespace Qt::StringLiterals;

namespace TenantDesk {

namespace {

// The order the columns take; actions the platform adds later come after these.
const QStringList preferredActions{u"read"_s, u"create"_s, u"update"_s, u"write"_s, u"lifecycle"_s, u"manage"_s};

} // namespace

PermissionMatrixModel::PermissionMatrixModel(QObject* parent)
    : QAbstractTableModel(parent)
    , m_known(Permission::all())
{
    QStringList actions;
    for (const QString& permission : std::as_const(m_known)) {
        const QString resource = permission.section(u'.', 0, 0);
        const QString action = permission.section(u'.', 1);
        if (!m_resources.contains(resource))
            m_resources.append(resource);
        if (!actions.contains(action))
            actions.append(action);
    }
    for (const QString& action : preferredActions) {
        if (actions.contains(action))
            m_actions.append(action);
    }
    for (const QString& action : std::as_const(actions)) {
        if (!m_actions.contains(action))
            m_actions.append(action);
    }
}

PermissionMatrixModel::~PermissionMatrixModel() = default;

void PermissionMatrixModel::setRole(const TenantDesk::Role& role, const QList<TenantDesk::Role>& allRoles)
{
    m_hasRole = true;
    m_builtIn = role.builtIn;
    m_granted = role.permissions;
    m_granted.sort();
    m_allRoles = allRoles;
    m_includedRoleIds = role.includedRoleIds;
    recomputeInherited();
    refreshAll();
}

void PermissionMatrixModel::clear()
{
    m_hasRole = false;
    m_builtIn = false;
    m_granted.clear();
    m_allRoles.clear();
    m_includedRoleIds.clear();
    m_inheritedFrom.clear();
    refreshAll();
}

void PermissionMatrixModel::setIncludedRoleIds(const QList<RoleId>& ids)
{
    m_includedRoleIds = ids;
    recomputeInherited();
    refreshAll();
}

void PermissionMatrixModel::setReadOnly(bool readOnly)
{
    if (m_readOnly == readOnly)
        return;
    m_readOnly = readOnly;
    refreshAll();
}

QStringList PermissionMatrixModel::permissions() const
{
    return m_granted;
}

void PermissionMatrixModel::setPermissions(const QStringList& permissions)
{
    m_granted = permissions;
    m_granted.sort();
    m_granted.removeDuplicates();
    refreshAll();
}

QModelIndex PermissionMatrixModel::indexOf(const QString& permission) const
{
    if (!m_known.contains(permission))
        return {};
    return index(int(m_resources.indexOf(permission.section(u'.', 0, 0))), int(m_actions.indexOf(permission.section(u'.', 1))));
}

int PermissionMatrixModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_resources.size());
}

int PermissionMatrixModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_actions.size());
}

QString PermissionMatrixModel::permissionAt(const QModelIndex& index) const
{
    if (!index.isValid() || index.model() != this || index.row() >= m_resources.size() || index.column() >= m_actions.size())
        return {};
    const QString permission = m_resources.at(index.row()) + u'.' + m_actions.at(index.column());
    return m_known.contains(permission) ? permission : QString();
}

QVariant PermissionMatrixModel::data(const QModelIndex& index, int role) const
{
    const QString permission = permissionAt(index);
    if (permission.isEmpty())
        return {};
    const bool granted = m_granted.contains(permission);
    const QStringList from = m_inheritedFrom.value(permission);
    switch (role) {
    case Qt::CheckStateRole:
        return granted ? Qt::Checked : !from.isEmpty() ? Qt::PartiallyChecked : Qt::Unchecked;
    case Qt::ToolTipRole: {
        QString tip = permission;
        if (granted)
            tip += u'\n' + tr("Granted by this role.");
        if (!from.isEmpty())
            tip += u'\n' + tr("Included through %1.").arg(from.join(u", "_s));
        if (!granted && from.isEmpty())
            tip += u'\n' + tr("Not granted.");
        return tip;
    }
    case Qt::BackgroundRole:
        if (!granted && !from.isEmpty())
            return QBrush(QColor(0xdd, 0xe8, 0xf6)); // tinted: held through an included role
        return {};
    case Qt::AccessibleTextRole:
        return permission;
    case PermissionRole:
        return permission;
    case GrantedRole:
        return granted;
    case IncludedFromRole:
        return from;
    default:
        return {};
    }
}

bool PermissionMatrixModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    const QString permission = permissionAt(index);
    if (role != Qt::CheckStateRole || permission.isEmpty() || isReadOnly() || !m_hasRole)
        return false;
    const auto state = Qt::CheckState(value.toInt());
    const bool grant = state == Qt::Checked;
    if (grant == m_granted.contains(permission))
        return true;
    if (grant) {
        m_granted.append(permission);
        m_granted.sort();
    } else {
        m_granted.removeAll(permission);
    }
    Q_EMIT dataChanged(index, index, {Qt::CheckStateRole, Qt::ToolTipRole, Qt::BackgroundRole, GrantedRole});
    Q_EMIT permissionsEdited();
    return true;
}

QVariant PermissionMatrixModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole || section < 0)
        return {};
    if (orientation == Qt::Horizontal)
        return section < m_actions.size() ? QVariant(m_actions.at(section)) : QVariant();
    return section < m_resources.size() ? QVariant(m_resources.at(section)) : QVariant();
}

Qt::ItemFlags PermissionMatrixModel::flags(const QModelIndex& index) const
{
    if (permissionAt(index).isEmpty())
        return Qt::NoItemFlags; // no such permission: a disabled cell
    Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (m_hasRole && !isReadOnly())
        flags |= Qt::ItemIsUserCheckable;
    return flags;
}

QHash<int, QByteArray> PermissionMatrixModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(PermissionRole, "permission");
    names.insert(GrantedRole, "granted");
    names.insert(IncludedFromRole, "includedFrom");
    return names;
}

void PermissionMatrixModel::recomputeInherited()
{
    m_inheritedFrom.clear();
    for (RoleId id : std::as_const(m_includedRoleIds)) {
        const auto it = std::find_if(m_allRoles.cbegin(), m_allRoles.cend(), [id](const TenantDesk::Role& r) { return r.id == id; });
        if (it == m_allRoles.cend())
            continue;
        for (const QString& permission : Policy::flattenPermissions(*it, m_allRoles))
            m_inheritedFrom[permission].append(it->name);
    }
}

void PermissionMatrixModel::refreshAll()
{
    if (rowCount() > 0 && columnCount() > 0)
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
}

} // namespace TenantDesk
