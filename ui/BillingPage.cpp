#include "BillingPage.h"

#include "Async.h"
#include "AttributionRulesDialog.h"
#include "BillingImportDialog.h"
#include "BillingLinesModel.h"
#include "BrandingManager.h"
#include "BillingMoney.h"
#include "BillingReport.h"
#include "BillingTotalsModel.h"
#include "BillingTotalsSortProxy.h"
#include "BudgetModel.h"
#include "ChartLook.h"
#include "Decimal.h"

#include <QApplication>
#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDate>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegend>
#include <QLineSeries>
#include <QMap>
#include <QPointer>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollBar>
#include <QShortcut>
#include <QSplitter>
#include <QStackedBarSeries>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTimeZone>
#include <QTableView>
#include <QTreeView>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <map>

namespace TenantDesk {

using namespace Qt::StringLiterals;

namespace {

constexpr int chartSeriesLimit = 8; // the largest; the rest is "Other"
constexpr int nameLookupLimit = 500;

template<typename Widget>
Widget* named(Widget* widget, const QString& objectName, const QString& accessibleName)
{
    widget->setObjectName(objectName);
    widget->setAccessibleName(accessibleName);
    return widget;
}

QFrame* makeErrorFrame(const QString& objectName, QLabel** label, QPushButton** retry, QWidget* parent)
{
    auto* frame = new QFrame(parent);
    frame->setObjectName(objectName);
    frame->setFrameShape(QFrame::StyledPanel);
    auto* layout = new QHBoxLayout(frame);
    *label = new QLabel(frame);
    (*label)->setObjectName(objectName + u"Label"_s);
    (*label)->setStyleSheet(u"color: #b3261e;"_s);
    (*label)->setWordWrap(true);
    (*label)->setTextInteractionFlags(Qt::TextSelectableByMouse);
    *retry = new QPushButton(QApplication::translate("TenantDesk::BillingPage", "Retr&y"), frame);
    (*retry)->setObjectName(objectName + u"RetryButton"_s);
    layout->addWidget(*label, 1);
    layout->addWidget(*retry);
    frame->hide();
    return frame;
}

QDateTime monthStart(const QString& month)
{
    const QDate date = QDate::fromString(month + u"-01"_s, u"yyyy-MM-dd"_s);
    return date.isValid() ? QDateTime(date, QTime(0, 0), Qt::UTC) : QDateTime();
}

QString monthLabel(const QString& month)
{
    const QDate date = QDate::fromString(month + u"-01"_s, u"yyyy-MM-dd"_s);
    return date.isValid() ? QLocale().toString(date, u"MMM yyyy"_s) : month;
}

// Exact sums by a key and month, for one currency.
using MonthlySums = std::map<QString, std::map<QString, DecimalSum>>;

// Shows `chart` in `view` and deletes the chart shown before: QChartView::setChart only lets go of
// it, and every filter change would leak a chart with its series.
void replaceChart(QChartView* view, QChart* chart)
{
    QChart* before = view->chart();
    view->setChart(chart);
    if (before != chart)
        delete before;
}

QChart* newChart(const QString& title)
{
    auto* chart = new QChart;
    chart->setTitle(title);
    chart->legend()->setAlignment(Qt::AlignRight);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setAnimationOptions(QChart::NoAnimation);
    return chart;
}

void attachAxes(QChart* chart, QAbstractSeries* series, const QStringList& categories, const QString& valueTitle)
{
    auto* x = new QBarCategoryAxis(chart);
    x->append(categories);
    auto* y = new QValueAxis(chart);
    y->setTitleText(valueTitle);
    y->setLabelFormat(u"%.0f"_s);
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
    y->applyNiceNumbers(); // ticks at round amounts (0, 20,000, 40,000…), not at fifths of the largest bar
}

// A stacked bar per month: the largest keys, the rest as "Other", `keep` always on its own.
QChart* stackedByMonth(const QString& title, const QStringList& months, const MonthlySums& sums,
                       const QString& currency, const QString& keep, const std::function<QString(const QString&)>& label)
{
    QChart* chart = newChart(title);
    if (months.isEmpty() || sums.empty())
        return chart;
    QList<std::pair<double, QString>> order;
    for (const auto& [key, byMonth] : sums) {
        DecimalSum total;
        for (const auto& [month, sum] : byMonth)
            total.add(sum);
        order.append({BillingMoney::toDouble(total.text()), key});
    }
    std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    QStringList shown;
    for (const auto& [total, key] : order)
        if (key == keep || shown.size() < chartSeriesLimit - (keep.isEmpty() ? 0 : 1))
            shown.append(key);
    auto* series = new QStackedBarSeries(chart);
    std::map<QString, DecimalSum> other;
    for (const auto& [key, byMonth] : sums) {
        if (!shown.contains(key)) {
            for (const auto& [month, sum] : byMonth)
                other[month].add(sum);
        }
    }
    const auto addSet = [&](const QString& name, const std::map<QString, DecimalSum>& byMonth) {
        auto* set = new QBarSet(name, series);
        for (const QString& month : months) {
            const auto it = byMonth.find(month);
            set->append(it == byMonth.end() ? 0.0 : BillingMoney::toDouble(it->second.text()));
        }
        series->append(set);
        return set;
    };
    for (const QString& key : std::as_const(shown)) {
        QBarSet* set = addSet(label(key), sums.at(key));
        if (key == keep && !keep.isEmpty())
            set->setObjectName(u"unallocatedSet"_s); // coloured as a status, not as a tenant
    }
    if (!other.empty())
        addSet(QApplication::translate("TenantDesk::BillingPage", "Other"), other)->setObjectName(u"otherSet"_s);
    chart->addSeries(series);
    QStringList categories;
    for (const QString& month : months)
        categories.append(monthLabel(month));
    attachAxes(chart, series, categories, currency);
    return chart;
}

} // namespace

BillingPage::BillingPage(QWidget* parent)
    : QWidget(parent)
    , m_totalsModel(new BillingTotalsModel(this))
    , m_totalsProxy(new BillingTotalsSortProxy(this))
    , m_linesModel(new BillingLinesModel(this))
    , m_budgetModel(new BudgetModel(this))
{
    m_totalsProxy->setSourceModel(m_totalsModel);
    auto* layout = new QVBoxLayout(this);
    auto* title = new QLabel(tr("Billing Review"), this);
    title->setObjectName(u"billingTitleLabel"_s);
    QFont font = title->font();
    font.setPointSizeF(font.pointSizeF() * 1.4);
    font.setBold(true);
    title->setFont(font);
    auto* titleRow = new QHBoxLayout;
    titleRow->addWidget(title, 1);
    m_importButton = named(new QPushButton(tr("&Import…"), this), u"billingImportButton"_s, tr("Import a billing export"));
    m_rulesButton = named(new QPushButton(tr("Attribution &Rules…"), this), u"attributionRulesButton"_s, tr("Attribution rules"));
    m_exportButton = named(new QPushButton(tr("E&xport Report…"), this), u"exportReportButton"_s, tr("Export the report"));
    titleRow->addWidget(m_importButton);
    titleRow->addWidget(m_rulesButton);
    titleRow->addWidget(m_exportButton);
    layout->addLayout(titleRow);
    connect(m_importButton, &QPushButton::clicked, this, &BillingPage::importBilling);
    connect(m_rulesButton, &QPushButton::clicked, this, &BillingPage::editAttributionRules);
    connect(m_exportButton, &QPushButton::clicked, this, &BillingPage::exportReport);

    createFilterBar(layout);

    m_summaryLabel = named(new QLabel(this), u"billingSummaryLabel"_s, tr("Billing summary"));
    m_summaryLabel->setTextFormat(Qt::RichText);
    m_summaryLabel->setWordWrap(true);
    layout->addWidget(m_summaryLabel);

    QPushButton* retry = nullptr;
    m_errorFrame = makeErrorFrame(u"billingErrorFrame"_s, &m_errorLabel, &retry, this);
    connect(retry, &QPushButton::clicked, this, &BillingPage::refresh);
    layout->addWidget(m_errorFrame);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(u"billingSplitter"_s);
    m_stack = new QStackedWidget(splitter);
    m_totalsView = named(new QTreeView(m_stack), u"billingTotalsView"_s, tr("Cost by tenant, service and month"));
    m_totalsView->setModel(m_totalsProxy);
    m_totalsView->setSortingEnabled(true);
    m_totalsView->setUniformRowHeights(true);
    m_totalsView->setAlternatingRowColors(true);
    m_totalsView->setSelectionBehavior(QAbstractItemView::SelectItems);
    m_totalsView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_totalsView->setToolTip(tr("Double-click a figure, or press Enter, to see the lines behind it"));
    m_totalsView->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_totalsView->header()->setStretchLastSection(false);
    m_totalsView->sortByColumn(-1, Qt::AscendingOrder); // the model's order: unallocated, then the largest
    m_stack->addWidget(m_totalsView);
    connect(m_totalsView, &QTreeView::activated, this,
            [this](const QModelIndex& index) { drillDown(m_totalsProxy->mapToSource(index)); });

    m_linesPage = new QWidget(m_stack);
    m_linesPage->setObjectName(u"billingLinesPage"_s);
    auto* linesLayout = new QVBoxLayout(m_linesPage);
    linesLayout->setContentsMargins(0, 0, 0, 0);
    auto* linesHeader = new QHBoxLayout;
    auto* back = named(new QPushButton(tr("← Back"), m_linesPage), u"billingBackButton"_s, tr("Back to the totals"));
    back->setToolTip(tr("Back to the totals (Alt+Left, Escape)"));
    connect(back, &QPushButton::clicked, this, &BillingPage::showTotals);
    for (const QKeySequence& key : {QKeySequence(Qt::ALT | Qt::Key_Left), QKeySequence(Qt::Key_Escape), QKeySequence(Qt::Key_Backspace)}) {
        auto* shortcut = new QShortcut(key, m_linesPage, nullptr, nullptr, Qt::WidgetWithChildrenShortcut);
        connect(shortcut, &QShortcut::activated, this, &BillingPage::showTotals);
    }
    m_linesTitleLabel = named(new QLabel(m_linesPage), u"billingLinesTitleLabel"_s, tr("Lines shown"));
    m_linesTitleLabel->setWordWrap(true);
    linesHeader->addWidget(back);
    linesHeader->addWidget(m_linesTitleLabel, 1);
    linesLayout->addLayout(linesHeader);
    m_linesSumLabel = named(new QLabel(m_linesPage), u"billingLinesSumLabel"_s, tr("Sum of the lines"));
    m_linesSumLabel->setWordWrap(true);
    linesLayout->addWidget(m_linesSumLabel);
    m_linesView = named(new QTableView(m_linesPage), u"billingLinesView"_s, tr("Billing lines"));
    m_linesView->setTabKeyNavigation(false);
    m_linesView->setModel(m_linesModel);
    m_linesView->setAlternatingRowColors(true);
    m_linesView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_linesView->verticalHeader()->hide();
    m_linesView->setWordWrap(false);
    m_linesView->setTextElideMode(Qt::ElideMiddle);
    m_linesView->verticalHeader()->setDefaultSectionSize(m_linesView->fontMetrics().height() + 6);
    m_linesView->horizontalHeader()->setStretchLastSection(true);
    m_linesView->setColumnWidth(BillingLinesModel::ChargeStartColumn, 130);
    m_linesView->setColumnWidth(BillingLinesModel::ServiceColumn, 200);
    m_linesView->setColumnWidth(BillingLinesModel::SubAccountColumn, 150);
    m_linesView->setColumnWidth(BillingLinesModel::ResourceColumn, 240);
    linesLayout->addWidget(m_linesView, 1);
    QPushButton* linesRetry = nullptr;
    m_linesErrorFrame = makeErrorFrame(u"billingLinesErrorFrame"_s, &m_linesErrorLabel, &linesRetry, m_linesPage);
    connect(linesRetry, &QPushButton::clicked, m_linesModel, &BillingLinesModel::retry);
    linesLayout->addWidget(m_linesErrorFrame);
    m_stack->addWidget(m_linesPage);
    connect(m_linesModel, &BillingLinesModel::pageLoaded, this, &BillingPage::updateLinesSummary);
    connect(m_linesModel, &BillingLinesModel::loadingChanged, this, &BillingPage::updateLinesSummary);
    connect(m_linesModel, &BillingLinesModel::errorMessageChanged, this, [this](const QString& message) {
        m_linesErrorLabel->setText(tr("Could not read the lines: %1").arg(message));
        m_linesErrorFrame->setVisible(!message.isEmpty());
    });

    createCharts();
    if (BrandingManager* branding = BrandingManager::instance())
        connect(branding, &BrandingManager::changed, this, &BillingPage::recolourCharts);
    splitter->addWidget(m_stack);
    splitter->addWidget(m_chartTabs);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    layout->addWidget(splitter, 1);

    connect(m_budgetModel, &BudgetModel::budgetEdited, this, [this](const TenantBudget& budget) {
        if (!m_store)
            return;
        Store* store = m_store;
        whenReady(store->setBudget(budget), this, [this, store](const TenantBudget& saved) {
            if (store != m_store)
                return;
            m_budgetModel->budgetSaved(saved);
            const auto it = std::find_if(m_budgets.begin(), m_budgets.end(),
                                         [&saved](const TenantBudget& b) { return b.tenantId == saved.tenantId; });
            if (it != m_budgets.end())
                *it = saved;
            else
                m_budgets.append(saved);
            m_budgets.removeIf([](const TenantBudget& b) { return b.amount.isEmpty(); });
            updateCharts();
            Q_EMIT statusMessage(saved.amount.isEmpty() ? tr("Budget of %1 removed.").arg(tenantName(saved.tenantId))
                                                        : tr("Budget of %1 set to %2.").arg(tenantName(saved.tenantId),
                                                              BillingMoney::format(saved.amount, saved.currency)));
        }, [this, store, budget](const StoreError& error) {
            if (store != m_store)
                return;
            m_budgetModel->budgetFailed(budget.tenantId);
            setError(tr("Could not set the budget of %1: %2").arg(tenantName(budget.tenantId), error.message()));
        });
    });
    connect(m_budgetModel, &BudgetModel::invalidBudget, this, &BillingPage::statusMessage);
    setStore(nullptr);
}

BillingPage::~BillingPage() = default;

void BillingPage::createFilterBar(QVBoxLayout* layout)
{
    // Two rows: what is looked at, then when and from where.
    auto* grid = new QGridLayout;
    int slot = 0;
    const auto addCombo = [this, grid, &slot](const QString& name, const QString& label, const QString& accessible) {
        auto* text = new QLabel(label, this);
        auto* combo = named(new QComboBox(this), name, accessible);
        combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        combo->setMinimumContentsLength(14);
        text->setBuddy(combo);
        grid->addWidget(text, slot / 4, (slot % 4) * 2);
        grid->addWidget(combo, slot / 4, (slot % 4) * 2 + 1);
        ++slot;
        return combo;
    };
    m_tenantCombo = addCombo(u"billingTenantCombo"_s, tr("Te&nant:"), tr("Tenant filter"));
    m_serviceCombo = addCombo(u"billingServiceCombo"_s, tr("&Service:"), tr("Service filter"));
    m_categoryCombo = addCombo(u"billingCategoryCombo"_s, tr("Cate&gory:"), tr("Service category filter"));
    m_currencyCombo = addCombo(u"billingCurrencyCombo"_s, tr("C&urrency:"), tr("Currency filter"));
    m_fromCombo = addCombo(u"billingFromCombo"_s, tr("Fro&m:"), tr("First month"));
    m_toCombo = addCombo(u"billingToCombo"_s, tr("T&o:"), tr("Last month"));
    m_importCombo = addCombo(u"billingImportCombo"_s, tr("Im&port:"), tr("Import filter"));
    m_costCombo = addCombo(u"billingCostCombo"_s, tr("Cost &kind:"), tr("Which cost"));
    m_costCombo->addItem(tr("Billed"), int(BillingTotalsModel::CostKind::Billed));
    m_costCombo->addItem(tr("Effective"), int(BillingTotalsModel::CostKind::Effective));
    m_costCombo->addItem(tr("List"), int(BillingTotalsModel::CostKind::List));
    m_costCombo->setToolTip(tr("BilledCost (the invoice), EffectiveCost (with discounts amortised) or ListCost"));
    for (int column = 1; column < 8; column += 2)
        grid->setColumnStretch(column, 1);
    layout->addLayout(grid);
    for (QComboBox* combo : {m_tenantCombo, m_serviceCombo, m_categoryCombo, m_currencyCombo, m_fromCombo, m_toCombo, m_importCombo}) {
        connect(combo, &QComboBox::currentIndexChanged, this, [this]() {
            if (!m_fillingOptions)
                loadTotals();
        });
    }
    connect(m_costCombo, &QComboBox::currentIndexChanged, this, [this]() {
        m_totalsModel->setCostKind(BillingTotalsModel::CostKind(m_costCombo->currentData().toInt()));
        m_totalsView->expandToDepth(-1);
    });
}

void BillingPage::createCharts()
{
    m_chartTabs = named(new QTabWidget(this), u"billingChartTabs"_s, tr("Billing charts"));
    const auto makeView = [this](const QString& name) {
        auto* view = new QChartView(new QChart, m_chartTabs);
        view->setObjectName(name);
        view->setRenderHint(QPainter::Antialiasing);
        view->setMinimumHeight(220);
        return view;
    };
    m_tenantChart = makeView(u"tenantCostChart"_s);
    m_serviceChart = makeView(u"serviceCostChart"_s);
    m_budgetChart = makeView(u"budgetChart"_s);
    m_changeChart = makeView(u"changeChart"_s);
    m_chartTabs->addTab(m_tenantChart, tr("Cost by tenant"));
    m_chartTabs->addTab(m_serviceChart, tr("Cost by service"));

    auto* budgets = new QSplitter(Qt::Horizontal, m_chartTabs);
    budgets->setObjectName(u"budgetSplitter"_s);
    m_budgetView = named(new QTableView(budgets), u"budgetView"_s, tr("Budgets"));
    m_budgetView->setTabKeyNavigation(false);
    auto* budgetProxy = new QSortFilterProxyModel(m_budgetView);
    budgetProxy->setSourceModel(m_budgetModel);
    budgetProxy->setSortRole(BudgetModel::SortRole);
    m_budgetView->setModel(budgetProxy);
    m_budgetView->setSortingEnabled(true);
    m_budgetView->sortByColumn(-1, Qt::AscendingOrder);
    m_budgetView->verticalHeader()->hide();
    m_budgetView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_budgetView->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed
                                  | QAbstractItemView::AnyKeyPressed);
    m_budgetView->setToolTip(tr("Double-click a budget (or press F2) to change it; empty removes it"));
    budgets->addWidget(m_budgetView);
    budgets->addWidget(m_budgetChart);
    m_budgetChart->setAccessibleName(tr("Cost against budget")); // not a tab page of its own: named here
    budgets->setStretchFactor(0, 2);
    budgets->setStretchFactor(1, 3);
    m_chartTabs->addTab(budgets, tr("Budgets"));
    m_chartTabs->addTab(m_changeChart, tr("Month over month"));
}

void BillingPage::setStore(Store* store)
{
    m_store = store;
    ++m_storeGeneration;
    ++m_generation;
    m_pending = 0;
    m_allRows.clear();
    m_rows.clear();
    m_imports.clear();
    m_budgets.clear();
    m_names.clear();
    m_slugs.clear();
    m_ancestors.clear();
    m_ancestorsAsked.clear();
    m_namesAsked.clear();
    m_totalsModel->clear();
    m_linesModel->setStore(store);
    m_budgetModel->setData({}, {}, {});
    showTotals();
    setError({});
    fillOptions();
    setReadOnly(m_readOnly);
    m_exportButton->setEnabled(store != nullptr);
    if (store)
        refresh();
    else
        updateSummary();
}

void BillingPage::setReadOnly(bool readOnly)
{
    m_readOnly = readOnly;
    m_importButton->setEnabled(m_store && !readOnly);
    m_rulesButton->setEnabled(m_store && !readOnly);
    m_budgetView->setEditTriggers(readOnly ? QAbstractItemView::NoEditTriggers
                                           : QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed
                                                 | QAbstractItemView::AnyKeyPressed);
}

void BillingPage::refresh()
{
    if (!m_store)
        return;
    setError({});
    loadOptions();
    loadTotals();
}

QString BillingPage::tenantName(TenantId id) const
{
    return m_totalsModel->tenantName(id);
}

BillingFilter BillingPage::filter() const
{
    BillingFilter filter;
    const qint64 tenant = m_tenantCombo->currentData().toLongLong();
    if (m_tenantCombo->currentIndex() > 0)
        filter.tenantId = tenant;
    filter.serviceName = m_serviceCombo->currentData().toString();
    filter.serviceCategory = m_categoryCombo->currentData().toString();
    filter.billingCurrency = m_currencyCombo->currentData().toString();
    const QString from = m_fromCombo->currentData().toString();
    const QString to = m_toCombo->currentData().toString();
    if (!from.isEmpty())
        filter.from = monthStart(from);
    if (!to.isEmpty())
        filter.to = monthStart(to).addMonths(1);
    filter.importId = m_importCombo->currentData().toLongLong();
    return filter;
}

void BillingPage::loadOptions()
{
    Store* store = m_store;
    const quint64 generation = m_storeGeneration;
    ++m_pending;
    whenReady(store->billingTotals(BillingFilter{}), this, [this, generation](const QList<BillingTotalsRow>& rows) {
        if (generation != m_storeGeneration)
            return;
        m_allRows = rows;
        resolveNames(rows);
        fillOptions();
        loadBudgets();
        finishRequest();
    }, [this, generation](const StoreError& error) {
        if (generation != m_storeGeneration)
            return;
        setError(tr("Could not read the billing totals: %1").arg(error.message()));
        finishRequest();
    });
    ++m_pending;
    whenReady(store->billingImports(), this, [this, generation](const QList<BillingImport>& imports) {
        if (generation != m_storeGeneration)
            return;
        m_imports = imports;
        fillOptions();
        finishRequest();
    }, [this, generation](const StoreError& error) {
        if (generation != m_storeGeneration)
            return;
        setError(tr("Could not read the imports: %1").arg(error.message()));
        finishRequest();
    });
}

void BillingPage::loadTotals()
{
    if (!m_store)
        return;
    showTotals();
    const BillingFilter current = filter();
    Store* store = m_store;
    const quint64 storeGeneration = m_storeGeneration;
    const quint64 generation = ++m_generation; // an earlier filter's answer is stale
    ++m_pending;
    whenReady(store->billingTotals(current), this, [this, storeGeneration, generation, current](const QList<BillingTotalsRow>& rows) {
        if (storeGeneration != m_storeGeneration)
            return;
        if (generation != m_generation)
            return finishRequest();
        m_rows = rows;
        m_totalsModel->setTotals(rows, current);
        m_totalsView->setColumnHidden(BillingTotalsModel::CurrencyColumn, m_totalsModel->currencies().size() <= 1);
        // Tenants first; a tenant opens to its services. Unallocated is open: it is what needs a look.
        const QModelIndex unallocated = m_totalsModel->tenantIndex(0);
        if (unallocated.isValid())
            m_totalsView->expand(m_totalsProxy->mapFromSource(unallocated));
        resolveNames(rows);
        updateSummary();
        updateCharts();
        updateBudgets();
        finishRequest();
    }, [this, storeGeneration, generation](const StoreError& error) {
        if (storeGeneration != m_storeGeneration)
            return;
        if (generation != m_generation)
            return finishRequest();
        setError(tr("Could not read the billing totals: %1").arg(error.message()));
        finishRequest();
    });
}

void BillingPage::loadBudgets()
{
    Store* store = m_store;
    const quint64 generation = m_storeGeneration;
    ++m_pending;
    whenReady(store->budgets(), this, [this, generation](const QList<TenantBudget>& budgets) {
        if (generation != m_storeGeneration)
            return;
        m_budgets = budgets;
        resolveNames({});
        updateBudgets();
        updateCharts();
        finishRequest();
    }, [this, generation](const StoreError& error) {
        if (generation != m_storeGeneration)
            return;
        setError(tr("Could not read the budgets: %1").arg(error.message()));
        finishRequest();
    });
}

void BillingPage::finishRequest()
{
    m_pending = std::max(0, m_pending - 1);
    if (m_pending == 0)
        Q_EMIT loaded();
}

void BillingPage::setError(const QString& message)
{
    m_errorLabel->setText(message);
    m_errorFrame->setVisible(!message.isEmpty());
}

void BillingPage::resolveNames(const QList<BillingTotalsRow>& rows)
{
    QList<TenantId> wanted;
    for (const BillingTotalsRow& row : rows)
        if (row.tenantId != 0 && !m_names.contains(row.tenantId) && !m_namesAsked.contains(row.tenantId) && !wanted.contains(row.tenantId))
            wanted.append(row.tenantId);
    for (const TenantBudget& budget : std::as_const(m_budgets))
        if (!m_names.contains(budget.tenantId) && !m_namesAsked.contains(budget.tenantId) && !wanted.contains(budget.tenantId))
            wanted.append(budget.tenantId);
    if (wanted.size() + m_namesAsked.size() > nameLookupLimit)
        wanted.resize(std::max<qsizetype>(0, nameLookupLimit - m_namesAsked.size()));
    Store* store = m_store;
    if (!store)
        return;
    for (TenantId id : std::as_const(wanted)) {
        m_namesAsked.append(id);
        ++m_pending;
        const quint64 generation = m_storeGeneration;
        whenReady(store->tenant(id), this, [this, id, generation](const Tenant& tenant) {
            if (generation != m_storeGeneration)
                return;
            m_names.insert(id, tenant.displayName.isEmpty() ? tenant.slug : tenant.displayName);
            m_slugs.insert(id, tenant.slug);
            m_ancestors.insert(id, tenant.ancestorIds);
            resolveAncestors(tenant.ancestorIds);
            m_namesAsked.removeOne(id);
            if (m_namesAsked.isEmpty())
                applyNames();
            finishRequest();
        }, [this, id, generation](const StoreError&) {
            if (generation != m_storeGeneration)
                return;
            m_names.insert(id, tr("Tenant %1 (gone)").arg(id));
            m_namesAsked.removeOne(id);
            if (m_namesAsked.isEmpty())
                applyNames();
            finishRequest();
        });
    }
    if (wanted.isEmpty() && m_namesAsked.isEmpty())
        applyNames();
}

void BillingPage::resolveAncestors(const QList<TenantId>& ids)
{
    // Only their slugs, for the branding of a report of a tenant whose pack is an ancestor's.
    Store* store = m_store;
    if (!store)
        return;
    for (TenantId id : ids) {
        if (m_slugs.contains(id) || m_namesAsked.contains(id) || m_ancestorsAsked.contains(id))
            continue;
        m_ancestorsAsked.append(id);
        ++m_pending;
        const quint64 generation = m_storeGeneration;
        whenReady(store->tenant(id), this, [this, id, generation](const Tenant& tenant) {
            if (generation != m_storeGeneration)
                return;
            m_slugs.insert(id, tenant.slug);
            m_ancestorsAsked.removeOne(id);
            finishRequest();
        }, [this, id, generation](const StoreError&) {
            if (generation != m_storeGeneration)
                return;
            m_ancestorsAsked.removeOne(id); // the tenant's own pack, or the platform's
            finishRequest();
        });
    }
}

QStringList BillingPage::brandingSlugs(TenantId id) const
{
    QStringList slugs;
    if (const QString slug = m_slugs.value(id); !slug.isEmpty())
        slugs.append(slug);
    const QList<TenantId> ancestors = m_ancestors.value(id);
    for (auto it = ancestors.crbegin(); it != ancestors.crend(); ++it) {
        if (const QString slug = m_slugs.value(*it); !slug.isEmpty())
            slugs.append(slug);
    }
    return slugs;
}

QChart* BillingPage::tenantCostChart() const
{
    return m_tenantChart->chart();
}

QChart* BillingPage::serviceCostChart() const
{
    return m_serviceChart->chart();
}

QChart* BillingPage::budgetChart() const
{
    return m_budgetChart->chart();
}

QChart* BillingPage::changeChart() const
{
    return m_changeChart->chart();
}

void BillingPage::applyNames()
{
    m_totalsModel->setTenantNames(m_names);
    m_linesModel->setTenantNames(m_names);
    m_budgetModel->setTenantNames(m_names);
    m_fillingOptions = true;
    for (int i = 2; i < m_tenantCombo->count(); ++i) {
        const TenantId id = m_tenantCombo->itemData(i).toLongLong();
        m_tenantCombo->setItemText(i, m_names.value(id, tr("Tenant %1").arg(id)));
    }
    m_fillingOptions = false;
    updateSummary();
    updateCharts();
}

void BillingPage::fillOptions()
{
    m_fillingOptions = true;
    const auto refill = [](QComboBox* combo, const QString& any, const QList<std::pair<QString, QVariant>>& items) {
        const QVariant current = combo->currentData();
        const int currentIndex = combo->currentIndex();
        combo->clear();
        combo->addItem(any, QVariant());
        for (const auto& [text, value] : items)
            combo->addItem(text, value);
        const int found = currentIndex > 0 ? combo->findData(current) : 0;
        combo->setCurrentIndex(found < 0 ? 0 : found);
    };
    QList<TenantId> tenants;
    QStringList services, categories, currencies, months;
    for (const BillingTotalsRow& row : std::as_const(m_allRows)) {
        if (row.tenantId != 0 && !tenants.contains(row.tenantId))
            tenants.append(row.tenantId);
        if (!services.contains(row.serviceName))
            services.append(row.serviceName);
        if (!categories.contains(row.serviceCategory))
            categories.append(row.serviceCategory);
        if (!currencies.contains(row.billingCurrency))
            currencies.append(row.billingCurrency);
        if (!months.contains(row.month))
            months.append(row.month);
    }
    services.sort(Qt::CaseInsensitive);
    categories.sort(Qt::CaseInsensitive);
    currencies.sort();
    months.sort();
    std::sort(tenants.begin(), tenants.end(), [this](TenantId a, TenantId b) {
        return QString::localeAwareCompare(m_names.value(a), m_names.value(b)) < 0;
    });
    QList<std::pair<QString, QVariant>> items;
    items.append({tr("Unallocated"), QVariant(qint64(0))});
    for (TenantId id : tenants)
        items.append({m_names.value(id, tr("Tenant %1").arg(id)), QVariant(qint64(id))});
    refill(m_tenantCombo, tr("All tenants"), items);
    const auto texts = [](const QStringList& values) {
        QList<std::pair<QString, QVariant>> list;
        for (const QString& value : values)
            list.append({value.isEmpty() ? tr("(none)") : value, value});
        return list;
    };
    refill(m_serviceCombo, tr("All services"), texts(services));
    refill(m_categoryCombo, tr("All categories"), texts(categories));
    refill(m_currencyCombo, tr("All currencies"), texts(currencies));
    QList<std::pair<QString, QVariant>> monthItems;
    for (const QString& month : std::as_const(months))
        monthItems.append({monthLabel(month), month});
    refill(m_fromCombo, tr("Earliest"), monthItems);
    refill(m_toCombo, tr("Latest"), monthItems);
    QList<std::pair<QString, QVariant>> importItems;
    for (const BillingImport& import : std::as_const(m_imports))
        importItems.append({tr("%1 (%2)").arg(import.fileName, QLocale().toString(import.importedAt.toLocalTime(), QLocale::ShortFormat)),
                            QVariant(import.id)});
    refill(m_importCombo, tr("All imports and demo data"), importItems);
    m_fillingOptions = false;
}

void BillingPage::updateSummary()
{
    if (!m_store) {
        m_summaryLabel->setText(tr("No database open."));
        return;
    }
    std::map<QString, DecimalSum> total, unallocated, shared;
    qint64 lines = 0;
    const auto costOf = [this](const BillingTotalsRow& row) {
        switch (m_totalsModel->costKind()) {
        case BillingTotalsModel::CostKind::Billed: return row.billedCost;
        case BillingTotalsModel::CostKind::Effective: return row.effectiveCost;
        case BillingTotalsModel::CostKind::List: return row.listCost;
        }
        return row.billedCost;
    };
    for (const BillingTotalsRow& row : std::as_const(m_rows)) {
        total[row.billingCurrency].add(costOf(row));
        unallocated[row.billingCurrency]; // every currency gets its unallocated figure, zero or not
        shared[row.billingCurrency];
        if (row.tenantId == 0)
            unallocated[row.billingCurrency].add(costOf(row));
        if (row.shared)
            shared[row.billingCurrency].add(costOf(row));
        lines += row.lineCount;
    }
    if (total.empty()) {
        m_summaryLabel->setText(tr("No cost in this selection. Import a billing export with File → Import Billing…"));
        return;
    }
    QStringList parts;
    for (const auto& [currency, sum] : total) {
        const QString all = sum.text();
        const QString none = unallocated[currency].text();
        const double share = BillingMoney::toDouble(all) == 0 ? 0 : BillingMoney::toDouble(none) / BillingMoney::toDouble(all) * 100.0;
        QString part = tr("Total <b>%1</b> · <span style=\"color:#a84b00\">Unallocated <b>%2</b> (%3 %)</span>")
                           .arg(BillingMoney::format(all, currency).toHtmlEscaped(),
                                BillingMoney::format(none, currency).toHtmlEscaped(), QLocale().toString(share, 'f', 1));
        if (!shared[currency].isZero())
            part += tr(" · Shared %1").arg(BillingMoney::format(shared[currency].text(), currency).toHtmlEscaped());
        parts.append(part);
    }
    m_summaryLabel->setText(parts.join(u"<br>"_s) + tr(" · %Ln line(s)", nullptr, int(std::min<qint64>(lines, INT_MAX))));
}

QString BillingPage::chartCurrency() const
{
    if (const QString chosen = m_currencyCombo->currentData().toString(); !chosen.isEmpty())
        return chosen;
    std::map<QString, DecimalSum> totals;
    for (const BillingTotalsRow& row : m_rows)
        totals[row.billingCurrency].add(row.billedCost);
    QString best;
    double largest = -1;
    for (const auto& [currency, sum] : totals) {
        const double value = BillingMoney::toDouble(sum.text());
        if (value > largest) {
            largest = value;
            best = currency;
        }
    }
    return best;
}

void BillingPage::updateCharts()
{
    const QString currency = chartCurrency();
    const QStringList months = m_totalsModel->months();
    MonthlySums byTenant, byService;
    for (const BillingTotalsRow& row : std::as_const(m_rows)) {
        if (row.billingCurrency != currency)
            continue;
        byTenant[QString::number(row.tenantId)][row.month].add(row.billedCost);
        byService[row.serviceName][row.month].add(row.billedCost);
    }
    // Two tenants of one name (the demo's two "Italy") are told apart by their slugs: a category
    // axis keeps only one of equal labels, and the bars would slip under the wrong names.
    QHash<QString, int> nameUses;
    for (auto it = m_names.cbegin(); it != m_names.cend(); ++it)
        ++nameUses[it.value()];
    const auto chartName = [this, nameUses](TenantId id) {
        const QString name = tenantName(id);
        const QString slug = m_slugs.value(id);
        return nameUses.value(name) > 1 && !slug.isEmpty() ? tr("%1 (%2)").arg(name, slug) : name;
    };
    const auto tenantLabel = [chartName](const QString& key) { return chartName(key.toLongLong()); };
    const QString suffix = m_currencyCombo->currentIndex() <= 0 && m_totalsModel->currencies().size() > 1
                               ? tr(" (%1 only)").arg(currency) : QString();
    replaceChart(m_tenantChart, stackedByMonth(tr("Billed cost per month by tenant%1").arg(suffix), months, byTenant, currency,
                                           byTenant.count(u"0"_s) ? u"0"_s : QString(), tenantLabel));
    replaceChart(m_serviceChart, stackedByMonth(tr("Billed cost per month by service%1").arg(suffix), months, byService, currency,
                                            QString(), [](const QString& key) { return key; }));

    // Cost of the latest month against the budget, the most used first.
    const QString latest = months.isEmpty() ? QString() : months.constLast();
    QChart* budgetChart = newChart(latest.isEmpty() ? tr("Cost against budget")
                                                    : tr("Cost in %1 against the monthly budget").arg(monthLabel(latest)));
    QList<std::tuple<double, TenantId, double, double>> budgetRows; // used, tenant, cost, budget
    for (const TenantBudget& budget : std::as_const(m_budgets)) {
        if (budget.currency != currency || budget.amount.isEmpty())
            continue;
        DecimalSum cost;
        for (const BillingTotalsRow& row : std::as_const(m_allRows))
            if (row.tenantId == budget.tenantId && row.month == latest && row.billingCurrency == currency)
                cost.add(row.billedCost);
        const double amount = BillingMoney::toDouble(budget.amount);
        const double spent = BillingMoney::toDouble(cost.text());
        budgetRows.append({amount > 0 ? spent / amount : 0, budget.tenantId, spent, amount});
    }
    std::sort(budgetRows.begin(), budgetRows.end(), [](const auto& a, const auto& b) { return std::get<0>(a) > std::get<0>(b); });
    if (budgetRows.size() > 12)
        budgetRows.resize(12);
    if (!budgetRows.isEmpty()) {
        auto* stacked = new QStackedBarSeries(budgetChart);
        auto* costSet = new QBarSet(tr("Cost"), stacked);
        auto* over = new QBarSet(tr("Over budget"), stacked);
        auto* line = new QLineSeries(budgetChart);
        line->setName(tr("Budget"));
        line->setObjectName(u"budgetLine"_s);
        costSet->setObjectName(u"costSet"_s);
        over->setObjectName(u"overBudgetSet"_s);
        QStringList names;
        for (int i = 0; i < budgetRows.size(); ++i) {
            const auto& [used, tenant, spent, amount] = budgetRows.at(i);
            names.append(chartName(tenant));
            costSet->append(std::min(spent, amount));
            over->append(std::max(0.0, spent - amount));
            line->append(i, amount);
        }
        stacked->append(costSet);
        stacked->append(over);
        budgetChart->addSeries(stacked);
        budgetChart->addSeries(line);
        attachAxes(budgetChart, stacked, names, currency);
        double top = 0;
        for (const auto& [used, tenant, spent, amount] : std::as_const(budgetRows))
            top = std::max({top, spent, amount});
        for (QAbstractAxis* axis : budgetChart->axes()) {
            line->attachAxis(axis);
            if (auto* values = qobject_cast<QValueAxis*>(axis); values && axis->orientation() == Qt::Vertical) {
                values->setRange(0.0, top * 1.1); // the budget line too, not only the bars
                values->applyNiceNumbers();
            }
        }
    }
    replaceChart(m_budgetChart, budgetChart);

    // Month over month: the change of the latest month by tenant, the largest changes first.
    QChart* changeChart = newChart(months.size() < 2 ? tr("Month over month (needs two months)")
                                                     : tr("Change from %1 to %2 by tenant")
                                                           .arg(monthLabel(months.at(months.size() - 2)), monthLabel(latest)));
    if (months.size() >= 2) {
        QList<std::pair<double, QString>> changes;
        for (const auto& [key, byMonth] : byTenant) {
            const auto now = byMonth.find(latest);
            const auto before = byMonth.find(months.at(months.size() - 2));
            const QString change = BillingMoney::difference(now == byMonth.end() ? u"0"_s : now->second.text(),
                                                            before == byMonth.end() ? u"0"_s : before->second.text());
            changes.append({BillingMoney::toDouble(change), tenantLabel(key)});
        }
        std::sort(changes.begin(), changes.end(), [](const auto& a, const auto& b) { return std::abs(a.first) > std::abs(b.first); });
        if (changes.size() > 12)
            changes.resize(12);
        auto* series = new QBarSeries(changeChart);
        auto* up = new QBarSet(tr("Increase"), series);
        auto* down = new QBarSet(tr("Decrease"), series);
        up->setObjectName(u"increaseSet"_s);
        down->setObjectName(u"decreaseSet"_s);
        QStringList names;
        for (const auto& [value, name] : std::as_const(changes)) {
            names.append(name);
            up->append(value > 0 ? value : 0);
            down->append(value < 0 ? value : 0);
        }
        series->append(up);
        series->append(down);
        changeChart->addSeries(series);
        attachAxes(changeChart, series, names, currency);
    }
    replaceChart(m_changeChart, changeChart);
    recolourCharts();
}

void BillingPage::recolourCharts()
{
    const ChartLook look = ChartLook::current();
    for (QChartView* view : {m_tenantChart, m_serviceChart, m_budgetChart, m_changeChart}) {
        QChart* chart = view->chart();
        look.applyTo(chart);
        for (QAbstractSeries* series : chart->series()) {
            if (auto* line = qobject_cast<QLineSeries*>(series)) { // the budget: a reference, in the text colour
                line->setPen(QPen(look.text, 2, Qt::DashLine));
                continue;
            }
            auto* bars = qobject_cast<QAbstractBarSeries*>(series);
            if (!bars)
                continue;
            int index = 0;
            const QList<QBarSet*> sets = bars->barSets();
            for (QBarSet* set : sets) {
                const QString name = set->objectName();
                set->setBorderColor(look.background);
                if (name == u"unallocatedSet"_s) {
                    set->setColor(look.unallocated);
                } else if (name == u"otherSet"_s) {
                    set->setColor(look.other);
                } else if (name == u"overBudgetSet"_s || name == u"increaseSet"_s) {
                    // Over budget stays red in every brand; hatched when the brand's accent is red too.
                    if (name == u"overBudgetSet"_s && look.nearAlert(look.accent)) {
                        set->setBrush(QBrush(look.alert, Qt::DiagCrossPattern));
                        set->setBorderColor(look.alert);
                    } else {
                        set->setColor(look.alert);
                    }
                } else if (name == u"decreaseSet"_s) {
                    set->setColor(look.good);
                } else {
                    set->setColor(look.series(index++)); // the accent first (a budget's cost: the accent)
                }
            }
        }
    }
}

void BillingPage::updateBudgets()
{
    const QStringList months = m_totalsModel->months();
    m_budgetModel->setData(m_budgets, m_allRows.isEmpty() ? m_rows : m_allRows, months.isEmpty() ? QString() : months.constLast());
    m_budgetModel->setTenantNames(m_names);
}

bool BillingPage::drillDown(const QModelIndex& totalsIndex)
{
    const std::optional<BillingLineQuery> query = m_totalsModel->lineQuery(totalsIndex);
    if (!query || !m_store)
        return false;
    const QModelIndex row = totalsIndex.siblingAtColumn(BillingTotalsModel::NameColumn);
    const auto kind = row.data(BillingTotalsModel::RowKindRole).value<BillingTotalsModel::RowKind>();
    QStringList what;
    if (kind != BillingTotalsModel::RowKind::Total)
        what.append(tenantName(row.data(BillingTotalsModel::TenantIdRole).toLongLong()));
    if (!query->filter.serviceName.isEmpty())
        what.append(query->filter.serviceName);
    what.append(query->month.isEmpty() ? tr("every month shown") : monthLabel(query->month));
    m_drillShared = query->sharedOnly;
    m_drillCellAmount = totalsIndex.data(BillingTotalsModel::ExactAmountRole).toString();
    const bool change = totalsIndex.column() == m_totalsModel->changeColumn() || totalsIndex.column() == m_totalsModel->changePercentColumn();
    if (change) // the lines of the latest month; the cell is a difference
        m_drillCellAmount.clear();
    const QString currency = query->filter.billingCurrency;
    m_linesTitleLabel->setText(
        m_drillShared ? tr("<b>Shared lines</b> of %1 — the share shown is %2 of them").arg(what.mid(1).join(u" · "_s).toHtmlEscaped(),
                                                                                               BillingMoney::format(m_drillCellAmount, currency))
                      : tr("<b>Lines behind</b> %1 — %2").arg(what.join(u" · "_s).toHtmlEscaped(),
                                                               m_drillCellAmount.isEmpty() ? tr("latest month")
                                                                                           : BillingMoney::format(m_drillCellAmount, currency)));
    m_linesModel->setQuery(*query);
    m_stack->setCurrentWidget(m_linesPage);
    m_linesView->setFocus();
    updateLinesSummary();
    return true;
}

void BillingPage::showTotals()
{
    if (m_stack->currentWidget() == m_totalsView)
        return;
    m_stack->setCurrentWidget(m_totalsView);
    m_linesModel->clear();
    m_totalsView->setFocus();
}

bool BillingPage::isShowingLines() const
{
    return m_stack->currentWidget() == m_linesPage;
}

void BillingPage::updateLinesSummary()
{
    const QString currency = m_linesModel->query().filter.billingCurrency;
    const QString sum = m_linesModel->billedCostSum();
    if (m_linesModel->isLoading() && m_linesModel->rowCount() == 0) {
        m_linesSumLabel->setText(tr("Loading…"));
        return;
    }
    if (!m_linesModel->isComplete()) {
        m_linesSumLabel->setText(tr("%Ln line(s) so far, %1 — scroll for more", nullptr, m_linesModel->rowCount())
                                     .arg(BillingMoney::format(sum, currency)));
        return;
    }
    QString text = tr("All %Ln line(s): billed cost %1", nullptr, m_linesModel->rowCount()).arg(BillingMoney::format(sum, currency));
    if (!m_drillShared && !m_drillCellAmount.isEmpty()) {
        const QString gap = BillingMoney::difference(m_drillCellAmount, sum);
        text += BillingMoney::toDouble(gap) == 0 && !gap.isEmpty()
                    ? tr(", as in the total")
                    : tr(" (the total also holds %1 of shared cost spread to this tenant)").arg(BillingMoney::format(gap, currency));
    }
    m_linesSumLabel->setText(text);
}

void BillingPage::importBilling()
{
    if (!m_store || m_readOnly)
        return;
    BillingImportDialog dialog(m_store, this);
    connect(&dialog, &BillingImportDialog::imported, this, [this]() {
        refresh();
        Q_EMIT billingChanged();
    });
    dialog.exec();
}

void BillingPage::editAttributionRules()
{
    if (!m_store || m_readOnly)
        return;
    AttributionRulesDialog dialog(m_store, this);
    dialog.setHistory(m_history, [page = QPointer<BillingPage>(this)]() {
        if (page) {
            page->refresh();
            Q_EMIT page->billingChanged();
        }
    });
    connect(&dialog, &AttributionRulesDialog::applied, this, [this]() {
        refresh();
        Q_EMIT billingChanged();
    });
    dialog.exec();
}

void BillingPage::exportReport()
{
    if (!m_store)
        return;
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    QString selected;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Billing Report"),
        QDir(folder).filePath(tr("billing-report.pdf")),
        tr("PDF (*.pdf);;Excel workbook (*.xlsx);;CSV (*.csv)"), &selected);
    if (path.isEmpty())
        return;
    QString error;
    QApplication::setOverrideCursor(Qt::WaitCursor);
    const bool written = writeReport(path, &error);
    QApplication::restoreOverrideCursor();
    if (!written) {
        auto* box = new QMessageBox(QMessageBox::Critical, tr("Could not export the report"), error, QMessageBox::Ok, this);
        box->setObjectName(u"reportErrorBox"_s);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
        return;
    }
    Q_EMIT statusMessage(tr("Report written to %1.").arg(QDir::toNativeSeparators(path)));
}

BillingReportData BillingPage::reportData() const
{
    BillingReportData report;
    report.title = tr("Billing report");
    const QStringList months = m_totalsModel->months();
    const QString range = months.isEmpty() ? QString()
                        : months.size() == 1 ? monthLabel(months.constFirst())
                                             : tr("%1 – %2").arg(monthLabel(months.constFirst()), monthLabel(months.constLast()));
    const QString who = m_tenantCombo->currentIndex() <= 0 ? tr("All tenants") : m_tenantCombo->currentText();
    report.scope = range.isEmpty() ? who : tr("%1, %2").arg(who, range);
    report.generatedAt = QDateTime::currentDateTime();
    report.totals = m_rows;
    report.budgets = m_budgets;
    report.tenantNames = m_names;
    // A report of one tenant carries that tenant's brand (its pack, else its nearest ancestor's,
    // else the platform's), whichever tenant the tree shows. A report of all tenants (or of the
    // unallocated cost) carries the brand they all share (a tenant admin's tenants: theirs), else
    // the platform's, whichever tenant the tree shows. In the light palette's colours: a report is
    // printed on white, as tenantctl's are.
    const TenantId chosen = m_tenantCombo->currentIndex() > 0 ? m_tenantCombo->currentData().toLongLong() : 0;
    BrandingLook look;
    if (chosen != 0) {
        look = BrandingManager::lookFor(brandingSlugs(chosen), true);
    } else {
        QList<TenantId> tenants;
        for (const BillingTotalsRow& row : std::as_const(m_allRows))
            if (row.tenantId != 0 && !tenants.contains(row.tenantId))
                tenants.append(row.tenantId);
        QString shared;
        TenantId sharer = 0;
        for (TenantId id : std::as_const(tenants)) {
            const QString slug = BrandingManager::lookFor(brandingSlugs(id)).slug;
            if (!shared.isEmpty() && slug != shared) {
                shared.clear();
                break;
            }
            shared = slug;
            sharer = id;
        }
        look = !shared.isEmpty() && shared == BrandingManager::current().slug
                   ? BrandingManager::lookFor(brandingSlugs(sharer), true)
                   : BrandingManager::lookFor({}, true);
    }
    if (!look.productName.isEmpty())
        report.branding.productName = look.productName;
    if (look.accent.isValid())
        report.branding.accent = look.accent;
    report.branding.logo = look.logo;
    return report;
}

bool BillingPage::writeReport(const QString& path, QString* error)
{
    return writeBillingReport(reportData(), reportFormatForPath(path), path, error);
}

} // namespace TenantDesk
