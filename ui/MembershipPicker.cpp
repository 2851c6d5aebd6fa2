#include "MembershipPicker.h"

#include "Async.h"
#include "FieldError.h"
#include "Store.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QTimer>

namespace TenantDesk {

using namespace Qt::StringLiterals;

MembershipPicker::MembershipPicker(Store* store, bool withRole, QWidget* parent)
    : QWidget(parent)
    , m_store(store)
    , m_withRole(withRole)
{
    auto* form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    m_tenantLineEdit = new QLineEdit(this);
    m_tenantLineEdit->setObjectName(u"membershipTenantLineEdit"_s);
    m_tenantLineEdit->setPlaceholderText(tr("Tenant slug, e.g. acme.emea"));
    m_tenantLineEdit->setClearButtonEnabled(true);
    m_tenantErrorLabel = makeErrorLabel(u"membershipTenantError"_s, this);
    form->addRow(tr("&Tenant:"), m_tenantLineEdit);
    form->addRow(QString(), m_tenantErrorLabel);

    m_environmentComboBox = new QComboBox(this);
    m_environmentComboBox->setObjectName(u"membershipEnvironmentComboBox"_s);
    m_environmentComboBox->addItem(tr("Whole tenant"), qint64(0));
    m_environmentComboBox->setEnabled(false);
    form->addRow(tr("&Environment:"), m_environmentComboBox);

    if (m_withRole) {
        m_roleComboBox = new QComboBox(this);
        m_roleComboBox->setObjectName(u"membershipRoleComboBox"_s);
        m_roleComboBox->setEnabled(false);
        form->addRow(tr("&Role:"), m_roleComboBox);
        connect(m_roleComboBox, &QComboBox::currentIndexChanged, this, &MembershipPicker::changed);
    }

    m_resolveTimer = new QTimer(this);
    m_resolveTimer->setSingleShot(true);
    m_resolveTimer->setInterval(250);
    connect(m_resolveTimer, &QTimer::timeout, this, &MembershipPicker::resolveTenant);
    connect(m_tenantLineEdit, &QLineEdit::textChanged, this, [this]() {
        m_tenantId = 0;
        ++m_serial;
        m_resolveTimer->start();
        Q_EMIT changed();
    });
    connect(m_tenantLineEdit, &QLineEdit::editingFinished, this, [this]() {
        if (m_resolveTimer->isActive())
            resolveTenant();
    });
    connect(m_environmentComboBox, &QComboBox::currentIndexChanged, this, [this]() {
        fillRoles();
        Q_EMIT changed();
    });
}

void MembershipPicker::setTenantSlug(const QString& slug)
{
    m_tenantLineEdit->setText(slug);
    resolveTenant();
}

QString MembershipPicker::tenantSlug() const
{
    return m_tenantLineEdit->text().trimmed();
}

EnvironmentId MembershipPicker::environmentId() const
{
    return m_environmentComboBox->currentData().toLongLong();
}

QString MembershipPicker::environmentName() const
{
    return environmentId() == 0 ? QString() : m_environmentComboBox->currentText();
}

RoleId MembershipPicker::roleId() const
{
    return m_roleComboBox ? m_roleComboBox->currentData().toLongLong() : 0;
}

QString MembershipPicker::roleName() const
{
    return m_roleComboBox ? m_roleComboBox->currentText() : QString();
}

bool MembershipPicker::isComplete() const
{
    return m_tenantId != 0 && (!m_withRole || roleId() != 0);
}

void MembershipPicker::resolveTenant()
{
    m_resolveTimer->stop();
    const quint64 serial = ++m_serial;
    const QString slug = tenantSlug();
    m_tenantId = 0;
    m_roles.clear();
    m_environmentComboBox->clear();
    m_environmentComboBox->addItem(tr("Whole tenant"), qint64(0));
    m_environmentComboBox->setEnabled(false);
    if (m_roleComboBox) {
        m_roleComboBox->clear();
        m_roleComboBox->setEnabled(false);
    }
    setError(m_tenantErrorLabel, {});
    if (slug.isEmpty() || !m_store) {
        Q_EMIT changed();
        return;
    }
    whenReady(m_store->tenantBySlug(slug), this,
        [this, serial](const Tenant& tenant) {
            if (serial != m_serial)
                return;
            const auto failed = [this, serial](const StoreError& error) {
                if (serial == m_serial)
                    setError(m_tenantErrorLabel, error.message());
            };
            whenReady(m_store->environments(tenant.id), this, [this, serial, tenant](const QList<Environment>& environments) {
                if (serial != m_serial)
                    return;
                {
                    const QSignalBlocker blocker(m_environmentComboBox);
                    for (const Environment& environment : environments)
                        m_environmentComboBox->addItem(environment.name, environment.id);
                    m_environmentComboBox->setEnabled(true);
                }
                if (!m_withRole) {
                    m_tenantId = tenant.id;
                    Q_EMIT changed();
                    return;
                }
                whenReady(m_store->roles(tenant.id), this, [this, serial, tenant](const QList<Role>& roles) {
                    if (serial != m_serial)
                        return;
                    m_roles = roles;
                    m_tenantId = tenant.id;
                    fillRoles();
                    Q_EMIT changed();
                }, [this, serial](const StoreError& error) {
                    if (serial == m_serial)
                        setError(m_tenantErrorLabel, error.message());
                });
            }, failed);
        },
        [this, serial, slug](const StoreError& error) {
            if (serial != m_serial)
                return;
            setError(m_tenantErrorLabel, error.code() == ErrorCode::NotFound ? tr("No tenant has the slug “%1”.").arg(slug)
                                                                             : error.message());
            Q_EMIT changed();
        });
}

// The roles usable where the membership is held: tenant scope on the whole tenant, tenant or
// environment scope on an environment; never a platform role.
void MembershipPicker::fillRoles()
{
    if (!m_roleComboBox)
        return;
    const RoleId previous = roleId();
    const bool onEnvironment = environmentId() != 0;
    const QSignalBlocker blocker(m_roleComboBox);
    m_roleComboBox->clear();
    for (const Role& role : std::as_const(m_roles)) {
        const bool usable = role.scope == RoleScope::Tenant || (onEnvironment && role.scope == RoleScope::Environment);
        if (!usable)
            continue;
        m_roleComboBox->addItem(role.builtIn ? role.name : tr("%1 (custom)").arg(role.name), role.id);
        m_roleComboBox->setItemData(m_roleComboBox->count() - 1, role.description, Qt::ToolTipRole);
    }
    m_roleComboBox->setEnabled(m_roleComboBox->count() > 0);
    const int again = m_roleComboBox->findData(previous);
    if (again >= 0)
        m_roleComboBox->setCurrentIndex(again);
}

} // namespace TenantDesk
