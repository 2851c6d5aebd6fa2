#include "SigningKey.h"

#include "Base64.h"
#include "StoreError.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace TenantDesk::SigningKey {

namespace {

constexpr qint64 MaximumFileSize = 4096;

constexpr QFileDevice::Permissions GroupOrOthers = QFileDevice::ReadGroup | QFileDevice::WriteGroup
    | QFileDevice::ExeGroup | QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther;

// "0644" for rw-r--r--.
QString octalMode(QFileDevice::Permissions permissions)
{
    const auto digit = [permissions](QFileDevice::Permission read, QFileDevice::Permission write,
                                     QFileDevice::Permission execute) {
        return QString::number((permissions.testFlag(read) ? 4 : 0) + (permissions.testFlag(write) ? 2 : 0)
                               + (permissions.testFlag(execute) ? 1 : 0));
    };
    return u"0"_s + digit(QFileDevice::ReadOwner, QFileDevice::WriteOwner, QFileDevice::ExeOwner)
        + digit(QFileDevice::ReadGroup, QFileDevice::WriteGroup, QFileDevice::ExeGroup)
        + digit(QFileDevice::ReadOther, QFileDevice::WriteOther, QFileDevice::ExeOther);
}

QByteArray load(const QString& path)
{
    const QString name = QDir::toNativeSeparators(path);
    if (!QFileInfo(path).isFile()) {
        throw StoreError(ErrorCode::Invalid, u"The signing key %1 is not a file."_s.arg(name));
    }
    const QFileDevice::Permissions permissions = QFile::permissions(path);
    if (permissions & GroupOrOthers) {
        throw StoreError(ErrorCode::Invalid,
                         u"The signing key file %1 is accessible to other users; restrict it to its owner "
                         u"(chmod 600) or remove it to have a new key made."_s.arg(name),
                         u"mode %1"_s.arg(octalMode(permissions)));
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw StoreError(ErrorCode::Unavailable, u"The signing key file %1 cannot be read."_s.arg(name), file.errorString());
    const QByteArray text = file.read(MaximumFileSize + 1);
    if (file.error() != QFileDevice::NoError)
        throw StoreError(ErrorCode::Unavailable, u"The signing key file %1 cannot be read."_s.arg(name), file.errorString());
    if (text.size() > MaximumFileSize) {
        throw StoreError(ErrorCode::Corrupt, u"The signing key file %1 is not a signing key."_s.arg(name),
                         u"larger than %1 bytes"_s.arg(MaximumFileSize));
    }
    const std::optional<QByteArray> key = fromCanonicalBase64(text.trimmed(), QByteArray::Base64Encoding);
    if (!key) {
        throw StoreError(ErrorCode::Corrupt, u"The signing key file %1 is not a signing key."_s.arg(name),
                         u"not base64 text"_s);
    }
    if (key->size() < KeySize) {
        throw StoreError(ErrorCode::Invalid,
                         u"The signing key in %1 is too short; remove the file to have a new key made."_s.arg(name),
                         u"%1 bytes, at least %2 needed"_s.arg(key->size()).arg(KeySize));
    }
    return *key;
}

QByteArray create(const QString& path)
{
    const QString name = QDir::toNativeSeparators(path);
    const QString directory = QFileInfo(path).absolutePath();
    if (!QDir().mkpath(directory)) {
        throw StoreError(ErrorCode::Unavailable, u"The signing key file %1 cannot be created."_s.arg(name),
                         u"cannot create the folder %1"_s.arg(QDir::toNativeSeparators(directory)));
    }
    QSaveFile file(path);
    // Owner-only before a byte of the key is written; a new QSaveFile would otherwise follow the umask.
    if (!file.open(QIODevice::WriteOnly) || !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        throw StoreError(ErrorCode::Unavailable, u"The signing key file %1 cannot be created."_s.arg(name),
                         file.errorString());
    }
    quint32 words[KeySize / sizeof(quint32)];
    QRandomGenerator::system()->fillRange(words);
    const QByteArray key(reinterpret_cast<const char*>(words), KeySize);
    file.write(key.toBase64() + '\n');
    if (!file.commit()) {
        throw StoreError(ErrorCode::Unavailable, u"The signing key file %1 cannot be written."_s.arg(name),
                         file.errorString());
    }
    return key;
}

} // namespace

QByteArray loadOrCreate(const QString& path)
{
    if (QFileInfo::exists(path))
        return load(path);
    return create(path);
}

} // namespace TenantDesk::SigningKey
