#include "SqlSchema.h"
#include "SqlStore.h"
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

namespace {

// A plain QtSql connection to a file, for preparing and inspecting databases behind the store.
class RawConnection
{
public:
    explicit RawConnection(const QString& path)
        : m_name(u"raw-"_s + QString::number(++s_count))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_name);
        db.setDatabaseName(path);
        if (!db.open())
            qFatal("raw open failed: %s", qPrintable(db.lastError().text()));
    }
    ~RawConnection()
    {
        QSqlDatabase::database(m_name, false).close();
        QSqlDatabase::removeDatabase(m_name);
    }
    QVariant scalar(const QString& sql)
    {
        QSqlQuery query(QSqlDatabase::database(m_name, false));
        if (!query.exec(sql))
            qFatal("raw query failed: %s: %s", qPrintable(sql), qPrintable(query.lastError().text()));
        return query.next() ? query.value(0) : QVariant();
    }

private:
    static inline int s_count = 0;
    QString m_name;
};

void createEmptyDatabase(const QString& path)
{
    SqlStore store(path);
    await(store.open(OpenMode::CreateIfMissing));
}

} // namespace

class TestSqlStore : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<SqlStore> m_demo; // a private copy of the small demo

    QString path(const QString& name) const { return m_dir.filePath(name); }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        m_demo = std::make_unique<SqlStore>(copyFixture(smallDemoFixture(), m_dir));
        await(m_demo->open(OpenMode::OpenExisting));
    }

    void cleanupTestCase() { m_demo.reset(); }

    void createsMigratesAndReopens()
    {
        const QString file = path(u"new/nested/created.tenantdesk"_s);
        {
            SqlStore store(file);
            const StoreInfo info = await(store.open(OpenMode::CreateIfMissing));
            QVERIFY(info.created);
            QCOMPARE(info.schemaVersion, SqlSchema::latestVersion());
            QCOMPARE(info.backend, u"SQLite"_s);
            QVERIFY(info.engineVersion.startsWith(u"SQLite 3."_s));
            const PlatformSummary summary = await(store.platformSummary());
            QCOMPARE(summary.tenantCount, 0);
            QCOMPARE(summary.schemaVersion, SqlSchema::latestVersion());
        }
        {
            RawConnection raw(file);
            QCOMPARE(raw.scalar(u"PRAGMA journal_mode"_s).toString(), u"wal"_s);
            QCOMPARE(raw.scalar(u"PRAGMA application_id"_s).toInt(), SqlSchema::sqliteApplicationId);
            QCOMPARE(raw.scalar(u"SELECT count(*) FROM schema_migrations"_s).toInt(), SqlSchema::latestVersion());
        }
        SqlStore again(file);
        const StoreInfo info = await(again.open(OpenMode::OpenExisting));
        QVERIFY(!info.created);
        QCOMPARE(await(again.platformSummary()).schemaVersion, SqlSchema::latestVersion());
    }

    void schemaDeclaresForeignKeys()
    {
        const QString file = path(u"fk.tenantdesk"_s);
        createEmptyDatabase(file);
        RawConnection raw(file);
        QVERIFY(raw.scalar(u"SELECT count(*) FROM pragma_foreign_key_list('environments')"_s).toInt() >= 1);
    }

    void missingFileIsRefusedAndNotCreated()
    {
        const QString file = path(u"missing.tenantdesk"_s);
        SqlStore store(file);
        const auto error = awaitError(store.open(OpenMode::OpenExisting));
        QVERIFY(error);
        QCOMPARE(error->code(), ErrorCode::NotFound);
        QVERIFY2(error->message().contains(QDir::toNativeSeparators(file)), qPrintable(error->message()));
        QVERIFY(!QFile::exists(file));
    }

    void badFilesAreRefusedUntouched_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<ErrorCode>("code");
        QTest::addColumn<QString>("cause");
        QTest::newRow("random bytes") << u"random"_s << ErrorCode::Unsupported << u"not an SQLite"_s;
        QTest::newRow("text file") << u"text"_s << ErrorCode::Unsupported << u"not an SQLite"_s;
        QTest::newRow("empty file") << u"empty"_s << ErrorCode::Unsupported << u"empty file"_s;
        QTest::newRow("another application's SQLite") << u"foreign"_s << ErrorCode::Unsupported << u"another application"_s;
        QTest::newRow("another framework's migrations table") << u"framework"_s << ErrorCode::Unsupported << u"another application"_s;
        QTest::newRow("newer schema") << u"newer"_s << ErrorCode::Unsupported << u"newer TenantDesk"_s;
        QTest::newRow("damaged") << u"corrupt"_s << ErrorCode::Corrupt << u"damaged"_s;
        QTest::newRow("folder") << u"folder"_s << ErrorCode::Invalid << u"folder"_s;
    }

    void badFilesAreRefusedUntouched()
    {
        QFETCH(QString, kind);
        QFETCH(ErrorCode, code);
        QFETCH(QString, cause);
        const QString file = path(u"bad-"_s + kind + u".tenantdesk"_s);
        if (kind == u"folder"_s) {
            QVERIFY(QDir().mkpath(file));
        } else if (kind == u"foreign"_s) {
            RawConnection raw(file);
            raw.scalar(u"CREATE TABLE contacts (name TEXT)"_s);
        } else if (kind == u"framework"_s) {
            RawConnection raw(file);
            raw.scalar(u"CREATE TABLE schema_migrations (version TEXT PRIMARY KEY)"_s);
            raw.scalar(u"INSERT INTO schema_migrations VALUES ('20240101000000')"_s);
            raw.scalar(u"CREATE TABLE orders (id INTEGER PRIMARY KEY)"_s);
        } else if (kind == u"newer"_s) {
            createEmptyDatabase(file);
            RawConnection raw(file);
            raw.scalar(u"INSERT INTO schema_migrations VALUES (%1, 'from the future', '2030-01-01T00:00:00Z')"_s
                           .arg(SqlSchema::latestVersion() + 1));
            raw.scalar(u"PRAGMA wal_checkpoint(TRUNCATE)"_s);
        } else if (kind == u"corrupt"_s) {
            createEmptyDatabase(file);
            QFile damaged(file);
            QVERIFY(damaged.open(QIODevice::ReadWrite));
            QVERIFY(damaged.seek(100)); // the B-tree header of the schema page
            damaged.write(QByteArray(200, '\xff'));
        } else {
            QFile out(file);
            QVERIFY(out.open(QIODevice::WriteOnly));
            if (kind == u"random"_s) {
                QByteArray bytes(4096, '\0');
                for (int i = 0; i < bytes.size(); ++i)
                    bytes[i] = char((i * 7919 + 13) % 251);
                out.write(bytes);
            } else if (kind == u"text"_s) {
                out.write("name,slug\nAcme,acme\n");
            }
        }
        const QByteArray before = fileDigest(file);
        const QStringList siblingsBefore = QDir(m_dir.path()).entryList(QDir::Files);

        SqlStore store(file);
        const auto error = awaitError(store.open(OpenMode::OpenExisting));
        QVERIFY(error);
        QCOMPARE(error->code(), code);
        QVERIFY2(error->message().contains(QDir::toNativeSeparators(file)), qPrintable(error->message()));
        QVERIFY2(error->message().contains(cause), qPrintable(error->message()));
        QCOMPARE(fileDigest(file), before);
        // Nothing else was written beside it either (no journal left behind).
        const QStringList siblingsAfter = QDir(m_dir.path()).entryList(QDir::Files);
        QCOMPARE(siblingsAfter, siblingsBefore);
        // And the store stays closed.
        QCOMPARE(awaitError(store.platformSummary())->code(), ErrorCode::Unavailable);
    }

    void lockedDatabaseIsReported()
    {
        const QString file = path(u"locked.tenantdesk"_s);
        createEmptyDatabase(file);
        RawConnection other(file);
        other.scalar(u"PRAGMA locking_mode = EXCLUSIVE"_s);
        other.scalar(u"BEGIN EXCLUSIVE"_s);
        other.scalar(u"UPDATE platform SET name = name"_s);
        SqlStore store(file);
        const auto error = awaitError(store.open(OpenMode::OpenExisting));
        QVERIFY(error);
        QCOMPARE(error->code(), ErrorCode::Unavailable);
        QVERIFY2(error->message().contains(u"locked"_s), qPrintable(error->message()));
        other.scalar(u"ROLLBACK"_s);
    }

    void demoPlatformSummary()
    {
        const PlatformSummary summary = await(m_demo->platformSummary());
        QCOMPARE(summary.name, DemoDataGenerator::platformName());
        QCOMPARE(summary.tenantCount, DemoScale::small().tenants);
        QCOMPARE(summary.environmentCount, 4 * summary.tenantCount);
        QCOMPARE(summary.userCount, DemoScale::small().users);
        QVERIFY(summary.topLevelTenantCount > 1 && summary.topLevelTenantCount < summary.tenantCount);
        QVERIFY(summary.roleCount >= 4);
        int byStatus = 0;
        for (const auto& entry : summary.tenantsByStatus)
            byStatus += entry.second;
        QCOMPARE(byStatus, summary.tenantCount);
    }

    void tenantPagesFollowTheirCursor_data()
    {
        QTest::addColumn<TenantSort>("sort");
        QTest::addColumn<Qt::SortOrder>("order");
        QTest::newRow("name ascending") << TenantSort::DisplayName << Qt::AscendingOrder;
        QTest::newRow("name descending") << TenantSort::DisplayName << Qt::DescendingOrder;
        QTest::newRow("slug ascending") << TenantSort::Slug << Qt::AscendingOrder;
        QTest::newRow("status descending") << TenantSort::Status << Qt::DescendingOrder;
    }

    void tenantPagesFollowTheirCursor()
    {
        QFETCH(TenantSort, sort);
        QFETCH(Qt::SortOrder, order);
        TenantQuery all{.parentId = 0, .sort = sort, .order = order, .limit = 500};
        const Page<Tenant> whole = await(m_demo->tenants(all));
        QVERIFY(whole.isLast());
        QVERIFY(whole.items.size() > 3);

        TenantQuery paged = all;
        paged.limit = 3;
        QList<Tenant> collected;
        int pages = 0;
        do {
            const Page<Tenant> page = await(m_demo->tenants(paged));
            QVERIFY(page.items.size() <= 3);
            collected += page.items;
            paged.cursor = page.nextCursor;
            ++pages;
        } while (!paged.cursor.isEmpty());
        QCOMPARE(pages, int((whole.items.size() + 2) / 3));
        QCOMPARE(collected.size(), whole.items.size());
        for (qsizetype i = 0; i < collected.size(); ++i)
            QCOMPARE(collected[i].id, whole.items[i].id);

        const auto key = [sort](const Tenant& t) {
            switch (sort) {
            case TenantSort::Slug: return t.slug;
            case TenantSort::Status: return tenantStatusKey(t.status);
            default: return t.displayName;
            }
        };
        for (qsizetype i = 1; i < collected.size(); ++i) {
            const int cmp = QString::compare(key(collected[i - 1]), key(collected[i]));
            QVERIFY(order == Qt::AscendingOrder ? cmp <= 0 : cmp >= 0);
        }
        for (const Tenant& tenant : collected) {
            QCOMPARE(tenant.parentId, 0);
            QCOMPARE(tenant.depth(), 0);
            QCOMPARE(tenant.environmentCount, 4);
        }
    }

    void badQueriesAreRefused()
    {
        TenantQuery query;
        query.cursor = u"not-a-cursor!"_s;
        auto error = awaitError(m_demo->tenants(query));
        QVERIFY(error);
        QCOMPARE(error->code(), ErrorCode::Invalid);
        QVERIFY(error->message().contains(u"not-a-cursor!"_s));
        query.cursor.clear();
        query.limit = 0;
        error = awaitError(m_demo->tenants(query));
        QVERIFY(error);
        QCOMPARE(error->code(), ErrorCode::Invalid);
        error = awaitError(m_demo->tenant(999999));
        QVERIFY(error);
        QCOMPARE(error->code(), ErrorCode::NotFound);
        error = awaitError(m_demo->tenantBySlug(u"' OR 1=1 --"_s));
        QVERIFY(error);
        QCOMPARE(error->code(), ErrorCode::NotFound);
    }

    void subTenantsAndSummary()
    {
        // Walk down to the deepest tenant through the store, as the tree does.
        Tenant deepest;
        QList<Tenant> frontier = await(m_demo->tenants({.limit = 500})).items;
        while (!frontier.isEmpty()) {
            Tenant tenant = frontier.takeFirst();
            if (tenant.depth() > deepest.depth() || deepest.id == 0)
                deepest = tenant;
            if (tenant.subTenantCount > 0) {
                const Page<Tenant> children = await(m_demo->tenants({.parentId = tenant.id, .limit = 500}));
                QCOMPARE(children.items.size(), tenant.subTenantCount);
                for (const Tenant& child : children.items) {
                    QCOMPARE(child.parentId, tenant.id);
                    QCOMPARE(child.ancestorIds, tenant.ancestorIds + QList<TenantId>{tenant.id});
                    QVERIFY(child.slug.startsWith(tenant.slug + u'.'));
                }
                frontier += children.items;
            }
        }
        QVERIFY2(deepest.depth() >= 2, "the small demo nests tenants at least three levels deep");

        const TenantSummary summary = await(m_demo->tenantSummary(deepest.id));
        QCOMPARE(summary.tenant, deepest);
        QCOMPARE(summary.ancestors.size(), deepest.ancestorIds.size());
        for (qsizetype i = 0; i < summary.ancestors.size(); ++i)
            QCOMPARE(summary.ancestors[i].id, deepest.ancestorIds[i]);
        QCOMPARE(summary.environments.size(), 4);
        QCOMPARE(summary.environments[0].kind, EnvironmentKind::Production);
        QCOMPARE(summary.environments[3].kind, EnvironmentKind::Sandbox);

        const Page<User> members = await(m_demo->users({.tenantId = deepest.id, .limit = 500}));
        QCOMPARE(members.items.size(), summary.memberCount);

        const EnvironmentSummary environment = await(m_demo->environmentSummary(summary.environments[0].id));
        QCOMPARE(environment.tenant.id, deepest.id);
        QCOMPARE(environment.environment, summary.environments[0]);
        QVERIFY(environment.memberCount <= summary.memberCount);
        QCOMPARE(await(m_demo->tenantBySlug(deepest.slug)).id, deepest.id);
    }

    void searchFindsDeepTenantsWithTheirPath()
    {
        const QList<Tenant> roots = await(m_demo->tenants({.limit = 500})).items;
        Tenant target;
        for (const Tenant& root : roots) {
            if (root.subTenantCount > 0) {
                target = await(m_demo->tenants({.parentId = root.id, .limit = 1})).items.constFirst();
                break;
            }
        }
        QVERIFY(target.id != 0);
        // By slug, in another case, and by a piece of the name.
        const TenantSearchResult bySlug = await(m_demo->searchTenants(target.slug.toUpper(), 50));
        QCOMPARE(bySlug.matches.size(), 1);
        QCOMPARE(bySlug.matches[0].id, target.id);
        QCOMPARE(bySlug.ancestors.size(), target.ancestorIds.size());
        QCOMPARE(bySlug.ancestors[0].id, target.ancestorIds[0]);
        QVERIFY(!bySlug.truncated);

        const TenantSearchResult byName = await(m_demo->searchTenants(target.displayName.mid(1, 3), 200));
        bool found = false;
        for (const Tenant& match : byName.matches) {
            QVERIFY(match.displayName.contains(target.displayName.mid(1, 3), Qt::CaseInsensitive)
                    || match.slug.contains(target.displayName.mid(1, 3), Qt::CaseInsensitive));
            found = found || match.id == target.id;
        }
        QVERIFY(found);

        // LIKE wildcards are literal text.
        QCOMPARE(await(m_demo->searchTenants(u"%"_s, 50)).matches.size(), 0);
        QCOMPARE(await(m_demo->searchTenants(u"_"_s, 50)).matches.size(), 0);
        QCOMPARE(await(m_demo->searchTenants(u"   "_s, 50)).matches.size(), 0);
        const TenantSearchResult limited = await(m_demo->searchTenants(u"a"_s, 2));
        QCOMPARE(limited.matches.size(), 2);
        QVERIFY(limited.truncated);
    }

    void usersPageAndSearch()
    {
        const Page<User> first = await(m_demo->users({.limit = 50}));
        QCOMPARE(first.items.size(), 50);
        QVERIFY(!first.isLast());
        const Page<User> second = await(m_demo->users({.limit = 50, .cursor = first.nextCursor}));
        QVERIFY(second.items.constFirst().displayName >= first.items.constLast().displayName);
        const QString domain = first.items[0].email.section(u'@', 1);
        const Page<User> byDomain = await(m_demo->users({.text = domain, .limit = 500}));
        QVERIFY(!byDomain.items.isEmpty());
        for (const User& user : byDomain.items)
            QVERIFY(user.email.contains(domain) || user.displayName.contains(domain));
    }

    void operationsBeforeOpenFail()
    {
        SqlStore store(path(u"never-opened.tenantdesk"_s));
        const auto error = awaitError(store.tenants({}));
        QVERIFY(error);
        QCOMPARE(error->code(), ErrorCode::Unavailable);
        QVERIFY(!QFile::exists(path(u"never-opened.tenantdesk"_s)));
    }

    void cancelledOrAbandonedDemoLeavesNothing_data()
    {
        QTest::addColumn<bool>("closeStore");
        QTest::newRow("cancelled") << false;
        QTest::newRow("store closed while generating") << true;
    }

    void cancelledOrAbandonedDemoLeavesNothing()
    {
        QFETCH(bool, closeStore);
        const QString file = path(closeStore ? u"abandoned.tenantdesk"_s : u"cancelled.tenantdesk"_s);
        auto store = std::make_unique<SqlStore>(file);
        await(store->open(OpenMode::CreateIfMissing));
        QFuture<DemoSummary> generating = store->generateDemo(DemoScale::large(50000));
        QVERIFY(QTest::qWaitFor([&generating]() { return generating.progressValue() > 0; }, 30000));
        if (closeStore) {
            // Closing the store stops the generation: it rolls back rather than running to its
            // end, and the future says why.
            store.reset();
            const auto error = awaitError(generating);
            QVERIFY(error);
            QCOMPARE(error->code(), ErrorCode::Unavailable);
            QVERIFY2(error->message().contains(u"nothing was kept"_s), qPrintable(error->message()));
        } else {
            generating.cancel();
            QVERIFY(QTest::qWaitFor([&generating]() { return generating.isFinished(); }, 30000));
            QCOMPARE(generating.resultCount(), 0);
            QCOMPARE(await(store->platformSummary()).tenantCount, 0);
            store.reset();
        }
        SqlStore again(file);
        await(again.open(OpenMode::OpenExisting));
        const PlatformSummary summary = await(again.platformSummary());
        QCOMPARE(summary.tenantCount, 0);
        QCOMPARE(summary.userCount, 0);
        QCOMPARE(summary.roleCount, 0);
    }

    void demoWaitsForNoOtherWriter()
    {
        const QString file = path(u"busy-demo.tenantdesk"_s);
        SqlStore store(file);
        await(store.open(OpenMode::CreateIfMissing));
        DemoScale scale = DemoScale::small();
        scale.usageDays = 1;
        {
            RawConnection other(file);
            other.scalar(u"BEGIN IMMEDIATE"_s);
            const auto error = awaitError(store.generateDemo(scale));
            QVERIFY(error);
            QCOMPARE(error->code(), ErrorCode::Unavailable);
            QVERIFY2(error->message().contains(u"locked"_s), qPrintable(error->message()));
            other.scalar(u"ROLLBACK"_s);
        }
        // The store's connection was left as it was found: the next attempt works.
        QCOMPARE(await(store.platformSummary()).tenantCount, 0);
        QCOMPARE(await(store.generateDemo(scale)).tenants, scale.tenants);
        QCOMPARE(await(store.platformSummary()).tenantCount, scale.tenants);
    }

    void demoGoesOnlyIntoAnEmptyDatabase()
    {
        const auto error = awaitError(m_demo->generateDemo(DemoScale::small()));
        QVERIFY(error);
        QCOMPARE(error->code(), ErrorCode::Conflict);
        QCOMPARE(await(m_demo->platformSummary()).tenantCount, DemoScale::small().tenants);
    }
};

QTEST_GUILESS_MAIN(TestSqlStore)
#include "tst_sqlstore.moc"
