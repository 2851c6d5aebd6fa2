#include "SqliteDemoWriter.h"

#include "AttributionJson.h"
#include "SqlTime.h"
#include "StoreError.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <sqlite3.h>

#include <algorithm>

namespace TenantDesk {

namespace {
[[noreturn]] void fail(sqlite3* db, const char* what)
{
    const int code = sqlite3_errcode(db) & 0xff;
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
        throw StoreError(ErrorCode::Unavailable,
                         QCoreApplication::translate("SqlStore", "The database is locked by another program; "
                                                                 "close it and generate the demo again."),
                         QString::fromUtf8(sqlite3_errmsg(db)));
    if (code == SQLITE_FULL || code == SQLITE_IOERR)
        throw StoreError(ErrorCode::Unavailable,
                         QCoreApplication::translate("SqlStore", "The demo data could not be written: the disk is full "
                                                                 "or failed."),
                         QString::fromUtf8(sqlite3_errmsg(db)));
    throw StoreError(ErrorCode::Internal,
                     QCoreApplication::translate("SqlStore", "Could not write the demo data (%1).")
                         .arg(QString::fromUtf8(what)),
                     QString::fromUtf8(sqlite3_errmsg(db)));
}

QByteArray json(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}
} // namespace

class SqliteDemoWriter::Statement
{
public:
    Statement(sqlite3* db, const char* sql) : m_db(db)
    {
        if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &m_statement, nullptr) != SQLITE_OK)
            fail(db, sql);
    }
    ~Statement() { sqlite3_finalize(m_statement); }

    Statement& bind(qint64 value)
    {
        sqlite3_bind_int64(m_statement, ++m_index, value);
        return *this;
    }
    Statement& bind(double value)
    {
        sqlite3_bind_double(m_statement, ++m_index, value);
        return *this;
    }
    Statement& bind(const QByteArray& utf8)
    {
        sqlite3_bind_text(m_statement, ++m_index, utf8.constData(), int(utf8.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Statement& bind(const QString& text) { return bind(text.toUtf8()); }
    // Text that outlives the statement's execution: SQLite need not copy it.
    Statement& bindStatic(const QByteArray& utf8)
    {
        sqlite3_bind_text(m_statement, ++m_index, utf8.constData(), int(utf8.size()), SQLITE_STATIC);
        return *this;
    }
    Statement& bindOptional(const std::optional<int>& value)
    {
        if (value)
            return bind(qint64(*value));
        sqlite3_bind_null(m_statement, ++m_index);
        return *this;
    }
    Statement& bindIdOrNull(qint64 id)
    {
        if (id != 0)
            return bind(id);
        sqlite3_bind_null(m_statement, ++m_index);
        return *this;
    }
    void exec()
    {
        if (sqlite3_step(m_statement) != SQLITE_DONE)
            fail(m_db, sqlite3_sql(m_statement));
        sqlite3_reset(m_statement);
        m_index = 0;
    }

private:
    sqlite3* m_db;
    sqlite3_stmt* m_statement = nullptr;
    int m_index = 0;
};

SqliteDemoWriter::SqliteDemoWriter(sqlite3* handle)
    : m_db(handle)
{
    // The generator's rows are consistent by construction (its tests check every reference), so
    // foreign keys are not looked up row by row during the load; the pragma only takes effect
    // outside a transaction.
    exec("PRAGMA foreign_keys = OFF");
    try {
        begin();
    } catch (...) {
        // Leave the connection as it was found: no transaction, indexes and pragmas restored.
        rollBack();
        throw;
    }
}

void SqliteDemoWriter::begin()
{
    exec("BEGIN IMMEDIATE");
    // Bulk loading: a large page cache keeps the unique indexes in memory, and the secondary
    // indexes are dropped and built again once, sorted, at the end (all inside the transaction,
    // so a rollback restores them).
    exec("PRAGMA cache_size = -262144");
    {
        sqlite3_stmt* indexes = nullptr;
        if (sqlite3_prepare_v2(m_db, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
                               -1, &indexes, nullptr) != SQLITE_OK)
            fail(m_db, "listing indexes");
        QList<QByteArray> names;
        while (sqlite3_step(indexes) == SQLITE_ROW) {
            names << reinterpret_cast<const char*>(sqlite3_column_text(indexes, 0));
            m_deferredIndexes << reinterpret_cast<const char*>(sqlite3_column_text(indexes, 1));
        }
        sqlite3_finalize(indexes);
        for (const QByteArray& name : std::as_const(names))
            exec(QByteArray("DROP INDEX " + name).constData());
    }
    // The full-text indexes (FTS5, such as the users' trigram index) are kept by triggers, one row
    // at a time: those triggers are dropped as well, and each index is rebuilt once at the end.
    {
        sqlite3_stmt* tables = nullptr;
        if (sqlite3_prepare_v2(m_db, "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%fts5%'",
                               -1, &tables, nullptr) != SQLITE_OK)
            fail(m_db, "listing full-text indexes");
        while (sqlite3_step(tables) == SQLITE_ROW)
            m_rebuiltIndexes << reinterpret_cast<const char*>(sqlite3_column_text(tables, 0));
        sqlite3_finalize(tables);
        sqlite3_stmt* triggers = nullptr;
        if (sqlite3_prepare_v2(m_db, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'", -1, &triggers, nullptr)
            != SQLITE_OK)
            fail(m_db, "listing triggers");
        QList<QByteArray> names;
        while (sqlite3_step(triggers) == SQLITE_ROW) {
            const QByteArray sql = reinterpret_cast<const char*>(sqlite3_column_text(triggers, 1));
            const bool keepsIndex = std::any_of(m_rebuiltIndexes.cbegin(), m_rebuiltIndexes.cend(),
                                                [&sql](const QByteArray& table) { return sql.contains(QByteArray("INSERT INTO " + table)); });
            if (keepsIndex) {
                names << reinterpret_cast<const char*>(sqlite3_column_text(triggers, 0));
                m_deferredTriggers << sql;
            }
        }
        sqlite3_finalize(triggers);
        for (const QByteArray& name : std::as_const(names))
            exec(QByteArray("DROP TRIGGER " + name).constData());
    }
    m_platform = std::make_unique<Statement>(m_db,
        "INSERT INTO platform (id, name, created_at) VALUES (1, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET name = excluded.name, created_at = excluded.created_at");
    m_tenant = std::make_unique<Statement>(m_db,
        "INSERT INTO tenants (id, parent_id, path, depth, slug, display_name, status, domain, timezone, "
        "language, quota_cpu_cores, quota_memory_gb, quota_storage_gb, quota_user_seats, api_rate_limit, "
        "feature_flags, security_policy, settings, created_at, updated_at, version) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    m_environment = std::make_unique<Statement>(m_db,
        "INSERT INTO environments (tenant_id, id, name, kind, settings, created_at, version) VALUES (?, ?, ?, ?, ?, ?, ?)");
    m_role = std::make_unique<Statement>(m_db,
        "INSERT INTO roles (id, tenant_id, name, description, scope, built_in) VALUES (?, ?, ?, ?, ?, ?)");
    m_rolePermission = std::make_unique<Statement>(m_db,
        "INSERT INTO role_permissions (role_id, permission) VALUES (?, ?)");
    m_roleComposite = std::make_unique<Statement>(m_db,
        "INSERT INTO role_composites (role_id, included_role_id) VALUES (?, ?)");
    m_user = std::make_unique<Statement>(m_db,
        "INSERT INTO users (id, email, display_name, status, created_at, last_sign_in_at, version) VALUES (?, ?, ?, ?, ?, ?, ?)");
    m_membership = std::make_unique<Statement>(m_db,
        "INSERT INTO memberships (tenant_id, user_id, environment_id, role_id) VALUES (?, ?, ?, ?)");
    m_principal = std::make_unique<Statement>(m_db,
        "INSERT INTO platform_principals (user_id, role_id) VALUES (?, ?)");
    m_audit = std::make_unique<Statement>(m_db,
        "INSERT INTO audit_events (id, tenant_id, at, actor, action, object_type, object_id, before_json, "
        "after_json, previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    m_usage = std::make_unique<Statement>(m_db,
        "INSERT INTO usage_samples (tenant_id, environment_id, metric, at, value) VALUES (?, ?, ?, ?, ?)");
    m_billing = std::make_unique<Statement>(m_db,
        "INSERT INTO billing_lines (id, tenant_id, provider_name, billing_account_id, sub_account_id, "
        "sub_account_name, billing_period_start, billing_period_end, charge_period_start, charge_period_end, "
        "charge_category, service_name, service_category, region_id, resource_id, billed_cost, effective_cost, "
        "list_cost, billing_currency, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
}

SqliteDemoWriter::~SqliteDemoWriter()
{
    if (!m_done)
        rollBack();
}

void SqliteDemoWriter::rollBack()
{
    // Statements are finalized first: SQLite rolls back only once none is running.
    m_platform.reset(); m_tenant.reset(); m_environment.reset(); m_role.reset(); m_rolePermission.reset();
    m_roleComposite.reset(); m_user.reset(); m_membership.reset(); m_principal.reset(); m_audit.reset();
    m_usage.reset(); m_billing.reset();
    sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_exec(m_db, "PRAGMA cache_size = -2000", nullptr, nullptr, nullptr);
    sqlite3_exec(m_db, "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr);
    m_done = true;
}

void SqliteDemoWriter::exec(const char* sql)
{
    if (sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
        fail(m_db, sql);
}

void SqliteDemoWriter::writeBillingReview()
{
    {
        Statement rollup(m_db, "INSERT INTO billing_rollups (tenant_id, import_id, shared_rule, month, service_name, "
                               "service_category, billing_currency, billed_cost, effective_cost, list_cost, line_count) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        for (const auto& [key, sums] : m_demoBilling.rollups().groups())
            rollup.bind(key.tenantId).bind(key.importId).bind(qint64(key.sharedRule)).bind(key.month)
                .bind(key.serviceName).bind(key.serviceCategory).bind(key.billingCurrency).bind(sums.billed.text())
                .bind(sums.effective.text()).bind(sums.list.text()).bind(sums.lines).exec();
    }
    const AttributionRules rules = DemoBilling::rules();
    QJsonObject document = AttributionJson::toJson(rules);
    document.remove(QStringLiteral("version"));
    Statement(m_db, "INSERT INTO attribution_rules (id, rules, version) VALUES (1, ?, ?)")
        .bind(json(document)).bind(rules.version).exec();
    Statement budget(m_db, "INSERT INTO tenant_budgets (tenant_id, billing_currency, amount) VALUES (?, ?, ?)");
    for (const TenantBudget& b : m_demoBilling.budgets())
        budget.bind(b.tenantId).bind(b.currency).bind(b.amount).exec();
}

void SqliteDemoWriter::commit()
{
    writeBillingReview();
    for (const QByteArray& create : std::as_const(m_deferredIndexes))
        exec(create.constData());
    for (const QByteArray& table : std::as_const(m_rebuiltIndexes))
        exec(QByteArray("INSERT INTO " + table + " (" + table + ") VALUES ('rebuild')").constData());
    for (const QByteArray& create : std::as_const(m_deferredTriggers))
        exec(create.constData());
    exec("COMMIT");
    exec("PRAGMA cache_size = -2000");
    exec("PRAGMA foreign_keys = ON");
    m_done = true;
}

void SqliteDemoWriter::platform(const QString& name, const QDateTime& createdAt)
{
    m_platform->bind(name).bind(SqlTime::format(createdAt)).exec();
}

void SqliteDemoWriter::tenant(const Tenant& t)
{
    QByteArray path = "/";
    for (TenantId id : t.ancestorIds)
        path += QByteArray::number(id) + '/';
    path += QByteArray::number(t.id) + '/';
    m_tenant->bind(t.id).bindIdOrNull(t.parentId).bind(path).bind(qint64(t.ancestorIds.size()))
        .bind(t.slug).bind(t.displayName).bind(tenantStatusKey(t.status)).bind(t.domain).bind(t.timezone)
        .bind(t.language).bindOptional(t.quotas.cpuCores).bindOptional(t.quotas.memoryGb)
        .bindOptional(t.quotas.storageGb).bindOptional(t.quotas.userSeats).bindOptional(t.apiRateLimit)
        .bind(json(t.featureFlags)).bind(json(t.securityPolicy)).bind(json(t.settings))
        .bind(SqlTime::format(t.createdAt)).bind(SqlTime::format(t.updatedAt)).bind(t.version).exec();
}

void SqliteDemoWriter::environment(const Environment& e)
{
    m_environment->bind(e.tenantId).bind(e.id).bind(e.name).bind(environmentKindKey(e.kind))
        .bind(json(e.settings)).bind(SqlTime::format(e.createdAt)).bind(e.version).exec();
}

void SqliteDemoWriter::role(const Role& r)
{
    m_role->bind(r.id).bindIdOrNull(r.tenantId).bind(r.name).bind(r.description).bind(roleScopeKey(r.scope))
        .bind(qint64(r.builtIn ? 1 : 0)).exec();
    for (const QString& permission : r.permissions)
        m_rolePermission->bind(r.id).bind(permission).exec();
    for (RoleId included : r.includedRoleIds)
        m_roleComposite->bind(r.id).bind(included).exec();
}

void SqliteDemoWriter::user(const User& u)
{
    m_user->bind(u.id).bind(u.email).bind(u.displayName).bind(userStatusKey(u.status))
        .bind(SqlTime::format(u.createdAt));
    if (u.lastSignInAt.isValid())
        m_user->bind(SqlTime::format(u.lastSignInAt));
    else
        m_user->bindIdOrNull(0);
    m_user->bind(u.version).exec();
}

void SqliteDemoWriter::membership(const Membership& m)
{
    m_membership->bind(m.tenantId).bind(m.userId).bind(m.environmentId).bind(m.roleId).exec();
}

void SqliteDemoWriter::platformPrincipal(UserId user, RoleId role)
{
    m_principal->bind(user).bind(role).exec();
}

void SqliteDemoWriter::auditEvent(const AuditEvent& e)
{
    m_audit->bind(e.id).bindIdOrNull(e.tenantId).bind(SqlTime::formatPrecise(e.at)).bind(e.actor).bind(e.action)
        .bind(e.objectType).bind(e.objectId).bind(json(e.before)).bind(json(e.after)).bind(e.previousHash)
        .bind(e.hash).exec();
}

void SqliteDemoWriter::usageSample(TenantId tenant, EnvironmentId environment, UsageMetric metric,
                                   qint64 hourStart, double value)
{
    static const QByteArray keys[] = {
        usageMetricKey(UsageMetric::CpuHours).toUtf8(), usageMetricKey(UsageMetric::MemoryGbHours).toUtf8(),
        usageMetricKey(UsageMetric::StorageGb).toUtf8(), usageMetricKey(UsageMetric::ApiCalls).toUtf8(),
        usageMetricKey(UsageMetric::ActiveUsers).toUtf8(), usageMetricKey(UsageMetric::ErrorRate).toUtf8(),
    };
    m_usage->bind(tenant).bind(environment).bindStatic(keys[size_t(metric)]).bind(hourStart).bind(value).exec();
}

void SqliteDemoWriter::billingLine(const BillingLine& l)
{
    m_billing->bind(l.id).bindIdOrNull(l.tenantId).bind(l.providerName).bind(l.billingAccountId)
        .bind(l.subAccountId).bind(l.subAccountName).bind(SqlTime::format(l.billingPeriodStart))
        .bind(SqlTime::format(l.billingPeriodEnd)).bind(SqlTime::format(l.chargePeriodStart))
        .bind(SqlTime::format(l.chargePeriodEnd)).bind(l.chargeCategory).bind(l.serviceName)
        .bind(l.serviceCategory).bind(l.regionId).bind(l.resourceId).bind(l.billedCost).bind(l.effectiveCost)
        .bind(l.listCost).bind(l.billingCurrency).bind(json(l.tags)).exec();
    m_demoBilling.add(l);
}

} // namespace TenantDesk
