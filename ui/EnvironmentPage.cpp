#include "EnvironmentPage.h"

#include "DetailForm.h"

#include <QGroupBox>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QTableWidget>
#include <QVBoxLayout>

namespace TenantDesk {

using namespace Qt::StringLiterals;

EnvironmentPage::EnvironmentPage(QWidget* parent)
    : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    m_titleLabel = makeTitleLabel(u"environmentTitleLabel"_s, this);
    layout->addWidget(m_titleLabel);
    auto* form = new DetailForm;
    m_tenantLabel = form->addValue(tr("Tenant:"), u"environmentTenantValueLabel"_s);
    m_kindLabel = form->addValue(tr("Kind:"), u"environmentKindValueLabel"_s);
    m_membersLabel = form->addValue(tr("Members:"), u"environmentMembersValueLabel"_s);
    m_createdLabel = form->addValue(tr("Created:"), u"environmentCreatedValueLabel"_s);
    layout->addLayout(form);

    auto* settingsBox = new QGroupBox(tr("Settings"), this);
    auto* settingsLayout = new QVBoxLayout(settingsBox);
    m_settingsTable = new QTableWidget(0, 2, settingsBox);
    m_settingsTable->setTabKeyNavigation(false);
    m_settingsTable->setAccessibleName(tr("Settings"));
    m_settingsTable->setObjectName(u"environmentSettingsTable"_s);
    m_settingsTable->setHorizontalHeaderLabels({tr("Key"), tr("Value")});
    m_settingsTable->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_settingsTable->verticalHeader()->hide();
    m_settingsTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    settingsLayout->addWidget(m_settingsTable);
    layout->addWidget(settingsBox, 1);
}

void EnvironmentPage::setSummary(const EnvironmentSummary& summary)
{
    m_environmentId = summary.environment.id;
    m_titleLabel->setText(summary.environment.name);
    m_tenantLabel->setText(u"%1 (%2)"_s.arg(summary.tenant.displayName, summary.tenant.slug));
    m_kindLabel->setText(environmentKindDisplayName(summary.environment.kind));
    m_membersLabel->setText(QLocale().toString(summary.memberCount));
    m_createdLabel->setText(formatTime(summary.environment.createdAt));
    const QStringList keys = summary.environment.settings.keys();
    m_settingsTable->setRowCount(int(keys.size()));
    for (int row = 0; row < keys.size(); ++row) {
        const QJsonValue value = summary.environment.settings.value(keys[row]);
        const QString text = value.isString() ? value.toString()
            : QString::fromUtf8(QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
        m_settingsTable->setItem(row, 0, new QTableWidgetItem(keys[row]));
        m_settingsTable->setItem(row, 1, new QTableWidgetItem(text));
    }
}

} // namespace TenantDesk
