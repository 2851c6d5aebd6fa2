#include "ServerOptions.h"

#include "StoreError.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QStandardPaths>

namespace TenantDesk {

using namespace Qt::StringLiterals;

namespace {
QString tr(const char* text)
{
    return QCoreApplication::translate("tenantdesk-server", text);
}
} // namespace

std::optional<ServerOptions> ServerOptions::parse(const QStringList& arguments, QString* error, bool* helpShown)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(tr("The TenantDesk REST API over a local or shared database."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({
        {u"database"_s, tr("The database: sqlite:PATH or postgresql://USER@HOST:PORT/DATABASE."), u"location"_s},
        {u"listen"_s, tr("The address to listen on, HOST:PORT (port 0: any free port). Default 127.0.0.1:8080."), u"address"_s},
        {u"tls-cert"_s, tr("PEM certificate file: serve HTTPS."), u"file"_s},
        {u"tls-key"_s, tr("PEM private key file of the certificate."), u"file"_s},
        {u"signing-key"_s, tr("The file holding the token signing key; created on first start."), u"file"_s},
        {u"access-log"_s, tr("Append the access log to this file instead of standard error."), u"file"_s},
        {u"bootstrap-admin"_s, tr("Create the first platform admin with this e-mail, print a one-time password, and exit."), u"email"_s},
        {u"reset-password"_s, tr("Give the existing user with this e-mail a one-time password, print it, and exit."), u"email"_s},
        {u"list-routes"_s, tr("Print every route of the API (method and path) and exit.")},
        {u"threads"_s, tr("Request threads (each with its own database connection). Default 64."), u"count"_s},
        {u"rate-limit"_s, tr("Requests per minute per tenant for tenants without their own limit. Default 0: none."), u"count"_s},
        {u"max-backup-bytes"_s, tr("The largest tenant backup a restore accepts, in bytes. Default 67108864 (64 MiB)."), u"bytes"_s},
    });
    if (!parser.parse(arguments)) {
        *error = parser.errorText();
        return std::nullopt;
    }
    if (parser.isSet(u"help"_s) || parser.isSet(u"version"_s)) {
        *helpShown = true;
        *error = parser.isSet(u"help"_s) ? parser.helpText()
                                         : QCoreApplication::applicationName() + u' ' + QCoreApplication::applicationVersion() + u'\n';
        return std::nullopt;
    }
    ServerOptions options;
    options.listRoutes = parser.isSet(u"list-routes"_s);
    if (options.listRoutes)
        return options;
    if (!parser.isSet(u"database"_s)) {
        *error = tr("--database is required: sqlite:PATH or postgresql://USER@HOST:PORT/DATABASE.");
        return std::nullopt;
    }
    try {
        options.database = DatabaseLocation::parse(parser.value(u"database"_s));
    } catch (const StoreError& e) {
        *error = u"--database: "_s + e.message();
        return std::nullopt;
    }
    if (parser.isSet(u"listen"_s)) {
        const QString listen = parser.value(u"listen"_s);
        const qsizetype colon = listen.lastIndexOf(u':');
        bool ok = false;
        const int port = colon > 0 ? listen.mid(colon + 1).toInt(&ok) : -1;
        if (!ok || port < 0 || port > 65535) {
            *error = tr("--listen takes HOST:PORT, such as 127.0.0.1:8080, not “%1”.").arg(listen);
            return std::nullopt;
        }
        options.host = listen.left(colon);
        options.port = port;
    }
    options.tlsCertificate = parser.value(u"tls-cert"_s);
    options.tlsKey = parser.value(u"tls-key"_s);
    if (options.tlsCertificate.isEmpty() != options.tlsKey.isEmpty()) {
        *error = tr("--tls-cert and --tls-key go together.");
        return std::nullopt;
    }
    options.signingKeyFile = parser.isSet(u"signing-key"_s)
        ? parser.value(u"signing-key"_s)
        : QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).filePath(u"signing.key"_s);
    options.accessLog = parser.value(u"access-log"_s);
    options.bootstrapAdmin = parser.value(u"bootstrap-admin"_s);
    options.resetPassword = parser.value(u"reset-password"_s);
    const auto number = [&](const QString& name, int minimum, int maximum, int& target) {
        if (!parser.isSet(name))
            return true;
        bool ok = false;
        const int value = parser.value(name).toInt(&ok);
        if (!ok || value < minimum || value > maximum) {
            *error = tr("--%1 takes a whole number from %2 to %3, not “%4”.").arg(name).arg(minimum).arg(maximum).arg(parser.value(name));
            return false;
        }
        target = value;
        return true;
    };
    int maxBackupBytes = int(options.maxBackupBytes);
    if (!number(u"threads"_s, 1, 1024, options.threads) || !number(u"rate-limit"_s, 0, 100000000, options.defaultRateLimit)
        || !number(u"max-backup-bytes"_s, int(options.maxBodyBytes), 1024 * 1024 * 1024, maxBackupBytes))
        return std::nullopt;
    options.maxBackupBytes = maxBackupBytes;
    return options;
}

} // namespace TenantDesk
