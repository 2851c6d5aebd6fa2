#pragma once

#include "Store.h"
#include "UsageSample.h"

#include <QDateTime>
#include <QHash>
#include <QWidget>

#include <functional>
#include <optional>

class QAbstractButton;
class QButtonGroup;
class QComboBox;
class QFrame;
class QLabel;
class QPushButton;
class QSpinBox;
class QStackedWidget;
class QTableView;
class QTimer;
class QToolButton;

QT_BEGIN_NAMESPACE
class QAreaSeries;
class QChart;
class QChartView;
class QDateTimeAxis;
class QLineSeries;
class QValueAxis;
QT_END_NAMESPACE

namespace TenantDesk {

class UsageChartView;
class UsageComparisonModel;
class UsageSeriesModel;

// Usage over time, as charts (Qt Charts):
// - of a tenant or one of its environments: the chosen metric hour by hour as a line over a filled
//   area, the tenant's quota as a dashed line where the metric has one, and the peak's share of the
//   quota in the legend, the summary and each point's tooltip;
// - of the platform: the top N tenants by the metric, month by month, as stacked bars (grouped bars
//   for metrics that are means: active users, error rate).
// Ranges Day, Week, Month and Quarter end at the data's latest hour (usage may be historic, as the
// demo's is). Drag to zoom into a span, Shift+drag or the arrow keys to pan, +/− to zoom, Reset Zoom
// (or 0) to see the whole range. Series of any length are drawn from at most four points per pixel
// column (decimateMinMax), again on each resize and zoom. Show Table switches to the rows behind the
// chart; Export Chart… writes PNG, SVG or PDF. Nothing blocks while loading; a failure is shown on
// the page with Retry. The chosen metric and range are remembered. The charts take the colours of
// the branding in force (BrandingManager) and change with it; exports carry its logo.
class UsagePage : public QWidget
{
    Q_OBJECT

public:
    enum class Range { Day, Week, Month, Quarter };
    Q_ENUM(Range)

    explicit UsagePage(QWidget* parent = nullptr);
    ~UsagePage() override;

    // The store to read; nullptr lets go of it (the page empties).
    void setStore(Store* store);
    // The usage of a tenant (environmentId 0: all its environments) or of one environment.
    void showTenant(TenantId tenantId, EnvironmentId environmentId = 0);
    // The platform's comparison of tenants.
    void showPlatform();
    bool isPlatformView() const { return m_tenantId == 0; }
    TenantId tenantId() const { return m_tenantId; }

    UsageMetric metric() const { return m_metric; }
    void setMetric(UsageMetric metric);
    Range range() const { return m_range; }
    void setRange(Range range);
    static qint64 rangeSeconds(Range range);
    // The end of the ranges: the latest hour with data (invalid until known).
    QDateTime dataEnd() const { return m_dataEnd; }

    // Every metric at once as small charts (Show All), and back to the chosen one.
    void setAllMetricsShown(bool shown);
    bool isAllMetricsShown() const;
    // The small charts of Show All, one per metric in allUsageMetrics order.
    QList<QChartView*> smallChartViews() const { return m_smallChartViews; }
    // The table instead of the chart (Show Table), and back.
    void setTableShown(bool shown);
    bool isTableShown() const;
    // Writes the chart as PNG, SVG or PDF, chosen by the suffix of `path`; false with `error` set
    // when it could not.
    bool exportChart(const QString& path, QString* error = nullptr);
    void exportChartInteractively();
    void resetZoom();
    bool isLoading() const { return m_loading; }

    // For tests and the main window.
    QChart* chart() const;
    QChartView* chartView() const;
    QTableView* tableView() const { return m_tableView; }
    UsageSeriesModel* seriesModel() const { return m_seriesModel; }
    UsageComparisonModel* comparisonModel() const { return m_comparisonModel; }
    QLineSeries* valueSeries() const { return m_valueSeries; }
    QLineSeries* quotaSeries() const { return m_quotaSeries; }
    QDateTimeAxis* timeAxis() const { return m_timeAxis; }
    QString summaryText() const;

Q_SIGNALS:
    // The chart shows what was asked for (or the failure is shown).
    void loaded();
    void loadFailed(const QString& message);

private:
    void load();
    void loadTenant();
    void loadPlatform();
    // Finds the latest hour with usage of `tenantId` (within 400 days), then calls `next`.
    void findDataEnd(TenantId tenantId, quint64 generation, const std::function<void()>& next);
    void rangeChosen(int id);
    void metricChosen(int index);
    void setLoading(bool loading);
    void fail(quint64 generation, const QString& message);
    void buildSeriesChart();
    void buildComparisonChart();
    void scheduleDecimation();
    void decimate();
    void updateSummary();
    void pointHovered(const QPointF& point, bool state);
    QDateTime rangeStart() const;
    void clearChart();
    void loadSmallCharts(quint64 generation);
    void buildSmallChart(int index, const QList<UsageSample>& samples);
    void finishPart(quint64 generation);
    // Colours every chart of the page from the branding in force: the series in its accent, the
    // background and text in its window and text colours, the quota in a status red (in the text
    // colour when the accent is a red itself). Called
    // after each build and when the branding changes (the data stay as they are).
    void recolour();

    Store* m_store = nullptr;
    TenantId m_tenantId = 0;
    EnvironmentId m_environmentId = 0;
    Tenant m_tenant;
    UsageMetric m_metric = UsageMetric::CpuHours;
    Range m_range = Range::Week;
    QDateTime m_dataEnd;
    QHash<TenantId, QDateTime> m_dataEnds; // found once per tenant (0: the platform)
    quint64 m_generation = 0;
    bool m_loading = false;
    bool m_hasSubject = false; // showTenant() or showPlatform() was called

    UsageSeriesModel* m_seriesModel;
    UsageComparisonModel* m_comparisonModel;
    QLabel* m_titleLabel;
    QComboBox* m_metricComboBox;
    QButtonGroup* m_rangeGroup;
    QSpinBox* m_topSpinBox;
    QLabel* m_topLabel;
    QPushButton* m_resetZoomButton;
    QPushButton* m_showTableButton;
    QPushButton* m_showAllButton;
    QWidget* m_smallChartsWidget;
    QList<QChartView*> m_smallChartViews;
    int m_partsPending = 0; // the chosen metric's chart and, with Show All, each small chart
    QPushButton* m_exportButton;
    QLabel* m_summaryLabel;
    QLabel* m_loadingLabel;
    QFrame* m_errorFrame;
    QLabel* m_errorLabel;
    QPushButton* m_retryButton;
    QStackedWidget* m_viewStack;
    UsageChartView* m_chartView;
    QTableView* m_tableView;
    QTimer* m_decimationTimer;
    // The chart's current contents (owned by the chart).
    QLineSeries* m_valueSeries = nullptr;
    QAreaSeries* m_areaSeries = nullptr;
    QLineSeries* m_quotaSeries = nullptr;
    QDateTimeAxis* m_timeAxis = nullptr;
    QValueAxis* m_valueAxis = nullptr;
    QList<QPointF> m_points; // the whole series, before decimation
};

} // namespace TenantDesk
