#include "TenantctlUsers.h"

#include "JsonCodec.h"
#include "Permission.h"
#include "StoreError.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>

namespace TenantDesk::Tenantctl::Users {

using namespace Qt::StringLiterals;

namespace {

// The user with this e-mail address (letter case aside); NotFound naming the field otherwise.
// The store finds users by a text in their name or e-mail; the exact address is picked from those.
User userByEmail(Store& store, const QString& email)
{
    UserQuery query;
    query.text = email;
    query.limit = maximumPageSize;
    query.sort = UserSort::Email;
    do {
        const Page<User> page = await(store.users(query));
        for (const User& user : page.items) {
            if (user.email.compare(email, Qt::CaseInsensitive) == 0)
                return user;
        }
        query.cursor = page.nextCursor;
    } while (!query.cursor.isEmpty());
    throw StoreError(ErrorCode::NotFound, tr("email: there is no user with the e-mail address “%1”.").arg(email))
        .withField(u"email"_s);
}

// Every user named, each once, in the order given; NotFound for the first one missing.
QList<User> usersByEmail(Store& store, const QStringList& emails)
{
    QList<User> users;
    for (const QString& email : emails) {
        const User user = userByEmail(store, email);
        if (std::none_of(users.cbegin(), users.cend(), [&user](const User& u) { return u.id == user.id; }))
            users.append(user);
    }
    return users;
}

QList<UserId> idsOf(const QList<User>& users)
{
    QList<UserId> ids;
    for (const User& user : users)
        ids.append(user.id);
    return ids;
}

// The role called `name` among those usable on `tenant` (built in, the platform's, its own and its
// ancestors'); NotFound naming `field` and the roles there are otherwise.
Role roleNamed(const QList<Role>& roles, const QString& name, const QString& where, const QString& field)
{
    for (const Role& role : roles) {
        if (role.name == name)
            return role;
    }
    for (const Role& role : roles) {
        if (role.name.compare(name, Qt::CaseInsensitive) == 0)
            return role;
    }
    QStringList names;
    for (const Role& role : roles)
        names << u"“%1”"_s.arg(role.name);
    throw StoreError(ErrorCode::NotFound, tr("%1: there is no role “%2” %3; there are %4.")
                                              .arg(field, name, where, names.join(u", "_s)))
        .withField(field);
}

Role roleNamed(Store& store, const Tenant& tenant, const QString& name, const QString& field = u"role"_s)
{
    const QString where = tenant.id == 0 ? tr("outside a tenant (a tenant's custom roles need --tenant SLUG)")
                                         : tr("on %1").arg(tenantNamed(tenant));
    return roleNamed(await(store.roles(tenant.id)), name, where, field);
}

// A tenant, or one of its environments: "acme" or "acme/production" as a person types it.
struct Place {
    Tenant tenant;
    Environment environment; // id 0: the whole tenant

    QString text() const
    {
        return environment.id == 0 ? tenant.slug : QString(tenant.slug + u'/' + environment.name);
    }
};

Place placeOf(Store& store, const QString& text)
{
    const qsizetype slash = text.indexOf(u'/');
    Place place;
    place.tenant = await(store.tenantBySlug(slash < 0 ? text : text.left(slash)));
    if (slash >= 0)
        place.environment = environmentNamed(store, place.tenant, text.mid(slash + 1));
    return place;
}

// --tenant SLUG [--environment NAME] as one place; --environment alone is bad usage.
std::optional<Place> placeOption(const Invocation& call)
{
    if (!call.isSet(u"tenant"_s)) {
        if (call.isSet(u"environment"_s))
            throw UsageError{tr("--environment needs --tenant SLUG: an environment belongs to a tenant.")};
        return std::nullopt;
    }
    Place place;
    place.tenant = await(call.store.tenantBySlug(call.value(u"tenant"_s)));
    if (call.isSet(u"environment"_s))
        place.environment = environmentNamed(call.store, place.tenant, call.value(u"environment"_s));
    return place;
}

UserStatus statusOption(const Invocation& call, const QList<UserStatus>& allowed)
{
    const QString text = call.value(u"status"_s);
    const auto status = userStatusFromKey(text);
    QStringList keys;
    for (UserStatus s : allowed)
        keys << userStatusKey(s);
    if (!status || !allowed.contains(*status))
        throw UsageError{tr("--status takes %1, not “%2”.").arg(keys.join(u", "_s), text)};
    return *status;
}

const QList<UserStatus> allStatuses{UserStatus::Invited, UserStatus::Active, UserStatus::Disabled};

QString timeText(const QDateTime& time)
{
    return time.isValid() ? time.toUTC().toString(u"yyyy-MM-dd HH:mm"_s) : tr("never");
}

QString userNamed(const User& user)
{
    return u"%1 <%2>"_s.arg(user.displayName, user.email);
}

QString countText(qsizetype count)
{
    return QLocale::c().toString(qint64(count));
}

QString emailsOf(const QList<User>& users, const QList<UserId>& ids)
{
    QStringList emails;
    for (UserId id : ids) {
        const auto user = std::find_if(users.cbegin(), users.cend(), [id](const User& u) { return u.id == id; });
        emails << (user == users.cend() ? QString::number(id) : user->email);
    }
    return emails.join(u", "_s);
}

// What a bulk action did, for --json: JsonCodec's shape, with the e-mail addresses changed and
// those left as they were.
QJsonObject bulkJson(const QList<User>& users, const BulkUserResult& result)
{
    QJsonArray changed, unchanged;
    for (const User& user : users) {
        if (result.changedUserIds.contains(user.id))
            changed.append(user.email);
        else
            unchanged.append(user.email);
    }
    QJsonObject json = JsonCodec::toJson(result);
    json.insert(u"changed_emails"_s, changed);
    json.insert(u"unchanged_emails"_s, unchanged);
    return json;
}

// The users a bulk action left as they were, by id.
QList<UserId> unchangedIds(const QList<User>& users, const BulkUserResult& result)
{
    QList<UserId> ids;
    for (const User& user : users) {
        if (!result.changedUserIds.contains(user.id))
            ids.append(user.id);
    }
    return ids;
}

QString sourceText(const PermissionSource& source, TenantId tenantId)
{
    const QString chain = source.roleChain.join(u" → "_s);
    if (source.platform)
        return tr("platform: %1").arg(chain);
    QString on = source.grantedOnTenantSlug;
    if (source.environmentId != 0)
        on += u'/' + source.environmentName;
    return source.inherited(tenantId) ? tr("%1 on %2 (inherited)").arg(chain, on) : tr("%1 on %2").arg(chain, on);
}

QString membershipPlace(const UserMembership& m)
{
    return m.environmentName.isEmpty() ? m.tenantSlug : QString(m.tenantSlug + u'/' + m.environmentName);
}

// A role as --json prints it: JsonCodec's shape, with the included roles' names beside their ids.
QJsonObject roleJson(const Role& role, const QList<Role>& known)
{
    QJsonObject json = JsonCodec::toJson(role);
    QJsonArray names;
    for (RoleId id : role.includedRoleIds) {
        const auto found = std::find_if(known.cbegin(), known.cend(), [id](const Role& r) { return r.id == id; });
        names.append(found == known.cend() ? QString::number(id) : found->name);
    }
    json.insert(u"included_role_names"_s, names);
    return json;
}

QStringList includedNames(const Role& role, const QList<Role>& known)
{
    QStringList names;
    for (const QJsonValue& name : roleJson(role, known).value(u"included_role_names"_s).toArray())
        names << name.toString();
    return names;
}

// --permission P... (each may also be P,P): the permissions named; "none" alone for none.
QStringList permissionsOption(const Invocation& call)
{
    QStringList permissions;
    for (const QString& value : call.values(u"permission"_s)) {
        for (const QString& permission : value.split(u',', Qt::SkipEmptyParts))
            permissions << permission.trimmed();
    }
    if (permissions == QStringList{u"none"_s})
        return {};
    return permissions;
}

// --include ROLE... as role ids among `known`; "none" alone for none.
QList<RoleId> includesOption(const Invocation& call, const QList<Role>& known, const Tenant& tenant)
{
    const QStringList names = call.values(u"include"_s);
    if (names == QStringList{u"none"_s})
        return {};
    QList<RoleId> ids;
    for (const QString& name : names)
        ids.append(roleNamed(known, name, tr("on %1").arg(tenantNamed(tenant)), u"include"_s).id);
    return ids;
}

// A custom role of the tenant --tenant names (built-in roles are found too; the store refuses to change them).
Role ownRole(const Invocation& call, const Tenant& tenant, const QList<Role>& known)
{
    const Role role = roleNamed(known, call.arguments.at(0), tr("on %1").arg(tenantNamed(tenant)), u"role"_s);
    if (!role.builtIn && role.tenantId != tenant.id) {
        const Tenant owner = await(call.store.tenant(role.tenantId));
        throw StoreError(ErrorCode::Invalid, tr("role: “%1” is a role of %2, which %3 inherits; change it with --tenant %4.")
                                                 .arg(role.name, tenantNamed(owner), tenantNamed(tenant), owner.slug))
            .withField(u"role"_s);
    }
    return role;
}

void printUserTable(QTextStream& out, const QList<User>& users)
{
    int emailWidth = 6;
    int nameWidth = 4;
    for (const User& user : users) {
        emailWidth = std::max(emailWidth, int(user.email.size()));
        nameWidth = std::max(nameWidth, int(user.displayName.size()));
    }
    out << padded(tr("E-MAIL"), emailWidth) << u"  "_s << padded(tr("NAME"), nameWidth) << u"  "_s << padded(tr("STATUS"), 8)
        << u"  "_s << padded(tr("LAST SIGN-IN"), 16) << u"  "_s << tr("CREATED") << u'\n';
    for (const User& user : users) {
        out << padded(user.email, emailWidth) << u"  "_s << padded(user.displayName, nameWidth) << u"  "_s
            << padded(userStatusKey(user.status), 8) << u"  "_s << padded(timeText(user.lastSignInAt), 16) << u"  "_s
            << timeText(user.createdAt) << u'\n';
    }
}

} // namespace

int usersList(const Invocation& call)
{
    UserQuery query;
    const std::optional<Place> place = placeOption(call);
    if (place) {
        query.tenantId = place->tenant.id;
        query.environmentId = place->environment.id;
    }
    if (call.isSet(u"role"_s))
        query.roleId = roleNamed(call.store, place ? place->tenant : Tenant{}, call.value(u"role"_s)).id;
    if (call.isSet(u"status"_s))
        query.status = statusOption(call, allStatuses);
    query.text = call.value(u"search"_s);
    if (call.isSet(u"sort"_s)) {
        const QString key = call.value(u"sort"_s);
        const QHash<QString, UserSort> sorts{{u"name"_s, UserSort::DisplayName}, {u"email"_s, UserSort::Email},
                                             {u"status"_s, UserSort::Status}, {u"last-sign-in"_s, UserSort::LastSignIn},
                                             {u"created"_s, UserSort::CreatedAt}};
        if (!sorts.contains(key))
            throw UsageError{tr("--sort takes name, email, status, last-sign-in or created, not “%1”.").arg(key)};
        query.sort = sorts.value(key);
    }
    if (call.isSet(u"desc"_s))
        query.order = Qt::DescendingOrder;
    const bool all = call.isSet(u"all"_s);
    int limit = 100;
    if (call.isSet(u"limit"_s)) {
        if (all)
            throw UsageError{tr("users list takes --limit N or --all, not both.")};
        bool ok = false;
        limit = call.value(u"limit"_s).toInt(&ok);
        if (!ok || limit < 1 || limit > 100'000'000)
            throw UsageError{tr("--limit takes a whole number from 1 to 100000000, not “%1”.").arg(call.value(u"limit"_s))};
    }
    query.limit = all ? maximumPageSize : std::min(limit, maximumPageSize);
    QList<User> users;
    do {
        const Page<User> page = await(call.store.users(query));
        users += page.items;
        query.cursor = page.nextCursor;
    } while (!query.cursor.isEmpty() && (all || users.size() < limit));
    const bool more = !all && (!query.cursor.isEmpty() || users.size() > limit);
    if (!all && users.size() > limit)
        users.resize(limit);

    if (call.json()) {
        QJsonArray array;
        for (const User& user : std::as_const(users))
            array.append(JsonCodec::toJson(user));
        printJson(call.out, array);
        return Success;
    }
    printUserTable(call.out, users);
    if (more)
        call.out << tr("(the first %1 users; more match: --limit N or --all for more)\n").arg(countText(users.size()));
    return Success;
}

int usersShow(const Invocation& call)
{
    const User found = userByEmail(call.store, call.arguments.at(0));
    const UserDetail detail = await(call.store.user(found.id));
    if (call.json()) {
        QJsonObject json = JsonCodec::toJson(detail);
        json.insert(u"platform_principal"_s, detail.isPlatformPrincipal());
        printJson(call.out, json);
        return Success;
    }
    const User& user = detail.user;
    QTextStream& out = call.out;
    const auto line = [&out](const QString& key, const QString& value) { out << padded(key + u':', 16) << value << u'\n'; };
    QStringList platformRoles;
    for (const Role& role : detail.platformRoles)
        platformRoles << role.name;
    line(tr("Name"), user.displayName);
    line(tr("E-mail"), user.email);
    line(tr("Status"), userStatusKey(user.status));
    line(tr("Created"), timeText(user.createdAt));
    line(tr("Last sign-in"), timeText(user.lastSignInAt));
    line(tr("Platform roles"), platformRoles.isEmpty() ? tr("none")
                                                       : tr("%1 (a platform principal)").arg(platformRoles.join(u", "_s)));
    if (detail.memberships.isEmpty()) {
        line(tr("Memberships"), tr("none"));
        return Success;
    }
    out << tr("Memberships:") << u'\n';
    int placeWidth = 6;
    int roleWidth = 4;
    for (const UserMembership& m : detail.memberships) {
        placeWidth = std::max(placeWidth, int(membershipPlace(m).size()));
        roleWidth = std::max(roleWidth, int(m.roleName.size()));
    }
    for (const UserMembership& m : detail.memberships) {
        QString text = padded(membershipPlace(m), placeWidth) + u"  "_s + padded(m.roleName, roleWidth);
        if (m.inheritedTenantCount > 0)
            text += u"  "_s + tr("also applies to %n sub-tenant(s)", nullptr, m.inheritedTenantCount);
        out << u"  "_s << text.trimmed() << u'\n';
    }
    return Success;
}

int usersCreate(const Invocation& call)
{
    NewUser user;
    user.email = call.arguments.at(0);
    user.displayName = requiredOption(call, u"name"_s, u"NAME"_s);
    if (call.isSet(u"status"_s))
        user.status = statusOption(call, {UserStatus::Invited, UserStatus::Active});
    if (call.isSet(u"role"_s) != call.isSet(u"tenant"_s))
        throw UsageError{tr("users create takes --tenant SLUG and --role NAME together, for the user's first membership.")};
    std::optional<Place> place = placeOption(call);
    Role role;
    if (place) {
        role = roleNamed(call.store, place->tenant, call.value(u"role"_s));
        user.membership = Membership{place->tenant.id, 0, place->environment.id, role.id};
    }
    const User created = await(call.store.createUser(user));
    if (call.json()) {
        printJson(call.out, JsonCodec::toJson(created));
        return Success;
    }
    call.out << tr("Created %1, id %2, %3").arg(userNamed(created)).arg(created.id).arg(userStatusKey(created.status));
    if (place)
        call.out << tr(", with “%1” on %2").arg(role.name, place->text());
    call.out << u".\n"_s;
    return Success;
}

int usersUpdate(const Invocation& call)
{
    UserChange change;
    if (call.isSet(u"name"_s))
        change.displayName = call.value(u"name"_s);
    if (call.isSet(u"email"_s))
        change.email = call.value(u"email"_s);
    if (call.isSet(u"status"_s))
        change.status = statusOption(call, allStatuses);
    if (change.isEmpty())
        throw UsageError{tr("users update needs --name NAME, --email NEW or --status STATUS.")};
    const User before = userByEmail(call.store, call.arguments.at(0));
    const User after = await(call.store.updateUser(before.id, change, before.version));
    if (call.json()) {
        printJson(call.out, JsonCodec::toJson(after));
        return Success;
    }
    QStringList changes;
    if (after.displayName != before.displayName)
        changes << tr("name: “%1” → “%2”").arg(before.displayName, after.displayName);
    if (after.email != before.email)
        changes << tr("e-mail: %1 → %2").arg(before.email, after.email);
    if (after.status != before.status)
        changes << tr("status: %1 → %2").arg(userStatusKey(before.status), userStatusKey(after.status));
    if (changes.isEmpty()) {
        call.out << tr("Nothing changed: %1 is so already.\n").arg(userNamed(before));
        return Success;
    }
    call.out << tr("Changed %1:\n").arg(userNamed(before));
    for (const QString& text : std::as_const(changes))
        call.out << u"  "_s << text << u'\n';
    return Success;
}

int usersSetStatus(const Invocation& call)
{
    const bool disable = call.command.at(1) == u"disable"_s;
    const QList<User> users = usersByEmail(call.store, call.arguments);
    BulkUserAction action;
    action.kind = BulkUserActionKind::SetStatus;
    action.userIds = idsOf(users);
    action.status = disable ? UserStatus::Disabled : UserStatus::Active;
    const BulkUserResult result = await(call.store.applyBulkUserAction(action));
    if (call.json()) {
        printJson(call.out, bulkJson(users, result));
        return Success;
    }
    const int changed = int(result.changedUserIds.size());
    const QList<UserId> unchanged = unchangedIds(users, result);
    if (changed > 0) {
        call.out << (disable ? tr("Disabled %n user(s): %1.\n", nullptr, changed) : tr("Enabled %n user(s): %1.\n", nullptr, changed))
                        .arg(emailsOf(users, result.changedUserIds));
    }
    if (!unchanged.isEmpty()) {
        call.out << (disable ? tr("%n user(s) disabled already: %1.\n", nullptr, int(unchanged.size()))
                             : tr("%n user(s) active already: %1.\n", nullptr, int(unchanged.size())))
                        .arg(emailsOf(users, unchanged));
    }
    return Success;
}

int usersAssign(const Invocation& call)
{
    const bool grant = call.command.at(1) == u"assign"_s || call.command.at(0) == u"roles"_s;
    const bool roleCommand = call.command.at(0) == u"roles"_s; // roles grant ROLE EMAIL...
    if (!call.isSet(u"tenant"_s))
        throw UsageError{tr("%1 needs --tenant SLUG: the tenant the role is held on.").arg(call.command.join(u' '))};
    const QString roleName = roleCommand ? call.arguments.at(0) : requiredOption(call, u"role"_s, u"NAME"_s);
    const QStringList emails = roleCommand ? call.arguments.mid(1) : call.arguments;
    const Place place = *placeOption(call);
    const Role role = roleNamed(call.store, place.tenant, roleName);
    const QList<User> users = usersByEmail(call.store, emails);
    BulkUserAction action;
    action.kind = grant ? BulkUserActionKind::GrantRole : BulkUserActionKind::RevokeRole;
    action.userIds = idsOf(users);
    action.tenantId = place.tenant.id;
    action.environmentId = place.environment.id;
    action.roleId = role.id;
    const BulkUserResult result = await(call.store.applyBulkUserAction(action));
    if (call.json()) {
        printJson(call.out, bulkJson(users, result));
        return Success;
    }
    const int changed = int(result.changedUserIds.size());
    const QList<UserId> unchanged = unchangedIds(users, result);
    if (changed > 0) {
        call.out << (grant ? tr("Granted “%1” on %2 to %n user(s): %3.\n", nullptr, changed)
                           : tr("Took “%1” on %2 away from %n user(s): %3.\n", nullptr, changed))
                        .arg(role.name, place.text(), emailsOf(users, result.changedUserIds));
    }
    if (!unchanged.isEmpty()) {
        call.out << (grant ? tr("%n user(s) held it already: %1.\n", nullptr, int(unchanged.size()))
                           : tr("%n user(s) did not hold it there: %1.\n", nullptr, int(unchanged.size())))
                        .arg(emailsOf(users, unchanged));
    }
    return Success;
}

int usersMove(const Invocation& call)
{
    const QString fromText = requiredOption(call, u"from"_s, u"SLUG[/ENVIRONMENT]"_s);
    const QString toText = requiredOption(call, u"to"_s, u"SLUG[/ENVIRONMENT]"_s);
    const Place from = placeOf(call.store, fromText);
    const Place to = placeOf(call.store, toText);
    const QList<User> users = usersByEmail(call.store, call.arguments);
    BulkUserAction action;
    action.kind = BulkUserActionKind::Move;
    action.userIds = idsOf(users);
    action.tenantId = from.tenant.id;
    action.environmentId = from.environment.id;
    action.targetTenantId = to.tenant.id;
    action.targetEnvironmentId = to.environment.id;
    const BulkUserResult result = await(call.store.applyBulkUserAction(action));
    if (call.json()) {
        printJson(call.out, bulkJson(users, result));
        return Success;
    }
    const int changed = int(result.changedUserIds.size());
    const QList<UserId> unchanged = unchangedIds(users, result);
    if (changed > 0) {
        call.out << tr("Moved the memberships of %n user(s) from %1 to %2, roles kept: %3.\n", nullptr, changed)
                        .arg(from.text(), to.text(), emailsOf(users, result.changedUserIds));
    }
    if (!unchanged.isEmpty()) {
        call.out << tr("%n user(s) had no membership on %1: %2.\n", nullptr, int(unchanged.size()))
                        .arg(from.text(), emailsOf(users, unchanged));
    }
    return Success;
}

int usersPermissions(const Invocation& call)
{
    const User user = userByEmail(call.store, call.arguments.at(0));
    const Tenant tenant = await(call.store.tenantBySlug(requiredOption(call, u"tenant"_s, u"SLUG"_s)));
    const EffectivePermissions effective = await(call.store.effectivePermissions(user.id, tenant.id));
    if (call.json()) {
        // JsonCodec's shape, each source with whether it is inherited and the sentence the text shows.
        QJsonArray permissions;
        for (const EffectivePermission& permission : effective.permissions) {
            QJsonObject json = JsonCodec::toJson(permission);
            QJsonArray sources;
            for (qsizetype i = 0; i < permission.sources.size(); ++i) {
                const PermissionSource& source = permission.sources.at(i);
                QJsonObject sourceJson = json.value(u"sources"_s).toArray().at(i).toObject();
                sourceJson.insert(u"inherited"_s, source.inherited(tenant.id));
                sourceJson.insert(u"explained"_s, sourceText(source, tenant.id));
                sources.append(sourceJson);
            }
            json.insert(u"sources"_s, sources);
            permissions.append(json);
        }
        QJsonObject json = JsonCodec::toJson(effective);
        json.insert(u"permissions"_s, permissions);
        json.insert(u"user_email"_s, user.email);
        json.insert(u"tenant_slug"_s, tenant.slug);
        printJson(call.out, json);
        return Success;
    }
    QTextStream& out = call.out;
    if (effective.permissions.isEmpty()) {
        out << tr("%1 holds no permission on %2.\n").arg(userNamed(user), tenantNamed(tenant));
        return Success;
    }
    out << tr("Permissions of %1 on %2, and what grants each:\n").arg(userNamed(user), tenantNamed(tenant));
    int width = 10;
    for (const EffectivePermission& permission : effective.permissions)
        width = std::max(width, int(permission.permission.size()) + 2);
    for (const EffectivePermission& permission : effective.permissions) {
        for (qsizetype i = 0; i < permission.sources.size(); ++i) {
            out << u"  "_s << padded(i == 0 ? permission.permission : QString(), width)
                << sourceText(permission.sources.at(i), tenant.id) << u'\n';
        }
    }
    return Success;
}

int rolesList(const Invocation& call)
{
    Tenant tenant;
    if (call.isSet(u"tenant"_s))
        tenant = await(call.store.tenantBySlug(call.value(u"tenant"_s)));
    const QList<Role> roles = await(call.store.roles(tenant.id));
    if (call.json()) {
        QJsonArray array;
        for (const Role& role : roles)
            array.append(roleJson(role, roles));
        printJson(call.out, array);
        return Success;
    }
    QHash<TenantId, QString> owners;
    const auto owner = [&](const Role& role) {
        if (role.builtIn)
            return tr("built-in");
        if (role.tenantId == 0)
            return tr("platform");
        if (!owners.contains(role.tenantId))
            owners.insert(role.tenantId, await(call.store.tenant(role.tenantId)).slug);
        return owners.value(role.tenantId);
    };
    int nameWidth = 4;
    int ownerWidth = 5;
    for (const Role& role : roles) {
        nameWidth = std::max(nameWidth, int(role.name.size()));
        ownerWidth = std::max(ownerWidth, int(owner(role).size()));
    }
    QTextStream& out = call.out;
    out << padded(tr("NAME"), nameWidth) << u"  "_s << padded(tr("SCOPE"), 11) << u"  "_s << padded(tr("OWNER"), ownerWidth)
        << u"  "_s << tr("PERMISSIONS") << u'\n';
    for (const Role& role : roles) {
        QString permissions = role.permissions.join(u", "_s);
        const QStringList included = includedNames(role, roles);
        if (!included.isEmpty())
            permissions += (permissions.isEmpty() ? QString() : u"; "_s) + tr("includes %1").arg(included.join(u", "_s));
        out << padded(role.name, nameWidth) << u"  "_s << padded(roleScopeKey(role.scope), 11) << u"  "_s
            << padded(owner(role), ownerWidth) << u"  "_s << (permissions.isEmpty() ? tr("(none)") : permissions) << u'\n';
    }
    return Success;
}

int rolesCreate(const Invocation& call)
{
    NewRole role;
    role.name = call.arguments.at(0);
    role.description = call.value(u"description"_s);
    if (call.isSet(u"scope"_s)) {
        const QString key = call.value(u"scope"_s);
        const auto scope = roleScopeFromKey(key);
        if (!scope || *scope == RoleScope::Platform)
            throw UsageError{tr("--scope takes tenant or environment, not “%1”.").arg(key)};
        role.scope = *scope;
    }
    const Tenant tenant = await(call.store.tenantBySlug(requiredOption(call, u"tenant"_s, u"SLUG"_s)));
    role.tenantId = tenant.id;
    role.permissions = permissionsOption(call);
    const QList<Role> known = await(call.store.roles(tenant.id));
    role.includedRoleIds = includesOption(call, known, tenant);
    const Role created = await(call.store.createRole(role));
    if (call.json()) {
        printJson(call.out, roleJson(created, known));
        return Success;
    }
    call.out << tr("Created the %1 role “%2” of %3, id %4: %5")
                    .arg(roleScopeKey(created.scope), created.name, tenantNamed(tenant))
                    .arg(created.id)
                    .arg(created.permissions.isEmpty() ? tr("no permissions of its own") : created.permissions.join(u", "_s));
    const QStringList included = includedNames(created, known);
    if (!included.isEmpty())
        call.out << tr("; includes %1").arg(included.join(u", "_s));
    call.out << u".\n"_s;
    return Success;
}

int rolesUpdate(const Invocation& call)
{
    const Tenant tenant = await(call.store.tenantBySlug(requiredOption(call, u"tenant"_s, u"SLUG"_s)));
    const QList<Role> known = await(call.store.roles(tenant.id));
    const Role before = ownRole(call, tenant, known);
    RoleChange change;
    if (call.isSet(u"name"_s))
        change.name = call.value(u"name"_s);
    if (call.isSet(u"description"_s))
        change.description = call.value(u"description"_s);
    if (call.isSet(u"permission"_s))
        change.permissions = permissionsOption(call);
    if (call.isSet(u"include"_s))
        change.includedRoleIds = includesOption(call, known, tenant);
    if (change.isEmpty())
        throw UsageError{tr("roles update needs --name, --description, --permission or --include.")};
    const Role after = await(call.store.updateRole(before.id, change, before.version));
    if (call.json()) {
        printJson(call.out, roleJson(after, known));
        return Success;
    }
    QStringList changes;
    if (after.name != before.name)
        changes << tr("name: “%1” → “%2”").arg(before.name, after.name);
    if (after.description != before.description)
        changes << tr("description: “%1” → “%2”").arg(before.description, after.description);
    const auto listText = [](const QStringList& list) { return list.isEmpty() ? tr("(none)") : list.join(u", "_s); };
    if (after.permissions != before.permissions)
        changes << tr("permissions: %1 → %2").arg(listText(before.permissions), listText(after.permissions));
    if (after.includedRoleIds != before.includedRoleIds)
        changes << tr("includes: %1 → %2").arg(listText(includedNames(before, known)), listText(includedNames(after, known)));
    if (changes.isEmpty()) {
        call.out << tr("Nothing changed: the role “%1” of %2 is so already.\n").arg(before.name, tenantNamed(tenant));
        return Success;
    }
    call.out << tr("Changed the role “%1” of %2:\n").arg(before.name, tenantNamed(tenant));
    for (const QString& text : std::as_const(changes))
        call.out << u"  "_s << text << u'\n';
    return Success;
}

int rolesDelete(const Invocation& call)
{
    const Tenant tenant = await(call.store.tenantBySlug(requiredOption(call, u"tenant"_s, u"SLUG"_s)));
    const QString confirm = requiredOption(call, u"confirm"_s, u"NAME (the role's name typed again)"_s);
    const QList<Role> known = await(call.store.roles(tenant.id));
    const Role role = ownRole(call, tenant, known);
    if (confirm != role.name)
        throw StoreError(ErrorCode::Invalid, tr("confirm: --confirm “%1” is not the role's name; type “%2” to delete it.")
                                                 .arg(confirm, role.name))
            .withField(u"confirm"_s);
    const Role deleted = await(call.store.deleteRole(role.id, role.version));
    if (call.json()) {
        printJson(call.out, roleJson(deleted, known));
        return Success;
    }
    call.out << tr("Deleted the role “%1” of %2.\n").arg(deleted.name, tenantNamed(tenant));
    return Success;
}

int rolesGrant(const Invocation& call)
{
    return usersAssign(call);
}

} // namespace TenantDesk::Tenantctl::Users
