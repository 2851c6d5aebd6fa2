#pragma once

#include "StoreQueries.h"

#include <QWidget>

class QLabel;

namespace TenantDesk {

// The overview of the whole platform: how many tenants, environments, users and roles.
class PlatformPage : public QWidget
{
    Q_OBJECT

public:
    explicit PlatformPage(QWidget* parent = nullptr);

    void setSummary(const PlatformSummary& summary, const QString& location);

private:
    QLabel* m_titleLabel;
    QLabel* m_locationLabel;
    QLabel* m_tenantsLabel;
    QLabel* m_topLevelLabel;
    QLabel* m_environmentsLabel;
    QLabel* m_usersLabel;
    QLabel* m_rolesLabel;
    QLabel* m_statusesLabel;
    QLabel* m_schemaLabel;
};

} // namespace TenantDesk
