#pragma once

#include "Environment.h"
#include "Ids.h"
#include "Tenant.h"
#include "User.h"

#include <QString>
#include <Qt>
#include <optional>

namespace TenantDesk {

enum class TenantSort { DisplayName, Slug, Status, CreatedAt };

// The direct sub-tenants of one parent (0: the top-level tenants), one page at a time.
struct TenantQuery {
    TenantId parentId = 0;
    TenantSort sort = TenantSort::DisplayName;
    Qt::SortOrder order = Qt::AscendingOrder;
    int limit = 200;
    QString cursor;
};

// Tenants whose display name or slug contains a text, with the ancestors that lead to each.
struct TenantSearchResult {
    QList<Tenant> matches;   // ordered by depth, then display name
    QList<Tenant> ancestors; // every ancestor of every match, each once
    bool truncated = false;  // more tenants matched than the limit
};

struct UserQuery {
    TenantId tenantId = 0; // 0: every user on the platform
    QString text;          // contained in name or e-mail
    int limit = 100;
    QString cursor;
};

// What the detail page shows about one tenant.
struct TenantSummary {
    Tenant tenant;
    QList<Tenant> ancestors;          // from the top-level tenant down to the parent
    QList<Environment> environments;
    int memberCount = 0;              // distinct users with a membership on the tenant or its environments
};

struct EnvironmentSummary {
    Environment environment;
    Tenant tenant;
    int memberCount = 0;
};

// The root: one per database or server.
struct Platform {
    QString name;
    QDateTime createdAt;
};

struct PlatformSummary {
    QString name;
    int tenantCount = 0;
    int topLevelTenantCount = 0;
    int environmentCount = 0;
    int userCount = 0;
    int roleCount = 0;
    int schemaVersion = 0;
    QList<QPair<TenantStatus, int>> tenantsByStatus;
};

// What a store says about itself once open.
struct StoreInfo {
    QString backend;     // "SQLite", "PostgreSQL", "REST"
    QString location;    // file path or URL
    QString engineVersion; // "SQLite 3.40.1"
    int schemaVersion = 0;
    bool created = false; // the database was created by this open
};

} // namespace TenantDesk
