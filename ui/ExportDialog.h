#pragma once

#include "StoreQueries.h"
#include "UserAdmin.h"

#include <QDialog>
#include <QList>
#include <QString>
#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QRadioButton;

namespace TenantDesk {

class Store;
class StoreError;

enum class ExportFormat { Csv, Json };

// File → Export Users… (Ctrl+Shift+E), and Export… on the Users page: the users of the Users
// page's filter, of one tenant or of the whole platform, with their memberships, as CSV or JSON
// (core/UserFile.h: the files read back exactly). The users are listed page by page, then each
// one's memberships are read (Store::user) with a few requests at a time, with progress and
// Cancel; the file is written only once everything has been read, through QSaveFile, so that it
// is never left half-written and a cancelled or failed export leaves an existing file as it was.
class ExportDialog : public QDialog
{
    Q_OBJECT

public:
    enum class Scope { Filter, Tenant, Platform };
    Q_ENUM(Scope)

    explicit ExportDialog(Store* store, QWidget* parent = nullptr);
    ~ExportDialog() override;

    // Offers "the users matching the Users page's filters", described for a person, and chooses it.
    void setFilterQuery(const UserQuery& query, const QString& description);
    // The tenant offered (and chosen when no filter is offered).
    void setTenantSlug(const QString& slug);
    void setScope(Scope scope);
    Scope scope() const;
    void setFormat(ExportFormat format);
    ExportFormat format() const;
    void setPath(const QString& path);
    QString path() const;

    // Reads the users and writes the file (the Export button).
    void startExport();
    // Stops reading; nothing is written.
    void cancelExport();
    bool isRunning() const { return m_running; }

    // Requests of user details in flight at once at most.
    static constexpr int maxConcurrentReads = 4;

    // What the last export did, as said in the dialog.
    QString message() const;
    int exportedUserCount() const { return m_exportedUsers; }

    void reject() override;

Q_SIGNALS:
    // An export ended: written (`ok`), failed or cancelled.
    void finished(bool ok);

private:
    void updateControls();
    void chooseFile();
    void listPage(quint64 serial, UserQuery query);
    void readMore(quint64 serial);
    void write();
    void stop(bool ok, const QString& message);

    Store* m_store = nullptr;
    std::optional<UserQuery> m_filterQuery;
    bool m_running = false;
    quint64 m_serial = 0;
    QList<UserId> m_ids;
    QList<UserDetail> m_details;
    int m_nextRead = 0;
    int m_inFlight = 0;
    int m_read = 0;
    int m_exportedUsers = 0;

    QRadioButton* m_filterRadioButton = nullptr;
    QRadioButton* m_tenantRadioButton = nullptr;
    QRadioButton* m_platformRadioButton = nullptr;
    QLineEdit* m_tenantLineEdit = nullptr;
    QComboBox* m_formatComboBox = nullptr;
    QLineEdit* m_pathLineEdit = nullptr;
    QPushButton* m_chooseButton = nullptr;
    QLabel* m_progressLabel = nullptr;
    QProgressBar* m_progressBar = nullptr;
    QLabel* m_messageLabel = nullptr;
    QPushButton* m_exportButton = nullptr;
    QPushButton* m_cancelButton = nullptr;
    QPushButton* m_closeButton = nullptr;
};

} // namespace TenantDesk
