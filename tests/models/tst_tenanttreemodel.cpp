#include "SqlStore.h"
#include "TenantTreeModel.h"
#include "TestSupport.h"

#include <QAbstractItemModelTester>
#include <QIcon>
#include <QImage>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

namespace {

using NodeKind = TenantTreeModel::NodeKind;

NodeKind kindOf(const QModelIndex& index)
{
    return index.data(TenantTreeModel::NodeKindRole).value<NodeKind>();
}

// Waits until no batch is on its way (the tester asks for more on its own, as a view does).
void settle(TenantTreeModel& model)
{
    if (model.isFetching()) {
        QSignalSpy idle(&model, &TenantTreeModel::fetchingChanged);
        QVERIFY(QTest::qWaitFor([&model]() { return !model.isFetching(); }, 30000));
    }
}

// Asks for one more batch under `parent` and waits until it has arrived; false when the
// model had nothing more to fetch there.
bool fetch(TenantTreeModel& model, const QModelIndex& parent)
{
    settle(model);
    if (!model.canFetchMore(parent))
        return false;
    model.fetchMore(parent);
    settle(model);
    return true;
}

// Loads every row under `parent`, batch by batch, the way a view does when scrolled to the end.
void fetchAll(TenantTreeModel& model, const QModelIndex& parent)
{
    while (fetch(model, parent)) { }
}

} // namespace

class TestTenantTreeModel : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<SqlStore> m_small;
    std::unique_ptr<SqlStore> m_large;

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_small = std::make_unique<SqlStore>(smallDemoFixture());
        await(m_small->open(OpenMode::OpenExisting));
        m_large = std::make_unique<SqlStore>(largeDemoFixture());
        await(m_large->open(OpenMode::OpenExisting));
    }

    void cleanupTestCase()
    {
        m_small.reset();
        m_large.reset();
    }

    void wholeSmallTreeLoadsLazily()
    {
        TenantTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        tester.setUseFetchMore(true);
        model.setBatchSize(3); // several batches per level
        // Rows arrive a batch at a time, however often the tester or a view asks for more.
        QList<int> batches;
        connect(&model, &QAbstractItemModel::rowsInserted, this,
                [&](const QModelIndex& parent, int first, int last) {
                    if (parent == model.platformIndex())
                        batches.append(last - first + 1);
                });
        model.setStore(m_small.get());

        QCOMPARE(model.rowCount(), 1);
        const QModelIndex platform = model.platformIndex();
        QCOMPARE(kindOf(platform), NodeKind::Platform);
        QTRY_COMPARE(platform.data().toString(), DemoDataGenerator::platformName());
        QVERIFY(model.hasChildren(platform));
        const PlatformSummary summary = await(m_small->platformSummary());
        fetchAll(model, platform);
        QTRY_COMPARE(model.rowCount(platform), summary.topLevelTenantCount);
        QVERIFY(batches.size() >= summary.topLevelTenantCount / 3);
        for (int batch : std::as_const(batches))
            QVERIFY(batch <= 3);
        QCOMPARE(model.rowCount(platform), summary.topLevelTenantCount);
        QVERIFY(!model.canFetchMore(platform));

        // Walk and load everything: every tenant and environment appears exactly once.
        int tenants = 0;
        int environments = 0;
        QList<QModelIndex> stack{platform};
        while (!stack.isEmpty()) {
            const QModelIndex parent = stack.takeLast();
            fetchAll(model, parent);
            bool seenTenant = false;
            for (int row = 0; row < model.rowCount(parent); ++row) {
                const QModelIndex child = model.index(row, 0, parent);
                if (kindOf(child) == NodeKind::Environment) {
                    QVERIFY2(!seenTenant, "environments come before sub-tenants");
                    QVERIFY(!model.hasChildren(child));
                    QVERIFY(child.flags() & Qt::ItemNeverHasChildren);
                    ++environments;
                } else {
                    seenTenant = true;
                    QCOMPARE(kindOf(child), NodeKind::Tenant);
                    QVERIFY(!child.siblingAtColumn(TenantTreeModel::SlugColumn).data().toString().isEmpty());
                    QVERIFY(child.data(Qt::DecorationRole).canConvert<QIcon>());
                    ++tenants;
                    stack.append(child);
                }
            }
        }
        QCOMPARE(tenants, summary.tenantCount);
        QCOMPARE(environments, summary.environmentCount);
    }

    void dormantTenantsAreGreyed()
    {
        TenantTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setStore(m_small.get());
        fetchAll(model, model.platformIndex());
        const QModelIndex platform = model.platformIndex();
        for (int row = 0; row < model.rowCount(platform); ++row) {
            const QModelIndex index = model.index(row, 0, platform);
            const auto status = TenantStatus(index.data(TenantTreeModel::StatusRole).toInt());
            QCOMPARE(index.data(Qt::ForegroundRole).isValid(), isDormant(status));
            QCOMPARE(index.siblingAtColumn(TenantTreeModel::StatusColumn).data().toString(), tenantStatusDisplayName(status));
        }
    }

    // The status dots and the environment icon are SVG: drawn at the size asked for (a 16×16 pixmap
    // stays 16×16 however large the screen's scale), each status in its own colour.
    void iconsAreSharpAtEveryScale()
    {
        const QList<std::pair<TenantStatus, QColor>> statuses{
            {TenantStatus::Requested, QColor(0x9e, 0x9e, 0x9e)},   {TenantStatus::Provisioning, QColor(0x1e, 0x88, 0xe5)},
            {TenantStatus::Active, QColor(0x43, 0xa0, 0x47)},      {TenantStatus::Suspended, QColor(0xfb, 0x8c, 0x00)},
            {TenantStatus::Decommissioning, QColor(0xe5, 0x39, 0x35)}, {TenantStatus::Archived, QColor(0x61, 0x61, 0x61)}};
        QList<QColor> seen;
        for (const auto& [status, colour] : statuses) {
            const QIcon icon = TenantTreeModel::statusIcon(status);
            QVERIFY(!icon.isNull());
            for (const int side : {16, 32, 64}) {
                const QImage image = icon.pixmap(QSize(side, side)).toImage();
                QCOMPARE(image.size(), QSize(side, side));
                QCOMPARE(image.pixelColor(side / 2, side / 2).rgb(), colour.rgb()); // the dot's centre
                QCOMPARE(image.pixelColor(0, 0).alpha(), 0);                        // around it: nothing
            }
            QVERIFY(!seen.contains(colour));
            seen << colour;
        }
        const QImage environment = TenantTreeModel::environmentIcon().pixmap(QSize(64, 64)).toImage();
        QCOMPARE(environment.size(), QSize(64, 64));
        QCOMPARE(environment.pixelColor(32, 34).rgb(), QColor(0xcf, 0xd8, 0xdc).rgb());
    }

    void sortsThroughTheStore()
    {
        TenantTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        tester.setUseFetchMore(true);
        model.setStore(m_small.get());
        model.sort(TenantTreeModel::SlugColumn, Qt::DescendingOrder);
        fetchAll(model, model.platformIndex());
        const QModelIndex platform = model.platformIndex();
        QVERIFY(model.rowCount(platform) > 2);
        for (int row = 1; row < model.rowCount(platform); ++row) {
            const QString previous = model.index(row - 1, TenantTreeModel::SlugColumn, platform).data().toString();
            const QString current = model.index(row, TenantTreeModel::SlugColumn, platform).data().toString();
            QVERIFY2(previous > current, qPrintable(previous + u" / "_s + current));
        }
    }

    void filterRevealsADeepTenantWithoutLoadingTheTree()
    {
        // A tenant at least two levels down, found through the store.
        Tenant target;
        for (const Tenant& root : await(m_small->tenants({.limit = 500})).items) {
            for (const Tenant& child : await(m_small->tenants({.parentId = root.id, .limit = 500})).items) {
                if (child.subTenantCount > 0) {
                    target = await(m_small->tenants({.parentId = child.id, .limit = 1})).items.constFirst();
                    break;
                }
            }
            if (target.id)
                break;
        }
        QVERIFY(target.id != 0);

        TenantTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        tester.setUseFetchMore(true);
        model.setStore(m_small.get());
        QSignalSpy applied(&model, &TenantTreeModel::filterApplied);
        model.setFilterText(target.slug);
        QVERIFY(applied.wait(30000));
        QCOMPARE(applied.constFirst().at(0).toInt(), 1);

        const QModelIndexList matches = model.filterMatchIndexes();
        QCOMPARE(matches.size(), 1);
        const QModelIndex match = matches.constFirst();
        QCOMPARE(match.data(TenantTreeModel::TenantIdRole).toLongLong(), target.id);
        QVERIFY(match.data(TenantTreeModel::FilterMatchRole).toBool());
        // The path: platform → each ancestor → the match, and nothing else on it.
        QList<TenantId> path;
        for (QModelIndex up = match.parent(); up.isValid() && kindOf(up) == NodeKind::Tenant; up = up.parent()) {
            path.prepend(up.data(TenantTreeModel::TenantIdRole).toLongLong());
            QCOMPARE(model.rowCount(up), 1);
            QVERIFY(!model.canFetchMore(up));
        }
        QCOMPARE(path, target.ancestorIds);
        QCOMPARE(model.rowCount(model.platformIndex()), 1);
        QCOMPARE(model.filterPathIndexes().size(), 1 + target.ancestorIds.size());
        QCOMPARE(model.indexOfTenant(target.id), match);

        // The match itself can still be opened.
        if (target.hasChildren()) {
            fetchAll(model, match);
            QCOMPARE(model.rowCount(match), target.environmentCount + target.subTenantCount);
        }

        // Sorting the filtered tree keeps the path and loads the match's rows again in the new order.
        model.sort(TenantTreeModel::NameColumn, Qt::DescendingOrder);
        QCOMPARE(model.filterMatchIndexes().size(), 1);
        const QModelIndex resorted = model.filterMatchIndexes().constFirst();
        QCOMPARE(resorted.data(TenantTreeModel::TenantIdRole).toLongLong(), target.id);
        fetchAll(model, resorted);
        QCOMPARE(model.rowCount(resorted), target.environmentCount + target.subTenantCount);
        QSet<qint64> children;
        for (int row = 0; row < model.rowCount(resorted); ++row)
            children.insert(model.index(row, 0, resorted).data(TenantTreeModel::EnvironmentIdRole).toLongLong()
                            + 1000000 * model.index(row, 0, resorted).data(TenantTreeModel::TenantIdRole).toLongLong());
        QCOMPARE(children.size(), model.rowCount(resorted)); // no row twice

        // Clearing the filter returns to the lazy tree.
        model.setFilterText(QString());
        QVERIFY(!model.isFiltered());
        fetchAll(model, model.platformIndex());
        QCOMPARE(model.rowCount(model.platformIndex()), await(m_small->platformSummary()).topLevelTenantCount);
    }

    void failedSearchKeepsTheTreeUsable()
    {
        SqlStore closed(u"/nonexistent/never-opened.tenantdesk"_s);
        TenantTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QSignalSpy errors(&model, &TenantTreeModel::errorOccurred);
        model.setStore(&closed);
        settle(model);
        errors.clear();
        model.setFilterText(u"acme"_s);
        QVERIFY(errors.wait(5000));
        QVERIFY(!model.isFiltered());
        // The same text may be asked again: it is a new attempt, not ignored.
        model.setFilterText(u"acme"_s);
        QVERIFY(errors.wait(5000));
        model.setStore(nullptr);
    }

    void filterWithNoMatch()
    {
        TenantTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setStore(m_small.get());
        QSignalSpy applied(&model, &TenantTreeModel::filterApplied);
        model.setFilterText(u"no tenant is called this"_s);
        QVERIFY(applied.wait(30000));
        QCOMPARE(applied.constFirst().at(0).toInt(), 0);
        QCOMPARE(model.rowCount(model.platformIndex()), 0);
        QVERIFY(!model.hasChildren(model.platformIndex()));
    }

    void storeErrorsAreReported()
    {
        SqlStore closed(u"/nonexistent/never-opened.tenantdesk"_s);
        TenantTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QSignalSpy errors(&model, &TenantTreeModel::errorOccurred);
        model.setStore(&closed);
        fetch(model, model.platformIndex()); // the tester may have asked already
        QVERIFY(errors.count() > 0 || errors.wait(5000));
        QVERIFY(errors.constFirst().at(0).toString().contains(u"not open"_s));
        QVERIFY(!model.canFetchMore(model.platformIndex())); // no retry loop
        model.setStore(nullptr);
    }

    void largeTreeFirstLevelAndTenThousandChildren()
    {
        TenantTreeModel model;
        // The tester checks every row that arrives; this test, not the tester, asks for more, so
        // that it can count batches (a fetching tester would walk all 100,000 tenants).
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        tester.setUseFetchMore(false);
        model.setStore(m_large.get());
        const QModelIndex platform = model.platformIndex();
        QCOMPARE(model.rowCount(platform), 0);
        QVERIFY(fetch(model, platform));
        QCOMPARE(model.rowCount(platform), model.batchSize()); // one batch of 2,000 top-level tenants
        QVERIFY(model.canFetchMore(platform));
        fetchAll(model, platform);
        const PlatformSummary summary = await(m_large->platformSummary());
        QCOMPARE(summary.tenantCount, 100000);
        QCOMPARE(model.rowCount(platform), summary.topLevelTenantCount);

        // The tenant with 10,000 sub-tenants opens with its environments and one batch.
        QModelIndex largest;
        for (int row = 0; row < model.rowCount(platform); ++row) {
            const QModelIndex index = model.index(row, 0, platform);
            const Tenant tenant = await(m_large->tenant(index.data(TenantTreeModel::TenantIdRole).toLongLong()));
            if (tenant.subTenantCount == 10000) {
                largest = index;
                break;
            }
        }
        QVERIFY(largest.isValid());
        QCOMPARE(model.rowCount(largest), 0);
        QVERIFY(fetch(model, largest));
        QCOMPARE(model.rowCount(largest), 4 + model.batchSize());
        QVERIFY(model.canFetchMore(largest));
        // Five more batches arrive in order, without duplicates.
        for (int i = 0; i < 5; ++i)
            QVERIFY(fetch(model, largest));
        QCOMPARE(model.rowCount(largest), 4 + 6 * model.batchSize());
        QSet<qint64> ids;
        for (int row = 4; row < model.rowCount(largest); ++row)
            ids.insert(model.index(row, 0, largest).data(TenantTreeModel::TenantIdRole).toLongLong());
        QCOMPARE(ids.size(), 6 * model.batchSize());
    }
};

QTEST_MAIN(TestTenantTreeModel)
#include "tst_tenanttreemodel.moc"
