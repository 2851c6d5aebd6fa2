#include "SqlStore.h"

#include "Permission.h"

#include "Logging.h"
#include "SqlDemoWriter.h"
#include "SqliteDemoWriter.h"
#include "StoreError.h"

#include <QCoreApplication>
#include <QSqlDriver>
#include <QSqlQuery>
#include <QUuid>

#include <sqlite3.h>

namespace TenantDesk {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("SqlStore", text);
}

} // namespace

SqlStore::SqlStore(const QString& path)
    : SqlStore(DatabaseLocation::sqlite(path))
{
}

SqlStore::SqlStore(DatabaseLocation location)
    : m_location(std::move(location))
    , m_connectionName(u"tenantdesk-"_s + QUuid::createUuid().toString(QUuid::WithoutBraces))
{
    const QString user = qEnvironmentVariable("USER", qEnvironmentVariable("USERNAME"));
    m_actor = u"local:"_s + (user.isEmpty() ? u"unknown"_s : user);
    m_worker.setObjectName(u"SqlStore worker"_s);
    m_workerContext = new QObject;
    m_workerContext->moveToThread(&m_worker);
    m_worker.start();
}

SqlStore::~SqlStore()
{
    m_closing = true; // a demo being generated rolls back instead of running to its end
    QMetaObject::invokeMethod(m_workerContext, [this]() { closeOnWorker(); }, Qt::BlockingQueuedConnection);
    m_worker.quit();
    m_worker.wait();
    delete m_workerContext; // its thread has ended, so nothing else can touch it
}

QString SqlStore::displayName() const
{
    return (m_location.isSqlite() ? u"SQLite — "_s : u"PostgreSQL — "_s) + m_location.shown();
}

template<typename T, typename Fn>
QFuture<T> SqlStore::post(Fn fn)
{
    auto promise = std::make_shared<QPromise<T>>();
    QFuture<T> future = promise->future();
    promise->start();
    QMetaObject::invokeMethod(m_workerContext, [promise, fn = std::move(fn)]() mutable {
        try {
            fn(*promise);
        } catch (const QException& error) {
            promise->setException(error);
        } catch (...) {
            promise->setException(std::current_exception());
        }
        promise->finish();
    }, Qt::QueuedConnection);
    return future;
}

template<typename Fn>
auto SqlStore::run(Fn fn)
{
    using T = std::invoke_result_t<Fn, const SqlSession&>;
    return post<T>([this, fn = std::move(fn)](QPromise<T>& promise) {
        checkUsable();
        SqlSession session(connection());
        session.setActor(m_actor);
        promise.addResult(fn(session));
    });
}

void SqlStore::checkUsable() const
{
    if (m_closing)
        throw StoreError(ErrorCode::Unavailable, tr("The database “%1” was closed.").arg(m_location.shown()));
    if (!m_open)
        throw StoreError(ErrorCode::Unavailable, tr("The database “%1” is not open.").arg(m_location.shown()));
}

QSqlDatabase SqlStore::connection() const
{
    return QSqlDatabase::database(m_connectionName, false);
}

void SqlStore::closeOnWorker()
{
    SqlSession::close(m_connectionName);
    m_open = false;
}

QFuture<StoreInfo> SqlStore::open(OpenMode mode)
{
    return post<StoreInfo>([this, mode](QPromise<StoreInfo>& promise) {
        m_open = false;
        const StoreInfo info = SqlSession::open(m_location, mode, m_connectionName);
        m_open = true;
        promise.addResult(info);
    });
}

QFuture<Platform> SqlStore::platform()
{
    return run([](const SqlSession& s) { return s.platform(); });
}

QFuture<PlatformSummary> SqlStore::platformSummary()
{
    return run([](const SqlSession& s) { return s.platformSummary(); });
}

QFuture<Page<Tenant>> SqlStore::tenants(const TenantQuery& query)
{
    return run([query](const SqlSession& s) { return s.tenants(query); });
}

QFuture<Tenant> SqlStore::tenant(TenantId id)
{
    return run([id](const SqlSession& s) { return s.tenant(id); });
}

QFuture<Tenant> SqlStore::tenantBySlug(const QString& slug)
{
    return run([slug](const SqlSession& s) { return s.tenantBySlug(slug); });
}

QFuture<TenantSummary> SqlStore::tenantSummary(TenantId id)
{
    return run([id](const SqlSession& s) { return s.tenantSummary(id); });
}

QFuture<TenantSearchResult> SqlStore::searchTenants(const QString& text, int limit)
{
    return run([text, limit](const SqlSession& s) { return s.searchTenants(text, limit); });
}

QFuture<QList<Environment>> SqlStore::environments(TenantId tenantId)
{
    return run([tenantId](const SqlSession& s) { return s.environments(tenantId); });
}

QFuture<EnvironmentSummary> SqlStore::environmentSummary(EnvironmentId id)
{
    return run([id](const SqlSession& s) { return s.environmentSummary(id); });
}

QFuture<Page<User>> SqlStore::users(const UserQuery& query)
{
    return run([query](const SqlSession& s) { return s.users(query); });
}

QFuture<Page<MembershipEntry>> SqlStore::memberships(const MembershipQuery& query)
{
    return run([query](const SqlSession& s) { return s.memberships(query); });
}

QFuture<QList<Role>> SqlStore::roles(TenantId tenantId)
{
    return run([tenantId](const SqlSession& s) { return s.roles(tenantId); });
}

QFuture<Page<AuditEvent>> SqlStore::auditEvents(const AuditQuery& query)
{
    return run([query](const SqlSession& s) { return s.auditEvents(query); });
}

QFuture<AuditChainReport> SqlStore::verifyAuditTrail()
{
    return run([](const SqlSession& s) { return s.verifyAuditTrail(); });
}

QFuture<QList<UsageSample>> SqlStore::usage(const UsageQuery& query)
{
    return run([query](const SqlSession& s) { return s.usage(query); });
}

QFuture<QList<BillingSummaryRow>> SqlStore::billingSummary(const BillingQuery& query)
{
    return run([query](const SqlSession& s) { return s.billingSummary(query); });
}

QFuture<Tenant> SqlStore::updateTenant(TenantId id, const TenantChange& change, qint64 expectedVersion)
{
    return run([id, change, expectedVersion](const SqlSession& s) { return s.updateTenant(id, change, expectedVersion); });
}

QFuture<Tenant> SqlStore::createTenant(const NewTenant& tenant)
{
    return run([tenant](const SqlSession& s) { return s.createTenant(tenant); });
}

QFuture<Tenant> SqlStore::moveTenant(TenantId id, TenantId newParentId, qint64 expectedVersion)
{
    return run([=](const SqlSession& s) { return s.moveTenant(id, newParentId, expectedVersion); });
}

QFuture<Tenant> SqlStore::changeTenantStatus(TenantId id, TenantStatus status, qint64 expectedVersion)
{
    return run([=](const SqlSession& s) { return s.changeTenantStatus(id, status, expectedVersion); });
}

QFuture<Tenant> SqlStore::completeDecommissionStep(TenantId id, const DecommissionStepDone& step, qint64 expectedVersion)
{
    return run([=](const SqlSession& s) { return s.completeDecommissionStep(id, step, expectedVersion); });
}

QFuture<QByteArray> SqlStore::backUpTenant(TenantId id)
{
    return run([id](const SqlSession& s) { return s.backUpTenant(id); });
}

QFuture<Tenant> SqlStore::restoreTenant(const QByteArray& backup, std::optional<TenantId> parentId)
{
    return run([=](const SqlSession& s) { return s.restoreTenant(backup, parentId); });
}

QFuture<Tenant> SqlStore::deleteTenant(TenantId id, const QString& confirmSlug, qint64 expectedVersion)
{
    return run([=](const SqlSession& s) { return s.deleteTenant(id, confirmSlug, expectedVersion); });
}

QFuture<Environment> SqlStore::addEnvironment(TenantId tenantId, const NewEnvironment& environment)
{
    return run([=](const SqlSession& s) { return s.addEnvironment(tenantId, environment); });
}

QFuture<Environment> SqlStore::updateEnvironment(EnvironmentId id, const EnvironmentChange& change, qint64 expectedVersion)
{
    return run([=](const SqlSession& s) { return s.updateEnvironment(id, change, expectedVersion); });
}

QFuture<Environment> SqlStore::removeEnvironment(EnvironmentId id, qint64 expectedVersion)
{
    return run([=](const SqlSession& s) { return s.removeEnvironment(id, expectedVersion); });
}

QFuture<Environment> SqlStore::promoteEnvironment(EnvironmentId sourceId, EnvironmentId targetId, const QStringList& keys,
                                                  qint64 expectedTargetVersion)
{
    return run([=](const SqlSession& s) { return s.promoteEnvironment(sourceId, targetId, keys, expectedTargetVersion); });
}

void SqlStore::setActor(const QString& actor)
{
    QMetaObject::invokeMethod(m_workerContext, [this, actor]() { m_actor = actor; }, Qt::QueuedConnection);
}

QFuture<UserDetail> SqlStore::user(UserId id)
{
    return run([id](const SqlSession& s) { return s.userDetail(id); });
}

QFuture<User> SqlStore::createUser(const NewUser& user)
{
    return run([user](const SqlSession& s) { return s.createUser(user); });
}

QFuture<User> SqlStore::updateUser(UserId id, const UserChange& change, qint64 expectedVersion)
{
    return run([id, change, expectedVersion](const SqlSession& s) { return s.updateUser(id, change, expectedVersion); });
}

QFuture<UserMembership> SqlStore::grantMembership(const Membership& membership)
{
    return run([membership](const SqlSession& s) { return s.grantMembership(membership); });
}

QFuture<UserMembership> SqlStore::revokeMembership(const Membership& membership)
{
    return run([membership](const SqlSession& s) { return s.revokeMembership(membership); });
}

QFuture<Role> SqlStore::createRole(const NewRole& role)
{
    return run([role](const SqlSession& s) { return s.createRole(role); });
}

QFuture<Role> SqlStore::updateRole(RoleId id, const RoleChange& change, qint64 expectedVersion)
{
    return run([id, change, expectedVersion](const SqlSession& s) { return s.updateRole(id, change, expectedVersion); });
}

QFuture<Role> SqlStore::deleteRole(RoleId id, qint64 expectedVersion)
{
    return run([id, expectedVersion](const SqlSession& s) { return s.deleteRole(id, expectedVersion); });
}

QFuture<EffectivePermissions> SqlStore::effectivePermissions(UserId userId, TenantId tenantId)
{
    return run([userId, tenantId](const SqlSession& s) { return s.effectivePermissions(userId, tenantId); });
}

QFuture<BulkUserResult> SqlStore::applyBulkUserAction(const BulkUserAction& action)
{
    return post<BulkUserResult>([this, action](QPromise<BulkUserResult>& promise) {
        checkUsable();
        SqlSession session(connection());
        session.setActor(m_actor);
        promise.setProgressRange(0, int(action.userIds.size()));
        const BulkUserResult result = session.applyBulkUserAction(action, [this, &promise](int done) {
            promise.setProgressValue(done);
            return !promise.isCanceled() && !m_closing;
        });
        promise.addResult(result);
    });
}

QFuture<ImportReport> SqlStore::importDirectory(const DirectoryImport& import, bool dryRun)
{
    return run([import, dryRun](const SqlSession& s) { return s.importDirectory(import, dryRun); });
}

QFuture<Principal> SqlStore::principalOf(UserId userId)
{
    return run([userId](const SqlSession& s) { return s.principalOf(userId); });
}

QFuture<Principal> SqlStore::currentPrincipal()
{
    // Whoever opens a database file holds it whole: the local platform admin.
    return post<Principal>([this](QPromise<Principal>& promise) {
        checkUsable();
        Principal principal;
        principal.email = m_actor;
        principal.platformPermissions = Permission::all();
        principal.platformPermissions.sort();
        promise.addResult(principal);
    });
}

QFuture<DemoSummary> SqlStore::generateDemo(const DemoScale& scale)
{
    return post<DemoSummary>([this, scale](QPromise<DemoSummary>& promise) {
        checkUsable();
        const QSqlDatabase db = connection();
        if (SqlSession(db).hasTenants())
            throw StoreError(ErrorCode::Conflict,
                             tr("“%1” already holds tenants; demo data goes into an empty database.").arg(m_location.shown()));
        if (!SqlSession(db).roles(0).isEmpty()) // a platform was started here (its first admin, or a restore)
            throw StoreError(ErrorCode::Conflict,
                             tr("“%1” already holds a platform with its roles; demo data goes into an empty database.")
                                 .arg(m_location.shown()));

        promise.setProgressRange(0, 1000);
        DemoDataGenerator generator(scale);
        const auto generateInto = [&](auto& writer) {
            const DemoSummary summary = generator.generate(writer, [this, &promise](double fraction) {
                promise.setProgressValue(int(fraction * 1000));
                return !promise.isCanceled() && !m_closing;
            });
            if (m_closing) // the writer rolls back
                throw StoreError(ErrorCode::Unavailable,
                                 tr("The database “%1” was closed while the demo was generated; nothing was kept.").arg(m_location.shown()));
            if (promise.isCanceled())
                return; // the writer rolls back
            writer.commit();
            qCInfo(lcStore) << "Generated demo data into" << m_location.shown() << ":" << summary.tenants << "tenants,"
                            << summary.users << "users";
            promise.addResult(summary);
        };

        if (!m_location.isSqlite()) {
            SqlDemoWriter writer(db); // in the platform scope
            generateInto(writer);
            return;
        }
        const QVariant handle = db.driver()->handle();
        if (qstrcmp(handle.typeName(), "sqlite3*") != 0 || !handle.isValid())
            throw StoreError(ErrorCode::Internal, tr("The SQLite driver gave no database handle."));
        sqlite3* sqlite = *static_cast<sqlite3* const*>(handle.constData());
        SqliteDemoWriter writer(sqlite);
        generateInto(writer);
    });
}


QFuture<BillingImportResult> SqlStore::importBilling(const BillingImportRequest& request)
{
    return post<BillingImportResult>([this, request](QPromise<BillingImportResult>& promise) {
        checkUsable();
        SqlSession session(connection());
        session.setActor(m_actor);
        promise.setProgressRange(0, 1000);
        const BillingImportResult result = session.importBilling(request, [this, &promise](int done) {
            promise.setProgressValue(done);
            return !promise.isCanceled() && !m_closing;
        });
        promise.addResult(result);
    });
}

QFuture<QList<BillingImport>> SqlStore::billingImports()
{
    return run([](const SqlSession& s) { return s.billingImports(); });
}

QFuture<BillingImport> SqlStore::deleteBillingImport(qint64 importId)
{
    return run([importId](const SqlSession& s) { return s.deleteBillingImport(importId); });
}

// Billing review and usage comparisons: not built yet (issue 6).
QFuture<AttributionRules> SqlStore::attributionRules()
{
    return run([](const SqlSession& s) { return s.attributionRules(); });
}

QFuture<AttributionResult> SqlStore::setAttributionRules(const AttributionRules& rules, qint64 expectedVersion)
{
    return post<AttributionResult>([this, rules, expectedVersion](QPromise<AttributionResult>& promise) {
        checkUsable();
        SqlSession session(connection());
        session.setActor(m_actor);
        promise.setProgressRange(0, 1000);
        promise.addResult(session.setAttributionRules(rules, expectedVersion, [this, &promise](int done) {
            promise.setProgressValue(done);
            return !promise.isCanceled() && !m_closing;
        }));
    });
}

QFuture<QList<BillingTotalsRow>> SqlStore::billingTotals(const BillingFilter& filter)
{
    return run([filter](const SqlSession& s) { return s.billingTotals(filter); });
}

QFuture<Page<BillingLine>> SqlStore::billingLines(const BillingLineQuery& query)
{
    return run([query](const SqlSession& s) { return s.billingLines(query); });
}

QFuture<QList<BillingTagValue>> SqlStore::billingTagValues(const BillingTagValueQuery& query)
{
    return run([query](const SqlSession& s) { return s.billingTagValues(query); });
}

QFuture<QList<BillingTagKey>> SqlStore::billingTagKeys()
{
    return run([](const SqlSession& s) { return s.billingTagKeys(); });
}

QFuture<QList<TenantBudget>> SqlStore::budgets()
{
    return run([](const SqlSession& s) { return s.budgets(); });
}

QFuture<TenantBudget> SqlStore::setBudget(const TenantBudget& budget)
{
    return run([budget](const SqlSession& s) { return s.setBudget(budget); });
}

QFuture<QList<UsageTotal>> SqlStore::usageTotals(const UsageTotalsQuery& query)
{
    return run([query](const SqlSession& s) { return s.usageTotals(query); });
}

} // namespace TenantDesk
