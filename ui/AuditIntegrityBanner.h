#pragma once

#include <QFrame>
#include <QPointer>

class QLabel;

namespace TenantDesk {

class Store;

// A red banner across the top of the window when the audit trail has been altered behind the
// console's back: an event edited, deleted or inserted breaks its hash chain. Checked once each
// time a store opens (Store::verifyAuditTrail, on the store's worker); hidden when the trail is
// intact, or when the person may not read the whole trail (a tenant admin).
class AuditIntegrityBanner : public QFrame
{
    Q_OBJECT

public:
    explicit AuditIntegrityBanner(QWidget* parent = nullptr);

    // Checks `store`'s audit trail; the banner shows when a chain is broken.
    void check(Store* store);
    void clear();

Q_SIGNALS:
    // The check has answered (broken or not), for tests.
    void checked(bool intact);

private:
    QLabel* m_label = nullptr;
    QString m_details;
    int m_request = 0;
};

} // namespace TenantDesk
