#include "TenantCreateDialog.h"

#include "Async.h"
#include "FieldError.h"
#include "Store.h"
#include "StoreError.h"
#include "TenantSettings.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTimeZone>
#include <QVBoxLayout>

namespace TenantDesk {

using namespace Qt::StringLiterals;

namespace {

// "Acme Cloud GmbH" → "acme-cloud-gmbh", under "acme" → "acme.acme-cloud-gmbh".
QString suggestedSlug(const QString& name, const QString& parentSlug)
{
    QString slug;
    for (QChar c : name.normalized(QString::NormalizationForm_KD).toLower()) {
        if ((c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9'))
            slug += c;
        else if ((c.isSpace() || c == u'-' || c == u'_' || c == u'.') && !slug.isEmpty() && !slug.endsWith(u'-'))
            slug += u'-';
    }
    while (slug.endsWith(u'-'))
        slug.chop(1);
    return parentSlug.isEmpty() || slug.isEmpty() ? slug : parentSlug + u'.' + slug;
}

} // namespace

TenantCreateDialog::TenantCreateDialog(Store* store, const Tenant& parentTenant, QWidget* parent)
    : QDialog(parent)
    , m_store(store)
    , m_parentId(parentTenant.id)
{
    setWindowTitle(parentTenant.id == 0 ? tr("New Tenant") : tr("New Sub-tenant of %1").arg(parentTenant.displayName));
    setObjectName(u"tenantCreateDialog"_s);
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    layout->addLayout(form);
    const auto addField = [&](const QString& label, QWidget* field, const QString& key) {
        field->setAccessibleName(QString(label).remove(u'&').remove(u':'));
        form->addRow(label, field);
        QLabel* error = makeErrorLabel(key + u"Error"_s, this);
        form->addRow(QString(), error);
        m_errors.insert(key, error);
    };

    m_nameEdit = new QLineEdit(this);
    m_nameEdit->setObjectName(u"nameEdit"_s);
    m_nameEdit->setMaxLength(200);
    m_nameEdit->setPlaceholderText(tr("Acme Cloud GmbH"));
    addField(tr("&Name:"), m_nameEdit, u"display_name"_s);

    m_slugEdit = new QLineEdit(this);
    m_slugEdit->setObjectName(u"slugEdit"_s);
    m_slugEdit->setMaxLength(100);
    m_slugEdit->setPlaceholderText(tr("acme-cloud"));
    m_slugEdit->setToolTip(tr("The tenant's identifier on the platform: lower-case letters, digits and hyphens, "
                              "dot-separated. It cannot be changed later."));
    addField(tr("&Slug:"), m_slugEdit, u"slug"_s);

    m_parentEdit = new QLineEdit(this);
    m_parentEdit->setObjectName(u"parentEdit"_s);
    m_parentEdit->setReadOnly(true);
    m_parentEdit->setText(parentTenant.id == 0 ? tr("(the platform: a top-level tenant)")
                                               : u"%1 (%2)"_s.arg(parentTenant.displayName, parentTenant.slug));
    addField(tr("&Parent:"), m_parentEdit, u"parent_id"_s);

    m_domainEdit = new QLineEdit(this);
    m_domainEdit->setObjectName(u"domainEdit"_s);
    m_domainEdit->setPlaceholderText(tr("acme.example.com"));
    addField(tr("&Domain:"), m_domainEdit, u"domain"_s);

    m_timezoneCombo = new QComboBox(this);
    m_timezoneCombo->setObjectName(u"timezoneCombo"_s);
    m_timezoneCombo->setEditable(true);
    m_timezoneCombo->setInsertPolicy(QComboBox::NoInsert);
    for (const QByteArray& id : QTimeZone::availableTimeZoneIds())
        m_timezoneCombo->addItem(QString::fromLatin1(id));
    m_timezoneCombo->completer()->setFilterMode(Qt::MatchContains);
    m_timezoneCombo->completer()->setCaseSensitivity(Qt::CaseInsensitive);
    m_timezoneCombo->setCurrentText(parentTenant.id != 0 ? parentTenant.timezone : QString::fromLatin1(QTimeZone::systemTimeZoneId()));
    addField(tr("&Time zone:"), m_timezoneCombo, u"timezone"_s);

    m_languageCombo = new QComboBox(this);
    m_languageCombo->setObjectName(u"languageCombo"_s);
    m_languageCombo->setEditable(true);
    m_languageCombo->addItems({u"en"_s, u"en-GB"_s, u"de"_s, u"fr"_s, u"es"_s, u"it"_s, u"nl"_s, u"pt-BR"_s, u"ja"_s});
    m_languageCombo->setCurrentText(parentTenant.id != 0 ? parentTenant.language : u"en"_s);
    addField(tr("&Language:"), m_languageCombo, u"language"_s);

    auto* environments = new QWidget(this);
    auto* environmentsLayout = new QHBoxLayout(environments);
    environmentsLayout->setContentsMargins(0, 0, 0, 0);
    for (EnvironmentKind kind : allEnvironmentKinds) {
        auto* box = new QCheckBox(environmentKindDisplayName(kind), environments);
        box->setObjectName(environmentKindKey(kind) + u"Box"_s);
        box->setChecked(kind != EnvironmentKind::Sandbox);
        environmentsLayout->addWidget(box);
        m_environmentBoxes.insert(kind, box);
    }
    environmentsLayout->addStretch();
    addField(tr("&Environments:"), environments, u"environments"_s);

    m_generalError = makeErrorLabel(u"generalError"_s, this);
    layout->addWidget(m_generalError);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Create"));
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &TenantCreateDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &TenantCreateDialog::reject);

    const QString parentSlug = parentTenant.slug;
    connect(m_nameEdit, &QLineEdit::textChanged, this, [this, parentSlug](const QString& name) {
        if (!m_slugEdited)
            m_slugEdit->setText(suggestedSlug(name, parentSlug));
        validate();
    });
    connect(m_slugEdit, &QLineEdit::textEdited, this, [this]() { m_slugEdited = true; });
    for (QLineEdit* edit : {m_slugEdit, m_domainEdit})
        connect(edit, &QLineEdit::textChanged, this, &TenantCreateDialog::validate);
    connect(m_timezoneCombo, &QComboBox::currentTextChanged, this, &TenantCreateDialog::validate);
    connect(m_languageCombo, &QComboBox::currentTextChanged, this, &TenantCreateDialog::validate);
    validate();
    resize(560, sizeHint().height());
}

NewTenant TenantCreateDialog::request() const
{
    NewTenant request;
    request.slug = m_slugEdit->text().trimmed();
    request.displayName = m_nameEdit->text().trimmed();
    request.parentId = m_parentId;
    request.domain = m_domainEdit->text().trimmed();
    request.timezone = m_timezoneCombo->currentText().trimmed();
    request.language = m_languageCombo->currentText().trimmed();
    for (auto it = m_environmentBoxes.cbegin(); it != m_environmentBoxes.cend(); ++it) {
        if (it.value()->isChecked())
            request.environments.append(it.key());
    }
    return request;
}

bool TenantCreateDialog::validate()
{
    const NewTenant r = request();
    // Empty required fields are not errors yet, only not done.
    const auto check = [this](const QString& field, bool empty, const QString& reason) {
        setError(m_errors.value(field), empty ? QString() : reason);
        return !empty && reason.isEmpty();
    };
    bool ok = check(u"display_name"_s, r.displayName.isEmpty(), TenantSettings::displayNameError(r.displayName));
    ok &= check(u"slug"_s, r.slug.isEmpty(), validateTenantSlug(r.slug));
    ok &= check(u"domain"_s, false, TenantSettings::domainError(r.domain));
    ok &= check(u"timezone"_s, false, TenantSettings::timezoneError(r.timezone));
    ok &= check(u"language"_s, false, TenantSettings::languageError(r.language));
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(ok);
    return ok;
}

void TenantCreateDialog::accept()
{
    if (!validate())
        return;
    create(request());
}

void TenantCreateDialog::setBusy(bool busy)
{
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!busy);
    setCursor(busy ? Qt::BusyCursor : Qt::ArrowCursor);
}

void TenantCreateDialog::create(const NewTenant& request)
{
    setError(m_generalError, {});
    setBusy(true);
    whenReady(m_store->createTenant(request), this,
        [this, request](const Tenant& created) {
            setBusy(false);
            m_created = created;
            m_sent = request;
            QDialog::accept();
        },
        [this](const StoreError& error) {
            setBusy(false);
            showError(error);
        });
}

void TenantCreateDialog::showError(const StoreError& error)
{
    QLabel* label = m_errors.value(error.field(), m_generalError);
    setError(label, label == m_generalError ? error.fullMessage() : error.message());
}

} // namespace TenantDesk
