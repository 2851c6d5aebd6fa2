#include "ApiServer.h"
#include "SqlSession.h"
#include "StoreError.h"

#include <QCoreApplication>
#include <QTextStream>

#include <csignal>
#include <cstdio>
#include <pthread.h>
#include <thread>

using namespace TenantDesk;
using namespace Qt::StringLiterals;

int main(int argc, char* argv[])
{
    SqlSession::prepareForManyThreads();
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(u"TenantDesk"_s);
    QCoreApplication::setApplicationName(u"tenantdesk-server"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(TENANTDESK_VERSION));
    QTextStream out(stdout);
    QTextStream err(stderr);

    QString error;
    bool helpShown = false;
    const auto options = ServerOptions::parse(QCoreApplication::arguments(), &error, &helpShown);
    if (!options) {
        (helpShown ? out : err) << error << (error.endsWith(u'\n') ? "" : "\n");
        return helpShown ? 0 : 2;
    }

    if (options->listRoutes) {
        for (const ApiServer::RouteInfo& route : ApiServer::routeList())
            out << route.method << ' ' << route.path << '\n';
        return 0;
    }

    // SIGINT and SIGTERM stop the server from a thread of its own, after the requests under way.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    ApiServer server(*options);
    try {
        if (!options->resetPassword.isEmpty()) {
            const QString password = server.resetPassword(options->resetPassword);
            out << "One-time password for " << options->resetPassword << " (change it at first sign-in):\n" << password << "\n";
            return 0;
        }
        if (!options->bootstrapAdmin.isEmpty()) {
            const QString password = server.bootstrapAdmin(options->bootstrapAdmin);
            out << "Platform admin " << options->bootstrapAdmin << " is ready. One-time password (change it at first sign-in):\n"
                << password << "\n";
            return 0;
        }
        server.prepare();
    } catch (const StoreError& e) {
        err << "tenantdesk-server: " << e.fullMessage() << "\n";
        return 1;
    }
    const int port = server.bind();
    if (port <= 0) {
        err << "tenantdesk-server: could not listen on " << options->host << ":" << options->port
            << " (the address is in use or not this machine's).\n";
        return 1;
    }
    out << "tenantdesk-server listening on " << (options->tlsCertificate.isEmpty() ? "http" : "https") << "://"
        << options->host << ":" << port << "\n";
    out.flush();

    std::thread waiter([&server, signals]() {
        int received = 0;
        sigwait(&signals, &received);
        server.stop();
    });
    const bool served = server.serve();
    if (waiter.joinable()) {
        pthread_kill(waiter.native_handle(), SIGTERM); // ends the wait when serving stopped by itself
        waiter.join();
    }
    return served ? 0 : 1;
}
