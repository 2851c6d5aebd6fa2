#include "ImportDialog.h"

#include "Async.h"
#include "DetailForm.h"
#include "FieldError.h"
#include "KeycloakImport.h"
#include "Store.h"
#include "UserFile.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHash>
#include <QHeaderView>
#include <QKeyEvent>
#include <QIcon>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPromise>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QStyle>
#include <QTabWidget>
#include <QTableWidget>
#include <QThreadPool>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <climits>
#include <optional>

namespace TenantDesk {

using namespace Qt::StringLiterals;

namespace {

// The preview lists this many users of a file at most; the counts cover them all.
constexpr int previewUserLimit = 2000;

// A table cell sorted by a number rather than its text ("—" for the whole file sorts first).
class NumberItem : public QTableWidgetItem
{
public:
    NumberItem(const QString& text, qint64 number)
        : QTableWidgetItem(text)
    {
        setData(Qt::UserRole, number);
    }
    bool operator<(const QTableWidgetItem& other) const override
    {
        return data(Qt::UserRole).toLongLong() < other.data(Qt::UserRole).toLongLong();
    }
};

QTableWidgetItem* readOnlyItem(QTableWidgetItem* item)
{
    item->setFlags(item->flags() & ~Qt::ItemIsEditable);
    return item;
}

QString nativePath(const QString& path)
{
    return QDir::toNativeSeparators(path);
}

} // namespace

struct ImportDialog::ReadOutcome {
    QList<DirectoryImport> imports;
    QString error; // the file could not be read at all
};

// One import of the preview (a realm, or the CSV or JSON file) and the widgets of its tab.
struct ImportDialog::Part {
    DirectoryImport import;
    std::optional<ImportReport> check; // the store's dry run, once it answered
    QString checkError;                // the store could not check it
    bool checking = false;
    bool included = true;
    quint64 checkSerial = 0;

    QWidget* page = nullptr;
    QLineEdit* slugLineEdit = nullptr;
    QCheckBox* includeCheckBox = nullptr;
    QLabel* countsLabel = nullptr;
    QLabel* usersLabel = nullptr;
    QTableWidget* usersTable = nullptr;
    QListWidget* notesList = nullptr;
    QLabel* issuesLabel = nullptr;
    QTableWidget* issuesTable = nullptr;
    QTimer* slugTimer = nullptr;

    int issueCount() const { return check ? int(check->issues.size()) : int(import.issues.size()); }
    QString title() const
    {
        return import.createTenant ? import.tenantSlug : QFileInfo(import.source).fileName();
    }
};

ImportDialog::ImportDialog(Store* store, QWidget* parent)
    : QDialog(parent)
    , m_store(store)
{
    setObjectName(u"importDialog"_s);
    setWindowTitle(tr("Import Users"));
    auto* layout = new QVBoxLayout(this);
    m_stack = new QStackedWidget(this);
    m_stack->addWidget(createSourcePage());
    m_stack->addWidget(createReadingPage());
    m_stack->addWidget(createPreviewPage());
    m_stack->addWidget(createImportingPage());
    m_stack->addWidget(createReportPage());
    layout->addWidget(m_stack);
    resize(980, 680);
    updateSourceControls();
}

ImportDialog::~ImportDialog() = default;

QWidget* ImportDialog::createSourcePage()
{
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    auto* intro = new QLabel(tr("Choose a file of users. It is read and checked first: nothing is written until you "
                                "have seen the preview and pressed Import. Credentials in a file are never stored."),
                             page);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto* form = new QFormLayout;
    m_formatComboBox = new QComboBox(page);
    m_formatComboBox->setObjectName(u"formatComboBox"_s);
    m_formatComboBox->addItem(tr("CSV (one row per membership)"), int(ImportFormat::Csv));
    m_formatComboBox->addItem(tr("JSON (users with their memberships)"), int(ImportFormat::Json));
    m_formatComboBox->addItem(tr("Keycloak realm export (a file or a kc.sh export folder)"), int(ImportFormat::Keycloak));
    form->addRow(tr("&Format:"), m_formatComboBox);

    m_pathLineEdit = new QLineEdit(page);
    m_pathLineEdit->setObjectName(u"pathLineEdit"_s);
    m_pathLineEdit->setPlaceholderText(tr("The file to import"));
    m_pathLineEdit->setClearButtonEnabled(true);
    m_chooseFileButton = new QPushButton(tr("Choose &File…"), page);
    m_chooseFileButton->setObjectName(u"chooseFileButton"_s);
    m_chooseFolderButton = new QPushButton(tr("Choose F&older…"), page);
    m_chooseFolderButton->setObjectName(u"chooseFolderButton"_s);
    m_chooseFolderButton->setToolTip(tr("A folder as kc.sh export --dir writes it: <realm>-realm.json and "
                                        "<realm>-users-N.json files"));
    auto* pathRow = new QHBoxLayout;
    pathRow->addWidget(m_pathLineEdit, 1);
    pathRow->addWidget(m_chooseFileButton);
    pathRow->addWidget(m_chooseFolderButton);
    auto* pathLabel = new QLabel(tr("F&ile:"), page);
    pathLabel->setBuddy(m_pathLineEdit);
    form->addRow(pathLabel, pathRow);

    m_tenantLineEdit = new QLineEdit(page);
    m_tenantLineEdit->setObjectName(u"importTenantLineEdit"_s);
    m_tenantLineEdit->setPlaceholderText(tr("Tenant slug, e.g. acme"));
    auto* tenantLabel = new QLabel(tr("&Tenant:"), page);
    tenantLabel->setBuddy(m_tenantLineEdit);
    form->addRow(tenantLabel, m_tenantLineEdit);
    m_tenantHintLabel = new QLabel(page);
    m_tenantHintLabel->setWordWrap(true);
    form->addRow(QString(), m_tenantHintLabel);
    layout->addLayout(form);

    m_sourceErrorLabel = makeErrorLabel(u"sourceErrorLabel"_s, page);
    layout->addWidget(m_sourceErrorLabel);
    layout->addStretch(1);

    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    m_previewButton = new QPushButton(tr("&Preview"), page);
    m_previewButton->setObjectName(u"previewButton"_s);
    m_previewButton->setDefault(true);
    m_previewButton->setToolTip(tr("Read the file and check it, without writing anything"));
    auto* cancel = new QPushButton(tr("Cancel"), page);
    buttons->addWidget(m_previewButton);
    buttons->addWidget(cancel);
    layout->addLayout(buttons);

    connect(m_formatComboBox, &QComboBox::currentIndexChanged, this, &ImportDialog::updateSourceControls);
    connect(m_pathLineEdit, &QLineEdit::textChanged, this, &ImportDialog::updateSourceControls);
    connect(m_chooseFileButton, &QPushButton::clicked, this, &ImportDialog::chooseFile);
    connect(m_chooseFolderButton, &QPushButton::clicked, this, &ImportDialog::chooseFolder);
    connect(m_previewButton, &QPushButton::clicked, this, &ImportDialog::preview);
    connect(cancel, &QPushButton::clicked, this, &QDialog::reject);
    return page;
}

QWidget* ImportDialog::createReadingPage()
{
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    layout->addStretch(1);
    m_readingLabel = new QLabel(page);
    m_readingLabel->setObjectName(u"readingLabel"_s);
    m_readingLabel->setAlignment(Qt::AlignCenter);
    m_readingLabel->setWordWrap(true);
    layout->addWidget(m_readingLabel);
    m_readingProgressBar = new QProgressBar(page);
    m_readingProgressBar->setObjectName(u"readingProgressBar"_s);
    m_readingProgressBar->setRange(0, 0);
    layout->addWidget(m_readingProgressBar);
    auto* row = new QHBoxLayout;
    row->addStretch(1);
    m_cancelReadButton = new QPushButton(tr("Cancel"), page);
    m_cancelReadButton->setObjectName(u"cancelReadButton"_s);
    m_cancelReadButton->setToolTip(tr("Stop reading; nothing has been written"));
    row->addWidget(m_cancelReadButton);
    row->addStretch(1);
    layout->addLayout(row);
    layout->addStretch(1);
    connect(m_cancelReadButton, &QPushButton::clicked, this, &ImportDialog::back);
    return page;
}

QWidget* ImportDialog::createPreviewPage()
{
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    m_previewSummaryLabel = new QLabel(page);
    m_previewSummaryLabel->setObjectName(u"previewSummaryLabel"_s);
    m_previewSummaryLabel->setWordWrap(true);
    layout->addWidget(m_previewSummaryLabel);
    m_partsTabWidget = new QTabWidget(page);
    m_partsTabWidget->setObjectName(u"partsTabWidget"_s);
    m_partsTabWidget->setTabBarAutoHide(true);
    m_partsTabWidget->setDocumentMode(true);
    layout->addWidget(m_partsTabWidget, 1);
    m_previewStatusLabel = new QLabel(page);
    m_previewStatusLabel->setObjectName(u"previewStatusLabel"_s);
    m_previewStatusLabel->setWordWrap(true);
    layout->addWidget(m_previewStatusLabel);

    auto* buttons = new QHBoxLayout;
    auto* backButton = new QPushButton(tr("< &Back"), page);
    backButton->setObjectName(u"backButton"_s);
    buttons->addWidget(backButton);
    buttons->addStretch(1);
    m_importButton = new QPushButton(tr("&Import"), page);
    m_importButton->setObjectName(u"importButton"_s);
    m_importButton->setEnabled(false);
    auto* cancel = new QPushButton(tr("Cancel"), page);
    buttons->addWidget(m_importButton);
    buttons->addWidget(cancel);
    layout->addLayout(buttons);
    connect(backButton, &QPushButton::clicked, this, &ImportDialog::back);
    connect(m_importButton, &QPushButton::clicked, this, &ImportDialog::runImport);
    connect(cancel, &QPushButton::clicked, this, &QDialog::reject);
    return page;
}

QWidget* ImportDialog::createImportingPage()
{
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    layout->addStretch(1);
    m_importingLabel = new QLabel(page);
    m_importingLabel->setObjectName(u"importingLabel"_s);
    m_importingLabel->setAlignment(Qt::AlignCenter);
    m_importingLabel->setWordWrap(true);
    layout->addWidget(m_importingLabel);
    auto* busy = new QProgressBar(page);
    busy->setRange(0, 0);
    layout->addWidget(busy);
    auto* note = new QLabel(tr("An import is written in one transaction: it cannot be cancelled half-way, and a "
                               "failure leaves nothing of it behind."),
                            page);
    note->setAlignment(Qt::AlignCenter);
    note->setWordWrap(true);
    layout->addWidget(note);
    layout->addStretch(1);
    return page;
}

QWidget* ImportDialog::createReportPage()
{
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    auto* title = makeTitleLabel(u"reportTitleLabel"_s, page);
    title->setText(tr("Import report"));
    layout->addWidget(title);
    m_reportTextEdit = new QPlainTextEdit(page);
    m_reportTextEdit->setObjectName(u"reportTextEdit"_s);
    m_reportTextEdit->setAccessibleName(tr("Import report"));
    m_reportTextEdit->setReadOnly(true);
    layout->addWidget(m_reportTextEdit, 1);
    auto* buttons = new QHBoxLayout;
    auto* copy = new QPushButton(tr("&Copy Report"), page);
    copy->setObjectName(u"copyReportButton"_s);
    m_auditTrailButton = new QPushButton(tr("Show &Audit Trail"), page);
    m_auditTrailButton->setObjectName(u"auditTrailButton"_s);
    m_auditTrailButton->setToolTip(tr("The audit events of the tenant imported into"));
    auto* close = new QPushButton(tr("Close"), page);
    m_reportCloseButton = close;
    buttons->addWidget(copy);
    buttons->addWidget(m_auditTrailButton);
    buttons->addStretch(1);
    buttons->addWidget(close);
    layout->addLayout(buttons);
    connect(copy, &QPushButton::clicked, this, [this]() { QGuiApplication::clipboard()->setText(m_reportText); });
    connect(m_auditTrailButton, &QPushButton::clicked, this, [this]() {
        for (const ImportReport& report : std::as_const(m_finalReports)) {
            if (report.tenantId != 0) {
                Q_EMIT auditTrailRequested(report.tenantId);
                break;
            }
        }
        accept();
    });
    connect(close, &QPushButton::clicked, this, &QDialog::accept);
    return page;
}

void ImportDialog::setDefaultTenantSlug(const QString& slug)
{
    m_tenantLineEdit->setText(slug);
}

void ImportDialog::setFormat(ImportFormat format)
{
    m_formatComboBox->setCurrentIndex(m_formatComboBox->findData(int(format)));
}

ImportFormat ImportDialog::format() const
{
    return ImportFormat(m_formatComboBox->currentData().toInt());
}

void ImportDialog::setPath(const QString& path)
{
    m_pathLineEdit->setText(nativePath(path));
}

QString ImportDialog::path() const
{
    return QDir::fromNativeSeparators(m_pathLineEdit->text().trimmed());
}

QString ImportDialog::sourceError() const
{
    return m_sourceErrorLabel->text();
}

void ImportDialog::reject()
{
    if (m_step == Step::Importing)
        return; // one transaction on its way: it cannot be stopped, and the report must be seen
    ++m_readSerial;
    QDialog::reject();
}

void ImportDialog::updateSourceControls()
{
    const bool keycloak = format() == ImportFormat::Keycloak;
    m_chooseFolderButton->setEnabled(keycloak);
    m_tenantLineEdit->setEnabled(!keycloak);
    m_tenantHintLabel->setText(keycloak ? tr("Each realm becomes a new tenant of its own, named after the realm; you "
                                             "can change its slug in the preview.")
                                        : tr("Rows that name no tenant are memberships on this tenant. Rows may name "
                                             "other tenants by slug."));
    m_previewButton->setEnabled(!path().isEmpty() && m_store);
}

void ImportDialog::chooseFile()
{
    QString filter;
    switch (format()) {
    case ImportFormat::Csv: filter = tr("CSV files (*.csv);;All files (*)"); break;
    case ImportFormat::Json:
    case ImportFormat::Keycloak: filter = tr("JSON files (*.json);;All files (*)"); break;
    }
    const QString chosen = QFileDialog::getOpenFileName(this, tr("Import Users"), QFileInfo(path()).absolutePath(), filter);
    if (chosen.isEmpty())
        return;
    // A .csv file is CSV whatever was chosen; a .json file stays JSON or Keycloak as chosen.
    if (chosen.endsWith(u".csv"_s, Qt::CaseInsensitive))
        setFormat(ImportFormat::Csv);
    else if (chosen.endsWith(u".json"_s, Qt::CaseInsensitive) && format() == ImportFormat::Csv)
        setFormat(ImportFormat::Json);
    setPath(chosen);
}

void ImportDialog::chooseFolder()
{
    const QString chosen = QFileDialog::getExistingDirectory(this, tr("Keycloak Export Folder"), path());
    if (chosen.isEmpty())
        return;
    setFormat(ImportFormat::Keycloak);
    setPath(chosen);
}

void ImportDialog::setStep(Step step)
{
    m_step = step;
    m_stack->setCurrentIndex(int(step));
    // Enter presses the step's own button (a dialog has one default button at a time).
    if (step == Step::Source)
        m_previewButton->setDefault(true);
    else if (step == Step::Report)
        m_reportCloseButton->setDefault(true);
    Q_EMIT stepChanged(step);
}

void ImportDialog::showSourceError(const QString& message)
{
    setError(m_sourceErrorLabel, message);
}

// --- Reading ---------------------------------------------------------------------------------------

QFuture<ImportDialog::ReadOutcome> ImportDialog::startRead(ImportFormat format, const QString& path, const QString& tenantSlug)
{
    auto promise = std::make_shared<QPromise<ReadOutcome>>();
    QFuture<ReadOutcome> future = promise->future();
    promise->start();
    QThreadPool::globalInstance()->start([promise, format, path, tenantSlug]() {
        ReadOutcome outcome;
        const auto done = [&]() {
            if (!promise->isCanceled())
                promise->addResult(outcome);
            promise->finish();
        };
        const QFileInfo info(path);
        if (!info.exists()) {
            outcome.error = tr("%1 does not exist.").arg(nativePath(path));
            return done();
        }
        if (info.isDir()) {
            if (format != ImportFormat::Keycloak)
                outcome.error = tr("%1 is a folder. Choose a file, or the Keycloak format for a kc.sh export folder.")
                                    .arg(nativePath(path));
            else
                outcome.imports = readKeycloakFolder(path);
            return done();
        }
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            outcome.error = tr("%1 cannot be read: %2").arg(nativePath(path), file.errorString());
            return done();
        }
        const qint64 size = file.size();
        const int steps = int(qMin<qint64>(size / 1024 + 1, INT_MAX - 1));
        promise->setProgressRange(0, steps + 1); // the last step: checking the rows
        QByteArray data;
        data.reserve(size);
        while (!file.atEnd()) {
            if (promise->isCanceled()) {
                promise->finish();
                return;
            }
            const QByteArray chunk = file.read(1 << 20);
            if (chunk.isEmpty()) {
                outcome.error = tr("%1 cannot be read: %2").arg(nativePath(path), file.errorString());
                return done();
            }
            data += chunk;
            promise->setProgressValue(int(qMin<qint64>(data.size() / 1024, steps)));
        }
        if (promise->isCanceled()) {
            promise->finish();
            return;
        }
        promise->setProgressValue(steps + 1);
        switch (format) {
        case ImportFormat::Csv: outcome.imports = {readUsersCsv(data, path, tenantSlug)}; break;
        case ImportFormat::Json: outcome.imports = {readUsersJson(data, path, tenantSlug)}; break;
        case ImportFormat::Keycloak: outcome.imports = readKeycloakJson(data, path); break;
        }
        done();
    });
    return future;
}

void ImportDialog::preview()
{
    if (!m_store || path().isEmpty())
        return;
    showSourceError({});
    const quint64 serial = ++m_readSerial;
    const QString file = path();
    const QString slug = m_tenantLineEdit->text().trimmed();
    const QFileInfo info(file);
    m_readingLabel->setText(info.isDir() ? tr("Reading the realm files in %1…").arg(nativePath(file))
                                         : tr("Reading %1 (%2)…").arg(info.fileName(), QLocale().formattedDataSize(info.size())));
    // A small file is read at once: a busy bar; a large one shows how far the read is.
    m_readingProgressBar->setRange(0, 0);
    setStep(Step::Reading);

    const QFuture<ReadOutcome> future = startRead(format(), file, slug);
    auto* watcher = new QFutureWatcher<ReadOutcome>(this);
    const bool large = info.isFile() && info.size() > progressThresholdBytes;
    connect(watcher, &QFutureWatcherBase::progressValueChanged, this, [this, watcher, serial, large](int value) {
        if (serial != m_readSerial)
            return;
        if (value > watcher->progressMaximum() - 1) {
            m_readingLabel->setText(tr("Checking the rows…"));
            m_readingProgressBar->setRange(0, 0);
        } else if (large) {
            m_readingProgressBar->setRange(0, watcher->progressMaximum() - 1);
            m_readingProgressBar->setValue(value);
        }
    });
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, serial]() {
        watcher->deleteLater();
        if (serial != m_readSerial || watcher->future().isCanceled() || watcher->future().resultCount() == 0)
            return; // cancelled: the dialog is back at the first step already
        showRead(watcher->future().result());
    });
    // Cancel (or Back) cancels the read where it is; the answer of a cancelled read is ignored.
    connect(this, &ImportDialog::stepChanged, watcher, [watcher](Step step) {
        if (step == Step::Source)
            watcher->cancel();
    });
    watcher->setFuture(future);
}

void ImportDialog::back()
{
    if (m_step == Step::Importing)
        return;
    const bool cancelled = m_step == Step::Reading;
    ++m_readSerial; // reads and checks on their way no longer count
    setStep(Step::Source);
    if (cancelled)
        showSourceError(tr("Reading cancelled; nothing was written."));
}

void ImportDialog::showRead(const ReadOutcome& outcome)
{
    if (!outcome.error.isEmpty()) {
        setStep(Step::Source);
        showSourceError(outcome.error);
        return;
    }
    // A file that could not be read as a whole (invalid JSON, not a realm) is said on the first
    // step, where the person chooses another.
    bool unreadable = !outcome.imports.isEmpty();
    QStringList problems;
    for (const DirectoryImport& import : outcome.imports) {
        const bool failed = import.users.isEmpty() && import.roles.isEmpty() && !import.issues.isEmpty()
            && std::all_of(import.issues.cbegin(), import.issues.cend(), [](const ImportIssue& i) { return i.line == 0; });
        unreadable = unreadable && failed;
        for (const ImportIssue& issue : import.issues)
            problems.append(issue.message);
    }
    if (outcome.imports.isEmpty()) {
        setStep(Step::Source);
        showSourceError(tr("%1 holds nothing to import.").arg(nativePath(path())));
        return;
    }
    if (unreadable) {
        setStep(Step::Source);
        showSourceError(tr("%1 could not be read. %2").arg(nativePath(path()), problems.join(u' ')));
        return;
    }

    m_partsTabWidget->clear();
    m_parts.clear();
    for (const DirectoryImport& import : outcome.imports) {
        auto part = std::make_unique<Part>();
        part->import = import;
        m_parts.push_back(std::move(part));
    }
    for (int i = 0; i < int(m_parts.size()); ++i)
        buildPart(i);
    const bool keycloak = m_parts.front()->import.createTenant;
    m_previewSummaryLabel->setText(
        keycloak ? tr("<b>%1</b>: %n realm(s), each imported as a new tenant. Checked by the store: nothing has been "
                      "written yet.", nullptr, int(m_parts.size())).arg(nativePath(path()).toHtmlEscaped())
                 : tr("<b>%1</b> into the tenant <b>%2</b>. Checked by the store: nothing has been written yet.")
                       .arg(nativePath(path()).toHtmlEscaped(), m_parts.front()->import.tenantSlug.toHtmlEscaped()));
    setStep(Step::Preview);
    for (int i = 0; i < int(m_parts.size()); ++i)
        check(i);
}

// --- Preview ---------------------------------------------------------------------------------------

void ImportDialog::buildPart(int index)
{
    Part& part = *m_parts.at(index);
    const DirectoryImport& import = part.import;
    part.page = new QWidget(m_partsTabWidget);
    part.page->setObjectName(u"importPart%1"_s.arg(index));
    auto* layout = new QVBoxLayout(part.page);

    if (import.createTenant) {
        auto* header = new QHBoxLayout;
        auto* name = new QLabel(tr("New tenant “%1”, slug:").arg(import.tenantName), part.page);
        name->setTextFormat(Qt::PlainText);
        header->addWidget(name);
        part.slugLineEdit = new QLineEdit(import.tenantSlug, part.page);
        part.slugLineEdit->setObjectName(u"slugLineEdit"_s);
        part.slugLineEdit->setToolTip(tr("The new tenant's slug; change it when a tenant has it already"));
        part.slugLineEdit->setMaximumWidth(part.slugLineEdit->fontMetrics().horizontalAdvance(u'x') * 32);
        header->addWidget(part.slugLineEdit);
        part.includeCheckBox = new QCheckBox(tr("Import this &realm"), part.page);
        part.includeCheckBox->setObjectName(u"includeCheckBox"_s);
        part.includeCheckBox->setChecked(true);
        part.includeCheckBox->setVisible(m_parts.size() > 1);
        header->addWidget(part.includeCheckBox);
        header->addStretch(1);
        layout->addLayout(header);
        part.slugTimer = new QTimer(part.page);
        part.slugTimer->setSingleShot(true);
        part.slugTimer->setInterval(300);
        connect(part.slugLineEdit, &QLineEdit::textEdited, part.slugTimer, qOverload<>(&QTimer::start));
        connect(part.slugTimer, &QTimer::timeout, this, [this, index]() {
            setRealmSlug(index, m_parts.at(index)->slugLineEdit->text());
        });
        connect(part.includeCheckBox, &QCheckBox::toggled, this, [this, index](bool on) { setRealmIncluded(index, on); });
    }

    part.countsLabel = new QLabel(part.page);
    part.countsLabel->setObjectName(u"countsLabel"_s);
    part.countsLabel->setWordWrap(true);
    layout->addWidget(part.countsLabel);

    auto* splitter = new QSplitter(Qt::Vertical, part.page);
    auto* usersBox = new QWidget(splitter);
    auto* usersLayout = new QVBoxLayout(usersBox);
    usersLayout->setContentsMargins(0, 0, 0, 0);
    part.usersLabel = new QLabel(usersBox);
    usersLayout->addWidget(part.usersLabel);
    part.usersTable = new QTableWidget(0, UserColumnCount, usersBox);
    part.usersTable->setAccessibleName(tr("Users to import"));
    part.usersTable->setObjectName(u"usersTableWidget"_s);
    part.usersTable->setHorizontalHeaderLabels({tr("E-mail"), tr("Name"), tr("Status"), tr("Memberships")});
    part.usersTable->verticalHeader()->hide();
    part.usersTable->verticalHeader()->setDefaultSectionSize(part.usersTable->fontMetrics().height() + 8);
    part.usersTable->horizontalHeader()->setStretchLastSection(true);
    part.usersTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    part.usersTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    part.usersTable->setWordWrap(false);
    usersLayout->addWidget(part.usersTable);
    const int shown = int(qMin<qsizetype>(import.users.size(), previewUserLimit));
    part.usersTable->setRowCount(shown);
    for (int row = 0; row < shown; ++row) {
        const ImportUser& user = import.users.at(row);
        QStringList memberships;
        for (const ImportMembership& m : user.memberships) {
            const QString tenant = m.tenantSlug.isEmpty() ? import.tenantSlug : m.tenantSlug;
            const QString where = m.environmentName.isEmpty() ? tenant : QString(tenant + u" / "_s + m.environmentName);
            memberships.append(tr("%1 on %2").arg(m.roleName, where));
        }
        part.usersTable->setItem(row, UserEmailColumn, readOnlyItem(new QTableWidgetItem(user.email)));
        part.usersTable->setItem(row, UserNameColumn, readOnlyItem(new QTableWidgetItem(user.displayName)));
        part.usersTable->setItem(row, UserStatusColumn, readOnlyItem(new QTableWidgetItem(userStatusDisplayName(user.status))));
        auto* membershipsItem = readOnlyItem(new QTableWidgetItem(memberships.isEmpty() ? tr("none") : memberships.join(u", "_s)));
        membershipsItem->setToolTip(memberships.join(u'\n'));
        part.usersTable->setItem(row, UserMembershipsColumn, membershipsItem);
    }
    part.usersTable->setSortingEnabled(true);
    part.usersTable->sortByColumn(-1, Qt::AscendingOrder); // file order until a header is clicked
    part.usersTable->setColumnWidth(UserEmailColumn, 240);
    part.usersTable->setColumnWidth(UserNameColumn, 180);
    part.usersTable->setColumnWidth(UserStatusColumn, 80);
    part.usersLabel->setText(shown < import.users.size()
        ? tr("Users (the first %1 of %2; the counts above cover them all):")
              .arg(QLocale().toString(shown), QLocale().toString(import.users.size()))
        : tr("Users (%1):").arg(QLocale().toString(import.users.size())));

    auto* lower = new QSplitter(Qt::Horizontal, splitter);
    auto* notesBox = new QWidget(lower);
    auto* notesLayout = new QVBoxLayout(notesBox);
    notesLayout->setContentsMargins(0, 0, 0, 0);
    notesLayout->addWidget(new QLabel(tr("What was mapped and skipped (%1):").arg(import.notes.size()), notesBox));
    part.notesList = new QListWidget(notesBox);
    part.notesList->setAccessibleName(tr("What was mapped and skipped"));
    part.notesList->setObjectName(u"notesListWidget"_s);
    part.notesList->setWordWrap(true);
    part.notesList->setAlternatingRowColors(true);
    part.notesList->addItems(import.notes);
    if (import.notes.isEmpty())
        part.notesList->addItem(tr("Nothing to note: every column was read."));
    notesLayout->addWidget(part.notesList);

    auto* issuesBox = new QWidget(lower);
    auto* issuesLayout = new QVBoxLayout(issuesBox);
    issuesLayout->setContentsMargins(0, 0, 0, 0);
    part.issuesLabel = new QLabel(issuesBox);
    part.issuesLabel->setObjectName(u"issuesLabel"_s);
    issuesLayout->addWidget(part.issuesLabel);
    part.issuesTable = new QTableWidget(0, IssueColumnCount, issuesBox);
    part.issuesTable->setAccessibleName(tr("Issues"));
    part.issuesTable->setObjectName(u"issuesTableWidget"_s);
    part.issuesTable->setHorizontalHeaderLabels({tr("Line"), tr("Field"), tr("Problem")});
    part.issuesTable->verticalHeader()->hide();
    part.issuesTable->horizontalHeader()->setStretchLastSection(true);
    part.issuesTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    part.issuesTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    part.issuesTable->setWordWrap(true);
    part.issuesTable->setToolTip(tr("Double-click an issue to copy it"));
    part.issuesTable->setColumnWidth(IssueLineColumn, 50);
    part.issuesTable->setColumnWidth(IssueFieldColumn, 110);
    issuesLayout->addWidget(part.issuesTable);
    connect(part.issuesTable, &QTableWidget::itemDoubleClicked, this, [table = part.issuesTable](QTableWidgetItem* item) {
        const int row = item->row();
        const QString line = table->item(row, IssueLineColumn)->text();
        const QString field = table->item(row, IssueFieldColumn)->text();
        const QString message = table->item(row, IssueMessageColumn)->text();
        QGuiApplication::clipboard()->setText(tr("Line %1, %2: %3").arg(line, field, message));
    });
    lower->addWidget(notesBox);
    lower->addWidget(issuesBox);
    lower->setStretchFactor(0, 1);
    lower->setStretchFactor(1, 1);
    splitter->addWidget(usersBox);
    splitter->addWidget(lower);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    layout->addWidget(splitter, 1);

    m_partsTabWidget->addTab(part.page, part.title());
    showCheck(index);
}

void ImportDialog::check(int index)
{
    Part& part = *m_parts.at(index);
    const quint64 serial = ++part.checkSerial;
    const quint64 read = m_readSerial;
    part.checking = true;
    part.checkError.clear();
    showCheck(index);
    updatePreviewStatus();
    const auto stale = [this, index, serial, read]() {
        return read != m_readSerial || index >= int(m_parts.size()) || m_parts.at(index)->checkSerial != serial;
    };
    whenReady(m_store->importDirectory(part.import, true), this,
        [this, index, stale](const ImportReport& report) {
            if (stale())
                return;
            m_parts.at(index)->check = report;
            m_parts.at(index)->checking = false;
            showCheck(index);
            updatePreviewStatus();
        },
        [this, index, stale](const StoreError& error) {
            if (stale())
                return;
            m_parts.at(index)->check.reset();
            m_parts.at(index)->checkError = error.message();
            m_parts.at(index)->checking = false;
            showCheck(index);
            updatePreviewStatus();
        });
}

void ImportDialog::showCheck(int index)
{
    Part& part = *m_parts.at(index);
    const QList<ImportIssue>& issues = part.check ? part.check->issues : part.import.issues;
    part.issuesTable->setSortingEnabled(false);
    part.issuesTable->setRowCount(int(issues.size()));
    for (int row = 0; row < int(issues.size()); ++row) {
        const ImportIssue& issue = issues.at(row);
        part.issuesTable->setItem(row, IssueLineColumn,
                                  readOnlyItem(new NumberItem(issue.line > 0 ? QString::number(issue.line) : tr("file"), issue.line)));
        part.issuesTable->setItem(row, IssueFieldColumn, readOnlyItem(new QTableWidgetItem(orDash(issue.field))));
        part.issuesTable->setItem(row, IssueMessageColumn, readOnlyItem(new QTableWidgetItem(issue.message)));
    }
    part.issuesTable->setSortingEnabled(true);
    part.issuesTable->sortByColumn(IssueLineColumn, Qt::AscendingOrder);
    part.issuesTable->resizeRowsToContents();
    part.issuesLabel->setText(issues.isEmpty() ? (part.checking ? tr("Issues: checking…") : tr("Issues: none."))
                                               : tr("Issues (%n), by line; nothing is imported while any remain:",
                                                    nullptr, int(issues.size())));

    QString counts;
    if (part.checking) {
        counts = tr("Checking with the store…");
    } else if (!part.checkError.isEmpty()) {
        counts = tr("The store could not check this import: %1").arg(part.checkError);
    } else if (part.check) {
        const ImportReport& r = *part.check;
        counts = tr("Would import: <b>%1</b> new user(s), <b>%2</b> existing (they keep their profile and status and gain "
                    "the memberships), <b>%3</b> new role(s), <b>%4</b> membership(s).")
                     .arg(r.usersCreated).arg(r.usersExisting).arg(r.rolesCreated).arg(r.membershipsCreated);
        if (part.import.createTenant)
            counts += u' ' + tr("Realm roles, client roles and groups become roles of the new tenant without permissions: "
                                "grant them in the role editor afterwards.");
    }
    part.countsLabel->setText(counts);

    const int tab = m_partsTabWidget->indexOf(part.page);
    // The icon theme's scalable icon where there is one, the style's only as a fallback.
    const bool warn = part.issueCount() > 0 || !part.checkError.isEmpty();
    const bool pending = part.checking || !part.included;
    const QString themeIcon = pending ? u"text-x-generic"_s : warn ? u"dialog-warning"_s : u"dialog-ok-apply"_s;
    const QStyle::StandardPixmap fallback = pending ? QStyle::SP_FileIcon
        : warn                                      ? QStyle::SP_MessageBoxWarning
                                                    : QStyle::SP_DialogApplyButton;
    m_partsTabWidget->setTabIcon(tab, QIcon::fromTheme(themeIcon, style()->standardIcon(fallback)));
    m_partsTabWidget->setTabText(tab, part.issueCount() > 0 ? tr("%1 (%n issue(s))", nullptr, part.issueCount()).arg(part.title())
                                                            : part.title());
}

void ImportDialog::setRealmSlug(int index, const QString& slug)
{
    if (index < 0 || index >= int(m_parts.size()) || !m_parts.at(index)->import.createTenant)
        return;
    Part& part = *m_parts.at(index);
    part.slugTimer->stop();
    if (part.slugLineEdit->text() != slug)
        part.slugLineEdit->setText(slug);
    part.import.tenantSlug = slug.trimmed();
    check(index);
}

void ImportDialog::setRealmIncluded(int index, bool included)
{
    if (index < 0 || index >= int(m_parts.size()))
        return;
    Part& part = *m_parts.at(index);
    part.included = included;
    if (part.includeCheckBox && part.includeCheckBox->isChecked() != included)
        part.includeCheckBox->setChecked(included);
    showCheck(index);
    updatePreviewStatus();
}

QString ImportDialog::importBlockedReason() const
{
    if (m_step != Step::Preview || m_parts.empty())
        return tr("Nothing has been read yet.");
    int included = 0;
    int issues = 0;
    QStringList slugs;
    for (const auto& part : m_parts) {
        if (!part->included)
            continue;
        ++included;
        if (part->checking)
            return tr("The store is still checking the import…");
        if (!part->checkError.isEmpty())
            return tr("The store could not check %1: %2").arg(part->title(), part->checkError);
        issues += part->issueCount();
        if (part->import.createTenant) {
            if (slugs.contains(part->import.tenantSlug))
                return tr("Two realms would become the tenant “%1”: give one another slug.").arg(part->import.tenantSlug);
            slugs.append(part->import.tenantSlug);
        }
    }
    if (included == 0)
        return tr("No realm is chosen: tick “Import this realm” on at least one.");
    if (issues > 0) {
        const bool keycloak = m_parts.front()->import.createTenant;
        if (keycloak && m_parts.size() > 1)
            return tr("Import is disabled while %n issue(s) remain: correct the export and read it again, change the "
                      "slug of a tenant that exists already, or leave the realm out.", nullptr, issues);
        return keycloak ? tr("Import is disabled while %n issue(s) remain: correct the export and read it again, or "
                             "change the slug of a tenant that exists already.", nullptr, issues)
                        : tr("Import is disabled while %n issue(s) remain: correct the file and read it again (Back).",
                             nullptr, issues);
    }
    bool anything = false;
    for (const auto& part : m_parts)
        anything = anything || (part->included && (!part->import.users.isEmpty() || !part->import.roles.isEmpty()));
    if (!anything)
        return tr("The file holds no users or roles to import.");
    return {};
}

void ImportDialog::updatePreviewStatus()
{
    const QString reason = importBlockedReason();
    m_importButton->setEnabled(reason.isEmpty());
    m_importButton->setToolTip(reason.isEmpty() ? tr("Write the import, one transaction per tenant") : reason);
    if (reason.isEmpty()) {
        int count = 0;
        for (const auto& part : m_parts)
            count += part->included ? 1 : 0;
        m_previewStatusLabel->setStyleSheet({});
        m_previewStatusLabel->setText(count > 1 ? tr("No issues. Import writes the %1 realms, each in its own transaction.").arg(count)
                                                : tr("No issues. Import writes it in one transaction."));
    } else {
        m_previewStatusLabel->setStyleSheet(u"color: #b3261e;"_s);
        m_previewStatusLabel->setText(reason);
    }
    bool checking = false;
    for (const auto& part : m_parts)
        checking = checking || part->checking;
    if (!checking && m_step == Step::Preview)
        Q_EMIT previewReady();
}

QList<DirectoryImport> ImportDialog::imports() const
{
    QList<DirectoryImport> list;
    for (const auto& part : m_parts)
        list.append(part->import);
    return list;
}

QList<ImportReport> ImportDialog::previewReports() const
{
    QList<ImportReport> list;
    for (const auto& part : m_parts)
        list.append(part->check.value_or(ImportReport{}));
    return list;
}

// --- Import ----------------------------------------------------------------------------------------

void ImportDialog::runImport()
{
    if (m_step != Step::Preview || !importBlockedReason().isEmpty())
        return;
    m_finalReports.clear();
    setStep(Step::Importing);
    importNext(0);
}

void ImportDialog::importNext(int index)
{
    while (index < int(m_parts.size()) && !m_parts.at(index)->included)
        ++index;
    if (index >= int(m_parts.size()))
        return finishImport({});
    const Part& part = *m_parts.at(index);
    m_importingLabel->setText(part.import.createTenant
        ? tr("Importing the realm as the tenant “%1”…").arg(part.import.tenantSlug)
        : tr("Importing %n user(s) into “%1”…", nullptr, int(part.import.users.size())).arg(part.import.tenantSlug));
    whenReady(m_store->importDirectory(part.import, false), this,
        [this, index](const ImportReport& report) {
            Part& done = *m_parts.at(index);
            if (!report.written) {
                // Something changed since the preview (a user or tenant created meanwhile).
                done.check = report;
                showCheck(index);
                QStringList problems;
                for (const ImportIssue& issue : report.issues)
                    problems.append(issue.line > 0 ? tr("line %1, %2: %3").arg(issue.line).arg(issue.field, issue.message)
                                                   : issue.message);
                return finishImport(tr("%1 was not imported: the store found issues it had not found in the preview (%2).")
                                        .arg(done.title(), problems.join(u"; "_s)));
            }
            m_finalReports.append(report);
            done.check = report;
            importNext(index + 1);
        },
        [this, index](const StoreError& error) {
            finishImport(tr("%1 was not imported: %2").arg(m_parts.at(index)->title(), error.message()));
        });
}

QString ImportDialog::describeReport(const Part& part, const ImportReport& report) const
{
    QStringList lines;
    lines.append(part.import.createTenant ? tr("%1 → the new tenant “%2”").arg(nativePath(part.import.source), part.import.tenantSlug)
                                          : tr("%1 → the tenant “%2”").arg(nativePath(part.import.source), part.import.tenantSlug));
    lines.append(tr("  Users created: %1").arg(report.usersCreated));
    lines.append(tr("  Users that existed (memberships added, profile kept): %1").arg(report.usersExisting));
    lines.append(tr("  Roles created: %1").arg(report.rolesCreated));
    lines.append(tr("  Memberships: %1").arg(report.membershipsCreated));
    if (!report.notes.isEmpty()) {
        lines.append(tr("  Notes:"));
        for (const QString& note : report.notes)
            lines.append(u"    • "_s + note);
    }
    return lines.join(u'\n');
}

void ImportDialog::finishImport(const QString& stopReason)
{
    QStringList text;
    for (const auto& part : m_parts) {
        if (part->included && part->check && part->check->written)
            text.append(describeReport(*part, *part->check));
    }
    if (text.isEmpty())
        text.append(tr("Nothing was imported."));
    if (!stopReason.isEmpty()) {
        text.append(tr("Stopped: %1").arg(stopReason));
        if (!m_finalReports.isEmpty())
            text.append(tr("What is listed above was written (each tenant in its own transaction); nothing of the rest was."));
        else
            text.append(tr("Nothing was written."));
    }
    text.append(tr("Imported users are invited (or disabled when the file says so); no credential was stored."));
    m_reportText = text.join(u"\n\n"_s);
    m_reportTextEdit->setPlainText(m_reportText);
    bool audited = false;
    for (const ImportReport& report : std::as_const(m_finalReports))
        audited = audited || report.tenantId != 0;
    m_auditTrailButton->setEnabled(audited);
    setStep(Step::Report);
    if (!m_finalReports.isEmpty())
        Q_EMIT imported(m_finalReports);
}

} // namespace TenantDesk
