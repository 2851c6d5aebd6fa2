#include "TestSupport.h"

#include <QCryptographicHash>
#include <QFile>

namespace TenantDesk::Test {

QString smallDemoFixture()
{
    return QStringLiteral(TENANTDESK_FIXTURE_DIR "/small.tenantdesk");
}

QString largeDemoFixture()
{
    return QStringLiteral(TENANTDESK_FIXTURE_DIR "/large.tenantdesk");
}

QString copyFixture(const QString& fixture, const QTemporaryDir& dir)
{
    const QString copy = dir.filePath(QStringLiteral("copy.tenantdesk"));
    QFile::remove(copy);
    if (!QFile::copy(fixture, copy))
        qFatal("Could not copy the fixture %s; did the fixture tests run?", qPrintable(fixture));
    QFile::setPermissions(copy, QFile::ReadOwner | QFile::WriteOwner);
    return copy;
}

QByteArray fileDigest(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    return hash.result().toHex();
}

} // namespace TenantDesk::Test
