// JSON as it crosses the wire: request bodies the server reads and answers RestStore reads. Every
// reader either returns a value or throws StoreError; nothing else may happen.
#include "FuzzSupport.h"
#include "JsonCodec.h"
#include "StoreError.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace TenantDesk;

namespace {

template<typename Fn>
void tryRead(Fn read)
{
    try {
        read();
    } catch (const StoreError&) {
        // refused with a reason: fine
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(Fuzz::bytes(data, size), &error);
    if (!document.isObject())
        return 0;
    const QJsonObject o = document.object();
    using namespace JsonCodec;
    tryRead([&] { tenantFromJson(o); });
    tryRead([&] { environmentFromJson(o); });
    tryRead([&] { userFromJson(o); });
    tryRead([&] { tenantSummaryFromJson(o); });
    tryRead([&] { environmentSummaryFromJson(o); });
    tryRead([&] { platformFromJson(o); });
    tryRead([&] { platformSummaryFromJson(o); });
    tryRead([&] { tenantSearchResultFromJson(o); });
    tryRead([&] { membershipFromJson(o); });
    tryRead([&] { roleFromJson(o); });
    tryRead([&] { auditEventFromJson(o); });
    tryRead([&] { usageSampleFromJson(o); });
    tryRead([&] { billingSummaryRowFromJson(o); });
    tryRead([&] { tenantChangeFromJson(o); });
    tryRead([&] { newTenantFromJson(o); });
    tryRead([&] { newEnvironmentFromJson(o); });
    tryRead([&] { environmentChangeFromJson(o); });
    tryRead([&] { decommissionStepFromJson(o); });
    tryRead([&] { membershipIdsFromJson(o); });
    tryRead([&] { userMembershipFromJson(o); });
    tryRead([&] { userDetailFromJson(o); });
    tryRead([&] { newUserFromJson(o); });
    tryRead([&] { userChangeFromJson(o); });
    tryRead([&] { newRoleFromJson(o); });
    tryRead([&] { roleChangeFromJson(o); });
    tryRead([&] { effectivePermissionsFromJson(o); });
    tryRead([&] { bulkUserActionFromJson(o); });
    tryRead([&] { bulkUserResultFromJson(o); });
    tryRead([&] { directoryImportFromJson(o); });
    tryRead([&] { importReportFromJson(o); });
    tryRead([&] { principalFromJson(o); });
    tryRead([&] { pageFromJson(o, tenantFromJson); });
    tryRead([&] { pageFromJson(o, auditEventFromJson); });
    tryRead([&] { listFromJson(o, usageSampleFromJson); });
    return 0;
}
