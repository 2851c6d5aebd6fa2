#pragma once

#include "Store.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

namespace TenantDesk {

// The roles usable on one tenant: the built-in roles and the custom roles of the tenant and its
// ancestors (Store::roles), built-in first, then by name. A row per role with its name, scope
// and owner (Built in, or the slug of the tenant that defined it).
//
// A read that fails leaves the model empty: errorMessage() says why, loadFailed() is emitted
// and reload() asks again.
class RoleListModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { NameColumn, ScopeColumn, OwnerColumn, ColumnCount };
    Q_ENUM(Column)

    enum Role {
        RoleIdRole = Qt::UserRole + 1, // qint64
        IsBuiltInRole,                 // bool
        OwnerTenantIdRole,             // qint64, 0 for a built-in role
    };
    Q_ENUM(Role)

    explicit RoleListModel(QObject* parent = nullptr);
    ~RoleListModel() override;

    // The store to read; empties the model. The store must outlive its use here.
    void setStore(Store* store);
    // Reads the roles of `tenantId` (0: the built-in ones only). Earlier answers are ignored.
    void setTenant(TenantId tenantId);
    TenantId tenantId() const { return m_tenantId; }
    void reload();
    // The slugs the owner column shows for the tenants that own custom roles.
    void setOwnerSlugs(const QHash<TenantId, QString>& slugs);

    const QList<TenantDesk::Role>& roles() const { return m_roles; }
    TenantDesk::Role role(int row) const;
    int rowOf(RoleId id) const; // -1 when not listed
    bool isLoading() const { return m_loading; }
    QString errorMessage() const { return m_errorMessage; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

Q_SIGNALS:
    void loaded();
    void loadFailed(const QString& message);

private:
    QString ownerText(const TenantDesk::Role& role) const;

    Store* m_store = nullptr;
    TenantId m_tenantId = 0;
    QList<TenantDesk::Role> m_roles;
    QHash<TenantId, QString> m_ownerSlugs;
    quint64 m_generation = 0;
    bool m_loading = false;
    QString m_errorMessage;
};

QString roleScopeDisplayName(RoleScope scope);

} // namespace TenantDesk
