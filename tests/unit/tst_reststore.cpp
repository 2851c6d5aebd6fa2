// RestStore against the real tenantdesk-server on 127.0.0.1 (over a copy of the small demo),
// and against a scripted stand-in for the answers a real server rarely gives (malformed JSON,
// 429/503 with Retry-After, a stall, a dropped connection).
#include "ConflictError.h"
#include "JsonCodec.h"
#include "RestStore.h"
#include "SqlStore.h"
#include "TenantBackup.h"
#include "TenantTreeModel.h"
#include "TestServer.h"
#include "TestSupport.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QMutex>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <functional>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

// Every message logged during the run, to prove that no secret reaches a log.
QStringList* loggedMessages = nullptr;
QMutex loggedMutex;
QtMessageHandler previousHandler = nullptr;

void recordMessage(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    {
        QMutexLocker lock(&loggedMutex);
        if (loggedMessages)
            loggedMessages->append(message);
    }
    previousHandler(type, context, message);
}

// A scripted HTTP server: each request is answered by `handler` (one request per connection).
class FakeServer : public QObject
{
public:
    struct Request {
        QByteArray method;
        QByteArray path; // with the query
        QByteArray authorization;
        QByteArray body;
    };
    struct Reply {
        int status = 200;
        QByteArray body;
        QList<std::pair<QByteArray, QByteArray>> headers;
        bool stall = false; // never answer
        bool drop = false;  // close the connection without an answer
    };
    std::function<Reply(const Request&)> handler;
    QList<Request> requests;

    FakeServer()
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QTcpServer::newConnection, this, [this]() {
            while (QTcpSocket* socket = m_server.nextPendingConnection()) {
                socket->setParent(this);
                connect(socket, &QTcpSocket::readyRead, this, [this, socket]() { read(socket); });
            }
        });
    }
    QUrl url() const { return QUrl(u"http://127.0.0.1:%1"_s.arg(m_server.serverPort())); }
    int count(const QByteArray& method, const QByteArray& pathPrefix) const
    {
        return int(std::count_if(requests.begin(), requests.end(), [&](const Request& r) {
            return r.method == method && r.path.startsWith(pathPrefix);
        }));
    }

    static Reply json(int status, const QJsonObject& object)
    {
        return Reply{status, QJsonDocument(object).toJson(QJsonDocument::Compact), {}};
    }
    static Reply problem(int status, const QString& code, const QString& detail, const QString& field = {})
    {
        QJsonObject object{{u"type"_s, u"about:blank"_s}, {u"title"_s, u"Problem"_s}, {u"status"_s, status},
                           {u"detail"_s, detail}, {u"code"_s, code}};
        if (!field.isEmpty())
            object.insert(u"field"_s, field);
        Reply reply = json(status, object);
        reply.headers.append(std::pair<QByteArray, QByteArray>("Content-Type", "application/problem+json"));
        return reply;
    }
    // /healthz and sign-in as a server answers them; everything else from `rest`.
    static std::function<Reply(const Request&)> signedIn(std::function<Reply(const Request&)> rest)
    {
        return [rest = std::move(rest)](const Request& request) {
            if (request.path == "/healthz")
                return json(200, {{u"status"_s, u"ok"_s}, {u"version"_s, u"9.9.9"_s}, {u"schema_version"_s, 7}});
            if (request.path == "/api/v1/auth/login" || request.path == "/api/v1/auth/refresh")
                return json(200, {{u"access_token"_s, u"fake-access"_s}, {u"token_type"_s, u"Bearer"_s},
                                  {u"expires_in"_s, 900}, {u"refresh_token"_s, u"fake-refresh"_s},
                                  {u"user"_s, JsonCodec::toJson(User{.id = 1, .email = u"ann@example.com"_s,
                                                                     .displayName = u"Ann"_s,
                                                                     .createdAt = QDateTime::currentDateTimeUtc()})}});
            if (request.path == "/api/v1/platform")
                return json(200, {{u"name"_s, u"Fake"_s}, {u"created_at"_s, QJsonValue::Null}});
            return rest(request);
        };
    }

private:
    void read(QTcpSocket* socket)
    {
        QByteArray& buffer = m_buffers[socket];
        buffer += socket->readAll();
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        Request request;
        const QList<QByteArray> lines = buffer.left(end).split('\n');
        const QList<QByteArray> first = lines.constFirst().trimmed().split(' ');
        request.method = first.value(0);
        request.path = first.value(1);
        qsizetype length = 0;
        for (const QByteArray& line : lines.mid(1)) {
            const qsizetype colon = line.indexOf(':');
            const QByteArray name = line.left(colon).trimmed().toLower();
            const QByteArray value = line.mid(colon + 1).trimmed();
            if (name == "content-length")
                length = value.toLongLong();
            else if (name == "authorization")
                request.authorization = value;
        }
        if (buffer.size() < end + 4 + length)
            return;
        request.body = buffer.mid(end + 4, length);
        m_buffers.remove(socket);
        requests.append(request);
        const Reply reply = handler(request);
        if (reply.stall)
            return;
        if (reply.drop) {
            socket->abort();
            return;
        }
        QByteArray response = "HTTP/1.1 " + QByteArray::number(reply.status) + " Answer\r\n";
        bool typed = false;
        for (const auto& [name, value] : reply.headers) {
            response += name + ": " + value + "\r\n";
            typed = typed || name == "Content-Type";
        }
        if (!typed)
            response += "Content-Type: application/json\r\n";
        response += "Content-Length: " + QByteArray::number(reply.body.size()) + "\r\nConnection: close\r\n\r\n" + reply.body;
        socket->write(response);
        socket->disconnectFromHost();
    }

    QTcpServer m_server;
    QHash<QTcpSocket*, QByteArray> m_buffers;
};


// The future once finished, the event loop running meanwhile (a RestStore answers on this
// thread): its waitForFinished() then rethrows the failure with its type.
template<typename T>
QFuture<T> settled(QFuture<T> future)
{
    if (!QTest::qWaitFor([&future]() { return future.isFinished(); }, 30000))
        qFatal("A store operation did not finish within 30 seconds");
    return future;
}

// Makes a self-signed certificate for 127.0.0.1 with openssl; returns false when it cannot.
bool makeCertificate(const QString& directory, const QString& name)
{
    QProcess openssl;
    openssl.setProcessChannelMode(QProcess::MergedChannels);
    openssl.start(u"openssl"_s, {u"req"_s, u"-x509"_s, u"-newkey"_s, u"rsa:2048"_s, u"-nodes"_s,
                                u"-keyout"_s, directory + u'/' + name + u"-key.pem"_s,
                                u"-out"_s, directory + u'/' + name + u".pem"_s, u"-days"_s, u"2"_s,
                                u"-subj"_s, u"/CN=127.0.0.1"_s, u"-addext"_s, u"subjectAltName=IP:127.0.0.1"_s});
    if (!openssl.waitForFinished(60000) || openssl.exitCode() != 0) {
        qWarning().noquote() << "openssl failed:" << openssl.readAll();
        return false;
    }
    return true;
}

QByteArray fingerprintOf(const QString& pemFile)
{
    const QList<QSslCertificate> certificates = QSslCertificate::fromPath(pemFile);
    return certificates.isEmpty() ? QByteArray() : certificates.constFirst().digest(QCryptographicHash::Sha256);
}

} // namespace

class TestRestStore : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QStringList m_log;
    std::unique_ptr<TestServer> m_server;
    const QString m_email = u"root@platform.test"_s;
    QString m_password;
    std::unique_ptr<SqlStore> m_database; // the server's own database, read directly
    std::unique_ptr<RestStore> m_store;   // signed in as the platform admin
    QStringList m_refreshTokens;          // every refresh token seen, none may be logged

    ServerConnection connection(const QString& password = {}) const
    {
        ServerConnection c;
        c.url = m_server->url();
        c.email = m_email;
        c.password = password.isEmpty() ? m_password : password;
        return c;
    }

    std::unique_ptr<RestStore> signIn()
    {
        auto store = std::make_unique<RestStore>(connection());
        store->setRefreshTokenHandler([this](const QString& token) {
            if (!token.isEmpty())
                m_refreshTokens << token;
        });
        const auto failed = awaitError(store->open(OpenMode::OpenExisting));
        if (failed)
            qWarning().noquote() << "Sign-in failed:" << failed->fullMessage();
        return failed ? nullptr : std::move(store);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        loggedMessages = &m_log;
        previousHandler = qInstallMessageHandler(recordMessage);
        QLoggingCategory::setFilterRules(u"tenantdesk.*=true"_s); // the store's debug lines too

        m_server = std::make_unique<TestServer>(QStringLiteral(TENANTDESK_SERVER_PATH), smallDemoFixture(), m_dir.path());
        m_password = m_server->bootstrapAdmin(m_email);
        QVERIFY2(!m_password.isEmpty(), qPrintable(m_server->error()));
        QVERIFY2(m_server->start(), qPrintable(m_server->error()));
        m_database = std::make_unique<SqlStore>(m_server->database());
        await(m_database->open(OpenMode::OpenExisting));
        m_store = signIn();
        QVERIFY(m_store);
    }

    void cleanupTestCase()
    {
        m_store.reset();
        m_database.reset();
        m_server.reset();
        qInstallMessageHandler(previousHandler);
        QMutexLocker lock(&loggedMutex);
        loggedMessages = nullptr;
        // No password, token or Authorization header in any log line.
        QVERIFY(!m_refreshTokens.isEmpty());
        for (const QString& line : std::as_const(m_log)) {
            QVERIFY2(!line.contains(m_password), qPrintable(line));
            QVERIFY2(!line.contains(u"Bearer"_s) && !line.contains(u"eyJ"_s), qPrintable(line));
            for (const QString& token : std::as_const(m_refreshTokens))
                QVERIFY2(!line.contains(token), qPrintable(line));
        }
        // Nor in the settings (only certificate fingerprints go there).
        QFile settings(QSettings().fileName());
        if (settings.open(QIODevice::ReadOnly)) {
            const QByteArray content = settings.readAll();
            QVERIFY(!content.contains(m_password.toUtf8()));
            for (const QString& token : std::as_const(m_refreshTokens))
                QVERIFY(!content.contains(token.toUtf8()));
        }
    }

    void openSaysWhatItReached()
    {
        RestStore store(connection());
        QString rotated;
        store.setRefreshTokenHandler([&rotated](const QString& token) { rotated = token; });
        const StoreInfo info = await(store.open(OpenMode::OpenExisting));
        QCOMPARE(info.backend, u"REST"_s);
        QCOMPARE(info.location, m_server->url().toString());
        QCOMPARE(info.engineVersion, u"tenantdesk-server "_s + QStringLiteral(TENANTDESK_VERSION));
        QCOMPARE(info.schemaVersion, await(m_database->platformSummary()).schemaVersion);
        QVERIFY(!info.created);
        QCOMPARE(store.user().email, m_email);
        QCOMPARE(store.email(), m_email);
        QCOMPARE(store.serverUrl(), m_server->url());
        QVERIFY(!store.refreshToken().isEmpty());
        QCOMPARE(rotated, store.refreshToken());
        m_refreshTokens << rotated;
        QVERIFY(store.displayName().contains(m_server->url().toDisplayString()));
        QVERIFY(store.displayName().contains(m_email));
        QCOMPARE(serverSession(&store), static_cast<ServerSession*>(&store));
        QCOMPARE(serverSession(m_database.get()), nullptr);
    }

    void wrongPasswordIsRefused()
    {
        RestStore store(connection(u"not-the-password"_s));
        const auto error = awaitError(store.open(OpenMode::OpenExisting));
        QVERIFY(error);
        QCOMPARE(error->code(), ErrorCode::Forbidden);
        try {
            settled(store.open(OpenMode::OpenExisting)).waitForFinished();
            QFAIL("signed in with a wrong password");
        } catch (const AuthenticationError& refused) {
            QVERIFY2(refused.message().contains(u"password is wrong"_s), qPrintable(refused.fullMessage()));
        }
        QVERIFY(store.refreshToken().isEmpty());
        // Without any credential, open() asks for them.
        ServerConnection none = connection();
        none.password.clear();
        RestStore anonymous(none);
        QCOMPARE(awaitError(anonymous.open(OpenMode::OpenExisting))->code(), ErrorCode::Forbidden);
    }

    void everyOperationAnswersAsTheDatabase()
    {
        RestStore& rest = *m_store;
        SqlStore& db = *m_database;
        QCOMPARE(json(await(rest.platform())), json(await(db.platform())));
        QCOMPARE(json(await(rest.platformSummary())), json(await(db.platformSummary())));

        const Page<Tenant> top = await(rest.tenants({.limit = 500}));
        QCOMPARE(jsonList(top.items), jsonList(await(db.tenants({.limit = 500})).items));
        QVERIFY(top.isLast());
        QVERIFY(top.items.size() > 3);
        const Tenant parent = *std::find_if(top.items.begin(), top.items.end(), [](const Tenant& t) { return t.subTenantCount > 0; });
        QCOMPARE(jsonList(await(rest.tenants({.parentId = parent.id, .sort = TenantSort::Slug, .order = Qt::DescendingOrder})).items),
                 jsonList(await(db.tenants({.parentId = parent.id, .sort = TenantSort::Slug, .order = Qt::DescendingOrder})).items));
        QCOMPARE(json(await(rest.tenant(parent.id))), json(await(db.tenant(parent.id))));
        QCOMPARE(json(await(rest.tenantBySlug(parent.slug))), json(parent));
        QCOMPARE(json(await(rest.tenantSummary(parent.id))), json(await(db.tenantSummary(parent.id))));
        const QString text = parent.slug.left(3);
        QCOMPARE(json(await(rest.searchTenants(text, 10))), json(await(db.searchTenants(text, 10))));

        const QList<Environment> environments = await(rest.environments(parent.id));
        QCOMPARE(jsonList(environments), jsonList(await(db.environments(parent.id))));
        QVERIFY(!environments.isEmpty());
        QCOMPARE(json(await(rest.environmentSummary(environments.constFirst().id))),
                 json(await(db.environmentSummary(environments.constFirst().id))));

        QCOMPARE(jsonList(await(rest.users({.limit = 50})).items), jsonList(await(db.users({.limit = 50})).items));
        QCOMPARE(jsonList(await(rest.users({.tenantId = parent.id, .text = u"a"_s, .limit = 20})).items),
                 jsonList(await(db.users({.tenantId = parent.id, .text = u"a"_s, .limit = 20})).items));
        const auto memberships = await(rest.memberships({.tenantId = parent.id, .limit = 50}));
        QVERIFY(!memberships.items.isEmpty());
        QCOMPARE(jsonList(memberships.items), jsonList(await(db.memberships({.tenantId = parent.id, .limit = 50})).items));
        QCOMPARE(jsonList(await(rest.roles(0))), jsonList(await(db.roles(0))));
        QCOMPARE(jsonList(await(rest.roles(parent.id))), jsonList(await(db.roles(parent.id))));
        QCOMPARE(jsonList(await(rest.auditEvents({.tenantId = parent.id, .limit = 20})).items),
                 jsonList(await(db.auditEvents({.tenantId = parent.id, .limit = 20})).items));

        const QDateTime to = QDateTime::currentDateTimeUtc();
        const UsageQuery usage{.tenantId = parent.id, .metric = UsageMetric::ApiCalls, .from = to.addDays(-400), .to = to};
        QCOMPARE(jsonList(await(rest.usage(usage))), jsonList(await(db.usage(usage))));
        const BillingQuery billing{.from = to.addYears(-3), .to = to.addYears(1)};
        QCOMPARE(jsonList(await(rest.billingSummary(billing))), jsonList(await(db.billingSummary(billing))));

        QCOMPARE(awaitError(rest.tenant(987654321))->code(), ErrorCode::NotFound);
        QCOMPARE(awaitError(rest.tenantBySlug(u"no-such-tenant"_s))->code(), ErrorCode::NotFound);
        const auto demo = awaitError(rest.generateDemo(DemoScale::small()));
        QVERIFY(demo);
        QCOMPARE(demo->code(), ErrorCode::Unsupported);
    }

    void pagesFollowTheCursors()
    {
        const QList<Tenant> all = await(m_store->tenants({.sort = TenantSort::CreatedAt, .limit = 500})).items;
        QList<Tenant> paged;
        QString cursor;
        int pages = 0;
        do {
            const Page<Tenant> page = await(m_store->tenants({.sort = TenantSort::CreatedAt, .limit = 3, .cursor = cursor}));
            QVERIFY(page.items.size() <= 3);
            paged += page.items;
            cursor = page.nextCursor;
            ++pages;
        } while (!cursor.isEmpty() && pages < 100);
        QCOMPARE(jsonList(paged), jsonList(all));
        QVERIFY(pages >= all.size() / 3);

        QList<User> users;
        cursor.clear();
        do {
            const Page<User> page = await(m_store->users({.limit = 7, .cursor = cursor}));
            users += page.items;
            cursor = page.nextCursor;
        } while (!cursor.isEmpty());
        QCOMPARE(users.size(), await(m_database->platformSummary()).userCount);

        const auto bad = awaitError(m_store->tenants({.limit = 3, .cursor = u"not-a-cursor"_s}));
        QVERIFY(bad);
        QCOMPARE(bad->code(), ErrorCode::Invalid);
    }

    void treeModelLoadsLazilyFromTheServer()
    {
        TenantTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setBatchSize(4);
        model.setStore(m_store.get());
        const QModelIndex platform = model.platformIndex();
        QTRY_COMPARE(platform.data().toString(), await(m_database->platform()).name);
        const int topLevel = await(m_database->platformSummary()).topLevelTenantCount;
        for (int i = 0; i < 100 && model.rowCount(platform) < topLevel; ++i) {
            QTRY_VERIFY(!model.isFetching());
            if (model.canFetchMore(platform))
                model.fetchMore(platform);
            QTRY_VERIFY(!model.isFetching());
        }
        QCOMPARE(model.rowCount(platform), topLevel);
        QSignalSpy filtered(&model, &TenantTreeModel::filterApplied);
        const Tenant deep = await(m_store->tenants({.limit = 1})).items.constFirst();
        model.setFilterText(deep.slug);
        QVERIFY(filtered.wait(10000));
        QVERIFY(!model.filterMatchIndexes().isEmpty());
        model.setStore(nullptr);
    }

    void staleChangeConflictsWithBothVersions()
    {
        const Tenant before = await(m_store->tenants({.limit = 1})).items.constFirst();
        TenantChange change;
        change.displayName = before.displayName + u" (renamed)"_s;
        const Tenant after = await(m_store->updateTenant(before.id, change, before.version));
        QCOMPARE(after.displayName, *change.displayName);
        QCOMPARE(after.version, before.version + 1);
        QCOMPARE(json(await(m_database->tenant(before.id))), json(after));

        // Someone edits the version they read before the rename: refused, with both versions.
        TenantChange stale;
        stale.domain = u"stale.example"_s;
        try {
            settled(m_store->updateTenant(before.id, stale, before.version)).waitForFinished();
            QFAIL("a stale change was accepted");
        } catch (const ConflictError& conflict) {
            QCOMPARE(conflict.code(), ErrorCode::Conflict);
            QVERIFY(!conflict.message().isEmpty());
            const auto current = conflict.currentTenant();
            QVERIFY(current);
            QCOMPARE(json(*current), json(after));
            QVERIFY(current->version != before.version);
        }
        QCOMPARE(await(m_database->tenant(before.id)).domain, before.domain);

        TenantChange invalid;
        invalid.displayName = QString();
        const auto refused = awaitError(m_store->updateTenant(before.id, invalid, after.version));
        QVERIFY(refused);
        QCOMPARE(refused->code(), ErrorCode::Invalid);
        QCOMPARE(refused->field(), u"display_name"_s);

        TenantChange back;
        back.displayName = before.displayName;
        QCOMPARE(await(m_store->updateTenant(before.id, back, after.version)).displayName, before.displayName);
    }

    // Every tenant administration operation of the Store, through the server's routes: what the
    // server answers is what its database then holds, and a stale change is a ConflictError
    // carrying the object (tenant or environment) as it now is.
    void tenantAdministrationGoesThroughTheServer()
    {
        RestStore& rest = *m_store;
        SqlStore& db = *m_database;
        const NewTenant parentSpec{.slug = u"rest-admin-parent"_s, .displayName = u"REST Admin Parent"_s,
                                   .timezone = u"UTC"_s, .language = u"en"_s};
        const Tenant parent = await(rest.createTenant(parentSpec));
        const NewTenant spec{.slug = u"rest-admin"_s, .displayName = u"REST Admin"_s, .domain = u"rest.example"_s,
                             .timezone = u"Europe/Berlin"_s, .language = u"de"_s,
                             .environments = {EnvironmentKind::Production, EnvironmentKind::Staging}};
        Tenant tenant = await(rest.createTenant(spec));
        QVERIFY(tenant.status == TenantStatus::Requested);
        QCOMPARE(tenant.environmentCount, 2);
        QCOMPARE(json(await(db.tenant(tenant.id))), json(tenant));
        QCOMPARE(awaitError(rest.createTenant(spec))->code(), ErrorCode::Conflict); // the slug is taken

        const Tenant moved = await(rest.moveTenant(tenant.id, parent.id, tenant.version));
        QCOMPARE(moved.ancestorIds, QList<TenantId>{parent.id});
        try {
            settled(rest.changeTenantStatus(tenant.id, TenantStatus::Provisioning, tenant.version)).waitForFinished();
            QFAIL("a change on a stale version was accepted");
        } catch (const ConflictError& conflict) {
            QCOMPARE(json(conflict.currentTenant().value()), json(moved));
        }
        tenant = await(rest.changeTenantStatus(tenant.id, TenantStatus::Provisioning, moved.version));
        tenant = await(rest.changeTenantStatus(tenant.id, TenantStatus::Active, tenant.version));
        QCOMPARE(json(await(db.tenant(tenant.id))), json(tenant));

        const Environment lab = await(rest.addEnvironment(tenant.id, NewEnvironment{u"Lab"_s, EnvironmentKind::Sandbox,
                                                                                      {{u"region"_s, u"eu"_s}}}));
        QCOMPARE(jsonList(await(db.environments(tenant.id))), jsonList(await(rest.environments(tenant.id))));
        EnvironmentChange rename;
        rename.name = u"Lab 2"_s;
        const Environment renamed = await(rest.updateEnvironment(lab.id, rename, lab.version));
        QCOMPARE(renamed.name, u"Lab 2"_s);
        try {
            settled(rest.updateEnvironment(lab.id, rename, lab.version)).waitForFinished();
            QFAIL("a change on a stale version was accepted");
        } catch (const ConflictError& conflict) {
            QCOMPARE(JsonCodec::environmentFromJson(conflict.current()), renamed);
        }
        Environment staging = await(rest.environments(tenant.id)).at(1);
        QVERIFY(staging.kind == EnvironmentKind::Staging);
        staging = await(rest.promoteEnvironment(lab.id, staging.id, {u"region"_s}, staging.version));
        QCOMPARE(staging.settings.value(u"region"_s).toString(), u"eu"_s);
        QCOMPARE(json(await(rest.removeEnvironment(lab.id, renamed.version))), json(renamed));
        QCOMPARE(await(db.environments(tenant.id)).size(), 2);

        // Backed up, retired, archived, and restored in place from the backup.
        const QByteArray backup = await(rest.backUpTenant(tenant.id));
        QCOMPARE(TenantBackup::fromJson(backup).tenant.id, tenant.id);
        tenant = await(rest.changeTenantStatus(tenant.id, TenantStatus::Suspended, tenant.version));
        tenant = await(rest.changeTenantStatus(tenant.id, TenantStatus::Decommissioning, tenant.version));
        const auto unconfirmed = awaitError(rest.completeDecommissionStep(
            tenant.id, DecommissionStepDone{DecommissionStep::DeleteData, {}, spec.slug}, tenant.version));
        QCOMPARE(unconfirmed->field(), u"step"_s); // backed up first
        for (DecommissionStep step : allDecommissionSteps)
            tenant = await(rest.completeDecommissionStep(tenant.id, DecommissionStepDone{step, u"REST"_s, spec.slug}, tenant.version));
        tenant = await(rest.changeTenantStatus(tenant.id, TenantStatus::Archived, tenant.version));
        QCOMPARE(tenant.environmentCount, 0);
        const Tenant restored = await(rest.restoreTenant(backup, std::nullopt));
        QCOMPARE(restored.id, tenant.id);
        QVERIFY(restored.status == TenantStatus::Suspended);
        QCOMPARE(restored.environmentCount, 2);
        QCOMPARE(json(await(db.tenant(tenant.id))), json(restored));
        QCOMPARE(awaitError(rest.restoreTenant(QByteArray("not a backup"), std::nullopt))->field(), u"backup"_s);

        // A tenant never provisioned is deleted with its slug typed again.
        const Tenant requested = await(rest.createTenant(NewTenant{.slug = u"rest-admin-requested"_s,
                                                                   .displayName = u"Requested"_s, .parentId = parent.id,
                                                                   .timezone = u"UTC"_s, .language = u"en"_s}));
        QCOMPARE(awaitError(rest.deleteTenant(requested.id, u"rest-admin"_s, requested.version))->field(), u"confirm_slug"_s);
        QCOMPARE(json(await(rest.deleteTenant(requested.id, requested.slug, requested.version))), json(requested));
        QCOMPARE(awaitError(db.tenant(requested.id))->code(), ErrorCode::NotFound);
    }

    // New signing keys (a restarted server): the access token is refused, the refresh token
    // (kept in the database) still works. Many calls at once refresh once: a refresh token works
    // only once, and using it twice would end the session.
    void expiredAccessTokenIsRefreshedOnceAndRetried()
    {
        auto store = signIn();
        QVERIFY(store);
        QStringList rotations;
        store->setRefreshTokenHandler([&](const QString& token) {
            rotations << token;
            m_refreshTokens << token;
        });
        const QString before = store->refreshToken();
        const int port = m_server->port();
        m_server->setSigningKeyFile(m_dir.filePath(u"rotated.key"_s));
        QVERIFY2(m_server->start(port), qPrintable(m_server->error()));

        const int requests = store->requestCount();
        QList<QFuture<Platform>> calls;
        for (int i = 0; i < 5; ++i)
            calls << store->platform();
        for (auto& call : calls)
            QCOMPARE(await(call).name, await(m_database->platform()).name);
        QCOMPARE(rotations.size(), 1);
        QVERIFY(rotations.constFirst() != before);
        QCOMPARE(store->refreshToken(), rotations.constFirst());
        QCOMPARE(store->requestCount() - requests, 5 + 1 + 5); // refused, one refresh, retried
        // The other stores' sessions survive too.
        QVERIFY(!awaitError(m_store->platform()));
    }

    void reusedRefreshTokenEndsTheSession()
    {
        auto first = signIn();
        QVERIFY(first);
        const QString token = first->refreshToken();
        ServerConnection resumed = connection();
        resumed.password.clear();
        resumed.refreshToken = token;
        RestStore second(resumed); // resumes the session: the token rotates
        await(second.open(OpenMode::OpenExisting));
        QVERIFY(second.refreshToken() != token);
        m_refreshTokens << second.refreshToken();

        RestStore third(resumed); // the old token again: refused, and the whole session revoked
        try {
            settled(third.open(OpenMode::OpenExisting)).waitForFinished();
            QFAIL("a used refresh token was accepted");
        } catch (const AuthenticationError& error) {
            QVERIFY2(error.message().contains(u"sign in again"_s), qPrintable(error.fullMessage()));
        }
        QVERIFY(third.refreshToken().isEmpty());
    }

    void signOutRevokesTheSession()
    {
        auto store = signIn();
        QVERIFY(store);
        const QString token = store->refreshToken();
        QStringList rotations;
        store->setRefreshTokenHandler([&](const QString& t) { rotations << t; });
        QVERIFY(!awaitError(store->signOut()));
        QCOMPARE(rotations, QStringList{QString()});
        QVERIFY(store->refreshToken().isEmpty());
        QCOMPARE(awaitError(store->platform())->code(), ErrorCode::Forbidden);
        QVERIFY(!awaitError(store->signOut())); // nothing left to revoke

        ServerConnection resumed = connection();
        resumed.password.clear();
        resumed.refreshToken = token;
        RestStore again(resumed);
        QCOMPARE(awaitError(again.open(OpenMode::OpenExisting))->code(), ErrorCode::Forbidden);
    }

    void serverDownIsUnavailableAfterRetries()
    {
        auto store = signIn();
        QVERIFY(store);
        const int port = m_server->port();
        m_server->stop();
        store->setRetryDelays({50ms, 100ms, 200ms});
        int requests = store->requestCount();
        QElapsedTimer timer;
        timer.start();
        const auto down = awaitError(store->platformSummary());
        QVERIFY(down);
        QCOMPARE(down->code(), ErrorCode::Unavailable);
        QVERIFY2(down->message().contains(m_server->url().toDisplayString()), qPrintable(down->fullMessage()));
        QCOMPARE(store->requestCount() - requests, 4);
        QVERIFY(timer.elapsed() >= 350);

        // A refused connection never reached the server: even a change is tried again.
        requests = store->requestCount();
        TenantChange change;
        change.timezone = u"UTC"_s;
        QCOMPARE(awaitError(store->updateTenant(1, change, 1))->code(), ErrorCode::Unavailable);
        QCOMPARE(store->requestCount() - requests, 4);

        // The server comes back while a call waits to retry: the call succeeds.
        store->setRetryDelays({500ms, 1000ms, 2000ms, 4000ms});
        requests = store->requestCount();
        QFuture<Platform> call = store->platform();
        QTest::qWait(100); // the first try is refused
        QVERIFY2(m_server->start(port), qPrintable(m_server->error()));
        QCOMPARE(await(call).name, await(m_database->platform()).name);
        QVERIFY(store->requestCount() - requests >= 2);
    }

    void untrustedCertificateShowsItsFingerprint()
    {
        const QString dir = m_dir.filePath(u"tls"_s);
        QVERIFY(QDir().mkpath(dir));
        QVERIFY(makeCertificate(dir, u"server"_s));
        QVERIFY(makeCertificate(dir, u"other"_s));
        TestServer tls(QStringLiteral(TENANTDESK_SERVER_PATH), smallDemoFixture(), dir);
        const QString password = tls.bootstrapAdmin(m_email);
        QVERIFY(!password.isEmpty());
        QVERIFY2(tls.start(0, {u"--tls-cert"_s, dir + u"/server.pem"_s, u"--tls-key"_s, dir + u"/server-key.pem"_s}),
                 qPrintable(tls.error()));
        QCOMPARE(tls.url().scheme(), u"https"_s);
        const QByteArray fingerprint = fingerprintOf(dir + u"/server.pem"_s);
        QCOMPARE(fingerprint.size(), 32);

        ServerConnection c;
        c.url = tls.url();
        c.email = m_email;
        c.password = password;
        {
            RestStore store(c);
            try {
                settled(store.open(OpenMode::OpenExisting)).waitForFinished();
                QFAIL("a self-signed certificate was accepted");
            } catch (const UntrustedCertificateError& error) {
                QCOMPARE(error.fingerprint(), fingerprint);
                QCOMPARE(error.hostAndPort(), u"127.0.0.1:%1"_s.arg(tls.port()));
                QVERIFY(error.message().contains(formatFingerprint(fingerprint)));
                QVERIFY(!error.problems().isEmpty());
                QCOMPARE(store.requestCount(), 1); // not retried
            }
        }
        {
            // Another certificate than the one trusted for this host and port: refused.
            ServerConnection other = c;
            other.trustedFingerprint = fingerprintOf(dir + u"/other.pem"_s);
            RestStore store(other);
            try {
                settled(store.open(OpenMode::OpenExisting)).waitForFinished();
                QFAIL("a certificate other than the trusted one was accepted");
            } catch (const UntrustedCertificateError& error) {
                QCOMPARE(error.fingerprint(), fingerprint);
                QVERIFY2(error.message().contains(u"different certificate"_s), qPrintable(error.message()));
            }
        }
        // The person trusts it: remembered for this host and port, and only this certificate is accepted.
        setTrustedFingerprint(c.url, fingerprint);
        QCOMPARE(trustedFingerprint(c.url), fingerprint);
        QVERIFY(trustedFingerprint(QUrl(u"https://127.0.0.1:1"_s)).isEmpty());
        c.trustedFingerprint = trustedFingerprint(c.url);
        RestStore trusted(c);
        const StoreInfo info = await(trusted.open(OpenMode::OpenExisting));
        QCOMPARE(info.location, tls.url().toString());
        QVERIFY(!await(trusted.tenants({.limit = 5})).items.isEmpty());
        m_refreshTokens << trusted.refreshToken();
        QVERIFY(!awaitError(trusted.signOut()));
        setTrustedFingerprint(c.url, {});
        QVERIFY(trustedFingerprint(c.url).isEmpty());
    }

    void serverAddressesAreChecked()
    {
        QCOMPARE(normalizeServerUrl(u"tenants.example.com"_s), QUrl(u"https://tenants.example.com"_s));
        QCOMPARE(normalizeServerUrl(u" https://tenants.example.com:8443/ "_s), QUrl(u"https://tenants.example.com:8443"_s));
        QCOMPARE(normalizeServerUrl(u"http://127.0.0.1:8080"_s), QUrl(u"http://127.0.0.1:8080"_s));
        QCOMPARE(normalizeServerUrl(u"http://localhost:8080"_s), QUrl(u"http://localhost:8080"_s));
        for (const QString& bad : {u""_s, u"http://tenants.example.com"_s, u"ftp://host"_s, u"https://"_s,
                                   u"https://ann:pw@host"_s, u"https://host/?q=1"_s}) {
            try {
                normalizeServerUrl(bad);
                QFAIL(qPrintable(u"accepted “%1”"_s.arg(bad)));
            } catch (const StoreError& error) {
                QCOMPARE(error.code(), ErrorCode::Invalid);
                QVERIFY(!error.message().isEmpty());
            }
        }
        QCOMPARE(serverHostAndPort(QUrl(u"https://host"_s)), u"host:443"_s);
        const QString entry = serverRecentEntry(QUrl(u"https://host:8443"_s), u"ann@example.com"_s);
        QVERIFY(!entry.contains(u"password"_s));
        const auto parsed = parseServerRecentEntry(entry);
        QVERIFY(parsed);
        QCOMPARE(parsed->first, QUrl(u"https://host:8443"_s));
        QCOMPARE(parsed->second, u"ann@example.com"_s);
        QVERIFY(!parseServerRecentEntry(u"/home/ann/demo.tenantdesk"_s));
    }

    void malformedAnswersNameTheField()
    {
        FakeServer fake;
        fake.handler = FakeServer::signedIn([](const FakeServer::Request& request) {
            if (request.path.startsWith("/api/v1/tenants/1"))
                return FakeServer::json(200, {{u"id"_s, 1}, {u"slug"_s, 5}});
            if (request.path.startsWith("/api/v1/tenants/2"))
                return FakeServer::Reply{200, "<html>proxy</html>", {}};
            return FakeServer::problem(404, u"NotFound"_s, u"No such thing."_s);
        });
        RestStore store({.url = fake.url(), .email = u"ann@example.com"_s, .password = u"pw"_s});
        const StoreInfo info = await(store.open(OpenMode::OpenExisting));
        QCOMPARE(info.engineVersion, u"tenantdesk-server 9.9.9"_s);
        QCOMPARE(info.schemaVersion, 7);
        QCOMPARE(fake.requests.at(1).body, QByteArray(R"({"email":"ann@example.com","password":"pw"})"));
        QCOMPARE(fake.requests.at(2).authorization, QByteArray("Bearer fake-access"));

        const auto malformed = awaitError(store.tenant(1));
        QVERIFY(malformed);
        QCOMPARE(malformed->code(), ErrorCode::Internal);
        QVERIFY2(malformed->message().contains(u"tenant."_s), qPrintable(malformed->message()));
        const auto html = awaitError(store.tenant(2));
        QCOMPARE(html->code(), ErrorCode::Internal);
        QVERIFY(html->message().contains(u"not a JSON object"_s));
        const auto missing = awaitError(store.tenant(3));
        QCOMPARE(missing->code(), ErrorCode::NotFound);
        QCOMPARE(missing->message(), u"No such thing."_s);
    }

    void statusesMapOntoErrorCodes()
    {
        FakeServer fake;
        fake.handler = FakeServer::signedIn([](const FakeServer::Request& request) {
            const int status = request.path.mid(request.path.lastIndexOf('/') + 1).toInt();
            if (status == 412)
                return FakeServer::json(412, {{u"detail"_s, u"Changed meanwhile."_s}, {u"code"_s, u"Conflict"_s},
                                              {u"current"_s, QJsonObject{{u"id"_s, 412}}}});
            return FakeServer::problem(status, u"Whatever"_s, u"Server says %1."_s.arg(status), u"field_%1"_s.arg(status));
        });
        RestStore store({.url = fake.url(), .email = u"ann@example.com"_s, .password = u"pw"_s});
        store.setRetryDelays({});
        await(store.open(OpenMode::OpenExisting));
        const QList<std::pair<int, ErrorCode>> expected{
            {400, ErrorCode::Invalid}, {403, ErrorCode::Forbidden}, {404, ErrorCode::NotFound},
            {409, ErrorCode::Conflict}, {412, ErrorCode::Conflict}, {413, ErrorCode::Invalid}, {422, ErrorCode::Invalid},
            {429, ErrorCode::Unavailable}, {500, ErrorCode::Unavailable}, {503, ErrorCode::Unavailable}};
        for (const auto& [status, code] : expected) {
            const auto error = awaitError(store.tenant(status));
            QVERIFY(error);
            QCOMPARE(error->code(), code);
            if (status == 412) {
                QCOMPARE(error->message(), u"Changed meanwhile."_s);
                continue;
            }
            QCOMPARE(error->message(), u"Server says %1."_s.arg(status));
            QCOMPARE(error->field(), u"field_%1"_s.arg(status));
            QVERIFY(error->detail().contains(QString::number(status)));
        }
        try {
            settled(store.tenant(412)).waitForFinished();
        } catch (const ConflictError& conflict) {
            QCOMPARE(conflict.current().value(u"id"_s).toInt(), 412);
            QVERIFY(!conflict.currentTenant()); // not a whole tenant
        }
    }

    void busyServerIsRetriedHonouringRetryAfter()
    {
        int busy = 2;
        FakeServer fake;
        fake.handler = FakeServer::signedIn([&busy](const FakeServer::Request& request) {
            if (request.path.startsWith("/api/v1/platform/summary") && busy-- > 0) {
                FakeServer::Reply reply = FakeServer::problem(503, u"Unavailable"_s, u"Busy."_s);
                reply.headers.append(std::pair<QByteArray, QByteArray>("Retry-After", "1"));
                return reply;
            }
            if (request.path.startsWith("/api/v1/roles")) {
                FakeServer::Reply reply = FakeServer::problem(429, u"Unavailable"_s, QString());
                reply.headers.append(std::pair<QByteArray, QByteArray>("Retry-After", "120"));
                return reply;
            }
            return FakeServer::json(200, JsonCodec::toJson(PlatformSummary{.name = u"Fake"_s}));
        });
        RestStore store({.url = fake.url(), .email = u"ann@example.com"_s, .password = u"pw"_s});
        store.setRetryDelays({10ms, 10ms, 10ms});
        await(store.open(OpenMode::OpenExisting));
        QElapsedTimer timer;
        timer.start();
        QCOMPARE(await(store.platformSummary()).name, u"Fake"_s);
        QVERIFY2(timer.elapsed() >= 1900, qPrintable(QString::number(timer.elapsed()))); // Retry-After: 1, twice
        QCOMPARE(fake.count("GET", "/api/v1/platform/summary"), 3);

        // A wait longer than the store waits for: failed at once, saying how long.
        timer.restart();
        const auto limited = awaitError(store.roles(0));
        QCOMPARE(limited->code(), ErrorCode::Unavailable);
        QVERIFY2(limited->message().contains(u"120"_s), qPrintable(limited->message()));
        QCOMPARE(fake.count("GET", "/api/v1/roles"), 1);
        QVERIFY(timer.elapsed() < 1000);
    }

    void droppedChangeIsSentAgainOnlyWhenItLandsOnce()
    {
        FakeServer fake;
        fake.handler = FakeServer::signedIn([](const FakeServer::Request&) {
            FakeServer::Reply reply;
            reply.drop = true;
            return reply;
        });
        RestStore store({.url = fake.url(), .email = u"ann@example.com"_s, .password = u"pw"_s});
        store.setRetryDelays({10ms, 10ms, 10ms});
        await(store.open(OpenMode::OpenExisting));
        EnvironmentChange change;
        change.name = u"Renamed"_s;
        const auto lost = awaitError(store.updateEnvironment(5, change, 3));
        QCOMPARE(lost->code(), ErrorCode::Unavailable);
        QVERIFY2(lost->message().contains(u"may or may not"_s), qPrintable(lost->fullMessage()));
        QCOMPARE(fake.count("PATCH", "/api/v1/environments/5"), 1); // the server may have applied it: sent once
        QCOMPARE(fake.requests.constLast().body, QByteArray(R"({"name":"Renamed"})"));
        // A tenant edit is sent again (its If-Match lets it land only once: tst_restfaults), and
        // when every copy is lost it says the same.
        TenantChange edit;
        edit.domain = u"example.com"_s;
        const auto editLost = awaitError(store.updateTenant(5, edit, 3));
        QCOMPARE(editLost->code(), ErrorCode::Unavailable);
        QVERIFY2(editLost->message().contains(u"may or may not"_s), qPrintable(editLost->fullMessage()));
        QCOMPARE(fake.count("PATCH", "/api/v1/tenants/5"), 4);
        QCOMPARE(fake.requests.constLast().body, QByteArray(R"({"domain":"example.com"})"));
        // A reading call is tried again.
        QCOMPARE(awaitError(store.tenant(5))->code(), ErrorCode::Unavailable);
        QCOMPARE(fake.count("GET", "/api/v1/tenants/5"), 4);
    }

    void stalledServerTimesOut()
    {
        FakeServer fake;
        fake.handler = FakeServer::signedIn([](const FakeServer::Request&) {
            FakeServer::Reply reply;
            reply.stall = true;
            return reply;
        });
        RestStore store({.url = fake.url(), .email = u"ann@example.com"_s, .password = u"pw"_s});
        await(store.open(OpenMode::OpenExisting));
        store.setTransferTimeout(300ms);
        QElapsedTimer timer;
        timer.start();
        const auto error = awaitError(store.tenant(1));
        QCOMPARE(error->code(), ErrorCode::Unavailable);
        QVERIFY2(error->message().contains(u"did not answer"_s), qPrintable(error->fullMessage()));
        QVERIFY(timer.elapsed() < 5000);
    }

    void notATenantDeskServer()
    {
        FakeServer fake;
        fake.handler = [](const FakeServer::Request&) { return FakeServer::Reply{404, "<html>nginx</html>", {}}; };
        RestStore store({.url = fake.url(), .email = u"ann@example.com"_s, .password = u"pw"_s});
        const auto error = awaitError(store.open(OpenMode::OpenExisting));
        QCOMPARE(error->code(), ErrorCode::Unsupported);
        QVERIFY(error->message().contains(u"TenantDesk server"_s));
        QCOMPARE(fake.requests.size(), 1); // the password was not sent
    }

    void closingTheStoreFailsWhatIsUnderWay()
    {
        FakeServer fake;
        fake.handler = FakeServer::signedIn([](const FakeServer::Request&) {
            FakeServer::Reply reply;
            reply.stall = true;
            return reply;
        });
        auto store = std::make_unique<RestStore>(ServerConnection{.url = fake.url(), .email = u"a@b.c"_s, .password = u"pw"_s});
        await(store->open(OpenMode::OpenExisting));
        QFuture<Tenant> pending = store->tenant(1);
        QTRY_COMPARE(fake.count("GET", "/api/v1/tenants/1"), 1);
        store.reset();
        QVERIFY(pending.isFinished());
        QCOMPARE(awaitError(pending)->code(), ErrorCode::Unavailable);
    }
};

QTEST_MAIN(TestRestStore)
#include "tst_reststore.moc"
