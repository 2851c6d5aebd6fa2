#pragma once

#include "AuditEvent.h"
#include "Environment.h"
#include "Page.h"
#include "Role.h"
#include "StoreQueries.h"
#include "Tenant.h"
#include "UsageSample.h"
#include "User.h"

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
QJsonObject toJson(const UsageSample& sample);
QJsonObject toJson(const BillingSummaryRow& row);
QJsonObject toJson(const TenantChange& change);

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
UsageSample usageSampleFromJson(const QJsonObject& object);
BillingSummaryRow billingSummaryRowFromJson(const QJsonObject& object);
// A PATCH body: only the editable fields; an unknown field or a wrong type is refused.
TenantChange tenantChangeFromJson(const QJsonObject& object);

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
