#pragma once

#include "StoreQueries.h"

#include <QWidget>

class QLabel;
class QTableWidget;

namespace TenantDesk {

// The detail page of one environment of a tenant: kind, members and its own settings.
class EnvironmentPage : public QWidget
{
    Q_OBJECT

public:
    explicit EnvironmentPage(QWidget* parent = nullptr);

    void setSummary(const EnvironmentSummary& summary);
    EnvironmentId environmentId() const { return m_environmentId; }

private:
    EnvironmentId m_environmentId = 0;
    QLabel* m_titleLabel;
    QLabel* m_tenantLabel;
    QLabel* m_kindLabel;
    QLabel* m_membersLabel;
    QLabel* m_createdLabel;
    QTableWidget* m_settingsTable;
};

} // namespace TenantDesk
