#pragma once

#include "DatabaseLocation.h"

#include <QSqlDatabase>
#include <QString>
#include <QUrl>
#include <QVariant>

namespace TenantDesk::Test {

// The throwaway PostgreSQL cluster that tests/support/pg-cluster starts for a CTest run (the
// fixture "postgres"). CTest gives the tests that need it the path of its settings file in
// TENANTDESK_PG_ENV; running such a test by hand needs the same (pg-cluster start DIR, then
// TENANTDESK_PG_ENV=DIR/env).
class PostgresCluster
{
public:
    // The cluster of this run; stops the test program with a message when there is none.
    static const PostgresCluster& instance();

    // postgresql://tenantdesk_owner:PASSWORD@127.0.0.1:PORT/DATABASE: owns its databases, runs migrations.
    QUrl ownerUrl(const QString& database = QStringLiteral("tenantdesk")) const;
    // postgresql://tenantdesk_app:PASSWORD@127.0.0.1:PORT/DATABASE: NOBYPASSRLS, owns nothing.
    QUrl appUrl(const QString& database = QStringLiteral("tenantdesk")) const;
    DatabaseLocation ownerLocation(const QString& database) const;
    DatabaseLocation appLocation(const QString& database) const;
    QString ownerPassword() const { return m_ownerUrl.password(); }
    QString appPassword() const { return m_appUrl.password(); }

    // Creates a new, empty database owned by tenantdesk_owner, named after `prefix` and unique
    // in the run, and returns its name.
    QString createDatabase(const QString& prefix) const;

private:
    QUrl m_ownerUrl;
    QUrl m_appUrl;
};

// A plain QPSQL connection, for preparing and inspecting a database behind the store.
class PostgresConnection
{
public:
    explicit PostgresConnection(const QUrl& url);
    ~PostgresConnection();
    PostgresConnection(const PostgresConnection&) = delete;
    PostgresConnection& operator=(const PostgresConnection&) = delete;

    QSqlDatabase db() const;
    QString name() const { return m_name; }
    // Runs `sql` and returns the first column of its first row; stops the test program on an error.
    QVariant scalar(const QString& sql, const QVariantList& values = {});

private:
    QString m_name;
};

} // namespace TenantDesk::Test
