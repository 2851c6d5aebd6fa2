#pragma once

#include "StoreQueries.h"

#include <QWidget>

class QAction;
class QHBoxLayout;
class QLabel;
class QTableWidget;

namespace TenantDesk {

class FlowLayout;

// The detail page of one tenant: identity, status, domain, locale, quotas, environments, members.
class TenantPage : public QWidget
{
    Q_OBJECT

public:
    explicit TenantPage(QWidget* parent = nullptr);

    void setSummary(const TenantSummary& summary);
    TenantId tenantId() const { return m_tenant.id; }
    // The tenant shown, as last read.
    const Tenant& tenant() const { return m_tenant; }
    // Buttons for `actions` under the title (the Tenant menu's most used), enabled as they are.
    void setActions(const QList<QAction*>& actions);

Q_SIGNALS:
    // The user chose an environment in the page's table.
    void environmentActivated(EnvironmentId id);
    // The user chose an ancestor in the breadcrumb.
    void tenantActivated(TenantId id);

private:
    Tenant m_tenant;
    QLabel* m_titleLabel;
    QLabel* m_pathLabel;
    FlowLayout* m_actionRow; // wraps: the buttons' words in German or French do not widen the page
    QLabel* m_policyLabel;
    QLabel* m_flagsLabel;
    QLabel* m_settingsLabel;
    QLabel* m_slugLabel;
    QLabel* m_statusLabel;
    QLabel* m_domainLabel;
    QLabel* m_timezoneLabel;
    QLabel* m_languageLabel;
    QLabel* m_cpuLabel;
    QLabel* m_memoryLabel;
    QLabel* m_storageLabel;
    QLabel* m_seatsLabel;
    QLabel* m_rateLimitLabel;
    QLabel* m_subTenantsLabel;
    QLabel* m_membersLabel;
    QLabel* m_createdLabel;
    QLabel* m_updatedLabel;
    QTableWidget* m_environmentsTable;
};

} // namespace TenantDesk
