#include "SecretStore.h"

#include "Logging.h"
#include "StoreError.h"

#include <QCoreApplication>
#include <QPromise>

#include <qt6keychain/keychain.h>

#include <memory>

namespace TenantDesk {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("SecretStore", text);
}

// The key under which isAvailable() looks for nothing.
const QString probeKey = u"TenantDesk keychain probe"_s;

StoreError keychainError(const QKeychain::Job& job, const QString& key)
{
    // QtKeychain's message names the cause (for example that no D-Bus session is running); it
    // never holds the secret.
    const QString detail = job.errorString();
    switch (job.error()) {
    case QKeychain::EntryNotFound:
        return StoreError(ErrorCode::NotFound, tr("The keychain holds nothing for %1.").arg(key), detail);
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        return StoreError(ErrorCode::Forbidden, tr("The keychain refused access (is it locked?)."), detail);
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
    case QKeychain::OtherError:
    case QKeychain::CouldNotDeleteEntry:
    case QKeychain::NoError:
        break;
    }
    return StoreError(ErrorCode::Unavailable,
                      tr("No keychain is available (no Secret Service such as GNOME Keyring or KWallet answers), "
                         "so you will be asked for your password each time."),
                      detail);
}

// Runs `job` (which deletes itself when done) and reports through a future: `onDone` reads the
// job's result into the promise when it succeeded; `onError` may turn a failure into a result.
template<typename T, typename Job, typename OnDone, typename OnError>
QFuture<T> run(Job* job, const QString& key, OnDone onDone, OnError onError)
{
    auto promise = std::make_shared<QPromise<T>>();
    QFuture<T> future = promise->future();
    promise->start();
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never a plain-text file instead of the keychain
    job->setKey(key);
    QObject::connect(job, &QKeychain::Job::finished, job, [promise, onDone, onError, key](QKeychain::Job* finished) {
        try {
            if (finished->error() == QKeychain::NoError)
                onDone(*promise, *static_cast<Job*>(finished));
            else
                onError(*promise, keychainError(*finished, key));
        } catch (...) {
            promise->setException(std::current_exception());
        }
        promise->finish();
    });
    job->start();
    return future;
}

template<typename T>
void throwError(QPromise<T>&, const StoreError& error)
{
    throw error;
}

} // namespace

SecretStore::SecretStore(QString service)
    : m_service(std::move(service))
{
}

QString SecretStore::serverKey(const QUrl& server, const QString& email)
{
    QUrl url = server.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::StripTrailingSlash);
    if (url.path() == u"/"_s)
        url.setPath({});
    return url.toString() + u' ' + email;
}

QFuture<void> SecretStore::save(const QString& key, const QString& secret) const
{
    auto* job = new QKeychain::WritePasswordJob(m_service);
    job->setTextData(secret);
    return run<void>(job, key, [](QPromise<void>&, QKeychain::WritePasswordJob&) {}, throwError<void>);
}

QFuture<QString> SecretStore::load(const QString& key) const
{
    return run<QString>(new QKeychain::ReadPasswordJob(m_service), key,
        [](QPromise<QString>& promise, QKeychain::ReadPasswordJob& job) { promise.addResult(job.textData()); },
        throwError<QString>);
}

QFuture<void> SecretStore::remove(const QString& key) const
{
    return run<void>(new QKeychain::DeletePasswordJob(m_service), key, [](QPromise<void>&, QKeychain::DeletePasswordJob&) {},
        [](QPromise<void>&, const StoreError& error) {
            if (error.code() != ErrorCode::NotFound) // nothing to remove is fine
                throw error;
        });
}

QFuture<bool> SecretStore::isAvailable() const
{
    return run<bool>(new QKeychain::ReadPasswordJob(m_service), probeKey,
        [](QPromise<bool>& promise, QKeychain::ReadPasswordJob&) { promise.addResult(true); },
        [](QPromise<bool>& promise, const StoreError& error) {
            // Nothing found, or a locked keychain: there is one.
            const bool available = error.code() == ErrorCode::NotFound || error.code() == ErrorCode::Forbidden;
            if (!available)
                qCInfo(lcStore).noquote() << "No keychain:" << error.detail();
            promise.addResult(available);
        });
}

} // namespace TenantDesk
