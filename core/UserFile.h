#pragma once

#include "UserAdmin.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace TenantDesk {

// Users in and out of files (issue 5): CSV and JSON read into a DirectoryImport, which the store
// checks and writes (Store::importDirectory), and the users the store answers written back out.
// The readers only read: whether a tenant, environment or role exists is the store's to say.
//
// CSV (RFC 4180, UTF-8 with or without a byte order mark, CRLF or LF). The first row names the
// columns, in any order and any case ("Display Name" = "display_name"):
//   email        required
//   display_name (or name)
//   status       invited, active or disabled; empty: invited
//   tenant       a tenant slug; empty: the import's tenant (`defaultTenantSlug`)
//   environment  an environment name; empty: the membership is tenant-wide
//   role         a role name; empty: the row gives the user no membership
// Other columns are ignored (a note says so). Each row is one membership: rows with the same e-mail
// (compared without case) are one user with every row's membership. An empty name or status on
// one of them says nothing; two different ones are a contradiction reported on the later row.
// Issues name the line where the record starts (a quoted field may span lines) and the column.
//
// Spreadsheet formula guard: a cell that starts with = + - @, a tab or a carriage return is
// written with an apostrophe in front, so that a spreadsheet shows it as text instead of running
// it. To read back exactly what was written, the apostrophe is added to every cell matching
// ^'*[=+\-@\t\r] and the reader removes one apostrophe from every cell matching ^'+[=+\-@\t\r]. A
// hand-written cell such as "-5" or "'Nick" is read as it stands.
//
// JSON: {"users": [{"email": ..., "display_name": ..., "status": ...,
//                    "memberships": [{"tenant": slug, "environment": name, "role": name}]}]}
// or the bare array. Absent or null fields are empty; "name" is read as "display_name". Issues
// name the record by its position (ImportIssue::line, from 1) and the field by its JSON path,
// indexed from 0 as jq does: the third record's e-mail is line 3, field "users[2].email", for the
// bare array too.
//
// Both readers give DirectoryImport::tenantSlug = defaultTenantSlug (rows without a tenant are
// memberships on it) and createTenant = false.
DirectoryImport readUsersCsv(const QByteArray& data, const QString& source, const QString& defaultTenantSlug);
DirectoryImport readUsersJson(const QByteArray& data, const QString& source, const QString& defaultTenantSlug);

// The users, as the readers above read them back: every field of each user and each membership
// (tenant slug, environment name, role name). Platform-scope roles are not memberships of a tenant
// and are left out. CSV: a header row, then one row per membership (a user without one gets one
// row with empty tenant, environment and role), CRLF line ends, no byte order mark, fields quoted
// when they hold a comma, a quote, a line break or leading or trailing blanks, and the formula
// guard above. JSON: the object form, indented; "environment" only on environment memberships.
QByteArray usersToCsv(const QList<UserDetail>& users);
QByteArray usersToJson(const QList<UserDetail>& users);

// Empty when `email` looks like an e-mail address, otherwise the reason: one "@", a local part
// without blanks or the characters ()<>[]:;,\" and a domain of dot-separated labels of letters,
// digits and hyphens ("localhost" is accepted: Keycloak's test users have it). Stricter than the
// store's emailError (UserAdmin.h), which it applies last: an address it accepts, the store accepts.
QString validateEmail(const QString& email);

// The offset of the first byte of `data` that does not start or continue a valid UTF-8 sequence
// (overlong forms, surrogates and code points above U+10FFFF are invalid), or -1 when all is valid.
qsizetype firstInvalidUtf8Byte(const QByteArray& data);

} // namespace TenantDesk
