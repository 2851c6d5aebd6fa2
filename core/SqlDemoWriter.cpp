#include "SqlDemoWriter.h"

#include "AttributionJson.h"
#include "SqlTime.h"
#include "StoreError.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QLocale>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>
#include <charconv>
#include <optional>

namespace TenantDesk {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("SqlStore", text);
}

// Bound values of one statement: SQLite takes up to 32,766, and PostgreSQL's statements stay
// a manageable size.
constexpr int maximumValuesPerStatement = 30000;
constexpr int maximumRowsPerStatement = 1000;

QVariant json(const QJsonObject& object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QVariant idOrNull(qint64 id)
{
    return id != 0 ? QVariant(id) : QVariant(QMetaType::fromType<qint64>());
}

QVariant optionalInt(const std::optional<int>& value)
{
    return value ? QVariant(qint64(*value)) : QVariant(QMetaType::fromType<qint64>());
}

// Hex digests and other ASCII kept as bytes, as text (an empty one too: a null QString would be NULL).
QVariant ascii(const QByteArray& bytes)
{
    return bytes.isEmpty() ? u""_s : QString::fromLatin1(bytes);
}

QVariant timeOrNull(const QDateTime& time)
{
    return time.isValid() ? QVariant(SqlTime::format(time)) : QVariant(QMetaType::fromType<QString>());
}

} // namespace

// The rows gathered for one table, sent in one statement when there are enough of them. On
// PostgreSQL a statement binds one array per column (INSERT ... SELECT * FROM unnest(...)): a
// few bound values carry thousands of rows, which QPSQL, formatting every bound value into its
// EXECUTE, would otherwise spend most of the load on. Elsewhere it is a multi-row INSERT.
class SqlDemoWriter::Table
{
public:
    enum class Type { Integer, Real, Text, Json };
    struct Column {
        QString name;
        Type type = Type::Text;
    };

    Table(QSqlDatabase db, QString name, QList<Column> columns, bool hasIdentity, bool arrays)
        : m_db(std::move(db))
        , m_name(std::move(name))
        , m_columns(std::move(columns))
        , m_hasIdentity(hasIdentity)
        , m_arrays(arrays)
        , m_rowsPerStatement(arrays ? rowsPerArrayStatement
                                    : std::min(maximumRowsPerStatement, maximumValuesPerStatement / int(m_columns.size())))
        , m_arrayValues(m_columns.size())
    {
    }

    const QString& name() const { return m_name; }
    bool hasIdentity() const { return m_hasIdentity; }

    // One row's values, in the order of the columns; a null QVariant is NULL.
    void add(std::initializer_list<QVariant> row)
    {
        Q_ASSERT(row.size() == size_t(m_columns.size()));
        qsizetype column = 0;
        for (const QVariant& value : row) {
            if (m_arrays) {
                appendElement(m_arrayValues[column], m_columns.at(column).type, value);
            } else if (!value.isNull() && value.typeId() == QMetaType::QString && value.toString().isNull()) {
                // QtSql writes a null QString as NULL; only values made null on purpose are.
                m_values.append(QVariant(u""_s));
            } else {
                m_values.append(value);
            }
            ++column;
        }
        ++m_rows;
    }
    bool isFull() const { return m_rows >= m_rowsPerStatement; }

    void send()
    {
        if (m_rows == 0)
            return;
        QSqlQuery* query = nullptr;
        std::optional<QSqlQuery> partial;
        if (m_arrays || m_rows == m_rowsPerStatement) {
            // Statements of a full batch (and all array statements) are alike: prepared once.
            if (!m_reused) {
                m_reused.emplace(m_db);
                prepare(*m_reused, m_rows);
            }
            query = &*m_reused;
        } else {
            partial.emplace(m_db);
            prepare(*partial, m_rows);
            query = &*partial;
        }
        if (m_arrays) {
            for (qsizetype i = 0; i < m_arrayValues.size(); ++i) {
                QByteArray& array = m_arrayValues[i];
                array.append('}');
                query->bindValue(int(i), QString::fromUtf8(array));
                array.resize(0); // keeps its capacity for the next batch
            }
        } else {
            for (qsizetype i = 0; i < m_values.size(); ++i)
                query->bindValue(int(i), m_values.at(i));
            m_values.clear();
        }
        if (!query->exec())
            SqlSession::throwError(query->lastError(), tr("Could not write the demo data (%1)").arg(m_name), m_db);
        query->finish();
        m_rows = 0;
    }

private:
    static constexpr int rowsPerArrayStatement = 5000;

    // One element of a PostgreSQL array literal: {1,NULL,2.5} or {"text","with \"quotes\""}.
    // Written straight into the literal, without a temporary per value: millions of usage
    // samples pass through here.
    static void appendElement(QByteArray& array, Type type, const QVariant& value)
    {
        array.append(array.isEmpty() ? '{' : ',');
        if (value.isNull()) {
            array.append("NULL", 4);
            return;
        }
        char number[32];
        switch (type) {
        case Type::Integer: {
            const auto end = std::to_chars(number, number + sizeof number, value.toLongLong()).ptr;
            array.append(number, end - number);
            return;
        }
        case Type::Real: {
            // The shortest text that reads back as the same double.
            const auto end = std::to_chars(number, number + sizeof number, value.toDouble()).ptr;
            array.append(number, end - number);
            return;
        }
        case Type::Text:
        case Type::Json:
            appendQuoted(array, value.toString());
            return;
        }
    }

    static void appendQuoted(QByteArray& array, const QString& text)
    {
        const bool plain = std::all_of(text.cbegin(), text.cend(), [](QChar c) {
            return c.unicode() < 0x80 && c != u'"' && c != u'\\';
        });
        if (plain) { // ASCII without quotes or backslashes: copied as it is
            const qsizetype start = array.size();
            array.resize(start + text.size() + 2);
            char* out = array.data() + start;
            *out++ = '"';
            for (QChar c : text)
                *out++ = char(c.unicode());
            *out = '"';
            return;
        }
        array.append('"');
        for (char c : text.toUtf8()) {
            if (c == '"' || c == '\\')
                array.append('\\');
            array.append(c);
        }
        array.append('"');
    }

    static QString arrayType(Type type)
    {
        switch (type) {
        case Type::Integer: return u"bigint[]"_s;
        case Type::Real: return u"double precision[]"_s;
        case Type::Text: return u"text[]"_s;
        case Type::Json: return u"jsonb[]"_s;
        }
        return {};
    }

    void prepare(QSqlQuery& query, int rows)
    {
        QStringList names;
        for (const Column& column : m_columns)
            names << column.name;
        QString sql = u"INSERT INTO "_s + m_name + u" ("_s + names.join(u", "_s) + u") "_s;
        if (m_arrays) {
            QStringList arrays;
            for (const Column& column : m_columns)
                arrays << u"?::"_s + arrayType(column.type);
            sql += u"SELECT * FROM unnest("_s + arrays.join(u", "_s) + u')';
        } else {
            const QString row = u'(' + QStringList(m_columns.size(), u"?"_s).join(u", "_s) + u')';
            sql += u"VALUES "_s;
            for (int i = 0; i < rows; ++i) {
                if (i > 0)
                    sql += u", "_s;
                sql += row;
            }
        }
        query.setForwardOnly(true);
        if (!query.prepare(sql))
            SqlSession::throwError(query.lastError(), tr("Could not write the demo data (%1)").arg(m_name), m_db);
    }

    QSqlDatabase m_db;
    QString m_name;
    QList<Column> m_columns;
    bool m_hasIdentity;
    bool m_arrays;
    int m_rowsPerStatement;
    int m_rows = 0;
    QVariantList m_values;            // rows after rows (multi-row INSERT)
    QList<QByteArray> m_arrayValues;  // one array literal per column, without its closing brace (unnest)
    std::optional<QSqlQuery> m_reused;
};

SqlDemoWriter::SqlDemoWriter(QSqlDatabase db)
    : m_db(db)
    , m_session(std::move(db), TenantScope::allTenants())
{
    using Type = Table::Type;
    const bool arrays = m_session.enforcesScope(); // PostgreSQL
    const auto table = [this, arrays](const char* name, QList<Table::Column> columns, bool hasIdentity = false) {
        m_tables.push_back(std::make_unique<Table>(m_db, QString::fromLatin1(name), std::move(columns), hasIdentity, arrays));
        return m_tables.back().get();
    };
    const Table::Column id{u"id"_s, Type::Integer};
    const Table::Column tenantId{u"tenant_id"_s, Type::Integer};
    m_tenants = table("tenants", {id, {u"parent_id"_s, Type::Integer}, {u"path"_s}, {u"depth"_s, Type::Integer},
        {u"slug"_s}, {u"display_name"_s}, {u"status"_s}, {u"domain"_s}, {u"timezone"_s}, {u"language"_s},
        {u"quota_cpu_cores"_s, Type::Integer}, {u"quota_memory_gb"_s, Type::Integer},
        {u"quota_storage_gb"_s, Type::Integer}, {u"quota_user_seats"_s, Type::Integer},
        {u"api_rate_limit"_s, Type::Integer}, {u"feature_flags"_s, Type::Json}, {u"security_policy"_s, Type::Json},
        {u"settings"_s, Type::Json}, {u"created_at"_s}, {u"updated_at"_s}, {u"version"_s, Type::Integer}}, true);
    m_users = table("users", {id, {u"email"_s}, {u"display_name"_s}, {u"status"_s}, {u"created_at"_s},
        {u"last_sign_in_at"_s}, {u"version"_s, Type::Integer}}, true);
    m_roles = table("roles", {id, tenantId, {u"name"_s}, {u"description"_s}, {u"scope"_s},
        {u"built_in"_s, Type::Integer}}, true);
    m_rolePermissions = table("role_permissions", {{u"role_id"_s, Type::Integer}, {u"permission"_s}});
    m_roleComposites = table("role_composites", {{u"role_id"_s, Type::Integer}, {u"included_role_id"_s, Type::Integer}});
    m_environments = table("environments", {tenantId, id, {u"name"_s}, {u"kind"_s}, {u"settings"_s, Type::Json},
        {u"created_at"_s}, {u"version"_s, Type::Integer}}, true);
    m_memberships = table("memberships", {tenantId, {u"user_id"_s, Type::Integer},
        {u"environment_id"_s, Type::Integer}, {u"role_id"_s, Type::Integer}});
    m_principals = table("platform_principals", {{u"user_id"_s, Type::Integer}, {u"role_id"_s, Type::Integer}});
    m_audit = table("audit_events", {id, tenantId, {u"at"_s}, {u"actor"_s}, {u"action"_s}, {u"object_type"_s},
        {u"object_id"_s}, {u"before_json"_s, Type::Json}, {u"after_json"_s, Type::Json}, {u"previous_hash"_s},
        {u"hash"_s}}, true);
    m_usage = table("usage_samples", {tenantId, {u"environment_id"_s, Type::Integer}, {u"metric"_s},
        {u"at"_s, Type::Integer}, {u"value"_s, Type::Real}});
    m_billing = table("billing_lines", {id, tenantId, {u"provider_name"_s}, {u"billing_account_id"_s},
        {u"sub_account_id"_s}, {u"sub_account_name"_s}, {u"billing_period_start"_s}, {u"billing_period_end"_s},
        {u"charge_period_start"_s}, {u"charge_period_end"_s}, {u"charge_category"_s}, {u"service_name"_s},
        {u"service_category"_s}, {u"region_id"_s}, {u"resource_id"_s}, {u"billed_cost"_s}, {u"effective_cost"_s},
        {u"list_cost"_s}, {u"billing_currency"_s}, {u"tags"_s, Type::Json}}, true);
    m_session.begin();
}

SqlDemoWriter::~SqlDemoWriter()
{
    if (!m_done) {
        m_session.rollback();
        m_tables.clear(); // PostgreSQL frees prepared statements only outside a failed transaction
    }
}

void SqlDemoWriter::flush(Table& table)
{
    for (const auto& each : m_tables) {
        each->send();
        if (each.get() == &table)
            break;
    }
}

void SqlDemoWriter::flushAll()
{
    for (const auto& each : m_tables)
        each->send();
}

void SqlDemoWriter::writeBillingReview()
{
    const auto run = [this](const QString& sql, const QVariantList& values) {
        QSqlQuery query(m_db);
        if (!query.prepare(sql))
            SqlSession::throwError(query.lastError(), tr("Could not write the demo data (billing review)"), m_db);
        for (const QVariant& value : values)
            query.addBindValue(value);
        if (!query.exec())
            SqlSession::throwError(query.lastError(), tr("Could not write the demo data (billing review)"), m_db);
    };
    for (const auto& [key, sums] : m_demoBilling.rollups().groups())
        run(u"INSERT INTO billing_rollups (tenant_id, import_id, shared_rule, month, service_name, service_category, "
            "billing_currency, billed_cost, effective_cost, list_cost, line_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s,
            {key.tenantId, key.importId, key.sharedRule, key.month, key.serviceName, key.serviceCategory,
             key.billingCurrency, sums.billed.text(), sums.effective.text(), sums.list.text(), sums.lines});
    const AttributionRules rules = DemoBilling::rules();
    QJsonObject document = AttributionJson::toJson(rules);
    document.remove(u"version"_s);
    run(u"INSERT INTO attribution_rules (id, rules, version) VALUES (1, ?, ?)"_s, {json(document), rules.version});
    for (const TenantBudget& budget : m_demoBilling.budgets())
        run(u"INSERT INTO tenant_budgets (tenant_id, billing_currency, amount) VALUES (?, ?, ?)"_s,
            {budget.tenantId, budget.currency, budget.amount});
}

void SqlDemoWriter::commit()
{
    flushAll();
    writeBillingReview();
    if (m_session.enforcesScope()) { // PostgreSQL
        for (const auto& table : m_tables) {
            if (!table->hasIdentity())
                continue;
            // The next generated id follows the largest one written.
            QSqlQuery query(m_db);
            if (!query.exec(u"SELECT setval(pg_get_serial_sequence('%1', 'id'), "
                            "coalesce((SELECT max(id) FROM %1), 0) + 1, false)"_s.arg(table->name())))
                SqlSession::throwError(query.lastError(), tr("Could not write the demo data (%1)").arg(table->name()), m_db);
        }
        // Fresh statistics, so that the first queries are planned for the rows that are there.
        QStringList names;
        for (const auto& table : m_tables)
            names << table->name();
        QSqlQuery analyze(m_db);
        if (!analyze.exec(u"ANALYZE "_s + names.join(u", "_s)))
            SqlSession::throwError(analyze.lastError(), tr("Could not write the demo data (statistics)"), m_db);
    }
    m_tables.clear();
    m_session.commit();
    m_done = true;
}

void SqlDemoWriter::platform(const QString& name, const QDateTime& createdAt)
{
    QSqlQuery query(m_db);
    if (!query.prepare(u"INSERT INTO platform (id, name, created_at) VALUES (1, ?, ?) "
                       "ON CONFLICT (id) DO UPDATE SET name = excluded.name, created_at = excluded.created_at"_s))
        SqlSession::throwError(query.lastError(), tr("Could not write the demo data (platform)"), m_db);
    query.addBindValue(name);
    query.addBindValue(SqlTime::format(createdAt));
    if (!query.exec())
        SqlSession::throwError(query.lastError(), tr("Could not write the demo data (platform)"), m_db);
}

void SqlDemoWriter::tenant(const Tenant& t)
{
    QString path = u"/"_s;
    for (TenantId id : t.ancestorIds)
        path += QString::number(id) + u'/';
    path += QString::number(t.id) + u'/';
    m_tenants->add({t.id, idOrNull(t.parentId), path, qint64(t.ancestorIds.size()), t.slug, t.displayName,
                    tenantStatusKey(t.status), t.domain, t.timezone, t.language, optionalInt(t.quotas.cpuCores),
                    optionalInt(t.quotas.memoryGb), optionalInt(t.quotas.storageGb), optionalInt(t.quotas.userSeats),
                    optionalInt(t.apiRateLimit), json(t.featureFlags), json(t.securityPolicy), json(t.settings),
                    SqlTime::format(t.createdAt), SqlTime::format(t.updatedAt), t.version});
    if (m_tenants->isFull())
        flush(*m_tenants);
}

void SqlDemoWriter::environment(const Environment& e)
{
    m_environments->add({e.tenantId, e.id, e.name, environmentKindKey(e.kind), json(e.settings),
                         SqlTime::format(e.createdAt), e.version});
    if (m_environments->isFull())
        flush(*m_environments);
}

void SqlDemoWriter::role(const Role& r)
{
    m_roles->add({r.id, idOrNull(r.tenantId), r.name, r.description, roleScopeKey(r.scope), qint64(r.builtIn ? 1 : 0)});
    if (m_roles->isFull())
        flush(*m_roles);
    for (const QString& permission : r.permissions) {
        m_rolePermissions->add({r.id, permission});
        if (m_rolePermissions->isFull())
            flush(*m_rolePermissions);
    }
    for (RoleId included : r.includedRoleIds) {
        m_roleComposites->add({r.id, included});
        if (m_roleComposites->isFull())
            flush(*m_roleComposites);
    }
}

void SqlDemoWriter::user(const User& u)
{
    m_users->add({u.id, u.email, u.displayName, userStatusKey(u.status), SqlTime::format(u.createdAt),
                  timeOrNull(u.lastSignInAt), u.version});
    if (m_users->isFull())
        flush(*m_users);
}

void SqlDemoWriter::membership(const Membership& m)
{
    m_memberships->add({m.tenantId, m.userId, m.environmentId, m.roleId});
    if (m_memberships->isFull())
        flush(*m_memberships);
}

void SqlDemoWriter::platformPrincipal(UserId user, RoleId role)
{
    m_principals->add({user, role});
    if (m_principals->isFull())
        flush(*m_principals);
}

void SqlDemoWriter::auditEvent(const AuditEvent& e)
{
    m_audit->add({e.id, idOrNull(e.tenantId), SqlTime::formatPrecise(e.at), e.actor, e.action, e.objectType,
                  e.objectId, json(e.before), json(e.after), ascii(e.previousHash), ascii(e.hash)});
    if (m_audit->isFull())
        flush(*m_audit);
}

void SqlDemoWriter::usageSample(TenantId tenant, EnvironmentId environment, UsageMetric metric, qint64 hourStart,
                                double value)
{
    static const QString keys[] = {
        usageMetricKey(UsageMetric::CpuHours), usageMetricKey(UsageMetric::MemoryGbHours),
        usageMetricKey(UsageMetric::StorageGb), usageMetricKey(UsageMetric::ApiCalls),
        usageMetricKey(UsageMetric::ActiveUsers), usageMetricKey(UsageMetric::ErrorRate),
    };
    m_usage->add({tenant, environment, keys[size_t(metric)], hourStart, value});
    if (m_usage->isFull())
        flush(*m_usage);
}

void SqlDemoWriter::billingLine(const BillingLine& l)
{
    m_billing->add({l.id, idOrNull(l.tenantId), l.providerName, l.billingAccountId, l.subAccountId, l.subAccountName,
                    SqlTime::format(l.billingPeriodStart), SqlTime::format(l.billingPeriodEnd),
                    SqlTime::format(l.chargePeriodStart), SqlTime::format(l.chargePeriodEnd), l.chargeCategory,
                    l.serviceName, l.serviceCategory, l.regionId, l.resourceId, l.billedCost, l.effectiveCost,
                    l.listCost, l.billingCurrency, json(l.tags)});
    m_demoBilling.add(l);
    if (m_billing->isFull())
        flush(*m_billing);
}

} // namespace TenantDesk
