#pragma once

#include "ServerConnection.h"
#include "Store.h"

#include <QString>
#include <memory>

namespace TenantDesk::StoreFactory {

// The file extension of TenantDesk databases.
inline constexpr QLatin1StringView databaseSuffix{"tenantdesk"};

// A store on the local database file at `path` (not yet opened).
std::unique_ptr<Store> localDatabase(const QString& path);
// A store on a TenantDesk server (not yet opened: open() signs in). Its ServerSession is
// serverSession(store).
std::unique_ptr<Store> server(const ServerConnection& connection);

// Where the demo database lives: AppDataLocation/demo.tenantdesk.
QString demoDatabasePath();
// The folder offered for new databases.
QString defaultDatabaseFolder();

} // namespace TenantDesk::StoreFactory
