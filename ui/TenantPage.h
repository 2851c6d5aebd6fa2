#pragma once

#include "StoreQueries.h"

#include <QWidget>

class QLabel;
class QTableWidget;

namespace TenantDesk {

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

Q_SIGNALS:
    // The user chose an environment in the page's table.
    void environmentActivated(EnvironmentId id);
    // The user chose an ancestor in the breadcrumb.
    void tenantActivated(TenantId id);

private:
    Tenant m_tenant;
    QLabel* m_titleLabel;
    QLabel* m_pathLabel;
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
