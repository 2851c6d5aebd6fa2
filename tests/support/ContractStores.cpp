#include "ContractStores.h"

#include "PostgresTestSupport.h"
#include "PreviewStore.h"
#include "RestStore.h"
#include "TestSupport.h"

#include <QDir>

namespace TenantDesk::Test {

using namespace Qt::StringLiterals;

DemoScale ContractStores::scale()
{
    DemoScale scale = DemoScale::small();
    scale.usageDays = 7;
    return scale;
}

ContractStores::ContractStores()
    : m_backend(qEnvironmentVariable("TENANTDESK_CONTRACT_BACKEND", u"sqlite"_s))
{
}

ContractStores::~ContractStores()
{
    m_store.reset();
    m_server.reset();
    m_reference.reset();
}

QString ContractStores::prepareDatabase()
{
    if (!isPostgres()) {
        const QString path = QDir(m_dir.path()).filePath(u"subject.tenantdesk"_s);
        SqlStore writer(path);
        await(writer.open(OpenMode::CreateIfMissing));
        await(writer.generateDemo(scale()));
        return u"sqlite:"_s + path;
    }
    // Written as the owner (who runs migrations); read and changed as tenantdesk_app.
    const PostgresCluster& cluster = PostgresCluster::instance();
    const QString database = cluster.createDatabase(u"contract"_s);
    SqlStore writer(cluster.ownerLocation(database));
    await(writer.open(OpenMode::CreateIfMissing));
    await(writer.generateDemo(scale()));
    return cluster.appUrl(database).toString();
}

QString ContractStores::bootstrapAdmin(const QString& database)
{
    const auto command = TestServer::over(QStringLiteral(TENANTDESK_SERVER_PATH), database, m_dir.path());
    const QString password = command->bootstrapAdmin(adminEmail);
    if (password.isEmpty())
        m_error = u"--bootstrap-admin failed: "_s + command->error();
    return password;
}

QUrl ContractStores::serverUrl() const
{
    return m_server ? m_server->url() : QUrl();
}

bool ContractStores::setUp()
{
    const QStringList backends{u"sqlite"_s, u"postgres"_s, u"rest-sqlite"_s, u"rest-postgres"_s};
    if (!backends.contains(m_backend)) {
        m_error = u"unknown backend "_s + m_backend;
        return false;
    }
    if (!m_dir.isValid()) {
        m_error = u"no temporary directory"_s;
        return false;
    }
    const QString referencePath = QDir(m_dir.path()).filePath(u"reference.tenantdesk"_s);
    m_reference = std::make_unique<SqlStore>(referencePath);
    await(m_reference->open(OpenMode::CreateIfMissing));
    await(m_reference->generateDemo(scale()));
    m_reference->setActor(adminEmail);

    // The same platform admin in both databases, made as a person would make the first one.
    const QString database = prepareDatabase();
    m_database = database;
    const QString password = bootstrapAdmin(database);
    if (password.isEmpty() || bootstrapAdmin(u"sqlite:"_s + referencePath).isEmpty())
        return false;
    if (!isRest()) {
        auto store = std::make_unique<SqlStore>(DatabaseLocation::parse(database));
        await(store->open(OpenMode::OpenExisting));
        store->setActor(adminEmail);
        m_store = std::move(store);
        return true;
    }
    m_server = TestServer::over(QStringLiteral(TENANTDESK_SERVER_PATH), database, m_dir.path());
    if (!m_server->start()) {
        m_error = m_server->error();
        return false;
    }
    ServerConnection connection;
    connection.url = m_server->url();
    connection.email = adminEmail;
    connection.password = password;
    auto store = std::make_unique<RestStore>(connection);
    await(store->open(OpenMode::OpenExisting));
    m_store = std::move(store);
    return true;
}

std::unique_ptr<Store> ContractStores::storeAs(UserId userId, const QString& email)
{
    if (!isRest()) {
        const Principal principal = await(m_store->principalOf(userId));
        return std::make_unique<PreviewStore>(m_store.get(), principal);
    }
    const auto command = TestServer::over(QStringLiteral(TENANTDESK_SERVER_PATH), m_database, m_dir.path());
    ServerConnection connection;
    connection.url = m_server->url();
    connection.email = email;
    connection.password = command->resetPassword(email);
    if (connection.password.isEmpty())
        return nullptr;
    auto store = std::make_unique<RestStore>(connection);
    await(store->open(OpenMode::OpenExisting));
    return store;
}

} // namespace TenantDesk::Test
