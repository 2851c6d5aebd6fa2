#include "TenantctlReport.h"

#include "BillingReport.h"
#include "StoreError.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
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

// How the report names a tenant: its name, with the slug that tells apart sub-tenants of the same
// name ("Italy (kestrel-bank.italy)").
QString reportName(const Tenant& tenant)
{
    return tenant.displayName.isEmpty() ? tenant.slug : QString(tenant.displayName + u" ("_s + tenant.slug + u')');
}

// The tenant's slug, then its ancestors', nearest first; an ancestor the caller may not read is left out.
QStringList slugsNearestFirst(const Invocation& call, const Tenant& tenant)
{
    QStringList slugs{tenant.slug};
    for (auto it = tenant.ancestorIds.crbegin(); it != tenant.ancestorIds.crend(); ++it) {
        try {
            slugs << await(call.store.tenant(*it)).slug;
        } catch (const StoreError& error) {
            if (error.code() != ErrorCode::Forbidden && error.code() != ErrorCode::NotFound)
                throw;
        }
    }
    return slugs;
}

// Refuses, before anything is written, an output whose folder is missing or not writable.
void checkWritable(const QString& path)
{
    const QFileInfo file(path);
    const QFileInfo folder(file.absolutePath());
    if (file.isDir())
        throw StoreError(ErrorCode::Unavailable, tr("Cannot write %1: it is a folder; name a file in it.")
                                                     .arg(QDir::toNativeSeparators(path)));
    if (!folder.isDir() || !folder.isWritable() || (file.exists() && !file.isWritable()))
        throw StoreError(ErrorCode::Unavailable,
                         tr("Cannot write %1: the folder %2 is missing or not writable.")
                             .arg(QDir::toNativeSeparators(path), QDir::toNativeSeparators(folder.filePath())));
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
    BrandingCatalog catalog;
    if (call.isSet(u"branding-dir"_s)) {
        const QString folder = QFileInfo(call.value(u"branding-dir"_s)).absoluteFilePath();
        if (!QFileInfo(folder).isDir())
            throw UsageError{tr("--branding-dir: “%1” is not a folder.").arg(QDir::toNativeSeparators(folder))};
        catalog.setExtraFolder(folder);
    }
    for (const auto& output : std::as_const(outputs))
        checkWritable(output.second);

    BillingReportData data;
    BillingFilter filter;
    data.title = tr("Billing report");
    QString scope = tr("All tenants");
    QStringList slugs; // none: the report of all tenants is in the platform's look
    if (call.isSet(u"tenant"_s)) {
        const Tenant tenant = await(call.store.tenantBySlug(call.value(u"tenant"_s)));
        filter.tenantId = tenant.id;
        scope = reportName(tenant);
        slugs = slugsNearestFirst(call, tenant);
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
        data.tenantNames.insert(id, reportName(await(call.store.tenant(id))));
    // Budgets are the platform's to read; a tenant admin's report goes without them.
    try {
        for (const TenantBudget& budget : await(call.store.budgets())) {
            if (!filter.tenantId || budget.tenantId == *filter.tenantId) {
                data.budgets << budget;
                if (!data.tenantNames.contains(budget.tenantId))
                    data.tenantNames.insert(budget.tenantId, reportName(await(call.store.tenant(budget.tenantId))));
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

    // The tenant's branding pack (the nearest ancestor's, else the platform's), as the console shows it.
    QString brandingWarning;
    data.branding = reportBrandingFor(catalog, slugs, &brandingWarning);
    if (!brandingWarning.isEmpty())
        QTextStream(stderr) << u"tenantctl: "_s << brandingWarning << Qt::endl;

    // All the files or none: what this run wrote is removed when a later one fails.
    QStringList written;
    for (const auto& [format, path] : std::as_const(outputs)) {
        const bool existed = QFileInfo::exists(path);
        QString error;
        if (!writeBillingReport(data, format, path, &error)) {
            for (const QString& done : std::as_const(written))
                QFile::remove(done);
            throw StoreError(ErrorCode::Unavailable, error);
        }
        if (!existed)
            written << path;
    }
    for (const auto& output : std::as_const(outputs))
        call.out << tr("Wrote %1").arg(QDir::toNativeSeparators(output.second)) << Qt::endl;
    if (data.totals.isEmpty())
        call.out << tr("No billing data matches: the report has no rows.") << Qt::endl;
    return Success;
}

} // namespace TenantDesk::Tenantctl::Report
