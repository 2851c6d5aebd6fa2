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

Q_SIGNALS:
    void openDemoRequested();
    void newDatabaseRequested();
    void openDatabaseRequested();
    void recentDatabaseRequested(const QString& path);

private:
    QListWidget* m_recentList;
};

} // namespace TenantDesk
