#pragma once

#include "AuditChain.h"
#include "AuditEvent.h"
#include "Billing.h"
#include "JsonWriter.h"
#include "Environment.h"
#include "Page.h"
#include "Role.h"
#include "StoreQueries.h"
#include "Tenant.h"
#include "UsageSample.h"
#include "User.h"
#include "UserAdmin.h"
#include "Policy.h"

#include <QJsonArray>
#include <QJsonObject>

namespace TenantDesk::JsonCodec {

// The JSON shapes of the domain types, shared by tenantctl --json, tenantdesk-server's REST API
// and RestStore. Field names are snake_case; times are ISO 8601 UTC text; ids are numbers.
QJsonObject toJson(const Tenant& tenant);
QJsonObject toJson(const Environment& environment);
QJsonObject toJson(const User& user);
QJsonObject toJson(const TenantSummary& summary);
QJsonObject toJson(const EnvironmentSummary& summary);
QJsonObject toJson(const Platform& platform);
QJsonObject toJson(const PlatformSummary& summary);
QJsonObject toJson(const TenantSearchResult& result);
QJsonObject toJson(const MembershipEntry& membership);
QJsonObject toJson(const Role& role);
QJsonObject toJson(const AuditEvent& event);
QJsonObject toJson(const AuditChainReport& report);
QJsonObject toJson(const UsageSample& sample);
QJsonObject toJson(const UsageTotal& total);
QJsonObject toJson(const BillingSummaryRow& row);
QJsonObject toJson(const TenantChange& change);
QJsonObject toJson(const NewTenant& tenant);
QJsonObject toJson(const NewEnvironment& environment);
QJsonObject toJson(const EnvironmentChange& change);
QJsonObject toJson(const DecommissionStepDone& step);
// Billing review (Billing.h); the attribution rules' shape is AttributionJson's.
QJsonObject toJson(const AttributionRules& rules);
QJsonObject toJson(const AttributionResult& result);
QJsonObject toJson(const BillingTotalsRow& row);
QJsonObject toJson(const BillingLine& line);
QJsonObject toJson(const TenantBudget& budget);
QJsonObject toJson(const BillingTagValue& value);
QJsonObject toJson(const BillingTagKey& key);
QJsonObject toJson(const BillingImport& import);
QJsonObject toJson(const BillingImportResult& result);

// The shapes of the types a server lists, written as text without building a QJsonObject (the
// same JSON as toJson, which is defined by them).
void write(JsonWriter& writer, const Tenant& tenant);
void write(JsonWriter& writer, const Environment& environment);
void write(JsonWriter& writer, const User& user);
void write(JsonWriter& writer, const MembershipEntry& membership);
void write(JsonWriter& writer, const AuditEvent& event);

// One item of a list as text: by write() where there is one, else by toJson().
template<typename T>
void writeItem(JsonWriter& writer, const T& item)
{
    if constexpr (requires { write(writer, item); })
        write(writer, item);
    else
        writer.value(toJson(item));
}

// pageToJson and listToJson as compact text.
template<typename T>
QByteArray pageText(const Page<T>& page)
{
    JsonWriter w;
    w.beginObject().key("items").beginArray();
    for (const T& item : page.items)
        writeItem(w, item);
    w.endArray().key("next_cursor");
    if (page.nextCursor.isEmpty())
        w.null();
    else
        w.value(page.nextCursor);
    w.endObject();
    return w.take();
}

template<typename T>
QByteArray listText(const QList<T>& list)
{
    JsonWriter w;
    w.beginObject().key("items").beginArray();
    for (const T& item : list)
        writeItem(w, item);
    w.endArray().endObject();
    return w.take();
}

// {"items": [...], "next_cursor": "..." or null}
template<typename T>
QJsonObject pageToJson(const Page<T>& page)
{
    QJsonArray items;
    for (const T& item : page.items)
        items.append(toJson(item));
    return QJsonObject{{QStringLiteral("items"), items},
                       {QStringLiteral("next_cursor"), page.nextCursor.isEmpty() ? QJsonValue(QJsonValue::Null)
                                                                                  : QJsonValue(page.nextCursor)}};
}

template<typename T>
QJsonObject listToJson(const QList<T>& list)
{
    QJsonArray items;
    for (const T& item : list)
        items.append(toJson(item));
    return QJsonObject{{QStringLiteral("items"), items}};
}

// The reverse. Each throws StoreError(Invalid) naming the field that is missing or of the
// wrong type ("tenants[3].status: expected one of ...").
Tenant tenantFromJson(const QJsonObject& object);
Environment environmentFromJson(const QJsonObject& object);
User userFromJson(const QJsonObject& object);
TenantSummary tenantSummaryFromJson(const QJsonObject& object);
EnvironmentSummary environmentSummaryFromJson(const QJsonObject& object);
Platform platformFromJson(const QJsonObject& object);
PlatformSummary platformSummaryFromJson(const QJsonObject& object);
TenantSearchResult tenantSearchResultFromJson(const QJsonObject& object);
MembershipEntry membershipFromJson(const QJsonObject& object);
Role roleFromJson(const QJsonObject& object);
AuditEvent auditEventFromJson(const QJsonObject& object);
AuditChainReport auditChainReportFromJson(const QJsonObject& object);
UsageSample usageSampleFromJson(const QJsonObject& object);
UsageTotal usageTotalFromJson(const QJsonObject& object);
BillingSummaryRow billingSummaryRowFromJson(const QJsonObject& object);
AttributionRules attributionRulesFromJson(const QJsonObject& object);
AttributionResult attributionResultFromJson(const QJsonObject& object);
BillingTotalsRow billingTotalsRowFromJson(const QJsonObject& object);
BillingLine billingLineFromJson(const QJsonObject& object);
TenantBudget tenantBudgetFromJson(const QJsonObject& object);
BillingTagValue billingTagValueFromJson(const QJsonObject& object);
BillingTagKey billingTagKeyFromJson(const QJsonObject& object);
// A PATCH body: only the editable fields; an unknown field or a wrong type is refused.
TenantChange tenantChangeFromJson(const QJsonObject& object);
// Request bodies of the other changes; an unknown field or a wrong type is refused.
NewTenant newTenantFromJson(const QJsonObject& object);
NewEnvironment newEnvironmentFromJson(const QJsonObject& object);
EnvironmentChange environmentChangeFromJson(const QJsonObject& object);
DecommissionStepDone decommissionStepFromJson(const QJsonObject& object);

// Users, roles and memberships (UserAdmin.h): request bodies refuse unknown fields.
QJsonObject toJson(const Membership& membership);
QJsonObject toJson(const ImportIssue& issue);
QJsonObject toJson(const PermissionSource& source);
QJsonObject toJson(const EffectivePermission& permission);
QJsonObject toJson(const ImportMembership& membership);
QJsonObject toJson(const ImportUser& user);
QJsonObject toJson(const ImportRole& role);
QJsonObject toJson(const UserMembership& membership);
QJsonObject toJson(const UserDetail& detail);
QJsonObject toJson(const NewUser& user);
QJsonObject toJson(const UserChange& change);
QJsonObject toJson(const NewRole& role);
QJsonObject toJson(const RoleChange& change);
QJsonObject toJson(const EffectivePermissions& permissions);
QJsonObject toJson(const BulkUserAction& action);
QJsonObject toJson(const BulkUserResult& result);
QJsonObject toJson(const DirectoryImport& import);
QJsonObject toJson(const ImportReport& report);
QJsonObject toJson(const Principal& principal); // as access-token claims (Policy::toClaims)
// Billing imports (Billing.h): an import as remembered, and what an import did.
BillingImport billingImportFromJson(const QJsonObject& object);
BillingImportResult billingImportResultFromJson(const QJsonObject& object);
QString duplicateImportKey(DuplicateImport duplicate); // "refuse", "skip", "replace"
std::optional<DuplicateImport> duplicateImportFromKey(const QString& key);
Membership membershipIdsFromJson(const QJsonObject& object);
UserMembership userMembershipFromJson(const QJsonObject& object);
UserDetail userDetailFromJson(const QJsonObject& object);
NewUser newUserFromJson(const QJsonObject& object);
UserChange userChangeFromJson(const QJsonObject& object);
NewRole newRoleFromJson(const QJsonObject& object);
RoleChange roleChangeFromJson(const QJsonObject& object);
EffectivePermissions effectivePermissionsFromJson(const QJsonObject& object);
BulkUserAction bulkUserActionFromJson(const QJsonObject& object);
BulkUserResult bulkUserResultFromJson(const QJsonObject& object);
DirectoryImport directoryImportFromJson(const QJsonObject& object);
ImportReport importReportFromJson(const QJsonObject& object);
Principal principalFromJson(const QJsonObject& object);
QString bulkUserActionKindKey(BulkUserActionKind kind);
std::optional<BulkUserActionKind> bulkUserActionKindFromKey(const QString& key);

// The "items" array of a list or page; each element must be an object.
QList<QJsonObject> itemsOf(const QJsonObject& object);
// The "next_cursor" of a page: empty on the last page.
QString nextCursorOf(const QJsonObject& object);

// Reads {"items": [...], "next_cursor": ...} with `fromJson` for each item.
template<typename T>
QList<T> listFromJson(const QJsonObject& object, T (*fromJson)(const QJsonObject&))
{
    QList<T> list;
    for (const QJsonObject& item : itemsOf(object))
        list.append(fromJson(item));
    return list;
}

template<typename T>
Page<T> pageFromJson(const QJsonObject& object, T (*fromJson)(const QJsonObject&))
{
    return Page<T>{listFromJson(object, fromJson), nextCursorOf(object)};
}

} // namespace TenantDesk::JsonCodec
