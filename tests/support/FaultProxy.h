#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QUrl>

class QTcpServer;
class QTcpSocket;

namespace TenantDesk::Test {

// A TCP proxy on 127.0.0.1 between a client and a server, for injecting network faults: it
// forwards bytes both ways until told to cut the network, as if a cable were pulled.
//
//   cut()      closes every connection (the client sees "connection closed") and stops listening
//              (new connections are refused) until restore() listens again on the same port.
//   cutBeforeRequest(marker)  the next request whose bytes contain `marker` is never forwarded:
//              tripped() is emitted, then the network is cut. The server never saw it.
//   cutAfterRequest(marker)   the next such request is forwarded, but the server's answer is
//              swallowed: tripped() is emitted when its first bytes come back, then the network
//              is cut. The server did the work; the client never hears of it.
// A request is matched on one read of the client's bytes (small requests on loopback arrive whole).
class FaultProxy : public QObject
{
    Q_OBJECT

public:
    explicit FaultProxy(quint16 serverPort, QObject* parent = nullptr);
    ~FaultProxy() override;

    // Listens on 127.0.0.1:`port` (0: any free one).
    bool listen(quint16 port = 0);
    quint16 port() const { return m_port; }
    QUrl url() const;
    // How many connections were accepted.
    int connectionCount() const { return m_connectionCount; }

    void cut();
    bool restore();
    bool isCut() const { return m_cut; }
    void cutBeforeRequest(const QByteArray& marker);
    void cutAfterRequest(const QByteArray& marker);

Q_SIGNALS:
    // The armed fault met its request (just before the network is cut).
    void tripped();

private:
    struct Link {
        QTcpSocket* client = nullptr;
        QTcpSocket* server = nullptr;
        QByteArray pending; // client bytes before the server connection is up
        bool swallowAnswer = false;
    };
    enum class Armed { Nothing, BeforeRequest, AfterRequest };

    void accept();
    void fromClient(Link* link);
    void fromServer(Link* link);
    void drop(Link* link, bool graceful = true);
    void trip();

    quint16 m_serverPort;
    quint16 m_port = 0;
    QTcpServer* m_listener;
    QList<Link*> m_links;
    Armed m_armed = Armed::Nothing;
    QByteArray m_marker;
    bool m_cut = false;
    int m_connectionCount = 0;
};

} // namespace TenantDesk::Test
