#include "TenantEditDialog.h"

#include "Async.h"
#include "FieldError.h"
#include "Store.h"
#include "StoreError.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QTimeZone>
#include <QVBoxLayout>

namespace TenantDesk {

using namespace Qt::StringLiterals;


TenantEditDialog::TenantEditDialog(Store* store, const Tenant& tenant, QWidget* parent)
    : QDialog(parent)
    , m_store(store)
    , m_tenant(tenant)
{
    setWindowTitle(tr("Edit %1").arg(tenant.displayName));
    setObjectName(u"tenantEditDialog"_s);
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    layout->addLayout(form);

    m_nameEdit = new QLineEdit(tenant.displayName, this);
    m_nameEdit->setObjectName(u"nameEdit"_s);
    m_nameEdit->setMaxLength(200);
    m_nameError = makeErrorLabel(u"nameError"_s, this);
    form->addRow(tr("&Name:"), m_nameEdit);
    form->addRow(QString(), m_nameError);

    m_domainEdit = new QLineEdit(tenant.domain, this);
    m_domainEdit->setObjectName(u"domainEdit"_s);
    m_domainEdit->setPlaceholderText(tr("example.com"));
    m_domainError = makeErrorLabel(u"domainError"_s, this);
    form->addRow(tr("&Domain:"), m_domainEdit);
    form->addRow(QString(), m_domainError);

    m_timezoneCombo = new QComboBox(this);
    m_timezoneCombo->setObjectName(u"timezoneCombo"_s);
    m_timezoneCombo->setEditable(true);
    m_timezoneCombo->setInsertPolicy(QComboBox::NoInsert);
    for (const QByteArray& id : QTimeZone::availableTimeZoneIds())
        m_timezoneCombo->addItem(QString::fromLatin1(id));
    m_timezoneCombo->setCurrentText(tenant.timezone);
    m_timezoneError = makeErrorLabel(u"timezoneError"_s, this);
    form->addRow(tr("&Time zone:"), m_timezoneCombo);
    form->addRow(QString(), m_timezoneError);

    m_languageEdit = new QLineEdit(tenant.language, this);
    m_languageEdit->setObjectName(u"languageEdit"_s);
    m_languageEdit->setPlaceholderText(tr("en, de, pt-BR"));
    m_languageError = makeErrorLabel(u"languageError"_s, this);
    form->addRow(tr("&Language:"), m_languageEdit);
    form->addRow(QString(), m_languageError);

    m_generalError = makeErrorLabel(u"generalError"_s, this);
    layout->addWidget(m_generalError);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &TenantEditDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &TenantEditDialog::reject);
    resize(520, sizeHint().height());
}

TenantChange TenantEditDialog::change() const
{
    TenantChange change;
    if (m_nameEdit->text().trimmed() != m_tenant.displayName)
        change.displayName = m_nameEdit->text().trimmed();
    if (m_domainEdit->text().trimmed() != m_tenant.domain)
        change.domain = m_domainEdit->text().trimmed();
    if (m_timezoneCombo->currentText().trimmed() != m_tenant.timezone)
        change.timezone = m_timezoneCombo->currentText().trimmed();
    if (m_languageEdit->text().trimmed() != m_tenant.language)
        change.language = m_languageEdit->text().trimmed();
    return change;
}

void TenantEditDialog::accept()
{
    const TenantChange edited = change();
    if (edited.isEmpty()) {
        m_saved = m_tenant;
        QDialog::accept();
        return;
    }
    save(edited, m_tenant.version);
}

void TenantEditDialog::setBusy(bool busy)
{
    m_buttons->button(QDialogButtonBox::Save)->setEnabled(!busy);
    setCursor(busy ? Qt::BusyCursor : Qt::ArrowCursor);
}

void TenantEditDialog::save(const TenantChange& edited, qint64 version)
{
    for (QLabel* label : {m_nameError, m_domainError, m_timezoneError, m_languageError, m_generalError})
        setError(label, {});
    setBusy(true);
    whenReady(m_store->updateTenant(m_tenant.id, edited, version), this,
        [this](const Tenant& saved) {
            setBusy(false);
            m_saved = saved;
            QDialog::accept();
        },
        [this, edited](const StoreError& error) {
            setBusy(false);
            if (error.code() == ErrorCode::Conflict)
                resolveConflict(edited);
            else
                showError(error);
        });
}

void TenantEditDialog::showError(const StoreError& error)
{
    const QString field = error.field();
    QLabel* label = field == u"display_name"_s ? m_nameError
        : field == u"domain"_s                 ? m_domainError
        : field == u"timezone"_s               ? m_timezoneError
        : field == u"language"_s               ? m_languageError
                                               : m_generalError;
    setError(label, label == m_generalError ? error.fullMessage() : error.message());
}

void TenantEditDialog::resolveConflict(const TenantChange& edited)
{
    // The current version, read again: the same on every backend (a server's 412 carries it too).
    setBusy(true);
    whenReady(m_store->tenant(m_tenant.id), this,
        [this, edited](const Tenant& current) {
            setBusy(false);
            ConflictDialog conflict(m_tenant, current, edited, this);
            if (conflict.exec() == QDialog::Accepted) {
                m_tenant = current; // the change now applies to what is stored
                save(edited, current.version);
            } else {
                m_saved = current;
                QDialog::reject();
            }
        },
        [this](const StoreError& error) {
            setBusy(false);
            showError(error);
        });
}

ConflictDialog::ConflictDialog(const Tenant& read, const Tenant& current, const TenantChange& change, QWidget* parent)
    : QDialog(parent)
{
    setObjectName(u"conflictDialog"_s);
    setWindowTitle(tr("%1 was changed by someone else").arg(current.displayName));
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("While you were editing, “%1” was changed (now version %2, you started from version %3). "
                                "Compare the values, then apply your change to the current version or keep the current one.")
                                 .arg(current.displayName).arg(current.version).arg(read.version), this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    struct Row { QString label; std::optional<QString> mine; QString when; QString now; };
    const Row rows[] = {
        {tr("Name"), change.displayName, read.displayName, current.displayName},
        {tr("Domain"), change.domain, read.domain, current.domain},
        {tr("Time zone"), change.timezone, read.timezone, current.timezone},
        {tr("Language"), change.language, read.language, current.language},
    };
    m_table = new QTableWidget(0, 4, this);
    m_table->setObjectName(u"conflictTable"_s);
    m_table->setHorizontalHeaderLabels({tr("Field"), tr("Your change"), tr("Now stored"), tr("When you started")});
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    for (const Row& row : rows) {
        if (!row.mine && row.when == row.now)
            continue; // neither side touched it
        const int r = m_table->rowCount();
        m_table->insertRow(r);
        m_table->setItem(r, 0, new QTableWidgetItem(row.label));
        m_table->setItem(r, 1, new QTableWidgetItem(row.mine ? *row.mine : tr("(unchanged)")));
        auto* now = new QTableWidgetItem(row.now);
        if (row.now != row.when) {
            QFont bold = now->font();
            bold.setBold(true);
            now->setFont(bold);
        }
        m_table->setItem(r, 2, now);
        m_table->setItem(r, 3, new QTableWidgetItem(row.when));
    }
    layout->addWidget(m_table);

    auto* buttons = new QDialogButtonBox(this);
    QPushButton* apply = buttons->addButton(tr("&Apply my change"), QDialogButtonBox::AcceptRole);
    apply->setObjectName(u"applyMineButton"_s);
    QPushButton* keep = buttons->addButton(tr("&Keep theirs"), QDialogButtonBox::RejectRole);
    keep->setObjectName(u"keepTheirsButton"_s);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(720, 320);
}

} // namespace TenantDesk
