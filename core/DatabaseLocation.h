#pragma once

#include <QString>
#include <QUrl>

namespace TenantDesk {

// Where a database lives: an SQLite file or a PostgreSQL server, as given on a command line
// ("sqlite:/path/to/file.tenantdesk", a bare path, or "postgresql://user@host:port/dbname").
struct DatabaseLocation {
    enum class Kind { SQLite, PostgreSQL };

    Kind kind = Kind::SQLite;
    QString path; // SQLite: the file
    QUrl url;     // PostgreSQL: the server, user and database (the password, if any, is never shown)

    static DatabaseLocation sqlite(const QString& path) { return {Kind::SQLite, path, {}}; }
    // Reads a location as written on a command line; throws StoreError(Invalid) naming what is wrong.
    static DatabaseLocation parse(const QString& text);

    bool isSqlite() const { return kind == Kind::SQLite; }
    // As a person would read it, without a password.
    QString shown() const;
};

} // namespace TenantDesk
