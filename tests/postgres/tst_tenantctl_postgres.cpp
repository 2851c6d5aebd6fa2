// tenantctl on PostgreSQL: `--database postgresql://USER:PASSWORD@HOST:PORT/DATABASE` generates the
// demo into PostgreSQL as the owner role, every other command reads it (as the owner and as
// tenantdesk_app) exactly as it reads the small SQLite fixture, tenants are administered (created,
// decommissioned, restored) as either role, and no message shows a password.
#include "PostgresTestSupport.h"
#include "TestSupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QFile>
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

    // Tenant administration on PostgreSQL, as the owner and as tenantdesk_app (row-level security on):
    // create, change, suspend, decommission with a backup file in two runs, restore in place.
    void administersTenants_data()
    {
        QTest::addColumn<bool>("asApp");
        QTest::newRow("as the owner") << false;
        QTest::newRow("as tenantdesk_app") << true;
    }

    void administersTenants()
    {
        QFETCH(bool, asApp);
        const QUrl url = asApp ? cluster().appUrl(m_database) : cluster().ownerUrl(m_database);
        const QString slug = asApp ? u"pg-admin-app"_s : u"pg-admin-owner"_s;
        const auto ctl = [&](const QStringList& arguments) {
            return run(QStringList{u"--database"_s, url.toString()} + arguments);
        };
        const auto json = [](const Run& r) { return QJsonDocument::fromJson(r.out.toUtf8()); };
        const auto tenant = [&] {
            return json(ctl({u"tenants"_s, u"show"_s, slug, u"--json"_s})).object().value(u"tenant"_s).toObject();
        };

        Run r = ctl({u"tenants"_s, u"create"_s, slug, u"--name"_s, u"On PostgreSQL"_s, u"--timezone"_s, u"Europe/Vienna"_s,
                     u"--language"_s, u"de"_s, u"--environments"_s, u"production,staging"_s, u"--json"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const qint64 id = json(r).object().value(u"id"_s).toInteger();
        QCOMPARE(json(r).object().value(u"status"_s).toString(), u"requested"_s);
        r = ctl({u"tenants"_s, u"create"_s, slug, u"--name"_s, u"Again"_s, u"--timezone"_s, u"UTC"_s, u"--language"_s, u"en"_s});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(u"slug: “%1” is taken"_s.arg(slug)), qPrintable(r.err));
        r = ctl({u"tenants"_s, u"update"_s, slug, u"--cpu-cores"_s, u"4"_s, u"--flag"_s, u"sso=on"_s, u"--policy"_s,
                 u"ip_allow_list=10.0.0.0/8"_s, u"--setting"_s, u"crm.url=https://crm.example"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = ctl({u"environments"_s, u"set"_s, slug, u"Staging"_s, u"replicas=2"_s, u"log_level=debug"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        for (const QString& verb : {u"provision"_s, u"activate"_s, u"suspend"_s}) {
            r = ctl({u"tenants"_s, verb, slug});
            QVERIFY2(r.exitCode == 0, qPrintable(verb + u": "_s + r.err));
        }
        r = ctl({u"tenants"_s, u"activate"_s, slug});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(u"status: "_s), qPrintable(r.err));
        const QJsonObject before = tenant();
        QCOMPARE(before.value(u"status"_s).toString(), u"suspended"_s);
        const QJsonArray environments = json(ctl({u"environments"_s, u"list"_s, slug, u"--json"_s})).array();
        QCOMPARE(environments.size(), 2);

        // Decommissioned in two runs: the second, confirmed, deletes the data and archives it.
        const QString backup = m_dir.filePath(slug + u".json"_s);
        r = ctl({u"tenants"_s, u"decommission"_s, slug, u"--backup"_s, backup});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(u"tenantctl --database %1 tenants decommission %2 --confirm %2"_s.arg(shown(url), slug)),
                 qPrintable(r.out));
        QVERIFY(QFile::exists(backup));
        r = ctl({u"tenants"_s, u"decommission"_s, slug, u"--confirm"_s, slug, u"--json"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(json(r).object().value(u"status"_s).toString(), u"archived"_s);
        QCOMPARE(json(r).object().value(u"environment_count"_s).toInt(), 0);

        // Restored in place, suspended, as it was.
        r = ctl({u"tenants"_s, u"restore"_s, backup, u"--json"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject restored = json(r).object();
        QCOMPARE(restored.value(u"id"_s).toInteger(), id);
        QCOMPARE(restored.value(u"status"_s).toString(), u"suspended"_s);
        for (const QString& key : {u"display_name"_s, u"timezone"_s, u"language"_s, u"quotas"_s, u"feature_flags"_s,
                                   u"security_policy"_s, u"settings"_s})
            QCOMPARE(restored.value(key), before.value(key));
        const QJsonArray restoredEnvironments = json(ctl({u"environments"_s, u"list"_s, slug, u"--json"_s})).array();
        QCOMPARE(restoredEnvironments.size(), environments.size());
        for (qsizetype i = 0; i < environments.size(); ++i) {
            for (const QString& key : {u"name"_s, u"kind"_s, u"settings"_s})
                QCOMPARE(restoredEnvironments.at(i).toObject().value(key), environments.at(i).toObject().value(key));
        }
        r = ctl({u"tenants"_s, u"resume"_s, slug});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = ctl({u"audit"_s, u"verify"_s});
        QVERIFY2(r.exitCode == 0 && r.out.contains(u"every chain is intact"_s), qPrintable(r.out + r.err));
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
