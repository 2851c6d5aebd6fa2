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

QString requiredOption(const Invocation& call, const QString& option, const QString& what)
{
    if (!call.isSet(option))
        throw UsageError{tr("%1 needs --%2 %3.").arg(call.command.join(u' '), option, what)};
    return call.value(option);
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

} // namespace TenantDesk::Tenantctl::Admin
