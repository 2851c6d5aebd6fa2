#pragma once

#include "Ids.h"

#include <QList>
#include <QString>

#include <algorithm>

namespace TenantDesk {

// Which tenants a session may see: every tenant (platform scope), or the whole subtrees of some
// root tenants (a tenant admin's own tenants and all their sub-tenants). A default-constructed
// scope sees nothing, so that a forgotten scope fails closed.
//
// On PostgreSQL the scope is enforced by row-level security: each transaction of a SqlSession
// first sets `app.tenant_ids` to settingValue() (see docs/POSTGRESQL.md).
class TenantScope
{
public:
    TenantScope() = default;

    static TenantScope allTenants()
    {
        TenantScope scope;
        scope.m_all = true;
        return scope;
    }
    // The given tenants and their sub-tenants, at any depth; ids that are not positive are dropped.
    static TenantScope subtrees(QList<TenantId> rootIds)
    {
        TenantScope scope;
        rootIds.removeIf([](TenantId id) { return id <= 0; });
        std::sort(rootIds.begin(), rootIds.end());
        rootIds.erase(std::unique(rootIds.begin(), rootIds.end()), rootIds.end());
        scope.m_rootIds = std::move(rootIds);
        return scope;
    }

    bool isAllTenants() const { return m_all; }
    bool isEmpty() const { return !m_all && m_rootIds.isEmpty(); }
    // Sorted, without duplicates; empty for the platform scope.
    const QList<TenantId>& rootIds() const { return m_rootIds; }

    // Whether a tenant lies in the scope, given its id and the ids of its ancestors.
    bool covers(TenantId tenantId, const QList<TenantId>& ancestorIds = {}) const
    {
        if (m_all)
            return true;
        if (m_rootIds.contains(tenantId))
            return true;
        for (TenantId ancestor : ancestorIds) {
            if (m_rootIds.contains(ancestor))
                return true;
        }
        return false;
    }

    // The value of the PostgreSQL setting app.tenant_ids: "*" for every tenant, "12,57" for the
    // subtrees of tenants 12 and 57, "" for none.
    QString settingValue() const
    {
        if (m_all)
            return QStringLiteral("*");
        QString value;
        for (TenantId id : m_rootIds) {
            if (!value.isEmpty())
                value += u',';
            value += QString::number(id);
        }
        return value;
    }

    friend bool operator==(const TenantScope&, const TenantScope&) = default;

private:
    bool m_all = false;
    QList<TenantId> m_rootIds;
};

} // namespace TenantDesk
