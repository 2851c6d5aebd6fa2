#pragma once

#include "Billing.h"
#include "BillingReport.h"
#include "Store.h"

#include <QHash>
#include <QList>
#include <QWidget>

class QChart;
class QChartView;
class QComboBox;
class QFrame;
class QLabel;
class QPushButton;
class QStackedWidget;
class QTabWidget;
class QTableView;
class QTreeView;
class QVBoxLayout;

namespace TenantDesk {

class BillingLinesModel;
class BillingTotalsModel;
class BillingTotalsSortProxy;
class BudgetModel;
class EditHistory;

// View → Billing: cost by tenant × service × month from the roll-ups, with filters (tenant or
// unallocated, service, category, currency, month range, import), the cost kind, the lines behind
// any cell (double-click or Enter; Back returns), charts of cost over time by tenant and by
// service, cost against budget, month-over-month change, and the budgets edited in place.
// Unallocated cost is always in the summary line. Everything loads through the store without
// blocking; a failure shows inline with Retry. The charts take the colours of the branding in
// force and change with it.
class BillingPage : public QWidget
{
    Q_OBJECT

public:
    explicit BillingPage(QWidget* parent = nullptr);
    ~BillingPage() override;

    // The store to read (nullptr lets go of it); reads everything again.
    void setStore(Store* store);
    Store* store() const { return m_store; }
    // Where Attribution Rules… records its changes, for Edit → Undo.
    void setHistory(EditHistory* history) { m_history = history; }
    void setReadOnly(bool readOnly);

    // Reads the filters' choices and the totals again (after an import or new rules).
    void refresh();
    // The filter the pivot shows now.
    BillingFilter filter() const;
    // Shows the lines behind a cell of the pivot (the model's index); false for a cell with none.
    bool drillDown(const QModelIndex& totalsIndex);
    // Back from the lines to the pivot.
    void showTotals();
    bool isShowingLines() const;

    // The dialogs: Import Billing…, Attribution Rules…, Export Report…
    void importBilling();
    void editAttributionRules();
    void exportReport();

    BillingTotalsModel* totalsModel() const { return m_totalsModel; }
    BillingLinesModel* linesModel() const { return m_linesModel; }
    BudgetModel* budgetModel() const { return m_budgetModel; }
    QTreeView* totalsView() const { return m_totalsView; }
    // The charts (cost by tenant, by service, against budget, month over month), as shown now.
    QChart* tenantCostChart() const;
    QChart* serviceCostChart() const;
    QChart* budgetChart() const;
    QChart* changeChart() const;
    // The report Export Report… writes now: the filter's totals, with the branding of the tenant
    // chosen in the Tenant filter (its pack, else its nearest ancestor's); of all tenants, the
    // brand they share (a tenant admin's), else the platform's.
    BillingReportData reportData() const;
    // Writes that report to `path` (format by suffix); false with `error` set when it could not.
    bool writeReport(const QString& path, QString* error);
    bool isLoading() const { return m_pending > 0; }
    QString tenantName(TenantId id) const;

Q_SIGNALS:
    // Totals, budgets and names have arrived for the current filter.
    void loaded();
    void statusMessage(const QString& message);
    // An import or an application of rules changed the cost.
    void billingChanged();

private:
    void createFilterBar(QVBoxLayout* layout);
    void createCharts();
    void loadOptions();
    void loadTotals();
    void loadBudgets();
    void finishRequest();
    void setError(const QString& message);
    void resolveNames(const QList<BillingTotalsRow>& rows);
    void applyNames();
    void updateSummary();
    void updateCharts();
    // Colours the charts from the branding in force (after a build, and when it changes).
    void recolourCharts();
    // The slugs of a tenant and its ancestors, nearest first, as far as known (for its branding).
    QStringList brandingSlugs(TenantId id) const;
    void resolveAncestors(const QList<TenantId>& ids);
    void updateBudgets();
    void updateLinesSummary();
    void fillOptions();
    QString chartCurrency() const;

    Store* m_store = nullptr;
    EditHistory* m_history = nullptr;
    bool m_readOnly = false;
    quint64 m_generation = 0;      // which filter the totals on their way belong to
    quint64 m_storeGeneration = 0; // which store an answer belongs to
    int m_pending = 0;
    QList<BillingTotalsRow> m_allRows;   // unfiltered: the filters' choices
    QList<BillingTotalsRow> m_rows;      // the current filter's
    QList<BillingImport> m_imports;
    QList<TenantBudget> m_budgets;
    QHash<TenantId, QString> m_names;
    QHash<TenantId, QString> m_slugs;
    QHash<TenantId, QList<TenantId>> m_ancestors; // from the top-level tenant down to the parent
    QList<TenantId> m_ancestorsAsked;
    QList<TenantId> m_namesAsked;
    QString m_drillCellAmount;           // exact, of the cell drilled into
    bool m_drillShared = false;

    BillingTotalsModel* m_totalsModel;
    BillingTotalsSortProxy* m_totalsProxy;
    BillingLinesModel* m_linesModel;
    BudgetModel* m_budgetModel;

    QComboBox* m_tenantCombo = nullptr;
    QComboBox* m_serviceCombo = nullptr;
    QComboBox* m_categoryCombo = nullptr;
    QComboBox* m_currencyCombo = nullptr;
    QComboBox* m_fromCombo = nullptr;
    QComboBox* m_toCombo = nullptr;
    QComboBox* m_importCombo = nullptr;
    QComboBox* m_costCombo = nullptr;
    QPushButton* m_importButton = nullptr;
    QPushButton* m_rulesButton = nullptr;
    QPushButton* m_exportButton = nullptr;
    QLabel* m_summaryLabel = nullptr;
    QFrame* m_errorFrame = nullptr;
    QLabel* m_errorLabel = nullptr;
    QStackedWidget* m_stack = nullptr;
    QTreeView* m_totalsView = nullptr;
    QWidget* m_linesPage = nullptr;
    QLabel* m_linesTitleLabel = nullptr;
    QLabel* m_linesSumLabel = nullptr;
    QTableView* m_linesView = nullptr;
    QFrame* m_linesErrorFrame = nullptr;
    QLabel* m_linesErrorLabel = nullptr;
    QTabWidget* m_chartTabs = nullptr;
    QChartView* m_tenantChart = nullptr;
    QChartView* m_serviceChart = nullptr;
    QChartView* m_budgetChart = nullptr;
    QChartView* m_changeChart = nullptr;
    QTableView* m_budgetView = nullptr;
    bool m_fillingOptions = false;
};

} // namespace TenantDesk
