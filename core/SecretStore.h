#pragma once

#include <QFuture>
#include <QString>
#include <QUrl>

namespace TenantDesk {

// Secrets (refresh tokens) in the operating system's keychain through QtKeychain: the Secret
// Service (GNOME Keyring, KWallet) on Linux. There is no fallback: when no keychain can be
// reached, every operation fails with StoreError(Unavailable) and nothing is written anywhere
// else (no file, no QSettings); the UI then asks for the password each time.
//
// Asynchronous: each operation reports through its future, on the calling thread's event loop
// (which must run). Failures are StoreErrors:
//   Unavailable  no keychain (no D-Bus session, no Secret Service) or it failed
//   NotFound     load(): nothing is stored under the key
//   Forbidden    the keychain is locked or the person refused access
class SecretStore
{
public:
    // Secrets are kept under `service` ("TenantDesk").
    explicit SecretStore(QString service = QStringLiteral("TenantDesk"));

    // The key of a server account's refresh token: "<server URL> <email>".
    static QString serverKey(const QUrl& server, const QString& email);

    // Stores `secret` under `key`, replacing what was there.
    QFuture<void> save(const QString& key, const QString& secret) const;
    QFuture<QString> load(const QString& key) const;
    // Removes the secret under `key`; succeeds when there was none.
    QFuture<void> remove(const QString& key) const;
    // Whether a keychain answers (true), or none can be reached (false). Never fails.
    QFuture<bool> isAvailable() const;

    QString service() const { return m_service; }

private:
    QString m_service;
};

} // namespace TenantDesk
