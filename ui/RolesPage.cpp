#include "RolesPage.h"

#include "Async.h"
#include "DetailForm.h"
#include "EditHistory.h"
#include "EffectivePermissionsDialog.h"
#include "FieldError.h"
#include "Permission.h"
#include "PermissionMatrixModel.h"
#include "RoleListModel.h"

#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace TenantDesk {

// What the role edits of one store know: the version each role was left at by these edits, and
// the id a role has now that an undo or redo created it again. A role changed by someone else
// meanwhile is refused with a conflict, as a tenant is.
struct RoleLedger {
    QHash<RoleId, RoleId> ids;
    QHash<RoleId, qint64> versions;
    std::function<void(RoleId)> changed; // the page shows the role (0: the list) again

    RoleId resolve(RoleId id) const { return ids.value(id, id); }
    qint64 version(RoleId id) const { return versions.value(resolve(id), 1); }
    void note(const Role& role) { versions.insert(role.id, role.version); }
    void remap(RoleId original, RoleId now)
    {
        for (auto it = ids.begin(); it != ids.end(); ++it) {
            if (it.value() == original)
                it.value() = now;
        }
        ids.insert(original, now);
    }
    QList<RoleId> resolveAll(const QList<RoleId>& list) const
    {
        QList<RoleId> resolved;
        for (RoleId id : list)
            resolved.append(resolve(id));
        return resolved;
    }
    void show(RoleId id) const
    {
        if (changed)
            changed(id);
    }
};

namespace {

using Done = std::function<void()>;
using Failed = std::function<void(const StoreError&)>;

int scopeRank(RoleScope scope)
{
    switch (scope) {
    case RoleScope::Environment: return 0;
    case RoleScope::Tenant: return 1;
    case RoleScope::Platform: return 2;
    }
    return 2;
}

NewRole requestFor(const Role& role, const RoleLedger& ledger)
{
    return NewRole{role.tenantId, role.name, role.description, role.scope, role.permissions,
                   ledger.resolveAll(role.includedRoleIds)};
}

// A role created (undo deletes it) or deleted (undo creates it again).
class RolePresence : public StoreEdit
{
public:
    RolePresence(std::shared_ptr<RoleLedger> ledger, const Role& role, bool created)
        : m_ledger(std::move(ledger)), m_role(role), m_created(created)
    {
        setText(created ? QCoreApplication::translate("Edits", "Create role %1").arg(role.name)
                        : QCoreApplication::translate("Edits", "Delete role %1").arg(role.name));
    }
    void run(EditHistory& h, bool forward, Done done, Failed failed) override
    {
        RoleLedger& ledger = *m_ledger;
        if (forward == m_created) {
            whenReady(h.store()->createRole(requestFor(m_role, ledger)), &h, [this, done](const Role& r) {
                m_ledger->remap(m_role.id, r.id);
                m_ledger->note(r);
                m_ledger->show(r.id);
                done();
            }, failed);
            return;
        }
        whenReady(h.store()->deleteRole(ledger.resolve(m_role.id), ledger.version(m_role.id)), &h, [this, done](const Role&) {
            m_ledger->show(0);
            done();
        }, failed);
    }

private:
    std::shared_ptr<RoleLedger> m_ledger;
    Role m_role;
    bool m_created;
};

class RoleUpdate : public StoreEdit
{
public:
    RoleUpdate(std::shared_ptr<RoleLedger> ledger, const Role& before, const Role& after, const RoleChange& change)
        : m_ledger(std::move(ledger)), m_id(before.id)
    {
        setText(QCoreApplication::translate("Edits", "Change role %1").arg(after.name));
        if (change.name) {
            m_before.name = before.name;
            m_after.name = after.name;
        }
        if (change.description) {
            m_before.description = before.description;
            m_after.description = after.description;
        }
        if (change.permissions) {
            m_before.permissions = before.permissions;
            m_after.permissions = after.permissions;
        }
        if (change.includedRoleIds) {
            m_before.includedRoleIds = before.includedRoleIds;
            m_after.includedRoleIds = after.includedRoleIds;
        }
    }
    void run(EditHistory& h, bool forward, Done done, Failed failed) override
    {
        RoleChange change = forward ? m_after : m_before;
        if (change.includedRoleIds)
            change.includedRoleIds = m_ledger->resolveAll(*change.includedRoleIds);
        whenReady(h.store()->updateRole(m_ledger->resolve(m_id), change, m_ledger->version(m_id)), &h,
                  [this, done](const Role& r) {
                      m_ledger->note(r);
                      m_ledger->show(r.id);
                      done();
                  }, failed);
    }

private:
    std::shared_ptr<RoleLedger> m_ledger;
    RoleId m_id;
    RoleChange m_before, m_after;
};

// The New Role dialog: name, description and scope; the store's refusal beside its field.
class NewRoleDialog : public QDialog
{
public:
    NewRoleDialog(const QString& tenantText, QWidget* parent)
        : QDialog(parent)
    {
        setObjectName(u"newRoleDialog"_s);
        setMinimumWidth(460);
        setWindowTitle(QCoreApplication::translate("RolesPage", "New Role"));
        auto* layout = new QVBoxLayout(this);
        auto* intro = new QLabel(QCoreApplication::translate("RolesPage", "A custom role of %1. Its permissions and the roles it "
                                                                          "includes are chosen on the page once it exists.").arg(tenantText), this);
        intro->setWordWrap(true);
        layout->addWidget(intro);
        auto* form = new QFormLayout;
        nameLineEdit = new QLineEdit(this);
        nameLineEdit->setObjectName(u"nameLineEdit"_s);
        form->addRow(QCoreApplication::translate("RolesPage", "&Name:"), nameLineEdit);
        nameErrorLabel = makeErrorLabel(u"nameErrorLabel"_s, this);
        form->addRow(QString(), nameErrorLabel);
        descriptionLineEdit = new QLineEdit(this);
        descriptionLineEdit->setObjectName(u"descriptionLineEdit"_s);
        form->addRow(QCoreApplication::translate("RolesPage", "&Description:"), descriptionLineEdit);
        scopeComboBox = new QComboBox(this);
        scopeComboBox->setObjectName(u"scopeComboBox"_s);
        for (RoleScope scope : {RoleScope::Tenant, RoleScope::Environment, RoleScope::Platform})
            scopeComboBox->addItem(roleScopeDisplayName(scope), int(scope));
        form->addRow(QCoreApplication::translate("RolesPage", "&Scope:"), scopeComboBox);
        layout->addLayout(form);
        generalErrorLabel = makeErrorLabel(u"generalErrorLabel"_s, this);
        layout->addWidget(generalErrorLabel);
        buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
        buttons->button(QDialogButtonBox::Ok)->setText(QCoreApplication::translate("RolesPage", "&Create"));
        buttons->button(QDialogButtonBox::Ok)->setObjectName(u"createButton"_s);
        connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
        layout->addWidget(buttons);
    }

    QLineEdit* nameLineEdit;
    QLabel* nameErrorLabel;
    QLineEdit* descriptionLineEdit;
    QComboBox* scopeComboBox;
    QLabel* generalErrorLabel;
    QDialogButtonBox* buttons;
};

} // namespace

RolesPage::RolesPage(QWidget* parent)
    : QWidget(parent)
    , m_roleModel(new RoleListModel(this))
    , m_matrixModel(new PermissionMatrixModel(this))
{
    auto* layout = new QVBoxLayout(this);
    m_titleLabel = makeTitleLabel(u"rolesTitleLabel"_s, this);
    layout->addWidget(m_titleLabel);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(u"rolesSplitter"_s);
    splitter->addWidget(createListPane());
    splitter->addWidget(createDetailPane());
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 5);
    splitter->setSizes({230, 520});
    layout->addWidget(splitter, 1);

    connect(m_roleModel, &RoleListModel::loaded, this, [this]() {
        m_loadErrorFrame->hide();
        const RoleId wanted = m_pendingSelection != 0 ? m_pendingSelection : m_current.id;
        m_pendingSelection = 0;
        const int row = m_roleModel->rowOf(wanted);
        m_roleTableView->setCurrentIndex(m_roleModel->index(row >= 0 ? row : 0, 0));
        if (m_roleModel->rowCount() == 0) {
            m_current = {};
            showCurrentRole();
        }
        Q_EMIT rolesLoaded();
    });
    connect(m_roleModel, &RoleListModel::loadFailed, this, [this](const QString& message) {
        m_loadErrorLabel->setText(tr("Could not read the roles: %1").arg(message));
        m_loadErrorFrame->show();
        m_current = {};
        showCurrentRole();
        Q_EMIT rolesLoaded();
    });
    connect(m_roleTableView->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& index) {
        m_current = m_roleModel->role(index.row());
        // Store::roles may list a role at an older version than our own last edit left it.
        m_current.version = std::max(m_current.version, m_ledger ? m_ledger->versions.value(m_current.id) : 0);
        showCurrentRole();
    });
    connect(m_matrixModel, &PermissionMatrixModel::permissionsEdited, this, &RolesPage::updateButtons);
    connect(m_nameLineEdit, &QLineEdit::textEdited, this, [this]() {
        setError(m_nameErrorLabel, {});
        updateButtons();
    });
    connect(m_descriptionLineEdit, &QLineEdit::textEdited, this, &RolesPage::updateButtons);
    connect(m_includedListWidget, &QListWidget::itemChanged, this, [this]() {
        if (m_filling)
            return;
        setError(m_includedErrorLabel, {});
        m_matrixModel->setIncludedRoleIds(checkedIncludedRoleIds());
        updateButtons();
    });
    connect(m_newRoleButton, &QPushButton::clicked, this, &RolesPage::newRole);
    connect(m_deleteRoleButton, &QPushButton::clicked, this, &RolesPage::deleteRole);
    connect(m_effectiveButton, &QPushButton::clicked, this, &RolesPage::showEffectivePermissions);
    connect(m_saveButton, &QPushButton::clicked, this, &RolesPage::save);
    connect(m_revertButton, &QPushButton::clicked, this, &RolesPage::revert);
    showCurrentRole();
}

RolesPage::~RolesPage()
{
    if (m_ledger)
        m_ledger->changed = nullptr;
}

QWidget* RolesPage::createListPane()
{
    auto* pane = new QWidget(this);
    auto* layout = new QVBoxLayout(pane);
    layout->setContentsMargins(0, 0, 0, 0);
    m_loadErrorFrame = new QFrame(pane);
    m_loadErrorFrame->setObjectName(u"loadErrorFrame"_s);
    auto* errorLayout = new QHBoxLayout(m_loadErrorFrame);
    m_loadErrorLabel = makeErrorLabel(u"loadErrorLabel"_s, m_loadErrorFrame);
    m_loadErrorLabel->show();
    errorLayout->addWidget(m_loadErrorLabel, 1);
    auto* retry = new QPushButton(tr("&Retry"), m_loadErrorFrame);
    retry->setObjectName(u"retryButton"_s);
    connect(retry, &QPushButton::clicked, m_roleModel, &RoleListModel::reload);
    errorLayout->addWidget(retry);
    m_loadErrorFrame->hide();
    layout->addWidget(m_loadErrorFrame);

    m_roleTableView = new QTableView(pane);
    m_roleTableView->setTabKeyNavigation(false);
    m_roleTableView->setObjectName(u"roleTableView"_s);
    m_roleTableView->setAccessibleName(tr("Roles"));
    m_roleTableView->setModel(m_roleModel);
    m_roleTableView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_roleTableView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_roleTableView->verticalHeader()->hide();
    m_roleTableView->horizontalHeader()->setStretchLastSection(true);
    m_roleTableView->setColumnWidth(RoleListModel::NameColumn, 220);
    m_roleTableView->setColumnWidth(RoleListModel::ScopeColumn, 110);
    layout->addWidget(m_roleTableView, 1);

    auto* buttons = new QHBoxLayout;
    m_newRoleButton = new QPushButton(tr("&New Role…"), pane);
    m_newRoleButton->setObjectName(u"newRoleButton"_s);
    m_deleteRoleButton = new QPushButton(tr("&Delete…"), pane);
    m_deleteRoleButton->setObjectName(u"deleteRoleButton"_s);
    m_effectiveButton = new QPushButton(tr("&Effective Permissions…"), pane);
    m_effectiveButton->setObjectName(u"effectivePermissionsButton"_s);
    buttons->addWidget(m_newRoleButton);
    buttons->addWidget(m_deleteRoleButton);
    buttons->addStretch();
    buttons->addWidget(m_effectiveButton);
    layout->addLayout(buttons);
    return pane;
}

QWidget* RolesPage::createDetailPane()
{
    auto* pane = new QWidget(this);
    auto* layout = new QVBoxLayout(pane);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* form = new QFormLayout;
    m_nameLineEdit = new QLineEdit(pane);
    m_nameLineEdit->setObjectName(u"roleNameLineEdit"_s);
    form->addRow(tr("&Name:"), m_nameLineEdit);
    m_nameErrorLabel = makeErrorLabel(u"roleNameErrorLabel"_s, pane);
    form->addRow(QString(), m_nameErrorLabel);
    m_descriptionLineEdit = new QLineEdit(pane);
    m_descriptionLineEdit->setObjectName(u"roleDescriptionLineEdit"_s);
    form->addRow(tr("&Description:"), m_descriptionLineEdit);
    m_scopeLabel = new QLabel(pane);
    m_scopeLabel->setObjectName(u"roleScopeLabel"_s);
    form->addRow(tr("Scope:"), m_scopeLabel);
    m_ownerLabel = new QLabel(pane);
    m_ownerLabel->setObjectName(u"roleOwnerLabel"_s);
    form->addRow(tr("Owner:"), m_ownerLabel);
    layout->addLayout(form);
    m_readOnlyLabel = new QLabel(pane);
    m_readOnlyLabel->setObjectName(u"readOnlyLabel"_s);
    m_readOnlyLabel->setWordWrap(true);
    layout->addWidget(m_readOnlyLabel);

    auto* columns = new QHBoxLayout;
    auto* matrixColumn = new QVBoxLayout;
    auto* matrixTitle = new QLabel(tr("Permissions (a half-ticked cell is held through an included role):"), pane);
    matrixTitle->setWordWrap(true);
    matrixColumn->addWidget(matrixTitle);
    m_permissionTableView = new QTableView(pane);
    m_permissionTableView->setTabKeyNavigation(false);
    m_permissionTableView->setObjectName(u"permissionTableView"_s);
    m_permissionTableView->setAccessibleName(tr("Permissions of the role"));
    m_permissionTableView->setAccessibleDescription(tr("A half-ticked cell is held through an included role"));
    m_permissionTableView->setModel(m_matrixModel);
    m_permissionTableView->setSelectionMode(QAbstractItemView::NoSelection);
    m_permissionTableView->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_permissionTableView->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    matrixTitle->setBuddy(m_permissionTableView);
    matrixColumn->addWidget(m_permissionTableView, 1);
    columns->addLayout(matrixColumn, 3);

    auto* includedColumn = new QVBoxLayout;
    auto* includedTitle = new QLabel(tr("&Includes the roles:"), pane);
    includedColumn->addWidget(includedTitle);
    m_includedListWidget = new QListWidget(pane);
    m_includedListWidget->setObjectName(u"includedRolesListWidget"_s);
    m_includedListWidget->setAccessibleName(tr("Roles the role includes"));
    includedTitle->setBuddy(m_includedListWidget);
    includedColumn->addWidget(m_includedListWidget, 1);
    m_includedErrorLabel = makeErrorLabel(u"includedRolesErrorLabel"_s, pane);
    includedColumn->addWidget(m_includedErrorLabel);
    columns->addLayout(includedColumn, 2);
    layout->addLayout(columns, 1);

    m_messageLabel = makeErrorLabel(u"roleMessageLabel"_s, pane);
    layout->addWidget(m_messageLabel);
    auto* buttons = new QHBoxLayout;
    buttons->addStretch();
    m_revertButton = new QPushButton(tr("Re&vert"), pane);
    m_revertButton->setObjectName(u"revertButton"_s);
    m_saveButton = new QPushButton(tr("&Save"), pane);
    m_saveButton->setObjectName(u"saveButton"_s);
    m_saveButton->setDefault(true);
    buttons->addWidget(m_revertButton);
    buttons->addWidget(m_saveButton);
    layout->addLayout(buttons);
    return pane;
}

void RolesPage::setStore(Store* store, bool sameData)
{
    m_store = store;
    if (!m_ledger || !sameData) {
        if (m_ledger)
            m_ledger->changed = nullptr;
        m_ledger = std::make_shared<RoleLedger>();
        m_ledger->changed = [page = QPointer<RolesPage>(this)](RoleId id) {
            if (page)
                page->reloadRoles(id);
        };
    }
    m_current = {};
    m_tenant = {};
    m_mayManage = false;
    m_roleModel->setStore(store);
    showCurrentRole();
}

void RolesPage::setHistory(EditHistory* history)
{
    m_history = history;
}

void RolesPage::setReadOnly(bool readOnly)
{
    m_readOnly = readOnly;
    showCurrentRole();
}

bool RolesPage::isEditable() const
{
    return m_store && !m_readOnly && m_mayManage && m_current.id != 0 && !m_current.builtIn;
}

void RolesPage::setTenant(TenantId tenantId)
{
    m_tenantId = tenantId;
    m_tenant = {};
    m_mayManage = false;
    m_titleLabel->setText(tenantId == 0 ? tr("Built-in roles") : tr("Roles"));
    if (!m_store)
        return;
    const quint64 request = ++m_tenantRequest;
    m_roleModel->setTenant(tenantId);
    // Who may change them, and the owners' slugs.
    whenReady(m_store->currentPrincipal(), this, [this, request, tenantId](const Principal& principal) {
        if (request != m_tenantRequest || tenantId == 0)
            return;
        whenReady(m_store->tenantSummary(tenantId), this, [this, request, principal](const TenantSummary& summary) {
            if (request != m_tenantRequest)
                return;
            m_tenant = summary.tenant;
            m_titleLabel->setText(tr("Roles of %1 (%2)").arg(summary.tenant.displayName, summary.tenant.slug));
            QHash<TenantId, QString> slugs{{summary.tenant.id, summary.tenant.slug}};
            for (const Tenant& ancestor : summary.ancestors)
                slugs.insert(ancestor.id, ancestor.slug);
            m_roleModel->setOwnerSlugs(slugs);
            m_mayManage = Policy::allows(principal, Permission::RoleManage, summary.tenant);
            showCurrentRole();
        }, [](const StoreError&) {});
    }, [](const StoreError&) {});
}

void RolesPage::reloadRoles(RoleId select)
{
    m_pendingSelection = select;
    m_roleModel->reload();
}

void RolesPage::selectRole(RoleId id)
{
    const int row = m_roleModel->rowOf(id);
    if (row >= 0)
        m_roleTableView->setCurrentIndex(m_roleModel->index(row, 0));
}

void RolesPage::showCurrentRole()
{
    clearErrors();
    const bool hasRole = m_current.id != 0;
    m_nameLineEdit->setText(m_current.name);
    m_descriptionLineEdit->setText(m_current.description);
    m_scopeLabel->setText(hasRole ? roleScopeDisplayName(m_current.scope) : QString());
    const int row = m_roleModel->rowOf(m_current.id);
    m_ownerLabel->setText(row >= 0 ? m_roleModel->index(row, RoleListModel::OwnerColumn).data().toString() : QString());
    const bool editable = isEditable();
    m_matrixModel->setReadOnly(!editable);
    if (hasRole)
        m_matrixModel->setRole(m_current, m_roleModel->roles());
    else
        m_matrixModel->clear();
    m_nameLineEdit->setReadOnly(!editable);
    m_descriptionLineEdit->setReadOnly(!editable);
    if (!hasRole)
        m_readOnlyLabel->setText(tr("Choose a role to see its permissions."));
    else if (m_current.builtIn)
        m_readOnlyLabel->setText(tr("A built-in role cannot be changed; create a custom role that includes it instead."));
    else if (m_readOnly)
        m_readOnlyLabel->setText(tr("Read-only: this is a preview."));
    else if (!m_mayManage)
        m_readOnlyLabel->setText(tr("Changing roles here needs the permission role.manage on this tenant."));
    else
        m_readOnlyLabel->clear();
    m_readOnlyLabel->setVisible(!m_readOnlyLabel->text().isEmpty());
    fillIncludedRoles();
    updateButtons();
}

void RolesPage::fillIncludedRoles()
{
    m_filling = true;
    m_includedListWidget->clear();
    const bool editable = isEditable();
    if (m_current.id != 0) {
        QSet<TenantId> owners{m_tenantId};
        owners.unite(QSet<TenantId>(m_tenant.ancestorIds.cbegin(), m_tenant.ancestorIds.cend()));
        for (const Role& role : m_roleModel->roles()) {
            if (role.id == m_current.id)
                continue;
            const bool included = m_current.includedRoleIds.contains(role.id);
            // What it may include: no wider scope, built in or of this tenant or an ancestor.
            const bool offered = scopeRank(role.scope) <= scopeRank(m_current.scope)
                && (role.builtIn || role.tenantId == m_current.tenantId || owners.contains(role.tenantId));
            if (!offered && !included)
                continue;
            auto* item = new QListWidgetItem(role.name, m_includedListWidget);
            item->setData(Qt::UserRole, role.id);
            item->setToolTip(tr("%1 (%2 scope): %3").arg(role.name, roleScopeDisplayName(role.scope),
                                                          Policy::flattenPermissions(role, m_roleModel->roles()).join(u", "_s)));
            Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
            if (editable)
                flags |= Qt::ItemIsUserCheckable;
            item->setFlags(flags);
            item->setCheckState(included ? Qt::Checked : Qt::Unchecked);
        }
    }
    m_filling = false;
}

QList<RoleId> RolesPage::checkedIncludedRoleIds() const
{
    QList<RoleId> ids;
    for (int row = 0; row < m_includedListWidget->count(); ++row) {
        const QListWidgetItem* item = m_includedListWidget->item(row);
        if (item->checkState() == Qt::Checked)
            ids.append(item->data(Qt::UserRole).toLongLong());
    }
    return ids;
}

RoleChange RolesPage::pendingChange() const
{
    RoleChange change;
    if (m_current.id == 0)
        return change;
    if (m_nameLineEdit->text().trimmed() != m_current.name)
        change.name = m_nameLineEdit->text().trimmed();
    if (m_descriptionLineEdit->text() != m_current.description)
        change.description = m_descriptionLineEdit->text();
    QStringList current = m_current.permissions;
    current.sort();
    if (m_matrixModel->permissions() != current)
        change.permissions = m_matrixModel->permissions();
    QList<RoleId> included = checkedIncludedRoleIds();
    QList<RoleId> before = m_current.includedRoleIds;
    std::sort(included.begin(), included.end());
    std::sort(before.begin(), before.end());
    if (included != before)
        change.includedRoleIds = checkedIncludedRoleIds();
    return change;
}

void RolesPage::updateButtons()
{
    const bool editable = isEditable() && !m_busy;
    const bool changed = !pendingChange().isEmpty();
    m_saveButton->setEnabled(editable && changed);
    m_revertButton->setEnabled(editable && changed);
    m_deleteRoleButton->setEnabled(editable);
    m_newRoleButton->setEnabled(m_store && !m_readOnly && m_mayManage && m_tenantId != 0 && !m_busy);
    m_effectiveButton->setEnabled(m_store != nullptr);
}

void RolesPage::clearErrors()
{
    setError(m_nameErrorLabel, {});
    setError(m_includedErrorLabel, {});
    setError(m_messageLabel, {});
}

void RolesPage::showStoreError(const StoreError& error)
{
    const QString field = error.field().toLower();
    if (field.contains(u"name"_s) && !field.contains(u"include"_s))
        setError(m_nameErrorLabel, error.message());
    else if (field.contains(u"include"_s))
        setError(m_includedErrorLabel, error.message());
    else
        setError(m_messageLabel, error.message());
    Q_EMIT saveFailed(error.message());
}

void RolesPage::record(StoreEdit* edit)
{
    if (m_history)
        m_history->record(edit);
    else
        delete edit;
}

void RolesPage::revert()
{
    showCurrentRole();
}

void RolesPage::save()
{
    if (!isEditable() || m_busy)
        return;
    const RoleChange change = pendingChange();
    if (change.isEmpty())
        return;
    clearErrors();
    m_busy = true;
    updateButtons();
    const Role before = m_current;
    whenReady(m_store->updateRole(before.id, change, before.version), this, [this, before, change](const Role& saved) {
        m_busy = false;
        m_ledger->note(saved);
        record(new RoleUpdate(m_ledger, before, saved, change));
        m_current = saved;
        reloadRoles(saved.id);
        Q_EMIT roleSaved(saved);
    }, [this](const StoreError& error) {
        m_busy = false;
        updateButtons();
        showStoreError(error);
    });
}

void RolesPage::newRole()
{
    if (!m_store || m_tenantId == 0)
        return;
    auto* dialog = new NewRoleDialog(m_tenant.slug.isEmpty() ? tr("this tenant") : m_tenant.slug, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog->buttons, &QDialogButtonBox::accepted, dialog, [this, dialog]() {
        NewRole request;
        request.tenantId = m_tenantId;
        request.name = dialog->nameLineEdit->text().trimmed();
        request.description = dialog->descriptionLineEdit->text().trimmed();
        if (request.description.isNull())
            request.description = u""_s; // none, rather than a missing value
        request.scope = RoleScope(dialog->scopeComboBox->currentData().toInt());
        if (request.name.isEmpty()) {
            setError(dialog->nameErrorLabel, tr("A role needs a name."));
            return;
        }
        dialog->buttons->setEnabled(false);
        whenReady(m_store->createRole(request), dialog, [this, dialog, request](const Role& created) {
            m_ledger->note(created);
            record(new RolePresence(m_ledger, created, true));
            reloadRoles(created.id);
            dialog->accept();
        }, [dialog](const StoreError& error) {
            dialog->buttons->setEnabled(true);
            const bool aboutName = error.field().contains(u"name"_s) || error.code() == ErrorCode::Conflict;
            setError(aboutName ? dialog->nameErrorLabel : dialog->generalErrorLabel, error.message());
        });
    });
    dialog->open();
}

void RolesPage::createRole(const NewRole& request)
{
    if (!m_store)
        return;
    clearErrors();
    whenReady(m_store->createRole(request), this, [this](const Role& created) {
        m_ledger->note(created);
        record(new RolePresence(m_ledger, created, true));
        reloadRoles(created.id);
        Q_EMIT roleSaved(created);
    }, [this](const StoreError& error) { showStoreError(error); });
}

void RolesPage::deleteRole()
{
    if (!isEditable() || m_busy)
        return;
    const Role role = m_current;
    if (m_confirm
        && QMessageBox::question(this, tr("Delete Role"),
                                 tr("Delete the role “%1”? Nobody may hold it and no other role may include it.").arg(role.name))
               != QMessageBox::Yes)
        return;
    m_busy = true;
    updateButtons();
    whenReady(m_store->deleteRole(role.id, role.version), this, [this](const Role& deleted) {
        m_busy = false;
        record(new RolePresence(m_ledger, deleted, false));
        m_current = {};
        reloadRoles(0);
        Q_EMIT roleDeleted(deleted);
    }, [this, role](const StoreError& error) {
        m_busy = false;
        updateButtons();
        setError(m_messageLabel, tr("Could not delete “%1”: %2").arg(role.name, error.message()));
        Q_EMIT saveFailed(error.message());
    });
}

void RolesPage::showEffectivePermissions()
{
    if (!m_store)
        return;
    auto* dialog = new EffectivePermissionsDialog(m_store, 0, m_tenantId, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

} // namespace TenantDesk
