#include "JsonCodec.h"

#include "AttributionJson.h"
#include "Policy.h"
#include "SqlTime.h"
#include "StoreError.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QSet>

#include <cmath>
#include <limits>

namespace TenantDesk::JsonCodec {

using namespace Qt::StringLiterals;

namespace {

QJsonValue idOrNull(qint64 id)
{
    return id == 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(id);
}

QJsonValue timeOrNull(const QDateTime& time)
{
    return time.isValid() ? QJsonValue(SqlTime::format(time)) : QJsonValue(QJsonValue::Null);
}

// The object as write() writes it: one definition of each shape, for the server's text and for
// everyone who wants a QJsonObject.
template<typename T>
QJsonObject viaWriter(const T& value)
{
    JsonWriter w;
    write(w, value);
    return QJsonDocument::fromJson(w.text()).object();
}

template<typename T>
QJsonArray arrayOf(const QList<T>& list)
{
    QJsonArray array;
    for (const T& item : list)
        array.append(toJson(item));
    return array;
}

[[noreturn]] void invalid(const QString& field, const QString& expected)
{
    throw StoreError(ErrorCode::Invalid,
                     QCoreApplication::translate("JsonCodec", "%1: expected %2.").arg(field, expected)).withField(field);
}

// Reads the fields of one JSON object, naming the field in every error.
class Reader
{
public:
    Reader(const QJsonObject& object, QString context = {})
        : m_object(object), m_context(std::move(context)) {}

    QString name(const QString& key) const { return m_context.isEmpty() ? key : m_context + u'.' + key; }

    QJsonValue required(const QString& key) const
    {
        const QJsonValue value = m_object.value(key);
        if (value.isUndefined())
            invalid(name(key), u"a value (the field is missing)"_s);
        return value;
    }
    qint64 id(const QString& key) const
    {
        const QJsonValue value = required(key);
        const double number = value.toDouble(-1);
        // Range first: converting a double beyond qint64 is undefined behaviour.
        if (!value.isDouble() || !(number >= 0 && number < 9007199254740992.0) || number != std::floor(number))
            invalid(name(key), u"a non-negative whole number"_s);
        return qint64(number);
    }
    qint64 idOrZero(const QString& key) const
    {
        return m_object.value(key).isNull() || m_object.value(key).isUndefined() ? 0 : id(key);
    }
    int integer(const QString& key) const
    {
        const qint64 number = id(key);
        if (number > std::numeric_limits<int>::max())
            invalid(name(key), u"a whole number up to 2147483647"_s);
        return int(number);
    }
    double number(const QString& key) const
    {
        const QJsonValue value = required(key);
        if (!value.isDouble())
            invalid(name(key), u"a number"_s);
        return value.toDouble();
    }
    std::optional<int> optionalInt(const QString& key) const
    {
        const QJsonValue value = m_object.value(key);
        return value.isNull() || value.isUndefined() ? std::nullopt : std::optional<int>(integer(key));
    }
    // A whole number of either sign (range checks belong to the validation that names the rule),
    // or nothing for null.
    std::optional<int> optionalSignedInt(const QString& key) const
    {
        const QJsonValue value = m_object.value(key);
        if (value.isNull() || value.isUndefined())
            return std::nullopt;
        const double number = value.toDouble();
        if (!value.isDouble() || !(number >= -2147483648.0 && number <= 2147483647.0) || number != std::floor(number))
            invalid(name(key), u"a whole number or null"_s);
        return int(number);
    }
    QString text(const QString& key) const
    {
        const QJsonValue value = required(key);
        if (!value.isString())
            invalid(name(key), u"a string"_s);
        return value.toString();
    }
    bool boolean(const QString& key) const
    {
        const QJsonValue value = required(key);
        if (!value.isBool())
            invalid(name(key), u"true or false"_s);
        return value.toBool();
    }
    QDateTime time(const QString& key) const
    {
        const QJsonValue value = m_object.value(key);
        if (value.isNull() || value.isUndefined())
            return {};
        const QDateTime parsed = SqlTime::parse(text(key));
        if (!parsed.isValid())
            invalid(name(key), u"an ISO 8601 time such as 2026-11-01T09:30:00Z"_s);
        return parsed;
    }
    QJsonObject object(const QString& key) const
    {
        const QJsonValue value = required(key);
        if (!value.isObject())
            invalid(name(key), u"an object"_s);
        return value.toObject();
    }
    QJsonArray array(const QString& key) const
    {
        const QJsonValue value = required(key);
        if (!value.isArray())
            invalid(name(key), u"an array"_s);
        return value.toArray();
    }
    template<typename T>
    QList<T> objects(const QString& key, T (*fromJson)(const QJsonObject&)) const
    {
        QList<T> list;
        const QJsonArray items = array(key);
        for (qsizetype i = 0; i < items.size(); ++i) {
            if (!items.at(i).isObject())
                invalid(name(key) + u'[' + QString::number(i) + u']', u"an object"_s);
            list.append(fromJson(items.at(i).toObject()));
        }
        return list;
    }
    QList<qint64> ids(const QString& key) const
    {
        QList<qint64> list;
        const QJsonArray items = array(key);
        for (qsizetype i = 0; i < items.size(); ++i) {
            const double number = items.at(i).toDouble(-1);
            if (!items.at(i).isDouble() || !(number >= 0 && number < 9007199254740992.0) || number != std::floor(number))
                invalid(name(key) + u'[' + QString::number(i) + u']', u"a non-negative whole number"_s);
            list.append(qint64(number));
        }
        return list;
    }
    QStringList strings(const QString& key) const
    {
        QStringList list;
        const QJsonArray items = array(key);
        for (qsizetype i = 0; i < items.size(); ++i) {
            if (!items.at(i).isString())
                invalid(name(key) + u'[' + QString::number(i) + u']', u"a string"_s);
            list.append(items.at(i).toString());
        }
        return list;
    }
    template<typename E>
    E key(const QString& field, std::optional<E> (*fromKey)(const QString&)) const
    {
        const QString value = text(field);
        const std::optional<E> parsed = fromKey(value);
        if (!parsed)
            invalid(name(field), u"a known value, not “"_s + value + u"”"_s);
        return *parsed;
    }

private:
    QJsonObject m_object;
    QString m_context;
};

} // namespace

void write(JsonWriter& w, const Tenant& t)
{
    w.beginObject().field("id", t.id).idOrNull("parent_id", t.parentId);
    w.key("ancestor_ids").beginArray();
    for (TenantId id : t.ancestorIds)
        w.value(id);
    w.endArray()
        .field("slug", t.slug)
        .field("display_name", t.displayName)
        .field("status", tenantStatusKey(t.status))
        .field("domain", t.domain)
        .field("timezone", t.timezone)
        .field("language", t.language);
    w.key("quotas").beginObject()
        .field("cpu_cores", t.quotas.cpuCores)
        .field("memory_gb", t.quotas.memoryGb)
        .field("storage_gb", t.quotas.storageGb)
        .field("user_seats", t.quotas.userSeats)
        .endObject();
    w.field("api_rate_limit", t.apiRateLimit)
        .field("feature_flags", t.featureFlags)
        .field("security_policy", t.securityPolicy)
        .field("settings", t.settings)
        .field("decommission", t.decommission)
        .field("created_at", SqlTime::format(t.createdAt))
        .field("updated_at", SqlTime::format(t.updatedAt))
        .field("version", t.version)
        .field("sub_tenant_count", t.subTenantCount)
        .field("environment_count", t.environmentCount)
        .endObject();
}

QJsonObject toJson(const Tenant& t)
{
    return viaWriter(t);
}

void write(JsonWriter& w, const Environment& e)
{
    w.beginObject()
        .field("id", e.id)
        .field("tenant_id", e.tenantId)
        .field("name", e.name)
        .field("kind", environmentKindKey(e.kind))
        .field("settings", e.settings)
        .field("created_at", SqlTime::format(e.createdAt))
        .field("version", e.version)
        .endObject();
}

QJsonObject toJson(const Environment& e)
{
    return viaWriter(e);
}

void write(JsonWriter& w, const User& u)
{
    w.beginObject()
        .field("id", u.id)
        .field("email", u.email)
        .field("display_name", u.displayName)
        .field("status", userStatusKey(u.status))
        .field("created_at", SqlTime::format(u.createdAt));
    w.key("last_sign_in_at");
    if (u.lastSignInAt.isValid())
        w.value(SqlTime::format(u.lastSignInAt));
    else
        w.null();
    w.field("version", u.version).endObject();
}

QJsonObject toJson(const User& u)
{
    return viaWriter(u);
}

QJsonObject toJson(const TenantSummary& summary)
{
    QJsonArray path;
    for (const Tenant& ancestor : summary.ancestors)
        path.append(ancestor.slug);
    return QJsonObject{
        {u"tenant"_s, toJson(summary.tenant)},
        {u"ancestors"_s, arrayOf(summary.ancestors)},
        {u"ancestor_slugs"_s, path},
        {u"environments"_s, arrayOf(summary.environments)},
        {u"member_count"_s, summary.memberCount},
    };
}

QJsonObject toJson(const EnvironmentSummary& summary)
{
    return QJsonObject{
        {u"environment"_s, toJson(summary.environment)},
        {u"tenant"_s, toJson(summary.tenant)},
        {u"member_count"_s, summary.memberCount},
    };
}

QJsonObject toJson(const Platform& platform)
{
    return QJsonObject{{u"name"_s, platform.name}, {u"created_at"_s, timeOrNull(platform.createdAt)}};
}

QJsonObject toJson(const PlatformSummary& s)
{
    QJsonObject byStatus;
    for (const auto& [status, count] : s.tenantsByStatus)
        byStatus.insert(tenantStatusKey(status), count);
    return QJsonObject{
        {u"name"_s, s.name},
        {u"tenant_count"_s, s.tenantCount},
        {u"top_level_tenant_count"_s, s.topLevelTenantCount},
        {u"environment_count"_s, s.environmentCount},
        {u"user_count"_s, s.userCount},
        {u"role_count"_s, s.roleCount},
        {u"schema_version"_s, s.schemaVersion},
        {u"tenants_by_status"_s, byStatus},
    };
}

QJsonObject toJson(const TenantSearchResult& result)
{
    return QJsonObject{
        {u"matches"_s, arrayOf(result.matches)},
        {u"ancestors"_s, arrayOf(result.ancestors)},
        {u"truncated"_s, result.truncated},
    };
}

void write(JsonWriter& w, const MembershipEntry& m)
{
    w.beginObject()
        .field("tenant_id", m.tenantId)
        .field("user_id", m.userId)
        .idOrNull("environment_id", m.environmentId)
        .field("role_id", m.roleId)
        .field("user_email", m.userEmail)
        .field("user_display_name", m.userDisplayName)
        .field("role_name", m.roleName)
        .field("environment_name", m.environmentName)
        .endObject();
}

QJsonObject toJson(const MembershipEntry& m)
{
    return viaWriter(m);
}

QJsonObject toJson(const Role& role)
{
    QJsonArray included;
    for (RoleId id : role.includedRoleIds)
        included.append(id);
    return QJsonObject{
        {u"id"_s, role.id},
        {u"tenant_id"_s, idOrNull(role.tenantId)},
        {u"name"_s, role.name},
        {u"description"_s, role.description},
        {u"scope"_s, roleScopeKey(role.scope)},
        {u"built_in"_s, role.builtIn},
        {u"permissions"_s, QJsonArray::fromStringList(role.permissions)},
        {u"included_role_ids"_s, included},
        {u"version"_s, role.version},
    };
}

void write(JsonWriter& w, const AuditEvent& e)
{
    w.beginObject()
        .field("id", e.id)
        .idOrNull("tenant_id", e.tenantId)
        .field("at", SqlTime::formatPrecise(e.at))
        .field("actor", e.actor)
        .field("action", e.action)
        .field("object_type", e.objectType)
        .field("object_id", e.objectId)
        .field("before", e.before)
        .field("after", e.after)
        .field("previous_hash", QString::fromLatin1(e.previousHash))
        .field("hash", QString::fromLatin1(e.hash))
        .endObject();
}

QJsonObject toJson(const AuditEvent& e)
{
    return viaWriter(e);
}

QJsonObject toJson(const AuditChainReport& report)
{
    QJsonObject object{{u"events"_s, report.events}, {u"chains"_s, report.chains}, {u"intact"_s, !report.firstBreak}};
    if (report.firstBreak) {
        object.insert(u"first_break"_s, QJsonObject{{u"tenant_id"_s, report.firstBreak->tenantId},
                                                    {u"event_id"_s, report.firstBreak->eventId},
                                                    {u"problem"_s, report.firstBreak->problem}});
    }
    return object;
}

QJsonObject toJson(const UsageSample& s)
{
    return QJsonObject{
        {u"tenant_id"_s, s.tenantId},
        {u"environment_id"_s, s.environmentId},
        {u"metric"_s, usageMetricKey(s.metric)},
        {u"at"_s, SqlTime::format(s.at)},
        {u"value"_s, s.value},
    };
}

QJsonObject toJson(const UsageTotal& t)
{
    return QJsonObject{
        {u"tenant_id"_s, t.tenantId},
        {u"total"_s, t.total},
        {u"peak"_s, t.peak},
        {u"samples"_s, t.samples},
    };
}

QJsonObject toJson(const BillingSummaryRow& r)
{
    return QJsonObject{
        {u"tenant_id"_s, idOrNull(r.tenantId)},
        {u"month"_s, r.month},
        {u"service_name"_s, r.serviceName},
        {u"billing_currency"_s, r.billingCurrency},
        {u"billed_cost"_s, r.billedCost},
        {u"effective_cost"_s, r.effectiveCost},
        {u"line_count"_s, r.lineCount},
    };
}

namespace {

QJsonValue intOrNull(const std::optional<int>& value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

QJsonObject quotasToJson(const TenantQuotas& q)
{
    return QJsonObject{{u"cpu_cores"_s, intOrNull(q.cpuCores)}, {u"memory_gb"_s, intOrNull(q.memoryGb)},
                       {u"storage_gb"_s, intOrNull(q.storageGb)}, {u"user_seats"_s, intOrNull(q.userSeats)}};
}

// Refuses every field of `object` that is not in `known`, naming it and the fields that are.
void refuseUnknown(const QJsonObject& object, const QStringList& known, const QString& context = {})
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!known.contains(it.key())) {
            const QString field = context.isEmpty() ? it.key() : context + u'.' + it.key();
            throw StoreError(ErrorCode::Invalid,
                             QCoreApplication::translate("JsonCodec", "%1: this field is unknown or cannot be set here "
                                                                      "(known: %2).").arg(field, known.join(u", "_s)))
                .withField(field);
        }
    }
}

} // namespace

QJsonObject toJson(const TenantChange& change)
{
    QJsonObject object;
    if (change.displayName)
        object.insert(u"display_name"_s, *change.displayName);
    if (change.domain)
        object.insert(u"domain"_s, *change.domain);
    if (change.timezone)
        object.insert(u"timezone"_s, *change.timezone);
    if (change.language)
        object.insert(u"language"_s, *change.language);
    if (change.quotas)
        object.insert(u"quotas"_s, quotasToJson(*change.quotas));
    if (change.apiRateLimit)
        object.insert(u"api_rate_limit"_s, intOrNull(*change.apiRateLimit));
    if (change.featureFlags)
        object.insert(u"feature_flags"_s, *change.featureFlags);
    if (change.securityPolicy)
        object.insert(u"security_policy"_s, *change.securityPolicy);
    if (change.settings)
        object.insert(u"settings"_s, *change.settings);
    return object;
}

QJsonObject toJson(const NewTenant& tenant)
{
    QJsonArray environments;
    for (EnvironmentKind kind : tenant.environments)
        environments.append(environmentKindKey(kind));
    return QJsonObject{{u"slug"_s, tenant.slug}, {u"display_name"_s, tenant.displayName},
                       {u"parent_id"_s, idOrNull(tenant.parentId)}, {u"domain"_s, tenant.domain},
                       {u"timezone"_s, tenant.timezone}, {u"language"_s, tenant.language},
                       {u"environments"_s, environments}};
}

QJsonObject toJson(const NewEnvironment& environment)
{
    return QJsonObject{{u"name"_s, environment.name}, {u"kind"_s, environmentKindKey(environment.kind)},
                       {u"settings"_s, environment.settings}};
}

QJsonObject toJson(const EnvironmentChange& change)
{
    QJsonObject object;
    if (change.name)
        object.insert(u"name"_s, *change.name);
    if (change.settings)
        object.insert(u"settings"_s, *change.settings);
    return object;
}

QJsonObject toJson(const DecommissionStepDone& step)
{
    return QJsonObject{{u"step"_s, decommissionStepKey(step.step)}, {u"note"_s, step.note},
                       {u"confirm_slug"_s, step.confirmSlug}};
}

Tenant tenantFromJson(const QJsonObject& object)
{
    const Reader r(object, u"tenant"_s);
    Tenant t;
    t.id = r.id(u"id"_s);
    t.parentId = r.idOrZero(u"parent_id"_s);
    t.ancestorIds = r.ids(u"ancestor_ids"_s);
    t.slug = r.text(u"slug"_s);
    t.displayName = r.text(u"display_name"_s);
    t.status = r.key(u"status"_s, tenantStatusFromKey);
    t.domain = r.text(u"domain"_s);
    t.timezone = r.text(u"timezone"_s);
    t.language = r.text(u"language"_s);
    const Reader quotas(r.object(u"quotas"_s), r.name(u"quotas"_s));
    t.quotas = {quotas.optionalInt(u"cpu_cores"_s), quotas.optionalInt(u"memory_gb"_s),
                quotas.optionalInt(u"storage_gb"_s), quotas.optionalInt(u"user_seats"_s)};
    t.apiRateLimit = r.optionalInt(u"api_rate_limit"_s);
    t.featureFlags = r.object(u"feature_flags"_s);
    t.securityPolicy = r.object(u"security_policy"_s);
    t.settings = r.object(u"settings"_s);
    t.decommission = object.contains(u"decommission"_s) ? r.object(u"decommission"_s) : QJsonObject();
    t.createdAt = r.time(u"created_at"_s);
    t.updatedAt = r.time(u"updated_at"_s);
    t.version = r.id(u"version"_s);
    t.subTenantCount = r.integer(u"sub_tenant_count"_s);
    t.environmentCount = r.integer(u"environment_count"_s);
    return t;
}

Environment environmentFromJson(const QJsonObject& object)
{
    const Reader r(object, u"environment"_s);
    Environment e;
    e.id = r.id(u"id"_s);
    e.tenantId = r.id(u"tenant_id"_s);
    e.name = r.text(u"name"_s);
    e.kind = r.key(u"kind"_s, environmentKindFromKey);
    e.settings = r.object(u"settings"_s);
    e.createdAt = r.time(u"created_at"_s);
    e.version = r.id(u"version"_s);
    return e;
}

User userFromJson(const QJsonObject& object)
{
    const Reader r(object, u"user"_s);
    User u;
    u.id = r.id(u"id"_s);
    u.email = r.text(u"email"_s);
    u.displayName = r.text(u"display_name"_s);
    u.status = r.key(u"status"_s, userStatusFromKey);
    u.createdAt = r.time(u"created_at"_s);
    u.lastSignInAt = r.time(u"last_sign_in_at"_s);
    u.version = r.id(u"version"_s);
    return u;
}

TenantSummary tenantSummaryFromJson(const QJsonObject& object)
{
    const Reader r(object, u"summary"_s);
    TenantSummary s;
    s.tenant = tenantFromJson(r.object(u"tenant"_s));
    s.ancestors = r.objects(u"ancestors"_s, tenantFromJson);
    s.environments = r.objects(u"environments"_s, environmentFromJson);
    s.memberCount = r.integer(u"member_count"_s);
    return s;
}

EnvironmentSummary environmentSummaryFromJson(const QJsonObject& object)
{
    const Reader r(object, u"summary"_s);
    return EnvironmentSummary{environmentFromJson(r.object(u"environment"_s)), tenantFromJson(r.object(u"tenant"_s)),
                              r.integer(u"member_count"_s)};
}

Platform platformFromJson(const QJsonObject& object)
{
    const Reader r(object, u"platform"_s);
    return Platform{r.text(u"name"_s), r.time(u"created_at"_s)};
}

PlatformSummary platformSummaryFromJson(const QJsonObject& object)
{
    const Reader r(object, u"platform"_s);
    PlatformSummary s;
    s.name = r.text(u"name"_s);
    s.tenantCount = r.integer(u"tenant_count"_s);
    s.topLevelTenantCount = r.integer(u"top_level_tenant_count"_s);
    s.environmentCount = r.integer(u"environment_count"_s);
    s.userCount = r.integer(u"user_count"_s);
    s.roleCount = r.integer(u"role_count"_s);
    s.schemaVersion = r.integer(u"schema_version"_s);
    const QJsonObject byStatus = r.object(u"tenants_by_status"_s);
    const Reader counts(byStatus, r.name(u"tenants_by_status"_s));
    for (auto it = byStatus.begin(); it != byStatus.end(); ++it) {
        const auto status = tenantStatusFromKey(it.key());
        if (!status)
            invalid(counts.name(it.key()), u"a tenant status"_s);
        s.tenantsByStatus.append({*status, counts.integer(it.key())});
    }
    std::sort(s.tenantsByStatus.begin(), s.tenantsByStatus.end());
    return s;
}

TenantSearchResult tenantSearchResultFromJson(const QJsonObject& object)
{
    const Reader r(object, u"search"_s);
    return TenantSearchResult{r.objects(u"matches"_s, tenantFromJson), r.objects(u"ancestors"_s, tenantFromJson),
                              r.boolean(u"truncated"_s)};
}

MembershipEntry membershipFromJson(const QJsonObject& object)
{
    const Reader r(object, u"membership"_s);
    return MembershipEntry{r.id(u"tenant_id"_s), r.id(u"user_id"_s), r.idOrZero(u"environment_id"_s), r.id(u"role_id"_s),
                           r.text(u"user_email"_s), r.text(u"user_display_name"_s), r.text(u"role_name"_s),
                           r.text(u"environment_name"_s)};
}

Role roleFromJson(const QJsonObject& object)
{
    const Reader r(object, u"role"_s);
    Role role;
    role.id = r.id(u"id"_s);
    role.tenantId = r.idOrZero(u"tenant_id"_s);
    role.name = r.text(u"name"_s);
    role.description = r.text(u"description"_s);
    role.scope = r.key(u"scope"_s, roleScopeFromKey);
    role.builtIn = r.boolean(u"built_in"_s);
    role.permissions = r.strings(u"permissions"_s);
    role.includedRoleIds = r.ids(u"included_role_ids"_s);
    role.version = object.contains(u"version"_s) ? r.id(u"version"_s) : 1;
    return role;
}

AuditEvent auditEventFromJson(const QJsonObject& object)
{
    const Reader r(object, u"audit_event"_s);
    AuditEvent e;
    e.id = r.id(u"id"_s);
    e.tenantId = r.idOrZero(u"tenant_id"_s);
    e.at = r.time(u"at"_s);
    e.actor = r.text(u"actor"_s);
    e.action = r.text(u"action"_s);
    e.objectType = r.text(u"object_type"_s);
    e.objectId = r.text(u"object_id"_s);
    e.before = r.object(u"before"_s);
    e.after = r.object(u"after"_s);
    e.previousHash = r.text(u"previous_hash"_s).toLatin1();
    e.hash = r.text(u"hash"_s).toLatin1();
    return e;
}

AuditChainReport auditChainReportFromJson(const QJsonObject& object)
{
    const Reader r(object, u"audit_chain_report"_s);
    AuditChainReport report;
    report.events = r.id(u"events"_s);
    report.chains = r.integer(u"chains"_s);
    if (object.value(u"first_break"_s).isObject()) {
        const Reader b(object.value(u"first_break"_s).toObject(), u"audit_chain_report.first_break"_s);
        report.firstBreak = AuditChainBreak{b.idOrZero(u"tenant_id"_s), b.id(u"event_id"_s), b.text(u"problem"_s)};
    }
    return report;
}

UsageSample usageSampleFromJson(const QJsonObject& object)
{
    const Reader r(object, u"usage_sample"_s);
    return UsageSample{r.id(u"tenant_id"_s), r.id(u"environment_id"_s), r.key(u"metric"_s, usageMetricFromKey),
                       r.time(u"at"_s), r.number(u"value"_s)};
}

UsageTotal usageTotalFromJson(const QJsonObject& object)
{
    const Reader r(object, u"usage_total"_s);
    return UsageTotal{r.id(u"tenant_id"_s), r.number(u"total"_s), r.number(u"peak"_s), r.integer(u"samples"_s)};
}

QJsonObject toJson(const AttributionRules& rules)
{
    return AttributionJson::toJson(rules);
}

AttributionRules attributionRulesFromJson(const QJsonObject& object)
{
    return AttributionJson::fromJson(object);
}

QJsonObject toJson(const AttributionResult& r)
{
    return QJsonObject{
        {u"rules"_s, AttributionJson::toJson(r.rules)},
        {u"lines_attributed"_s, r.linesAttributed},
        {u"lines_unallocated"_s, r.linesUnallocated},
        {u"lines_shared"_s, r.linesShared},
    };
}

AttributionResult attributionResultFromJson(const QJsonObject& object)
{
    const Reader r(object, u"attribution_result"_s);
    return AttributionResult{AttributionJson::fromJson(r.object(u"rules"_s)), r.id(u"lines_attributed"_s),
                             r.id(u"lines_unallocated"_s), r.id(u"lines_shared"_s)};
}

QJsonObject toJson(const BillingTotalsRow& row)
{
    return QJsonObject{
        {u"tenant_id"_s, idOrNull(row.tenantId)},
        {u"month"_s, row.month},
        {u"service_name"_s, row.serviceName},
        {u"service_category"_s, row.serviceCategory},
        {u"billing_currency"_s, row.billingCurrency},
        {u"billed_cost"_s, row.billedCost},
        {u"effective_cost"_s, row.effectiveCost},
        {u"list_cost"_s, row.listCost},
        {u"line_count"_s, row.lineCount},
        {u"shared"_s, row.shared},
    };
}

BillingTotalsRow billingTotalsRowFromJson(const QJsonObject& object)
{
    const Reader r(object, u"billing_totals_row"_s);
    return BillingTotalsRow{r.idOrZero(u"tenant_id"_s), r.text(u"month"_s), r.text(u"service_name"_s),
                            r.text(u"service_category"_s), r.text(u"billing_currency"_s), r.text(u"billed_cost"_s),
                            r.text(u"effective_cost"_s), r.text(u"list_cost"_s), r.id(u"line_count"_s),
                            r.boolean(u"shared"_s)};
}

QJsonObject toJson(const BillingLine& l)
{
    return QJsonObject{
        {u"id"_s, l.id},
        {u"tenant_id"_s, idOrNull(l.tenantId)},
        {u"provider_name"_s, l.providerName},
        {u"billing_account_id"_s, l.billingAccountId},
        {u"sub_account_id"_s, l.subAccountId},
        {u"sub_account_name"_s, l.subAccountName},
        {u"billing_period_start"_s, timeOrNull(l.billingPeriodStart)},
        {u"billing_period_end"_s, timeOrNull(l.billingPeriodEnd)},
        {u"charge_period_start"_s, timeOrNull(l.chargePeriodStart)},
        {u"charge_period_end"_s, timeOrNull(l.chargePeriodEnd)},
        {u"charge_category"_s, l.chargeCategory},
        {u"service_name"_s, l.serviceName},
        {u"service_category"_s, l.serviceCategory},
        {u"region_id"_s, l.regionId},
        {u"resource_id"_s, l.resourceId},
        {u"billed_cost"_s, l.billedCost},
        {u"effective_cost"_s, l.effectiveCost},
        {u"list_cost"_s, l.listCost},
        {u"billing_currency"_s, l.billingCurrency},
        {u"tags"_s, l.tags},
        {u"import_id"_s, idOrNull(l.importId)},
        {u"shared"_s, l.shared},
    };
}

BillingLine billingLineFromJson(const QJsonObject& object)
{
    const Reader r(object, u"billing_line"_s);
    BillingLine l;
    l.id = r.id(u"id"_s);
    l.tenantId = r.idOrZero(u"tenant_id"_s);
    l.providerName = r.text(u"provider_name"_s);
    l.billingAccountId = r.text(u"billing_account_id"_s);
    l.subAccountId = r.text(u"sub_account_id"_s);
    l.subAccountName = r.text(u"sub_account_name"_s);
    l.billingPeriodStart = r.time(u"billing_period_start"_s);
    l.billingPeriodEnd = r.time(u"billing_period_end"_s);
    l.chargePeriodStart = r.time(u"charge_period_start"_s);
    l.chargePeriodEnd = r.time(u"charge_period_end"_s);
    l.chargeCategory = r.text(u"charge_category"_s);
    l.serviceName = r.text(u"service_name"_s);
    l.serviceCategory = r.text(u"service_category"_s);
    l.regionId = r.text(u"region_id"_s);
    l.resourceId = r.text(u"resource_id"_s);
    l.billedCost = r.text(u"billed_cost"_s);
    l.effectiveCost = r.text(u"effective_cost"_s);
    l.listCost = r.text(u"list_cost"_s);
    l.billingCurrency = r.text(u"billing_currency"_s);
    l.tags = r.object(u"tags"_s);
    l.importId = r.idOrZero(u"import_id"_s);
    l.shared = r.boolean(u"shared"_s);
    return l;
}

QJsonObject toJson(const TenantBudget& b)
{
    return QJsonObject{
        {u"tenant_id"_s, b.tenantId},
        {u"amount"_s, b.amount.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(b.amount)},
        {u"currency"_s, b.currency},
    };
}

TenantBudget tenantBudgetFromJson(const QJsonObject& object)
{
    const Reader r(object, u"budget"_s);
    const QJsonValue amount = object.value(u"amount"_s);
    return TenantBudget{r.id(u"tenant_id"_s), amount.isNull() ? QString() : r.text(u"amount"_s), r.text(u"currency"_s)};
}

QJsonObject toJson(const BillingTagValue& v)
{
    return QJsonObject{
        {u"value"_s, v.value},
        {u"tenant_id"_s, idOrNull(v.tenantId)},
        {u"shared"_s, v.shared},
        {u"billing_currency"_s, v.billingCurrency},
        {u"line_count"_s, v.lineCount},
        {u"billed_cost"_s, v.billedCost},
    };
}

BillingTagValue billingTagValueFromJson(const QJsonObject& object)
{
    const Reader r(object, u"billing_tag_value"_s);
    return BillingTagValue{r.text(u"value"_s), r.idOrZero(u"tenant_id"_s), r.boolean(u"shared"_s),
                           r.text(u"billing_currency"_s), r.id(u"line_count"_s), r.text(u"billed_cost"_s)};
}

QJsonObject toJson(const BillingTagKey& k)
{
    return QJsonObject{{u"key"_s, k.key}, {u"line_count"_s, k.lineCount}};
}

BillingTagKey billingTagKeyFromJson(const QJsonObject& object)
{
    const Reader r(object, u"billing_tag_key"_s);
    return BillingTagKey{r.text(u"key"_s), r.id(u"line_count"_s)};
}

BillingSummaryRow billingSummaryRowFromJson(const QJsonObject& object)
{
    const Reader r(object, u"billing_summary"_s);
    return BillingSummaryRow{r.idOrZero(u"tenant_id"_s), r.text(u"month"_s), r.text(u"service_name"_s),
                             r.text(u"billing_currency"_s), r.text(u"billed_cost"_s), r.text(u"effective_cost"_s),
                             r.integer(u"line_count"_s)};
}

TenantChange tenantChangeFromJson(const QJsonObject& object)
{
    refuseUnknown(object, {u"display_name"_s, u"domain"_s, u"timezone"_s, u"language"_s, u"quotas"_s,
                           u"api_rate_limit"_s, u"feature_flags"_s, u"security_policy"_s, u"settings"_s});
    const Reader r(object);
    TenantChange change;
    const auto read = [&r, &object](const QString& key, std::optional<QString>& field) {
        if (object.contains(key))
            field = r.text(key);
    };
    read(u"display_name"_s, change.displayName);
    read(u"domain"_s, change.domain);
    read(u"timezone"_s, change.timezone);
    read(u"language"_s, change.language);
    if (object.contains(u"quotas"_s)) {
        const QJsonObject quotas = r.object(u"quotas"_s);
        refuseUnknown(quotas, {u"cpu_cores"_s, u"memory_gb"_s, u"storage_gb"_s, u"user_seats"_s}, u"quotas"_s);
        const Reader q(quotas, u"quotas"_s);
        change.quotas = TenantQuotas{q.optionalSignedInt(u"cpu_cores"_s), q.optionalSignedInt(u"memory_gb"_s),
                                     q.optionalSignedInt(u"storage_gb"_s), q.optionalSignedInt(u"user_seats"_s)};
    }
    if (object.contains(u"api_rate_limit"_s))
        change.apiRateLimit = r.optionalSignedInt(u"api_rate_limit"_s);
    if (object.contains(u"feature_flags"_s))
        change.featureFlags = r.object(u"feature_flags"_s);
    if (object.contains(u"security_policy"_s))
        change.securityPolicy = r.object(u"security_policy"_s);
    if (object.contains(u"settings"_s))
        change.settings = r.object(u"settings"_s);
    return change;
}

NewTenant newTenantFromJson(const QJsonObject& object)
{
    refuseUnknown(object, {u"slug"_s, u"display_name"_s, u"parent_id"_s, u"domain"_s, u"timezone"_s, u"language"_s,
                           u"environments"_s});
    const Reader r(object);
    NewTenant tenant;
    tenant.slug = r.text(u"slug"_s);
    tenant.displayName = r.text(u"display_name"_s);
    tenant.parentId = r.idOrZero(u"parent_id"_s);
    tenant.domain = object.contains(u"domain"_s) ? r.text(u"domain"_s) : QString();
    tenant.timezone = r.text(u"timezone"_s);
    tenant.language = r.text(u"language"_s);
    if (object.contains(u"environments"_s)) {
        const QStringList kinds = r.strings(u"environments"_s);
        for (qsizetype i = 0; i < kinds.size(); ++i) {
            const auto kind = environmentKindFromKey(kinds.at(i));
            if (!kind)
                invalid(u"environments["_s + QString::number(i) + u']', u"production, staging, development or sandbox"_s);
            tenant.environments.append(*kind);
        }
    }
    return tenant;
}

NewEnvironment newEnvironmentFromJson(const QJsonObject& object)
{
    refuseUnknown(object, {u"name"_s, u"kind"_s, u"settings"_s});
    const Reader r(object);
    return NewEnvironment{r.text(u"name"_s), r.key(u"kind"_s, environmentKindFromKey),
                          object.contains(u"settings"_s) ? r.object(u"settings"_s) : QJsonObject()};
}

EnvironmentChange environmentChangeFromJson(const QJsonObject& object)
{
    refuseUnknown(object, {u"name"_s, u"settings"_s});
    const Reader r(object);
    EnvironmentChange change;
    if (object.contains(u"name"_s))
        change.name = r.text(u"name"_s);
    if (object.contains(u"settings"_s))
        change.settings = r.object(u"settings"_s);
    return change;
}

DecommissionStepDone decommissionStepFromJson(const QJsonObject& object)
{
    refuseUnknown(object, {u"step"_s, u"note"_s, u"confirm_slug"_s});
    const Reader r(object);
    DecommissionStepDone step;
    step.step = r.key(u"step"_s, decommissionStepFromKey);
    if (object.contains(u"note"_s))
        step.note = r.text(u"note"_s);
    if (object.contains(u"confirm_slug"_s))
        step.confirmSlug = r.text(u"confirm_slug"_s);
    return step;
}

// Users, roles and memberships (UserAdmin.h).

namespace {

QJsonObject membershipIds(const Membership& m)
{
    return QJsonObject{{u"tenant_id"_s, m.tenantId}, {u"user_id"_s, m.userId},
                       {u"environment_id"_s, idOrNull(m.environmentId)}, {u"role_id"_s, m.roleId}};
}

QJsonArray idArray(const QList<qint64>& ids)
{
    QJsonArray array;
    for (qint64 id : ids)
        array.append(id);
    return array;
}

} // namespace

QJsonObject toJson(const ImportIssue& issue)
{
    return QJsonObject{{u"line"_s, issue.line}, {u"field"_s, issue.field}, {u"message"_s, issue.message}};
}

static ImportIssue importIssueFromJson(const QJsonObject& object)
{
    const Reader r(object, u"issue"_s);
    return ImportIssue{int(r.id(u"line"_s)), r.text(u"field"_s), r.text(u"message"_s)};
}

QJsonObject toJson(const PermissionSource& source)
{
    return QJsonObject{{u"platform"_s, source.platform}, {u"tenant_id"_s, idOrNull(source.grantedOnTenantId)},
                       {u"tenant_slug"_s, source.grantedOnTenantSlug}, {u"environment_id"_s, idOrNull(source.environmentId)},
                       {u"environment_name"_s, source.environmentName},
                       {u"role_chain"_s, QJsonArray::fromStringList(source.roleChain)}};
}

static PermissionSource permissionSourceFromJson(const QJsonObject& object)
{
    const Reader r(object, u"source"_s);
    return PermissionSource{r.boolean(u"platform"_s), r.idOrZero(u"tenant_id"_s), r.text(u"tenant_slug"_s),
                            r.idOrZero(u"environment_id"_s), r.text(u"environment_name"_s), r.strings(u"role_chain"_s)};
}

QJsonObject toJson(const EffectivePermission& permission)
{
    return QJsonObject{{u"permission"_s, permission.permission}, {u"sources"_s, arrayOf(permission.sources)}};
}

static EffectivePermission effectivePermissionFromJson(const QJsonObject& object)
{
    const Reader r(object, u"permission"_s);
    return EffectivePermission{r.text(u"permission"_s), r.objects(u"sources"_s, permissionSourceFromJson)};
}

QJsonObject toJson(const ImportMembership& m)
{
    return QJsonObject{{u"tenant"_s, m.tenantSlug}, {u"environment"_s, m.environmentName}, {u"role"_s, m.roleName},
                       {u"line"_s, m.line}};
}

static ImportMembership importMembershipFromJson(const QJsonObject& object)
{
    const Reader r(object, u"membership"_s);
    ImportMembership m{r.text(u"tenant"_s), r.text(u"environment"_s), r.text(u"role"_s)};
    m.line = object.contains(u"line"_s) ? int(r.id(u"line"_s)) : 0;
    return m;
}

QJsonObject toJson(const ImportUser& user)
{
    return QJsonObject{{u"line"_s, user.line}, {u"email"_s, user.email}, {u"display_name"_s, user.displayName},
                       {u"status"_s, userStatusKey(user.status)}, {u"memberships"_s, arrayOf(user.memberships)}};
}

static ImportUser importUserFromJson(const QJsonObject& object)
{
    const Reader r(object, u"user"_s);
    return ImportUser{int(r.id(u"line"_s)), r.text(u"email"_s), r.text(u"display_name"_s), r.key(u"status"_s, userStatusFromKey),
                      r.objects(u"memberships"_s, importMembershipFromJson)};
}

QJsonObject toJson(const ImportRole& role)
{
    return QJsonObject{{u"name"_s, role.name}, {u"description"_s, role.description}, {u"scope"_s, roleScopeKey(role.scope)},
                       {u"permissions"_s, QJsonArray::fromStringList(role.permissions)},
                       {u"includes"_s, QJsonArray::fromStringList(role.includedRoleNames)}};
}

static ImportRole importRoleFromJson(const QJsonObject& object)
{
    const Reader r(object, u"role"_s);
    return ImportRole{r.text(u"name"_s), r.text(u"description"_s), r.key(u"scope"_s, roleScopeFromKey),
                      r.strings(u"permissions"_s), r.strings(u"includes"_s)};
}

namespace {

std::optional<Membership> optionalMembership(const QJsonObject& object, const QString& key)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined() || value.isNull())
        return std::nullopt;
    if (!value.isObject())
        invalid(key, u"an object or null"_s);
    return membershipIdsFromJson(value.toObject());
}

} // namespace

Membership membershipIdsFromJson(const QJsonObject& object)
{
    refuseUnknown(object, {u"tenant_id"_s, u"user_id"_s, u"environment_id"_s, u"role_id"_s}, u"membership"_s);
    const Reader r(object, u"membership"_s);
    return Membership{r.id(u"tenant_id"_s), r.idOrZero(u"user_id"_s), r.idOrZero(u"environment_id"_s), r.id(u"role_id"_s)};
}

QJsonObject toJson(const Membership& membership)
{
    return membershipIds(membership);
}

QJsonObject toJson(const UserMembership& m)
{
    QJsonObject json = membershipIds(m.membership);
    json.insert(u"tenant_slug"_s, m.tenantSlug);
    json.insert(u"tenant_name"_s, m.tenantName);
    json.insert(u"environment_name"_s, m.environmentName);
    json.insert(u"role_name"_s, m.roleName);
    json.insert(u"role_scope"_s, roleScopeKey(m.roleScope));
    json.insert(u"inherited_tenant_count"_s, m.inheritedTenantCount);
    return json;
}

UserMembership userMembershipFromJson(const QJsonObject& object)
{
    const Reader r(object, u"membership"_s);
    UserMembership m;
    m.membership = Membership{r.id(u"tenant_id"_s), r.id(u"user_id"_s), r.idOrZero(u"environment_id"_s), r.id(u"role_id"_s)};
    m.tenantSlug = r.text(u"tenant_slug"_s);
    m.tenantName = r.text(u"tenant_name"_s);
    m.environmentName = r.text(u"environment_name"_s);
    m.roleName = r.text(u"role_name"_s);
    m.roleScope = r.key(u"role_scope"_s, roleScopeFromKey);
    m.inheritedTenantCount = r.integer(u"inherited_tenant_count"_s);
    return m;
}

QJsonObject toJson(const UserDetail& detail)
{
    return QJsonObject{{u"user"_s, toJson(detail.user)}, {u"platform_roles"_s, arrayOf(detail.platformRoles)},
                       {u"memberships"_s, arrayOf(detail.memberships)}};
}

UserDetail userDetailFromJson(const QJsonObject& object)
{
    const Reader r(object, u"user_detail"_s);
    return UserDetail{userFromJson(r.object(u"user"_s)), r.objects(u"platform_roles"_s, roleFromJson),
                      r.objects(u"memberships"_s, userMembershipFromJson)};
}

QJsonObject toJson(const NewUser& user)
{
    QJsonObject json{{u"email"_s, user.email}, {u"display_name"_s, user.displayName}, {u"status"_s, userStatusKey(user.status)}};
    if (user.membership)
        json.insert(u"membership"_s, membershipIds(*user.membership));
    return json;
}

NewUser newUserFromJson(const QJsonObject& object)
{
    refuseUnknown(object, {u"email"_s, u"display_name"_s, u"status"_s, u"membership"_s});
    const Reader r(object);
    NewUser user;
    user.email = r.text(u"email"_s);
    user.displayName = r.text(u"display_name"_s);
    if (object.contains(u"status"_s))
        user.status = r.key(u"status"_s, userStatusFromKey);
    user.membership = optionalMembership(object, u"membership"_s);
    return user;
}

QJsonObject toJson(const UserChange& change)
{
    QJsonObject json;
    if (change.email)
        json.insert(u"email"_s, *change.email);
    if (change.displayName)
        json.insert(u"display_name"_s, *change.displayName);
    if (change.status)
        json.insert(u"status"_s, userStatusKey(*change.status));
    return json;
}

UserChange userChangeFromJson(const QJsonObject& object)
{
    refuseUnknown(object, {u"email"_s, u"display_name"_s, u"status"_s});
    const Reader r(object);
    UserChange change;
    if (object.contains(u"email"_s))
        change.email = r.text(u"email"_s);
    if (object.contains(u"display_name"_s))
        change.displayName = r.text(u"display_name"_s);
    if (object.contains(u"status"_s))
        change.status = r.key(u"status"_s, userStatusFromKey);
    return change;
}

QJsonObject toJson(const NewRole& role)
{
    return QJsonObject{{u"tenant_id"_s, idOrNull(role.tenantId)}, {u"name"_s, role.name}, {u"description"_s, role.description},
                       {u"scope"_s, roleScopeKey(role.scope)}, {u"permissions"_s, QJsonArray::fromStringList(role.permissions)},
                       {u"included_role_ids"_s, idArray(role.includedRoleIds)}};
}

NewRole newRoleFromJson(const QJsonObject& object)
{
    refuseUnknown(object, {u"tenant_id"_s, u"name"_s, u"description"_s, u"scope"_s, u"permissions"_s, u"included_role_ids"_s});
    const Reader r(object);
    NewRole role;
    role.tenantId = r.idOrZero(u"tenant_id"_s);
    role.name = r.text(u"name"_s);
    if (object.contains(u"description"_s))
        role.description = r.text(u"description"_s);
    role.scope = r.key(u"scope"_s, roleScopeFromKey);
    if (object.contains(u"permissions"_s))
        role.permissions = r.strings(u"permissions"_s);
    if (object.contains(u"included_role_ids"_s))
        role.includedRoleIds = r.ids(u"included_role_ids"_s);
    return role;
}

QJsonObject toJson(const RoleChange& change)
{
    QJsonObject json;
    if (change.name)
        json.insert(u"name"_s, *change.name);
    if (change.description)
        json.insert(u"description"_s, *change.description);
    if (change.permissions)
        json.insert(u"permissions"_s, QJsonArray::fromStringList(*change.permissions));
    if (change.includedRoleIds)
        json.insert(u"included_role_ids"_s, idArray(*change.includedRoleIds));
    return json;
}

RoleChange roleChangeFromJson(const QJsonObject& object)
{
    refuseUnknown(object, {u"name"_s, u"description"_s, u"permissions"_s, u"included_role_ids"_s});
    const Reader r(object);
    RoleChange change;
    if (object.contains(u"name"_s))
        change.name = r.text(u"name"_s);
    if (object.contains(u"description"_s))
        change.description = r.text(u"description"_s);
    if (object.contains(u"permissions"_s))
        change.permissions = r.strings(u"permissions"_s);
    if (object.contains(u"included_role_ids"_s))
        change.includedRoleIds = r.ids(u"included_role_ids"_s);
    return change;
}

QJsonObject toJson(const EffectivePermissions& permissions)
{
    return QJsonObject{{u"user_id"_s, permissions.userId}, {u"tenant_id"_s, permissions.tenantId},
                       {u"permissions"_s, arrayOf(permissions.permissions)}};
}

EffectivePermissions effectivePermissionsFromJson(const QJsonObject& object)
{
    const Reader r(object, u"effective_permissions"_s);
    return EffectivePermissions{r.id(u"user_id"_s), r.id(u"tenant_id"_s), r.objects(u"permissions"_s, effectivePermissionFromJson)};
}

QString bulkUserActionKindKey(BulkUserActionKind kind)
{
    switch (kind) {
    case BulkUserActionKind::SetStatus: return u"set_status"_s;
    case BulkUserActionKind::GrantRole: return u"grant_role"_s;
    case BulkUserActionKind::RevokeRole: return u"revoke_role"_s;
    case BulkUserActionKind::Move: return u"move"_s;
    case BulkUserActionKind::RestoreStatus: return u"restore_status"_s;
    }
    return {};
}

std::optional<BulkUserActionKind> bulkUserActionKindFromKey(const QString& key)
{
    for (BulkUserActionKind kind : {BulkUserActionKind::SetStatus, BulkUserActionKind::GrantRole, BulkUserActionKind::RevokeRole,
                                    BulkUserActionKind::Move, BulkUserActionKind::RestoreStatus}) {
        if (bulkUserActionKindKey(kind) == key)
            return kind;
    }
    return std::nullopt;
}

QJsonObject toJson(const BulkUserAction& action)
{
    return QJsonObject{{u"kind"_s, bulkUserActionKindKey(action.kind)}, {u"user_ids"_s, idArray(action.userIds)},
                       {u"status"_s, userStatusKey(action.status)}, {u"tenant_id"_s, idOrNull(action.tenantId)},
                       {u"environment_id"_s, idOrNull(action.environmentId)}, {u"role_id"_s, idOrNull(action.roleId)},
                       {u"target_tenant_id"_s, idOrNull(action.targetTenantId)},
                       {u"target_environment_id"_s, idOrNull(action.targetEnvironmentId)},
                       {u"statuses"_s, [&] {
                            QJsonArray statuses;
                            for (UserStatus status : action.statuses)
                                statuses.append(userStatusKey(status));
                            return statuses;
                        }()}};
}

BulkUserAction bulkUserActionFromJson(const QJsonObject& object)
{
    refuseUnknown(object, {u"kind"_s, u"user_ids"_s, u"status"_s, u"tenant_id"_s, u"environment_id"_s, u"role_id"_s,
                           u"target_tenant_id"_s, u"target_environment_id"_s, u"statuses"_s});
    const Reader r(object);
    BulkUserAction action;
    action.kind = r.key(u"kind"_s, bulkUserActionKindFromKey);
    action.userIds = r.ids(u"user_ids"_s);
    if (object.contains(u"status"_s))
        action.status = r.key(u"status"_s, userStatusFromKey);
    action.tenantId = r.idOrZero(u"tenant_id"_s);
    action.environmentId = r.idOrZero(u"environment_id"_s);
    action.roleId = r.idOrZero(u"role_id"_s);
    action.targetTenantId = r.idOrZero(u"target_tenant_id"_s);
    action.targetEnvironmentId = r.idOrZero(u"target_environment_id"_s);
    if (object.contains(u"statuses"_s)) {
        const QStringList statuses = r.strings(u"statuses"_s);
        for (qsizetype i = 0; i < statuses.size(); ++i) {
            const auto status = userStatusFromKey(statuses.at(i));
            if (!status)
                invalid(u"statuses[%1]"_s.arg(i), u"a user status"_s);
            action.statuses.append(*status);
        }
    }
    return action;
}

QJsonObject toJson(const BulkUserResult& result)
{
    QJsonArray statuses;
    for (UserStatus status : result.previousStatuses)
        statuses.append(userStatusKey(status));
    return QJsonObject{{u"changed_user_ids"_s, idArray(result.changedUserIds)}, {u"previous_statuses"_s, statuses},
                       {u"unchanged_count"_s, result.unchangedCount}};
}

BulkUserResult bulkUserResultFromJson(const QJsonObject& object)
{
    const Reader r(object, u"bulk_result"_s);
    BulkUserResult result;
    result.changedUserIds = r.ids(u"changed_user_ids"_s);
    const QStringList statuses = r.strings(u"previous_statuses"_s);
    for (qsizetype i = 0; i < statuses.size(); ++i) {
        const auto status = userStatusFromKey(statuses.at(i));
        if (!status)
            invalid(u"bulk_result.previous_statuses[%1]"_s.arg(i), u"a user status"_s);
        result.previousStatuses.append(*status);
    }
    result.unchangedCount = r.integer(u"unchanged_count"_s);
    return result;
}

QJsonObject toJson(const DirectoryImport& import)
{
    return QJsonObject{{u"source"_s, import.source}, {u"tenant_slug"_s, import.tenantSlug},
                       {u"create_tenant"_s, import.createTenant}, {u"tenant_name"_s, import.tenantName},
                       {u"roles"_s, arrayOf(import.roles)}, {u"users"_s, arrayOf(import.users)},
                       {u"issues"_s, arrayOf(import.issues)}, {u"notes"_s, QJsonArray::fromStringList(import.notes)}};
}

DirectoryImport directoryImportFromJson(const QJsonObject& object)
{
    refuseUnknown(object, {u"source"_s, u"tenant_slug"_s, u"create_tenant"_s, u"tenant_name"_s, u"roles"_s, u"users"_s,
                           u"issues"_s, u"notes"_s});
    const Reader r(object);
    DirectoryImport import;
    import.source = r.text(u"source"_s);
    import.tenantSlug = r.text(u"tenant_slug"_s);
    import.createTenant = r.boolean(u"create_tenant"_s);
    import.tenantName = r.text(u"tenant_name"_s);
    import.roles = r.objects(u"roles"_s, importRoleFromJson);
    import.users = r.objects(u"users"_s, importUserFromJson);
    import.issues = r.objects(u"issues"_s, importIssueFromJson);
    import.notes = r.strings(u"notes"_s);
    return import;
}

QJsonObject toJson(const ImportReport& report)
{
    return QJsonObject{{u"written"_s, report.written}, {u"tenant_id"_s, idOrNull(report.tenantId)},
                       {u"users_created"_s, report.usersCreated}, {u"users_existing"_s, report.usersExisting},
                       {u"roles_created"_s, report.rolesCreated}, {u"memberships_created"_s, report.membershipsCreated},
                       {u"issues"_s, arrayOf(report.issues)}, {u"notes"_s, QJsonArray::fromStringList(report.notes)}};
}

ImportReport importReportFromJson(const QJsonObject& object)
{
    const Reader r(object, u"import_report"_s);
    ImportReport report;
    report.written = r.boolean(u"written"_s);
    report.tenantId = r.idOrZero(u"tenant_id"_s);
    report.usersCreated = r.integer(u"users_created"_s);
    report.usersExisting = r.integer(u"users_existing"_s);
    report.rolesCreated = r.integer(u"roles_created"_s);
    report.membershipsCreated = r.integer(u"memberships_created"_s);
    report.issues = r.objects(u"issues"_s, importIssueFromJson);
    report.notes = r.strings(u"notes"_s);
    return report;
}

QJsonObject toJson(const Principal& principal)
{
    return Policy::toClaims(principal);
}

Principal principalFromJson(const QJsonObject& object)
{
    const auto principal = Policy::principalFromClaims(object);
    if (!principal)
        invalid(u"principal"_s, u"a principal (sub, email, plat, scopes)"_s);
    return *principal;
}

QJsonObject toJson(const BillingImport& i)
{
    return QJsonObject{
        {u"id"_s, i.id},
        {u"file_name"_s, i.fileName},
        {u"sha256"_s, i.sha256},
        {u"format"_s, billingFormatKey(i.format)},
        {u"imported_at"_s, timeOrNull(i.importedAt)},
        {u"imported_by"_s, i.importedBy},
        {u"line_count"_s, i.lineCount},
        {u"unallocated_lines"_s, i.unallocatedLines},
        {u"currencies"_s, QJsonArray::fromStringList(i.currencies)},
        {u"billed_cost_total"_s, i.billedCostTotal},
        {u"first_charge_at"_s, timeOrNull(i.firstChargeAt)},
        {u"last_charge_at"_s, timeOrNull(i.lastChargeAt)},
    };
}

QJsonObject toJson(const BillingImportResult& result)
{
    return QJsonObject{
        {u"import"_s, toJson(result.import)},
        {u"skipped"_s, result.skipped},
        {u"replaced_import_id"_s, idOrNull(result.replacedImportId)},
        {u"notes"_s, QJsonArray::fromStringList(result.notes)},
    };
}

BillingImport billingImportFromJson(const QJsonObject& object)
{
    const Reader r(object, u"billing_import"_s);
    BillingImport i;
    i.id = r.id(u"id"_s);
    i.fileName = r.text(u"file_name"_s);
    i.sha256 = r.text(u"sha256"_s);
    const auto format = billingFormatFromKey(r.text(u"format"_s));
    if (!format)
        invalid(u"billing_import.format"_s, u"focus, aws-cur, aws-cur2, azure-ea or azure-mca"_s);
    i.format = *format;
    i.importedAt = r.time(u"imported_at"_s);
    i.importedBy = r.text(u"imported_by"_s);
    i.lineCount = r.id(u"line_count"_s);
    i.unallocatedLines = r.id(u"unallocated_lines"_s);
    i.currencies = r.strings(u"currencies"_s);
    i.billedCostTotal = r.text(u"billed_cost_total"_s);
    i.firstChargeAt = r.time(u"first_charge_at"_s);
    i.lastChargeAt = r.time(u"last_charge_at"_s);
    return i;
}

BillingImportResult billingImportResultFromJson(const QJsonObject& object)
{
    const Reader r(object, u"billing_import_result"_s);
    BillingImportResult result;
    result.import = billingImportFromJson(r.object(u"import"_s));
    result.skipped = r.boolean(u"skipped"_s);
    result.replacedImportId = r.idOrZero(u"replaced_import_id"_s);
    result.notes = r.strings(u"notes"_s);
    return result;
}

QString duplicateImportKey(DuplicateImport duplicate)
{
    switch (duplicate) {
    case DuplicateImport::Refuse: return u"refuse"_s;
    case DuplicateImport::Skip: return u"skip"_s;
    case DuplicateImport::Replace: return u"replace"_s;
    }
    return {};
}

std::optional<DuplicateImport> duplicateImportFromKey(const QString& key)
{
    for (DuplicateImport d : {DuplicateImport::Refuse, DuplicateImport::Skip, DuplicateImport::Replace}) {
        if (duplicateImportKey(d) == key)
            return d;
    }
    return std::nullopt;
}

QList<QJsonObject> itemsOf(const QJsonObject& object)
{
    const Reader r(object);
    QList<QJsonObject> items;
    const QJsonArray array = r.array(u"items"_s);
    for (qsizetype i = 0; i < array.size(); ++i) {
        if (!array.at(i).isObject())
            invalid(u"items["_s + QString::number(i) + u']', u"an object"_s);
        items.append(array.at(i).toObject());
    }
    return items;
}

QString nextCursorOf(const QJsonObject& object)
{
    const QJsonValue value = object.value(u"next_cursor"_s);
    if (value.isNull() || value.isUndefined())
        return {};
    if (!value.isString())
        invalid(u"next_cursor"_s, u"a string or null"_s);
    return value.toString();
}

} // namespace TenantDesk::JsonCodec
