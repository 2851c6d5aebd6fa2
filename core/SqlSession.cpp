#include "SqlSession.h"

#include "SqlDetail.h"

#include "Logging.h"
#include "SqlSchema.h"
#include "SqlTime.h"
#include "Decimal.h"
#include "StoreError.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMutex>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTimeZone>
#include <QJsonDocument>
#include <QSet>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QUrlQuery>
#include <QUuid>

#include <sqlite3.h>

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <tuple>
#include <utility>

namespace TenantDesk {

using namespace Qt::StringLiterals;

using namespace SqlDetail;

namespace {
constexpr char testDiskFreeVariable[] = "TENANTDESK_TEST_DISK_FREE_KB";
std::atomic<bool> testDiskLimitUsed{false}; // set once the variable was seen: unset later, the limit goes
} // namespace

SqlSession::SqlSession(QSqlDatabase db, TenantScope scope)
    : m_db(std::move(db))
    , m_scope(std::move(scope))
    , m_postgres(isPostgres(m_db))
{
}

void SqlSession::begin() const
{
    const QString doing = tr("Could not start a transaction");
    if (m_inTransaction)
        throw StoreError(ErrorCode::Internal, tr("%1: one is already running on this connection.").arg(doing));
    if (m_postgres) {
        // A connection the PostgreSQL server dropped (it restarted, or an administrator ended the
        // session) fails at its next statement, which is this BEGIN after an idle spell. Nothing of
        // the transaction has run yet, so it is opened again once and the transaction starts on the
        // new connection. A connection lost later is not retried here: in the middle of a
        // transaction nothing was saved, but the caller may have done more than SQL meanwhile; at
        // COMMIT the changes may or may not have been saved. That error (Unavailable) goes to the
        // caller, and the next transaction on this connection opens it again.
        QSqlDatabase db = m_db; // a handle on the same connection
        if (!db.isOpen())
            reopen(doing);
        try {
            beginPostgres(doing);
        } catch (const StoreError& error) {
            // Whatever BEGIN reports (libpq's words for a lost connection vary with the way it
            // was lost and with the locale), the connection is tried once more, fresh.
            qCInfo(lcStore) << "Opening the connection to" << shownDatabase(db) << "again:" << error.detail();
            reopen(doing);
            beginPostgres(doing);
        }
    } else {
        // The writers of one file in this process (tenantdesk-server's request threads) queue
        // here, each woken as soon as the one before it ends, rather than in SQLite's busy handler,
        // which polls with growing sleeps and under many writers lets one wait past its timeout
        // (an answer 503 under load). After writeQueueWait the transaction goes on to BEGIN
        // IMMEDIATE all the same, and SQLite's busy timeout decides.
        std::timed_mutex& queue = writeQueue(m_db.databaseName());
        if (queue.try_lock_for(writeQueueWait))
            m_writeLock = &queue;
        try {
            Query(m_db, doing).exec(u"BEGIN IMMEDIATE"_s);
        } catch (...) {
            releaseWriteLock();
            throw;
        }
        m_inTransaction = true;
        if (testDiskLimitUsed.load(std::memory_order_relaxed) || !qEnvironmentVariableIsEmpty(testDiskFreeVariable)) {
            try {
                applyTestDiskLimit();
            } catch (...) {
                rollback();
                throw;
            }
        }
    }
}

// Fault injection for tests: with TENANTDESK_TEST_DISK_FREE_KB=N in the environment, each write
// transaction on SQLite may grow the database by about N KiB only (PRAGMA max_page_count), after
// which SQLite answers SQLITE_FULL exactly as when the disk holding the database is full. A real
// full disk cannot be made without root. Once the variable is gone again, the next transaction
// has SQLite's own limit back: the room was freed. Never set outside tests; unset, it costs one
// look-up of the environment per write transaction.
void SqlSession::applyTestDiskLimit() const
{
    static std::atomic<qint64> defaultLimit{0}; // SQLite's max_page_count, the same on every connection
    const QString doing = tr("Could not start a transaction");
    Query q(m_db, doing);
    if (defaultLimit.load() == 0)
        defaultLimit = q.exec(u"PRAGMA max_page_count"_s).next() ? q.integer(0) : 0;
    testDiskLimitUsed = true;
    bool ok = false;
    const qint64 freeKb = qEnvironmentVariable(testDiskFreeVariable).toLongLong(&ok);
    qint64 limit = defaultLimit.load();
    if (ok && freeKb >= 0) {
        const qint64 pageSize = q.exec(u"PRAGMA page_size"_s).next() ? q.integer(0) : 4096;
        const qint64 pages = q.exec(u"PRAGMA page_count"_s).next() ? q.integer(0) : 0;
        limit = pages + std::max<qint64>(1, freeKb * 1024 / pageSize);
    }
    q.exec(u"PRAGMA max_page_count = %1"_s.arg(limit));
}

std::timed_mutex& SqlSession::writeQueue(const QString& file)
{
    static QMutex guard;
    static std::map<QString, std::unique_ptr<std::timed_mutex>> queues;
    const QMutexLocker locker(&guard);
    std::unique_ptr<std::timed_mutex>& queue = queues[file];
    if (!queue)
        queue = std::make_unique<std::timed_mutex>();
    return *queue;
}

void SqlSession::releaseWriteLock() const noexcept
{
    if (m_writeLock)
        std::exchange(m_writeLock, nullptr)->unlock();
}

void SqlSession::beginPostgres(const QString& doing) const
{
    QSqlDatabase db = m_db;
    if (!db.transaction())
        throwSqlError(db.lastError(), doing, db);
    m_inTransaction = true;
    try {
        // is_local = true: the scope ends with the transaction, whichever way it ends.
        Query(m_db, doing).prepare(u"SELECT set_config('app.tenant_ids', ?, true)"_s)
            .bind(m_scope.settingValue()).exec();
    } catch (...) {
        rollback();
        throw;
    }
}

void SqlSession::reopen(const QString& doing) const
{
    QSqlDatabase db = m_db;
    statementCaches.remove(db.driver()); // prepared on the old connection; gone with it
    db.close();
    if (!db.open())
        throwSqlError(db.lastError(), doing, db);
}

void SqlSession::commit() const
{
    if (!m_inTransaction)
        throw StoreError(ErrorCode::Internal, tr("Could not commit: no transaction is running on this connection."));
    QSqlDatabase db = m_db;
    if (!db.commit()) {
        const QSqlError error = db.lastError();
        rollback(); // SQLite keeps a transaction whose COMMIT failed; PostgreSQL has ended it already
        throwSqlError(error, tr("Could not save the changes"), m_db);
    }
    m_inTransaction = false;
    releaseWriteLock();
}

void SqlSession::rollback() const noexcept
{
    if (!m_inTransaction)
        return;
    m_inTransaction = false;
    QSqlDatabase db = m_db;
    if (!m_postgres) {
        // After some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM) SQLite has rolled the whole
        // transaction back itself: there is nothing left to roll back.
        const QVariant handle = db.driver()->handle();
        if (qstrcmp(handle.typeName(), "sqlite3*") == 0) {
            sqlite3* connection = *static_cast<sqlite3* const*>(handle.constData());
            if (connection && sqlite3_get_autocommit(connection)) {
                releaseWriteLock();
                return;
            }
        }
    }
    if (!db.rollback())
        qCWarning(lcStore) << "Rollback failed on" << shownDatabase(db) << ":" << db.lastError().text();
    releaseWriteLock();
}

void SqlSession::throwError(const QSqlError& error, const QString& doing, const QSqlDatabase& db)
{
    throwSqlError(error, doing, db);
}

bool SqlSession::prepareForManyThreads()
{
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
}

void SqlSession::close(const QString& connectionName)
{
    if (QSqlDatabase::contains(connectionName)) {
        QSqlDatabase db = QSqlDatabase::database(connectionName, false);
        statementCaches.remove(db.driver()); // while the connection can still free them
        db.close();
        db = QSqlDatabase();
        dropConnection(connectionName);
    }
}

namespace {

QSqlDatabase addSqliteConnection(const QString& path, const QString& connectionName)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, connectionName);
    db.setDatabaseName(path);
    db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=2000"_s);
    return db;
}

// Durability: in WAL mode with synchronous = NORMAL a transaction's commit is written to the WAL
// file (into the operating system's cache) before COMMIT returns, so a process that is killed, even
// in the middle of a write, loses no transaction that it committed: the next open replays the
// committed frames of the WAL and ignores a torn, uncommitted tail. That is what tenantdesk-server
// promises for every change it answers with 2xx (tests/api/test_durability.py kills it mid-request).
// Only a power loss or an operating-system crash can take the last commits since a checkpoint;
// guarding against that too needs synchronous = FULL, an fsync of the WAL at every commit, which
// TenantDesk does not pay for a desktop database (PostgreSQL, with its default synchronous_commit,
// is the choice for a server that must survive its machine).
void setSqlitePragmas(const QSqlDatabase& db, const QString& doing)
{
    Query q(db, doing);
    q.exec(u"PRAGMA journal_mode = WAL"_s);
    q.exec(u"PRAGMA foreign_keys = ON"_s);
    q.exec(u"PRAGMA synchronous = NORMAL"_s);
}

// A connection to the PostgreSQL server, user and database of `location` (not yet opened). Query
// items of the URL that are libpq connection parameters (sslmode=require, connect_timeout=5, ...)
// are passed on.
QSqlDatabase addPostgresConnection(const DatabaseLocation& location, const QString& connectionName)
{
    if (!QSqlDatabase::isDriverAvailable(u"QPSQL"_s))
        throw StoreError(ErrorCode::Unsupported,
                         tr("Could not open “%1”: Qt's PostgreSQL driver (QPSQL) is not installed. "
                            "Install it (Debian: libqt6sql6-psql).").arg(location.shown()));
    QStringList options{u"connect_timeout=10"_s, u"application_name=TenantDesk"_s};
    static const QRegularExpression keyPattern(u"^[a-z_]+$"_s);
    static const QRegularExpression valuePattern(u"^[^\\s;'\\\\]*$"_s);
    for (const auto& [key, value] : QUrlQuery(location.url).queryItems(QUrl::FullyDecoded)) {
        if (!keyPattern.match(key).hasMatch() || !valuePattern.match(value).hasMatch())
            throw StoreError(ErrorCode::Invalid,
                             tr("“%1” has a connection parameter that TenantDesk cannot pass on: “%2”.")
                                 .arg(location.shown(), key));
        options.removeIf([&name = key](const QString& option) { return option.startsWith(name + u'='); });
        options << key + u'=' + value;
    }
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, connectionName);
    db.setHostName(location.url.host());
    if (location.url.port() > 0)
        db.setPort(location.url.port());
    db.setDatabaseName(location.url.path(QUrl::FullyDecoded).mid(1));
    db.setUserName(location.url.userName(QUrl::FullyDecoded));
    db.setPassword(location.url.password(QUrl::FullyDecoded));
    db.setConnectOptions(options.join(u';'));
    return db;
}

// The name the advisory lock that serialises TenantDesk's migrations of one database goes by.
constexpr qint64 migrationLock = SqlSchema::sqliteApplicationId;
// What schema_migrations' comment says in every TenantDesk PostgreSQL database (migration 1 sets it):
// many frameworks have a schema_migrations table; theirs does not say this.
const QString postgresMarker = u"TenantDesk schema history"_s;

// Gives the application role tenantdesk_app, when the cluster has it, the rights tenantdesk-server
// needs: reading and writing rows (row-level security decides which), not changing the schema, and
// only appending to the audit trail, which is append-only and hash-chained: a server (or whoever
// holds its password) can neither rewrite nor remove an event. Run as the role that owns the
// tables, inside the migration that brings row-level security (migration 2, PostgreSQL only).
void grantApplicationRole(const QSqlDatabase& db, const QString& doing, const QString& server)
{
    Query q(db, doing);
    q.exec(u"SELECT rolsuper, rolbypassrls, rolname = current_user FROM pg_catalog.pg_roles "
           "WHERE rolname = 'tenantdesk_app'"_s);
    if (!q.next()) {
        qCInfo(lcStore) << "There is no role tenantdesk_app on" << server
                        << "; tenantdesk-server's rights are to be granted by hand (docs/POSTGRESQL.md)";
        return;
    }
    if (q.value(2).toBool())
        throw StoreError(ErrorCode::Forbidden,
                         tr("%1: the schema is to be created by the role that owns TenantDesk's tables, not by "
                            "tenantdesk_app, the role tenantdesk-server connects as. Connect as the owner role "
                            "(see docs/POSTGRESQL.md).").arg(doing));
    if (q.value(0).toBool() || q.value(1).toBool())
        throw StoreError(ErrorCode::Forbidden,
                         tr("%1: the role tenantdesk_app on “%2” is a superuser or may bypass row-level security, "
                            "so tenants would not be kept apart. Run ALTER ROLE tenantdesk_app NOSUPERUSER "
                            "NOBYPASSRLS, then open the database again.").arg(doing, server));
    const QString schema = q.exec(u"SELECT quote_ident(current_schema())"_s).next() ? q.text(0) : QString();
    const QStringList grants{
        u"GRANT USAGE ON SCHEMA {schema} TO tenantdesk_app"_s,
        u"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO tenantdesk_app"_s,
        u"REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM tenantdesk_app"_s,
        u"REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM tenantdesk_app"_s,
        u"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO tenantdesk_app"_s,
        u"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO tenantdesk_app"_s,
        u"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE ON SEQUENCES TO tenantdesk_app"_s,
    };
    for (const QString& grant : grants) {
        QSqlQuery raw(db);
        if (!raw.exec(QString(grant).replace(u"{schema}"_s, schema)))
            throw StoreError(ErrorCode::Forbidden,
                             tr("%1: could not give the role tenantdesk_app its rights on the tables of “%2”. "
                                "Connect as the role that owns them (see docs/POSTGRESQL.md).").arg(doing, server),
                             raw.lastError().text());
    }
}

StoreInfo openPostgres(const DatabaseLocation& location, OpenMode mode, const QString& connectionName)
{
    const QString server = location.shown();
    const QString doing = tr("Could not open “%1”").arg(server);
    QSqlDatabase db = addPostgresConnection(location, connectionName);
    QString engineVersion;
    bool fresh = false;
    try {
        if (!db.open())
            throwSqlError(db.lastError(), doing, db);

        // Read-only checks first: nothing is written to a database that is not ours.
        Query q(db, doing);
        q.exec(u"SELECT current_setting('server_version_num')::int, current_setting('server_version'), "
               "current_schema()"_s);
        q.next();
        const int versionNumber = q.value(0).toInt();
        engineVersion = u"PostgreSQL "_s + q.text(1).section(u' ', 0, 0);
        if (versionNumber < 120000)
            throw StoreError(ErrorCode::Unsupported,
                             tr("“%1” runs %2; TenantDesk needs PostgreSQL 12 or newer.").arg(server, engineVersion));
        if (q.value(2).isNull())
            throw StoreError(ErrorCode::Invalid,
                             tr("“%1” has no schema on the user's search_path to keep TenantDesk's tables in. "
                                "Create one, or set the search_path.").arg(server));
        QStringList tables;
        q.exec(u"SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
               "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')"_s);
        while (q.next())
            tables << q.text(0);
        int version = 0;
        if (tables.isEmpty()) {
            if (mode == OpenMode::OpenExisting)
                throw StoreError(ErrorCode::Unsupported,
                                 tr("“%1” is an empty PostgreSQL database, not a TenantDesk database.").arg(server));
            fresh = true;
        } else {
            const bool ours = tables.contains(u"schema_migrations"_s) && tables.contains(u"platform"_s)
                && q.exec(u"SELECT obj_description(c.oid, 'pg_class') FROM pg_catalog.pg_class c "
                          "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                          "WHERE n.nspname = current_schema() AND c.relname = 'schema_migrations'"_s).next()
                && q.text(0) == postgresMarker;
            if (!ours)
                throw StoreError(ErrorCode::Unsupported,
                                 tr("“%1” is a PostgreSQL database of another application, not a TenantDesk database.")
                                     .arg(server));
            version = q.exec(u"SELECT coalesce(max(version), 0) FROM schema_migrations"_s).next() ? q.value(0).toInt() : 0;
            if (version > SqlSchema::latestVersion())
                throw StoreError(ErrorCode::Unsupported,
                                 tr("“%1” was written by a newer TenantDesk (schema version %2; this TenantDesk reads up to version %3). "
                                    "Update TenantDesk to open it.").arg(server).arg(version).arg(SqlSchema::latestVersion()));
        }

        if (version < SqlSchema::latestVersion()) {
            const QString migrating = tr("Could not bring “%1” up to date").arg(server);
            for (const Migration& migration : SqlSchema::migrations(SqlDialect::PostgreSQL)) {
                if (migration.version <= version)
                    continue;
                SqlSession session(db); // the platform scope: a migration may rewrite any tenant's rows
                const bool applied = session.transaction([&] {
                    Query step(db, migrating);
                    // Another TenantDesk may be migrating the same database: one at a time, and
                    // each looks again at what is done once it holds the lock.
                    step.prepare(u"SELECT pg_advisory_xact_lock(?)"_s).bind(migrationLock).exec();
                    const bool haveHistory = step.exec(u"SELECT to_regclass('schema_migrations') IS NOT NULL"_s).next()
                        && step.value(0).toBool();
                    if (haveHistory && step.exec(u"SELECT coalesce(max(version), 0) FROM schema_migrations"_s).next()
                        && step.value(0).toInt() >= migration.version)
                        return false;
                    if (!haveHistory) {
                        step.exec(u"CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
                                  "description TEXT NOT NULL, applied_at TEXT NOT NULL)"_s);
                        step.exec(u"COMMENT ON TABLE schema_migrations IS '"_s + postgresMarker + u'\'');
                    }
                    for (const QString& statement : migration.statements)
                        step.exec(statement);
                    if (migration.version == 1)
                        step.prepare(u"INSERT INTO platform (id, name, created_at) VALUES (1, ?, ?)"_s)
                            .bind(tr("Platform")).bind(SqlTime::now()).exec();
                    if (migration.version == 2)
                        grantApplicationRole(db, migrating, server);
                    step.prepare(u"INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)"_s)
                        .bind(migration.version).bind(migration.description).bind(SqlTime::now()).exec();
                    return true;
                });
                if (applied)
                    qCInfo(lcStore) << "Migrated" << server << "to schema version" << migration.version;
            }
        }
    } catch (...) {
        db = QSqlDatabase();
        dropConnection(connectionName);
        throw;
    }
    return StoreInfo{u"PostgreSQL"_s, server, engineVersion, SqlSchema::latestVersion(), fresh};
}

} // namespace

void SqlSession::connect(const DatabaseLocation& location, const QString& connectionName)
{
    const QString doing = tr("Could not open “%1”").arg(location.shown());
    QSqlDatabase db = location.isSqlite() ? addSqliteConnection(location.path, connectionName)
                                          : addPostgresConnection(location, connectionName);
    try {
        if (!db.open())
            throwSqlError(db.lastError(), doing, db);
        if (location.isSqlite())
            setSqlitePragmas(db, doing);
    } catch (...) {
        db = QSqlDatabase();
        dropConnection(connectionName);
        throw;
    }
}

StoreInfo SqlSession::open(const DatabaseLocation& location, OpenMode mode, const QString& connectionName)
{
    close(connectionName);
    if (!location.isSqlite())
        return openPostgres(location, mode, connectionName);
    const QString path = location.path;
    const QFileInfo file(path);
    const QString doing = tr("Could not open “%1”").arg(shown(path));
    bool fresh = false;
    if (!file.exists()) {
        if (mode == OpenMode::OpenExisting)
            throw StoreError(ErrorCode::NotFound, tr("The database file “%1” does not exist.").arg(shown(path)));
        if (!QDir().mkpath(file.absolutePath()))
            throw StoreError(ErrorCode::Unavailable, tr("Could not create the folder “%1” for the database.")
                                                         .arg(shown(file.absolutePath())));
        fresh = true;
    } else {
        if (file.isDir())
            throw StoreError(ErrorCode::Invalid, tr("“%1” is a folder, not a database file.").arg(shown(path)));
        QFile probe(path);
        if (!probe.open(QIODevice::ReadOnly))
            throw StoreError(ErrorCode::Forbidden, tr("The database file “%1” cannot be read.").arg(shown(path)),
                             probe.errorString());
        const QByteArray header = probe.read(16);
        if (header.isEmpty()) {
            if (mode == OpenMode::OpenExisting)
                throw StoreError(ErrorCode::Unsupported,
                                 tr("“%1” is an empty file, not a TenantDesk database.").arg(shown(path)));
            fresh = true;
        } else if (header != QByteArray("SQLite format 3\0", 16)) {
            throw StoreError(ErrorCode::Unsupported,
                             tr("“%1” is not a TenantDesk database: it is not an SQLite database file.").arg(shown(path)));
        }
    }

    QSqlDatabase db = addSqliteConnection(path, connectionName);
    try {
        if (!db.open())
            throwSqlError(db.lastError(), doing, db);

        // Read-only checks first: nothing is written to a file that is not ours.
        Query q(db, doing);
        const int applicationId = q.exec(u"PRAGMA application_id"_s).next() ? q.value(0).toInt() : 0;
        QStringList tables;
        q.exec(u"SELECT name FROM sqlite_master WHERE type = 'table'"_s);
        while (q.next())
            tables << q.text(0);
        int version = 0;
        if (!fresh) {
            // Every TenantDesk file carries our application id (migration 1 sets it); a file with
            // tables and another id, or none, belongs to someone else, even if it happens to have
            // a schema_migrations table as many frameworks' databases do.
            const bool ours = applicationId == SqlSchema::sqliteApplicationId;
            if (tables.isEmpty() && applicationId == 0) {
                if (mode == OpenMode::OpenExisting)
                    throw StoreError(ErrorCode::Unsupported,
                                     tr("“%1” is an empty SQLite database, not a TenantDesk database.").arg(shown(path)));
            } else if (!ours || !tables.contains(u"schema_migrations"_s)) {
                throw StoreError(ErrorCode::Unsupported,
                                 tr("“%1” is an SQLite database of another application, not a TenantDesk database.").arg(shown(path)));
            } else {
                version = q.exec(u"SELECT coalesce(max(version), 0) FROM schema_migrations"_s).next() ? q.value(0).toInt() : 0;
                if (version > SqlSchema::latestVersion())
                    throw StoreError(ErrorCode::Unsupported,
                                     tr("“%1” was written by a newer TenantDesk (schema version %2; this TenantDesk reads up to version %3). "
                                        "Update TenantDesk to open it.").arg(shown(path)).arg(version).arg(SqlSchema::latestVersion()));
            }
        }
        fresh = fresh || tables.isEmpty();

        setSqlitePragmas(db, doing);

        if (version < SqlSchema::latestVersion()) {
            const QString migrating = tr("Could not bring “%1” up to date").arg(shown(path));
            q.exec(u"CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                   "description TEXT NOT NULL, applied_at TEXT NOT NULL)"_s);
            for (const Migration& migration : SqlSchema::migrations(SqlDialect::SQLite)) {
                if (migration.version <= version)
                    continue;
                if (!db.transaction())
                    throwSqlError(db.lastError(), migrating, db);
                try {
                    Query step(db, migrating);
                    for (const QString& statement : migration.statements)
                        step.exec(statement);
                    if (migration.version == 1) {
                        step.exec(u"PRAGMA application_id = %1"_s.arg(SqlSchema::sqliteApplicationId));
                        step.prepare(u"INSERT INTO platform (id, name, created_at) VALUES (1, ?, ?)"_s)
                            .bind(tr("Platform")).bind(SqlTime::now()).exec();
                    }
                    step.prepare(u"INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)"_s)
                        .bind(migration.version).bind(migration.description).bind(SqlTime::now()).exec();
                    if (!db.commit())
                        throwSqlError(db.lastError(), migrating, db);
                } catch (...) {
                    db.rollback();
                    throw;
                }
                qCInfo(lcStore) << "Migrated" << path << "to schema version" << migration.version;
            }
        }
    } catch (...) {
        db = QSqlDatabase();
        dropConnection(connectionName);
        throw;
    }
    return StoreInfo{u"SQLite"_s, path, u"SQLite "_s + QString::fromLatin1(sqlite3_libversion()),
                     SqlSchema::latestVersion(), fresh};
}

Platform SqlSession::platform() const
{
    return scoped([this] {
        Query q(m_db, tr("Could not read the platform"));
        q.exec(u"SELECT name, created_at FROM platform WHERE id = 1"_s);
        if (!q.next())
            return Platform{tr("Platform"), {}};
        return Platform{q.text(0), SqlTime::parse(q.text(1))};
    });
}

PlatformSummary SqlSession::platformSummary() const
{
    return scoped([this] {
        Query q(m_db, tr("Could not read the platform summary"));
        PlatformSummary summary;
        q.exec(u"SELECT name FROM platform WHERE id = 1"_s);
        summary.name = q.next() ? q.text(0) : tr("Platform");
        summary.tenantCount = q.prepare(u"SELECT count(*) FROM tenants"_s).scalar(0).toInt();
        summary.topLevelTenantCount = q.prepare(u"SELECT count(*) FROM tenants WHERE parent_id IS NULL"_s).scalar(0).toInt();
        summary.environmentCount = q.prepare(u"SELECT count(*) FROM environments"_s).scalar(0).toInt();
        summary.userCount = q.prepare(u"SELECT count(*) FROM users"_s).scalar(0).toInt();
        summary.roleCount = q.prepare(u"SELECT count(*) FROM roles"_s).scalar(0).toInt();
        summary.schemaVersion = q.prepare(u"SELECT max(version) FROM schema_migrations"_s).scalar(0).toInt();
        q.exec(u"SELECT status, count(*) FROM tenants GROUP BY status"_s);
        while (q.next()) {
            if (const auto status = tenantStatusFromKey(q.text(0)))
                summary.tenantsByStatus.append({*status, int(q.integer(1))});
        }
        std::sort(summary.tenantsByStatus.begin(), summary.tenantsByStatus.end());
        return summary;
    });
}

Page<Tenant> SqlSession::tenants(const TenantQuery& query) const
{
    const int limit = checkedLimit(query.limit, maximumPageSize);
    QString column;
    switch (query.sort) {
    case TenantSort::DisplayName: column = u"t.display_name"_s; break;
    case TenantSort::Slug: column = u"t.slug"_s; break;
    case TenantSort::Status: column = u"t.status"_s; break;
    case TenantSort::CreatedAt: column = u"t.created_at"_s; break;
    }
    const bool ascending = query.order == Qt::AscendingOrder;
    QString sql = u"SELECT "_s + tenantColumns + u", "_s + column + u" FROM tenants t WHERE "_s
        + (query.parentId == 0 ? u"t.parent_id IS NULL"_s : u"t.parent_id = ?"_s);
    std::optional<std::pair<QString, qint64>> after;
    if (!query.cursor.isEmpty()) {
        after = decodeCursor(query.cursor);
        sql += u" AND ("_s + column + u", t.id) "_s + (ascending ? u'>' : u'<') + u" (?, ?)"_s;
    }
    const QString direction = ascending ? u" ASC"_s : u" DESC"_s;
    sql += u" ORDER BY "_s + column + direction + u", t.id"_s + direction + u" LIMIT ?"_s;

    return scoped([&] {
        if (query.parentId != 0)
            requireTenant(m_db, query.parentId);
        Query q(m_db, tr("Could not read the tenants"));
        q.prepare(sql);
        if (query.parentId != 0)
            q.bind(query.parentId);
        if (after)
            q.bind(after->first).bind(after->second);
        q.bind(limit + 1).exec();
        Page<Tenant> page;
        QString lastSortValue;
        while (q.next()) {
            if (page.items.size() == limit) {
                page.nextCursor = encodeCursor(lastSortValue, page.items.constLast().id);
                break;
            }
            page.items.append(tenantFromRow(q));
            lastSortValue = q.text(23);
        }
        return page;
    });
}

bool SqlSession::hasTenants() const
{
    return scoped([this] {
        Query q(m_db, tr("Could not check the database"));
        return q.prepare(u"SELECT EXISTS (SELECT 1 FROM tenants)"_s).scalar(false).toBool();
    });
}

Tenant SqlSession::tenant(TenantId id) const
{
    return scoped([&] { return fetchTenant(m_db, id); });
}

Tenant SqlSession::tenantBySlug(const QString& slug) const
{
    return scoped([&] {
        return fetchTenantBy(m_db, u"slug"_s, slug, tr("There is no tenant with the slug “%1”.").arg(slug));
    });
}

TenantSummary SqlSession::tenantSummary(TenantId id) const
{
    return scoped([&] {
        TenantSummary summary;
        summary.tenant = fetchTenant(m_db, id);
        QList<Tenant> ancestors = fetchTenants(m_db, summary.tenant.ancestorIds);
        std::sort(ancestors.begin(), ancestors.end(), [](const Tenant& a, const Tenant& b) { return a.depth() < b.depth(); });
        summary.ancestors = ancestors;
        summary.environments = fetchEnvironments(m_db, id);
        Query q(m_db, tr("Could not count the members of a tenant"));
        summary.memberCount = q.prepare(u"SELECT count(DISTINCT user_id) FROM memberships WHERE tenant_id = ?"_s)
                                  .bind(id).scalar(0).toInt();
        return summary;
    });
}

TenantSearchResult SqlSession::searchTenants(const QString& rawText, int limit) const
{
    const QString text = rawText.trimmed();
    checkedLimit(limit, maximumPageSize);
    TenantSearchResult result;
    if (text.isEmpty())
        return result;
    const QString like = likeOperator(m_db);
    // The page of matches is chosen within the session's scope on both backends (PostgreSQL's
    // row-level security keeps to it anyway): a tenant admin finds their own tenants however many
    // others match, and `truncated` says nothing of tenants outside the scope.
    QString inScope;
    if (!m_scope.isAllTenants()) {
        QStringList subtrees;
        for (TenantId root : m_scope.rootIds())
            subtrees << u"path LIKE '%/"_s + QString::number(root) + u"/%'"_s;
        inScope = u" AND ("_s + (subtrees.isEmpty() ? u"1 = 0"_s : subtrees.join(u" OR "_s)) + u')';
    }
    return scoped([&] {
        Query q(m_db, tr("Could not search the tenants"));
        // The matches are chosen first, so that the counts are computed for the page only.
        q.prepare(u"SELECT "_s + tenantColumns + u" FROM tenants t WHERE t.id IN ("
                  "SELECT id FROM tenants WHERE (display_name "_s + like + u" ? ESCAPE '\\' OR slug "_s + like
                  + u" ? ESCAPE '\\')"_s + inScope + u" ORDER BY depth, display_name, id LIMIT ?) "
                  "ORDER BY t.depth, t.display_name, t.id"_s)
            .bind(likePattern(text)).bind(likePattern(text)).bind(limit + 1).exec();
        QList<TenantId> ancestorIds;
        QSet<TenantId> seen;
        while (q.next()) {
            if (result.matches.size() == limit) {
                result.truncated = true;
                break;
            }
            Tenant match = tenantFromRow(q);
            seen.insert(match.id);
            result.matches.append(std::move(match));
        }
        for (const Tenant& match : std::as_const(result.matches)) {
            for (TenantId id : match.ancestorIds) {
                if (!seen.contains(id)) {
                    seen.insert(id);
                    ancestorIds.append(id);
                }
            }
        }
        result.ancestors = fetchTenants(m_db, ancestorIds);
        return result;
    });
}

QList<Environment> SqlSession::environments(TenantId tenantId) const
{
    return scoped([&] {
        requireTenant(m_db, tenantId);
        return fetchEnvironments(m_db, tenantId);
    });
}

EnvironmentSummary SqlSession::environmentSummary(EnvironmentId id) const
{
    return scoped([&] {
        Query q(m_db, tr("Could not read an environment"));
        q.prepare(u"SELECT "_s + environmentColumns + u" FROM environments WHERE id = ?"_s).bind(id).exec();
        if (!q.next())
            throw StoreError(ErrorCode::NotFound, tr("There is no environment with id %1; it may have been deleted.").arg(id));
        EnvironmentSummary summary;
        summary.environment = environmentFromRow(q);
        summary.tenant = fetchTenant(m_db, summary.environment.tenantId);
        Query count(m_db, tr("Could not count the members of an environment"));
        summary.memberCount = count.prepare(u"SELECT count(DISTINCT user_id) FROM memberships WHERE tenant_id = ? AND environment_id = ?"_s)
                                  .bind(summary.environment.tenantId).bind(id).scalar(0).toInt();
        return summary;
    });
}

namespace {

// How many rows `sql` selects, counted up to `cap` only: cheap however many there are.
int cappedCount(const QSqlDatabase& db, const QString& sql, const QVariantList& values, int cap)
{
    Query q(db, tr("Could not read the users"));
    q.prepare(u"SELECT count(*) FROM ("_s + sql + u" LIMIT ?) capped"_s);
    for (const QVariant& value : values)
        q.bind(value);
    return q.bind(cap).scalar(0).toInt();
}

// The FTS5 query that finds, through the users_search trigram index, every row containing `text`
// (and some that only contain each of its trigrams: the LIKE that follows it decides); empty for
// a text of fewer than three characters, which a trigram index cannot narrow.
QString trigramQuery(const QString& text)
{
    const QList<uint> characters = text.toUcs4();
    QStringList trigrams;
    for (qsizetype i = 0; i + 3 <= characters.size(); ++i) {
        QString trigram = QString::fromUcs4(reinterpret_cast<const char32_t*>(characters.constData() + i), 3);
        trigram = u'"' + trigram.replace(u'"', u"\"\""_s) + u'"';
        if (!trigrams.contains(trigram))
            trigrams << trigram;
    }
    return trigrams.join(u" AND "_s);
}

} // namespace

Page<User> SqlSession::users(const UserQuery& query) const
{
    const int limit = checkedLimit(query.limit, maximumPageSize);
    const QString like = likeOperator(m_db);
    QString column;
    switch (query.sort) {
    case UserSort::DisplayName: column = u"u.display_name"_s; break;
    case UserSort::Email: column = u"u.email"_s; break;
    case UserSort::Status: column = u"u.status"_s; break;
    case UserSort::LastSignIn: column = u"coalesce(u.last_sign_in_at, '')"_s; break;
    case UserSort::CreatedAt: column = u"u.created_at"_s; break;
    }
    const bool ascending = query.order == Qt::AscendingOrder;
    const QString direction = ascending ? u" ASC"_s : u" DESC"_s;
    const QString orderBy = u" ORDER BY "_s + column + direction + u", u.id"_s + direction;
    const QString selectUsers = u"SELECT "_s + userColumns + u", "_s + column + u" FROM users u"_s;

    // The members of the tenant, environment or role asked for: as a set of user ids (`members`),
    // and as a test of one user (`memberTest`). Platform roles are held without a membership.
    QString members, memberTest;
    QVariantList memberValues;
    if (query.tenantId != 0 || query.environmentId != 0 || query.roleId != 0) {
        QStringList conditions;
        if (query.tenantId != 0) {
            conditions << u"m.tenant_id = ?"_s;
            memberValues << query.tenantId;
        }
        if (query.environmentId != 0) {
            conditions << u"m.environment_id = ?"_s;
            memberValues << query.environmentId;
        }
        if (query.roleId != 0) {
            conditions << u"m.role_id = ?"_s;
            memberValues << query.roleId;
        }
        members = u"SELECT m.user_id FROM memberships m WHERE "_s + conditions.join(u" AND "_s);
        memberTest = u"EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND "_s + conditions.join(u" AND "_s) + u')';
        if (query.roleId != 0 && query.tenantId == 0 && query.environmentId == 0) {
            members += u" UNION SELECT p.user_id FROM platform_principals p WHERE p.role_id = ?"_s;
            memberTest = u"("_s + memberTest + u" OR EXISTS (SELECT 1 FROM platform_principals p WHERE p.user_id = u.id "
                                                 "AND p.role_id = ?))"_s;
            memberValues << query.roleId;
        }
    }
    // The conditions on the user's own row: status and the page's place (the cursor), and the text.
    QString own;
    QVariantList ownValues;
    if (query.status) {
        own += u" AND u.status = ?"_s;
        ownValues << userStatusKey(*query.status);
    }
    if (!query.cursor.isEmpty()) {
        const auto after = decodeCursor(query.cursor);
        own += u" AND ("_s + column + u", u.id) "_s + (ascending ? u'>' : u'<') + u" (?, ?)"_s;
        ownValues << after.first << after.second;
    }
    QString textTest;
    QVariantList textValues;
    if (!query.text.isEmpty()) {
        textTest = u" AND (u.display_name "_s + like + u" ? ESCAPE '\\' OR u.email "_s + like + u" ? ESCAPE '\\')"_s;
        textValues << likePattern(query.text) << likePattern(query.text);
    }

    return scoped([&] {
        if (query.tenantId != 0)
            requireTenant(m_db, query.tenantId);
        // One page as `sql` selects it; `complete` when it is a whole page (or the end is known).
        bool complete = false;
        const auto read = [&](const QString& sql, const QVariantList& values) {
            Query q(m_db, tr("Could not read the users"));
            q.prepare(sql + u" LIMIT ?"_s);
            for (const QVariant& value : values)
                q.bind(value);
            q.bind(limit + 1).exec();
            Page<User> page;
            QString lastSortValue;
            while (q.next()) {
                if (page.items.size() == limit) {
                    page.nextCursor = encodeCursor(lastSortValue, page.items.constLast().id);
                    break;
                }
                page.items.append(userFromRow(q));
                lastSortValue = q.text(7);
            }
            complete = !page.nextCursor.isEmpty();
            return page;
        };

        const QString trigrams = isPostgres(m_db) ? QString() : trigramQuery(query.text);
        if (isPostgres(m_db) || (members.isEmpty() && query.text.isEmpty())) {
            // PostgreSQL plans by its statistics; a page by status alone walks an index.
            QString sql = selectUsers + u" WHERE 1 = 1"_s;
            QVariantList values;
            if (!members.isEmpty()) {
                sql += u" AND u.id IN ("_s + members + u')';
                values += memberValues;
            }
            return read(sql + own + textTest + orderBy, values + ownValues + textValues);
        }

        // SQLite plans without statistics, so the plan is chosen here, by how many users match.
        // Few members or few users containing the text (found through the trigram index): the page
        // is read from those and sorted. Otherwise the users are walked in the order asked for until
        // a page has matched, a few thousand at most; when that is not enough (the matches lie far
        // apart, or a short text matches few), the whole table is read once, in file order.
        constexpr int few = 20'000;
        constexpr int walked = 5'000;
        const int memberCount = members.isEmpty() ? few : cappedCount(m_db, members, memberValues, few);
        const QString matching = u"SELECT rowid FROM users_search WHERE users_search MATCH ?"_s;
        const int matchCount = trigrams.isEmpty() ? few : cappedCount(m_db, matching, {trigrams}, few);
        if (std::min(memberCount, matchCount) < few) {
            const bool byMembers = memberCount <= matchCount;
            QString sql = selectUsers + u" WHERE u.id IN ("_s + (byMembers ? members : matching) + u')';
            QVariantList values = byMembers ? memberValues : QVariantList{trigrams};
            if (!byMembers && !members.isEmpty()) {
                sql += u" AND "_s + memberTest;
                values += memberValues;
            }
            return read(sql + own + textTest + orderBy, values + ownValues + textValues);
        }

        QString filters = textTest;
        QVariantList filterValues = textValues;
        if (!members.isEmpty()) {
            filters.prepend(u" AND "_s + memberTest);
            filterValues = memberValues + filterValues;
        }
        const QString walk = u"SELECT u.id FROM users u WHERE 1 = 1"_s + own + orderBy + u" LIMIT "_s + QString::number(walked);
        Page<User> page = read(selectUsers + u" WHERE u.id IN ("_s + walk + u')' + filters + orderBy, ownValues + filterValues);
        if (complete)
            return page;
        QString sql = selectUsers + u" NOT INDEXED WHERE 1 = 1"_s;
        QVariantList values;
        if (!members.isEmpty()) {
            sql += u" AND +u.id IN ("_s + members + u')';
            values += memberValues;
        }
        return read(sql + own + textTest + orderBy, values + ownValues + textValues);
    });
}

} // namespace TenantDesk

namespace TenantDesk {

Page<MembershipEntry> SqlSession::memberships(const MembershipQuery& query) const
{
    return scoped([&]() -> Page<MembershipEntry> {
        const int limit = checkedLimit(query.limit, maximumPageSize);
        requireTenant(m_db, query.tenantId);
        QString sql = membershipSelect + u" WHERE m.tenant_id = ?"_s;
        if (query.userId != 0)
            sql += u" AND m.user_id = ?"_s;
        std::optional<std::pair<QString, qint64>> after;
        if (!query.cursor.isEmpty()) {
            after = decodeCursor(query.cursor);
            // The cursor holds the last row's "environment/role" key and its user id.
            sql += u" AND (m.user_id, m.environment_id, m.role_id) > (?, ?, ?)"_s;
        }
        sql += u" ORDER BY m.user_id, m.environment_id, m.role_id LIMIT ?"_s;
        Query q(m_db, tr("Could not read the memberships"));
        q.prepare(sql).bind(query.tenantId);
        if (query.userId != 0)
            q.bind(query.userId);
        if (after) {
            const QStringList parts = after->first.split(u'/');
            bool environmentOk = false, roleOk = false;
            const qint64 environment = parts.value(0).toLongLong(&environmentOk);
            const qint64 role = parts.value(1).toLongLong(&roleOk);
            if (parts.size() != 2 || !environmentOk || !roleOk)
                throw StoreError(ErrorCode::Invalid, tr("The page cursor “%1” is not valid; start again from the first page.").arg(query.cursor)).withField(u"cursor"_s);
            q.bind(after->second).bind(environment).bind(role);
        }
        q.bind(limit + 1).exec();
        return readPage<MembershipEntry>(q, limit, membershipFromRow, [](const MembershipEntry& m) {
            return std::pair(QString(QString::number(m.environmentId) + u'/' + QString::number(m.roleId)), m.userId);
        });
    });
}

QList<Role> SqlSession::roles(TenantId tenantId) const
{
    return scoped([&]() -> QList<Role> {
        QList<TenantId> owners;
        if (tenantId != 0) {
            const Tenant owner = fetchTenant(m_db, tenantId);
            owners = owner.ancestorIds;
            owners.append(tenantId);
        }
        QString sql = u"SELECT id, coalesce(tenant_id, 0), name, description, scope, built_in, version FROM roles WHERE tenant_id IS NULL"_s;
        if (!owners.isEmpty())
            sql += u" OR tenant_id IN ("_s + QStringList(owners.size(), u"?"_s).join(u',') + u')';
        sql += u" ORDER BY built_in DESC, name, id"_s;
        Query q(m_db, tr("Could not read the roles"));
        q.prepare(sql);
        for (TenantId owner : std::as_const(owners))
            q.bind(owner);
        q.exec();
        QList<Role> roles;
        QHash<RoleId, qsizetype> index;
        while (q.next()) {
            Role role;
            role.id = q.integer(0);
            role.tenantId = q.integer(1);
            role.name = q.text(2);
            role.description = q.text(3);
            role.scope = roleScopeFromKey(q.text(4)).value_or(RoleScope::Tenant);
            role.builtIn = q.integer(5) != 0;
            role.version = q.integer(6);
            index.insert(role.id, roles.size());
            roles.append(role);
        }
        if (roles.isEmpty())
            return roles;
        const QString ids = QStringList(index.size(), u"?"_s).join(u',');
        Query permissions(m_db, tr("Could not read the permissions of the roles"));
        permissions.prepare(u"SELECT role_id, permission FROM role_permissions WHERE role_id IN ("_s + ids + u") ORDER BY permission"_s);
        for (const Role& role : std::as_const(roles))
            permissions.bind(role.id);
        permissions.exec();
        while (permissions.next())
            roles[index.value(permissions.integer(0))].permissions.append(permissions.text(1));
        Query composites(m_db, tr("Could not read the composite roles"));
        composites.prepare(u"SELECT role_id, included_role_id FROM role_composites WHERE role_id IN ("_s + ids
                           + u") ORDER BY included_role_id"_s);
        for (const Role& role : std::as_const(roles))
            composites.bind(role.id);
        composites.exec();
        while (composites.next())
            roles[index.value(composites.integer(0))].includedRoleIds.append(composites.integer(1));
        return roles;
    });
}

AuditChainReport SqlSession::verifyAuditTrail() const
{
    QList<AuditEvent> events;
    AuditQuery query;
    query.limit = maximumPageSize;
    do {
        Page<AuditEvent> page = auditEvents(query);
        events.append(std::move(page.items));
        query.cursor = page.nextCursor;
    } while (!query.cursor.isEmpty());
    return verifyAuditChains(std::move(events));
}

Page<AuditEvent> SqlSession::auditEvents(const AuditQuery& query) const
{
    return scoped([&]() -> Page<AuditEvent> {
        const int limit = checkedLimit(query.limit, maximumPageSize);
        if (query.from.isValid() && query.to.isValid() && query.from >= query.to)
            throw StoreError(ErrorCode::Invalid, tr("from/to: a time range needs a start before its end.")).withField(u"from"_s);
        if (query.tenantId != 0)
            requireTenant(m_db, query.tenantId);
        QString sql = u"SELECT "_s + auditColumns + u" FROM audit_events WHERE 1 = 1"_s;
        QVariantList values;
        if (query.tenantId != 0) {
            sql += u" AND tenant_id = ?"_s;
            values << query.tenantId;
        }
        if (!query.actor.isEmpty()) {
            sql += u" AND actor = ?"_s;
            values << query.actor;
        }
        if (query.action.endsWith(u'.')) {
            sql += u" AND action >= ? AND action < ?"_s; // a prefix, as a range the index answers
            values << query.action << QString(query.action.chopped(1) + u'/');
        } else if (!query.action.isEmpty()) {
            sql += u" AND action = ?"_s;
            values << query.action;
        }
        if (query.from.isValid()) {
            sql += u" AND at >= ?"_s;
            values << SqlTime::formatPrecise(query.from);
        }
        if (query.to.isValid()) {
            sql += u" AND at < ?"_s;
            values << SqlTime::formatPrecise(query.to);
        }
        if (!query.text.isEmpty()) {
            const QString like = likeOperator(m_db);
            sql += u" AND (object_id "_s + like + u" ? ESCAPE '\\' OR actor "_s + like + u" ? ESCAPE '\\' OR CAST(before_json AS TEXT) "_s
                + like + u" ? ESCAPE '\\' OR CAST(after_json AS TEXT) "_s + like + u" ? ESCAPE '\\')"_s;
            const QString pattern = likePattern(query.text);
            values << pattern << pattern << pattern << pattern;
        }
        if (!query.cursor.isEmpty()) {
            sql += u" AND id < ?"_s;
            values << decodeCursor(query.cursor).second;
        }
        sql += u" ORDER BY id DESC LIMIT ?"_s;
        values << limit + 1;
        Query q(m_db, tr("Could not read the audit trail"));
        q.prepare(sql);
        for (const QVariant& value : std::as_const(values))
            q.bind(value);
        q.exec();
        return readPage<AuditEvent>(q, limit, auditFromRow, [](const AuditEvent& e) { return std::pair(QString(), e.id); });
    });
}

QList<UsageSample> SqlSession::usage(const UsageQuery& query) const
{
    return scoped([&]() -> QList<UsageSample> {
        if (!query.from.isValid() || !query.to.isValid() || query.from >= query.to)
            throw StoreError(ErrorCode::Invalid, tr("from/to: a usage range needs a start before its end.")).withField(u"from"_s);
        if (query.from.secsTo(query.to) > 400LL * 24 * 3600)
            throw StoreError(ErrorCode::Invalid, tr("from/to: a usage range covers at most 400 days.")).withField(u"to"_s);
        requireTenant(m_db, query.tenantId);
        QString sql = u"SELECT tenant_id, environment_id, at, value FROM usage_samples "
                      "WHERE tenant_id = ? AND metric = ? AND at >= ? AND at < ?"_s;
        if (query.environmentId != 0)
            sql += u" AND environment_id = ?"_s;
        sql += u" ORDER BY at, environment_id"_s;
        Query q(m_db, tr("Could not read the usage"));
        q.prepare(sql).bind(query.tenantId).bind(usageMetricKey(query.metric))
            .bind(query.from.toSecsSinceEpoch()).bind(query.to.toSecsSinceEpoch());
        if (query.environmentId != 0)
            q.bind(query.environmentId);
        q.exec();
        QList<UsageSample> samples;
        while (q.next())
            samples.append(UsageSample{q.integer(0), q.integer(1), query.metric,
                                       QDateTime::fromSecsSinceEpoch(q.integer(2), QTimeZone::utc()), q.value(3).toDouble()});
        return samples;
    });
}

QList<BillingSummaryRow> SqlSession::billingSummary(const BillingQuery& query) const
{
    return scoped([&]() -> QList<BillingSummaryRow> {
        if (query.from.isValid() && query.to.isValid() && query.from >= query.to)
            throw StoreError(ErrorCode::Invalid, tr("from/to: a billing range needs a start before its end.")).withField(u"from"_s);
        if (query.tenantId != 0)
            requireTenant(m_db, query.tenantId);
        QString sql = u"SELECT coalesce(tenant_id, 0), substr(charge_period_start, 1, 7), service_name, billing_currency, "
                      "billed_cost, effective_cost FROM billing_lines WHERE 1 = 1"_s;
        if (query.tenantId != 0)
            sql += u" AND tenant_id = ?"_s;
        if (query.from.isValid())
            sql += u" AND charge_period_start >= ?"_s;
        if (query.to.isValid())
            sql += u" AND charge_period_start < ?"_s;
        Query q(m_db, tr("Could not read the billing lines"));
        q.prepare(sql);
        if (query.tenantId != 0)
            q.bind(query.tenantId);
        if (query.from.isValid())
            q.bind(SqlTime::format(query.from));
        if (query.to.isValid())
            q.bind(SqlTime::format(query.to));
        q.exec();
        // Costs are exact decimal text: they are summed here, exactly, not by the database as floats.
        struct Sums { DecimalSum billed, effective; int lines = 0; };
        std::map<std::tuple<TenantId, QString, QString, QString>, Sums> groups;
        while (q.next()) {
            Sums& sums = groups[{q.integer(0), q.text(1), q.text(2), q.text(3)}];
            if (!sums.billed.add(q.text(4)) || !sums.effective.add(q.text(5)))
                throw StoreError(ErrorCode::Corrupt, tr("A billing line holds a cost that is not a decimal number: “%1”.").arg(q.text(4)));
            ++sums.lines;
        }
        QList<BillingSummaryRow> rows;
        for (const auto& [key, sums] : groups)
            rows.append(BillingSummaryRow{std::get<0>(key), std::get<1>(key), std::get<2>(key), std::get<3>(key),
                                          sums.billed.text(), sums.effective.text(), sums.lines});
        return rows;
    });
}

void SqlSession::appendAudit(AuditEvent event) const
{
    Query last(m_db, tr("Could not write the audit event"));
    last.prepare(event.tenantId == 0 ? u"SELECT hash FROM audit_events WHERE tenant_id IS NULL ORDER BY id DESC LIMIT 1"_s
                                     : u"SELECT hash FROM audit_events WHERE tenant_id = ? ORDER BY id DESC LIMIT 1"_s);
    if (event.tenantId != 0)
        last.bind(event.tenantId);
    event.previousHash = last.scalar(QString()).toString().toLatin1();
    // Stored with milliseconds, so the hash is computed on the time as it will be read back.
    event.at = SqlTime::parse(SqlTime::formatPrecise(event.at));
    event.hash = event.computeHash();
    Query insert(m_db, tr("Could not write the audit event"));
    insert.prepare(u"INSERT INTO audit_events (tenant_id, at, actor, action, object_type, object_id, before_json, after_json, "
                   "previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s)
        .bind(event.tenantId == 0 ? QVariant(QMetaType::fromType<qint64>()) : QVariant(event.tenantId))
        .bind(SqlTime::formatPrecise(event.at)).bind(event.actor).bind(event.action).bind(event.objectType)
        .bind(event.objectId)
        .bind(QString::fromUtf8(QJsonDocument(event.before).toJson(QJsonDocument::Compact)))
        .bind(QString::fromUtf8(QJsonDocument(event.after).toJson(QJsonDocument::Compact)))
        .bind(event.previousHash.isEmpty() ? QStringLiteral("") : QString::fromLatin1(event.previousHash)) // a chain's start: '' not NULL
        .bind(QString::fromLatin1(event.hash)).exec();
}

} // namespace TenantDesk

namespace TenantDesk {

User SqlSession::userById(UserId id) const
{
    return scoped([&]() -> User {
        Query q(m_db, tr("Could not read a user"));
        q.prepare(u"SELECT "_s + userColumns + u" FROM users u WHERE u.id = ?"_s).bind(id).exec();
        if (!q.next())
            throw StoreError(ErrorCode::NotFound, tr("There is no user with id %1; they may have been deleted.").arg(id));
        return userFromRow(q);
    });
}

std::optional<SqlSession::Credential> SqlSession::credentialByEmail(const QString& email) const
{
    return scoped([&]() -> std::optional<Credential> {
        Query q(m_db, tr("Could not read the account"));
        q.prepare(u"SELECT "_s + userColumns + u", c.password_hash, c.must_change FROM users u "
                  "JOIN credentials c ON c.user_id = u.id WHERE lower(u.email) = lower(?)"_s).bind(email).exec();
        if (!q.next())
            return std::nullopt;
        return Credential{userFromRow(q), q.text(7), q.integer(8) != 0};
    });
}

void SqlSession::setCredential(UserId userId, const QString& passwordHash, bool mustChange) const
{
    scoped([&] {
        Query q(m_db, tr("Could not store the password"));
        q.prepare(u"DELETE FROM credentials WHERE user_id = ?"_s).bind(userId).exec();
        q.prepare(u"INSERT INTO credentials (user_id, password_hash, must_change, updated_at) VALUES (?, ?, ?, ?)"_s)
            .bind(userId).bind(passwordHash).bind(mustChange ? 1 : 0).bind(SqlTime::now()).exec();
    });
}

void SqlSession::recordSignIn(UserId userId) const
{
    scoped([&] {
        Query q(m_db, tr("Could not record the sign-in"));
        q.prepare(u"UPDATE users SET last_sign_in_at = ? WHERE id = ?"_s).bind(SqlTime::now()).bind(userId).exec();
    });
}

User SqlSession::ensureUser(const QString& email, const QString& displayName) const
{
    return scoped([&]() -> User {
        Query q(m_db, tr("Could not create the user"));
        q.prepare(u"SELECT "_s + userColumns + u" FROM users u WHERE lower(u.email) = lower(?)"_s).bind(email).exec();
        if (q.next())
            return userFromRow(q);
        q.prepare(u"INSERT INTO users (email, display_name, status, created_at) VALUES (?, ?, 'active', ?)"_s)
            .bind(email).bind(displayName).bind(SqlTime::now()).exec();
        q.prepare(u"SELECT "_s + userColumns + u" FROM users u WHERE email = ?"_s).bind(email).exec();
        if (!q.next())
            throw StoreError(ErrorCode::Internal, tr("The new user “%1” could not be read back.").arg(email));
        return userFromRow(q);
    });
}

void SqlSession::grantPlatformRole(UserId userId, const QString& roleName) const
{
    transaction([&] {
        ensureBuiltInRoles();
        Query q(m_db, tr("Could not grant the platform role"));
        const QVariant roleId = q.prepare(u"SELECT id FROM roles WHERE tenant_id IS NULL AND name = ?"_s).bind(roleName).scalar();
        if (!roleId.isValid())
            throw StoreError(ErrorCode::NotFound, tr("There is no built-in role “%1”.").arg(roleName));
        q.prepare(u"SELECT count(*) FROM platform_principals WHERE user_id = ? AND role_id = ?"_s).bind(userId).bind(roleId);
        if (q.scalar(0).toInt() == 0)
            q.prepare(u"INSERT INTO platform_principals (user_id, role_id) VALUES (?, ?)"_s).bind(userId).bind(roleId).exec();
    });
}

QList<Role> SqlSession::platformRolesOf(UserId userId) const
{
    return scoped([&]() -> QList<Role> {
        Query q(m_db, tr("Could not read the user's platform roles"));
        q.prepare(u"SELECT role_id FROM platform_principals WHERE user_id = ?"_s).bind(userId).exec();
        QSet<RoleId> held;
        while (q.next())
            held.insert(q.integer(0));
        QList<Role> result;
        if (held.isEmpty())
            return result;
        for (const Role& role : roles(0)) {
            if (held.contains(role.id))
                result.append(role);
        }
        return result;
    });
}

QList<MembershipEntry> SqlSession::membershipsOfUser(UserId userId) const
{
    return scoped([&]() -> QList<MembershipEntry> {
        Query q(m_db, tr("Could not read the user's memberships"));
        q.prepare(membershipSelect + u" WHERE m.user_id = ? ORDER BY m.tenant_id, m.environment_id, m.role_id"_s)
            .bind(userId).exec();
        QList<MembershipEntry> entries;
        while (q.next())
            entries.append(membershipFromRow(q));
        return entries;
    });
}

void SqlSession::insertRefreshToken(UserId userId, const QString& family, const QByteArray& tokenHash,
                                    const QDateTime& expiresAt) const
{
    scoped([&] {
        Query q(m_db, tr("Could not store the session"));
        q.prepare(u"INSERT INTO refresh_tokens (user_id, family, token_hash, issued_at, expires_at) VALUES (?, ?, ?, ?, ?)"_s)
            .bind(userId).bind(family).bind(QString::fromLatin1(tokenHash)).bind(SqlTime::now())
            .bind(SqlTime::format(expiresAt)).exec();
    });
}

std::optional<SqlSession::RefreshToken> SqlSession::refreshToken(const QByteArray& tokenHash) const
{
    return scoped([&]() -> std::optional<RefreshToken> {
        Query q(m_db, tr("Could not read the session"));
        q.prepare(u"SELECT id, user_id, family, expires_at, revoked_at FROM refresh_tokens WHERE token_hash = ?"_s)
            .bind(QString::fromLatin1(tokenHash)).exec();
        if (!q.next())
            return std::nullopt;
        return RefreshToken{q.integer(0), q.integer(1), q.text(2), SqlTime::parse(q.text(3)), !q.value(4).isNull()};
    });
}

bool SqlSession::revokeRefreshToken(qint64 id) const
{
    return scoped([&]() -> bool {
        Query q(m_db, tr("Could not end the session"));
        q.prepare(u"UPDATE refresh_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL"_s)
            .bind(SqlTime::now()).bind(id).exec();
        return q.raw().numRowsAffected() == 1;
    });
}

void SqlSession::revokeRefreshFamily(const QString& family) const
{
    scoped([&] {
        Query q(m_db, tr("Could not end the session"));
        q.prepare(u"UPDATE refresh_tokens SET revoked_at = ? WHERE family = ? AND revoked_at IS NULL"_s)
            .bind(SqlTime::now()).bind(family).exec();
    });
}

} // namespace TenantDesk
