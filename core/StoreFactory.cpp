#include "StoreFactory.h"

#include "RestStore.h"
#include "SqlStore.h"

#include <QDir>
#include <QStandardPaths>

namespace TenantDesk::StoreFactory {

std::unique_ptr<Store> localDatabase(const QString& text)
{
    return std::make_unique<SqlStore>(DatabaseLocation::parse(text));
}

std::unique_ptr<Store> databaseFile(const QString& path)
{
    return std::make_unique<SqlStore>(DatabaseLocation::sqlite(path));
}

std::unique_ptr<Store> server(const ServerConnection& connection)
{
    return std::make_unique<RestStore>(connection);
}

QString defaultDatabaseFolder()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
}

QString demoDatabasePath()
{
    return QDir(defaultDatabaseFolder()).filePath(QStringLiteral("demo.") + databaseSuffix);
}

} // namespace TenantDesk::StoreFactory
