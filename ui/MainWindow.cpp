#include "MainWindow.h"

#include "Async.h"
#include "AuditIntegrityBanner.h"
#include "AuditPage.h"
#include "BrandingEditorDialog.h"
#include "BrandingManager.h"
#include "BillingPage.h"
#include "ConnectDialog.h"
#include "EnvironmentPage.h"
#include "ExportDialog.h"
#include "ImportDialog.h"
#include "Permission.h"
#include "PlatformPage.h"
#include "PreferencesDialog.h"
#include "PreviewStore.h"
#include "Language.h"
#include "RolesPage.h"
#include "SecretStore.h"
#include "ServerConnection.h"
#include "Settings.h"
#include "StoreFactory.h"
#include "EditHistory.h"
#include "TenantAdministration.h"
#include "TenantEditDialog.h"
#include "TenantPage.h"
#include "TenantTreeModel.h"
#include "UsagePage.h"
#include "UsersPage.h"
#include "WelcomePage.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QGuiApplication>
#include <QHeaderView>
#include <QInputDialog>
#include <QToolBar>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressDialog>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>

namespace TenantDesk {

using namespace Qt::StringLiterals;

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_treeModel(new TenantTreeModel(this))
{
    setObjectName(u"mainWindow"_s);
    setWindowTitle(u"TenantDesk"_s);
    setWindowIcon(QIcon(u":/icons/tenantdesk.svg"_s));

    m_centralStack = new QStackedWidget(this);
    createWelcomePage();
    createWorkspace();
    setCentralWidget(m_centralStack);
    m_admin = new TenantAdministration(this, [this]() { return adminSelection(); });
    createPages();
    connectAdministration();
    // Branding first: its header strip is the top bar, the preview banner goes below it.
    m_branding = new BrandingManager(this);
    connect(m_branding, &BrandingManager::packRefused, this, [this](const QString& message) {
        statusBar()->showMessage(message, 20000);
    });
    createMenus();
    m_tenantPage->setActions({m_usageAction});
    createPreviewBanner();
    {
        // The audit trail's integrity, checked each time a store opens (hidden while intact).
        auto* bar = new QToolBar(tr("Audit Trail Warning"), this);
        bar->setObjectName(u"auditIntegrityToolBar"_s);
        bar->setMovable(false);
        bar->setFloatable(false);
        bar->toggleViewAction()->setVisible(false);
        m_auditBanner = new AuditIntegrityBanner(bar);
        bar->addWidget(m_auditBanner);
        addToolBarBreak(Qt::TopToolBarArea);
        addToolBar(Qt::TopToolBarArea, bar);
        bar->hide();
    }

    m_databaseLabel = new QLabel(tr("No database open"), this);
    m_databaseLabel->setObjectName(u"databaseStatusLabel"_s);
    m_loadingLabel = new QLabel(this);
    statusBar()->addPermanentWidget(m_loadingLabel);
    statusBar()->addPermanentWidget(m_databaseLabel);


    resize(1280, 800);
    restoreGeometry(Settings::value(Settings::mainWindowGeometry));
    restoreState(Settings::value(Settings::mainWindowState));
    if (const QByteArray splitter = Settings::value(Settings::mainSplitterState); !splitter.isEmpty())
        m_splitter->restoreState(splitter);
    if (const QByteArray header = Settings::value(Settings::tenantTreeHeaderState); !header.isEmpty())
        m_tenantTreeView->header()->restoreState(header);
}

MainWindow::~MainWindow()
{
    // A preview reads the store: it goes first, once nothing reads it any more.
    if (m_previewTreeModel)
        m_previewTreeModel->setStore(nullptr);
    if (m_rolesPage)
        m_rolesPage->setStore(nullptr);
    if (m_auditPage && m_previewStore)
        m_auditPage->setStore(nullptr);
    if (m_usagePage)
        m_usagePage->setStore(nullptr);
    m_previewStore.reset();
    if (m_normalTreeModel)
        m_treeModel = m_normalTreeModel;
    // The model must let go of the store before the store goes.
    m_treeModel->setStore(nullptr);
    if (m_auditPage)
        m_auditPage->setStore(nullptr);
    if (m_usersPage)
        m_usersPage->setStore(nullptr);
    if (m_billingPage)
        m_billingPage->setStore(nullptr);
}

void MainWindow::createWorkspace()
{
    m_splitter = new QSplitter(Qt::Horizontal, m_centralStack);
    m_splitter->setObjectName(u"mainSplitter"_s);

    auto* left = new QWidget(m_splitter);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    m_searchLineEdit = new QLineEdit(left);
    m_searchLineEdit->setObjectName(u"searchLineEdit"_s);
    m_searchLineEdit->setPlaceholderText(tr("Find a tenant by name or slug (Ctrl+F)"));
    m_searchLineEdit->setClearButtonEnabled(true);
    m_searchLineEdit->setAccessibleName(tr("Find a tenant"));
    leftLayout->addWidget(m_searchLineEdit);

    m_tenantTreeView = new QTreeView(left);
    m_tenantTreeView->setObjectName(u"tenantTreeView"_s);
    m_tenantTreeView->setAccessibleName(tr("Tenants"));
    m_tenantTreeView->setAccessibleDescription(
        tr("The platform, its tenants and sub-tenants and their environments; the selected one is shown on the right"));
    m_tenantTreeView->setModel(m_treeModel);
    m_tenantTreeView->setUniformRowHeights(true);
    m_tenantTreeView->setSortingEnabled(true);
    m_tenantTreeView->sortByColumn(TenantTreeModel::NameColumn, Qt::AscendingOrder);
    m_tenantTreeView->setContextMenuPolicy(Qt::CustomContextMenu);
    m_tenantTreeView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tenantTreeView->header()->setStretchLastSection(true);
    m_tenantTreeView->setColumnWidth(TenantTreeModel::NameColumn, 260);
    m_tenantTreeView->setColumnWidth(TenantTreeModel::SlugColumn, 180);
    m_tenantTreeView->setColumnWidth(TenantTreeModel::StatusColumn, 110);
    leftLayout->addWidget(m_tenantTreeView, 1);

    m_detailStack = new QStackedWidget(m_splitter);
    m_detailStack->setObjectName(u"detailStack"_s);
    m_splitter->setStretchFactor(0, 2);
    m_splitter->setStretchFactor(1, 3);
    m_splitter->setSizes({560, 720});
    m_centralStack->addWidget(m_splitter);

    m_searchTimer = new QTimer(this);
    m_searchTimer->setSingleShot(true);
    m_searchTimer->setInterval(200);
    connect(m_searchLineEdit, &QLineEdit::textChanged, m_searchTimer, qOverload<>(&QTimer::start));
    connect(m_searchTimer, &QTimer::timeout, this, [this]() { m_treeModel->setFilterText(m_searchLineEdit->text()); });
    connect(m_searchLineEdit, &QLineEdit::returnPressed, this, [this]() {
        m_searchTimer->stop();
        m_treeModel->setFilterText(m_searchLineEdit->text());
    });
    auto* clearSearch = new QShortcut(QKeySequence(Qt::Key_Escape), m_searchLineEdit, nullptr, nullptr, Qt::WidgetShortcut);
    connect(clearSearch, &QShortcut::activated, m_searchLineEdit, &QLineEdit::clear);

    connect(m_treeModel, &TenantTreeModel::filterApplied, this, &MainWindow::applyFilterResult);
    connect(m_treeModel, &TenantTreeModel::modelReset, this, [this]() {
        if (!m_treeModel->isFiltered())
            m_tenantTreeView->expand(m_treeModel->platformIndex());
    });
    connect(m_treeModel, &TenantTreeModel::errorOccurred, this,
            [this](const QString& message) { showError(tr("Could not load tenants"), message); });
    connect(m_treeModel, &TenantTreeModel::fetchingChanged, this,
            [this](bool fetching) { m_loadingLabel->setText(fetching ? tr("Loading…") : QString()); });
    connect(m_tenantTreeView->selectionModel(), &QItemSelectionModel::currentChanged, this, &MainWindow::showSelection);
    // A tenant admin's tenant arrives after the platform root was selected: its brand then.
    connect(m_treeModel, &TenantTreeModel::rowsInserted, this, [this](const QModelIndex& parent) {
        if (m_previewStore || parent != m_treeModel->platformIndex())
            return;
        if (m_tenantTreeView->currentIndex() == parent)
            applyBranding(parent);
    });
    connect(m_tenantTreeView, &QTreeView::customContextMenuRequested, this, &MainWindow::showTreeContextMenu);
}

void MainWindow::createWelcomePage()
{
    m_welcomePage = new WelcomePage(m_centralStack);
    m_welcomePage->setObjectName(u"welcomePage"_s);
    m_centralStack->insertWidget(0, m_welcomePage);
    connect(m_welcomePage, &WelcomePage::openDemoRequested, this, &MainWindow::openDemo);
    connect(m_welcomePage, &WelcomePage::newDatabaseRequested, this, &MainWindow::chooseNewDatabase);
    connect(m_welcomePage, &WelcomePage::openDatabaseRequested, this, &MainWindow::chooseDatabaseToOpen);
    connect(m_welcomePage, &WelcomePage::connectServerRequested, this, [this]() { connectToServer(); });
    connect(m_welcomePage, &WelcomePage::recentDatabaseRequested, this, &MainWindow::openRecent);
    m_welcomePage->setRecentDatabases(Settings::value(Settings::recentDatabases));
}

// The pages on the right made up front; the audit trail, users and roles pages are made when first
// shown (showAuditTrail(), showUsers(), showRoles()). Called again when the language changes.
void MainWindow::createPages()
{
    m_platformPage = new PlatformPage(m_detailStack);
    m_platformPage->setObjectName(u"platformPage"_s);
    m_tenantPage = new TenantPage(m_detailStack);
    m_tenantPage->setObjectName(u"tenantPage"_s);
    m_environmentPage = new EnvironmentPage(m_detailStack);
    m_environmentPage->setObjectName(u"environmentPage"_s);
    m_detailStack->addWidget(m_platformPage);
    m_detailStack->addWidget(m_tenantPage);
    m_detailStack->addWidget(m_environmentPage);
    m_tenantPage->setActions({m_admin->settingsAction, m_admin->newTenantAction, m_admin->suspendAction,
                              m_admin->resumeAction, m_admin->decommissionAction, m_admin->promoteAction});
    if (m_usageAction) // made by createMenus(): at start-up it comes after the first pages
        m_tenantPage->setActions({m_usageAction});
    connect(m_tenantPage, &TenantPage::tenantActivated, this, [this](TenantId id) {
        const QModelIndex index = m_treeModel->indexOfTenant(id);
        if (index.isValid())
            m_tenantTreeView->setCurrentIndex(index);
    });
}

void MainWindow::createMenus()
{
    QMenu* fileMenu = menuBar()->addMenu(tr("&File"));
    fileMenu->setObjectName(u"fileMenu"_s);
    QAction* newAction = fileMenu->addAction(tr("&New Database…"), this, &MainWindow::chooseNewDatabase);
    newAction->setShortcut(QKeySequence::New);
    QAction* openAction = fileMenu->addAction(tr("&Open Database…"), this, &MainWindow::chooseDatabaseToOpen);
    openAction->setShortcut(QKeySequence::Open);
    QAction* demoAction = fileMenu->addAction(tr("Open &Demo"), this, &MainWindow::openDemo);
    demoAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    QAction* connectAction = fileMenu->addAction(tr("Connect to &Server…"), this, [this]() { connectToServer(); });
    connectAction->setObjectName(u"connectServerAction"_s);
    connectAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    m_recentMenu = fileMenu->addMenu(tr("Open &Recent"));
    refreshRecentMenu();
    fileMenu->addSeparator();
    m_importUsersAction = fileMenu->addAction(tr("&Import Users…"), this, &MainWindow::importUsers);
    m_importUsersAction->setObjectName(u"importUsersMenuAction"_s);
    m_importUsersAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    m_importUsersAction->setEnabled(false);
    m_exportUsersAction = fileMenu->addAction(tr("&Export Users…"), this, &MainWindow::exportUsers);
    m_exportUsersAction->setObjectName(u"exportUsersMenuAction"_s);
    m_exportUsersAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    m_exportUsersAction->setEnabled(false);
    QAction* importBillingAction = fileMenu->addAction(tr("Import &Billing…"), this, &MainWindow::importBilling);
    importBillingAction->setObjectName(u"importBillingAction"_s);
    importBillingAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_I));
    importBillingAction->setToolTip(tr("Import a FOCUS, AWS CUR or Azure cost export into this database"));
    m_billingEditActions.append(importBillingAction);
    QAction* reviewAction = fileMenu->addAction(tr("Open Re&view File…"), this, [this]() { openReviewFile(); });
    reviewAction->setObjectName(u"openReviewFileAction"_s);
    reviewAction->setToolTip(tr("Open a .tenantdesk file someone sent, on its billing review; no server needed"));
    fileMenu->addSeparator();
    m_closeAction = fileMenu->addAction(tr("&Close Database"), this, &MainWindow::closeDatabase);
    m_closeAction->setShortcut(QKeySequence::Close);
    m_closeAction->setEnabled(false);
    m_signOutAction = fileMenu->addAction(tr("Sign &Out"), this, &MainWindow::signOut);
    m_signOutAction->setObjectName(u"signOutAction"_s);
    m_signOutAction->setEnabled(false);
    fileMenu->addSeparator();
    QAction* quitAction = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
    quitAction->setShortcut(QKeySequence::Quit);
    quitAction->setMenuRole(QAction::QuitRole);

    QMenu* editMenu = menuBar()->addMenu(tr("&Edit"));
    editMenu->setObjectName(u"editMenu"_s);
    editMenu->addAction(m_admin->history()->undoAction());
    editMenu->addAction(m_admin->history()->redoAction());
    editMenu->addSeparator();
    m_editTenantAction = editMenu->addAction(tr("Edit &Tenant…"), this, &MainWindow::editTenant);
    m_editTenantAction->setObjectName(u"editTenantAction"_s);
    m_editTenantAction->setShortcut(QKeySequence(Qt::Key_F2));
    m_editTenantAction->setEnabled(false);
    connect(this, &MainWindow::detailShown, m_editTenantAction, [this]() {
        m_editTenantAction->setEnabled(m_store && !isPreviewing() && m_detailStack->currentWidget() == m_tenantPage);
    });
    editMenu->addSeparator();
    QAction* preferencesAction = editMenu->addAction(tr("&Preferences…"), this, &MainWindow::showPreferences);
    preferencesAction->setObjectName(u"preferencesAction"_s);
    // Ctrl+, everywhere, and the platform's own key when it has another (Ctrl+Shift+, on KDE).
    QList<QKeySequence> preferencesKeys = QKeySequence::keyBindings(QKeySequence::Preferences);
    if (!preferencesKeys.contains(QKeySequence(Qt::CTRL | Qt::Key_Comma)))
        preferencesKeys.prepend(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    preferencesAction->setShortcuts(preferencesKeys);
    preferencesAction->setMenuRole(QAction::PreferencesRole);

    QMenu* tenantMenu = menuBar()->addMenu(tr("&Tenant"));
    tenantMenu->setObjectName(u"tenantMenu"_s);
    m_admin->fillMenu(tenantMenu);

    QMenu* viewMenu = menuBar()->addMenu(tr("&View"));
    viewMenu->setObjectName(u"viewMenu"_s);
    QAction* findAction = viewMenu->addAction(tr("&Find Tenant"), this, [this]() {
        m_searchLineEdit->setFocus(Qt::ShortcutFocusReason);
        m_searchLineEdit->selectAll();
    });
    findAction->setShortcut(QKeySequence::Find);
    QAction* refreshAction = viewMenu->addAction(tr("&Refresh"), this, [this]() {
        if (!m_store)
            return;
        const QString filter = m_searchLineEdit->text();
        m_treeModel->setStore(viewStore());
        m_treeModel->setFilterText(filter);
    });
    refreshAction->setShortcut(QKeySequence::Refresh);
    viewMenu->addSeparator();
    viewMenu->addAction(tr("&Collapse All"), this, [this]() {
        m_tenantTreeView->collapseAll();
        m_tenantTreeView->expand(m_treeModel->platformIndex());
    });
    viewMenu->addSeparator();
    m_auditAction = viewMenu->addAction(tr("&Audit Trail"), this, [this]() { showAuditTrail(); });
    m_auditAction->setObjectName(u"auditTrailAction"_s);
    m_auditAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
    m_auditAction->setEnabled(false);
    m_usersAction = viewMenu->addAction(tr("&Users"), this, [this]() { showUsers(); });
    m_usersAction->setObjectName(u"usersAction"_s);
    m_usersAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_U));
    m_usersAction->setEnabled(false);
    m_rolesAction = viewMenu->addAction(tr("&Roles"), this, [this]() { showRoles(); });
    m_rolesAction->setObjectName(u"rolesAction"_s);
    m_rolesAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    m_rolesAction->setEnabled(false);
    m_usageAction = viewMenu->addAction(tr("Usa&ge"), this, [this]() { showUsage(); });
    m_usageAction->setObjectName(u"usageAction"_s);
    m_usageAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_G));
    m_usageAction->setToolTip(tr("Usage charts of the selected tenant or environment, or the top tenants of the platform"));
    m_usageAction->setEnabled(false);
    QAction* billingAction = viewMenu->addAction(tr("&Billing"), this, &MainWindow::showBilling);
    billingAction->setObjectName(u"billingAction"_s);
    billingAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_B));
    m_billingActions.append(billingAction);
    viewMenu->addSeparator();
    m_viewAsAction = viewMenu->addAction(tr("View &as…"), this, &MainWindow::viewAs);
    m_viewAsAction->setObjectName(u"viewAsAction"_s);
    m_viewAsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_V));
    m_viewAsAction->setToolTip(tr("Preview the console read-only, exactly as a chosen user sees it"));
    m_viewAsAction->setEnabled(false);

    QMenu* billingMenu = menuBar()->addMenu(tr("&Billing"));
    billingMenu->setObjectName(u"billingMenu"_s);
    billingMenu->addAction(billingAction);
    billingMenu->addAction(importBillingAction);
    QAction* rulesAction = billingMenu->addAction(tr("Attribution &Rules…"), this, &MainWindow::editAttributionRules);
    rulesAction->setObjectName(u"attributionRulesAction"_s);
    m_billingEditActions.append(rulesAction);
    QAction* reportAction = billingMenu->addAction(tr("&Export Report…"), this, &MainWindow::exportBillingReport);
    reportAction->setObjectName(u"exportBillingReportAction"_s);
    m_billingActions.append(reportAction);
    for (QAction* action : std::as_const(m_billingActions) + m_billingEditActions)
        action->setEnabled(false);

    QMenu* toolsMenu = menuBar()->addMenu(tr("T&ools"));
    toolsMenu->setObjectName(u"toolsMenu"_s);
    m_brandingEditorAction = toolsMenu->addAction(tr("&Branding Editor…"), this, &MainWindow::openBrandingEditor);
    m_brandingEditorAction->setObjectName(u"brandingEditorAction"_s);
    m_brandingEditorAction->setToolTip(tr("Make a tenant's branding pack: colours, logo and product name (platform admins)"));
    updateBrandingEditorAction();

    QMenu* helpMenu = menuBar()->addMenu(tr("&Help"));
    helpMenu->setObjectName(u"helpMenu"_s);
    helpMenu->addAction(tr("&About TenantDesk"), this, &MainWindow::showAbout)->setMenuRole(QAction::AboutRole);
    helpMenu->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt)->setMenuRole(QAction::AboutQtRole);
}

void MainWindow::refreshRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = Settings::value(Settings::recentDatabases);
    for (const QString& entry : recent)
        m_recentMenu->addAction(WelcomePage::recentLabel(entry), this, [this, entry]() { openRecent(entry); });
    m_recentMenu->setEnabled(!recent.isEmpty());
    m_welcomePage->setRecentDatabases(recent);
}

void MainWindow::openRecent(const QString& entry)
{
    if (const auto server = parseServerRecentEntry(entry))
        reconnectServer(server->first, server->second);
    else
        openDatabase(entry);
}

void MainWindow::chooseDatabaseToOpen()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Database"), StoreFactory::defaultDatabaseFolder(),
        tr("TenantDesk databases (*.%1 *.sqlite *.db);;All files (*)").arg(StoreFactory::databaseSuffix));
    if (!path.isEmpty())
        openDatabase(path, OpenMode::OpenExisting);
}

void MainWindow::chooseNewDatabase()
{
    QFileDialog dialog(this, tr("New Database"), StoreFactory::defaultDatabaseFolder(),
                       tr("TenantDesk databases (*.%1)").arg(StoreFactory::databaseSuffix));
    dialog.setAcceptMode(QFileDialog::AcceptSave);
    dialog.setDefaultSuffix(StoreFactory::databaseSuffix);
    if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty())
        return;
    openDatabase(dialog.selectedFiles().constFirst(), OpenMode::CreateIfMissing);
}

quint64 MainWindow::beginOpen(std::unique_ptr<Store> store)
{
    m_pendingStore = std::move(store);
    return ++m_openRequest;
}

void MainWindow::failOpen(quint64 request, const QString& title, const StoreError& error)
{
    if (!isCurrentOpen(request))
        return;
    m_pendingStore.reset();
    m_billingOnOpen = false;
    statusBar()->clearMessage();
    showError(title, error.fullMessage());
    Q_EMIT storeFailed(error.fullMessage());
}

void MainWindow::openDatabase(const QString& path, OpenMode mode)
{
    const quint64 request = beginOpen(StoreFactory::databaseFile(path));
    statusBar()->showMessage(tr("Opening %1…").arg(QDir::toNativeSeparators(path)));
    whenReady(m_pendingStore->open(mode), this,
        [this, request](const StoreInfo& info) {
            if (isCurrentOpen(request)) // otherwise another database was chosen meanwhile
                useStore(std::move(m_pendingStore), info);
        },
        [this, request](const StoreError& error) { failOpen(request, tr("Could not open the database"), error); });
}

void MainWindow::openDemo()
{
    const quint64 request = beginOpen(StoreFactory::databaseFile(StoreFactory::demoDatabasePath()));
    statusBar()->showMessage(tr("Opening the demo platform…"));
    const auto failed = [this, request](const StoreError& error) {
        failOpen(request, tr("Could not open the demo platform"), error);
    };
    whenReady(m_pendingStore->open(OpenMode::CreateIfMissing), this,
        [this, request, failed](const StoreInfo& info) {
            if (!isCurrentOpen(request))
                return;
            // A demo database that is new, or whose generation was cancelled, is filled now.
            whenReady(m_pendingStore->platformSummary(), this,
                [this, request, info](const PlatformSummary& summary) {
                    if (!isCurrentOpen(request))
                        return;
                    if (summary.tenantCount > 0)
                        useStore(std::move(m_pendingStore), info);
                    else
                        generateDemo(request, info);
                },
                failed);
        },
        failed);
}

void MainWindow::generateDemo(quint64 request, const StoreInfo& info)
{
    auto* progress = new QProgressDialog(tr("Generating the demo platform: tenants, users, usage and billing…"),
                                         tr("Cancel"), 0, 1000, this);
    progress->setObjectName(u"demoProgressDialog"_s);
    progress->setWindowTitle(tr("Open Demo"));
    progress->setWindowModality(Qt::WindowModal);
    progress->setMinimumDuration(300);
    progress->setAutoClose(false);
    progress->setAutoReset(false);
    auto* watcher = new QFutureWatcher<DemoSummary>(this);
    connect(watcher, &QFutureWatcher<DemoSummary>::progressValueChanged, progress, &QProgressDialog::setValue);
    connect(progress, &QProgressDialog::canceled, watcher, &QFutureWatcher<DemoSummary>::cancel);
    connect(watcher, &QFutureWatcher<DemoSummary>::finished, this, [this, watcher, progress, request, info]() {
        progress->deleteLater();
        watcher->deleteLater();
        if (!isCurrentOpen(request))
            return;
        QFuture<DemoSummary> future = watcher->future();
        try {
            future.waitForFinished(); // rethrows a failure
        } catch (const StoreError& error) {
            failOpen(request, tr("Could not generate the demo platform"), error);
            return;
        }
        if (future.resultCount() > 0) { // done, even if Cancel came too late to stop it
            useStore(std::move(m_pendingStore), info);
            return;
        }
        m_pendingStore.reset();
        statusBar()->showMessage(tr("Demo generation cancelled; nothing was kept."), 5000);
        Q_EMIT openCancelled();
    });
    watcher->setFuture(m_pendingStore->generateDemo(DemoScale::small()));
}

void MainWindow::connectToServer(const QUrl& url, const QString& email, const QString& message, bool remember)
{
    auto* dialog = new ConnectDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setServer(url, email);
    dialog->setRememberMe(remember);
    dialog->showMessage(message);
    whenReady(SecretStore().isAvailable(), dialog, [dialog](bool available) { dialog->setKeychainAvailable(available); },
              [dialog](const StoreError&) { dialog->setKeychainAvailable(false); });
    connect(dialog, &QDialog::accepted, this, [this, dialog]() {
        const StoreInfo info = dialog->storeInfo();
        beginOpen(dialog->takeStore()); // an open on its way no longer counts
        if (!m_pendingStore)
            return;
        useStore(std::move(m_pendingStore), info);
        keepSession(dialog->rememberMe());
    });
    dialog->open();
}

void MainWindow::reconnectServer(const QUrl& url, const QString& email)
{
    const quint64 request = beginOpen(nullptr);
    statusBar()->showMessage(tr("Signing in to %1…").arg(url.toDisplayString()));
    const auto askForPassword = [this, url, email](const QString& message, bool remember) {
        statusBar()->clearMessage();
        connectToServer(url, email, message, remember);
    };
    whenReady(SecretStore().load(SecretStore::serverKey(url, email)), this,
        [this, request, url, email, askForPassword](const QString& refreshToken) {
            if (request != m_openRequest)
                return;
            ServerConnection connection;
            connection.url = url;
            connection.email = email;
            connection.refreshToken = refreshToken;
            connection.trustedFingerprint = trustedFingerprint(url);
            const quint64 open = beginOpen(StoreFactory::server(connection));
            whenReady(m_pendingStore->open(OpenMode::OpenExisting), this,
                [this, open](const StoreInfo& info) {
                    if (!isCurrentOpen(open))
                        return;
                    useStore(std::move(m_pendingStore), info);
                    keepSession(true);
                },
                [this, open, askForPassword](const StoreError& error) {
                    if (!isCurrentOpen(open))
                        return;
                    m_pendingStore.reset();
                    askForPassword(error.message(), true);
                });
        },
        [this, request, url, email, askForPassword](const StoreError& error) {
            if (request != m_openRequest)
                return;
            askForPassword(error.code() == ErrorCode::NotFound ? tr("Enter your password to sign in to %1 as %2.")
                                                                     .arg(url.toDisplayString(), email)
                                                               : error.message(),
                           false);
        });
}

void MainWindow::keepSession(bool remember)
{
    ServerSession* session = serverSession(m_store.get());
    if (!session)
        return;
    const QString key = SecretStore::serverKey(session->serverUrl(), session->email());
    if (!remember) {
        session->setRefreshTokenHandler({});
        whenReady(SecretStore().remove(key), this, []() {}, [](const StoreError&) {});
        return;
    }
    // The refresh token changes on every refresh: the keychain always holds the newest.
    const auto keep = [this, key](const QString& refreshToken) {
        const SecretStore secrets;
        whenReady(refreshToken.isEmpty() ? secrets.remove(key) : secrets.save(key, refreshToken), this, []() {},
                  [this](const StoreError& error) {
                      statusBar()->showMessage(tr("Could not keep the session in the keychain: %1").arg(error.message()), 10000);
                  });
    };
    keep(session->refreshToken());
    session->setRefreshTokenHandler(keep);
}

void MainWindow::signOut()
{
    ServerSession* session = serverSession(m_store.get());
    if (!session)
        return;
    const QString server = session->serverUrl().toDisplayString();
    session->setRefreshTokenHandler({});
    whenReady(SecretStore().remove(SecretStore::serverKey(session->serverUrl(), session->email())), this, []() {},
              [this](const StoreError& error) { showError(tr("Could not remove the session from the keychain"), error.fullMessage()); });
    QFuture<void> revoked = session->signOut();
    // The store stays until the server has answered, so that the sign-out reaches it.
    m_treeModel->setStore(nullptr);
    std::shared_ptr<Store> leaving = std::move(m_store);
    closeDatabase();
    whenReady(revoked, this, [this, leaving, server]() { statusBar()->showMessage(tr("Signed out of %1.").arg(server), 5000); },
              [this, leaving](const StoreError& error) {
                  showError(tr("Signed out on this computer only"),
                            tr("The server could not be told, so the session ends when it expires: %1").arg(error.message()));
              });
}

void MainWindow::useStore(std::unique_ptr<Store> store, const StoreInfo& info)
{
    endPreview();
    m_treeModel->setStore(nullptr);
    if (m_auditPage)
        m_auditPage->setStore(nullptr);
    if (m_usersPage)
        m_usersPage->setStore(nullptr);
    if (m_usagePage)
        m_usagePage->setStore(nullptr);
    if (m_billingPage)
        m_billingPage->setStore(nullptr);
    m_store = std::move(store);
    m_storeInfo = info;
    m_searchLineEdit->clear();
    m_searchTimer->stop();
    m_treeModel->setStore(m_store.get());
    m_admin->setStore(m_store.get());
    if (m_auditPage)
        m_auditPage->setStore(m_store.get());
    if (m_rolesPage)
        m_rolesPage->setStore(m_store.get());
    m_auditAction->setEnabled(true);
    if (m_usersPage)
        m_usersPage->setStore(m_store.get());
    m_usersAction->setEnabled(true);
    m_importUsersAction->setEnabled(true);
    m_exportUsersAction->setEnabled(true);
    m_rolesAction->setEnabled(true);
    if (m_usagePage)
        m_usagePage->setStore(m_store.get());
    m_usageAction->setEnabled(true);
    if (m_billingPage)
        m_billingPage->setStore(m_store.get());
    for (QAction* action : std::as_const(m_billingActions) + m_billingEditActions)
        action->setEnabled(true);
    usePrincipal();
    m_centralStack->setCurrentWidget(m_splitter);
    m_closeAction->setEnabled(true);
    m_databaseLabel->setText(m_store->displayName());
    if (ServerSession* session = serverSession(m_store.get())) {
        const QString user = session->user().email.isEmpty() ? session->email() : session->user().email;
        m_branding->setBaseWindowTitle(tr("%1 on %2 — TenantDesk").arg(user, session->serverUrl().toDisplayString()));
        statusBar()->showMessage(tr("Signed in to %1.").arg(session->serverUrl().toDisplayString()), 4000);
        Settings::rememberServer(serverRecentEntry(session->serverUrl(), session->email()));
    } else {
        m_branding->setBaseWindowTitle(tr("%1 — TenantDesk").arg(QFileInfo(info.location).fileName()));
        statusBar()->showMessage(info.created ? tr("Created a new database.") : tr("Database opened."), 4000);
        Settings::rememberDatabase(info.location);
    }
    m_signOutAction->setEnabled(serverSession(m_store.get()) != nullptr);
    refreshRecentMenu();
    m_tenantTreeView->setCurrentIndex(m_treeModel->platformIndex());
    m_auditBanner->check(m_store.get());
    if (std::exchange(m_billingOnOpen, false))
        showBilling();
    Q_EMIT storeOpened(m_store->displayName());
}

void MainWindow::closeDatabase()
{
    m_auditBanner->clear();
    ++m_openRequest; // an open still on its way no longer counts
    m_pendingStore.reset();
    endPreview();
    m_principal.reset();
    m_admin->setPrincipal(std::nullopt);
    if (!m_tenantLanguage.isEmpty()) {
        m_tenantLanguage.clear();
        applyLanguage();
    }
    if (m_rolesPage)
        m_rolesPage->setStore(nullptr);
    m_treeModel->setStore(nullptr);
    m_admin->setStore(nullptr);
    if (m_auditPage)
        m_auditPage->setStore(nullptr);
    if (m_usersPage)
        m_usersPage->setStore(nullptr);
    if (m_usagePage)
        m_usagePage->setStore(nullptr);
    if (m_billingPage)
        m_billingPage->setStore(nullptr);
    m_store.reset();
    m_centralStack->setCurrentWidget(m_welcomePage);
    m_closeAction->setEnabled(false);
    m_signOutAction->setEnabled(false);
    m_editTenantAction->setEnabled(false);
    m_auditAction->setEnabled(false);
    m_usersAction->setEnabled(false);
    m_importUsersAction->setEnabled(false);
    m_exportUsersAction->setEnabled(false);
    m_rolesAction->setEnabled(false);
    m_usageAction->setEnabled(false);
    m_viewAsAction->setEnabled(false);
    for (QAction* action : std::as_const(m_billingActions) + m_billingEditActions)
        action->setEnabled(false);
    m_databaseLabel->setText(tr("No database open"));
    m_branding->setBaseWindowTitle(u"TenantDesk"_s);
    m_branding->applyPlatform();
    updateBrandingEditorAction();
}

void MainWindow::editTenant()
{
    if (!m_store || m_detailStack->currentWidget() != m_tenantPage)
        return;
    const Tenant before = m_tenantPage->tenant();
    TenantEditDialog dialog(m_store.get(), before, this);
    dialog.exec();
    // Saved, or someone else's version kept: the page and the tree show what is stored now.
    // Cancelled with nothing read meanwhile: the page is still right, nothing to read again.
    if (dialog.saved().id == 0)
        return;
    if (dialog.result() == QDialog::Accepted && dialog.saved().version != before.version)
        m_admin->recordTenantUpdate(before, dialog.saved(), dialog.change());
    m_treeModel->tenantChanged(dialog.saved());
    showSelection();
}

void MainWindow::showSelection()
{
    const QModelIndex index = m_tenantTreeView->currentIndex();
    Store* store = viewStore();
    if (!store || !index.isValid())
        return;
    const quint64 request = ++m_detailRequest;
    const auto kind = index.data(TenantTreeModel::NodeKindRole).value<TenantTreeModel::NodeKind>();
    applyBranding(index);
    const auto failed = [this, request](const StoreError& error) {
        if (request == m_detailRequest)
            showError(tr("Could not show the details"), error.message());
    };
    switch (kind) {
    case TenantTreeModel::NodeKind::Platform:
        whenReady(store->platformSummary(), this, [this, request](const PlatformSummary& summary) {
            if (request != m_detailRequest)
                return;
            m_platformPage->setSummary(summary, m_store ? m_store->displayName() : QString());
            m_detailStack->setCurrentWidget(m_platformPage);
            Q_EMIT detailShown();
        }, [this, request, failed, name = index.siblingAtColumn(TenantTreeModel::NameColumn).data().toString()](
               const StoreError& error) {
            if (error.code() != ErrorCode::Forbidden || request != m_detailRequest)
                return failed(error);
            // A tenant-scoped user sees the platform's name, not its figures.
            PlatformSummary named;
            named.name = name;
            m_platformPage->setSummary(named, m_store ? m_store->displayName() : QString());
            m_detailStack->setCurrentWidget(m_platformPage);
            Q_EMIT detailShown();
        });
        break;
    case TenantTreeModel::NodeKind::Tenant:
        whenReady(store->tenantSummary(index.data(TenantTreeModel::TenantIdRole).toLongLong()), this,
            [this, request](const TenantSummary& summary) {
                if (request != m_detailRequest)
                    return;
                m_tenantPage->setSummary(summary);
                m_detailStack->setCurrentWidget(m_tenantPage);
                Q_EMIT detailShown();
            }, failed);
        break;
    case TenantTreeModel::NodeKind::Environment:
        whenReady(store->environmentSummary(index.data(TenantTreeModel::EnvironmentIdRole).toLongLong()), this,
            [this, request](const EnvironmentSummary& summary) {
                if (request != m_detailRequest)
                    return;
                m_environmentPage->setSummary(summary);
                m_detailStack->setCurrentWidget(m_environmentPage);
                Q_EMIT detailShown();
            }, failed);
        break;
    }
}

void MainWindow::applyFilterResult(int matches, bool truncated)
{
    for (const QModelIndex& index : m_treeModel->filterPathIndexes())
        m_tenantTreeView->expand(index);
    const QModelIndexList found = m_treeModel->filterMatchIndexes();
    if (!found.isEmpty()) {
        m_tenantTreeView->setCurrentIndex(found.constFirst());
        m_tenantTreeView->scrollTo(found.constFirst());
    }
    if (matches == 0)
        statusBar()->showMessage(tr("No tenant's name or slug contains “%1”.").arg(m_treeModel->filterText()));
    else if (truncated)
        statusBar()->showMessage(tr("Showing the first %1 matching tenants; type more to narrow the search.").arg(matches));
    else
        statusBar()->showMessage(tr("%n tenant(s) found.", nullptr, matches));
}

void MainWindow::showTreeContextMenu(const QPoint& position)
{
    const QModelIndex index = m_tenantTreeView->indexAt(position);
    if (!index.isValid())
        return;
    QMenu menu(this);
    const QString slug = index.data(TenantTreeModel::SlugRole).toString();
    const QString name = index.siblingAtColumn(TenantTreeModel::NameColumn).data().toString();
    menu.addAction(tr("Copy Name"), this, [name]() { QGuiApplication::clipboard()->setText(name); });
    if (!slug.isEmpty())
        menu.addAction(tr("Copy Slug"), this, [slug]() { QGuiApplication::clipboard()->setText(slug); });
    menu.addSeparator();
    m_admin->updateActions();
    m_admin->fillContextMenu(&menu);
    menu.addSeparator();
    const QModelIndex first = index.siblingAtColumn(0);
    if (m_treeModel->hasChildren(first)) {
        if (m_tenantTreeView->isExpanded(first))
            menu.addAction(tr("Collapse"), this, [this, first]() { m_tenantTreeView->collapse(first); });
        else
            menu.addAction(tr("Expand"), this, [this, first]() { m_tenantTreeView->expand(first); });
    }
    const TenantId tenantId = index.data(TenantTreeModel::TenantIdRole).toLongLong();
    menu.addSeparator();
    menu.addAction(tr("Audit Trail"), this, [this, tenantId]() { showAuditTrail(tenantId); })
        ->setObjectName(u"treeAuditTrailAction"_s);
    if (tenantId != 0) {
        menu.addAction(tr("Users"), this, [this, tenantId]() { showUsers(tenantId); })
            ->setObjectName(u"treeUsersAction"_s);
    }
    menu.addAction(tr("Roles"), this, [this, tenantId]() { showRoles(tenantId); })->setObjectName(u"treeRolesAction"_s);
    const EnvironmentId environmentId = index.data(TenantTreeModel::EnvironmentIdRole).toLongLong();
    menu.addAction(tr("Usage"), this, [this, tenantId, environmentId]() { showUsage(tenantId, environmentId); })
        ->setObjectName(u"treeUsageAction"_s);
    menu.exec(m_tenantTreeView->viewport()->mapToGlobal(position));
}

void MainWindow::showAuditTrail(TenantId tenantId)
{
    if (!m_store)
        return;
    if (tenantId == 0) {
        const QModelIndex current = m_tenantTreeView->currentIndex();
        if (current.isValid())
            tenantId = current.data(TenantTreeModel::TenantIdRole).toLongLong();
        else if (m_detailStack->currentWidget() == m_tenantPage)
            tenantId = m_tenantPage->tenantId(); // still shown, though a new search left nothing selected
    }
    if (!m_auditPage) {
        // One more page on the right, like a tenant's: the tree stays at hand to choose another.
        m_auditPage = new AuditPage(m_detailStack);
        m_auditPage->setObjectName(u"auditPage"_s);
        m_auditPage->setStore(viewStore());
        addSidePage(m_auditPage);
    }
    ++m_detailRequest; // a detail page still on its way no longer takes the place of the audit trail
    m_auditPage->setTenantScope(tenantId);
    m_detailStack->setCurrentWidget(m_auditPage);
    Q_EMIT detailShown();
}

void MainWindow::showUsers(TenantId tenantId)
{
    if (!m_store)
        return;
    if (!m_usersPage) {
        // One more page on the right, like the audit trail: the tree stays at hand.
        m_usersPage = new UsersPage(m_detailStack);
        m_usersPage->setObjectName(u"usersPage"_s);
        m_usersPage->setStore(viewStore());
        m_usersPage->setHistory(m_admin->history());
        addSidePage(m_usersPage);
        connect(m_usersPage, &UsersPage::statusMessage, this, [this](const QString& message) {
            statusBar()->showMessage(message, 10000);
        });
        connect(m_usersPage, &UsersPage::usersImported, this, [this]() { m_treeModel->reloadChildren(0); });
        connect(m_usersPage, &UsersPage::auditTrailRequested, this, [this](TenantId id) { showAuditTrail(id); });
    }
    ++m_detailRequest; // a detail page still on its way no longer takes the place of the users
    m_usersPage->setTenantScope(tenantId);
    m_detailStack->setCurrentWidget(m_usersPage);
    m_usersPage->focusSearch();
    Q_EMIT detailShown();
}

void MainWindow::addSidePage(QWidget* page)
{
    // One more page on the right, beside a tenant's: the tree stays at hand to choose another, and
    // choosing the selected item again leaves the page for that item's own.
    m_detailStack->addWidget(page);
    connect(m_tenantTreeView, &QTreeView::clicked, page, [this, page]() {
        if (m_detailStack->currentWidget() == page)
            showSelection();
    });
}

void MainWindow::showBilling()
{
    if (!m_store)
        return;
    if (!m_billingPage) {
        // One more page on the right, like the audit trail: the tree stays at hand.
        m_billingPage = new BillingPage(m_detailStack);
        m_billingPage->setObjectName(u"billingPage"_s);
        m_billingPage->setHistory(m_admin->history());
        m_billingPage->setReadOnly(isPreviewing());
        m_billingPage->setStore(viewStore());
        addSidePage(m_billingPage);
        connect(m_billingPage, &BillingPage::statusMessage, this, [this](const QString& message) {
            statusBar()->showMessage(message, 10000);
        });
    }
    ++m_detailRequest; // a detail page still on its way no longer takes the place of the billing review
    m_detailStack->setCurrentWidget(m_billingPage);
    Q_EMIT detailShown();
}

void MainWindow::importBilling()
{
    if (!m_store || isPreviewing())
        return;
    showBilling();
    m_billingPage->importBilling();
}

void MainWindow::editAttributionRules()
{
    if (!m_store || isPreviewing())
        return;
    showBilling();
    m_billingPage->editAttributionRules();
}

void MainWindow::exportBillingReport()
{
    if (!m_store)
        return;
    showBilling();
    m_billingPage->exportReport();
}

void MainWindow::openReviewFile(const QString& path)
{
    QString file = path;
    if (file.isEmpty()) {
        file = QFileDialog::getOpenFileName(this, tr("Open Review File"), StoreFactory::defaultDatabaseFolder(),
            tr("TenantDesk review files (*.%1 *.sqlite *.db);;All files (*)").arg(StoreFactory::databaseSuffix));
    }
    if (file.isEmpty())
        return;
    m_billingOnOpen = true;
    openDatabase(file, OpenMode::OpenExisting);
}

void MainWindow::importUsers()
{
    if (!m_store || isPreviewing()) // the preview is read-only
        return;
    if (m_usersPage && m_detailStack->currentWidget() == m_usersPage)
        return m_usersPage->importUsers();
    ImportDialog dialog(m_store.get(), this);
    dialog.setDefaultTenantSlug(selectedTenantSlug());
    connect(&dialog, &ImportDialog::imported, this, [this]() {
        m_treeModel->reloadChildren(0); // a Keycloak realm is a new tenant
        if (m_usersPage)
            m_usersPage->refresh();
    });
    connect(&dialog, &ImportDialog::auditTrailRequested, this, [this](TenantId id) { showAuditTrail(id); });
    dialog.exec();
}

QString MainWindow::selectedTenantSlug() const
{
    QModelIndex index = m_tenantTreeView->currentIndex();
    if (index.data(TenantTreeModel::NodeKindRole).value<TenantTreeModel::NodeKind>() == TenantTreeModel::NodeKind::Environment)
        index = index.parent(); // an environment: its tenant
    return index.data(TenantTreeModel::SlugRole).toString();
}

void MainWindow::exportUsers()
{
    if (!m_store)
        return;
    if (m_usersPage && m_detailStack->currentWidget() == m_usersPage)
        return m_usersPage->exportUsers();
    ExportDialog dialog(viewStore(), this); // in a preview: what the previewed user sees
    dialog.setTenantSlug(selectedTenantSlug());
    dialog.exec();
}

void MainWindow::showError(const QString& title, const QString& message)
{
    statusBar()->showMessage(message, 10000);
    if (!m_errorDialogs)
        return;
    auto* box = new QMessageBox(QMessageBox::Critical, title, message, QMessageBox::Ok, this);
    box->setObjectName(u"errorMessageBox"_s);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About TenantDesk"),
        tr("<h3>TenantDesk %1</h3>"
           "<p>A native console for administering multi-tenant platforms.</p>"
           "<p>Qt %2 (built with %3)<br>Database: %4</p>")
            .arg(QStringLiteral(TENANTDESK_VERSION), QString::fromLatin1(qVersion()), QStringLiteral(QT_VERSION_STR),
                 m_store ? m_storeInfo.engineVersion.toHtmlEscaped() : tr("none open")));
}

void MainWindow::saveLayout() const
{
    Settings::setValue(Settings::mainWindowGeometry, saveGeometry());
    Settings::setValue(Settings::mainWindowState, saveState());
    Settings::setValue(Settings::mainSplitterState, m_splitter->saveState());
    Settings::setValue(Settings::tenantTreeHeaderState, m_tenantTreeView->header()->saveState());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    endPreview(); // the layout saved is the normal one
    saveLayout();
    QMainWindow::closeEvent(event);
}

AdminSelection MainWindow::adminSelection() const
{
    AdminSelection selection;
    const QModelIndex index = m_tenantTreeView->currentIndex();
    if (!m_store || !index.isValid())
        return selection;
    const auto kind = index.data(TenantTreeModel::NodeKindRole).value<TenantTreeModel::NodeKind>();
    selection.platform = kind == TenantTreeModel::NodeKind::Platform;
    selection.tenantId = index.data(TenantTreeModel::TenantIdRole).toLongLong();
    selection.environmentId = index.data(TenantTreeModel::EnvironmentIdRole).toLongLong();
    if (kind == TenantTreeModel::NodeKind::Environment) {
        // The status is the tenant's, on the row above.
        selection.status = TenantStatus(index.parent().data(TenantTreeModel::StatusRole).toInt());
    } else {
        selection.status = TenantStatus(index.data(TenantTreeModel::StatusRole).toInt());
    }
    // The tenants above it in the tree, for the policy (a tenant-scoped tree starts at their grants).
    QModelIndex above = kind == TenantTreeModel::NodeKind::Environment ? index.parent().parent() : index.parent();
    for (; above.isValid(); above = above.parent()) {
        if (above.data(TenantTreeModel::NodeKindRole).value<TenantTreeModel::NodeKind>() == TenantTreeModel::NodeKind::Tenant)
            selection.ancestorIds.prepend(above.data(TenantTreeModel::TenantIdRole).toLongLong());
    }
    return selection;
}

void MainWindow::connectAdministration()
{
    connect(m_tenantTreeView->selectionModel(), &QItemSelectionModel::currentChanged, m_admin,
            &TenantAdministration::updateActions);
    connect(this, &MainWindow::detailShown, m_admin, &TenantAdministration::updateActions);
    connect(m_admin, &TenantAdministration::failed, this, &MainWindow::showError);
    connect(m_admin, &TenantAdministration::tenantChanged, this, [this](const Tenant& tenant) {
        m_treeModel->tenantChanged(tenant);
        if (m_tenantTreeView->currentIndex().data(TenantTreeModel::TenantIdRole).toLongLong() == tenant.id)
            showSelection();
        m_admin->updateActions();
    });
    connect(m_admin, &TenantAdministration::structureChanged, this, [this](TenantId parentId) {
        m_treeModel->reloadChildren(parentId);
        showSelection();
    });
    connect(m_admin, &TenantAdministration::environmentsChanged, this, [this](TenantId tenantId) {
        m_treeModel->reloadChildren(tenantId);
        const QModelIndex index = m_treeModel->indexOfTenant(tenantId);
        if (index.isValid() && m_tenantTreeView->currentIndex().data(TenantTreeModel::TenantIdRole).toLongLong() != tenantId)
            return;
        if (index.isValid())
            m_tenantTreeView->setCurrentIndex(index); // an environment row that went away leaves its tenant selected
        showSelection();
    });
    connect(m_admin, &TenantAdministration::tenantCreated, this, [this](const Tenant& tenant) {
        statusBar()->showMessage(tr("Created “%1” (%2), requested. Provision it from the Tenant menu.")
                                     .arg(tenant.displayName, tenant.slug), 8000);
    });
    connect(m_treeModel, &TenantTreeModel::moveRequested, m_admin, &TenantAdministration::requestMove);
    m_tenantTreeView->setDragEnabled(true);
    m_tenantTreeView->setAcceptDrops(true);
    m_tenantTreeView->setDropIndicatorShown(true);
    m_tenantTreeView->setDragDropMode(QAbstractItemView::DragDrop);
    m_tenantTreeView->setDefaultDropAction(Qt::MoveAction);
}

// Roles, and "View as…": the console as another user sees it, read-only.

Store* MainWindow::viewStore() const
{
    return m_previewStore ? m_previewStore.get() : m_store.get();
}

void MainWindow::showRoles(TenantId tenantId)
{
    if (!m_store)
        return;
    if (tenantId == 0) {
        const QModelIndex current = m_tenantTreeView->currentIndex();
        if (current.isValid())
            tenantId = current.data(TenantTreeModel::TenantIdRole).toLongLong();
        else if (m_detailStack->currentWidget() == m_tenantPage)
            tenantId = m_tenantPage->tenantId();
    }
    if (!m_rolesPage) {
        m_rolesPage = new RolesPage(m_detailStack);
        m_rolesPage->setObjectName(u"rolesPage"_s);
        m_rolesPage->setStore(viewStore());
        m_rolesPage->setHistory(m_admin->history());
        m_rolesPage->setReadOnly(isPreviewing());
        m_detailStack->addWidget(m_rolesPage);
        connect(m_rolesPage, &RolesPage::saveFailed, this, [this](const QString& message) { statusBar()->showMessage(message, 10000); });
    }
    ++m_detailRequest; // a detail page still on its way no longer takes the place of the roles
    m_rolesPage->setTenant(tenantId);
    m_detailStack->setCurrentWidget(m_rolesPage);
    Q_EMIT detailShown();
}

void MainWindow::showUsage(TenantId tenantId, EnvironmentId environmentId)
{
    if (!m_store)
        return;
    if (tenantId < 0) {
        const QModelIndex current = m_tenantTreeView->currentIndex();
        tenantId = current.isValid() ? current.data(TenantTreeModel::TenantIdRole).toLongLong() : 0;
        environmentId = current.isValid() ? current.data(TenantTreeModel::EnvironmentIdRole).toLongLong() : 0;
        if (!current.isValid() && m_detailStack->currentWidget() == m_tenantPage)
            tenantId = m_tenantPage->tenantId();
    }
    if (!m_usagePage) {
        // One more page on the right, like the audit trail: the tree stays at hand.
        m_usagePage = new UsagePage(m_detailStack);
        m_usagePage->setObjectName(u"usagePage"_s);
        m_usagePage->setStore(viewStore());
        addSidePage(m_usagePage);
    }
    ++m_detailRequest; // a detail page still on its way no longer takes the place of the usage
    if (tenantId > 0)
        m_usagePage->showTenant(tenantId, environmentId);
    else
        m_usagePage->showPlatform();
    m_detailStack->setCurrentWidget(m_usagePage);
    Q_EMIT detailShown();
}

void MainWindow::createPreviewBanner()
{
    auto* toolBar = new QToolBar(tr("Preview"), this);
    toolBar->setObjectName(u"previewToolBar"_s);
    toolBar->setMovable(false);
    toolBar->setFloatable(false);
    toolBar->toggleViewAction()->setVisible(false);
    m_previewBanner = new QFrame(toolBar);
    m_previewBanner->setObjectName(u"previewBanner"_s);
    m_previewBanner->setStyleSheet(u"QFrame#previewBanner { background: #f6d365; border-bottom: 2px solid #c98a00; }"
                                   u"QLabel { color: #3b2a00; font-weight: bold; }"_s);
    auto* layout = new QHBoxLayout(m_previewBanner);
    layout->setContentsMargins(12, 6, 12, 6);
    m_previewLabel = new QLabel(m_previewBanner);
    m_previewLabel->setObjectName(u"previewLabel"_s);
    layout->addWidget(m_previewLabel, 1);
    auto* endButton = new QPushButton(tr("End &Preview"), m_previewBanner);
    endButton->setObjectName(u"endPreviewButton"_s);
    endButton->setToolTip(tr("Back to your own view (Escape)"));
    connect(endButton, &QPushButton::clicked, this, &MainWindow::endPreview);
    layout->addWidget(endButton);
    toolBar->addWidget(m_previewBanner);
    m_previewBanner->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    addToolBar(Qt::TopToolBarArea, toolBar);
    toolBar->hide();
    auto* escape = new QShortcut(QKeySequence(Qt::Key_Escape), this, this, &MainWindow::endPreview);
    escape->setObjectName(u"endPreviewShortcut"_s);
    escape->setEnabled(false); // only while previewing: elsewhere Escape belongs to the fields
}

void MainWindow::usePrincipal()
{
    m_viewAsAction->setEnabled(false);
    whenReady(m_store->currentPrincipal(), this, [this, store = m_store.get()](const Principal& principal) {
        if (store != m_store.get())
            return;
        m_principal = principal;
        m_admin->setPrincipal(principal);
        // Seeing as someone else needs to read every user: a platform admin's view.
        m_viewAsAction->setEnabled(principal.platformPermissions.contains(Permission::UserRead));
        useTenantLanguage(principal);
        updateBrandingEditorAction();
        // A tenant admin sees their own tenant's brand from the start.
        applyBranding(m_tenantTreeView->currentIndex());
    }, [this](const StoreError& error) {
        statusBar()->showMessage(tr("Could not tell who you are on this store: %1").arg(error.message()), 10000);
    });
}

void MainWindow::applyBranding(const QModelIndex& current)
{
    // The selected tenant's pack, else its nearest ancestor's (an environment: its tenant's).
    QStringList slugs;
    for (QModelIndex index = current; index.isValid(); index = index.parent()) {
        if (index.data(TenantTreeModel::NodeKindRole).value<TenantTreeModel::NodeKind>() == TenantTreeModel::NodeKind::Tenant)
            slugs << index.data(TenantTreeModel::SlugRole).toString();
    }
    // The platform root of a tenant admin (or of a preview as one): the brand of their tenant.
    const Principal* principal = m_previewStore ? &static_cast<PreviewStore*>(m_previewStore.get())->principal()
                                                : (m_principal ? &*m_principal : nullptr);
    if (slugs.isEmpty() && current.isValid() && principal && !principal->isPlatformPrincipal()
        && m_treeModel->rowCount(m_treeModel->platformIndex()) > 0) {
        const QModelIndex first = m_treeModel->index(0, 0, m_treeModel->platformIndex());
        slugs << first.data(TenantTreeModel::SlugRole).toString();
    }
    m_branding->applyTenant(slugs);
}

void MainWindow::updateBrandingEditorAction()
{
    if (!m_brandingEditorAction)
        return;
    const bool platformAdmin = m_store && m_principal && !isPreviewing() && m_principal->isPlatformPrincipal()
                               && m_principal->platformPermissions.contains(Permission::TenantUpdate);
    m_brandingEditorAction->setVisible(platformAdmin);
    m_brandingEditorAction->setEnabled(platformAdmin);
    if (auto* menu = findChild<QMenu*>(u"toolsMenu"_s))
        menu->menuAction()->setVisible(platformAdmin);
}

void MainWindow::openBrandingEditor()
{
    if (!m_brandingEditorAction || !m_brandingEditorAction->isEnabled())
        return;
    auto* dialog = new BrandingEditorDialog(m_branding->shownPack(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (dialog->pack().slug == u"default"_s)
        dialog->setSlug(selectedTenantSlug());
    dialog->open();
}

void MainWindow::setEditingEnabled(bool enabled)
{
    m_admin->setReadOnly(!enabled);
    EditHistory* history = m_admin->history();
    history->undoAction()->setEnabled(enabled && !history->isBusy() && history->stack()->canUndo());
    history->redoAction()->setEnabled(enabled && !history->isBusy() && history->stack()->canRedo());
    m_editTenantAction->setEnabled(enabled && m_store && m_detailStack->currentWidget() == m_tenantPage);
    m_viewAsAction->setEnabled(enabled && m_principal && m_principal->platformPermissions.contains(Permission::UserRead));
    m_importUsersAction->setEnabled(enabled && m_store);
    if (m_rolesPage)
        m_rolesPage->setReadOnly(!enabled);
    for (QAction* action : std::as_const(m_billingEditActions))
        action->setEnabled(enabled && m_store);
    if (m_billingPage)
        m_billingPage->setReadOnly(!enabled);
}

void MainWindow::viewAs()
{
    if (!m_store || isPreviewing())
        return;
    bool ok = false;
    const QString email = QInputDialog::getText(this, tr("View As"),
                                                tr("See the console exactly as this user would, read-only.\n\nE-mail of the user:"),
                                                QLineEdit::Normal, QString(), &ok).trimmed();
    if (!ok || email.isEmpty())
        return;
    UserQuery query;
    query.text = email;
    query.limit = 20;
    Store* store = m_store.get();
    const auto failed = [this](const StoreError& error) { showError(tr("Could not view as this user"), error.message()); };
    whenReady(store->users(query), this, [this, store, email, failed](const Page<User>& page) {
        const auto it = std::find_if(page.items.cbegin(), page.items.cend(), [&email](const User& user) {
            return user.email.compare(email, Qt::CaseInsensitive) == 0;
        });
        if (store != m_store.get())
            return;
        if (it == page.items.cend()) {
            showError(tr("Could not view as this user"), tr("There is no user with the e-mail “%1”.").arg(email));
            return;
        }
        const UserId userId = it->id;
        whenReady(store->principalOf(userId), this, [this, store, userId](const Principal& principal) {
            if (store != m_store.get())
                return;
            // Who they are in words: their platform roles, or their first memberships.
            whenReady(store->user(userId), this, [this, store, principal](const UserDetail& detail) {
                if (store != m_store.get())
                    return;
                QStringList parts;
                for (const Role& role : detail.platformRoles)
                    parts << role.name;
                for (const UserMembership& m : detail.memberships) {
                    parts << (m.membership.environmentId == 0 ? tr("%1 of %2").arg(m.roleName, m.tenantSlug)
                                                              : tr("%1 of %2, environment %3").arg(m.roleName, m.tenantSlug, m.environmentName));
                }
                QString description = parts.mid(0, 2).join(u", "_s);
                if (parts.size() > 2)
                    description = tr("%1 and %n more", nullptr, int(parts.size() - 2)).arg(description);
                startPreview(principal, parts.isEmpty() ? tr("no roles") : description);
            }, [this, principal](const StoreError&) { startPreview(principal, tr("%n grant(s)", nullptr, int(principal.grants.size()))); });
        }, failed);
    }, failed);
}

void MainWindow::createPreviewTree()
{
    auto* layout = qobject_cast<QVBoxLayout*>(m_normalTreeView->parentWidget()->layout());
    m_previewTreeModel = new TenantTreeModel(this);
    m_previewTreeView = new QTreeView(m_normalTreeView->parentWidget());
    m_previewTreeView->setAccessibleName(tr("Tenants (preview)"));
    m_previewTreeView->setObjectName(u"previewTreeView"_s);
    m_previewTreeView->setModel(m_previewTreeModel);
    m_previewTreeView->setUniformRowHeights(true);
    m_previewTreeView->setSortingEnabled(true);
    m_previewTreeView->sortByColumn(TenantTreeModel::NameColumn, Qt::AscendingOrder);
    m_previewTreeView->setContextMenuPolicy(Qt::CustomContextMenu);
    m_previewTreeView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_previewTreeView->header()->restoreState(m_normalTreeView->header()->saveState());
    layout->insertWidget(layout->indexOf(m_normalTreeView), m_previewTreeView, 1);
    m_previewTreeView->show(); // now, so that it takes the focus

    connect(m_previewTreeView->selectionModel(), &QItemSelectionModel::currentChanged, this, &MainWindow::showSelection);
    connect(m_previewTreeView->selectionModel(), &QItemSelectionModel::currentChanged, m_admin, &TenantAdministration::updateActions);
    connect(m_previewTreeView, &QTreeView::customContextMenuRequested, this, &MainWindow::showTreeContextMenu);
    connect(m_previewTreeView, &QTreeView::clicked, this, [this]() {
        const QWidget* page = m_detailStack->currentWidget();
        if (page && (page == m_auditPage || page == m_rolesPage))
            showSelection();
    });
    // A tenant-scoped user has no platform figures to see: the preview opens on their first tenant.
    connect(m_previewTreeModel, &TenantTreeModel::rowsInserted, this, [this](const QModelIndex& parent, int first) {
        const auto* preview = static_cast<PreviewStore*>(m_previewStore.get());
        if (!preview || preview->principal().isPlatformPrincipal() || first != 0 || parent != m_previewTreeModel->platformIndex()
            || m_previewTreeView->currentIndex() != parent)
            return;
        m_previewTreeView->setCurrentIndex(m_previewTreeModel->index(0, 0, parent));
    });
    connect(m_previewTreeModel, &TenantTreeModel::filterApplied, this, &MainWindow::applyFilterResult);
    connect(m_previewTreeModel, &TenantTreeModel::modelReset, this, [this]() {
        if (m_previewTreeModel && !m_previewTreeModel->isFiltered())
            m_previewTreeView->expand(m_previewTreeModel->platformIndex());
    });
    connect(m_previewTreeModel, &TenantTreeModel::errorOccurred, this,
            [this](const QString& message) { showError(tr("Could not load tenants"), message); });
    connect(m_previewTreeModel, &TenantTreeModel::fetchingChanged, this,
            [this](bool fetching) { m_loadingLabel->setText(fetching ? tr("Loading…") : QString()); });
}

void MainWindow::startPreview(const Principal& principal, const QString& description)
{
    if (!m_store)
        return;
    endPreview();
    m_previewStore = std::make_unique<PreviewStore>(m_store.get(), principal, m_storeInfo);
    // The tree as it was stays behind, with its selection and what was expanded, for the way back.
    m_normalTreeModel = m_treeModel;
    m_normalTreeView = m_tenantTreeView;
    createPreviewTree();
    m_normalTreeView->hide();
    m_treeModel = m_previewTreeModel;
    m_tenantTreeView = m_previewTreeView;
    m_searchLineEdit->blockSignals(true);
    m_normalSearchText = m_searchLineEdit->text();
    m_searchLineEdit->clear();
    m_searchLineEdit->blockSignals(false);
    m_searchTimer->stop();
    m_previewTreeModel->setStore(m_previewStore.get());
    if (m_auditPage)
        m_auditPage->setStore(m_previewStore.get());
    if (m_rolesPage)
        m_rolesPage->setStore(m_previewStore.get(), true);
    if (m_usersPage)
        m_usersPage->setStore(m_previewStore.get()); // the preview refuses every change
    if (m_usagePage)
        m_usagePage->setStore(m_previewStore.get());
    if (m_billingPage)
        m_billingPage->setStore(m_previewStore.get());
    setEditingEnabled(false);
    updateBrandingEditorAction();
    m_previewLabel->setText(tr("Viewing as %1 (%2) — read-only").arg(principal.email, description));
    m_previewBanner->parentWidget()->show();
    findChild<QShortcut*>(u"endPreviewShortcut"_s)->setEnabled(true);
    m_branding->setBaseWindowTitle(tr("Viewing as %1 — TenantDesk").arg(principal.email));
    m_tenantTreeView->setCurrentIndex(m_treeModel->platformIndex());
    m_tenantTreeView->setFocus();
    Q_EMIT detailShown();
}

void MainWindow::endPreview()
{
    if (!m_previewStore)
        return;
    m_previewTreeModel->setStore(nullptr);
    m_treeModel = m_normalTreeModel;
    m_tenantTreeView = m_normalTreeView;
    m_normalTreeModel = nullptr;
    m_normalTreeView = nullptr;
    m_previewTreeView->hide();
    m_previewTreeView->deleteLater();
    m_previewTreeModel->deleteLater();
    m_previewTreeView = nullptr;
    m_previewTreeModel = nullptr;
    m_tenantTreeView->show();
    if (m_auditPage)
        m_auditPage->setStore(m_store.get());
    if (m_rolesPage)
        m_rolesPage->setStore(m_store.get(), true);
    if (m_usersPage)
        m_usersPage->setStore(m_store.get());
    if (m_usagePage)
        m_usagePage->setStore(m_store.get());
    if (m_billingPage)
        m_billingPage->setStore(m_store.get());
    m_previewStore.reset();
    m_searchLineEdit->blockSignals(true);
    m_searchLineEdit->setText(m_normalSearchText);
    m_searchLineEdit->blockSignals(false);
    m_previewBanner->parentWidget()->hide();
    findChild<QShortcut*>(u"endPreviewShortcut"_s)->setEnabled(false);
    setEditingEnabled(true);
    updateBrandingEditorAction();
    if (m_store && !m_storeInfo.location.isEmpty() && !serverSession(m_store.get()))
        m_branding->setBaseWindowTitle(tr("%1 — TenantDesk").arg(QFileInfo(m_storeInfo.location).fileName()));
    else if (m_store)
        m_branding->setBaseWindowTitle(tr("%1 — TenantDesk").arg(m_store->displayName()));
    m_tenantTreeView->setFocus();
    ++m_detailRequest;
    showSelection();
    m_admin->updateActions();
}

} // namespace TenantDesk

namespace TenantDesk {

// Languages: Edit → Preferences…, the tenant's language for its admins, and relabelling at run time.

void MainWindow::showPreferences()
{
    if (auto* open = findChild<PreferencesDialog*>(); open) {
        open->raise();
        open->activateWindow();
        return;
    }
    auto* dialog = new PreferencesDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &PreferencesDialog::languageChosen, this, &MainWindow::applyLanguage);
    dialog->open();
}

void MainWindow::applyLanguage()
{
    // Chosen in Preferences, else the tenant's for its admins, else the system's.
    QString language = Language::chosen();
    if (language.isEmpty())
        language = Language::normalized(m_tenantLanguage);
    Language::apply(language);
}

void MainWindow::useTenantLanguage(const Principal& principal)
{
    if (principal.isPlatformPrincipal() || principal.grants.isEmpty())
        return;
    // The first tenant they administer (a tenant-wide grant that may change the tenant), else
    // the first they belong to.
    const auto administered = std::find_if(principal.grants.cbegin(), principal.grants.cend(), [](const Grant& grant) {
        return grant.environmentId == 0 && grant.permissions.contains(Permission::TenantUpdate);
    });
    const TenantId tenantId = administered != principal.grants.cend() ? administered->tenantId : principal.grants.constFirst().tenantId;
    whenReady(m_store->tenant(tenantId), this, [this, store = m_store.get()](const Tenant& tenant) {
        if (store != m_store.get() || tenant.language == m_tenantLanguage)
            return;
        m_tenantLanguage = tenant.language;
        applyLanguage();
    }, [](const StoreError&) {}); // the tenant's language is a default only: the system's stays
}

void MainWindow::changeEvent(QEvent* event)
{
    // Installing a language sends several of these (one per translator): relabel once, at once after.
    if (event->type() == QEvent::LanguageChange && m_admin && !m_retranslatePending) {
        m_retranslatePending = true;
        QMetaObject::invokeMethod(this, &MainWindow::retranslate, Qt::QueuedConnection);
    }
    QMainWindow::changeEvent(event);
}

void MainWindow::retranslate()
{
    m_retranslatePending = false;
    // The pages made again have other minimum widths in another language: the tree keeps the width
    // the person gave it.
    const QList<int> splitterSizes = m_splitter->sizes();
    m_admin->retranslate();
    // The menus and pages are made again from the store, in the language now installed: whatever
    // createMenus() and createPages() make (including what is added to them later) is relabelled.
    menuBar()->clear();
    qDeleteAll(menuBar()->findChildren<QMenu*>(Qt::FindDirectChildrenOnly));
    m_recentMenu = nullptr;
    m_billingActions.clear();     // their menus are gone; createMenus() makes them again
    m_billingEditActions.clear();
    createMenus();
    updateActionStates();
    rebuildPages();
    const bool welcome = m_centralStack->currentWidget() == m_welcomePage;
    delete m_welcomePage;
    createWelcomePage();
    if (welcome)
        m_centralStack->setCurrentWidget(m_welcomePage);
    refreshRecentMenu();

    m_searchLineEdit->setPlaceholderText(tr("Find a tenant by name or slug (Ctrl+F)"));
    m_databaseLabel->setText(m_store ? m_store->displayName() : tr("No database open"));
    if (auto* endButton = findChild<QPushButton*>(u"endPreviewButton"_s)) {
        endButton->setText(tr("End Preview"));
        endButton->setToolTip(tr("Back to your own view (Escape)"));
    }
    if (auto* previewToolBar = findChild<QToolBar*>(u"previewToolBar"_s))
        previewToolBar->setWindowTitle(tr("Preview"));
    // The base title through the branding, which shows it only while no tenant pack is active and
    // gives the branded title ("Contoso Bank Online — TenantDesk") in the new language otherwise.
    if (m_previewStore) {
        const QString email = static_cast<PreviewStore*>(m_previewStore.get())->principal().email;
        m_branding->setBaseWindowTitle(tr("Viewing as %1 — TenantDesk").arg(email));
    } else if (ServerSession* session = serverSession(m_store.get())) {
        const QString user = session->user().email.isEmpty() ? session->email() : session->user().email;
        m_branding->setBaseWindowTitle(tr("%1 on %2 — TenantDesk").arg(user, session->serverUrl().toDisplayString()));
    } else if (m_store) {
        m_branding->setBaseWindowTitle(tr("%1 — TenantDesk").arg(QFileInfo(m_storeInfo.location).fileName()));
    }
    m_branding->retranslate();
    // Column titles and the status words in the tree come from the model, asked again.
    for (TenantTreeModel* model : {m_treeModel, m_normalTreeModel}) {
        if (model && model->columnCount() > 0)
            Q_EMIT model->headerDataChanged(Qt::Horizontal, 0, model->columnCount() - 1);
    }
    m_tenantTreeView->viewport()->update();
    m_splitter->setSizes(splitterSizes);
}

void MainWindow::updateActionStates()
{
    const bool open = m_store != nullptr;
    for (QAction* action : {m_closeAction, m_auditAction, m_usersAction, m_importUsersAction, m_exportUsersAction, m_rolesAction,
                            m_usageAction})
        action->setEnabled(open);
    for (QAction* action : std::as_const(m_billingActions) + m_billingEditActions)
        action->setEnabled(open);
    m_signOutAction->setEnabled(serverSession(m_store.get()) != nullptr);
    setEditingEnabled(!isPreviewing());
    m_admin->updateActions();
}

void MainWindow::rebuildPages()
{
    QWidget* current = m_detailStack->currentWidget();
    const bool audit = current && current == m_auditPage;
    const bool users = current && current == m_usersPage;
    const bool roles = current && current == m_rolesPage;
    const bool usage = current && current == m_usagePage;
    const bool billing = current && current == m_billingPage;
    const TenantId auditScope = m_auditPage ? m_auditPage->tenantScope() : 0;
    const TenantId usersScope = m_usersPage ? m_usersPage->tenantScope() : 0;
    const TenantId rolesTenant = m_rolesPage ? m_rolesPage->tenantId() : 0;
    // Each page lets go of the store before it goes.
    if (m_auditPage)
        m_auditPage->setStore(nullptr);
    if (m_usersPage)
        m_usersPage->setStore(nullptr);
    if (m_rolesPage)
        m_rolesPage->setStore(nullptr);
    if (m_usagePage)
        m_usagePage->setStore(nullptr);
    if (m_billingPage)
        m_billingPage->setStore(nullptr);
    while (QWidget* page = m_detailStack->widget(0)) {
        m_detailStack->removeWidget(page);
        delete page;
    }
    m_auditPage = nullptr;
    m_usersPage = nullptr;
    m_rolesPage = nullptr;
    m_usagePage = nullptr;
    m_billingPage = nullptr;
    createPages();
    ++m_detailRequest;
    if (!m_store)
        return;
    if (audit)
        showAuditTrail(auditScope);
    else if (users)
        showUsers(usersScope);
    else if (roles)
        showRoles(rolesTenant);
    else if (usage)
        showUsage();
    else if (billing)
        showBilling();
    else
        showSelection();
}

} // namespace TenantDesk
