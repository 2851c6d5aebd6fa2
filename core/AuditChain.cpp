#include "AuditChain.h"

#include <QCoreApplication>
#include <QHash>

#include <algorithm>

namespace TenantDesk {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("AuditChain", text);
}

QString shortHash(const QByteArray& hash)
{
    return hash.isEmpty() ? tr("none") : QString::fromLatin1(hash.left(12)) + QStringLiteral("…");
}

} // namespace

AuditChainReport verifyAuditChains(QList<AuditEvent> events)
{
    std::sort(events.begin(), events.end(), [](const AuditEvent& a, const AuditEvent& b) { return a.id < b.id; });
    struct Link { qint64 eventId = 0; QByteArray hash; };
    QHash<TenantId, Link> last; // each chain's latest event so far
    AuditChainReport report;
    for (const AuditEvent& event : std::as_const(events)) {
        ++report.events;
        const auto previous = last.constFind(event.tenantId);
        const bool first = previous == last.constEnd();
        if (first)
            ++report.chains;
        if (!report.firstBreak) {
            QString problem;
            if (event.hash != event.computeHash()) {
                problem = tr("its hash does not match its contents: it was changed after it was written");
            } else if (first && !event.previousHash.isEmpty()) {
                problem = tr("it is the first event of its chain here but names a predecessor (%1): "
                             "the events before it were deleted").arg(shortHash(event.previousHash));
            } else if (!first && event.previousHash != previous->hash) {
                problem = tr("it does not follow event %1 (it names predecessor %2, event %1 has hash %3): "
                             "an event between them was deleted or inserted")
                              .arg(previous->eventId).arg(shortHash(event.previousHash), shortHash(previous->hash));
            }
            if (!problem.isEmpty())
                report.firstBreak = AuditChainBreak{event.tenantId, event.id, problem};
        }
        last.insert(event.tenantId, Link{event.id, event.hash});
    }
    return report;
}

} // namespace TenantDesk
