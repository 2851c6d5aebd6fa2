#pragma once

#include "DatabaseLocation.h"
#include "Page.h"
#include "Store.h"
#include "StoreQueries.h"
#include "TenantScope.h"

#include <QSqlDatabase>
#include <QSqlError>

#include <chrono>
#include <functional>
#include <mutex>
#include <type_traits>

namespace TenantDesk {

class BillingFileReader;

// The store's queries, run synchronously on one QtSql connection by the thread that owns it:
// SqlStore's worker thread, or one of tenantdesk-server's request threads. Every failure is a
// StoreError with a sentence a person can act on.
//
// A session reads in a tenant scope. On PostgreSQL every public operation runs in a transaction
// that first sets app.tenant_ids to the scope (for that transaction only), and the database's
// row-level security hides every row outside it; a connection taken from a pool therefore never
// carries an earlier caller's scope. On SQLite the database does not enforce the scope (the
// server's policy does) and reads run without a transaction, as fast as before.
class SqlSession
{
public:
    // Opens the connection `connectionName` on the calling thread: checks that the database is
    // TenantDesk's (nothing is written to one that is not) and brings its schema up to date.
    // On failure the connection is removed again.
    static StoreInfo open(const DatabaseLocation& location, OpenMode mode, const QString& connectionName);
    // Opens one more connection to a database that open() has already checked and migrated.
    static void connect(const DatabaseLocation& location, const QString& connectionName);
    // Closes and removes the connection, if there is one.
    static void close(const QString& connectionName);
    // For a process that reads SQLite from many threads at once (the server): turns off SQLite's
    // memory statistics, whose one global mutex every allocation of every connection takes. Must
    // run before the process opens its first database; false when SQLite was already in use.
    static bool prepareForManyThreads();
    // Throws what `error` means as a StoreError (its code from SQLite's result code or PostgreSQL's
    // SQLSTATE), its message saying what was being done (`doing`) and naming the database.
    [[noreturn]] static void throwError(const QSqlError& error, const QString& doing, const QSqlDatabase& db);

    explicit SqlSession(QSqlDatabase db, TenantScope scope = TenantScope::allTenants());

    const TenantScope& scope() const { return m_scope; }
    // Whether the database itself hides what lies outside the scope (PostgreSQL's row-level security).
    bool enforcesScope() const { return m_postgres; }

    // Runs `fn()` in one transaction in the session's scope and returns what it returns: several
    // operations (and, later, writes) see one state and change it together. A StoreError or other
    // exception from `fn` rolls everything back and is rethrown. Inside, the session's own
    // operations join the transaction instead of starting theirs. On SQLite the transaction takes
    // the write lock at once (BEGIN IMMEDIATE), so that a write inside never fails on an upgrade.
    template<class Fn>
    std::invoke_result_t<Fn&> transaction(Fn fn) const;

    // The steps of transaction(), for work that spans calls (a bulk load): begin() starts the
    // transaction and sets the scope; commit() or rollback() ends it.
    void begin() const;
    void commit() const;
    void rollback() const noexcept;
    bool inTransaction() const { return m_inTransaction; }

    Platform platform() const;
    PlatformSummary platformSummary() const;
    Page<Tenant> tenants(const TenantQuery& query) const;
    Tenant tenant(TenantId id) const;
    Tenant tenantBySlug(const QString& slug) const;
    TenantSummary tenantSummary(TenantId id) const;
    // Tenants whose name or slug contains `text`, the first `limit` of them in the session's scope
    // (on SQLite as on PostgreSQL), with their ancestors.
    TenantSearchResult searchTenants(const QString& text, int limit) const;
    QList<Environment> environments(TenantId tenantId) const;
    EnvironmentSummary environmentSummary(EnvironmentId id) const;
    Page<User> users(const UserQuery& query) const;
    bool hasTenants() const;
    Page<MembershipEntry> memberships(const MembershipQuery& query) const;
    // The built-in roles and the custom roles of the tenant and of its ancestors.
    QList<Role> roles(TenantId tenantId) const;
    Page<AuditEvent> auditEvents(const AuditQuery& query) const;
    AuditChainReport verifyAuditTrail() const;
    QList<UsageSample> usage(const UsageQuery& query) const;
    // Usage summed per tenant (SqlUsage.cpp), as Store::usageTotals describes it, in the session's scope.
    QList<UsageTotal> usageTotals(const UsageTotalsQuery& query) const;
    QList<BillingSummaryRow> billingSummary(const BillingQuery& query) const;

    // Billing review, as Store describes it (SqlBilling.cpp). Reads answer in the session's scope
    // (a tenant scope sees its tenants' rows only, never unallocated cost; on PostgreSQL it cannot
    // read the shared pools either, so shares are computed in the platform scope and then
    // filtered by the policy). Rules, budgets and roll-ups change in the platform scope only.
    AttributionRules attributionRules() const;
    // `progress(done)` is told 0 to 1000; returning false stops and rolls everything back.
    AttributionResult setAttributionRules(const AttributionRules& rules, qint64 expectedVersion,
                                          const std::function<bool(int)>& progress = {}) const;
    // Builds billing_rollups again from the lines: those of one import (0: lines of no import, such
    // as the demo's), or all of them (-1). Joins a running transaction.
    void rebuildBillingRollups(qint64 importId = -1) const;
    QList<BillingTotalsRow> billingTotals(const BillingFilter& filter) const;
    Page<BillingLine> billingLines(const BillingLineQuery& query) const;
    QList<BillingTagValue> billingTagValues(const BillingTagValueQuery& query) const;
    QList<BillingTagKey> billingTagKeys() const;
    QList<TenantBudget> budgets() const;
    TenantBudget setBudget(const TenantBudget& budget) const;

    // Changes a tenant whose version is still `expectedVersion` (Conflict otherwise: someone else
    // changed it first), and writes the audit event in the same transaction.
    Tenant updateTenant(TenantId id, const TenantChange& change, qint64 expectedVersion) const;
    // Tenant administration, as Store describes it (SqlTenantAdmin.cpp).
    Tenant createTenant(const NewTenant& tenant) const;
    Tenant moveTenant(TenantId id, TenantId newParentId, qint64 expectedVersion) const;
    Tenant changeTenantStatus(TenantId id, TenantStatus status, qint64 expectedVersion) const;
    Tenant completeDecommissionStep(TenantId id, const DecommissionStepDone& step, qint64 expectedVersion) const;
    QByteArray backUpTenant(TenantId id) const;
    Tenant restoreTenant(const QByteArray& backup, std::optional<TenantId> parentId) const;
    Tenant deleteTenant(TenantId id, const QString& confirmSlug, qint64 expectedVersion) const;
    Environment addEnvironment(TenantId tenantId, const NewEnvironment& environment) const;
    Environment updateEnvironment(EnvironmentId id, const EnvironmentChange& change, qint64 expectedVersion) const;
    Environment removeEnvironment(EnvironmentId id, qint64 expectedVersion) const;
    Environment promoteEnvironment(EnvironmentId sourceId, EnvironmentId targetId, const QStringList& keys,
                                   qint64 expectedTargetVersion) const;

    // Users, roles and memberships, as Store describes them (SqlUserAdmin.cpp).
    UserDetail userDetail(UserId id) const;
    User createUser(const NewUser& user) const;
    User updateUser(UserId id, const UserChange& change, qint64 expectedVersion) const;
    UserMembership grantMembership(const Membership& membership) const;
    UserMembership revokeMembership(const Membership& membership) const;
    // One role with its permissions and included roles; NotFound when there is none (in scope).
    Role role(RoleId id) const;
    Role createRole(const NewRole& role) const;
    Role updateRole(RoleId id, const RoleChange& change, qint64 expectedVersion) const;
    Role deleteRole(RoleId id, qint64 expectedVersion) const;
    EffectivePermissions effectivePermissions(UserId userId, TenantId tenantId) const;
    // `progress(done)` is told how many users are done; returning false stops and rolls back.
    BulkUserResult applyBulkUserAction(const BulkUserAction& action,
                                       const std::function<bool(int)>& progress = {}) const;
    ImportReport importDirectory(const DirectoryImport& import, bool dryRun) const;
    // Billing imports, as Store describes them (SqlBillingImport.cpp); the platform scope only
    // (Forbidden otherwise). `progress(done)` is told 0 to 1000 by bytes read; returning false stops
    // and rolls everything back. The import is recorded under the file name of `request.path`.
    BillingImportResult importBilling(const BillingImportRequest& request,
                                      const std::function<bool(int)>& progress = {}) const;
    QList<BillingImport> billingImports() const;
    BillingImport deleteBillingImport(qint64 importId) const;
    // The principal the user is when signed in: platform roles, and a grant per membership on a
    // tenant that is not dormant (requested, suspended, decommissioning, archived give nothing).
    Principal principalOf(UserId userId) const;

    // Sign-in: accounts, their password hashes and refresh tokens (tables without tenant data).
    struct Credential {
        User user;
        QString passwordHash; // argon2id, PHC string
        bool mustChange = false;
    };
    User userById(UserId id) const;
    std::optional<Credential> credentialByEmail(const QString& email) const;
    void setCredential(UserId userId, const QString& passwordHash, bool mustChange) const;
    void recordSignIn(UserId userId) const;
    // The user with this e-mail, created (active) when there is none.
    User ensureUser(const QString& email, const QString& displayName) const;
    // Makes the user a platform principal holding the built-in role `roleName` (the built-in roles
    // are added first to a database that has none yet, such as a new, empty platform).
    void grantPlatformRole(UserId userId, const QString& roleName) const;
    // The platform-scope roles a user holds, and every membership of the user on any tenant.
    QList<Role> platformRolesOf(UserId userId) const;
    QList<MembershipEntry> membershipsOfUser(UserId userId) const;

    struct RefreshToken {
        qint64 id = 0;
        UserId userId = 0;
        QString family;   // every token rotated from one sign-in
        QDateTime expiresAt;
        bool revoked = false;
    };
    void insertRefreshToken(UserId userId, const QString& family, const QByteArray& tokenHash, const QDateTime& expiresAt) const;
    std::optional<RefreshToken> refreshToken(const QByteArray& tokenHash) const;
    // Revokes one token; false when it was already revoked (so a token is used at most once).
    bool revokeRefreshToken(qint64 id) const;
    void revokeRefreshFamily(const QString& family) const;

    // Who the changes of this session are recorded as, in audit events ("ann@example.com").
    void setActor(const QString& actor) { m_actor = actor; }

    // The largest page a query may ask for.
    static constexpr int maximumPageSize = TenantDesk::maximumPageSize;

private:
    // Runs `fn()` in a scoped transaction on PostgreSQL (joining one that runs), directly on SQLite.
    template<class Fn>
    std::invoke_result_t<Fn&> scoped(Fn fn) const;
    // begin() on PostgreSQL: BEGIN, then the session's scope.
    void beginPostgres(const QString& doing) const;
    // Closes the connection and opens it again (PostgreSQL, after the server dropped it).
    void reopen(const QString& doing) const;
    // SQLite: the in-process queue of the writers of one database file, and how long a writer
    // waits in it before it tries on its own.
    static std::timed_mutex& writeQueue(const QString& file);
    static constexpr std::chrono::seconds writeQueueWait{10};
    void releaseWriteLock() const noexcept;
    // Adds the built-in roles missing from the database (SqlTenantAdmin.cpp).
    void ensureBuiltInRoles() const;
    BillingImportResult importInTransaction(const BillingImportRequest& request, BillingFileReader& reader,
                                            const std::function<void(int)>& report) const;
    // Appends an audit event to its tenant's hash chain.
    void appendAudit(AuditEvent event) const;
    // The fault-injection hook of tests/app/tst_faults_import (SQLite only): see SqlSession.cpp.
    void applyTestDiskLimit() const;

    QSqlDatabase m_db;
    TenantScope m_scope;
    bool m_postgres = false;
    mutable bool m_inTransaction = false;
    // SQLite: the process's queue for writing the file, held from begin() to commit() or rollback().
    mutable std::timed_mutex* m_writeLock = nullptr;
    QString m_actor = QStringLiteral("system");
};

template<class Fn>
std::invoke_result_t<Fn&> SqlSession::transaction(Fn fn) const
{
    if (m_inTransaction)
        return fn();
    begin();
    try {
        if constexpr (std::is_void_v<std::invoke_result_t<Fn&>>) {
            fn();
            commit();
        } else {
            auto result = fn();
            commit();
            return result;
        }
    } catch (...) {
        rollback();
        throw;
    }
}

template<class Fn>
std::invoke_result_t<Fn&> SqlSession::scoped(Fn fn) const
{
    if (!m_postgres)
        return fn();
    return transaction(std::move(fn));
}

} // namespace TenantDesk
