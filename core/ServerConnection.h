#pragma once

#include "StoreError.h"
#include "User.h"

#include <QByteArray>
#include <QFuture>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <functional>
#include <optional>

namespace TenantDesk {

class Store;

// Where a TenantDesk server is and how to sign in to it: what the UI hands to
// StoreFactory::server(). Not a backend: the UI may use it.
struct ServerConnection {
    QUrl url;              // https://host:port (http only for this computer)
    QString email;
    QString password;      // a password sign-in; the store forgets it once signed in
    QString refreshToken;  // or a session resumed from the keychain
    // The SHA-256 fingerprint of a certificate the person chose to trust for this host and port
    // (see trustedFingerprint()); only that exact certificate is accepted besides trusted ones.
    QByteArray trustedFingerprint;
};

// Reads a server address as typed ("tenants.example.com", "https://host:8443/"): adds https://
// when no scheme is given and drops a trailing slash. Throws StoreError(Invalid) saying what is
// wrong; plain http is accepted only for this computer (localhost, 127.0.0.1, ::1).
QUrl normalizeServerUrl(const QString& text);

// "host:port" as certificates are trusted (the port defaulted from the scheme).
QString serverHostAndPort(const QUrl& url);

// SHA-256 fingerprints as shown to a person: "AB:CD:...".
QString formatFingerprint(const QByteArray& sha256);

// The certificate fingerprint the person trusted for this server's host and port (empty: none),
// kept in QSettings (a fingerprint is not a secret).
QByteArray trustedFingerprint(const QUrl& url);
void setTrustedFingerprint(const QUrl& url, const QByteArray& sha256);

// A server and account as remembered in the list of recent databases, without any secret:
// "https://ann%40example.com@host:8443".
QString serverRecentEntry(const QUrl& url, const QString& email);
// The server and e-mail of a recent entry; nullopt when the entry is a database file.
std::optional<std::pair<QUrl, QString>> parseServerRecentEntry(const QString& entry);

// The signed-in side of a store on a TenantDesk server (RestStore), for the UI: who is signed
// in, the rotating refresh token (to keep in the keychain) and signing out.
// Used on the thread that created the store.
class ServerSession
{
public:
    virtual ~ServerSession() = default;

    virtual QUrl serverUrl() const = 0;
    virtual QString email() const = 0;
    // The signed-in user, known once open() succeeded.
    virtual User user() const = 0;
    // The current refresh token; empty when signed out. It changes on every refresh.
    virtual QString refreshToken() const = 0;
    // Called whenever the refresh token changes (sign-in, every refresh, sign-out: empty).
    virtual void setRefreshTokenHandler(std::function<void(const QString&)> handler) = 0;
    // Revokes the session on the server and forgets the tokens (forgotten even when the server
    // cannot be reached; the future then fails with Unavailable).
    virtual QFuture<void> signOut() = 0;
};

// The ServerSession of a store on a server; nullptr for a local database.
ServerSession* serverSession(Store* store);

// The server refused the credentials or the session ended (HTTP 401): sign in again.
class AuthenticationError : public StoreError
{
public:
    AuthenticationError(QString message, QString detail = {});
    void raise() const override { throw *this; }
    AuthenticationError* clone() const override { return new AuthenticationError(*this); }
};

// The server's TLS certificate is not trusted (self-signed, unknown issuer, or not the one the
// person trusted before). Carries what the person needs to decide whether to trust it.
class UntrustedCertificateError : public StoreError
{
public:
    UntrustedCertificateError(QString message, QString detail, QString hostAndPort, QByteArray sha256,
                              QStringList problems);
    const QString& hostAndPort() const noexcept { return m_hostAndPort; }
    // The SHA-256 digest of the server's certificate (raw bytes; see formatFingerprint()).
    const QByteArray& fingerprint() const noexcept { return m_fingerprint; }
    // What TLS verification found ("The certificate is self-signed, and untrusted").
    const QStringList& problems() const noexcept { return m_problems; }

    void raise() const override { throw *this; }
    UntrustedCertificateError* clone() const override { return new UntrustedCertificateError(*this); }

private:
    QString m_hostAndPort;
    QByteArray m_fingerprint;
    QStringList m_problems;
};

} // namespace TenantDesk
