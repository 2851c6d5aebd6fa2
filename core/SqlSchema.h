#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace TenantDesk {

enum class SqlDialect { SQLite, PostgreSQL };

// One step of the schema's history. Migrations run in order, each in its own transaction,
// and are never edited once released: a change to the schema is a new migration.
struct Migration {
    int version = 0;
    QString description;
    QStringList statements; // in the dialect asked for
};

namespace SqlSchema {
// "TDK1": PRAGMA application_id of every TenantDesk SQLite file.
inline constexpr int sqliteApplicationId = 0x54444B31;

QList<Migration> migrations(SqlDialect dialect);
int latestVersion();
} // namespace SqlSchema

} // namespace TenantDesk
