#include "PlatformPage.h"

#include "DetailForm.h"

#include <QLocale>
#include <QVBoxLayout>

namespace TenantDesk {

using namespace Qt::StringLiterals;

PlatformPage::PlatformPage(QWidget* parent)
    : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    m_titleLabel = makeTitleLabel(u"platformTitleLabel"_s, this);
    layout->addWidget(m_titleLabel);
    auto* form = new DetailForm;
    m_locationLabel = form->addValue(tr("Database:"), u"platformLocationValueLabel"_s);
    m_tenantsLabel = form->addValue(tr("Tenants:"), u"platformTenantsValueLabel"_s);
    m_topLevelLabel = form->addValue(tr("Top-level tenants:"), u"platformTopLevelValueLabel"_s);
    m_statusesLabel = form->addValue(tr("By status:"), u"platformStatusesValueLabel"_s);
    m_environmentsLabel = form->addValue(tr("Environments:"), u"platformEnvironmentsValueLabel"_s);
    m_usersLabel = form->addValue(tr("Users:"), u"platformUsersValueLabel"_s);
    m_rolesLabel = form->addValue(tr("Roles:"), u"platformRolesValueLabel"_s);
    m_schemaLabel = form->addValue(tr("Schema version:"), u"platformSchemaValueLabel"_s);
    layout->addLayout(form);
    layout->addStretch(1);
}

void PlatformPage::setSummary(const PlatformSummary& summary, const QString& location)
{
    const QLocale locale;
    m_titleLabel->setText(summary.name);
    m_locationLabel->setText(location);
    m_tenantsLabel->setText(locale.toString(summary.tenantCount));
    m_topLevelLabel->setText(locale.toString(summary.topLevelTenantCount));
    QStringList statuses;
    for (const auto& [status, count] : summary.tenantsByStatus)
        statuses << u"%1 %2"_s.arg(tenantStatusDisplayName(status), locale.toString(count));
    m_statusesLabel->setText(orDash(statuses.join(u" · "_s)));
    m_environmentsLabel->setText(locale.toString(summary.environmentCount));
    m_usersLabel->setText(locale.toString(summary.userCount));
    m_rolesLabel->setText(locale.toString(summary.roleCount));
    m_schemaLabel->setText(QString::number(summary.schemaVersion));
}

} // namespace TenantDesk
