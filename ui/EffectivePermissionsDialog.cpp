#include "EffectivePermissionsDialog.h"

#include "Async.h"
#include "FieldError.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace TenantDesk {

EffectivePermissionsDialog::EffectivePermissionsDialog(Store* store, UserId userId, TenantId tenantId, QWidget* parent)
    : QDialog(parent)
    , m_store(store)
    , m_userId(userId)
    , m_tenantId(tenantId)
{
    setObjectName(u"effectivePermissionsDialog"_s);
    setWindowTitle(tr("Effective Permissions"));
    resize(680, 520);
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    m_userLineEdit = new QLineEdit(this);
    m_userLineEdit->setObjectName(u"userLineEdit"_s);
    m_userLineEdit->setPlaceholderText(tr("ann@example.com"));
    form->addRow(tr("&User (e-mail):"), m_userLineEdit);
    m_tenantLineEdit = new QLineEdit(this);
    m_tenantLineEdit->setObjectName(u"tenantLineEdit"_s);
    m_tenantLineEdit->setPlaceholderText(tr("acme.emea"));
    form->addRow(tr("&Tenant (slug):"), m_tenantLineEdit);
    layout->addLayout(form);
    m_showButton = new QPushButton(tr("&Show"), this);
    m_showButton->setObjectName(u"showButton"_s);
    m_showButton->setDefault(true);
    auto* showRow = new QHBoxLayout;
    showRow->addStretch();
    showRow->addWidget(m_showButton);
    layout->addLayout(showRow);
    m_errorLabel = makeErrorLabel(u"errorLabel"_s, this);
    layout->addWidget(m_errorLabel);
    m_summaryLabel = new QLabel(this);
    m_summaryLabel->setObjectName(u"summaryLabel"_s);
    m_summaryLabel->setWordWrap(true);
    layout->addWidget(m_summaryLabel);
    m_tree = new QTreeWidget(this);
    m_tree->setObjectName(u"permissionTreeWidget"_s);
    m_tree->setAccessibleName(tr("Effective Permissions"));
    m_tree->setHeaderLabels({tr("Permission and why it is held")});
    m_tree->header()->setStretchLastSection(true);
    layout->addWidget(m_tree, 1);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    connect(m_showButton, &QPushButton::clicked, this, &EffectivePermissionsDialog::showPermissions);
    connect(m_userLineEdit, &QLineEdit::returnPressed, this, &EffectivePermissionsDialog::showPermissions);
    connect(m_tenantLineEdit, &QLineEdit::returnPressed, this, &EffectivePermissionsDialog::showPermissions);

    // What was given up front is shown in words, then explained.
    if (m_tenantId != 0) {
        whenReady(m_store->tenant(m_tenantId), this, [this](const Tenant& tenant) {
            if (m_tenantLineEdit->text().isEmpty())
                m_tenantLineEdit->setText(tenant.slug);
        }, [](const StoreError&) {});
    }
    if (m_userId != 0) {
        whenReady(m_store->user(m_userId), this, [this](const UserDetail& detail) {
            if (m_userLineEdit->text().isEmpty())
                m_userLineEdit->setText(detail.user.email);
        }, [](const StoreError&) {});
    }
    if (m_userId != 0 && m_tenantId != 0)
        load(m_userId, m_tenantId);
}

EffectivePermissionsDialog::~EffectivePermissionsDialog() = default;

QString EffectivePermissionsDialog::describe(const PermissionSource& source, TenantId tenantId)
{
    const QString chain = source.roleChain.join(u" → "_s);
    if (source.platform)
        return tr("platform role %1").arg(chain);
    QString text = tr("%1 on %2").arg(chain, source.grantedOnTenantSlug);
    if (source.environmentId != 0)
        text = tr("%1, environment %2").arg(text, source.environmentName);
    if (source.inherited(tenantId))
        text = tr("%1 (inherited from the parent tenant %2)").arg(text, source.grantedOnTenantSlug);
    return text;
}

void EffectivePermissionsDialog::showPermissions()
{
    const QString email = m_userLineEdit->text().trimmed();
    const QString slug = m_tenantLineEdit->text().trimmed();
    if (email.isEmpty() || slug.isEmpty()) {
        fail(tr("Enter a user's e-mail and a tenant's slug."));
        return;
    }
    const quint64 request = ++m_request;
    setError(m_errorLabel, {});
    whenReady(m_store->tenantBySlug(slug), this, [this, request, email](const Tenant& tenant) {
        if (request != m_request)
            return;
        // Looked up among the tenant's members first: a tenant admin may not search the platform.
        UserQuery query;
        query.tenantId = tenant.id;
        query.text = email;
        query.limit = 20;
        const auto pick = [this, request, email, tenant](const Page<User>& page) -> bool {
            for (const User& user : page.items) {
                if (user.email.compare(email, Qt::CaseInsensitive) == 0) {
                    load(user.id, tenant.id);
                    return true;
                }
            }
            return false;
        };
        whenReady(m_store->users(query), this, [this, request, email, tenant, pick](const Page<User>& members) {
            if (request != m_request || pick(members))
                return;
            UserQuery everyone;
            everyone.text = email;
            everyone.limit = 20;
            whenReady(m_store->users(everyone), this, [this, request, email, pick](const Page<User>& page) {
                if (request == m_request && !pick(page))
                    fail(tr("There is no user with the e-mail “%1”.").arg(email));
            }, [this, request, email](const StoreError&) {
                if (request == m_request)
                    fail(tr("There is no user with the e-mail “%1” among the tenant's members.").arg(email));
            });
        }, [this, request](const StoreError& error) {
            if (request == m_request)
                fail(error.message());
        });
    }, [this, request, slug](const StoreError& error) {
        if (request == m_request)
            fail(error.code() == ErrorCode::NotFound ? tr("There is no tenant “%1”.").arg(slug) : error.message());
    });
}

void EffectivePermissionsDialog::load(UserId userId, TenantId tenantId)
{
    m_userId = userId;
    m_tenantId = tenantId;
    const quint64 request = ++m_request;
    setError(m_errorLabel, {});
    m_summaryLabel->setText(tr("Loading…"));
    whenReady(m_store->effectivePermissions(userId, tenantId), this, [this, request](const EffectivePermissions& permissions) {
        if (request == m_request)
            fill(permissions);
    }, [this, request](const StoreError& error) {
        if (request == m_request)
            fail(error.message());
    });
}

void EffectivePermissionsDialog::fill(const EffectivePermissions& permissions)
{
    m_permissions = permissions;
    m_tree->clear();
    for (const EffectivePermission& permission : permissions.permissions) {
        auto* item = new QTreeWidgetItem(m_tree, {permission.permission});
        for (const PermissionSource& source : permission.sources)
            new QTreeWidgetItem(item, {describe(source, permissions.tenantId)});
    }
    m_tree->expandAll();
    m_summaryLabel->setText(permissions.permissions.isEmpty()
                                ? tr("This user holds no permission on this tenant.")
                                : tr("%n permission(s) on this tenant, each with every membership and role that grants it.",
                                     nullptr, int(permissions.permissions.size())));
    Q_EMIT shown();
}

void EffectivePermissionsDialog::fail(const QString& message)
{
    m_tree->clear();
    m_permissions = {};
    m_summaryLabel->clear();
    setError(m_errorLabel, message);
    Q_EMIT shown();
}

} // namespace TenantDesk
