// The usage page on a copy of the demo: a tenant's usage as a chart with its quota, ranges that
// change the time axis, the table behind the chart, exports, the platform's comparison of tenants,
// failures shown on the page with Retry, the chosen metric and range remembered, panning, and a
// series of 100,000+ points drawn from a few points per pixel column.

#include "SqlStore.h"
#include "TestSupport.h"
#include "UsageComparisonModel.h"
#include "UsagePage.h"
#include "UsageSeriesModel.h"

#include <QAbstractBarSeries>
#include <QAreaSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QDateTimeAxis>
#include <QFile>
#include <QFrame>
#include <QImage>
#include <QLineSeries>
#include <QPushButton>
#include <QSettings>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>
#include <QValueAxis>
#include <QToolButton>
#include <QToolTip>
#include <QXmlStreamReader>

#include <algorithm>
#include <cmath>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

class TestUsagePage : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<SqlStore> m_store;
    Tenant m_tenant; // a demo tenant with usage and quotas

    template<typename T>
    static T* child(const QWidget& page, const QString& name)
    {
        auto* found = page.findChild<T*>(name);
        if (!found)
            qFatal("no child %s", qPrintable(name));
        return found;
    }

    std::unique_ptr<UsagePage> openPage()
    {
        auto page = std::make_unique<UsagePage>();
        page->resize(1200, 800);
        page->setStore(m_store.get());
        page->show();
        if (!QTest::qWaitForWindowExposed(page.get()))
            return nullptr;
        return page;
    }

    // Runs `change` and waits until the page shows its answer.
    static bool loads(UsagePage& page, const std::function<void()>& change)
    {
        QSignalSpy loaded(&page, &UsagePage::loaded);
        change();
        return loaded.wait(30000);
    }

    static qint64 axisSpanSeconds(const UsagePage& page)
    {
        return page.timeAxis()->min().secsTo(page.timeAxis()->max());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_store = std::make_unique<SqlStore>(copyFixture(smallDemoFixture(), m_dir));
        await(m_store->open(OpenMode::OpenExisting));
        const QDateTime end = DemoScale::small().anchor;
        for (const UsageTotal& total : await(m_store->usageTotals(UsageTotalsQuery{UsageMetric::CpuHours, end.addDays(-7), end, 50, -1}))) {
            const Tenant tenant = await(m_store->tenant(total.tenantId));
            if (tenant.quotas.cpuCores && tenant.quotas.userSeats) {
                m_tenant = tenant;
                break;
            }
        }
        QVERIFY2(m_tenant.id != 0, "the demo has a tenant with usage and quotas");
    }

    void init()
    {
        QSettings().clear();
    }

    void tenantUsageIsDrawnWithItsQuota()
    {
        auto page = openPage();
        QVERIFY(page);
        QVERIFY(loads(*page, [&]() { page->showTenant(m_tenant.id); }));
        QCOMPARE(page->metric(), UsageMetric::CpuHours);
        QCOMPARE(page->range(), UsagePage::Range::Week);
        // The demo's usage is historic: the ranges end at its last hour, not now.
        QCOMPARE(page->dataEnd(), DemoScale::small().anchor);
        QCOMPARE(page->seriesModel()->rowCount(), 7 * 24);
        QVERIFY(page->valueSeries());
        QVERIFY(page->valueSeries()->count() > 0);
        // The quota as a horizontal line at the tenant's cores.
        QVERIFY(page->quotaSeries());
        QVERIFY(page->quotaSeries()->count() >= 2);
        for (const QPointF& p : page->quotaSeries()->points())
            QCOMPARE(p.y(), double(*m_tenant.quotas.cpuCores));
        // The peak's share of the quota, in words.
        const double share = *page->seriesModel()->peakUtilisation();
        QVERIFY2(page->summaryText().contains(QLocale().toString(share, 'f', 0) + u" %"_s), qPrintable(page->summaryText()));
        QVERIFY(page->summaryText().contains(u"quota"_s));
        QVERIFY(!child<QFrame>(*page, u"usageErrorFrame"_s)->isVisible());
        // Hovering the chart tells the hour's value and its share of the quota.
        QAreaSeries* area = nullptr;
        for (QAbstractSeries* series : page->chart()->series())
            area = area ? area : qobject_cast<QAreaSeries*>(series);
        QVERIFY(area);
        const QPointF first = page->seriesModel()->points().constFirst();
        Q_EMIT area->hovered(first, true);
        QTRY_VERIFY(QToolTip::isVisible());
        const QString expectedShare = QLocale().toString(first.y() / *m_tenant.quotas.cpuCores * 100.0, 'f', 1);
        QVERIFY2(QToolTip::text().contains(expectedShare + u" % of the quota"_s), qPrintable(QToolTip::text()));
        Q_EMIT area->hovered(first, false);

        // Active users against the seats.
        QVERIFY(loads(*page, [&]() { page->setMetric(UsageMetric::ActiveUsers); }));
        QVERIFY(page->quotaSeries());
        QCOMPARE(page->quotaSeries()->at(0).y(), double(*m_tenant.quotas.userSeats));
    }

    void apiCallsAndErrorRateAreDrawnAgainstTheirQuotas()
    {
        QVERIFY(m_tenant.apiRateLimit);
        auto page = openPage();
        QVERIFY(page);
        QVERIFY(loads(*page, [&]() { page->showTenant(m_tenant.id); }));
        // API calls per hour against the rate limit: 60 minutes of requests per minute.
        QVERIFY(loads(*page, [&]() { page->setMetric(UsageMetric::ApiCalls); }));
        const double apiQuota = *m_tenant.apiRateLimit * 60.0;
        QVERIFY(page->quotaSeries());
        for (const QPointF& p : page->quotaSeries()->points())
            QCOMPARE(p.y(), apiQuota);
        const double apiShare = *page->seriesModel()->peak() / apiQuota * 100.0;
        QCOMPARE(*page->seriesModel()->peakUtilisation(), apiShare);
        QVERIFY2(page->summaryText().contains(QLocale().toString(apiShare, 'f', 0) + u" % of quota"_s), qPrintable(page->summaryText()));
        QCOMPARE(page->seriesModel()->index(0, UsageSeriesModel::UtilisationColumn).data(UsageSeriesModel::UtilisationRole).toDouble(),
                 page->seriesModel()->index(0, 0).data(UsageSeriesModel::ValueRole).toDouble() / apiQuota * 100.0);

        // The error rate against the default threshold (the demo's tenants name none).
        QVERIFY(loads(*page, [&]() { page->setMetric(UsageMetric::ErrorRate); }));
        QVERIFY(page->quotaSeries());
        QCOMPARE(page->quotaSeries()->at(0).y(), defaultErrorRateThreshold);
        QVERIFY(page->summaryText().contains(u" % of quota"_s));

        // A tenant without a rate limit has nothing to measure its API calls against, and says so.
        TenantChange unlimited;
        unlimited.apiRateLimit.emplace(); // set, to no limit
        const Tenant changed = await(m_store->updateTenant(m_tenant.id, unlimited, m_tenant.version));
        QVERIFY(loads(*page, [&]() { page->setMetric(UsageMetric::ApiCalls); }));
        QVERIFY(!page->quotaSeries());
        QVERIFY(page->valueSeries()->count() > 0);
        QVERIFY(!page->seriesModel()->peakUtilisation());
        TenantChange restore;
        restore.apiRateLimit = m_tenant.apiRateLimit;
        m_tenant = await(m_store->updateTenant(m_tenant.id, restore, changed.version));
    }

    void panningMovesTheRangeAndHomeReturnsToIt()
    {
        auto page = openPage();
        QVERIFY(page);
        QVERIFY(loads(*page, [&]() { page->showTenant(m_tenant.id); }));
        const QDateTime start = page->timeAxis()->min();
        const QDateTime end = page->timeAxis()->max();
        QCOMPARE(end, page->dataEnd());
        QChartView* view = page->chartView();
        view->setFocus();
        // Each pan moves both ends of the axis by the same time: the span stays, the window slides.
        const auto pannedBy = [&](const std::function<void()>& pan) -> qint64 {
            const QDateTime min = page->timeAxis()->min();
            const QDateTime max = page->timeAxis()->max();
            pan();
            const qint64 minMoved = min.secsTo(page->timeAxis()->min());
            const qint64 maxMoved = max.secsTo(page->timeAxis()->max());
            if (std::abs(minMoved - maxMoved) > 1)
                qWarning("the ends moved by %lld s and %lld s", minMoved, maxMoved);
            return std::abs(minMoved - maxMoved) > 1 ? 0 : minMoved;
        };
        // The arrow keys: a tenth of the plot each.
        const qint64 left = pannedBy([&]() { QTest::keyClick(view, Qt::Key_Left); });
        QVERIFY2(left < 0, "Left shows earlier hours");
        QVERIFY(std::abs(left + UsagePage::rangeSeconds(UsagePage::Range::Week) / 10) < 3600);
        const qint64 right = pannedBy([&]() { QTest::keyClick(view, Qt::Key_Right); });
        QVERIFY2(right > 0, "Right shows later hours");
        QCOMPARE(axisSpanSeconds(*page), UsagePage::rangeSeconds(UsagePage::Range::Week));

        // Shift+drag and middle-drag: the chart follows the mouse (dragged right, earlier hours come in).
        const QPoint centre = page->chart()->plotArea().center().toPoint();
        const auto drag = [&](Qt::MouseButton button, Qt::KeyboardModifiers modifiers, int dx) {
            QWidget* viewport = view->viewport();
            QTest::mousePress(viewport, button, modifiers, centre);
            QTest::mouseMove(viewport, centre + QPoint(dx / 2, 0));
            QTest::mouseMove(viewport, centre + QPoint(dx, 0));
            QTest::mouseRelease(viewport, button, modifiers, centre + QPoint(dx, 0));
        };
        const qint64 shiftDrag = pannedBy([&]() { drag(Qt::LeftButton, Qt::ShiftModifier, 200); });
        QVERIFY2(shiftDrag < 0, "Shift+drag to the right shows earlier hours");
        // 200 pixels of a week spread over the plot's width.
        const double expected = 200.0 / page->chart()->plotArea().width() * double(UsagePage::rangeSeconds(UsagePage::Range::Week));
        QVERIFY2(std::abs(double(-shiftDrag) - expected) < 0.05 * expected, qPrintable(QString::number(shiftDrag)));
        const qint64 middleDrag = pannedBy([&]() { drag(Qt::MiddleButton, Qt::NoModifier, -100); });
        QVERIFY2(middleDrag > 0, "middle-drag to the left shows later hours");
        QCOMPARE(axisSpanSeconds(*page), UsagePage::rangeSeconds(UsagePage::Range::Week));
        // Home returns to the whole range.
        QVERIFY(page->timeAxis()->min() != start);
        QTest::keyClick(view, Qt::Key_Home);
        QCOMPARE(page->timeAxis()->min(), start);
        QCOMPARE(page->timeAxis()->max(), end);

        // Zoomed in, panned, then Reset Zoom: the range again.
        QTest::keyClick(view, Qt::Key_Plus);
        QVERIFY(axisSpanSeconds(*page) < UsagePage::rangeSeconds(UsagePage::Range::Week));
        QTest::keyClick(view, Qt::Key_Left);
        QVERIFY(page->timeAxis()->max() < end);
        QTest::mouseClick(child<QPushButton>(*page, u"resetZoomButton"_s), Qt::LeftButton);
        QCOMPARE(page->timeAxis()->min(), start);
        QCOMPARE(page->timeAxis()->max(), end);
    }

    void aSeriesOfOver100000PointsIsDrawnFromAFewPointsPerPixelColumn()
    {
        // A tenant with a sample every minute for a quarter: 129,600 points, its lowest and highest
        // value each once, written straight into a copy of the demo.
        QTemporaryDir dir;
        const QString path = copyFixture(smallDemoFixture(), dir);
        TenantId tenantId = 0;
        EnvironmentId environmentId = 0;
        {
            SqlStore store(path);
            await(store.open(OpenMode::OpenExisting));
            const Tenant tenant = await(store.createTenant(NewTenant{u"minutely"_s, u"Minutely"_s, 0, {}, u"UTC"_s, u"en"_s,
                                                                     {EnvironmentKind::Production}}));
            tenantId = tenant.id;
            const QList<Environment> environments = await(store.environments(tenantId));
            QCOMPARE(environments.size(), qsizetype(1));
            environmentId = environments.constFirst().id;
        }
        constexpr int minutes = 90 * 24 * 60;
        constexpr int highestAt = 77'777;
        constexpr int lowestAt = 33'333;
        const qint64 end = QDateTime::currentSecsSinceEpoch() / 3600 * 3600 - 3600;
        const qint64 first = end - qint64(minutes) * 60;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"minutely"_s);
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QVERIFY(db.transaction());
            QSqlQuery insert(db);
            QVERIFY(insert.prepare(u"INSERT INTO usage_samples (tenant_id, environment_id, metric, at, value) VALUES (?, ?, 'cpu_hours', ?, ?)"_s));
            for (int i = 0; i < minutes; ++i) {
                const double value = i == highestAt ? 1000.0 : i == lowestAt ? 0.0 : 15.0 + 5.0 * std::sin(i / 500.0);
                insert.addBindValue(tenantId);
                insert.addBindValue(environmentId);
                insert.addBindValue(first + qint64(i) * 60);
                insert.addBindValue(value);
                QVERIFY2(insert.exec(), qPrintable(insert.lastError().text()));
            }
            QVERIFY(db.commit());
            db.close();
        }
        QSqlDatabase::removeDatabase(u"minutely"_s);

        SqlStore store(path);
        await(store.open(OpenMode::OpenExisting));
        auto page = std::make_unique<UsagePage>();
        page->resize(1200, 800);
        page->setStore(&store);
        page->show();
        QVERIFY(QTest::qWaitForWindowExposed(page.get()));
        QVERIFY(loads(*page, [&]() { page->showTenant(tenantId); }));
        QVERIFY(loads(*page, [&]() { page->setRange(UsagePage::Range::Quarter); }));
        QVERIFY2(page->seriesModel()->rowCount() >= 100'000, qPrintable(QString::number(page->seriesModel()->rowCount())));
        QCOMPARE(*page->seriesModel()->peak(), 1000.0);

        // Drawn: a few points per pixel column of the plot, never the whole series.
        const QList<QPointF> drawn = page->valueSeries()->points();
        const int width = int(page->chart()->plotArea().width());
        QVERIFY2(drawn.size() <= 4 * width + 4, qPrintable(u"%1 points on %2 columns"_s.arg(drawn.size()).arg(width)));
        const double from = double(page->timeAxis()->min().toMSecsSinceEpoch());
        const double to = double(page->timeAxis()->max().toMSecsSinceEpoch());
        QHash<int, int> perColumn; // pixel column of the plot → points drawn in it
        for (const QPointF& point : drawn)
            ++perColumn[int(std::floor((point.x() - from) / (to - from) * page->chart()->plotArea().width()))];
        const int densest = *std::max_element(perColumn.cbegin(), perColumn.cend());
        QVERIFY2(densest <= 8, qPrintable(u"%1 points in one pixel column"_s.arg(densest))); // a column may straddle two
        // The spike and the dip both survive the reduction, at their own time.
        const auto at = [first](int minute) { return double((first + qint64(minute) * 60) * 1000); };
        QVERIFY(std::any_of(drawn.cbegin(), drawn.cend(), [&](const QPointF& p) { return p.y() == 1000.0 && p.x() == at(highestAt); }));
        QVERIFY(std::any_of(drawn.cbegin(), drawn.cend(), [&](const QPointF& p) { return p.y() == 0.0 && p.x() == at(lowestAt); }));
        // The value axis reaches the spike.
        QVERIFY(page->chart()->axes(Qt::Vertical).size() == 1);
        QVERIFY(static_cast<QValueAxis*>(page->chart()->axes(Qt::Vertical).constFirst())->max() >= 1000.0);
    }

    void rangesChangeTheTimeAxis()
    {
        auto page = openPage();
        QVERIFY(page);
        QVERIFY(loads(*page, [&]() { page->showTenant(m_tenant.id); }));
        QCOMPARE(axisSpanSeconds(*page), UsagePage::rangeSeconds(UsagePage::Range::Week));
        const std::pair<UsagePage::Range, QString> buttons[] = {{UsagePage::Range::Day, u"rangeDayButton"_s},
                                                                {UsagePage::Range::Month, u"rangeMonthButton"_s},
                                                                {UsagePage::Range::Quarter, u"rangeQuarterButton"_s},
                                                                {UsagePage::Range::Week, u"rangeWeekButton"_s}};
        for (const auto& [range, name] : buttons) {
            QVERIFY(loads(*page, [&]() { QTest::mouseClick(child<QToolButton>(*page, name), Qt::LeftButton); }));
            QCOMPARE(page->range(), range);
            QCOMPARE(axisSpanSeconds(*page), UsagePage::rangeSeconds(range));
            QCOMPARE(page->timeAxis()->max(), DemoScale::small().anchor);
            QVERIFY(page->valueSeries()->count() > 0);
        }
        // A quarter of hourly samples is reduced to what the plot's width can show, peaks kept.
        QVERIFY(loads(*page, [&]() { page->setRange(UsagePage::Range::Quarter); }));
        QVERIFY(page->seriesModel()->rowCount() > 2000);
        const int width = int(page->chart()->plotArea().width());
        QVERIFY(page->valueSeries()->count() <= 4 * width);
        const QList<QPointF> drawn = page->valueSeries()->points();
        const double drawnPeak = std::max_element(drawn.cbegin(), drawn.cend(), [](const QPointF& a, const QPointF& b) { return a.y() < b.y(); })->y();
        QCOMPARE(drawnPeak, *page->seriesModel()->peak());

        // Zoomed in and reset.
        page->chart()->zoom(4);
        QVERIFY(axisSpanSeconds(*page) < UsagePage::rangeSeconds(UsagePage::Range::Quarter) / 2);
        QTest::mouseClick(child<QPushButton>(*page, u"resetZoomButton"_s), Qt::LeftButton);
        QCOMPARE(axisSpanSeconds(*page), UsagePage::rangeSeconds(UsagePage::Range::Quarter));
    }

    void showTableShowsTheRowsBehindTheChart()
    {
        auto page = openPage();
        QVERIFY(page);
        QVERIFY(loads(*page, [&]() { page->showTenant(m_tenant.id); }));
        QVERIFY(page->chartView()->isVisible());
        auto* button = child<QPushButton>(*page, u"showTableButton"_s);
        QTest::mouseClick(button, Qt::LeftButton);
        QTableView* table = page->tableView();
        QVERIFY(table->isVisible());
        QVERIFY(!page->chartView()->isVisible());
        QCOMPARE(table->model(), page->seriesModel());
        QCOMPARE(table->model()->rowCount(), 7 * 24);
        const QModelIndex first = table->model()->index(0, UsageSeriesModel::ValueColumn);
        QCOMPARE(first.data(UsageSeriesModel::ValueRole).toDouble(), page->seriesModel()->points().constFirst().y());
        QVERIFY(!table->model()->index(0, UsageSeriesModel::UtilisationColumn).data().toString().isEmpty());
        QTest::mouseClick(button, Qt::LeftButton);
        QVERIFY(page->chartView()->isVisible());
    }

    void chartsExportAsPngSvgAndPdf()
    {
        auto page = openPage();
        QVERIFY(page);
        QVERIFY(loads(*page, [&]() { page->showTenant(m_tenant.id); }));
        QTemporaryDir out;
        QString error;
        const QString png = out.filePath(u"usage.png"_s);
        QVERIFY2(page->exportChart(png, &error), qPrintable(error));
        const QImage image(png);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() > 300);

        const QString svg = out.filePath(u"usage.svg"_s);
        QVERIFY2(page->exportChart(svg, &error), qPrintable(error));
        QFile svgFile(svg);
        QVERIFY(svgFile.open(QIODevice::ReadOnly));
        QXmlStreamReader xml(&svgFile);
        bool sawSvg = false;
        int elements = 0;
        while (!xml.atEnd()) {
            if (xml.readNext() == QXmlStreamReader::StartElement) {
                sawSvg = sawSvg || xml.name() == u"svg"_s;
                ++elements;
            }
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QVERIFY(sawSvg);
        QVERIFY(elements > 10); // the chart's drawing, not an empty document

        // The PDF also from behind the table.
        page->setTableShown(true);
        const QString pdf = out.filePath(u"usage.pdf"_s);
        QVERIFY2(page->exportChart(pdf, &error), qPrintable(error));
        QFile pdfFile(pdf);
        QVERIFY(pdfFile.open(QIODevice::ReadOnly));
        QVERIFY(pdfFile.size() > 1000);
        QVERIFY(pdfFile.read(5).startsWith("%PDF"));

        QVERIFY(!page->exportChart(out.filePath(u"usage.bmp"_s), &error));
        QVERIFY(!error.isEmpty());
    }

    void showAllDrawsEveryMetric()
    {
        auto page = openPage();
        QVERIFY(page);
        QVERIFY(loads(*page, [&]() { page->showTenant(m_tenant.id); }));
        QVERIFY(loads(*page, [&]() { QTest::mouseClick(child<QPushButton>(*page, u"showAllButton"_s), Qt::LeftButton); }));
        QVERIFY(page->isAllMetricsShown());
        const QList<QChartView*> views = page->smallChartViews();
        QCOMPARE(views.size(), qsizetype(std::size(allUsageMetrics)));
        for (qsizetype i = 0; i < views.size(); ++i) {
            QVERIFY(views.at(i)->isVisible());
            const QList<QAbstractSeries*> series = views.at(i)->chart()->series();
            QVERIFY(!series.isEmpty());
            QVERIFY(static_cast<QLineSeries*>(series.constFirst())->count() > 0);
            // The quota line where the metric has one.
            QCOMPARE(series.size(), usageQuota(allUsageMetrics[i], m_tenant) ? 2 : 1);
        }
        // A range applies to all of them; the export shows them all.
        QVERIFY(loads(*page, [&]() { page->setRange(UsagePage::Range::Day); }));
        QCOMPARE(static_cast<QLineSeries*>(views.constFirst()->chart()->series().constFirst())->count(), 24);
        QTemporaryDir out;
        QVERIFY(page->exportChart(out.filePath(u"all.png"_s)));
        QCOMPARE(QImage(out.filePath(u"all.png"_s)).size(), page->findChild<QWidget*>(u"usageSmallCharts"_s)->size());
        QTest::mouseClick(child<QPushButton>(*page, u"showAllButton"_s), Qt::LeftButton);
        QVERIFY(page->chartView()->isVisible());
    }

    void platformComparesTheTopTenants()
    {
        auto page = openPage();
        QVERIFY(page);
        page->setRange(UsagePage::Range::Quarter); // nothing shown yet: nothing to load
        QVERIFY(!page->isLoading());
        QVERIFY(loads(*page, [&]() { page->showPlatform(); }));
        QVERIFY(page->isPlatformView());
        const UsageComparisonModel* model = page->comparisonModel();
        QCOMPARE(model->rowCount(), 10);
        QVERIFY(model->periodCount() >= 3);
        QList<QAbstractBarSeries*> bars;
        for (QAbstractSeries* series : page->chart()->series()) {
            if (auto* b = qobject_cast<QAbstractBarSeries*>(series))
                bars.append(b);
        }
        QCOMPARE(bars.size(), 1);
        QCOMPARE(bars.constFirst()->count(), model->periodCount()); // a set per month
        QCOMPARE(bars.constFirst()->barSets().constFirst()->count(), 10); // a bar per tenant
        // Largest first.
        for (int row = 1; row < model->rowCount(); ++row)
            QVERIFY(model->row(row - 1).total >= model->row(row).total);
        page->setTableShown(true);
        QCOMPARE(page->tableView()->model(), model);
    }

    void failuresAreShownOnThePageWithRetry()
    {
        auto page = openPage();
        QVERIFY(page);
        QSignalSpy failed(page.get(), &UsagePage::loadFailed);
        page->showTenant(987654321);
        QVERIFY(failed.wait(30000));
        QVERIFY(child<QFrame>(*page, u"usageErrorFrame"_s)->isVisible());
        auto* retry = child<QPushButton>(*page, u"usageRetryButton"_s);
        QVERIFY(retry->isVisible());
        QTest::mouseClick(retry, Qt::LeftButton);
        QVERIFY(failed.wait(30000)); // asked again, failed again, still said on the page
        QVERIFY(loads(*page, [&]() { page->showTenant(m_tenant.id); }));
        QVERIFY(!child<QFrame>(*page, u"usageErrorFrame"_s)->isVisible());
    }

    void theChosenMetricAndRangeAreRemembered()
    {
        {
            auto page = openPage();
            QVERIFY(page);
            QVERIFY(loads(*page, [&]() { page->showTenant(m_tenant.id); }));
            QVERIFY(loads(*page, [&]() { page->setMetric(UsageMetric::StorageGb); }));
            QVERIFY(loads(*page, [&]() { page->setRange(UsagePage::Range::Month); }));
        }
        auto again = openPage();
        QVERIFY(again);
        QCOMPARE(again->metric(), UsageMetric::StorageGb);
        QCOMPARE(again->range(), UsagePage::Range::Month);
    }
};

QTEST_MAIN(TestUsagePage)
#include "tst_usagepage.moc"
