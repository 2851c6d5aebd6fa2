#pragma once

#include "DemoData.h"
#include "DatabaseLocation.h"
#include "SqlSession.h"
#include "Store.h"

#include <QSqlDatabase>
#include <QPromise>
#include <QThread>

#include <atomic>
#include <memory>

namespace TenantDesk {

// The Store on a database through QtSql: an SQLite file (WAL mode, foreign keys on) or a
// PostgreSQL database (QPSQL). Every query runs on the store's own worker thread, which owns the
// connection, through SqlSession, in the platform scope (every tenant).
class SqlStore final : public Store
{
public:
    // A store on the SQLite file at `path`. Nothing is opened until open().
    explicit SqlStore(const QString& path);
    explicit SqlStore(DatabaseLocation location);
    ~SqlStore() override;

    QString displayName() const override;
    QString path() const { return m_location.path; }
    const DatabaseLocation& location() const { return m_location; }

    QFuture<StoreInfo> open(OpenMode mode) override;
    QFuture<Platform> platform() override;
    QFuture<PlatformSummary> platformSummary() override;
    QFuture<Page<Tenant>> tenants(const TenantQuery& query) override;
    QFuture<Tenant> tenant(TenantId id) override;
    QFuture<Tenant> tenantBySlug(const QString& slug) override;
    QFuture<TenantSummary> tenantSummary(TenantId id) override;
    QFuture<TenantSearchResult> searchTenants(const QString& text, int limit) override;
    QFuture<QList<Environment>> environments(TenantId tenantId) override;
    QFuture<EnvironmentSummary> environmentSummary(EnvironmentId id) override;
    QFuture<Page<User>> users(const UserQuery& query) override;
    QFuture<Page<MembershipEntry>> memberships(const MembershipQuery& query) override;
    QFuture<QList<Role>> roles(TenantId tenantId) override;
    QFuture<Page<AuditEvent>> auditEvents(const AuditQuery& query) override;
    QFuture<AuditChainReport> verifyAuditTrail() override;
    QFuture<QList<UsageSample>> usage(const UsageQuery& query) override;
    QFuture<QList<BillingSummaryRow>> billingSummary(const BillingQuery& query) override;
    QFuture<BillingImportResult> importBilling(const BillingImportRequest& request) override;
    QFuture<QList<BillingImport>> billingImports() override;
    QFuture<BillingImport> deleteBillingImport(qint64 importId) override;
    QFuture<AttributionRules> attributionRules() override;
    QFuture<AttributionResult> setAttributionRules(const AttributionRules& rules, qint64 expectedVersion) override;
    QFuture<QList<BillingTotalsRow>> billingTotals(const BillingFilter& filter) override;
    QFuture<Page<BillingLine>> billingLines(const BillingLineQuery& query) override;
    QFuture<QList<BillingTagValue>> billingTagValues(const BillingTagValueQuery& query) override;
    QFuture<QList<BillingTagKey>> billingTagKeys() override;
    QFuture<QList<TenantBudget>> budgets() override;
    QFuture<TenantBudget> setBudget(const TenantBudget& budget) override;
    QFuture<QList<UsageTotal>> usageTotals(const UsageTotalsQuery& query) override;
    QFuture<Tenant> updateTenant(TenantId id, const TenantChange& change, qint64 expectedVersion) override;
    QFuture<Tenant> createTenant(const NewTenant& tenant) override;
    QFuture<Tenant> moveTenant(TenantId id, TenantId newParentId, qint64 expectedVersion) override;
    QFuture<Tenant> changeTenantStatus(TenantId id, TenantStatus status, qint64 expectedVersion) override;
    QFuture<Tenant> completeDecommissionStep(TenantId id, const DecommissionStepDone& step, qint64 expectedVersion) override;
    QFuture<QByteArray> backUpTenant(TenantId id) override;
    QFuture<Tenant> restoreTenant(const QByteArray& backup, std::optional<TenantId> parentId) override;
    QFuture<Tenant> deleteTenant(TenantId id, const QString& confirmSlug, qint64 expectedVersion) override;
    QFuture<Environment> addEnvironment(TenantId tenantId, const NewEnvironment& environment) override;
    QFuture<Environment> updateEnvironment(EnvironmentId id, const EnvironmentChange& change, qint64 expectedVersion) override;
    QFuture<Environment> removeEnvironment(EnvironmentId id, qint64 expectedVersion) override;
    QFuture<Environment> promoteEnvironment(EnvironmentId sourceId, EnvironmentId targetId, const QStringList& keys,
                                            qint64 expectedTargetVersion) override;

    QFuture<UserDetail> user(UserId id) override;
    QFuture<User> createUser(const NewUser& user) override;
    QFuture<User> updateUser(UserId id, const UserChange& change, qint64 expectedVersion) override;
    QFuture<UserMembership> grantMembership(const Membership& membership) override;
    QFuture<UserMembership> revokeMembership(const Membership& membership) override;
    QFuture<Role> createRole(const NewRole& role) override;
    QFuture<Role> updateRole(RoleId id, const RoleChange& change, qint64 expectedVersion) override;
    QFuture<Role> deleteRole(RoleId id, qint64 expectedVersion) override;
    QFuture<EffectivePermissions> effectivePermissions(UserId userId, TenantId tenantId) override;
    QFuture<BulkUserResult> applyBulkUserAction(const BulkUserAction& action) override;
    QFuture<ImportReport> importDirectory(const DirectoryImport& import, bool dryRun) override;
    QFuture<Principal> principalOf(UserId userId) override;
    QFuture<Principal> currentPrincipal() override;

    // Who this store's changes are recorded as in the audit trail (by default the local user).
    void setActor(const QString& actor);

    QFuture<DemoSummary> generateDemo(const DemoScale& scale) override;

private:
    // Runs `fn(promise, db)` on the worker thread; the future reports what it adds to the promise.
    template<typename T, typename Fn>
    QFuture<T> post(Fn fn);
    // Runs `fn(session)` on the worker thread once the store is open; the future carries its result.
    template<typename Fn>
    auto run(Fn fn);

    QSqlDatabase connection() const;
    // Throws Unavailable unless the store is open and not closing (on the worker thread).
    void checkUsable() const;
    void closeOnWorker();

    const DatabaseLocation m_location;
    QString m_actor; // read on the worker thread only
    const QString m_connectionName;
    std::atomic<bool> m_open = false;
    std::atomic<bool> m_closing = false; // long work stops early when the store is going away
    // The worker thread and an object living on it, through which work is posted. A dedicated
    // thread rather than a pool: a waiting caller must never run a query on its own thread.
    QThread m_worker;
    QObject* m_workerContext = nullptr;
};

} // namespace TenantDesk
