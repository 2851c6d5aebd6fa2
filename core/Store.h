#pragma once

#include "AuditChain.h"
#include "Billing.h"
#include "DemoData.h"
#include "Environment.h"
#include "Page.h"
#include "StoreQueries.h"
#include "Policy.h"
#include "Tenant.h"
#include "User.h"
#include "UserAdmin.h"

#include <QFuture>
#include <QByteArray>
#include <QString>
#include <QStringList>
#include <optional>

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
    // Checks every hash chain of the audit trail (the platform's and each tenant's); the first
    // break, if any, names the event. Platform only: it reads every tenant's events.
    virtual QFuture<AuditChainReport> verifyAuditTrail() = 0;
    virtual QFuture<QList<UsageSample>> usage(const UsageQuery& query) = 0;
    virtual QFuture<QList<BillingSummaryRow>> billingSummary(const BillingQuery& query) = 0;

    // Billing review and usage comparisons (Billing.h). Reading needs billing.read (usage.read) on
    // the tenants read; unallocated cost, imports, attribution rules and budgets are the platform's.

    // Imports a billing export in one transaction: its lines attributed by the rules and the
    // roll-ups brought up to date. Invalid naming the file, line and column when the file is broken
    // (nothing written); Conflict naming the earlier import when the same file was imported and
    // `onDuplicate` is Refuse. Reports progress (0 to 1000, by bytes read); cancelling rolls back.
    virtual QFuture<BillingImportResult> importBilling(const BillingImportRequest& request) = 0;
    // The imports, newest first.
    virtual QFuture<QList<BillingImport>> billingImports() = 0;
    // Deletes an import's lines and roll-ups; returns it as it was.
    virtual QFuture<BillingImport> deleteBillingImport(qint64 importId) = 0;
    virtual QFuture<AttributionRules> attributionRules() = 0;
    // Stores the rules (Conflict when they changed since `expectedVersion`) and applies them again
    // to every line, with the roll-ups, in one transaction. Progress 0 to 1000; cancel rolls back.
    virtual QFuture<AttributionResult> setAttributionRules(const AttributionRules& rules, qint64 expectedVersion) = 0;
    // Totals by tenant × service × month from the roll-ups, shared cost spread by the rules.
    virtual QFuture<QList<BillingTotalsRow>> billingTotals(const BillingFilter& filter) = 0;
    // The lines behind a total (drill-down), paged.
    virtual QFuture<Page<BillingLine>> billingLines(const BillingLineQuery& query) = 0;
    // The values of one tag key in the lines ("values seen"), by value, tenant attributed to now and
    // currency, sorted so. Below the platform: the rows of the tenants where the caller holds
    // billing.read, never unallocated or shared lines. An unknown key gives an empty list.
    virtual QFuture<QList<BillingTagValue>> billingTagValues(const BillingTagValueQuery& query) = 0;
    // The tag keys the lines carry, by key, with how many lines carry each. The platform's.
    virtual QFuture<QList<BillingTagKey>> billingTagKeys() = 0;
    virtual QFuture<QList<TenantBudget>> budgets() = 0;
    // Sets a tenant's monthly budget; an empty amount removes it. Returns it as stored.
    virtual QFuture<TenantBudget> setBudget(const TenantBudget& budget) = 0;
    // Usage summed per tenant, the largest first, for comparing tenants.
    virtual QFuture<QList<UsageTotal>> usageTotals(const UsageTotalsQuery& query) = 0;

    // Changes a tenant that is still at `expectedVersion`; Conflict when someone else changed it
    // first, so that no edit silently overwrites another. The change is audited.
    virtual QFuture<Tenant> updateTenant(TenantId id, const TenantChange& change, qint64 expectedVersion) = 0;

    // Tenant administration. Each change is one transaction together with its audit event; a change
    // to a tenant or an environment names the version it was made on, and is refused with Conflict
    // when someone else changed it first.

    // Creates a tenant, requested, with the environments asked for. Conflict when the slug is taken.
    virtual QFuture<Tenant> createTenant(const NewTenant& tenant) = 0;
    // Moves a tenant, with its sub-tree, under another parent (0: to the top level); never under
    // itself or one of its own sub-tenants.
    virtual QFuture<Tenant> moveTenant(TenantId id, TenantId newParentId, qint64 expectedVersion) = 0;
    // One legal lifecycle transition (legalTransitions); Invalid for any other. A tenant becomes
    // decommissioning only without live sub-tenants, and archived only once its checklist is done.
    virtual QFuture<Tenant> changeTenantStatus(TenantId id, TenantStatus status, qint64 expectedVersion) = 0;
    // Records one step of a decommissioning tenant's checklist. DeleteData deletes the tenant's
    // environments, memberships, custom roles, usage and settings; it needs the slug typed again
    // and the BackUp step done first.
    virtual QFuture<Tenant> completeDecommissionStep(TenantId id, const DecommissionStepDone& step,
                                                     qint64 expectedVersion) = 0;
    // The tenant's data as a backup document (TenantBackup), to be kept in a file.
    virtual QFuture<QByteArray> backUpTenant(TenantId id) = 0;
    // Restores a backup: in place over the archived tenant of the same slug, or as a new tenant
    // under `parentId` (nullopt: under the backup's parent when this store has it, else at the top
    // level). The restored tenant is suspended, to be resumed on purpose. Users missing from this
    // store are created, invited.
    virtual QFuture<Tenant> restoreTenant(const QByteArray& backup, std::optional<TenantId> parentId) = 0;
    // Deletes a tenant that was never provisioned (requested) or is archived, without sub-tenants;
    // `confirmSlug` must be its slug. Returns the tenant as it was.
    virtual QFuture<Tenant> deleteTenant(TenantId id, const QString& confirmSlug, qint64 expectedVersion) = 0;

    virtual QFuture<Environment> addEnvironment(TenantId tenantId, const NewEnvironment& environment) = 0;
    virtual QFuture<Environment> updateEnvironment(EnvironmentId id, const EnvironmentChange& change,
                                                   qint64 expectedVersion) = 0;
    // Removes an environment and the memberships held on it; returns it as it was.
    virtual QFuture<Environment> removeEnvironment(EnvironmentId id, qint64 expectedVersion) = 0;
    // Copies the settings `keys` from one environment to another of the same tenant, as one change
    // of the target; a key the source lacks is removed from the target.
    virtual QFuture<Environment> promoteEnvironment(EnvironmentId sourceId, EnvironmentId targetId,
                                                    const QStringList& keys, qint64 expectedTargetVersion) = 0;

    // Users, roles and memberships (UserAdmin.h). Each change is one transaction with its audit
    // events; a change to a user or a role names the version it was made on (Conflict otherwise).

    // A user with their platform roles and memberships.
    virtual QFuture<UserDetail> user(UserId id) = 0;
    // Conflict when the e-mail is taken; Invalid naming the field for a bad e-mail or name.
    virtual QFuture<User> createUser(const NewUser& user) = 0;
    // Profile fields and status (isLegalUserTransition).
    virtual QFuture<User> updateUser(UserId id, const UserChange& change, qint64 expectedVersion) = 0;
    // Gives a user a role on a tenant or one of its environments; Conflict when they hold it there.
    // The role must be built in or a custom role of the tenant or an ancestor, of tenant scope for a
    // tenant-wide membership and of tenant or environment scope on an environment.
    virtual QFuture<UserMembership> grantMembership(const Membership& membership) = 0;
    // Takes it away again; NotFound when the user does not hold it. Returns it as it was.
    virtual QFuture<UserMembership> revokeMembership(const Membership& membership) = 0;
    // A custom role of a tenant (NewRole); Conflict when the tenant already has one by that name.
    virtual QFuture<Role> createRole(const NewRole& role) = 0;
    virtual QFuture<Role> updateRole(RoleId id, const RoleChange& change, qint64 expectedVersion) = 0;
    // Deletes a custom role that no membership holds and no other role includes (Conflict
    // otherwise, saying which). Returns it as it was.
    virtual QFuture<Role> deleteRole(RoleId id, qint64 expectedVersion) = 0;
    // A user's permissions on a tenant, each with the memberships and roles that grant it.
    virtual QFuture<EffectivePermissions> effectivePermissions(UserId userId, TenantId tenantId) = 0;
    // One change to many users in one transaction (BulkUserAction). Reports progress (0 to the
    // number of users) through the future; cancelling it rolls everything back.
    virtual QFuture<BulkUserResult> applyBulkUserAction(const BulkUserAction& action) = 0;
    // Checks an import row by row and, unless `dryRun` or something is wrong, writes it in one
    // transaction. The report names every problem by line and field; nothing is written while any remain.
    virtual QFuture<ImportReport> importDirectory(const DirectoryImport& import, bool dryRun) = 0;
    // The principal a user would be when signed in (their platform roles and grants), for a
    // read-only preview of what they see ("View as...").
    virtual QFuture<Principal> principalOf(UserId userId) = 0;
    // Who this store acts as: the signed-in user on a server, the local platform admin on a
    // database file, the previewed user in a preview. The UI hides what it may not do.
    virtual QFuture<Principal> currentPrincipal() = 0;

    // Fills an open, empty database with the demo data of `scale` in one transaction. Reports
    // progress (0 to 1000) through the future; cancelling it rolls everything back.
    virtual QFuture<DemoSummary> generateDemo(const DemoScale& scale) = 0;
};

} // namespace TenantDesk
