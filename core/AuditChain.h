#pragma once

#include "AuditEvent.h"

#include <QList>
#include <QString>

#include <optional>

namespace TenantDesk {

// The first place where an audit trail's hash chain does not hold.
struct AuditChainBreak {
    TenantId tenantId = 0; // 0: the platform's own chain
    qint64 eventId = 0;
    QString problem;       // for a person: what is wrong with this event
};

struct AuditChainReport {
    qint64 events = 0;
    int chains = 0; // one per tenant with events, and the platform's
    std::optional<AuditChainBreak> firstBreak;
};

// Checks the hash chains of audit events (in any order): every tenant has one chain, in id
// order, in which each event's hash matches its contents and names the hash of the event before
// it, and the first event names none. An edited event breaks its own hash; a deleted or inserted
// one breaks the link of the event after it. Reports the first break in id order.
AuditChainReport verifyAuditChains(QList<AuditEvent> events);

} // namespace TenantDesk
