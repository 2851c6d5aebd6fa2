#include "PreviewStore.h"

#include "Async.h"
#include "Permission.h"

#include <QCoreApplication>
#include <QPromise>
#include <QSet>

#include <algorithm>
#include <functional>
#include <tuple>

using namespace Qt::StringLiterals;

namespace TenantDesk {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("PreviewStore", text);
}

template<typename R>
using SharedPromise = std::shared_ptr<QPromise<R>>;

template<typename R>
SharedPromise<R> startedPromise()
{
    auto promise = std::make_shared<QPromise<R>>();
    promise->start();
    return promise;
}

template<typename R>
void fail(const SharedPromise<R>& promise, const StoreError& error)
{
    promise->setException(error);
    promise->finish();
}

// `future`'s result passed on to `promise`, or its failure.
template<typename R>
void forward(const QFuture<R>& future, QObject* context, SharedPromise<R> promise)
{
    whenReady(future, context, [promise](const R& value) {
        promise->addResult(value);
        promise->finish();
    }, [promise](const StoreError& error) { fail(promise, error); });
}

// What `next` makes of `future`'s result, once it is there: a future (another read) or a value.
// A StoreError thrown by `next` is the answer's failure.
template<typename R, typename T, typename Next>
QFuture<R> chain(const QFuture<T>& future, QObject* context, Next next)
{
    SharedPromise<R> promise = startedPromise<R>();
    QFuture<R> answer = promise->future();
    whenReady(future, context, [context, promise, next = std::move(next)](const T& value) {
        try {
            if constexpr (std::is_same_v<std::invoke_result_t<Next, const T&>, QFuture<R>>) {
                forward(next(value), context, promise);
            } else {
                promise->addResult(next(value));
                promise->finish();
            }
        } catch (const StoreError& error) {
            fail(promise, error);
        }
    }, [promise](const StoreError& error) { fail(promise, error); });
    return answer;
}

StoreError tenantNotFound(TenantId id)
{
    return StoreError(ErrorCode::NotFound, tr("There is no tenant with id %1 that you may see.").arg(id));
}

} // namespace

PreviewStore::PreviewStore(Store* store, Principal principal, StoreInfo info)
    : m_store(store)
    , m_principal(std::move(principal))
    , m_info(std::move(info))
    , m_context(std::make_unique<QObject>())
{
}

PreviewStore::~PreviewStore() = default;

QString PreviewStore::readOnlyMessage() const
{
    return tr("This is a read-only preview of what %1 sees.").arg(m_principal.email);
}

template<typename T>
QFuture<T> PreviewStore::refused() const
{
    return QtFuture::makeExceptionalFuture<T>(StoreError(ErrorCode::Forbidden, readOnlyMessage()));
}

void PreviewStore::requirePlatform(const QString& permission) const
{
    if (!m_principal.platformPermissions.contains(permission))
        throw StoreError(ErrorCode::Forbidden,
                         tr("This needs the platform-wide permission %1; name a tenant you administer instead.").arg(permission));
}

template<typename T>
QFuture<T> PreviewStore::forbiddenUnlessPlatform(const QString& permission, const std::function<QFuture<T>()>& read) const
{
    try {
        requirePlatform(permission);
    } catch (const StoreError& error) {
        return QtFuture::makeExceptionalFuture<T>(error);
    }
    return read();
}

void PreviewStore::checkTenant(const Tenant& tenant, const QString& permission) const
{
    if (!Policy::canSee(m_principal, tenant))
        throw tenantNotFound(tenant.id);
    if (!Policy::allows(m_principal, permission, tenant))
        throw StoreError(ErrorCode::Forbidden,
                         tr("You may not do this on this tenant (it needs the permission %1).").arg(permission));
}

QFuture<Tenant> PreviewStore::requireTenant(TenantId id, const QString& permission)
{
    SharedPromise<Tenant> promise = startedPromise<Tenant>();
    QFuture<Tenant> answer = promise->future();
    whenReady(m_store->tenant(id), m_context.get(), [this, promise, permission](const Tenant& tenant) {
        try {
            checkTenant(tenant, permission);
            promise->addResult(tenant);
            promise->finish();
        } catch (const StoreError& error) {
            fail(promise, error);
        }
    }, [promise, id](const StoreError& error) {
        fail(promise, error.code() == ErrorCode::NotFound ? tenantNotFound(id) : error);
    });
    return answer;
}

QFuture<QList<Tenant>> PreviewStore::tenantsById(const QList<TenantId>& ids)
{
    if (ids.isEmpty())
        return QtFuture::makeReadyFuture(QList<Tenant>());
    struct Gathering {
        QList<Tenant> tenants;
        qsizetype waiting = 0;
        bool failed = false;
    };
    auto gathering = std::make_shared<Gathering>();
    gathering->tenants.resize(ids.size());
    gathering->waiting = ids.size();
    SharedPromise<QList<Tenant>> promise = startedPromise<QList<Tenant>>();
    QFuture<QList<Tenant>> answer = promise->future();
    for (qsizetype i = 0; i < ids.size(); ++i) {
        whenReady(m_store->tenant(ids.at(i)), m_context.get(), [gathering, promise, i](const Tenant& tenant) {
            gathering->tenants[i] = tenant;
            if (--gathering->waiting == 0 && !gathering->failed) {
                promise->addResult(gathering->tenants);
                promise->finish();
            }
        }, [gathering, promise](const StoreError& error) {
            --gathering->waiting;
            if (gathering->failed)
                return;
            gathering->failed = true;
            fail(promise, error);
        });
    }
    return answer;
}

QString PreviewStore::displayName() const
{
    return m_store->displayName();
}

QFuture<StoreInfo> PreviewStore::open(OpenMode)
{
    return QtFuture::makeReadyFuture(m_info);
}

QFuture<Platform> PreviewStore::platform()
{
    return m_store->platform();
}

QFuture<PlatformSummary> PreviewStore::platformSummary()
{
    return forbiddenUnlessPlatform<PlatformSummary>(Permission::TenantRead, [this]() { return m_store->platformSummary(); });
}

QFuture<Page<Tenant>> PreviewStore::tenants(const TenantQuery& query)
{
    if (query.parentId != 0) {
        return chain<Page<Tenant>>(requireTenant(query.parentId, Permission::TenantRead), m_context.get(),
                                   [this, query](const Tenant&) { return m_store->tenants(query); });
    }
    if (m_principal.platformPermissions.contains(Permission::TenantRead))
        return m_store->tenants(query);
    // Below the platform, a tenant-scoped user sees the tenants they were given, on one page.
    if (!query.cursor.isEmpty())
        return QtFuture::makeReadyFuture(Page<Tenant>());
    return chain<Page<Tenant>>(tenantsById(Policy::scopeRoots(m_principal).roots), m_context.get(),
                               [this](const QList<Tenant>& roots) {
        Page<Tenant> page;
        for (const Tenant& root : roots) {
            if (Policy::allows(m_principal, Permission::TenantRead, root))
                page.items.append(root);
        }
        std::sort(page.items.begin(), page.items.end(), [](const Tenant& a, const Tenant& b) {
            return std::tie(a.displayName, a.id) < std::tie(b.displayName, b.id);
        });
        return page;
    });
}

QFuture<Tenant> PreviewStore::tenant(TenantId id)
{
    return requireTenant(id, Permission::TenantRead);
}

QFuture<Tenant> PreviewStore::tenantBySlug(const QString& slug)
{
    SharedPromise<Tenant> promise = startedPromise<Tenant>();
    QFuture<Tenant> answer = promise->future();
    whenReady(m_store->tenantBySlug(slug), m_context.get(), [this, promise](const Tenant& tenant) {
        try {
            if (!Policy::canSee(m_principal, tenant))
                throw StoreError(ErrorCode::NotFound, tr("There is no tenant with this slug that you may see."));
            checkTenant(tenant, Permission::TenantRead);
            promise->addResult(tenant);
            promise->finish();
        } catch (const StoreError& error) {
            fail(promise, error);
        }
    }, [promise](const StoreError& error) {
        fail(promise, error.code() == ErrorCode::NotFound
                          ? StoreError(ErrorCode::NotFound, tr("There is no tenant with this slug that you may see."))
                          : error);
    });
    return answer;
}

QFuture<TenantSummary> PreviewStore::tenantSummary(TenantId id)
{
    return chain<TenantSummary>(requireTenant(id, Permission::TenantRead), m_context.get(), [this, id](const Tenant&) {
        return chain<TenantSummary>(m_store->tenantSummary(id), m_context.get(), [this](TenantSummary summary) {
            // The path down to the tenant starts at the top of what the user sees.
            summary.ancestors.removeIf([this](const Tenant& t) { return !Policy::canSee(m_principal, t); });
            return summary;
        });
    });
}

QFuture<TenantSearchResult> PreviewStore::searchTenants(const QString& text, int limit)
{
    return chain<TenantSearchResult>(m_store->searchTenants(text, limit), m_context.get(),
                                     [this](TenantSearchResult result) {
        if (!m_principal.platformPermissions.contains(Permission::TenantRead)) {
            result.matches.removeIf([this](const Tenant& t) { return !Policy::allows(m_principal, Permission::TenantRead, t); });
            result.ancestors.removeIf([this](const Tenant& t) { return !Policy::canSee(m_principal, t); });
        }
        return result;
    });
}

QFuture<QList<Environment>> PreviewStore::environments(TenantId tenantId)
{
    return chain<QList<Environment>>(requireTenant(tenantId, Permission::TenantRead), m_context.get(),
                                     [this, tenantId](const Tenant&) { return m_store->environments(tenantId); });
}

QFuture<EnvironmentSummary> PreviewStore::environmentSummary(EnvironmentId id)
{
    SharedPromise<EnvironmentSummary> promise = startedPromise<EnvironmentSummary>();
    QFuture<EnvironmentSummary> answer = promise->future();
    const StoreError notFound(ErrorCode::NotFound, tr("There is no environment with id %1 that you may see.").arg(id));
    whenReady(m_store->environmentSummary(id), m_context.get(), [this, promise, notFound](const EnvironmentSummary& summary) {
        try {
            if (!Policy::canSee(m_principal, summary.tenant))
                throw notFound;
            checkTenant(summary.tenant, Permission::TenantRead);
            promise->addResult(summary);
            promise->finish();
        } catch (const StoreError& error) {
            fail(promise, error);
        }
    }, [promise, notFound](const StoreError& error) { fail(promise, error.code() == ErrorCode::NotFound ? notFound : error); });
    return answer;
}

QFuture<Page<User>> PreviewStore::users(const UserQuery& query)
{
    if (query.tenantId == 0)
        return forbiddenUnlessPlatform<Page<User>>(Permission::UserRead, [this, query]() { return m_store->users(query); });
    return chain<Page<User>>(requireTenant(query.tenantId, Permission::UserRead), m_context.get(),
                             [this, query](const Tenant&) { return m_store->users(query); });
}

QFuture<Page<MembershipEntry>> PreviewStore::memberships(const MembershipQuery& query)
{
    return chain<Page<MembershipEntry>>(requireTenant(query.tenantId, Permission::UserRead), m_context.get(),
                                        [this, query](const Tenant&) { return m_store->memberships(query); });
}

QFuture<QList<Role>> PreviewStore::roles(TenantId tenantId)
{
    if (tenantId == 0)
        return m_store->roles(0); // the built-in roles: anyone signed in reads them
    return chain<QList<Role>>(requireTenant(tenantId, Permission::TenantRead), m_context.get(), [this, tenantId](const Tenant& tenant) {
        return chain<QList<Role>>(m_store->roles(tenantId), m_context.get(), [this, tenant](QList<Role> roles) {
            // The custom roles of ancestors the user does not see stay hidden, as on the server.
            roles.removeIf([&](const Role& role) {
                const qsizetype depth = tenant.ancestorIds.indexOf(role.tenantId);
                if (role.tenantId == 0 || role.tenantId == tenant.id || depth < 0)
                    return false;
                const Tenant ancestor{.id = role.tenantId, .ancestorIds = tenant.ancestorIds.first(depth)};
                return !Policy::canSee(m_principal, ancestor);
            });
            return roles;
        });
    });
}

QFuture<Page<AuditEvent>> PreviewStore::auditEvents(const AuditQuery& query)
{
    if (query.tenantId == 0)
        return forbiddenUnlessPlatform<Page<AuditEvent>>(Permission::AuditRead, [this, query]() { return m_store->auditEvents(query); });
    return chain<Page<AuditEvent>>(requireTenant(query.tenantId, Permission::AuditRead), m_context.get(),
                                   [this, query](const Tenant&) { return m_store->auditEvents(query); });
}

QFuture<AuditChainReport> PreviewStore::verifyAuditTrail()
{
    return forbiddenUnlessPlatform<AuditChainReport>(Permission::AuditRead, [this]() { return m_store->verifyAuditTrail(); });
}

QFuture<QList<UsageSample>> PreviewStore::usage(const UsageQuery& query)
{
    return chain<QList<UsageSample>>(requireTenant(query.tenantId, Permission::UsageRead), m_context.get(),
                                     [this, query](const Tenant&) { return m_store->usage(query); });
}

QFuture<QList<BillingSummaryRow>> PreviewStore::billingSummary(const BillingQuery& query)
{
    if (query.tenantId == 0) {
        return forbiddenUnlessPlatform<QList<BillingSummaryRow>>(Permission::BillingRead,
                                                                 [this, query]() { return m_store->billingSummary(query); });
    }
    return chain<QList<BillingSummaryRow>>(requireTenant(query.tenantId, Permission::BillingRead), m_context.get(),
                                           [this, query](const Tenant&) { return m_store->billingSummary(query); });
}

QFuture<Tenant> PreviewStore::updateTenant(TenantId, const TenantChange&, qint64) { return refused<Tenant>(); }
QFuture<Tenant> PreviewStore::createTenant(const NewTenant&) { return refused<Tenant>(); }
QFuture<Tenant> PreviewStore::moveTenant(TenantId, TenantId, qint64) { return refused<Tenant>(); }
QFuture<Tenant> PreviewStore::changeTenantStatus(TenantId, TenantStatus, qint64) { return refused<Tenant>(); }
QFuture<Tenant> PreviewStore::completeDecommissionStep(TenantId, const DecommissionStepDone&, qint64) { return refused<Tenant>(); }

QFuture<QByteArray> PreviewStore::backUpTenant(TenantId id)
{
    // Reading, but as the server guards it: the tenant's whole data needs its lifecycle permission.
    return chain<QByteArray>(requireTenant(id, Permission::TenantLifecycle), m_context.get(),
                             [this, id](const Tenant&) { return m_store->backUpTenant(id); });
}

QFuture<Tenant> PreviewStore::restoreTenant(const QByteArray&, std::optional<TenantId>) { return refused<Tenant>(); }
QFuture<Tenant> PreviewStore::deleteTenant(TenantId, const QString&, qint64) { return refused<Tenant>(); }
QFuture<Environment> PreviewStore::addEnvironment(TenantId, const NewEnvironment&) { return refused<Environment>(); }
QFuture<Environment> PreviewStore::updateEnvironment(EnvironmentId, const EnvironmentChange&, qint64) { return refused<Environment>(); }
QFuture<Environment> PreviewStore::removeEnvironment(EnvironmentId, qint64) { return refused<Environment>(); }
QFuture<Environment> PreviewStore::promoteEnvironment(EnvironmentId, EnvironmentId, const QStringList&, qint64)
{
    return refused<Environment>();
}

QFuture<UserDetail> PreviewStore::user(UserId id)
{
    if (m_principal.platformPermissions.contains(Permission::UserRead))
        return m_store->user(id);
    // A tenant-scoped user reads another user through the tenants they may read users of:
    // only those memberships show, and a user with none of them is not found.
    return chain<UserDetail>(m_store->user(id), m_context.get(), [this, id](const UserDetail& detail) {
        QList<TenantId> tenantIds;
        for (const UserMembership& membership : detail.memberships) {
            if (!tenantIds.contains(membership.membership.tenantId))
                tenantIds.append(membership.membership.tenantId);
        }
        return chain<UserDetail>(tenantsById(tenantIds), m_context.get(), [this, id, detail](const QList<Tenant>& tenants) {
            UserDetail visible = detail;
            visible.memberships.removeIf([&](const UserMembership& membership) {
                const auto it = std::find_if(tenants.cbegin(), tenants.cend(), [&](const Tenant& t) {
                    return t.id == membership.membership.tenantId;
                });
                return it == tenants.cend() || !Policy::allows(m_principal, Permission::UserRead, *it);
            });
            if (visible.memberships.isEmpty() && id != m_principal.userId)
                throw StoreError(ErrorCode::NotFound, tr("There is no user with id %1 that you may see.").arg(id));
            return visible;
        });
    });
}

QFuture<User> PreviewStore::createUser(const NewUser&) { return refused<User>(); }
QFuture<User> PreviewStore::updateUser(UserId, const UserChange&, qint64) { return refused<User>(); }
QFuture<UserMembership> PreviewStore::grantMembership(const Membership&) { return refused<UserMembership>(); }
QFuture<UserMembership> PreviewStore::revokeMembership(const Membership&) { return refused<UserMembership>(); }
QFuture<Role> PreviewStore::createRole(const NewRole&) { return refused<Role>(); }
QFuture<Role> PreviewStore::updateRole(RoleId, const RoleChange&, qint64) { return refused<Role>(); }
QFuture<Role> PreviewStore::deleteRole(RoleId, qint64) { return refused<Role>(); }

QFuture<EffectivePermissions> PreviewStore::effectivePermissions(UserId userId, TenantId tenantId)
{
    return chain<EffectivePermissions>(requireTenant(tenantId, Permission::UserRead), m_context.get(),
                                       [this, userId, tenantId](const Tenant&) { return m_store->effectivePermissions(userId, tenantId); });
}

QFuture<BulkUserResult> PreviewStore::applyBulkUserAction(const BulkUserAction&) { return refused<BulkUserResult>(); }

QFuture<ImportReport> PreviewStore::importDirectory(const DirectoryImport&, bool) { return refused<ImportReport>(); }

QFuture<Principal> PreviewStore::principalOf(UserId userId)
{
    return forbiddenUnlessPlatform<Principal>(Permission::UserRead, [this, userId]() { return m_store->principalOf(userId); });
}

QFuture<Principal> PreviewStore::currentPrincipal()
{
    return QtFuture::makeReadyFuture(m_principal);
}

QFuture<DemoSummary> PreviewStore::generateDemo(const DemoScale&) { return refused<DemoSummary>(); }


// Billing review and usage comparisons: reads through the policy, changes refused.
QFuture<BillingImportResult> PreviewStore::importBilling(const BillingImportRequest&)
{
    return refused<BillingImportResult>();
}

QFuture<QList<BillingImport>> PreviewStore::billingImports()
{
    // Imports are the platform's: listed to a previewed platform principal only. Importing and
    // deleting stay refused (the preview is read-only).
    return forbiddenUnlessPlatform<QList<BillingImport>>(Permission::BillingRead, [this]() { return m_store->billingImports(); });
}

QFuture<BillingImport> PreviewStore::deleteBillingImport(qint64)
{
    return refused<BillingImport>();
}

QFuture<AttributionRules> PreviewStore::attributionRules()
{
    return forbiddenUnlessPlatform<AttributionRules>(Permission::BillingRead, [this]() { return m_store->attributionRules(); });
}

QFuture<AttributionResult> PreviewStore::setAttributionRules(const AttributionRules&, qint64)
{
    return refused<AttributionResult>();
}

QFuture<QList<BillingTotalsRow>> PreviewStore::billingTotals(const BillingFilter& filter)
{
    // As the server: one tenant needs billing.read on it, unallocated cost the platform's, and
    // otherwise the rows are those of the tenants where the user holds billing.read.
    if (filter.tenantId && *filter.tenantId != 0)
        return chain<QList<BillingTotalsRow>>(requireTenant(*filter.tenantId, Permission::BillingRead), m_context.get(),
                                              [this, filter](const Tenant&) { return m_store->billingTotals(filter); });
    if (filter.tenantId || m_principal.platformPermissions.contains(Permission::BillingRead))
        return forbiddenUnlessPlatform<QList<BillingTotalsRow>>(Permission::BillingRead,
                                                                [this, filter]() { return m_store->billingTotals(filter); });
    return chain<QList<BillingTotalsRow>>(m_store->billingTotals(filter), m_context.get(),
                                          [this](const QList<BillingTotalsRow>& rows) {
        QList<TenantId> ids;
        for (const BillingTotalsRow& row : rows) {
            if (row.tenantId != 0 && !ids.contains(row.tenantId))
                ids.append(row.tenantId);
        }
        return chain<QList<BillingTotalsRow>>(tenantsById(ids), m_context.get(), [this, rows](const QList<Tenant>& tenants) {
            QSet<TenantId> readable;
            for (const Tenant& tenant : tenants) {
                if (Policy::allows(m_principal, Permission::BillingRead, tenant))
                    readable.insert(tenant.id);
            }
            QList<BillingTotalsRow> visible = rows;
            visible.removeIf([&readable](const BillingTotalsRow& row) { return !readable.contains(row.tenantId); });
            return visible;
        });
    });
}

QFuture<Page<BillingLine>> PreviewStore::billingLines(const BillingLineQuery& query)
{
    if (query.filter.tenantId && *query.filter.tenantId != 0 && !query.sharedOnly)
        return chain<Page<BillingLine>>(requireTenant(*query.filter.tenantId, Permission::BillingRead), m_context.get(),
                                        [this, query](const Tenant&) { return m_store->billingLines(query); });
    return forbiddenUnlessPlatform<Page<BillingLine>>(Permission::BillingRead,
                                                      [this, query]() { return m_store->billingLines(query); });
}

QFuture<QList<BillingTagValue>> PreviewStore::billingTagValues(const BillingTagValueQuery& query)
{
    // As billingTotals: one tenant needs billing.read on it, unallocated lines the platform's, and
    // otherwise the rows are those of the tenants where the user holds billing.read.
    const BillingFilter& filter = query.filter;
    if (filter.tenantId && *filter.tenantId != 0)
        return chain<QList<BillingTagValue>>(requireTenant(*filter.tenantId, Permission::BillingRead), m_context.get(),
                                             [this, query](const Tenant&) { return m_store->billingTagValues(query); });
    if (filter.tenantId || m_principal.platformPermissions.contains(Permission::BillingRead))
        return forbiddenUnlessPlatform<QList<BillingTagValue>>(Permission::BillingRead,
                                                               [this, query]() { return m_store->billingTagValues(query); });
    return chain<QList<BillingTagValue>>(m_store->billingTagValues(query), m_context.get(),
                                         [this](const QList<BillingTagValue>& rows) {
        QList<TenantId> ids;
        for (const BillingTagValue& row : rows) {
            if (row.tenantId != 0 && !ids.contains(row.tenantId))
                ids.append(row.tenantId);
        }
        return chain<QList<BillingTagValue>>(tenantsById(ids), m_context.get(), [this, rows](const QList<Tenant>& tenants) {
            QSet<TenantId> readable;
            for (const Tenant& tenant : tenants) {
                if (Policy::allows(m_principal, Permission::BillingRead, tenant))
                    readable.insert(tenant.id);
            }
            QList<BillingTagValue> visible = rows;
            visible.removeIf([&readable](const BillingTagValue& row) { return !readable.contains(row.tenantId); });
            return visible;
        });
    });
}

QFuture<QList<BillingTagKey>> PreviewStore::billingTagKeys()
{
    return forbiddenUnlessPlatform<QList<BillingTagKey>>(Permission::BillingRead, [this]() { return m_store->billingTagKeys(); });
}

QFuture<QList<TenantBudget>> PreviewStore::budgets()
{
    if (m_principal.platformPermissions.contains(Permission::BillingRead))
        return m_store->budgets();
    return chain<QList<TenantBudget>>(m_store->budgets(), m_context.get(), [this](const QList<TenantBudget>& budgets) {
        QList<TenantId> ids;
        for (const TenantBudget& budget : budgets) {
            if (!ids.contains(budget.tenantId))
                ids.append(budget.tenantId);
        }
        return chain<QList<TenantBudget>>(tenantsById(ids), m_context.get(), [this, budgets](const QList<Tenant>& tenants) {
            QSet<TenantId> readable;
            for (const Tenant& tenant : tenants) {
                if (Policy::allows(m_principal, Permission::BillingRead, tenant))
                    readable.insert(tenant.id);
            }
            QList<TenantBudget> visible = budgets;
            visible.removeIf([&readable](const TenantBudget& budget) { return !readable.contains(budget.tenantId); });
            return visible;
        });
    });
}

QFuture<TenantBudget> PreviewStore::setBudget(const TenantBudget&)
{
    return refused<TenantBudget>();
}

QFuture<QList<UsageTotal>> PreviewStore::usageTotals(const UsageTotalsQuery& query)
{
    if (m_principal.platformPermissions.contains(Permission::UsageRead))
        return m_store->usageTotals(query);
    // Below the platform: every total, then only those of tenants whose usage the user may read.
    UsageTotalsQuery all = query;
    all.limit = maximumPageSize;
    return chain<QList<UsageTotal>>(m_store->usageTotals(all), m_context.get(), [this, query](const QList<UsageTotal>& totals) {
        QList<TenantId> ids;
        for (const UsageTotal& total : totals)
            ids.append(total.tenantId);
        return chain<QList<UsageTotal>>(tenantsById(ids), m_context.get(), [this, query, totals](const QList<Tenant>& tenants) {
            QSet<TenantId> allowed;
            for (const Tenant& tenant : tenants) {
                if (Policy::allows(m_principal, Permission::UsageRead, tenant))
                    allowed.insert(tenant.id);
            }
            QList<UsageTotal> visible;
            for (const UsageTotal& total : totals) {
                if (allowed.contains(total.tenantId) && visible.size() < query.limit)
                    visible.append(total);
            }
            return visible;
        });
    });
}

} // namespace TenantDesk
