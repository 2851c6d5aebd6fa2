#pragma once

#include "RateLimiter.h"
#include "ServerOptions.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <memory>

namespace TenantDesk {

// tenantdesk-server's REST API (DESIGN.md, docs/api/openapi.yaml) over one database, on
// cpp-httplib's thread pool; each request thread keeps its own database connection.
class ApiServer
{
public:
    // A route as the OpenAPI document writes it: method and path template ("/api/v1/tenants/{id}").
    struct RouteInfo {
        QString method;
        QString path;
    };

    explicit ApiServer(ServerOptions options);
    ~ApiServer();
    ApiServer(const ApiServer&) = delete;
    ApiServer& operator=(const ApiServer&) = delete;

    // Opens the database (checks it, migrates it) and loads or creates the signing key.
    // Throws StoreError.
    void prepare();
    // Binds the listening socket; returns the port (the chosen one when the options said 0).
    int bind();
    // Serves until stop() is called from another thread. False when serving failed.
    bool serve();
    void stop();

    // Creates (or resets) a platform admin and returns a one-time password. Throws StoreError.
    QString bootstrapAdmin(const QString& email);
    // Gives an existing user a one-time password and returns it. Throws StoreError.
    QString resetPassword(const QString& email);

    // Every route of the API; complete without prepare().
    static QList<RouteInfo> routeList();

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace TenantDesk
