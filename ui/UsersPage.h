#pragma once

#include "Store.h"

#include <QHash>
#include <QWidget>

class QAction;
class QCheckBox;
class QComboBox;
class QFrame;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QTimer;
class QToolBar;

namespace TenantDesk {

class EditHistory;
class UserTableModel;

// View → Users (Ctrl+Shift+U): the users of the platform, or of one tenant, in a table paged from
// the store as it is scrolled and sorted by the store (header click). Searched as you type (name
// or e-mail; Ctrl+F, Escape clears) and filtered by tenant (slug, or "This tenant"), environment,
// role and status. New User (Ctrl+N), Edit (Enter, double-click), and on a multi-selection:
// Disable, Enable, Assign Role…, Remove Role…, Move to…: one transaction each, asked first when
// it takes something away, with progress and Cancel for large selections, and on Edit → Undo.
class UsersPage : public QWidget
{
    Q_OBJECT

public:
    explicit UsersPage(QWidget* parent = nullptr);
    ~UsersPage() override;

    // The store to read; nullptr lets go of it. Drops the tenant scope (its id belongs to the
    // previous store). Loads at once when the page is shown, else when it next is.
    void setStore(Store* store);
    // Where user edits are recorded (Edit → Undo); the users are read again when it moves.
    void setHistory(EditHistory* history);
    // Offers "This tenant" for `tenantId`, checked, and shows its users; 0 offers none and shows
    // every user. Either way the users are read again.
    void setTenantScope(TenantId tenantId);
    TenantId tenantScope() const { return m_scopeTenantId; }
    // Applies the filters now (not after the typing pause), reading the first page again.
    void refresh();
    // Puts the cursor in the search box, its text selected (Ctrl+F on the page).
    void focusSearch();

    UserTableModel* userModel() const { return m_model; }
    QTableView* tableView() const { return m_tableView; }
    // The ids of the selected users, in row order.
    QList<UserId> selectedUserIds() const;

    // The bulk actions on the selection, as the toolbar runs them (tests call them directly).
    void setStatusOfSelection(UserStatus status);
    // Runs `action` on its users: asks first when it takes something away, shows progress with
    // Cancel for more than progressThreshold() users, records it for Undo, reloads the table.
    void applyBulkAction(const BulkUserAction& action);
    // The editor of the current user, or of a new one.
    void editCurrentUser();
    void newUser();

    // What the last action did, as the status bar said it.
    QString lastMessage() const { return m_lastMessage; }
    // Whether confirmations are asked (tests answer yes).
    void setConfirmationsEnabled(bool enabled) { m_confirm = enabled; }
    // Selections of more users than this show progress with Cancel.
    void setProgressThreshold(int users) { m_progressThreshold = users; }
    int progressThreshold() const { return m_progressThreshold; }

    // How long the search waits for typing to pause.
    static constexpr int searchDelayMs = 150;

    QAction* newUserAction = nullptr;
    QAction* editUserAction = nullptr;
    QAction* disableAction = nullptr;
    QAction* enableAction = nullptr;
    QAction* assignRoleAction = nullptr;
    QAction* removeRoleAction = nullptr;
    QAction* moveAction = nullptr;
    QAction* permissionsAction = nullptr; // Effective Permissions… of the selected user

Q_SIGNALS:
    // The filters were applied: the table reads their first page (or shows none, when the tenant
    // cannot be found).
    void filtersApplied();
    // Something for the window's status bar.
    void statusMessage(const QString& message);
    // A bulk action finished: applied, refused or cancelled (tests wait for it).
    void bulkActionFinished();

protected:
    bool event(QEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    QWidget* createFilterBar();
    void createActions();
    void applyFilters();
    void applyQuery(const UserQuery& query);
    void useTenant(TenantId tenantId);
    void useThisTenant(bool checked);
    void fillRoles(const QList<Role>& roles);
    void setTenantError(const QString& message);
    void updateStatus();
    void updateActions();
    void showUserMenu(const QPoint& position);
    void chooseRoleAction(BulkUserActionKind kind);
    void chooseMove();
    void showEffectivePermissions();
    void runBulkAction(const BulkUserAction& action);
    // What the action is called on Edit → Undo.
    QString describeAction(const BulkUserAction& action, const BulkUserResult& result) const;
    QString describeResult(const BulkUserAction& action, const BulkUserResult& result) const;
    void say(const QString& message);
    // Reads the users again, selecting the same users once they are back.
    void reloadKeepingSelection();
    void reselect();
    bool confirm(const QString& title, const QString& text);
    QString currentTenantSlug() const;

    Store* m_store = nullptr;
    EditHistory* m_history = nullptr;
    UserTableModel* m_model;
    TenantId m_scopeTenantId = 0;
    QString m_scopeSlug;
    TenantId m_filterTenantId = -1; // the tenant the environment and role lists are of (-1: none read yet)
    QHash<QString, TenantId> m_tenantIdsBySlug;
    QHash<RoleId, QString> m_roleNames;
    QHash<EnvironmentId, QString> m_environmentNames;
    quint64 m_applySerial = 0;  // answers for earlier filters are ignored
    quint64 m_listSerial = 0;   // answers for an earlier tenant's environments and roles
    bool m_stale = true;
    bool m_confirm = true;
    bool m_bulkRunning = false;
    int m_progressThreshold = 50;
    QString m_lastMessage;
    QList<UserId> m_reselectIds;
    int m_reloadRows = 0; // rows shown before a reload

    QLabel* m_titleLabel = nullptr;
    QLineEdit* m_searchLineEdit = nullptr;
    QLineEdit* m_tenantLineEdit = nullptr;
    QCheckBox* m_thisTenantCheckBox = nullptr;
    QLabel* m_tenantErrorLabel = nullptr;
    QComboBox* m_environmentComboBox = nullptr;
    QComboBox* m_roleComboBox = nullptr;
    QComboBox* m_statusComboBox = nullptr;
    QToolBar* m_toolBar = nullptr;
    QFrame* m_errorFrame = nullptr;
    QLabel* m_errorLabel = nullptr;
    QPushButton* m_retryButton = nullptr;
    QTableView* m_tableView = nullptr;
    QLabel* m_statusLabel = nullptr;
    QTimer* m_applyTimer = nullptr;
};

} // namespace TenantDesk
