// Tenant isolation below the server: PostgreSQL's row-level security, seen by the role
// tenantdesk-server connects as (tenantdesk_app), through plain SQL and through SqlSession.
#include "PostgresTestSupport.h"
#include "SqlSession.h"
#include "SqlStore.h"
#include "TestSupport.h"

#include <QScopeGuard>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTest>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

namespace {

// The tables that carry tenant_id (for tenants: id) and so are kept apart by row-level security.
const QStringList tenantScopedTables{u"tenants"_s, u"environments"_s, u"roles"_s, u"memberships"_s,
                                     u"audit_events"_s, u"usage_samples"_s, u"billing_lines"_s};
// Tenant-scoped too, with policies of the same shape, but the demo does not fill them for every
// tenant the scope test needs (roll-ups and budgets cover some tenants only): their isolation is
// checked through the billing contract suites on PostgreSQL.
const QStringList billingTables{u"billing_rollups"_s, u"tenant_budgets"_s};

QString tenantColumn(const QString& table)
{
    return table == u"tenants"_s ? u"id"_s : u"tenant_id"_s;
}

QString idList(const QList<TenantId>& ids)
{
    QStringList parts;
    for (TenantId id : ids)
        parts << QString::number(id);
    return parts.join(u',');
}

// One connection and what it runs, each statement in a transaction of its own scope or none.
class Client
{
public:
    explicit Client(const QUrl& url) : m_connection(url) {}

    QSqlDatabase db() const { return m_connection.db(); }

    // Runs `sql` and returns the first column of the first row, or the error it met.
    std::pair<QVariant, QSqlError> run(const QString& sql, int* rowsAffected = nullptr)
    {
        QSqlQuery query(db());
        if (!query.exec(sql))
            return {QVariant(), query.lastError()};
        if (rowsAffected)
            *rowsAffected = query.numRowsAffected();
        return {query.next() ? query.value(0) : QVariant(), QSqlError()};
    }
    QVariant value(const QString& sql)
    {
        auto [value, error] = run(sql);
        if (error.isValid())
            qFatal("%s: %s", qPrintable(sql), qPrintable(error.text()));
        return value;
    }
    qint64 count(const QString& sql) { return value(sql).toLongLong(); }

    // Begins a transaction whose app.tenant_ids is `scope` (for the transaction only).
    void begin(const QString& scope)
    {
        value(u"BEGIN"_s);
        QSqlQuery query(db());
        query.prepare(u"SELECT set_config('app.tenant_ids', ?, true)"_s);
        query.addBindValue(scope);
        if (!query.exec())
            qFatal("set_config failed: %s", qPrintable(query.lastError().text()));
    }
    void rollback() { value(u"ROLLBACK"_s); }
    void commit() { value(u"COMMIT"_s); }

private:
    PostgresConnection m_connection;
};

} // namespace

class TestPostgresRls : public QObject
{
    Q_OBJECT

private:
    QString m_database;
    std::unique_ptr<Client> m_owner; // tenantdesk_owner: migrated the database, owns its tables
    std::unique_ptr<Client> m_app;   // tenantdesk_app: what tenantdesk-server connects as
    Tenant m_a, m_b;                 // two top-level tenants with sub-tenants
    QList<TenantId> m_subtreeA, m_subtreeB;
    TenantId m_childOfA = 0;
    qint64 m_builtInRoles = 0;

    // Rows of `table` whose tenant lies in `ids`, as the platform scope sees them.
    qint64 ownerCount(const QString& table, const QList<TenantId>& ids)
    {
        m_owner->begin(u"*"_s);
        const qint64 n = m_owner->count(u"SELECT count(*) FROM %1 WHERE %2 IN (%3)"_s.arg(table, tenantColumn(table), idList(ids)));
        m_owner->rollback();
        return n;
    }

    QList<TenantId> subtree(const Tenant& root)
    {
        m_owner->begin(u"*"_s);
        QSqlQuery query(m_owner->db());
        query.exec(u"SELECT id FROM tenants WHERE path LIKE '%%/%1/%%' ORDER BY id"_s.arg(root.id));
        QList<TenantId> ids;
        while (query.next())
            ids << query.value(0).toLongLong();
        m_owner->rollback();
        return ids;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        const PostgresCluster& cluster = PostgresCluster::instance();
        m_database = cluster.createDatabase(u"rls"_s);
        {
            SqlStore store(cluster.ownerLocation(m_database));
            await(store.open(OpenMode::CreateIfMissing));
            DemoScale scale = DemoScale::small();
            scale.usageDays = 2;
            scale.billingMonths = 1;
            await(store.generateDemo(scale));
            QList<Tenant> withChildren;
            for (const Tenant& tenant : await(store.tenants({.limit = 500})).items) {
                if (tenant.subTenantCount > 0)
                    withChildren << tenant;
            }
            QVERIFY(withChildren.size() >= 2);
            m_a = withChildren[0];
            m_b = withChildren[1];
            m_childOfA = await(store.tenants({.parentId = m_a.id, .limit = 1})).items.constFirst().id;
        }
        m_owner = std::make_unique<Client>(cluster.ownerUrl(m_database));
        m_app = std::make_unique<Client>(cluster.appUrl(m_database));
        m_subtreeA = subtree(m_a);
        m_subtreeB = subtree(m_b);
        QVERIFY(m_subtreeA.size() > 1);
        QVERIFY(m_subtreeB.size() > 1);

        // Rows the demo may lack: a custom role in each subtree, a platform event and unallocated
        // cost (no tenant), written in the platform scope.
        m_owner->begin(u"*"_s);
        for (TenantId id : {m_subtreeA.last(), m_subtreeB.last()})
            m_owner->value(u"INSERT INTO roles (tenant_id, name, scope) VALUES (%1, 'Auditor %1', 'tenant')"_s.arg(id));
        m_owner->value(u"INSERT INTO audit_events (tenant_id, at, actor, action, object_type, object_id, "
                       "previous_hash, hash) VALUES (NULL, '2026-11-01T00:00:00.000Z', 'system', 'platform.rename', "
                       "'platform', '1', '', '')"_s);
        m_owner->value(u"INSERT INTO billing_lines (tenant_id, billing_period_start, billing_period_end, "
                       "charge_period_start, charge_period_end, charge_category, billed_cost, effective_cost, "
                       "list_cost, billing_currency) VALUES (NULL, '2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z', "
                       "'2026-10-01T00:00:00Z', '2026-10-02T00:00:00Z', 'Usage', '1.000000', '1.000000', "
                       "'1.000000', 'USD')"_s);
        m_builtInRoles = m_owner->count(u"SELECT count(*) FROM roles WHERE tenant_id IS NULL"_s);
        m_owner->commit();
        QVERIFY(m_builtInRoles >= 4);
    }

    void cleanupTestCase()
    {
        m_app.reset();
        m_owner.reset();
    }

    void applicationRoleOwnsNothingAndCannotBypass()
    {
        QCOMPARE(m_app->value(u"SELECT current_user"_s).toString(), u"tenantdesk_app"_s);
        QCOMPARE(m_app->value(u"SELECT rolsuper FROM pg_roles WHERE rolname = current_user"_s).toBool(), false);
        QCOMPARE(m_app->value(u"SELECT rolbypassrls FROM pg_roles WHERE rolname = current_user"_s).toBool(), false);
        QCOMPARE(m_app->count(u"SELECT count(*) FROM pg_tables WHERE tableowner = current_user"_s), 0);
        QCOMPARE(m_app->count(u"SELECT count(*) FROM pg_class WHERE relowner = 'tenantdesk_app'::regrole"_s), 0);
        QVERIFY(m_app->count(u"SELECT count(*) FROM pg_tables WHERE schemaname = 'public' "
                             "AND tableowner = 'tenantdesk_owner'"_s) >= 10);
    }

    void everyTenantScopedTableForcesRowSecurity()
    {
        // Every table with a tenant_id, and tenants itself: no table is forgotten.
        QSqlQuery query(m_app->db());
        QVERIFY(query.exec(u"SELECT c.relname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid "
                           "WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' "
                           "AND a.attname = 'tenant_id' AND NOT a.attisdropped"_s));
        QStringList withTenantId{u"tenants"_s};
        while (query.next())
            withTenantId << query.value(0).toString();
        QStringList expected = tenantScopedTables + billingTables;
        withTenantId.sort();
        expected.sort();
        QCOMPARE(withTenantId, expected);

        for (const QString& table : tenantScopedTables + billingTables) {
            QVERIFY2(m_app->value(u"SELECT relrowsecurity FROM pg_class WHERE oid = 'public.%1'::regclass"_s.arg(table)).toBool(),
                     qPrintable(table));
            QVERIFY2(m_app->value(u"SELECT relforcerowsecurity FROM pg_class WHERE oid = 'public.%1'::regclass"_s.arg(table)).toBool(),
                     qPrintable(table));
            QVERIFY2(m_app->count(u"SELECT count(*) FROM pg_policies WHERE schemaname = 'public' AND tablename = '%1'"_s.arg(table)) >= 1,
                     qPrintable(table));
        }
        // Platform-wide tables carry no tenant and no policy.
        for (const QString& table : {u"users"_s, u"credentials"_s, u"refresh_tokens"_s, u"platform"_s})
            QVERIFY2(!m_app->value(u"SELECT relrowsecurity FROM pg_class WHERE oid = 'public.%1'::regclass"_s.arg(table)).toBool(),
                     qPrintable(table));
    }

    void scopeShowsItsSubtreesOnly_data()
    {
        QTest::addColumn<QString>("table");
        for (const QString& table : tenantScopedTables)
            QTest::newRow(qPrintable(table)) << table;
    }

    void scopeShowsItsSubtreesOnly()
    {
        QFETCH(QString, table);
        const QString column = tenantColumn(table);
        const qint64 rowsOfA = ownerCount(table, m_subtreeA);
        const qint64 rowsOfSubTenantsOfA = ownerCount(table, m_subtreeA.mid(1));
        const qint64 rowsOfB = ownerCount(table, m_subtreeB);
        QVERIFY2(rowsOfA > 0 && rowsOfSubTenantsOfA > 0 && rowsOfB > 0, "the data covers both tenants and A's sub-tenants");
        const qint64 withoutTenant = table == u"roles"_s ? m_builtInRoles : 0;

        m_app->begin(QString::number(m_a.id));
        QCOMPARE(m_app->count(u"SELECT count(*) FROM %1 WHERE %2 IN (%3)"_s.arg(table, column, idList(m_subtreeA))), rowsOfA);
        QCOMPARE(m_app->count(u"SELECT count(*) FROM %1 WHERE %2 IN (%3)"_s.arg(table, column, idList(m_subtreeA.mid(1)))),
                 rowsOfSubTenantsOfA);
        QCOMPARE(m_app->count(u"SELECT count(*) FROM %1 WHERE %2 IN (%3)"_s.arg(table, column, idList(m_subtreeB))), 0);
        QCOMPARE(m_app->count(u"SELECT count(*) FROM %1"_s.arg(table)), rowsOfA + withoutTenant);
        QCOMPARE(m_app->count(u"SELECT count(*) FROM %1 WHERE %2 IS NULL"_s.arg(table, column)), withoutTenant);
        m_app->rollback();

        // A sub-tenant's scope does not reach up to its parent.
        const QList<TenantId> subtreeOfChild = subtree(Tenant{.id = m_childOfA});
        m_app->begin(QString::number(m_childOfA));
        QCOMPARE(m_app->count(u"SELECT count(*) FROM %1 WHERE %2 IS NOT NULL"_s.arg(table, column)),
                 ownerCount(table, subtreeOfChild));
        QCOMPARE(m_app->count(u"SELECT count(*) FROM %1 WHERE %2 = %3"_s.arg(table, column).arg(m_a.id)), 0);
        m_app->rollback();

        // Several roots, and the platform scope, which alone sees rows without a tenant.
        m_app->begin(u"%1,%2"_s.arg(m_b.id).arg(m_a.id));
        QCOMPARE(m_app->count(u"SELECT count(*) FROM %1"_s.arg(table)), rowsOfA + rowsOfB + withoutTenant);
        m_app->rollback();
        m_owner->begin(u"*"_s);
        const qint64 all = m_owner->count(u"SELECT count(*) FROM %1"_s.arg(table));
        m_owner->rollback();
        m_app->begin(u"*"_s);
        QCOMPARE(m_app->count(u"SELECT count(*) FROM %1"_s.arg(table)), all);
        if (table == u"audit_events"_s || table == u"billing_lines"_s)
            QCOMPARE(m_app->count(u"SELECT count(*) FROM %1 WHERE tenant_id IS NULL"_s.arg(table)), 1);
        m_app->rollback();
    }

    void writesOutsideTheScopeAreRefused_data()
    {
        // %1: the tenant the row is for; %2: that tenant's path. Refused for B (or no tenant) in
        // A's scope; the same row for A is accepted (for no tenant: in the platform scope).
        QTest::addColumn<QString>("sql");
        QTest::addColumn<bool>("withoutTenant");
        QTest::newRow("sub-tenant") << u"INSERT INTO tenants (id, parent_id, path, depth, slug, display_name, status, "
            "timezone, language, created_at, updated_at) VALUES (999999, %1, '%2999999/', 1, 'probe-%1', 'Probe', "
            "'requested', 'UTC', 'en', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z')"_s << false;
        QTest::newRow("top-level tenant") << u"INSERT INTO tenants (id, parent_id, path, depth, slug, display_name, "
            "status, timezone, language, created_at, updated_at) VALUES (999999, NULL, '/999999/', 0, 'probe', 'Probe', "
            "'requested', 'UTC', 'en', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z')"_s << true;
        QTest::newRow("environment") << u"INSERT INTO environments (tenant_id, name, kind, created_at) "
            "VALUES (%1, 'Probe', 'sandbox', '2026-11-01T00:00:00Z')"_s << false;
        QTest::newRow("custom role") << u"INSERT INTO roles (tenant_id, name, scope) VALUES (%1, 'Probe', 'tenant')"_s << false;
        QTest::newRow("built-in role") << u"INSERT INTO roles (tenant_id, name, scope, built_in) "
            "VALUES (NULL, 'Probe', 'platform', 1)"_s << true;
        QTest::newRow("membership") << u"INSERT INTO memberships (tenant_id, user_id, environment_id, role_id) "
            "VALUES (%1, (SELECT min(id) FROM users), 999999, (SELECT min(id) FROM roles WHERE tenant_id IS NULL))"_s << false;
        QTest::newRow("usage sample") << u"INSERT INTO usage_samples (tenant_id, environment_id, metric, at, value) "
            "VALUES (%1, 0, 'api_calls', 0, 1)"_s << false;
        QTest::newRow("audit event") << u"INSERT INTO audit_events (tenant_id, at, actor, action, object_type, object_id, "
            "previous_hash, hash) VALUES (%1, '2026-11-01T00:00:00.000Z', 'probe', 'tenant.update', 'tenant', 'x', '', '')"_s << false;
        QTest::newRow("platform audit event") << u"INSERT INTO audit_events (tenant_id, at, actor, action, object_type, "
            "object_id, previous_hash, hash) VALUES (NULL, '2026-11-01T00:00:00.000Z', 'probe', 'platform.update', "
            "'platform', '1', '', '')"_s << true;
        QTest::newRow("billing line") << u"INSERT INTO billing_lines (tenant_id, billing_period_start, billing_period_end, "
            "charge_period_start, charge_period_end, charge_category, billed_cost, effective_cost, list_cost, "
            "billing_currency) VALUES (%1, 'a', 'b', 'c', 'd', 'Usage', '1', '1', '1', 'USD')"_s << false;
        QTest::newRow("unallocated billing line") << u"INSERT INTO billing_lines (tenant_id, billing_period_start, "
            "billing_period_end, charge_period_start, charge_period_end, charge_category, billed_cost, effective_cost, "
            "list_cost, billing_currency) VALUES (NULL, 'a', 'b', 'c', 'd', 'Usage', '1', '1', '1', 'USD')"_s << true;
        QTest::newRow("environment moved to another tenant") << u"UPDATE environments SET tenant_id = %1 "
            "WHERE id = (SELECT min(id) FROM environments)"_s << false;
        QTest::newRow("tenant moved under another tenant") << u"UPDATE tenants SET path = '%2' || id || '/' "
            "WHERE id = (SELECT max(id) FROM tenants)"_s << false;
    }

    void writesOutsideTheScopeAreRefused()
    {
        QFETCH(QString, sql);
        QFETCH(bool, withoutTenant);
        const QString scopeA = QString::number(m_a.id);
        const auto rowFor = [&sql](const Tenant& tenant) {
            return QString(sql).replace(u"%1"_s, QString::number(tenant.id))
                .replace(u"%2"_s, u"/%1/"_s.arg(tenant.id));
        };

        m_app->begin(scopeA);
        const auto [value, error] = m_app->run(rowFor(m_b));
        m_app->rollback();
        QVERIFY2(error.isValid(), "the write was accepted");
        QCOMPARE(error.nativeErrorCode(), u"42501"_s);
        QVERIFY2(error.databaseText().contains(u"row-level security"_s), qPrintable(error.databaseText()));

        // The same row within the scope is accepted, so the refusal above is the policy's doing.
        m_app->begin(withoutTenant ? u"*"_s : scopeA);
        int rows = 0;
        const auto [acceptedValue, acceptedError] = m_app->run(rowFor(m_a), &rows);
        m_app->rollback();
        QVERIFY2(!acceptedError.isValid(), qPrintable(acceptedError.text()));
        QCOMPARE(rows, 1);
    }

    void updatesAndDeletesOutsideTheScopeTouchNothing_data()
    {
        QTest::addColumn<QString>("table");
        QTest::addColumn<QString>("assignment");
        QTest::newRow("tenants") << u"tenants"_s << u"version = version + 1"_s;
        QTest::newRow("environments") << u"environments"_s << u"name = name || '!'"_s;
        QTest::newRow("roles") << u"roles"_s << u"description = 'changed'"_s;
        QTest::newRow("memberships") << u"memberships"_s << u"environment_id = environment_id"_s;
        // audit_events: tenantdesk_app may not update or delete any (auditTrailIsAppendOnlyForTheApplicationRole).
        QTest::newRow("usage_samples") << u"usage_samples"_s << u"value = 0"_s;
        QTest::newRow("billing_lines") << u"billing_lines"_s << u"billed_cost = '0'"_s;
    }

    void updatesAndDeletesOutsideTheScopeTouchNothing()
    {
        QFETCH(QString, table);
        QFETCH(QString, assignment);
        const QString column = tenantColumn(table);
        const qint64 rowsOfB = ownerCount(table, m_subtreeB);
        const qint64 rowsOfA = ownerCount(table, m_subtreeA);
        m_app->begin(QString::number(m_a.id));
        int rows = -1;
        QVERIFY(!m_app->run(u"UPDATE %1 SET %2 WHERE %3 IN (%4)"_s.arg(table, assignment, column, idList(m_subtreeB)), &rows)
                     .second.isValid());
        QCOMPARE(rows, 0);
        // An update of every row reaches the scope's own rows only (and so the test can fail).
        QVERIFY(!m_app->run(u"UPDATE %1 SET %2"_s.arg(table, assignment), &rows).second.isValid());
        QCOMPARE(qint64(rows), rowsOfA);
        m_app->rollback();
        m_app->begin(QString::number(m_a.id));
        QVERIFY(!m_app->run(u"DELETE FROM %1 WHERE %2 IN (%3)"_s.arg(table, column, idList(m_subtreeB)), &rows).second.isValid());
        QCOMPARE(rows, 0);
        m_app->rollback();
        QCOMPARE(ownerCount(table, m_subtreeB), rowsOfB);
    }

    void withoutAScopeNothingIsVisible()
    {
        // A new connection has never set app.tenant_ids.
        Client fresh(PostgresCluster::instance().appUrl(m_database));
        for (const QString& table : tenantScopedTables) {
            QCOMPARE(fresh.count(u"SELECT count(*) FROM %1 WHERE %2 IS NOT NULL"_s.arg(table, tenantColumn(table))), 0);
            QCOMPARE(fresh.count(u"SELECT count(*) FROM %1"_s.arg(table)), table == u"roles"_s ? m_builtInRoles : 0);
        }
        // A scope set for one transaction is gone after it, committed or not: a pooled
        // connection does not carry it to the next caller.
        fresh.begin(QString::number(m_a.id));
        QVERIFY(fresh.count(u"SELECT count(*) FROM tenants"_s) > 0);
        fresh.commit();
        QCOMPARE(fresh.count(u"SELECT count(*) FROM tenants"_s), 0);
        QCOMPARE(fresh.count(u"SELECT count(*) FROM environments"_s), 0);
        // An empty scope sees nothing; a malformed one fails instead of showing anything.
        fresh.begin(QString());
        QCOMPARE(fresh.count(u"SELECT count(*) FROM tenants"_s), 0);
        fresh.rollback();
        fresh.begin(u"%1 OR true"_s.arg(m_a.id));
        const auto [value, error] = fresh.run(u"SELECT count(*) FROM tenants"_s);
        fresh.rollback();
        QVERIFY(error.isValid());
        QCOMPARE(error.nativeErrorCode(), u"22P02"_s); // invalid_text_representation
    }

    void rowSecurityCannotBeSwitchedOff()
    {
        Client app(PostgresCluster::instance().appUrl(m_database));
        QVERIFY(!app.run(u"SET row_security = off"_s).second.isValid());
        app.begin(QString::number(m_a.id));
        const auto [value, error] = app.run(u"SELECT count(*) FROM tenants"_s);
        app.rollback();
        QCOMPARE(error.nativeErrorCode(), u"42501"_s); // "query would be affected by row-level security policy"
        for (const QString& sql : {u"ALTER TABLE tenants DISABLE ROW LEVEL SECURITY"_s,
                                   u"ALTER TABLE tenants NO FORCE ROW LEVEL SECURITY"_s,
                                   u"DROP POLICY tenant_scope ON environments"_s}) {
            const auto [ignored, refused] = app.run(sql);
            QVERIFY2(refused.isValid(), qPrintable(sql));
            QCOMPARE(refused.nativeErrorCode(), u"42501"_s); // must be owner
        }
    }

    void auditTrailIsAppendOnlyForTheApplicationRole()
    {
        const auto privilege = [this](const char* right) {
            return m_app->value(u"SELECT has_table_privilege(current_user, 'public.audit_events', '%1')"_s
                                    .arg(QLatin1StringView(right))).toBool();
        };
        QVERIFY(privilege("SELECT"));
        QVERIFY(privilege("INSERT"));
        QVERIFY(!privilege("UPDATE"));
        QVERIFY(!privilege("DELETE"));
        QVERIFY(!privilege("TRUNCATE"));

        const qint64 before = ownerCount(u"audit_events"_s, m_subtreeA);
        QVERIFY(before > 0);
        // Even in the platform scope, where row-level security lets every row through.
        for (const QString& sql : {u"UPDATE audit_events SET actor = 'mallory', hash = '' WHERE tenant_id = %1"_s.arg(m_a.id),
                                   u"DELETE FROM audit_events WHERE tenant_id = %1"_s.arg(m_a.id),
                                   u"TRUNCATE audit_events"_s}) {
            m_app->begin(u"*"_s);
            const auto [ignored, error] = m_app->run(sql);
            m_app->rollback();
            QVERIFY2(error.isValid(), qPrintable(sql));
            QCOMPARE(error.nativeErrorCode(), u"42501"_s); // permission denied for table audit_events
        }
        QCOMPARE(ownerCount(u"audit_events"_s, m_subtreeA), before);

        // What the server writes still goes in: a change appends its event to the tenant's chain.
        const QString connection = u"rls-audit"_s;
        SqlSession::connect(PostgresCluster::instance().appLocation(m_database), connection);
        const auto closeConnection = qScopeGuard([&connection] { SqlSession::close(connection); });
        SqlSession session(QSqlDatabase::database(connection, false), TenantScope::subtrees({m_a.id}));
        session.setActor(u"ann@a.test"_s);
        const Tenant tenant = session.tenant(m_childOfA);
        TenantChange change;
        change.language = tenant.language == u"fr"_s ? u"de"_s : u"fr"_s;
        QCOMPARE(session.updateTenant(tenant.id, change, tenant.version).version, tenant.version + 1);
        const Page<AuditEvent> events = session.auditEvents({.tenantId = tenant.id, .limit = 2});
        QVERIFY(events.items.size() == 2);
        QCOMPARE(events.items[0].actor, u"ann@a.test"_s);
        QCOMPARE(events.items[0].previousHash, events.items[1].hash);
        QCOMPARE(events.items[0].hash, events.items[0].computeHash());
        QCOMPARE(ownerCount(u"audit_events"_s, m_subtreeA), before + 1);
    }

    void sqlSessionReadsInItsScope()
    {
        const QString connection = u"rls-session"_s;
        SqlSession::connect(PostgresCluster::instance().appLocation(m_database), connection);
        const auto closeConnection = qScopeGuard([&connection] { SqlSession::close(connection); });
        const QSqlDatabase db = QSqlDatabase::database(connection, false);

        const SqlSession scoped(db, TenantScope::subtrees({m_a.id}));
        QVERIFY(scoped.enforcesScope());
        const Page<Tenant> topLevel = scoped.tenants({.limit = 500});
        QCOMPARE(topLevel.items.size(), 1);
        QCOMPARE(topLevel.items[0].id, m_a.id);
        const PlatformSummary summary = scoped.platformSummary();
        QCOMPARE(summary.tenantCount, int(m_subtreeA.size()));
        QCOMPARE(summary.topLevelTenantCount, 1);
        QCOMPARE(summary.environmentCount, 4 * int(m_subtreeA.size()));
        QCOMPARE(scoped.tenantSummary(m_childOfA).ancestors.size(), 1);
        try {
            scoped.tenant(m_b.id);
            QFAIL("a tenant outside the scope was read");
        } catch (const StoreError& error) {
            QCOMPARE(error.code(), ErrorCode::NotFound);
        }
        QVERIFY(scoped.searchTenants(m_b.slug, 50).matches.isEmpty());
        // What belongs to a tenant outside the scope is asked about a tenant that is not there.
        const auto notFound = [](const auto& read) {
            try {
                read();
            } catch (const StoreError& error) {
                return error.code() == ErrorCode::NotFound;
            }
            return false;
        };
        QVERIFY(notFound([&] { return scoped.environments(m_b.id); }));
        QVERIFY(notFound([&] { return scoped.users({.tenantId = m_b.id, .limit = 100}); }));
        QVERIFY(notFound([&] { return scoped.memberships({.tenantId = m_b.id, .limit = 100}); }));
        QVERIFY(!scoped.users({.tenantId = m_a.id, .limit = 100}).items.isEmpty());

        // Several reads in one transaction, and a failure inside rolls it back.
        const auto [count, name] = scoped.transaction([&] {
            return std::pair{scoped.tenants({.parentId = m_a.id, .limit = 500}).items.size(),
                             scoped.tenant(m_a.id).displayName};
        });
        QCOMPARE(int(count), m_a.subTenantCount);
        QCOMPARE(name, m_a.displayName);
        QVERIFY(!scoped.inTransaction());
        QVERIFY_THROWS_EXCEPTION(StoreError, scoped.transaction([&] { return scoped.tenant(m_b.id); }));
        QVERIFY(!scoped.inTransaction());

        const SqlSession platform(db, TenantScope::allTenants());
        QVERIFY(platform.platformSummary().tenantCount > summary.tenantCount);
        QCOMPARE(platform.tenant(m_b.id).id, m_b.id);
        QCOMPARE(SqlSession(db, TenantScope()).platformSummary().tenantCount, 0);

        // Nothing of those scopes stayed on the connection.
        QSqlQuery query(db);
        QVERIFY(query.exec(u"SELECT count(*) FROM tenants"_s) && query.next());
        QCOMPARE(query.value(0).toInt(), 0);
    }
};

QTEST_GUILESS_MAIN(TestPostgresRls)
#include "tst_postgres_rls.moc"
