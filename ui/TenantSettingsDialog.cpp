#include "TenantSettingsDialog.h"

#include "Async.h"
#include "FieldError.h"
#include "Store.h"
#include "StoreError.h"
#include "TenantSettings.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonArray>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

namespace TenantDesk {

using namespace Qt::StringLiterals;

namespace {

enum FlagChoice { Inherit, On, Off };

// A spin box whose lowest value means "not set" (no limit, or no rule).
QSpinBox* makeSpin(const QString& objectName, int unset, int maximum, const QString& unsetText, const std::optional<int>& value,
                   QWidget* parent)
{
    auto* spin = new QSpinBox(parent);
    spin->setObjectName(objectName);
    spin->setRange(unset, maximum);
    spin->setSpecialValueText(unsetText);
    spin->setValue(value.value_or(unset));
    spin->setAccelerated(true);
    return spin;
}

std::optional<int> valueOf(const QSpinBox* spin)
{
    return spin->value() == spin->minimum() ? std::nullopt : std::optional<int>(spin->value());
}

std::optional<int> policyInt(const QJsonObject& policy, const QString& key)
{
    return policy.contains(key) ? std::optional<int>(policy.value(key).toInt()) : std::nullopt;
}

} // namespace

TenantSettingsDialog::TenantSettingsDialog(Store* store, const TenantSummary& summary, QWidget* parent)
    : QDialog(parent)
    , m_store(store)
    , m_tenant(summary.tenant)
    , m_ancestors(summary.ancestors)
{
    setWindowTitle(tr("Settings of %1").arg(m_tenant.displayName));
    setObjectName(u"tenantSettingsDialog"_s);
    auto* layout = new QVBoxLayout(this);
    auto* columns = new QHBoxLayout;
    layout->addLayout(columns);
    auto* left = new QVBoxLayout;
    auto* right = new QVBoxLayout;
    columns->addLayout(left, 1);
    columns->addLayout(right, 1);
    const auto section = [this](const QString& key, QLabel*& error, QWidget* parentWidget) {
        error = makeErrorLabel(key + u"Error"_s, parentWidget);
        m_errors.insert(key, error);
    };

    // Quotas and the rate limit.
    auto* quotaBox = new QGroupBox(tr("Quotas"), this);
    auto* quotaForm = new QFormLayout(quotaBox);
    const QString noLimit = tr("No limit");
    m_cpuSpin = makeSpin(u"cpuSpin"_s, -1, 1'000'000, noLimit, m_tenant.quotas.cpuCores, quotaBox);
    m_cpuSpin->setSuffix(tr(" cores"));
    m_memorySpin = makeSpin(u"memorySpin"_s, -1, 1'000'000'000, noLimit, m_tenant.quotas.memoryGb, quotaBox);
    m_memorySpin->setSuffix(tr(" GB"));
    m_storageSpin = makeSpin(u"storageSpin"_s, -1, 1'000'000'000, noLimit, m_tenant.quotas.storageGb, quotaBox);
    m_storageSpin->setSuffix(tr(" GB"));
    m_seatsSpin = makeSpin(u"seatsSpin"_s, -1, 1'000'000'000, noLimit, m_tenant.quotas.userSeats, quotaBox);
    m_rateLimitSpin = makeSpin(u"rateLimitSpin"_s, 0, 10'000'000, noLimit, m_tenant.apiRateLimit, quotaBox);
    m_rateLimitSpin->setSuffix(tr(" requests/min"));
    quotaForm->addRow(tr("&CPU:"), m_cpuSpin);
    quotaForm->addRow(tr("&Memory:"), m_memorySpin);
    quotaForm->addRow(tr("S&torage:"), m_storageSpin);
    quotaForm->addRow(tr("User s&eats:"), m_seatsSpin);
    quotaForm->addRow(tr("API &rate limit:"), m_rateLimitSpin);
    QLabel* quotaError = nullptr;
    section(u"quotas"_s, quotaError, quotaBox);
    quotaForm->addRow(quotaError);
    m_errors.insert(u"api_rate_limit"_s, quotaError);
    left->addWidget(quotaBox);

    // Security policy.
    auto* policyBox = new QGroupBox(tr("Security policy"), this);
    auto* policyForm = new QFormLayout(policyBox);
    const QJsonObject& policy = m_tenant.securityPolicy;
    const QString notSet = tr("Not set");
    m_passwordLengthSpin = makeSpin(u"passwordLengthSpin"_s, TenantSettings::minimumPasswordLength - 1,
                                    TenantSettings::maximumPasswordLength, notSet,
                                    policyInt(policy, u"password_min_length"_s), policyBox);
    m_passwordLengthSpin->setSuffix(tr(" characters"));
    m_passwordClassesSpin = makeSpin(u"passwordClassesSpin"_s, 0, 4, notSet, policyInt(policy, u"password_classes"_s), policyBox);
    m_passwordClassesSpin->setToolTip(tr("How many of lower case, upper case, digits and symbols a password must use."));
    m_mfaCombo = new QComboBox(policyBox);
    m_mfaCombo->setObjectName(u"mfaCombo"_s);
    m_mfaCombo->addItems({notSet, tr("Required"), tr("Not required")});
    m_mfaCombo->setCurrentIndex(!policy.contains(u"mfa_required"_s) ? 0 : policy.value(u"mfa_required"_s).toBool() ? 1 : 2);
    m_sessionSpin = makeSpin(u"sessionSpin"_s, TenantSettings::minimumSessionTimeoutMinutes - 1,
                             TenantSettings::maximumSessionTimeoutMinutes, notSet,
                             policyInt(policy, u"session_timeout_minutes"_s), policyBox);
    m_sessionSpin->setSuffix(tr(" minutes"));
    m_allowListEdit = new QPlainTextEdit(policyBox);
    m_allowListEdit->setObjectName(u"allowListEdit"_s);
    m_allowListEdit->setPlaceholderText(tr("One network per line, e.g. 10.0.0.0/8 or 2001:db8::/32; empty: any address"));
    QStringList networks;
    for (const QJsonValue& network : policy.value(u"ip_allow_list"_s).toArray())
        networks << network.toString();
    m_allowListEdit->setPlainText(networks.join(u'\n'));
    m_allowListEdit->setMaximumHeight(90);
    policyForm->addRow(tr("Minimum &password length:"), m_passwordLengthSpin);
    policyForm->addRow(tr("Character &classes:"), m_passwordClassesSpin);
    policyForm->addRow(tr("&Multi-factor sign-in:"), m_mfaCombo);
    policyForm->addRow(tr("Session &timeout:"), m_sessionSpin);
    policyForm->addRow(tr("IP &allow-list:"), m_allowListEdit);
    QLabel* policyError = nullptr;
    section(u"security_policy"_s, policyError, policyBox);
    policyForm->addRow(policyError);
    left->addWidget(policyBox);

    // Feature flags.
    auto* flagsBox = new QGroupBox(tr("Feature flags"), this);
    auto* flagsLayout = new QVBoxLayout(flagsBox);
    m_flagsTable = new QTableWidget(0, 3, flagsBox);
    m_flagsTable->setObjectName(u"flagsTable"_s);
    m_flagsTable->setAccessibleName(tr("Feature flags"));
    m_flagsTable->setHorizontalHeaderLabels({tr("Flag"), tr("Value"), tr("Comes from")});
    m_flagsTable->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_flagsTable->verticalHeader()->hide();
    m_flagsTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    flagsLayout->addWidget(m_flagsTable);
    auto* addFlagButton = new QPushButton(tr("Add &Flag…"), flagsBox);
    addFlagButton->setObjectName(u"addFlagButton"_s);
    connect(addFlagButton, &QPushButton::clicked, this, &TenantSettingsDialog::addFlag);
    flagsLayout->addWidget(addFlagButton, 0, Qt::AlignLeft);
    QLabel* flagsError = nullptr;
    section(u"feature_flags"_s, flagsError, flagsBox);
    flagsLayout->addWidget(flagsError);
    right->addWidget(flagsBox);
    fillFlags();

    // Integration settings.
    auto* integrationBox = new QGroupBox(tr("Integration settings"), this);
    auto* integrationLayout = new QVBoxLayout(integrationBox);
    m_integrationTable = new QTableWidget(0, 2, integrationBox);
    m_integrationTable->setAccessibleName(tr("Integration settings"));
    m_integrationTable->setObjectName(u"integrationTable"_s);
    m_integrationTable->setHorizontalHeaderLabels({tr("Key"), tr("Value")});
    m_integrationTable->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_integrationTable->verticalHeader()->hide();
    for (auto it = m_tenant.settings.begin(); it != m_tenant.settings.end(); ++it)
        addIntegrationRow(it.key(), it.value().toString());
    integrationLayout->addWidget(m_integrationTable);
    auto* integrationButtons = new QHBoxLayout;
    auto* addSetting = new QPushButton(tr("A&dd"), integrationBox);
    addSetting->setObjectName(u"addSettingButton"_s);
    auto* removeSetting = new QPushButton(tr("Re&move"), integrationBox);
    removeSetting->setObjectName(u"removeSettingButton"_s);
    connect(addSetting, &QPushButton::clicked, this, [this]() {
        addIntegrationRow({}, {});
        m_integrationTable->editItem(m_integrationTable->item(m_integrationTable->rowCount() - 1, 0));
    });
    connect(removeSetting, &QPushButton::clicked, this, [this]() {
        if (m_integrationTable->currentRow() >= 0)
            m_integrationTable->removeRow(m_integrationTable->currentRow());
        validate();
    });
    integrationButtons->addWidget(addSetting);
    integrationButtons->addWidget(removeSetting);
    integrationButtons->addStretch();
    integrationLayout->addLayout(integrationButtons);
    QLabel* integrationError = nullptr;
    section(u"settings"_s, integrationError, integrationBox);
    integrationLayout->addWidget(integrationError);
    right->addWidget(integrationBox);

    m_generalError = makeErrorLabel(u"generalError"_s, this);
    layout->addWidget(m_generalError);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &TenantSettingsDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &TenantSettingsDialog::reject);
    connect(m_allowListEdit, &QPlainTextEdit::textChanged, this, &TenantSettingsDialog::validate);
    connect(m_integrationTable, &QTableWidget::itemChanged, this, &TenantSettingsDialog::validate);
    resize(980, 640);
}

void TenantSettingsDialog::fillFlags()
{
    const QList<TenantSettings::FeatureFlag> flags = TenantSettings::effectiveFeatureFlags(m_ancestors, m_tenant);
    QHash<TenantId, QString> names;
    for (const Tenant& ancestor : std::as_const(m_ancestors))
        names.insert(ancestor.id, ancestor.displayName);
    m_flagsTable->setRowCount(int(flags.size()));
    for (int row = 0; row < flags.size(); ++row) {
        const TenantSettings::FeatureFlag& flag = flags.at(row);
        auto* name = new QTableWidgetItem(flag.name);
        // What the tenant inherits without a value of its own: the ancestors' value, or off.
        const bool inheritedValue = flag.inherited ? flag.enabled : flag.overrides && flag.inheritedValue;
        name->setData(Qt::UserRole, inheritedValue);
        m_flagsTable->setItem(row, 0, name);
        auto* combo = new QComboBox(m_flagsTable);
        combo->setObjectName(u"flagCombo_"_s + flag.name);
        combo->setAccessibleName(tr("Value of %1").arg(flag.name));
        combo->addItem(tr("Inherit (%1)").arg(inheritedValue ? tr("on") : tr("off")), Inherit);
        combo->addItem(tr("On"), On);
        combo->addItem(tr("Off"), Off);
        combo->setCurrentIndex(flag.inherited ? 0 : flag.enabled ? 1 : 2);
        m_flagsTable->setCellWidget(row, 1, combo);
        const QString source = flag.inherited ? tr("Inherited from %1").arg(names.value(flag.setBy))
            : flag.overrides                 ? tr("Set here, overriding %1").arg(inheritedValue ? tr("on") : tr("off"))
                                             : tr("Set here");
        m_flagsTable->setItem(row, 2, new QTableWidgetItem(source));
    }
}

void TenantSettingsDialog::addFlag()
{
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Add Feature Flag"), tr("Flag name (e.g. beta_dashboards):"),
                                               QLineEdit::Normal, {}, &ok).trimmed();
    if (!ok || name.isEmpty())
        return;
    if (const QString reason = TenantSettings::featureFlagNameError(name); !reason.isEmpty()) {
        setError(m_errors.value(u"feature_flags"_s), reason);
        return;
    }
    const int row = m_flagsTable->rowCount();
    m_flagsTable->insertRow(row);
    auto* item = new QTableWidgetItem(name);
    item->setData(Qt::UserRole, false);
    m_flagsTable->setItem(row, 0, item);
    auto* combo = new QComboBox(m_flagsTable);
    combo->setObjectName(u"flagCombo_"_s + name);
    combo->setAccessibleName(tr("Value of %1").arg(name));
    combo->addItem(tr("Inherit (off)"), Inherit);
    combo->addItem(tr("On"), On);
    combo->addItem(tr("Off"), Off);
    combo->setCurrentIndex(1);
    m_flagsTable->setCellWidget(row, 1, combo);
    m_flagsTable->setItem(row, 2, new QTableWidgetItem(tr("Set here")));
}

void TenantSettingsDialog::addIntegrationRow(const QString& key, const QString& value)
{
    const int row = m_integrationTable->rowCount();
    m_integrationTable->insertRow(row);
    m_integrationTable->setItem(row, 0, new QTableWidgetItem(key));
    m_integrationTable->setItem(row, 1, new QTableWidgetItem(value));
}

TenantChange TenantSettingsDialog::change() const
{
    TenantChange change;
    const TenantQuotas quotas{valueOf(m_cpuSpin), valueOf(m_memorySpin), valueOf(m_storageSpin), valueOf(m_seatsSpin)};
    if (quotas != m_tenant.quotas)
        change.quotas = quotas;
    if (valueOf(m_rateLimitSpin) != m_tenant.apiRateLimit)
        change.apiRateLimit = valueOf(m_rateLimitSpin);

    QJsonObject flags;
    for (int row = 0; row < m_flagsTable->rowCount(); ++row) {
        const auto* combo = static_cast<QComboBox*>(m_flagsTable->cellWidget(row, 1));
        const int choice = combo->currentData().toInt();
        if (choice != Inherit)
            flags.insert(m_flagsTable->item(row, 0)->text(), choice == On);
    }
    if (flags != m_tenant.featureFlags)
        change.featureFlags = flags;

    QJsonObject policy;
    if (const auto length = valueOf(m_passwordLengthSpin))
        policy.insert(u"password_min_length"_s, *length);
    if (const auto classes = valueOf(m_passwordClassesSpin))
        policy.insert(u"password_classes"_s, *classes);
    if (m_mfaCombo->currentIndex() != 0)
        policy.insert(u"mfa_required"_s, m_mfaCombo->currentIndex() == 1);
    if (const auto timeout = valueOf(m_sessionSpin))
        policy.insert(u"session_timeout_minutes"_s, *timeout);
    QJsonArray networks;
    for (const QString& line : m_allowListEdit->toPlainText().split(u'\n', Qt::SkipEmptyParts)) {
        if (!line.trimmed().isEmpty())
            networks.append(line.trimmed());
    }
    if (!networks.isEmpty())
        policy.insert(u"ip_allow_list"_s, networks);
    if (policy != m_tenant.securityPolicy)
        change.securityPolicy = policy;

    QJsonObject settings;
    for (int row = 0; row < m_integrationTable->rowCount(); ++row) {
        const QString key = m_integrationTable->item(row, 0) ? m_integrationTable->item(row, 0)->text().trimmed() : QString();
        if (!key.isEmpty())
            settings.insert(key, m_integrationTable->item(row, 1) ? m_integrationTable->item(row, 1)->text() : QString());
    }
    if (settings != m_tenant.settings)
        change.settings = settings;
    return change;
}

bool TenantSettingsDialog::validate()
{
    for (QLabel* label : std::as_const(m_errors))
        setError(label, {});
    setError(m_generalError, {});
    const TenantChange edited = change();
    try {
        if (edited.securityPolicy)
            TenantSettings::checkSecurityPolicy(*edited.securityPolicy);
        if (edited.settings)
            TenantSettings::checkIntegrationSettings(*edited.settings);
    } catch (const StoreError& error) {
        showError(error);
        return false;
    }
    return true;
}

void TenantSettingsDialog::accept()
{
    const TenantChange edited = change();
    if (edited.isEmpty()) {
        m_saved = m_tenant;
        QDialog::accept();
        return;
    }
    if (!validate())
        return;
    m_buttons->button(QDialogButtonBox::Save)->setEnabled(false);
    whenReady(m_store->updateTenant(m_tenant.id, edited, m_tenant.version), this,
        [this](const Tenant& saved) {
            m_buttons->button(QDialogButtonBox::Save)->setEnabled(true);
            m_saved = saved;
            QDialog::accept();
        },
        [this](const StoreError& error) {
            m_buttons->button(QDialogButtonBox::Save)->setEnabled(true);
            if (error.code() == ErrorCode::Conflict)
                setError(m_generalError, tr("Someone else changed “%1” since these settings were read. Close this "
                                            "window, look at their change, and edit again.").arg(m_tenant.displayName));
            else
                showError(error);
        });
}

void TenantSettingsDialog::showError(const StoreError& error)
{
    const QString section = error.field().section(u'.', 0, 0);
    QLabel* label = m_errors.value(section, m_generalError);
    setError(label, label == m_generalError ? error.fullMessage() : error.message());
}

} // namespace TenantDesk
