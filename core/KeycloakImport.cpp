#include "KeycloakImport.h"

#include "Tenant.h"
#include "UserFile.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QMap>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace TenantDesk {

namespace {

QString trKc(const char* text, const char* disambiguation = nullptr, int n = -1)
{
    return QCoreApplication::translate("KeycloakImport", text, disambiguation, n);
}

ImportIssue fileIssue(const QString& message)
{
    return {0, QString(), message};
}

DirectoryImport failedImport(const QString& source, const QString& message)
{
    DirectoryImport import;
    import.source = source;
    import.createTenant = true;
    import.issues.append(fileIssue(message));
    return import;
}

// Keycloak's own realm roles, with why they are not imported; empty when the role is the realm's.
QString internalRealmRoleReason(const QString& role, const QString& realm)
{
    if (role == u"offline_access")
        return trKc("Keycloak's own role for offline tokens");
    if (role == u"uma_authorization")
        return trKc("Keycloak's own role for User-Managed Access");
    if (role.compare(u"default-roles-"_s + realm, Qt::CaseInsensitive) == 0)
        return trKc("Keycloak's holder of the roles it grants at registration");
    return {};
}

// Keycloak's own clients, with why their roles are not imported; empty for the realm's clients.
QString internalClientReason(const QString& clientId)
{
    if (clientId == u"realm-management")
        return trKc("Keycloak's administration of the realm itself");
    if (clientId == u"broker")
        return trKc("Keycloak's identity brokering");
    if (clientId == u"account" || clientId == u"account-console")
        return trKc("Keycloak's own account console");
    if (clientId == u"security-admin-console")
        return trKc("Keycloak's admin console");
    if (clientId == u"admin-cli")
        return trKc("Keycloak's command-line administration");
    return {};
}

QString clientRoleName(const QString& clientId, const QString& role)
{
    return clientId + u':' + role;
}

QString groupRoleName(const QString& path)
{
    return u"group:"_s + path;
}

// Reads one realm (its file and any users files) into a DirectoryImport.
class RealmReader
{
public:
    RealmReader(const QJsonObject& realm, const QString& source)
        : m_realm(realm), m_realmName(realm.value(u"realm").toString())
    {
        m_import.source = source;
        m_import.createTenant = true;
        m_import.tenantSlug = tenantSlugFromRealmName(m_realmName);
        const QString displayName = realm.value(u"displayName").toString().trimmed();
        m_import.tenantName = displayName.isEmpty() ? m_realmName : displayName;
        if (realm.value(u"users").isArray())
            m_userFiles.append({realm.value(u"users").toArray(), source});
    }

    const QString& realmName() const { return m_realmName; }

    void addUsersFile(const QJsonObject& file, const QString& path)
    {
        const QString realm = file.value(u"realm").toString();
        if (realm != m_realmName) {
            m_import.issues.append(fileIssue(trKc("%1 holds users of the realm “%2”, not of “%3”; its users are not read.")
                                                 .arg(path, realm, m_realmName)));
            return;
        }
        if (!file.value(u"users").isArray()) {
            m_import.issues.append(fileIssue(trKc("%1 has no “users” array.").arg(path)));
            return;
        }
        m_userFiles.append({file.value(u"users").toArray(), path});
    }

    void addIssue(const ImportIssue& issue) { m_import.issues.append(issue); }
    void addNote(const QString& note) { m_extraNotes.append(note); }

    DirectoryImport read()
    {
        if (const QString problem = validateTenantSlug(m_import.tenantSlug); !problem.isEmpty())
            m_import.issues.append({0, u"realm"_s, trKc("The realm “%1” gives no usable tenant slug: %2").arg(m_realmName, problem)});
        readRoles();
        readGroups(m_realm.value(u"groups").toArray(), QString());
        readUsers();
        writeNotes();
        return m_import;
    }

private:
    enum Referrer { ByUser, ByGroup, ByComposite, ReferrerCount };

    // A role or client skipped, and how often something named it.
    struct Skip {
        QString what;            // "Realm role “offline_access”", "Client “account”"
        QString reason;
        QStringList roles;       // the client's roles named or defined
        int defined = 0;         // role definitions in the file left out
        int referrers[ReferrerCount] = {};
    };

    // The roles something (a user, a group, a composite role) names, as imported role names.
    // Skipped roles are counted once per referrer; undefined ones are issues.
    struct References {
        QStringList roles;
        QSet<QString> skipKeys;
        QStringList undefined;
    };

    struct UserFile {
        QJsonArray users;
        QString path;
    };

    Skip& skipFor(const QString& key, const QString& what, const QString& reason)
    {
        Skip& skip = m_skips[key];
        if (skip.what.isEmpty()) {
            skip.what = what;
            skip.reason = reason;
            m_skipOrder.append(key);
        }
        return skip;
    }

    void referRealmRole(const QString& role, References& refs)
    {
        if (const QString reason = internalRealmRoleReason(role, m_realmName); !reason.isEmpty()) {
            skipFor(u"realm:"_s + role, trKc("Realm role “%1”").arg(role), reason);
            refs.skipKeys.insert(u"realm:"_s + role);
        } else if (m_realmRoles.contains(role)) {
            if (!refs.roles.contains(role))
                refs.roles.append(role);
        } else {
            refs.undefined.append(trKc("the realm role “%1”").arg(role));
        }
    }

    void referClientRole(const QString& clientId, const QString& role, References& refs)
    {
        const QString name = clientRoleName(clientId, role);
        if (const QString reason = internalClientReason(clientId); !reason.isEmpty()) {
            Skip& skip = skipFor(u"client:"_s + clientId, trKc("Client “%1”").arg(clientId), reason);
            if (!skip.roles.contains(role))
                skip.roles.append(role);
            refs.skipKeys.insert(u"client:"_s + clientId);
        } else if (m_clientRoles.contains(name)) {
            if (!refs.roles.contains(name))
                refs.roles.append(name);
        } else {
            refs.undefined.append(trKc("the client role “%1”").arg(name));
        }
    }

    // {"realm": [...], "client": {"clientId": [...]}} (composites) or the realmRoles / clientRoles
    // of a user or group.
    void referRoles(const QJsonArray& realmRoles, const QJsonObject& clientRoles, References& refs)
    {
        for (const QJsonValue& role : realmRoles)
            referRealmRole(role.toString(), refs);
        for (auto client = clientRoles.begin(); client != clientRoles.end(); ++client) {
            for (const QJsonValue& role : client.value().toArray())
                referClientRole(client.key(), role.toString(), refs);
        }
    }

    void countReferrer(const References& refs, Referrer referrer)
    {
        for (const QString& key : refs.skipKeys)
            ++m_skips[key].referrers[referrer];
    }

    void readRoles()
    {
        const QJsonObject roles = m_realm.value(u"roles").toObject();
        const QJsonArray realmRoles = roles.value(u"realm").toArray();
        const QJsonObject clientRoles = roles.value(u"client").toObject();

        // The names first: a composite may name a role defined after it.
        QList<QPair<QString, QJsonObject>> definitions; // imported name → definition
        for (const QJsonValue& value : realmRoles) {
            const QJsonObject role = value.toObject();
            const QString name = role.value(u"name").toString();
            if (const QString reason = internalRealmRoleReason(name, m_realmName); !reason.isEmpty()) {
                ++skipFor(u"realm:"_s + name, trKc("Realm role “%1”").arg(name), reason).defined;
                continue;
            }
            m_realmRoles.insert(name);
            definitions.append({name, role});
        }
        for (auto client = clientRoles.begin(); client != clientRoles.end(); ++client) {
            const QJsonArray list = client.value().toArray();
            if (const QString reason = internalClientReason(client.key()); !reason.isEmpty()) {
                Skip& skip = skipFor(u"client:"_s + client.key(), trKc("Client “%1”").arg(client.key()), reason);
                for (const QJsonValue& role : list) {
                    ++skip.defined;
                    if (!skip.roles.contains(role.toObject().value(u"name").toString()))
                        skip.roles.append(role.toObject().value(u"name").toString());
                }
                continue;
            }
            if (!list.isEmpty())
                ++m_clientCount;
            for (const QJsonValue& value : list) {
                const QJsonObject role = value.toObject();
                const QString name = clientRoleName(client.key(), role.value(u"name").toString());
                m_clientRoles.insert(name);
                definitions.append({name, role});
            }
        }

        for (const auto& [name, role] : std::as_const(definitions)) {
            ImportRole imported;
            imported.name = name;
            imported.description = role.value(u"description").toString();
            imported.scope = RoleScope::Tenant;
            if (role.value(u"composite").toBool()) {
                ++m_compositeCount;
                const QJsonObject composites = role.value(u"composites").toObject();
                References refs;
                referRoles(composites.value(u"realm").toArray(), composites.value(u"client").toObject(), refs);
                countReferrer(refs, ByComposite);
                imported.includedRoleNames = refs.roles;
                for (const QString& missing : std::as_const(refs.undefined))
                    m_import.issues.append({0, u"roles"_s,
                                            trKc("The composite role “%1” includes %2, which the realm does not define.")
                                                .arg(name, missing)});
            }
            m_import.roles.append(imported);
        }
    }

    void readGroups(const QJsonArray& groups, const QString& parentPath)
    {
        for (const QJsonValue& value : groups) {
            const QJsonObject group = value.toObject();
            const QString path = parentPath + u'/' + group.value(u"name").toString();
            if (parentPath.isEmpty())
                ++m_topGroupCount;
            ImportRole role;
            role.name = groupRoleName(path);
            role.description = trKc("Members of the Keycloak group %1").arg(path);
            role.scope = RoleScope::Tenant;
            if (!parentPath.isEmpty())
                role.includedRoleNames.append(groupRoleName(parentPath));
            References refs;
            referRoles(group.value(u"realmRoles").toArray(), group.value(u"clientRoles").toObject(), refs);
            countReferrer(refs, ByGroup);
            role.includedRoleNames.append(refs.roles);
            for (const QString& missing : std::as_const(refs.undefined))
                m_import.issues.append({0, u"groups"_s,
                                        trKc("The group %1 has %2, which the realm does not define.").arg(path, missing)});
            m_groupPaths.insert(path);
            m_import.roles.append(role);
            readGroups(group.value(u"subGroups").toArray(), path);
        }
    }

    void readUsers()
    {
        struct Seen {
            QString username;
            QString file;
        };
        QHash<QString, Seen> byEmail; // case-folded e-mail → the first user with it
        for (const UserFile& file : std::as_const(m_userFiles)) {
            const QString where = file.path == m_import.source ? QString() : trKc(" (in %1)").arg(file.path);
            for (qsizetype i = 0; i < file.users.size(); ++i) {
                const QJsonObject user = file.users.at(i).toObject();
                const int line = int(i) + 1;
                const QString path = u"users[%1]"_s.arg(i);
                const QString username = user.value(u"username").toString();
                ++m_usersRead;
                if (!user.value(u"credentials").toArray().isEmpty())
                    ++m_withCredentials; // counted, never read: not a byte of them goes further
                if (user.contains(u"serviceAccountClientId")) {
                    m_serviceAccounts.append(username);
                    continue;
                }
                const QString email = user.value(u"email").toString().trimmed();
                if (email.isEmpty()) {
                    m_withoutEmail.append(username);
                    continue;
                }
                if (const QString problem = validateEmail(email); !problem.isEmpty()) {
                    m_import.issues.append({line, path + u".email", trKc("The user “%1”%2: %3").arg(username, where, problem)});
                    continue;
                }
                const QString key = email.toCaseFolded();
                if (const auto first = byEmail.constFind(key); first != byEmail.constEnd()) {
                    const QString firstWhere = first->file == m_import.source ? QString() : trKc(" (in %1)").arg(first->file);
                    m_import.issues.append({line, path + u".email",
                                            trKc("The users “%1”%2 and “%3”%4 have the same e-mail address %5.")
                                                .arg(first->username, firstWhere, username, where, email)});
                    continue;
                }
                byEmail.insert(key, {username, file.path});

                ImportUser imported;
                imported.line = line;
                imported.email = email;
                const QString fullName = QString(user.value(u"firstName").toString().trimmed() + u' '
                                                 + user.value(u"lastName").toString().trimmed())
                                             .trimmed();
                imported.displayName = fullName.isEmpty() ? username : fullName;
                // Keycloak imports a user without "enabled": true as disabled.
                imported.status = user.value(u"enabled").toBool() ? UserStatus::Invited : UserStatus::Disabled;
                if (imported.status == UserStatus::Disabled)
                    ++m_disabled;

                References refs;
                referRoles(user.value(u"realmRoles").toArray(), user.value(u"clientRoles").toObject(), refs);
                for (const QJsonValue& value : user.value(u"groups").toArray()) {
                    QString group = value.toString();
                    if (!group.startsWith(u'/'))
                        group.prepend(u'/');
                    if (!m_groupPaths.contains(group))
                        refs.undefined.append(trKc("the group %1").arg(group));
                    else if (!refs.roles.contains(groupRoleName(group)))
                        refs.roles.append(groupRoleName(group));
                }
                countReferrer(refs, ByUser);
                for (const QString& missing : std::as_const(refs.undefined))
                    m_import.issues.append({line, path,
                                            trKc("The user “%1”%2 has %3, which the realm does not define.")
                                                .arg(username, where, missing)});
                for (const QString& role : std::as_const(refs.roles))
                    imported.memberships.append({QString(), QString(), role, line});
                m_memberships += int(imported.memberships.size());
                m_import.users.append(imported);
            }
        }
    }

    void writeNotes()
    {
        QStringList& notes = m_import.notes;
        notes.append(trKc("Realm “%1” from %2: imported as the new tenant “%3” (%4).")
                         .arg(m_realmName, m_import.source, m_import.tenantName, m_import.tenantSlug));

        const int skipped = int(m_withoutEmail.size() + m_serviceAccounts.size());
        QString users = trKc("%n user(s) read", nullptr, m_usersRead) + u", "
            + trKc("%n imported", nullptr, int(m_import.users.size())) + u", " + trKc("%n skipped", nullptr, skipped);
        QStringList why;
        if (!m_withoutEmail.isEmpty())
            why.append(trKc("no e-mail address, which a user here needs (%1)").arg(m_withoutEmail.join(u", "_s)));
        if (!m_serviceAccounts.isEmpty())
            why.append(trKc("service accounts of clients, not people (%1)").arg(m_serviceAccounts.join(u", "_s)));
        notes.append(why.isEmpty() ? QString(users + u'.') : QString(users + u": " + why.join(u"; "_s) + u'.'));
        if (m_disabled > 0)
            notes.append(trKc("%n user(s) disabled: not enabled in Keycloak.", nullptr, m_disabled));
        if (m_withCredentials > 0)
            notes.append(trKc("%n user(s) had credentials: dropped, never stored. The users are invited and choose "
                              "their own at their first sign-in.", nullptr, m_withCredentials));

        const int realmRoles = int(m_realmRoles.size());
        const int clientRoles = int(m_clientRoles.size());
        notes.append(trKc("%n realm role(s) imported as roles of the tenant", nullptr, realmRoles) + u"; "
                     + trKc("%n client role(s)", nullptr, clientRoles) + u' '
                     + trKc("of %n client(s), named “client:role”", nullptr, m_clientCount) + u"; "
                     + trKc("%n composite role(s) include the roles they list.", nullptr, m_compositeCount) + u' '
                     + trKc("The roles carry no permissions: a Keycloak role means what its applications make "
                            "of it. Grant permissions in the role editor."));
        const int groups = int(m_groupPaths.size());
        if (groups > 0)
            notes.append(trKc("%n group(s)", nullptr, groups) + u' ' + trKc("(%n at the top)", nullptr, m_topGroupCount) + u' '
                         + trKc("imported as composite roles named “group:/path”, each including the group's roles and "
                                "its parent group's role; a member gets one membership with the group's role."));
        notes.append(trKc("%n membership(s) on the new tenant: one per realm role, client role and group of each "
                          "imported user.", nullptr, m_memberships));

        for (const QString& key : std::as_const(m_skipOrder)) {
            const Skip& skip = m_skips.value(key);
            QStringList from;
            if (skip.referrers[ByUser] > 0)
                from.append(trKc("%n user(s)", nullptr, skip.referrers[ByUser]));
            if (skip.referrers[ByGroup] > 0)
                from.append(trKc("%n group(s)", nullptr, skip.referrers[ByGroup]));
            if (skip.referrers[ByComposite] > 0)
                from.append(trKc("%n composite role(s)", nullptr, skip.referrers[ByComposite]));
            QString line = trKc("%1 skipped (%2)").arg(skip.what, skip.reason);
            if (!skip.roles.isEmpty())
                line += trKc(": its roles %1").arg(skip.roles.join(u", "_s));
            if (skip.defined > 0)
                line += u"; " + trKc("%n definition(s) left out", nullptr, skip.defined);
            line += from.isEmpty() ? QString(u"; " + trKc("named by no user, group or composite role."))
                                   : QString(u"; " + trKc("dropped from %1.").arg(from.join(u", "_s)));
            notes.append(line);
        }

        QStringList defaults;
        for (const QJsonValue& role : m_realm.value(u"defaultRoles").toArray())
            defaults.append(role.toString());
        if (m_realm.value(u"defaultRole").isObject())
            defaults.append(m_realm.value(u"defaultRole").toObject().value(u"name").toString());
        if (!defaults.isEmpty())
            notes.append(trKc("The realm's default roles (%1) are not granted: Keycloak grants them at registration, "
                              "and the export lists the roles each user has.")
                             .arg(defaults.join(u", "_s)));
        const int clients = int(m_realm.value(u"clients").toArray().size());
        notes.append(trKc("Not imported: %n client(s), client scopes, identity providers and the realm's settings, "
                          "which configure Keycloak itself.", nullptr, clients));
        notes.append(m_extraNotes);
    }

    QJsonObject m_realm;
    QString m_realmName;
    DirectoryImport m_import;
    QList<UserFile> m_userFiles;
    QStringList m_extraNotes;

    QSet<QString> m_realmRoles;  // imported realm role names
    QSet<QString> m_clientRoles; // imported "client:role" names
    QSet<QString> m_groupPaths;
    QHash<QString, Skip> m_skips;
    QStringList m_skipOrder;     // m_skips' keys as first met
    int m_clientCount = 0;
    int m_compositeCount = 0;
    int m_topGroupCount = 0;
    int m_usersRead = 0;
    int m_withCredentials = 0;
    int m_disabled = 0;
    int m_memberships = 0;
    QStringList m_withoutEmail;
    QStringList m_serviceAccounts;
};

// The JSON of a file, or the issue saying why there is none.
std::optional<QJsonDocument> parseJson(const QByteArray& data, const QString& source, QString& problem)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(data, &error);
    if (error.error == QJsonParseError::NoError)
        return document;
    const qsizetype offset = qMin(qsizetype(error.offset), data.size());
    problem = trKc("%1 is not valid JSON: %2 at offset %3 (line %4).")
                  .arg(source, error.errorString())
                  .arg(error.offset)
                  .arg(1 + std::count(data.constBegin(), data.constBegin() + offset, '\n'));
    return std::nullopt;
}

bool isRealm(const QJsonValue& value)
{
    return value.isObject() && value.toObject().value(u"realm").isString()
        && !value.toObject().value(u"realm").toString().isEmpty();
}

QString notARealm(const QString& source)
{
    return trKc("%1 is not a Keycloak realm export: it has no “realm” field.").arg(source);
}

std::optional<QByteArray> readFile(const QString& path, QString& problem)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        problem = trKc("%1 cannot be read: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    return file.readAll();
}

} // namespace

QString tenantSlugFromRealmName(const QString& realm)
{
    // Accents off: "É" → "E" + a combining mark, which the loop below drops with the other marks.
    const QString decomposed = realm.normalized(QString::NormalizationForm_KD).toLower();
    QString slug;
    bool hyphen = false;
    for (QChar c : decomposed) {
        if (c.category() == QChar::Mark_NonSpacing)
            continue;
        if ((c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9')) {
            if (hyphen && !slug.isEmpty())
                slug.append(u'-');
            slug.append(c);
            hyphen = false;
        } else {
            hyphen = true;
        }
    }
    if (slug.isEmpty())
        slug = u"realm"_s;
    else if (slug.size() < 2)
        slug.prepend(u"realm-"_s);
    if (slug.size() > 100) {
        slug.truncate(100);
        while (slug.endsWith(u'-'))
            slug.chop(1);
    }
    return slug;
}

QList<DirectoryImport> readKeycloakJson(const QByteArray& data, const QString& source)
{
    QString problem;
    const std::optional<QJsonDocument> document = parseJson(data, source, problem);
    if (!document)
        return {failedImport(source, problem)};
    QJsonArray realms;
    if (document->isArray()) {
        realms = document->array();
        if (realms.isEmpty())
            return {failedImport(source, trKc("%1 holds an empty array: no realm to import.").arg(source))};
    } else {
        realms.append(document->object());
    }
    QList<DirectoryImport> imports;
    for (qsizetype i = 0; i < realms.size(); ++i) {
        const QString where = realms.size() > 1 || document->isArray() ? trKc("%1, realm %2 of %3").arg(source).arg(i + 1).arg(realms.size())
                                                                       : source;
        if (!isRealm(realms.at(i))) {
            imports.append(failedImport(where, notARealm(where)));
            continue;
        }
        RealmReader reader(realms.at(i).toObject(), where);
        imports.append(reader.read());
    }
    return imports;
}

QList<DirectoryImport> readKeycloakFolder(const QString& folder)
{
    const QDir dir(folder);
    if (!dir.exists())
        return {failedImport(folder, trKc("The folder %1 does not exist.").arg(folder))};
    const QStringList names = dir.entryList({u"*.json"_s}, QDir::Files | QDir::Readable | QDir::Hidden, QDir::Name);
    static const QRegularExpression usersPattern(u"^(.+)-users-(\\d+)\\.json$"_s);
    static const QRegularExpression federatedPattern(u"^(.+)-federated-users-(\\d+)\\.json$"_s);

    struct UsersFile {
        QString prefix;
        int number = 0;
        QString name;
    };
    QStringList realmFiles;
    QList<UsersFile> usersFiles;
    QList<UsersFile> federatedFiles;
    for (const QString& name : names) {
        if (name.endsWith(u"-realm.json")) {
            realmFiles.append(name);
        } else if (const QRegularExpressionMatch federated = federatedPattern.match(name); federated.hasMatch()) {
            federatedFiles.append({federated.captured(1), federated.captured(2).toInt(), name});
        } else if (const QRegularExpressionMatch users = usersPattern.match(name); users.hasMatch()) {
            usersFiles.append({users.captured(1), users.captured(2).toInt(), name});
        }
    }
    std::sort(usersFiles.begin(), usersFiles.end(),
              [](const UsersFile& a, const UsersFile& b) { return std::pair(a.prefix, a.number) < std::pair(b.prefix, b.number); });
    if (realmFiles.isEmpty())
        return {failedImport(folder, trKc("The folder %1 holds no <realm>-realm.json file of a Keycloak export.").arg(folder))};

    QList<DirectoryImport> imports;
    QSet<QString> prefixesRead;
    for (const QString& realmFile : std::as_const(realmFiles)) {
        const QString path = dir.filePath(realmFile);
        const QString prefix = realmFile.chopped(int(qstrlen("-realm.json")));
        prefixesRead.insert(prefix);
        QString problem;
        const std::optional<QByteArray> data = readFile(path, problem);
        if (!data) {
            imports.append(failedImport(path, problem));
            continue;
        }
        const std::optional<QJsonDocument> document = parseJson(*data, path, problem);
        if (!document) {
            imports.append(failedImport(path, problem));
            continue;
        }
        if (!isRealm(document->object())) {
            imports.append(failedImport(path, notARealm(path)));
            continue;
        }
        RealmReader reader(document->object(), path);
        for (const UsersFile& usersFile : std::as_const(usersFiles)) {
            if (usersFile.prefix != prefix)
                continue;
            const QString usersPath = dir.filePath(usersFile.name);
            const std::optional<QByteArray> usersData = readFile(usersPath, problem);
            std::optional<QJsonDocument> users;
            if (usersData)
                users = parseJson(*usersData, usersPath, problem);
            if (!users)
                reader.addIssue(fileIssue(problem));
            else
                reader.addUsersFile(users->object(), usersPath);
        }
        for (const UsersFile& federated : std::as_const(federatedFiles)) {
            if (federated.prefix == prefix)
                reader.addNote(trKc("%1 not read: users of a user federation (LDAP, Kerberos...) stay in their directory.")
                                   .arg(dir.filePath(federated.name)));
        }
        imports.append(reader.read());
    }
    for (const UsersFile& usersFile : std::as_const(usersFiles)) {
        if (!prefixesRead.contains(usersFile.prefix))
            imports.append(failedImport(dir.filePath(usersFile.name),
                                        trKc("%1 holds users of a realm without a %2-realm.json file in the folder.")
                                            .arg(dir.filePath(usersFile.name), usersFile.prefix)));
    }
    return imports;
}

QList<DirectoryImport> readKeycloakExport(const QString& path)
{
    if (QFileInfo(path).isDir())
        return readKeycloakFolder(path);
    QString problem;
    const std::optional<QByteArray> data = readFile(path, problem);
    if (!data)
        return {failedImport(path, problem)};
    return readKeycloakJson(*data, path);
}

} // namespace TenantDesk
