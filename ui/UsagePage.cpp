#include "UsagePage.h"

#include "Async.h"
#include "BrandingManager.h"
#include "ChartLook.h"
#include "FieldError.h"
#include "Settings.h"
#include "UsageComparisonModel.h"
#include "UsageDecimation.h"
#include "UsageSeriesModel.h"

#include <QAreaSeries>
#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QHorizontalBarSeries>
#include <QHorizontalStackedBarSeries>
#include <QBarSet>
#include <QButtonGroup>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTimeAxis>
#include <QFileDialog>
#include <QFileInfo>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineSeries>
#include <QLocale>
#include <QMessageBox>
#include <QMouseEvent>
#include <QPainter>
#include <QPdfWriter>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QSvgGenerator>
#include <QTableView>
#include <QTimeZone>
#include <QTimer>
#include <QToolButton>
#include <QToolTip>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <utility>

namespace TenantDesk {

using namespace Qt::StringLiterals;

// The chart view of the usage page: drag to zoom into a span of time (the rubber band), Shift+drag
// or the middle button to pan, arrow keys to pan, + and − to zoom, 0 or Home to see everything.
class UsageChartView : public QChartView
{
public:
    explicit UsageChartView(QChart* chart, QWidget* parent)
        : QChartView(chart, parent)
    {
        setRenderHint(QPainter::Antialiasing);
        setFocusPolicy(Qt::StrongFocus);
        setZoomable(true);
    }

    // What 0 and Home do: the page's Reset Zoom, which also undoes pans (QChart::zoomReset does not).
    void setResetAction(std::function<void()> reset) { m_reset = std::move(reset); }

    void setZoomable(bool zoomable)
    {
        m_zoomable = zoomable;
        setRubberBand(zoomable ? QChartView::HorizontalRubberBand : QChartView::NoRubberBand);
    }

protected:
    void keyPressEvent(QKeyEvent* event) override
    {
        if (!m_zoomable)
            return QChartView::keyPressEvent(event);
        const qreal step = chart()->plotArea().width() / 10;
        switch (event->key()) {
        case Qt::Key_Left: chart()->scroll(-step, 0); break;
        case Qt::Key_Right: chart()->scroll(step, 0); break;
        case Qt::Key_Plus:
        case Qt::Key_Equal: chart()->zoom(1.5); break;
        case Qt::Key_Minus: chart()->zoom(1 / 1.5); break;
        case Qt::Key_0:
        case Qt::Key_Home:
            if (m_reset)
                m_reset();
            else
                chart()->zoomReset();
            break;
        default: return QChartView::keyPressEvent(event);
        }
        event->accept();
    }
    void mousePressEvent(QMouseEvent* event) override
    {
        const bool pan = event->button() == Qt::MiddleButton
            || (event->button() == Qt::LeftButton && event->modifiers().testFlag(Qt::ShiftModifier));
        if (m_zoomable && pan) {
            m_panning = true;
            m_lastPosition = event->position();
            setCursor(Qt::ClosedHandCursor);
            event->accept();
            return;
        }
        QChartView::mousePressEvent(event);
    }
    void mouseMoveEvent(QMouseEvent* event) override
    {
        if (m_panning) {
            const QPointF delta = event->position() - m_lastPosition;
            m_lastPosition = event->position();
            chart()->scroll(-delta.x(), 0);
            event->accept();
            return;
        }
        QChartView::mouseMoveEvent(event);
    }
    void mouseReleaseEvent(QMouseEvent* event) override
    {
        if (m_panning) {
            m_panning = false;
            unsetCursor();
            event->accept();
            return;
        }
        QChartView::mouseReleaseEvent(event);
    }

private:
    std::function<void()> m_reset;
    bool m_zoomable = true;
    bool m_panning = false;
    QPointF m_lastPosition;
};

namespace {

template<typename Widget>
Widget* named(Widget* widget, const QString& objectName, const QString& accessibleName)
{
    widget->setObjectName(objectName);
    widget->setAccessibleName(accessibleName);
    return widget;
}

QString rangeKey(UsagePage::Range range)
{
    switch (range) {
    case UsagePage::Range::Day: return u"day"_s;
    case UsagePage::Range::Week: return u"week"_s;
    case UsagePage::Range::Month: return u"month"_s;
    case UsagePage::Range::Quarter: return u"quarter"_s;
    }
    return u"week"_s;
}

std::optional<UsagePage::Range> rangeFromKey(const QString& key)
{
    for (auto range : {UsagePage::Range::Day, UsagePage::Range::Week, UsagePage::Range::Month, UsagePage::Range::Quarter}) {
        if (rangeKey(range) == key)
            return range;
    }
    return std::nullopt;
}

// "256 cores", "1,536 GB", "800 seats", "36,000 calls/hour", "1 % errors".
QString quotaText(UsageMetric metric, double quota)
{
    const QString number = QLocale().toString(quota, 'f', quota == std::trunc(quota) ? 0 : 2);
    switch (metric) {
    case UsageMetric::CpuHours: return UsagePage::tr("%1 cores").arg(number);
    case UsageMetric::MemoryGbHours:
    case UsageMetric::StorageGb: return UsagePage::tr("%1 GB").arg(number);
    case UsageMetric::ActiveUsers: return UsagePage::tr("%1 seats").arg(number);
    case UsageMetric::ApiCalls: return UsagePage::tr("%1 calls/hour").arg(number);
    case UsageMetric::ErrorRate: return UsagePage::tr("%1 % errors").arg(number);
    }
    return number;
}

// Metrics whose total over a range is a mean: their months are compared side by side, not stacked.
bool isMeanMetric(UsageMetric metric)
{
    return metric == UsageMetric::ActiveUsers || metric == UsageMetric::ErrorRate;
}

QDateTime nextHour(const QDateTime& time)
{
    const qint64 seconds = time.toSecsSinceEpoch();
    return QDateTime::fromSecsSinceEpoch((seconds / 3600 + 1) * 3600, QTimeZone::utc());
}

} // namespace

UsagePage::UsagePage(QWidget* parent)
    : QWidget(parent)
    , m_seriesModel(new UsageSeriesModel(this))
    , m_comparisonModel(new UsageComparisonModel(this))
{
    if (const auto metric = usageMetricFromKey(Settings::value(Settings::usageMetric)))
        m_metric = *metric;
    if (const auto range = rangeFromKey(Settings::value(Settings::usageRange)))
        m_range = *range;

    auto* layout = new QVBoxLayout(this);
    m_titleLabel = named(new QLabel(this), u"usageTitleLabel"_s, tr("Usage"));
    QFont titleFont = m_titleLabel->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.4);
    titleFont.setBold(true);
    m_titleLabel->setFont(titleFont);
    layout->addWidget(m_titleLabel);

    auto* controls = new QHBoxLayout;
    auto* metricLabel = new QLabel(tr("&Metric:"), this);
    m_metricComboBox = named(new QComboBox(this), u"usageMetricComboBox"_s, tr("Metric"));
    for (UsageMetric metric : allUsageMetrics)
        m_metricComboBox->addItem(usageMetricTitle(metric), int(metric));
    m_metricComboBox->setCurrentIndex(m_metricComboBox->findData(int(m_metric)));
    metricLabel->setBuddy(m_metricComboBox);
    controls->addWidget(metricLabel);
    controls->addWidget(m_metricComboBox);
    controls->addSpacing(12);

    m_rangeGroup = new QButtonGroup(this);
    const std::pair<Range, QString> ranges[] = {{Range::Day, tr("&Day")}, {Range::Week, tr("&Week")},
                                                {Range::Month, tr("Mo&nth")}, {Range::Quarter, tr("&Quarter")}};
    for (const auto& [range, text] : ranges) {
        auto* button = named(new QToolButton(this), u"range"_s + rangeKey(range).at(0).toUpper() + rangeKey(range).mid(1) + u"Button"_s, text);
        button->setText(text);
        button->setCheckable(true);
        button->setChecked(range == m_range);
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        m_rangeGroup->addButton(button, int(range));
        controls->addWidget(button);
    }
    controls->addSpacing(12);
    m_topLabel = new QLabel(tr("&Top:"), this);
    m_topSpinBox = named(new QSpinBox(this), u"usageTopSpinBox"_s, tr("Number of tenants compared"));
    m_topSpinBox->setRange(1, 50);
    m_topSpinBox->setValue(10);
    m_topLabel->setBuddy(m_topSpinBox);
    controls->addWidget(m_topLabel);
    controls->addWidget(m_topSpinBox);
    controls->addStretch(1);
    m_resetZoomButton = named(new QPushButton(tr("&Reset Zoom"), this), u"resetZoomButton"_s, tr("Reset zoom"));
    m_resetZoomButton->setToolTip(tr("Show the whole range again (0). On the chart: drag to zoom in, Shift+drag or the arrow keys to pan"));
    m_showTableButton = named(new QPushButton(tr("Show &Table"), this), u"showTableButton"_s, tr("Show table"));
    m_showTableButton->setCheckable(true);
    m_showTableButton->setToolTip(tr("The values behind the chart, one row per hour (Ctrl+T)"));
    m_showTableButton->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    m_showAllButton = named(new QPushButton(tr("Show &All"), this), u"showAllButton"_s, tr("Show all metrics"));
    m_showAllButton->setCheckable(true);
    m_showAllButton->setToolTip(tr("Every metric at once, as small charts over the same range"));
    m_exportButton = named(new QPushButton(tr("&Export Chart…"), this), u"exportChartButton"_s, tr("Export chart"));
    m_exportButton->setToolTip(tr("Save the chart as PNG, SVG or PDF"));
    controls->addWidget(m_resetZoomButton);
    controls->addWidget(m_showAllButton);
    controls->addWidget(m_showTableButton);
    controls->addWidget(m_exportButton);
    layout->addLayout(controls);

    auto* status = new QHBoxLayout;
    m_summaryLabel = named(new QLabel(this), u"usageSummaryLabel"_s, tr("Summary"));
    m_summaryLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_loadingLabel = named(new QLabel(tr("Loading…"), this), u"usageLoadingLabel"_s, tr("Loading"));
    m_loadingLabel->hide();
    status->addWidget(m_summaryLabel, 1);
    status->addWidget(m_loadingLabel);
    layout->addLayout(status);

    m_errorFrame = named(new QFrame(this), u"usageErrorFrame"_s, tr("Usage error"));
    m_errorFrame->setFrameShape(QFrame::StyledPanel);
    auto* errorLayout = new QHBoxLayout(m_errorFrame);
    m_errorLabel = makeErrorLabel(u"usageErrorLabel"_s, m_errorFrame);
    m_errorLabel->show();
    m_retryButton = named(new QPushButton(tr("Retr&y"), m_errorFrame), u"usageRetryButton"_s, tr("Retry reading the usage"));
    errorLayout->addWidget(m_errorLabel, 1);
    errorLayout->addWidget(m_retryButton);
    m_errorFrame->hide();
    layout->addWidget(m_errorFrame);

    m_viewStack = new QStackedWidget(this);
    auto* usageChart = new QChart;
    usageChart->legend()->setAlignment(Qt::AlignBottom);
    usageChart->setMargins(QMargins(4, 4, 4, 4));
    m_chartView = named(new UsageChartView(usageChart, m_viewStack), u"usageChartView"_s, tr("Usage chart"));
    m_chartView->setAccessibleDescription(tr("Drag to zoom in, Shift+drag or arrow keys to pan, 0 to reset"));
    m_chartView->setMinimumSize(320, 240);
    m_tableView = named(new QTableView(m_viewStack), u"usageTableView"_s, tr("Usage table"));
    m_tableView->setTabKeyNavigation(false);
    m_tableView->setModel(m_seriesModel);
    m_tableView->setAlternatingRowColors(true);
    m_tableView->verticalHeader()->hide();
    m_tableView->horizontalHeader()->setStretchLastSection(true);
    m_tableView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tableView->setWordWrap(false);
    m_tableView->verticalHeader()->setDefaultSectionSize(m_tableView->fontMetrics().height() + 8);
    m_tableView->horizontalHeader()->setDefaultSectionSize(m_tableView->fontMetrics().horizontalAdvance(u"2026-10-25 00:00"_s) + 32);
    m_smallChartsWidget = named(new QWidget(m_viewStack), u"usageSmallCharts"_s, tr("Every metric"));
    auto* grid = new QGridLayout(m_smallChartsWidget);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(4);
    for (int i = 0; i < int(std::size(allUsageMetrics)); ++i) {
        auto* small = new QChart;
        small->legend()->hide();
        small->setMargins(QMargins(2, 2, 2, 2));
        small->setTitle(usageMetricTitle(allUsageMetrics[i]));
        auto* view = new QChartView(small, m_smallChartsWidget);
        view->setObjectName(u"smallChart_"_s + usageMetricKey(allUsageMetrics[i]));
        view->setRenderHint(QPainter::Antialiasing);
        view->setMinimumSize(200, 150);
        grid->addWidget(view, i / 2, i % 2);
        m_smallChartViews.append(view);
    }
    m_viewStack->addWidget(m_chartView);
    m_viewStack->addWidget(m_tableView);
    m_viewStack->addWidget(m_smallChartsWidget);
    layout->addWidget(m_viewStack, 1);

    m_decimationTimer = new QTimer(this);
    m_decimationTimer->setSingleShot(true);
    m_decimationTimer->setInterval(0);
    connect(m_decimationTimer, &QTimer::timeout, this, &UsagePage::decimate);
    connect(usageChart, &QChart::plotAreaChanged, this, &UsagePage::scheduleDecimation);

    connect(m_metricComboBox, &QComboBox::currentIndexChanged, this, &UsagePage::metricChosen);
    connect(m_rangeGroup, &QButtonGroup::idClicked, this, &UsagePage::rangeChosen);
    connect(m_topSpinBox, &QSpinBox::editingFinished, this, [this]() {
        if (isPlatformView() && m_comparisonModel->rowCount() != m_topSpinBox->value())
            load();
    });
    connect(m_resetZoomButton, &QPushButton::clicked, this, &UsagePage::resetZoom);
    m_chartView->setResetAction([this]() { resetZoom(); });
    connect(m_showTableButton, &QPushButton::toggled, this, &UsagePage::setTableShown);
    connect(m_showAllButton, &QPushButton::toggled, this, &UsagePage::setAllMetricsShown);
    connect(m_exportButton, &QPushButton::clicked, this, &UsagePage::exportChartInteractively);
    connect(m_retryButton, &QPushButton::clicked, this, &UsagePage::load);

    connect(m_seriesModel, &UsageSeriesModel::loaded, this, [this]() {
        if (isPlatformView())
            return;
        buildSeriesChart();
        finishPart(m_generation);
    });
    connect(m_seriesModel, &UsageSeriesModel::loadFailed, this, [this](const QString& message) { fail(m_generation, message); });
    connect(m_comparisonModel, &UsageComparisonModel::loaded, this, [this]() {
        if (!isPlatformView())
            return;
        buildComparisonChart();
        setLoading(false);
        Q_EMIT loaded();
    });
    connect(m_comparisonModel, &UsageComparisonModel::loadFailed, this, [this](const QString& message) { fail(m_generation, message); });
    if (BrandingManager* branding = BrandingManager::instance())
        connect(branding, &BrandingManager::changed, this, &UsagePage::recolour);
    recolour();
}

void UsagePage::recolour()
{
    const ChartLook look = ChartLook::current();
    const auto colour = [&look](QChart* c) {
        look.applyTo(c);
        int set = 0;
        for (QAbstractSeries* series : c->series()) {
            if (auto* area = qobject_cast<QAreaSeries*>(series)) {
                area->setPen(QPen(look.accent, 1.5));
                QColor fill = look.accent;
                fill.setAlpha(70);
                area->setBrush(fill);
            } else if (auto* line = qobject_cast<QLineSeries*>(series)) {
                const bool quota = line->objectName() == u"usageQuotaSeries"_s || line->objectName() == u"usageSmallQuotaSeries"_s;
                QPen pen = line->pen(); // keeps its width and dashes
                pen.setColor(quota ? look.limit : look.accent);
                line->setPen(pen);
            } else if (auto* bars = qobject_cast<QAbstractBarSeries*>(series)) {
                const QList<QBarSet*> sets = bars->barSets();
                for (QBarSet* barSet : sets) {
                    barSet->setColor(look.series(set++));
                    barSet->setBorderColor(look.background);
                }
            }
        }
    };
    colour(m_chartView->chart());
    for (QChartView* view : std::as_const(m_smallChartViews))
        colour(view->chart());
}

UsagePage::~UsagePage()
{
    ++m_generation;
}

void UsagePage::setStore(Store* store)
{
    ++m_generation;
    m_store = store;
    m_seriesModel->setStore(store);
    m_comparisonModel->setStore(store);
    m_dataEnds.clear();
    m_dataEnd = {};
    m_seriesModel->setSamples(m_metric, {});
    m_comparisonModel->setComparison(m_metric, {}, {});
    clearChart();
    setLoading(false);
    m_errorFrame->hide();
}

void UsagePage::showTenant(TenantId tenantId, EnvironmentId environmentId)
{
    m_tenantId = tenantId;
    m_environmentId = environmentId;
    m_hasSubject = true;
    load();
}

void UsagePage::showPlatform()
{
    m_tenantId = 0;
    m_environmentId = 0;
    m_hasSubject = true;
    load();
}

void UsagePage::setMetric(UsageMetric metric)
{
    m_metricComboBox->setCurrentIndex(m_metricComboBox->findData(int(metric))); // metricChosen() loads
}

void UsagePage::metricChosen(int index)
{
    const auto metric = UsageMetric(m_metricComboBox->itemData(index).toInt());
    if (metric == m_metric)
        return;
    m_metric = metric;
    Settings::setValue(Settings::usageMetric, usageMetricKey(metric));
    load();
}

void UsagePage::setRange(Range range)
{
    if (QAbstractButton* button = m_rangeGroup->button(int(range)))
        button->setChecked(true);
    rangeChosen(int(range));
}

void UsagePage::rangeChosen(int id)
{
    const auto range = Range(id);
    if (range == m_range && !m_loading && m_dataEnd.isValid())
        return;
    m_range = range;
    Settings::setValue(Settings::usageRange, rangeKey(range));
    load();
}

qint64 UsagePage::rangeSeconds(Range range)
{
    switch (range) {
    case Range::Day: return 24 * 3600;
    case Range::Week: return 7 * 24 * 3600;
    case Range::Month: return 30 * 24 * 3600;
    case Range::Quarter: return 91 * 24 * 3600;
    }
    return 7 * 24 * 3600;
}

QDateTime UsagePage::rangeStart() const
{
    return m_dataEnd.addSecs(-rangeSeconds(m_range));
}

void UsagePage::setLoading(bool loading)
{
    m_loading = loading;
    m_loadingLabel->setVisible(loading);
}

void UsagePage::fail(quint64 generation, const QString& message)
{
    if (generation != m_generation)
        return;
    setLoading(false);
    setError(m_errorLabel, tr("Could not read the usage: %1").arg(message));
    m_errorLabel->show();
    m_errorFrame->show();
    Q_EMIT loadFailed(message);
}

void UsagePage::load()
{
    if (!m_store || !m_hasSubject)
        return;
    ++m_generation;
    m_errorFrame->hide();
    setLoading(true);
    const bool platform = isPlatformView();
    m_topLabel->setVisible(platform);
    m_topSpinBox->setVisible(platform);
    m_resetZoomButton->setEnabled(!platform);
    m_showAllButton->setEnabled(!platform);
    if (platform && m_viewStack->currentWidget() == m_smallChartsWidget)
        m_viewStack->setCurrentWidget(m_chartView);
    m_chartView->setZoomable(!platform);
    m_tableView->setModel(platform ? static_cast<QAbstractItemModel*>(m_comparisonModel) : m_seriesModel);
    if (platform)
        loadPlatform();
    else
        loadTenant();
}

void UsagePage::finishPart(quint64 generation)
{
    if (generation != m_generation || --m_partsPending > 0)
        return;
    setLoading(false);
    Q_EMIT loaded();
}

void UsagePage::setAllMetricsShown(bool shown)
{
    if (m_showAllButton->isChecked() != shown)
        return m_showAllButton->setChecked(shown); // toggled() comes back here
    if (shown && !isPlatformView())
        m_viewStack->setCurrentWidget(m_smallChartsWidget);
    else if (m_viewStack->currentWidget() == m_smallChartsWidget)
        m_viewStack->setCurrentWidget(m_chartView);
    if (m_showTableButton->isChecked())
        m_showTableButton->setChecked(false);
    if (shown && m_hasSubject && !isPlatformView())
        load();
}

bool UsagePage::isAllMetricsShown() const
{
    return m_viewStack->currentWidget() == m_smallChartsWidget;
}

void UsagePage::loadSmallCharts(quint64 generation)
{
    for (int i = 0; i < m_smallChartViews.size(); ++i) {
        const UsageQuery query{m_tenantId, m_environmentId, allUsageMetrics[i], rangeStart(), m_dataEnd};
        whenReady(m_store->usage(query), this, [this, generation, i](const QList<UsageSample>& samples) {
            if (generation != m_generation)
                return;
            buildSmallChart(i, samples);
            finishPart(generation);
        }, [this, generation](const StoreError& error) { fail(generation, error.message()); });
    }
}

void UsagePage::buildSmallChart(int index, const QList<UsageSample>& samples)
{
    const UsageMetric metric = allUsageMetrics[index];
    UsageSeriesModel hours; // adds the environments up per hour, as the big chart does
    hours.setSamples(metric, samples);
    hours.setQuota(usageQuota(metric, m_tenant));
    QChartView* view = m_smallChartViews.at(index);
    QChart* c = view->chart();
    c->removeAllSeries();
    for (QAbstractAxis* axis : c->axes()) {
        c->removeAxis(axis);
        delete axis;
    }
    auto* line = new QLineSeries(c);
    line->setObjectName(u"usageSmallValueSeries"_s);
    line->replace(decimateMinMax(hours.points(), std::max(50, int(view->width()) - 60)));
    line->setPen(QPen(ChartLook::current().accent, 1.2));
    c->addSeries(line);
    auto* time = new QDateTimeAxis;
    time->setFormat(m_range == Range::Day ? u"HH:mm"_s : u"MMM d"_s);
    time->setTickCount(4);
    time->setRange(rangeStart(), m_dataEnd);
    auto* values = new QValueAxis;
    const std::optional<double> quota = hours.quota();
    const double top = std::max(hours.peak().value_or(0.0), quota.value_or(0.0));
    values->setLabelFormat(top < 10 ? u"%.1f"_s : u"%.0f"_s); // error rates are a few percent
    values->setRange(0, top > 0 ? top * 1.1 : 1.0);
    values->applyNiceNumbers();
    c->addAxis(time, Qt::AlignBottom);
    c->addAxis(values, Qt::AlignLeft);
    line->attachAxis(time);
    line->attachAxis(values);
    if (quota) {
        auto* quotaLine = new QLineSeries(c);
        quotaLine->append(double(rangeStart().toMSecsSinceEpoch()), *quota);
        quotaLine->append(double(m_dataEnd.toMSecsSinceEpoch()), *quota);
        quotaLine->setObjectName(u"usageSmallQuotaSeries"_s);
        quotaLine->setPen(QPen(ChartLook::current().limit, 1.5, Qt::DashLine));
        c->addSeries(quotaLine);
        quotaLine->attachAxis(time);
        quotaLine->attachAxis(values);
    }
    const std::optional<double> share = hours.peakUtilisation();
    c->setTitle(share ? tr("%1 — peak %2 % of quota").arg(usageMetricTitle(metric), QLocale().toString(*share, 'f', 0))
                      : usageMetricTitle(metric));
    recolour();
}

void UsagePage::findDataEnd(TenantId tenantId, quint64 generation, const std::function<void()>& next)
{
    if (const auto known = m_dataEnds.constFind(tenantId); known != m_dataEnds.cend()) {
        m_dataEnd = *known;
        return next();
    }
    // Live data ends about now; historic data (the demo's) earlier: the last week first, then 400 days.
    const QDateTime now = nextHour(QDateTime::currentDateTimeUtc());
    const auto found = [this, tenantId, generation, next](const QList<UsageSample>& samples, const std::function<void()>& otherwise) {
        if (generation != m_generation)
            return;
        if (samples.isEmpty())
            return otherwise();
        QDateTime latest = samples.constFirst().at;
        for (const UsageSample& sample : samples)
            latest = std::max(latest, sample.at);
        m_dataEnd = latest.addSecs(3600);
        m_dataEnds.insert(tenantId, m_dataEnd);
        next();
    };
    const auto onError = [this, generation](const StoreError& error) { fail(generation, error.message()); };
    const UsageQuery lastWeek{tenantId, 0, m_metric, now.addDays(-7), now};
    whenReady(m_store->usage(lastWeek), this, [this, tenantId, generation, next, now, found, onError](const QList<UsageSample>& week) {
        found(week, [this, tenantId, generation, next, now, found, onError]() {
            const UsageQuery longer{tenantId, 0, m_metric, now.addDays(-400), now};
            whenReady(m_store->usage(longer), this, [this, tenantId, next, now, found](const QList<UsageSample>& samples) {
                found(samples, [this, tenantId, next, now]() {
                    m_dataEnd = now; // no usage at all: the ranges end now
                    m_dataEnds.insert(tenantId, now);
                    next();
                });
            }, onError);
        });
    }, onError);
}

void UsagePage::loadTenant()
{
    const quint64 generation = m_generation;
    const TenantId tenantId = m_tenantId;
    whenReady(m_store->tenant(tenantId), this, [this, generation, tenantId](const Tenant& tenant) {
        if (generation != m_generation)
            return;
        m_tenant = tenant;
        m_titleLabel->setText(tr("Usage of %1").arg(tenant.displayName));
        if (m_environmentId != 0) {
            whenReady(m_store->environments(tenantId), this, [this, generation, tenant](const QList<Environment>& environments) {
                for (const Environment& environment : environments) {
                    if (generation == m_generation && environment.id == m_environmentId)
                        m_titleLabel->setText(tr("Usage of %1 of %2").arg(environment.name, tenant.displayName));
                }
            }, [](const StoreError&) {}); // the title keeps the tenant's name
        }
        findDataEnd(tenantId, generation, [this, tenantId, generation]() {
            const bool all = m_showAllButton->isChecked();
            m_partsPending = 1 + (all ? int(m_smallChartViews.size()) : 0);
            m_seriesModel->setQuota(usageQuota(m_metric, m_tenant));
            m_seriesModel->load(UsageQuery{tenantId, m_environmentId, m_metric, rangeStart(), m_dataEnd});
            if (all)
                loadSmallCharts(generation);
        });
    }, [this, generation](const StoreError& error) { fail(generation, error.message()); });
}

void UsagePage::loadPlatform()
{
    const quint64 generation = m_generation;
    m_titleLabel->setText(tr("Usage across the platform"));
    const auto compare = [this]() {
        m_comparisonModel->load(m_metric, rangeStart(), m_dataEnd, m_topSpinBox->value());
    };
    if (m_dataEnds.contains(0)) {
        m_dataEnd = m_dataEnds.value(0);
        return compare();
    }
    // The end of the platform's data is that of its largest user's.
    const QDateTime now = nextHour(QDateTime::currentDateTimeUtc());
    whenReady(m_store->usageTotals(UsageTotalsQuery{m_metric, now.addDays(-400), now, 1, -1}), this,
              [this, generation, compare, now](const QList<UsageTotal>& top) {
        if (generation != m_generation)
            return;
        if (top.isEmpty()) {
            m_dataEnds.insert(0, now);
            m_dataEnd = now;
            return compare();
        }
        findDataEnd(top.constFirst().tenantId, generation, [this, compare]() {
            m_dataEnds.insert(0, m_dataEnd);
            compare();
        });
    }, [this, generation](const StoreError& error) { fail(generation, error.message()); });
}

void UsagePage::clearChart()
{
    QChart* c = m_chartView->chart();
    c->removeAllSeries();
    for (QAbstractAxis* axis : c->axes()) {
        c->removeAxis(axis);
        delete axis;
    }
    c->zoomReset();
    c->setTitle({});
    m_valueSeries = nullptr;
    m_areaSeries = nullptr;
    m_quotaSeries = nullptr;
    m_timeAxis = nullptr;
    m_valueAxis = nullptr;
    m_points.clear();
    m_summaryLabel->clear();
}

void UsagePage::buildSeriesChart()
{
    clearChart();
    QChart* c = m_chartView->chart();
    m_points = m_seriesModel->points();
    const std::optional<double> quota = m_seriesModel->quota();
    const std::optional<double> peak = m_seriesModel->peak();
    const std::optional<double> peakShare = m_seriesModel->peakUtilisation();

    m_valueSeries = new QLineSeries(c);
    m_valueSeries->setObjectName(u"usageValueSeries"_s);
    m_areaSeries = new QAreaSeries(m_valueSeries);
    m_areaSeries->setObjectName(u"usageAreaSeries"_s);
    QString name = usageMetricTitle(m_metric);
    if (peakShare)
        name = tr("%1 — peak %2 % of quota").arg(name, QLocale().toString(*peakShare, 'f', 0));
    m_areaSeries->setName(name);
    c->addSeries(m_areaSeries);
    connect(m_areaSeries, &QAreaSeries::hovered, this, &UsagePage::pointHovered);

    m_timeAxis = new QDateTimeAxis;
    m_timeAxis->setObjectName(u"usageTimeAxis"_s);
    m_timeAxis->setFormat(m_range == Range::Day ? u"HH:mm"_s : u"MMM d"_s);
    m_timeAxis->setTitleText(tr("Local time")); // Qt Charts 6.4 labels in local time only
    m_timeAxis->setRange(rangeStart(), m_dataEnd);
    m_timeAxis->setTickCount(m_range == Range::Day ? 7 : 8);
    m_valueAxis = new QValueAxis;
    m_valueAxis->setTitleText(usageMetricTitle(m_metric));
    const double top = std::max(peak.value_or(0.0), quota.value_or(0.0));
    m_valueAxis->setLabelFormat(top < 10 ? u"%.1f"_s : u"%.0f"_s); // error rates are a few percent
    m_valueAxis->setRange(0, top > 0 ? top * 1.1 : 1.0);
    m_valueAxis->applyNiceNumbers();
    c->addAxis(m_timeAxis, Qt::AlignBottom);
    c->addAxis(m_valueAxis, Qt::AlignLeft);
    m_areaSeries->attachAxis(m_timeAxis);
    m_areaSeries->attachAxis(m_valueAxis);

    if (quota) {
        m_quotaSeries = new QLineSeries(c);
        m_quotaSeries->setObjectName(u"usageQuotaSeries"_s);
        m_quotaSeries->setName(tr("Quota: %1").arg(quotaText(m_metric, *quota)));
        m_quotaSeries->append(double(rangeStart().toMSecsSinceEpoch()), *quota);
        m_quotaSeries->append(double(m_dataEnd.toMSecsSinceEpoch()), *quota);
        m_quotaSeries->setPen(QPen(ChartLook::current().limit, 2, Qt::DashLine));
        c->addSeries(m_quotaSeries);
        m_quotaSeries->attachAxis(m_timeAxis);
        m_quotaSeries->attachAxis(m_valueAxis);
    }
    connect(m_timeAxis, &QDateTimeAxis::rangeChanged, this, &UsagePage::scheduleDecimation);
    recolour();
    decimate();
    updateSummary();
}

void UsagePage::buildComparisonChart()
{
    clearChart();
    QChart* c = m_chartView->chart();
    // Horizontal bars, the largest at the top, so that every tenant's name reads in full.
    const bool stacked = !isMeanMetric(m_metric);
    QAbstractBarSeries* bars = stacked ? static_cast<QAbstractBarSeries*>(new QHorizontalStackedBarSeries(c))
                                       : new QHorizontalBarSeries(c);
    bars->setObjectName(u"usageBarSeries"_s);
    QStringList tenants;
    double top = 0;
    for (int row = m_comparisonModel->rowCount() - 1; row >= 0; --row) {
        const UsageComparisonModel::Row r = m_comparisonModel->row(row);
        tenants << r.name;
        double sum = 0;
        for (double v : r.periods) {
            sum += v;
            top = std::max(top, v);
        }
        top = std::max(top, stacked ? sum : 0.0);
    }
    const QStringList months = m_comparisonModel->periodLabels();
    for (int period = 0; period < months.size(); ++period) {
        auto* set = new QBarSet(months.at(period));
        for (int row = m_comparisonModel->rowCount() - 1; row >= 0; --row)
            set->append(m_comparisonModel->row(row).periods.value(period));
        bars->append(set);
    }
    c->addSeries(bars);
    auto* categories = new QBarCategoryAxis;
    categories->append(tenants);
    auto* values = new QValueAxis;
    values->setTitleText(usageMetricTitle(m_metric));
    values->setLabelFormat(u"%.0f"_s);
    values->setRange(0, top > 0 ? top * 1.1 : 1.0);
    values->applyNiceNumbers();
    c->addAxis(categories, Qt::AlignLeft);
    c->addAxis(values, Qt::AlignBottom);
    bars->attachAxis(categories);
    bars->attachAxis(values);
    recolour();
    c->setTitle(stacked ? tr("Top %1 tenants by %2, month by month (stacked)").arg(tenants.size()).arg(usageMetricTitle(m_metric))
                        : tr("Top %1 tenants by %2 (monthly means)").arg(tenants.size()).arg(usageMetricTitle(m_metric)));
    connect(bars, &QAbstractBarSeries::hovered, this, [this, tenants](bool status, int index, QBarSet* set) {
        if (!status || index < 0 || index >= tenants.size())
            return QToolTip::hideText();
        QToolTip::showText(QCursor::pos(), tr("%1, %2: %3 %4").arg(tenants.at(index), set->label(),
                           QLocale().toString(set->at(index), 'f', 1), usageMetricTitle(m_metric)), m_chartView);
    });
    const QLocale locale;
    m_summaryLabel->setText(tenants.isEmpty()
        ? tr("No tenant has %1 between %2 and %3 UTC.").arg(usageMetricTitle(m_metric), rangeStart().toString(u"yyyy-MM-dd HH:mm"_s),
                                                            m_dataEnd.toString(u"yyyy-MM-dd HH:mm"_s))
        : tr("%1 to %2 (UTC); the largest first.").arg(locale.toString(rangeStart().date(), QLocale::ShortFormat),
                                                       locale.toString(m_dataEnd.addSecs(-1).date(), QLocale::ShortFormat)));
}

void UsagePage::scheduleDecimation()
{
    if (m_valueSeries)
        m_decimationTimer->start();
}

void UsagePage::decimate()
{
    if (!m_valueSeries || !m_timeAxis)
        return;
    // The points in view (and one on each side, so the line runs to the edges), reduced to the plot's width.
    const double from = double(m_timeAxis->min().toMSecsSinceEpoch());
    const double to = double(m_timeAxis->max().toMSecsSinceEpoch());
    const auto byX = [](const QPointF& p, double x) { return p.x() < x; };
    auto first = std::lower_bound(m_points.cbegin(), m_points.cend(), from, byX);
    auto last = std::lower_bound(first, m_points.cend(), to, byX);
    if (first != m_points.cbegin())
        --first;
    if (last != m_points.cend())
        ++last;
    const QList<QPointF> visible(first, last);
    const int columns = std::max(1, int(m_chartView->chart()->plotArea().width()));
    m_valueSeries->replace(decimateMinMax(visible, columns));
}

void UsagePage::updateSummary()
{
    const QLocale locale;
    const QString span = tr("%1 to %2 UTC").arg(rangeStart().toString(u"yyyy-MM-dd HH:mm"_s), m_dataEnd.toString(u"yyyy-MM-dd HH:mm"_s));
    const std::optional<double> peak = m_seriesModel->peak();
    if (!peak) {
        m_summaryLabel->setText(tr("No %1 recorded from %2.").arg(usageMetricTitle(m_metric), span));
        return;
    }
    QDateTime peakTime;
    for (int row = 0; row < m_seriesModel->rowCount(); ++row) {
        const QModelIndex index = m_seriesModel->index(row, 0);
        if (index.data(UsageSeriesModel::ValueRole).toDouble() == *peak) {
            peakTime = index.data(UsageSeriesModel::TimeRole).toDateTime();
            break;
        }
    }
    QString text = tr("%1: peak %2 at %3").arg(span, locale.toString(*peak, 'f', 1), peakTime.toString(u"yyyy-MM-dd HH:mm"_s));
    if (const auto share = m_seriesModel->peakUtilisation())
        text += tr(" — peak %1 % of quota (%2)").arg(locale.toString(*share, 'f', 0), quotaText(m_metric, *m_seriesModel->quota()));
    else if (m_metric == UsageMetric::ApiCalls)
        text += tr(" — the tenant has no API rate limit");
    else
        text += tr(" — the tenant has no quota for this");
    m_summaryLabel->setText(text);
}

QString UsagePage::summaryText() const
{
    return m_summaryLabel->text();
}

void UsagePage::pointHovered(const QPointF& point, bool state)
{
    if (!state)
        return QToolTip::hideText();
    // The nearest hour of the series.
    const auto byX = [](const QPointF& p, double x) { return p.x() < x; };
    auto it = std::lower_bound(m_points.cbegin(), m_points.cend(), point.x(), byX);
    if (it == m_points.cend() && it != m_points.cbegin())
        --it;
    if (it == m_points.cend())
        return;
    if (it != m_points.cbegin() && std::abs((it - 1)->x() - point.x()) < std::abs(it->x() - point.x()))
        --it;
    const QLocale locale;
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(qint64(it->x()), QTimeZone::utc());
    QString text = tr("%1 UTC\n%2: %3").arg(at.toString(u"yyyy-MM-dd HH:mm"_s), usageMetricTitle(m_metric), locale.toString(it->y(), 'f', 2));
    if (const auto quota = m_seriesModel->quota())
        text += tr("\n%1 % of the quota (%2)").arg(locale.toString(it->y() / *quota * 100.0, 'f', 1), quotaText(m_metric, *quota));
    QToolTip::showText(QCursor::pos(), text, m_chartView);
}

void UsagePage::resetZoom()
{
    m_chartView->chart()->zoomReset();
    if (m_timeAxis && m_dataEnd.isValid())
        m_timeAxis->setRange(rangeStart(), m_dataEnd);
}

void UsagePage::setTableShown(bool shown)
{
    QWidget* chartPage = m_showAllButton->isChecked() && !isPlatformView() ? m_smallChartsWidget : static_cast<QWidget*>(m_chartView);
    m_viewStack->setCurrentWidget(shown ? static_cast<QWidget*>(m_tableView) : chartPage);
    if (m_showTableButton->isChecked() != shown)
        m_showTableButton->setChecked(shown);
    m_showTableButton->setText(shown ? tr("Show &Chart") : tr("Show &Table"));
}

bool UsagePage::isTableShown() const
{
    return m_viewStack->currentWidget() == m_tableView;
}

bool UsagePage::exportChart(const QString& path, QString* error)
{
    const auto failed = [error](const QString& message) {
        if (error)
            *error = message;
        return false;
    };
    const QString suffix = QFileInfo(path).suffix().toLower();
    // What the page shows: the small charts of every metric, or the chosen metric's chart.
    QWidget* source = isAllMetricsShown() ? m_smallChartsWidget : static_cast<QWidget*>(m_chartView);
    QSize chartSize = source->size();
    if (!source->isVisible() || chartSize.width() < 100 || chartSize.height() < 100) {
        chartSize = QSize(1200, 700); // hidden behind the table: drawn at a fair size
        source->resize(chartSize);
    }
    const QString title = m_titleLabel->text();
    // The brand in force: its logo in the bottom-right corner, on a strip of the chart's background
    // below the chart (so that it covers no label), and in the PDF's heading.
    const BrandingLook brand = BrandingManager::current();
    const ChartLook look = ChartLook::from(brand);
    const int logoStrip = brand.logo.isNull() ? 0 : std::max(28, chartSize.height() / 14);
    const auto drawLogoStrip = [&](QPainter& painter) {
        if (logoStrip == 0)
            return;
        const QRectF strip(0, chartSize.height(), chartSize.width(), logoStrip);
        painter.fillRect(strip, look.background);
        drawChartLogo(&painter, strip.adjusted(8, 4, -8, -4), brand.logo);
    };
    if (suffix == u"png") {
        const QPixmap chart = source->grab();
        if (chart.isNull())
            return failed(tr("Could not write %1.").arg(QFileInfo(path).fileName()));
        const qreal ratio = chart.devicePixelRatio();
        QPixmap pixmap((QSizeF(chartSize.width(), chartSize.height() + logoStrip) * ratio).toSize());
        pixmap.setDevicePixelRatio(ratio);
        pixmap.fill(look.background);
        QPainter painter(&pixmap);
        painter.drawPixmap(0, 0, chart);
        drawLogoStrip(painter);
        painter.end();
        if (!pixmap.save(path, "PNG"))
            return failed(tr("Could not write %1.").arg(QFileInfo(path).fileName()));
        return true;
    }
    if (suffix == u"svg") {
        const QSize size(chartSize.width(), chartSize.height() + logoStrip);
        QSvgGenerator generator;
        generator.setFileName(path);
        generator.setSize(size);
        generator.setViewBox(QRect(QPoint(0, 0), size));
        generator.setTitle(title);
        generator.setDescription(m_summaryLabel->text());
        QPainter painter;
        if (!painter.begin(&generator))
            return failed(tr("Could not write %1.").arg(QFileInfo(path).fileName()));
        source->render(&painter);
        drawLogoStrip(painter);
        painter.end();
        return QFileInfo(path).size() > 0 ? true : failed(tr("Could not write %1.").arg(QFileInfo(path).fileName()));
    }
    if (suffix == u"pdf") {
        QPdfWriter writer(path);
        writer.setTitle(title);
        writer.setCreator(brand.productName.isEmpty() ? u"TenantDesk"_s : brand.productName);
        writer.setPageSize(QPageSize(QPageSize::A4));
        writer.setPageOrientation(QPageLayout::Landscape);
        writer.setResolution(150);
        QPainter painter;
        if (!painter.begin(&writer))
            return failed(tr("Could not write %1.").arg(QFileInfo(path).fileName()));
        const QRect page = painter.viewport();
        QFont font = painter.font();
        font.setPointSizeF(14);
        font.setBold(true);
        painter.setFont(font);
        const int titleHeight = painter.fontMetrics().height() * 2;
        painter.drawText(QRect(0, 0, page.width(), titleHeight), Qt::AlignLeft | Qt::AlignVCenter, title);
        drawChartLogo(&painter, QRectF(page.width() * 0.7, titleHeight * 0.1, page.width() * 0.3, titleHeight * 0.8), brand.logo);
        font.setPointSizeF(9);
        font.setBold(false);
        painter.setFont(font);
        const int summaryHeight = painter.fontMetrics().height() * 2;
        painter.drawText(QRect(0, titleHeight, page.width(), summaryHeight), Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap,
                         m_summaryLabel->text());
        const double scale = std::min(page.width() / double(chartSize.width()),
                                      (page.height() - titleHeight - summaryHeight) / double(chartSize.height()));
        painter.translate(0, titleHeight + summaryHeight);
        painter.scale(scale, scale);
        source->render(&painter);
        painter.end();
        return true;
    }
    return failed(tr("Choose a file ending in .png, .svg or .pdf."));
}

void UsagePage::exportChartInteractively()
{
    QString selected;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Chart"), tr("usage.png"),
                                                      tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"), &selected);
    if (path.isEmpty())
        return;
    QString target = path;
    if (QFileInfo(target).suffix().isEmpty())
        target += selected.contains(u"svg"_s) ? u".svg"_s : selected.contains(u"pdf"_s) ? u".pdf"_s : u".png"_s;
    QString error;
    if (!exportChart(target, &error))
        QMessageBox::warning(this, tr("Export Chart"), error);
}

QChart* UsagePage::chart() const
{
    return m_chartView->chart();
}

QChartView* UsagePage::chartView() const
{
    return m_chartView;
}

} // namespace TenantDesk
