#pragma once

#include "Store.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;
class QTreeWidget;

namespace TenantDesk {

// A user's effective permissions on a tenant, explained: each permission they hold there, and
// under it every reason, as "Tenant Admin on acme (inherited from the parent tenant acme)",
// "Support Lead → Tenant Viewer on acme.emea, environment production" or "platform role Platform
// Admin". The user is chosen by e-mail and the tenant by slug; either may be given up front.
class EffectivePermissionsDialog : public QDialog
{
    Q_OBJECT

public:
    EffectivePermissionsDialog(Store* store, UserId userId, TenantId tenantId, QWidget* parent = nullptr);
    ~EffectivePermissionsDialog() override;

    // Looks up the e-mail and the slug typed, then the permissions.
    void showPermissions();
    const EffectivePermissions& permissions() const { return m_permissions; }
    QTreeWidget* permissionTree() const { return m_tree; }

    // One source of a permission in words.
    static QString describe(const PermissionSource& source, TenantId tenantId);

Q_SIGNALS:
    // The tree shows the permissions of the user and tenant chosen (or the error label why not).
    void shown();

private:
    void load(UserId userId, TenantId tenantId);
    void fill(const EffectivePermissions& permissions);
    void fail(const QString& message);

    Store* m_store;
    UserId m_userId = 0;
    TenantId m_tenantId = 0;
    EffectivePermissions m_permissions;
    quint64 m_request = 0;
    QLineEdit* m_userLineEdit;
    QLineEdit* m_tenantLineEdit;
    QPushButton* m_showButton;
    QLabel* m_errorLabel;
    QLabel* m_summaryLabel;
    QTreeWidget* m_tree;
};

} // namespace TenantDesk
