#pragma once

#include "Store.h"

#include <QWidget>
#include <memory>

class QComboBox;
class QFrame;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QTableView;

namespace TenantDesk {

class EditHistory;
class StoreEdit;
class StoreError;
class PermissionMatrixModel;
class RoleListModel;
struct RoleLedger;

// View → Roles (Ctrl+Shift+R): the roles usable on a tenant (built-in, and the custom roles of the
// tenant and its ancestors) with scope and owner; the selected role's description, its permission
// matrix and the roles it includes. A custom role is edited in place and saved as one versioned
// change; what the store refuses (a taken name, a cycle of included roles, a role still in use) is
// shown beside the field it is about. New Role…, Delete… and Effective Permissions… are on the page;
// creating, changing and deleting a role can be undone (Edit → Undo).
class RolesPage : public QWidget
{
    Q_OBJECT

public:
    explicit RolesPage(QWidget* parent = nullptr);
    ~RolesPage() override;

    // The store to read and change; nullptr lets go of it. Unless `sameData` (a preview of the
    // same store begins or ends), what the edit history knows of the roles is forgotten.
    void setStore(Store* store, bool sameData = false);
    // Where creating, changing and deleting a role are recorded for Edit → Undo (may be nullptr).
    void setHistory(EditHistory* history);
    // Shows the roles of `tenantId` (0: the built-in roles only, and no New Role).
    void setTenant(TenantId tenantId);
    TenantId tenantId() const { return m_tenantId; }
    // Nothing can be changed (a preview); the store's own principal may forbid it as well.
    void setReadOnly(bool readOnly);
    bool isEditable() const;
    // Whether Delete asks first (tests answer yes).
    void setConfirmationsEnabled(bool enabled) { m_confirm = enabled; }

    RoleListModel* roleModel() const { return m_roleModel; }
    PermissionMatrixModel* matrixModel() const { return m_matrixModel; }
    // The role selected, as last read or saved (an empty one when none is).
    TenantDesk::Role currentRole() const { return m_current; }
    void selectRole(RoleId id);

    // The operations as the buttons run them.
    void newRole();                              // the New Role dialog
    void createRole(const NewRole& request);     // without the dialog
    void save();
    void revert();
    void deleteRole();
    void showEffectivePermissions();

Q_SIGNALS:
    // The list was read (again), and the role to select is selected.
    void rolesLoaded();
    void roleSaved(const TenantDesk::Role& role);
    void roleDeleted(const TenantDesk::Role& role);
    // A change was refused; the message is shown on the page.
    void saveFailed(const QString& message);

private:
    QWidget* createListPane();
    QWidget* createDetailPane();
    void reloadRoles(RoleId select);
    void showCurrentRole();
    void fillIncludedRoles();
    QList<RoleId> checkedIncludedRoleIds() const;
    RoleChange pendingChange() const;
    void updateButtons();
    void showStoreError(const StoreError& error);
    void clearErrors();
    void record(StoreEdit* edit);

    Store* m_store = nullptr;
    EditHistory* m_history = nullptr;
    std::shared_ptr<RoleLedger> m_ledger;
    TenantId m_tenantId = 0;
    Tenant m_tenant;
    bool m_readOnly = false;
    bool m_mayManage = false;
    bool m_confirm = true;
    bool m_busy = false;
    bool m_filling = false;
    RoleId m_pendingSelection = 0;
    quint64 m_tenantRequest = 0;
    TenantDesk::Role m_current;

    RoleListModel* m_roleModel;
    PermissionMatrixModel* m_matrixModel;
    QLabel* m_titleLabel = nullptr;
    QTableView* m_roleTableView = nullptr;
    QPushButton* m_newRoleButton = nullptr;
    QPushButton* m_deleteRoleButton = nullptr;
    QPushButton* m_effectiveButton = nullptr;
    QFrame* m_loadErrorFrame = nullptr;
    QLabel* m_loadErrorLabel = nullptr;
    QLineEdit* m_nameLineEdit = nullptr;
    QLabel* m_nameErrorLabel = nullptr;
    QLineEdit* m_descriptionLineEdit = nullptr;
    QLabel* m_scopeLabel = nullptr;
    QLabel* m_ownerLabel = nullptr;
    QLabel* m_readOnlyLabel = nullptr;
    QTableView* m_permissionTableView = nullptr;
    QListWidget* m_includedListWidget = nullptr;
    QLabel* m_includedErrorLabel = nullptr;
    QLabel* m_messageLabel = nullptr;
    QPushButton* m_saveButton = nullptr;
    QPushButton* m_revertButton = nullptr;
};

} // namespace TenantDesk
