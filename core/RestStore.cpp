#include "RestStore.h"

#include "ConflictError.h"
#include "JsonCodec.h"
#include "Logging.h"
#include "SqlTime.h"
#include "StoreError.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QPromise>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslError>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cstring>
#include <set>

namespace TenantDesk {

using namespace Qt::StringLiterals;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

QString trRest(const char* text, const char* disambiguation = nullptr, int n = -1)
{
    return QCoreApplication::translate("RestStore", text, disambiguation, n);
}

enum class Auth {
    Bearer, // needs the access token; a 401 refreshes it once
    None,   // health, sign-in, refresh and sign-out
};

struct Request {
    QByteArray method = "GET";
    QString path;
    QList<std::pair<QString, QString>> query;
    std::optional<QJsonObject> body;
    QList<std::pair<QByteArray, QByteArray>> headers;
    Auth auth = Auth::Bearer;
    // A file sent as the body instead (streamed, never read into memory), with its type.
    QString uploadPath;
    QByteArray uploadType;
    // Told the bytes sent and their total; returning false aborts the request.
    std::function<bool(qint64, qint64)> uploadProgress;
    // Longer than usual for a request whose answer takes a while once sent (0: the store's).
    milliseconds transferTimeout{0};

    // A change that can tell, from the server's 412 and the object as it now is, whether it is
    // itself what the server holds (see resendableChange()): `answer(true)` when it is.
    std::function<void(const QJsonObject& current, std::function<void(bool)> answer)> recogniseLanded;

    // A GET may be sent again after any transient failure; anything else only when the server
    // cannot have received it, or when it is a resendable change.
    bool idempotent() const { return method == "GET"; }
    // DESIGN: a change guarded by If-Match (the version it was made on) lands at most once however
    // often it is sent: once it has landed the version has moved on, and every copy of it is
    // refused with 412. So it may be sent again after a dropped connection, provided that a 412
    // can then be told apart: the first copy landed (the object is this change, one version on,
    // made by us: success) or someone else changed it (a conflict, as always). A change that has
    // no recogniseLanded keeps the old rule: not sent again, "it may or may not have been made".
    bool resendableChange() const
    {
        return recogniseLanded && std::any_of(headers.cbegin(), headers.cend(),
                                              [](const auto& header) { return header.first == "If-Match"; });
    }
    QString describe() const { return QString::fromLatin1(method) + u' ' + path; }

    Request& with(const QString& key, const QString& value)
    {
        query.append({key, value});
        return *this;
    }
    Request& with(const QString& key, qint64 value) { return with(key, QString::number(value)); }
    Request& withIfSet(const QString& key, const QString& value) { return value.isEmpty() ? *this : with(key, value); }
    Request& withIfSet(const QString& key, qint64 value) { return value == 0 ? *this : with(key, value); }
};

Request get(QString path)
{
    Request request;
    request.path = std::move(path);
    return request;
}

struct Response {
    int status = 0;
    QByteArray body;
    QString where; // "GET /api/v1/tenants"
    QString location; // of a redirect

    // The body as a JSON object; Internal when it is not one.
    QJsonObject object() const
    {
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(body, &error);
        if (error.error != QJsonParseError::NoError || !document.isObject())
            throw StoreError(ErrorCode::Internal, trRest("The server's answer to %1 is not a JSON object.").arg(where),
                             error.error != QJsonParseError::NoError ? error.errorString() : QString());
        return document.object();
    }
};

// Runs `read` on a response; a field that JsonCodec cannot read makes an Internal error naming it.
template<typename Fn>
auto readResponse(const QString& where, Fn read)
{
    try {
        return read();
    } catch (const StoreError& error) {
        if (error.code() != ErrorCode::Invalid)
            throw;
        throw StoreError(ErrorCode::Internal, trRest("The server's answer to %1 cannot be read: %2").arg(where, error.message()));
    }
}

QString sortKey(TenantSort sort)
{
    switch (sort) {
    case TenantSort::DisplayName: return u"display_name"_s;
    case TenantSort::Slug: return u"slug"_s;
    case TenantSort::Status: return u"status"_s;
    case TenantSort::CreatedAt: return u"created_at"_s;
    }
    return u"display_name"_s;
}

QString idPath(const char* prefix, qint64 id, const char* suffix = "")
{
    return QString::fromLatin1(prefix) + QString::number(id) + QString::fromLatin1(suffix);
}

// Retry-After: delay-seconds or an HTTP date; -1 when absent or unreadable.
qint64 retryAfterSeconds(const QNetworkReply* reply)
{
    const QByteArray value = reply->rawHeader("Retry-After").trimmed();
    if (value.isEmpty())
        return -1;
    bool ok = false;
    const qint64 seconds = value.toLongLong(&ok);
    if (ok)
        return std::max<qint64>(seconds, 0);
    const QDateTime at = QDateTime::fromString(QString::fromLatin1(value), Qt::RFC2822Date);
    if (!at.isValid())
        return -1;
    return std::max<qint64>(QDateTime::currentDateTimeUtc().secsTo(at), 0);
}

// TLS problems that a certificate the person chose to trust may have: it is not signed by a
// known authority, or names another host. Expiry, revocation and the like are never accepted.
bool isTrustProblem(QSslError::SslError error)
{
    switch (error) {
    case QSslError::SelfSignedCertificate:
    case QSslError::SelfSignedCertificateInChain:
    case QSslError::UnableToGetLocalIssuerCertificate:
    case QSslError::UnableToGetIssuerCertificate:
    case QSslError::UnableToVerifyFirstCertificate:
    case QSslError::CertificateUntrusted:
    case QSslError::HostNameMismatch:
        return true;
    default:
        return false;
    }
}

// A request body that can be read once and never rewound.
class OneShotBody : public QIODevice
{
public:
    explicit OneShotBody(QByteArray data)
        : m_data(std::move(data))
    {
        open(QIODevice::ReadOnly);
    }
    bool isSequential() const override { return true; }
    bool reset() override { return false; }
    qint64 bytesAvailable() const override { return m_data.size() - m_read + QIODevice::bytesAvailable(); }
    bool atEnd() const override { return m_read >= m_data.size() && QIODevice::bytesAvailable() == 0; }

protected:
    qint64 readData(char* data, qint64 maxSize) override
    {
        const qint64 count = std::min<qint64>(maxSize, m_data.size() - m_read);
        std::memcpy(data, m_data.constData() + m_read, size_t(count));
        m_read += count;
        return count;
    }
    qint64 writeData(const char*, qint64) override { return -1; }

private:
    QByteArray m_data;
    qint64 m_read = 0;
};

template<typename T>
void fail(QPromise<T>& promise, std::exception_ptr error)
{
    promise.setException(error);
    promise.finish();
}

// A file as a request body, read once from its start and never rewound (like OneShotBody), so
// that QtNetwork never sends it twice by itself.
class OneShotFile : public QIODevice
{
public:
    explicit OneShotFile(const QString& path)
        : m_file(path)
    {
        if (m_file.open(QIODevice::ReadOnly))
            open(QIODevice::ReadOnly);
    }
    QString errorText() const { return m_file.errorString(); }
    qint64 fileSize() const { return m_file.size(); }
    bool isSequential() const override { return true; }
    bool reset() override { return false; }
    qint64 bytesAvailable() const override { return m_file.bytesAvailable() + QIODevice::bytesAvailable(); }
    bool atEnd() const override { return m_file.atEnd() && QIODevice::bytesAvailable() == 0; }

protected:
    qint64 readData(char* data, qint64 maxSize) override { return m_file.read(data, maxSize); }
    qint64 writeData(const char*, qint64) override { return -1; }

private:
    QFile m_file;
};

} // namespace

// Everything that happens on the network, on the thread that created the store.
class RestStore::Client : public QObject
{
public:
    using Done = std::function<void(const Response&)>;
    using Failed = std::function<void(std::exception_ptr)>;

    explicit Client(ServerConnection connection)
        : m_connection(std::move(connection))
        , m_network(new QNetworkAccessManager(this))
    {
        m_refreshToken = m_connection.refreshToken;
        m_connection.refreshToken.clear();
        m_network->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    }

    ~Client() override
    {
        m_closing = true;
        for (QNetworkReply* reply : std::as_const(m_replies)) {
            disconnect(reply, nullptr, this, nullptr);
            reply->abort();
        }
        const auto calls = std::move(m_calls);
        const auto closed = std::make_exception_ptr(
            StoreError(ErrorCode::Unavailable, trRest("The connection to %1 was closed.").arg(server())));
        for (const auto& call : calls)
            call->failed(closed);
    }

    QString server() const { return m_connection.url.toDisplayString(); }

    // Sends `request`, retrying and refreshing the session as needed; exactly one of `done` (for
    // a 2xx answer) and `failed` is called, on this object's thread.
    void send(Request request, Done done, Failed failed)
    {
        if (QThread::currentThread() != thread()) {
            QMetaObject::invokeMethod(this, [this, request = std::move(request), done = std::move(done),
                                             failed = std::move(failed)]() mutable {
                send(std::move(request), std::move(done), std::move(failed));
            }, Qt::QueuedConnection);
            return;
        }
        auto call = std::make_shared<Call>();
        call->request = std::move(request);
        call->done = std::move(done);
        call->failed = std::move(failed);
        if (m_closing) {
            call->failed(std::make_exception_ptr(
                StoreError(ErrorCode::Unavailable, trRest("The connection to %1 was closed.").arg(server()))));
            return;
        }
        m_calls.insert(call);
        start(call);
    }

    // A typed call: `parse` turns the 2xx response into the future's result.
    template<typename T, typename Parse>
    QFuture<T> call(Request request, Parse parse)
    {
        auto promise = std::make_shared<QPromise<T>>();
        QFuture<T> future = promise->future();
        promise->start();
        send(std::move(request),
            [promise, parse = std::move(parse)](const Response& response) {
                try {
                    if constexpr (std::is_void_v<T>) {
                        readResponse(response.where, [&]() { parse(response); });
                    } else {
                        promise->addResult(readResponse(response.where, [&]() { return parse(response); }));
                    }
                } catch (...) {
                    promise->setException(std::current_exception());
                }
                promise->finish();
            },
            [promise](std::exception_ptr error) { fail(*promise, error); });
        return future;
    }

    // Signs in with the password, or resumes the session with the refresh token.
    void signIn(std::function<void(std::exception_ptr)> then)
    {
        if (!m_connection.password.isEmpty()) {
            Request login;
            login.method = "POST";
            login.path = u"/api/v1/auth/login"_s;
            login.auth = Auth::None;
            login.body = QJsonObject{{u"email"_s, m_connection.email}, {u"password"_s, m_connection.password}};
            send(std::move(login),
                [this, then, generation = m_generation](const Response& response) {
                    try {
                        acceptTokens(response, generation);
                    } catch (...) {
                        then(std::current_exception());
                        return;
                    }
                    m_connection.password.clear();
                    then(nullptr);
                },
                then);
        } else if (!m_refreshToken.isEmpty()) {
            refresh(std::move(then));
        } else if (!m_accessToken.isEmpty()) {
            then(nullptr);
        } else {
            then(std::make_exception_ptr(AuthenticationError(trRest("Enter your password to sign in to %1.").arg(server()))));
        }
    }

    QFuture<void> signOut()
    {
        const QString token = m_refreshToken;
        const QString access = m_accessToken;
        ++m_generation; // a sign-in or refresh still on its way no longer counts
        m_accessToken.clear();
        m_user = {};
        m_connection.password.clear();
        setRefreshToken({});
        return revoke(token, access);
    }

    // POST /api/v1/auth/logout for `token` (nothing to do when empty).
    QFuture<void> revoke(const QString& token, const QString& access)
    {
        if (token.isEmpty()) {
            QPromise<void> promise;
            promise.start();
            promise.finish();
            return promise.future();
        }
        Request logout;
        logout.method = "POST";
        logout.path = u"/api/v1/auth/logout"_s;
        logout.auth = Auth::None;
        logout.body = QJsonObject{{u"refresh_token"_s, token}};
        if (!access.isEmpty())
            logout.headers.append({"Authorization", "Bearer " + access.toLatin1()});
        return call<void>(std::move(logout), [](const Response&) {});
    }

    void setRefreshToken(const QString& token)
    {
        if (token == m_refreshToken)
            return;
        m_refreshToken = token;
        if (m_refreshTokenHandler)
            m_refreshTokenHandler(token);
    }

    ServerConnection m_connection; // its password is forgotten once signed in
    QNetworkAccessManager* m_network;
    QString m_accessToken;
    QDeadlineTimer m_accessDeadline{QDeadlineTimer::Forever};
    QString m_refreshToken;
    User m_user;
    std::function<void(const QString&)> m_refreshTokenHandler;
    QString m_serverVersion;
    int m_schemaVersion = 0;

    milliseconds m_transferTimeout{15000};
    QList<milliseconds> m_retryDelays{milliseconds(200), milliseconds(800), milliseconds(2000)};
    seconds m_maximumRetryAfter{30};
    int m_requestCount = 0;

private:
    struct Call {
        Request request;
        Done done;
        Failed failed;
        int attempt = 0;            // how many times it was sent before
        bool refreshedOnce = false; // a 401 already led to a refresh
        // A copy sent before may have reached the server (its connection dropped after sending).
        bool mayHaveLanded = false;
        // What TLS verification found when it refused the server's certificate.
        bool untrusted = false;
        QByteArray fingerprint;
        QStringList problems;
    };
    using CallPtr = std::shared_ptr<Call>;

    void complete(const CallPtr& call, const Response& response)
    {
        if (m_calls.erase(call) == 0)
            return;
        call->done(response);
    }
    void complete(const CallPtr& call, std::exception_ptr error)
    {
        if (m_calls.erase(call) == 0)
            return;
        call->failed(error);
    }
    template<typename E>
    void complete(const CallPtr& call, const E& error)
    {
        complete(call, std::make_exception_ptr(error));
    }

    void start(const CallPtr& call)
    {
        if (call->request.auth == Auth::Bearer) {
            if (m_accessToken.isEmpty() && m_refreshToken.isEmpty()) {
                complete(call, AuthenticationError(trRest("You are not signed in to %1; sign in again.").arg(server())));
                return;
            }
            if ((m_accessToken.isEmpty() || m_accessDeadline.hasExpired()) && !m_refreshToken.isEmpty()) {
                refresh([this, call](std::exception_ptr error) {
                    if (error)
                        complete(call, error);
                    else
                        transmit(call);
                });
                return;
            }
        }
        transmit(call);
    }

    QUrl urlFor(const Request& request) const
    {
        QUrl url = m_connection.url;
        url.setPath(url.path() + request.path);
        QStringList parts;
        for (const auto& [key, value] : request.query)
            parts.append(QString::fromLatin1(QUrl::toPercentEncoding(key) + '=' + QUrl::toPercentEncoding(value)));
        if (!parts.isEmpty())
            url.setQuery(parts.join(u'&'), QUrl::StrictMode);
        return url;
    }

    void transmit(const CallPtr& call)
    {
        const Request& request = call->request;
        QNetworkRequest network(urlFor(request));
        network.setTransferTimeout(int(std::max(m_transferTimeout, request.transferTimeout).count()));
        network.setHeader(QNetworkRequest::UserAgentHeader, QByteArray("TenantDesk/" TENANTDESK_VERSION));
        network.setRawHeader("Accept", "application/json, application/problem+json");
        const QString token = request.auth == Auth::Bearer ? m_accessToken : QString();
        if (!token.isEmpty())
            network.setRawHeader("Authorization", "Bearer " + token.toLatin1());
        for (const auto& [name, value] : request.headers)
            network.setRawHeader(name, value);
        ++m_requestCount;
        QNetworkReply* reply = nullptr;
        if (request.method == "GET") {
            reply = m_network->get(network);
        } else if (!request.uploadPath.isEmpty()) {
            auto* upload = new OneShotFile(request.uploadPath);
            if (!upload->isOpen()) {
                const QString problem = upload->errorText();
                delete upload;
                complete(call, StoreError(ErrorCode::Invalid, trRest("The file “%1” cannot be read: %2")
                                                                  .arg(request.uploadPath, problem)));
                return;
            }
            network.setHeader(QNetworkRequest::ContentTypeHeader, request.uploadType);
            network.setHeader(QNetworkRequest::ContentLengthHeader, upload->fileSize());
            network.setAttribute(QNetworkRequest::DoNotBufferUploadDataAttribute, true);
            reply = m_network->sendCustomRequest(network, request.method, upload);
            upload->setParent(reply);
            if (request.uploadProgress) {
                connect(reply, &QNetworkReply::uploadProgress, this, [reply, progress = request.uploadProgress](qint64 sent, qint64 total) {
                    if (!progress(sent, total))
                        reply->abort();
                });
            }
        } else {
            // QtNetwork would send a body again by itself when the connection closes before an
            // answer; a body it cannot rewind is sent once, and retrying is decided here.
            const QByteArray body = request.body ? QJsonDocument(*request.body).toJson(QJsonDocument::Compact) : QByteArray();
            network.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
            network.setHeader(QNetworkRequest::ContentLengthHeader, body.size());
            network.setAttribute(QNetworkRequest::DoNotBufferUploadDataAttribute, true);
            auto* upload = new OneShotBody(body);
            reply = m_network->sendCustomRequest(network, request.method, upload);
            upload->setParent(reply);
        }
        m_replies.insert(reply);
        auto timer = std::make_shared<QElapsedTimer>();
        timer->start();
        connect(reply, &QNetworkReply::sslErrors, this,
                [this, reply, call](const QList<QSslError>& errors) { checkCertificate(reply, *call, errors); });
        connect(reply, &QNetworkReply::finished, this, [this, reply, call, token, timer]() {
            m_replies.remove(reply);
            reply->deleteLater();
            finished(reply, call, token, timer->elapsed());
        });
    }

    void checkCertificate(QNetworkReply* reply, Call& call, const QList<QSslError>& errors)
    {
        const QSslCertificate certificate = reply->sslConfiguration().peerCertificate();
        const QByteArray fingerprint = certificate.isNull() ? QByteArray()
                                                            : certificate.digest(QCryptographicHash::Sha256);
        bool trusted = !fingerprint.isEmpty() && fingerprint == m_connection.trustedFingerprint;
        for (const QSslError& error : errors)
            trusted = trusted && isTrustProblem(error.error());
        if (trusted) {
            reply->ignoreSslErrors(errors); // these errors of this certificate only
            return;
        }
        call.untrusted = true;
        call.fingerprint = fingerprint;
        call.problems.clear();
        for (const QSslError& error : errors)
            call.problems.append(error.errorString());
    }

    void retryLater(const CallPtr& call, milliseconds wait)
    {
        ++call->attempt;
        qCDebug(lcStore) << "Retrying" << call->request.describe() << "in" << wait.count() << "ms";
        QTimer::singleShot(wait, this, [this, call]() {
            if (m_calls.count(call))
                start(call);
        });
    }

    void finished(QNetworkReply* reply, const CallPtr& call, const QString& token, qint64 elapsed)
    {
        const Request& request = call->request;
        const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
        qCDebug(lcStore).noquote() << request.describe() << "→"
                                   << (status.isValid() ? QString::number(status.toInt()) : reply->errorString())
                                   << u"(%1 ms)"_s.arg(elapsed);
        if (!status.isValid()) {
            networkFailure(reply, call);
            return;
        }
        Response response{status.toInt(), reply->readAll(), request.describe(),
                          QString::fromUtf8(reply->rawHeader("Location"))};
        if (response.status >= 200 && response.status < 300) {
            complete(call, response);
            return;
        }
        if (response.status == 401 && request.auth == Auth::Bearer && !call->refreshedOnce) {
            call->refreshedOnce = true;
            if (!m_accessToken.isEmpty() && m_accessToken != token) { // refreshed meanwhile
                transmit(call);
                return;
            }
            if (!m_refreshToken.isEmpty()) {
                m_accessToken.clear();
                refresh([this, call](std::exception_ptr error) {
                    if (error)
                        complete(call, error);
                    else
                        transmit(call);
                });
                return;
            }
        }
        const qint64 retryAfter = retryAfterSeconds(reply);
        if (response.status == 412 && call->mayHaveLanded && request.recogniseLanded) {
            recogniseLanded(call, response, retryAfter);
            return;
        }
        if ((response.status == 429 || response.status == 503) && request.idempotent()
            && call->attempt < m_retryDelays.size() && retryAfter <= m_maximumRetryAfter.count()) {
            retryLater(call, std::max(m_retryDelays.at(call->attempt), milliseconds(std::max<qint64>(retryAfter, 0) * 1000)));
            return;
        }
        complete(call, errorFor(response, request, retryAfter));
    }

    void networkFailure(QNetworkReply* reply, const CallPtr& call)
    {
        const QNetworkReply::NetworkError error = reply->error();
        if (call->untrusted) {
            complete(call, untrustedCertificate(*call));
            return;
        }
        const bool neverReceived = error == QNetworkReply::ConnectionRefusedError
            || error == QNetworkReply::HostNotFoundError;
        const bool dropped = error == QNetworkReply::RemoteHostClosedError
            || error == QNetworkReply::TemporaryNetworkFailureError || error == QNetworkReply::NetworkSessionFailedError
            || error == QNetworkReply::UnknownNetworkError || error == QNetworkReply::ProxyConnectionClosedError
            || error == QNetworkReply::ContentReSendError;
        const bool resendable = call->request.idempotent() || call->request.resendableChange();
        if (!m_closing && (neverReceived || (dropped && resendable)) && call->attempt < m_retryDelays.size()) {
            if (dropped && !call->request.idempotent())
                call->mayHaveLanded = true;
            retryLater(call, m_retryDelays.at(call->attempt));
            return;
        }
        const QString detail = call->request.describe() + u": "_s + reply->errorString();
        QString message;
        switch (error) {
        case QNetworkReply::TimeoutError:
        case QNetworkReply::OperationCanceledError:
            message = trRest("The server at %1 did not answer within %2 seconds; try again later.")
                          .arg(server()).arg(m_transferTimeout.count() / 1000.0);
            break;
        case QNetworkReply::HostNotFoundError:
            message = trRest("The server name in %1 is not known; check the address.").arg(server());
            break;
        case QNetworkReply::ConnectionRefusedError:
            message = trRest("The server at %1 refused the connection: it may be down, or the port may be wrong.").arg(server());
            break;
        case QNetworkReply::RemoteHostClosedError:
        case QNetworkReply::ContentReSendError:
            break; // below
        case QNetworkReply::SslHandshakeFailedError:
            message = trRest("Could not set up a secure connection to %1.").arg(server());
            break;
        default:
            message = trRest("Could not reach the server at %1; check the address and your network.").arg(server());
            break;
        }
        // A change whose earlier copy may have reached the server says so, whatever the last try met.
        if (call->mayHaveLanded || (dropped && !call->request.idempotent())) {
            message = trRest("The connection to %1 was lost before the server answered, so the change may or may not have "
                             "been made: reload to see, then try again.").arg(server());
        } else if (error == QNetworkReply::RemoteHostClosedError || error == QNetworkReply::ContentReSendError) {
            message = trRest("The server at %1 closed the connection before answering; try again.").arg(server());
        }
        complete(call, StoreError(ErrorCode::Unavailable, message, detail));
    }

    // A resent change met 412: asks the request whether the object as it now is is this change
    // itself (its earlier copy landed before the connection dropped); if so the call succeeds
    // with that object, else it fails with the conflict as usual.
    void recogniseLanded(const CallPtr& call, const Response& response, qint64 retryAfter)
    {
        const QJsonObject current = QJsonDocument::fromJson(response.body).object().value(u"current"_s).toObject();
        call->request.recogniseLanded(current, [this, call, response, current, retryAfter](bool landed) {
            if (!m_calls.count(call))
                return;
            if (!landed) {
                complete(call, errorFor(response, call->request, retryAfter));
                return;
            }
            qCInfo(lcStore).noquote() << call->request.describe()
                                      << "had landed before its connection dropped; its copy's 412 is its own success";
            Response own = response;
            own.status = 200;
            own.body = QJsonDocument(current).toJson(QJsonDocument::Compact);
            complete(call, own);
        });
    }

    std::exception_ptr untrustedCertificate(const Call& call) const
    {
        const QString hostAndPort = serverHostAndPort(m_connection.url);
        const QString detail = call.problems.join(u"; "_s);
        if (!call.fingerprint.isEmpty() && call.fingerprint == m_connection.trustedFingerprint)
            return std::make_exception_ptr(StoreError(ErrorCode::Unavailable,
                trRest("The certificate you trusted for %1 is no longer valid.").arg(hostAndPort), detail));
        QString message;
        if (m_connection.trustedFingerprint.isEmpty())
            message = trRest("The server %1 presented a certificate that is not trusted. Its SHA-256 fingerprint is %2.")
                          .arg(hostAndPort, formatFingerprint(call.fingerprint));
        else
            message = trRest("The server %1 presented a different certificate from the one you trusted (SHA-256 %2): it may "
                         "have been renewed, or someone may be intercepting the connection.")
                          .arg(hostAndPort, formatFingerprint(call.fingerprint));
        return std::make_exception_ptr(
            UntrustedCertificateError(message, detail, hostAndPort, call.fingerprint, call.problems));
    }

    std::exception_ptr errorFor(const Response& response, const Request& request, qint64 retryAfter) const
    {
        QJsonObject problem;
        const QJsonDocument document = QJsonDocument::fromJson(response.body);
        if (document.isObject())
            problem = document.object();
        const QString said = problem.value(u"detail"_s).toString();
        const QString detail = request.describe() + u" → HTTP "_s + QString::number(response.status);
        const QString field = problem.value(u"field"_s).toString();
        const auto error = [&](ErrorCode code, const QString& fallback) {
            return std::make_exception_ptr(StoreError(code, said.isEmpty() ? fallback : said, detail).withField(field));
        };

        const int status = response.status;
        switch (status) {
        case 401:
            if (request.auth == Auth::Bearer)
                return std::make_exception_ptr(AuthenticationError(
                    trRest("Your session on %1 has ended; sign in again.").arg(server()),
                    said.isEmpty() ? detail : detail + u": "_s + said));
            return std::make_exception_ptr(AuthenticationError(
                said.isEmpty() ? trRest("The e-mail address or password is not right.") : said, detail));
        case 403:
            return error(ErrorCode::Forbidden, trRest("You may not do this on %1.").arg(server()));
        case 404:
            return error(ErrorCode::NotFound, trRest("The server has no such object."));
        case 409:
        case 412:
        {
            ConflictError conflict(said.isEmpty() ? trRest("Someone else changed this since you read it; compare and try again.") : said,
                                   detail, problem.value(u"current"_s).toObject());
            conflict.withField(field);
            return std::make_exception_ptr(conflict);
        }
        case 400:
        case 413:
        case 422:
            return error(ErrorCode::Invalid, trRest("The server refused the request as malformed."));
        case 428:
            return error(ErrorCode::Internal, trRest("The server asked for a version check that TenantDesk did not send."));
        case 429:
            return error(ErrorCode::Unavailable, retryAfter >= 0
                    ? trRest("The server is busy; try again in %n second(s).", nullptr, int(retryAfter))
                    : trRest("The server is busy; try again in a moment."));
        default:
            break;
        }
        if (status >= 300 && status < 400)
            return error(ErrorCode::Unavailable, trRest("The server sent TenantDesk elsewhere (%1); connect to that address instead.")
                                                     .arg(response.location));
        if (status >= 500)
            return error(ErrorCode::Unavailable, retryAfter >= 0
                    ? trRest("The server %1 is not available; try again in %n second(s).", nullptr, int(retryAfter)).arg(server())
                    : trRest("The server %1 is not available; try again later.").arg(server()));
        static const QHash<QString, ErrorCode> codes{
            {u"NotFound"_s, ErrorCode::NotFound}, {u"Conflict"_s, ErrorCode::Conflict},
            {u"Forbidden"_s, ErrorCode::Forbidden}, {u"Invalid"_s, ErrorCode::Invalid},
            {u"Unavailable"_s, ErrorCode::Unavailable}, {u"Unsupported"_s, ErrorCode::Unsupported},
            {u"Internal"_s, ErrorCode::Internal}};
        return error(codes.value(problem.value(u"code"_s).toString(), ErrorCode::Invalid),
                     trRest("The server refused the request (HTTP %1).").arg(status));
    }

    // Gets a new access token (and refresh token) once, however many calls are waiting for it.
    void refresh(std::function<void(std::exception_ptr)> then)
    {
        m_refreshWaiters.append(std::move(then));
        if (m_refreshing)
            return;
        m_refreshing = true;
        const QString token = m_refreshToken;
        Request refresh;
        refresh.method = "POST";
        refresh.path = u"/api/v1/auth/refresh"_s;
        refresh.auth = Auth::None;
        refresh.body = QJsonObject{{u"refresh_token"_s, token}};
        send(std::move(refresh),
            [this, generation = m_generation](const Response& response) {
                try {
                    acceptTokens(response, generation);
                } catch (...) {
                    refreshed(std::current_exception());
                    return;
                }
                refreshed(nullptr);
            },
            [this, token](std::exception_ptr error) {
                try {
                    std::rethrow_exception(error);
                } catch (const AuthenticationError& refused) {
                    // The session was revoked or has expired: only a new sign-in helps.
                    if (m_refreshToken == token) {
                        m_accessToken.clear();
                        setRefreshToken({});
                    }
                    error = std::make_exception_ptr(AuthenticationError(
                        trRest("Your session on %1 has ended; sign in again.").arg(server()), refused.fullMessage()));
                } catch (...) {
                }
                refreshed(error);
            });
    }

    void refreshed(std::exception_ptr error)
    {
        m_refreshing = false;
        const auto waiters = std::move(m_refreshWaiters);
        m_refreshWaiters.clear();
        for (const auto& waiter : waiters)
            waiter(error);
    }

    struct Tokens {
        QString access;
        QString refresh;
        qint64 lifetimeMs = 0;
        User user;
    };

    // Reads a sign-in or refresh answer: {"access_token", "token_type", "expires_in", "refresh_token", "user"}.
    static Tokens readTokens(const Response& response)
    {
        return readResponse(response.where, [&]() {
            const QJsonObject object = response.object();
            const auto text = [&object](const QString& key) {
                const QJsonValue value = object.value(key);
                if (!value.isString() || value.toString().isEmpty())
                    throw StoreError(ErrorCode::Invalid, trRest("%1: expected a non-empty string.").arg(key));
                return value.toString();
            };
            Tokens tokens;
            tokens.access = text(u"access_token"_s);
            if (text(u"token_type"_s).compare(u"Bearer"_s, Qt::CaseInsensitive) != 0)
                throw StoreError(ErrorCode::Invalid, trRest("token_type: expected Bearer."));
            tokens.refresh = text(u"refresh_token"_s);
            const QJsonValue expiresIn = object.value(u"expires_in"_s);
            if (!expiresIn.isDouble() || expiresIn.toDouble() <= 0)
                throw StoreError(ErrorCode::Invalid, trRest("expires_in: expected a positive number of seconds."));
            // At most a day: a server's number beyond qint64 must not reach a conversion.
            tokens.lifetimeMs = qint64(std::min(expiresIn.toDouble(), 86400.0) * 1000);
            if (!object.value(u"user"_s).isObject())
                throw StoreError(ErrorCode::Invalid, trRest("user: expected an object."));
            tokens.user = JsonCodec::userFromJson(object.value(u"user"_s).toObject());
            return tokens;
        });
    }

    // Takes the tokens of a sign-in or refresh that started in session `generation`; tokens that
    // arrive after a sign-out are revoked at once instead.
    void acceptTokens(const Response& response, int generation)
    {
        const Tokens tokens = readTokens(response);
        if (generation != m_generation) {
            revoke(tokens.refresh, tokens.access);
            throw AuthenticationError(trRest("You signed out of %1.").arg(server()));
        }
        // Refreshed a little before it expires, so that a call does not race the expiry.
        const qint64 margin = std::min<qint64>(30000, tokens.lifetimeMs / 10);
        m_accessToken = tokens.access;
        m_accessDeadline.setRemainingTime(tokens.lifetimeMs - margin);
        m_user = tokens.user;
        setRefreshToken(tokens.refresh);
    }

    std::set<CallPtr> m_calls; // every call not yet answered
    QSet<QNetworkReply*> m_replies;
    bool m_refreshing = false;
    QList<std::function<void(std::exception_ptr)>> m_refreshWaiters;
    bool m_closing = false;
    int m_generation = 0; // one per session: a sign-out starts the next
};

RestStore::RestStore(ServerConnection connection)
    : m_client(std::make_unique<Client>(std::move(connection)))
{
}

RestStore::~RestStore() = default;

QString RestStore::displayName() const
{
    const QString server = m_client->server();
    return m_client->m_connection.email.isEmpty() ? trRest("Server — %1").arg(server)
                                                  : trRest("Server — %1 (%2)").arg(server, m_client->m_connection.email);
}

QFuture<StoreInfo> RestStore::open(OpenMode)
{
    auto promise = std::make_shared<QPromise<StoreInfo>>();
    QFuture<StoreInfo> future = promise->future();
    promise->start();
    Client* client = m_client.get();
    const auto failed = [promise](std::exception_ptr error) { fail(*promise, error); };

    Request health = get(u"/healthz"_s);
    health.auth = Auth::None;
    client->send(health,
        [client, promise, failed](const Response& response) {
            try {
                const QJsonObject object = response.object();
                if (!object.value(u"version"_s).isString() || !object.value(u"schema_version"_s).isDouble())
                    throw StoreError(ErrorCode::Unsupported,
                                     trRest("%1 does not answer like a TenantDesk server.").arg(client->server()),
                                     response.where + u": "_s + QString::fromUtf8(response.body.left(200)));
                if (object.value(u"status"_s).toString() != u"ok"_s)
                    throw StoreError(ErrorCode::Unavailable, trRest("The server at %1 reports that it is not ready.").arg(client->server()),
                                     u"status: "_s + object.value(u"status"_s).toString());
                client->m_serverVersion = object.value(u"version"_s).toString();
                client->m_schemaVersion = object.value(u"schema_version"_s).toInt();
            } catch (const StoreError& error) {
                failed(std::make_exception_ptr(error.code() == ErrorCode::Internal
                    ? StoreError(ErrorCode::Unsupported, trRest("%1 does not answer like a TenantDesk server.").arg(client->server()),
                                 error.fullMessage())
                    : error));
                return;
            }
            client->signIn([client, promise, failed](std::exception_ptr error) {
                if (error) {
                    failed(error);
                    return;
                }
                client->send(get(u"/api/v1/platform"_s),
                    [client, promise, failed](const Response& answer) {
                        try {
                            readResponse(answer.where, [&]() { return JsonCodec::platformFromJson(answer.object()); });
                        } catch (...) {
                            failed(std::current_exception());
                            return;
                        }
                        StoreInfo info;
                        info.backend = u"REST"_s;
                        info.location = client->m_connection.url.toString();
                        info.engineVersion = u"tenantdesk-server "_s + client->m_serverVersion;
                        info.schemaVersion = client->m_schemaVersion;
                        qCInfo(lcStore) << "Signed in to" << info.location << "as" << client->m_user.email;
                        promise->addResult(info);
                        promise->finish();
                    },
                    failed);
            });
        },
        [client, failed](std::exception_ptr error) {
            try {
                std::rethrow_exception(error);
            } catch (const StoreError& refused) {
                if (refused.code() == ErrorCode::NotFound) // no /healthz
                    error = std::make_exception_ptr(StoreError(ErrorCode::Unsupported,
                        trRest("%1 does not answer like a TenantDesk server.").arg(client->server()), refused.fullMessage()));
            } catch (...) {
            }
            failed(error);
        });
    return future;
}

QFuture<Platform> RestStore::platform()
{
    return m_client->call<Platform>(get(u"/api/v1/platform"_s),
                                    [](const Response& r) { return JsonCodec::platformFromJson(r.object()); });
}

QFuture<PlatformSummary> RestStore::platformSummary()
{
    return m_client->call<PlatformSummary>(get(u"/api/v1/platform/summary"_s),
                                           [](const Response& r) { return JsonCodec::platformSummaryFromJson(r.object()); });
}

QFuture<Page<Tenant>> RestStore::tenants(const TenantQuery& query)
{
    Request request = get(u"/api/v1/tenants"_s);
    request.with(u"parent_id"_s, query.parentId)
        .with(u"sort"_s, sortKey(query.sort))
        .with(u"order"_s, query.order == Qt::AscendingOrder ? u"asc"_s : u"desc"_s)
        .with(u"limit"_s, query.limit)
        .withIfSet(u"cursor"_s, query.cursor);
    return m_client->call<Page<Tenant>>(std::move(request), [](const Response& r) {
        return JsonCodec::pageFromJson(r.object(), JsonCodec::tenantFromJson);
    });
}

QFuture<Tenant> RestStore::tenant(TenantId id)
{
    return m_client->call<Tenant>(get(idPath("/api/v1/tenants/", id)),
                                  [](const Response& r) { return JsonCodec::tenantFromJson(r.object()); });
}

QFuture<Tenant> RestStore::tenantBySlug(const QString& slug)
{
    return m_client->call<Tenant>(get(u"/api/v1/tenants/by-slug/"_s + QString::fromLatin1(QUrl::toPercentEncoding(slug))),
                                  [](const Response& r) { return JsonCodec::tenantFromJson(r.object()); });
}

QFuture<TenantSummary> RestStore::tenantSummary(TenantId id)
{
    return m_client->call<TenantSummary>(get(idPath("/api/v1/tenants/", id, "/summary")),
                                         [](const Response& r) { return JsonCodec::tenantSummaryFromJson(r.object()); });
}

QFuture<TenantSearchResult> RestStore::searchTenants(const QString& text, int limit)
{
    Request request = get(u"/api/v1/tenants/search"_s);
    request.with(u"q"_s, text).with(u"limit"_s, limit);
    return m_client->call<TenantSearchResult>(std::move(request), [](const Response& r) {
        return JsonCodec::tenantSearchResultFromJson(r.object());
    });
}

QFuture<QList<Environment>> RestStore::environments(TenantId tenantId)
{
    return m_client->call<QList<Environment>>(get(idPath("/api/v1/tenants/", tenantId, "/environments")), [](const Response& r) {
        return JsonCodec::listFromJson(r.object(), JsonCodec::environmentFromJson);
    });
}

QFuture<EnvironmentSummary> RestStore::environmentSummary(EnvironmentId id)
{
    return m_client->call<EnvironmentSummary>(get(idPath("/api/v1/environments/", id, "/summary")), [](const Response& r) {
        return JsonCodec::environmentSummaryFromJson(r.object());
    });
}

QFuture<Page<User>> RestStore::users(const UserQuery& query)
{
    Request request = get(u"/api/v1/users"_s);
    request.withIfSet(u"tenant_id"_s, query.tenantId)
        .withIfSet(u"environment_id"_s, query.environmentId)
        .withIfSet(u"role_id"_s, query.roleId)
        .withIfSet(u"q"_s, query.text)
        .with(u"sort"_s, userSortKey(query.sort))
        .with(u"order"_s, query.order == Qt::AscendingOrder ? u"asc"_s : u"desc"_s)
        .with(u"limit"_s, query.limit)
        .withIfSet(u"cursor"_s, query.cursor);
    if (query.status)
        request.with(u"status"_s, userStatusKey(*query.status));
    return m_client->call<Page<User>>(std::move(request), [](const Response& r) {
        return JsonCodec::pageFromJson(r.object(), JsonCodec::userFromJson);
    });
}

QFuture<Page<MembershipEntry>> RestStore::memberships(const MembershipQuery& query)
{
    Request request = get(idPath("/api/v1/tenants/", query.tenantId, "/memberships"));
    request.withIfSet(u"user_id"_s, query.userId).with(u"limit"_s, query.limit).withIfSet(u"cursor"_s, query.cursor);
    return m_client->call<Page<MembershipEntry>>(std::move(request), [](const Response& r) {
        return JsonCodec::pageFromJson(r.object(), JsonCodec::membershipFromJson);
    });
}

QFuture<QList<Role>> RestStore::roles(TenantId tenantId)
{
    return m_client->call<QList<Role>>(get(tenantId == 0 ? u"/api/v1/roles"_s : idPath("/api/v1/tenants/", tenantId, "/roles")),
                                       [](const Response& r) { return JsonCodec::listFromJson(r.object(), JsonCodec::roleFromJson); });
}

QFuture<Page<AuditEvent>> RestStore::auditEvents(const AuditQuery& query)
{
    Request request = get(u"/api/v1/audit"_s);
    request.withIfSet(u"tenant_id"_s, query.tenantId)
        .withIfSet(u"actor"_s, query.actor)
        .withIfSet(u"action"_s, query.action)
        .withIfSet(u"text"_s, query.text);
    if (query.from.isValid())
        request.with(u"from"_s, SqlTime::formatPrecise(query.from));
    if (query.to.isValid())
        request.with(u"to"_s, SqlTime::formatPrecise(query.to));
    request.with(u"limit"_s, query.limit).withIfSet(u"cursor"_s, query.cursor);
    return m_client->call<Page<AuditEvent>>(std::move(request), [](const Response& r) {
        return JsonCodec::pageFromJson(r.object(), JsonCodec::auditEventFromJson);
    });
}

QFuture<AuditChainReport> RestStore::verifyAuditTrail()
{
    return m_client->call<AuditChainReport>(get(u"/api/v1/audit/verify"_s), [](const Response& r) {
        return JsonCodec::auditChainReportFromJson(r.object());
    });
}

QFuture<QList<UsageSample>> RestStore::usage(const UsageQuery& query)
{
    Request request = get(u"/api/v1/usage"_s);
    request.with(u"tenant_id"_s, query.tenantId)
        .withIfSet(u"environment_id"_s, query.environmentId)
        .with(u"metric"_s, usageMetricKey(query.metric));
    if (query.from.isValid())
        request.with(u"from"_s, SqlTime::format(query.from));
    if (query.to.isValid())
        request.with(u"to"_s, SqlTime::format(query.to));
    return m_client->call<QList<UsageSample>>(std::move(request), [](const Response& r) {
        return JsonCodec::listFromJson(r.object(), JsonCodec::usageSampleFromJson);
    });
}

QFuture<QList<BillingSummaryRow>> RestStore::billingSummary(const BillingQuery& query)
{
    Request request = get(u"/api/v1/billing/summary"_s);
    request.withIfSet(u"tenant_id"_s, query.tenantId);
    if (query.from.isValid())
        request.with(u"from"_s, SqlTime::format(query.from));
    if (query.to.isValid())
        request.with(u"to"_s, SqlTime::format(query.to));
    return m_client->call<QList<BillingSummaryRow>>(std::move(request), [](const Response& r) {
        return JsonCodec::listFromJson(r.object(), JsonCodec::billingSummaryRowFromJson);
    });
}

namespace {

// A change to an object at `expectedVersion`: the server refuses it (412) when the object moved on.
Request change(const QByteArray& method, QString path, qint64 expectedVersion, std::optional<QJsonObject> body)
{
    Request request;
    request.method = method;
    request.path = std::move(path);
    request.headers.append({"If-Match", '"' + QByteArray::number(expectedVersion) + '"'});
    request.body = std::move(body);
    return request;
}

Request post(QString path, QJsonObject body)
{
    Request request;
    request.method = "POST";
    request.path = std::move(path);
    request.body = std::move(body);
    return request;
}

Tenant readTenant(const Response& r)
{
    return JsonCodec::tenantFromJson(r.object());
}

Environment readEnvironment(const Response& r)
{
    return JsonCodec::environmentFromJson(r.object());
}

} // namespace

namespace {

// Every field `change` sets holds that value in `tenant` (the server trims the display name).
bool holdsChange(const Tenant& tenant, const TenantChange& change)
{
    return (!change.displayName || tenant.displayName == change.displayName->trimmed())
        && (!change.domain || tenant.domain == *change.domain)
        && (!change.timezone || tenant.timezone == *change.timezone)
        && (!change.language || tenant.language == *change.language)
        && (!change.quotas || tenant.quotas == *change.quotas)
        && (!change.apiRateLimit || tenant.apiRateLimit == *change.apiRateLimit)
        && (!change.featureFlags || tenant.featureFlags == *change.featureFlags)
        && (!change.securityPolicy || tenant.securityPolicy == *change.securityPolicy)
        && (!change.settings || tenant.settings == *change.settings);
}

} // namespace

// An edit is a PATCH on the version it was made on (If-Match), so it is resent after a dropped
// connection (see Request::resendableChange). A resent edit that meets 412 is recognised as having
// landed itself when the tenant is now exactly one version on, holds every value of the edit, and
// the tenant's latest "tenant.update" in the audit trail is this user's. Anything else is the
// conflict it says it is (ConflictDialog shows both versions).
QFuture<Tenant> RestStore::updateTenant(TenantId id, const TenantChange& tenantChange, qint64 expectedVersion)
{
    Request request = change("PATCH", idPath("/api/v1/tenants/", id), expectedVersion, JsonCodec::toJson(tenantChange));
    Client* client = m_client.get();
    request.recogniseLanded = [client, id, tenantChange, expectedVersion](const QJsonObject& current,
                                                                            std::function<void(bool)> answer) {
        Tenant now;
        try {
            now = JsonCodec::tenantFromJson(current);
        } catch (const StoreError&) {
            answer(false);
            return;
        }
        if (now.id != id || now.version != expectedVersion + 1 || !holdsChange(now, tenantChange)) {
            answer(false);
            return;
        }
        Request latest = get(u"/api/v1/audit"_s);
        latest.with(u"tenant_id"_s, id).with(u"action"_s, u"tenant.update"_s).with(u"limit"_s, 1);
        const QString actor = client->m_user.email;
        client->send(std::move(latest),
            [answer, actor](const Response& response) {
                try {
                    const Page<AuditEvent> page = readResponse(response.where, [&]() {
                        return JsonCodec::pageFromJson(response.object(), JsonCodec::auditEventFromJson);
                    });
                    answer(!page.items.isEmpty() && !actor.isEmpty() && page.items.constFirst().actor == actor);
                } catch (const StoreError&) {
                    answer(false);
                }
            },
            // Without the audit trail (no audit.read) it cannot be told: the conflict is shown.
            [answer](std::exception_ptr) { answer(false); });
    };
    return m_client->call<Tenant>(std::move(request), readTenant);
}

QFuture<Tenant> RestStore::createTenant(const NewTenant& tenant)
{
    return m_client->call<Tenant>(post(u"/api/v1/tenants"_s, JsonCodec::toJson(tenant)), readTenant);
}

QFuture<Tenant> RestStore::moveTenant(TenantId id, TenantId newParentId, qint64 expectedVersion)
{
    const QJsonObject body{{u"parent_id"_s, newParentId == 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(newParentId)}};
    return m_client->call<Tenant>(change("POST", idPath("/api/v1/tenants/", id, "/move"), expectedVersion, body), readTenant);
}

QFuture<Tenant> RestStore::changeTenantStatus(TenantId id, TenantStatus status, qint64 expectedVersion)
{
    const QJsonObject body{{u"status"_s, tenantStatusKey(status)}};
    return m_client->call<Tenant>(change("POST", idPath("/api/v1/tenants/", id, "/status"), expectedVersion, body), readTenant);
}

QFuture<Tenant> RestStore::completeDecommissionStep(TenantId id, const DecommissionStepDone& step, qint64 expectedVersion)
{
    return m_client->call<Tenant>(change("POST", idPath("/api/v1/tenants/", id, "/decommission"), expectedVersion,
                                         JsonCodec::toJson(step)), readTenant);
}

QFuture<QByteArray> RestStore::backUpTenant(TenantId id)
{
    return m_client->call<QByteArray>(get(idPath("/api/v1/tenants/", id, "/backup")), [](const Response& r) {
        r.object(); // a JSON object, or an error naming the answer
        return r.body;
    });
}

QFuture<Tenant> RestStore::restoreTenant(const QByteArray& backup, std::optional<TenantId> parentId)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(backup, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject()) {
        QPromise<Tenant> promise;
        promise.start();
        promise.setException(std::make_exception_ptr(StoreError(ErrorCode::Invalid,
            trRest("The file is not a tenant backup: it is not a JSON object (%1).").arg(error.errorString())).withField(u"backup"_s)));
        promise.finish();
        return promise.future();
    }
    QJsonObject body{{u"backup"_s, document.object()}};
    if (parentId)
        body.insert(u"parent_id"_s, *parentId == 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(*parentId));
    return m_client->call<Tenant>(post(u"/api/v1/tenants/restore"_s, body), readTenant);
}

QFuture<Tenant> RestStore::deleteTenant(TenantId id, const QString& confirmSlug, qint64 expectedVersion)
{
    Request request = change("DELETE", idPath("/api/v1/tenants/", id), expectedVersion, std::nullopt);
    request.with(u"confirm_slug"_s, confirmSlug);
    return m_client->call<Tenant>(std::move(request), readTenant);
}

QFuture<Environment> RestStore::addEnvironment(TenantId tenantId, const NewEnvironment& environment)
{
    return m_client->call<Environment>(post(idPath("/api/v1/tenants/", tenantId, "/environments"), JsonCodec::toJson(environment)),
                                       readEnvironment);
}

QFuture<Environment> RestStore::updateEnvironment(EnvironmentId id, const EnvironmentChange& environmentChange, qint64 expectedVersion)
{
    return m_client->call<Environment>(change("PATCH", idPath("/api/v1/environments/", id), expectedVersion,
                                              JsonCodec::toJson(environmentChange)), readEnvironment);
}

QFuture<Environment> RestStore::removeEnvironment(EnvironmentId id, qint64 expectedVersion)
{
    return m_client->call<Environment>(change("DELETE", idPath("/api/v1/environments/", id), expectedVersion, std::nullopt),
                                       readEnvironment);
}

QFuture<Environment> RestStore::promoteEnvironment(EnvironmentId sourceId, EnvironmentId targetId, const QStringList& keys,
                                                   qint64 expectedTargetVersion)
{
    const QJsonObject body{{u"source_id"_s, sourceId}, {u"keys"_s, QJsonArray::fromStringList(keys)}};
    return m_client->call<Environment>(change("POST", idPath("/api/v1/environments/", targetId, "/promote"),
                                              expectedTargetVersion, body), readEnvironment);
}

QFuture<DemoSummary> RestStore::generateDemo(const DemoScale&)
{
    QPromise<DemoSummary> promise;
    promise.start();
    promise.setException(std::make_exception_ptr(StoreError(ErrorCode::Unsupported,
        trRest("Demo data is generated into a local database, not on a server (%1).").arg(m_client->server()))));
    promise.finish();
    return promise.future();
}

QUrl RestStore::serverUrl() const
{
    return m_client->m_connection.url;
}

QString RestStore::email() const
{
    return m_client->m_connection.email;
}

User RestStore::user() const
{
    return m_client->m_user;
}

QString RestStore::refreshToken() const
{
    return m_client->m_refreshToken;
}

void RestStore::setRefreshTokenHandler(std::function<void(const QString&)> handler)
{
    m_client->m_refreshTokenHandler = std::move(handler);
}

QFuture<void> RestStore::signOut()
{
    return m_client->signOut();
}

void RestStore::setTransferTimeout(milliseconds timeout)
{
    m_client->m_transferTimeout = timeout;
}

void RestStore::setRetryDelays(QList<milliseconds> delays)
{
    m_client->m_retryDelays = std::move(delays);
}

void RestStore::setMaximumRetryAfter(seconds wait)
{
    m_client->m_maximumRetryAfter = wait;
}

int RestStore::requestCount() const
{
    return m_client->m_requestCount;
}

} // namespace TenantDesk

namespace TenantDesk {

QFuture<UserDetail> RestStore::user(UserId id)
{
    return m_client->call<UserDetail>(get(idPath("/api/v1/users/", id)),
                                      [](const Response& r) { return JsonCodec::userDetailFromJson(r.object()); });
}

QFuture<User> RestStore::createUser(const NewUser& user)
{
    return m_client->call<User>(post(u"/api/v1/users"_s, JsonCodec::toJson(user)),
                                [](const Response& r) { return JsonCodec::userFromJson(r.object()); });
}

QFuture<User> RestStore::updateUser(UserId id, const UserChange& userChange, qint64 expectedVersion)
{
    return m_client->call<User>(change("PATCH", idPath("/api/v1/users/", id), expectedVersion, JsonCodec::toJson(userChange)),
                                [](const Response& r) { return JsonCodec::userFromJson(r.object()); });
}

QFuture<UserMembership> RestStore::grantMembership(const Membership& membership)
{
    return m_client->call<UserMembership>(post(u"/api/v1/memberships"_s, JsonCodec::toJson(membership)),
                                          [](const Response& r) { return JsonCodec::userMembershipFromJson(r.object()); });
}

QFuture<UserMembership> RestStore::revokeMembership(const Membership& membership)
{
    return m_client->call<UserMembership>(post(u"/api/v1/memberships/revoke"_s, JsonCodec::toJson(membership)),
                                          [](const Response& r) { return JsonCodec::userMembershipFromJson(r.object()); });
}

QFuture<Role> RestStore::createRole(const NewRole& role)
{
    return m_client->call<Role>(post(u"/api/v1/roles"_s, JsonCodec::toJson(role)),
                                [](const Response& r) { return JsonCodec::roleFromJson(r.object()); });
}

QFuture<Role> RestStore::updateRole(RoleId id, const RoleChange& roleChange, qint64 expectedVersion)
{
    return m_client->call<Role>(change("PATCH", idPath("/api/v1/roles/", id), expectedVersion, JsonCodec::toJson(roleChange)),
                                [](const Response& r) { return JsonCodec::roleFromJson(r.object()); });
}

QFuture<Role> RestStore::deleteRole(RoleId id, qint64 expectedVersion)
{
    return m_client->call<Role>(change("DELETE", idPath("/api/v1/roles/", id), expectedVersion, std::nullopt),
                                [](const Response& r) { return JsonCodec::roleFromJson(r.object()); });
}

QFuture<EffectivePermissions> RestStore::effectivePermissions(UserId userId, TenantId tenantId)
{
    Request request = get(idPath("/api/v1/users/", userId, "/effective-permissions"));
    request.with(u"tenant_id"_s, tenantId);
    return m_client->call<EffectivePermissions>(std::move(request), [](const Response& r) {
        return JsonCodec::effectivePermissionsFromJson(r.object());
    });
}

QFuture<BulkUserResult> RestStore::applyBulkUserAction(const BulkUserAction& action)
{
    return m_client->call<BulkUserResult>(post(u"/api/v1/users/bulk"_s, JsonCodec::toJson(action)),
                                          [](const Response& r) { return JsonCodec::bulkUserResultFromJson(r.object()); });
}

QFuture<ImportReport> RestStore::importDirectory(const DirectoryImport& import, bool dryRun)
{
    Request request = post(u"/api/v1/import"_s, JsonCodec::toJson(import));
    if (dryRun)
        request.with(u"dry_run"_s, u"true"_s);
    return m_client->call<ImportReport>(std::move(request), [](const Response& r) { return JsonCodec::importReportFromJson(r.object()); });
}

QFuture<Principal> RestStore::principalOf(UserId userId)
{
    return m_client->call<Principal>(get(idPath("/api/v1/users/", userId, "/principal")),
                                     [](const Response& r) { return JsonCodec::principalFromJson(r.object()); });
}

QFuture<Principal> RestStore::currentPrincipal()
{
    return m_client->call<Principal>(get(u"/api/v1/me"_s), [](const Response& r) { return JsonCodec::principalFromJson(r.object()); });
}


// Billing review and usage comparisons.
namespace {

void withBillingFilter(Request& request, const BillingFilter& filter)
{
    if (filter.tenantId)
        request.with(u"tenant_id"_s, *filter.tenantId);
    if (filter.from.isValid())
        request.with(u"from"_s, SqlTime::format(filter.from));
    if (filter.to.isValid())
        request.with(u"to"_s, SqlTime::format(filter.to));
    request.withIfSet(u"service_name"_s, filter.serviceName);
    request.withIfSet(u"service_category"_s, filter.serviceCategory);
    request.withIfSet(u"billing_currency"_s, filter.billingCurrency);
    request.withIfSet(u"import_id"_s, filter.importId);
}

} // namespace


// The file is the body of POST /api/v1/billing/imports, streamed; progress is the upload's (to
// 950), then the server's import (which cannot be followed from here) to 1000. Cancelling during
// the upload aborts it, and the server imports nothing.
QFuture<BillingImportResult> RestStore::importBilling(const BillingImportRequest& billingImport)
{
    auto promise = std::make_shared<QPromise<BillingImportResult>>();
    QFuture<BillingImportResult> future = promise->future();
    promise->start();
    promise->setProgressRange(0, 1000);
    Request request;
    request.method = "POST";
    request.path = u"/api/v1/billing/imports"_s;
    const QString fileName = QFileInfo(billingImport.path).fileName();
    request.with(u"file_name"_s, fileName);
    if (billingImport.format != BillingFormat::Auto)
        request.with(u"format"_s, billingFormatKey(billingImport.format));
    request.with(u"on_duplicate"_s, JsonCodec::duplicateImportKey(billingImport.onDuplicate));
    request.withIfSet(u"tenant_tag_key"_s, billingImport.tenantTagKey);
    request.uploadPath = billingImport.path;
    const QString lower = fileName.toLower();
    request.uploadType = lower.endsWith(u".gz"_s) ? "application/gzip"
        : lower.endsWith(u".zip"_s)               ? "application/zip"
                                                  : "application/octet-stream";
    request.transferTimeout = std::chrono::hours(1); // the server answers once the whole file is imported
    request.uploadProgress = [promise](qint64 sent, qint64 total) {
        if (total > 0)
            promise->setProgressValue(int(950 * sent / total));
        return !promise->isCanceled();
    };
    m_client->send(std::move(request),
        [promise](const Response& response) {
            try {
                promise->addResult(readResponse(response.where, [&]() {
                    return JsonCodec::billingImportResultFromJson(response.object());
                }));
                promise->setProgressValue(1000);
            } catch (...) {
                promise->setException(std::current_exception());
            }
            promise->finish();
        },
        [promise](std::exception_ptr error) {
            if (promise->isCanceled()) { // aborted on purpose: say so, not "no answer"
                error = std::make_exception_ptr(StoreError(ErrorCode::Unavailable,
                                                           trRest("The billing import was cancelled; nothing was imported.")));
            }
            fail(*promise, error);
        });
    return future;
}

QFuture<QList<BillingImport>> RestStore::billingImports()
{
    return m_client->call<QList<BillingImport>>(get(u"/api/v1/billing/imports"_s), [](const Response& r) {
        return JsonCodec::listFromJson(r.object(), &JsonCodec::billingImportFromJson);
    });
}

QFuture<BillingImport> RestStore::deleteBillingImport(qint64 importId)
{
    Request request;
    request.method = "DELETE";
    request.path = idPath("/api/v1/billing/imports/", importId);
    return m_client->call<BillingImport>(std::move(request),
                                         [](const Response& r) { return JsonCodec::billingImportFromJson(r.object()); });
}

// Billing review and usage comparisons: not built yet (issue 6).
QFuture<AttributionRules> RestStore::attributionRules()
{
    return m_client->call<AttributionRules>(get(u"/api/v1/billing/attribution-rules"_s), [](const Response& r) {
        return JsonCodec::attributionRulesFromJson(r.object());
    });
}

QFuture<AttributionResult> RestStore::setAttributionRules(const AttributionRules& rules, qint64 expectedVersion)
{
    QJsonObject body = JsonCodec::toJson(rules);
    body.remove(u"version"_s); // If-Match says which version the change was made on
    return m_client->call<AttributionResult>(change("PUT", u"/api/v1/billing/attribution-rules"_s, expectedVersion, body),
                                             [](const Response& r) { return JsonCodec::attributionResultFromJson(r.object()); });
}

QFuture<QList<BillingTotalsRow>> RestStore::billingTotals(const BillingFilter& filter)
{
    Request request = get(u"/api/v1/billing/totals"_s);
    withBillingFilter(request, filter);
    return m_client->call<QList<BillingTotalsRow>>(std::move(request), [](const Response& r) {
        return JsonCodec::listFromJson(r.object(), JsonCodec::billingTotalsRowFromJson);
    });
}

QFuture<Page<BillingLine>> RestStore::billingLines(const BillingLineQuery& query)
{
    Request request = get(u"/api/v1/billing/lines"_s);
    withBillingFilter(request, query.filter);
    request.withIfSet(u"month"_s, query.month);
    if (query.sharedOnly)
        request.with(u"shared_only"_s, u"true"_s);
    request.with(u"limit"_s, query.limit);
    request.withIfSet(u"cursor"_s, query.cursor);
    return m_client->call<Page<BillingLine>>(std::move(request), [](const Response& r) {
        return JsonCodec::pageFromJson(r.object(), JsonCodec::billingLineFromJson);
    });
}

QFuture<QList<BillingTagValue>> RestStore::billingTagValues(const BillingTagValueQuery& query)
{
    Request request = get(u"/api/v1/billing/tag-values"_s);
    request.with(u"key"_s, query.key);
    withBillingFilter(request, query.filter);
    return m_client->call<QList<BillingTagValue>>(std::move(request), [](const Response& r) {
        return JsonCodec::listFromJson(r.object(), JsonCodec::billingTagValueFromJson);
    });
}

QFuture<QList<BillingTagKey>> RestStore::billingTagKeys()
{
    return m_client->call<QList<BillingTagKey>>(get(u"/api/v1/billing/tag-keys"_s), [](const Response& r) {
        return JsonCodec::listFromJson(r.object(), JsonCodec::billingTagKeyFromJson);
    });
}

QFuture<QList<TenantBudget>> RestStore::budgets()
{
    return m_client->call<QList<TenantBudget>>(get(u"/api/v1/billing/budgets"_s), [](const Response& r) {
        return JsonCodec::listFromJson(r.object(), JsonCodec::tenantBudgetFromJson);
    });
}

QFuture<TenantBudget> RestStore::setBudget(const TenantBudget& budget)
{
    Request request;
    request.method = "PUT";
    request.path = u"/api/v1/billing/budgets/%1/%2"_s.arg(budget.tenantId)
                       .arg(QString::fromLatin1(QUrl::toPercentEncoding(budget.currency)));
    request.body = QJsonObject{{u"amount"_s, budget.amount.trimmed().isEmpty() ? QJsonValue(QJsonValue::Null)
                                                                              : QJsonValue(budget.amount)}};
    return m_client->call<TenantBudget>(std::move(request), [](const Response& r) {
        return JsonCodec::tenantBudgetFromJson(r.object());
    });
}

QFuture<QList<UsageTotal>> RestStore::usageTotals(const UsageTotalsQuery& query)
{
    Request request = get(u"/api/v1/usage/totals"_s);
    request.with(u"metric"_s, usageMetricKey(query.metric)).with(u"limit"_s, query.limit);
    if (query.from.isValid())
        request.with(u"from"_s, SqlTime::format(query.from));
    if (query.to.isValid())
        request.with(u"to"_s, SqlTime::format(query.to));
    if (query.parentId >= 0)
        request.with(u"parent_id"_s, query.parentId);
    return m_client->call<QList<UsageTotal>>(std::move(request), [](const Response& r) {
        return JsonCodec::listFromJson(r.object(), JsonCodec::usageTotalFromJson);
    });
}

} // namespace TenantDesk
