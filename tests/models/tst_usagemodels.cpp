// The models behind the usage charts: the hourly series with its quota and utilisation, the
// min/max decimation that lets a chart of 100,000+ samples answer at once without losing a
// peak, and the comparison of tenants for the platform view.

#include "SqlStore.h"
#include "TestSupport.h"
#include "UsageComparisonModel.h"
#include "UsageDecimation.h"
#include "UsageSeriesModel.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QTimeZone>

#include <algorithm>
#include <cmath>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

namespace {

const QDateTime demoEnd = DemoScale::small().anchor;

// A noisy series of `count` hourly points with a few sharp spikes and dips.
QList<QPointF> noisySeries(qsizetype count, quint32 seed)
{
    QRandomGenerator random(seed);
    QList<QPointF> points;
    points.reserve(count);
    const double start = double(demoEnd.toMSecsSinceEpoch()) - double(count) * 3600000.0;
    for (qsizetype i = 0; i < count; ++i) {
        double value = 50 + 10 * std::sin(double(i) / 500.0) + random.bounded(5.0);
        if (random.bounded(1000) == 0)
            value += 400 + random.bounded(100.0); // a spike
        if (random.bounded(1000) == 0)
            value -= 200 + random.bounded(100.0); // a dip
        points.append(QPointF(start + double(i) * 3600000.0, value));
    }
    return points;
}

} // namespace

class TestUsageModels : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<SqlStore> m_store;
    Tenant m_tenant; // the first top-level demo tenant with usage and a CPU quota

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_store = std::make_unique<SqlStore>(copyFixture(smallDemoFixture(), m_dir));
        await(m_store->open(OpenMode::OpenExisting));
        const UsageTotalsQuery query{UsageMetric::CpuHours, demoEnd.addDays(-7), demoEnd, 50, 0};
        for (const UsageTotal& total : await(m_store->usageTotals(query))) {
            const Tenant tenant = await(m_store->tenant(total.tenantId));
            if (tenant.quotas.cpuCores) {
                m_tenant = tenant;
                break;
            }
        }
        QVERIFY2(m_tenant.id != 0, "the demo has a tenant with usage and a CPU quota");
    }

    // --- Decimation -----------------------------------------------------------------------

    void decimationKeepsEveryColumnsExtremes_data()
    {
        QTest::addColumn<int>("count");
        QTest::addColumn<int>("columns");
        QTest::newRow("120,000 points on 800 columns") << 120000 << 800;
        QTest::newRow("100,001 points on 97 columns") << 100001 << 97;
        QTest::newRow("5,000 points on 1,000 columns") << 5000 << 1000;
        QTest::newRow("10,000 points on 1 column") << 10000 << 1;
    }

    void decimationKeepsEveryColumnsExtremes()
    {
        QFETCH(int, count);
        QFETCH(int, columns);
        const QList<QPointF> points = noisySeries(count, quint32(count + columns));
        const QList<QPointF> kept = decimateMinMax(points, columns);
        QVERIFY(kept.size() <= 4 * qsizetype(columns));
        QVERIFY(kept.size() < points.size());
        // In time order, each an original point.
        QVERIFY(std::is_sorted(kept.cbegin(), kept.cend(), [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); }));
        for (const QPointF& p : kept)
            QVERIFY(std::binary_search(points.cbegin(), points.cend(), p, [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); }));
        // Each column's lowest, highest, first and last value survive: every peak is drawn.
        const double x0 = points.constFirst().x();
        const double span = points.constLast().x() - x0;
        const auto columnOf = [&](const QPointF& p) { return std::min(columns - 1, int(std::floor((p.x() - x0) / span * columns))); };
        QList<QList<QPointF>> original(columns);
        QList<QList<QPointF>> reduced(columns);
        for (const QPointF& p : points)
            original[columnOf(p)].append(p);
        for (const QPointF& p : kept)
            reduced[columnOf(p)].append(p);
        const auto byY = [](const QPointF& a, const QPointF& b) { return a.y() < b.y(); };
        for (int c = 0; c < columns; ++c) {
            if (original.at(c).isEmpty()) {
                QVERIFY(reduced.at(c).isEmpty());
                continue;
            }
            QVERIFY(reduced.at(c).size() <= 4);
            QCOMPARE(std::min_element(reduced.at(c).cbegin(), reduced.at(c).cend(), byY)->y(),
                     std::min_element(original.at(c).cbegin(), original.at(c).cend(), byY)->y());
            QCOMPARE(std::max_element(reduced.at(c).cbegin(), reduced.at(c).cend(), byY)->y(),
                     std::max_element(original.at(c).cbegin(), original.at(c).cend(), byY)->y());
            QCOMPARE(reduced.at(c).constFirst(), original.at(c).constFirst());
            QCOMPARE(reduced.at(c).constLast(), original.at(c).constLast());
        }
        // The whole series' extremes are there too.
        QCOMPARE(std::max_element(kept.cbegin(), kept.cend(), byY)->y(), std::max_element(points.cbegin(), points.cend(), byY)->y());
        QCOMPARE(std::min_element(kept.cbegin(), kept.cend(), byY)->y(), std::min_element(points.cbegin(), points.cend(), byY)->y());
    }

    void smallSeriesPassThroughUntouched()
    {
        for (qsizetype count : {qsizetype(0), qsizetype(1), qsizetype(7), qsizetype(400)}) {
            const QList<QPointF> points = noisySeries(count, 7);
            QCOMPARE(decimateMinMax(points, 100), points);
        }
        const QList<QPointF> some = noisySeries(50, 3);
        QCOMPARE(decimateMinMax(some, 0), some); // no width yet: nothing to reduce for
    }

    void decimationIsQuickOnAQuarterMillionPoints()
    {
        const QList<QPointF> points = noisySeries(250000, 11);
        QElapsedTimer timer;
        timer.start();
        const QList<QPointF> kept = decimateMinMax(points, 1600);
        const qint64 ms = timer.elapsed();
        qInfo("250,000 points to %lld in %lld ms", qint64(kept.size()), ms);
        QVERIFY(kept.size() <= 6400);
        QVERIFY2(ms < 1000, "decimation answers within a second even in a sanitized debug build");
    }

    // --- The series model ---------------------------------------------------------------------

    void quotasByMetric()
    {
        Tenant tenant;
        tenant.quotas = TenantQuotas{8, 32, 500, 40};
        tenant.apiRateLimit = 1200; // requests per minute
        QCOMPARE(usageQuota(UsageMetric::CpuHours, tenant), std::optional(8.0));
        QCOMPARE(usageQuota(UsageMetric::MemoryGbHours, tenant), std::optional(32.0));
        QCOMPARE(usageQuota(UsageMetric::StorageGb, tenant), std::optional(500.0));
        QCOMPARE(usageQuota(UsageMetric::ActiveUsers, tenant), std::optional(40.0));
        // API calls are hourly samples: the rate limit allows 60 minutes of it in an hour.
        QCOMPARE(usageQuota(UsageMetric::ApiCalls, tenant), std::optional(1200.0 * 60));
        // The error rate against the default threshold, or the one the tenant's settings name.
        QCOMPARE(usageQuota(UsageMetric::ErrorRate, tenant), std::optional(defaultErrorRateThreshold));
        tenant.settings.insert(QString::fromUtf16(errorRateThresholdSetting), u"0.5"_s);
        QCOMPARE(usageQuota(UsageMetric::ErrorRate, tenant), std::optional(0.5));
        for (const QString& unusable : {u"none"_s, u"0"_s, u"-1"_s, u"250"_s, u""_s}) {
            tenant.settings.insert(QString::fromUtf16(errorRateThresholdSetting), unusable);
            QCOMPARE(usageQuota(UsageMetric::ErrorRate, tenant), std::optional(defaultErrorRateThreshold));
        }

        // Without quotas or rate limit (or with 0, "none"), nothing to measure against.
        const Tenant unlimited;
        QCOMPARE(usageQuota(UsageMetric::CpuHours, unlimited), std::nullopt);
        QCOMPARE(usageQuota(UsageMetric::ApiCalls, unlimited), std::nullopt);
        Tenant zero;
        zero.apiRateLimit = 0;
        QCOMPARE(usageQuota(UsageMetric::ApiCalls, zero), std::nullopt);

        // The utilisation of the API quota, in percent, as of any other.
        UsageSeriesModel model;
        const QDateTime h0 = demoEnd.addSecs(-3600);
        model.setSamples(UsageMetric::ApiCalls, {UsageSample{1, 10, UsageMetric::ApiCalls, h0, 54000.0}});
        model.setQuota(usageQuota(UsageMetric::ApiCalls, tenant));
        QCOMPARE(model.index(0, 0).data(UsageSeriesModel::UtilisationRole).toDouble(), 75.0);
        QCOMPARE(model.peakUtilisation(), std::optional(75.0));
        // A threshold with decimals is shown with them.
        model.setSamples(UsageMetric::ErrorRate, {UsageSample{1, 10, UsageMetric::ErrorRate, h0, 0.25}});
        model.setQuota(0.5);
        QCOMPARE(model.peakUtilisation(), std::optional(50.0));
        QCOMPARE(model.index(0, UsageSeriesModel::QuotaColumn).data().toString(), QLocale().toString(0.5, 'f', 2));
    }

    void seriesAddsUpTheEnvironmentsPerHour()
    {
        UsageSeriesModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        const QDateTime h0 = demoEnd.addSecs(-3 * 3600);
        const QDateTime h1 = demoEnd.addSecs(-2 * 3600);
        // Out of order, two environments.
        model.setSamples(UsageMetric::CpuHours, {
            UsageSample{1, 11, UsageMetric::CpuHours, h1, 3.0}, UsageSample{1, 10, UsageMetric::CpuHours, h0, 1.5},
            UsageSample{1, 10, UsageMetric::CpuHours, h1, 4.0}, UsageSample{1, 11, UsageMetric::CpuHours, h0, 0.5}});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.columnCount(), int(UsageSeriesModel::ColumnCount));
        QCOMPARE(model.index(0, 0).data(UsageSeriesModel::TimeRole).toDateTime(), h0);
        QCOMPARE(model.index(0, 0).data(UsageSeriesModel::ValueRole).toDouble(), 2.0);
        QCOMPARE(model.index(1, 0).data(UsageSeriesModel::ValueRole).toDouble(), 7.0);
        QVERIFY(!model.index(1, UsageSeriesModel::QuotaColumn).data(UsageSeriesModel::QuotaRole).isValid());
        QVERIFY(model.index(1, UsageSeriesModel::UtilisationColumn).data().toString().isEmpty());
        QCOMPARE(model.peakUtilisation(), std::nullopt);

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setQuota(8.0);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(model.index(1, 0).data(UsageSeriesModel::UtilisationRole).toDouble(), 7.0 / 8.0 * 100.0);
        QVERIFY(model.index(1, UsageSeriesModel::UtilisationColumn).data().toString().contains(u'%'));
        QCOMPARE(model.peak(), std::optional(7.0));
        QCOMPARE(model.peakUtilisation(), std::optional(87.5));
        QCOMPARE(model.points(), (QList<QPointF>{QPointF(double(h0.toMSecsSinceEpoch()), 2.0), QPointF(double(h1.toMSecsSinceEpoch()), 7.0)}));

        // A rate is the mean of the environments, not their sum.
        model.setSamples(UsageMetric::ErrorRate, {UsageSample{1, 10, UsageMetric::ErrorRate, h0, 1.0},
                                                  UsageSample{1, 11, UsageMetric::ErrorRate, h0, 3.0}});
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.index(0, 0).data(UsageSeriesModel::ValueRole).toDouble(), 2.0);
        QCOMPARE(model.headerData(UsageSeriesModel::ValueColumn, Qt::Horizontal).toString(), usageMetricTitle(UsageMetric::ErrorRate));
    }

    void seriesLoadsFromTheStoreWithoutBlocking()
    {
        UsageSeriesModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setStore(m_store.get());
        model.setQuota(usageQuota(UsageMetric::CpuHours, m_tenant));
        QSignalSpy loaded(&model, &UsageSeriesModel::loaded);
        const UsageQuery query{m_tenant.id, 0, UsageMetric::CpuHours, demoEnd.addDays(-7), demoEnd};
        model.load(query);
        QVERIFY(model.isLoading());
        QCOMPARE(model.rowCount(), 0); // nothing yet: the answer comes later
        QVERIFY(loaded.wait(30000));
        QVERIFY(!model.isLoading());
        // One row per hour of the week, each the sum of the tenant's environments.
        const QList<UsageSample> samples = await(m_store->usage(query));
        QCOMPARE(model.rowCount(), 7 * 24);
        double sum = 0;
        for (const UsageSample& s : samples)
            sum += s.value;
        double rows = 0;
        for (int row = 0; row < model.rowCount(); ++row)
            rows += model.index(row, 0).data(UsageSeriesModel::ValueRole).toDouble();
        QVERIFY(std::abs(sum - rows) < 1e-6 * sum);
        QCOMPARE(model.index(0, UsageSeriesModel::QuotaColumn).data(UsageSeriesModel::QuotaRole).toDouble(),
                 double(*m_tenant.quotas.cpuCores));
    }

    void seriesReportsAFailureAndRetries()
    {
        UsageSeriesModel model;
        model.setStore(m_store.get());
        QSignalSpy failed(&model, &UsageSeriesModel::loadFailed);
        model.load(UsageQuery{m_tenant.id, 0, UsageMetric::CpuHours, demoEnd, demoEnd.addDays(-1)}); // backwards
        QVERIFY(failed.wait(30000));
        QVERIFY(!model.errorMessage().isEmpty());
        QVERIFY(!model.isLoading());
    }

    // --- The comparison model -----------------------------------------------------------------

    void comparisonShowsTheTopTenantsMonthByMonth()
    {
        UsageComparisonModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setStore(m_store.get());
        QSignalSpy loaded(&model, &UsageComparisonModel::loaded);
        const QDateTime from = demoEnd.addMonths(-3);
        model.load(UsageMetric::CpuHours, from, demoEnd, 5);
        QVERIFY(loaded.wait(30000));
        const QList<UsageTotal> top = await(m_store->usageTotals(UsageTotalsQuery{UsageMetric::CpuHours, from, demoEnd, 5, -1}));
        QCOMPARE(model.rowCount(), int(top.size()));
        QCOMPARE(model.periodCount(), 3);
        QCOMPARE(model.columnCount(), 5);
        for (int row = 0; row < model.rowCount(); ++row) {
            const UsageComparisonModel::Row r = model.row(row);
            QCOMPARE(r.tenantId, top.at(row).tenantId);
            QCOMPARE(model.index(row, 0).data().toString(), await(m_store->tenant(r.tenantId)).displayName);
            // The months add up to the whole range.
            double months = 0;
            for (int c = 1; c <= model.periodCount(); ++c)
                months += model.index(row, c).data(UsageComparisonModel::ValueRole).toDouble();
            QVERIFY(std::abs(months - r.total) < 1e-6 * r.total);
            QCOMPARE(model.index(row, model.totalColumn()).data(UsageComparisonModel::ValueRole).toDouble(), r.total);
        }
        QVERIFY(model.headerData(1, Qt::Horizontal).toString() != model.headerData(2, Qt::Horizontal).toString());
    }

    void monthsAreCutToTheRange()
    {
        const QDateTime from(QDate(2026, 8, 15), QTime(12, 0), QTimeZone::utc());
        const QDateTime to(QDate(2026, 10, 3), QTime(0, 0), QTimeZone::utc());
        const auto months = UsageComparisonModel::monthsOf(from, to);
        QCOMPARE(months.size(), 3);
        QCOMPARE(months.constFirst().first, from);
        QCOMPARE(months.at(1).first, QDateTime(QDate(2026, 9, 1), QTime(0, 0), QTimeZone::utc()));
        QCOMPARE(months.constLast().second, to);
        QVERIFY(UsageComparisonModel::monthsOf(to, from).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestUsageModels)
#include "tst_usagemodels.moc"
