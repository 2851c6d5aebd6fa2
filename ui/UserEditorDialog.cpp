#include "UserEditorDialog.h"

#include "Async.h"
#include "DetailForm.h"
#include "EditHistory.h"
#include "FieldError.h"
#include "MembershipPicker.h"
#include "Store.h"
#include "StoreError.h"
#include "UserEdits.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace TenantDesk {

using namespace Qt::StringLiterals;

namespace {

enum MembershipColumn { TenantColumn, EnvironmentColumn, RoleColumn, AppliesColumn, MembershipColumnCount };

// What a status change is called on the button or in the list.
QString transitionText(UserStatus to)
{
    switch (to) {
    case UserStatus::Invited: return UserEditorDialog::tr("Invite again");
    case UserStatus::Active: return UserEditorDialog::tr("Activate");
    case UserStatus::Disabled: return UserEditorDialog::tr("Disable");
    }
    return {};
}

QString appliesText(const UserMembership& m)
{
    if (m.membership.environmentId != 0)
        return UserEditorDialog::tr("this environment");
    if (m.inheritedTenantCount > 0)
        return UserEditorDialog::tr("the tenant; also applies to %n sub-tenant(s)", nullptr, m.inheritedTenantCount);
    return UserEditorDialog::tr("the tenant (no sub-tenants)");
}

} // namespace

UserEditorDialog::UserEditorDialog(Store* store, UserId userId, const QString& tenantSlug, QWidget* parent)
    : QDialog(parent)
    , m_store(store)
    , m_userId(userId)
{
    setObjectName(u"userEditorDialog"_s);
    setWindowTitle(userId == 0 ? tr("New User") : tr("Edit User"));
    auto* layout = new QVBoxLayout(this);

    m_principalLabel = new QLabel(this);
    m_principalLabel->setObjectName(u"principalLabel"_s);
    m_principalLabel->setStyleSheet(u"font-weight: bold; color: #6a1b9a;"_s);
    m_principalLabel->hide();
    layout->addWidget(m_principalLabel);

    auto* form = new QFormLayout;
    layout->addLayout(form);
    m_nameLineEdit = new QLineEdit(this);
    m_nameLineEdit->setObjectName(u"nameLineEdit"_s);
    m_nameLineEdit->setMaxLength(200);
    m_nameErrorLabel = makeErrorLabel(u"nameErrorLabel"_s, this);
    form->addRow(tr("Display &name:"), m_nameLineEdit);
    form->addRow(QString(), m_nameErrorLabel);
    m_emailLineEdit = new QLineEdit(this);
    m_emailLineEdit->setObjectName(u"emailLineEdit"_s);
    m_emailLineEdit->setPlaceholderText(tr("name@example.com"));
    m_emailErrorLabel = makeErrorLabel(u"emailErrorLabel"_s, this);
    form->addRow(tr("&E-mail:"), m_emailLineEdit);
    form->addRow(QString(), m_emailErrorLabel);
    m_statusComboBox = new QComboBox(this);
    m_statusComboBox->setObjectName(u"statusComboBox"_s);
    m_statusComboBox->setToolTip(tr("Only the changes a user's status allows are offered"));
    m_statusErrorLabel = makeErrorLabel(u"statusErrorLabel"_s, this);
    form->addRow(tr("&Status:"), m_statusComboBox);
    form->addRow(QString(), m_statusErrorLabel);

    if (userId != 0) {
        m_lastSignInLabel = new QLabel(this);
        m_lastSignInLabel->setObjectName(u"lastSignInLabel"_s);
        m_lastSignInLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
        form->addRow(tr("Last sign-in:"), m_lastSignInLabel);
        m_createdLabel = new QLabel(this);
        m_createdLabel->setObjectName(u"createdLabel"_s);
        m_createdLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
        form->addRow(tr("Created:"), m_createdLabel);

        m_membershipsGroupBox = new QGroupBox(tr("Memberships (added and removed at once)"), this);
        auto* groupLayout = new QVBoxLayout(m_membershipsGroupBox);
        m_membershipsTable = new QTableWidget(0, MembershipColumnCount, m_membershipsGroupBox);
        m_membershipsTable->setObjectName(u"membershipsTable"_s);
        m_membershipsTable->setAccessibleName(tr("Memberships"));
        m_membershipsTable->setHorizontalHeaderLabels({tr("Tenant"), tr("Environment"), tr("Role"), tr("Applies to")});
        m_membershipsTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
        m_membershipsTable->setSelectionBehavior(QAbstractItemView::SelectRows);
        m_membershipsTable->setSelectionMode(QAbstractItemView::SingleSelection);
        m_membershipsTable->verticalHeader()->hide();
        m_membershipsTable->setWordWrap(false);
        m_membershipsTable->horizontalHeader()->setStretchLastSection(true);
        m_membershipsTable->setColumnWidth(TenantColumn, 170);
        m_membershipsTable->setColumnWidth(EnvironmentColumn, 110);
        m_membershipsTable->setColumnWidth(RoleColumn, 120);
        groupLayout->addWidget(m_membershipsTable);
        auto* buttonRow = new QHBoxLayout;
        m_addMembershipButton = new QPushButton(tr("&Add Membership…"), m_membershipsGroupBox);
        m_addMembershipButton->setObjectName(u"addMembershipButton"_s);
        m_removeMembershipButton = new QPushButton(tr("&Remove Membership"), m_membershipsGroupBox);
        m_removeMembershipButton->setObjectName(u"removeMembershipButton"_s);
        buttonRow->addWidget(m_addMembershipButton);
        buttonRow->addWidget(m_removeMembershipButton);
        buttonRow->addStretch(1);
        groupLayout->addLayout(buttonRow);
        layout->addWidget(m_membershipsGroupBox, 1);
        connect(m_addMembershipButton, &QPushButton::clicked, this, &UserEditorDialog::chooseMembershipToAdd);
        connect(m_removeMembershipButton, &QPushButton::clicked, this, [this]() {
            const int row = m_membershipsTable->currentRow();
            if (row < 0 || row >= m_detail.memberships.size())
                return;
            const UserMembership& m = m_detail.memberships.at(row);
            if (m_confirm
                && QMessageBox::question(this, tr("Remove Membership"),
                                         tr("Take the role %1 on %2 away from %3?")
                                             .arg(m.roleName, m.environmentName.isEmpty() ? m.tenantSlug
                                                                                          : QString(m.tenantSlug + u" / "_s + m.environmentName),
                                                  m_detail.user.displayName))
                       != QMessageBox::Yes)
                return;
            removeMembership(row);
        });
        connect(m_membershipsTable, &QTableWidget::itemSelectionChanged, this, &UserEditorDialog::updateButtons);
    } else {
        m_firstMembershipCheckBox = new QCheckBox(tr("Give a &first membership"), this);
        m_firstMembershipCheckBox->setObjectName(u"firstMembershipCheckBox"_s);
        layout->addWidget(m_firstMembershipCheckBox);
        m_firstMembershipPicker = new MembershipPicker(store, true, this);
        m_firstMembershipPicker->setObjectName(u"firstMembershipPicker"_s);
        m_firstMembershipPicker->setEnabled(false);
        layout->addWidget(m_firstMembershipPicker);
        connect(m_firstMembershipCheckBox, &QCheckBox::toggled, m_firstMembershipPicker, &QWidget::setEnabled);
        connect(m_firstMembershipCheckBox, &QCheckBox::toggled, this, &UserEditorDialog::updateButtons);
        connect(m_firstMembershipPicker, &MembershipPicker::changed, this, &UserEditorDialog::updateButtons);
        if (!tenantSlug.isEmpty()) {
            m_firstMembershipCheckBox->setChecked(true);
            m_firstMembershipPicker->setTenantSlug(tenantSlug);
        }
        // A new user is invited unless made active (or disabled) at once.
        for (const UserStatus status : {UserStatus::Invited, UserStatus::Active, UserStatus::Disabled})
            m_statusComboBox->addItem(userStatusDisplayName(status), int(status));
        layout->addStretch(1);
    }

    m_generalErrorLabel = makeErrorLabel(u"generalErrorLabel"_s, this);
    layout->addWidget(m_generalErrorLabel);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    if (userId == 0)
        m_buttons->button(QDialogButtonBox::Save)->setText(tr("C&reate"));
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &UserEditorDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &UserEditorDialog::reject);
    resize(760, userId == 0 ? 380 : 560);

    if (userId != 0) {
        m_nameLineEdit->setEnabled(false); // until read
        m_emailLineEdit->setEnabled(false);
        m_statusComboBox->setEnabled(false);
        load();
    }
    updateButtons();
}

UserEditorDialog::~UserEditorDialog() = default;

void UserEditorDialog::load()
{
    setBusy(true);
    whenReady(m_store->user(m_userId), this,
        [this](const UserDetail& detail) {
            setBusy(false);
            showDetail(detail, true);
        },
        [this](const StoreError& error) {
            setBusy(false);
            showError(error);
        });
}

void UserEditorDialog::showDetail(const UserDetail& detail, bool fields)
{
    m_detail = detail;
    const User& user = detail.user;
    setWindowTitle(tr("Edit User — %1").arg(user.displayName));
    if (fields) {
        m_nameLineEdit->setText(user.displayName);
        m_emailLineEdit->setText(user.email);
        fillStatus(user.status);
    }
    m_nameLineEdit->setEnabled(true);
    m_emailLineEdit->setEnabled(true);
    m_statusComboBox->setEnabled(true);
    QStringList principalRoles;
    for (const Role& role : detail.platformRoles)
        principalRoles.append(role.name);
    m_principalLabel->setText(tr("Platform principal: %1").arg(principalRoles.join(u", "_s)));
    m_principalLabel->setVisible(detail.isPlatformPrincipal());
    m_lastSignInLabel->setText(user.lastSignInAt.isValid() ? formatTime(user.lastSignInAt) : tr("never"));
    m_createdLabel->setText(formatTime(user.createdAt));
    fillMemberships();
    updateButtons();
    Q_EMIT loaded();
}

void UserEditorDialog::fillStatus(UserStatus current)
{
    const QSignalBlocker blocker(m_statusComboBox);
    m_statusComboBox->clear();
    m_statusComboBox->addItem(tr("%1 (unchanged)").arg(userStatusDisplayName(current)), int(current));
    for (const UserStatus to : {UserStatus::Invited, UserStatus::Active, UserStatus::Disabled}) {
        if (to != current && isLegalUserTransition(current, to))
            m_statusComboBox->addItem(tr("%1 → %2").arg(transitionText(to), userStatusDisplayName(to)), int(to));
    }
    m_statusComboBox->setCurrentIndex(0);
}

void UserEditorDialog::fillMemberships()
{
    m_membershipsTable->setRowCount(0);
    for (const UserMembership& m : std::as_const(m_detail.memberships)) {
        const int row = m_membershipsTable->rowCount();
        m_membershipsTable->insertRow(row);
        auto* tenant = new QTableWidgetItem(m.tenantSlug);
        tenant->setToolTip(m.tenantName);
        m_membershipsTable->setItem(row, TenantColumn, tenant);
        m_membershipsTable->setItem(row, EnvironmentColumn,
                                    new QTableWidgetItem(m.membership.environmentId == 0 ? tr("whole tenant") : m.environmentName));
        m_membershipsTable->setItem(row, RoleColumn, new QTableWidgetItem(m.roleName));
        m_membershipsTable->setItem(row, AppliesColumn, new QTableWidgetItem(appliesText(m)));
    }
    if (m_detail.memberships.isEmpty()) {
        m_membershipsGroupBox->setTitle(tr("Memberships: none (added and removed at once)"));
    } else {
        m_membershipsGroupBox->setTitle(tr("Memberships: %n (added and removed at once)", nullptr,
                                           int(m_detail.memberships.size())));
    }
}

UserChange UserEditorDialog::change() const
{
    UserChange change;
    const QString name = m_nameLineEdit->text().trimmed();
    const QString email = m_emailLineEdit->text().trimmed();
    const auto status = UserStatus(m_statusComboBox->currentData().toInt());
    if (isNewUser()) {
        change.displayName = name;
        change.email = email;
        change.status = status;
        return change;
    }
    if (name != m_detail.user.displayName)
        change.displayName = name;
    if (email != m_detail.user.email)
        change.email = email;
    if (status != m_detail.user.status)
        change.status = status;
    return change;
}

void UserEditorDialog::accept()
{
    if (m_busy)
        return;
    if (isNewUser()) {
        create();
        return;
    }
    if (m_detail.user.id == 0)
        return; // not read yet
    const UserChange edited = change();
    if (edited.isEmpty()) {
        m_saved = m_detail.user;
        QDialog::accept();
        return;
    }
    save(edited, m_detail.user.version);
}

void UserEditorDialog::clearErrors()
{
    for (QLabel* label : {m_nameErrorLabel, m_emailErrorLabel, m_statusErrorLabel, m_generalErrorLabel})
        setError(label, {});
}

void UserEditorDialog::save(const UserChange& edited, qint64 version)
{
    clearErrors();
    setBusy(true);
    const User before = m_detail.user;
    whenReady(m_store->updateUser(m_userId, edited, version), this,
        [this, before, edited](const User& saved) {
            setBusy(false);
            m_saved = saved;
            if (m_history) {
                if (StoreEdit* edit = Edits::userUpdate(before, saved, edited))
                    m_history->record(edit);
            }
            QDialog::accept();
        },
        [this, edited](const StoreError& error) {
            setBusy(false);
            if (error.code() == ErrorCode::Conflict && error.field().isEmpty())
                resolveConflict(edited, error);
            else
                showError(error);
        });
}

void UserEditorDialog::create()
{
    clearErrors();
    NewUser request;
    request.displayName = m_nameLineEdit->text().trimmed();
    request.email = m_emailLineEdit->text().trimmed();
    request.status = UserStatus(m_statusComboBox->currentData().toInt());
    if (m_firstMembershipCheckBox->isChecked()) {
        if (!m_firstMembershipPicker->isComplete()) {
            setError(m_generalErrorLabel, tr("Choose a tenant and a role for the first membership, or leave it out."));
            return;
        }
        request.membership = Membership{m_firstMembershipPicker->tenantId(), 0, m_firstMembershipPicker->environmentId(),
                                        m_firstMembershipPicker->roleId()};
    }
    setBusy(true);
    whenReady(m_store->createUser(request), this,
        [this](const User& created) {
            setBusy(false);
            m_saved = created;
            QDialog::accept();
        },
        [this](const StoreError& error) {
            setBusy(false);
            showError(error);
        });
}

void UserEditorDialog::showError(const StoreError& error)
{
    const QString field = error.field();
    QLabel* label = m_generalErrorLabel;
    if (field.contains(u"email"_s))
        label = m_emailErrorLabel;
    else if (field.contains(u"name"_s))
        label = m_nameErrorLabel;
    else if (field.contains(u"status"_s))
        label = m_statusErrorLabel;
    else if (error.code() == ErrorCode::Conflict && isNewUser())
        label = m_emailErrorLabel; // the e-mail is taken
    setError(label, label == m_generalErrorLabel ? error.fullMessage() : error.message());
    if (label != m_generalErrorLabel) {
        if (QWidget* buddy = label == m_emailErrorLabel ? static_cast<QWidget*>(m_emailLineEdit)
                             : label == m_nameErrorLabel ? static_cast<QWidget*>(m_nameLineEdit)
                                                         : static_cast<QWidget*>(m_statusComboBox))
            buddy->setFocus(Qt::OtherFocusReason);
    }
    Q_EMIT failed(error.message());
}

void UserEditorDialog::resolveConflict(const UserChange& edited, const StoreError& refusal)
{
    // The current version, read again: the same on every backend.
    setBusy(true);
    whenReady(m_store->user(m_userId), this,
        [this, edited, refusal](const UserDetail& current) {
            setBusy(false);
            if (current.user.version == m_detail.user.version) {
                // Not a change by someone else: a value taken (another user's e-mail).
                setError(m_emailErrorLabel, refusal.message());
                Q_EMIT failed(refusal.message());
                return;
            }
            UserConflictDialog conflict(m_detail.user, current.user, edited, this);
            if (conflict.exec() == QDialog::Accepted) {
                showDetail(current, false); // the change now applies to what is stored
                save(edited, current.user.version);
            } else {
                m_saved = current.user;
                QDialog::reject();
            }
        },
        [this](const StoreError& error) {
            setBusy(false);
            showError(error);
        });
}

void UserEditorDialog::chooseMembershipToAdd()
{
    QDialog dialog(this);
    dialog.setObjectName(u"addMembershipDialog"_s);
    dialog.setWindowTitle(tr("Add Membership — %1").arg(m_detail.user.displayName));
    auto* layout = new QVBoxLayout(&dialog);
    auto* intro = new QLabel(tr("A role on a whole tenant also applies to its sub-tenants."), &dialog);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto* picker = new MembershipPicker(m_store, true, &dialog);
    layout->addWidget(picker);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Add"));
    buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    layout->addWidget(buttons);
    connect(picker, &MembershipPicker::changed, buttons,
            [buttons, picker]() { buttons->button(QDialogButtonBox::Ok)->setEnabled(picker->isComplete()); });
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    dialog.resize(460, dialog.sizeHint().height());
    if (dialog.exec() != QDialog::Accepted || !picker->isComplete())
        return;
    addMembership(Membership{picker->tenantId(), m_userId, picker->environmentId(), picker->roleId()});
}

void UserEditorDialog::addMembership(const Membership& membership)
{
    clearErrors();
    setBusy(true);
    whenReady(m_store->grantMembership(membership), this,
        [this, membership](const UserMembership& granted) {
            setBusy(false);
            m_membershipsChanged = true;
            if (m_history) {
                BulkUserAction action;
                action.kind = BulkUserActionKind::GrantRole;
                action.userIds = {m_userId};
                action.tenantId = membership.tenantId;
                action.environmentId = membership.environmentId;
                action.roleId = membership.roleId;
                BulkUserResult result;
                result.changedUserIds = {m_userId};
                m_history->record(Edits::bulkUserAction(action, result,
                    tr("Give %1 the role %2 on %3").arg(m_detail.user.displayName, granted.roleName, granted.tenantSlug)));
            }
            m_detail.memberships.append(granted);
            fillMemberships();
            Q_EMIT loaded();
        },
        [this](const StoreError& error) {
            setBusy(false);
            showError(error);
        });
}

void UserEditorDialog::removeMembership(int row)
{
    if (row < 0 || row >= m_detail.memberships.size())
        return;
    clearErrors();
    const UserMembership m = m_detail.memberships.at(row);
    setBusy(true);
    whenReady(m_store->revokeMembership(m.membership), this,
        [this, m](const UserMembership&) {
            setBusy(false);
            m_membershipsChanged = true;
            if (m_history) {
                BulkUserAction action;
                action.kind = BulkUserActionKind::RevokeRole;
                action.userIds = {m_userId};
                action.tenantId = m.membership.tenantId;
                action.environmentId = m.membership.environmentId;
                action.roleId = m.membership.roleId;
                BulkUserResult result;
                result.changedUserIds = {m_userId};
                m_history->record(Edits::bulkUserAction(action, result,
                    tr("Take the role %1 on %2 from %3").arg(m.roleName, m.tenantSlug, m_detail.user.displayName)));
            }
            m_detail.memberships.removeIf([&m](const UserMembership& held) { return held.membership == m.membership; });
            fillMemberships();
            Q_EMIT loaded();
        },
        [this](const StoreError& error) {
            setBusy(false);
            showError(error);
        });
}

void UserEditorDialog::setBusy(bool busy)
{
    m_busy = busy;
    setCursor(busy ? Qt::BusyCursor : Qt::ArrowCursor);
    updateButtons();
}

void UserEditorDialog::updateButtons()
{
    // A new user's first membership is ticked (New User with a tenant in scope) before the buttons
    // are made; the constructor calls this again once they are.
    if (!m_buttons)
        return;
    const bool ready = isNewUser() || m_detail.user.id != 0;
    m_buttons->button(QDialogButtonBox::Save)->setEnabled(!m_busy && ready);
    if (m_addMembershipButton) {
        m_addMembershipButton->setEnabled(!m_busy && ready);
        m_removeMembershipButton->setEnabled(!m_busy && ready && m_membershipsTable->currentRow() >= 0
                                             && !m_membershipsTable->selectedItems().isEmpty());
    }
}

UserConflictDialog::UserConflictDialog(const User& read, const User& current, const UserChange& change, QWidget* parent)
    : QDialog(parent)
{
    setObjectName(u"userConflictDialog"_s);
    setWindowTitle(tr("%1 was changed by someone else").arg(current.displayName));
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("While you were editing, “%1” was changed (now version %2, you started from version %3). "
                                "Compare the values, then apply your change to the current version or keep the current one.")
                                 .arg(current.displayName).arg(current.version).arg(read.version), this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    struct Row { QString label; std::optional<QString> mine; QString when; QString now; };
    const Row rows[] = {
        {tr("Display name"), change.displayName, read.displayName, current.displayName},
        {tr("E-mail"), change.email, read.email, current.email},
        {tr("Status"), change.status ? std::optional<QString>(userStatusDisplayName(*change.status)) : std::nullopt,
         userStatusDisplayName(read.status), userStatusDisplayName(current.status)},
    };
    m_table = new QTableWidget(0, 4, this);
    m_table->setObjectName(u"conflictTable"_s);
    m_table->setHorizontalHeaderLabels({tr("Field"), tr("Your change"), tr("Now stored"), tr("When you started")});
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    for (const Row& row : rows) {
        if (!row.mine && row.when == row.now)
            continue; // neither side touched it
        const int r = m_table->rowCount();
        m_table->insertRow(r);
        m_table->setItem(r, 0, new QTableWidgetItem(row.label));
        m_table->setItem(r, 1, new QTableWidgetItem(row.mine ? *row.mine : tr("(unchanged)")));
        auto* now = new QTableWidgetItem(row.now);
        if (row.now != row.when) {
            QFont bold = now->font();
            bold.setBold(true);
            now->setFont(bold);
        }
        m_table->setItem(r, 2, now);
        m_table->setItem(r, 3, new QTableWidgetItem(row.when));
    }
    layout->addWidget(m_table);

    auto* buttons = new QDialogButtonBox(this);
    QPushButton* apply = buttons->addButton(tr("&Apply my change"), QDialogButtonBox::AcceptRole);
    apply->setObjectName(u"applyMineButton"_s);
    QPushButton* keep = buttons->addButton(tr("&Keep theirs"), QDialogButtonBox::RejectRole);
    keep->setObjectName(u"keepTheirsButton"_s);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(680, 280);
}

} // namespace TenantDesk
