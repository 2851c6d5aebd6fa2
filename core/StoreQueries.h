#pragma once

#include "AuditEvent.h"
#include "Environment.h"
#include "Ids.h"
#include "Role.h"
#include "UsageSample.h"
#include "Tenant.h"
#include "User.h"

#include <QJsonObject>
#include <QString>
#include <Qt>
#include <optional>

namespace TenantDesk {

enum class TenantSort { DisplayName, Slug, Status, CreatedAt };

// The most items one page may hold, on every store and in the REST API.
inline constexpr int maximumPageSize = 500;

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

enum class UserSort { DisplayName, Email, Status, LastSignIn, CreatedAt };

QString userSortKey(UserSort sort);                       // "display_name", "email", ...
std::optional<UserSort> userSortFromKey(const QString& key);

// Users that match every filter given, one page at a time.
struct UserQuery {
    TenantId tenantId = 0;           // 0: every user on the platform; else members of the tenant or its environments
    QString text;                    // contained in name or e-mail
    int limit = 100;
    QString cursor;
    EnvironmentId environmentId = 0; // members of this environment
    RoleId roleId = 0;               // holding this role (on tenantId when given)
    std::optional<UserStatus> status;
    UserSort sort = UserSort::DisplayName;
    Qt::SortOrder order = Qt::AscendingOrder;
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

// The memberships held on one tenant and its environments, one page at a time, ordered by user.
struct MembershipQuery {
    TenantId tenantId = 0;
    UserId userId = 0; // 0: every user
    int limit = 100;
    QString cursor;
};

// A membership with the names a person reads.
struct MembershipEntry {
    TenantId tenantId = 0;
    UserId userId = 0;
    EnvironmentId environmentId = 0; // 0: the whole tenant
    RoleId roleId = 0;
    QString userEmail;
    QString userDisplayName;
    QString roleName;
    QString environmentName;
    friend bool operator==(const MembershipEntry&, const MembershipEntry&) = default;
};

// Audit events, newest first, that match every filter given.
struct AuditQuery {
    TenantId tenantId = 0; // 0: every tenant and the platform's own events
    QString actor;         // exactly this actor ("ann@example.com", "local:ann")
    QString action;        // exactly this action ("tenant.update"), or a prefix ending in '.' ("tenant.")
    QDateTime from;        // at >= from, when valid
    QDateTime to;          // at < to, when valid
    QString text;          // contained in the object, the actor or the before/after values
    int limit = 100;
    QString cursor;
};

// Usage samples of one metric of a tenant (or one of its environments) in [from, to), by time.
struct UsageQuery {
    TenantId tenantId = 0;
    EnvironmentId environmentId = 0; // 0: every environment of the tenant
    UsageMetric metric = UsageMetric::CpuHours;
    QDateTime from;
    QDateTime to;
};

// Billed cost summed by tenant, service and month of the charge period.
struct BillingQuery {
    TenantId tenantId = 0; // 0: every tenant, and unallocated cost
    QDateTime from;        // charge period start in [from, to)
    QDateTime to;
};

struct BillingSummaryRow {
    TenantId tenantId = 0; // 0: unallocated
    QString month;         // "2026-09"
    QString serviceName;
    QString billingCurrency;
    QString billedCost;    // exact decimal text
    QString effectiveCost;
    int lineCount = 0;
    friend bool operator==(const BillingSummaryRow&, const BillingSummaryRow&) = default;
};

// The fields of a tenant that an edit may change; an absent field is left as it is.
struct TenantChange {
    std::optional<QString> displayName;
    std::optional<QString> domain;
    std::optional<QString> timezone;
    std::optional<QString> language;
    std::optional<TenantQuotas> quotas;             // all four together; an empty one means "no limit"
    std::optional<std::optional<int>> apiRateLimit; // requests per minute; nullopt inside: no limit
    std::optional<QJsonObject> featureFlags;        // the tenant's own overrides: name → true/false
    std::optional<QJsonObject> securityPolicy;      // see validateSecurityPolicy
    std::optional<QJsonObject> settings;            // integration settings: key → text

    bool isEmpty() const
    {
        return !displayName && !domain && !timezone && !language && !quotas && !apiRateLimit && !featureFlags
            && !securityPolicy && !settings;
    }
};

// A tenant to create. It starts as requested (DESIGN.md's lifecycle), with one environment of
// each kind in `environments`, named after the kind.
struct NewTenant {
    QString slug;
    QString displayName;
    TenantId parentId = 0; // 0: a top-level tenant
    QString domain;
    QString timezone;
    QString language;
    QList<EnvironmentKind> environments;
};

struct NewEnvironment {
    QString name;
    EnvironmentKind kind = EnvironmentKind::Development;
    QJsonObject settings; // key → a JSON value (text, number, true/false)
};

struct EnvironmentChange {
    std::optional<QString> name;
    std::optional<QJsonObject> settings; // replaces all the settings

    bool isEmpty() const { return !name && !settings; }
};

// The steps of decommissioning a tenant, in the order the checklist shows them; a decommissioning
// tenant becomes archived once every step is done.
enum class DecommissionStep { BackUp, NotifyUsers, ReleaseResources, DeleteData, FinaliseBilling };

inline constexpr DecommissionStep allDecommissionSteps[] = {
    DecommissionStep::BackUp, DecommissionStep::NotifyUsers, DecommissionStep::ReleaseResources,
    DecommissionStep::DeleteData, DecommissionStep::FinaliseBilling,
};

QString decommissionStepKey(DecommissionStep step);           // "back_up", "notify_users", ...
std::optional<DecommissionStep> decommissionStepFromKey(const QString& key);
QString decommissionStepDisplayName(DecommissionStep step);   // "Back up the tenant's data"

// One step of the checklist, done. `note` is what the admin records (the backup file, how the users
// were told); deleting the data needs `confirmSlug`, the tenant's slug typed again.
struct DecommissionStepDone {
    DecommissionStep step = DecommissionStep::BackUp;
    QString note;
    QString confirmSlug;
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
