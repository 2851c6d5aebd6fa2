#include "SqlStore.h"
#include "TestSupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QFile>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
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

Run tenantctl(const QStringList& arguments)
{
    QProcess process;
    process.start(QStringLiteral(TENANTCTL_PATH), arguments);
    if (!process.waitForFinished(120000))
        qFatal("tenantctl did not finish");
    return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError())};
}

} // namespace

class TestTenantctl : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_database;

private Q_SLOTS:
    void initTestCase() { m_database = copyFixture(smallDemoFixture(), m_dir); }

    void listsTopLevelTenants()
    {
        const Run text = tenantctl({u"--database"_s, m_database, u"tenants"_s, u"list"_s});
        QCOMPARE(text.exitCode, 0);
        QVERIFY(text.err.isEmpty());
        const QStringList lines = text.out.split(u'\n', Qt::SkipEmptyParts);
        QVERIFY(lines.constFirst().startsWith(u"SLUG"_s));

        const Run json = tenantctl({u"--database"_s, m_database, u"tenants"_s, u"list"_s, u"--json"_s});
        QCOMPARE(json.exitCode, 0);
        const QJsonArray tenants = QJsonDocument::fromJson(json.out.toUtf8()).array();
        QVERIFY(tenants.size() > 1);
        QCOMPARE(lines.size(), tenants.size() + 1);
        for (const QJsonValue& value : tenants) {
            const QJsonObject tenant = value.toObject();
            QVERIFY(tenant.value(u"parent_id"_s).isNull());
            QVERIFY(text.out.contains(tenant.value(u"slug"_s).toString()));
            QVERIFY(text.out.contains(tenant.value(u"display_name"_s).toString()));
        }
    }

    void listsAndShowsSubTenants()
    {
        const QJsonArray roots = QJsonDocument::fromJson(
            tenantctl({u"--database"_s, m_database, u"tenants"_s, u"list"_s, u"--json"_s}).out.toUtf8()).array();
        QJsonObject parent;
        for (const QJsonValue& value : roots) {
            if (value.toObject().value(u"sub_tenant_count"_s).toInt() > 0) {
                parent = value.toObject();
                break;
            }
        }
        QVERIFY(!parent.isEmpty());
        const QString parentSlug = parent.value(u"slug"_s).toString();
        const Run children = tenantctl({u"--database"_s, m_database, u"tenants"_s, u"list"_s, u"--parent"_s, parentSlug, u"--json"_s});
        QCOMPARE(children.exitCode, 0);
        const QJsonArray list = QJsonDocument::fromJson(children.out.toUtf8()).array();
        QCOMPARE(list.size(), parent.value(u"sub_tenant_count"_s).toInt());
        const QString childSlug = list.at(0).toObject().value(u"slug"_s).toString();
        QVERIFY(childSlug.startsWith(parentSlug + u'.'));

        const Run show = tenantctl({u"--database"_s, m_database, u"tenants"_s, u"show"_s, childSlug, u"--json"_s});
        QCOMPARE(show.exitCode, 0);
        const QJsonObject summary = QJsonDocument::fromJson(show.out.toUtf8()).object();
        const QJsonObject tenant = summary.value(u"tenant"_s).toObject();
        QCOMPARE(tenant.value(u"slug"_s).toString(), childSlug);
        QCOMPARE(tenant.value(u"parent_id"_s).toInteger(), parent.value(u"id"_s).toInteger());
        QCOMPARE(summary.value(u"ancestor_slugs"_s).toArray().last().toString(), parentSlug);
        QCOMPARE(summary.value(u"ancestors"_s).toArray().last().toObject().value(u"slug"_s).toString(), parentSlug);
        QCOMPARE(summary.value(u"environments"_s).toArray().size(), 4);
        QVERIFY(summary.value(u"member_count"_s).toInt() >= 0);

        const Run text = tenantctl({u"--database"_s, m_database, u"tenants"_s, u"show"_s, childSlug});
        QCOMPARE(text.exitCode, 0);
        QVERIFY(text.out.contains(u"Slug:           "_s + childSlug));
        QVERIFY(text.out.contains(u"Parent:         "_s + parentSlug));
        QVERIFY(text.out.contains(u"Production (production)"_s));
    }

    void failuresExitWithOne()
    {
        Run run = tenantctl({u"--database"_s, m_database, u"tenants"_s, u"show"_s, u"no-such-tenant"_s});
        QCOMPARE(run.exitCode, 1);
        QVERIFY(run.out.isEmpty());
        QVERIFY2(run.err.contains(u"no-such-tenant"_s), qPrintable(run.err));

        const QString missing = m_dir.filePath(u"missing.tenantdesk"_s);
        run = tenantctl({u"--database"_s, missing, u"tenants"_s, u"list"_s});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(missing) && run.err.contains(u"does not exist"_s), qPrintable(run.err));
        QVERIFY(!QFile::exists(missing));

        run = tenantctl({u"--database"_s, m_database, u"demo"_s});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(u"already holds tenants"_s), qPrintable(run.err));
    }

    void badUsageExitsWithTwo_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("complaint");
        QTest::newRow("no command") << QStringList{u"--database"_s, u"x"_s} << u"no command"_s;
        QTest::newRow("no database") << QStringList{u"tenants"_s, u"list"_s} << u"--database"_s;
        QTest::newRow("unknown command") << QStringList{u"--database"_s, u"x"_s, u"tenants"_s, u"explode"_s} << u"unknown command"_s;
        QTest::newRow("show without slug") << QStringList{u"--database"_s, u"x"_s, u"tenants"_s, u"show"_s} << u"slug"_s;
        QTest::newRow("unknown option") << QStringList{u"--frobnicate"_s} << u"frobnicate"_s;
        QTest::newRow("bad scale") << QStringList{u"--database"_s, u"x"_s, u"demo"_s, u"--scale"_s, u"huge"_s} << u"huge"_s;
    }

    void badUsageExitsWithTwo()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, complaint);
        const Run run = tenantctl(arguments);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(complaint), qPrintable(run.err));
        QVERIFY(!QFile::exists(u"x"_s));
    }

    void demoCreatesADatabase()
    {
        const QString file = m_dir.filePath(u"fresh.tenantdesk"_s);
        const Run run = tenantctl({u"--database"_s, file, u"demo"_s, u"--scale"_s, u"40"_s, u"--users"_s, u"50"_s,
                                   u"--usage-days"_s, u"1"_s});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains(u"Generated 40 tenants"_s), qPrintable(run.out));
        QVERIFY(run.out.contains(u"50 users"_s));
        const Run list = tenantctl({u"--database"_s, file, u"tenants"_s, u"list"_s, u"--json"_s});
        QCOMPARE(list.exitCode, 0);
        QVERIFY(QJsonDocument::fromJson(list.out.toUtf8()).array().size() > 0);
    }

    void auditVerifyNamesTheFirstBrokenLink_data()
    {
        QTest::addColumn<QString>("tampering");
        QTest::newRow("intact") << QString();
        QTest::newRow("an event edited") << u"edit"_s;
        QTest::newRow("an event deleted") << u"delete"_s;
        QTest::newRow("the first event deleted") << u"delete-first"_s;
    }

    // Three changes give a tenant a chain of four events; tampering with the second breaks it
    // where `audit verify` says, and `audit list` shows the chain newest first.
    void auditVerifyNamesTheFirstBrokenLink()
    {
        QFETCH(QString, tampering);
        const QString file = m_dir.filePath(u"audit-%1.tenantdesk"_s.arg(QString::fromUtf8(QTest::currentDataTag())).replace(u' ', u'-'));
        QVERIFY(QFile::copy(smallDemoFixture(), file));
        QFile::setPermissions(file, QFile::ReadOwner | QFile::WriteOwner);
        Tenant tenant;
        QList<AuditEvent> chain;
        {
            SqlStore store(file);
            await(store.open(OpenMode::OpenExisting));
            tenant = await(store.tenants({.limit = 1})).items.constFirst();
            for (const QString& name : {u"One"_s, u"Two"_s, u"Three"_s}) {
                TenantChange change;
                change.displayName = name;
                tenant = await(store.updateTenant(tenant.id, change, tenant.version));
            }
            chain = await(store.auditEvents({.tenantId = tenant.id, .limit = 10})).items;
        }
        QCOMPARE(chain.size(), 4);
        std::reverse(chain.begin(), chain.end()); // oldest first

        const Run list = tenantctl({u"--database"_s, file, u"audit"_s, u"list"_s, u"--tenant"_s, tenant.slug, u"--json"_s});
        QCOMPARE(list.exitCode, 0);
        const QJsonArray listed = QJsonDocument::fromJson(list.out.toUtf8()).array();
        QCOMPARE(listed.size(), 4);
        QCOMPARE(listed.at(0).toObject().value(u"id"_s).toInteger(), chain.constLast().id);
        QCOMPARE(listed.at(0).toObject().value(u"after"_s).toObject().value(u"display_name"_s).toString(), u"Three"_s);

        qint64 brokenAt = 0;
        if (!tampering.isEmpty()) {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"tamper"_s);
            db.setDatabaseName(file);
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.prepare(tampering == u"edit"_s ? u"UPDATE audit_events SET actor = 'mallory' WHERE id = ?"_s
                                                        : u"DELETE FROM audit_events WHERE id = ?"_s));
            query.addBindValue(tampering == u"delete-first"_s ? chain.at(0).id : chain.at(1).id);
            QVERIFY2(query.exec(), qPrintable(query.lastError().text()));
            query.finish();
            db.close();
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(u"tamper"_s);
            brokenAt = tampering == u"edit"_s ? chain.at(1).id : tampering == u"delete"_s ? chain.at(2).id : chain.at(1).id;
        }

        const Run text = tenantctl({u"--database"_s, file, u"audit"_s, u"verify"_s});
        const Run json = tenantctl({u"--database"_s, file, u"audit"_s, u"verify"_s, u"--json"_s});
        const QJsonObject report = QJsonDocument::fromJson(json.out.toUtf8()).object();
        if (tampering.isEmpty()) {
            QCOMPARE(text.exitCode, 0);
            QVERIFY2(text.out.contains(u"every chain is intact"_s), qPrintable(text.out));
            QCOMPARE(report.value(u"intact"_s).toBool(), true);
            QCOMPARE(report.value(u"events"_s).toInteger(), DemoScale::small().tenants + 3);
            QCOMPARE(report.value(u"chains"_s).toInt(), DemoScale::small().tenants);
            return;
        }
        QCOMPARE(text.exitCode, 1);
        QCOMPARE(json.exitCode, 1);
        QVERIFY2(text.out.contains(u"event %1 in tenant %2"_s.arg(brokenAt).arg(tenant.slug)), qPrintable(text.out));
        QVERIFY2(text.out.contains(tampering == u"edit"_s ? u"changed after it was written"_s : u"deleted"_s), qPrintable(text.out));
        QCOMPARE(report.value(u"intact"_s).toBool(), false);
        QCOMPARE(report.value(u"first_break"_s).toObject().value(u"event_id"_s).toInteger(), brokenAt);
        QCOMPARE(report.value(u"first_break"_s).toObject().value(u"tenant_id"_s).toInteger(), tenant.id);
    }

    void versionAndHelp()
    {
        Run run = tenantctl({u"--version"_s});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.contains(QStringLiteral(TENANTDESK_VERSION)));
        run = tenantctl({u"--help"_s});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.contains(u"tenants list"_s));
    }
};

QTEST_GUILESS_MAIN(TestTenantctl)
#include "tst_tenantctl.moc"
