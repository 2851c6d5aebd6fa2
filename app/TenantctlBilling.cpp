#include "TenantctlBilling.h"

#include "JsonCodec.h"
#include "StoreError.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>

namespace TenantDesk::Tenantctl::Billing {

using namespace Qt::StringLiterals;

namespace {

QString timeText(const QDateTime& time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODate) : u"—"_s;
}

void printImport(QTextStream& out, const BillingImport& i)
{
    const QLocale locale;
    out << tr("Import %1: %2 (%3), %4 lines, %5 unallocated, billed %6 %7\n")
               .arg(i.id)
               .arg(i.fileName, billingFormatKey(i.format), locale.toString(i.lineCount), locale.toString(i.unallocatedLines),
                    i.billedCostTotal, i.currencies.join(u'/'));
    out << tr("  imported %1 by %2; charges from %3 to %4; SHA-256 %5\n")
               .arg(timeText(i.importedAt), i.importedBy, timeText(i.firstChargeAt), timeText(i.lastChargeAt), i.sha256);
}

} // namespace

int billingImport(const Invocation& call)
{
    BillingImportRequest request;
    request.path = QDir::current().absoluteFilePath(call.arguments.value(0));
    if (!QFileInfo(request.path).isFile())
        throw StoreError(ErrorCode::NotFound, tr("There is no file “%1”.").arg(call.arguments.value(0))).withField(u"FILE"_s);
    if (call.isSet(u"format"_s)) {
        const auto format = billingFormatFromKey(call.value(u"format"_s));
        if (!format)
            throw UsageError{tr("--format takes focus, aws-cur, aws-cur2, azure-ea, azure-mca or auto, not “%1”.")
                                 .arg(call.value(u"format"_s))};
        request.format = *format;
    }
    if (call.isSet(u"on-duplicate"_s)) {
        const auto duplicate = JsonCodec::duplicateImportFromKey(call.value(u"on-duplicate"_s));
        if (!duplicate)
            throw UsageError{tr("--on-duplicate takes refuse, skip or replace, not “%1”.").arg(call.value(u"on-duplicate"_s))};
        request.onDuplicate = *duplicate;
    }
    request.tenantTagKey = call.value(u"tenant-tag"_s);

    QElapsedTimer timer;
    timer.start();
    const BillingImportResult result = await(call.store.importBilling(request));
    if (call.json()) {
        printJson(call.out, JsonCodec::toJson(result));
        return Success;
    }
    const QLocale locale;
    if (result.skipped) {
        call.out << tr("Skipped %1: the same file was imported before.\n").arg(QFileInfo(request.path).fileName());
    } else {
        const BillingImport& i = result.import;
        printImport(call.out, i);
        const qint64 allocated = i.lineCount - i.unallocatedLines;
        call.out << tr("  %1 lines attributed to tenants or shared, %2 unallocated, in %3 s\n")
                        .arg(locale.toString(allocated), locale.toString(i.unallocatedLines),
                             locale.toString(double(timer.elapsed()) / 1000.0, 'f', 1));
        if (result.replacedImportId != 0)
            call.out << tr("  replaced import %1\n").arg(result.replacedImportId);
    }
    for (const QString& note : result.notes)
        call.out << u"  "_s << tr("Note:") << u' ' << note << u'\n';
    return Success;
}

int billingImports(const Invocation& call)
{
    const QList<BillingImport> imports = await(call.store.billingImports());
    if (call.json()) {
        printJson(call.out, JsonCodec::listToJson(imports));
        return Success;
    }
    if (imports.isEmpty())
        call.out << tr("No billing file was imported yet.\n");
    for (const BillingImport& i : imports)
        printImport(call.out, i);
    return Success;
}

int billingDeleteImport(const Invocation& call)
{
    bool ok = false;
    const qint64 id = call.arguments.value(0).toLongLong(&ok);
    if (!ok || id <= 0)
        throw UsageError{tr("billing delete-import takes an import's id (a whole number, see billing imports), not “%1”.")
                             .arg(call.arguments.value(0))};
    const BillingImport deleted = await(call.store.deleteBillingImport(id));
    if (call.json()) {
        printJson(call.out, JsonCodec::toJson(deleted));
        return Success;
    }
    call.out << tr("Deleted import %1 (%2): %3 lines and their roll-ups.\n")
                    .arg(deleted.id)
                    .arg(deleted.fileName, QLocale().toString(deleted.lineCount));
    return Success;
}

} // namespace TenantDesk::Tenantctl::Billing
