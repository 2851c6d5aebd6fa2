// SqlDemoWriter's multi-row INSERTs, on SQLite (on PostgreSQL it binds arrays instead; the
// postgres suites cover that): every row arrives, references hold, a writer that is not
// committed leaves nothing.
#include "SqlDemoWriter.h"
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

namespace {

qint64 count(const QSqlDatabase& db, const QString& sql)
{
    QSqlQuery query(db);
    if (!query.exec(sql) || !query.next())
        qFatal("%s failed", qPrintable(sql));
    return query.value(0).toLongLong();
}

DemoScale quickScale()
{
    DemoScale scale = DemoScale::small();
    scale.usageDays = 1;
    scale.billingMonths = 1;
    return scale;
}

} // namespace

class TestSqlDemoWriter : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
    }

    void writesEveryRow()
    {
        const QString connection = u"writer"_s;
        const auto close = qScopeGuard([&connection] { SqlSession::close(connection); });
        SqlSession::open(DatabaseLocation::sqlite(m_dir.filePath(u"written.tenantdesk"_s)), OpenMode::CreateIfMissing,
                         connection);
        const QSqlDatabase db = QSqlDatabase::database(connection, false);
        DemoSummary summary;
        {
            SqlDemoWriter writer(db);
            summary = DemoDataGenerator(quickScale()).generate(writer);
            writer.commit();
        }
        QCOMPARE(count(db, u"SELECT count(*) FROM tenants"_s), summary.tenants);
        QCOMPARE(count(db, u"SELECT count(*) FROM environments"_s), summary.environments);
        QCOMPARE(count(db, u"SELECT count(*) FROM users"_s), summary.users);
        QCOMPARE(count(db, u"SELECT count(*) FROM roles"_s), summary.roles);
        QCOMPARE(count(db, u"SELECT count(*) FROM memberships"_s), summary.memberships);
        QCOMPARE(count(db, u"SELECT count(*) FROM audit_events"_s), summary.auditEvents);
        QCOMPARE(count(db, u"SELECT count(*) FROM usage_samples"_s), summary.usageSamples);
        QCOMPARE(count(db, u"SELECT count(*) FROM billing_lines"_s), summary.billingLines);
        QCOMPARE(count(db, u"SELECT count(*) FROM pragma_foreign_key_check"_s), 0);
        // Empty text stays text, and what has no value stays NULL.
        QCOMPARE(count(db, u"SELECT count(*) FROM audit_events WHERE previous_hash IS NULL"_s), 0);
        // Each hash chain (one per tenant) starts with an empty previous hash.
        QCOMPARE(count(db, u"SELECT count(*) FROM audit_events WHERE previous_hash = ''"_s),
                 count(db, u"SELECT count(DISTINCT coalesce(tenant_id, 0)) FROM audit_events"_s));
        QCOMPARE(count(db, u"SELECT count(*) FROM tenants WHERE parent_id IS NULL"_s),
                 SqlSession(db).platformSummary().topLevelTenantCount);

        // What SqliteDemoWriter writes for the same scale reads back the same.
        const SqlSession session(db);
        const Tenant first = session.tenants({.limit = 1}).items.constFirst();
        QCOMPARE(session.tenantSummary(first.id).environments.size(), 4);
        QCOMPARE(first.featureFlags.isEmpty(), false);

        // The billing review has what it needs: roll-ups of every line (the same as built again
        // from the lines), the rule that attributes them by the tenant tag, and a few budgets.
        QCOMPARE(count(db, u"SELECT sum(line_count) FROM billing_rollups"_s), summary.billingLines);
        const auto rollups = [&db] {
            QStringList rows;
            QSqlQuery query(db);
            if (!query.exec(u"SELECT tenant_id, import_id, shared_rule, month, service_name, service_category, "
                            "billing_currency, billed_cost, effective_cost, list_cost, line_count FROM billing_rollups "
                            "ORDER BY 1, 2, 3, 4, 5, 6, 7"_s))
                qFatal("cannot read the roll-ups");
            while (query.next()) {
                QStringList row;
                for (int i = 0; i < 11; ++i)
                    row << query.value(i).toString();
                rows << row.join(u'|');
            }
            return rows;
        };
        const QStringList written = rollups();
        QVERIFY(!written.isEmpty());
        session.rebuildBillingRollups();
        QCOMPARE(rollups(), written);
        const AttributionRules rules = session.attributionRules();
        QCOMPARE(rules.tenantTagKeys, QStringList{u"tenant"_s});
        QCOMPARE(rules.version, qint64(1));
        QVERIFY(session.budgets().size() >= 3);
    }

    void uncommittedWriterLeavesNothing()
    {
        const QString connection = u"abandoned"_s;
        const auto close = qScopeGuard([&connection] { SqlSession::close(connection); });
        SqlSession::open(DatabaseLocation::sqlite(m_dir.filePath(u"abandoned.tenantdesk"_s)), OpenMode::CreateIfMissing,
                         connection);
        const QSqlDatabase db = QSqlDatabase::database(connection, false);
        {
            SqlDemoWriter writer(db);
            int calls = 0;
            DemoDataGenerator(quickScale()).generate(writer, [&calls](double) { return ++calls < 2; });
        }
        QCOMPARE(count(db, u"SELECT count(*) FROM tenants"_s), 0);
        QCOMPARE(count(db, u"SELECT count(*) FROM users"_s), 0);
        QCOMPARE(count(db, u"SELECT count(*) FROM roles"_s), 0);
        QCOMPARE(SqlSession(db).platformSummary().tenantCount, 0);
    }
};

QTEST_GUILESS_MAIN(TestSqlDemoWriter)
#include "tst_sqldemowriter.moc"
