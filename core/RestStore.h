#pragma once

#include "ServerConnection.h"
#include "Store.h"

#include <chrono>
#include <memory>

namespace TenantDesk {

// The Store on a TenantDesk server's REST API (tenantdesk-server) through QtNetwork.
//
// Every operation is asynchronous: the store's QNetworkAccessManager lives on the thread that
// created the store (the GUI thread is fine) and reports through QFutures; call the store from
// that thread. open() checks the server (GET /healthz), signs in (with the password, or by
// refreshing a remembered session) and reads the platform.
//
// Sessions: a short-lived access token, kept in memory only, and a refresh token that rotates
// on every refresh (the new one is reported through setRefreshTokenHandler()). A call answered
// with 401 refreshes once and is tried once more; then it fails with AuthenticationError.
//
// Failures are StoreErrors: the server's problem+json "detail" is the message; 401 is an
// AuthenticationError (Forbidden), 403 Forbidden, 404 NotFound, 409 and 412 a ConflictError
// carrying the server's current object, 400/413/422 Invalid, 429, 5xx and network failures
// Unavailable. A response that cannot be read is Internal, naming the field.
//
// Reading calls (GET) are retried after a dropped or refused connection, a timeout, 429 or 503,
// with growing delays (honouring Retry-After); a change only when the connection was refused,
// since then the server cannot have received it. A tenant edit (updateTenant, a PATCH with
// If-Match) is also resent after a dropped connection: it can land only once, and a resent copy
// refused with 412 because its first copy had landed is recognised and succeeds (the tenant one
// version on, holding the edit, last updated by this user: docs/RELIABILITY.md).
//
// TLS certificates are verified; an untrusted one fails with UntrustedCertificateError carrying
// its fingerprint, unless it is exactly the certificate of ServerConnection::trustedFingerprint.
class RestStore final : public Store, public ServerSession
{
public:
    explicit RestStore(ServerConnection connection);
    ~RestStore() override;

    QString displayName() const override;

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
    // Unsupported: demo data is generated into a local database.
    QFuture<DemoSummary> generateDemo(const DemoScale& scale) override;

    // ServerSession
    QUrl serverUrl() const override;
    QString email() const override;
    User user() const override;
    QString refreshToken() const override;
    void setRefreshTokenHandler(std::function<void(const QString&)> handler) override;
    QFuture<void> signOut() override;

    // How long one request may stall before it fails (15 s by default).
    void setTransferTimeout(std::chrono::milliseconds timeout);
    // The waits before each retry of a request that may be retried (0.2 s, 0.8 s, 2 s by
    // default: four tries in all); empty: no retries.
    void setRetryDelays(QList<std::chrono::milliseconds> delays);
    // Retry-After waits longer than this are not waited for: the call fails at once (30 s).
    void setMaximumRetryAfter(std::chrono::seconds wait);
    // How many HTTP requests this store has sent, retries included (for diagnostics and tests).
    int requestCount() const;

private:
    class Client;
    std::unique_ptr<Client> m_client;
};

} // namespace TenantDesk
