#pragma once

// The internals SqlSession's source files share: a query that throws StoreError, the per-thread
// statement cache, and the row readers. Not part of core's interface.

#include "AuditEvent.h"
#include "Environment.h"
#include "Page.h"
#include "SqlTime.h"
#include "StoreError.h"
#include "StoreQueries.h"
#include "Tenant.h"
#include "User.h"

#include <QCoreApplication>
#include <QDir>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>

#include <sqlite3.h>

#include <memory>
#include <optional>

namespace TenantDesk::SqlDetail {

using namespace Qt::StringLiterals;


inline QString tr(const char* text)
{
    return QCoreApplication::translate("SqlSession", text);
}

inline QString shown(const QString& path)
{
    return QDir::toNativeSeparators(path);
}

inline bool isPostgres(const QSqlDatabase& db)
{
    return db.driverName() == u"QPSQL"_s;
}

// The database as a person would name it, without a password: the file, or the server and database.
inline QString shownDatabase(const QSqlDatabase& db)
{
    if (!isPostgres(db))
        return shown(db.databaseName());
    QUrl url;
    url.setScheme(u"postgresql"_s);
    url.setUserName(db.userName());
    url.setHost(db.hostName());
    url.setPort(db.port());
    url.setPath(u'/' + db.databaseName());
    return url.toDisplayString(QUrl::RemovePassword);
}

// Maps what SQLite reported (its extended result code and message) onto an ErrorCode with a
// sentence a person can act on; for QtSql's errors and SQLite's C API alike.
[[noreturn]] inline void throwSqliteCode(int extendedCode, const QString& detail, const QString& doing, const QString& path)
{
    const int code = extendedCode & 0xff;
    switch (code) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        throw StoreError(ErrorCode::Unavailable,
                         tr("%1: the database “%2” is locked by another program. Close the other program or try again.")
                             .arg(doing, shown(path)), detail);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        throw StoreError(ErrorCode::Corrupt,
                         tr("%1: the database “%2” is damaged. Restore it from a backup.").arg(doing, shown(path)),
                         detail);
    case SQLITE_CONSTRAINT:
        // A missing required value is a bug of ours, not a clash with someone's data.
        if (extendedCode == SQLITE_CONSTRAINT_NOTNULL)
            throw StoreError(ErrorCode::Internal, tr("%1: a required value was missing; please report this.").arg(doing), detail);
        throw StoreError(ErrorCode::Conflict, tr("%1: the change conflicts with existing data.").arg(doing), detail);
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
        throw StoreError(ErrorCode::Forbidden,
                         tr("%1: the database “%2” cannot be written. Check the file's permissions.").arg(doing, shown(path)),
                         detail);
    case SQLITE_FULL:
        throw StoreError(ErrorCode::Unavailable,
                         tr("%1: the disk holding the database “%2” is full. Nothing was changed; free some space "
                            "and try again.").arg(doing, shown(path)), detail);
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
        throw StoreError(ErrorCode::Unavailable,
                         tr("%1: the database “%2” cannot be read or written (disk or file system error).")
                             .arg(doing, shown(path)), detail);
    default:
        throw StoreError(ErrorCode::Internal, tr("%1: the database “%2” reported an error.").arg(doing, shown(path)),
                         detail);
    }
}

[[noreturn]] inline void throwSqliteError(const QSqlError& error, const QString& doing, const QString& path)
{
    throwSqliteCode(error.nativeErrorCode().toInt(), error.text(), doing, path);
}

// Maps what PostgreSQL reported (its SQLSTATE, or libpq's text when no statement ran) onto an
// ErrorCode. `server` is shown without its password; libpq's messages never carry one.
[[noreturn]] inline void throwPostgresError(const QSqlError& error, const QString& doing, const QString& server)
{
    const QString state = error.nativeErrorCode();
    const QString detail = error.text();
    const QString text = error.databaseText();
    if (state == u"23502"_s) // not_null_violation: a bug of ours, not a clash with someone's data
        throw StoreError(ErrorCode::Internal, tr("%1: a required value was missing; please report this.").arg(doing), detail);
    if (state.startsWith(u"23"_s))
        throw StoreError(ErrorCode::Conflict, tr("%1: the change conflicts with existing data.").arg(doing), detail);
    if (state == u"42501"_s)
        throw StoreError(ErrorCode::Forbidden,
                         tr("%1: the database role may not do this in “%2” (it lacks a right, or the row lies "
                            "outside the session's tenants).").arg(doing, server), detail);
    if (state == u"40001"_s || state == u"40P01"_s)
        throw StoreError(ErrorCode::Unavailable,
                         tr("%1: “%2” was busy with a conflicting change. Try again.").arg(doing, server), detail);
    if (state.startsWith(u"28"_s)
        || (state.isEmpty()
            && (text.contains(u"authentication failed"_s) || text.contains(u"no pg_hba.conf entry"_s)
                || text.contains(u"no password supplied"_s)
                || (text.contains(u"role \""_s) && text.contains(u"does not exist"_s)))))
        throw StoreError(ErrorCode::Forbidden,
                         tr("%1: the PostgreSQL server refused the user name or password given for “%2”, "
                            "or no password was given (in the URL, PGPASSWORD or ~/.pgpass). Check them.")
                             .arg(doing, server), detail);
    if (state == u"3D000"_s
        || (state.isEmpty() && text.contains(u"database \""_s) && text.contains(u"does not exist"_s)))
        throw StoreError(ErrorCode::NotFound,
                         tr("%1: the database of “%2” does not exist on its server. Create it first.").arg(doing, server),
                         detail);
    if (state.startsWith(u"08"_s) || state.startsWith(u"57P"_s) || state.startsWith(u"53"_s) || state == u"57014"_s
        || (state.isEmpty() && error.type() == QSqlError::ConnectionError)
        || text.contains(u"server closed the connection"_s) || text.contains(u"no connection to the server"_s)
        || text.contains(u"terminating connection"_s) || text.contains(u"could not send data to server"_s)
        || text.contains(u"could not receive data from server"_s))
        throw StoreError(ErrorCode::Unavailable,
                         tr("%1: the PostgreSQL server of “%2” cannot be reached or is not taking work now. "
                            "Check that it runs and accepts connections, then try again.").arg(doing, server), detail);
    if (state == u"XX001"_s || state == u"XX002"_s)
        throw StoreError(ErrorCode::Corrupt,
                         tr("%1: the database “%2” is damaged. Restore it from a backup.").arg(doing, server), detail);
    throw StoreError(ErrorCode::Internal, tr("%1: the database “%2” reported an error.").arg(doing, server), detail);
}

[[noreturn]] inline void throwSqlError(const QSqlError& error, const QString& doing, const QSqlDatabase& db)
{
    if (isPostgres(db))
        throwPostgresError(error, doing, shownDatabase(db));
    throwSqliteError(error, doing, db.databaseName());
}

// A query that throws a StoreError instead of returning false.
// Prepared statements, kept per connection by the thread that uses it: parsing and planning a
// statement costs more than running it for the small reads of the server and the models.
struct CachedStatement {
    QSqlQuery query;
    bool inUse = false; // a Query holds it; the same text nested inside gets a statement of its own
};
using StatementCache = QHash<QString, std::shared_ptr<CachedStatement>>;
constexpr qsizetype statementCacheSize = 128; // statements per connection, enough for every fixed text
inline thread_local QHash<const QSqlDriver*, StatementCache> statementCaches; // connection → its statements

// Removes a connection, and this thread's statements of it first.
inline void dropConnection(const QString& connectionName)
{
    if (!QSqlDatabase::contains(connectionName))
        return;
    statementCaches.remove(QSqlDatabase::database(connectionName, false).driver());
    QSqlDatabase::removeDatabase(connectionName);
}

class Query
{
public:
    Query(const QSqlDatabase& db, QString doing)
        : m_doing(std::move(doing)), m_db(db) {}
    ~Query() { release(); }
    Query(const Query&) = delete;
    Query& operator=(const Query&) = delete;

    Query& prepare(const QString& sql)
    {
        release();
        StatementCache& cache = statementCaches[m_db.driver()];
        const auto found = cache.constFind(sql);
        if (found != cache.constEnd() && !(*found)->inUse) {
            use(*found);
            return *this;
        }
        if (found == cache.constEnd() && cache.size() < statementCacheSize) {
            auto statement = std::make_shared<CachedStatement>(CachedStatement{QSqlQuery(m_db), false});
            statement->query.setForwardOnly(true);
            if (!statement->query.prepare(sql))
                throwSqlError(statement->query.lastError(), m_doing, m_db);
            cache.insert(sql, statement);
            use(statement);
            return *this;
        }
        if (!own().prepare(sql))
            throwSqlError(own().lastError(), m_doing, m_db);
        return *this;
    }
    Query& bind(const QVariant& value)
    {
        query().addBindValue(value);
        return *this;
    }
    Query& exec()
    {
        if (!query().exec())
            throwSqlError(query().lastError(), m_doing, m_db);
        return *this;
    }
    // Runs `sql` as it is, on a statement of this query's own (never on a cached one).
    Query& exec(const QString& sql)
    {
        release();
        if (!own().exec(sql))
            throwSqlError(own().lastError(), m_doing, m_db);
        return *this;
    }
    bool next() { return query().next(); }
    QVariant value(int index) const { return m_current->value(index); }
    QString text(int index) const { return m_current->value(index).toString(); }
    qint64 integer(int index) const { return m_current->value(index).toLongLong(); }
    QSqlQuery& raw() { return query(); }

    // The first column of the single row, or `fallback` when there is none.
    QVariant scalar(const QVariant& fallback = {})
    {
        exec();
        return next() ? value(0) : fallback;
    }

private:
    void use(const std::shared_ptr<CachedStatement>& statement)
    {
        statement->inUse = true;
        m_cached = statement;
        m_current = &statement->query;
    }
    // Gives the cached statement in use back, reset: no read stays open on the database.
    void release()
    {
        if (!m_cached)
            return;
        m_cached->query.finish();
        m_cached->inUse = false;
        m_cached.reset();
        m_current = nullptr;
    }
    QSqlQuery& own()
    {
        if (!m_own) {
            m_own.emplace(m_db);
            m_own->setForwardOnly(true);
        }
        m_current = &*m_own;
        return *m_own;
    }
    QSqlQuery& query() { return m_current ? *m_current : own(); }

    QString m_doing;
    QSqlDatabase m_db;
    std::optional<QSqlQuery> m_own;              // a statement of this query's own
    std::shared_ptr<CachedStatement> m_cached;   // or one from the connection's cache
    QSqlQuery* m_current = nullptr;
};

inline const QString tenantColumns = u"t.id, t.parent_id, t.path, t.slug, t.display_name, t.status, t.domain, "
    "t.timezone, t.language, t.quota_cpu_cores, t.quota_memory_gb, t.quota_storage_gb, t.quota_user_seats, "
    "t.api_rate_limit, t.feature_flags, t.security_policy, t.settings, t.created_at, t.updated_at, t.version, "
    "(SELECT count(*) FROM tenants c WHERE c.parent_id = t.id), "
    "(SELECT count(*) FROM environments e WHERE e.tenant_id = t.id), t.decommission"_s;

inline std::optional<int> optionalInt(const QVariant& value)
{
    return value.isNull() ? std::nullopt : std::optional<int>(value.toInt());
}

inline QJsonObject jsonObject(const QVariant& value)
{
    return QJsonDocument::fromJson(value.toByteArray()).object();
}

inline QList<TenantId> idsOfPath(const QString& path)
{
    QList<TenantId> ids;
    for (QStringView part : QStringView(path).split(u'/', Qt::SkipEmptyParts))
        ids.append(part.toLongLong());
    return ids;
}

inline Tenant tenantFromRow(const Query& q)
{
    Tenant t;
    t.id = q.integer(0);
    t.parentId = q.integer(1);
    t.ancestorIds = idsOfPath(q.text(2));
    if (!t.ancestorIds.isEmpty())
        t.ancestorIds.removeLast();
    t.slug = q.text(3);
    t.displayName = q.text(4);
    t.status = tenantStatusFromKey(q.text(5)).value_or(TenantStatus::Requested);
    t.domain = q.text(6);
    t.timezone = q.text(7);
    t.language = q.text(8);
    t.quotas = {optionalInt(q.value(9)), optionalInt(q.value(10)), optionalInt(q.value(11)), optionalInt(q.value(12))};
    t.apiRateLimit = optionalInt(q.value(13));
    t.featureFlags = jsonObject(q.value(14));
    t.securityPolicy = jsonObject(q.value(15));
    t.settings = jsonObject(q.value(16));
    t.createdAt = SqlTime::parse(q.text(17));
    t.updatedAt = SqlTime::parse(q.text(18));
    t.version = q.integer(19);
    t.subTenantCount = int(q.integer(20));
    t.environmentCount = int(q.integer(21));
    t.decommission = jsonObject(q.value(22));
    return t;
}

inline const QString environmentColumns = u"tenant_id, id, name, kind, settings, created_at, version"_s;

inline Environment environmentFromRow(const Query& q)
{
    Environment e;
    e.tenantId = q.integer(0);
    e.id = q.integer(1);
    e.name = q.text(2);
    e.kind = environmentKindFromKey(q.text(3)).value_or(EnvironmentKind::Development);
    e.settings = jsonObject(q.value(4));
    e.createdAt = SqlTime::parse(q.text(5));
    e.version = q.integer(6);
    return e;
}

inline const QString userColumns = u"u.id, u.email, u.display_name, u.status, u.created_at, u.last_sign_in_at, u.version"_s;

inline User userFromRow(const Query& q)
{
    User u;
    u.id = q.integer(0);
    u.email = q.text(1);
    u.displayName = q.text(2);
    u.status = userStatusFromKey(q.text(3)).value_or(UserStatus::Invited);
    u.createdAt = SqlTime::parse(q.text(4));
    u.lastSignInAt = SqlTime::parse(q.text(5));
    u.version = q.integer(6);
    return u;
}

// Keyset pagination: a cursor names the sort value and id of the last row of the previous page.
inline QString encodeCursor(const QString& sortValue, qint64 id)
{
    const QByteArray json = QJsonDocument(QJsonArray{sortValue, QString::number(id)}).toJson(QJsonDocument::Compact);
    return QString::fromLatin1(json.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

inline std::pair<QString, qint64> decodeCursor(const QString& cursor)
{
    const auto decoded = QByteArray::fromBase64Encoding(cursor.toLatin1(),
        QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    const QJsonArray array = decoded ? QJsonDocument::fromJson(*decoded).array() : QJsonArray{};
    bool ok = false;
    const qint64 id = array.size() == 2 ? array.at(1).toString().toLongLong(&ok) : 0;
    if (!ok || !array.at(0).isString())
        throw StoreError(ErrorCode::Invalid, tr("The page cursor “%1” is not valid; start again from the first page.").arg(cursor)).withField(u"cursor"_s);
    return {array.at(0).toString(), id};
}

inline QString likePattern(const QString& text)
{
    QString escaped = text;
    escaped.replace(u'\\', u"\\\\"_s).replace(u'%', u"\\%"_s).replace(u'_', u"\\_"_s);
    return u'%' + escaped + u'%';
}

// SQLite's LIKE ignores the case of ASCII letters; PostgreSQL's ILIKE does the same on text
// compared byte by byte (COLLATE "C", as every TenantDesk text column is there).
inline QString likeOperator(const QSqlDatabase& db)
{
    return isPostgres(db) ? u"ILIKE"_s : u"LIKE"_s;
}

inline int checkedLimit(int limit, int maximum)
{
    if (limit < 1 || limit > maximum)
        throw StoreError(ErrorCode::Invalid, tr("A page holds 1 to %1 items; %2 were asked for.").arg(maximum).arg(limit)).withField(u"limit"_s);
    return limit;
}

// The one tenant whose `column` holds `value`; NotFound with `notFound` otherwise.
inline Tenant fetchTenantBy(const QSqlDatabase& db, const QString& column, const QVariant& value, const QString& notFound)
{
    Query q(db, tr("Could not read a tenant"));
    q.prepare(u"SELECT "_s + tenantColumns + u" FROM tenants t WHERE t."_s + column + u" = ?"_s).bind(value).exec();
    if (!q.next())
        throw StoreError(ErrorCode::NotFound, notFound);
    return tenantFromRow(q);
}

inline Tenant fetchTenant(const QSqlDatabase& db, TenantId id)
{
    return fetchTenantBy(db, u"id"_s, id, tr("There is no tenant with id %1; it may have been deleted.").arg(id));
}

// Throws NotFound unless tenant `id` exists (and, on PostgreSQL, lies in the session's scope):
// asking for what belongs to a tenant that is not there is an error, not an empty answer.
inline void requireTenant(const QSqlDatabase& db, TenantId id)
{
    Query q(db, tr("Could not read a tenant"));
    q.prepare(u"SELECT 1 FROM tenants WHERE id = ?"_s).bind(id).exec();
    if (!q.next())
        throw StoreError(ErrorCode::NotFound, tr("There is no tenant with id %1; it may have been deleted.").arg(id));
}

inline QList<Tenant> fetchTenants(const QSqlDatabase& db, const QList<TenantId>& ids)
{
    QList<Tenant> tenants;
    constexpr qsizetype chunk = 500;
    for (qsizetype start = 0; start < ids.size(); start += chunk) {
        const QList<TenantId> part = ids.mid(start, chunk);
        QStringList placeholders(part.size(), u"?"_s);
        Query q(db, tr("Could not read tenants"));
        q.prepare(u"SELECT "_s + tenantColumns + u" FROM tenants t WHERE t.id IN ("_s + placeholders.join(u',') + u')');
        for (TenantId id : part)
            q.bind(id);
        q.exec();
        while (q.next())
            tenants.append(tenantFromRow(q));
    }
    return tenants;
}

inline QList<Environment> fetchEnvironments(const QSqlDatabase& db, TenantId tenantId)
{
    Query q(db, tr("Could not read the environments of a tenant"));
    q.prepare(u"SELECT "_s + environmentColumns + u" FROM environments WHERE tenant_id = ? "
              "ORDER BY CASE kind WHEN 'production' THEN 0 WHEN 'staging' THEN 1 WHEN 'development' THEN 2 ELSE 3 END, name"_s)
        .bind(tenantId).exec();
    QList<Environment> environments;
    while (q.next())
        environments.append(environmentFromRow(q));
    return environments;
}


// A page of items ordered by (text, id), read one row past the limit to know if there is more.
template<typename T, typename RowFn, typename KeyFn>
inline Page<T> readPage(Query& q, int limit, RowFn fromRow, KeyFn sortKey)
{
    Page<T> page;
    while (q.next()) {
        if (page.items.size() == limit) {
            const auto [sortValue, id] = sortKey(page.items.constLast());
            page.nextCursor = encodeCursor(sortValue, id);
            break;
        }
        page.items.append(fromRow(q));
    }
    return page;
}

// A membership with its user's, role's and environment's names.
inline const QString membershipSelect = u"SELECT m.tenant_id, m.user_id, m.environment_id, m.role_id, u.email, u.display_name, "
    "r.name, coalesce(e.name, '') FROM memberships m JOIN users u ON u.id = m.user_id JOIN roles r ON r.id = m.role_id "
    "LEFT JOIN environments e ON e.tenant_id = m.tenant_id AND e.id = m.environment_id"_s;

inline MembershipEntry membershipFromRow(const Query& q)
{
    return MembershipEntry{q.integer(0), q.integer(1), q.integer(2), q.integer(3), q.text(4), q.text(5), q.text(6), q.text(7)};
}

inline const QString auditColumns = u"id, tenant_id, at, actor, action, object_type, object_id, before_json, after_json, "
                              "previous_hash, hash"_s;

inline AuditEvent auditFromRow(const Query& q)
{
    AuditEvent e;
    e.id = q.integer(0);
    e.tenantId = q.integer(1);
    e.at = SqlTime::parse(q.text(2));
    e.actor = q.text(3);
    e.action = q.text(4);
    e.objectType = q.text(5);
    e.objectId = q.text(6);
    e.before = jsonObject(q.value(7));
    e.after = jsonObject(q.value(8));
    e.previousHash = q.text(9).toLatin1();
    e.hash = q.text(10).toLatin1();
    return e;
}

// Shared by the sources that change data (SqlTenantAdmin.cpp, SqlUserAdmin.cpp).

inline void checkVersion(const QString& name, qint64 current, qint64 expected)
{
    if (current != expected)
        throw StoreError(ErrorCode::Conflict,
                         tr("“%1” was changed by someone else (version %2; this edit was made on version %3). "
                            "Review their change, then edit again.").arg(name).arg(current).arg(expected));
}

inline QString jsonText(const QJsonObject& object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

// A new id for `table`. PostgreSQL's identity sequence never hands one out twice; on SQLite (where
// the write lock is held) one past the largest ever used: for tenants also past every id the audit
// trail names, so that a new tenant never continues a deleted one's hash chain.
inline qint64 nextId(const QSqlDatabase& db, const QString& table)
{
    Query q(db, tr("Could not number a new row"));
    if (isPostgres(db))
        return q.prepare(u"SELECT nextval(pg_get_serial_sequence('"_s + table + u"', 'id'))"_s).scalar().toLongLong();
    if (table == u"tenants"_s)
        return q.prepare(u"SELECT max(m) FROM (SELECT coalesce(max(id), 0) AS m FROM tenants "
                         "UNION ALL SELECT coalesce(max(tenant_id), 0) FROM audit_events) AS ids"_s).scalar(0).toLongLong() + 1;
    return q.prepare(u"SELECT coalesce(max(id), 0) FROM "_s + table).scalar(0).toLongLong() + 1;
}

} // namespace TenantDesk::SqlDetail
