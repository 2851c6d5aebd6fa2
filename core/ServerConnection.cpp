#include "ServerConnection.h"

#include "Store.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QSettings>

namespace TenantDesk {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("ServerConnection", text);
}

bool isThisComputer(const QString& host)
{
    if (host.compare(u"localhost"_s, Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

const QString trustedCertificatesGroup = u"trustedCertificates"_s;

} // namespace

QUrl normalizeServerUrl(const QString& text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        throw StoreError(ErrorCode::Invalid, tr("Enter the server's address, such as https://tenants.example.com."));
    QUrl url = QUrl::fromUserInput(trimmed.contains(u"://"_s) ? trimmed : u"https://"_s + trimmed);
    if (!url.isValid() || url.host().isEmpty())
        throw StoreError(ErrorCode::Invalid, tr("“%1” is not a server address; write it as https://host or https://host:port.")
                                                 .arg(trimmed));
    const QString scheme = url.scheme().toLower();
    if (scheme != u"https"_s && scheme != u"http"_s)
        throw StoreError(ErrorCode::Invalid, tr("The address must start with https:// (not %1://).").arg(scheme));
    if (scheme == u"http"_s && !isThisComputer(url.host()))
        throw StoreError(ErrorCode::Invalid,
                         tr("Use https:// for %1: with plain http your password would cross the network unencrypted.")
                             .arg(url.host()));
    if (!url.userInfo().isEmpty() || url.hasQuery() || url.hasFragment())
        throw StoreError(ErrorCode::Invalid, tr("The address should hold only the server and port, such as https://host:8443."));
    url.setScheme(scheme);
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    url.setPath(path);
    return url;
}

QString serverHostAndPort(const QUrl& url)
{
    return url.host() + u':' + QString::number(url.port(url.scheme() == u"http"_s ? 80 : 443));
}

QString formatFingerprint(const QByteArray& sha256)
{
    return QString::fromLatin1(sha256.toHex(':').toUpper());
}

QByteArray trustedFingerprint(const QUrl& url)
{
    QSettings settings;
    settings.beginGroup(trustedCertificatesGroup);
    return QByteArray::fromHex(settings.value(serverHostAndPort(url)).toString().toLatin1());
}

void setTrustedFingerprint(const QUrl& url, const QByteArray& sha256)
{
    QSettings settings;
    settings.beginGroup(trustedCertificatesGroup);
    if (sha256.isEmpty())
        settings.remove(serverHostAndPort(url));
    else
        settings.setValue(serverHostAndPort(url), QString::fromLatin1(sha256.toHex()));
}

QString serverRecentEntry(const QUrl& url, const QString& email)
{
    QUrl entry = url;
    entry.setUserName(email);
    entry.setPassword({});
    return entry.toString(QUrl::FullyEncoded);
}

std::optional<std::pair<QUrl, QString>> parseServerRecentEntry(const QString& entry)
{
    if (!entry.startsWith(u"https://"_s) && !entry.startsWith(u"http://"_s))
        return std::nullopt;
    QUrl url(entry, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty())
        return std::nullopt;
    const QString email = url.userName(QUrl::FullyDecoded);
    url.setUserInfo({});
    return std::pair{url, email};
}

ServerSession* serverSession(Store* store)
{
    return dynamic_cast<ServerSession*>(store);
}

AuthenticationError::AuthenticationError(QString message, QString detail)
    : StoreError(ErrorCode::Forbidden, std::move(message), std::move(detail))
{
}

UntrustedCertificateError::UntrustedCertificateError(QString message, QString detail, QString hostAndPort,
                                                     QByteArray sha256, QStringList problems)
    : StoreError(ErrorCode::Unavailable, std::move(message), std::move(detail))
    , m_hostAndPort(std::move(hostAndPort))
    , m_fingerprint(std::move(sha256))
    , m_problems(std::move(problems))
{
}

} // namespace TenantDesk
