#pragma once

#include "ServerConnection.h"
#include "Store.h"

#include <QString>
#include <memory>

namespace TenantDesk::StoreFactory {

// The file extension of TenantDesk databases.
inline constexpr QLatin1StringView databaseSuffix{"tenantdesk"};

// A store on the local database named as on a command line (not yet opened), as
// DatabaseLocation::parse reads it: a file path, "sqlite:PATH", or a PostgreSQL URL
// "postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE". Throws StoreError(Invalid) naming a
// malformed URL, without its password.
std::unique_ptr<Store> localDatabase(const QString& text);
// A store on the SQLite database file at `path`, whatever its name looks like (a file chosen in a
// dialog or remembered as recent; not yet opened).
std::unique_ptr<Store> databaseFile(const QString& path);
// A store on a TenantDesk server (not yet opened: open() signs in). Its ServerSession is
// serverSession(store).
std::unique_ptr<Store> server(const ServerConnection& connection);

// Where the demo database lives: AppDataLocation/demo.tenantdesk.
QString demoDatabasePath();
// The folder offered for new databases.
QString defaultDatabaseFolder();

} // namespace TenantDesk::StoreFactory
