// tenantdesk-server's reading of a request before it reaches the database: the query string as
// cpp-httplib decodes it into the request's parameters, then the route's own checks (server/
// ApiRequest.h: limit, cursor, sort, search text, filters, ids, times), and the JSON body of the
// write routes (ApiRequest's and JsonCodec's readers).
//
// The input is a request line and a body: "GET /api/v1/tenants?limit=5&sort=slug\n" then the body
// (for POST, PATCH and PUT). The path picks the route as the server's routes do ({id}: 1 to 18
// digits); a path that is no route is left alone.
//
// The promise: a parsed request that keeps the route's bounds (a page of 1 to 500 items, ids not
// negative, texts within their lengths, a cursor made for this order, an uploaded file's name that
// stays in its folder), or a 4xx-style refusal with a message. Never a crash.
#include "ApiRequest.h"
#include "FuzzSupport.h"
#include "JsonCodec.h"
#include "SqlDetail.h"
#include "StoreError.h"

#include <QFileInfo>
#include <QRegularExpression>

#include <functional>

#include <httplib.h>

using namespace TenantDesk;
using namespace Qt::StringLiterals;

namespace {

struct Request {
    Params::Raw query;
    QStringList captures;
    QByteArray body;
};

using Parse = std::function<void(const Request&)>;

struct Route {
    QString method;
    QRegularExpression path;
    Parse parse;
};

void requireLimit(int limit)
{
    Fuzz::require(limit >= 1 && limit <= maximumPageSize, "a page size outside 1 to 500");
}

// A cursor the store gets was sent for this sort and order, and the store reads it or refuses it
// as an invalid cursor.
void checkCursor(const Params& p, const QString& cursor, const QString& sortKey, const QString& orderKey)
{
    if (cursor.isEmpty())
        return;
    Fuzz::require(apiCursor(cursor, sortKey, orderKey) == p.text(u"cursor"_s, 1000), "a cursor that was made for another order");
    try {
        SqlDetail::decodeCursor(cursor);
    } catch (const StoreError& error) {
        Fuzz::require(error.code() == ErrorCode::Invalid && error.field() == u"cursor"_s, "a bad cursor refused as something else");
    }
}

QList<Route> routes()
{
    QList<Route> list;
    const auto add = [&list](const char* method, const QString& pathTemplate, Parse parse) {
        QString pattern = QRegularExpression::escape(pathTemplate);
        pattern.replace(QRegularExpression(u"\\\\\\{([a-z_]*id)\\\\\\}"_s), u"([0-9]{1,18})"_s);
        pattern.replace(QRegularExpression(u"\\\\\\{([a-z_]+)\\\\\\}"_s), u"([^/]{1,200})"_s);
        list.append(Route{QString::fromLatin1(method), QRegularExpression(u'^' + pattern + u'$'), std::move(parse)});
    };
    // A body read as the server reads it (ApiRequest::jsonObject), then by `read`.
    const auto body = [](auto read) {
        return [read](const Request& r) { read(ApiRequest::jsonObject(r.body)); };
    };

    add("GET", u"/api/v1/tenants"_s, [](const Request& r) {
        const Params p(r.query, {"parent_id", "sort", "order", "limit", "cursor"});
        const auto sorted = ApiRequest::tenantQuery(p);
        Fuzz::require(sorted.query.parentId >= 0, "a negative parent id");
        requireLimit(sorted.query.limit);
        Fuzz::require(tenantSortFromKey(sorted.sortKey) == sorted.query.sort, "a cursor named for another sort");
        Fuzz::require(sortOrderFromKey(sorted.orderKey) == sorted.query.order, "a cursor named for another order");
        checkCursor(p, sorted.query.cursor, sorted.sortKey, sorted.orderKey);
    });
    add("GET", u"/api/v1/tenants/search"_s, [](const Request& r) {
        const Params p(r.query, {"q", "limit"});
        Fuzz::require(p.text(u"q"_s).size() <= 200, "a search text beyond 200 characters");
        requireLimit(p.limit(100));
    });
    add("GET", u"/api/v1/tenants/{id}/memberships"_s, [](const Request& r) {
        const Params p(r.query, {"user_id", "limit", "cursor"});
        const MembershipQuery query = ApiRequest::membershipQuery(p, r.captures.value(0).toLongLong());
        Fuzz::require(query.userId >= 0 && query.cursor.size() <= 1000, "a membership query out of bounds");
        requireLimit(query.limit);
    });
    add("DELETE", u"/api/v1/tenants/{id}"_s, [](const Request& r) {
        const Params p(r.query, {"confirm_slug"});
        Fuzz::require(p.text(u"confirm_slug"_s).size() <= 200, "a confirmation beyond 200 characters");
    });
    add("GET", u"/api/v1/users"_s, [](const Request& r) {
        const Params p(r.query, {"tenant_id", "environment_id", "role_id", "status", "q", "sort", "order", "limit", "cursor"});
        const auto sorted = ApiRequest::userQuery(p);
        const UserQuery& query = sorted.query;
        Fuzz::require(query.tenantId >= 0 && query.environmentId >= 0 && query.roleId >= 0, "a negative id");
        Fuzz::require(query.environmentId == 0 || query.tenantId != 0, "an environment without its tenant");
        Fuzz::require(query.text.size() <= 200, "a search text beyond 200 characters");
        requireLimit(query.limit);
        Fuzz::require(userSortFromKey(sorted.sortKey) == query.sort, "a cursor named for another sort");
        Fuzz::require(sortOrderFromKey(sorted.orderKey) == query.order, "a cursor named for another order");
        checkCursor(p, query.cursor, sorted.sortKey, sorted.orderKey);
    });
    add("GET", u"/api/v1/users/{id}/effective-permissions"_s, [](const Request& r) {
        const Params p(r.query, {"tenant_id"});
        Fuzz::require(p.id(u"tenant_id"_s) >= 0, "a negative tenant id");
    });
    add("GET", u"/api/v1/audit"_s, [](const Request& r) {
        const Params p(r.query, {"tenant_id", "actor", "action", "from", "to", "text", "limit", "cursor"});
        const AuditQuery query = ApiRequest::auditQuery(p);
        Fuzz::require(query.tenantId >= 0, "a negative tenant id");
        Fuzz::require(query.actor.size() <= 320 && query.action.size() <= 100 && query.text.size() <= 200
                          && query.cursor.size() <= 1000,
                      "an audit filter beyond its length");
        Fuzz::require(!p.has(u"from"_s) || query.from.isValid(), "a time read as no time");
        requireLimit(query.limit);
    });
    add("GET", u"/api/v1/usage"_s, [](const Request& r) {
        const Params p(r.query, {"tenant_id", "environment_id", "metric", "from", "to"});
        const UsageQuery query = ApiRequest::usageQuery(p);
        Fuzz::require(query.tenantId >= 0 && query.environmentId >= 0, "a negative id");
    });
    add("GET", u"/api/v1/usage/totals"_s, [](const Request& r) {
        const Params p(r.query, {"metric", "from", "to", "limit", "parent_id"});
        const UsageTotalsQuery query = ApiRequest::usageTotalsQuery(p);
        Fuzz::require(query.from.isValid() && query.to.isValid(), "usage totals without their range");
        Fuzz::require(query.parentId >= -1, "a parent id below -1");
        Fuzz::require(query.limit >= 1 && query.limit <= maximumPageSize, "a count outside 1 to 500");
    });
    add("GET", u"/api/v1/billing/summary"_s, [](const Request& r) {
        const Params p(r.query, {"tenant_id", "from", "to"});
        Fuzz::require(ApiRequest::billingQuery(p).tenantId >= 0, "a negative tenant id");
    });
    add("GET", u"/api/v1/billing/totals"_s, [](const Request& r) {
        const Params p(r.query, {"tenant_id", "from", "to", "service_name", "service_category", "billing_currency", "import_id"});
        const BillingFilter filter = ApiRequest::billingFilter(p);
        Fuzz::require(filter.tenantId.value_or(0) >= 0 && filter.importId >= 0, "a negative id");
        Fuzz::require(filter.billingCurrency.size() <= 3, "a currency beyond 3 characters");
    });
    add("GET", u"/api/v1/billing/lines"_s, [](const Request& r) {
        const Params p(r.query, {"tenant_id", "from", "to", "service_name", "service_category", "billing_currency",
                                 "import_id", "month", "shared_only", "limit", "cursor"});
        const BillingLineQuery query = ApiRequest::billingLineQuery(p);
        Fuzz::require(query.month.size() <= 7 && query.cursor.size() <= 1000, "a billing filter beyond its length");
        requireLimit(query.limit);
    });
    add("POST", u"/api/v1/billing/imports"_s, [](const Request& r) {
        const Params p(r.query, {"format", "on_duplicate", "tenant_tag_key", "file_name"});
        QString fileName;
        ApiRequest::billingImportRequest(p, &fileName);
        // The upload is kept as <temporary folder>/<name>: the name may not lead anywhere else.
        Fuzz::require(!fileName.isEmpty() && !fileName.contains(u'/') && !fileName.contains(u'\\') && !fileName.startsWith(u'.'),
                      "an uploaded file's name that is a path");
        const QString folder = u"/tmp/upload"_s;
        Fuzz::require(QFileInfo(folder + u'/' + fileName).absolutePath() == folder, "an uploaded file kept outside its folder");
    });
    add("POST", u"/api/v1/import"_s, [](const Request& r) {
        const Params p(r.query, {"dry_run"});
        p.text(u"dry_run"_s);
        JsonCodec::directoryImportFromJson(ApiRequest::jsonObject(r.body));
    });

    add("PATCH", u"/api/v1/tenants/{id}"_s, body(JsonCodec::tenantChangeFromJson));
    add("POST", u"/api/v1/tenants"_s, body(JsonCodec::newTenantFromJson));
    add("POST", u"/api/v1/tenants/{id}/move"_s, body([](const QJsonObject& o) {
            Fuzz::require(ApiRequest::moveParent(o) >= 0, "a negative parent id");
        }));
    add("POST", u"/api/v1/tenants/{id}/status"_s, body(ApiRequest::tenantStatusChange));
    add("POST", u"/api/v1/tenants/{id}/decommission"_s, body(JsonCodec::decommissionStepFromJson));
    add("POST", u"/api/v1/tenants/{id}/environments"_s, body(JsonCodec::newEnvironmentFromJson));
    add("PATCH", u"/api/v1/environments/{id}"_s, body(JsonCodec::environmentChangeFromJson));
    add("POST", u"/api/v1/environments/{id}/promote"_s, body([](const QJsonObject& o) {
            const ApiRequest::Promotion promotion = ApiRequest::promotion(o);
            Fuzz::require(promotion.sourceId > 0, "a promotion without its source");
            for (const QString& key : promotion.keys)
                Fuzz::require(!key.isEmpty() && key.size() <= 200, "a setting's name empty or beyond 200 characters");
        }));
    add("POST", u"/api/v1/users"_s, body(JsonCodec::newUserFromJson));
    add("PATCH", u"/api/v1/users/{id}"_s, body(JsonCodec::userChangeFromJson));
    add("POST", u"/api/v1/memberships"_s, body(JsonCodec::membershipIdsFromJson));
    add("POST", u"/api/v1/memberships/revoke"_s, body(JsonCodec::membershipIdsFromJson));
    add("POST", u"/api/v1/roles"_s, body(JsonCodec::newRoleFromJson));
    add("PATCH", u"/api/v1/roles/{id}"_s, body(JsonCodec::roleChangeFromJson));
    add("POST", u"/api/v1/users/bulk"_s, body(JsonCodec::bulkUserActionFromJson));
    add("PUT", u"/api/v1/billing/attribution-rules"_s, body(JsonCodec::attributionRulesFromJson));
    return list;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const QList<Route> table = routes();
    const QByteArray input = Fuzz::bytes(data, size);
    const qsizetype newline = input.indexOf('\n');
    const QByteArray line = newline < 0 ? input : input.left(newline);
    const qsizetype space = line.indexOf(' ');
    if (space < 0)
        return 0;
    const QString method = QString::fromLatin1(line.left(space));
    const QByteArray target = line.mid(space + 1);
    const qsizetype question = target.indexOf('?');
    // The path as the routes match it; the query as cpp-httplib hands it to them.
    const QString path = QString::fromUtf8(question < 0 ? target : target.left(question));
    Request request;
    if (question >= 0)
        httplib::detail::parse_query_text(target.mid(question + 1).toStdString(), request.query);
    request.body = newline < 0 ? QByteArray() : input.mid(newline + 1);

    for (const Route& route : table) {
        if (route.method != method)
            continue;
        const QRegularExpressionMatch match = route.path.match(path);
        if (!match.hasMatch())
            continue;
        request.captures = match.capturedTexts().mid(1);
        try {
            route.parse(request);
        } catch (const ApiError& error) {
            Fuzz::require(error.status >= 400 && error.status < 500, "a request refused with other than a 4xx status");
            Fuzz::require(!error.detail.isEmpty() && !error.code.isEmpty(), "a refusal without a message");
        } catch (const StoreError& error) {
            // Answered as the route answers a StoreError: Invalid is 400 (ApiServer's statusOf).
            Fuzz::require(error.code() == ErrorCode::Invalid, "a body refused as something else than invalid (not a 4xx)");
            Fuzz::require(!error.message().isEmpty(), "a refusal without a message");
        }
        break;
    }
    return 0;
}
