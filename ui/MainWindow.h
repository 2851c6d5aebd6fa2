#pragma once

#include "Store.h"
#include "StoreError.h"

#include <QMainWindow>
#include <QUrl>
#include <memory>

class QFrame;
class QLabel;
class QLineEdit;
class QMenu;
class QSplitter;
class QStackedWidget;
class QTimer;
class QTreeView;

namespace TenantDesk {

class AuditPage;
class BrandingManager;
class BillingPage;
class EnvironmentPage;
class TenantAdministration;
struct AdminSelection;
class PlatformPage;
class RolesPage;
class TenantPage;
class TenantTreeModel;
class UsagePage;
class UsersPage;
class WelcomePage;

// The console: the tenant tree with its search box on the left, the page of the selected
// platform, tenant or environment on the right.
class AuditIntegrityBanner;

class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens a local database file; errors are shown in a dialog and reported by storeFailed().
    void openDatabase(const QString& path, OpenMode mode = OpenMode::OpenExisting);
    // Opens the demo database, generating it first when it is missing or empty.
    void openDemo();
    // File → Connect to Server: the dialog, filled in with `url` and `email` when given, saying
    // `message` (why signing in is needed). Once signed in the server is shown like a database.
    void connectToServer(const QUrl& url = {}, const QString& email = {}, const QString& message = {},
                         bool remember = false);
    // Signs in again to a remembered server with the session kept in the keychain; asks for the
    // password when the keychain has none or the session has ended.
    void reconnectServer(const QUrl& url, const QString& email);
    // File → Sign Out: revokes the server session, forgets it in the keychain and closes.
    void signOut();
    void closeDatabase();
    // Edit → Edit Tenant (F2): the tenant shown on the detail page.
    void editTenant();
    // View → Audit Trail (Ctrl+Shift+A): the audit trail on the right, of `tenantId` (0: of the
    // tenant selected in the tree, or of every tenant when none is).
    void showAuditTrail(TenantId tenantId = 0);
    // View → Users (Ctrl+Shift+U): the users page on the right, of `tenantId` (0: every user).
    void showUsers(TenantId tenantId = 0);
    UsersPage* usersPage() const { return m_usersPage; }
    // View → Billing (Ctrl+Shift+B): the billing review on the right.
    void showBilling();
    BillingPage* billingPage() const { return m_billingPage; }
    // File → Import Billing… (Ctrl+Shift+I), Billing → Attribution Rules… and Export Report…:
    // on the billing page, which they show first.
    void importBilling();
    void editAttributionRules();
    void exportBillingReport();
    // File → Open Review File…: a .tenantdesk database someone sent, opened on its billing review.
    void openReviewFile(const QString& path = {});
    // Edit → Preferences… (Ctrl+,): the language, applied at once to every open window.
    void showPreferences();
    // Speaks the language chosen in Preferences, else the tenant's (for a tenant admin), else the system's.
    void applyLanguage();
    // File → Import Users… (Ctrl+I) and Export Users… (Ctrl+Shift+E): on the users page when it is
    // shown (its filters), else for the tenant selected in the tree.
    void importUsers();
    void exportUsers();
    // View → Roles (Ctrl+Shift+R): the roles of `tenantId` on the right (0: of the tenant selected
    // in the tree, or the built-in ones when none is).
    void showRoles(TenantId tenantId = 0);
    // View → Usage (Ctrl+Shift+G): usage charts on the right, of the platform (tenantId 0: the
    // top tenants compared), a tenant or one of its environments; -1: of what the tree has selected.
    void showUsage(TenantId tenantId = -1, EnvironmentId environmentId = 0);
    UsagePage* usagePage() const { return m_usagePage; }
    // View → View as… (Ctrl+Shift+V): asks for a user's e-mail, then previews the console as they see it.
    void viewAs();
    // Shows the console as `principal` sees it, read-only, until endPreview() (End Preview, Escape);
    // `description` says who they are ("Tenant Admin of acme").
    void startPreview(const Principal& principal, const QString& description);
    void endPreview();
    bool isPreviewing() const { return m_previewStore != nullptr; }

    Store* store() const { return m_store.get(); }
    // The store the tree and the pages read: the preview while previewing, else store().
    Store* viewStore() const;
    TenantTreeModel* tenantTreeModel() const { return m_treeModel; }
    // The Tenant menu and the edit history (Edit → Undo, Redo).
    TenantAdministration* administration() const { return m_admin; }
    // The branding of the selected tenant (its header strip, palette, title); kept outside the pages.
    BrandingManager* branding() const { return m_branding; }
    // Tools → Branding Editor… (platform admins only).
    void openBrandingEditor();
    // Whether error dialogs are shown (tests turn them off and watch storeFailed()).
    void setErrorDialogsEnabled(bool enabled) { m_errorDialogs = enabled; }

Q_SIGNALS:
    void storeOpened(const QString& displayName);
    void storeFailed(const QString& message);
    // The person cancelled an open (the demo generation); nothing changed.
    void openCancelled();
    // The page on the right shows the item selected in the tree.
    void detailShown();

protected:
    void closeEvent(QCloseEvent* event) override;
    // QEvent::LanguageChange: the menus and pages are made again in the new language (retranslate()).
    void changeEvent(QEvent* event) override;

private:
    void createMenus();
    void createWelcomePage();
    // The detail pages on the right (platform, tenant, environment); called again by rebuildPages().
    void createPages();
    void retranslate();
    // Every page made again, showing what was shown (the same item, audit trail, users or roles).
    void rebuildPages();
    // Adds a page (audit trail, users, usage, billing) beside the tenant pages; see the .cpp.
    void addSidePage(QWidget* page);
    // The menu actions enabled as the store, the preview and the selection allow.
    void updateActionStates();
    // A tenant admin's default language: their first administered tenant's (Tenant::language).
    void useTenantLanguage(const Principal& principal);
    AdminSelection adminSelection() const;
    void connectAdministration();
    void createWorkspace();
    void useStore(std::unique_ptr<Store> store, const StoreInfo& info);
    void showError(const QString& title, const QString& message);
    void showSelection();
    void applyFilterResult(int matches, bool truncated);
    void refreshRecentMenu();
    void openRecent(const QString& entry);
    // Keeps the signed-in session's refresh token in the keychain (and every new one), or forgets it.
    void keepSession(bool remember);
    void showTreeContextMenu(const QPoint& position);
    // The slug of the tenant selected in the tree (an environment's tenant), or empty.
    QString selectedTenantSlug() const;
    void chooseDatabaseToOpen();
    void chooseNewDatabase();
    void showAbout();
    void saveLayout() const;
    void generateDemo(quint64 request, const StoreInfo& info);
    // Starts a new open of `store`; answers to earlier opens are ignored from now on.
    quint64 beginOpen(std::unique_ptr<Store> store);
    bool isCurrentOpen(quint64 request) const { return request == m_openRequest && m_pendingStore; }
    void failOpen(quint64 request, const QString& title, const StoreError& error);
    // View as… and the principal's own limits.
    void createPreviewBanner();
    void createPreviewTree();
    void usePrincipal();
    void setEditingEnabled(bool enabled);
    // Applies the pack of the tenant at `current` in the tree (or its nearest ancestor's).
    void applyBranding(const QModelIndex& current);
    void updateBrandingEditorAction();

    BrandingManager* m_branding = nullptr;
    QAction* m_brandingEditorAction = nullptr;
    QAction* m_editTenantAction = nullptr;
    TenantAdministration* m_admin = nullptr;
    QAction* m_auditAction = nullptr;
    AuditPage* m_auditPage = nullptr; // made when first shown
    QAction* m_usersAction = nullptr;
    QAction* m_importUsersAction = nullptr;
    QAction* m_exportUsersAction = nullptr;
    UsersPage* m_usersPage = nullptr; // made when first shown
    QAction* m_rolesAction = nullptr;
    QAction* m_viewAsAction = nullptr;
    RolesPage* m_rolesPage = nullptr; // made when first shown
    QAction* m_usageAction = nullptr;
    UsagePage* m_usagePage = nullptr; // made when first shown
    QList<QAction*> m_billingActions;  // on while a store is open
    QList<QAction*> m_billingEditActions; // and not previewing
    BillingPage* m_billingPage = nullptr; // made when first shown
    bool m_billingOnOpen = false;         // Open Review File…: show the billing review once open
    std::unique_ptr<Store> m_store;
    std::unique_ptr<Store> m_previewStore; // View as…: reads m_store, so goes first
    std::optional<Principal> m_principal;  // who m_store acts as, once known
    QFrame* m_previewBanner = nullptr;
    AuditIntegrityBanner* m_auditBanner = nullptr;
    QLabel* m_previewLabel = nullptr;
    TenantTreeModel* m_normalTreeModel = nullptr;   // while previewing, the tree as it was
    QTreeView* m_normalTreeView = nullptr;
    TenantTreeModel* m_previewTreeModel = nullptr;
    QTreeView* m_previewTreeView = nullptr;
    QString m_normalSearchText;
    std::unique_ptr<Store> m_pendingStore; // being opened; replaces m_store when ready
    quint64 m_openRequest = 0;             // which open m_pendingStore belongs to
    StoreInfo m_storeInfo;
    TenantTreeModel* m_treeModel;
    QStackedWidget* m_centralStack;
    WelcomePage* m_welcomePage;
    QSplitter* m_splitter;
    QLineEdit* m_searchLineEdit;
    QTreeView* m_tenantTreeView;
    QStackedWidget* m_detailStack;
    PlatformPage* m_platformPage;
    TenantPage* m_tenantPage;
    EnvironmentPage* m_environmentPage;
    QLabel* m_databaseLabel;
    QLabel* m_loadingLabel;
    QTimer* m_searchTimer;
    QMenu* m_recentMenu = nullptr;
    QAction* m_closeAction = nullptr;
    QAction* m_signOutAction = nullptr;
    quint64 m_detailRequest = 0;
    bool m_errorDialogs = true;
    QString m_tenantLanguage;        // the language of the tenant the signed-in admin administers
    bool m_retranslatePending = false;
};

} // namespace TenantDesk
