#include "TenantAdministration.h"

#include "Async.h"
#include "DecommissionDialog.h"
#include "EditHistory.h"
#include "EnvironmentSettingsDialog.h"
#include "Permission.h"
#include "PromoteDialog.h"
#include "Store.h"
#include "StoreError.h"
#include "TenantCreateDialog.h"
#include "TenantSettings.h"
#include "TenantSettingsDialog.h"

#include <QAction>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QInputDialog>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QStandardPaths>
#include <QVBoxLayout>
#include <QWidget>

namespace TenantDesk {

using namespace Qt::StringLiterals;

namespace {

QAction* makeAction(QObject* parent, const QString& objectName, const QKeySequence& shortcut = {})
{
    auto* action = new QAction(parent);
    action->setObjectName(objectName);
    if (!shortcut.isEmpty())
        action->setShortcut(shortcut);
    return action;
}

} // namespace

TenantAdministration::TenantAdministration(QWidget* window, std::function<AdminSelection()> selection)
    : QObject(window)
    , m_window(window)
    , m_selection(std::move(selection))
    , m_history(new EditHistory(this))
{
    newTenantAction = makeAction(this, u"newTenantAction"_s, QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
    settingsAction = makeAction(this, u"tenantSettingsAction"_s, QKeySequence(Qt::CTRL | Qt::Key_E));
    provisionAction = makeAction(this, u"provisionAction"_s);
    activateAction = makeAction(this, u"activateAction"_s);
    suspendAction = makeAction(this, u"suspendAction"_s);
    resumeAction = makeAction(this, u"resumeAction"_s);
    decommissionAction = makeAction(this, u"decommissionAction"_s);
    deleteAction = makeAction(this, u"deleteTenantAction"_s, QKeySequence(Qt::SHIFT | Qt::Key_Delete));
    restoreAction = makeAction(this, u"restoreAction"_s);
    addEnvironmentAction = makeAction(this, u"addEnvironmentAction"_s);
    renameEnvironmentAction = makeAction(this, u"renameEnvironmentAction"_s);
    environmentSettingsAction = makeAction(this, u"environmentSettingsAction"_s);
    removeEnvironmentAction = makeAction(this, u"removeEnvironmentAction"_s);
    promoteAction = makeAction(this, u"promoteAction"_s, QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    retranslate();

    connect(newTenantAction, &QAction::triggered, this, &TenantAdministration::createTenant);
    connect(settingsAction, &QAction::triggered, this, &TenantAdministration::editSettings);
    connect(provisionAction, &QAction::triggered, this, [this]() { changeStatus(TenantStatus::Provisioning); });
    connect(activateAction, &QAction::triggered, this, [this]() { changeStatus(TenantStatus::Active); });
    connect(suspendAction, &QAction::triggered, this, [this]() { changeStatus(TenantStatus::Suspended); });
    connect(resumeAction, &QAction::triggered, this, [this]() { changeStatus(TenantStatus::Active); });
    connect(decommissionAction, &QAction::triggered, this, &TenantAdministration::decommission);
    connect(deleteAction, &QAction::triggered, this, &TenantAdministration::deleteTenant);
    connect(restoreAction, &QAction::triggered, this, [this]() { restoreFromBackup(); });
    connect(addEnvironmentAction, &QAction::triggered, this, &TenantAdministration::addEnvironment);
    connect(renameEnvironmentAction, &QAction::triggered, this, &TenantAdministration::renameEnvironment);
    connect(environmentSettingsAction, &QAction::triggered, this, &TenantAdministration::editEnvironmentSettings);
    connect(removeEnvironmentAction, &QAction::triggered, this, &TenantAdministration::removeEnvironment);
    connect(promoteAction, &QAction::triggered, this, &TenantAdministration::promote);

    connect(m_history, &EditHistory::tenantChanged, this, &TenantAdministration::tenantChanged);
    connect(m_history, &EditHistory::structureChanged, this, &TenantAdministration::structureChanged);
    connect(m_history, &EditHistory::environmentsChanged, this, &TenantAdministration::environmentsChanged);
    connect(m_history, &EditHistory::failed, this, [this](const QString& title, const QString& message) {
        Q_EMIT failed(title, message);
        Q_EMIT finished();
    });
    connect(m_history->stack(), &QUndoStack::indexChanged, this, &TenantAdministration::finished);
    updateActions();
}

TenantAdministration::~TenantAdministration() = default;

void TenantAdministration::setStore(Store* store)
{
    m_store = store;
    m_history->setStore(store);
    updateActions();
}

void TenantAdministration::retranslate()
{
    newTenantAction->setText(tr("&New Tenant…"));
    newTenantAction->setToolTip(tr("Create a tenant under the selected one (or at the top level when the platform is selected)"));
    settingsAction->setText(tr("&Settings…"));
    provisionAction->setText(tr("&Provision"));
    activateAction->setText(tr("&Activate"));
    suspendAction->setText(tr("S&uspend…"));
    resumeAction->setText(tr("&Resume"));
    decommissionAction->setText(tr("&Decommission…"));
    deleteAction->setText(tr("De&lete…"));
    restoreAction->setText(tr("Restore from &Backup…"));
    addEnvironmentAction->setText(tr("Add &Environment…"));
    renameEnvironmentAction->setText(tr("Re&name Environment…"));
    environmentSettingsAction->setText(tr("Environment Se&ttings…"));
    removeEnvironmentAction->setText(tr("Remo&ve Environment…"));
    promoteAction->setText(tr("&Promote Settings…"));
    m_history->retranslate();
}

void TenantAdministration::updateActions()
{
    const AdminSelection s = m_selection ? m_selection() : AdminSelection{};
    const bool open = m_store != nullptr;
    const bool tenant = open && s.tenantId != 0;
    const auto can = [&](TenantStatus to) { return tenant && isLegalTransition(s.status, to); };
    newTenantAction->setEnabled(open && (s.platform || (tenant && !isDormant(s.status))));
    settingsAction->setEnabled(tenant && s.status != TenantStatus::Archived && s.status != TenantStatus::Decommissioning);
    provisionAction->setEnabled(can(TenantStatus::Provisioning));
    activateAction->setEnabled(tenant && s.status == TenantStatus::Provisioning);
    suspendAction->setEnabled(can(TenantStatus::Suspended));
    resumeAction->setEnabled(tenant && s.status == TenantStatus::Suspended);
    decommissionAction->setEnabled(tenant && (s.status == TenantStatus::Suspended || s.status == TenantStatus::Decommissioning));
    deleteAction->setEnabled(tenant && (s.status == TenantStatus::Requested || s.status == TenantStatus::Archived));
    restoreAction->setEnabled(open);
    const bool live = tenant && !isDormant(s.status);
    addEnvironmentAction->setEnabled(live || (tenant && s.status == TenantStatus::Suspended));
    renameEnvironmentAction->setEnabled(open && s.environmentId != 0);
    removeEnvironmentAction->setEnabled(open && s.environmentId != 0);
    environmentSettingsAction->setEnabled(open && s.environmentId != 0 && !isDormant(s.status));
    promoteAction->setEnabled(tenant && s.status != TenantStatus::Archived && s.status != TenantStatus::Decommissioning);

    // What the policy denies the principal stays disabled (the store refuses it anyway).
    const QList<QAction*> all{newTenantAction, settingsAction, provisionAction, activateAction, suspendAction,
                              resumeAction, decommissionAction, deleteAction, restoreAction, addEnvironmentAction,
                              renameEnvironmentAction, environmentSettingsAction, removeEnvironmentAction, promoteAction};
    if (m_readOnly) {
        for (QAction* action : all)
            action->setEnabled(false);
        return;
    }
    if (!m_principal)
        return;
    const Principal& p = *m_principal;
    const Tenant target{.id = s.tenantId, .parentId = s.ancestorIds.isEmpty() ? 0 : s.ancestorIds.constLast(),
                        .ancestorIds = s.ancestorIds};
    const auto may = [&](const QString& permission) {
        return s.tenantId != 0 ? Policy::allows(p, permission, target) : p.platformPermissions.contains(permission);
    };
    const auto mayEnvironment = [&](const QString& permission) {
        return s.tenantId != 0 && Policy::allowsEnvironment(p, permission, target, s.environmentId);
    };
    const auto gate = [](QAction* action, bool allowed) {
        if (!allowed)
            action->setEnabled(false);
    };
    gate(newTenantAction, may(Permission::TenantCreate));
    gate(settingsAction, may(Permission::TenantUpdate));
    for (QAction* action : {provisionAction, activateAction, suspendAction, resumeAction, decommissionAction, deleteAction})
        gate(action, may(Permission::TenantLifecycle));
    gate(restoreAction, p.platformPermissions.contains(Permission::TenantLifecycle));
    gate(addEnvironmentAction, may(Permission::EnvironmentManage));
    for (QAction* action : {renameEnvironmentAction, environmentSettingsAction, removeEnvironmentAction, promoteAction})
        gate(action, mayEnvironment(Permission::EnvironmentManage));
}

void TenantAdministration::setPrincipal(const std::optional<Principal>& principal)
{
    m_principal = principal;
    updateActions();
}

void TenantAdministration::setReadOnly(bool readOnly)
{
    m_readOnly = readOnly;
    updateActions();
}

void TenantAdministration::fillMenu(QMenu* menu) const
{
    menu->addAction(newTenantAction);
    menu->addAction(settingsAction);
    menu->addSeparator();
    QMenu* lifecycle = menu->addMenu(tr("&Lifecycle"));
    lifecycle->setObjectName(u"lifecycleMenu"_s);
    for (QAction* action : {provisionAction, activateAction, suspendAction, resumeAction, decommissionAction})
        lifecycle->addAction(action);
    menu->addAction(deleteAction);
    menu->addAction(restoreAction);
    menu->addSeparator();
    for (QAction* action : {addEnvironmentAction, renameEnvironmentAction, environmentSettingsAction, removeEnvironmentAction,
                            promoteAction})
        menu->addAction(action);
}

void TenantAdministration::fillContextMenu(QMenu* menu) const
{
    for (QAction* action : {newTenantAction, settingsAction, promoteAction, addEnvironmentAction})
        menu->addAction(action);
    for (QAction* action : {provisionAction, activateAction, suspendAction, resumeAction, decommissionAction, deleteAction}) {
        if (action->isEnabled())
            menu->addAction(action);
    }
    for (QAction* action : {environmentSettingsAction, renameEnvironmentAction, removeEnvironmentAction}) {
        if (action->isEnabled())
            menu->addAction(action);
    }
}

bool TenantAdministration::confirm(const QString& title, const QString& text) const
{
    if (!m_confirm)
        return true;
    return QMessageBox::question(m_window, title, text, QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel)
        == QMessageBox::Yes;
}

void TenantAdministration::fail(const QString& title, const StoreError& error)
{
    Q_EMIT failed(title, error.message());
    Q_EMIT finished();
}

void TenantAdministration::withSummary(TenantId id, std::function<void(const TenantSummary&)> fn)
{
    if (!m_store || id == 0)
        return;
    whenReady(m_store->tenantSummary(id), this, std::move(fn),
              [this](const StoreError& error) { fail(tr("Could not read the tenant"), error); });
}

void TenantAdministration::createTenant()
{
    const AdminSelection s = m_selection();
    const auto open = [this](const Tenant& parentTenant) {
        TenantCreateDialog dialog(m_store, parentTenant, m_window);
        if (dialog.exec() != QDialog::Accepted)
            return;
        m_history->noteTenantAdded(dialog.created());
        m_history->record(Edits::tenantCreate(dialog.created(), dialog.sent()));
        Q_EMIT tenantCreated(dialog.created());
        Q_EMIT finished();
    };
    if (s.tenantId == 0 || s.platform) {
        open(Tenant{});
        return;
    }
    withSummary(s.tenantId, [open](const TenantSummary& summary) { open(summary.tenant); });
}

void TenantAdministration::editSettings()
{
    withSummary(m_selection().tenantId, [this](const TenantSummary& summary) {
        TenantSettingsDialog dialog(m_store, summary, m_window);
        if (dialog.exec() != QDialog::Accepted || dialog.saved().version == summary.tenant.version)
            return;
        recordTenantUpdate(summary.tenant, dialog.saved(), dialog.change());
    });
}

void TenantAdministration::recordTenantUpdate(const Tenant& before, const Tenant& after, const TenantChange& change)
{
    m_history->noteTenant(after);
    if (after.version != before.version)
        m_history->record(Edits::tenantUpdate(before, after, change));
    Q_EMIT finished();
}

void TenantAdministration::changeStatus(TenantStatus status)
{
    withSummary(m_selection().tenantId, [this, status](const TenantSummary& summary) {
        const Tenant& tenant = summary.tenant;
        if (status == TenantStatus::Suspended
            && !confirm(tr("Suspend %1").arg(tenant.displayName),
                        tr("Suspend “%1”? Its admins and users can no longer sign in until it is resumed.").arg(tenant.displayName)))
            return;
        whenReady(m_store->changeTenantStatus(tenant.id, status, tenant.version), this,
            [this, tenant](const Tenant& after) {
                m_history->noteTenant(after);
                if (StoreEdit* edit = Edits::tenantStatus(tenant, after))
                    m_history->record(edit);
                Q_EMIT finished();
            },
            [this, tenant](const StoreError& error) { fail(tr("Could not change the status of %1").arg(tenant.displayName), error); });
    });
}

void TenantAdministration::decommission()
{
    withSummary(m_selection().tenantId, [this](const TenantSummary& summary) {
        const Tenant& tenant = summary.tenant;
        const auto openChecklist = [this](const Tenant& t) {
            DecommissionDialog dialog(m_store, t, m_window);
            connect(&dialog, &DecommissionDialog::tenantChanged, m_history, &EditHistory::noteTenant);
            dialog.exec();
            Q_EMIT environmentsChanged(t.id);
            Q_EMIT finished();
        };
        if (tenant.status == TenantStatus::Decommissioning) {
            openChecklist(tenant);
            return;
        }
        if (!confirm(tr("Decommission %1").arg(tenant.displayName),
                     tr("Start decommissioning “%1”? It cannot be resumed afterwards; it can only be archived, and later "
                        "restored from its backup.").arg(tenant.displayName)))
            return;
        whenReady(m_store->changeTenantStatus(tenant.id, TenantStatus::Decommissioning, tenant.version), this,
            [this, openChecklist](const Tenant& after) {
                m_history->noteTenant(after);
                openChecklist(after);
            },
            [this, tenant](const StoreError& error) { fail(tr("Could not decommission %1").arg(tenant.displayName), error); });
    });
}

void TenantAdministration::deleteTenant()
{
    withSummary(m_selection().tenantId, [this](const TenantSummary& summary) {
        const Tenant& tenant = summary.tenant;
        QString typed;
        if (m_confirm) {
            bool ok = false;
            typed = QInputDialog::getText(m_window, tr("Delete %1").arg(tenant.displayName),
                                          tr("“%1” and everything it holds will be deleted for good.\n"
                                             "Type its slug, %2, to confirm:").arg(tenant.displayName, tenant.slug),
                                          QLineEdit::Normal, {}, &ok).trimmed();
            if (!ok)
                return;
        } else {
            typed = tenant.slug;
        }
        whenReady(m_store->deleteTenant(tenant.id, typed, tenant.version), this,
            [this](const Tenant& deleted) {
                m_history->noteTenantRemoved(deleted);
                Q_EMIT finished();
            },
            [this, tenant](const StoreError& error) { fail(tr("Could not delete %1").arg(tenant.displayName), error); });
    });
}

void TenantAdministration::restoreFromBackup(const QString& chosenPath)
{
    if (!m_store)
        return;
    QString path = chosenPath;
    if (path.isEmpty())
        path = QFileDialog::getOpenFileName(m_window, tr("Restore a Tenant from Its Backup"),
                                            QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation),
                                            tr("Tenant backups (*.json);;All files (*)"));
    if (path.isEmpty())
        return;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        fail(tr("Could not restore the tenant"),
             StoreError(ErrorCode::NotFound, tr("Could not read “%1”: %2.").arg(path, file.errorString())));
        return;
    }
    const QByteArray backup = file.readAll();
    // Over the archived tenant of the same slug, or under the backup's parent (or at the top level).
    whenReady(m_store->restoreTenant(backup, std::nullopt), this,
        [this](const Tenant& restored) {
            m_history->noteTenantAdded(restored);
            Q_EMIT tenantChanged(restored);
            Q_EMIT tenantCreated(restored);
            Q_EMIT finished();
        },
        [this, path](const StoreError& error) { fail(tr("Could not restore the tenant from “%1”").arg(path), error); });
}

void TenantAdministration::addEnvironment()
{
    withSummary(m_selection().tenantId, [this](const TenantSummary& summary) {
        QDialog dialog(m_window);
        dialog.setWindowTitle(tr("Add Environment to %1").arg(summary.tenant.displayName));
        auto* form = new QFormLayout;
        auto* kind = new QComboBox(&dialog);
        kind->setObjectName(u"kindCombo"_s);
        for (EnvironmentKind k : allEnvironmentKinds)
            kind->addItem(environmentKindDisplayName(k), int(k));
        auto* name = new QLineEdit(&dialog);
        name->setObjectName(u"environmentNameEdit"_s);
        name->setText(environmentKindDisplayName(allEnvironmentKinds[0]));
        connect(kind, &QComboBox::currentIndexChanged, name, [name, kind]() { name->setText(kind->currentText()); });
        form->addRow(tr("&Kind:"), kind);
        form->addRow(tr("&Name:"), name);
        auto* layout = new QVBoxLayout(&dialog);
        layout->addLayout(form);
        auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
        connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
        connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
        layout->addWidget(buttons);
        if (dialog.exec() != QDialog::Accepted)
            return;
        const NewEnvironment request{name->text().trimmed(), EnvironmentKind(kind->currentData().toInt()), {}};
        whenReady(m_store->addEnvironment(summary.tenant.id, request), this,
            [this](const Environment& added) {
                m_history->noteEnvironment(added);
                m_history->record(Edits::environmentAdd(added));
                Q_EMIT finished();
            },
            [this](const StoreError& error) { fail(tr("Could not add the environment"), error); });
    });
}

void TenantAdministration::renameEnvironment()
{
    const AdminSelection s = m_selection();
    withSummary(s.tenantId, [this, s](const TenantSummary& summary) {
        for (const Environment& environment : summary.environments) {
            if (environment.id != s.environmentId)
                continue;
            bool ok = false;
            const QString name = QInputDialog::getText(m_window, tr("Rename Environment"), tr("New name:"), QLineEdit::Normal,
                                                       environment.name, &ok).trimmed();
            if (!ok || name == environment.name)
                return;
            whenReady(m_store->updateEnvironment(environment.id, {name, std::nullopt}, environment.version), this,
                [this, environment](const Environment& after) {
                    m_history->noteEnvironment(after);
                    m_history->record(Edits::environmentUpdate(environment, after,
                                                               tr("Rename environment %1").arg(environment.name)));
                    Q_EMIT finished();
                },
                [this](const StoreError& error) { fail(tr("Could not rename the environment"), error); });
        }
    });
}

void TenantAdministration::editEnvironmentSettings()
{
    const AdminSelection s = m_selection();
    withSummary(s.tenantId, [this, s](const TenantSummary& summary) {
        for (const Environment& environment : summary.environments) {
            if (environment.id != s.environmentId)
                continue;
            EnvironmentSettingsDialog dialog(m_store, environment, m_window);
            if (dialog.exec() != QDialog::Accepted || dialog.saved().version == environment.version)
                return;
            m_history->noteEnvironment(dialog.saved());
            m_history->record(Edits::environmentUpdate(environment, dialog.saved(),
                                                       tr("Change settings of %1").arg(environment.name)));
            Q_EMIT finished();
        }
    });
}

void TenantAdministration::removeEnvironment()
{
    const AdminSelection s = m_selection();
    withSummary(s.tenantId, [this, s](const TenantSummary& summary) {
        for (const Environment& environment : summary.environments) {
            if (environment.id != s.environmentId)
                continue;
            if (!confirm(tr("Remove %1").arg(environment.name),
                         tr("Remove the environment “%1” of “%2”, with its memberships and usage? Undo adds it back "
                            "with its settings, not its memberships.").arg(environment.name, summary.tenant.displayName)))
                return;
            whenReady(m_store->removeEnvironment(environment.id, environment.version), this,
                [this](const Environment& removed) {
                    m_history->noteEnvironmentRemoved(removed);
                    m_history->record(Edits::environmentRemove(removed));
                    Q_EMIT finished();
                },
                [this](const StoreError& error) { fail(tr("Could not remove the environment"), error); });
        }
    });
}

void TenantAdministration::promote()
{
    const AdminSelection s = m_selection();
    withSummary(s.tenantId, [this, s](const TenantSummary& summary) {
        if (summary.environments.size() < 2) {
            Q_EMIT failed(tr("Nothing to promote"), tr("“%1” has fewer than two environments.").arg(summary.tenant.displayName));
            return;
        }
        PromoteDialog dialog(m_store, summary.environments, m_window);
        if (s.environmentId != 0)
            dialog.setSource(s.environmentId);
        if (dialog.exec() != QDialog::Accepted)
            return;
        m_history->noteEnvironment(dialog.promoted());
        if (dialog.promoted().version != dialog.targetBefore().version)
            m_history->record(Edits::environmentUpdate(dialog.targetBefore(), dialog.promoted(),
                                                       tr("Promote settings to %1").arg(dialog.promoted().name)));
        Q_EMIT finished();
    });
}

void TenantAdministration::requestMove(TenantId tenantId, TenantId newParentId)
{
    if (!m_store || m_readOnly || tenantId == newParentId)
        return;
    withSummary(tenantId, [this, newParentId](const TenantSummary& summary) {
        const Tenant tenant = summary.tenant;
        if (tenant.parentId == newParentId)
            return;
        const auto move = [this, tenant, newParentId](const QString& where) {
            if (!confirm(tr("Move %1").arg(tenant.displayName),
                         tr("Move “%1”, with its sub-tenants, under %2?").arg(tenant.displayName, where)))
                return;
            whenReady(m_store->moveTenant(tenant.id, newParentId, tenant.version), this,
                [this, tenant](const Tenant& after) {
                    m_history->noteTenant(after);
                    m_history->record(Edits::tenantMove(tenant, after));
                    Q_EMIT structureChanged(tenant.parentId);
                    Q_EMIT structureChanged(after.parentId);
                    Q_EMIT finished();
                },
                [this, tenant](const StoreError& error) { fail(tr("Could not move %1").arg(tenant.displayName), error); });
        };
        if (newParentId == 0) {
            move(tr("the platform (as a top-level tenant)"));
            return;
        }
        whenReady(m_store->tenant(newParentId), this, [move](const Tenant& parent) { move(u"“%1”"_s.arg(parent.displayName)); },
                  [this](const StoreError& error) { fail(tr("Could not move the tenant"), error); });
    });
}

} // namespace TenantDesk
