#include "TenantctlAdmin.h"

#include "JsonCodec.h"
#include "StoreError.h"
#include "TenantBackup.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSaveFile>

#include <cmath>

namespace TenantDesk::Tenantctl::Admin {

using namespace Qt::StringLiterals;

namespace {

// "KEY=VALUE" as an option or argument gives it; UsageError without a key.
std::pair<QString, QString> keyAndValue(const QString& what, const QString& text)
{
    const qsizetype equals = text.indexOf(u'=');
    if (equals <= 0)
        throw UsageError{tr("%1 takes KEY=VALUE, not “%2”.").arg(what, text)};
    return {text.left(equals), text.mid(equals + 1)};
}

// An environment setting's value as typed: a JSON number or true/false when it reads as one,
// otherwise text ("007" stays text, as JSON writes no number so).
QJsonValue settingValue(const QString& text)
{
    if (text == u"true"_s)
        return true;
    if (text == u"false"_s)
        return false;
    static const QRegularExpression number(u"^-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?$"_s);
    if (number.match(text).hasMatch()) {
        bool ok = false;
        const qint64 whole = text.toLongLong(&ok);
        if (ok)
            return QJsonValue(whole);
        const double value = text.toDouble(&ok);
        if (ok && std::isfinite(value))
            return value;
    }
    return text;
}

// A setting as a person reads it: text as it is, other values as JSON.
QString settingText(const QJsonValue& value)
{
    return value.isString() ? value.toString() : jsonValueText(value);
}

QString settingsText(const QJsonObject& settings)
{
    QStringList pairs;
    for (auto it = settings.begin(); it != settings.end(); ++it)
        pairs << it.key() + u'=' + settingText(it.value());
    return pairs.join(u", "_s);
}

// --cpu-cores N|none and the like: nothing when the option is not given, an empty limit for "none".
std::optional<std::optional<int>> limitOption(const Invocation& call, const QString& option)
{
    if (!call.isSet(option))
        return std::nullopt;
    const QString text = call.value(option);
    if (text == u"none"_s)
        return std::optional<std::optional<int>>(std::in_place);
    bool ok = false;
    const int value = text.toInt(&ok);
    if (!ok)
        throw UsageError{tr("--%1 takes a whole number or none, not “%2”.").arg(option, text)};
    return std::optional<std::optional<int>>(std::in_place, value);
}

// The fields that differ between two JSON objects, one line each ("quotas.cpu_cores: 8 → 16");
// objects inside are compared field by field.
QStringList differences(const QJsonObject& before, const QJsonObject& after, const QStringList& ignored = {},
                        const QString& prefix = {})
{
    QStringList keys = before.keys() + after.keys();
    keys.sort();
    keys.removeDuplicates();
    QStringList lines;
    for (const QString& key : std::as_const(keys)) {
        const QJsonValue was = before.value(key);
        const QJsonValue now = after.value(key);
        if (ignored.contains(key) || was == now)
            continue;
        const bool objects = (was.isObject() || was.isUndefined()) && (now.isObject() || now.isUndefined());
        if (objects)
            lines += differences(was.toObject(), now.toObject(), {}, prefix + key + u'.');
        else
            lines << u"%1%2: %3 → %4"_s.arg(prefix, key, jsonValueText(was), jsonValueText(now));
    }
    return lines;
}

void printLines(QTextStream& out, const QStringList& lines)
{
    for (const QString& line : lines)
        out << u"  "_s << line << u'\n';
}

QString placement(const Tenant& parent)
{
    return parent.id == 0 ? tr("at the top level") : tr("under %1").arg(tenantNamed(parent));
}

// The parent --parent names, or none with --top-level; exactly one of them unless `optional`.
std::optional<Tenant> parentOption(const Invocation& call, bool optional)
{
    const bool parent = call.isSet(u"parent"_s);
    const bool topLevel = call.isSet(u"top-level"_s);
    if (parent && topLevel)
        throw UsageError{tr("%1 takes --parent SLUG or --top-level, not both.").arg(call.command.join(u' '))};
    if (!parent && !topLevel) {
        if (optional)
            return std::nullopt;
        throw UsageError{tr("%1 needs --parent SLUG or --top-level.").arg(call.command.join(u' '))};
    }
    return parent ? await(call.store.tenantBySlug(call.value(u"parent"_s))) : Tenant{};
}

// A backup file may be written at `path`: it does not exist (or may be replaced) and its folder is writable.
void checkBackupFile(const QString& path, bool overwrite)
{
    const QFileInfo info(path);
    if (info.isDir())
        throw StoreError(ErrorCode::Invalid, tr("backup: “%1” is a folder; name a file.").arg(path)).withField(u"backup"_s);
    if (info.exists() && !overwrite)
        throw StoreError(ErrorCode::Conflict, tr("backup: “%1” exists already; name another file, or pass --force to "
                                                 "replace it.").arg(path)).withField(u"backup"_s);
    const QFileInfo folder(info.absolutePath());
    if (!folder.isDir() || !folder.isWritable())
        throw StoreError(ErrorCode::Forbidden, tr("backup: the folder “%1” does not exist or is not writable.")
                                                   .arg(folder.filePath())).withField(u"backup"_s);
}

// Writes the backup whole or not at all, readable by its owner only: it names the tenant's users.
void writeBackupFile(const QString& path, const QByteArray& document)
{
    QSaveFile file(path);
    const bool written = file.open(QIODevice::WriteOnly)
        && file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
        && file.write(document) == document.size() && file.commit();
    if (!written)
        throw StoreError(ErrorCode::Unavailable, tr("backup: could not write “%1”: %2.").arg(path, file.errorString()))
            .withField(u"backup"_s);
}

void printTenant(const Invocation& call, const Tenant& tenant)
{
    printJson(call.out, JsonCodec::toJson(tenant));
}

void printEnvironment(const Invocation& call, const Environment& environment)
{
    printJson(call.out, JsonCodec::toJson(environment));
}

} // namespace

int tenantsCreate(const Invocation& call)
{
    NewTenant tenant;
    tenant.slug = call.arguments.at(0);
    tenant.displayName = requiredOption(call, u"name"_s, u"NAME"_s);
    tenant.timezone = requiredOption(call, u"timezone"_s, u"TZ"_s);
    tenant.language = requiredOption(call, u"language"_s, u"LANG"_s);
    tenant.domain = call.value(u"domain"_s);
    QStringList environmentNames;
    for (const QString& key : call.value(u"environments"_s).split(u',', Qt::SkipEmptyParts)) {
        const auto kind = environmentKindFromKey(key.trimmed());
        if (!kind)
            throw UsageError{tr("--environments: “%1” is not a kind of environment (production, staging, development, "
                                "sandbox).").arg(key.trimmed())};
        tenant.environments.append(*kind);
        environmentNames << environmentKindDisplayName(*kind);
    }
    const Tenant parent = parentOption(call, true).value_or(Tenant{});
    tenant.parentId = parent.id;
    const Tenant created = await(call.store.createTenant(tenant));
    if (call.json()) {
        printTenant(call, created);
        return Success;
    }
    call.out << tr("Created %1, id %2, requested, %3, %4.\n")
                    .arg(tenantNamed(created)).arg(created.id)
                    .arg(placement(parent), environmentNames.isEmpty() ? tr("without environments")
                                                                       : tr("with %1").arg(environmentNames.join(u", "_s)));
    return Success;
}

int tenantsUpdate(const Invocation& call)
{
    const Tenant before = await(call.store.tenantBySlug(call.arguments.at(0)));
    TenantChange change;
    if (call.isSet(u"name"_s))
        change.displayName = call.value(u"name"_s);
    if (call.isSet(u"domain"_s))
        change.domain = call.value(u"domain"_s);
    if (call.isSet(u"timezone"_s))
        change.timezone = call.value(u"timezone"_s);
    if (call.isSet(u"language"_s))
        change.language = call.value(u"language"_s);

    // The four quotas travel together: the ones not given keep their current values.
    TenantQuotas quotas = before.quotas;
    bool quotasGiven = false;
    const std::pair<QString, std::optional<int> TenantQuotas::*> quotaOptions[] = {
        {u"cpu-cores"_s, &TenantQuotas::cpuCores}, {u"memory-gb"_s, &TenantQuotas::memoryGb},
        {u"storage-gb"_s, &TenantQuotas::storageGb}, {u"user-seats"_s, &TenantQuotas::userSeats}};
    for (const auto& [option, quota] : quotaOptions) {
        if (const auto limit = limitOption(call, option)) {
            quotas.*quota = *limit;
            quotasGiven = true;
        }
    }
    if (quotasGiven)
        change.quotas = quotas;
    if (const auto limit = limitOption(call, u"rate-limit"_s))
        change.apiRateLimit = *limit;

    if (call.isSet(u"flag"_s)) {
        QJsonObject flags = before.featureFlags;
        for (const QString& text : call.values(u"flag"_s)) {
            const auto [name, value] = keyAndValue(u"--flag"_s, text);
            if (value == u"on"_s)
                flags.insert(name, true);
            else if (value == u"off"_s)
                flags.insert(name, false);
            else if (value == u"inherit"_s)
                flags.remove(name);
            else
                throw UsageError{tr("--flag %1: a flag is on, off or inherit, not “%2”.").arg(name, value)};
        }
        change.featureFlags = flags;
    }
    if (call.isSet(u"policy"_s)) {
        QJsonObject policy = before.securityPolicy;
        for (const QString& text : call.values(u"policy"_s)) {
            const auto [key, value] = keyAndValue(u"--policy"_s, text);
            if (value.isEmpty()) {
                policy.remove(key);
            } else if (key == u"ip_allow_list"_s) {
                QJsonArray networks;
                for (const QString& network : value.split(u',', Qt::SkipEmptyParts))
                    networks.append(network.trimmed());
                policy.insert(key, networks);
            } else {
                policy.insert(key, settingValue(value));
            }
        }
        change.securityPolicy = policy;
    }
    if (call.isSet(u"setting"_s) || call.isSet(u"unset-setting"_s)) {
        // A tenant's integration settings are text, whatever they look like (unlike an environment's).
        QJsonObject settings = before.settings;
        for (const QString& text : call.values(u"setting"_s)) {
            const auto [key, value] = keyAndValue(u"--setting"_s, text);
            settings.insert(key, value);
        }
        for (const QString& key : call.values(u"unset-setting"_s))
            settings.remove(key);
        change.settings = settings;
    }
    if (change.isEmpty())
        throw UsageError{tr("tenants update needs at least one change: --name, --domain, --timezone, --language, a quota, "
                            "--rate-limit, --flag, --policy, --setting or --unset-setting.")};

    const Tenant after = await(call.store.updateTenant(before.id, change, before.version));
    if (call.json()) {
        printTenant(call, after);
        return Success;
    }
    if (after.version == before.version) {
        call.out << tr("Nothing changed: %1 has these values already.\n").arg(tenantNamed(after));
        return Success;
    }
    call.out << tr("Updated %1 to version %2:\n").arg(tenantNamed(after)).arg(after.version);
    printLines(call.out, differences(JsonCodec::toJson(before), JsonCodec::toJson(after), {u"updated_at"_s, u"version"_s}));
    return Success;
}

int tenantsMove(const Invocation& call)
{
    const Tenant tenant = await(call.store.tenantBySlug(call.arguments.at(0)));
    const Tenant parent = *parentOption(call, false);
    const Tenant moved = await(call.store.moveTenant(tenant.id, parent.id, tenant.version));
    if (call.json()) {
        printTenant(call, moved);
        return Success;
    }
    call.out << (moved.version == tenant.version ? tr("%1 is %2 already.\n") : tr("Moved %1 %2.\n"))
                    .arg(tenantNamed(moved), placement(parent));
    return Success;
}

int tenantsChangeStatus(const Invocation& call)
{
    const QString verb = call.command.at(1);
    const Tenant before = await(call.store.tenantBySlug(call.arguments.at(0)));
    TenantStatus status = TenantStatus::Active;
    if (verb == u"provision"_s)
        status = TenantStatus::Provisioning;
    else if (verb == u"suspend"_s)
        status = TenantStatus::Suspended;
    // activate and resume both lead to active, each from its own status: a suspended tenant is
    // resumed, a provisioning one activated.
    const bool resuming = before.status == TenantStatus::Suspended;
    if (status == TenantStatus::Active && isLegalTransition(before.status, status) && resuming != (verb == u"resume"_s)) {
        throw StoreError(ErrorCode::Invalid, tr("status: %1 is %2; use tenants %3 for it.")
                                                 .arg(tenantNamed(before), tenantStatusKey(before.status),
                                                      resuming ? u"resume"_s : u"activate"_s))
            .withField(u"status"_s);
    }
    const Tenant after = await(call.store.changeTenantStatus(before.id, status, before.version));
    if (call.json()) {
        printTenant(call, after);
        return Success;
    }
    call.out << tr("%1 is %2 (it was %3).\n")
                    .arg(tenantNamed(after), tenantStatusKey(after.status), tenantStatusKey(before.status));
    return Success;
}

int tenantsDecommission(const Invocation& call)
{
    Store& store = call.store;
    Tenant tenant = await(store.tenantBySlug(call.arguments.at(0)));
    QTextStream& out = call.out;
    const auto say = [&call](const QString& line) {
        if (!call.json())
            call.out << line << u'\n';
    };
    const auto finish = [&call, &tenant] {
        if (call.json())
            printTenant(call, tenant);
        return Success;
    };
    if (tenant.status == TenantStatus::Archived) {
        say(tr("%1 is archived: its decommissioning is complete.").arg(tenantNamed(tenant)));
        return finish();
    }

    // Everything that can be refused before a change is refused first.
    const QString backUpKey = decommissionStepKey(DecommissionStep::BackUp);
    const bool backedUp = tenant.decommission.contains(backUpKey);
    QString backupPath;
    if (!backedUp) {
        backupPath = QFileInfo(requiredOption(call, u"backup"_s, u"FILE (the tenant's data is kept there before any of it "
                                                                 "is deleted)"_s)).absoluteFilePath();
        checkBackupFile(backupPath, call.isSet(u"force"_s));
    }
    const bool confirmed = call.isSet(u"confirm"_s);
    if (confirmed && call.value(u"confirm"_s) != tenant.slug)
        throw StoreError(ErrorCode::Invalid, tr("confirm_slug: --confirm “%1” is not the tenant's slug; type “%2” to delete "
                                                "its data.").arg(call.value(u"confirm"_s), tenant.slug))
            .withField(u"confirm_slug"_s);

    if (tenant.status != TenantStatus::Decommissioning) {
        tenant = await(store.changeTenantStatus(tenant.id, TenantStatus::Decommissioning, tenant.version));
        say(tr("%1 is decommissioning.").arg(tenantNamed(tenant)));
    }
    if (!backedUp) {
        const QByteArray document = await(store.backUpTenant(tenant.id));
        writeBackupFile(backupPath, document);
        const QString note = tr("%1 (SHA-256 %2)").arg(backupPath, TenantBackup::checksum(document));
        tenant = await(store.completeDecommissionStep(tenant.id, DecommissionStepDone{DecommissionStep::BackUp, note, {}},
                                                      tenant.version));
        say(tr("Done: %1: %2.").arg(decommissionStepDisplayName(DecommissionStep::BackUp), note));
    } else {
        say(tr("Done before: %1: %2.").arg(decommissionStepDisplayName(DecommissionStep::BackUp),
                                          tenant.decommission.value(backUpKey).toObject().value(u"note"_s).toString()));
    }

    const auto record = [&](DecommissionStep step, const QString& note) {
        if (tenant.decommission.contains(decommissionStepKey(step))) {
            say(tr("Done before: %1.").arg(decommissionStepDisplayName(step)));
            return;
        }
        const DecommissionStepDone done{step, note, step == DecommissionStep::DeleteData ? tenant.slug : QString()};
        tenant = await(store.completeDecommissionStep(tenant.id, done, tenant.version));
        say(tr("Done: %1.").arg(decommissionStepDisplayName(step)));
    };
    record(DecommissionStep::NotifyUsers, call.value(u"notify-note"_s));
    record(DecommissionStep::ReleaseResources, {});
    if (!confirmed && !tenant.decommission.contains(decommissionStepKey(DecommissionStep::DeleteData))) {
        QStringList remaining;
        for (DecommissionStep left : allDecommissionSteps) {
            if (!tenant.decommission.contains(decommissionStepKey(left)))
                remaining << decommissionStepDisplayName(left);
        }
        remaining << tr("archive it");
        if (!call.json()) {
            out << tr("Stopped before deleting the data of %1 (--confirm was not given). Still to do: %2.\n")
                       .arg(tenantNamed(tenant), remaining.join(u"; "_s))
                << tr("To continue: tenantctl --database %1 tenants decommission %2 --confirm %2\n")
                       .arg(shellQuoted(call.database), shellQuoted(tenant.slug));
        }
        return finish();
    }
    record(DecommissionStep::DeleteData, {});
    record(DecommissionStep::FinaliseBilling, {});
    tenant = await(store.changeTenantStatus(tenant.id, TenantStatus::Archived, tenant.version));
    say(tr("%1 is archived.").arg(tenantNamed(tenant)));
    return finish();
}

int tenantsRestore(const Invocation& call)
{
    const QString path = call.arguments.at(0);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw StoreError(ErrorCode::NotFound, tr("file: could not read the backup “%1”: %2.").arg(path, file.errorString()))
            .withField(u"file"_s);
    const QByteArray document = file.readAll();
    const TenantBackup backup = TenantBackup::fromJson(document); // refuses a file that is not one, naming the field

    const std::optional<Tenant> parent = parentOption(call, true);
    std::optional<Tenant> existing;
    try {
        existing = await(call.store.tenantBySlug(backup.tenant.slug));
    } catch (const StoreError& error) {
        if (error.code() != ErrorCode::NotFound)
            throw;
    }
    const bool inPlace = existing && existing->status == TenantStatus::Archived;
    // Over its archived tenant, a backup is restored where that tenant is.
    if (inPlace && parent && parent->id != existing->parentId)
        throw StoreError(ErrorCode::Invalid, tr("parent: %1 is archived here, and the backup is restored in its place, where "
                                                "it is; restore it without --parent or --top-level, then use tenants move.")
                                                 .arg(tenantNamed(*existing)))
            .withField(u"parent"_s);

    const Tenant restored = await(call.store.restoreTenant(document, parent ? std::optional(parent->id) : std::nullopt));
    if (call.json()) {
        printTenant(call, restored);
        return Success;
    }
    const Tenant placedUnder = restored.parentId == 0 ? Tenant{} : await(call.store.tenant(restored.parentId));
    call.out << tr("Restored %1 from %2 (SHA-256 %3), %4.\n")
                    .arg(tenantNamed(restored), path, TenantBackup::checksum(document),
                         inPlace ? tr("in place of the archived tenant") : tr("as a new tenant %1").arg(placement(placedUnder)))
             << tr("It is suspended; to resume it: tenantctl --database %1 tenants resume %2\n")
                    .arg(shellQuoted(call.database), shellQuoted(restored.slug));
    return Success;
}

int tenantsDelete(const Invocation& call)
{
    const Tenant tenant = await(call.store.tenantBySlug(call.arguments.at(0)));
    const QString confirm = requiredOption(call, u"confirm"_s, u"SLUG (the tenant's slug typed again)"_s);
    const Tenant deleted = await(call.store.deleteTenant(tenant.id, confirm, tenant.version));
    if (call.json()) {
        printTenant(call, deleted);
        return Success;
    }
    call.out << tr("Deleted %1, id %2.\n").arg(tenantNamed(deleted)).arg(deleted.id);
    return Success;
}

int environmentsList(const Invocation& call)
{
    const Tenant tenant = await(call.store.tenantBySlug(call.arguments.at(0)));
    const QList<Environment> environments = await(call.store.environments(tenant.id));
    if (call.json()) {
        QJsonArray array;
        for (const Environment& environment : environments)
            array.append(JsonCodec::toJson(environment));
        printJson(call.out, array);
        return Success;
    }
    int nameWidth = 4;
    for (const Environment& environment : environments)
        nameWidth = std::max(nameWidth, int(environment.name.size()));
    QTextStream& out = call.out;
    out << padded(tr("NAME"), nameWidth) << u"  "_s << padded(tr("KIND"), 11) << u"  "_s << padded(tr("VERSION"), 7)
        << u"  "_s << tr("SETTINGS") << u'\n';
    for (const Environment& environment : environments) {
        out << padded(environment.name, nameWidth) << u"  "_s << padded(environmentKindKey(environment.kind), 11) << u"  "_s
            << padded(QString::number(environment.version), 7) << u"  "_s << settingsText(environment.settings) << u'\n';
    }
    return Success;
}

int environmentsAdd(const Invocation& call)
{
    const Tenant tenant = await(call.store.tenantBySlug(call.arguments.at(0)));
    const QString kindKey = requiredOption(call, u"kind"_s, u"KIND (production, staging, development or sandbox)"_s);
    const auto kind = environmentKindFromKey(kindKey);
    if (!kind)
        throw UsageError{tr("--kind: “%1” is not a kind of environment (production, staging, development, sandbox).").arg(kindKey)};
    NewEnvironment environment{call.arguments.at(1), *kind, {}};
    for (const QString& text : call.values(u"setting"_s)) {
        const auto [key, value] = keyAndValue(u"--setting"_s, text);
        environment.settings.insert(key, settingValue(value));
    }
    const Environment added = await(call.store.addEnvironment(tenant.id, environment));
    if (call.json()) {
        printEnvironment(call, added);
        return Success;
    }
    call.out << tr("Added the %1 environment “%2” to %3%4.\n")
                    .arg(environmentKindKey(added.kind), added.name, tenantNamed(tenant),
                         added.settings.isEmpty() ? QString() : QString(u": "_s + settingsText(added.settings)));
    return Success;
}

int environmentsRename(const Invocation& call)
{
    const Tenant tenant = await(call.store.tenantBySlug(call.arguments.at(0)));
    const Environment before = environmentNamed(call.store, tenant, call.arguments.at(1));
    EnvironmentChange change;
    change.name = call.arguments.at(2);
    const Environment after = await(call.store.updateEnvironment(before.id, change, before.version));
    if (call.json()) {
        printEnvironment(call, after);
        return Success;
    }
    call.out << tr("Renamed the environment “%1” of %2 to “%3”.\n").arg(before.name, tenantNamed(tenant), after.name);
    return Success;
}

int environmentsSet(const Invocation& call)
{
    const QStringList assignments = call.arguments.mid(2);
    const QStringList unset = call.values(u"unset"_s);
    if (assignments.isEmpty() && unset.isEmpty())
        throw UsageError{tr("environments set needs KEY=VALUE or --unset KEY.")};
    const Tenant tenant = await(call.store.tenantBySlug(call.arguments.at(0)));
    const Environment before = environmentNamed(call.store, tenant, call.arguments.at(1));
    QJsonObject settings = before.settings;
    for (const QString& text : assignments) {
        const auto [key, value] = keyAndValue(tr("environments set"), text);
        settings.insert(key, settingValue(value));
    }
    for (const QString& key : unset)
        settings.remove(key);
    EnvironmentChange change;
    change.settings = settings;
    const Environment after = await(call.store.updateEnvironment(before.id, change, before.version));
    if (call.json()) {
        printEnvironment(call, after);
        return Success;
    }
    if (after.version == before.version) {
        call.out << tr("Nothing changed: the environment “%1” of %2 has these settings already.\n")
                        .arg(after.name, tenantNamed(tenant));
        return Success;
    }
    call.out << tr("Changed the settings of the environment “%1” of %2:\n").arg(after.name, tenantNamed(tenant));
    printLines(call.out, differences(before.settings, after.settings));
    return Success;
}

int environmentsRemove(const Invocation& call)
{
    const Tenant tenant = await(call.store.tenantBySlug(call.arguments.at(0)));
    const QString name = call.arguments.at(1);
    const QString confirm = requiredOption(call, u"confirm"_s, u"NAME (the environment's name typed again)"_s);
    const Environment environment = environmentNamed(call.store, tenant, name);
    if (confirm != environment.name)
        throw StoreError(ErrorCode::Invalid, tr("confirm_name: --confirm “%1” is not the environment's name; type “%2” to "
                                                "remove it.").arg(confirm, environment.name))
            .withField(u"confirm_name"_s);
    const Environment removed = await(call.store.removeEnvironment(environment.id, environment.version));
    if (call.json()) {
        printEnvironment(call, removed);
        return Success;
    }
    call.out << tr("Removed the environment “%1” from %2, with the memberships held on it.\n")
                    .arg(removed.name, tenantNamed(tenant));
    return Success;
}

int environmentsPromote(const Invocation& call)
{
    const QString fromName = requiredOption(call, u"from"_s, u"NAME"_s);
    const QString toName = requiredOption(call, u"to"_s, u"NAME"_s);
    const bool all = call.isSet(u"all"_s);
    if (all == call.isSet(u"keys"_s))
        throw UsageError{tr("environments promote needs --keys KEY,KEY... or --all.")};
    QStringList keys;
    for (const QString& key : call.value(u"keys"_s).split(u',', Qt::SkipEmptyParts))
        keys << key.trimmed();
    keys.removeAll(QString());
    if (!all && keys.isEmpty())
        throw UsageError{tr("--keys names no setting; give KEY,KEY... or --all.")};

    const Tenant tenant = await(call.store.tenantBySlug(call.arguments.at(0)));
    const Environment source = environmentNamed(call.store, tenant, fromName);
    const Environment target = environmentNamed(call.store, tenant, toName);
    if (source.id == target.id)
        throw StoreError(ErrorCode::Invalid, tr("to: an environment is promoted to another one, not to itself."))
            .withField(u"to"_s);
    if (all) {
        keys = source.settings.keys() + target.settings.keys();
        keys.sort();
        keys.removeDuplicates();
    }
    // What would change: each key whose value in the source differs from the target's.
    struct Difference {
        QString key;
        QJsonValue from; // undefined: the environment lacks the key
        QJsonValue to;
    };
    QList<Difference> diff;
    for (const QString& key : std::as_const(keys)) {
        const QJsonValue from = source.settings.value(key);
        const QJsonValue to = target.settings.value(key);
        if (from.isUndefined() && to.isUndefined())
            throw StoreError(ErrorCode::Invalid, tr("keys: neither “%1” nor “%2” has a setting “%3”.")
                                                     .arg(source.name, target.name, key)).withField(u"keys"_s);
        if (from != to)
            diff.append({key, from, to});
    }

    QTextStream& out = call.out;
    if (call.isSet(u"dry-run"_s)) {
        if (call.json()) {
            const auto orNull = [](const QJsonValue& value) { return value.isUndefined() ? QJsonValue(QJsonValue::Null) : value; };
            QJsonArray array;
            for (const Difference& d : std::as_const(diff))
                array.append(QJsonObject{{u"key"_s, d.key}, {u"from"_s, orNull(d.from)}, {u"to"_s, orNull(d.to)}});
            printJson(out, array);
            return Success;
        }
        const QString fromHeader = tr("FROM %1").arg(source.name);
        int keyWidth = 3;
        int fromWidth = int(fromHeader.size());
        for (const Difference& d : std::as_const(diff)) {
            keyWidth = std::max(keyWidth, int(d.key.size()));
            fromWidth = std::max(fromWidth, int(jsonValueText(d.from).size()));
        }
        out << padded(tr("KEY"), keyWidth) << u"  "_s << padded(fromHeader, fromWidth) << u"  "_s
            << tr("TO %1").arg(target.name) << u'\n';
        for (const Difference& d : std::as_const(diff)) {
            out << padded(d.key, keyWidth) << u"  "_s << padded(jsonValueText(d.from), fromWidth) << u"  "_s
                << jsonValueText(d.to) << u'\n';
        }
        out << tr("Dry run: %n setting(s) would change in “%1”; nothing was changed.\n", nullptr, int(diff.size()))
                   .arg(target.name);
        return Success;
    }

    // Nothing differs: there is nothing to send (and --all over two empty environments names no key).
    const Environment promoted = diff.isEmpty() ? target
                                                : await(call.store.promoteEnvironment(source.id, target.id, keys, target.version));
    if (call.json()) {
        printEnvironment(call, promoted);
        return Success;
    }
    if (promoted.version == target.version) {
        call.out << tr("Nothing to promote: “%1” has the settings of “%2” already.\n").arg(target.name, source.name);
        return Success;
    }
    out << tr("Promoted %n setting(s) from “%1” to “%2”:\n", nullptr, int(diff.size())).arg(source.name, target.name);
    printLines(out, differences(target.settings, promoted.settings));
    return Success;
}

} // namespace TenantDesk::Tenantctl::Admin
