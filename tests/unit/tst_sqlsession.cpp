// SqlSession's scope and transactions on SQLite (tests/postgres has the PostgreSQL side).
#include "Permission.h"
#include "Role.h"
#include "SqlSession.h"
#include "TestSupport.h"

#include <QScopeGuard>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

class TestSqlSession : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    static int userCount(const QSqlDatabase& db)
    {
        QSqlQuery query(db);
        if (!query.exec(u"SELECT count(*) FROM users"_s) || !query.next())
            qFatal("counting users failed");
        return query.value(0).toInt();
    }
    static void addUser(const QSqlDatabase& db, const QString& email)
    {
        QSqlQuery query(db);
        query.prepare(u"INSERT INTO users (email, display_name, status, created_at) VALUES (?, 'Ann', 'active', '2026-11-01T00:00:00Z')"_s);
        query.addBindValue(email);
        if (!query.exec())
            throw StoreError(ErrorCode::Conflict, u"could not add %1"_s.arg(email));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
    }

    void tenantScopeValues()
    {
        QCOMPARE(TenantScope::allTenants().settingValue(), u"*"_s);
        QVERIFY(TenantScope::allTenants().isAllTenants());
        QCOMPARE(TenantScope().settingValue(), QString());
        QVERIFY(TenantScope().isEmpty());
        const TenantScope some = TenantScope::subtrees({57, 12, 0, 57, -3});
        QCOMPARE(some.settingValue(), u"12,57"_s);
        QCOMPARE(some.rootIds(), (QList<TenantId>{12, 57}));
        QVERIFY(!some.isAllTenants());
        QVERIFY(some.covers(12));
        QVERIFY(some.covers(99, {57, 80}));
        QVERIFY(!some.covers(99, {1, 2}));
        QVERIFY(!TenantScope().covers(12));
        QVERIFY(TenantScope::allTenants().covers(12));
        QCOMPARE(some, TenantScope::subtrees({12, 57}));
    }

    void databaseLocationsAreRead()
    {
        DatabaseLocation location = DatabaseLocation::parse(u"/tmp/x/platform.tenantdesk"_s);
        QVERIFY(location.isSqlite());
        QCOMPARE(location.path, u"/tmp/x/platform.tenantdesk"_s);
        location = DatabaseLocation::parse(u"sqlite:relative.tenantdesk"_s);
        QVERIFY(location.isSqlite());
        QCOMPARE(location.path, u"relative.tenantdesk"_s);

        location = DatabaseLocation::parse(u"postgresql://ann:s3cret-pw@db.example.test:6543/tenantdesk?sslmode=require"_s);
        QCOMPARE(location.kind, DatabaseLocation::Kind::PostgreSQL);
        QCOMPARE(location.url.host(), u"db.example.test"_s);
        QCOMPARE(location.url.port(), 6543);
        QCOMPARE(location.url.password(), u"s3cret-pw"_s);
        QCOMPARE(location.shown(), u"postgresql://ann@db.example.test:6543/tenantdesk?sslmode=require"_s);
        QCOMPARE(DatabaseLocation::parse(u"postgres://ann@localhost/td"_s).kind, DatabaseLocation::Kind::PostgreSQL);
    }

    void badDatabaseLocationsAreNamedWithoutTheirPassword_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("shown");
        QTest::newRow("port not a number") << u"postgresql://ann:s3cret-pw@127.0.0.1:five/td"_s
                                           << u"postgresql://ann@127.0.0.1:five/td"_s;
        QTest::newRow("no host") << u"postgresql://ann:s3cret-pw@/td"_s << u"postgresql://ann@/td"_s;
        QTest::newRow("no database") << u"postgresql://ann:s3cret-pw@127.0.0.1:5432"_s
                                     << u"postgresql://ann@127.0.0.1:5432"_s;
        QTest::newRow("database with a folder") << u"postgresql://ann:s3cret-pw@127.0.0.1/a/b"_s
                                                << u"postgresql://ann@127.0.0.1/a/b"_s;
        QTest::newRow("no slashes") << u"postgresql:ann:s3cret-pw@127.0.0.1/td"_s << u"postgresql:ann@127.0.0.1/td"_s;
        QTest::newRow("@ in the password") << u"postgresql://ann:s3cret-pw@x@127.0.0.1:port/td"_s
                                           << u"postgresql://ann@127.0.0.1:port/td"_s;
        QTest::newRow("space in the host") << u"postgres://ann:s3cret-pw@bad host/td"_s << u"postgres://ann@bad host/td"_s;
        QTest::newRow("no file") << u"sqlite:"_s << QString();
    }

    void badDatabaseLocationsAreNamedWithoutTheirPassword()
    {
        QFETCH(QString, text);
        QFETCH(QString, shown);
        try {
            DatabaseLocation::parse(text);
            QFAIL("parse accepted a bad location");
        } catch (const StoreError& error) {
            QCOMPARE(error.code(), ErrorCode::Invalid);
            if (!shown.isEmpty())
                QVERIFY2(error.message().contains(u"“"_s + shown + u"”"_s), qPrintable(error.message()));
            QVERIFY2(!error.fullMessage().contains(u"s3cret"_s), qPrintable(error.fullMessage()));
        }
    }

    void theFirstAdminOfAnEmptyPlatformIsMadeAPlatformAdmin()
    {
        // A new, empty database (no demo): --bootstrap-admin must still find the built-in roles.
        const QString connection = u"empty-platform"_s;
        const auto close = qScopeGuard([&connection] { SqlSession::close(connection); });
        SqlSession::open(DatabaseLocation::sqlite(m_dir.filePath(u"empty.tenantdesk"_s)), OpenMode::CreateIfMissing, connection);
        const SqlSession session(QSqlDatabase::database(connection, false));
        QVERIFY(session.roles(0).isEmpty());
        const User admin = session.ensureUser(u"first-admin@example.test"_s, u"First Admin"_s);
        session.grantPlatformRole(admin.id, BuiltInRole::PlatformAdmin);
        const QList<Role> held = session.platformRolesOf(admin.id);
        QCOMPARE(held.size(), 1);
        QCOMPARE(held.constFirst().name, BuiltInRole::PlatformAdmin);
        QStringList all = Permission::all();
        all.sort();
        QCOMPARE(held.constFirst().permissions, all);
        QCOMPARE(session.roles(0).size(), BuiltInRole::definitions().size()); // each once
        session.grantPlatformRole(admin.id, BuiltInRole::PlatformAdmin);     // again: nothing added twice
        QCOMPARE(session.roles(0).size(), BuiltInRole::definitions().size());
    }

    void transactionsCommitOrRollBackOnSqlite()
    {
        const QString connection = u"session-test"_s;
        const auto close = qScopeGuard([&connection] { SqlSession::close(connection); });
        SqlSession::open(DatabaseLocation::sqlite(m_dir.filePath(u"session.tenantdesk"_s)), OpenMode::CreateIfMissing,
                         connection);
        const QSqlDatabase db = QSqlDatabase::database(connection, false);
        const SqlSession session(db, TenantScope::subtrees({1}));
        QVERIFY(!session.enforcesScope()); // SQLite: the server's policy guards the scope
        QCOMPARE(session.scope().settingValue(), u"1"_s);

        // A result comes back and the writes stay.
        bool inside = false;
        const int added = session.transaction([&] {
            addUser(db, u"ann@example.test"_s);
            inside = session.inTransaction();
            return session.platformSummary().userCount; // joins the running transaction
        });
        QVERIFY(inside);
        QCOMPARE(added, 1);
        QVERIFY(!session.inTransaction());
        QCOMPARE(userCount(db), 1);

        // A failure rolls every write back and comes out as it was thrown.
        try {
            session.transaction([&] {
                addUser(db, u"bob@example.test"_s);
                addUser(db, u"ann@example.test"_s); // taken
            });
            QFAIL("the transaction did not fail");
        } catch (const StoreError& error) {
            QCOMPARE(error.code(), ErrorCode::Conflict);
        }
        QVERIFY(!session.inTransaction());
        QCOMPARE(userCount(db), 1);

        // Outside a transaction, reads run as before.
        QCOMPARE(session.platformSummary().userCount, 1);
    }
};

QTEST_GUILESS_MAIN(TestSqlSession)
#include "tst_sqlsession.moc"
