#include "DecommissionDialog.h"

#include "Async.h"
#include "DetailForm.h"
#include "FieldError.h"
#include "Store.h"
#include "StoreError.h"
#include "TenantBackup.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QStandardPaths>
#include <QVBoxLayout>

namespace TenantDesk {

using namespace Qt::StringLiterals;

DecommissionDialog::DecommissionDialog(Store* store, const Tenant& tenant, QWidget* parent)
    : QDialog(parent)
    , m_store(store)
    , m_tenant(tenant)
{
    setWindowTitle(tr("Decommission %1").arg(tenant.displayName));
    setObjectName(u"decommissionDialog"_s);
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("Work through the checklist. Each step is recorded as it is done; the tenant is archived "
                                "once all are done. A backup file restores the tenant later, here or in another database."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto* grid = new QGridLayout;
    layout->addLayout(grid);
    int row = 0;
    for (DecommissionStep step : allDecommissionSteps) {
        const QString key = decommissionStepKey(step);
        grid->addWidget(new QLabel(u"%1. %2"_s.arg(row + 1).arg(decommissionStepDisplayName(step)), this), row, 0);
        auto* state = new QLabel(this);
        state->setObjectName(key + u"State"_s);
        grid->addWidget(state, row, 1);
        m_stateLabels.insert(step, state);
        auto* button = new QPushButton(this);
        button->setObjectName(key + u"Button"_s);
        grid->addWidget(button, row, 3);
        m_buttons.insert(step, button);
        ++row;
    }
    m_buttons.value(DecommissionStep::BackUp)->setText(tr("&Back Up…"));
    m_buttons.value(DecommissionStep::NotifyUsers)->setText(tr("&Record Notice…"));
    m_buttons.value(DecommissionStep::ReleaseResources)->setText(tr("Re&lease"));
    m_buttons.value(DecommissionStep::DeleteData)->setText(tr("&Delete Data"));
    m_buttons.value(DecommissionStep::FinaliseBilling)->setText(tr("&Finalise"));
    m_confirmEdit = new QLineEdit(this);
    m_confirmEdit->setObjectName(u"confirmSlugEdit"_s);
    m_confirmEdit->setPlaceholderText(tr("Type %1 to confirm").arg(tenant.slug));
    m_confirmEdit->setAccessibleName(tr("Slug to confirm the deletion"));
    grid->addWidget(m_confirmEdit, 3, 2);

    connect(m_buttons.value(DecommissionStep::BackUp), &QPushButton::clicked, this, [this]() {
        const QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
        const QString path = QFileDialog::getSaveFileName(this, tr("Back Up %1").arg(m_tenant.displayName),
                                                          QDir(folder).filePath(m_tenant.slug + u".tenantdesk-backup.json"_s),
                                                          tr("Tenant backups (*.json)"));
        if (!path.isEmpty())
            backUpTo(path);
    });
    connect(m_buttons.value(DecommissionStep::NotifyUsers), &QPushButton::clicked, this, [this]() {
        bool ok = false;
        const QString note = QInputDialog::getText(this, tr("Users Notified"), tr("How and when were the users told?"),
                                                   QLineEdit::Normal, tr("E-mail to every member"), &ok);
        if (ok)
            notifyUsers(note);
    });
    connect(m_buttons.value(DecommissionStep::ReleaseResources), &QPushButton::clicked, this, &DecommissionDialog::releaseResources);
    connect(m_buttons.value(DecommissionStep::DeleteData), &QPushButton::clicked, this, [this]() {
        if (QMessageBox::warning(this, tr("Delete the Data of %1").arg(m_tenant.displayName),
                                 tr("This deletes the environments, memberships, custom roles, usage and settings of “%1”. "
                                    "Only its backup brings them back. Delete now?").arg(m_tenant.displayName),
                                 QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel) == QMessageBox::Yes)
            deleteData(m_confirmEdit->text().trimmed());
    });
    connect(m_buttons.value(DecommissionStep::FinaliseBilling), &QPushButton::clicked, this, &DecommissionDialog::finaliseBilling);
    connect(m_confirmEdit, &QLineEdit::textChanged, this, &DecommissionDialog::refresh);

    m_statusLabel = new QLabel(this);
    m_statusLabel->setObjectName(u"decommissionStatusLabel"_s);
    layout->addWidget(m_statusLabel);
    m_error = makeErrorLabel(u"decommissionError"_s, this);
    layout->addWidget(m_error);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_archiveButton = buttons->addButton(tr("&Archive"), QDialogButtonBox::ActionRole);
    m_archiveButton->setObjectName(u"archiveButton"_s);
    connect(m_archiveButton, &QPushButton::clicked, this, &DecommissionDialog::archive);
    connect(buttons, &QDialogButtonBox::rejected, this, &DecommissionDialog::reject);
    layout->addWidget(buttons);
    refresh();
    resize(760, sizeHint().height());
}

void DecommissionDialog::refresh()
{
    const bool decommissioning = m_tenant.status == TenantStatus::Decommissioning;
    int done = 0;
    for (DecommissionStep step : allDecommissionSteps) {
        const QJsonObject record = m_tenant.decommission.value(decommissionStepKey(step)).toObject();
        const bool isDone = !record.isEmpty();
        done += isDone ? 1 : 0;
        m_stateLabels.value(step)->setText(isDone ? tr("✔ %1 by %2").arg(formatTime(QDateTime::fromString(record.value(u"at"_s).toString(), Qt::ISODate)),
                                                                          record.value(u"by"_s).toString())
                                                  : tr("To do"));
        m_stateLabels.value(step)->setToolTip(record.value(u"note"_s).toString());
        bool enabled = decommissioning && !isDone && !m_busy;
        if (step == DecommissionStep::DeleteData)
            enabled = enabled && m_tenant.decommission.contains(decommissionStepKey(DecommissionStep::BackUp))
                && m_confirmEdit->text().trimmed() == m_tenant.slug;
        m_buttons.value(step)->setEnabled(enabled);
    }
    m_confirmEdit->setEnabled(decommissioning && !m_tenant.decommission.contains(decommissionStepKey(DecommissionStep::DeleteData)));
    m_archiveButton->setEnabled(decommissioning && done == int(std::size(allDecommissionSteps)) && !m_busy);
    m_statusLabel->setText(m_tenant.status == TenantStatus::Archived
                               ? tr("“%1” is archived.").arg(m_tenant.displayName)
                               : tr("%1 of %2 steps done.").arg(done).arg(std::size(allDecommissionSteps)));
}

void DecommissionDialog::setBusy(bool busy)
{
    m_busy = busy;
    setCursor(busy ? Qt::BusyCursor : Qt::ArrowCursor);
    refresh();
}

void DecommissionDialog::fail(const StoreError& error)
{
    setBusy(false);
    setError(m_error, error.message());
    Q_EMIT stepFinished(false, error.message());
}

void DecommissionDialog::complete(DecommissionStep step, const QString& note, const QString& confirmSlug)
{
    setError(m_error, {});
    setBusy(true);
    whenReady(m_store->completeDecommissionStep(m_tenant.id, DecommissionStepDone{step, note, confirmSlug}, m_tenant.version), this,
        [this](const Tenant& tenant) {
            m_tenant = tenant;
            setBusy(false);
            Q_EMIT tenantChanged(tenant);
            Q_EMIT stepFinished(true, {});
        },
        [this](const StoreError& error) { fail(error); });
}

void DecommissionDialog::backUpTo(const QString& path)
{
    setError(m_error, {});
    setBusy(true);
    whenReady(m_store->backUpTenant(m_tenant.id), this,
        [this, path](const QByteArray& backup) {
            QSaveFile file(path); // all or nothing: never a half-written backup
            if (!file.open(QIODevice::WriteOnly) || file.write(backup) != backup.size() || !file.commit()) {
                fail(StoreError(ErrorCode::Unavailable, tr("Could not write the backup to “%1”: %2.")
                                                            .arg(QDir::toNativeSeparators(path), file.errorString())));
                return;
            }
            complete(DecommissionStep::BackUp, tr("%1 (SHA-256 %2)").arg(QFileInfo(path).fileName(), TenantBackup::checksum(backup)));
        },
        [this](const StoreError& error) { fail(error); });
}

void DecommissionDialog::notifyUsers(const QString& note)
{
    complete(DecommissionStep::NotifyUsers, note);
}

void DecommissionDialog::releaseResources()
{
    complete(DecommissionStep::ReleaseResources, tr("Resources released"));
}

void DecommissionDialog::deleteData(const QString& confirmSlug)
{
    complete(DecommissionStep::DeleteData, tr("Data deleted"), confirmSlug);
}

void DecommissionDialog::finaliseBilling()
{
    complete(DecommissionStep::FinaliseBilling, tr("Billing finalised"));
}

void DecommissionDialog::archive()
{
    setError(m_error, {});
    setBusy(true);
    whenReady(m_store->changeTenantStatus(m_tenant.id, TenantStatus::Archived, m_tenant.version), this,
        [this](const Tenant& tenant) {
            m_tenant = tenant;
            setBusy(false);
            Q_EMIT tenantChanged(tenant);
            Q_EMIT stepFinished(true, {});
        },
        [this](const StoreError& error) { fail(error); });
}

} // namespace TenantDesk
