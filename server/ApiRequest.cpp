#include "ApiRequest.h"

#include "JsonCodec.h"
#include "SqlTime.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>

namespace TenantDesk {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("tenantdesk-server", text);
}

QString qs(const std::string& text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

} // namespace

Params::Params(const Raw& raw, std::initializer_list<const char*> allowed)
{
    for (const auto& [key, value] : raw) {
        const QString name = qs(key);
        bool known = false;
        for (const char* a : allowed)
            known = known || name == QLatin1StringView(a);
        if (!known)
            throw ApiError{400, u"Invalid"_s, tr("%1: this query parameter is unknown here.").arg(name), name, {}};
        if (m_values.contains(name))
            throw ApiError{400, u"Invalid"_s, tr("%1: given more than once.").arg(name), name, {}};
        m_values.insert(name, qs(value));
    }
}

QString Params::text(const QString& name, qsizetype maximum) const
{
    const QString value = m_values.value(name);
    if (value.size() > maximum)
        throw ApiError{400, u"Invalid"_s, tr("%1: at most %2 characters.").arg(name).arg(maximum), name, {}};
    return value;
}

qint64 Params::id(const QString& name) const
{
    if (!has(name))
        return 0;
    bool ok = false;
    const qint64 value = m_values.value(name).toLongLong(&ok);
    if (!ok || value < 0)
        throw ApiError{400, u"Invalid"_s, tr("%1: expected a tenant, user or environment id (a whole number).").arg(name), name, {}};
    return value;
}

int Params::limit(int fallback, int maximum) const
{
    if (!has(u"limit"_s))
        return fallback;
    bool ok = false;
    const int value = m_values.value(u"limit"_s).toInt(&ok);
    if (!ok || value < 1 || value > maximum)
        throw ApiError{400, u"Invalid"_s, tr("limit: a page holds 1 to %1 items.").arg(maximum), u"limit"_s, {}};
    return value;
}

QDateTime Params::time(const QString& name) const
{
    if (!has(name))
        return {};
    const QDateTime value = SqlTime::parse(m_values.value(name));
    if (!value.isValid())
        throw ApiError{400, u"Invalid"_s, tr("%1: expected an ISO 8601 time such as 2026-11-01T00:00:00Z.").arg(name), name, {}};
    return value;
}

ApiError Params::notAccepted(const QString& name) const
{
    return ApiError{400, u"Invalid"_s, tr("%1: “%2” is not one of the accepted values.").arg(name, m_values.value(name)), name, {}};
}

std::optional<TenantSort> tenantSortFromKey(const QString& key)
{
    if (key == u"display_name") return TenantSort::DisplayName;
    if (key == u"slug") return TenantSort::Slug;
    if (key == u"status") return TenantSort::Status;
    if (key == u"created_at") return TenantSort::CreatedAt;
    return std::nullopt;
}

std::optional<Qt::SortOrder> sortOrderFromKey(const QString& key)
{
    if (key == u"asc") return Qt::AscendingOrder;
    if (key == u"desc") return Qt::DescendingOrder;
    return std::nullopt;
}

QString apiCursor(const QString& storeCursor, const QString& sortKey, const QString& orderKey)
{
    return storeCursor.isEmpty() ? QString() : sortKey + u'.' + orderKey + u'.' + storeCursor;
}

QString storeCursor(const Params& params, const QString& sortKey, const QString& orderKey)
{
    const QString cursor = params.text(u"cursor"_s, 1000);
    if (cursor.isEmpty())
        return {};
    const QString prefix = sortKey + u'.' + orderKey + u'.';
    if (!cursor.startsWith(prefix))
        throw ApiError{400, u"Invalid"_s, tr("cursor: this cursor belongs to another query or order; start again from the first page."),
                       u"cursor"_s, {}};
    return cursor.mid(prefix.size());
}

namespace ApiRequest {

Sorted<TenantQuery> tenantQuery(const Params& p)
{
    Sorted<TenantQuery> sorted;
    TenantQuery& query = sorted.query;
    query.parentId = p.id(u"parent_id"_s);
    query.sort = p.key(u"sort"_s, TenantSort::DisplayName, tenantSortFromKey);
    query.order = p.key(u"order"_s, Qt::AscendingOrder, sortOrderFromKey);
    query.limit = p.limit(200);
    sorted.sortKey = p.has(u"sort"_s) ? p.text(u"sort"_s) : u"display_name"_s;
    sorted.orderKey = p.has(u"order"_s) ? p.text(u"order"_s) : u"asc"_s;
    query.cursor = storeCursor(p, sorted.sortKey, sorted.orderKey);
    return sorted;
}

Sorted<UserQuery> userQuery(const Params& p)
{
    Sorted<UserQuery> sorted{UserQuery{p.id(u"tenant_id"_s), p.text(u"q"_s), p.limit(100), {}}, {}, {}};
    UserQuery& query = sorted.query;
    query.environmentId = p.id(u"environment_id"_s);
    query.roleId = p.id(u"role_id"_s);
    if (p.has(u"status"_s))
        query.status = p.key(u"status"_s, UserStatus::Active, userStatusFromKey);
    query.sort = p.key(u"sort"_s, UserSort::DisplayName, userSortFromKey);
    query.order = p.key(u"order"_s, Qt::AscendingOrder, sortOrderFromKey);
    sorted.sortKey = p.has(u"sort"_s) ? p.text(u"sort"_s) : u"display_name"_s;
    sorted.orderKey = p.has(u"order"_s) ? p.text(u"order"_s) : u"asc"_s;
    query.cursor = storeCursor(p, sorted.sortKey, sorted.orderKey);
    if (query.environmentId != 0 && query.tenantId == 0)
        throw ApiError{400, u"Invalid"_s, tr("environment_id: name the environment's tenant with tenant_id too."), u"environment_id"_s, {}};
    return sorted;
}

MembershipQuery membershipQuery(const Params& p, TenantId tenantId)
{
    return MembershipQuery{tenantId, p.id(u"user_id"_s), p.limit(100), p.text(u"cursor"_s, 1000)};
}

AuditQuery auditQuery(const Params& p)
{
    AuditQuery query;
    query.tenantId = p.id(u"tenant_id"_s);
    query.actor = p.text(u"actor"_s, 320);
    query.action = p.text(u"action"_s, 100);
    query.from = p.time(u"from"_s);
    query.to = p.time(u"to"_s);
    query.text = p.text(u"text"_s, 200);
    query.limit = p.limit(100);
    query.cursor = p.text(u"cursor"_s, 1000);
    return query;
}

UsageQuery usageQuery(const Params& p)
{
    if (!p.has(u"tenant_id"_s))
        throw ApiError{400, u"Invalid"_s, tr("tenant_id: required."), u"tenant_id"_s, {}};
    return UsageQuery{p.id(u"tenant_id"_s), p.id(u"environment_id"_s),
                      p.key(u"metric"_s, UsageMetric::CpuHours, usageMetricFromKey), p.time(u"from"_s), p.time(u"to"_s)};
}

UsageTotalsQuery usageTotalsQuery(const Params& p)
{
    if (!p.has(u"from"_s) || !p.has(u"to"_s))
        throw ApiError{400, u"Invalid"_s, tr("from/to: required."), p.has(u"from"_s) ? u"to"_s : u"from"_s, {}};
    UsageTotalsQuery query;
    query.metric = p.key(u"metric"_s, UsageMetric::CpuHours, usageMetricFromKey);
    query.from = p.time(u"from"_s);
    query.to = p.time(u"to"_s);
    query.limit = p.limit(10);
    query.parentId = p.has(u"parent_id"_s) ? p.id(u"parent_id"_s) : -1;
    return query;
}

BillingQuery billingQuery(const Params& p)
{
    return BillingQuery{p.id(u"tenant_id"_s), p.time(u"from"_s), p.time(u"to"_s)};
}

BillingFilter billingFilter(const Params& p)
{
    BillingFilter filter;
    if (p.has(u"tenant_id"_s))
        filter.tenantId = p.id(u"tenant_id"_s);
    filter.from = p.time(u"from"_s);
    filter.to = p.time(u"to"_s);
    filter.serviceName = p.text(u"service_name"_s);
    filter.serviceCategory = p.text(u"service_category"_s);
    filter.billingCurrency = p.text(u"billing_currency"_s, 3);
    filter.importId = p.id(u"import_id"_s);
    return filter;
}

BillingLineQuery billingLineQuery(const Params& p)
{
    BillingLineQuery query;
    query.filter = billingFilter(p);
    query.month = p.text(u"month"_s, 7);
    query.sharedOnly = flag(p, u"shared_only"_s);
    query.limit = p.limit(200);
    query.cursor = p.text(u"cursor"_s, 1000);
    return query;
}

BillingImportRequest billingImportRequest(const Params& p, QString* fileName)
{
    BillingImportRequest request;
    request.format = p.key(u"format"_s, BillingFormat::Auto, billingFormatFromKey);
    request.onDuplicate = p.key(u"on_duplicate"_s, DuplicateImport::Refuse, JsonCodec::duplicateImportFromKey);
    request.tenantTagKey = p.text(u"tenant_tag_key"_s);
    // The name only: never a path, nothing that leaves the temporary directory.
    *fileName = QFileInfo(p.text(u"file_name"_s).replace(u'\\', u'/')).fileName().trimmed();
    if (fileName->isEmpty() || *fileName == u".."_s || fileName->startsWith(u'.'))
        *fileName = u"billing.csv"_s;
    return request;
}

bool flag(const Params& p, const QString& name)
{
    const QString value = p.text(name, 5);
    if (value.isEmpty() || value == u"false"_s || value == u"0"_s)
        return false;
    if (value == u"true"_s || value == u"1"_s)
        return true;
    throw ApiError{400, u"Invalid"_s, tr("%1: expected true or false.").arg(name), name, {}};
}

QJsonObject jsonObject(const QByteArray& body)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        throw ApiError{400, u"Invalid"_s, tr("The body is not valid JSON: %1 at character %2.").arg(error.errorString()).arg(error.offset),
                       u"body"_s, {}};
    if (!document.isObject())
        throw ApiError{400, u"Invalid"_s, tr("The body must be a JSON object."), u"body"_s, {}};
    return document.object();
}

QString requiredText(const QJsonObject& body, const QString& field, qsizetype maximum)
{
    const QJsonValue value = body.value(field);
    if (!value.isString() || value.toString().isEmpty())
        throw ApiError{400, u"Invalid"_s, tr("%1: required, a non-empty string.").arg(field), field, {}};
    if (value.toString().size() > maximum)
        throw ApiError{400, u"Invalid"_s, tr("%1: at most %2 characters.").arg(field).arg(maximum), field, {}};
    return value.toString();
}

void onlyFields(const QJsonObject& body, const QStringList& allowed)
{
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (!allowed.contains(it.key()))
            throw ApiError{400, u"Invalid"_s, tr("%1: this field is unknown here.").arg(it.key()), it.key(), {}};
    }
}

std::optional<qint64> idField(const QJsonObject& body, const QString& field)
{
    const QJsonValue value = body.value(field);
    if (value.isUndefined())
        return std::nullopt;
    if (value.isNull())
        return 0;
    const double number = value.toDouble(-1);
    if (!value.isDouble() || number < 1 || number > 1e15 || number != double(qint64(number)))
        throw ApiError{400, u"Invalid"_s, tr("%1: expected an id (a positive whole number) or null.").arg(field), field, {}};
    return qint64(number);
}

TenantId moveParent(const QJsonObject& body)
{
    onlyFields(body, {u"parent_id"_s});
    const std::optional<TenantId> parentId = idField(body, u"parent_id"_s);
    if (!parentId)
        throw ApiError{400, u"Invalid"_s, tr("parent_id: required: the new parent's id, or null for the top level."),
                       u"parent_id"_s, {}};
    return *parentId;
}

TenantStatus tenantStatusChange(const QJsonObject& body)
{
    onlyFields(body, {u"status"_s});
    const QString key = requiredText(body, u"status"_s, 40);
    const std::optional<TenantStatus> status = tenantStatusFromKey(key);
    if (!status) {
        QStringList keys;
        for (TenantStatus known : allTenantStatuses)
            keys << tenantStatusKey(known);
        throw ApiError{400, u"Invalid"_s, tr("status: “%1” is not a tenant status (%2).").arg(key, keys.join(u", "_s)),
                       u"status"_s, {}};
    }
    return *status;
}

Promotion promotion(const QJsonObject& body)
{
    onlyFields(body, {u"source_id"_s, u"keys"_s});
    const std::optional<EnvironmentId> sourceId = idField(body, u"source_id"_s);
    if (!sourceId || *sourceId == 0)
        throw ApiError{400, u"Invalid"_s, tr("source_id: required: the environment whose settings are promoted."),
                       u"source_id"_s, {}};
    const QJsonValue keysValue = body.value(u"keys"_s);
    if (!keysValue.isArray())
        throw ApiError{400, u"Invalid"_s, tr("keys: required: the names of the settings to promote, in an array."),
                       u"keys"_s, {}};
    Promotion result{*sourceId, {}};
    for (const QJsonValue key : keysValue.toArray()) {
        if (!key.isString() || key.toString().isEmpty() || key.toString().size() > 200)
            throw ApiError{400, u"Invalid"_s, tr("keys: expected the names of settings (non-empty strings)."), u"keys"_s, {}};
        result.keys << key.toString();
    }
    return result;
}

} // namespace ApiRequest
} // namespace TenantDesk
