#pragma once

#include "Ids.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QMetaType>
#include <QString>

namespace TenantDesk {

// Who did what to which object in which tenant, when, with the before and after values.
// Events are append-only; each carries the hash of its predecessor so tampering shows.
struct AuditEvent {
    qint64 id = 0;
    TenantId tenantId = 0;  // 0: a platform-level event
    QDateTime at;
    QString actor;          // e-mail of the user, or "system"
    QString action;         // e.g. "tenant.create"
    QString objectType;     // e.g. "tenant"
    QString objectId;
    QJsonObject before;
    QJsonObject after;
    QByteArray previousHash; // hex
    QByteArray hash;         // hex SHA-256 over the previous hash and this event's fields

    // The hash this event should carry given its fields and previousHash.
    QByteArray computeHash() const;

    friend bool operator==(const AuditEvent&, const AuditEvent&) = default;
};

} // namespace TenantDesk

Q_DECLARE_METATYPE(TenantDesk::AuditEvent)
