#pragma once

#include "DemoData.h"
#include "Environment.h"
#include "Page.h"
#include "StoreQueries.h"
#include "Tenant.h"
#include "User.h"

#include <QFuture>
#include <QString>

namespace TenantDesk {

enum class OpenMode {
    OpenExisting,    // the database must exist and be a TenantDesk database
    CreateIfMissing, // create an empty TenantDesk database when there is none
};

// The one asynchronous interface the models and the UI use to reach tenant data, whatever the
// backend (a local database or a platform's REST API). No operation blocks its caller: each
// runs elsewhere and reports through its future. A failed operation carries a StoreError.
class Store
{
public:
    virtual ~Store() = default;
    Store() = default;
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    // The backend and location as a person would name them: "SQLite — /home/ann/demo.tenantdesk".
    virtual QString displayName() const = 0;

    // Connects, checks that the data is TenantDesk's and brings its schema up to date.
    // Nothing is written to a database that fails the checks.
    virtual QFuture<StoreInfo> open(OpenMode mode) = 0;

    virtual QFuture<Platform> platform() = 0;
    // Counts over the whole platform: may take a moment on millions of users.
    virtual QFuture<PlatformSummary> platformSummary() = 0;
    virtual QFuture<Page<Tenant>> tenants(const TenantQuery& query) = 0;
    virtual QFuture<Tenant> tenant(TenantId id) = 0;
    virtual QFuture<Tenant> tenantBySlug(const QString& slug) = 0;
    virtual QFuture<TenantSummary> tenantSummary(TenantId id) = 0;
    virtual QFuture<TenantSearchResult> searchTenants(const QString& text, int limit) = 0;
    virtual QFuture<QList<Environment>> environments(TenantId tenantId) = 0;
    virtual QFuture<EnvironmentSummary> environmentSummary(EnvironmentId id) = 0;
    virtual QFuture<Page<User>> users(const UserQuery& query) = 0;
    virtual QFuture<Page<MembershipEntry>> memberships(const MembershipQuery& query) = 0;
    // The built-in roles and the custom roles of the tenant and its ancestors (0: built-in only).
    virtual QFuture<QList<Role>> roles(TenantId tenantId) = 0;
    virtual QFuture<Page<AuditEvent>> auditEvents(const AuditQuery& query) = 0;
    virtual QFuture<QList<UsageSample>> usage(const UsageQuery& query) = 0;
    virtual QFuture<QList<BillingSummaryRow>> billingSummary(const BillingQuery& query) = 0;

    // Changes a tenant that is still at `expectedVersion`; Conflict when someone else changed it
    // first, so that no edit silently overwrites another. The change is audited.
    virtual QFuture<Tenant> updateTenant(TenantId id, const TenantChange& change, qint64 expectedVersion) = 0;

    // Fills an open, empty database with the demo data of `scale` in one transaction. Reports
    // progress (0 to 1000) through the future; cancelling it rolls everything back.
    virtual QFuture<DemoSummary> generateDemo(const DemoScale& scale) = 0;
};

} // namespace TenantDesk
