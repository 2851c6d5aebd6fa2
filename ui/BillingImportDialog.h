#pragma once

#include "Billing.h"
#include "Store.h"

#include <QDialog>
#include <QFuture>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

namespace TenantDesk {

// File → Import Billing…: a billing export (.csv, .csv.gz, .zip) chosen, its format shown as
// detected from the header (or overridden), an optional tenant tag key, then Import with progress
// and Cancel (cancelling rolls back: nothing is imported). The same file again asks Skip or
// Replace; a broken file names the file, line and column; the result says what was imported.
// The store works elsewhere: the window never waits.
class BillingImportDialog : public QDialog
{
    Q_OBJECT

public:
    explicit BillingImportDialog(Store* store, QWidget* parent = nullptr);
    ~BillingImportDialog() override;

    void setFile(const QString& path);
    QString file() const;
    void setFormat(BillingFormat format);
    void setTenantTagKey(const QString& key);
    // Starts the import (as the Import button does); `onDuplicate` as chosen after a Conflict.
    void startImport(DuplicateImport onDuplicate = DuplicateImport::Refuse);
    // Cancels the import on its way (as Cancel does while it runs).
    void cancelImport();
    bool isImporting() const { return m_importing; }
    // What the dialog says now: the result, the error or the cancellation.
    QString resultText() const;
    QString errorText() const;

    static QString formatName(BillingFormat format);

Q_SIGNALS:
    void imported(const TenantDesk::BillingImportResult& result);
    // The import ended without importing: failed, cancelled or skipped after a Conflict.
    void importEnded();

protected:
    void reject() override;

private:
    void chooseFile();
    void detectFormat();
    void finished(const QFuture<BillingImportResult>& future);
    void showResult(const BillingImportResult& result);
    void showError(const QString& title, const QString& message);
    void askDuplicate(const QString& message);
    void setImporting(bool importing);
    void updateButtons();

    Store* m_store;
    QLineEdit* m_fileLineEdit;
    QPushButton* m_browseButton;
    QLabel* m_detectedLabel;
    QComboBox* m_formatCombo;
    QLineEdit* m_tagKeyLineEdit;
    QProgressBar* m_progressBar;
    QLabel* m_statusLabel;
    QLabel* m_errorLabel;
    QPlainTextEdit* m_resultText;
    QPushButton* m_importButton;
    QPushButton* m_closeButton;
    QFuture<BillingImportResult> m_future;
    bool m_importing = false;
    bool m_cancelled = false;
};

} // namespace TenantDesk
