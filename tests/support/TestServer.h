#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <memory>

namespace TenantDesk::Test {

// A real tenantdesk-server for a test: on 127.0.0.1 over its own copy of a demo database, with
// a platform admin bootstrapped. Stopped (SIGTERM) when destroyed.
class TestServer
{
public:
    // `binary`: tenantdesk-server; `fixture`: the database copied into `directory`.
    TestServer(QString binary, const QString& fixture, QString directory);
    // A server over `database` as it is, given as on its command line ("sqlite:PATH" or a
    // postgresql:// URL); `directory` holds its signing key and logs.
    static std::unique_ptr<TestServer> over(QString binary, const QString& database, QString directory);
    ~TestServer();
    TestServer(const TestServer&) = delete;
    TestServer& operator=(const TestServer&) = delete;

    // Creates the first platform admin; returns the one-time password (empty on failure).
    QString bootstrapAdmin(const QString& email);
    // Gives an existing user a new one-time password and returns it (empty on failure).
    QString resetPassword(const QString& email);
    // Starts listening on `port` (0: any free one) with `extra` arguments; false with the reason
    // in error() when it does not start within 30 s.
    bool start(int port = 0, const QStringList& extra = {});
    void stop();
    // Kills the server with SIGKILL (no shutdown of any kind) and waits until it is gone;
    // start(port()) then runs it again on the same database and port.
    void kill();
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }

    QUrl url() const { return m_url; }
    int port() const { return m_url.port(); }
    QString database() const { return m_database; }
    QString directory() const { return m_directory; }
    // The token signing key file (a new file name gives new keys: old access tokens fail).
    QString signingKeyFile() const { return m_signingKey; }
    void setSigningKeyFile(const QString& path) { m_signingKey = path; }
    QString error() const { return m_error; }

private:
    TestServer(QString binary, QString directory);
    QStringList baseArguments() const;

    QString m_binary;
    QString m_directory;
    QString m_database;          // the SQLite file, if any
    QString m_databaseArgument;  // --database
    QString m_signingKey;
    QProcess m_process;
    QUrl m_url;
    QString m_error;
};

} // namespace TenantDesk::Test
