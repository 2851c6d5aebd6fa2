#pragma once

#include "DatabaseLocation.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace TenantDesk {

// What tenantdesk-server was asked to do, from its command line.
struct ServerOptions {
    DatabaseLocation database;
    QString host = QStringLiteral("127.0.0.1");
    int port = 8080;            // 0: any free port (printed on start)
    QString tlsCertificate;     // PEM files; both or neither
    QString tlsKey;
    QString signingKeyFile;     // the JWT signing key; created on first start
    QString accessLog;          // empty: standard error
    QString bootstrapAdmin;     // e-mail: create the first platform admin and exit
    QString resetPassword;      // e-mail: give an existing user a one-time password and exit
    bool listRoutes = false;    // print the API's routes and exit
    int threads = 64;           // request threads, each with its own database connection
    int defaultRateLimit = 0;   // requests per minute for tenants without their own limit; 0: none
    int accessTokenSeconds = 900;
    int refreshTokenDays = 30;
    qint64 maxBodyBytes = 1024 * 1024;         // every request body but a restore's
    qint64 maxBackupBytes = 64 * 1024 * 1024;  // the body of POST /api/v1/tenants/restore
    // The body of POST /api/v1/billing/imports: a billing export, streamed to a temporary file.
    qint64 maxBillingImportBytes = qint64(2) * 1024 * 1024 * 1024;

    // Reads the arguments; on a usage error returns nullopt and sets `error` to a sentence.
    static std::optional<ServerOptions> parse(const QStringList& arguments, QString* error, bool* helpShown);
};

} // namespace TenantDesk
