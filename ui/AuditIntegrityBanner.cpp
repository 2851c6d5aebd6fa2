#include "AuditIntegrityBanner.h"

#include "Async.h"
#include "Store.h"
#include "StoreError.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QToolBar>

namespace TenantDesk {

using namespace Qt::StringLiterals;

AuditIntegrityBanner::AuditIntegrityBanner(QWidget* parent)
    : QFrame(parent)
{
    setObjectName(u"auditIntegrityBanner"_s);
    setStyleSheet(u"QFrame#auditIntegrityBanner { background: #fbe3e4; border-bottom: 2px solid #b3261e; }"
                  u"QLabel { color: #5c0b07; font-weight: bold; }"_s);
    setAccessibleName(tr("Audit trail warning"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(12, 6, 12, 6);
    m_label = new QLabel(this);
    m_label->setObjectName(u"auditIntegrityLabel"_s);
    m_label->setWordWrap(true);
    layout->addWidget(m_label, 1);
    auto* details = new QPushButton(tr("&Details…"), this);
    details->setObjectName(u"auditIntegrityDetailsButton"_s);
    connect(details, &QPushButton::clicked, this, [this]() {
        QMessageBox box(QMessageBox::Warning, tr("Audit Trail Altered"), m_label->text(), QMessageBox::Ok, this);
        box.setInformativeText(m_details);
        box.exec();
    });
    layout->addWidget(details);
    auto* dismiss = new QPushButton(tr("Dis&miss"), this);
    dismiss->setObjectName(u"auditIntegrityDismissButton"_s);
    dismiss->setToolTip(tr("Hide this warning until the database is opened again"));
    connect(dismiss, &QPushButton::clicked, this, &AuditIntegrityBanner::clear);
    layout->addWidget(dismiss);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
}

void AuditIntegrityBanner::clear()
{
    ++m_request;
    if (auto* bar = qobject_cast<QToolBar*>(parentWidget()))
        bar->hide();
    hide();
}

void AuditIntegrityBanner::check(Store* store)
{
    clear();
    if (!store)
        return;
    const int request = m_request;
    whenReady(store->verifyAuditTrail(), this,
        [this, request](const AuditChainReport& report) {
            if (request != m_request)
                return;
            if (!report.firstBreak) {
                Q_EMIT checked(true);
                return;
            }
            const AuditChainBreak& at = *report.firstBreak;
            m_label->setText(at.tenantId == 0
                                 ? tr("The audit trail has been altered: the platform's chain breaks at event %1.").arg(at.eventId)
                                 : tr("The audit trail has been altered: the chain of tenant %1 breaks at event %2.")
                                       .arg(at.tenantId).arg(at.eventId));
            m_details = tr("%1\n\n%2 events in %3 chains were checked. An event was edited, deleted or inserted "
                           "outside TenantDesk. Restore the database from a backup you trust, and find who had "
                           "access to it. `tenantctl audit verify` checks the trail again.")
                            .arg(at.problem).arg(report.events).arg(report.chains);
            m_label->setToolTip(at.problem);
            show();
            if (auto* bar = qobject_cast<QToolBar*>(parentWidget()))
                bar->show();
            Q_EMIT checked(false);
        },
        [this, request](const StoreError&) {
            // A tenant admin may not read the whole trail; a check that cannot run says nothing.
            if (request == m_request)
                Q_EMIT checked(true);
        });
}

} // namespace TenantDesk
