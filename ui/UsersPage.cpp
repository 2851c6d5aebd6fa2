#include "UsersPage.h"

#include "EffectivePermissionsDialog.h"

#include "Async.h"
#include "DetailForm.h"
#include "EditHistory.h"
#include "ExportDialog.h"
#include "FieldError.h"
#include "ImportDialog.h"
#include "MembershipPicker.h"
#include "UserEditorDialog.h"
#include "UserEdits.h"
#include "UserTableModel.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFrame>
#include <QFutureWatcher>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QProgressDialog>
#include <QPushButton>
#include <QShortcut>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QUndoStack>
#include <QVBoxLayout>

namespace TenantDesk {

using namespace Qt::StringLiterals;

namespace {

template<typename Widget>
Widget* named(Widget* widget, const QString& objectName, const QString& accessibleName)
{
    widget->setObjectName(objectName);
    widget->setAccessibleName(accessibleName);
    return widget;
}

QAction* makeAction(const QString& text, const QString& objectName, QObject* parent)
{
    auto* action = new QAction(text, parent);
    action->setObjectName(objectName);
    return action;
}

} // namespace

UsersPage::UsersPage(QWidget* parent)
    : QWidget(parent)
    , m_model(new UserTableModel(this))
{
    auto* layout = new QVBoxLayout(this);
    m_titleLabel = makeTitleLabel(u"usersTitleLabel"_s, this);
    m_titleLabel->setText(tr("Users"));
    m_titleLabel->setAccessibleName(tr("Users"));
    layout->addWidget(m_titleLabel);
    layout->addWidget(createFilterBar());

    createActions();
    m_toolBar = named(new QToolBar(this), u"usersToolBar"_s, tr("User actions"));
    m_toolBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_toolBar->addAction(newUserAction);
    m_toolBar->addAction(editUserAction);
    m_toolBar->addAction(permissionsAction);
    m_toolBar->addSeparator();
    m_toolBar->addAction(disableAction);
    m_toolBar->addAction(enableAction);
    m_toolBar->addSeparator();
    m_toolBar->addAction(assignRoleAction);
    m_toolBar->addAction(removeRoleAction);
    m_toolBar->addAction(moveAction);
    m_toolBar->addSeparator();
    m_toolBar->addAction(importAction);
    m_toolBar->addAction(exportAction);
    layout->addWidget(m_toolBar);

    m_errorFrame = named(new QFrame(this), u"usersErrorFrame"_s, tr("Users error"));
    m_errorFrame->setFrameShape(QFrame::StyledPanel);
    auto* errorLayout = new QHBoxLayout(m_errorFrame);
    m_errorLabel = makeErrorLabel(u"usersErrorLabel"_s, m_errorFrame);
    m_errorLabel->show();
    m_retryButton = named(new QPushButton(tr("Retr&y"), m_errorFrame), u"retryButton"_s, tr("Retry reading the users"));
    errorLayout->addWidget(m_errorLabel, 1);
    errorLayout->addWidget(m_retryButton);
    m_errorFrame->hide();
    layout->addWidget(m_errorFrame);

    m_tableView = named(new QTableView(this), u"usersTableView"_s, tr("Users"));
    m_tableView->setTabKeyNavigation(false);
    m_tableView->setModel(m_model);
    m_tableView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tableView->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_tableView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_tableView->setAlternatingRowColors(true);
    m_tableView->setWordWrap(false);
    m_tableView->setContextMenuPolicy(Qt::CustomContextMenu);
    m_tableView->verticalHeader()->hide();
    m_tableView->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_tableView->verticalHeader()->setDefaultSectionSize(m_tableView->fontMetrics().height() + 8);
    m_tableView->horizontalHeader()->setStretchLastSection(true);
    m_tableView->horizontalHeader()->setHighlightSections(false);
    // The store sorts: a header click asks it (UserTableModel::sort), from the first page again.
    m_tableView->horizontalHeader()->setSortIndicator(UserTableModel::NameColumn, Qt::AscendingOrder);
    m_tableView->setSortingEnabled(true);
    m_tableView->setColumnWidth(UserTableModel::NameColumn, 170);
    m_tableView->setColumnWidth(UserTableModel::EmailColumn, 270);
    m_tableView->setColumnWidth(UserTableModel::StatusColumn, 75);
    m_tableView->setColumnWidth(UserTableModel::LastSignInColumn, 125);
    for (QAction* action : {editUserAction, disableAction, enableAction, assignRoleAction, removeRoleAction, moveAction})
        m_tableView->addAction(action);
    layout->addWidget(m_tableView, 1);

    m_statusLabel = named(new QLabel(this), u"usersStatusLabel"_s, tr("Users status"));
    m_statusLabel->setTextFormat(Qt::RichText);
    connect(m_statusLabel, &QLabel::linkActivated, this, [this]() {
        if (m_model->canFetchMore({}))
            m_model->fetchMore({});
    });
    layout->addWidget(m_statusLabel);

    m_applyTimer = new QTimer(this);
    m_applyTimer->setSingleShot(true);
    m_applyTimer->setInterval(searchDelayMs);
    connect(m_applyTimer, &QTimer::timeout, this, &UsersPage::applyFilters);

    connect(m_retryButton, &QPushButton::clicked, m_model, &UserTableModel::retry);
    connect(m_model, &UserTableModel::errorMessageChanged, this, [this](const QString& message) {
        m_errorLabel->setText(tr("Could not read the users: %1").arg(message));
        m_errorFrame->setVisible(!message.isEmpty());
    });
    connect(m_model, &UserTableModel::loadingChanged, this, &UsersPage::updateStatus);
    connect(m_model, &UserTableModel::errorMessageChanged, this, &UsersPage::updateStatus);
    connect(m_model, &UserTableModel::rowsInserted, this, &UsersPage::updateStatus);
    connect(m_model, &UserTableModel::pageLoaded, this, &UsersPage::reselect);
    connect(m_model, &UserTableModel::modelReset, this, [this]() {
        updateStatus();
        updateActions();
    });
    connect(m_tableView->selectionModel(), &QItemSelectionModel::selectionChanged, this, &UsersPage::updateActions);
    connect(m_tableView, &QTableView::activated, this, [this]() { editCurrentUser(); });
    connect(m_tableView, &QTableView::customContextMenuRequested, this, &UsersPage::showUserMenu);
    updateStatus();
    updateActions();
}

UsersPage::~UsersPage() = default;

void UsersPage::createActions()
{
    newUserAction = makeAction(tr("&New User…"), u"newUserAction"_s, this);
    newUserAction->setToolTip(tr("Create a user, invited, with a first membership (Ctrl+N)"));
    connect(newUserAction, &QAction::triggered, this, &UsersPage::newUser);

    editUserAction = makeAction(tr("&Edit…"), u"editUserAction"_s, this);
    editUserAction->setToolTip(tr("Edit the user's profile, status and memberships (Enter)"));
    connect(editUserAction, &QAction::triggered, this, &UsersPage::editCurrentUser);

    disableAction = makeAction(tr("&Disable"), u"disableUsersAction"_s, this);
    disableAction->setToolTip(tr("Disable the selected users: they can no longer sign in"));
    connect(disableAction, &QAction::triggered, this, [this]() { setStatusOfSelection(UserStatus::Disabled); });

    enableAction = makeAction(tr("E&nable"), u"enableUsersAction"_s, this);
    enableAction->setToolTip(tr("Make the selected users active"));
    connect(enableAction, &QAction::triggered, this, [this]() { setStatusOfSelection(UserStatus::Active); });

    assignRoleAction = makeAction(tr("&Assign Role…"), u"assignRoleAction"_s, this);
    assignRoleAction->setToolTip(tr("Give the selected users a role on a tenant or environment"));
    connect(assignRoleAction, &QAction::triggered, this, [this]() { chooseRoleAction(BulkUserActionKind::GrantRole); });

    removeRoleAction = makeAction(tr("&Remove Role…"), u"removeRoleAction"_s, this);
    removeRoleAction->setToolTip(tr("Take a role on a tenant or environment away from the selected users"));
    connect(removeRoleAction, &QAction::triggered, this, [this]() { chooseRoleAction(BulkUserActionKind::RevokeRole); });

    moveAction = makeAction(tr("&Move to…"), u"moveUsersAction"_s, this);
    moveAction->setToolTip(tr("Move the selected users' memberships from one tenant or environment to another"));
    connect(moveAction, &QAction::triggered, this, &UsersPage::chooseMove);

    importAction = makeAction(tr("&Import…"), u"importUsersAction"_s, this);
    importAction->setToolTip(tr("Import users from CSV, JSON or a Keycloak realm export, previewed and checked first (Ctrl+I)"));
    connect(importAction, &QAction::triggered, this, &UsersPage::importUsers);

    exportAction = makeAction(tr("E&xport…"), u"exportUsersAction"_s, this);
    exportAction->setToolTip(tr("Write the users matching the filters, with their memberships, as CSV or JSON (Ctrl+Shift+E)"));
    connect(exportAction, &QAction::triggered, this, &UsersPage::exportUsers);

    permissionsAction = makeAction(tr("Effective &Permissions…"), u"userPermissionsAction"_s, this);
    permissionsAction->setToolTip(tr("What the selected user may do on a tenant, and which membership and role grants each permission"));
    connect(permissionsAction, &QAction::triggered, this, &UsersPage::showEffectivePermissions);
}

void UsersPage::showEffectivePermissions()
{
    const QList<UserId> ids = selectedUserIds();
    if (!m_store || ids.size() != 1)
        return;
    // On the tenant the page is filtered on, when there is one; the dialog asks otherwise.
    TenantId tenantId = m_scopeTenantId;
    if (tenantId == 0)
        tenantId = m_tenantIdsBySlug.value(currentTenantSlug());
    auto* dialog = new EffectivePermissionsDialog(m_store, ids.constFirst(), tenantId, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

QWidget* UsersPage::createFilterBar()
{
    auto* bar = new QWidget(this);
    bar->setObjectName(u"usersFilterBar"_s);
    auto* grid = new QGridLayout(bar);
    grid->setContentsMargins(0, 0, 0, 0);
    const auto startTimer = [this]() { m_applyTimer->start(); };

    m_searchLineEdit = named(new QLineEdit(bar), u"userSearchLineEdit"_s, tr("Search users by name or e-mail"));
    m_searchLineEdit->setPlaceholderText(tr("Search by name or e-mail (Ctrl+F)"));
    m_searchLineEdit->setClearButtonEnabled(true);
    auto* searchLabel = new QLabel(tr("&Search:"), bar);
    searchLabel->setBuddy(m_searchLineEdit);
    connect(m_searchLineEdit, &QLineEdit::textChanged, this, startTimer);
    connect(m_searchLineEdit, &QLineEdit::returnPressed, this, &UsersPage::applyFilters);
    auto* clearSearch = new QShortcut(QKeySequence(Qt::Key_Escape), m_searchLineEdit, nullptr, nullptr, Qt::WidgetShortcut);
    connect(clearSearch, &QShortcut::activated, m_searchLineEdit, &QLineEdit::clear);

    m_statusComboBox = named(new QComboBox(bar), u"userStatusComboBox"_s, tr("Status filter"));
    m_statusComboBox->addItem(tr("Any status"), -1);
    for (const UserStatus status : {UserStatus::Invited, UserStatus::Active, UserStatus::Disabled})
        m_statusComboBox->addItem(userStatusDisplayName(status), int(status));
    auto* statusLabel = new QLabel(tr("S&tatus:"), bar);
    statusLabel->setBuddy(m_statusComboBox);
    connect(m_statusComboBox, &QComboBox::currentIndexChanged, this, &UsersPage::applyFilters);

    m_tenantLineEdit = named(new QLineEdit(bar), u"userTenantLineEdit"_s, tr("Tenant slug filter"));
    m_tenantLineEdit->setPlaceholderText(tr("Any tenant (slug)"));
    m_tenantLineEdit->setClearButtonEnabled(true);
    m_tenantLineEdit->setMinimumWidth(m_tenantLineEdit->fontMetrics().horizontalAdvance(u'x') * 20);
    m_thisTenantCheckBox = named(new QCheckBox(tr("This te&nant"), bar), u"thisTenantCheckBox"_s,
                                 tr("Only the tenant the page was opened for"));
    m_thisTenantCheckBox->hide();
    m_tenantErrorLabel = makeErrorLabel(u"userTenantErrorLabel"_s, bar);
    auto* tenantBox = new QHBoxLayout;
    tenantBox->addWidget(m_tenantLineEdit, 1);
    tenantBox->addWidget(m_thisTenantCheckBox);
    tenantBox->addWidget(m_tenantErrorLabel);
    auto* tenantLabel = new QLabel(tr("&Tenant:"), bar);
    tenantLabel->setBuddy(m_tenantLineEdit);
    connect(m_tenantLineEdit, &QLineEdit::textChanged, this, startTimer);
    connect(m_tenantLineEdit, &QLineEdit::returnPressed, this, &UsersPage::applyFilters);
    connect(m_thisTenantCheckBox, &QCheckBox::toggled, this, &UsersPage::useThisTenant);

    m_environmentComboBox = named(new QComboBox(bar), u"userEnvironmentComboBox"_s, tr("Environment filter"));
    m_environmentComboBox->addItem(tr("Any environment"), qint64(0));
    m_environmentComboBox->setEnabled(false);
    m_environmentComboBox->setToolTip(tr("Choose a tenant first"));
    auto* environmentLabel = new QLabel(tr("En&vironment:"), bar);
    environmentLabel->setBuddy(m_environmentComboBox);
    connect(m_environmentComboBox, &QComboBox::currentIndexChanged, this, &UsersPage::applyFilters);

    m_roleComboBox = named(new QComboBox(bar), u"userRoleComboBox"_s, tr("Role filter"));
    m_roleComboBox->addItem(tr("Any role"), qint64(0));
    m_roleComboBox->setMinimumContentsLength(16);
    auto* roleLabel = new QLabel(tr("&Role:"), bar);
    roleLabel->setBuddy(m_roleComboBox);
    connect(m_roleComboBox, &QComboBox::currentIndexChanged, this, &UsersPage::applyFilters);

    grid->addWidget(searchLabel, 0, 0);
    grid->addWidget(m_searchLineEdit, 0, 1, 1, 3);
    grid->addWidget(statusLabel, 0, 4);
    grid->addWidget(m_statusComboBox, 0, 5);
    grid->addWidget(tenantLabel, 1, 0);
    grid->addLayout(tenantBox, 1, 1);
    grid->addWidget(environmentLabel, 1, 2);
    grid->addWidget(m_environmentComboBox, 1, 3);
    grid->addWidget(roleLabel, 1, 4);
    grid->addWidget(m_roleComboBox, 1, 5);
    grid->setColumnStretch(1, 2);
    grid->setColumnStretch(3, 1);
    grid->setColumnStretch(5, 1);
    return bar;
}

void UsersPage::setStore(Store* store)
{
    m_store = store;
    ++m_applySerial;
    ++m_listSerial;
    m_applyTimer->stop();
    m_tenantIdsBySlug.clear();
    m_model->setStore(store);
    m_scopeTenantId = 0;
    m_scopeSlug.clear();
    m_filterTenantId = -1; // the lists are read again
    {
        const QSignalBlocker scopeBlocker(m_thisTenantCheckBox);
        const QSignalBlocker tenantBlocker(m_tenantLineEdit);
        if (m_thisTenantCheckBox->isChecked())
            m_tenantLineEdit->clear();
        m_thisTenantCheckBox->setChecked(false);
        m_thisTenantCheckBox->hide();
    }
    m_tenantLineEdit->setEnabled(true);
    setTenantError({});
    m_stale = true;
    if (m_store && isVisible())
        applyFilters();
    updateStatus();
    updateActions();
}

void UsersPage::setHistory(EditHistory* history)
{
    if (m_history)
        disconnect(m_history->stack(), nullptr, this, nullptr);
    m_history = history;
    if (!m_history)
        return;
    // An undo or redo changed users (or tenants): what is shown is read again.
    connect(m_history->stack(), &QUndoStack::indexChanged, this, [this]() {
        if (!m_store)
            return;
        if (isVisible())
            reloadKeepingSelection();
        else
            m_stale = true;
    });
}

void UsersPage::setTenantScope(TenantId tenantId)
{
    m_scopeTenantId = tenantId;
    m_scopeSlug.clear();
    {
        const QSignalBlocker blocker(m_thisTenantCheckBox);
        m_thisTenantCheckBox->setChecked(tenantId != 0);
        m_thisTenantCheckBox->setText(tr("This te&nant"));
        m_thisTenantCheckBox->setVisible(tenantId != 0);
    }
    {
        const QSignalBlocker blocker(m_tenantLineEdit);
        m_tenantLineEdit->clear();
        m_tenantLineEdit->setEnabled(tenantId == 0);
    }
    if (tenantId != 0 && m_store) {
        whenReady(m_store->tenant(tenantId), this,
            [this, tenantId](const Tenant& tenant) {
                if (tenantId != m_scopeTenantId)
                    return;
                m_scopeSlug = tenant.slug;
                m_tenantIdsBySlug.insert(tenant.slug, tenant.id);
                m_thisTenantCheckBox->setText(tr("This te&nant (%1)").arg(tenant.slug));
                m_thisTenantCheckBox->setToolTip(tenant.displayName);
                m_titleLabel->setText(tr("Users of %1").arg(tenant.displayName));
                if (m_thisTenantCheckBox->isChecked()) {
                    const QSignalBlocker blocker(m_tenantLineEdit);
                    m_tenantLineEdit->setText(tenant.slug);
                }
            },
            [](const StoreError&) {}); // the users' page says it when the tenant is gone
    } else {
        m_titleLabel->setText(tr("Users"));
    }
    applyFilters();
}

void UsersPage::useThisTenant(bool checked)
{
    {
        const QSignalBlocker blocker(m_tenantLineEdit);
        m_tenantLineEdit->setText(checked ? m_scopeSlug : QString());
        m_tenantLineEdit->setEnabled(!checked);
    }
    if (!checked)
        m_tenantLineEdit->setFocus(Qt::OtherFocusReason);
    applyFilters();
}

void UsersPage::refresh()
{
    applyFilters();
}

void UsersPage::applyFilters()
{
    m_applyTimer->stop();
    const quint64 serial = ++m_applySerial;
    m_stale = false;
    if (!m_store)
        return;

    UserQuery query = m_model->query(); // keeps the sort
    query.text = m_searchLineEdit->text().trimmed();
    const int status = m_statusComboBox->currentData().toInt();
    query.status = status < 0 ? std::nullopt : std::optional<UserStatus>(UserStatus(status));
    query.tenantId = 0;
    query.environmentId = 0;
    query.roleId = 0;

    if (m_thisTenantCheckBox->isChecked() && m_scopeTenantId != 0) {
        query.tenantId = m_scopeTenantId;
        return applyQuery(query);
    }
    const QString slug = m_tenantLineEdit->text().trimmed();
    if (slug.isEmpty())
        return applyQuery(query);
    if (const auto known = m_tenantIdsBySlug.constFind(slug); known != m_tenantIdsBySlug.cend()) {
        query.tenantId = *known;
        return applyQuery(query);
    }
    whenReady(m_store->tenantBySlug(slug), this,
        [this, serial, query](const Tenant& tenant) mutable {
            if (serial != m_applySerial)
                return;
            m_tenantIdsBySlug.insert(tenant.slug, tenant.id);
            query.tenantId = tenant.id;
            applyQuery(query);
        },
        [this, serial, slug](const StoreError& error) {
            if (serial != m_applySerial)
                return;
            setTenantError(error.code() == ErrorCode::NotFound ? tr("No tenant has the slug “%1”.").arg(slug)
                                                               : error.message());
            m_model->clear(); // none rather than those of a filter the person has moved on from
            updateStatus();
            Q_EMIT filtersApplied();
        });
}

void UsersPage::applyQuery(const UserQuery& given)
{
    setTenantError({});
    m_reselectIds.clear(); // other users: the selection made before does not carry over
    UserQuery query = given;
    if (query.tenantId != m_filterTenantId) {
        // Another tenant: its environments and roles replace the lists, whose choices no longer apply.
        useTenant(query.tenantId);
    } else {
        query.environmentId = m_environmentComboBox->currentData().toLongLong();
        query.roleId = m_roleComboBox->currentData().toLongLong();
    }
    m_model->setQuery(query);
    Q_EMIT filtersApplied();
}

// Fills the environment and role lists for `tenantId` (0: no environments, the built-in roles).
void UsersPage::useTenant(TenantId tenantId)
{
    m_filterTenantId = tenantId;
    const quint64 serial = ++m_listSerial;
    {
        const QSignalBlocker environmentBlocker(m_environmentComboBox);
        const QSignalBlocker roleBlocker(m_roleComboBox);
        m_environmentComboBox->clear();
        m_environmentComboBox->addItem(tr("Any environment"), qint64(0));
        m_environmentComboBox->setEnabled(false);
        m_environmentComboBox->setToolTip(tenantId == 0 ? tr("Choose a tenant first") : QString());
        m_roleComboBox->clear();
        m_roleComboBox->addItem(tr("Any role"), qint64(0));
    }
    if (!m_store)
        return;
    if (tenantId != 0) {
        whenReady(m_store->environments(tenantId), this,
            [this, serial](const QList<Environment>& environments) {
                if (serial != m_listSerial)
                    return;
                const QSignalBlocker blocker(m_environmentComboBox);
                for (const Environment& environment : environments) {
                    m_environmentComboBox->addItem(environment.name, environment.id);
                    m_environmentNames.insert(environment.id, environment.name);
                }
                m_environmentComboBox->setEnabled(!environments.isEmpty());
            },
            [](const StoreError&) {});
    }
    whenReady(m_store->roles(tenantId), this,
        [this, serial](const QList<Role>& roles) {
            if (serial == m_listSerial)
                fillRoles(roles);
        },
        [](const StoreError&) {});
}

void UsersPage::fillRoles(const QList<Role>& roles)
{
    const QSignalBlocker blocker(m_roleComboBox);
    for (const Role& role : roles) {
        if (m_filterTenantId != 0 && role.scope == RoleScope::Platform)
            continue; // held on the platform, never on a tenant
        m_roleNames.insert(role.id, role.name);
        m_roleComboBox->addItem(role.builtIn ? role.name : tr("%1 (custom)").arg(role.name), role.id);
        m_roleComboBox->setItemData(m_roleComboBox->count() - 1, role.description, Qt::ToolTipRole);
    }
}

void UsersPage::setTenantError(const QString& message)
{
    setError(m_tenantErrorLabel, message);
}

QList<UserId> UsersPage::selectedUserIds() const
{
    return m_model->userIds(m_tableView->selectionModel()->selectedRows());
}

void UsersPage::updateStatus()
{
    const int rows = m_model->rowCount();
    QString text;
    if (!m_store)
        text = tr("No database open.");
    else if (m_model->isLoading())
        text = rows == 0 ? tr("Loading…") : tr("%n user(s) shown; loading more…", nullptr, rows);
    else if (m_model->hasError())
        text = tr("%n user(s) shown; the rest could not be read.", nullptr, rows);
    else if (!m_model->isComplete())
        text = tr("%n user(s) shown (<a href=\"more\">more…</a>)", nullptr, rows);
    else if (rows == 0)
        text = tr("No users match the filters.");
    else
        text = tr("%n user(s).", nullptr, rows);
    const int selected = m_tableView ? int(m_tableView->selectionModel()->selectedRows().size()) : 0;
    if (selected > 1)
        text += u' ' + tr("%n selected.", nullptr, selected);
    m_statusLabel->setText(text);
}

void UsersPage::updateActions()
{
    const int selected = m_tableView ? int(m_tableView->selectionModel()->selectedRows().size()) : 0;
    const bool usable = m_store && !m_bulkRunning;
    newUserAction->setEnabled(usable);
    importAction->setEnabled(usable);
    exportAction->setEnabled(usable);
    editUserAction->setEnabled(usable && selected == 1);
    permissionsAction->setEnabled(usable && selected == 1);
    for (QAction* action : {disableAction, enableAction, assignRoleAction, removeRoleAction, moveAction})
        action->setEnabled(usable && selected > 0);
    if (m_statusLabel)
        updateStatus();
}

void UsersPage::showUserMenu(const QPoint& position)
{
    const QModelIndex index = m_tableView->indexAt(position);
    if (index.isValid() && !m_tableView->selectionModel()->isRowSelected(index.row(), {}))
        m_tableView->selectRow(index.row());
    QMenu menu(this);
    menu.setObjectName(u"userMenu"_s);
    menu.addAction(editUserAction);
    menu.addAction(permissionsAction);
    menu.addSeparator();
    menu.addAction(disableAction);
    menu.addAction(enableAction);
    menu.addSeparator();
    menu.addAction(assignRoleAction);
    menu.addAction(removeRoleAction);
    menu.addAction(moveAction);
    menu.addSeparator();
    menu.addAction(newUserAction);
    menu.exec(m_tableView->viewport()->mapToGlobal(position));
}

QString UsersPage::currentTenantSlug() const
{
    return m_tenantLineEdit->text().trimmed();
}

void UsersPage::editCurrentUser()
{
    if (!m_store)
        return;
    const QModelIndex current = m_tableView->currentIndex();
    const User user = current.isValid() ? m_model->userAt(current.row()) : User();
    if (user.id == 0)
        return;
    UserEditorDialog dialog(m_store, user.id, {}, this);
    dialog.setHistory(m_history);
    dialog.setConfirmationsEnabled(m_confirm);
    const int result = dialog.exec();
    if (result == QDialog::Accepted && dialog.saved().id != 0 && dialog.saved().version != user.version)
        say(tr("Saved %1.").arg(dialog.saved().displayName));
    if (dialog.saved().id != 0 || dialog.membershipsChanged())
        m_model->reload();
}

void UsersPage::newUser()
{
    if (!m_store)
        return;
    UserEditorDialog dialog(m_store, 0, currentTenantSlug(), this);
    dialog.setHistory(m_history);
    if (dialog.exec() != QDialog::Accepted || dialog.saved().id == 0)
        return;
    say(tr("Created %1 (%2), %3.").arg(dialog.saved().displayName, dialog.saved().email,
                                       userStatusDisplayName(dialog.saved().status).toLower()));
    reloadKeepingSelection();
    m_reselectIds = {dialog.saved().id}; // the new user, selected when their page comes
}

void UsersPage::importUsers()
{
    if (!m_store)
        return;
    ImportDialog dialog(m_store, this);
    dialog.setDefaultTenantSlug(currentTenantSlug());
    connect(&dialog, &ImportDialog::imported, this, [this](const QList<ImportReport>& reports) {
        int created = 0;
        int memberships = 0;
        for (const ImportReport& report : reports) {
            created += report.usersCreated;
            memberships += report.membershipsCreated;
        }
        say(tr("Imported: %n new user(s), %1 membership(s).", nullptr, created).arg(memberships));
        m_tenantIdsBySlug.clear(); // new tenants, perhaps with a slug typed before
        reloadKeepingSelection();
        Q_EMIT usersImported();
    });
    connect(&dialog, &ImportDialog::auditTrailRequested, this, &UsersPage::auditTrailRequested);
    dialog.exec();
}

void UsersPage::exportUsers()
{
    if (!m_store)
        return;
    ExportDialog dialog(m_store, this);
    dialog.setTenantSlug(currentTenantSlug());
    if (m_model->query().tenantId != 0 || !m_model->query().text.isEmpty() || m_model->query().roleId != 0
        || m_model->query().environmentId != 0 || m_model->query().status)
        dialog.setFilterQuery(m_model->query(), filterDescription());
    connect(&dialog, &ExportDialog::finished, this, [this, &dialog](bool ok) {
        if (ok)
            say(dialog.message());
    });
    dialog.exec();
}

QString UsersPage::filterDescription() const
{
    const UserQuery query = m_model->query();
    QStringList parts;
    if (query.tenantId != 0)
        parts.append(tr("tenant %1").arg(currentTenantSlug().isEmpty() ? m_scopeSlug : currentTenantSlug()));
    if (query.environmentId != 0)
        parts.append(tr("environment %1").arg(m_environmentComboBox->currentText()));
    if (query.roleId != 0)
        parts.append(tr("role %1").arg(m_roleComboBox->currentText()));
    if (query.status)
        parts.append(tr("status %1").arg(userStatusDisplayName(*query.status).toLower()));
    if (!query.text.isEmpty())
        parts.append(tr("name or e-mail containing “%1”").arg(query.text));
    return parts.isEmpty() ? tr("every user") : parts.join(u", "_s);
}

void UsersPage::setStatusOfSelection(UserStatus status)
{
    BulkUserAction action;
    action.kind = BulkUserActionKind::SetStatus;
    action.status = status;
    action.userIds = selectedUserIds();
    applyBulkAction(action);
}

void UsersPage::chooseRoleAction(BulkUserActionKind kind)
{
    const QList<UserId> ids = selectedUserIds();
    if (ids.isEmpty() || !m_store)
        return;
    const bool grant = kind == BulkUserActionKind::GrantRole;
    QDialog dialog(this);
    dialog.setObjectName(grant ? u"assignRoleDialog"_s : u"removeRoleDialog"_s);
    dialog.setWindowTitle(grant ? tr("Assign Role") : tr("Remove Role"));
    auto* layout = new QVBoxLayout(&dialog);
    auto* intro = new QLabel(grant ? tr("Give %n selected user(s) a role on:", nullptr, int(ids.size()))
                                   : tr("Take a role away from %n selected user(s) on:", nullptr, int(ids.size())),
                             &dialog);
    layout->addWidget(intro);
    auto* picker = new MembershipPicker(m_store, true, &dialog);
    layout->addWidget(picker);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(grant ? tr("&Assign") : tr("&Remove"));
    buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    layout->addWidget(buttons);
    connect(picker, &MembershipPicker::changed, buttons,
            [buttons, picker]() { buttons->button(QDialogButtonBox::Ok)->setEnabled(picker->isComplete()); });
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (!currentTenantSlug().isEmpty())
        picker->setTenantSlug(currentTenantSlug());
    dialog.resize(460, dialog.sizeHint().height());
    if (dialog.exec() != QDialog::Accepted || !picker->isComplete())
        return;
    BulkUserAction action;
    action.kind = kind;
    action.userIds = ids;
    action.tenantId = picker->tenantId();
    action.environmentId = picker->environmentId();
    action.roleId = picker->roleId();
    m_roleNames.insert(action.roleId, picker->roleName());
    m_tenantIdsBySlug.insert(picker->tenantSlug(), picker->tenantId());
    if (action.environmentId != 0)
        m_environmentNames.insert(action.environmentId, picker->environmentName());
    applyBulkAction(action);
}

void UsersPage::chooseMove()
{
    const QList<UserId> ids = selectedUserIds();
    if (ids.isEmpty() || !m_store)
        return;
    QDialog dialog(this);
    dialog.setObjectName(u"moveUsersDialog"_s);
    dialog.setWindowTitle(tr("Move Users"));
    auto* layout = new QVBoxLayout(&dialog);
    auto* intro = new QLabel(tr("Move the memberships of %n selected user(s), roles kept. Users with no membership "
                                "where they are moved from are left as they are.", nullptr, int(ids.size())),
                             &dialog);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto* fromBox = new QGroupBox(tr("From"), &dialog);
    auto* fromLayout = new QVBoxLayout(fromBox);
    auto* from = new MembershipPicker(m_store, false, fromBox);
    from->setObjectName(u"moveFromPicker"_s);
    fromLayout->addWidget(from);
    auto* toBox = new QGroupBox(tr("To"), &dialog);
    auto* toLayout = new QVBoxLayout(toBox);
    auto* to = new MembershipPicker(m_store, false, toBox);
    to->setObjectName(u"moveToPicker"_s);
    toLayout->addWidget(to);
    layout->addWidget(fromBox);
    layout->addWidget(toBox);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Move"));
    buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    layout->addWidget(buttons);
    const auto check = [buttons, from, to]() {
        const bool same = from->tenantId() == to->tenantId() && from->environmentId() == to->environmentId();
        buttons->button(QDialogButtonBox::Ok)->setEnabled(from->isComplete() && to->isComplete() && !same);
    };
    connect(from, &MembershipPicker::changed, buttons, check);
    connect(to, &MembershipPicker::changed, buttons, check);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (!currentTenantSlug().isEmpty())
        from->setTenantSlug(currentTenantSlug());
    dialog.resize(480, dialog.sizeHint().height());
    if (dialog.exec() != QDialog::Accepted || !from->isComplete() || !to->isComplete())
        return;
    BulkUserAction action;
    action.kind = BulkUserActionKind::Move;
    action.userIds = ids;
    action.tenantId = from->tenantId();
    action.environmentId = from->environmentId();
    action.targetTenantId = to->tenantId();
    action.targetEnvironmentId = to->environmentId();
    m_tenantIdsBySlug.insert(from->tenantSlug(), from->tenantId());
    m_tenantIdsBySlug.insert(to->tenantSlug(), to->tenantId());
    if (action.environmentId != 0)
        m_environmentNames.insert(action.environmentId, from->environmentName());
    if (action.targetEnvironmentId != 0)
        m_environmentNames.insert(action.targetEnvironmentId, to->environmentName());
    applyBulkAction(action);
}

bool UsersPage::confirm(const QString& title, const QString& text)
{
    if (!m_confirm)
        return true;
    QMessageBox box(QMessageBox::Question, title, text, QMessageBox::Yes | QMessageBox::Cancel, this);
    box.setObjectName(u"confirmBulkActionBox"_s);
    box.setDefaultButton(QMessageBox::Cancel);
    return box.exec() == QMessageBox::Yes;
}

void UsersPage::applyBulkAction(const BulkUserAction& action)
{
    if (!m_store || m_bulkRunning || action.userIds.isEmpty())
        return;
    const int count = int(action.userIds.size());
    // Whatever takes something away is asked first, naming how many users it touches.
    switch (action.kind) {
    case BulkUserActionKind::SetStatus:
        if (action.status == UserStatus::Disabled
            && !confirm(tr("Disable Users"), tr("Disable %n user(s)? They can no longer sign in.", nullptr, count)))
            return;
        break;
    case BulkUserActionKind::RevokeRole:
        if (!confirm(tr("Remove Role"), tr("Take the role away from %n user(s)?", nullptr, count)))
            return;
        break;
    case BulkUserActionKind::Move:
        if (!confirm(tr("Move Users"), tr("Move the memberships of %n user(s)?", nullptr, count)))
            return;
        break;
    case BulkUserActionKind::GrantRole:
    case BulkUserActionKind::RestoreStatus:
        break;
    }
    runBulkAction(action);
}

void UsersPage::runBulkAction(const BulkUserAction& action)
{
    m_bulkRunning = true;
    updateActions();
    const QFuture<BulkUserResult> future = m_store->applyBulkUserAction(action);
    const int count = int(action.userIds.size());
    QProgressDialog* progress = nullptr;
    if (count > m_progressThreshold) {
        progress = new QProgressDialog(tr("Changing %n user(s)…", nullptr, count), tr("Cancel"), 0, count, this);
        progress->setObjectName(u"bulkProgressDialog"_s);
        progress->setWindowTitle(tr("Users"));
        progress->setWindowModality(Qt::WindowModal);
        progress->setMinimumDuration(0);
        progress->setAutoClose(false);
        progress->setAutoReset(false);
        auto* watcher = new QFutureWatcher<BulkUserResult>(progress);
        connect(watcher, &QFutureWatcherBase::progressValueChanged, progress, &QProgressDialog::setValue);
        // Cancelling cancels the store's work: it rolls everything back.
        QFuture<BulkUserResult> cancellable = future;
        connect(progress, &QProgressDialog::canceled, watcher, [cancellable]() mutable { cancellable.cancel(); });
        watcher->setFuture(future);
        progress->show();
    }
    const auto finish = [this, progress]() {
        if (progress)
            progress->deleteLater();
        m_bulkRunning = false;
        updateActions();
    };
    whenReady(future, this,
        [this, action, finish](const BulkUserResult& result) {
            finish();
            bool recorded = false;
            if (m_history) {
                if (StoreEdit* edit = Edits::bulkUserAction(action, result, describeAction(action, result))) {
                    m_history->record(edit);
                    recorded = true;
                }
            }
            if (!recorded)
                reloadKeepingSelection();
            say(describeResult(action, result));
            Q_EMIT bulkActionFinished();
        },
        [this, future, finish](const StoreError& error) {
            finish();
            if (future.isCanceled())
                say(tr("Cancelled: nothing was changed."));
            else
                say(tr("Nothing was changed: %1").arg(error.message()));
            reloadKeepingSelection();
            Q_EMIT bulkActionFinished();
        });
}

QString UsersPage::describeAction(const BulkUserAction& action, const BulkUserResult& result) const
{
    const int changed = int(result.changedUserIds.size());
    switch (action.kind) {
    case BulkUserActionKind::SetStatus:
        switch (action.status) {
        case UserStatus::Disabled: return tr("Disable %n user(s)", nullptr, changed);
        case UserStatus::Active: return tr("Enable %n user(s)", nullptr, changed);
        case UserStatus::Invited: return tr("Invite %n user(s) again", nullptr, changed);
        }
        break;
    case BulkUserActionKind::GrantRole:
        return tr("Assign %1 to %n user(s)", nullptr, changed).arg(m_roleNames.value(action.roleId));
    case BulkUserActionKind::RevokeRole:
        return tr("Remove %1 from %n user(s)", nullptr, changed).arg(m_roleNames.value(action.roleId));
    case BulkUserActionKind::Move:
        return tr("Move %n user(s)", nullptr, changed);
    case BulkUserActionKind::RestoreStatus:
        return tr("Restore the status of %n user(s)", nullptr, changed);
    }
    return {};
}

QString UsersPage::describeResult(const BulkUserAction& action, const BulkUserResult& result) const
{
    const int changed = int(result.changedUserIds.size());
    const int unchanged = result.unchangedCount;
    const QString tenant = m_tenantIdsBySlug.key(action.tenantId, tr("tenant %1").arg(action.tenantId));
    const QString where = action.environmentId == 0
        ? tenant
        : QString(tenant + u" / "_s + m_environmentNames.value(action.environmentId, QString::number(action.environmentId)));
    const QString role = m_roleNames.value(action.roleId, tr("role %1").arg(action.roleId));
    QString text;
    QString rest;
    switch (action.kind) {
    case BulkUserActionKind::SetStatus:
        switch (action.status) {
        case UserStatus::Disabled:
            text = tr("Disabled %n user(s)", nullptr, changed);
            rest = tr("%n already disabled", nullptr, unchanged);
            break;
        case UserStatus::Active:
            text = tr("Enabled %n user(s)", nullptr, changed);
            rest = tr("%n already active", nullptr, unchanged);
            break;
        case UserStatus::Invited:
            text = tr("Invited %n user(s) again", nullptr, changed);
            rest = tr("%n already invited", nullptr, unchanged);
            break;
        }
        break;
    case BulkUserActionKind::RestoreStatus:
        text = tr("Restored the status of %n user(s)", nullptr, changed);
        rest = tr("%n unchanged", nullptr, unchanged);
        break;
    case BulkUserActionKind::GrantRole:
        text = tr("Gave %n user(s) the role %1 on %2", nullptr, changed).arg(role, where);
        rest = tr("%n already held it", nullptr, unchanged);
        break;
    case BulkUserActionKind::RevokeRole:
        text = tr("Took the role %1 on %2 from %n user(s)", nullptr, changed).arg(role, where);
        rest = tr("%n did not hold it", nullptr, unchanged);
        break;
    case BulkUserActionKind::Move: {
        const QString target = m_tenantIdsBySlug.key(action.targetTenantId, tr("tenant %1").arg(action.targetTenantId));
        const QString to = action.targetEnvironmentId == 0
            ? target
            : QString(target + u" / "_s + m_environmentNames.value(action.targetEnvironmentId, QString::number(action.targetEnvironmentId)));
        text = tr("Moved %n user(s) from %1 to %2", nullptr, changed).arg(where, to);
        rest = tr("%n had no membership there", nullptr, unchanged);
        break;
    }
    }
    return unchanged > 0 ? tr("%1; %2.").arg(text, rest) : tr("%1.").arg(text);
}

void UsersPage::reloadKeepingSelection()
{
    m_reselectIds = selectedUserIds();
    m_reloadRows = m_model->rowCount();
    m_model->reload();
}

void UsersPage::reselect()
{
    // Page by page, as the rows come back (the view loads further pages as it is scrolled).
    if (m_reselectIds.isEmpty())
        return;
    QItemSelection selection;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const UserId id = m_model->userAt(row).id;
        if (m_reselectIds.removeOne(id))
            selection.select(m_model->index(row, 0), m_model->index(row, UserTableModel::ColumnCount - 1));
    }
    m_tableView->selectionModel()->select(selection, QItemSelectionModel::Select | QItemSelectionModel::Rows);
    // As many rows as were there before, so that the selection comes back whole.
    if (!m_reselectIds.isEmpty() && m_model->rowCount() < m_reloadRows && m_model->canFetchMore({}))
        m_model->fetchMore({});
}

void UsersPage::say(const QString& message)
{
    m_lastMessage = message;
    Q_EMIT statusMessage(message);
}

void UsersPage::focusSearch()
{
    m_searchLineEdit->setFocus(Qt::ShortcutFocusReason);
    m_searchLineEdit->selectAll();
}

bool UsersPage::event(QEvent* event)
{
    // Ctrl+F and Ctrl+N anywhere on the page act here rather than on the window's shortcuts (find
    // a tenant, new database): the page claims the key before the window sees it.
    if (event->type() == QEvent::ShortcutOverride || event->type() == QEvent::KeyPress) {
        auto* key = static_cast<QKeyEvent*>(event);
        const bool find = key->matches(QKeySequence::Find);
        const bool create = key->matches(QKeySequence::New);
        if (find || create) {
            key->accept();
            if (event->type() == QEvent::KeyPress) {
                if (find)
                    focusSearch();
                else if (newUserAction->isEnabled())
                    newUser();
            }
            return true;
        }
    }
    return QWidget::event(event);
}

void UsersPage::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_stale && m_store)
        applyFilters();
}

} // namespace TenantDesk
