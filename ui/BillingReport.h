#pragma once

#include "Billing.h"
#include "BrandingPack.h"

#include <QColor>
#include <QDateTime>
#include <QHash>
#include <QImage>
#include <QList>
#include <QString>
#include <QStringList>

namespace TenantDesk {

// The look of a report: the tenant's branding pack when the report is one tenant's, the platform's
// otherwise.
struct ReportBranding {
    QString productName = QStringLiteral("TenantDesk");
    QColor accent = QColor(0x1f, 0x5f, 0xa8);
    QImage logo; // drawn in the page header when set
};

// The branding of a report for a tenant, without widgets (tenantctl uses it): the pack of the first
// of `slugsNearestFirst` that has one in `catalog` (the tenant's own, then its ancestors', nearest
// first), else the platform's (":/branding/default"), as BrandingManager::applyTenant picks it; the
// colours of the pack's light palette, as a report is printed on white. A pack that is refused
// gives the platform's look, and `warning` says why.
ReportBranding reportBrandingFor(const BrandingCatalog& catalog, const QStringList& slugsNearestFirst,
                                 QString* warning = nullptr);

// What a billing report shows: totals as Store::billingTotals gives them (shared cost already
// spread), the budgets, and the names to print for tenant ids.
struct BillingReportData {
    QString title;                       // "Billing report"
    QString scope;                       // "All tenants, September–November 2024"
    QDateTime generatedAt;
    QList<BillingTotalsRow> totals;
    QList<TenantBudget> budgets;
    QHash<TenantId, QString> tenantNames; // 0 may be left out: printed as "Unallocated"
    ReportBranding branding;
};

enum class ReportFormat { Csv, Xlsx, Pdf };

// The report's figures, summed exactly (DecimalSum) from the totals: what every format prints.
struct BillingReportTables {
    struct Cell {
        QString key;      // tenant name or service name
        QString currency;
        QStringList monthly; // exact decimal text per month of `months` ("0.00" when none)
        QString total;
    };
    struct BudgetLine {
        QString tenant;
        QString currency;
        QString budget;
        QString cost;        // in the latest month
        double percentUsed = 0;
    };
    struct Change {
        QString tenant;
        QString currency;
        QString previous;    // the month before the latest
        QString latest;
        QString change;      // latest - previous, exact
        double percent = 0;  // of previous; 0 when previous is zero
    };
    QStringList months;                 // ascending "2024-09"
    QList<QPair<QString, QString>> grandTotals;  // currency → total
    QList<QPair<QString, QString>> unallocated;  // currency → unallocated total
    QList<QPair<QString, QString>> shared;       // currency → shared cost spread over tenants
    QList<Cell> byTenant;               // the largest first; "Unallocated" included
    QList<Cell> byService;
    QList<BudgetLine> budgets;
    QList<Change> changes;              // month over month, by tenant
};

BillingReportTables billingReportTables(const BillingReportData& data);

// Writes the report as CSV (one row per tenant × service × month × currency, exact amounts), XLSX
// (sheets Summary, Tenants, Services, Budgets, Detail) or PDF (the tables and a chart of cost per
// month by tenant, with the branding's logo and colour). Nothing is left at `path` on failure;
// an existing file is replaced only once the new one is complete. `error` says what failed.
// PDF needs a QGuiApplication.
bool writeBillingReport(const BillingReportData& data, ReportFormat format, const QString& path, QString* error);

// "csv", "xlsx", "pdf" from a file name's suffix (Csv when unknown).
ReportFormat reportFormatForPath(const QString& path);

} // namespace TenantDesk
