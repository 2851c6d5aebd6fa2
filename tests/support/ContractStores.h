#pragma once

#include "SqlStore.h"
#include "Store.h"
#include "TestServer.h"

#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace TenantDesk::Test {

// The stores of a contract suite, for the backend named by TENANTDESK_CONTRACT_BACKEND:
//   sqlite         SqlStore on an SQLite file
//   postgres       SqlStore on PostgreSQL, connected as tenantdesk_app (row-level security on)
//   rest-sqlite    RestStore against tenantdesk-server on 127.0.0.1, over an SQLite file
//   rest-postgres  RestStore against tenantdesk-server on 127.0.0.1, over PostgreSQL as tenantdesk_app
// Both the store under test and a reference SqlStore (an SQLite file of its own) hold the same
// generated demo (the generator is deterministic) and the same platform admin, adminEmail.
class ContractStores
{
public:
    static inline const QString adminEmail = QStringLiteral("contract-admin@platform.test");
    // The demo: the small one with a week of usage (enough for every metric and three billing
    // months, quick to write into PostgreSQL).
    static DemoScale scale();

    ContractStores();
    ~ContractStores();

    // Prepares both stores; false with the reason in error().
    bool setUp();
    QString error() const { return m_error; }

    const QString& backend() const { return m_backend; }
    bool isRest() const { return m_backend.startsWith(QStringLiteral("rest-")); }
    bool isPostgres() const { return m_backend.endsWith(QStringLiteral("postgres")); }
    Store& store() { return *m_store; }
    SqlStore& reference() { return *m_reference; }
    QString directory() const { return m_dir.path(); }

private:
    QString prepareDatabase();
    QString bootstrapAdmin(const QString& database);

    QString m_backend;
    QString m_error;
    QTemporaryDir m_dir;
    std::unique_ptr<SqlStore> m_reference;
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<Store> m_store;
};

} // namespace TenantDesk::Test
