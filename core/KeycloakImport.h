#pragma once

#include "UserAdmin.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace TenantDesk {

// A Keycloak realm export read as a new tenant (issue 5): one DirectoryImport per realm, with
// createTenant = true, the tenant slug made from the realm name (tenantSlugFromRealmName) and its
// name from the realm's displayName, or the realm name. The store checks and writes it
// (Store::importDirectory); nothing here touches a store.
//
// What is mapped (every decision and every skip is a line in DirectoryImport::notes, with counts):
// - realm roles → roles of the tenant with their name and description, tenant scope and no
//   permissions: a Keycloak role means what its applications make of it, so an admin grants
//   permissions in the role editor afterwards;
// - client roles → roles named "<clientId>:<role>";
// - composite roles → roles including the roles they list (includedRoleNames);
// - groups, nested → one composite role per group named "group:<path>" ("group:/top/sub"), which
//   includes the group's realm and client roles and its parent group's role (a Keycloak subgroup
//   inherits its parent's role mappings);
// - users → users with their e-mail, "firstName lastName" or else the username as display name,
//   disabled unless "enabled": true (Keycloak treats a user without it as disabled) and invited
//   otherwise; one membership of the new tenant per realm role, client role and group they have.
//
// What is skipped, with the reason in the notes:
// - Keycloak's own roles: offline_access, uma_authorization and default-roles-<realm> (they mean
//   nothing here); the old "defaultRoles" / new "defaultRole" of the realm are not granted
//   (Keycloak grants them at registration; an export lists each user's roles);
// - the roles of Keycloak's own clients: realm-management, broker, account, account-console,
//   security-admin-console and admin-cli;
// - users without an e-mail address (named by username) and service-account users;
// - credentials: never read beyond counting the users that had some; the users are invited and
//   choose their own at first sign-in. No credential, client secret or key is ever copied.
// - clients, client scopes, identity providers and the realm's settings: Keycloak's own.
//
// Issues (the import is refused while any remain): invalid JSON (file and offset), not a realm (no
// "realm" field), a users file of another realm, a file that cannot be read (line 0, the file named
// in the message); two users of a realm with the same e-mail (both named); a bad e-mail address;
// a role or group a user, group or composite names that the realm does not define. User issues
// give the user's position in its file's "users" array as the line (from 1) and the JSON path
// from 0 as the field ("users[2].email").

// A realm export in one file: a realm object, or an array of them. `source` names the file in
// the report.
QList<DirectoryImport> readKeycloakJson(const QByteArray& data, const QString& source);

// A folder as `kc.sh export --dir` writes it: <realm>-realm.json with its users in the file or in
// <realm>-users-0.json, <realm>-users-1.json... ({"realm": ..., "users": [...]}). One import per
// realm file.
QList<DirectoryImport> readKeycloakFolder(const QString& folder);

// A file (readKeycloakJson) or a folder (readKeycloakFolder).
QList<DirectoryImport> readKeycloakExport(const QString& path);

// A valid tenant slug (validateTenantSlug) from a realm name: lower case, accents removed, every
// run of other characters a hyphen, "realm-" in front of one that is too short, cut at 100
// characters: "My Realm" → "my-realm", "Équipe_B" → "equipe-b".
QString tenantSlugFromRealmName(const QString& realm);

} // namespace TenantDesk
