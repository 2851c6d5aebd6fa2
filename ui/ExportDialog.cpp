#include "ExportDialog.h"

#include "Async.h"
#include "FieldError.h"
#include "Store.h"
#include "UserFile.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSaveFile>
#include <QStandardPaths>
#include <QVBoxLayout>

namespace TenantDesk {

using namespace Qt::StringLiterals;

ExportDialog::ExportDialog(Store* store, QWidget* parent)
    : QDialog(parent)
    , m_store(store)
{
    setObjectName(u"exportDialog"_s);
    setWindowTitle(tr("Export Users"));
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("Writes the users with their memberships, one file that TenantDesk imports back "
                                "exactly. Platform roles are not memberships of a tenant and are left out."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto* scopes = new QButtonGroup(this);
    m_filterRadioButton = new QRadioButton(tr("The users matching the Users page's filters"), this);
    m_filterRadioButton->setObjectName(u"filterScopeRadioButton"_s);
    m_filterRadioButton->hide();
    m_tenantRadioButton = new QRadioButton(tr("The users of the &tenant:"), this);
    m_tenantRadioButton->setObjectName(u"tenantScopeRadioButton"_s);
    m_platformRadioButton = new QRadioButton(tr("Every user on the &platform"), this);
    m_platformRadioButton->setObjectName(u"platformScopeRadioButton"_s);
    scopes->addButton(m_filterRadioButton);
    scopes->addButton(m_tenantRadioButton);
    scopes->addButton(m_platformRadioButton);
    m_tenantLineEdit = new QLineEdit(this);
    m_tenantLineEdit->setObjectName(u"exportTenantLineEdit"_s);
    m_tenantLineEdit->setAccessibleName(tr("Tenant slug"));
    m_tenantLineEdit->setPlaceholderText(tr("Tenant slug, e.g. acme"));
    m_platformRadioButton->setChecked(true);
    layout->addWidget(m_filterRadioButton);
    auto* tenantRow = new QHBoxLayout;
    tenantRow->addWidget(m_tenantRadioButton);
    tenantRow->addWidget(m_tenantLineEdit, 1);
    layout->addLayout(tenantRow);
    layout->addWidget(m_platformRadioButton);

    auto* form = new QFormLayout;
    m_formatComboBox = new QComboBox(this);
    m_formatComboBox->setObjectName(u"exportFormatComboBox"_s);
    m_formatComboBox->addItem(tr("CSV (one row per membership)"), int(ExportFormat::Csv));
    m_formatComboBox->addItem(tr("JSON (users with their memberships)"), int(ExportFormat::Json));
    form->addRow(tr("&Format:"), m_formatComboBox);
    m_pathLineEdit = new QLineEdit(this);
    m_pathLineEdit->setObjectName(u"exportPathLineEdit"_s);
    m_pathLineEdit->setText(QDir::toNativeSeparators(
        QDir(QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation)).filePath(u"users.csv"_s)));
    m_chooseButton = new QPushButton(tr("C&hoose…"), this);
    auto* pathRow = new QHBoxLayout;
    pathRow->addWidget(m_pathLineEdit, 1);
    pathRow->addWidget(m_chooseButton);
    auto* pathLabel = new QLabel(tr("F&ile:"), this);
    pathLabel->setBuddy(m_pathLineEdit);
    form->addRow(pathLabel, pathRow);
    layout->addLayout(form);

    m_progressLabel = new QLabel(this);
    m_progressLabel->setObjectName(u"exportProgressLabel"_s);
    m_progressLabel->setWordWrap(true);
    m_progressLabel->hide();
    layout->addWidget(m_progressLabel);
    m_progressBar = new QProgressBar(this);
    m_progressBar->setObjectName(u"exportProgressBar"_s);
    m_progressBar->hide();
    layout->addWidget(m_progressBar);
    m_messageLabel = new QLabel(this);
    m_messageLabel->setObjectName(u"exportMessageLabel"_s);
    m_messageLabel->setWordWrap(true);
    m_messageLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_messageLabel);
    layout->addStretch(1);

    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    m_exportButton = new QPushButton(tr("&Export"), this);
    m_exportButton->setObjectName(u"exportButton"_s);
    m_exportButton->setDefault(true);
    m_cancelButton = new QPushButton(tr("Cancel"), this);
    m_cancelButton->setObjectName(u"cancelExportButton"_s);
    m_cancelButton->setToolTip(tr("Stop reading; nothing is written"));
    m_cancelButton->hide();
    m_closeButton = new QPushButton(tr("Close"), this);
    buttons->addWidget(m_exportButton);
    buttons->addWidget(m_cancelButton);
    buttons->addWidget(m_closeButton);
    layout->addLayout(buttons);

    connect(scopes, &QButtonGroup::buttonToggled, this, &ExportDialog::updateControls);
    connect(m_tenantLineEdit, &QLineEdit::textChanged, this, &ExportDialog::updateControls);
    connect(m_pathLineEdit, &QLineEdit::textChanged, this, &ExportDialog::updateControls);
    connect(m_formatComboBox, &QComboBox::currentIndexChanged, this, [this]() {
        // users.csv becomes users.json and back; any other name is the person's to keep.
        const QString current = path();
        const QString wanted = format() == ExportFormat::Csv ? u".csv"_s : u".json"_s;
        const QString other = format() == ExportFormat::Csv ? u".json"_s : u".csv"_s;
        if (current.endsWith(other, Qt::CaseInsensitive))
            setPath(current.chopped(other.size()) + wanted);
    });
    connect(m_chooseButton, &QPushButton::clicked, this, &ExportDialog::chooseFile);
    connect(m_exportButton, &QPushButton::clicked, this, &ExportDialog::startExport);
    connect(m_cancelButton, &QPushButton::clicked, this, &ExportDialog::cancelExport);
    connect(m_closeButton, &QPushButton::clicked, this, &ExportDialog::reject);
    resize(560, sizeHint().height());
    updateControls();
}

ExportDialog::~ExportDialog() = default;

void ExportDialog::setFilterQuery(const UserQuery& query, const QString& description)
{
    m_filterQuery = query;
    m_filterRadioButton->setText(tr("The users matching the Users page's filters: %1").arg(description));
    m_filterRadioButton->show();
    m_filterRadioButton->setChecked(true);
}

void ExportDialog::setTenantSlug(const QString& slug)
{
    m_tenantLineEdit->setText(slug);
    if (!slug.isEmpty() && !m_filterQuery)
        m_tenantRadioButton->setChecked(true);
    if (!slug.isEmpty() && QFileInfo(path()).fileName() == u"users.csv"_s)
        setPath(QFileInfo(path()).dir().filePath(u"users-%1.csv"_s.arg(slug)));
}

void ExportDialog::setScope(Scope scope)
{
    switch (scope) {
    case Scope::Filter:
        if (m_filterQuery)
            m_filterRadioButton->setChecked(true);
        break;
    case Scope::Tenant: m_tenantRadioButton->setChecked(true); break;
    case Scope::Platform: m_platformRadioButton->setChecked(true); break;
    }
}

ExportDialog::Scope ExportDialog::scope() const
{
    if (m_filterRadioButton->isChecked() && m_filterQuery)
        return Scope::Filter;
    return m_tenantRadioButton->isChecked() ? Scope::Tenant : Scope::Platform;
}

void ExportDialog::setFormat(ExportFormat format)
{
    m_formatComboBox->setCurrentIndex(m_formatComboBox->findData(int(format)));
}

ExportFormat ExportDialog::format() const
{
    return ExportFormat(m_formatComboBox->currentData().toInt());
}

void ExportDialog::setPath(const QString& path)
{
    m_pathLineEdit->setText(QDir::toNativeSeparators(path));
}

QString ExportDialog::path() const
{
    return QDir::fromNativeSeparators(m_pathLineEdit->text().trimmed());
}

QString ExportDialog::message() const
{
    return m_messageLabel->text();
}

void ExportDialog::updateControls()
{
    m_tenantLineEdit->setEnabled(!m_running && m_tenantRadioButton->isChecked());
    for (QWidget* widget : std::initializer_list<QWidget*>{m_filterRadioButton, m_tenantRadioButton, m_platformRadioButton,
                                                           m_formatComboBox, m_pathLineEdit, m_chooseButton})
        widget->setEnabled(!m_running);
    const bool complete = m_store && !path().isEmpty()
        && (scope() != Scope::Tenant || !m_tenantLineEdit->text().trimmed().isEmpty());
    m_exportButton->setEnabled(!m_running && complete);
    m_exportButton->setVisible(!m_running);
    m_cancelButton->setVisible(m_running);
    m_closeButton->setEnabled(!m_running);
}

void ExportDialog::chooseFile()
{
    const bool csv = format() == ExportFormat::Csv;
    QFileDialog dialog(this, tr("Export Users"), path(), csv ? tr("CSV files (*.csv)") : tr("JSON files (*.json)"));
    dialog.setAcceptMode(QFileDialog::AcceptSave);
    dialog.setDefaultSuffix(csv ? u"csv"_s : u"json"_s);
    if (dialog.exec() == QDialog::Accepted && !dialog.selectedFiles().isEmpty())
        setPath(dialog.selectedFiles().constFirst());
}

void ExportDialog::startExport()
{
    if (m_running || !m_store || path().isEmpty())
        return;
    const quint64 serial = ++m_serial;
    m_running = true;
    m_ids.clear();
    m_details.clear();
    m_nextRead = 0;
    m_inFlight = 0;
    m_read = 0;
    m_exportedUsers = 0;
    m_messageLabel->setStyleSheet({});
    m_messageLabel->clear();
    m_progressLabel->setText(tr("Listing the users…"));
    m_progressLabel->show();
    m_progressBar->setRange(0, 0);
    m_progressBar->show();
    updateControls();

    UserQuery query;
    switch (scope()) {
    case Scope::Filter:
        query = *m_filterQuery;
        break;
    case Scope::Platform:
        break;
    case Scope::Tenant: {
        const QString slug = m_tenantLineEdit->text().trimmed();
        whenReady(m_store->tenantBySlug(slug), this,
            [this, serial](const Tenant& tenant) {
                if (serial != m_serial)
                    return;
                UserQuery byTenant;
                byTenant.tenantId = tenant.id;
                byTenant.sort = UserSort::Email;
                listPage(serial, byTenant);
            },
            [this, serial, slug](const StoreError& error) {
                if (serial == m_serial)
                    stop(false, error.code() == ErrorCode::NotFound ? tr("No tenant has the slug “%1”.").arg(slug)
                                                                    : tr("Could not read the tenant: %1").arg(error.message()));
            });
        return;
    }
    }
    listPage(serial, query);
}

void ExportDialog::listPage(quint64 serial, UserQuery query)
{
    query.limit = maximumPageSize;
    whenReady(m_store->users(query), this,
        [this, serial, query](const Page<User>& page) mutable {
            if (serial != m_serial)
                return;
            for (const User& user : page.items)
                m_ids.append(user.id);
            if (!page.isLast()) {
                m_progressLabel->setText(tr("Listing the users… %1 so far.").arg(QLocale().toString(m_ids.size())));
                query.cursor = page.nextCursor;
                return listPage(serial, query);
            }
            if (m_ids.isEmpty())
                return write();
            // One request per user for their memberships: on a large selection this takes a while.
            m_details.resize(m_ids.size());
            m_progressBar->setRange(0, int(m_ids.size()));
            m_progressBar->setValue(0);
            m_progressLabel->setText(tr("Reading the memberships of %n user(s), one request each…", nullptr, int(m_ids.size())));
            readMore(serial);
        },
        [this, serial](const StoreError& error) {
            if (serial == m_serial)
                stop(false, tr("Could not list the users: %1 Nothing was written.").arg(error.message()));
        });
}

void ExportDialog::readMore(quint64 serial)
{
    while (m_inFlight < maxConcurrentReads && m_nextRead < m_ids.size()) {
        const int index = m_nextRead++;
        ++m_inFlight;
        whenReady(m_store->user(m_ids.at(index)), this,
            [this, serial, index](const UserDetail& detail) {
                if (serial != m_serial)
                    return;
                --m_inFlight;
                m_details[index] = detail;
                ++m_read;
                m_progressBar->setValue(m_read);
                m_progressLabel->setText(tr("Reading the memberships of %1 of %2 users…")
                                             .arg(QLocale().toString(m_read), QLocale().toString(m_ids.size())));
                if (m_read == m_ids.size())
                    write();
                else
                    readMore(serial);
            },
            [this, serial, index](const StoreError& error) {
                if (serial == m_serial)
                    stop(false, tr("Could not read user %1: %2 Nothing was written.").arg(m_ids.at(index)).arg(error.message()));
            });
    }
}

void ExportDialog::write()
{
    m_progressLabel->setText(tr("Writing %1…").arg(QDir::toNativeSeparators(path())));
    const QByteArray bytes = format() == ExportFormat::Csv ? usersToCsv(m_details) : usersToJson(m_details);
    QSaveFile file(path());
    if (!file.open(QIODevice::WriteOnly))
        return stop(false, tr("Could not write %1: %2").arg(QDir::toNativeSeparators(path()), file.errorString()));
    if (file.write(bytes) != bytes.size() || !file.commit())
        return stop(false, tr("Could not write %1: %2. The file was left as it was.")
                               .arg(QDir::toNativeSeparators(path()), file.errorString()));
    int memberships = 0;
    for (const UserDetail& detail : std::as_const(m_details))
        memberships += int(detail.memberships.size());
    m_exportedUsers = int(m_details.size());
    stop(true, tr("Exported %n user(s) with %1 membership(s) to %2.", nullptr, m_exportedUsers)
                   .arg(memberships)
                   .arg(QDir::toNativeSeparators(path())));
}

void ExportDialog::cancelExport()
{
    if (m_running)
        stop(false, tr("Cancelled: nothing was written."));
}

void ExportDialog::stop(bool ok, const QString& text)
{
    ++m_serial; // answers still on their way are ignored
    m_running = false;
    m_inFlight = 0;
    m_progressLabel->hide();
    m_progressBar->hide();
    m_messageLabel->setStyleSheet(ok ? QString() : u"color: #b3261e;"_s);
    m_messageLabel->setText(text);
    updateControls();
    Q_EMIT finished(ok);
}

void ExportDialog::reject()
{
    if (m_running) {
        cancelExport(); // Escape stops the export first; a second closes
        return;
    }
    QDialog::reject();
}

} // namespace TenantDesk
