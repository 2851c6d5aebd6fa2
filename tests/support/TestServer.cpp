#include "TestServer.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>

#include <csignal>
#include <sys/prctl.h>

namespace TenantDesk::Test {

using namespace Qt::StringLiterals;

TestServer::TestServer(QString binary, QString directory)
    : m_binary(std::move(binary))
    , m_directory(std::move(directory))
    , m_signingKey(QDir(m_directory).filePath(u"signing.key"_s))
{
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    // A test that dies (a crash, the watchdog) takes its server with it.
    m_process.setChildProcessModifier([]() { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
    m_process.setStandardErrorFile(QDir(m_directory).filePath(u"server-stderr.log"_s), QIODevice::Append);
}

TestServer::TestServer(QString binary, const QString& fixture, QString directory)
    : TestServer(std::move(binary), std::move(directory))
{
    m_database = QDir(m_directory).filePath(u"server.tenantdesk"_s);
    m_databaseArgument = u"sqlite:"_s + m_database;
    QFile::remove(m_database);
    if (!QFile::copy(fixture, m_database))
        qFatal("Could not copy the fixture %s; did the fixture tests run?", qPrintable(fixture));
    QFile::setPermissions(m_database, QFile::ReadOwner | QFile::WriteOwner);
}

std::unique_ptr<TestServer> TestServer::over(QString binary, const QString& database, QString directory)
{
    std::unique_ptr<TestServer> server(new TestServer(std::move(binary), std::move(directory)));
    server->m_databaseArgument = database;
    if (database.startsWith(u"sqlite:"_s))
        server->m_database = database.mid(7);
    return server;
}

TestServer::~TestServer()
{
    stop();
}

QStringList TestServer::baseArguments() const
{
    return {u"--database"_s, m_databaseArgument, u"--signing-key"_s, m_signingKey};
}

QString TestServer::bootstrapAdmin(const QString& email)
{
    QProcess process;
    process.start(m_binary, baseArguments() << u"--bootstrap-admin"_s << email);
    if (!process.waitForFinished(60000) || process.exitCode() != 0) {
        m_error = QString::fromLocal8Bit(process.readAllStandardError());
        return {};
    }
    const QStringList lines = QString::fromUtf8(process.readAllStandardOutput()).trimmed().split(u'\n');
    return lines.isEmpty() ? QString() : lines.constLast().trimmed();
}

QString TestServer::resetPassword(const QString& email)
{
    QProcess process;
    process.start(m_binary, baseArguments() << u"--reset-password"_s << email);
    if (!process.waitForFinished(60000) || process.exitCode() != 0) {
        m_error = QString::fromLocal8Bit(process.readAllStandardError());
        return {};
    }
    const QStringList lines = QString::fromUtf8(process.readAllStandardOutput()).trimmed().split(u'\n');
    return lines.isEmpty() ? QString() : lines.constLast().trimmed();
}

bool TestServer::start(int port, const QStringList& extra)
{
    stop();
    m_process.start(m_binary, baseArguments() << u"--listen"_s << u"127.0.0.1:%1"_s.arg(port)
                                              << u"--access-log"_s << QDir(m_directory).filePath(u"access.log"_s)
                                              << u"--threads"_s << u"8"_s << extra);
    if (!m_process.waitForStarted(30000)) {
        m_error = m_process.errorString();
        return false;
    }
    QByteArray line;
    while (!line.contains('\n')) {
        if (!m_process.waitForReadyRead(30000)) {
            m_error = u"tenantdesk-server printed no address; see "_s + QDir(m_directory).filePath(u"server-stderr.log"_s);
            stop();
            return false;
        }
        line += m_process.readAllStandardOutput();
    }
    const auto match = QRegularExpression(u"listening on (https?://127\\.0\\.0\\.1:\\d+)"_s).match(QString::fromUtf8(line));
    if (!match.hasMatch()) {
        m_error = u"unexpected first line: "_s + QString::fromUtf8(line);
        stop();
        return false;
    }
    m_url = QUrl(match.captured(1));
    return true;
}

void TestServer::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(15000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

void TestServer::kill()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.kill(); // SIGKILL
    m_process.waitForFinished(15000);
}

} // namespace TenantDesk::Test
