#include "Settings.h"

#include <QFileInfo>

namespace TenantDesk::Settings {

void rememberDatabase(const QString& path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList recent = value(recentDatabases);
    recent.removeAll(absolute);
    recent.prepend(absolute);
    while (recent.size() > maximumRecentDatabases)
        recent.removeLast();
    setValue(recentDatabases, recent);
    setValue(lastDatabase, absolute);
}

} // namespace TenantDesk::Settings
