#pragma once

#include <QWidget>

class QListWidget;

namespace TenantDesk {

// Shown when no database is open: open the demo, create an empty database or open a file.
class WelcomePage : public QWidget
{
    Q_OBJECT

public:
    explicit WelcomePage(QWidget* parent = nullptr);

    void setRecentDatabases(const QStringList& paths);
    // How a recent database file or server is listed: the path, or "ann@example.com — https://host".
    static QString recentLabel(const QString& entry);

Q_SIGNALS:
    void openDemoRequested();
    void newDatabaseRequested();
    void openDatabaseRequested();
    void connectServerRequested();
    void recentDatabaseRequested(const QString& path);

private:
    QListWidget* m_recentList;
};

} // namespace TenantDesk
