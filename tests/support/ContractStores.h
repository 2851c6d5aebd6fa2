#pragma once

#include "SqlStore.h"
#include "Store.h"
#include "StoreError.h"
#include "TestServer.h"
#include "TestSupport.h"

#include <QString>
#include <QTemporaryDir>
#include <QTest>

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
    // The store as user `email` (id `userId`) sees it: on a server, a RestStore signed in as them
    // (the server enforces the policy); on a database, a PreviewStore over store() with their
    // principal (the policy applied by the client, as View as… does).
    std::unique_ptr<Store> storeAs(UserId userId, const QString& email);
    SqlStore& reference() { return *m_reference; }
    QString directory() const { return m_dir.path(); }
    // The database under test as tenantdesk-server's --database takes it: "sqlite:PATH", or the
    // PostgreSQL URL of tenantdesk_app; for looking into it directly.
    const QString& database() const { return m_database; }
    // The server's address, for signing in as someone else (rest-* backends only).
    QUrl serverUrl() const;

private:
    QString prepareDatabase();
    QString bootstrapAdmin(const QString& database);

    QString m_backend;
    QString m_database; // as on tenantdesk-server's command line
    QString m_error;
    QTemporaryDir m_dir;
    std::unique_ptr<SqlStore> m_reference;
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<Store> m_store;
};

// What a failed operation said, for comparing two stores' errors.
struct Failure {
    bool failed = false;
    ErrorCode code = ErrorCode::Internal;
    QString field;
    QString message;
};

template<typename T>
Failure failureOf(QFuture<T> future)
{
    const std::optional<StoreError> error = awaitError(std::move(future));
    if (!error)
        return {};
    return {true, error->code(), error->field(), error->message()};
}

// Both stores refused `what`, with the same code and field, each saying why.
inline void compareFailures(const Failure& expected, const Failure& actual, const char* what)
{
    QVERIFY2(expected.failed, qPrintable(QStringLiteral("the reference store accepted ") + QString::fromUtf8(what)));
    QVERIFY2(actual.failed, qPrintable(QStringLiteral("the store under test accepted ") + QString::fromUtf8(what)));
    QCOMPARE(errorCodeName(actual.code), errorCodeName(expected.code));
    QCOMPARE(actual.field, expected.field);
    QVERIFY2(!actual.message.isEmpty(), what);
}

} // namespace TenantDesk::Test
