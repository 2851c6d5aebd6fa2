// tenantctl on PostgreSQL: `--database postgresql://USER:PASSWORD@HOST:PORT/DATABASE` generates the
// demo into PostgreSQL as the owner role, every other command reads it (as the owner and as
// tenantdesk_app) exactly as it reads the small SQLite fixture, and no message shows a password.
#include "PostgresTestSupport.h"
#include "TestSupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

namespace {

struct Run {
    int exitCode = -1;
    QString out;
    QString err;
};

Run tenantctl(const QStringList& arguments,
              const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment())
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(TENANTCTL_PATH), arguments);
    if (!process.waitForFinished(600000))
        qFatal("tenantctl did not finish");
    return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError())};
}

} // namespace

class TestTenantctlPostgres : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_fixture;  // the small SQLite demo
    QString m_database; // the same demo, generated into PostgreSQL by tenantctl
    QList<Run> m_runs;  // every run, to check that none showed a password

    const PostgresCluster& cluster() const { return PostgresCluster::instance(); }

    Run run(const QStringList& arguments)
    {
        const Run result = tenantctl(arguments);
        m_runs.append(result);
        return result;
    }
    QString owner(const QString& database) const { return cluster().ownerUrl(database).toString(); }
    QString app(const QString& database) const { return cluster().appUrl(database).toString(); }
    // postgresql://USER@127.0.0.1:PORT/DATABASE, as messages name a database.
    static QString shown(const QUrl& url) { return url.toDisplayString(QUrl::RemovePassword); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_fixture = copyFixture(smallDemoFixture(), m_dir);
        m_database = cluster().createDatabase(u"tenantctl"_s);
    }

    void cleanupTestCase()
    {
        for (const Run& r : std::as_const(m_runs)) {
            for (const QString& secret : {cluster().ownerPassword(), cluster().appPassword()}) {
                QVERIFY2(!r.out.contains(secret), "tenantctl printed a password");
                QVERIFY2(!r.err.contains(secret), "tenantctl printed a password");
            }
        }
    }

    void demoGoesIntoPostgres()
    {
        // The small demo with two days of usage: what tenants list and show read is the fixture's.
        const Run demo = run({u"--database"_s, owner(m_database), u"demo"_s, u"--scale"_s, u"small"_s,
                              u"--usage-days"_s, u"2"_s});
        QVERIFY2(demo.exitCode == 0, qPrintable(demo.err));
        QVERIFY2(demo.out.contains(u"Generated 25 tenants"_s), qPrintable(demo.out));
        QVERIFY2(demo.err.isEmpty(), qPrintable(demo.err));

        const Run again = run({u"--database"_s, owner(m_database), u"demo"_s});
        QCOMPARE(again.exitCode, 1);
        QVERIFY2(again.err.contains(u"already holds tenants"_s), qPrintable(again.err));
    }

    void readsWhatTheFixtureHolds_data()
    {
        QTest::addColumn<bool>("asApp");
        QTest::newRow("as the owner") << false;
        QTest::newRow("as tenantdesk_app") << true;
    }

    void readsWhatTheFixtureHolds()
    {
        QFETCH(bool, asApp);
        const QString database = asApp ? app(m_database) : owner(m_database);
        QStringList differences;
        // Runs `command` on the fixture and on PostgreSQL; what PostgreSQL printed.
        const auto same = [&](const QStringList& command) {
            const Run sqlite = run(QStringList{u"--database"_s, m_fixture} + command);
            const Run postgres = run(QStringList{u"--database"_s, database} + command);
            if (sqlite.exitCode != 0 || postgres.exitCode != 0 || postgres.out != sqlite.out)
                differences << u"%1:\nSQLite (%2):\n%3%4\nPostgreSQL (%5):\n%6%7"_s.arg(command.join(u' '))
                                   .arg(sqlite.exitCode).arg(sqlite.out, sqlite.err)
                                   .arg(postgres.exitCode).arg(postgres.out, postgres.err);
            return postgres.out;
        };
        const QJsonArray top = QJsonDocument::fromJson(same({u"tenants"_s, u"list"_s, u"--json"_s}).toUtf8()).array();
        QVERIFY(top.size() > 1);
        same({u"tenants"_s, u"list"_s});
        QString parent;
        for (const QJsonValue& value : top) {
            if (value.toObject().value(u"sub_tenant_count"_s).toInt() > 0)
                parent = value.toObject().value(u"slug"_s).toString();
        }
        QVERIFY(!parent.isEmpty());
        const QJsonArray children = QJsonDocument::fromJson(
            same({u"tenants"_s, u"list"_s, u"--parent"_s, parent, u"--json"_s}).toUtf8()).array();
        QVERIFY(!children.isEmpty());
        const QString child = children.at(0).toObject().value(u"slug"_s).toString();
        same({u"tenants"_s, u"show"_s, child, u"--json"_s});
        const QString text = same({u"tenants"_s, u"show"_s, child});
        QVERIFY(text.contains(u"Parent:         "_s + parent));
        QVERIFY2(differences.isEmpty(), qPrintable(differences.join(u"\n\n"_s)));
        const Run missing = run({u"--database"_s, database, u"tenants"_s, u"show"_s, u"no-such-tenant"_s});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY2(missing.err.contains(u"no-such-tenant"_s), qPrintable(missing.err));
    }

    void failuresNameTheDatabaseWithoutItsPassword()
    {
        // A malformed URL is bad usage, named as written but for its password.
        QUrl bad = cluster().ownerUrl(m_database);
        const QString malformed = bad.toString().replace(u":%1/"_s.arg(bad.port()), u":port/"_s);
        Run r = run({u"--database"_s, malformed, u"tenants"_s, u"list"_s});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(u"postgresql://tenantdesk_owner@127.0.0.1:port/"_s + m_database), qPrintable(r.err));
        QVERIFY2(r.err.contains(u"not a PostgreSQL address"_s), qPrintable(r.err));

        // A wrong password, a database that does not exist, an empty database.
        QUrl wrong = cluster().ownerUrl(m_database);
        wrong.setPassword(u"not-the-password-5e1d"_s);
        r = run({u"--database"_s, wrong.toString(), u"tenants"_s, u"list"_s});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(shown(wrong)) && r.err.contains(u"password"_s), qPrintable(r.err));
        QVERIFY(!r.err.contains(u"not-the-password-5e1d"_s));

        // No password anywhere: not in the URL, not in PGPASSWORD, no ~/.pgpass.
        QUrl none = cluster().ownerUrl(m_database);
        none.setPassword(QString());
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.remove(u"PGPASSWORD"_s);
        environment.insert(u"PGPASSFILE"_s, m_dir.filePath(u"no-pgpass"_s));
        r = tenantctl({u"--database"_s, none.toString(), u"tenants"_s, u"list"_s}, environment);
        m_runs.append(r);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(shown(none)) && r.err.contains(u"no password was given"_s), qPrintable(r.err));
        // The password in PGPASSWORD instead of the URL.
        environment.insert(u"PGPASSWORD"_s, cluster().ownerPassword());
        r = tenantctl({u"--database"_s, none.toString(), u"tenants"_s, u"list"_s}, environment);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        m_runs.append(r);

        r = run({u"--database"_s, owner(u"no_such_database"_s), u"tenants"_s, u"list"_s});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(u"does not exist"_s), qPrintable(r.err));

        const QString empty = cluster().createDatabase(u"tenantctl_empty"_s);
        r = run({u"--database"_s, owner(empty), u"tenants"_s, u"list"_s});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(u"empty PostgreSQL database"_s), qPrintable(r.err));
        // tenantdesk_app owns nothing and creates no tables: the owner role fills a new database.
        r = run({u"--database"_s, app(empty), u"demo"_s, u"--usage-days"_s, u"0"_s});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(shown(cluster().appUrl(empty))), qPrintable(r.err));
    }

    void helpNamesPostgres()
    {
        const Run help = run({u"--help"_s});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains(u"postgresql://"_s));
        QVERIFY(help.out.contains(u"sqlite:"_s));
    }
};

QTEST_GUILESS_MAIN(TestTenantctlPostgres)
#include "tst_tenantctl_postgres.moc"
