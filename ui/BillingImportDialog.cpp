#include "BillingImportDialog.h"

#include "Async.h"
#include "BillingFile.h"
#include "BillingMoney.h"
#include "Decimal.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>
#include <map>

namespace TenantDesk {

using namespace Qt::StringLiterals;

BillingImportDialog::BillingImportDialog(Store* store, QWidget* parent)
    : QDialog(parent)
    , m_store(store)
{
    setObjectName(u"billingImportDialog"_s);
    setWindowTitle(tr("Import Billing"));
    resize(640, 460);
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("Import a billing export: FOCUS 1.0–1.3, AWS Cost and Usage Report (legacy or 2.0) or "
                                "Azure cost details (EA or MCA), as CSV, .csv.gz or .zip. One import is one "
                                "transaction: a broken file changes nothing."), this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto* form = new QFormLayout;
    auto* fileRow = new QHBoxLayout;
    m_fileLineEdit = new QLineEdit(this);
    m_fileLineEdit->setObjectName(u"billingFileLineEdit"_s);
    m_fileLineEdit->setPlaceholderText(tr("A .csv, .csv.gz or .zip file"));
    m_browseButton = new QPushButton(tr("&Browse…"), this);
    m_browseButton->setObjectName(u"billingBrowseButton"_s);
    fileRow->addWidget(m_fileLineEdit, 1);
    fileRow->addWidget(m_browseButton);
    auto* fileLabel = new QLabel(tr("&File:"), this);
    fileLabel->setBuddy(m_fileLineEdit);
    form->addRow(fileLabel, fileRow);
    m_detectedLabel = new QLabel(tr("Choose a file"), this);
    m_detectedLabel->setObjectName(u"detectedFormatLabel"_s);
    form->addRow(tr("Detected format:"), m_detectedLabel);
    m_formatCombo = new QComboBox(this);
    m_formatCombo->setObjectName(u"billingFormatCombo"_s);
    for (BillingFormat format : {BillingFormat::Auto, BillingFormat::Focus, BillingFormat::AwsCur, BillingFormat::AwsCur2,
                                 BillingFormat::AzureEa, BillingFormat::AzureMca})
        m_formatCombo->addItem(formatName(format), int(format));
    m_formatCombo->setToolTip(tr("Leave on “Detect from the header” unless the detection is wrong"));
    form->addRow(tr("F&ormat:"), m_formatCombo);
    m_tagKeyLineEdit = new QLineEdit(this);
    m_tagKeyLineEdit->setObjectName(u"tenantTagKeyLineEdit"_s);
    m_tagKeyLineEdit->setPlaceholderText(tr("Optional, e.g. tenant or user:tenant"));
    m_tagKeyLineEdit->setToolTip(tr("A tag whose value is a tenant's slug; added to the attribution rules' tenant tag keys"));
    form->addRow(tr("&Tenant tag key:"), m_tagKeyLineEdit);
    layout->addLayout(form);

    m_progressBar = new QProgressBar(this);
    m_progressBar->setObjectName(u"billingImportProgressBar"_s);
    m_progressBar->setRange(0, 1000);
    m_progressBar->setTextVisible(false);
    m_progressBar->hide();
    layout->addWidget(m_progressBar);
    m_statusLabel = new QLabel(this);
    m_statusLabel->setObjectName(u"billingImportStatusLabel"_s);
    m_statusLabel->setWordWrap(true);
    layout->addWidget(m_statusLabel);
    m_errorLabel = new QLabel(this);
    m_errorLabel->setObjectName(u"billingImportErrorLabel"_s);
    m_errorLabel->setStyleSheet(u"color: #b3261e;"_s);
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_errorLabel->hide();
    layout->addWidget(m_errorLabel);
    m_resultText = new QPlainTextEdit(this);
    m_resultText->setObjectName(u"billingImportResultText"_s);
    m_resultText->setAccessibleName(tr("Import result"));
    m_resultText->setReadOnly(true);
    m_resultText->hide();
    layout->addWidget(m_resultText, 1);
    layout->addStretch();

    auto* buttons = new QDialogButtonBox(this);
    m_importButton = buttons->addButton(tr("&Import"), QDialogButtonBox::AcceptRole);
    m_importButton->setObjectName(u"billingImportButton"_s);
    m_importButton->setDefault(true);
    m_closeButton = buttons->addButton(QDialogButtonBox::Close);
    m_closeButton->setObjectName(u"billingImportCloseButton"_s);
    layout->addWidget(buttons);

    connect(m_browseButton, &QPushButton::clicked, this, &BillingImportDialog::chooseFile);
    connect(m_fileLineEdit, &QLineEdit::textChanged, this, &BillingImportDialog::detectFormat);
    connect(m_importButton, &QPushButton::clicked, this, [this]() { startImport(); });
    connect(m_closeButton, &QPushButton::clicked, this, &BillingImportDialog::reject);
    updateButtons();
}

BillingImportDialog::~BillingImportDialog()
{
    if (m_importing)
        m_future.cancel(); // rolls back
}

QString BillingImportDialog::formatName(BillingFormat format)
{
    switch (format) {
    case BillingFormat::Auto: return tr("Detect from the header");
    case BillingFormat::Focus: return tr("FOCUS 1.0–1.3");
    case BillingFormat::AwsCur: return tr("AWS Cost and Usage Report (legacy)");
    case BillingFormat::AwsCur2: return tr("AWS Cost and Usage Report 2.0");
    case BillingFormat::AzureEa: return tr("Azure cost details (EA)");
    case BillingFormat::AzureMca: return tr("Azure cost details (MCA)");
    }
    return {};
}

void BillingImportDialog::setFile(const QString& path)
{
    m_fileLineEdit->setText(path);
}

QString BillingImportDialog::file() const
{
    return m_fileLineEdit->text().trimmed();
}

void BillingImportDialog::setFormat(BillingFormat format)
{
    m_formatCombo->setCurrentIndex(m_formatCombo->findData(int(format)));
}

void BillingImportDialog::setTenantTagKey(const QString& key)
{
    m_tagKeyLineEdit->setText(key);
}

QString BillingImportDialog::resultText() const
{
    return m_resultText->isVisible() || !m_resultText->toPlainText().isEmpty() ? m_resultText->toPlainText() : m_statusLabel->text();
}

QString BillingImportDialog::errorText() const
{
    return m_errorLabel->text();
}

void BillingImportDialog::chooseFile()
{
    const QString start = file().isEmpty() ? QDir::homePath() : QFileInfo(file()).absolutePath();
    const QString path = QFileDialog::getOpenFileName(this, tr("Import Billing"), start,
        tr("Billing exports (*.csv *.csv.gz *.gz *.zip);;All files (*)"));
    if (!path.isEmpty())
        setFile(path);
}

// The header of a plain CSV is its first line: read at once, a few kilobytes at most. A
// compressed file is detected while it is imported.
void BillingImportDialog::detectFormat()
{
    updateButtons();
    const QString path = file();
    if (path.isEmpty()) {
        m_detectedLabel->setText(tr("Choose a file"));
        return;
    }
    const QFileInfo info(path);
    if (!info.isFile()) {
        m_detectedLabel->setText(tr("No such file"));
        return;
    }
    const QString suffix = info.fileName().toLower();
    if (suffix.endsWith(u".gz"_s) || suffix.endsWith(u".zip"_s)) {
        m_detectedLabel->setText(tr("Detected on import (compressed)"));
        return;
    }
    QFile csv(path);
    if (!csv.open(QIODevice::ReadOnly)) {
        m_detectedLabel->setText(tr("Cannot be read: %1").arg(csv.errorString()));
        return;
    }
    QByteArray header = csv.readLine(256 * 1024);
    if (header.startsWith("\xEF\xBB\xBF"))
        header.remove(0, 3);
    while (header.endsWith('\n') || header.endsWith('\r'))
        header.chop(1);
    const std::optional<BillingFormat> format = detectBillingFormat(header);
    m_detectedLabel->setText(format ? formatName(*format) : tr("Not recognised: choose the format below"));
}

void BillingImportDialog::updateButtons()
{
    m_importButton->setEnabled(!m_importing && m_store && !file().isEmpty());
    m_closeButton->setText(m_importing ? tr("Cancel") : tr("Close"));
    m_fileLineEdit->setEnabled(!m_importing);
    m_browseButton->setEnabled(!m_importing);
    m_formatCombo->setEnabled(!m_importing);
    m_tagKeyLineEdit->setEnabled(!m_importing);
}

void BillingImportDialog::setImporting(bool importing)
{
    m_importing = importing;
    m_progressBar->setVisible(importing);
    updateButtons();
}

void BillingImportDialog::startImport(DuplicateImport onDuplicate)
{
    if (m_importing || !m_store || file().isEmpty())
        return;
    BillingImportRequest request;
    request.path = file();
    request.format = BillingFormat(m_formatCombo->currentData().toInt());
    request.onDuplicate = onDuplicate;
    request.tenantTagKey = m_tagKeyLineEdit->text().trimmed();
    m_errorLabel->clear();
    m_errorLabel->hide();
    m_resultText->clear();
    m_resultText->hide();
    m_cancelled = false;
    m_statusLabel->setText(onDuplicate == DuplicateImport::Replace ? tr("Replacing the earlier import of %1…").arg(QFileInfo(request.path).fileName())
                                                                   : tr("Importing %1…").arg(QFileInfo(request.path).fileName()));
    m_progressBar->setValue(0);
    setImporting(true);
    m_future = m_store->importBilling(request);
    auto* watcher = new QFutureWatcher<BillingImportResult>(this);
    connect(watcher, &QFutureWatcherBase::progressValueChanged, m_progressBar, &QProgressBar::setValue);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher]() {
        watcher->deleteLater();
        finished(watcher->future());
    });
    watcher->setFuture(m_future);
}

void BillingImportDialog::cancelImport()
{
    if (!m_importing)
        return;
    m_cancelled = true;
    m_statusLabel->setText(tr("Cancelling…"));
    m_future.cancel();
}

void BillingImportDialog::reject()
{
    if (m_importing) {
        cancelImport(); // the dialog stays until the store has rolled back
        return;
    }
    QDialog::reject();
}

void BillingImportDialog::finished(const QFuture<BillingImportResult>& future)
{
    setImporting(false);
    QFuture<BillingImportResult> done = future;
    try {
        done.waitForFinished(); // rethrows the store's failure
    } catch (const StoreError& error) {
        if (error.code() == ErrorCode::Conflict)
            return askDuplicate(error.message());
        showError(tr("Could not import %1").arg(QFileInfo(file()).fileName()), error.message());
        return;
    } catch (...) {
        showError(tr("Could not import %1").arg(QFileInfo(file()).fileName()), tr("An unexpected error occurred; please report it."));
        return;
    }
    if (done.resultCount() == 0) { // cancelled before it was done: rolled back
        m_statusLabel->setText(tr("Import cancelled: nothing was imported."));
        Q_EMIT importEnded();
        return;
    }
    showResult(done.result());
}

void BillingImportDialog::askDuplicate(const QString& message)
{
    m_statusLabel->setText(tr("This file was imported before."));
    auto* box = new QMessageBox(QMessageBox::Question, tr("Already Imported"),
                                tr("%1\n\nSkip it, or replace the earlier import with this file?").arg(message),
                                QMessageBox::NoButton, this);
    box->setObjectName(u"duplicateImportBox"_s);
    box->setAttribute(Qt::WA_DeleteOnClose);
    QPushButton* skip = box->addButton(tr("&Skip"), QMessageBox::AcceptRole);
    skip->setObjectName(u"skipButton"_s);
    QPushButton* replace = box->addButton(tr("&Replace"), QMessageBox::DestructiveRole);
    replace->setObjectName(u"replaceButton"_s);
    QPushButton* cancel = box->addButton(QMessageBox::Cancel);
    box->setDefaultButton(skip);
    connect(box, &QMessageBox::finished, this, [this, box, skip, replace, cancel]() {
        QAbstractButton* clicked = box->clickedButton();
        if (clicked == skip)
            startImport(DuplicateImport::Skip);
        else if (clicked == replace)
            startImport(DuplicateImport::Replace);
        else {
            Q_UNUSED(cancel);
            m_statusLabel->setText(tr("Nothing was imported."));
            Q_EMIT importEnded();
        }
    });
    box->open();
}

void BillingImportDialog::showError(const QString& title, const QString& message)
{
    m_statusLabel->setText(tr("Nothing was imported."));
    m_errorLabel->setText(message);
    m_errorLabel->show();
    auto* box = new QMessageBox(QMessageBox::Critical, title, tr("%1\n\nNothing was imported.").arg(message), QMessageBox::Ok, this);
    box->setObjectName(u"billingImportErrorBox"_s);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    Q_EMIT importEnded();
}

void BillingImportDialog::showResult(const BillingImportResult& result)
{
    const BillingImport& import = result.import;
    if (result.skipped) {
        m_statusLabel->setText(tr("Skipped: this file was imported before, nothing changed."));
        Q_EMIT importEnded();
        return;
    }
    QStringList text;
    text << tr("Imported %1 as %2.").arg(import.fileName, formatName(import.format));
    if (result.replacedImportId != 0)
        text << tr("It replaces the earlier import of the same file.");
    const QLocale locale;
    text << tr("Lines: %1; attributed to tenants: %2; unallocated: %3.")
                .arg(locale.toString(import.lineCount), locale.toString(import.lineCount - import.unallocatedLines),
                     locale.toString(import.unallocatedLines));
    if (import.firstChargeAt.isValid())
        text << tr("Charges from %1 to %2.").arg(locale.toString(import.firstChargeAt.toUTC().date(), QLocale::ShortFormat),
                                                  locale.toString(import.lastChargeAt.toUTC().date(), QLocale::ShortFormat));
    m_statusLabel->setText(text.constFirst());
    m_resultText->setPlainText(text.join(u'\n'));
    m_resultText->show();
    // The billed cost per currency, summed exactly from the import's totals.
    BillingFilter filter;
    filter.importId = import.id;
    whenReady(m_store->billingTotals(filter), this, [this, text, notes = result.notes](const QList<BillingTotalsRow>& rows) {
        std::map<QString, DecimalSum> byCurrency;
        for (const BillingTotalsRow& row : rows)
            byCurrency[row.billingCurrency].add(row.billedCost);
        QStringList report = text;
        for (const auto& [currency, sum] : byCurrency)
            report << tr("Billed cost in %1: %2 (exactly %3).").arg(currency, BillingMoney::format(sum.text(), currency), sum.text());
        if (!notes.isEmpty()) {
            report << QString() << tr("Notes:");
            for (const QString& note : notes)
                report << u"• "_s + note;
        }
        m_resultText->setPlainText(report.join(u'\n'));
    }, [this, text, notes = result.notes](const StoreError&) {
        QStringList report = text;
        for (const QString& note : notes)
            report << u"• "_s + note;
        m_resultText->setPlainText(report.join(u'\n'));
    });
    Q_EMIT imported(result);
}

} // namespace TenantDesk
