#include "PostgresTestSupport.h"
#include "SqlSchema.h"
#include "SqlStore.h"
#include "TestSupport.h"

#include <QElapsedTimer>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

namespace {

QStringList tablesOf(PostgresConnection& connection)
{
    QSqlQuery query(connection.db());
    if (!query.exec(u"SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"_s))
        qFatal("listing tables failed");
    QStringList tables;
    while (query.next())
        tables << query.value(0).toString();
    return tables;
}

// Every tenant of a store, walking the tree page by page as the tree view does.
QList<Tenant> allTenants(SqlStore& store, TenantSort sort, Qt::SortOrder order, int pageSize)
{
    QList<Tenant> result;
    QList<TenantId> parents{0};
    while (!parents.isEmpty()) {
        const TenantId parent = parents.takeFirst();
        TenantQuery query{.parentId = parent, .sort = sort, .order = order, .limit = pageSize};
        do {
            const Page<Tenant> page = await(store.tenants(query));
            for (const Tenant& tenant : page.items) {
                result.append(tenant);
                if (tenant.subTenantCount > 0)
                    parents.append(tenant.id);
            }
            query.cursor = page.nextCursor;
        } while (!query.cursor.isEmpty());
    }
    return result;
}

QList<User> allUsers(SqlStore& store, UserQuery query)
{
    QList<User> users;
    do {
        const Page<User> page = await(store.users(query));
        users += page.items;
        query.cursor = page.nextCursor;
    } while (!query.cursor.isEmpty());
    return users;
}

} // namespace

class TestSqlStorePostgres : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<SqlStore> m_sqlite;   // the small demo fixture
    std::unique_ptr<SqlStore> m_postgres; // the same demo, generated into PostgreSQL
    QString m_demoDatabase;

    const PostgresCluster& cluster() const { return PostgresCluster::instance(); }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        m_sqlite = std::make_unique<SqlStore>(copyFixture(smallDemoFixture(), m_dir));
        await(m_sqlite->open(OpenMode::OpenExisting));

        m_demoDatabase = cluster().createDatabase(u"sqlstore_demo"_s);
        m_postgres = std::make_unique<SqlStore>(cluster().ownerLocation(m_demoDatabase));
        const StoreInfo info = await(m_postgres->open(OpenMode::CreateIfMissing));
        QVERIFY(info.created);
        // The small demo, with two days of usage instead of ninety: the generator writes usage
        // and billing last, so every tenant, user, role and membership is the fixture's, and
        // none of what is compared below reads usage.
        DemoScale scale = DemoScale::small();
        scale.usageDays = 2;
        QElapsedTimer timer;
        timer.start();
        const DemoSummary summary = await(m_postgres->generateDemo(scale));
        qInfo("Generated the demo into PostgreSQL in %lld ms (%lld usage samples, %d billing lines)", timer.elapsed(),
              summary.usageSamples, summary.billingLines);
        QCOMPARE(summary.tenants, DemoScale::small().tenants);
        QCOMPARE(summary.users, DemoScale::small().users);
    }

    void cleanupTestCase()
    {
        m_sqlite.reset();
        m_postgres.reset();
    }

    void createsMigratesAndReopens()
    {
        const QString database = cluster().createDatabase(u"created"_s);
        const DatabaseLocation location = cluster().ownerLocation(database);
        QVERIFY(!location.shown().contains(cluster().ownerPassword()));
        {
            SqlStore store(location);
            QVERIFY(store.displayName().startsWith(u"PostgreSQL — postgresql://tenantdesk_owner@127.0.0.1:"_s));
            QVERIFY(!store.displayName().contains(cluster().ownerPassword()));
            const StoreInfo info = await(store.open(OpenMode::CreateIfMissing));
            QVERIFY(info.created);
            QCOMPARE(info.backend, u"PostgreSQL"_s);
            QVERIFY2(info.engineVersion.startsWith(u"PostgreSQL 15."_s), qPrintable(info.engineVersion));
            QCOMPARE(info.schemaVersion, SqlSchema::latestVersion());
            QVERIFY(!info.location.contains(cluster().ownerPassword()));
            const PlatformSummary summary = await(store.platformSummary());
            QCOMPARE(summary.tenantCount, 0);
            QCOMPARE(summary.schemaVersion, SqlSchema::latestVersion());
        }
        PostgresConnection raw(cluster().ownerUrl(database));
        QCOMPARE(raw.scalar(u"SELECT count(*) FROM schema_migrations"_s).toInt(), SqlSchema::latestVersion());
        const QString appliedAt = raw.scalar(u"SELECT max(applied_at) FROM schema_migrations"_s).toString();
        const QStringList tables = tablesOf(raw);
        QVERIFY(tables.contains(u"credentials"_s));
        QVERIFY(tables.contains(u"refresh_tokens"_s));
        // The tables belong to the role that migrated, and the application role may use them.
        QCOMPARE(raw.scalar(u"SELECT count(*) FROM pg_tables WHERE schemaname = 'public' "
                            "AND tableowner <> 'tenantdesk_owner'"_s).toInt(), 0);
        QVERIFY(raw.scalar(u"SELECT has_table_privilege('tenantdesk_app', 'public.environments', 'INSERT')"_s).toBool());
        QVERIFY(!raw.scalar(u"SELECT has_table_privilege('tenantdesk_app', 'public.schema_migrations', 'INSERT')"_s).toBool());
        QVERIFY(raw.scalar(u"SELECT has_sequence_privilege('tenantdesk_app', "
                           "pg_get_serial_sequence('public.tenants', 'id'), 'USAGE')"_s).toBool());

        // Reopening migrates nothing.
        SqlStore again(location);
        const StoreInfo info = await(again.open(OpenMode::OpenExisting));
        QVERIFY(!info.created);
        QCOMPARE(raw.scalar(u"SELECT count(*) FROM schema_migrations"_s).toInt(), SqlSchema::latestVersion());
        QCOMPARE(raw.scalar(u"SELECT max(applied_at) FROM schema_migrations"_s).toString(), appliedAt);
        QCOMPARE(tablesOf(raw), tables);
    }

    void badDatabasesAreRefusedUntouched_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<OpenMode>("mode");
        QTest::addColumn<QString>("cause");
        QTest::newRow("empty, opened as existing") << u"empty"_s << OpenMode::OpenExisting << u"empty PostgreSQL database"_s;
        QTest::newRow("another application's") << u"foreign"_s << OpenMode::CreateIfMissing << u"another application"_s;
        QTest::newRow("another framework's migrations") << u"framework"_s << OpenMode::CreateIfMissing << u"another application"_s;
        QTest::newRow("newer schema") << u"newer"_s << OpenMode::OpenExisting << u"newer TenantDesk"_s;
    }

    void badDatabasesAreRefusedUntouched()
    {
        QFETCH(QString, kind);
        QFETCH(OpenMode, mode);
        QFETCH(QString, cause);
        const QString database = cluster().createDatabase(kind);
        PostgresConnection raw(cluster().ownerUrl(database));
        if (kind == u"foreign"_s) {
            raw.scalar(u"CREATE TABLE foo (id INTEGER PRIMARY KEY, name TEXT)"_s);
            raw.scalar(u"INSERT INTO foo VALUES (1, 'bar')"_s);
        } else if (kind == u"framework"_s) {
            raw.scalar(u"CREATE TABLE schema_migrations (version TEXT PRIMARY KEY)"_s);
            raw.scalar(u"CREATE TABLE platform (id INTEGER PRIMARY KEY)"_s);
            raw.scalar(u"INSERT INTO schema_migrations VALUES ('20240101000000')"_s);
        } else if (kind == u"newer"_s) {
            SqlStore store(cluster().ownerLocation(database));
            await(store.open(OpenMode::CreateIfMissing));
            raw.scalar(u"INSERT INTO schema_migrations VALUES (%1, 'from the future', '2030-01-01T00:00:00Z')"_s
                           .arg(SqlSchema::latestVersion() + 1));
        }
        const QStringList tablesBefore = tablesOf(raw);
        const QString catalogBefore = raw.scalar(u"SELECT string_agg(relname || ':' || relkind::text, ',' ORDER BY relname) "
                                                 "FROM pg_class WHERE relnamespace = 'public'::regnamespace"_s).toString();

        SqlStore store(cluster().ownerLocation(database));
        const auto error = awaitError(store.open(mode));
        QVERIFY(error);
        QCOMPARE(error->code(), ErrorCode::Unsupported);
        QVERIFY2(error->message().contains(cause), qPrintable(error->message()));
        QVERIFY2(error->message().contains(u"127.0.0.1"_s), qPrintable(error->message()));
        QVERIFY(!error->fullMessage().contains(cluster().ownerPassword()));
        QCOMPARE(tablesOf(raw), tablesBefore);
        QCOMPARE(raw.scalar(u"SELECT string_agg(relname || ':' || relkind::text, ',' ORDER BY relname) "
                            "FROM pg_class WHERE relnamespace = 'public'::regnamespace"_s).toString(), catalogBefore);
        if (kind == u"foreign"_s)
            QCOMPARE(raw.scalar(u"SELECT name FROM foo WHERE id = 1"_s).toString(), u"bar"_s);
        QCOMPARE(awaitError(store.platformSummary())->code(), ErrorCode::Unavailable);
    }

    void unreachableOrRefusedServerIsReported_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("wrong password") << u"password"_s;
        QTest::newRow("closed port") << u"port"_s;
        QTest::newRow("missing database") << u"database"_s;
    }

    void unreachableOrRefusedServerIsReported()
    {
        QFETCH(QString, kind);
        QUrl url = cluster().ownerUrl();
        const QString wrongPassword = u"not-the-password-7f3a"_s;
        if (kind == u"password"_s)
            url.setPassword(wrongPassword);
        else if (kind == u"port"_s)
            url.setPort(1); // nothing listens on a privileged port here
        else
            url.setPath(u"/no_such_database"_s);
        SqlStore store(DatabaseLocation::parse(url.toString()));
        const auto error = awaitError(store.open(OpenMode::CreateIfMissing));
        QVERIFY(error);
        if (kind == u"password"_s)
            QCOMPARE(error->code(), ErrorCode::Forbidden);
        else if (kind == u"port"_s)
            QCOMPARE(error->code(), ErrorCode::Unavailable);
        else
            QCOMPARE(error->code(), ErrorCode::NotFound);
        QVERIFY2(error->message().contains(u"postgresql://tenantdesk_owner@127.0.0.1:"_s), qPrintable(error->message()));
        for (const QString& secret : {wrongPassword, cluster().ownerPassword()})
            QVERIFY2(!error->fullMessage().contains(secret), qPrintable(error->fullMessage()));
    }

    void sameResultsAsSqlite()
    {
        const PlatformSummary sqliteSummary = await(m_sqlite->platformSummary());
        const PlatformSummary postgresSummary = await(m_postgres->platformSummary());
        QCOMPARE(postgresSummary.name, sqliteSummary.name);
        QCOMPARE(postgresSummary.tenantCount, sqliteSummary.tenantCount);
        QCOMPARE(postgresSummary.topLevelTenantCount, sqliteSummary.topLevelTenantCount);
        QCOMPARE(postgresSummary.environmentCount, sqliteSummary.environmentCount);
        QCOMPARE(postgresSummary.userCount, sqliteSummary.userCount);
        QCOMPARE(postgresSummary.roleCount, sqliteSummary.roleCount);
        QCOMPARE(postgresSummary.schemaVersion, sqliteSummary.schemaVersion);
        QCOMPARE(postgresSummary.tenantsByStatus, sqliteSummary.tenantsByStatus);
        QCOMPARE(await(m_postgres->platform()).name, await(m_sqlite->platform()).name);
        QCOMPARE(await(m_postgres->platform()).createdAt, await(m_sqlite->platform()).createdAt);
    }

    void sameTenantPages_data()
    {
        QTest::addColumn<TenantSort>("sort");
        QTest::addColumn<Qt::SortOrder>("order");
        QTest::newRow("name ascending") << TenantSort::DisplayName << Qt::AscendingOrder;
        QTest::newRow("name descending") << TenantSort::DisplayName << Qt::DescendingOrder;
        QTest::newRow("slug ascending") << TenantSort::Slug << Qt::AscendingOrder;
        QTest::newRow("status descending") << TenantSort::Status << Qt::DescendingOrder;
        QTest::newRow("created ascending") << TenantSort::CreatedAt << Qt::AscendingOrder;
    }

    void sameTenantPages()
    {
        QFETCH(TenantSort, sort);
        QFETCH(Qt::SortOrder, order);
        // Pages of 2 follow the cursor through every level of the tree.
        const QList<Tenant> sqlite = allTenants(*m_sqlite, sort, order, 2);
        const QList<Tenant> postgres = allTenants(*m_postgres, sort, order, 2);
        QCOMPARE(sqlite.size(), DemoScale::small().tenants);
        QCOMPARE(postgres.size(), sqlite.size());
        for (qsizetype i = 0; i < sqlite.size(); ++i)
            QCOMPARE(postgres[i], sqlite[i]); // every field, in the same order
        // A cursor from one backend's page is understood by the other.
        const Page<Tenant> first = await(m_sqlite->tenants({.sort = sort, .order = order, .limit = 2}));
        const Page<Tenant> second = await(m_postgres->tenants({.sort = sort, .order = order, .limit = 2,
                                                               .cursor = first.nextCursor}));
        QCOMPARE(second.items.constFirst(), sqlite[2]);
    }

    void sameSummaries()
    {
        const QList<Tenant> tenants = allTenants(*m_sqlite, TenantSort::DisplayName, Qt::AscendingOrder, 100);
        for (const Tenant& tenant : tenants) {
            const TenantSummary sqlite = await(m_sqlite->tenantSummary(tenant.id));
            const TenantSummary postgres = await(m_postgres->tenantSummary(tenant.id));
            QCOMPARE(postgres.tenant, sqlite.tenant);
            QCOMPARE(postgres.ancestors, sqlite.ancestors);
            QCOMPARE(postgres.environments, sqlite.environments);
            QCOMPARE(postgres.memberCount, sqlite.memberCount);
            QCOMPARE(await(m_postgres->tenantBySlug(tenant.slug)), await(m_sqlite->tenantBySlug(tenant.slug)));
            QCOMPARE(await(m_postgres->environments(tenant.id)), sqlite.environments);
            const EnvironmentSummary environment = await(m_postgres->environmentSummary(sqlite.environments[0].id));
            const EnvironmentSummary expected = await(m_sqlite->environmentSummary(sqlite.environments[0].id));
            QCOMPARE(environment.environment, expected.environment);
            QCOMPARE(environment.tenant, expected.tenant);
            QCOMPARE(environment.memberCount, expected.memberCount);
            QCOMPARE(allUsers(*m_postgres, {.tenantId = tenant.id, .limit = 7}),
                     allUsers(*m_sqlite, {.tenantId = tenant.id, .limit = 7}));
        }
        QCOMPARE(awaitError(m_postgres->tenant(999999))->code(), ErrorCode::NotFound);
        QCOMPARE(awaitError(m_postgres->tenantBySlug(u"' OR 1=1 --"_s))->code(), ErrorCode::NotFound);
        QCOMPARE(awaitError(m_postgres->environmentSummary(999999))->code(), ErrorCode::NotFound);
    }

    void sameSearches_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("limit");
        QTest::newRow("one letter") << u"a"_s << 500;
        QTest::newRow("one letter, limited") << u"a"_s << 3;
        QTest::newRow("upper case") << u"CO"_s << 50;
        QTest::newRow("a slug piece") << u"a.e"_s << 50;
        QTest::newRow("percent") << u"%"_s << 50;
        QTest::newRow("underscore") << u"_"_s << 50;
        QTest::newRow("backslash") << u"\\"_s << 50;
        QTest::newRow("quote") << u"'s"_s << 50;
        QTest::newRow("blank") << u"  "_s << 50;
    }

    void sameSearches()
    {
        QFETCH(QString, text);
        QFETCH(int, limit);
        const TenantSearchResult sqlite = await(m_sqlite->searchTenants(text, limit));
        const TenantSearchResult postgres = await(m_postgres->searchTenants(text, limit));
        QCOMPARE(postgres.matches, sqlite.matches);
        QCOMPARE(postgres.truncated, sqlite.truncated);
        QCOMPARE(postgres.ancestors.size(), sqlite.ancestors.size());
        for (const Tenant& ancestor : sqlite.ancestors)
            QVERIFY(postgres.ancestors.contains(ancestor));
    }

    void sameUsers_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("all") << QString();
        QTest::newRow("a name piece") << u"an"_s;
        QTest::newRow("upper case") << u"AN"_s;
        QTest::newRow("a domain") << u"@"_s;
        QTest::newRow("percent") << u"%"_s;
    }

    void sameUsers()
    {
        QFETCH(QString, text);
        const QList<User> sqlite = allUsers(*m_sqlite, {.text = text, .limit = 37});
        QCOMPARE(allUsers(*m_postgres, {.text = text, .limit = 37}), sqlite);
        if (text.isEmpty())
            QCOMPARE(sqlite.size(), DemoScale::small().users);
    }

    void sameMembershipsRolesAndAudit()
    {
        const QList<Tenant> tenants = allTenants(*m_sqlite, TenantSort::Slug, Qt::AscendingOrder, 100);
        for (const Tenant& tenant : tenants) {
            QList<MembershipEntry> sqlite, postgres;
            for (auto [store, into] : {std::pair{m_sqlite.get(), &sqlite}, std::pair{m_postgres.get(), &postgres}}) {
                MembershipQuery query{.tenantId = tenant.id, .limit = 5};
                do {
                    const Page<MembershipEntry> page = await(store->memberships(query));
                    *into += page.items;
                    query.cursor = page.nextCursor;
                } while (!query.cursor.isEmpty());
            }
            QCOMPARE(postgres, sqlite);
            QCOMPARE(await(m_postgres->roles(tenant.id)), await(m_sqlite->roles(tenant.id)));
            const AuditQuery audit{.tenantId = tenant.id, .limit = 100};
            QCOMPARE(await(m_postgres->auditEvents(audit)).items, await(m_sqlite->auditEvents(audit)).items);
        }
        QCOMPARE(await(m_postgres->roles(0)), await(m_sqlite->roles(0)));
    }

    void usageAndBillingReadBack()
    {
        // Not compared with the fixture: this demo has two days of usage, whose random draws
        // also shape the billing lines that follow them.
        const Tenant tenant = await(m_postgres->tenants({.limit = 1})).items.constFirst();
        const QDateTime end = DemoScale::small().anchor;
        const QList<UsageSample> samples = await(m_postgres->usage({.tenantId = tenant.id, .metric = UsageMetric::ApiCalls,
                                                                     .from = end.addDays(-2), .to = end}));
        QCOMPARE(samples.size(), 2 * 24 * tenant.environmentCount);
        for (const UsageSample& sample : samples)
            QVERIFY(sample.value >= 0 && sample.at >= end.addDays(-2) && sample.at < end);
        const QList<BillingSummaryRow> billing = await(m_postgres->billingSummary({.tenantId = tenant.id}));
        QVERIFY(!billing.isEmpty());
        for (const BillingSummaryRow& row : billing)
            QCOMPARE(row.tenantId, tenant.id);
    }

    void updateTenantIsVersionedAndAudited()
    {
        const QString database = cluster().createDatabase(u"updated"_s);
        SqlStore store(cluster().ownerLocation(database));
        await(store.open(OpenMode::CreateIfMissing));
        DemoScale scale = DemoScale::small();
        scale.usageDays = 0;
        scale.billingMonths = 1;
        await(store.generateDemo(scale));
        const Tenant before = await(store.tenants({.limit = 1})).items.constFirst();
        const Tenant after = await(store.updateTenant(before.id, {.displayName = u"Renamed Ltd"_s}, before.version));
        QCOMPARE(after.displayName, u"Renamed Ltd"_s);
        QCOMPARE(after.version, before.version + 1);
        const Page<AuditEvent> audit = await(store.auditEvents({.tenantId = before.id, .limit = 1}));
        QCOMPARE(audit.items.constFirst().action, u"tenant.update"_s);
        // A stale version is refused and changes nothing, the audit trail included.
        QCOMPARE(awaitError(store.updateTenant(before.id, {.displayName = u"Again"_s}, before.version))->code(),
                 ErrorCode::Conflict);
        QCOMPARE(await(store.tenant(before.id)), after);
        QCOMPARE(await(store.auditEvents({.tenantId = before.id, .limit = 1})).items.constFirst(), audit.items.constFirst());
    }

    void demoGoesOnlyIntoAnEmptyDatabase()
    {
        const auto error = awaitError(m_postgres->generateDemo(DemoScale::small()));
        QVERIFY(error);
        QCOMPARE(error->code(), ErrorCode::Conflict);
        QCOMPARE(await(m_postgres->platformSummary()).tenantCount, DemoScale::small().tenants);
    }

    void cancelledDemoLeavesNothing()
    {
        const QString database = cluster().createDatabase(u"cancelled"_s);
        SqlStore store(cluster().ownerLocation(database));
        await(store.open(OpenMode::CreateIfMissing));
        QFuture<DemoSummary> generating = store.generateDemo(DemoScale::large(20000));
        QVERIFY(QTest::qWaitFor([&generating]() { return generating.progressValue() > 0; }, 30000));
        generating.cancel();
        QVERIFY(QTest::qWaitFor([&generating]() { return generating.isFinished(); }, 30000));
        QCOMPARE(generating.resultCount(), 0);
        const PlatformSummary summary = await(store.platformSummary());
        QCOMPARE(summary.tenantCount, 0);
        QCOMPARE(summary.userCount, 0);
        QCOMPARE(summary.roleCount, 0);
        // The next generation starts from a clean slate, ids included.
        DemoScale scale = DemoScale::small();
        scale.usageDays = 0;
        scale.billingMonths = 1;
        QCOMPARE(await(store.generateDemo(scale)).tenants, scale.tenants);
        QCOMPARE(await(store.tenant(1)).id, 1);
    }

    void sequencesFollowTheDemoIds()
    {
        PostgresConnection raw(cluster().ownerUrl(m_demoDatabase));
        const qint64 largest = raw.scalar(u"SELECT max(id) FROM users"_s).toLongLong();
        raw.scalar(u"BEGIN"_s);
        const qint64 next = raw.scalar(u"INSERT INTO users (email, display_name, status, created_at) "
                                       "VALUES ('new@example.test', 'New', 'invited', '2026-11-01T00:00:00Z') RETURNING id"_s)
                                .toLongLong();
        raw.scalar(u"ROLLBACK"_s);
        QCOMPARE(next, largest + 1);
    }
};

QTEST_GUILESS_MAIN(TestSqlStorePostgres)
#include "tst_sqlstore_postgres.moc"
