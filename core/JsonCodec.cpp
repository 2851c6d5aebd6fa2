#include "JsonCodec.h"

#include "SqlTime.h"

#include <QJsonArray>

namespace TenantDesk::JsonCodec {

using namespace Qt::StringLiterals;

namespace {
QJsonValue optional(const std::optional<int>& value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}
} // namespace

QJsonObject toJson(const Tenant& t)
{
    QJsonArray ancestors;
    for (TenantId id : t.ancestorIds)
        ancestors.append(id);
    return QJsonObject{
        {u"id"_s, t.id},
        {u"parent_id"_s, t.parentId == 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(t.parentId)},
        {u"ancestor_ids"_s, ancestors},
        {u"slug"_s, t.slug},
        {u"display_name"_s, t.displayName},
        {u"status"_s, tenantStatusKey(t.status)},
        {u"domain"_s, t.domain},
        {u"timezone"_s, t.timezone},
        {u"language"_s, t.language},
        {u"quotas"_s, QJsonObject{{u"cpu_cores"_s, optional(t.quotas.cpuCores)},
                                  {u"memory_gb"_s, optional(t.quotas.memoryGb)},
                                  {u"storage_gb"_s, optional(t.quotas.storageGb)},
                                  {u"user_seats"_s, optional(t.quotas.userSeats)}}},
        {u"api_rate_limit"_s, optional(t.apiRateLimit)},
        {u"feature_flags"_s, t.featureFlags},
        {u"security_policy"_s, t.securityPolicy},
        {u"settings"_s, t.settings},
        {u"created_at"_s, SqlTime::format(t.createdAt)},
        {u"updated_at"_s, SqlTime::format(t.updatedAt)},
        {u"version"_s, t.version},
        {u"sub_tenant_count"_s, t.subTenantCount},
        {u"environment_count"_s, t.environmentCount},
    };
}

QJsonObject toJson(const Environment& e)
{
    return QJsonObject{
        {u"id"_s, e.id},
        {u"tenant_id"_s, e.tenantId},
        {u"name"_s, e.name},
        {u"kind"_s, environmentKindKey(e.kind)},
        {u"settings"_s, e.settings},
        {u"created_at"_s, SqlTime::format(e.createdAt)},
        {u"version"_s, e.version},
    };
}

QJsonObject toJson(const User& u)
{
    return QJsonObject{
        {u"id"_s, u.id},
        {u"email"_s, u.email},
        {u"display_name"_s, u.displayName},
        {u"status"_s, userStatusKey(u.status)},
        {u"created_at"_s, SqlTime::format(u.createdAt)},
        {u"last_sign_in_at"_s, u.lastSignInAt.isValid() ? QJsonValue(SqlTime::format(u.lastSignInAt)) : QJsonValue(QJsonValue::Null)},
        {u"version"_s, u.version},
    };
}

QJsonObject toJson(const TenantSummary& summary)
{
    QJsonObject object = toJson(summary.tenant);
    QJsonArray path;
    for (const Tenant& ancestor : summary.ancestors)
        path.append(ancestor.slug);
    QJsonArray environments;
    for (const Environment& environment : summary.environments)
        environments.append(toJson(environment));
    object.insert(u"ancestor_slugs"_s, path);
    object.insert(u"environments"_s, environments);
    object.insert(u"member_count"_s, summary.memberCount);
    return object;
}

} // namespace TenantDesk::JsonCodec
