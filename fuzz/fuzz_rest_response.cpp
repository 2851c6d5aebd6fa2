// The console's reading of a TenantDesk server's answers (RestStore): the whole HTTP response as
// QtNetwork hands it over (status, Retry-After, Location, Content-Type and Content-Encoding, the
// body), then RestStore's mapping of statuses and problem details to errors and JsonCodec's
// readers of the bodies, for reads and changes alike.
//
// A loopback server answers the health check, sign-in and token refresh as a server does, and
// every other request with the input: its first byte picks the store call, the rest is the raw
// HTTP response ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{...}"), sent before
// the connection is closed.
//
// The promise: each call ends (within seconds), with a value or a StoreError with a message.
// Never a crash, never a call left hanging.
#include "FuzzSupport.h"
#include "JsonCodec.h"
#include "RestStore.h"
#include "StoreError.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QHash>
#include <QJsonDocument>
#include <QTcpServer>
#include <QTcpSocket>

#include <functional>
#include <memory>

using namespace TenantDesk;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

QByteArray answer(const QJsonObject& body)
{
    const QByteArray json = QJsonDocument(body).toJson(QJsonDocument::Compact);
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(json.size())
        + "\r\nConnection: close\r\n\r\n" + json;
}

// One request per connection: the health check, sign-in, refresh and the platform as a server
// answers them, anything else with `response`.
class LoopbackServer : public QObject
{
public:
    QByteArray response;

    LoopbackServer()
    {
        Fuzz::require(m_server.listen(QHostAddress::LocalHost, 0), "no loopback port");
        connect(&m_server, &QTcpServer::newConnection, this, [this]() {
            while (QTcpSocket* socket = m_server.nextPendingConnection()) {
                socket->setParent(this);
                connect(socket, &QTcpSocket::readyRead, this, [this, socket]() { read(socket); });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }
    QUrl url() const { return QUrl(u"http://127.0.0.1:%1"_s.arg(m_server.serverPort())); }

private:
    void read(QTcpSocket* socket)
    {
        QByteArray& buffer = m_buffers[socket];
        buffer += socket->readAll();
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QList<QByteArray> lines = buffer.left(end).split('\n');
        const QByteArray path = lines.constFirst().trimmed().split(' ').value(1);
        qsizetype length = 0;
        for (const QByteArray& line : lines.mid(1)) {
            const qsizetype colon = line.indexOf(':');
            if (line.left(colon).trimmed().toLower() == "content-length")
                length = line.mid(colon + 1).trimmed().toLongLong();
        }
        if (buffer.size() < end + 4 + length)
            return;
        m_buffers.remove(socket);
        QByteArray reply = response;
        if (path == "/healthz")
            reply = answer({{u"status"_s, u"ok"_s}, {u"version"_s, u"9.9.9"_s}, {u"schema_version"_s, 7}});
        else if (path == "/api/v1/auth/login" || path == "/api/v1/auth/refresh")
            reply = answer({{u"access_token"_s, u"fuzz-access"_s}, {u"token_type"_s, u"Bearer"_s}, {u"expires_in"_s, 900},
                            {u"refresh_token"_s, u"fuzz-refresh"_s},
                            {u"user"_s, JsonCodec::toJson(User{.id = 1, .email = u"ann@example.com"_s, .displayName = u"Ann"_s,
                                                               .createdAt = QDateTime::currentDateTimeUtc()})}});
        else if (path == "/api/v1/platform")
            reply = answer({{u"name"_s, u"Fuzz"_s}, {u"created_at"_s, QJsonValue::Null}});
        socket->write(reply);
        socket->disconnectFromHost();
    }

    QTcpServer m_server;
    QHash<QTcpSocket*, QByteArray> m_buffers;
};

// The call ended with a value or a StoreError with a message; false when the store should be made
// again (its session ended).
template<typename T>
bool settle(QFuture<T> future)
{
    const QDeadlineTimer deadline(8s);
    while (!future.isFinished() && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 20);
    Fuzz::require(future.isFinished(), "a call that did not end within 8 seconds");
    try {
        future.waitForFinished();
        if constexpr (!std::is_void_v<T>)
            future.result();
    } catch (const AuthenticationError& error) {
        Fuzz::require(!error.message().isEmpty(), "an authentication failure without a message");
        return false;
    } catch (const StoreError& error) {
        Fuzz::require(!error.message().isEmpty(), "a failure without a message");
    }
    return true;
}

std::unique_ptr<RestStore> signIn(const LoopbackServer& server)
{
    ServerConnection connection;
    connection.url = server.url();
    connection.email = u"ann@example.com"_s;
    connection.password = u"fuzz-password"_s;
    auto store = std::make_unique<RestStore>(connection);
    store->setRetryDelays({});
    store->setTransferTimeout(3s);
    store->setMaximumRetryAfter(0s);
    Fuzz::require(settle(store->open(OpenMode::OpenExisting)), "the loopback server's sign-in failed");
    return store;
}

using Call = std::function<bool(RestStore&)>;

QList<Call> calls()
{
    const QDateTime from = QDateTime(QDate(2026, 11, 1), QTime(0, 0), Qt::UTC);
    return {
        [](RestStore& s) { return settle(s.platformSummary()); },
        [](RestStore& s) { return settle(s.tenants(TenantQuery{.parentId = 2, .limit = 5, .cursor = u"c"_s})); },
        [](RestStore& s) { return settle(s.tenant(3)); },
        [](RestStore& s) { return settle(s.tenantBySlug(u"acme"_s)); },
        [](RestStore& s) { return settle(s.tenantSummary(3)); },
        [](RestStore& s) { return settle(s.searchTenants(u"ac"_s, 10)); },
        [](RestStore& s) { return settle(s.environments(3)); },
        [](RestStore& s) { return settle(s.environmentSummary(4)); },
        [](RestStore& s) { return settle(s.users(UserQuery{.tenantId = 3, .limit = 5})); },
        [](RestStore& s) { return settle(s.memberships(MembershipQuery{.tenantId = 3, .limit = 5})); },
        [](RestStore& s) { return settle(s.roles(3)); },
        [](RestStore& s) { return settle(s.auditEvents(AuditQuery{.tenantId = 3, .limit = 5})); },
        [](RestStore& s) { return settle(s.verifyAuditTrail()); },
        [from](RestStore& s) { return settle(s.usage(UsageQuery{.tenantId = 3, .from = from, .to = from.addDays(1)})); },
        [from](RestStore& s) { return settle(s.usageTotals(UsageTotalsQuery{.from = from, .to = from.addDays(30)})); },
        [](RestStore& s) { return settle(s.billingSummary(BillingQuery{.tenantId = 3})); },
        [](RestStore& s) { return settle(s.billingImports()); },
        [](RestStore& s) { return settle(s.attributionRules()); },
        [](RestStore& s) { return settle(s.billingTotals(BillingFilter{})); },
        [](RestStore& s) { return settle(s.billingLines(BillingLineQuery{.limit = 5})); },
        [](RestStore& s) { return settle(s.budgets()); },
        [](RestStore& s) { return settle(s.setBudget(TenantBudget{3, u"100.00"_s, u"EUR"_s})); },
        [](RestStore& s) { return settle(s.updateTenant(3, TenantChange{.displayName = u"Acme"_s}, 7)); },
        [](RestStore& s) {
            return settle(s.createTenant(NewTenant{.slug = u"acme"_s, .displayName = u"Acme"_s, .timezone = u"UTC"_s,
                                                   .language = u"en"_s}));
        },
        [](RestStore& s) { return settle(s.changeTenantStatus(3, TenantStatus::Suspended, 7)); },
        [](RestStore& s) { return settle(s.backUpTenant(3)); },
        [](RestStore& s) { return settle(s.deleteTenant(3, u"acme"_s, 7)); },
        [](RestStore& s) { return settle(s.user(9)); },
        [](RestStore& s) { return settle(s.grantMembership(Membership{.tenantId = 3, .userId = 9, .roleId = 2})); },
        [](RestStore& s) { return settle(s.effectivePermissions(9, 3)); },
        [](RestStore& s) {
            return settle(s.applyBulkUserAction(BulkUserAction{.kind = BulkUserActionKind::SetStatus, .userIds = {9, 10},
                                                               .status = UserStatus::Disabled}));
        },
        [](RestStore& s) { return settle(s.currentPrincipal()); },
        [](RestStore& s) { return settle(s.principalOf(9)); },
    };
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv)
{
    static QCoreApplication application(*argc, *argv);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
        return 0;
    static LoopbackServer server;
    static const QList<Call> table = calls();
    static std::unique_ptr<RestStore> store;
    if (!store)
        store = signIn(server);
    server.response = Fuzz::bytes(data + 1, size - 1);
    if (!table.at(data[0] % table.size())(*store))
        store.reset(); // signed out: a new store signs in for the next input
    return 0;
}
