#include "AuditEvent.h"
#include "Environment.h"
#include "Permission.h"
#include "Role.h"
#include "SqlSchema.h"
#include "SqlTime.h"
#include "Tenant.h"
#include "UsageSample.h"
#include "User.h"

#include <QTest>

using namespace TenantDesk;
using namespace Qt::StringLiterals;

class TestDomain : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void statusKeysRoundTrip()
    {
        for (TenantStatus status : allTenantStatuses) {
            const QString key = tenantStatusKey(status);
            QVERIFY(!key.isEmpty());
            QCOMPARE(tenantStatusFromKey(key), std::optional(status));
            QVERIFY(!tenantStatusDisplayName(status).isEmpty());
        }
        QCOMPARE(tenantStatusFromKey(u"Active"_s), std::nullopt); // keys are lower case
        QCOMPARE(tenantStatusFromKey(u"deleted"_s), std::nullopt);
    }

    void onlyTheLifecycleTransitionsAreLegal_data()
    {
        QTest::addColumn<TenantStatus>("from");
        QTest::addColumn<TenantStatus>("to");
        QTest::addColumn<bool>("legal");
        // requested → provisioning → active ⇄ suspended → decommissioning → archived
        const QList<QPair<TenantStatus, TenantStatus>> legal{
            {TenantStatus::Requested, TenantStatus::Provisioning},
            {TenantStatus::Provisioning, TenantStatus::Active},
            {TenantStatus::Active, TenantStatus::Suspended},
            {TenantStatus::Suspended, TenantStatus::Active},
            {TenantStatus::Suspended, TenantStatus::Decommissioning},
            {TenantStatus::Decommissioning, TenantStatus::Archived},
        };
        for (TenantStatus from : allTenantStatuses) {
            for (TenantStatus to : allTenantStatuses) {
                const QByteArray name = (tenantStatusKey(from) + u" → "_s + tenantStatusKey(to)).toUtf8();
                QTest::newRow(name.constData()) << from << to << legal.contains({from, to});
            }
        }
    }

    void onlyTheLifecycleTransitionsAreLegal()
    {
        QFETCH(TenantStatus, from);
        QFETCH(TenantStatus, to);
        QFETCH(bool, legal);
        QCOMPARE(isLegalTransition(from, to), legal);
        QCOMPARE(legalTransitions(from).contains(to), legal);
    }

    void archivedIsFinal()
    {
        QVERIFY(legalTransitions(TenantStatus::Archived).isEmpty());
        QVERIFY(isDormant(TenantStatus::Suspended));
        QVERIFY(!isDormant(TenantStatus::Active));
    }

    void slugValidation_data()
    {
        QTest::addColumn<QString>("slug");
        QTest::addColumn<bool>("valid");
        QTest::newRow("simple") << u"acme"_s << true;
        QTest::newRow("nested") << u"acme.emea"_s << true;
        QTest::newRow("hyphen") << u"acme-bank.emea-sales"_s << true;
        QTest::newRow("digits") << u"a1.b2"_s << true;
        QTest::newRow("upper case") << u"Acme"_s << false;
        QTest::newRow("space") << u"acme bank"_s << false;
        QTest::newRow("leading hyphen") << u"-acme"_s << false;
        QTest::newRow("trailing hyphen") << u"acme-"_s << false;
        QTest::newRow("empty label") << u"acme..emea"_s << false;
        QTest::newRow("trailing dot") << u"acme."_s << false;
        QTest::newRow("too short") << u"a"_s << false;
        QTest::newRow("too long") << QString(101, u'a') << false;
        QTest::newRow("sql") << u"x'; DROP TABLE tenants;--"_s << false;
        QTest::newRow("non-ascii") << u"münchen"_s << false;
    }

    void slugValidation()
    {
        QFETCH(QString, slug);
        QFETCH(bool, valid);
        const QString reason = validateTenantSlug(slug);
        QCOMPARE(reason.isEmpty(), valid);
        if (!valid)
            QVERIFY2(reason.contains(slug.left(20)) || slug.size() > 100, qPrintable(reason));
    }

    void otherKeysRoundTrip()
    {
        for (EnvironmentKind kind : allEnvironmentKinds)
            QCOMPARE(environmentKindFromKey(environmentKindKey(kind)), std::optional(kind));
        for (UsageMetric metric : allUsageMetrics)
            QCOMPARE(usageMetricFromKey(usageMetricKey(metric)), std::optional(metric));
        for (UserStatus status : {UserStatus::Invited, UserStatus::Active, UserStatus::Disabled})
            QCOMPARE(userStatusFromKey(userStatusKey(status)), std::optional(status));
        for (RoleScope scope : {RoleScope::Platform, RoleScope::Tenant, RoleScope::Environment})
            QCOMPARE(roleScopeFromKey(roleScopeKey(scope)), std::optional(scope));
        QCOMPARE(usageMetricKey(UsageMetric::MemoryGbHours), u"memory_gb_hours"_s);
    }

    void builtInRoles()
    {
        const QList<Role> roles = BuiltInRole::definitions();
        QCOMPARE(roles.size(), 4);
        QCOMPARE(roles[0].name, BuiltInRole::PlatformAdmin);
        QCOMPARE(roles[0].scope, RoleScope::Platform);
        QCOMPARE(roles[0].permissions.size(), Permission::all().size());
        for (const Role& role : roles) {
            QVERIFY(role.builtIn);
            for (const QString& permission : role.permissions)
                QVERIFY2(Permission::isKnown(permission), qPrintable(permission));
        }
        // The viewer reads and never changes anything.
        const Role viewer = roles[3];
        QCOMPARE(viewer.name, BuiltInRole::TenantViewer);
        for (const QString& permission : viewer.permissions)
            QVERIFY2(permission.endsWith(u".read"_s), qPrintable(permission));
    }

    void auditHashCoversEveryField()
    {
        AuditEvent event;
        event.tenantId = 7;
        event.at = QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5, 6), Qt::UTC);
        event.actor = u"ann@example.com"_s;
        event.action = u"tenant.update"_s;
        event.objectType = u"tenant"_s;
        event.objectId = u"acme"_s;
        event.before = QJsonObject{{u"status"_s, u"active"_s}};
        event.after = QJsonObject{{u"status"_s, u"suspended"_s}};
        event.previousHash = "00";
        const QByteArray hash = event.computeHash();
        QCOMPARE(hash.size(), 64);
        QCOMPARE(event.computeHash(), hash); // deterministic
        QList<std::function<void(AuditEvent&)>> tamperings{
            [](AuditEvent& e) { e.tenantId = 8; },
            [](AuditEvent& e) { e.at = e.at.addMSecs(1); },
            [](AuditEvent& e) { e.actor = u"eve@example.com"_s; },
            [](AuditEvent& e) { e.action = u"tenant.delete"_s; },
            [](AuditEvent& e) { e.objectId = u"acme2"_s; },
            [](AuditEvent& e) { e.before = {}; },
            [](AuditEvent& e) { e.after[u"status"_s] = u"active"_s; },
            [](AuditEvent& e) { e.previousHash = "01"; },
        };
        for (const auto& tamper : tamperings) {
            AuditEvent changed = event;
            tamper(changed);
            QVERIFY(changed.computeHash() != hash);
        }
    }

    void storedTimesRoundTrip_data()
    {
        QTest::addColumn<QDateTime>("time");
        QTest::addColumn<QString>("text");
        QTest::newRow("demo anchor") << QDateTime(QDate(2026, 11, 1), QTime(0, 0), Qt::UTC) << u"2026-11-01T00:00:00Z"_s;
        QTest::newRow("end of a leap day") << QDateTime(QDate(2024, 2, 29), QTime(23, 59, 59), Qt::UTC) << u"2024-02-29T23:59:59Z"_s;
        QTest::newRow("before 1970") << QDateTime(QDate(1969, 12, 31), QTime(12, 30, 5), Qt::UTC) << u"1969-12-31T12:30:05Z"_s;
        QTest::newRow("other zone") << QDateTime(QDate(2026, 6, 1), QTime(2, 0), Qt::OffsetFromUTC, 7200) << u"2026-06-01T00:00:00Z"_s;
    }

    void storedTimesRoundTrip()
    {
        QFETCH(QDateTime, time);
        QFETCH(QString, text);
        QCOMPARE(SqlTime::format(time), text);
        QCOMPARE(SqlTime::format(time), time.toUTC().toString(Qt::ISODate));
        QCOMPARE(SqlTime::parse(text), time.toUTC());
        QCOMPARE(SqlTime::format(QDateTime()), QString());
        QVERIFY(!SqlTime::parse(QString()).isValid());
    }

    void schemaHasBothDialects()
    {
        const QList<Migration> sqlite = SqlSchema::migrations(SqlDialect::SQLite);
        const QList<Migration> postgres = SqlSchema::migrations(SqlDialect::PostgreSQL);
        QCOMPARE(sqlite.size(), postgres.size());
        QCOMPARE(SqlSchema::latestVersion(), sqlite.constLast().version);
        for (qsizetype i = 0; i < sqlite.size(); ++i) {
            QCOMPARE(sqlite[i].version, int(i + 1));
            QCOMPARE(postgres[i].version, int(i + 1));
            // PostgreSQL runs every SQLite statement (the same tables and indexes in the same order),
            // and may add its own (row-level security and its index). SQLite alone keeps a trigram
            // index for searching users (FTS5, with its triggers); PostgreSQL searches with ILIKE.
            QStringList shared;
            for (const QString& statement : sqlite[i].statements) {
                if (!statement.contains(u"users_search"_s))
                    shared << statement;
            }
            QVERIFY(postgres[i].statements.size() >= shared.size());
            for (qsizetype j = 0; j < postgres[i].statements.size(); ++j) {
                const QString& statement = postgres[i].statements[j];
                QVERIFY2(!statement.contains(u"{{"_s), qPrintable(statement));
                QVERIFY2(!statement.contains(u"WITHOUT ROWID"_s), qPrintable(statement));
                if (j < shared.size()) {
                    // The same statement but for the JSON type (JSONB there, TEXT here).
                    QCOMPARE(statement.section(u'(', 0, 0).simplified().replace(u"JSONB"_s, u"TEXT"_s),
                             shared[j].section(u'(', 0, 0).simplified());
                } else {
                    QVERIFY2(statement.startsWith(u"ALTER TABLE"_s) || statement.startsWith(u"CREATE POLICY"_s)
                                 || statement.startsWith(u"CREATE INDEX"_s),
                             qPrintable(statement));
                }
            }
        }
        QVERIFY(sqlite.at(4).statements.join(u'\n').contains(u"USING fts5"_s)); // version 5
        QVERIFY(!postgres.at(4).statements.join(u'\n').contains(u"users_search"_s));
        const QString rls = postgres.at(1).statements.join(u'\n'); // version 2
        QVERIFY(rls.contains(u"ALTER TABLE environments FORCE ROW LEVEL SECURITY"_s));
        QVERIFY(!sqlite.constLast().statements.join(u'\n').contains(u"ROW LEVEL SECURITY"_s));
    }
};

QTEST_GUILESS_MAIN(TestDomain)
#include "tst_domain.moc"
