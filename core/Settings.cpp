#include "Settings.h"

#include <QFileInfo>

namespace TenantDesk::Settings {

namespace {

void putFirst(const QString& entry)
{
    QStringList recent = value(recentDatabases);
    recent.removeAll(entry);
    recent.prepend(entry);
    while (recent.size() > maximumRecentDatabases)
        recent.removeLast();
    setValue(recentDatabases, recent);
}

} // namespace

void rememberDatabase(const QString& path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    putFirst(absolute);
    setValue(lastDatabase, absolute);
}

void rememberServer(const QString& entry)
{
    putFirst(entry);
}

} // namespace TenantDesk::Settings
