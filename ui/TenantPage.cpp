#include "TenantPage.h"

#include "DetailForm.h"
#include "FlowLayout.h"

#include <QGroupBox>
#include <QJsonArray>
#include <QToolButton>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QScrollArea>
#include <QTableWidget>
#include <QVBoxLayout>

namespace TenantDesk {

using namespace Qt::StringLiterals;

TenantPage::TenantPage(QWidget* parent)
    : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    m_titleLabel = makeTitleLabel(u"tenantTitleLabel"_s, this);
    m_pathLabel = new QLabel(this);
    m_pathLabel->setObjectName(u"tenantPathLabel"_s);
    m_pathLabel->setTextFormat(Qt::RichText);
    connect(m_pathLabel, &QLabel::linkActivated, this, [this](const QString& link) {
        Q_EMIT tenantActivated(link.toLongLong());
    });
    layout->addWidget(m_titleLabel);
    layout->addWidget(m_pathLabel);
    m_actionRow = new FlowLayout;
    layout->addLayout(m_actionRow);

    auto* columns = new QHBoxLayout;
    auto* identityBox = new QGroupBox(tr("Identity"), this);
    auto* identity = new DetailForm(identityBox);
    m_slugLabel = identity->addValue(tr("Slug:"), u"slugValueLabel"_s);
    m_statusLabel = identity->addValue(tr("Status:"), u"statusValueLabel"_s);
    m_domainLabel = identity->addValue(tr("Domain:"), u"domainValueLabel"_s);
    m_timezoneLabel = identity->addValue(tr("Timezone:"), u"timezoneValueLabel"_s);
    m_languageLabel = identity->addValue(tr("Language:"), u"languageValueLabel"_s);
    m_subTenantsLabel = identity->addValue(tr("Sub-tenants:"), u"subTenantsValueLabel"_s);
    m_membersLabel = identity->addValue(tr("Members:"), u"membersValueLabel"_s);
    m_createdLabel = identity->addValue(tr("Created:"), u"createdValueLabel"_s);
    m_updatedLabel = identity->addValue(tr("Updated:"), u"updatedValueLabel"_s);
    columns->addWidget(identityBox, 3);

    auto* quotaBox = new QGroupBox(tr("Quotas"), this);
    auto* quotas = new DetailForm(quotaBox);
    m_cpuLabel = quotas->addValue(tr("CPU:"), u"cpuQuotaValueLabel"_s);
    m_memoryLabel = quotas->addValue(tr("Memory:"), u"memoryQuotaValueLabel"_s);
    m_storageLabel = quotas->addValue(tr("Storage:"), u"storageQuotaValueLabel"_s);
    m_seatsLabel = quotas->addValue(tr("User seats:"), u"seatsQuotaValueLabel"_s);
    m_rateLimitLabel = quotas->addValue(tr("API rate limit:"), u"rateLimitValueLabel"_s);
    columns->addWidget(quotaBox, 2);
    layout->addLayout(columns);

    auto* settingsBox = new QGroupBox(tr("Policy and settings"), this);
    auto* settingsForm = new DetailForm(settingsBox);
    m_policyLabel = settingsForm->addValue(tr("Security policy:"), u"policyValueLabel"_s);
    m_flagsLabel = settingsForm->addValue(tr("Feature flags:"), u"flagsValueLabel"_s);
    m_settingsLabel = settingsForm->addValue(tr("Integration:"), u"integrationValueLabel"_s);
    for (QLabel* label : {m_policyLabel, m_flagsLabel, m_settingsLabel})
        label->setWordWrap(true);
    layout->addWidget(settingsBox);

    auto* environmentsBox = new QGroupBox(tr("Environments"), this);
    auto* environmentsLayout = new QVBoxLayout(environmentsBox);
    m_environmentsTable = new QTableWidget(0, 3, environmentsBox);
    m_environmentsTable->setTabKeyNavigation(false);
    m_environmentsTable->setAccessibleName(tr("Environments"));
    m_environmentsTable->setObjectName(u"environmentsTable"_s);
    m_environmentsTable->setHorizontalHeaderLabels({tr("Name"), tr("Kind"), tr("Created")});
    m_environmentsTable->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_environmentsTable->verticalHeader()->hide();
    m_environmentsTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_environmentsTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    connect(m_environmentsTable, &QTableWidget::itemActivated, this, [this](QTableWidgetItem* item) {
        Q_EMIT environmentActivated(m_environmentsTable->item(item->row(), 0)->data(Qt::UserRole).toLongLong());
    });
    environmentsLayout->addWidget(m_environmentsTable);
    layout->addWidget(environmentsBox, 1);
}

void TenantPage::setSummary(const TenantSummary& summary)
{
    const Tenant& tenant = summary.tenant;
    m_tenant = tenant;
    m_titleLabel->setText(tenant.displayName);
    QStringList path;
    for (const Tenant& ancestor : summary.ancestors)
        path << u"<a href=\"%1\">%2</a>"_s.arg(ancestor.id).arg(ancestor.displayName.toHtmlEscaped());
    path << tenant.displayName.toHtmlEscaped();
    m_pathLabel->setText(tr("Platform") + u" › "_s + path.join(u" › "_s));

    m_slugLabel->setText(tenant.slug);
    m_statusLabel->setText(tenantStatusDisplayName(tenant.status));
    m_domainLabel->setText(orDash(tenant.domain));
    m_timezoneLabel->setText(orDash(tenant.timezone));
    m_languageLabel->setText(tenant.language.isEmpty() ? orDash(tenant.language)
        : u"%1 (%2)"_s.arg(QLocale(tenant.language).nativeLanguageName(), tenant.language));
    m_subTenantsLabel->setText(QLocale().toString(tenant.subTenantCount));
    m_membersLabel->setText(QLocale().toString(summary.memberCount));
    m_createdLabel->setText(formatTime(tenant.createdAt));
    m_updatedLabel->setText(formatTime(tenant.updatedAt));
    m_cpuLabel->setText(orUnlimited(tenant.quotas.cpuCores, tr("cores")));
    m_memoryLabel->setText(orUnlimited(tenant.quotas.memoryGb, tr("GB")));
    m_storageLabel->setText(orUnlimited(tenant.quotas.storageGb, tr("GB")));
    m_seatsLabel->setText(orUnlimited(tenant.quotas.userSeats, QString()));
    m_rateLimitLabel->setText(orUnlimited(tenant.apiRateLimit, tr("requests/min")));

    const QJsonObject& policy = tenant.securityPolicy;
    QStringList rules;
    if (policy.contains(u"password_min_length"_s))
        rules << tr("passwords of %1+ characters").arg(policy.value(u"password_min_length"_s).toInt());
    if (policy.contains(u"password_classes"_s))
        rules << tr("%1 character classes").arg(policy.value(u"password_classes"_s).toInt());
    if (policy.contains(u"mfa_required"_s))
        rules << (policy.value(u"mfa_required"_s).toBool() ? tr("MFA required") : tr("MFA optional"));
    if (policy.contains(u"session_timeout_minutes"_s))
        rules << tr("sessions end after %1 min").arg(policy.value(u"session_timeout_minutes"_s).toInt());
    if (policy.contains(u"ip_allow_list"_s))
        rules << tr("%n allowed network(s)", nullptr, int(policy.value(u"ip_allow_list"_s).toArray().size()));
    m_policyLabel->setText(rules.isEmpty() ? tr("None set (the platform's defaults)") : rules.join(u" · "_s));
    QStringList flags;
    for (auto it = tenant.featureFlags.begin(); it != tenant.featureFlags.end(); ++it)
        flags << (it.value().toBool() ? u"%1 ✔"_s : u"%1 ✘"_s).arg(it.key());
    m_flagsLabel->setText(flags.isEmpty() ? tr("None of its own (inherited)") : flags.join(u" · "_s));
    m_settingsLabel->setText(tenant.settings.isEmpty() ? orDash(QString())
                                                        : QStringList(tenant.settings.keys()).join(u", "_s));
    if (tenant.status == TenantStatus::Decommissioning)
        m_statusLabel->setText(tr("%1 (%2 of %3 checklist steps done)").arg(tenantStatusDisplayName(tenant.status))
                                   .arg(tenant.decommission.size()).arg(std::size(allDecommissionSteps)));

    // In the store's order: production, staging, development, sandbox.
    m_environmentsTable->setRowCount(int(summary.environments.size()));
    for (int row = 0; row < summary.environments.size(); ++row) {
        const Environment& environment = summary.environments[row];
        auto* name = new QTableWidgetItem(environment.name);
        name->setData(Qt::UserRole, environment.id);
        m_environmentsTable->setItem(row, 0, name);
        m_environmentsTable->setItem(row, 1, new QTableWidgetItem(environmentKindDisplayName(environment.kind)));
        m_environmentsTable->setItem(row, 2, new QTableWidgetItem(formatTime(environment.createdAt)));
    }
}

void TenantPage::setActions(const QList<QAction*>& actions)
{
    for (QAction* action : actions) {
        auto* button = new QToolButton(this);
        button->setDefaultAction(action);
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        button->setAutoRaise(false);
        m_actionRow->addWidget(button);
    }
}

} // namespace TenantDesk
