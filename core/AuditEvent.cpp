#include "AuditEvent.h"

#include <QCryptographicHash>
#include <QJsonDocument>

namespace TenantDesk {

QByteArray AuditEvent::computeHash() const
{
    QCryptographicHash hasher(QCryptographicHash::Sha256);
    const auto field = [&hasher](const QByteArray& bytes) {
        hasher.addData(QByteArray::number(bytes.size()));
        hasher.addData(QByteArrayView(":"));
        hasher.addData(bytes);
    };
    field(previousHash);
    field(QByteArray::number(tenantId));
    field(at.toUTC().toString(Qt::ISODateWithMs).toUtf8());
    field(actor.toUtf8());
    field(action.toUtf8());
    field(objectType.toUtf8());
    field(objectId.toUtf8());
    field(QJsonDocument(before).toJson(QJsonDocument::Compact));
    field(QJsonDocument(after).toJson(QJsonDocument::Compact));
    return hasher.result().toHex();
}

} // namespace TenantDesk
