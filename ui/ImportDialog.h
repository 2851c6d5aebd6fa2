#pragma once

#include "UserAdmin.h"

#include <QDialog>
#include <QFuture>
#include <QList>
#include <QString>
#include <memory>
#include <vector>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QPlainTextEdit;
class QStackedWidget;
class QTabWidget;
class QTableWidget;
class QTimer;

namespace TenantDesk {

class Store;
class StoreError;

// The kinds of file File → Import Users… reads (docs/IMPORT_FORMATS.md).
enum class ImportFormat { Csv, Json, Keycloak };

// File → Import Users… (Ctrl+I), and Import… on the Users page: users from a CSV or JSON file, or a
// Keycloak realm export (a file or a kc.sh export folder) as new tenants, one per realm.
//
// Steps: choose the format, the file (or folder) and, for CSV and JSON, the tenant rows without
// one go to; the file is read off the GUI thread (progress and Cancel) and checked by the store
// without writing (Store::importDirectory, dry run). The preview shows, per realm, what would be
// imported (counts, the users with their memberships, the reader's notes) and every issue by
// line and field. Nothing is written until Import is pressed, and Import stays disabled, saying
// why, while any issue remains. Each realm is its own tenant and its own transaction; its slug
// can be changed in the preview when it is taken. The final report can be copied.
class ImportDialog : public QDialog
{
    Q_OBJECT

public:
    enum class Step { Source, Reading, Preview, Importing, Report };
    Q_ENUM(Step)

    // Columns of the preview's tables.
    enum UserColumn { UserEmailColumn, UserNameColumn, UserStatusColumn, UserMembershipsColumn, UserColumnCount };
    enum IssueColumn { IssueLineColumn, IssueFieldColumn, IssueMessageColumn, IssueColumnCount };

    explicit ImportDialog(Store* store, QWidget* parent = nullptr);
    ~ImportDialog() override;

    // The tenant rows of a CSV or JSON file without one go to (the tenant selected in the tree or
    // the Users page's filter); the person may change it.
    void setDefaultTenantSlug(const QString& slug);
    void setFormat(ImportFormat format);
    ImportFormat format() const;
    void setPath(const QString& path);
    QString path() const;

    // Reads the chosen file and checks it with the store (nothing written): the preview once done.
    void preview();
    // Writes the included imports, one transaction each (the Import button).
    void runImport();
    // Back to choosing the file; a read still running is abandoned.
    void back();

    Step step() const { return m_step; }
    // What the file held, one import per realm (one for CSV and JSON).
    QList<DirectoryImport> imports() const;
    // The store's check of each import (dry run), parallel to imports().
    QList<ImportReport> previewReports() const;
    // What was written, one report per import written.
    QList<ImportReport> finalReports() const { return m_finalReports; }
    // Empty when Import may be pressed; otherwise why not.
    QString importBlockedReason() const;
    // The final report as text (Copy Report).
    QString reportText() const { return m_reportText; }
    // The message shown on the first step when the file could not be read.
    QString sourceError() const;
    // Gives realm `index` another tenant slug and checks it again.
    void setRealmSlug(int index, const QString& slug);
    // Leaves realm `index` out of the import (several realms only).
    void setRealmIncluded(int index, bool included);

    // Escape and Cancel close the dialog, except while an import is being written.
    void reject() override;

    // Files of more bytes than this show a progress bar by size while read.
    static constexpr qint64 progressThresholdBytes = 1 << 20;

Q_SIGNALS:
    void stepChanged(ImportDialog::Step step);
    // The preview is shown and every check has answered (tests wait for it).
    void previewReady();
    // Imports were written (reports of those written); the tree and the users page read again.
    void imported(const QList<TenantDesk::ImportReport>& reports);
    // "Show Audit Trail" on the report: the audit trail of `tenantId`.
    void auditTrailRequested(TenantId tenantId);

private:
    struct Part;
    struct ReadOutcome;

    QWidget* createSourcePage();
    QWidget* createReadingPage();
    QWidget* createPreviewPage();
    QWidget* createImportingPage();
    QWidget* createReportPage();
    void setStep(Step step);
    void updateSourceControls();
    void chooseFile();
    void chooseFolder();
    void showRead(const ReadOutcome& outcome);
    void showSourceError(const QString& message);
    void buildPart(int index);
    void check(int index);
    void showCheck(int index);
    void updatePreviewStatus();
    void importNext(int index);
    void finishImport(const QString& stopReason);
    QString describeReport(const Part& part, const ImportReport& report) const;
    static QFuture<ReadOutcome> startRead(ImportFormat format, const QString& path, const QString& tenantSlug);

    Store* m_store = nullptr;
    Step m_step = Step::Source;
    std::vector<std::unique_ptr<Part>> m_parts;
    QList<ImportReport> m_finalReports;
    QString m_reportText;
    quint64 m_readSerial = 0;

    QStackedWidget* m_stack = nullptr;
    // Source
    QComboBox* m_formatComboBox = nullptr;
    QLineEdit* m_pathLineEdit = nullptr;
    QPushButton* m_chooseFileButton = nullptr;
    QPushButton* m_chooseFolderButton = nullptr;
    QLineEdit* m_tenantLineEdit = nullptr;
    QLabel* m_tenantHintLabel = nullptr;
    QLabel* m_sourceErrorLabel = nullptr;
    QPushButton* m_previewButton = nullptr;
    // Reading
    QLabel* m_readingLabel = nullptr;
    QProgressBar* m_readingProgressBar = nullptr;
    QPushButton* m_cancelReadButton = nullptr;
    // Preview
    QLabel* m_previewSummaryLabel = nullptr;
    QTabWidget* m_partsTabWidget = nullptr;
    QLabel* m_previewStatusLabel = nullptr;
    QPushButton* m_importButton = nullptr;
    // Importing
    QLabel* m_importingLabel = nullptr;
    // Report
    QPlainTextEdit* m_reportTextEdit = nullptr;
    QPushButton* m_auditTrailButton = nullptr;
    QPushButton* m_reportCloseButton = nullptr;
};

} // namespace TenantDesk
