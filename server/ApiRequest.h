#pragma once

// How tenantdesk-server reads a request before it reaches the database: the query parameters of
// the list reads and the JSON bodies the routes check themselves. Pure (no database, no socket),
// so that fuzz/fuzz_server_request.cpp drives the very functions the routes call. Anything the
// server does not accept is refused with an ApiError of status 4xx naming the field.

#include "Billing.h"
#include "StoreQueries.h"
#include "TenantStatus.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <initializer_list>
#include <map>
#include <optional>
#include <string>

namespace TenantDesk {

// An answer other than success, as RFC 9457 problem details.
struct ApiError {
    int status;
    QString code;   // ErrorCode name, or a protocol one ("Unauthenticated", "PreconditionFailed", ...)
    QString detail;
    QString field;
    QJsonObject extra;
    int retryAfter = 0;
};

// The query parameters of a request, each read and checked once; an unknown one is refused.
class Params
{
public:
    // As cpp-httplib decodes a query string (httplib::Params).
    using Raw = std::multimap<std::string, std::string>;

    Params(const Raw& raw, std::initializer_list<const char*> allowed);
    bool has(const QString& name) const { return m_values.contains(name); }
    QString text(const QString& name, qsizetype maximum = 200) const;
    qint64 id(const QString& name) const;
    int limit(int fallback, int maximum = maximumPageSize) const;
    QDateTime time(const QString& name) const;
    template<typename E>
    E key(const QString& name, E fallback, std::optional<E> (*fromKey)(const QString&)) const
    {
        if (!has(name))
            return fallback;
        const auto value = fromKey(m_values.value(name));
        if (!value)
            throw notAccepted(name);
        return *value;
    }

private:
    ApiError notAccepted(const QString& name) const;
    QHash<QString, QString> m_values;
};

std::optional<TenantSort> tenantSortFromKey(const QString& key);
std::optional<Qt::SortOrder> sortOrderFromKey(const QString& key);

// The page cursor handed out by the API records the order it was made for, so that a cursor is
// never used with another order: "<sort>.<order>.<store cursor>".
QString apiCursor(const QString& storeCursor, const QString& sortKey, const QString& orderKey);
// The store's cursor inside the ?cursor= of a request made for `sortKey` and `orderKey`.
QString storeCursor(const Params& params, const QString& sortKey, const QString& orderKey);

namespace ApiRequest {

// A list read sorted by a key the API names: the query, and the names of its sort and order for
// the cursors of its pages.
template<typename Query>
struct Sorted {
    Query query;
    QString sortKey;
    QString orderKey;
};

// GET /api/v1/tenants: parent_id, sort, order, limit, cursor.
Sorted<TenantQuery> tenantQuery(const Params& p);
// GET /api/v1/users: tenant_id, environment_id, role_id, status, q, sort, order, limit, cursor.
Sorted<UserQuery> userQuery(const Params& p);
// GET /api/v1/tenants/{id}/memberships: user_id, limit, cursor.
MembershipQuery membershipQuery(const Params& p, TenantId tenantId);
// GET /api/v1/audit: tenant_id, actor, action, from, to, text, limit, cursor.
AuditQuery auditQuery(const Params& p);
// GET /api/v1/usage: tenant_id (required), environment_id, metric, from, to.
UsageQuery usageQuery(const Params& p);
// GET /api/v1/usage/totals: metric, from and to (required), limit, parent_id.
UsageTotalsQuery usageTotalsQuery(const Params& p);
// GET /api/v1/billing/summary: tenant_id, from, to.
BillingQuery billingQuery(const Params& p);
// The filter of a billing read from its query parameters; tenant_id=0 is unallocated cost.
BillingFilter billingFilter(const Params& p);
// GET /api/v1/billing/lines: the filter, month, shared_only, limit, cursor.
BillingLineQuery billingLineQuery(const Params& p);
// POST /api/v1/billing/imports: format, on_duplicate, tenant_tag_key, and file_name reduced to a
// name that stays inside a temporary directory (`path` is left for the caller).
BillingImportRequest billingImportRequest(const Params& p, QString* fileName);
// A true/false query parameter ("true", "1", "false", "0" or empty).
bool flag(const Params& p, const QString& name);

// The body as a JSON object; refused (400) when it is not one.
QJsonObject jsonObject(const QByteArray& body);
// A field that must be a non-empty string of at most `maximum` characters.
QString requiredText(const QJsonObject& body, const QString& field, qsizetype maximum);
// Refuses a field that is not in `allowed`.
void onlyFields(const QJsonObject& body, const QStringList& allowed);
// An id in a body: nothing when the field is absent, 0 for null, else a positive whole number.
std::optional<qint64> idField(const QJsonObject& body, const QString& field);

// POST /api/v1/tenants/{id}/move: the new parent (0: the top level).
TenantId moveParent(const QJsonObject& body);
// POST /api/v1/tenants/{id}/status.
TenantStatus tenantStatusChange(const QJsonObject& body);
// POST /api/v1/environments/{id}/promote.
struct Promotion {
    EnvironmentId sourceId = 0;
    QStringList keys;
};
Promotion promotion(const QJsonObject& body);

} // namespace ApiRequest
} // namespace TenantDesk
