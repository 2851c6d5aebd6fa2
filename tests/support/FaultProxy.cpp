#include "FaultProxy.h"

#include <QHostAddress>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace TenantDesk::Test {

using namespace Qt::StringLiterals;

FaultProxy::FaultProxy(quint16 serverPort, QObject* parent)
    : QObject(parent)
    , m_serverPort(serverPort)
    , m_listener(new QTcpServer(this))
{
    connect(m_listener, &QTcpServer::newConnection, this, &FaultProxy::accept);
}

FaultProxy::~FaultProxy()
{
    const auto links = m_links;
    for (Link* link : links)
        drop(link, false);
}

bool FaultProxy::listen(quint16 port)
{
    if (!m_listener->listen(QHostAddress::LocalHost, port))
        return false;
    m_port = m_listener->serverPort();
    m_cut = false;
    return true;
}

QUrl FaultProxy::url() const
{
    return QUrl(u"http://127.0.0.1:%1"_s.arg(m_port));
}

void FaultProxy::cut()
{
    m_cut = true;
    m_listener->close();
    const auto links = m_links;
    for (Link* link : links)
        drop(link, false);
}

bool FaultProxy::restore()
{
    return listen(m_port);
}

void FaultProxy::cutBeforeRequest(const QByteArray& marker)
{
    m_armed = Armed::BeforeRequest;
    m_marker = marker;
}

void FaultProxy::cutAfterRequest(const QByteArray& marker)
{
    m_armed = Armed::AfterRequest;
    m_marker = marker;
}

void FaultProxy::accept()
{
    while (QTcpSocket* client = m_listener->nextPendingConnection()) {
        ++m_connectionCount;
        auto* link = new Link;
        link->client = client;
        link->server = new QTcpSocket(this);
        m_links.append(link);
        connect(client, &QTcpSocket::readyRead, this, [this, link]() { fromClient(link); });
        connect(client, &QTcpSocket::disconnected, this, [this, link]() { drop(link); });
        connect(link->server, &QTcpSocket::connected, this, [link]() {
            link->server->write(link->pending);
            link->pending.clear();
        });
        connect(link->server, &QTcpSocket::readyRead, this, [this, link]() { fromServer(link); });
        connect(link->server, &QTcpSocket::disconnected, this, [this, link]() { drop(link); });
        connect(link->server, &QTcpSocket::errorOccurred, this, [this, link](QAbstractSocket::SocketError error) {
            if (error != QAbstractSocket::RemoteHostClosedError)
                drop(link);
        });
        link->server->connectToHost(QHostAddress::LocalHost, m_serverPort);
    }
}

void FaultProxy::fromClient(Link* link)
{
    const QByteArray bytes = link->client->readAll();
    if (m_armed != Armed::Nothing && bytes.contains(m_marker)) {
        const Armed armed = m_armed;
        m_armed = Armed::Nothing;
        if (armed == Armed::BeforeRequest) {
            trip();
            return;
        }
        link->swallowAnswer = true;
    }
    if (link->server->state() == QAbstractSocket::ConnectedState)
        link->server->write(bytes);
    else
        link->pending += bytes;
}

void FaultProxy::fromServer(Link* link)
{
    const QByteArray bytes = link->server->readAll();
    if (link->swallowAnswer) {
        trip();
        return;
    }
    link->client->write(bytes);
}

void FaultProxy::trip()
{
    Q_EMIT tripped();
    cut();
}

void FaultProxy::drop(Link* link, bool graceful)
{
    if (!m_links.removeOne(link))
        return;
    // Both sockets go later: this may run inside one of their own signals.
    link->client->disconnect(this);
    link->server->disconnect(this);
    if (graceful) { // one side closed: the other still gets what was written to it
        link->client->flush();
        link->client->disconnectFromHost();
        link->server->disconnectFromHost();
    } else { // the cable is pulled
        link->client->abort();
        link->server->abort();
    }
    link->client->deleteLater();
    link->server->deleteLater();
    delete link;
}

} // namespace TenantDesk::Test
