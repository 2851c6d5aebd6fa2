// A Keycloak realm export imported as a tenant (issue 5): the real sample with counts worked out
// from its JSON, the folder layout `kc.sh export --dir` writes, an array of realms, and bad input.
#include "KeycloakImport.h"
#include "SqlStore.h"
#include "Tenant.h"
#include "TestSupport.h"
#include "UserFile.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace TenantDesk;
using namespace Qt::StringLiterals;

namespace {

QString samplePath()
{
    return QStringLiteral(TENANTDESK_SHARED_DATA_DIR "/keycloak/testrealm.json");
}

QJsonObject sampleRealm()
{
    QFile file(samplePath());
    if (!file.open(QIODevice::ReadOnly))
        qFatal("The Keycloak sample cannot be read");
    return QJsonDocument::fromJson(file.readAll()).object();
}

QByteArray toJson(const QJsonObject& object)
{
    return QJsonDocument(object).toJson();
}

bool writeFile(const QString& path, const QByteArray& data)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(data) == data.size();
}

QString describe(const QList<ImportIssue>& issues)
{
    QStringList lines;
    for (const ImportIssue& issue : issues)
        lines.append(u"%1 [%2] %3"_s.arg(issue.line).arg(issue.field, issue.message));
    return lines.join(u"\n"_s);
}

const ImportRole* findRole(const DirectoryImport& import, const QString& name)
{
    for (const ImportRole& role : import.roles) {
        if (role.name == name)
            return &role;
    }
    return nullptr;
}

const ImportUser* findUser(const DirectoryImport& import, const QString& email)
{
    for (const ImportUser& user : import.users) {
        if (user.email == email)
            return &user;
    }
    return nullptr;
}

QStringList roleNames(const QList<ImportMembership>& memberships)
{
    QStringList names;
    for (const ImportMembership& membership : memberships)
        names.append(membership.roleName);
    return names;
}

int membershipCount(const DirectoryImport& import)
{
    int count = 0;
    for (const ImportUser& user : import.users)
        count += int(user.memberships.size());
    return count;
}

// Every string a DirectoryImport holds.
QStringList allStrings(const DirectoryImport& import)
{
    QStringList strings{import.source, import.tenantSlug, import.tenantName};
    for (const ImportRole& role : import.roles)
        strings << role.name << role.description << role.permissions << role.includedRoleNames;
    for (const ImportUser& user : import.users) {
        strings << user.email << user.displayName;
        for (const ImportMembership& membership : user.memberships)
            strings << membership.tenantSlug << membership.environmentName << membership.roleName;
    }
    for (const ImportIssue& issue : import.issues)
        strings << issue.field << issue.message;
    strings << import.notes;
    return strings;
}

// Every credential and secret value in a realm: users' credential values, clients' secrets, the
// realm's key pair. Found by walking the JSON, not listed by hand.
void collectSecrets(const QJsonValue& value, const QString& key, QSet<QString>& secrets)
{
    static const QStringList secretKeys{u"value"_s, u"secret"_s, u"privateKey"_s, u"publicKey"_s,
                                        u"secretData"_s, u"credentialData"_s, u"hashedSaltedValue"_s};
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            collectSecrets(it.value(), it.key(), secrets);
    } else if (value.isArray()) {
        for (const QJsonValue& element : value.toArray())
            collectSecrets(element, key, secrets);
    } else if (value.isString() && secretKeys.contains(key)) {
        secrets.insert(value.toString());
    }
}

QSet<QString> credentialValues(const QJsonObject& realm)
{
    QSet<QString> secrets;
    for (const QJsonValue& user : realm.value(u"users").toArray())
        collectSecrets(user.toObject().value(u"credentials"), u"credentials"_s, secrets);
    for (const QJsonValue& client : realm.value(u"clients").toArray())
        collectSecrets(client.toObject().value(u"secret"), u"secret"_s, secrets);
    collectSecrets(realm.value(u"privateKey"), u"privateKey"_s, secrets);
    collectSecrets(realm.value(u"publicKey"), u"publicKey"_s, secrets);
    return secrets;
}

} // namespace

class TestKeycloakImport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sampleImportsWithExpectedCounts()
    {
        const QList<DirectoryImport> imports = readKeycloakExport(samplePath());
        QCOMPARE(imports.size(), 1);
        const DirectoryImport& import = imports.first();
        QVERIFY2(import.issues.isEmpty(), qPrintable(describe(import.issues)));
        QCOMPARE(import.source, samplePath());
        QVERIFY(import.createTenant);
        QCOMPARE(import.tenantSlug, u"test"_s); // "realm": "test"
        QCOMPARE(import.tenantName, u"test"_s); // no displayName: the realm name
        QVERIFY(validateTenantSlug(import.tenantSlug).isEmpty());

        // The counts, from the sample's JSON (python3 -c 'import json; ...' over testrealm.json):
        // Users: 7 in "users", every one with an e-mail and none a service account: 7 imported,
        // none skipped.
        QCOMPARE(import.users.size(), 7);
        // Realm roles: 6 in roles.realm (user, admin, customer-user-premium, sample-realm-role,
        // attribute-role, realm-composite-role), none of Keycloak's own.
        QStringList realmRoles, clientRoles, groupRoles;
        for (const ImportRole& role : import.roles) {
            QCOMPARE(role.scope, RoleScope::Tenant);
            QVERIFY(role.permissions.isEmpty()); // permissions are granted here, not guessed
            if (role.name.startsWith(u"group:"))
                groupRoles.append(role.name);
            else if (role.name.contains(u':'))
                clientRoles.append(role.name);
            else
                realmRoles.append(role.name);
        }
        QCOMPARE(realmRoles, (QStringList{u"user"_s, u"admin"_s, u"customer-user-premium"_s, u"sample-realm-role"_s,
                                          u"attribute-role"_s, u"realm-composite-role"_s}));
        // Client roles: 7 in roles.client, 5 of test-app and 2 of test-app-scope; neither client is
        // Keycloak's own.
        QCOMPARE(clientRoles.size(), 7);
        QCOMPARE(clientRoles.filter(QRegularExpression(u"^test-app:"_s)).size(), 5);
        QCOMPARE(clientRoles.filter(QRegularExpression(u"^test-app-scope:"_s)).size(), 2);
        QVERIFY(clientRoles.contains(u"test-app:customer-admin-composite-role"_s));
        // Groups: 2 at the top with 2 subgroups each: 6 group roles, by full path.
        QCOMPARE(groupRoles, (QStringList{u"group:/topGroup"_s, u"group:/topGroup/level2group"_s,
                                          u"group:/topGroup/level2group2"_s, u"group:/roleRichGroup"_s,
                                          u"group:/roleRichGroup/level2group"_s, u"group:/roleRichGroup/level2group2"_s}));
        QCOMPARE(import.roles.size(), 6 + 7 + 6);

        // Memberships: one per realm role, client role and group of each user, leaving out
        // offline_access (Keycloak's own; test-user and non-duplicate-email-user have it) and the
        // account client's roles (4 users have view-profile and manage-account):
        //   test-user, john-doh, keycloak-user, non-duplicate-email-user: user + test-app:customer-user = 2 each (8)
        //   topGroupUser: group:/topGroup (1); level2GroupUser: group:/topGroup/level2group (1)
        //   roleRichUser: group:/roleRichGroup/level2group + 2 roles of test-app-scope (3)
        // 8 + 1 + 1 + 3 = 13.
        QCOMPARE(membershipCount(import), 13);
        const ImportUser* rich = findUser(import, u"rich.roles@redhat.com"_s);
        QVERIFY(rich);
        QCOMPARE(roleNames(rich->memberships),
                 (QStringList{u"test-app-scope:test-app-allowed-by-scope"_s, u"test-app-scope:test-app-disallowed-by-scope"_s,
                              u"group:/roleRichGroup/level2group"_s}));
        for (const ImportMembership& membership : rich->memberships) {
            QCOMPARE(membership.line, rich->line);
            QVERIFY(membership.tenantSlug.isEmpty()); // the import's tenant
            QVERIFY(membership.environmentName.isEmpty());
        }
        const ImportUser* tom = findUser(import, u"test-user@localhost"_s);
        QVERIFY(tom);
        QCOMPARE(tom->line, 1);
        QCOMPARE(tom->displayName, u"Tom Brady"_s); // firstName lastName
        QCOMPARE(roleNames(tom->memberships), (QStringList{u"user"_s, u"test-app:customer-user"_s}));
        QCOMPARE(findUser(import, u"top@redhat.com"_s)->displayName, u"topGroupUser"_s); // no name: the username
        for (const ImportUser& user : import.users)
            QCOMPARE(user.status, UserStatus::Invited); // enabled, credentials dropped: invited

        // Composites: the account client's view-profile is left out of realm-composite-role.
        QCOMPARE(findRole(import, u"realm-composite-role"_s)->includedRoleNames,
                 (QStringList{u"sample-realm-role"_s, u"test-app:sample-client-role"_s}));
        QCOMPARE(findRole(import, u"test-app:customer-admin-composite-role"_s)->includedRoleNames,
                 (QStringList{u"customer-user-premium"_s, u"test-app:customer-admin"_s}));
        QVERIFY(findRole(import, u"user"_s)->includedRoleNames.isEmpty());
        QCOMPARE(findRole(import, u"user"_s)->description, u"Have User privileges"_s);
        // Groups: their own roles and their parent's group role.
        QCOMPARE(findRole(import, u"group:/topGroup"_s)->includedRoleNames, QStringList{u"user"_s});
        QCOMPARE(findRole(import, u"group:/roleRichGroup"_s)->includedRoleNames,
                 (QStringList{u"user"_s, u"realm-composite-role"_s})); // account:manage-account left out
        QCOMPARE(findRole(import, u"group:/roleRichGroup/level2group"_s)->includedRoleNames,
                 (QStringList{u"group:/roleRichGroup"_s, u"admin"_s, u"test-app:customer-user"_s,
                              u"test-app:customer-admin-composite-role"_s}));

        // The report: read, imported, skipped, and each skip with what it was dropped from.
        const QString notes = import.notes.join(u'\n');
        QVERIFY2(notes.contains(u"7 user(s) read, 7 imported, 0 skipped"_s), qPrintable(notes));
        QVERIFY2(notes.contains(u"7 user(s) had credentials: dropped"_s), qPrintable(notes));
        QVERIFY2(notes.contains(u"13 membership(s)"_s), qPrintable(notes));
        QVERIFY2(notes.contains(u"6 group(s) (2 at the top)"_s), qPrintable(notes));
        QVERIFY2(notes.contains(u"Realm role “offline_access” skipped (Keycloak's own role for offline tokens); dropped from 2 user(s)."_s),
                 qPrintable(notes));
        // account: 4 users, the group /roleRichGroup and the composite realm-composite-role.
        QVERIFY2(notes.contains(u"Client “account” skipped (Keycloak's own account console): its roles view-profile, "
                                "manage-account; dropped from 4 user(s), 1 group(s), 1 composite role(s)."_s),
                 qPrintable(notes));
        QVERIFY2(notes.contains(u"default roles (user) are not granted"_s), qPrintable(notes));
        QVERIFY2(notes.contains(u"8 client(s)"_s), qPrintable(notes));
    }

    void noCredentialIsCopied()
    {
        const QJsonObject realm = sampleRealm();
        const QSet<QString> secrets = credentialValues(realm);
        // The sample's user credential value, its client secrets and its key pair.
        QVERIFY(secrets.contains(u"password"_s));
        QVERIFY(secrets.contains(u"secret"_s));
        QVERIFY(secrets.contains(realm.value(u"privateKey").toString()));

        QList<DirectoryImport> imports = readKeycloakExport(samplePath());
        imports += readKeycloakJson(toJson(realm), u"inline"_s);
        for (const DirectoryImport& import : std::as_const(imports)) {
            for (const QString& text : allStrings(import)) {
                for (const QString& secret : secrets)
                    QVERIFY2(!text.contains(secret, Qt::CaseInsensitive), qPrintable(text));
            }
        }
    }

    void folderAsKcExportWritesIt()
    {
        // kc.sh export --dir: test-realm.json without users, the users split over two files.
        QJsonObject realm = sampleRealm();
        const QJsonArray users = realm.take(u"users").toArray();
        QJsonArray first, second;
        for (qsizetype i = 0; i < users.size(); ++i)
            (i < 4 ? first : second).append(users.at(i));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(writeFile(dir.filePath(u"test-realm.json"_s), toJson(realm)));
        QVERIFY(writeFile(dir.filePath(u"test-users-0.json"_s), toJson({{u"realm"_s, u"test"_s}, {u"users"_s, first}})));
        QVERIFY(writeFile(dir.filePath(u"test-users-1.json"_s), toJson({{u"realm"_s, u"test"_s}, {u"users"_s, second}})));

        const QList<DirectoryImport> imports = readKeycloakExport(dir.path());
        QCOMPARE(imports.size(), 1);
        const DirectoryImport& import = imports.first();
        QVERIFY2(import.issues.isEmpty(), qPrintable(describe(import.issues)));
        const DirectoryImport single = readKeycloakExport(samplePath()).first();
        QCOMPARE(import.tenantSlug, u"test"_s);
        QCOMPARE(import.roles, single.roles);
        QCOMPARE(import.users.size(), 7);
        for (qsizetype i = 0; i < 7; ++i) {
            QCOMPARE(import.users.at(i).email, single.users.at(i).email);
            QCOMPARE(roleNames(import.users.at(i).memberships), roleNames(single.users.at(i).memberships));
            QCOMPARE(import.users.at(i).line, int(i < 4 ? i + 1 : i - 3)); // the position in its own file
        }
        QCOMPARE(membershipCount(import), 13);
    }

    void folderProblems()
    {
        QJsonObject realm = sampleRealm();
        realm.remove(u"users"_s);
        QTemporaryDir dir;
        QVERIFY(writeFile(dir.filePath(u"test-realm.json"_s), toJson(realm)));
        // Users of another realm under this realm's name, a broken users file, and users of a
        // realm whose realm file is missing.
        const QJsonArray oneUser{QJsonObject{{u"username"_s, u"x"_s}, {u"email"_s, u"x@example.org"_s}, {u"enabled"_s, true}}};
        QVERIFY(writeFile(dir.filePath(u"test-users-0.json"_s), toJson({{u"realm"_s, u"other"_s}, {u"users"_s, oneUser}})));
        QVERIFY(writeFile(dir.filePath(u"test-users-1.json"_s), "{\"realm\": \"test\", \"users\": ["));
        QVERIFY(writeFile(dir.filePath(u"lost-users-0.json"_s), toJson({{u"realm"_s, u"lost"_s}, {u"users"_s, oneUser}})));

        const QList<DirectoryImport> imports = readKeycloakFolder(dir.path());
        QCOMPARE(imports.size(), 2);
        const DirectoryImport& test = imports.at(0);
        QCOMPARE(test.issues.size(), 2);
        QCOMPARE(test.issues.at(0).line, 0);
        QVERIFY2(test.issues.at(0).message.contains(dir.filePath(u"test-users-0.json"_s))
                     && test.issues.at(0).message.contains(u"“other”"_s),
                 qPrintable(test.issues.at(0).message));
        QCOMPARE(test.issues.at(1).line, 0);
        QVERIFY2(test.issues.at(1).message.contains(dir.filePath(u"test-users-1.json"_s))
                     && test.issues.at(1).message.contains(u"offset"_s),
                 qPrintable(test.issues.at(1).message));
        QVERIFY(test.users.isEmpty());
        const DirectoryImport& lost = imports.at(1);
        QCOMPARE(lost.issues.size(), 1);
        QVERIFY(lost.issues.first().message.contains(u"lost-realm.json"_s));

        QTemporaryDir empty;
        const QList<DirectoryImport> none = readKeycloakFolder(empty.path());
        QCOMPARE(none.size(), 1);
        QCOMPARE(none.first().issues.size(), 1);
    }

    void arrayOfRealms()
    {
        QJsonObject second = sampleRealm();
        second.insert(u"realm"_s, u"Équipe_B 2"_s);
        second.insert(u"displayName"_s, u"Équipe B"_s);
        second.insert(u"users"_s, QJsonArray{second.value(u"users").toArray().at(3)}); // topGroupUser only
        const QByteArray json = QJsonDocument(QJsonArray{sampleRealm(), second}).toJson();
        const QList<DirectoryImport> imports = readKeycloakJson(json, u"realms.json"_s);
        QCOMPARE(imports.size(), 2);
        QVERIFY2(imports.at(0).issues.isEmpty(), qPrintable(describe(imports.at(0).issues)));
        QVERIFY2(imports.at(1).issues.isEmpty(), qPrintable(describe(imports.at(1).issues)));
        QCOMPARE(imports.at(0).tenantSlug, u"test"_s);
        QCOMPARE(imports.at(0).users.size(), 7);
        QCOMPARE(imports.at(1).tenantSlug, u"equipe-b-2"_s);
        QCOMPARE(imports.at(1).tenantName, u"Équipe B"_s);
        QCOMPARE(imports.at(1).users.size(), 1);
        QCOMPARE(roleNames(imports.at(1).users.first().memberships), QStringList{u"group:/topGroup"_s});
        QVERIFY(imports.at(1).source.contains(u"realms.json"_s));
        QVERIFY(imports.at(0).source != imports.at(1).source); // the report says which realm
    }

    void usersSkippedOrMappedByTheirFields()
    {
        QJsonObject realm = sampleRealm();
        QJsonArray users = realm.value(u"users").toArray();
        users.append(QJsonObject{{u"username"_s, u"service-account-test-app"_s}, {u"enabled"_s, true},
                                 {u"email"_s, u"svc@example.org"_s}, {u"serviceAccountClientId"_s, u"test-app"_s}});
        users.append(QJsonObject{{u"username"_s, u"no-mail-nora"_s}, {u"enabled"_s, true},
                                 {u"credentials"_s, QJsonArray{QJsonObject{{u"type"_s, u"password"_s}, {u"value"_s, u"hunter2"_s}}}}});
        users.append(QJsonObject{{u"username"_s, u"off"_s}, {u"email"_s, u"off@example.org"_s}, {u"enabled"_s, false}});
        users.append(QJsonObject{{u"username"_s, u"unsaid"_s}, {u"email"_s, u"unsaid@example.org"_s}});
        realm.insert(u"users"_s, users);
        const DirectoryImport import = readKeycloakJson(toJson(realm), u"r.json"_s).first();
        QVERIFY2(import.issues.isEmpty(), qPrintable(describe(import.issues)));
        QCOMPARE(import.users.size(), 7 + 2);
        QCOMPARE(findUser(import, u"off@example.org"_s)->status, UserStatus::Disabled);
        QCOMPARE(findUser(import, u"unsaid@example.org"_s)->status, UserStatus::Disabled); // as Keycloak reads it
        QVERIFY(!findUser(import, u"svc@example.org"_s));
        const QString notes = import.notes.join(u'\n');
        QVERIFY2(notes.contains(u"11 user(s) read, 9 imported, 2 skipped: no e-mail address, which a user here needs "
                                "(no-mail-nora); service accounts of clients, not people (service-account-test-app)."_s),
                 qPrintable(notes));
        QVERIFY2(notes.contains(u"8 user(s) had credentials"_s), qPrintable(notes)); // nora's too: dropped
        QVERIFY2(notes.contains(u"2 user(s) disabled"_s), qPrintable(notes));
        for (const QString& text : allStrings(import))
            QVERIFY2(!text.contains(u"hunter2"_s), qPrintable(text));
    }

    void keycloaksOwnRolesAreSkipped()
    {
        QJsonObject realm = sampleRealm();
        QJsonObject roles = realm.value(u"roles").toObject();
        QJsonArray realmRoles = roles.value(u"realm").toArray();
        realmRoles.append(QJsonObject{{u"name"_s, u"offline_access"_s}});
        realmRoles.append(QJsonObject{{u"name"_s, u"default-roles-test"_s}, {u"composite"_s, true},
                                      {u"composites"_s, QJsonObject{{u"realm"_s, QJsonArray{u"offline_access"_s, u"user"_s}}}}});
        roles.insert(u"realm"_s, realmRoles);
        QJsonObject clientRoles = roles.value(u"client").toObject();
        clientRoles.insert(u"realm-management"_s, QJsonArray{QJsonObject{{u"name"_s, u"manage-users"_s}},
                                                             QJsonObject{{u"name"_s, u"view-users"_s}}});
        roles.insert(u"client"_s, clientRoles);
        realm.insert(u"roles"_s, roles);
        const DirectoryImport import = readKeycloakJson(toJson(realm), u"r.json"_s).first();
        QVERIFY2(import.issues.isEmpty(), qPrintable(describe(import.issues)));
        QCOMPARE(import.roles.size(), 6 + 7 + 6); // as before: none of those are imported
        QVERIFY(!findRole(import, u"default-roles-test"_s));
        QVERIFY(!findRole(import, u"realm-management:manage-users"_s));
        const QString notes = import.notes.join(u'\n');
        QVERIFY2(notes.contains(u"Realm role “default-roles-test” skipped"_s), qPrintable(notes));
        QVERIFY2(notes.contains(u"Client “realm-management” skipped (Keycloak's administration of the realm itself): "
                                "its roles manage-users, view-users; 2 definition(s) left out; named by no user"_s),
                 qPrintable(notes));
    }

    void realmProblems()
    {
        QJsonObject realm = sampleRealm();
        QJsonArray users = realm.value(u"users").toArray();
        // The seventh user gets the fourth one's e-mail (other case): both named.
        QJsonObject seventh = users.at(6).toObject();
        seventh.insert(u"email"_s, u"TOP@redhat.com"_s);
        users.replace(6, seventh);
        // The second names a role and a group the realm does not define.
        QJsonObject second = users.at(1).toObject();
        second.insert(u"realmRoles"_s, QJsonArray{u"user"_s, u"ghost"_s});
        second.insert(u"groups"_s, QJsonArray{u"/nowhere"_s});
        users.replace(1, second);
        realm.insert(u"users"_s, users);
        const DirectoryImport import = readKeycloakJson(toJson(realm), u"r.json"_s).first();
        QCOMPARE(import.issues.size(), 3);
        QCOMPARE(import.issues.at(0).line, 2);
        QCOMPARE(import.issues.at(0).field, u"users[1]"_s);
        QVERIFY(import.issues.at(0).message.contains(u"“ghost”"_s));
        QVERIFY(import.issues.at(1).message.contains(u"/nowhere"_s));
        QCOMPARE(import.issues.at(2).line, 7);
        QCOMPARE(import.issues.at(2).field, u"users[6].email"_s);
        QVERIFY2(import.issues.at(2).message.contains(u"“topGroupUser”"_s)
                     && import.issues.at(2).message.contains(u"“non-duplicate-email-user”"_s),
                 qPrintable(import.issues.at(2).message));
    }

    void badFiles()
    {
        // Invalid JSON: the file and the offset.
        const QList<DirectoryImport> broken = readKeycloakJson("{\"realm\": \"x\",\n \"users\": [}", u"broken.json"_s);
        QCOMPARE(broken.size(), 1);
        QCOMPARE(broken.first().issues.size(), 1);
        QCOMPARE(broken.first().issues.first().line, 0);
        QVERIFY(broken.first().issues.first().message.contains(u"broken.json"_s));
        QVERIFY(broken.first().issues.first().message.contains(u"offset"_s));
        // Not a realm.
        const QList<DirectoryImport> notRealm = readKeycloakJson("{\"users\": []}", u"users.json"_s);
        QCOMPARE(notRealm.first().issues.size(), 1);
        QVERIFY(notRealm.first().issues.first().message.contains(u"“realm”"_s));
        QVERIFY(notRealm.first().issues.first().message.contains(u"users.json"_s));
        const QList<DirectoryImport> emptyArray = readKeycloakJson("[]", u"none.json"_s);
        QCOMPARE(emptyArray.first().issues.size(), 1);
        // Unreadable.
        QTemporaryDir dir;
        const QString missing = dir.filePath(u"missing.json"_s);
        const QList<DirectoryImport> unreadable = readKeycloakExport(missing);
        QCOMPARE(unreadable.size(), 1);
        QCOMPARE(unreadable.first().issues.first().line, 0);
        QVERIFY(unreadable.first().issues.first().message.contains(missing));
    }

    // The import as the store takes it: checked (dry run), then written into a new, empty database,
    // and its users exported as CSV and JSON and read back with the same memberships.
    void sampleImportsIntoAStore()
    {
        QStandardPaths::setTestModeEnabled(true);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        SqlStore store(dir.filePath(u"import.tenantdesk"_s));
        Test::await(store.open(OpenMode::CreateIfMissing));
        const DirectoryImport import = readKeycloakExport(samplePath()).first();

        const ImportReport checked = Test::await(store.importDirectory(import, true));
        QVERIFY2(checked.issues.isEmpty(), qPrintable(describe(checked.issues)));
        QVERIFY(!checked.written);
        const ImportReport report = Test::await(store.importDirectory(import, false));
        QVERIFY2(report.issues.isEmpty(), qPrintable(describe(report.issues)));
        QVERIFY(report.written);
        QCOMPARE(report.usersCreated, 7);
        QCOMPARE(report.usersExisting, 0);
        QCOMPARE(report.rolesCreated, 6 + 7 + 6);
        QCOMPARE(report.membershipsCreated, 13);
        QCOMPARE(report.notes, import.notes);

        const Tenant tenant = Test::await(store.tenantBySlug(u"test"_s));
        QCOMPARE(tenant.displayName, u"test"_s);
        UserQuery query;
        query.tenantId = tenant.id;
        query.sort = UserSort::Email;
        const Page<User> page = Test::await(store.users(query));
        QCOMPARE(page.items.size(), 7);
        QList<UserDetail> details;
        for (const User& user : page.items)
            details.append(Test::await(store.user(user.id)));

        for (const DirectoryImport& back : {readUsersCsv(usersToCsv(details), u"export.csv"_s, QString()),
                                            readUsersJson(usersToJson(details), u"export.json"_s, QString())}) {
            QVERIFY2(back.issues.isEmpty(), qPrintable(describe(back.issues)));
            QCOMPARE(back.users.size(), 7);
            for (const ImportUser& user : back.users) {
                const ImportUser* original = findUser(import, user.email);
                QVERIFY(original);
                QCOMPARE(user.displayName, original->displayName);
                QCOMPARE(user.status, UserStatus::Invited);
                QStringList exported = roleNames(user.memberships), imported = roleNames(original->memberships);
                exported.sort();
                imported.sort();
                QCOMPARE(exported, imported);
                for (const ImportMembership& membership : user.memberships)
                    QCOMPARE(membership.tenantSlug, u"test"_s);
            }
            // Read back into the store: the same users, nothing wrong.
            const ImportReport again = Test::await(store.importDirectory(back, true));
            QVERIFY2(again.issues.isEmpty(), qPrintable(describe(again.issues)));
            QCOMPARE(again.usersExisting, 7);
        }

        // A CSV for the new tenant: the store names the row of each membership it refuses, even
        // when the user's first row was fine.
        const DirectoryImport csv = readUsersCsv("email,role\n"
                                                 "top@redhat.com,test-app:customer-user\n"
                                                 "new@example.org,group:/roleRichGroup\n"
                                                 "top@redhat.com,no-such-role\n",
                                                 u"more.csv"_s, u"test"_s);
        QVERIFY(csv.issues.isEmpty());
        const ImportReport refused = Test::await(store.importDirectory(csv, false));
        QVERIFY(!refused.written);
        QCOMPARE(refused.issues.size(), 1);
        QCOMPARE(refused.issues.first().line, 4);
        QCOMPARE(refused.issues.first().field, u"role"_s);
        QVERIFY(refused.issues.first().message.contains(u"no-such-role"_s));
    }

    void realmNamesMakeValidSlugs_data()
    {
        QTest::addColumn<QString>("realm");
        QTest::addColumn<QString>("slug");
        QTest::newRow("plain") << u"test"_s << u"test"_s;
        QTest::newRow("blanks and case") << u"My Realm"_s << u"my-realm"_s;
        QTest::newRow("accents and underscore") << u"Équipe_B"_s << u"equipe-b"_s;
        QTest::newRow("leading and trailing junk") << u"--Acme!!"_s << u"acme"_s;
        QTest::newRow("one letter") << u"a"_s << u"realm-a"_s;
        QTest::newRow("nothing usable") << u"日本"_s << u"realm"_s;
        QTest::newRow("dots are hyphens") << u"acme.emea"_s << u"acme-emea"_s;
        QTest::newRow("too long") << QString(QString(99, u'a') + u"-b") << QString(99, u'a');
    }

    void realmNamesMakeValidSlugs()
    {
        QFETCH(QString, realm);
        QFETCH(QString, slug);
        QCOMPARE(tenantSlugFromRealmName(realm), slug);
        QCOMPARE(validateTenantSlug(tenantSlugFromRealmName(realm)), QString());
    }
};

QTEST_GUILESS_MAIN(TestKeycloakImport)
#include "tst_keycloakimport.moc"
