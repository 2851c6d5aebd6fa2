#pragma once

#include "StoreQueries.h"
#include "Tenant.h"

#include <QDialog>
#include <QMap>

class QLabel;
class QLineEdit;
class QPushButton;

namespace TenantDesk {

class Store;
class StoreError;

// Tenant → Decommission: the checklist of a decommissioning tenant, one step at a time (back the
// data up to a file, record that the users were notified, release the resources, delete the data
// with the slug typed to confirm, finalise billing), then archive it. Each step is recorded in the
// store (and its audit trail) as it is done; closing the window and coming back continues.
class DecommissionDialog : public QDialog
{
    Q_OBJECT

public:
    DecommissionDialog(Store* store, const Tenant& tenant, QWidget* parent = nullptr);

    const Tenant& tenant() const { return m_tenant; }

    // The steps, as the buttons run them (tests call them directly).
    void backUpTo(const QString& path);
    void notifyUsers(const QString& note);
    void releaseResources();
    void deleteData(const QString& confirmSlug);
    void finaliseBilling();
    void archive();

Q_SIGNALS:
    void tenantChanged(const Tenant& tenant);
    // A step finished (ok) or was refused (the message is shown in the window too).
    void stepFinished(bool ok, const QString& message);

private:
    void complete(DecommissionStep step, const QString& note, const QString& confirmSlug = {});
    void refresh();
    void fail(const StoreError& error);
    void setBusy(bool busy);

    Store* m_store;
    Tenant m_tenant;
    bool m_busy = false;
    QMap<DecommissionStep, QLabel*> m_stateLabels;
    QMap<DecommissionStep, QPushButton*> m_buttons;
    QLineEdit* m_confirmEdit;
    QPushButton* m_archiveButton;
    QLabel* m_statusLabel;
    QLabel* m_error;
};

} // namespace TenantDesk
