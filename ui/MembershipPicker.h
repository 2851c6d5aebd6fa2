#pragma once

#include "Ids.h"
#include "Role.h"

#include <QList>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QTimer;

namespace TenantDesk {

class Store;

// Where a membership is held, chosen as a person thinks of it: a tenant by slug, optionally one of
// its environments ("whole tenant" otherwise) and, when asked for, a role of that tenant usable
// there (tenant scope for the whole tenant; tenant or environment scope on an environment).
class MembershipPicker : public QWidget
{
    Q_OBJECT

public:
    MembershipPicker(Store* store, bool withRole, QWidget* parent = nullptr);

    // Fills in a tenant by slug (resolved at once) and keeps the choices made after.
    void setTenantSlug(const QString& slug);
    QString tenantSlug() const;
    TenantId tenantId() const { return m_tenantId; }
    EnvironmentId environmentId() const;
    QString environmentName() const;
    RoleId roleId() const;
    QString roleName() const;
    // A tenant was found, and a role chosen when one is asked for.
    bool isComplete() const;

    QLineEdit* tenantLineEdit() const { return m_tenantLineEdit; }
    QComboBox* environmentComboBox() const { return m_environmentComboBox; }
    QComboBox* roleComboBox() const { return m_roleComboBox; }

Q_SIGNALS:
    void changed();

private:
    void resolveTenant();
    void fillRoles();

    Store* m_store;
    bool m_withRole;
    TenantId m_tenantId = 0;
    quint64 m_serial = 0;
    QList<Role> m_roles; // of the tenant: built in, its own and its ancestors'
    QLineEdit* m_tenantLineEdit;
    QLabel* m_tenantErrorLabel;
    QComboBox* m_environmentComboBox;
    QComboBox* m_roleComboBox = nullptr;
    QTimer* m_resolveTimer;
};

} // namespace TenantDesk
