#pragma once

#include "Store.h"

#include <QObject>
#include <memory>

namespace TenantDesk {

// "View as…": the open store as one user would see it, read-only. Every read is filtered by the
// policy exactly as tenantdesk-server filters it for that user (a tenant outside their scope is
// NotFound, one they see but may not read is Forbidden; a tenant-scoped user's top level is the
// tenants they were granted), and every change is refused with Forbidden.
//
// It does not own the store it decorates, which must outlive it. Answers are continued on the
// thread that made the preview (its event loop must run); destroying the preview cancels the
// answers still on their way.
class PreviewStore final : public Store
{
public:
    PreviewStore(Store* store, Principal principal, StoreInfo info = {});
    ~PreviewStore() override;

    Store* previewedStore() const { return m_store; }
    const Principal& principal() const { return m_principal; }
    // The sentence every refused change carries.
    QString readOnlyMessage() const;

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

    QFuture<DemoSummary> generateDemo(const DemoScale& scale) override;

private:
    // The tenant `id` once the policy allows `permission` on it (the server's requireTenant).
    QFuture<Tenant> requireTenant(TenantId id, const QString& permission);
    // Throws Forbidden unless a platform-scope role gives `permission` (the server's requirePlatform).
    void requirePlatform(const QString& permission) const;
    void checkTenant(const Tenant& tenant, const QString& permission) const;
    QFuture<QList<Tenant>> tenantsById(const QList<TenantId>& ids);
    template<typename T>
    QFuture<T> refused() const;
    template<typename T>
    QFuture<T> forbiddenUnlessPlatform(const QString& permission, const std::function<QFuture<T>()>& read) const;

    Store* m_store;
    Principal m_principal;
    StoreInfo m_info;
    std::unique_ptr<QObject> m_context; // the continuations' receiver: gone with the preview
};

} // namespace TenantDesk
