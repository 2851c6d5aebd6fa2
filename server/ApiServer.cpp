#include "ApiServer.h"

#include "ApiRequest.h"
#include "JsonCodec.h"
#include "Jwt.h"
#include "PasswordHash.h"
#include "Permission.h"
#include "Policy.h"
#include "SigningKey.h"
#include "SqlSession.h"
#include "SqlTime.h"
#include "StoreError.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutex>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QThread>
#include <QTimeZone>
#include <QUrlQuery>
#include <QUuid>

#include <httplib.h>

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <limits>
#include <optional>

namespace TenantDesk {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("tenantdesk-server", text);
}

int statusOf(ErrorCode code)
{
    switch (code) {
    case ErrorCode::NotFound: return 404;
    case ErrorCode::Conflict: return 409;
    case ErrorCode::Forbidden: return 403;
    case ErrorCode::Invalid: return 400;
    case ErrorCode::Unavailable: return 503;
    case ErrorCode::Unsupported: return 422;
    case ErrorCode::Corrupt: return 500;
    case ErrorCode::Internal: return 500;
    }
    return 500;
}

QString titleOf(int status)
{
    switch (status) {
    case 400: return u"Bad Request"_s;
    case 401: return u"Unauthorized"_s;
    case 403: return u"Forbidden"_s;
    case 404: return u"Not Found"_s;
    case 405: return u"Method Not Allowed"_s;
    case 409: return u"Conflict"_s;
    case 412: return u"Precondition Failed"_s;
    case 413: return u"Content Too Large"_s;
    case 415: return u"Unsupported Media Type"_s;
    case 422: return u"Unprocessable Content"_s;
    case 428: return u"Precondition Required"_s;
    case 429: return u"Too Many Requests"_s;
    case 503: return u"Service Unavailable"_s;
    default: return status >= 500 ? u"Internal Server Error"_s : u"Error"_s;
    }
}

std::string utf8(const QString& text)
{
    return text.toStdString();
}

QString qs(const std::string& text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

QByteArray compact(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QString etagOf(qint64 version)
{
    return u'"' + QString::number(version) + u'"';
}

QByteArray sha256Hex(const QByteArray& data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

QByteArray randomToken(int bytes)
{
    QByteArray data(bytes, Qt::Uninitialized);
    QRandomGenerator::system()->generate(data.begin(), data.end());
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

} // namespace

// One request as a handler sees it.
struct RequestContext {
    const httplib::Request& http;
    httplib::Response& response;
    QString requestId;
    Principal principal;
    QStringList captures; // the path's {parameters}, in order
    // The body of a POST, PATCH or DELETE, still to be read (null for the other methods): each
    // handler reads it when it knows how much it accepts, after the caller was authorized.
    const httplib::ContentReader* reader = nullptr;
    QByteArray body;
    qint64 bodyBytes = 0;
    bool bodyRead = false;

    qint64 pathId(int index) const
    {
        bool ok = false;
        const qint64 id = captures.value(index).toLongLong(&ok);
        if (!ok || id <= 0)
            throw ApiError{404, u"NotFound"_s, tr("There is no such resource."), {}, {}};
        return id;
    }

    // The body, read once and kept only up to `limit` bytes (after decoding a Content-Encoding):
    // a larger one is read to its end all the same, so that the connection's next request starts
    // after it, and refused with 413.
    const QByteArray& readBody(qint64 limit)
    {
        if (!bodyRead) {
            bodyRead = true;
            if (reader) {
                const bool complete = (*reader)([this, limit](const char* data, size_t length) {
                    bodyBytes += qint64(length);
                    if (bodyBytes > limit)
                        body = QByteArray(); // kept no longer, only counted
                    else
                        body.append(data, qsizetype(length));
                    return true;
                });
                if (!complete && response.status != 413)
                    throw ApiError{400, u"Invalid"_s, tr("The body could not be read to its end."), u"body"_s, {}};
                if (!complete)
                    bodyBytes = std::numeric_limits<qint64>::max();
            }
        }
        if (bodyBytes > limit)
            throw ApiError{413, u"Invalid"_s, tr("The body is larger than the %1 bytes this request accepts.").arg(limit),
                           u"body"_s, {}};
        return body;
    }

    // Streams the body into `out` (a file), never holding it in memory; refused with 413 beyond
    // `limit` bytes (the rest is read and dropped, so that the connection's next request starts after it).
    void readBodyInto(QIODevice& out, qint64 limit)
    {
        if (bodyRead)
            throw ApiError{500, u"Internal"_s, tr("The body was read twice."), {}, {}};
        bodyRead = true;
        if (!reader)
            return;
        bool writeFailed = false;
        const bool complete = (*reader)([&](const char* data, size_t length) {
            bodyBytes += qint64(length);
            if (bodyBytes <= limit && !writeFailed)
                writeFailed = out.write(data, qint64(length)) != qint64(length);
            return true;
        });
        if (!complete && response.status != 413)
            throw ApiError{400, u"Invalid"_s, tr("The body could not be read to its end."), u"body"_s, {}};
        if (!complete || bodyBytes > limit)
            throw ApiError{413, u"Invalid"_s, tr("The body is larger than the %1 bytes this request accepts.").arg(limit),
                           u"body"_s, {}};
        if (writeFailed)
            throw ApiError{503, u"Unavailable"_s, tr("The server could not keep the uploaded file (its disk may be full)."),
                           {}, {}};
    }

    // Reads a body that no handler read (an answer given before it was needed), keeping nothing.
    void skipBody()
    {
        if (bodyRead || !reader)
            return;
        bodyRead = true;
        const int status = response.status; // the answer already given stands
        (*reader)([](const char*, size_t) { return true; });
        response.status = status;
    }
};

struct ApiServer::Impl {
    ServerOptions options;
    QByteArray signingKey;
    RateLimiter limiter;
    std::unique_ptr<httplib::Server> http;
    QList<RouteInfo> routes;
    int accessLog = STDERR_FILENO; // opened with O_APPEND: each line is one write(), whole, without a lock
    QAtomicInteger<qint64> connectionSerial = 0;
    int schemaVersion = 0;
    // Rate limits of tenants, read from the database at most once a minute.
    QMutex limitsMutex;
    QHash<TenantId, std::pair<int, qint64>> limits; // tenant → (requests per minute, read at ms)

    explicit Impl(ServerOptions o) : options(std::move(o)) {}

    using Handler = std::function<void(RequestContext&)>;
    enum class Access { Public, SignedIn };

    // The connection of the calling request thread, opened on first use.
    SqlSession session(const Principal* principal = nullptr, const std::optional<TenantScope>& narrowerScope = std::nullopt)
    {
        thread_local QString connection;
        if (connection.isEmpty() || !QSqlDatabase::contains(connection)) {
            connection = u"server-"_s + QString::number(++connectionSerial);
            SqlSession::connect(options.database, connection);
        }
        // Sign-in and health checks read in the platform scope; a caller's requests in their own:
        // on PostgreSQL row-level security then hides every tenant outside it, below the policy.
        TenantScope scope = TenantScope::allTenants();
        if (principal) {
            const PolicyScope roots = Policy::scopeRoots(*principal);
            if (!roots.all)
                scope = TenantScope::subtrees(roots.roots);
        }
        if (narrowerScope)
            scope = *narrowerScope;
        SqlSession s(QSqlDatabase::database(connection, false), std::move(scope));
        if (principal)
            s.setActor(principal->email);
        return s;
    }

    // A session for reading across tenants what `permission` allows: every tenant for a platform
    // principal holding it, else the sub-trees of the caller's tenant-wide grants that include it
    // (a grant without it, or on one environment only, adds nothing).
    SqlSession sessionFor(const Principal& principal, const QString& permission)
    {
        if (principal.platformPermissions.contains(permission))
            return session(&principal);
        QList<TenantId> roots;
        for (const Grant& grant : principal.grants) {
            if (grant.environmentId == 0 && grant.permissions.contains(permission))
                roots.append(grant.tenantId);
        }
        return session(&principal, TenantScope::subtrees(roots));
    }

    void writeLog(const RequestContext& context, int status, double milliseconds)
    {
        // Never the Authorization header, a body, or a token: method, path, status, who, how long.
        const QByteArray line = SqlTime::formatPrecise(QDateTime::currentDateTimeUtc()).toUtf8() + " rid="
            + context.requestId.toLatin1() + " user=" + QByteArray::number(context.principal.userId) + ' '
            + QByteArray::fromStdString(context.http.method) + ' ' + QByteArray::fromStdString(context.http.path) + ' '
            + QByteArray::number(status) + ' ' + QByteArray::number(milliseconds, 'f', 2) + "ms\n";
        appendLog(line);
    }

    static void sendJson(httplib::Response& response, int status, const QJsonObject& body,
                         const char* contentType = "application/json")
    {
        sendJson(response, status, compact(body), contentType);
    }
    // JSON already written as text (JsonCodec::pageText, listText, write).
    static void sendJson(httplib::Response& response, int status, const QByteArray& body,
                         const char* contentType = "application/json")
    {
        response.status = status;
        response.set_content(body.constData(), size_t(body.size()), contentType);
    }

    static void sendProblem(RequestContext& context, const ApiError& error)
    {
        QJsonObject problem{
            {u"type"_s, QString(u"https://tenantdesk.example/problems/"_s + error.code)},
            {u"title"_s, titleOf(error.status)},
            {u"status"_s, error.status},
            {u"detail"_s, error.detail},
            // The occurrence, not the path: a path may hold what the caller may not see echoed.
            {u"instance"_s, QString(u"urn:tenantdesk:request:"_s + context.requestId)},
            {u"code"_s, error.code},
            {u"request_id"_s, context.requestId},
        };
        if (!error.field.isEmpty())
            problem.insert(u"field"_s, error.field);
        for (auto it = error.extra.begin(); it != error.extra.end(); ++it)
            problem.insert(it.key(), it.value());
        if (error.retryAfter > 0)
            context.response.set_header("Retry-After", std::to_string(error.retryAfter));
        if (error.status == 401)
            context.response.set_header("WWW-Authenticate", "Bearer realm=\"tenantdesk\"");
        sendJson(context.response, error.status, problem, "application/problem+json");
    }

    static ApiError fromStoreError(const StoreError& error)
    {
        // The detail a database reported may name tables or values: it goes to the log, not out.
        return ApiError{statusOf(error.code()), errorCodeName(error.code()), error.message(), error.field(), {}};
    }

    Principal authenticate(const httplib::Request& request)
    {
        const std::string header = request.get_header_value("Authorization");
        if (header.rfind("Bearer ", 0) != 0)
            throw ApiError{401, u"Unauthenticated"_s, tr("Sign in first: this request carries no access token."), {}, {}};
        const JwtResult result = Jwt::verify(QByteArray::fromStdString(header.substr(7)), signingKey,
                                             QDateTime::currentDateTimeUtc());
        if (!result.isValid())
            throw ApiError{401, u"Unauthenticated"_s,
                           result.failure == JwtFailure::Expired ? tr("The access token has expired; refresh it or sign in again.")
                                                                 : tr("The access token is not valid; sign in again."),
                           {}, {}};
        auto principal = Policy::principalFromClaims(result.claims);
        if (!principal)
            throw ApiError{401, u"Unauthenticated"_s, tr("The access token is not valid; sign in again."), {}, {}};
        return *principal;
    }

    void route(const char* method, const QString& pathTemplate, Access access, Handler handler)
    {
        routes.append(RouteInfo{QString::fromLatin1(method), pathTemplate});
        // {id}-like parameters are whole numbers; {slug} is anything up to the next slash.
        QString pattern = QRegularExpression::escape(pathTemplate);
        pattern.replace(QRegularExpression(u"\\\\\\{([a-z_]*id)\\\\\\}"_s), u"([0-9]{1,18})"_s);
        pattern.replace(QRegularExpression(u"\\\\\\{([a-z_]+)\\\\\\}"_s), u"([^/]{1,200})"_s);
        auto wrapped = [this, access, handler = std::move(handler)](const httplib::Request& request, httplib::Response& response,
                                                                    const httplib::ContentReader* reader) {
            QElapsedTimer timer;
            timer.start();
            RequestContext context{request, response, requestIdOf(request), {}, {}, reader};
            for (size_t i = 1; i < request.matches.size(); ++i)
                context.captures.append(qs(request.matches[i].str()));
            response.set_header("X-Request-Id", utf8(context.requestId));
            try {
                if (access == Access::SignedIn)
                    context.principal = authenticate(request);
                handler(context);
            } catch (const ApiError& error) {
                sendProblem(context, error);
            } catch (const StoreError& error) {
                if (error.code() == ErrorCode::Internal || error.code() == ErrorCode::Corrupt || !error.detail().isEmpty())
                    logError(context, error.fullMessage());
                sendProblem(context, fromStoreError(error));
            } catch (const std::exception& error) {
                logError(context, QString::fromLocal8Bit(error.what()));
                sendProblem(context, ApiError{500, u"Internal"_s, tr("The server met an unexpected error; it was logged."), {}, {}});
            }
            context.skipBody();
            writeLog(context, response.status, double(timer.nsecsElapsed()) / 1e6);
        };
        const std::string regex = utf8(pattern);
        const QString m = QString::fromLatin1(method);
        if (m == u"GET") {
            http->Get(regex, [wrapped](const httplib::Request& request, httplib::Response& response) {
                wrapped(request, response, nullptr);
            });
            return;
        }
        // A body is read by the handler through a reader, never by cpp-httplib into memory whole.
        const httplib::Server::HandlerWithContentReader withBody =
            [wrapped](const httplib::Request& request, httplib::Response& response, const httplib::ContentReader& reader) {
                wrapped(request, response, &reader);
            };
        if (m == u"POST")
            http->Post(regex, withBody);
        else if (m == u"PATCH")
            http->Patch(regex, withBody);
        else if (m == u"PUT")
            http->Put(regex, withBody);
        else if (m == u"DELETE")
            http->Delete(regex, withBody);
    }

    void logError(const RequestContext& context, const QString& message)
    {
        const QByteArray line = SqlTime::formatPrecise(QDateTime::currentDateTimeUtc()).toUtf8() + " rid="
            + context.requestId.toLatin1() + " error: " + message.toUtf8() + '\n';
        appendLog(line);
    }

    // One line, in one write() to a file opened with O_APPEND, so that lines of concurrent
    // requests never interleave and no request waits for another's logging.
    void appendLog(const QByteArray& line) const
    {
        const char* data = line.constData();
        qsizetype left = line.size();
        while (left > 0) {
            const ssize_t written = ::write(accessLog, data, size_t(left));
            if (written < 0 && errno == EINTR)
                continue;
            if (written <= 0)
                return; // a full disk must not take the API down with it
            data += written;
            left -= written;
        }
    }

    static QString requestIdOf(const httplib::Request& request)
    {
        static const QRegularExpression valid(u"^[A-Za-z0-9._-]{1,64}$"_s);
        const QString given = qs(request.get_header_value("X-Request-Id"));
        if (valid.match(given).hasMatch())
            return given;
        return QUuid::createUuid().toString(QUuid::Id128).left(16);
    }

    // The body as a JSON object (read once), of at most ServerOptions::maxBodyBytes (413 beyond).
    QJsonObject jsonBody(RequestContext& context) const
    {
        return jsonBody(context, options.maxBodyBytes);
    }

    static QJsonObject jsonBody(RequestContext& context, qint64 limit)
    {
        const std::string type = context.http.get_header_value("Content-Type");
        if (type.rfind("application/json", 0) != 0)
            throw ApiError{415, u"Invalid"_s, tr("The body must be JSON (Content-Type: application/json)."), u"body"_s, {}};
        const QByteArray body = context.readBody(limit);
        context.body = QByteArray(); // read: a backup's bytes need not stay beside its objects
        return ApiRequest::jsonObject(body);
    }

    // A tenant the request names, after the policy allowed `permission` on it. A tenant the caller
    // may not see is "not found": its existence is not revealed.
    static Tenant visibleTenant(const RequestContext& context, const SqlSession& s, TenantId id, const QString& permission)
    {
        Tenant tenant;
        try {
            tenant = s.tenant(id);
        } catch (const StoreError& error) {
            if (error.code() == ErrorCode::NotFound)
                throw ApiError{404, u"NotFound"_s, tr("There is no tenant with id %1 that you may see.").arg(id), {}, {}};
            throw;
        }
        if (!Policy::canSee(context.principal, tenant))
            throw ApiError{404, u"NotFound"_s, tr("There is no tenant with id %1 that you may see.").arg(id), {}, {}};
        if (!Policy::allows(context.principal, permission, tenant))
            throw ApiError{403, u"Forbidden"_s, tr("You may not do this on this tenant (it needs the permission %1).").arg(permission), {}, {}};
        return tenant;
    }

    // The tenant a request is about, after the policy and the tenant's rate limit admitted it.
    Tenant requireTenant(RequestContext& context, SqlSession& s, TenantId id, const QString& permission)
    {
        const Tenant tenant = visibleTenant(context, s, id, permission);
        admit(context, tenant);
        return tenant;
    }

    // The environment a request names and its tenant, after the policy allowed `permission` on it
    // (a grant on its tenant, or on that environment): "not found" outside the caller's tenants.
    static EnvironmentSummary visibleEnvironment(const RequestContext& context, const SqlSession& s, EnvironmentId id,
                                                 const QString& permission)
    {
        const ApiError notFound{404, u"NotFound"_s, tr("There is no environment with id %1 that you may see.").arg(id), {}, {}};
        EnvironmentSummary summary;
        try {
            summary = s.environmentSummary(id);
        } catch (const StoreError& error) {
            if (error.code() == ErrorCode::NotFound)
                throw notFound;
            throw;
        }
        if (!Policy::canSee(context.principal, summary.tenant))
            throw notFound;
        if (!Policy::allowsEnvironment(context.principal, permission, summary.tenant, id))
            throw ApiError{403, u"Forbidden"_s,
                           tr("You may not do this on this environment (it needs the permission %1).").arg(permission), {}, {}};
        return summary;
    }

    // The environment a request is about, after the policy and its tenant's rate limit admitted it.
    Environment requireEnvironment(RequestContext& context, SqlSession& s, EnvironmentId id, const QString& permission)
    {
        const EnvironmentSummary summary = visibleEnvironment(context, s, id, permission);
        admit(context, summary.tenant);
        return summary.environment;
    }

    // The version a change was made on, from its If-Match header: 428 without one, 400 for
    // anything but one ETag, and 412 with the object as it is when that is no longer `current`.
    template<typename T>
    static qint64 matchedVersion(const RequestContext& context, const T& current)
    {
        const QString ifMatch = qs(context.http.get_header_value("If-Match"));
        if (ifMatch.isEmpty())
            throw ApiError{428, u"PreconditionRequired"_s,
                           tr("A change needs the If-Match header with the ETag of the version it was made on."), u"If-Match"_s, {}};
        static const QRegularExpression etag(u"^(W/)?\"([0-9]{1,18})\"$"_s);
        const auto match = etag.match(ifMatch);
        if (!match.hasMatch())
            throw ApiError{400, u"Invalid"_s, tr("If-Match: expected an ETag such as \"7\"."), u"If-Match"_s, {}};
        const qint64 expected = match.captured(2).toLongLong();
        if (expected != current.version)
            throw staleError(current);
        return expected;
    }

    static ApiError staleError(const QString& name, qint64 version, const QJsonObject& current)
    {
        return ApiError{412, u"PreconditionFailed"_s,
                        tr("“%1” was changed by someone else since you read it (now version %2). Review their change, then edit again.")
                            .arg(name).arg(version),
                        {}, QJsonObject{{u"current"_s, current}}};
    }
    static ApiError staleError(const Tenant& now) { return staleError(now.displayName, now.version, JsonCodec::toJson(now)); }
    static ApiError staleError(const Environment& now) { return staleError(now.name, now.version, JsonCodec::toJson(now)); }

    // Makes a change on version `expected` of an object; when the store reports a Conflict and
    // `reread()` shows that someone else changed the object meanwhile, the answer is 412 with the
    // object as it now is. A conflict of another kind (a name already taken) stays 409.
    template<typename Change, typename Reread>
    static auto versioned(qint64 expected, Change change, Reread reread)
    {
        try {
            return change();
        } catch (const StoreError& error) {
            if (error.code() != ErrorCode::Conflict)
                throw;
            const auto now = reread();
            if (now.version == expected)
                throw;
            throw staleError(now);
        }
    }

    static ApiError staleError(const AttributionRules& now)
    {
        return staleError(tr("The attribution rules"), now.version, JsonCodec::toJson(now));
    }
    static ApiError staleError(const User& now) { return staleError(now.email, now.version, JsonCodec::toJson(now)); }
    static ApiError staleError(const Role& now) { return staleError(now.name, now.version, JsonCodec::toJson(now)); }

    // A user the caller may read: any, with the platform's user.read; else one with a membership on
    // a tenant where the caller may read users (the memberships outside the caller's tenants are
    // left out). Others are "not found".
    UserDetail readableUser(RequestContext& context, const SqlSession& s, UserId id)
    {
        const ApiError notFound{404, u"NotFound"_s, tr("There is no user with id %1 that you may see.").arg(id), {}, {}};
        UserDetail detail;
        try {
            detail = s.userDetail(id);
        } catch (const StoreError& error) {
            if (error.code() == ErrorCode::NotFound)
                throw notFound;
            throw;
        }
        if (context.principal.platformPermissions.contains(Permission::UserRead))
            return detail;
        QHash<TenantId, Tenant> tenants;
        detail.memberships.removeIf([&](const UserMembership& m) {
            if (!tenants.contains(m.membership.tenantId))
                tenants.insert(m.membership.tenantId, s.tenant(m.membership.tenantId));
            return !Policy::canSee(context.principal, tenants.value(m.membership.tenantId));
        });
        const bool readable = std::any_of(detail.memberships.cbegin(), detail.memberships.cend(), [&](const UserMembership& m) {
            return Policy::allows(context.principal, Permission::UserRead, tenants.value(m.membership.tenantId));
        });
        if (!readable)
            throw notFound;
        return detail;
    }

    // A user the caller may change: with the platform's user.write, any; else one whose every
    // membership (seen in the platform scope) is on a tenant where the caller has user.write.
    User writableUser(RequestContext& context, const SqlSession& s, UserId id)
    {
        const UserDetail visible = readableUser(context, s, id);
        if (context.principal.platformPermissions.contains(Permission::UserWrite))
            return visible.user;
        const UserDetail all = session().userDetail(id);
        if (all.isPlatformPrincipal())
            throw ApiError{403, u"Forbidden"_s, tr("%1 is a platform principal; only a platform admin changes them.").arg(all.user.email), {}, {}};
        for (const UserMembership& m : all.memberships) {
            const Tenant tenant = session().tenant(m.membership.tenantId);
            if (!Policy::allows(context.principal, Permission::UserWrite, tenant))
                throw ApiError{403, u"Forbidden"_s,
                               tr("%1 also belongs to tenants you do not administer; ask a platform admin.").arg(all.user.email), {}, {}};
        }
        return visible.user;
    }

    // A role the caller may change: a custom role of a tenant where they have role.manage, or a
    // platform role with the platform's role.manage.
    Role manageableRole(RequestContext& context, SqlSession& s, RoleId id)
    {
        Role role;
        try {
            role = s.role(id);
        } catch (const StoreError& error) {
            if (error.code() == ErrorCode::NotFound)
                throw ApiError{404, u"NotFound"_s, tr("There is no role with id %1 that you may see.").arg(id), {}, {}};
            throw;
        }
        if (role.tenantId != 0)
            requireTenant(context, s, role.tenantId, Permission::RoleManage);
        else
            requirePlatform(context, Permission::RoleManage);
        return role;
    }

    // Delegated administration gives away no more than the giver holds: below the platform (without
    // `platformPermission`), a role defined or granted on `tenant` may carry only permissions the
    // caller holds there, its own and those of the roles it includes, so that no tenant admin makes
    // a role that retires or backs up their tenant and grants it to themselves.
    static void requireHeld(const RequestContext& context, const QString& platformPermission, const Tenant& tenant,
                            const QStringList& permissions, const QString& field)
    {
        if (context.principal.platformPermissions.contains(platformPermission))
            return;
        for (const QString& permission : permissions) {
            if (!Policy::allows(context.principal, permission, tenant))
                throw ApiError{403, u"Forbidden"_s,
                               tr("You may not give the permission %1: you do not hold it on this tenant yourself.").arg(permission),
                               field, {}};
        }
    }

    // The roles usable on `tenant` that the caller sees: the built-in roles and the custom roles of
    // the tenant and of its ancestors, less those of ancestors the caller does not see (as
    // PostgreSQL's row-level security hides them).
    static QList<Role> visibleRoles(const RequestContext& context, const SqlSession& s, const Tenant& tenant)
    {
        QList<Role> roles = s.roles(tenant.id);
        roles.removeIf([&](const Role& role) {
            const qsizetype depth = tenant.ancestorIds.indexOf(role.tenantId);
            if (role.tenantId == 0 || role.tenantId == tenant.id || depth < 0)
                return false;
            const Tenant ancestor{.id = role.tenantId, .ancestorIds = tenant.ancestorIds.first(depth)};
            return !Policy::canSee(context.principal, ancestor);
        });
        return roles;
    }

    // The permissions a role (with the roles it includes) gives on `tenant`, looked up among the
    // roles the caller sees there; none for another (the store refuses it).
    static QStringList permissionsOf(const RequestContext& context, const SqlSession& s, const Tenant& tenant,
                                     const std::function<bool(const Role&)>& which)
    {
        const QList<Role> known = visibleRoles(context, s, tenant);
        const auto role = std::find_if(known.cbegin(), known.cend(), which);
        return role == known.cend() ? QStringList() : Policy::flattenPermissions(*role, known);
    }

    // Below the platform's user.write, role `id` may be granted on `tenant` only when the caller
    // sees it there (404 otherwise, on SQLite as under row-level security) and holds every
    // permission it gives (requireHeld).
    static void requireGrantable(const RequestContext& context, const SqlSession& s, const Tenant& tenant, RoleId id,
                                 const QString& field)
    {
        if (context.principal.platformPermissions.contains(Permission::UserWrite))
            return;
        const QList<Role> known = visibleRoles(context, s, tenant);
        const auto role = std::find_if(known.cbegin(), known.cend(), [id](const Role& r) { return r.id == id; });
        if (role == known.cend())
            throw ApiError{404, u"NotFound"_s, tr("There is no role with id %1 that you may see.").arg(id), field, {}};
        requireHeld(context, Permission::UserWrite, tenant, Policy::flattenPermissions(*role, known), field);
    }

    // A session in the platform scope acting for the caller, for a change the policy has admitted
    // that row-level security would refuse in the caller's scope: a user is one record across
    // tenants, and a change of their profile or status is audited platform-wide.
    SqlSession platformSession(const RequestContext& context)
    {
        SqlSession s = session();
        s.setActor(context.principal.email);
        return s;
    }

    // The tenants among `ids` on which the caller holds billing.read (looked up in the platform
    // scope, with their ancestors); never 0, unallocated cost.
    QSet<TenantId> billingReadable(const RequestContext& context, const QList<TenantId>& ids)
    {
        QSet<TenantId> readable, checked;
        SqlSession s = session();
        for (TenantId id : ids) {
            if (id == 0 || checked.contains(id))
                continue;
            checked.insert(id);
            if (Policy::allows(context.principal, Permission::BillingRead, s.tenant(id)))
                readable.insert(id);
        }
        return readable;
    }

    void requirePlatform(const RequestContext& context, const QString& permission)
    {
        if (!context.principal.platformPermissions.contains(permission))
            throw ApiError{403, u"Forbidden"_s,
                           tr("This needs the platform-wide permission %1; name a tenant you administer instead.").arg(permission), {}, {}};
    }

    void admit(RequestContext& context, const Tenant& tenant)
    {
        const int limit = tenant.apiRateLimit.value_or(options.defaultRateLimit);
        const int wait = limiter.admit(tenant.id, limit);
        if (wait > 0)
            throw ApiError{429, u"RateLimited"_s,
                           tr("The tenant “%1” has used its %2 requests per minute; try again in %3 s.").arg(tenant.slug).arg(limit).arg(wait),
                           {}, {}, wait};
        context.response.set_header("X-RateLimit-Limit", std::to_string(limit));
    }

    // A tenant or an environment with its version as ETag (304 when a read's If-None-Match has it).
    template<typename T>
    static void sendVersioned(RequestContext& context, const T& object, int status = 200)
    {
        context.response.set_header("ETag", utf8(etagOf(object.version)));
        if (status == 200 && context.http.method == "GET"
            && context.http.get_header_value("If-None-Match") == utf8(etagOf(object.version))) {
            context.response.status = 304;
            return;
        }
        sendObject(context, object, status);
    }
    static void sendTenant(RequestContext& context, const Tenant& tenant, int status = 200)
    {
        sendVersioned(context, tenant, status);
    }
    static void sendEnvironment(RequestContext& context, const Environment& environment, int status = 200)
    {
        sendVersioned(context, environment, status);
    }
    // An object without an ETag: as it was before it was deleted, there is no version of it any more.
    template<typename T>
    static void sendObject(RequestContext& context, const T& object, int status = 200)
    {
        JsonWriter body;
        JsonCodec::writeItem(body, object);
        sendJson(context.response, status, body.text());
    }

    // Builds the principal of a user from their roles and memberships. A membership on a dormant
    // tenant (suspended, decommissioning or archived, or under a tenant that is) grants nothing
    // while it is: it is left out of the principal, and so of the access token's scopes.
    // A user who is no platform principal and whose every membership is on a dormant tenant may
    // not sign in at all (403, naming their tenant).
    Principal signInPrincipal(SqlSession& s, const User& user)
    {
        Principal principal;
        principal.userId = user.id;
        principal.email = user.email;
        const QList<Role> builtIn = s.roles(0);
        for (const Role& role : s.platformRolesOf(user.id)) {
            for (const QString& permission : Policy::flattenPermissions(role, builtIn)) {
                if (!principal.platformPermissions.contains(permission))
                    principal.platformPermissions.append(permission);
            }
        }
        principal.platformPermissions.sort();

        QHash<TenantId, Tenant> tenants;
        const auto tenantOf = [&](TenantId id) {
            auto it = tenants.find(id);
            if (it == tenants.end())
                it = tenants.insert(id, s.tenant(id));
            return *it; // a copy: a later insert may move the hash's items
        };
        QHash<TenantId, QList<Role>> roles;
        std::optional<ApiError> refusal;
        bool live = false;
        for (const MembershipEntry& m : s.membershipsOfUser(user.id)) {
            const Tenant tenant = tenantOf(m.tenantId);
            if (isDormant(tenant.status)) {
                if (!refusal)
                    refusal = ApiError{403, u"Forbidden"_s, tr("Your tenant “%1” is %2; ask a platform admin.")
                                                                .arg(tenant.displayName, tenantStatusKey(tenant.status)), {}, {}};
                continue;
            }
            const auto dormantAncestor = std::find_if(tenant.ancestorIds.cbegin(), tenant.ancestorIds.cend(),
                                                      [&](TenantId id) { return isDormant(tenantOf(id).status); });
            if (dormantAncestor != tenant.ancestorIds.cend()) {
                // The tenant above is not named: the user may not see it.
                if (!refusal)
                    refusal = ApiError{403, u"Forbidden"_s,
                                       tr("Your tenant “%1” is out of service: a tenant above it is %2; ask a platform admin.")
                                           .arg(tenant.displayName, tenantStatusKey(tenantOf(*dormantAncestor).status)), {}, {}};
                continue;
            }
            live = true;
            auto it = roles.find(m.tenantId);
            if (it == roles.end())
                it = roles.insert(m.tenantId, s.roles(m.tenantId));
            const auto role = std::find_if(it->cbegin(), it->cend(), [&m](const Role& r) { return r.id == m.roleId; });
            if (role != it->cend())
                principal.grants.append(Policy::grantFor(*role, tenant, m.environmentId, *it));
        }
        if (refusal && !live && !principal.isPlatformPrincipal())
            throw *refusal;
        return principal;
    }

    QJsonObject issueTokens(SqlSession& s, const User& user, const Principal& principal, const QString& family)
    {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QJsonObject claims = Policy::toClaims(principal);
        claims.insert(u"iss"_s, u"tenantdesk-server"_s);
        claims.insert(u"iat"_s, now.toSecsSinceEpoch());
        claims.insert(u"exp"_s, now.toSecsSinceEpoch() + options.accessTokenSeconds);
        claims.insert(u"jti"_s, QString::fromLatin1(randomToken(12)));
        const QByteArray access = Jwt::sign(claims, signingKey);
        const QByteArray refresh = randomToken(32);
        s.insertRefreshToken(user.id, family, sha256Hex(refresh), now.addDays(options.refreshTokenDays));
        return QJsonObject{
            {u"access_token"_s, QString::fromLatin1(access)},
            {u"token_type"_s, u"Bearer"_s},
            {u"expires_in"_s, options.accessTokenSeconds},
            {u"refresh_token"_s, QString::fromLatin1(refresh)},
            {u"user"_s, JsonCodec::toJson(user)},
        };
    }

    void addRoutes();
};

void ApiServer::Impl::addRoutes()
{
    route("GET", u"/healthz"_s, Access::Public, [this](RequestContext& c) {
        SqlSession s = session();
        s.platform(); // the database answers
        sendJson(c.response, 200, QJsonObject{{u"status"_s, u"ok"_s},
                                              {u"version"_s, QCoreApplication::applicationVersion()},
                                              {u"schema_version"_s, schemaVersion}});
    });

    // Sign-in. Failures say the same whether the e-mail or the password was wrong.
    route("POST", u"/api/v1/auth/login"_s, Access::Public, [this](RequestContext& c) {
        const QJsonObject body = jsonBody(c);
        ApiRequest::onlyFields(body, {u"email"_s, u"password"_s});
        const QString email = ApiRequest::requiredText(body, u"email"_s, 320);
        const QString password = ApiRequest::requiredText(body, u"password"_s, 1024);
        SqlSession s = session();
        const auto credential = s.credentialByEmail(email);
        // A hash is computed even for an unknown e-mail, so the answer takes as long either way.
        static const QString decoy = PasswordHash::hash(u"decoy-password"_s);
        const bool passwordOk = PasswordHash::verify(password, credential ? credential->passwordHash : decoy);
        if (!credential || !passwordOk || credential->user.status != UserStatus::Active)
            throw ApiError{401, u"Unauthenticated"_s, tr("The e-mail or the password is wrong, or the account is not active."), {}, {}};
        const Principal principal = signInPrincipal(s, credential->user);
        s.recordSignIn(credential->user.id);
        sendJson(c.response, 200, issueTokens(s, credential->user, principal, QUuid::createUuid().toString(QUuid::WithoutBraces)));
    });

    // Rotation: each refresh token works once; using one twice revokes its whole family.
    route("POST", u"/api/v1/auth/refresh"_s, Access::Public, [this](RequestContext& c) {
        const QJsonObject body = jsonBody(c);
        ApiRequest::onlyFields(body, {u"refresh_token"_s});
        const QByteArray token = ApiRequest::requiredText(body, u"refresh_token"_s, 200).toLatin1();
        SqlSession s = session();
        const auto record = s.refreshToken(sha256Hex(token));
        const ApiError refused{401, u"Unauthenticated"_s, tr("The session has ended; sign in again."), {}, {}};
        if (!record || record->expiresAt < QDateTime::currentDateTimeUtc())
            throw refused;
        if (record->revoked || !s.revokeRefreshToken(record->id)) {
            s.revokeRefreshFamily(record->family); // a reused token: someone else may hold a copy
            throw refused;
        }
        const User user = s.userById(record->userId);
        if (user.status != UserStatus::Active)
            throw refused;
        Principal principal;
        try {
            principal = signInPrincipal(s, user);
        } catch (const ApiError&) {
            s.revokeRefreshFamily(record->family); // the session ends with its tenant's service
            throw;
        }
        sendJson(c.response, 200, issueTokens(s, user, principal, record->family));
    });

    route("POST", u"/api/v1/auth/logout"_s, Access::Public, [this](RequestContext& c) {
        const QJsonObject body = jsonBody(c);
        ApiRequest::onlyFields(body, {u"refresh_token"_s});
        const QByteArray token = ApiRequest::requiredText(body, u"refresh_token"_s, 200).toLatin1();
        SqlSession s = session();
        if (const auto record = s.refreshToken(sha256Hex(token)))
            s.revokeRefreshFamily(record->family);
        c.response.status = 204;
    });

    route("GET", u"/api/v1/platform"_s, Access::SignedIn, [this](RequestContext& c) {
        sendJson(c.response, 200, JsonCodec::toJson(session(&c.principal).platform()));
    });

    route("GET", u"/api/v1/platform/summary"_s, Access::SignedIn, [this](RequestContext& c) {
        requirePlatform(c, Permission::TenantRead);
        sendJson(c.response, 200, JsonCodec::toJson(session(&c.principal).platformSummary()));
    });

    route("GET", u"/api/v1/tenants"_s, Access::SignedIn, [this](RequestContext& c) {
        const Params p(c.http.params, {"parent_id", "sort", "order", "limit", "cursor"});
        SqlSession s = session(&c.principal);
        const auto [query, sortKey, orderKey] = ApiRequest::tenantQuery(p);
        Page<Tenant> page;
        if (query.parentId != 0) {
            requireTenant(c, s, query.parentId, Permission::TenantRead);
            page = s.tenants(query);
        } else if (c.principal.platformPermissions.contains(Permission::TenantRead)) {
            page = s.tenants(query);
        } else {
            // Below the platform, a tenant-scoped caller sees the tenants they were given.
            for (TenantId root : Policy::scopeRoots(c.principal).roots) {
                const Tenant tenant = s.tenant(root);
                if (Policy::allows(c.principal, Permission::TenantRead, tenant))
                    page.items.append(tenant);
            }
            std::sort(page.items.begin(), page.items.end(), [](const Tenant& a, const Tenant& b) {
                return std::tie(a.displayName, a.id) < std::tie(b.displayName, b.id);
            });
        }
        page.nextCursor = apiCursor(page.nextCursor, sortKey, orderKey);
        sendJson(c.response, 200, JsonCodec::pageText(page));
    });

    route("GET", u"/api/v1/tenants/search"_s, Access::SignedIn, [this](RequestContext& c) {
        const Params p(c.http.params, {"q", "limit"});
        SqlSession s = session(&c.principal);
        TenantSearchResult result = s.searchTenants(p.text(u"q"_s), p.limit(100));
        if (!c.principal.platformPermissions.contains(Permission::TenantRead)) {
            // Matches the caller may read, under the path the caller may see: nothing above the
            // tenants they were given, as PostgreSQL's row-level security hides it too.
            result.matches.removeIf([&c](const Tenant& t) { return !Policy::allows(c.principal, Permission::TenantRead, t); });
            result.ancestors.removeIf([&c](const Tenant& t) { return !Policy::canSee(c.principal, t); });
        }
        sendJson(c.response, 200, JsonCodec::toJson(result));
    });

    route("GET", u"/api/v1/tenants/by-slug/{slug}"_s, Access::SignedIn, [this](RequestContext& c) {
        const QString slug = QUrl::fromPercentEncoding(c.captures.value(0).toUtf8());
        if (const QString problem = validateTenantSlug(slug); !problem.isEmpty())
            throw ApiError{400, u"Invalid"_s, u"slug: "_s + problem, u"slug"_s, {}};
        SqlSession s = session(&c.principal);
        Tenant tenant;
        try {
            tenant = s.tenantBySlug(slug);
        } catch (const StoreError& error) {
            if (error.code() == ErrorCode::NotFound)
                throw ApiError{404, u"NotFound"_s, tr("There is no tenant with this slug that you may see."), {}, {}};
            throw;
        }
        sendTenant(c, requireTenant(c, s, tenant.id, Permission::TenantRead));
    });

    route("GET", u"/api/v1/tenants/{id}"_s, Access::SignedIn, [this](RequestContext& c) {
        SqlSession s = session(&c.principal);
        sendTenant(c, requireTenant(c, s, c.pathId(0), Permission::TenantRead));
    });

    route("PATCH", u"/api/v1/tenants/{id}"_s, Access::SignedIn, [this](RequestContext& c) {
        SqlSession s = session(&c.principal);
        const Tenant current = requireTenant(c, s, c.pathId(0), Permission::TenantUpdate);
        const qint64 expected = matchedVersion(c, current);
        const TenantChange change = JsonCodec::tenantChangeFromJson(jsonBody(c));
        sendTenant(c, versioned(expected, [&] { return s.updateTenant(current.id, change, expected); },
                                [&] { return s.tenant(current.id); }));
    });

    // Tenant administration. A change names the version it was made on (If-Match), as above.

    route("POST", u"/api/v1/tenants"_s, Access::SignedIn, [this](RequestContext& c) {
        const NewTenant tenant = JsonCodec::newTenantFromJson(jsonBody(c));
        SqlSession s = session(&c.principal);
        if (tenant.parentId != 0)
            requireTenant(c, s, tenant.parentId, Permission::TenantCreate);
        else
            requirePlatform(c, Permission::TenantCreate);
        const Tenant created = s.createTenant(tenant);
        c.response.set_header("Location", utf8(u"/api/v1/tenants/"_s + QString::number(created.id)));
        sendTenant(c, created, 201);
    });

    route("POST", u"/api/v1/tenants/{id}/move"_s, Access::SignedIn, [this](RequestContext& c) {
        SqlSession s = session(&c.principal);
        const Tenant current = requireTenant(c, s, c.pathId(0), Permission::TenantUpdate);
        const qint64 expected = matchedVersion(c, current);
        const TenantId parentId = ApiRequest::moveParent(jsonBody(c));
        // The caller changes both places: where the tenant was (it) and where it goes.
        if (parentId != 0)
            visibleTenant(c, s, parentId, Permission::TenantUpdate);
        else
            requirePlatform(c, Permission::TenantUpdate);
        sendTenant(c, versioned(expected, [&] { return s.moveTenant(current.id, parentId, expected); },
                                [&] { return s.tenant(current.id); }));
    });

    route("POST", u"/api/v1/tenants/{id}/status"_s, Access::SignedIn, [this](RequestContext& c) {
        SqlSession s = session(&c.principal);
        const Tenant current = requireTenant(c, s, c.pathId(0), Permission::TenantLifecycle);
        const qint64 expected = matchedVersion(c, current);
        const TenantStatus status = ApiRequest::tenantStatusChange(jsonBody(c));
        sendTenant(c, versioned(expected, [&] { return s.changeTenantStatus(current.id, status, expected); },
                                [&] { return s.tenant(current.id); }));
    });

    route("POST", u"/api/v1/tenants/{id}/decommission"_s, Access::SignedIn, [this](RequestContext& c) {
        SqlSession s = session(&c.principal);
        const Tenant current = requireTenant(c, s, c.pathId(0), Permission::TenantLifecycle);
        const qint64 expected = matchedVersion(c, current);
        const DecommissionStepDone step = JsonCodec::decommissionStepFromJson(jsonBody(c));
        sendTenant(c, versioned(expected, [&] { return s.completeDecommissionStep(current.id, step, expected); },
                                [&] { return s.tenant(current.id); }));
    });

    route("GET", u"/api/v1/tenants/{id}/backup"_s, Access::SignedIn, [this](RequestContext& c) {
        SqlSession s = session(&c.principal);
        const Tenant tenant = requireTenant(c, s, c.pathId(0), Permission::TenantLifecycle);
        const QByteArray backup = s.backUpTenant(tenant.id);
        // A slug is lower-case letters, digits, dots and hyphens: nothing to quote.
        c.response.set_header("Content-Disposition", utf8(u"attachment; filename=\""_s + tenant.slug + u".tenantdesk-backup.json\""_s));
        sendJson(c.response, 200, backup);
    });

    // A backup may hold a tenant's whole history: its body may be as large as --max-backup-bytes,
    // read only once the caller is known to be allowed to restore.
    route("POST", u"/api/v1/tenants/restore"_s, Access::SignedIn, [this](RequestContext& c) {
        requirePlatform(c, Permission::TenantLifecycle);
        const QJsonObject body = jsonBody(c, options.maxBackupBytes);
        ApiRequest::onlyFields(body, {u"backup"_s, u"parent_id"_s});
        const QJsonValue backup = body.value(u"backup"_s);
        if (!backup.isObject())
            throw ApiError{400, u"Invalid"_s, tr("backup: required, the backup document (a JSON object)."), u"backup"_s, {}};
        const std::optional<TenantId> parentId = ApiRequest::idField(body, u"parent_id"_s);
        SqlSession s = session(&c.principal);
        if (parentId && *parentId != 0)
            visibleTenant(c, s, *parentId, Permission::TenantLifecycle);
        const Tenant restored = s.restoreTenant(QJsonDocument(backup.toObject()).toJson(QJsonDocument::Compact), parentId);
        c.response.set_header("Location", utf8(u"/api/v1/tenants/"_s + QString::number(restored.id)));
        sendTenant(c, restored, 201);
    });

    route("DELETE", u"/api/v1/tenants/{id}"_s, Access::SignedIn, [this](RequestContext& c) {
        const Params p(c.http.params, {"confirm_slug"});
        SqlSession s = session(&c.principal);
        const Tenant current = requireTenant(c, s, c.pathId(0), Permission::TenantLifecycle);
        const qint64 expected = matchedVersion(c, current);
        sendObject(c, versioned(expected, [&] { return s.deleteTenant(current.id, p.text(u"confirm_slug"_s), expected); },
                                [&] { return s.tenant(current.id); }));
    });

    route("POST", u"/api/v1/tenants/{id}/environments"_s, Access::SignedIn, [this](RequestContext& c) {
        SqlSession s = session(&c.principal);
        const Tenant tenant = requireTenant(c, s, c.pathId(0), Permission::EnvironmentManage);
        const NewEnvironment environment = JsonCodec::newEnvironmentFromJson(jsonBody(c));
        sendEnvironment(c, s.addEnvironment(tenant.id, environment), 201);
    });

    route("GET", u"/api/v1/tenants/{id}/summary"_s, Access::SignedIn, [this](RequestContext& c) {
        SqlSession s = session(&c.principal);
        requireTenant(c, s, c.pathId(0), Permission::TenantRead);
        TenantSummary summary = s.tenantSummary(c.pathId(0));
        // The path down to the tenant starts at the top of what the caller sees.
        summary.ancestors.removeIf([&c](const Tenant& t) { return !Policy::canSee(c.principal, t); });
        sendJson(c.response, 200, JsonCodec::toJson(summary));
    });

    route("GET", u"/api/v1/tenants/{id}/environments"_s, Access::SignedIn, [this](RequestContext& c) {
        SqlSession s = session(&c.principal);
        requireTenant(c, s, c.pathId(0), Permission::TenantRead);
        sendJson(c.response, 200, JsonCodec::listText(s.environments(c.pathId(0))));
    });

    route("GET", u"/api/v1/tenants/{id}/memberships"_s, Access::SignedIn, [this](RequestContext& c) {
        const Params p(c.http.params, {"user_id", "limit", "cursor"});
        SqlSession s = session(&c.principal);
        requireTenant(c, s, c.pathId(0), Permission::UserRead);
        const MembershipQuery query = ApiRequest::membershipQuery(p, c.pathId(0));
        sendJson(c.response, 200, JsonCodec::pageText(s.memberships(query)));
    });

    route("GET", u"/api/v1/tenants/{id}/roles"_s, Access::SignedIn, [this](RequestContext& c) {
        SqlSession s = session(&c.principal);
        const Tenant tenant = requireTenant(c, s, c.pathId(0), Permission::TenantRead);
        // The custom roles of ancestors the caller does not see stay hidden, as they are on PostgreSQL.
        sendJson(c.response, 200, JsonCodec::listText(visibleRoles(c, s, tenant)));
    });

    route("GET", u"/api/v1/roles"_s, Access::SignedIn, [this](RequestContext& c) {
        sendJson(c.response, 200, JsonCodec::listText(session(&c.principal).roles(0)));
    });

    route("GET", u"/api/v1/environments/{id}/summary"_s, Access::SignedIn, [this](RequestContext& c) {
        SqlSession s = session(&c.principal);
        EnvironmentSummary summary;
        try {
            summary = s.environmentSummary(c.pathId(0));
        } catch (const StoreError& error) {
            if (error.code() == ErrorCode::NotFound)
                throw ApiError{404, u"NotFound"_s, tr("There is no environment with id %1 that you may see.").arg(c.pathId(0)), {}, {}};
            throw;
        }
        if (!Policy::canSee(c.principal, summary.tenant))
            throw ApiError{404, u"NotFound"_s, tr("There is no environment with id %1 that you may see.").arg(c.pathId(0)), {}, {}};
        requireTenant(c, s, summary.tenant.id, Permission::TenantRead);
        sendJson(c.response, 200, JsonCodec::toJson(summary));
    });

    route("PATCH", u"/api/v1/environments/{id}"_s, Access::SignedIn, [this](RequestContext& c) {
        SqlSession s = session(&c.principal);
        const Environment current = requireEnvironment(c, s, c.pathId(0), Permission::EnvironmentManage);
        const qint64 expected = matchedVersion(c, current);
        const EnvironmentChange change = JsonCodec::environmentChangeFromJson(jsonBody(c));
        sendEnvironment(c, versioned(expected, [&] { return s.updateEnvironment(current.id, change, expected); },
                                     [&] { return s.environmentSummary(current.id).environment; }));
    });

    route("DELETE", u"/api/v1/environments/{id}"_s, Access::SignedIn, [this](RequestContext& c) {
        SqlSession s = session(&c.principal);
        const Environment current = requireEnvironment(c, s, c.pathId(0), Permission::EnvironmentManage);
        const qint64 expected = matchedVersion(c, current);
        sendObject(c, versioned(expected, [&] { return s.removeEnvironment(current.id, expected); },
                                [&] { return s.environmentSummary(current.id).environment; }));
    });

    // Copies settings from another environment of the same tenant: a change of this one, the target.
    route("POST", u"/api/v1/environments/{id}/promote"_s, Access::SignedIn, [this](RequestContext& c) {
        SqlSession s = session(&c.principal);
        const Environment target = requireEnvironment(c, s, c.pathId(0), Permission::EnvironmentManage);
        const qint64 expected = matchedVersion(c, target);
        const ApiRequest::Promotion promotion = ApiRequest::promotion(jsonBody(c));
        // Reading the source's settings needs no more than reading them; one the caller cannot see
        // is not found, whatever tenant it belongs to.
        visibleEnvironment(c, s, promotion.sourceId, Permission::TenantRead);
        sendEnvironment(c, versioned(expected, [&] { return s.promoteEnvironment(promotion.sourceId, target.id, promotion.keys, expected); },
                                     [&] { return s.environmentSummary(target.id).environment; }));
    });

    route("GET", u"/api/v1/users"_s, Access::SignedIn, [this](RequestContext& c) {
        const Params p(c.http.params, {"tenant_id", "environment_id", "role_id", "status", "q", "sort", "order", "limit", "cursor"});
        SqlSession s = session(&c.principal);
        const auto [query, sortKey, orderKey] = ApiRequest::userQuery(p);
        if (query.tenantId != 0)
            requireTenant(c, s, query.tenantId, Permission::UserRead);
        else
            requirePlatform(c, Permission::UserRead);
        Page<User> page = s.users(query);
        page.nextCursor = apiCursor(page.nextCursor, sortKey, orderKey);
        sendJson(c.response, 200, JsonCodec::pageText(page));
    });

    // Users, roles and memberships. A tenant admin reaches a user through a membership on a tenant
    // they may read users of; changing a user's profile or status needs user.write on every tenant
    // the user belongs to (or the platform's), so that no tenant changes another's people.

    route("GET", u"/api/v1/me"_s, Access::SignedIn, [](RequestContext& c) {
        sendJson(c.response, 200, JsonCodec::toJson(c.principal));
    });

    route("GET", u"/api/v1/users/{id}"_s, Access::SignedIn, [this](RequestContext& c) {
        SqlSession s = session(&c.principal);
        const UserDetail detail = readableUser(c, s, c.pathId(0));
        c.response.set_header("ETag", utf8(etagOf(detail.user.version)));
        sendJson(c.response, 200, JsonCodec::toJson(detail));
    });

    route("POST", u"/api/v1/users"_s, Access::SignedIn, [this](RequestContext& c) {
        const NewUser user = JsonCodec::newUserFromJson(jsonBody(c));
        SqlSession s = session(&c.principal);
        if (user.membership) {
            const Tenant tenant = requireTenant(c, s, user.membership->tenantId, Permission::UserWrite);
            requireGrantable(c, s, tenant, user.membership->roleId, u"membership.role_id"_s);
        } else {
            requirePlatform(c, Permission::UserWrite);
        }
        const User created = s.createUser(user);
        c.response.set_header("Location", utf8(u"/api/v1/users/"_s + QString::number(created.id)));
        sendVersioned(c, created, 201);
    });

    route("PATCH", u"/api/v1/users/{id}"_s, Access::SignedIn, [this](RequestContext& c) {
        SqlSession s = session(&c.principal);
        const User current = writableUser(c, s, c.pathId(0));
        const qint64 expected = matchedVersion(c, current);
        const UserChange change = JsonCodec::userChangeFromJson(jsonBody(c));
        SqlSession writer = platformSession(c); // admitted by writableUser
        sendVersioned(c, versioned(expected, [&] { return writer.updateUser(current.id, change, expected); },
                                   [&] { return s.userById(current.id); }));
    });

    route("GET", u"/api/v1/users/{id}/effective-permissions"_s, Access::SignedIn, [this](RequestContext& c) {
        const Params p(c.http.params, {"tenant_id"});
        if (!p.has(u"tenant_id"_s))
            throw ApiError{400, u"Invalid"_s, tr("tenant_id: required: the tenant the permissions are held on."), u"tenant_id"_s, {}};
        SqlSession s = session(&c.principal);
        const Tenant tenant = requireTenant(c, s, p.id(u"tenant_id"_s), Permission::UserRead);
        readableUser(c, s, c.pathId(0));
        EffectivePermissions permissions = s.effectivePermissions(c.pathId(0), tenant.id);
        // A grant on an ancestor the caller does not see is left out, as row-level security leaves
        // it out on PostgreSQL: it would name that tenant.
        for (EffectivePermission& permission : permissions.permissions) {
            permission.sources.removeIf([&](const PermissionSource& source) {
                const qsizetype depth = tenant.ancestorIds.indexOf(source.grantedOnTenantId);
                if (source.platform || depth < 0)
                    return false;
                const Tenant ancestor{.id = source.grantedOnTenantId, .ancestorIds = tenant.ancestorIds.first(depth)};
                return !Policy::canSee(c.principal, ancestor);
            });
        }
        permissions.permissions.removeIf([](const EffectivePermission& permission) { return permission.sources.isEmpty(); });
        sendJson(c.response, 200, JsonCodec::toJson(permissions));
    });

    route("GET", u"/api/v1/users/{id}/principal"_s, Access::SignedIn, [this](RequestContext& c) {
        requirePlatform(c, Permission::UserRead);
        SqlSession s = session(&c.principal);
        sendJson(c.response, 200, JsonCodec::toJson(s.principalOf(c.pathId(0))));
    });

    route("POST", u"/api/v1/memberships"_s, Access::SignedIn, [this](RequestContext& c) {
        const Membership m = JsonCodec::membershipIdsFromJson(jsonBody(c));
        SqlSession s = session(&c.principal);
        const Tenant tenant = requireTenant(c, s, m.tenantId, Permission::UserWrite);
        requireGrantable(c, s, tenant, m.roleId, u"role_id"_s);
        sendJson(c.response, 201, JsonCodec::toJson(s.grantMembership(m)));
    });

    route("POST", u"/api/v1/memberships/revoke"_s, Access::SignedIn, [this](RequestContext& c) {
        const Membership m = JsonCodec::membershipIdsFromJson(jsonBody(c));
        SqlSession s = session(&c.principal);
        requireTenant(c, s, m.tenantId, Permission::UserWrite);
        sendJson(c.response, 200, JsonCodec::toJson(s.revokeMembership(m)));
    });

    route("POST", u"/api/v1/roles"_s, Access::SignedIn, [this](RequestContext& c) {
        const NewRole role = JsonCodec::newRoleFromJson(jsonBody(c));
        SqlSession s = session(&c.principal);
        if (role.tenantId != 0) {
            const Tenant tenant = requireTenant(c, s, role.tenantId, Permission::RoleManage);
            const Role draft{.tenantId = role.tenantId, .scope = role.scope, .permissions = role.permissions,
                             .includedRoleIds = role.includedRoleIds};
            requireHeld(c, Permission::RoleManage, tenant, Policy::flattenPermissions(draft, visibleRoles(c, s, tenant)),
                        u"permissions"_s);
        } else {
            requirePlatform(c, Permission::RoleManage);
        }
        const Role created = s.createRole(role);
        c.response.set_header("Location", utf8(u"/api/v1/roles/"_s + QString::number(created.id)));
        sendVersioned(c, created, 201);
    });

    route("PATCH", u"/api/v1/roles/{id}"_s, Access::SignedIn, [this](RequestContext& c) {
        SqlSession s = session(&c.principal);
        const Role current = manageableRole(c, s, c.pathId(0));
        const qint64 expected = matchedVersion(c, current);
        const RoleChange change = JsonCodec::roleChangeFromJson(jsonBody(c));
        if (current.tenantId != 0 && !current.builtIn) {
            Role draft = current;
            draft.permissions = change.permissions.value_or(current.permissions);
            draft.includedRoleIds = change.includedRoleIds.value_or(current.includedRoleIds);
            const Tenant tenant = s.tenant(current.tenantId);
            QList<Role> known = visibleRoles(c, s, tenant);
            known.removeIf([&](const Role& role) { return role.id == current.id; });
            known.append(draft);
            requireHeld(c, Permission::RoleManage, tenant, Policy::flattenPermissions(draft, known), u"permissions"_s);
        }
        sendVersioned(c, versioned(expected, [&] { return s.updateRole(current.id, change, expected); },
                                   [&] { return s.role(current.id); }));
    });

    route("DELETE", u"/api/v1/roles/{id}"_s, Access::SignedIn, [this](RequestContext& c) {
        SqlSession s = session(&c.principal);
        const Role current = manageableRole(c, s, c.pathId(0));
        const qint64 expected = matchedVersion(c, current);
        sendObject(c, versioned(expected, [&] { return s.deleteRole(current.id, expected); }, [&] { return s.role(current.id); }));
    });

    route("POST", u"/api/v1/users/bulk"_s, Access::SignedIn, [this](RequestContext& c) {
        const BulkUserAction action = JsonCodec::bulkUserActionFromJson(jsonBody(c, options.maxBodyBytes * 16));
        SqlSession s = session(&c.principal);
        switch (action.kind) {
        case BulkUserActionKind::SetStatus:
        case BulkUserActionKind::RestoreStatus:
            for (UserId id : action.userIds)
                writableUser(c, s, id);
            if (action.tenantId != 0)
                requireTenant(c, s, action.tenantId, Permission::UserWrite);
            break;
        case BulkUserActionKind::GrantRole: {
            const Tenant tenant = requireTenant(c, s, action.tenantId, Permission::UserWrite);
            requireGrantable(c, s, tenant, action.roleId, u"role_id"_s);
            break;
        }
        case BulkUserActionKind::RevokeRole:
            requireTenant(c, s, action.tenantId, Permission::UserWrite);
            break;
        case BulkUserActionKind::Move:
            requireTenant(c, s, action.tenantId, Permission::UserWrite);
            requireTenant(c, s, action.targetTenantId, Permission::UserWrite);
            break;
        }
        // Statuses are changed as PATCH /api/v1/users/{id} changes them, admitted by writableUser.
        SqlSession writer = action.kind == BulkUserActionKind::SetStatus ? platformSession(c) : session(&c.principal);
        sendJson(c.response, 200, JsonCodec::toJson(writer.applyBulkUserAction(action)));
    });

    route("POST", u"/api/v1/import"_s, Access::SignedIn, [this](RequestContext& c) {
        const Params p(c.http.params, {"dry_run"});
        const DirectoryImport import = JsonCodec::directoryImportFromJson(jsonBody(c, options.maxBodyBytes * 64));
        SqlSession s = session(&c.principal);
        // Every tenant the import writes to must be one the caller administers.
        if (import.createTenant)
            requirePlatform(c, Permission::TenantCreate);
        QSet<QString> slugs;
        if (!import.createTenant && !import.tenantSlug.isEmpty())
            slugs.insert(import.tenantSlug);
        for (const ImportUser& user : import.users) {
            for (const ImportMembership& m : user.memberships) {
                if (!m.tenantSlug.isEmpty() && m.tenantSlug != import.tenantSlug)
                    slugs.insert(m.tenantSlug);
            }
        }
        if (slugs.isEmpty() && !import.createTenant)
            requirePlatform(c, Permission::UserWrite);
        QHash<QString, Tenant> written; // the tenants the import writes to, by slug
        for (const QString& slug : std::as_const(slugs)) {
            std::optional<Tenant> tenant;
            try {
                tenant = s.tenantBySlug(slug);
            } catch (const StoreError& error) {
                if (error.code() != ErrorCode::NotFound)
                    throw;
            }
            if (tenant && Policy::canSee(c.principal, *tenant)) {
                requireTenant(c, s, tenant->id, Permission::UserWrite);
                if (!import.roles.isEmpty() && slug == import.tenantSlug)
                    requireTenant(c, s, tenant->id, Permission::RoleManage);
                written.insert(slug, *tenant);
            } else if (!c.principal.platformPermissions.contains(Permission::UserWrite)) {
                // Not revealed: the store's check reports the tenant as unknown to a platform admin.
                throw ApiError{404, u"NotFound"_s, tr("There is no tenant “%1” that you may see.").arg(slug), {}, {}};
            }
        }
        // The roles an import defines and grants give no more than the caller holds (requireHeld).
        if (const auto home = written.constFind(import.tenantSlug); home != written.cend()) {
            for (const ImportRole& role : import.roles) {
                QStringList permissions = role.permissions;
                for (const QString& included : role.includedRoleNames)
                    permissions += permissionsOf(c, s, *home, [&](const Role& r) { return r.name == included; });
                requireHeld(c, Permission::RoleManage, *home, permissions, u"roles"_s);
            }
        }
        for (const ImportUser& user : import.users) {
            for (const ImportMembership& m : user.memberships) {
                const auto tenant = written.constFind(m.tenantSlug.isEmpty() ? import.tenantSlug : m.tenantSlug);
                const bool defined = std::any_of(import.roles.cbegin(), import.roles.cend(),
                                                 [&](const ImportRole& role) { return role.name == m.roleName; });
                if (tenant != written.cend() && !(defined && tenant.key() == import.tenantSlug))
                    requireHeld(c, Permission::UserWrite, *tenant,
                                permissionsOf(c, s, *tenant, [&](const Role& r) { return r.name == m.roleName; }), u"users"_s);
            }
        }
        const bool dryRun = p.has(u"dry_run"_s) && p.text(u"dry_run"_s) != u"false"_s && p.text(u"dry_run"_s) != u"0"_s;
        sendJson(c.response, 200, JsonCodec::toJson(s.importDirectory(import, dryRun)));
    });

    route("GET", u"/api/v1/audit"_s, Access::SignedIn, [this](RequestContext& c) {
        const Params p(c.http.params, {"tenant_id", "actor", "action", "from", "to", "text", "limit", "cursor"});
        SqlSession s = session(&c.principal);
        const AuditQuery query = ApiRequest::auditQuery(p);
        if (query.tenantId != 0)
            requireTenant(c, s, query.tenantId, Permission::AuditRead);
        else
            requirePlatform(c, Permission::AuditRead);
        sendJson(c.response, 200, JsonCodec::pageText(s.auditEvents(query)));
    });

    route("GET", u"/api/v1/audit/verify"_s, Access::SignedIn, [this](RequestContext& c) {
        const Params p(c.http.params, {});
        requirePlatform(c, Permission::AuditRead);
        SqlSession s = session(&c.principal);
        sendJson(c.response, 200, JsonCodec::toJson(s.verifyAuditTrail()));
    });

    route("GET", u"/api/v1/usage"_s, Access::SignedIn, [this](RequestContext& c) {
        const Params p(c.http.params, {"tenant_id", "environment_id", "metric", "from", "to"});
        const UsageQuery query = ApiRequest::usageQuery(p);
        SqlSession s = session(&c.principal);
        requireTenant(c, s, query.tenantId, Permission::UsageRead);
        sendJson(c.response, 200, JsonCodec::listText(s.usage(query)));
    });

    route("GET", u"/api/v1/usage/totals"_s, Access::SignedIn, [this](RequestContext& c) {
        const Params p(c.http.params, {"metric", "from", "to", "limit", "parent_id"});
        const UsageTotalsQuery query = ApiRequest::usageTotalsQuery(p);
        // Only the tenants whose usage the caller may read take part in the comparison.
        SqlSession s = sessionFor(c.principal, Permission::UsageRead);
        if (query.parentId > 0)
            requireTenant(c, s, query.parentId, Permission::UsageRead);
        sendJson(c.response, 200, JsonCodec::listText(s.usageTotals(query)));
    });

    // Billing imports: the platform's. The file is the body (streamed to a temporary file of the
    // name given, which the import records), imported in one transaction like a local import.
    route("POST", u"/api/v1/billing/imports"_s, Access::SignedIn, [this](RequestContext& c) {
        const Params p(c.http.params, {"format", "on_duplicate", "tenant_tag_key", "file_name"});
        requirePlatform(c, Permission::BillingRead);
        requirePlatform(c, Permission::TenantUpdate);
        const std::string type = c.http.get_header_value("Content-Type");
        const bool accepted = type.empty() || type.rfind("application/octet-stream", 0) == 0
            || type.rfind("application/gzip", 0) == 0 || type.rfind("application/zip", 0) == 0
            || type.rfind("text/csv", 0) == 0;
        if (!accepted)
            throw ApiError{415, u"Invalid"_s, tr("The body must be the billing file itself (Content-Type: "
                                                 "application/octet-stream, application/gzip, application/zip or text/csv)."),
                           u"body"_s, {}};
        QString fileName;
        BillingImportRequest request = ApiRequest::billingImportRequest(p, &fileName);
        QTemporaryDir directory;
        if (!directory.isValid())
            throw ApiError{503, u"Unavailable"_s, tr("The server could not keep the uploaded file (no temporary directory)."), {}, {}};
        request.path = directory.filePath(fileName);
        {
            QFile file(request.path);
            if (!file.open(QIODevice::WriteOnly))
                throw ApiError{503, u"Unavailable"_s, tr("The server could not keep the uploaded file."), {}, {}};
            c.readBodyInto(file, options.maxBillingImportBytes);
            if (!file.flush())
                throw ApiError{503, u"Unavailable"_s, tr("The server could not keep the uploaded file (its disk may be full)."), {}, {}};
        }
        SqlSession s = session(&c.principal);
        const BillingImportResult result = s.importBilling(request);
        sendJson(c.response, result.skipped ? 200 : 201, JsonCodec::toJson(result));
    });

    route("GET", u"/api/v1/billing/imports"_s, Access::SignedIn, [this](RequestContext& c) {
        const Params p(c.http.params, {});
        requirePlatform(c, Permission::BillingRead);
        SqlSession s = session(&c.principal);
        sendJson(c.response, 200, JsonCodec::listText(s.billingImports()));
    });

    route("DELETE", u"/api/v1/billing/imports/{id}"_s, Access::SignedIn, [this](RequestContext& c) {
        const Params p(c.http.params, {});
        requirePlatform(c, Permission::BillingRead);
        requirePlatform(c, Permission::TenantUpdate);
        SqlSession s = session(&c.principal);
        sendJson(c.response, 200, JsonCodec::toJson(s.deleteBillingImport(c.pathId(0))));
    });

    route("GET", u"/api/v1/billing/summary"_s, Access::SignedIn, [this](RequestContext& c) {
        const Params p(c.http.params, {"tenant_id", "from", "to"});
        SqlSession s = session(&c.principal);
        const BillingQuery query = ApiRequest::billingQuery(p);
        if (query.tenantId != 0)
            requireTenant(c, s, query.tenantId, Permission::BillingRead);
        else
            requirePlatform(c, Permission::BillingRead);
        sendJson(c.response, 200, JsonCodec::listText(s.billingSummary(query)));
    });

    // Billing review. The attribution rules and budgets are the platform's: read and changed with
    // the platform's billing.read. Totals are computed in the platform scope (a tenant's share of a
    // shared cost needs the shared pool) and then filtered by the policy: a caller below the
    // platform gets the rows of the tenants where they hold billing.read, never unallocated cost or
    // the shared pools, and the lines of one such tenant at a time.

    route("GET", u"/api/v1/billing/attribution-rules"_s, Access::SignedIn, [this](RequestContext& c) {
        const Params p(c.http.params, {});
        requirePlatform(c, Permission::BillingRead);
        sendVersioned(c, platformSession(c).attributionRules());
    });

    route("PUT", u"/api/v1/billing/attribution-rules"_s, Access::SignedIn, [this](RequestContext& c) {
        const Params p(c.http.params, {});
        requirePlatform(c, Permission::BillingRead);
        SqlSession s = platformSession(c);
        const AttributionRules current = s.attributionRules();
        const qint64 expected = matchedVersion(c, current);
        const AttributionRules rules = JsonCodec::attributionRulesFromJson(jsonBody(c));
        const AttributionResult result = versioned(expected, [&] { return s.setAttributionRules(rules, expected); },
                                                   [&] { return session().attributionRules(); });
        c.response.set_header("ETag", utf8(etagOf(result.rules.version)));
        sendJson(c.response, 200, JsonCodec::toJson(result));
    });

    route("GET", u"/api/v1/billing/totals"_s, Access::SignedIn, [this](RequestContext& c) {
        const Params p(c.http.params, {"tenant_id", "from", "to", "service_name", "service_category", "billing_currency", "import_id"});
        const BillingFilter filter = ApiRequest::billingFilter(p);
        SqlSession s = session(&c.principal);
        const bool platform = c.principal.platformPermissions.contains(Permission::BillingRead);
        if (filter.tenantId && *filter.tenantId != 0)
            requireTenant(c, s, *filter.tenantId, Permission::BillingRead);
        else if (filter.tenantId)
            requirePlatform(c, Permission::BillingRead); // unallocated cost
        QList<BillingTotalsRow> rows = platformSession(c).billingTotals(filter);
        if (!platform) {
            const QSet<TenantId> readable = billingReadable(c, [&rows] {
                QList<TenantId> ids;
                for (const BillingTotalsRow& row : rows)
                    ids.append(row.tenantId);
                return ids;
            }());
            rows.removeIf([&readable](const BillingTotalsRow& row) { return !readable.contains(row.tenantId); });
        }
        sendJson(c.response, 200, JsonCodec::listText(rows));
    });

    route("GET", u"/api/v1/billing/lines"_s, Access::SignedIn, [this](RequestContext& c) {
        const Params p(c.http.params, {"tenant_id", "from", "to", "service_name", "service_category", "billing_currency",
                                "import_id", "month", "shared_only", "limit", "cursor"});
        const BillingLineQuery query = ApiRequest::billingLineQuery(p);
        SqlSession s = session(&c.principal);
        if (query.filter.tenantId && *query.filter.tenantId != 0 && !query.sharedOnly)
            requireTenant(c, s, *query.filter.tenantId, Permission::BillingRead);
        else
            requirePlatform(c, Permission::BillingRead); // every tenant's, unallocated or shared lines
        sendJson(c.response, 200, JsonCodec::pageText(s.billingLines(query)));
    });

    // "Values seen": the values of one tag key, by tenant attributed to now, filtered as the totals.
    route("GET", u"/api/v1/billing/tag-values"_s, Access::SignedIn, [this](RequestContext& c) {
        const Params p(c.http.params, {"key", "tenant_id", "from", "to", "service_name", "service_category",
                                       "billing_currency", "import_id"});
        const BillingTagValueQuery query{p.text(u"key"_s), ApiRequest::billingFilter(p)};
        SqlSession s = session(&c.principal);
        const bool platform = c.principal.platformPermissions.contains(Permission::BillingRead);
        if (query.filter.tenantId && *query.filter.tenantId != 0)
            requireTenant(c, s, *query.filter.tenantId, Permission::BillingRead);
        else if (query.filter.tenantId)
            requirePlatform(c, Permission::BillingRead); // unallocated lines
        QList<BillingTagValue> rows = platformSession(c).billingTagValues(query);
        if (!platform) {
            const QSet<TenantId> readable = billingReadable(c, [&rows] {
                QList<TenantId> ids;
                for (const BillingTagValue& row : rows)
                    ids.append(row.tenantId);
                return ids;
            }());
            rows.removeIf([&readable](const BillingTagValue& row) { return !readable.contains(row.tenantId); });
        }
        sendJson(c.response, 200, JsonCodec::listText(rows));
    });

    route("GET", u"/api/v1/billing/tag-keys"_s, Access::SignedIn, [this](RequestContext& c) {
        const Params p(c.http.params, {});
        requirePlatform(c, Permission::BillingRead);
        sendJson(c.response, 200, JsonCodec::listText(platformSession(c).billingTagKeys()));
    });

    route("GET", u"/api/v1/billing/budgets"_s, Access::SignedIn, [this](RequestContext& c) {
        const Params p(c.http.params, {});
        QList<TenantBudget> budgets = platformSession(c).budgets();
        if (!c.principal.platformPermissions.contains(Permission::BillingRead)) {
            QList<TenantId> ids;
            for (const TenantBudget& budget : std::as_const(budgets))
                ids.append(budget.tenantId);
            const QSet<TenantId> readable = billingReadable(c, ids);
            budgets.removeIf([&readable](const TenantBudget& budget) { return !readable.contains(budget.tenantId); });
        }
        sendJson(c.response, 200, JsonCodec::listText(budgets));
    });

    route("PUT", u"/api/v1/billing/budgets/{tenant_id}/{currency}"_s, Access::SignedIn, [this](RequestContext& c) {
        const Params p(c.http.params, {});
        requirePlatform(c, Permission::BillingRead);
        SqlSession s = platformSession(c);
        const Tenant tenant = requireTenant(c, s, c.pathId(0), Permission::BillingRead);
        const QJsonObject body = jsonBody(c);
        ApiRequest::onlyFields(body, {u"amount"_s});
        const QJsonValue amount = body.value(u"amount"_s);
        if (!amount.isNull() && !amount.isString())
            throw ApiError{400, u"Invalid"_s, tr("amount: required, a decimal number as a string (\"1200.00\"), or null to remove the budget."),
                           u"amount"_s, {}};
        sendJson(c.response, 200, JsonCodec::toJson(s.setBudget(TenantBudget{tenant.id, amount.toString(), c.captures.value(1)})));
    });
}

ApiServer::ApiServer(ServerOptions options)
    : d(std::make_unique<Impl>(std::move(options)))
{
}

ApiServer::~ApiServer()
{
    if (d->accessLog != STDERR_FILENO)
        ::close(d->accessLog);
}

void ApiServer::prepare()
{
    const QString connection = u"server-prepare"_s;
    const StoreInfo info = SqlSession::open(d->options.database, OpenMode::CreateIfMissing, connection);
    d->schemaVersion = info.schemaVersion;
    SqlSession::close(connection);
    d->signingKey = SigningKey::loadOrCreate(d->options.signingKeyFile);
    if (!d->options.accessLog.isEmpty()) {
        const int file = ::open(QFile::encodeName(d->options.accessLog).constData(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
        if (file < 0)
            throw StoreError(ErrorCode::Unavailable, tr("Could not open the access log “%1”.").arg(d->options.accessLog));
        d->accessLog = file;
    }

    if (d->options.tlsCertificate.isEmpty()) {
        d->http = std::make_unique<httplib::Server>();
    } else {
        auto tls = std::make_unique<httplib::SSLServer>(QFile::encodeName(d->options.tlsCertificate).constData(),
                                                        QFile::encodeName(d->options.tlsKey).constData());
        if (!tls->is_valid())
            throw StoreError(ErrorCode::Invalid, tr("The TLS certificate “%1” or its key “%2” cannot be used.")
                                                     .arg(d->options.tlsCertificate, d->options.tlsKey));
        d->http = std::move(tls);
    }
    const int threads = d->options.threads;
    d->http->new_task_queue = [threads] { return new httplib::ThreadPool(size_t(threads)); };
    // The largest body of any route; each route reads at most its own (RequestContext::readBody).
    d->http->set_payload_max_length(
        size_t(std::max({d->options.maxBodyBytes, d->options.maxBackupBytes, d->options.maxBillingImportBytes})));
    d->http->set_keep_alive_max_count(10000);
    // Answers go out at once: without TCP_NODELAY a response written in two parts (headers, then
    // the body) waits for the client's delayed ACK, some 40 ms, on every request of a connection.
    d->http->set_tcp_nodelay(true);
    d->http->set_read_timeout(30, 0);
    // Errors cpp-httplib answers itself (no route, body too large...) become problem+json too.
    d->http->set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request& request, httplib::Response& response) {
        if (!response.body.empty())
            return httplib::Server::HandlerResponse::Unhandled;
        RequestContext context{request, response, Impl::requestIdOf(request), {}, {}};
        QString detail = tr("There is no such resource.");
        QString code = u"NotFound"_s;
        if (response.status == 413) {
            detail = tr("The body is larger than the server accepts.");
            code = u"Invalid"_s;
        } else if (response.status == 400) {
            detail = tr("The request is malformed.");
            code = u"Invalid"_s;
        } else if (response.status != 404) {
            code = u"Internal"_s;
            detail = titleOf(response.status);
        }
        Impl::sendProblem(context, ApiError{response.status, code, detail, {}, {}});
        return httplib::Server::HandlerResponse::Handled;
    }));
    d->addRoutes();
    // A body sent to no route is read and dropped before the 404: cpp-httplib would read it whole
    // into memory, as large as the largest body of any route.
    const httplib::Server::HandlerWithContentReader unrouted =
        [](const httplib::Request&, httplib::Response& response, const httplib::ContentReader& reader) {
            if (reader([](const char*, size_t) { return true; }))
                response.status = 404;
        };
    d->http->Post(".*", unrouted).Patch(".*", unrouted).Put(".*", unrouted).Delete(".*", unrouted);
}

int ApiServer::bind()
{
    const std::string host = utf8(d->options.host);
    if (d->options.port == 0)
        return d->http->bind_to_any_port(host);
    return d->http->bind_to_port(host, d->options.port) ? d->options.port : -1;
}

bool ApiServer::serve()
{
    return d->http->listen_after_bind();
}

void ApiServer::stop()
{
    if (d->http)
        d->http->stop();
}

namespace {

// Runs `change` on a connection of its own in one transaction (for the one-shot commands).
template<typename Fn>
void inTransaction(const DatabaseLocation& location, const QString& actor, Fn change)
{
    const QString connection = u"server-command"_s;
    SqlSession::open(location, OpenMode::CreateIfMissing, connection);
    {
        SqlSession s(QSqlDatabase::database(connection, false));
        s.setActor(actor);
        try {
            s.transaction([&] { change(s); });
        } catch (...) {
            SqlSession::close(connection);
            throw;
        }
    }
    SqlSession::close(connection);
}

} // namespace

QString ApiServer::resetPassword(const QString& email)
{
    QString password;
    inTransaction(d->options.database, u"tenantdesk-server --reset-password"_s, [&](SqlSession& s) {
        Page<User> matches = s.users(UserQuery{0, email, 10, {}});
        const auto user = std::find_if(matches.items.cbegin(), matches.items.cend(),
                                       [&email](const User& u) { return u.email.compare(email, Qt::CaseInsensitive) == 0; });
        if (user == matches.items.cend())
            throw StoreError(ErrorCode::NotFound, tr("There is no user with the e-mail “%1”.").arg(email)).withField(u"email"_s);
        password = PasswordHash::generateOneTimePassword();
        s.setCredential(user->id, PasswordHash::hash(password), true);
    });
    return password;
}

QString ApiServer::bootstrapAdmin(const QString& email)
{
    static const QRegularExpression plausible(u"^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"_s);
    if (!plausible.match(email).hasMatch())
        throw StoreError(ErrorCode::Invalid, tr("“%1” is not an e-mail address.").arg(email)).withField(u"email"_s);
    QString password;
    inTransaction(d->options.database, u"tenantdesk-server --bootstrap-admin"_s, [&](SqlSession& s) {
        const User user = s.ensureUser(email, email.section(u'@', 0, 0));
        s.grantPlatformRole(user.id, BuiltInRole::PlatformAdmin);
        password = PasswordHash::generateOneTimePassword();
        s.setCredential(user.id, PasswordHash::hash(password), true);
    });
    return password;
}

QList<ApiServer::RouteInfo> ApiServer::routeList()
{
    Impl impl{ServerOptions{}};
    impl.http = std::make_unique<httplib::Server>();
    impl.addRoutes();
    return impl.routes;
}

} // namespace TenantDesk
