#include "AttributionRulesDialog.h"
#include "AttributionRulesModel.h"
#include "BillingImportDialog.h"
#include "EditHistory.h"
#include "MainWindow.h"
#include "BillingLinesModel.h"
#include "BillingMoney.h"
#include "BillingPage.h"
#include "BillingTotalsModel.h"
#include "Decimal.h"
#include "SqlStore.h"
#include "TestSupport.h"

#include <QAbstractButton>
#include <QBarCategoryAxis>
#include <QAbstractBarSeries>
#include <QBarSet>
#include <QChart>
#include <QLineSeries>
#include <QValueAxis>
#include <QAction>
#include <QStackedWidget>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QMessageBox>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>
#include <QTreeView>
#include <QUndoStack>

#include <map>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

namespace {

bool sameAmount(const QString& a, const QString& b)
{
    DecimalSum gap;
    return gap.add(BillingMoney::difference(a, b)) && gap.isZero();
}

bool loadAll(BillingLinesModel& model)
{
    for (;;) {
        if (!QTest::qWaitFor([&model]() { return !model.isLoading(); }, 30000))
            return false;
        if (!model.canFetchMore({}))
            return true;
        model.fetchMore({});
    }
}

// Every total of the store, summed by currency independently of the page.
std::map<QString, QString> storeTotals(Store& store, const BillingFilter& filter = {})
{
    std::map<QString, DecimalSum> sums;
    for (const BillingTotalsRow& row : await(store.billingTotals(filter)))
        sums[row.billingCurrency].add(row.billedCost);
    std::map<QString, QString> texts;
    for (const auto& [currency, sum] : sums)
        texts[currency] = sum.text();
    return texts;
}

// The pivot's total row of `currency`.
QString pageTotal(const BillingTotalsModel& model, const QString& currency)
{
    for (int r = 0; r < model.rowCount(); ++r) {
        const QModelIndex name = model.index(r, 0);
        if (name.data(BillingTotalsModel::RowKindRole).value<BillingTotalsModel::RowKind>() == BillingTotalsModel::RowKind::Total
            && name.data(BillingTotalsModel::CurrencyRole).toString() == currency)
            return model.index(r, model.totalColumn()).data(BillingTotalsModel::ExactAmountRole).toString();
    }
    return {};
}

QMessageBox* openBox(QWidget* parent, const QString& name)
{
    QMessageBox* found = nullptr;
    (void)QTest::qWaitFor([&]() {
        found = parent->findChild<QMessageBox*>(name);
        return found && found->isVisible();
    }, 10000);
    return found;
}

// The chart's categories (months or tenants) and its currency (the value axis's title).
QStringList chartCategories(QChart* chart)
{
    for (QAbstractAxis* axis : chart->axes(Qt::Horizontal))
        if (auto* categories = qobject_cast<QBarCategoryAxis*>(axis))
            return categories->categories();
    return {};
}

QString chartCurrency(QChart* chart)
{
    for (QAbstractAxis* axis : chart->axes(Qt::Vertical))
        if (auto* values = qobject_cast<QValueAxis*>(axis))
            return values->titleText();
    return {};
}

QList<QBarSet*> chartSets(QChart* chart)
{
    QList<QBarSet*> sets;
    for (QAbstractSeries* series : chart->series())
        if (auto* bars = qobject_cast<QAbstractBarSeries*>(series))
            sets += bars->barSets();
    return sets;
}

// A chart's figure against an exact amount: to the cent (charts draw doubles).
bool near(double value, const QString& exact)
{
    return std::abs(value - BillingMoney::toDouble(exact.isEmpty() ? u"0"_s : exact)) < 0.005;
}

} // namespace

class TestBillingPage : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<SqlStore> m_store;

    void waitLoaded(BillingPage& page)
    {
        (void)QTest::qWaitFor([&page]() { return !page.isLoading(); }, 30000);
        QVERIFY(!page.isLoading());
    }

    // Runs the dialog's import to its end: true when it imported.
    bool runImport(BillingImportDialog& dialog, BillingImportResult* result = nullptr)
    {
        bool imported = false;
        QMetaObject::Connection connection = connect(&dialog, &BillingImportDialog::imported, this,
            [&](const BillingImportResult& answer) {
                imported = true;
                if (result)
                    *result = answer;
            });
        QSignalSpy ended(&dialog, &BillingImportDialog::importEnded);
        dialog.startImport();
        if (!QTest::qWaitFor([&]() { return imported || !ended.isEmpty(); }, 60000))
            qFatal("The import did not end");
        disconnect(connection);
        return imported;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_store = std::make_unique<SqlStore>(copyFixture(smallDemoFixture(), m_dir));
        await(m_store->open(OpenMode::OpenExisting));
        m_store->setActor(u"finance@example.com"_s);
    }

    void cleanupTestCase() { m_store.reset(); }

    // The demo's cost by tenant, with unallocated cost in its own row and in the summary, the
    // tenants by name, and the grand total the store's.
    void showsTenantsAndUnallocated()
    {
        BillingPage page;
        page.resize(1200, 800);
        page.show();
        page.setStore(m_store.get());
        waitLoaded(page);
        BillingTotalsModel* model = page.totalsModel();
        QVERIFY(model->rowCount() > 3);
        for (const auto& [currency, total] : storeTotals(*m_store))
            QVERIFY2(sameAmount(pageTotal(*model, currency), total), qPrintable(currency + u' ' + total));
        // Unallocated cost is always in the summary, zero or not, and always offered as a filter.
        auto* summary = page.findChild<QLabel*>(u"billingSummaryLabel"_s);
        QVERIFY(summary->text().contains(u"Unallocated"_s));
        // Tenants by their names.
        const QModelIndex tenant = model->index(model->tenantIndex(0).isValid() ? 1 : 0, 0);
        const TenantId id = tenant.data(BillingTotalsModel::TenantIdRole).toLongLong();
        QVERIFY(id != 0);
        QCOMPARE(tenant.data().toString(), await(m_store->tenant(id)).displayName);
        // The tenant filter offers unallocated cost alone: only it is shown.
        auto* tenants = page.findChild<QComboBox*>(u"billingTenantCombo"_s);
        QCOMPARE(tenants->itemData(1).toLongLong(), 0);
        tenants->setCurrentIndex(1);
        waitLoaded(page);
        QCOMPARE(page.filter().tenantId, std::optional<TenantId>(0));
        for (int r = 0; r < model->rowCount(); ++r)
            QCOMPARE(model->index(r, 0).data(BillingTotalsModel::TenantIdRole).toLongLong(), 0);
    }

    // The four charts show the pivot's figures: per month, the stacked sets of the tenant and of
    // the service chart add up to the month's total, each tenant's set is its cost; the budget
    // chart's line is each tenant's budget and its bars that tenant's cost of the latest month; the
    // month-over-month bars are the latest month minus the one before.
    void chartsFollowTheTotals()
    {
        BillingPage page;
        page.resize(1200, 800);
        page.show();
        page.setStore(m_store.get());
        waitLoaded(page);
        BillingTotalsModel* model = page.totalsModel();
        const QStringList months = model->months();
        QVERIFY(months.size() >= 2);
        const QString currency = chartCurrency(page.tenantCostChart());
        QVERIFY(model->currencies().contains(currency));
        // The pivot's rows of this currency: the total, and each tenant by name.
        QModelIndex total;
        QHash<QString, QModelIndex> tenants;
        QHash<QString, TenantId> ids;
        QList<QModelIndex> rows;
        for (int r = 0; r < model->rowCount(); ++r) {
            const QModelIndex row = model->index(r, 0);
            if (row.data(BillingTotalsModel::CurrencyRole).toString() != currency)
                continue;
            const auto kind = row.data(BillingTotalsModel::RowKindRole).value<BillingTotalsModel::RowKind>();
            if (kind == BillingTotalsModel::RowKind::Total)
                total = row;
            else if (kind == BillingTotalsModel::RowKind::Tenant)
                rows.append(row);
        }
        // The charts name tenants as the pivot does; two of one name (the demo's two "Italy") with
        // their slugs as well, so that every tenant has its own bar and label.
        QHash<QString, int> uses;
        for (const QModelIndex& row : std::as_const(rows))
            ++uses[row.data().toString()];
        for (const QModelIndex& row : std::as_const(rows)) {
            const TenantId id = row.data(BillingTotalsModel::TenantIdRole).toLongLong();
            QString label = row.data().toString();
            if (uses.value(label) > 1)
                label = u"%1 (%2)"_s.arg(label, await(m_store->tenant(id)).slug);
            QVERIFY2(!tenants.contains(label), qPrintable(label));
            tenants.insert(label, row);
            ids.insert(label, id);
        }
        QVERIFY(total.isValid());
        QVERIFY(tenants.size() > 3);
        const auto amount = [model](const QModelIndex& row, const QString& month) {
            return model->index(row.row(), model->monthColumn(month), row.parent()).data(BillingTotalsModel::ExactAmountRole).toString();
        };

        for (QChart* chart : {page.tenantCostChart(), page.serviceCostChart()}) {
            QCOMPARE(chartCategories(chart).size(), months.size());
            const QList<QBarSet*> sets = chartSets(chart);
            QVERIFY(sets.size() > 1);
            for (int m = 0; m < months.size(); ++m) {
                double sum = 0;
                for (QBarSet* set : sets)
                    sum += set->at(m);
                QVERIFY2(near(sum, amount(total, months.at(m))),
                         qPrintable(chart->title() + u' ' + months.at(m) + u": "_s + QString::number(sum, 'f', 2)));
            }
        }
        int tenantSets = 0;
        for (QBarSet* set : chartSets(page.tenantCostChart())) {
            if (!tenants.contains(set->label()))
                continue; // "Other": the rest, in the sums above
            ++tenantSets;
            for (int m = 0; m < months.size(); ++m)
                QVERIFY2(near(set->at(m), amount(tenants.value(set->label()), months.at(m))), qPrintable(set->label()));
        }
        QVERIFY(tenantSets >= 3);

        // Against budget: the latest month's cost (within and over) and the budget, per tenant.
        const QString latest = months.constLast();
        QHash<TenantId, QString> budgets;
        for (const TenantBudget& budget : await(m_store->budgets()))
            if (budget.currency == currency)
                budgets.insert(budget.tenantId, budget.amount);
        QVERIFY(!budgets.isEmpty());
        QChart* budgetChart = page.budgetChart();
        const QStringList budgeted = chartCategories(budgetChart);
        QCOMPARE(budgeted.size(), std::min<qsizetype>(12, budgets.size()));
        QLineSeries* line = nullptr;
        for (QAbstractSeries* series : budgetChart->series())
            if (auto* found = qobject_cast<QLineSeries*>(series))
                line = found;
        QVERIFY(line);
        QCOMPARE(line->count(), budgeted.size());
        const QList<QBarSet*> budgetSets = chartSets(budgetChart);
        QCOMPARE(budgetSets.size(), 2); // cost within the budget, and over it
        for (int i = 0; i < budgeted.size(); ++i) {
            QVERIFY2(ids.contains(budgeted.at(i)), qPrintable(budgeted.at(i)));
            const TenantId id = ids.value(budgeted.at(i));
            QVERIFY2(near(line->at(i).y(), budgets.value(id)), qPrintable(budgeted.at(i)));
            QVERIFY2(near(budgetSets.at(0)->at(i) + budgetSets.at(1)->at(i), amount(tenants.value(budgeted.at(i)), latest)),
                     qPrintable(budgeted.at(i)));
        }

        // Month over month: latest minus previous, by tenant; an increase and a decrease set.
        const QString previous = months.at(months.size() - 2);
        QChart* changeChart = page.changeChart();
        const QStringList changed = chartCategories(changeChart);
        QCOMPARE(changed.size(), std::min<qsizetype>(12, tenants.size()));
        const QList<QBarSet*> changeSets = chartSets(changeChart);
        QCOMPARE(changeSets.size(), 2);
        for (int i = 0; i < changed.size(); ++i) {
            QVERIFY2(tenants.contains(changed.at(i)), qPrintable(changed.at(i)));
            const QModelIndex row = tenants.value(changed.at(i));
            const QString change = BillingMoney::difference(amount(row, latest).isEmpty() ? u"0"_s : amount(row, latest),
                                                            amount(row, previous).isEmpty() ? u"0"_s : amount(row, previous));
            QVERIFY(changeSets.at(0)->at(i) >= 0 && changeSets.at(1)->at(i) <= 0);
            QVERIFY2(near(changeSets.at(0)->at(i) + changeSets.at(1)->at(i), change), qPrintable(changed.at(i)));
        }
    }

    // Enter on a cell shows the lines behind it, whose sum is the cell's; Escape goes back.
    void drillDownShowsTheLinesOfACell()
    {
        BillingPage page;
        page.resize(1200, 800);
        page.show();
        page.setStore(m_store.get());
        waitLoaded(page);
        BillingTotalsModel* model = page.totalsModel();
        QTreeView* view = page.totalsView();
        auto* proxy = qobject_cast<QSortFilterProxyModel*>(view->model());
        QModelIndex cell;
        for (int r = 1; r < model->rowCount() && !cell.isValid(); ++r) {
            const QModelIndex tenant = model->index(r, 0);
            if (tenant.data(BillingTotalsModel::RowKindRole).value<BillingTotalsModel::RowKind>() != BillingTotalsModel::RowKind::Tenant)
                continue;
            for (int s = 0; s < model->rowCount(tenant); ++s) {
                const QModelIndex candidate = model->index(s, model->monthColumn(model->months().constFirst()), tenant);
                if (!candidate.data(BillingTotalsModel::SharedRole).toBool() && candidate.data(BillingTotalsModel::LineCountRole).toLongLong() > 0) {
                    cell = candidate;
                    break;
                }
            }
        }
        QVERIFY(cell.isValid());
        view->expand(proxy->mapFromSource(cell.parent().siblingAtColumn(0)));
        view->setFocus();
        view->setCurrentIndex(proxy->mapFromSource(cell));
        QTest::keyClick(view, Qt::Key_Return);
        QVERIFY(page.isShowingLines());
        BillingLinesModel* lines = page.linesModel();
        QVERIFY(loadAll(*lines));
        QCOMPARE(qint64(lines->rowCount()), cell.data(BillingTotalsModel::LineCountRole).toLongLong());
        QVERIFY2(sameAmount(lines->billedCostSum(), cell.data(BillingTotalsModel::ExactAmountRole).toString()),
                 qPrintable(lines->billedCostSum() + u" ≠ "_s + cell.data(BillingTotalsModel::ExactAmountRole).toString()));
        auto* sum = page.findChild<QLabel*>(u"billingLinesSumLabel"_s);
        QTRY_VERIFY(sum->text().contains(u"as in the total"_s));
        QTest::keyClick(page.findChild<QTableView*>(u"billingLinesView"_s), Qt::Key_Escape);
        QVERIFY(!page.isShowingLines());
    }

    // The FOCUS sample imported through the dialog: the page then shows its cost, summed from its
    // lines; the same file again asks Skip or Replace, and Skip changes nothing.
    void importShowsTheSampleOnThePage()
    {
        const QString sample = m_dir.filePath(u"focus_sample.csv"_s);
        QVERIFY(QFile::copy(QStringLiteral(TENANTDESK_SHARED_DATA_DIR) + u"/focus/focus_sample.csv"_s, sample));
        BillingPage page;
        page.setStore(m_store.get());
        waitLoaded(page);
        const qsizetype importsBefore = await(m_store->billingImports()).size();

        BillingImportDialog dialog(m_store.get(), &page);
        dialog.show();
        dialog.setFile(sample);
        // The header, read at once, says FOCUS.
        QCOMPARE(dialog.findChild<QLabel*>(u"detectedFormatLabel"_s)->text(), BillingImportDialog::formatName(BillingFormat::Focus));
        BillingImportResult result;
        QVERIFY(runImport(dialog, &result));
        QCOMPARE(result.import.lineCount, 1000);
        QTRY_VERIFY(dialog.resultText().contains(u"1,000"_s) || dialog.resultText().contains(u"1000"_s));
        QCOMPARE(await(m_store->billingImports()).size(), importsBefore + 1);

        page.refresh();
        waitLoaded(page);
        auto* imports = page.findChild<QComboBox*>(u"billingImportCombo"_s);
        const int item = imports->findData(result.import.id);
        QVERIFY(item > 0);
        imports->setCurrentIndex(item);
        waitLoaded(page);
        // The page's total of the import is the sum of the import's lines, read one by one.
        BillingLineQuery query;
        query.filter.importId = result.import.id;
        BillingLinesModel lines;
        lines.setStore(m_store.get());
        lines.setPageSize(500);
        lines.setQuery(query);
        QVERIFY(loadAll(lines));
        QCOMPARE(lines.rowCount(), 1000);
        QStringList currencies = page.totalsModel()->currencies();
        QCOMPARE(currencies, QStringList{u"USD"_s});
        QVERIFY2(sameAmount(pageTotal(*page.totalsModel(), u"USD"_s), lines.billedCostSum()),
                 qPrintable(pageTotal(*page.totalsModel(), u"USD"_s) + u" ≠ "_s + lines.billedCostSum()));
        QVERIFY(sameAmount(lines.billedCostSum(), u"20.52022672899"_s)); // the sample's documented sum

        // No rule gives the sample's cost to a tenant: it is unallocated, first in the pivot and in
        // the summary, and the unallocated filter shows exactly it.
        QVERIFY(result.import.unallocatedLines > 0);
        QCOMPARE(page.totalsModel()->tenantIndex(0).row(), 0);
        BillingFilter unallocated;
        unallocated.tenantId = 0;
        unallocated.importId = result.import.id;
        const QString expected = storeTotals(*m_store, unallocated)[u"USD"_s];
        QCOMPARE(page.totalsModel()->index(0, page.totalsModel()->totalColumn()).data(BillingTotalsModel::ExactAmountRole).toString(), expected);
        QVERIFY(page.findChild<QLabel*>(u"billingSummaryLabel"_s)->text().contains(BillingMoney::format(expected, u"USD"_s).toHtmlEscaped()));
        auto* tenants = page.findChild<QComboBox*>(u"billingTenantCombo"_s);
        tenants->setCurrentIndex(tenants->findData(qint64(0)));
        waitLoaded(page);
        QVERIFY(sameAmount(pageTotal(*page.totalsModel(), u"USD"_s), expected));

        // The same file again: Skip or Replace.
        dialog.startImport();
        QMessageBox* box = openBox(&dialog, u"duplicateImportBox"_s);
        QVERIFY(box);
        QSignalSpy ended(&dialog, &BillingImportDialog::importEnded);
        box->findChild<QAbstractButton*>(u"skipButton"_s)->click();
        QVERIFY(ended.wait(30000));
        QVERIFY(dialog.resultText().contains(u"Skipped"_s));
        QCOMPARE(await(m_store->billingImports()).size(), importsBefore + 1);
    }

    // Mapping business_unit to a tenant in Attribution Rules… moves exactly that cost from
    // unallocated to the tenant; Edit → Undo applies the previous rules again; a stale edit is a
    // Conflict that reloads the rules and says so.
    void attributionRulesMoveCostAndUndo()
    {
        const QList<BillingImport> imports = await(m_store->billingImports());
        const auto sample = std::find_if(imports.cbegin(), imports.cend(),
                                         [](const BillingImport& i) { return i.fileName == u"focus_sample.csv"_s; });
        QVERIFY(sample != imports.cend()); // imported by importShowsTheSampleOnThePage
        // The most common business_unit of the sample and what its lines cost, summed here.
        BillingLineQuery query;
        query.filter.importId = sample->id;
        BillingLinesModel lines;
        lines.setStore(m_store.get());
        lines.setPageSize(500);
        lines.setQuery(query);
        QVERIFY(loadAll(lines));
        std::map<QString, int> counts;
        for (int r = 0; r < lines.rowCount(); ++r)
            if (const QString unit = lines.line(r).tags.value(u"business_unit"_s).toString(); !unit.isEmpty())
                ++counts[unit];
        QVERIFY(!counts.empty());
        const QString unit = std::max_element(counts.cbegin(), counts.cend(), [](const auto& a, const auto& b) { return a.second < b.second; })->first;
        DecimalSum moved;
        for (int r = 0; r < lines.rowCount(); ++r)
            if (lines.line(r).tags.value(u"business_unit"_s).toString() == unit)
                moved.add(lines.line(r).billedCost);
        const Tenant tenant = await(m_store->tenants({.limit = 1})).items.constFirst();
        BillingFilter ofTenant;
        ofTenant.tenantId = tenant.id;
        ofTenant.importId = sample->id;
        BillingFilter unallocated;
        unallocated.tenantId = 0;
        unallocated.importId = sample->id;
        QCOMPARE(storeTotals(*m_store, ofTenant).size(), size_t(0));
        const QString unallocatedBefore = storeTotals(*m_store, unallocated)[u"USD"_s];

        EditHistory history;
        history.setStore(m_store.get());
        int afterUndo = 0;
        AttributionRulesDialog dialog(m_store.get());
        dialog.setHistory(&history, [&afterUndo]() { ++afterUndo; });
        QSignalSpy loaded(&dialog, &AttributionRulesDialog::loaded);
        dialog.show();
        QVERIFY(loaded.wait(30000));
        AttributionRulesModel* mappings = dialog.mappingsModel();
        const int row = mappings->rowCount();
        QVERIFY(mappings->insertRows(row, 1));
        QVERIFY(mappings->setData(mappings->index(row, AttributionRulesModel::SourceColumn), int(AttributionSource::Tag)));
        QVERIFY(mappings->setData(mappings->index(row, AttributionRulesModel::KeyColumn), u"business_unit"_s));
        QVERIFY(mappings->setData(mappings->index(row, AttributionRulesModel::ValueColumn), unit));
        QVERIFY(mappings->setData(mappings->index(row, AttributionRulesModel::TenantColumn), tenant.slug));
        QTRY_VERIFY(mappings->problems().isEmpty()); // the slug looked up
        int applied = 0;
        connect(&dialog, &AttributionRulesDialog::applied, this, [&applied]() { ++applied; });
        dialog.apply();
        QTRY_COMPARE_WITH_TIMEOUT(applied, 1, 30000);
        QVERIFY(sameAmount(storeTotals(*m_store, ofTenant)[u"USD"_s], moved.text()));
        QVERIFY(sameAmount(storeTotals(*m_store, unallocated)[u"USD"_s], BillingMoney::difference(unallocatedBefore, moved.text())));
        QCOMPARE(history.stack()->count(), 1);

        // Edit → Undo: the previous rules again, the cost unallocated again.
        history.undoAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(afterUndo == 1 && !history.isBusy(), 30000);
        QCOMPARE(history.stack()->index(), 0);
        QCOMPARE(storeTotals(*m_store, ofTenant).size(), size_t(0));
        QVERIFY(sameAmount(storeTotals(*m_store, unallocated)[u"USD"_s], unallocatedBefore));

        // The dialog still holds the rules as it applied them: the undo made them stale.
        int ended = 0;
        connect(&dialog, &AttributionRulesDialog::applyEnded, this, [&ended]() { ++ended; });
        dialog.apply();
        QTRY_COMPARE_WITH_TIMEOUT(ended, 1, 30000);
        QTRY_VERIFY(dialog.statusText().contains(u"Someone changed the rules"_s));
        QCOMPARE(storeTotals(*m_store, ofTenant).size(), size_t(0));
        QCOMPARE(dialog.storedRules(), await(m_store->attributionRules()));
    }

    // File → Open Review File… opens a .tenantdesk file on its billing review, with no server;
    // View → Billing is Ctrl+Shift+B, Import Billing… Ctrl+Shift+I, both off without a database.
    void openReviewFileShowsTheBillingReview()
    {
        QTemporaryDir dir;
        const QString review = copyFixture(smallDemoFixture(), dir);
        MainWindow window;
        window.setErrorDialogsEnabled(false);
        auto* billing = window.findChild<QAction*>(u"billingAction"_s);
        auto* import = window.findChild<QAction*>(u"importBillingAction"_s);
        QVERIFY(billing && import);
        QCOMPARE(billing->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_B));
        QCOMPARE(import->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_I));
        QVERIFY(!billing->isEnabled());
        QSignalSpy opened(&window, &MainWindow::storeOpened);
        window.openReviewFile(review);
        QVERIFY(opened.wait(30000));
        QVERIFY(window.billingPage());
        QCOMPARE(window.findChild<QStackedWidget*>(u"detailStack"_s)->currentWidget(), window.billingPage());
        QTRY_VERIFY_WITH_TIMEOUT(!window.billingPage()->isLoading() && window.billingPage()->totalsModel()->rowCount() > 0, 30000);
        QVERIFY(billing->isEnabled());
        QVERIFY(import->isEnabled());
        window.closeDatabase();
        QVERIFY(!billing->isEnabled());
        QVERIFY(!import->isEnabled());
    }

    // A broken file names its line and column, and changes nothing.
    void brokenFileChangesNothing()
    {
        QFile sample(QStringLiteral(TENANTDESK_SHARED_DATA_DIR) + u"/focus/focus_sample.csv"_s);
        QVERIFY(sample.open(QIODevice::ReadOnly));
        const QByteArray header = sample.readLine();
        const QByteArray first = sample.readLine();
        const QByteArray second = sample.readLine();
        const QList<QByteArray> names = header.trimmed().split(',');
        const qsizetype billed = names.indexOf(QByteArray("\"BilledCost\""));
        QVERIFY(billed >= 0);
        // Line 3 gets a BilledCost that is no number (fields before it hold no commas in this row).
        QList<QByteArray> fields = second.trimmed().split(',');
        QVERIFY(fields.size() > billed);
        fields[billed] = "\"12,5x\"";
        const QString path = m_dir.filePath(u"broken_focus.csv"_s);
        QFile broken(path);
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write(header + first + fields.join(',') + "\n");
        broken.close();

        const auto importsBefore = await(m_store->billingImports());
        const auto totalsBefore = storeTotals(*m_store);
        BillingImportDialog dialog(m_store.get());
        dialog.show();
        dialog.setFile(path);
        QVERIFY(!runImport(dialog));
        QVERIFY2(dialog.errorText().contains(u"broken_focus.csv"_s), qPrintable(dialog.errorText()));
        QVERIFY2(dialog.errorText().contains(u"line 3"_s), qPrintable(dialog.errorText()));
        QVERIFY2(dialog.errorText().contains(u"BilledCost"_s), qPrintable(dialog.errorText()));
        QMessageBox* box = openBox(&dialog, u"billingImportErrorBox"_s);
        QVERIFY(box);
        QVERIFY(box->text().contains(u"Nothing was imported"_s));
        box->accept();
        QCOMPARE(await(m_store->billingImports()), importsBefore);
        QCOMPARE(storeTotals(*m_store), totalsBefore);
    }

    // Cancel during an import rolls it back: nothing was imported.
    void cancelLeavesNothing()
    {
        // A large file, so that Cancel comes while it is read.
        QFile sample(QStringLiteral(TENANTDESK_SHARED_DATA_DIR) + u"/focus/focus_sample.csv"_s);
        QVERIFY(sample.open(QIODevice::ReadOnly));
        const QByteArray header = sample.readLine();
        const QByteArray body = sample.readAll();
        const QString path = m_dir.filePath(u"large_focus.csv"_s);
        QFile large(path);
        QVERIFY(large.open(QIODevice::WriteOnly));
        large.write(header);
        for (int i = 0; i < 40; ++i)
            large.write(body.endsWith('\n') ? body : body + "\n");
        large.close();

        const auto importsBefore = await(m_store->billingImports());
        const auto totalsBefore = storeTotals(*m_store);
        BillingImportDialog dialog(m_store.get());
        dialog.show();
        dialog.setFile(path);
        QSignalSpy ended(&dialog, &BillingImportDialog::importEnded);
        int imported = 0;
        connect(&dialog, &BillingImportDialog::imported, this, [&imported]() { ++imported; });
        dialog.startImport();
        QVERIFY(dialog.isImporting());
        dialog.findChild<QAbstractButton*>(u"billingImportCloseButton"_s)->click(); // Cancel while it runs: the dialog stays until the store has rolled back
        QVERIFY(dialog.isVisible());
        QVERIFY(ended.wait(60000));
        QCOMPARE(imported, 0);
        QVERIFY2(dialog.resultText().contains(u"nothing was imported"_s, Qt::CaseInsensitive), qPrintable(dialog.resultText()));
        QCOMPARE(await(m_store->billingImports()), importsBefore);
        QCOMPARE(storeTotals(*m_store), totalsBefore);
    }
};

QTEST_MAIN(TestBillingPage)
#include "tst_billingpage.moc"
