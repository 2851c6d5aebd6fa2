#include "SqlStore.h"
#include "TenantBackup.h"
#include "TestSupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
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

QJsonObject objectOf(const Run& run)
{
    return QJsonDocument::fromJson(run.out.toUtf8()).object();
}

QJsonArray arrayOf(const Run& run)
{
    return QJsonDocument::fromJson(run.out.toUtf8()).array();
}

// What a restored tenant must have as it had: its own fields, environments and memberships, by name.
struct Snapshot {
    QJsonObject tenant;
    QJsonArray environments; // name, kind and settings, by name
    QStringList memberships; // "e-mail environment role", sorted
};

} // namespace

// A run that exited with 0; the message it printed otherwise.
#define TENANTCTL_OK(run)                                                                                              \
    do {                                                                                                               \
        const Run& r_ = (run);                                                                                         \
        QVERIFY2(r_.exitCode == 0, qPrintable(u"exit status %1: %2"_s.arg(r_.exitCode).arg(r_.err)));                  \
    } while (false)

// A run that exited with `status` and said `text` on stderr, printing nothing on stdout.
#define TENANTCTL_REFUSED(run, status, text)                                                                           \
    do {                                                                                                               \
        const Run& r_ = (run);                                                                                         \
        QVERIFY2(r_.exitCode == (status) && r_.err.contains(text) && r_.out.isEmpty(),                                 \
                 qPrintable(u"exit status %1 (expected %2): %3%4"_s.arg(r_.exitCode).arg(status).arg(r_.err, r_.out))); \
    } while (false)

class TestTenantctl : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_database;
    QTemporaryDir m_adminDir;
    QString m_admin; // a copy of the fixture that the administration tests change

    Run admin(const QStringList& arguments) const
    {
        return tenantctl(QStringList{u"--database"_s, m_admin} + arguments);
    }

    // A tenant named after its slug, requested.
    void createTenant(const QString& slug, const QString& parent = {}, const QString& environments = {}) const
    {
        QStringList arguments{u"tenants"_s, u"create"_s, slug, u"--name"_s, slug, u"--timezone"_s, u"UTC"_s,
                              u"--language"_s, u"en"_s};
        if (!parent.isEmpty())
            arguments << u"--parent"_s << parent;
        if (!environments.isEmpty())
            arguments << u"--environments"_s << environments;
        TENANTCTL_OK(admin(arguments));
    }

    QJsonObject tenantJson(const QString& slug) const
    {
        return objectOf(admin({u"tenants"_s, u"show"_s, slug, u"--json"_s})).value(u"tenant"_s).toObject();
    }

    QJsonObject environmentJson(const QString& slug, const QString& name) const
    {
        for (const QJsonValue& environment : arrayOf(admin({u"environments"_s, u"list"_s, slug, u"--json"_s}))) {
            if (environment.toObject().value(u"name"_s).toString() == name)
                return environment.toObject();
        }
        return {};
    }

    Snapshot snapshot(const QString& slug) const
    {
        SqlStore store(m_admin);
        await(store.open(OpenMode::OpenExisting));
        const Tenant tenant = await(store.tenantBySlug(slug));
        Snapshot snapshot;
        const QJsonObject json = JsonCodec::toJson(tenant);
        for (const QString& key : {u"display_name"_s, u"domain"_s, u"timezone"_s, u"language"_s, u"quotas"_s,
                                   u"api_rate_limit"_s, u"feature_flags"_s, u"security_policy"_s, u"settings"_s})
            snapshot.tenant.insert(key, json.value(key));
        QList<Environment> environments = await(store.environments(tenant.id));
        std::sort(environments.begin(), environments.end(),
                  [](const Environment& a, const Environment& b) { return a.name < b.name; });
        for (const Environment& environment : std::as_const(environments)) {
            snapshot.environments.append(QJsonObject{{u"name"_s, environment.name},
                                                     {u"kind"_s, environmentKindKey(environment.kind)},
                                                     {u"settings"_s, environment.settings}});
        }
        MembershipQuery query{.tenantId = tenant.id, .limit = 500};
        do {
            const Page<MembershipEntry> page = await(store.memberships(query));
            for (const MembershipEntry& membership : page.items)
                snapshot.memberships << u"%1 %2 %3"_s.arg(membership.userEmail, membership.environmentName, membership.roleName);
            query.cursor = page.nextCursor;
        } while (!query.cursor.isEmpty());
        snapshot.memberships.sort();
        return snapshot;
    }

    static void compare(const Snapshot& restored, const Snapshot& original)
    {
        QCOMPARE(restored.tenant, original.tenant);
        QCOMPARE(restored.environments, original.environments);
        QCOMPARE(restored.memberships, original.memberships);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_database = copyFixture(smallDemoFixture(), m_dir);
        m_admin = copyFixture(smallDemoFixture(), m_adminDir);
    }

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

    // Tenant administration, on a copy of the fixture of its own: create.
    void createsTenants()
    {
        Run run = admin({u"tenants"_s, u"create"_s, u"ctl-top"_s, u"--name"_s, u"Ctl Top"_s, u"--timezone"_s, u"Europe/Berlin"_s,
                         u"--language"_s, u"de"_s, u"--domain"_s, u"top.example"_s, u"--environments"_s, u"production,staging"_s,
                         u"--json"_s});
        TENANTCTL_OK(run);
        const QJsonObject top = objectOf(run);
        QCOMPARE(top.value(u"slug"_s).toString(), u"ctl-top"_s);
        QCOMPARE(top.value(u"display_name"_s).toString(), u"Ctl Top"_s);
        QCOMPARE(top.value(u"status"_s).toString(), u"requested"_s);
        QCOMPARE(top.value(u"domain"_s).toString(), u"top.example"_s);
        QCOMPARE(top.value(u"timezone"_s).toString(), u"Europe/Berlin"_s);
        QVERIFY(top.value(u"parent_id"_s).isNull());
        QCOMPARE(top.value(u"environment_count"_s).toInt(), 2);
        const QJsonArray environments = arrayOf(admin({u"environments"_s, u"list"_s, u"ctl-top"_s, u"--json"_s}));
        QCOMPARE(environments.size(), 2);
        QCOMPARE(environments.at(0).toObject().value(u"name"_s).toString(), u"Production"_s);
        QCOMPARE(environments.at(1).toObject().value(u"kind"_s).toString(), u"staging"_s);

        // Nested under a parent, without a domain, in words.
        run = admin({u"tenants"_s, u"create"_s, u"ctl-top.team"_s, u"--name"_s, u"Team"_s, u"--parent"_s, u"ctl-top"_s,
                     u"--timezone"_s, u"UTC"_s, u"--language"_s, u"en-GB"_s});
        TENANTCTL_OK(run);
        QVERIFY2(run.out.contains(u"Created “Team” (ctl-top.team)"_s) && run.out.contains(u"under “Ctl Top” (ctl-top)"_s),
                 qPrintable(run.out));
        const QJsonObject summary = objectOf(admin({u"tenants"_s, u"show"_s, u"ctl-top.team"_s, u"--json"_s}));
        QCOMPARE(summary.value(u"tenant"_s).toObject().value(u"parent_id"_s).toInteger(), top.value(u"id"_s).toInteger());
        QCOMPARE(summary.value(u"tenant"_s).toObject().value(u"domain"_s).toString(), QString());
        QCOMPARE(summary.value(u"ancestor_slugs"_s).toArray(), QJsonArray{u"ctl-top"_s});

        // Refusals name the field; nothing is created.
        const QStringList valid{u"--name"_s, u"Other"_s, u"--timezone"_s, u"UTC"_s, u"--language"_s, u"en"_s};
        TENANTCTL_REFUSED(admin(QStringList{u"tenants"_s, u"create"_s, u"ctl-top"_s} + valid), 1, u"slug: “ctl-top” is taken"_s);
        TENANTCTL_REFUSED(admin({u"tenants"_s, u"create"_s, u"ctl-mars"_s, u"--name"_s, u"Mars"_s, u"--timezone"_s,
                                 u"Mars/Olympus_Mons"_s, u"--language"_s, u"en"_s}), 1, u"timezone: “Mars/Olympus_Mons”"_s);
        TENANTCTL_REFUSED(admin(QStringList{u"tenants"_s, u"create"_s, u"Not A Slug"_s} + valid), 1, u"slug"_s);
        TENANTCTL_REFUSED(admin(QStringList{u"tenants"_s, u"create"_s, u"ctl-twice"_s, u"--environments"_s,
                                            u"sandbox,sandbox"_s} + valid), 1, u"environments"_s);
        TENANTCTL_REFUSED(admin(QStringList{u"tenants"_s, u"create"_s, u"ctl-orphan"_s, u"--parent"_s, u"no-such-parent"_s}
                                + valid), 1, u"no-such-parent"_s);
        TENANTCTL_REFUSED(admin({u"tenants"_s, u"create"_s, u"ctl-nameless"_s, u"--timezone"_s, u"UTC"_s, u"--language"_s,
                                 u"en"_s}), 2, u"--name"_s);
        TENANTCTL_REFUSED(admin(QStringList{u"tenants"_s, u"create"_s, u"ctl-moon"_s, u"--environments"_s, u"moon"_s} + valid),
                          2, u"“moon”"_s);
        for (const QString& slug : {u"ctl-mars"_s, u"ctl-twice"_s, u"ctl-orphan"_s, u"ctl-nameless"_s, u"ctl-moon"_s})
            QCOMPARE(admin({u"tenants"_s, u"show"_s, slug}).exitCode, 1);
    }

    void updatesEachKindOfSetting()
    {
        createTenant(u"ctl-upd"_s);
        const auto update = [this](const QStringList& edits) {
            return admin(QStringList{u"tenants"_s, u"update"_s, u"ctl-upd"_s} + edits + QStringList{u"--json"_s});
        };
        Run run = update({u"--name"_s, u"Updated"_s, u"--domain"_s, u"upd.example"_s, u"--timezone"_s, u"Asia/Tokyo"_s,
                          u"--language"_s, u"ja"_s});
        TENANTCTL_OK(run);
        QJsonObject tenant = objectOf(run);
        QCOMPARE(tenant.value(u"display_name"_s).toString(), u"Updated"_s);
        QCOMPARE(tenant.value(u"domain"_s).toString(), u"upd.example"_s);
        QCOMPARE(tenant.value(u"timezone"_s).toString(), u"Asia/Tokyo"_s);
        QCOMPARE(tenant.value(u"language"_s).toString(), u"ja"_s);
        QCOMPARE(tenant.value(u"version"_s).toInt(), 2);

        // Quotas travel together: the ones not given keep their values.
        run = update({u"--cpu-cores"_s, u"8"_s, u"--memory-gb"_s, u"32"_s, u"--rate-limit"_s, u"600"_s});
        TENANTCTL_OK(run);
        run = update({u"--storage-gb"_s, u"500"_s, u"--memory-gb"_s, u"none"_s});
        TENANTCTL_OK(run);
        tenant = objectOf(run);
        QCOMPARE(tenant.value(u"quotas"_s).toObject(),
                 (QJsonObject{{u"cpu_cores"_s, 8}, {u"memory_gb"_s, QJsonValue::Null}, {u"storage_gb"_s, 500},
                              {u"user_seats"_s, QJsonValue::Null}}));
        QCOMPARE(tenant.value(u"api_rate_limit"_s).toInt(), 600);
        run = update({u"--rate-limit"_s, u"none"_s});
        TENANTCTL_OK(run);
        QVERIFY(objectOf(run).value(u"api_rate_limit"_s).isNull());

        // Feature flags: on, off, and inherit removes the tenant's own value.
        run = update({u"--flag"_s, u"sso=on"_s, u"--flag"_s, u"beta_dashboards=off"_s});
        TENANTCTL_OK(run);
        QCOMPARE(objectOf(run).value(u"feature_flags"_s).toObject(),
                 (QJsonObject{{u"sso"_s, true}, {u"beta_dashboards"_s, false}}));
        run = update({u"--flag"_s, u"beta_dashboards=inherit"_s});
        TENANTCTL_OK(run);
        QCOMPARE(objectOf(run).value(u"feature_flags"_s).toObject(), (QJsonObject{{u"sso"_s, true}}));

        // Security policy: numbers, true/false and a list of networks; KEY= removes a field.
        run = update({u"--policy"_s, u"password_min_length=12"_s, u"--policy"_s, u"password_classes=3"_s, u"--policy"_s,
                      u"mfa_required=true"_s, u"--policy"_s, u"session_timeout_minutes=60"_s, u"--policy"_s,
                      u"ip_allow_list=10.0.0.0/8,2001:db8::/32"_s});
        TENANTCTL_OK(run);
        QCOMPARE(objectOf(run).value(u"security_policy"_s).toObject(),
                 (QJsonObject{{u"password_min_length"_s, 12}, {u"password_classes"_s, 3}, {u"mfa_required"_s, true},
                              {u"session_timeout_minutes"_s, 60},
                              {u"ip_allow_list"_s, QJsonArray{u"10.0.0.0/8"_s, u"2001:db8::/32"_s}}}));
        run = update({u"--policy"_s, u"session_timeout_minutes="_s});
        TENANTCTL_OK(run);
        QVERIFY(!objectOf(run).value(u"security_policy"_s).toObject().contains(u"session_timeout_minutes"_s));

        // Integration settings are text, whatever they look like.
        run = update({u"--setting"_s, u"webhook.url=https://hooks.example/t"_s, u"--setting"_s, u"retries=3"_s});
        TENANTCTL_OK(run);
        QCOMPARE(objectOf(run).value(u"settings"_s).toObject(),
                 (QJsonObject{{u"webhook.url"_s, u"https://hooks.example/t"_s}, {u"retries"_s, u"3"_s}}));
        run = update({u"--unset-setting"_s, u"retries"_s});
        TENANTCTL_OK(run);
        tenant = objectOf(run);
        QCOMPARE(tenant.value(u"settings"_s).toObject(), (QJsonObject{{u"webhook.url"_s, u"https://hooks.example/t"_s}}));
        const int version = tenant.value(u"version"_s).toInt();

        // In words: what changed, field by field; the same values again change nothing.
        run = admin({u"tenants"_s, u"update"_s, u"ctl-upd"_s, u"--cpu-cores"_s, u"16"_s, u"--flag"_s, u"sso=off"_s});
        TENANTCTL_OK(run);
        QVERIFY2(run.out.contains(u"quotas.cpu_cores: 8 → 16"_s) && run.out.contains(u"feature_flags.sso: true → false"_s),
                 qPrintable(run.out));
        run = admin({u"tenants"_s, u"update"_s, u"ctl-upd"_s, u"--cpu-cores"_s, u"16"_s});
        TENANTCTL_OK(run);
        QVERIFY2(run.out.contains(u"Nothing changed"_s), qPrintable(run.out));

        // Refused values name their field and change nothing.
        TENANTCTL_REFUSED(update({u"--cpu-cores"_s, u"-4"_s}), 1, u"quotas.cpu_cores"_s);
        TENANTCTL_REFUSED(update({u"--policy"_s, u"ip_allow_list=10.0.0.1/8"_s}), 1, u"security_policy.ip_allow_list[0]"_s);
        TENANTCTL_REFUSED(update({u"--policy"_s, u"password_min_length=3"_s}), 1, u"security_policy.password_min_length"_s);
        TENANTCTL_REFUSED(update({u"--policy"_s, u"colour=blue"_s}), 1, u"security_policy.colour"_s);
        TENANTCTL_REFUSED(update({u"--flag"_s, u"Bad-Flag=on"_s}), 1, u"feature_flags.Bad-Flag"_s);
        TENANTCTL_REFUSED(update({u"--rate-limit"_s, u"0"_s}), 1, u"api_rate_limit"_s);
        TENANTCTL_REFUSED(update({u"--domain"_s, u"not a domain"_s}), 1, u"domain"_s);
        TENANTCTL_REFUSED(update({u"--language"_s, u"Klingon"_s}), 1, u"language"_s);
        QCOMPARE(tenantJson(u"ctl-upd"_s).value(u"version"_s).toInt(), version + 1);

        // Bad usage is told apart from a refused change.
        TENANTCTL_REFUSED(update({}), 2, u"at least one change"_s);
        TENANTCTL_REFUSED(update({u"--cpu-cores"_s, u"many"_s}), 2, u"--cpu-cores"_s);
        TENANTCTL_REFUSED(update({u"--flag"_s, u"sso=maybe"_s}), 2, u"on, off or inherit"_s);
        TENANTCTL_REFUSED(update({u"--setting"_s, u"no-equals-sign"_s}), 2, u"KEY=VALUE"_s);
    }

    void movesTenants()
    {
        createTenant(u"ctl-a"_s);
        createTenant(u"ctl-a.b"_s, u"ctl-a"_s);
        createTenant(u"ctl-c"_s);
        const qint64 a = tenantJson(u"ctl-a"_s).value(u"id"_s).toInteger();
        const qint64 b = tenantJson(u"ctl-a.b"_s).value(u"id"_s).toInteger();

        Run run = admin({u"tenants"_s, u"move"_s, u"ctl-c"_s, u"--parent"_s, u"ctl-a.b"_s, u"--json"_s});
        TENANTCTL_OK(run);
        QCOMPARE(objectOf(run).value(u"parent_id"_s).toInteger(), b);
        QCOMPARE(objectOf(run).value(u"ancestor_ids"_s).toArray(), (QJsonArray{a, b}));

        // Never under itself or one of its own sub-tenants (ctl-c is now one of ctl-a's).
        TENANTCTL_REFUSED(admin({u"tenants"_s, u"move"_s, u"ctl-a"_s, u"--parent"_s, u"ctl-c"_s}), 1, u"parent_id"_s);
        TENANTCTL_REFUSED(admin({u"tenants"_s, u"move"_s, u"ctl-a"_s, u"--parent"_s, u"ctl-a"_s}), 1, u"parent_id"_s);
        QVERIFY(tenantJson(u"ctl-a"_s).value(u"parent_id"_s).isNull());

        run = admin({u"tenants"_s, u"move"_s, u"ctl-c"_s, u"--top-level"_s});
        TENANTCTL_OK(run);
        QVERIFY2(run.out.contains(u"Moved “ctl-c” (ctl-c) at the top level"_s), qPrintable(run.out));
        QVERIFY(tenantJson(u"ctl-c"_s).value(u"parent_id"_s).isNull());
        run = admin({u"tenants"_s, u"move"_s, u"ctl-c"_s, u"--top-level"_s});
        TENANTCTL_OK(run);
        QVERIFY2(run.out.contains(u"already"_s), qPrintable(run.out));

        TENANTCTL_REFUSED(admin({u"tenants"_s, u"move"_s, u"ctl-c"_s}), 2, u"--parent SLUG or --top-level"_s);
        TENANTCTL_REFUSED(admin({u"tenants"_s, u"move"_s, u"ctl-c"_s, u"--parent"_s, u"ctl-a"_s, u"--top-level"_s}), 2,
                          u"not both"_s);
    }

    // requested → provisioning → active ⇄ suspended: at each status every other command is refused,
    // naming the status, and changes nothing.
    void refusesEveryIllegalTransition()
    {
        createTenant(u"ctl-life"_s);
        const QStringList verbs{u"provision"_s, u"activate"_s, u"suspend"_s, u"resume"_s};
        const QList<std::pair<QString, QString>> path{
            {u"requested"_s, u"provision"_s}, {u"provisioning"_s, u"activate"_s}, {u"active"_s, u"suspend"_s},
            {u"suspended"_s, u"resume"_s}, {u"active"_s, u"suspend"_s}};
        const auto refusesAllBut = [&](const QString& status, const QString& legal) {
            const QJsonObject before = tenantJson(u"ctl-life"_s);
            QCOMPARE(before.value(u"status"_s).toString(), status);
            for (const QString& verb : verbs) {
                if (verb == legal)
                    continue;
                const Run run = admin({u"tenants"_s, verb, u"ctl-life"_s});
                QVERIFY2(run.exitCode == 1 && run.err.contains(u"status: "_s) && run.err.contains(status),
                         qPrintable(verb + u": "_s + run.err));
            }
            QCOMPARE(tenantJson(u"ctl-life"_s), before);
        };
        for (const auto& [status, legal] : path) {
            refusesAllBut(status, legal);
            if (QTest::currentTestFailed())
                return;
            const Run run = admin({u"tenants"_s, legal, u"ctl-life"_s});
            TENANTCTL_OK(run);
            QVERIFY2(run.out.contains(u"(it was %1)"_s.arg(status)), qPrintable(run.out));
        }

        // Deleting or decommissioning is refused before anything is written.
        const QString backup = m_adminDir.filePath(u"ctl-life-early.json"_s);
        TENANTCTL_REFUSED(admin({u"tenants"_s, u"delete"_s, u"ctl-life"_s, u"--confirm"_s, u"ctl-life"_s}), 1, u"status"_s);
        QCOMPARE(tenantJson(u"ctl-life"_s).value(u"status"_s).toString(), u"suspended"_s);

        // Decommissioning and archived: none of the four applies any more.
        Run run = admin({u"tenants"_s, u"decommission"_s, u"ctl-life"_s, u"--backup"_s, backup});
        TENANTCTL_OK(run);
        refusesAllBut(u"decommissioning"_s, QString());
        run = admin({u"tenants"_s, u"decommission"_s, u"ctl-life"_s, u"--confirm"_s, u"ctl-life"_s});
        TENANTCTL_OK(run);
        refusesAllBut(u"archived"_s, QString());
    }

    void decommissionNeverOverwritesAFileUnasked()
    {
        createTenant(u"ctl-keep"_s);
        for (const QString& verb : {u"provision"_s, u"activate"_s})
            TENANTCTL_OK(admin({u"tenants"_s, verb, u"ctl-keep"_s}));

        // An active tenant is suspended first: refused, and no file is written.
        const QString backup = m_adminDir.filePath(u"ctl-keep.json"_s);
        TENANTCTL_REFUSED(admin({u"tenants"_s, u"decommission"_s, u"ctl-keep"_s, u"--backup"_s, backup}), 1,
                          u"status: “ctl-keep” is active and cannot become decommissioning"_s);
        QVERIFY(!QFile::exists(backup));
        TENANTCTL_OK(admin({u"tenants"_s, u"suspend"_s, u"ctl-keep"_s}));
        TENANTCTL_REFUSED(admin({u"tenants"_s, u"decommission"_s, u"ctl-keep"_s}), 2, u"--backup FILE"_s);

        QFile precious(backup);
        QVERIFY(precious.open(QIODevice::WriteOnly));
        precious.write("precious");
        precious.close();
        const QByteArray digest = fileDigest(backup);
        TENANTCTL_REFUSED(admin({u"tenants"_s, u"decommission"_s, u"ctl-keep"_s, u"--backup"_s, backup}), 1,
                          u"backup: “%1” exists already"_s.arg(backup));
        QCOMPARE(fileDigest(backup), digest);
        QCOMPARE(tenantJson(u"ctl-keep"_s).value(u"status"_s).toString(), u"suspended"_s);
        TENANTCTL_REFUSED(admin({u"tenants"_s, u"decommission"_s, u"ctl-keep"_s, u"--backup"_s,
                                 m_adminDir.filePath(u"no-such-folder/ctl-keep.json"_s)}), 1, u"no-such-folder"_s);

        // --force replaces it, with a backup readable by its owner only.
        const Run run = admin({u"tenants"_s, u"decommission"_s, u"ctl-keep"_s, u"--backup"_s, backup, u"--force"_s});
        TENANTCTL_OK(run);
        QVERIFY(fileDigest(backup) != digest);
        QFile file(backup);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(TenantBackup::fromJson(file.readAll()).tenant.slug, u"ctl-keep"_s);
        QCOMPARE(file.permissions() & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther),
                 QFile::Permissions());
    }

    // The whole retirement of a tenant with members: suspend, decommission in two runs (the data is
    // deleted only once confirmed), archived; restored in place from the backup file it is the
    // tenant it was. Then once more, deleted after archiving and restored as a new tenant.
    void decommissionsBacksUpArchivesAndRestores()
    {
        QString slug;
        {
            SqlStore store(m_admin);
            await(store.open(OpenMode::OpenExisting));
            for (const Tenant& tenant : await(store.tenants({.limit = 500})).items) {
                if (tenant.subTenantCount == 0 && tenant.status == TenantStatus::Active
                    && await(store.tenantSummary(tenant.id)).memberCount > 0 && !tenant.slug.startsWith(u"ctl-"_s)) {
                    slug = tenant.slug;
                    break;
                }
            }
        }
        QVERIFY(!slug.isEmpty());
        const Snapshot original = snapshot(slug);
        QVERIFY(!original.memberships.isEmpty());
        QVERIFY(!original.environments.isEmpty());
        TENANTCTL_OK(admin({u"tenants"_s, u"suspend"_s, slug}));

        // First run: backed up, users notified, resources released; stops before deleting.
        const QString backup = m_adminDir.filePath(u"round-trip.json"_s);
        Run run = admin({u"tenants"_s, u"decommission"_s, slug, u"--backup"_s, backup, u"--notify-note"_s,
                         u"Mailed every admin"_s});
        TENANTCTL_OK(run);
        QVERIFY2(run.out.contains(u"Stopped before deleting"_s), qPrintable(run.out));
        QVERIFY2(run.out.contains(u"tenants decommission %1 --confirm %1"_s.arg(slug)), qPrintable(run.out));
        QFile file(backup);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray document = file.readAll();
        file.close();
        const QByteArray digest = fileDigest(backup);
        QJsonObject tenant = tenantJson(slug);
        QCOMPARE(tenant.value(u"status"_s).toString(), u"decommissioning"_s);
        QJsonObject checklist = tenant.value(u"decommission"_s).toObject();
        QCOMPARE(checklist.keys(), (QStringList{u"back_up"_s, u"notify_users"_s, u"release_resources"_s}));
        const QString backUpNote = checklist.value(u"back_up"_s).toObject().value(u"note"_s).toString();
        QVERIFY2(backUpNote.contains(backup) && backUpNote.contains(TenantBackup::checksum(document)), qPrintable(backUpNote));
        QCOMPARE(checklist.value(u"notify_users"_s).toObject().value(u"note"_s).toString(), u"Mailed every admin"_s);
        QCOMPARE(tenant.value(u"environment_count"_s).toInt(), int(original.environments.size()));

        // A wrong confirmation changes nothing; the right one finishes, without writing the backup again.
        TENANTCTL_REFUSED(admin({u"tenants"_s, u"decommission"_s, slug, u"--backup"_s, backup, u"--confirm"_s, u"wrong"_s}),
                          1, u"confirm_slug"_s);
        QCOMPARE(tenantJson(slug), tenant);
        run = admin({u"tenants"_s, u"decommission"_s, slug, u"--backup"_s, backup, u"--confirm"_s, slug, u"--json"_s});
        TENANTCTL_OK(run);
        QCOMPARE(fileDigest(backup), digest);
        tenant = objectOf(run);
        QCOMPARE(tenant.value(u"status"_s).toString(), u"archived"_s);
        QCOMPARE(tenant.value(u"environment_count"_s).toInt(), 0);
        QCOMPARE(tenant.value(u"decommission"_s).toObject().keys(),
                 (QStringList{u"back_up"_s, u"delete_data"_s, u"finalise_billing"_s, u"notify_users"_s,
                              u"release_resources"_s}));
        QCOMPARE(snapshot(slug).memberships, QStringList());
        run = admin({u"tenants"_s, u"decommission"_s, slug});
        TENANTCTL_OK(run);
        QVERIFY2(run.out.contains(u"is archived"_s), qPrintable(run.out));
        const QJsonArray steps = arrayOf(admin({u"audit"_s, u"list"_s, u"--tenant"_s, slug, u"--action"_s,
                                                u"tenant.decommission_step"_s, u"--json"_s}));
        QCOMPARE(steps.size(), 5);

        // Restored in place: where it was, suspended, with its environments, settings and members.
        createTenant(u"ctl-new-home"_s);
        TENANTCTL_REFUSED(admin({u"tenants"_s, u"restore"_s, backup, u"--parent"_s, u"ctl-new-home"_s}), 1,
                          u"parent: “%1” (%2) is archived here"_s.arg(original.tenant.value(u"display_name"_s).toString(), slug));
        run = admin({u"tenants"_s, u"restore"_s, backup, u"--json"_s});
        TENANTCTL_OK(run);
        QJsonObject restored = objectOf(run);
        QCOMPARE(restored.value(u"id"_s), tenant.value(u"id"_s));
        QCOMPARE(restored.value(u"status"_s).toString(), u"suspended"_s);
        QCOMPARE(restored.value(u"decommission"_s).toObject(), QJsonObject());
        compare(snapshot(slug), original);
        TENANTCTL_REFUSED(admin({u"tenants"_s, u"restore"_s, backup}), 1, u"slug"_s);
        TENANTCTL_OK(admin({u"tenants"_s, u"resume"_s, slug}));

        // Once more, in one run, then deleted and restored as a new tenant under another parent.
        TENANTCTL_OK(admin({u"tenants"_s, u"suspend"_s, slug}));
        const QString again = m_adminDir.filePath(u"round-trip-again.json"_s);
        TENANTCTL_OK(admin({u"tenants"_s, u"decommission"_s, slug, u"--backup"_s, again, u"--confirm"_s, slug}));
        TENANTCTL_REFUSED(admin({u"tenants"_s, u"delete"_s, slug, u"--confirm"_s, slug + u"x"_s}), 1, u"confirm_slug"_s);
        run = admin({u"tenants"_s, u"delete"_s, slug, u"--confirm"_s, slug, u"--json"_s});
        TENANTCTL_OK(run);
        QCOMPARE(objectOf(run).value(u"slug"_s).toString(), slug);
        QCOMPARE(admin({u"tenants"_s, u"show"_s, slug}).exitCode, 1);
        run = admin({u"tenants"_s, u"restore"_s, again, u"--parent"_s, u"ctl-new-home"_s, u"--json"_s});
        TENANTCTL_OK(run);
        restored = objectOf(run);
        QVERIFY(restored.value(u"id"_s) != tenant.value(u"id"_s));
        QCOMPARE(restored.value(u"parent_id"_s), tenantJson(u"ctl-new-home"_s).value(u"id"_s));
        QCOMPARE(restored.value(u"status"_s).toString(), u"suspended"_s);
        compare(snapshot(slug), original);

        TENANTCTL_REFUSED(admin({u"tenants"_s, u"restore"_s, m_adminDir.filePath(u"missing.json"_s)}), 1, u"missing.json"_s);
        TENANTCTL_REFUSED(admin({u"tenants"_s, u"restore"_s, m_admin}), 1, u"not a tenant backup"_s);
    }

    void deletesOnlyWhatIsConfirmed()
    {
        createTenant(u"ctl-del"_s);
        TENANTCTL_REFUSED(admin({u"tenants"_s, u"delete"_s, u"ctl-del"_s}), 2, u"--confirm"_s);
        TENANTCTL_REFUSED(admin({u"tenants"_s, u"delete"_s, u"ctl-del"_s, u"--confirm"_s, u"ctl-dell"_s}), 1,
                          u"confirm_slug: type the tenant's slug, “ctl-del”"_s);
        QCOMPARE(tenantJson(u"ctl-del"_s).value(u"slug"_s).toString(), u"ctl-del"_s);
        const Run run = admin({u"tenants"_s, u"delete"_s, u"ctl-del"_s, u"--confirm"_s, u"ctl-del"_s});
        TENANTCTL_OK(run);
        QVERIFY2(run.out.contains(u"Deleted “ctl-del” (ctl-del)"_s), qPrintable(run.out));
        TENANTCTL_REFUSED(admin({u"tenants"_s, u"show"_s, u"ctl-del"_s}), 1, u"ctl-del"_s);
    }

    void administersEnvironments()
    {
        createTenant(u"ctl-env"_s, {}, u"production,staging"_s);
        Run run = admin({u"environments"_s, u"add"_s, u"ctl-env"_s, u"QA"_s, u"--kind"_s, u"sandbox"_s, u"--setting"_s,
                         u"replicas=2"_s, u"--setting"_s, u"debug=true"_s, u"--setting"_s, u"ratio=0.5"_s, u"--setting"_s,
                         u"zip=007"_s, u"--setting"_s, u"region=eu-west"_s, u"--json"_s});
        TENANTCTL_OK(run);
        QJsonObject environment = objectOf(run);
        QCOMPARE(environment.value(u"kind"_s).toString(), u"sandbox"_s);
        QCOMPARE(environment.value(u"settings"_s).toObject(),
                 (QJsonObject{{u"replicas"_s, 2}, {u"debug"_s, true}, {u"ratio"_s, 0.5}, {u"zip"_s, u"007"_s},
                              {u"region"_s, u"eu-west"_s}}));
        TENANTCTL_REFUSED(admin({u"environments"_s, u"add"_s, u"ctl-env"_s, u"QA"_s, u"--kind"_s, u"sandbox"_s}), 1,
                          u"name: the tenant already has an environment called “QA”"_s);
        TENANTCTL_REFUSED(admin({u"environments"_s, u"add"_s, u"ctl-env"_s, u"QB"_s, u"--kind"_s, u"moon"_s}), 2, u"moon"_s);
        TENANTCTL_REFUSED(admin({u"environments"_s, u"add"_s, u"ctl-env"_s, u"QB"_s}), 2, u"--kind"_s);

        run = admin({u"environments"_s, u"rename"_s, u"ctl-env"_s, u"QA"_s, u"Test"_s, u"--json"_s});
        TENANTCTL_OK(run);
        QCOMPARE(objectOf(run).value(u"name"_s).toString(), u"Test"_s);
        QCOMPARE(objectOf(run).value(u"id"_s), environment.value(u"id"_s));
        TENANTCTL_REFUSED(admin({u"environments"_s, u"rename"_s, u"ctl-env"_s, u"QA"_s, u"Again"_s}), 1,
                          u"environment: “ctl-env” (ctl-env) has no environment “QA”"_s);
        TENANTCTL_REFUSED(admin({u"environments"_s, u"rename"_s, u"ctl-env"_s, u"Test"_s, u"Staging"_s}), 1, u"name"_s);

        run = admin({u"environments"_s, u"set"_s, u"ctl-env"_s, u"Staging"_s, u"log_level=debug"_s, u"replicas=1"_s,
                     u"region=eu-west"_s});
        TENANTCTL_OK(run);
        QVERIFY2(run.out.contains(u"replicas: (none) → 1"_s), qPrintable(run.out));
        TENANTCTL_OK(admin({u"environments"_s, u"set"_s, u"ctl-env"_s, u"Production"_s, u"log_level=warning"_s,
                            u"replicas=3"_s, u"tls=true"_s}));
        run = admin({u"environments"_s, u"set"_s, u"ctl-env"_s, u"Staging"_s, u"--unset"_s, u"region"_s, u"--json"_s});
        TENANTCTL_OK(run);
        QCOMPARE(objectOf(run).value(u"settings"_s).toObject(),
                 (QJsonObject{{u"log_level"_s, u"debug"_s}, {u"replicas"_s, 1}}));
        TENANTCTL_REFUSED(admin({u"environments"_s, u"set"_s, u"ctl-env"_s, u"Staging"_s}), 2, u"KEY=VALUE or --unset"_s);
        TENANTCTL_REFUSED(admin({u"environments"_s, u"set"_s, u"ctl-env"_s, u"Staging"_s, u"9lives=1"_s}), 1,
                          u"9lives"_s);

        // Promotion: --dry-run shows the differences and changes nothing.
        const QJsonObject production = environmentJson(u"ctl-env"_s, u"Production"_s);
        run = admin({u"environments"_s, u"promote"_s, u"ctl-env"_s, u"--from"_s, u"Staging"_s, u"--to"_s, u"Production"_s,
                     u"--all"_s, u"--dry-run"_s, u"--json"_s});
        TENANTCTL_OK(run);
        QCOMPARE(arrayOf(run), (QJsonArray{
                                   QJsonObject{{u"key"_s, u"log_level"_s}, {u"from"_s, u"debug"_s}, {u"to"_s, u"warning"_s}},
                                   QJsonObject{{u"key"_s, u"replicas"_s}, {u"from"_s, 1}, {u"to"_s, 3}},
                                   QJsonObject{{u"key"_s, u"tls"_s}, {u"from"_s, QJsonValue::Null}, {u"to"_s, true}}}));
        run = admin({u"environments"_s, u"promote"_s, u"ctl-env"_s, u"--from"_s, u"Staging"_s, u"--to"_s, u"Production"_s,
                     u"--keys"_s, u"log_level"_s, u"--dry-run"_s});
        TENANTCTL_OK(run);
        QVERIFY2(run.out.contains(u"FROM Staging"_s) && run.out.contains(u"TO Production"_s), qPrintable(run.out));
        QVERIFY2(run.out.contains(QRegularExpression(u"log_level +\"debug\" +\"warning\""_s)), qPrintable(run.out));
        QVERIFY2(run.out.contains(u"nothing was changed"_s), qPrintable(run.out));
        QCOMPARE(environmentJson(u"ctl-env"_s, u"Production"_s), production);

        run = admin({u"environments"_s, u"promote"_s, u"ctl-env"_s, u"--from"_s, u"Staging"_s, u"--to"_s, u"Production"_s,
                     u"--keys"_s, u"log_level,tls"_s, u"--json"_s});
        TENANTCTL_OK(run);
        QCOMPARE(objectOf(run).value(u"settings"_s).toObject(),
                 (QJsonObject{{u"log_level"_s, u"debug"_s}, {u"replicas"_s, 3}}));
        run = admin({u"environments"_s, u"promote"_s, u"ctl-env"_s, u"--from"_s, u"Staging"_s, u"--to"_s, u"Production"_s,
                     u"--all"_s});
        TENANTCTL_OK(run);
        QVERIFY2(run.out.contains(u"replicas: 3 → 1"_s), qPrintable(run.out));
        QCOMPARE(environmentJson(u"ctl-env"_s, u"Production"_s).value(u"settings"_s),
                 environmentJson(u"ctl-env"_s, u"Staging"_s).value(u"settings"_s));
        TENANTCTL_REFUSED(admin({u"environments"_s, u"promote"_s, u"ctl-env"_s, u"--from"_s, u"Staging"_s, u"--to"_s,
                                 u"Production"_s, u"--keys"_s, u"nowhere"_s, u"--dry-run"_s}), 1, u"keys"_s);
        TENANTCTL_REFUSED(admin({u"environments"_s, u"promote"_s, u"ctl-env"_s, u"--from"_s, u"Staging"_s, u"--to"_s,
                                 u"Staging"_s, u"--all"_s}), 1, u"to: "_s);
        TENANTCTL_REFUSED(admin({u"environments"_s, u"promote"_s, u"ctl-env"_s, u"--from"_s, u"Staging"_s, u"--to"_s,
                                 u"Production"_s}), 2, u"--keys KEY,KEY... or --all"_s);

        // Removal needs the name typed again.
        TENANTCTL_REFUSED(admin({u"environments"_s, u"remove"_s, u"ctl-env"_s, u"Test"_s}), 2, u"--confirm"_s);
        TENANTCTL_REFUSED(admin({u"environments"_s, u"remove"_s, u"ctl-env"_s, u"Test"_s, u"--confirm"_s, u"test"_s}), 1,
                          u"confirm_name"_s);
        run = admin({u"environments"_s, u"remove"_s, u"ctl-env"_s, u"Test"_s, u"--confirm"_s, u"Test"_s, u"--json"_s});
        TENANTCTL_OK(run);
        QCOMPARE(objectOf(run).value(u"name"_s).toString(), u"Test"_s);
        const QJsonArray left = arrayOf(admin({u"environments"_s, u"list"_s, u"ctl-env"_s, u"--json"_s}));
        QCOMPARE(left.size(), 2);
        run = admin({u"environments"_s, u"list"_s, u"ctl-env"_s});
        TENANTCTL_OK(run);
        QVERIFY2(run.out.contains(QRegularExpression(u"Staging +staging +\\d+ +log_level=debug, replicas=1"_s)),
                 qPrintable(run.out));
    }

    void auditListFilters()
    {
        createTenant(u"ctl-aud"_s, {}, u"sandbox"_s);
        TENANTCTL_OK(admin({u"tenants"_s, u"provision"_s, u"ctl-aud"_s}));
        TENANTCTL_OK(admin({u"tenants"_s, u"update"_s, u"ctl-aud"_s, u"--setting"_s, u"crm.endpoint=needle-7731"_s}));
        TENANTCTL_OK(admin({u"environments"_s, u"set"_s, u"ctl-aud"_s, u"Sandbox"_s, u"x=1"_s}));
        const auto list = [this](const QStringList& filters) {
            return arrayOf(admin(QStringList{u"audit"_s, u"list"_s, u"--json"_s} + filters));
        };
        const auto actions = [](const QJsonArray& events) {
            QStringList names;
            for (const QJsonValue& event : events)
                names << event.toObject().value(u"action"_s).toString();
            return names;
        };
        const QJsonArray all = list({u"--tenant"_s, u"ctl-aud"_s});
        QCOMPARE(actions(all), (QStringList{u"environment.update"_s, u"tenant.update"_s, u"tenant.provision"_s,
                                            u"tenant.create"_s}));
        QCOMPARE(actions(list({u"--tenant"_s, u"ctl-aud"_s, u"--action"_s, u"tenant."_s})),
                 (QStringList{u"tenant.update"_s, u"tenant.provision"_s, u"tenant.create"_s}));
        QCOMPARE(actions(list({u"--tenant"_s, u"ctl-aud"_s, u"--action"_s, u"tenant.update"_s})), QStringList{u"tenant.update"_s});
        QCOMPARE(actions(list({u"--tenant"_s, u"ctl-aud"_s, u"--action"_s, u"tenant"_s})), QStringList());
        QCOMPARE(actions(list({u"--text"_s, u"needle-7731"_s})), QStringList{u"tenant.update"_s});

        const QString actor = all.at(0).toObject().value(u"actor"_s).toString();
        QVERIFY(!actor.isEmpty());
        const QJsonArray byActor = list({u"--actor"_s, actor, u"--limit"_s, u"1000"_s});
        QVERIFY(byActor.size() >= all.size());
        for (const QJsonValue& event : byActor)
            QCOMPARE(event.toObject().value(u"actor"_s).toString(), actor);
        QCOMPARE(list({u"--actor"_s, u"nobody@example.com"_s}).size(), 0);

        // Time ranges: from the first event of the tenant on; before it; a date alone; an offset.
        const QDateTime first = QDateTime::fromString(all.last().toObject().value(u"at"_s).toString(), Qt::ISODateWithMs);
        QVERIFY(first.isValid());
        QCOMPARE(list({u"--tenant"_s, u"ctl-aud"_s, u"--since"_s, first.toString(Qt::ISODateWithMs)}).size(), all.size());
        QCOMPARE(list({u"--tenant"_s, u"ctl-aud"_s, u"--until"_s, first.toString(Qt::ISODateWithMs)}).size(), 0);
        QCOMPARE(list({u"--tenant"_s, u"ctl-aud"_s, u"--until"_s, first.addSecs(3600).toOffsetFromUtc(3600)
                                                                      .toString(Qt::ISODateWithMs)}).size(), all.size());
        QCOMPARE(list({u"--tenant"_s, u"ctl-aud"_s, u"--since"_s, first.date().addDays(1).toString(Qt::ISODate)}).size(), 0);
        QCOMPARE(list({u"--tenant"_s, u"ctl-aud"_s, u"--since"_s, first.date().toString(Qt::ISODate)}).size(), all.size());

        TENANTCTL_REFUSED(admin({u"audit"_s, u"list"_s, u"--since"_s, u"yesterday"_s}), 2, u"--since"_s);
        TENANTCTL_REFUSED(admin({u"audit"_s, u"list"_s, u"--since"_s, u"2026-02-01"_s, u"--until"_s, u"2026-01-01"_s}), 1,
                          u"from"_s);
        TENANTCTL_REFUSED(admin({u"audit"_s, u"verify"_s, u"--actor"_s, actor}), 2, u"--actor does not apply"_s);
    }

    void adminBadUsageExitsWithTwo_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("complaint");
        QTest::newRow("option of another command") << QStringList{u"tenants"_s, u"list"_s, u"--kind"_s, u"sandbox"_s}
                                                   << u"--kind does not apply to tenants list"_s;
        QTest::newRow("argument too many") << QStringList{u"tenants"_s, u"suspend"_s, u"a"_s, u"b"_s} << u"“b”"_s;
        QTest::newRow("restore without file") << QStringList{u"tenants"_s, u"restore"_s} << u"the backup file"_s;
        QTest::newRow("rename without new name") << QStringList{u"environments"_s, u"rename"_s, u"a"_s, u"b"_s}
                                                 << u"the environment's new name"_s;
        QTest::newRow("update without slug") << QStringList{u"tenants"_s, u"update"_s, u"--name"_s, u"X"_s}
                                             << u"the tenant's slug"_s;
        QTest::newRow("bad limit") << QStringList{u"audit"_s, u"list"_s, u"--limit"_s, u"0"_s} << u"--limit"_s;
    }

    void adminBadUsageExitsWithTwo()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, complaint);
        const Run run = admin(arguments);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(complaint), qPrintable(run.err));
        QVERIFY(run.out.isEmpty());
    }

    // After everything above (create, update, move, lifecycle, decommission, restore, delete,
    // environments), every hash chain still holds.
    void auditVerifyStillPasses()
    {
        const Run run = admin({u"audit"_s, u"verify"_s, u"--json"_s});
        TENANTCTL_OK(run);
        const QJsonObject report = objectOf(run);
        QCOMPARE(report.value(u"intact"_s).toBool(), true);
        QVERIFY(report.value(u"events"_s).toInteger() > DemoScale::small().tenants + 50);
        QVERIFY(report.value(u"chains"_s).toInt() > DemoScale::small().tenants);
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
