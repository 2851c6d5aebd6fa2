#pragma once

#include <QByteArray>
#include <QString>

namespace TenantDesk {

// The secret that signs tenantdesk-server's access tokens. It lives in a file of its own, as the
// base64 text of at least 32 random bytes, readable by its owner only; it is never compiled in
// and never logged. Servers sharing one database must be given the same file.
namespace SigningKey {

constexpr qsizetype KeySize = 32; // bytes a new key has; also the least a key file may hold

// The key stored in the file at `path`. When no file exists there, a new random key is written
// to it (atomically, mode 0600 before any content) and returned. Throws StoreError naming the
// file and the cause when the file is accessible to group or others (Invalid), is not base64 text
// (Corrupt), holds a shorter key (Invalid), or cannot be read or written (Unavailable).
QByteArray loadOrCreate(const QString& path);

} // namespace SigningKey

} // namespace TenantDesk
