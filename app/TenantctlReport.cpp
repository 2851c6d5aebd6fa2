#include "TenantctlReport.h"

#include "BillingReport.h"
#include "StoreError.h"

#include <QDir>
#include <QSet>
#include <QTimeZone>

namespace TenantDesk::Tenantctl::Report {

using namespace Qt::StringLiterals;

namespace {

QDateTime reportTime(const Invocation& call, const QString& option)
{
    const QString text = call.value(option);
    QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid()) {
        const QDate date = QDate::fromString(text, Qt::ISODate);
        if (date.isValid())
            time = date.startOfDay(QTimeZone::utc());
    }
    if (!time.isValid())
        throw UsageError{tr("--%1 takes an ISO 8601 date or time such as 2026-03-01 or 2026-03-01T12:00:00Z, not “%2”.")
                             .arg(option, text)};
    if (time.timeSpec() == Qt::LocalTime)
        time.setTimeZone(QTimeZone::utc());
    return time;
}

} // namespace

bool needsGui(const QStringList& arguments)
{
    return arguments.contains(u"billing"_s) && arguments.contains(u"report"_s);
}

int billingReport(const Invocation& call)
{
    QList<QPair<ReportFormat, QString>> outputs;
    for (const QString& path : call.values(u"pdf"_s))
        outputs.append({ReportFormat::Pdf, path});
    for (const QString& path : call.values(u"xlsx"_s))
        outputs.append({ReportFormat::Xlsx, path});
    for (const QString& path : call.values(u"output"_s))
        outputs.append({reportFormatForPath(path), path});
    if (outputs.isEmpty())
        throw UsageError{tr("billing report needs --pdf FILE, --xlsx FILE or --output FILE.csv (or several).")};

    BillingReportData data;
    BillingFilter filter;
    data.title = tr("Billing report");
    QString scope = tr("All tenants");
    if (call.isSet(u"tenant"_s)) {
        const Tenant tenant = await(call.store.tenantBySlug(call.value(u"tenant"_s)));
        filter.tenantId = tenant.id;
        scope = tenantNamed(tenant);
    }
    if (call.isSet(u"since"_s))
        filter.from = reportTime(call, u"since"_s);
    if (call.isSet(u"until"_s))
        filter.to = reportTime(call, u"until"_s);
    data.totals = await(call.store.billingTotals(filter));
    data.generatedAt = QDateTime::currentDateTimeUtc();

    QSet<TenantId> ids;
    for (const BillingTotalsRow& row : std::as_const(data.totals)) {
        if (row.tenantId != 0)
            ids.insert(row.tenantId);
    }
    for (TenantId id : std::as_const(ids))
        data.tenantNames.insert(id, tenantNamed(await(call.store.tenant(id))));
    // Budgets are the platform's to read; a tenant admin's report goes without them.
    try {
        for (const TenantBudget& budget : await(call.store.budgets())) {
            if (!filter.tenantId || budget.tenantId == *filter.tenantId) {
                data.budgets << budget;
                if (!data.tenantNames.contains(budget.tenantId))
                    data.tenantNames.insert(budget.tenantId, tenantNamed(await(call.store.tenant(budget.tenantId))));
            }
        }
    } catch (const StoreError& error) {
        if (error.code() != ErrorCode::Forbidden)
            throw;
    }

    QStringList months;
    for (const BillingTotalsRow& row : std::as_const(data.totals)) {
        if (!months.contains(row.month))
            months << row.month;
    }
    std::sort(months.begin(), months.end());
    data.scope = months.isEmpty() ? scope
                                  : tr("%1, %2 to %3").arg(scope, months.constFirst(), months.constLast());

    for (const auto& [format, path] : std::as_const(outputs)) {
        QString error;
        if (!writeBillingReport(data, format, path, &error))
            throw StoreError(ErrorCode::Unavailable, error);
        call.out << tr("Wrote %1").arg(QDir::toNativeSeparators(path)) << Qt::endl;
    }
    if (data.totals.isEmpty())
        call.out << tr("No billing data matches: the report has no rows.") << Qt::endl;
    return Success;
}

} // namespace TenantDesk::Tenantctl::Report
