#pragma once

#include "Role.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QStringList>

namespace TenantDesk {

// The permissions of one role as a matrix: a row per resource ("tenant", "user", …) and a column
// per action ("read", "create", …), both taken from Permission::all() split at the '.'. Only a
// cell that names a known permission is enabled; it is checked when the role lists the
// permission itself, partially checked (and tinted, with a tooltip naming the role) when the
// role has it only through a role it includes. The check boxes of a custom role can be changed;
// those of a built-in role (or of any role while read-only) cannot.
class PermissionMatrixModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Role {
        PermissionRole = Qt::UserRole + 1, // QString, "tenant.read"; empty for a cell that names none
        GrantedRole,                       // bool: the role lists the permission itself
        IncludedFromRole,                  // QStringList: the included roles that bring it
    };
    Q_ENUM(Role)

    explicit PermissionMatrixModel(QObject* parent = nullptr);
    ~PermissionMatrixModel() override;

    // Shows `role`, its own permissions and those of the roles it includes (looked up in
    // `allRoles`); a built-in role is read-only.
    void setRole(const TenantDesk::Role& role, const QList<TenantDesk::Role>& allRoles);
    // Nothing shown: every cell unchecked and read-only.
    void clear();
    // The included roles changed (not yet saved): the inherited cells follow.
    void setIncludedRoleIds(const QList<RoleId>& ids);
    void setReadOnly(bool readOnly);
    bool isReadOnly() const { return m_readOnly || m_builtIn; }

    // The role's own permissions as ticked now, sorted.
    QStringList permissions() const;
    void setPermissions(const QStringList& permissions);

    // Where a permission sits (invalid when it is not in the matrix).
    QModelIndex indexOf(const QString& permission) const;
    QStringList resources() const { return m_resources; }
    QStringList actions() const { return m_actions; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QHash<int, QByteArray> roleNames() const override;

Q_SIGNALS:
    // A check box was changed by the person (not by setRole or setPermissions).
    void permissionsEdited();

private:
    QString permissionAt(const QModelIndex& index) const;
    void recomputeInherited();
    void refreshAll();

    QStringList m_resources;
    QStringList m_actions;
    QStringList m_known;
    QStringList m_granted;
    QList<TenantDesk::Role> m_allRoles;
    QList<RoleId> m_includedRoleIds;
    QHash<QString, QStringList> m_inheritedFrom; // permission → names of the included roles bringing it
    bool m_builtIn = false;
    bool m_readOnly = true;
    bool m_hasRole = false;
};

} // namespace TenantDesk
