#include "Tenantctl.h"

#include "AuditChain.h"
#include "DatabaseLocation.h"
#include "JsonCodec.h"
#include "StoreError.h"
#include "StoreFactory.h"
#include "TenantctlAdmin.h"
#include "TenantctlSupport.h"
#include "TenantctlImport.h"
#include "TenantctlReport.h"
#include "TenantctlBilling.h"
#include "TenantctlBillingSummary.h"
#include "TenantctlUsers.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>
#include <QTimeZone>

namespace TenantDesk::Tenantctl {

using namespace Qt::StringLiterals;

namespace {

int demo(const Invocation& call)
{
    const QString scaleText = call.isSet(u"scale"_s) ? call.value(u"scale"_s) : u"small"_s;
    auto scale = DemoScale::parse(scaleText);
    if (!scale)
        throw UsageError{tr("--scale takes “small” or a number of tenants from 1 to 10000000, not “%1”.").arg(scaleText)};
    const auto count = [&call](const QString& option, int maximum) -> std::optional<int> {
        if (!call.isSet(option))
            return std::nullopt;
        bool ok = false;
        const int value = call.value(option).toInt(&ok);
        if (!ok || value < 0 || value > maximum)
            throw UsageError{tr("--%1 takes a whole number from 0 to %2, not “%3”.").arg(option).arg(maximum).arg(call.value(option))};
        return value;
    };
    if (const auto users = count(u"users"_s, 100'000'000))
        scale->users = *users;
    if (const auto days = count(u"usage-days"_s, 3660))
        scale->usageDays = *days;
    await(call.store.open(OpenMode::CreateIfMissing));
    QElapsedTimer timer;
    timer.start();
    const DemoSummary summary = await(call.store.generateDemo(*scale));
    const QLocale locale = QLocale::c();
    call.out << tr("Generated %1 tenants, %2 environments, %3 users, %4 roles, %5 memberships, %6 usage samples, "
                   "%7 billing lines and %8 audit events in %9 s.\n")
                    .arg(locale.toString(summary.tenants), locale.toString(summary.environments),
                         locale.toString(summary.users), locale.toString(summary.roles),
                         locale.toString(summary.memberships), locale.toString(summary.usageSamples),
                         locale.toString(summary.billingLines), locale.toString(summary.auditEvents))
                    .arg(double(timer.elapsed()) / 1000.0, 0, 'f', 1);
    return Success;
}

int tenantsList(const Invocation& call)
{
    TenantQuery query;
    query.limit = 500;
    if (call.isSet(u"parent"_s))
        query.parentId = await(call.store.tenantBySlug(call.value(u"parent"_s))).id;
    QList<Tenant> tenants;
    do {
        const Page<Tenant> page = await(call.store.tenants(query));
        tenants += page.items;
        query.cursor = page.nextCursor;
    } while (!query.cursor.isEmpty());

    if (call.json()) {
        QJsonArray array;
        for (const Tenant& tenant : std::as_const(tenants))
            array.append(JsonCodec::toJson(tenant));
        printJson(call.out, array);
        return Success;
    }
    int slugWidth = 4;
    int nameWidth = 4;
    for (const Tenant& tenant : std::as_const(tenants)) {
        slugWidth = std::max(slugWidth, int(tenant.slug.size()));
        nameWidth = std::max(nameWidth, int(tenant.displayName.size()));
    }
    QTextStream& out = call.out;
    out << padded(tr("SLUG"), slugWidth) << u"  "_s << padded(tr("NAME"), nameWidth) << u"  "_s
        << padded(tr("STATUS"), 15) << u"  "_s << tr("SUB-TENANTS") << u"  "_s << tr("ENVIRONMENTS") << u'\n';
    for (const Tenant& tenant : std::as_const(tenants)) {
        out << padded(tenant.slug, slugWidth) << u"  "_s << padded(tenant.displayName, nameWidth) << u"  "_s
            << padded(tenantStatusKey(tenant.status), 15) << u"  "_s << padded(QString::number(tenant.subTenantCount), 11)
            << u"  "_s << tenant.environmentCount << u'\n';
    }
    return Success;
}

int tenantsShow(const Invocation& call)
{
    const Tenant tenant = await(call.store.tenantBySlug(call.arguments.at(0)));
    const TenantSummary summary = await(call.store.tenantSummary(tenant.id));
    if (call.json()) {
        printJson(call.out, JsonCodec::toJson(summary));
        return Success;
    }
    QStringList path;
    for (const Tenant& ancestor : summary.ancestors)
        path << ancestor.slug;
    const auto line = [&call](const QString& key, const QString& value) {
        call.out << padded(key + u':', 16) << value << u'\n';
    };
    const auto limit = [](const std::optional<int>& value) { return value ? QString::number(*value) : tr("unlimited"); };
    line(tr("Name"), tenant.displayName);
    line(tr("Slug"), tenant.slug);
    line(tr("Parent"), path.isEmpty() ? tr("(platform)") : path.constLast());
    line(tr("Status"), tenantStatusKey(tenant.status));
    line(tr("Domain"), tenant.domain);
    line(tr("Timezone"), tenant.timezone);
    line(tr("Language"), tenant.language);
    line(tr("CPU cores"), limit(tenant.quotas.cpuCores));
    line(tr("Memory GB"), limit(tenant.quotas.memoryGb));
    line(tr("Storage GB"), limit(tenant.quotas.storageGb));
    line(tr("User seats"), limit(tenant.quotas.userSeats));
    line(tr("API rate limit"), limit(tenant.apiRateLimit));
    line(tr("Sub-tenants"), QString::number(tenant.subTenantCount));
    line(tr("Members"), QString::number(summary.memberCount));
    line(tr("Created"), tenant.createdAt.toString(Qt::ISODate));
    QStringList environments;
    for (const Environment& environment : summary.environments)
        environments << u"%1 (%2)"_s.arg(environment.name, environmentKindKey(environment.kind));
    line(tr("Environments"), environments.join(u", "_s));
    return Success;
}

// A time as --since and --until take it: ISO 8601, a date alone meaning its midnight; UTC unless
// the text gives an offset.
QDateTime auditTime(const Invocation& call, const QString& option)
{
    const QString text = call.value(option);
    QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid()) {
        const QDate date = QDate::fromString(text, Qt::ISODate);
        if (date.isValid())
            time = date.startOfDay(QTimeZone::utc());
    }
    if (!time.isValid())
        throw UsageError{tr("--%1 takes an ISO 8601 date or time such as 2026-03-01 or 2026-03-01T12:00:00Z, not “%2”.")
                             .arg(option, text)};
    if (time.timeSpec() == Qt::LocalTime)
        time.setTimeZone(QTimeZone::utc());
    return time;
}

// The audit events `query` selects (of one tenant, by slug, or of the whole platform), newest first.
QList<AuditEvent> auditEvents(const Invocation& call, AuditQuery query, int limit = -1)
{
    query.limit = limit > 0 ? std::min(limit, maximumPageSize) : maximumPageSize;
    if (call.isSet(u"tenant"_s))
        query.tenantId = await(call.store.tenantBySlug(call.value(u"tenant"_s))).id;
    QList<AuditEvent> events;
    do {
        const Page<AuditEvent> page = await(call.store.auditEvents(query));
        events += page.items;
        query.cursor = page.nextCursor;
    } while (!query.cursor.isEmpty() && (limit <= 0 || events.size() < limit));
    if (limit > 0 && events.size() > limit)
        events.resize(limit);
    return events;
}

int auditList(const Invocation& call)
{
    int limit = 50;
    if (call.isSet(u"limit"_s)) {
        bool ok = false;
        limit = call.value(u"limit"_s).toInt(&ok);
        if (!ok || limit < 1 || limit > 1'000'000)
            throw UsageError{tr("--limit takes a whole number from 1 to 1000000, not “%1”.").arg(call.value(u"limit"_s))};
    }
    AuditQuery query;
    query.actor = call.value(u"actor"_s);
    query.action = call.value(u"action"_s);
    query.text = call.value(u"text"_s);
    if (call.isSet(u"since"_s))
        query.from = auditTime(call, u"since"_s);
    if (call.isSet(u"until"_s))
        query.to = auditTime(call, u"until"_s);
    const QList<AuditEvent> events = auditEvents(call, query, limit);
    if (call.json()) {
        QJsonArray array;
        for (const AuditEvent& event : events)
            array.append(JsonCodec::toJson(event));
        printJson(call.out, array);
        return Success;
    }
    QTextStream& out = call.out;
    out << padded(tr("ID"), 8) << padded(tr("AT"), 26) << padded(tr("TENANT"), 8) << padded(tr("ACTOR"), 32)
        << padded(tr("ACTION"), 26) << tr("OBJECT") << u'\n';
    for (const AuditEvent& event : events) {
        out << padded(QString::number(event.id), 8) << padded(event.at.toUTC().toString(Qt::ISODateWithMs), 26)
            << padded(event.tenantId == 0 ? u"-"_s : QString::number(event.tenantId), 8) << padded(event.actor, 32)
            << padded(event.action, 26) << event.objectType << u' ' << event.objectId << u'\n';
    }
    return Success;
}

int auditVerify(const Invocation& call)
{
    const AuditChainReport report = verifyAuditChains(auditEvents(call, AuditQuery{}));
    QString where;
    if (report.firstBreak) {
        where = tr("the platform's own chain");
        if (report.firstBreak->tenantId != 0) {
            try {
                const Tenant tenant = await(call.store.tenant(report.firstBreak->tenantId));
                where = tr("tenant %1 (id %2)").arg(tenant.slug).arg(tenant.id);
            } catch (const StoreError&) {
                where = tr("tenant id %1 (no longer there)").arg(report.firstBreak->tenantId);
            }
        }
    }
    QTextStream& out = call.out;
    if (call.json()) {
        QJsonObject result{{u"events"_s, report.events}, {u"chains"_s, report.chains}, {u"intact"_s, !report.firstBreak}};
        if (report.firstBreak) {
            result.insert(u"first_break"_s, QJsonObject{{u"tenant_id"_s, report.firstBreak->tenantId},
                                                        {u"event_id"_s, report.firstBreak->eventId},
                                                        {u"where"_s, where},
                                                        {u"problem"_s, report.firstBreak->problem}});
        }
        printJson(out, result);
    } else if (!report.firstBreak) {
        out << tr("Verified %1 audit events in %2 chains: every chain is intact.\n").arg(report.events).arg(report.chains);
    } else {
        out << tr("The audit trail is broken at event %1 in %2: %3.\n")
                   .arg(report.firstBreak->eventId).arg(where, report.firstBreak->problem)
            << tr("(%1 events in %2 chains read.)\n").arg(report.events).arg(report.chains);
    }
    return report.firstBreak ? Failed : Success;
}

// One command: its words, what follows them, the options it takes besides --database and --json.
struct Command {
    QStringList words;
    // The positional arguments' names; "[NAME...]" is any number, "NAME..." at least one.
    QStringList arguments;
    QString optionSynopsis;
    const char* summary;
    QStringList options;
    int (*run)(const Invocation&);
    OpenMode openMode = OpenMode::OpenExisting;

    QString synopsis() const
    {
        QStringList parts = words + arguments;
        if (!optionSynopsis.isEmpty())
            parts << optionSynopsis;
        return parts.join(u' ');
    }
    int minimumArguments() const
    {
        return int(std::count_if(arguments.begin(), arguments.end(), [](const QString& a) { return !a.startsWith(u'['); }));
    }
    bool takesMore() const
    {
        return !arguments.isEmpty() && (arguments.constLast().endsWith(u"..."_s) || arguments.constLast().endsWith(u"...]"_s));
    }
};

const QList<Command>& commands()
{
    static const QList<Command> table{
        {{u"demo"_s}, {}, u"[--scale small|N] [--users N] [--usage-days N]"_s,
         QT_TRANSLATE_NOOP("tenantctl", "fill a new database with demo data"),
         {u"scale"_s, u"users"_s, u"usage-days"_s}, demo, OpenMode::CreateIfMissing},
        {{u"tenants"_s, u"list"_s}, {}, u"[--parent SLUG]"_s,
         QT_TRANSLATE_NOOP("tenantctl", "list the top-level tenants or a tenant's sub-tenants"), {u"parent"_s}, tenantsList},
        {{u"tenants"_s, u"show"_s}, {u"SLUG"_s}, {}, QT_TRANSLATE_NOOP("tenantctl", "show one tenant"), {}, tenantsShow},
        {{u"tenants"_s, u"create"_s}, {u"SLUG"_s},
         u"--name NAME [--parent SLUG] [--domain DOMAIN] --timezone TZ --language LANG [--environments KIND,KIND...]"_s,
         QT_TRANSLATE_NOOP("tenantctl", "create a tenant (requested) with one environment of each kind named"),
         {u"name"_s, u"parent"_s, u"domain"_s, u"timezone"_s, u"language"_s, u"environments"_s}, Admin::tenantsCreate},
        {{u"tenants"_s, u"update"_s}, {u"SLUG"_s},
         u"[--name NAME] [--domain DOMAIN] [--timezone TZ] [--language LANG] [--cpu-cores N|none] [--memory-gb N|none] "
         "[--storage-gb N|none] [--user-seats N|none] [--rate-limit N|none] [--flag NAME=on|off|inherit]... "
         "[--policy KEY=VALUE]... [--setting KEY=VALUE]... [--unset-setting KEY]..."_s,
         QT_TRANSLATE_NOOP("tenantctl", "change a tenant in one versioned edit; policy keys: password_min_length,\n"
                                        "password_classes, mfa_required, session_timeout_minutes, ip_allow_list=CIDR,CIDR\n"
                                        "(KEY= with no value removes a key)"),
         {u"name"_s, u"domain"_s, u"timezone"_s, u"language"_s, u"cpu-cores"_s, u"memory-gb"_s, u"storage-gb"_s,
          u"user-seats"_s, u"rate-limit"_s, u"flag"_s, u"policy"_s, u"setting"_s, u"unset-setting"_s},
         Admin::tenantsUpdate},
        {{u"tenants"_s, u"move"_s}, {u"SLUG"_s}, u"--parent SLUG|--top-level"_s,
         QT_TRANSLATE_NOOP("tenantctl", "move a tenant and its sub-tree under another parent"),
         {u"parent"_s, u"top-level"_s}, Admin::tenantsMove},
        {{u"tenants"_s, u"provision"_s}, {u"SLUG"_s}, {}, QT_TRANSLATE_NOOP("tenantctl", "requested → provisioning"), {},
         Admin::tenantsChangeStatus},
        {{u"tenants"_s, u"activate"_s}, {u"SLUG"_s}, {}, QT_TRANSLATE_NOOP("tenantctl", "provisioning → active"), {},
         Admin::tenantsChangeStatus},
        {{u"tenants"_s, u"suspend"_s}, {u"SLUG"_s}, {}, QT_TRANSLATE_NOOP("tenantctl", "active → suspended"), {},
         Admin::tenantsChangeStatus},
        {{u"tenants"_s, u"resume"_s}, {u"SLUG"_s}, {}, QT_TRANSLATE_NOOP("tenantctl", "suspended → active"), {},
         Admin::tenantsChangeStatus},
        {{u"tenants"_s, u"decommission"_s}, {u"SLUG"_s}, u"--backup FILE [--force] [--notify-note TEXT] [--confirm SLUG]"_s,
         QT_TRANSLATE_NOOP("tenantctl", "retire a suspended tenant: back it up to FILE, work through the checklist,\n"
                                        "delete its data (only with --confirm SLUG) and archive it; run again to continue"),
         {u"backup"_s, u"force"_s, u"notify-note"_s, u"confirm"_s}, Admin::tenantsDecommission},
        {{u"tenants"_s, u"restore"_s}, {u"FILE"_s}, u"[--parent SLUG|--top-level]"_s,
         QT_TRANSLATE_NOOP("tenantctl", "restore a backup, suspended: over its archived tenant, or as a new one"),
         {u"parent"_s, u"top-level"_s}, Admin::tenantsRestore},
        {{u"tenants"_s, u"delete"_s}, {u"SLUG"_s}, u"--confirm SLUG"_s,
         QT_TRANSLATE_NOOP("tenantctl", "delete a requested or archived tenant"), {u"confirm"_s}, Admin::tenantsDelete},
        {{u"environments"_s, u"list"_s}, {u"SLUG"_s}, {}, QT_TRANSLATE_NOOP("tenantctl", "a tenant's environments"), {},
         Admin::environmentsList},
        {{u"environments"_s, u"add"_s}, {u"SLUG"_s, u"NAME"_s}, u"--kind KIND [--setting KEY=VALUE]..."_s,
         QT_TRANSLATE_NOOP("tenantctl", "add an environment (production, staging, development or sandbox)"),
         {u"kind"_s, u"setting"_s}, Admin::environmentsAdd},
        {{u"environments"_s, u"rename"_s}, {u"SLUG"_s, u"NAME"_s, u"NEW"_s}, {},
         QT_TRANSLATE_NOOP("tenantctl", "rename an environment"), {}, Admin::environmentsRename},
        {{u"environments"_s, u"set"_s}, {u"SLUG"_s, u"NAME"_s, u"[KEY=VALUE...]"_s}, u"[--unset KEY]..."_s,
         QT_TRANSLATE_NOOP("tenantctl", "change an environment's settings (numbers and true/false are read as such)"),
         {u"unset"_s}, Admin::environmentsSet},
        {{u"environments"_s, u"remove"_s}, {u"SLUG"_s, u"NAME"_s}, u"--confirm NAME"_s,
         QT_TRANSLATE_NOOP("tenantctl", "remove an environment and the memberships held on it"), {u"confirm"_s},
         Admin::environmentsRemove},
        {{u"environments"_s, u"promote"_s}, {u"SLUG"_s}, u"--from NAME --to NAME --keys KEY,KEY...|--all [--dry-run]"_s,
         QT_TRANSLATE_NOOP("tenantctl", "copy settings from one environment to another (--all: make the target's\n"
                                        "settings the source's); --dry-run shows the differences and changes nothing"),
         {u"from"_s, u"to"_s, u"keys"_s, u"all"_s, u"dry-run"_s}, Admin::environmentsPromote},
        {{u"users"_s, u"list"_s}, {},
         u"[--tenant SLUG] [--environment NAME] [--role NAME] [--status S] [--search TEXT] "
         "[--sort name|email|status|last-sign-in|created] [--desc] [--limit N] [--all]"_s,
         QT_TRANSLATE_NOOP("tenantctl", "users, the first 100 by name unless --limit or --all; --tenant: members of the\n"
                                        "tenant or its environments; --search: in the name or e-mail address"),
         {u"tenant"_s, u"environment"_s, u"role"_s, u"status"_s, u"search"_s, u"sort"_s, u"desc"_s, u"limit"_s, u"all"_s},
         Users::usersList},
        {{u"users"_s, u"show"_s}, {u"EMAIL"_s}, {},
         QT_TRANSLATE_NOOP("tenantctl", "one user: profile, platform roles, memberships and what they also apply to"), {},
         Users::usersShow},
        {{u"users"_s, u"create"_s}, {u"EMAIL"_s}, u"--name NAME [--status invited|active] [--tenant SLUG --role NAME "
                                                 "[--environment NAME]]"_s,
         QT_TRANSLATE_NOOP("tenantctl", "create a user (invited unless --status active), with a first membership"),
         {u"name"_s, u"status"_s, u"tenant"_s, u"role"_s, u"environment"_s}, Users::usersCreate},
        {{u"users"_s, u"update"_s}, {u"EMAIL"_s}, u"[--name NAME] [--email NEW] [--status invited|active|disabled]"_s,
         QT_TRANSLATE_NOOP("tenantctl", "change a user's name, e-mail address or status in one versioned edit"),
         {u"name"_s, u"email"_s, u"status"_s}, Users::usersUpdate},
        {{u"users"_s, u"disable"_s}, {u"EMAIL..."_s}, {},
         QT_TRANSLATE_NOOP("tenantctl", "disable users, all in one change or none"), {}, Users::usersSetStatus},
        {{u"users"_s, u"enable"_s}, {u"EMAIL..."_s}, {},
         QT_TRANSLATE_NOOP("tenantctl", "make users active again, all in one change or none"), {}, Users::usersSetStatus},
        {{u"users"_s, u"assign"_s}, {u"EMAIL..."_s}, u"--tenant SLUG --role NAME [--environment NAME]"_s,
         QT_TRANSLATE_NOOP("tenantctl", "grant users a role on a tenant or one of its environments"),
         {u"tenant"_s, u"role"_s, u"environment"_s}, Users::usersAssign},
        {{u"users"_s, u"unassign"_s}, {u"EMAIL..."_s}, u"--tenant SLUG --role NAME [--environment NAME]"_s,
         QT_TRANSLATE_NOOP("tenantctl", "take a role on a tenant or environment away from users"),
         {u"tenant"_s, u"role"_s, u"environment"_s}, Users::usersAssign},
        {{u"users"_s, u"move"_s}, {u"EMAIL..."_s}, u"--from SLUG[/ENV] --to SLUG[/ENV]"_s,
         QT_TRANSLATE_NOOP("tenantctl", "move users' memberships to another tenant or environment, roles kept;\n"
                                        "one user that cannot move stops them all"),
         {u"from"_s, u"to"_s}, Users::usersMove},
        {{u"users"_s, u"permissions"_s}, {u"EMAIL"_s}, u"--tenant SLUG"_s,
         QT_TRANSLATE_NOOP("tenantctl", "a user's effective permissions on a tenant, each with the memberships and\n"
                                        "roles that grant it"),
         {u"tenant"_s}, Users::usersPermissions},
        {{u"roles"_s, u"list"_s}, {}, u"[--tenant SLUG]"_s,
         QT_TRANSLATE_NOOP("tenantctl", "the built-in roles, and the custom roles usable on a tenant"), {u"tenant"_s},
         Users::rolesList},
        {{u"roles"_s, u"create"_s}, {u"ROLE"_s},
         u"--tenant SLUG [--scope tenant|environment] [--permission P]... [--include ROLE]... [--description TEXT]"_s,
         QT_TRANSLATE_NOOP("tenantctl", "create a custom role of a tenant; --include makes it composite"),
         {u"tenant"_s, u"scope"_s, u"permission"_s, u"include"_s, u"description"_s}, Users::rolesCreate},
        {{u"roles"_s, u"update"_s}, {u"ROLE"_s},
         u"--tenant SLUG [--name NEW] [--description TEXT] [--permission P|none]... [--include ROLE|none]..."_s,
         QT_TRANSLATE_NOOP("tenantctl", "change a custom role; --permission and --include replace the lists"),
         {u"tenant"_s, u"name"_s, u"description"_s, u"permission"_s, u"include"_s}, Users::rolesUpdate},
        {{u"roles"_s, u"delete"_s}, {u"ROLE"_s}, u"--tenant SLUG --confirm ROLE"_s,
         QT_TRANSLATE_NOOP("tenantctl", "delete a custom role that nobody holds and no role includes"),
         {u"tenant"_s, u"confirm"_s}, Users::rolesDelete},
        {{u"roles"_s, u"grant"_s}, {u"ROLE"_s, u"EMAIL..."_s}, u"--tenant SLUG [--environment NAME]"_s,
         QT_TRANSLATE_NOOP("tenantctl", "grant a role to users on a tenant or one of its environments"),
         {u"tenant"_s, u"environment"_s}, Users::rolesGrant},
        {{u"import"_s, u"csv"_s}, {u"FILE"_s}, u"[--tenant SLUG] [--dry-run]"_s,
         QT_TRANSLATE_NOOP("tenantctl", "import users and memberships from CSV (email, display_name, status, tenant,\n"
                                        "environment, role); rows without a tenant go to --tenant"),
         {u"tenant"_s, u"dry-run"_s}, Import::importUsers},
        {{u"import"_s, u"json"_s}, {u"FILE"_s}, u"[--tenant SLUG] [--dry-run]"_s,
         QT_TRANSLATE_NOOP("tenantctl", "import users and memberships from JSON; each problem is named by line and\n"
                                        "field, and nothing is written while any remains; --dry-run checks only"),
         {u"tenant"_s, u"dry-run"_s}, Import::importUsers},
        {{u"import"_s, u"keycloak"_s}, {u"FILE-OR-FOLDER"_s}, u"[--dry-run]"_s,
         QT_TRANSLATE_NOOP("tenantctl", "import a Keycloak realm export (a file, or a folder from kc.sh export) as a\n"
                                        "new tenant per realm, with a report of what was mapped and skipped"),
         {u"dry-run"_s}, Import::importKeycloak},
        {{u"export"_s, u"csv"_s}, {}, u"[--tenant SLUG] [--output FILE]"_s,
         QT_TRANSLATE_NOOP("tenantctl", "users and their memberships as CSV, as import csv reads them"),
         {u"tenant"_s, u"output"_s}, Import::exportUsers},
        {{u"export"_s, u"json"_s}, {}, u"[--tenant SLUG] [--output FILE]"_s,
         QT_TRANSLATE_NOOP("tenantctl", "users and their memberships as JSON, as import json reads them"),
         {u"tenant"_s, u"output"_s}, Import::exportUsers},
        {{u"audit"_s, u"list"_s}, {},
         u"[--tenant SLUG] [--actor ACTOR] [--action ACTION] [--since TIME] [--until TIME] [--text TEXT] [--limit N]"_s,
         QT_TRANSLATE_NOOP("tenantctl", "the newest audit events (50 unless --limit); --action takes an action or\n"
                                        "a prefix ending in “.” (tenant.); times are ISO 8601, UTC unless an offset is given"),
         {u"tenant"_s, u"actor"_s, u"action"_s, u"since"_s, u"until"_s, u"text"_s, u"limit"_s}, auditList},
        {{u"audit"_s, u"verify"_s}, {}, u"[--tenant SLUG]"_s,
         QT_TRANSLATE_NOOP("tenantctl", "check the audit trail's hash chains; exit status 1 names the first broken link"),
         {u"tenant"_s}, auditVerify},
        {{u"billing"_s, u"import"_s}, {u"FILE"_s},
         u"[--format focus|aws-cur|aws-cur2|azure-ea|azure-mca] [--tenant-tag KEY] [--on-duplicate refuse|skip|replace]"_s,
         QT_TRANSLATE_NOOP("tenantctl", "import a billing export (FOCUS, AWS CUR, Azure cost details; plain, .gz or .zip)\n"
                                        "in one transaction, its lines attributed to tenants by the rules; --tenant-tag adds\n"
                                        "a tag whose value is a tenant's slug to the rules; the same file again is refused\n"
                                        "unless --on-duplicate skip or replace"),
         {u"format"_s, u"tenant-tag"_s, u"on-duplicate"_s}, Billing::billingImport},
        {{u"billing"_s, u"imports"_s}, {}, {}, QT_TRANSLATE_NOOP("tenantctl", "the billing imports, newest first"), {},
         Billing::billingImports},
        {{u"billing"_s, u"delete-import"_s}, {u"ID"_s}, {},
         QT_TRANSLATE_NOOP("tenantctl", "delete an import with its lines and roll-ups"), {}, Billing::billingDeleteImport},
        {{u"billing"_s, u"summary"_s}, {}, u"[--by tenant,service,month] [--tenant SLUG] [--from DAY] [--to DAY] [--csv]"_s,
         QT_TRANSLATE_NOOP("tenantctl", "cost summed exactly by any of tenant, service and month (and always currency),\n"
                                        "from the roll-ups; shares of shared cost count in their tenant's sums, cost of no\n"
                                        "tenant is “(unallocated)”; --to is the last day included"),
         {u"by"_s, u"tenant"_s, u"from"_s, u"to"_s, u"csv"_s}, Billing::billingSummary},
        {{u"billing"_s, u"rules"_s, u"show"_s}, {}, {},
         QT_TRANSLATE_NOOP("tenantctl", "the attribution rules; with --json the document billing rules set reads"), {},
         Billing::billingRulesShow},
        {{u"billing"_s, u"rules"_s, u"set"_s}, {u"FILE"_s}, {},
         QT_TRANSLATE_NOOP("tenantctl", "store attribution rules from a JSON file and apply them again to every billing\n"
                                        "line; a file with a \"version\" is refused when the rules changed since"),
         {}, Billing::billingRulesSet},
        {{u"billing"_s, u"budget"_s}, {u"SLUG"_s, u"AMOUNT"_s, u"CURRENCY"_s}, {},
         QT_TRANSLATE_NOOP("tenantctl", "set a tenant's monthly budget in a currency; AMOUNT none removes it"), {},
         Billing::billingBudget},
        {{u"billing"_s, u"report"_s}, {}, u"--pdf FILE|--xlsx FILE|--output FILE.csv [--tenant SLUG] [--since TIME] [--until TIME] [--branding-dir DIR]"_s,
         QT_TRANSLATE_NOOP("tenantctl", "the billing review as a report: totals by tenant, service and month, month over\n"
                                        "month, budgets, and in the PDF a chart; --output takes its format from the suffix"),
         {u"pdf"_s, u"xlsx"_s, u"output"_s, u"tenant"_s, u"since"_s, u"until"_s, u"branding-dir"_s}, Report::billingReport},
    };
    return table;
}

// A synopsis in lines of at most `width` characters, each "[...]" kept whole; lines after the first
// indented further.
QStringList wrappedSynopsis(const QString& synopsis, qsizetype width)
{
    QStringList groups;
    int depth = 0;
    for (const QString& word : synopsis.split(u' ')) {
        if (depth > 0)
            groups.last() += u' ' + word;
        else
            groups << word;
        depth += int(word.count(u'[')) - int(word.count(u']'));
    }
    QStringList lines{u"  "_s + groups.constFirst()};
    for (qsizetype i = 1; i < groups.size(); ++i) {
        if (lines.constLast().size() + 1 + groups.at(i).size() > width)
            lines << u"      "_s + groups.at(i);
        else
            lines.last() += u' ' + groups.at(i);
    }
    return lines;
}

QString commandsHelp()
{
    QString help;
    constexpr int column = 36;
    const QString indent(column, u' ');
    for (const Command& command : commands()) {
        const QStringList synopsis = wrappedSynopsis(command.synopsis(), 100);
        const QStringList summary = tr(command.summary).split(u'\n');
        if (synopsis.size() == 1 && synopsis.constFirst().size() < column - 1)
            help += padded(synopsis.constFirst(), column) + summary.constFirst() + u'\n';
        else
            help += synopsis.join(u'\n') + u'\n' + indent + summary.constFirst() + u'\n';
        for (qsizetype i = 1; i < summary.size(); ++i)
            help += indent + summary.at(i) + u'\n';
    }
    return help;
}

// What a missing positional argument is, in words.
QString argumentMeaning(const Command& command, const QString& name)
{
    if (name == u"FILE"_s && command.words.value(1) == u"rules"_s)
        return tr("the rules file (JSON)");
    if (name == u"AMOUNT"_s)
        return tr("the monthly amount (or none)");
    if (name == u"CURRENCY"_s)
        return tr("the currency (USD, EUR, ...)");
    if (name == u"FILE"_s && command.words.constFirst() == u"import"_s)
        return tr("the file to import");
    if (name == u"FILE-OR-FOLDER"_s)
        return tr("the realm export: a file, or a folder from kc.sh export");
    if (name == u"EMAIL"_s)
        return tr("the user's e-mail address");
    if (name == u"EMAIL..."_s)
        return tr("the e-mail address of at least one user");
    if (name == u"ROLE"_s)
        return tr("the role's name");
    if (name == u"SLUG"_s)
        return tr("the tenant's slug");
    if (name == u"NAME"_s)
        return tr("the environment's name");
    if (name == u"NEW"_s)
        return tr("the environment's new name");
    if (name == u"FILE"_s)
        return tr("the backup file");
    return name;
}

// The command `positional` names, with its arguments checked; UsageError otherwise.
const Command& commandFor(const QStringList& positional, const QCommandLineParser& parser)
{
    const Command* found = nullptr;
    for (const Command& command : commands()) {
        if (positional.mid(0, command.words.size()) == command.words
            && (!found || command.words.size() > found->words.size()))
            found = &command;
    }
    if (!found)
        throw UsageError{tr("unknown command “%1”; see tenantctl --help.").arg(positional.join(u' '))};
    const Command& command = *found;
    const qsizetype given = positional.size() - command.words.size();
    const QString name = command.words.join(u' ');
    if (given < command.minimumArguments()) {
        throw UsageError{tr("%1 needs %2 (usage: tenantctl %3).")
                             .arg(name, argumentMeaning(command, command.arguments.at(given)), command.synopsis())};
    }
    if (given > command.arguments.size() && !command.takesMore()) {
        throw UsageError{tr("%1 takes no argument “%2” (usage: tenantctl %3).")
                             .arg(name, positional.at(command.words.size() + command.arguments.size()), command.synopsis())};
    }
    const QStringList everywhere{u"database"_s, u"json"_s};
    for (const QString& option : parser.optionNames()) {
        if (!everywhere.contains(option) && !command.options.contains(option))
            throw UsageError{tr("--%1 does not apply to %2 (usage: tenantctl %3).").arg(option, name, command.synopsis())};
    }
    return command;
}

QList<QCommandLineOption> options()
{
    const auto option = [](const QString& name, const char* description, const QString& valueName = {}) {
        return QCommandLineOption(name, tr(description), valueName);
    };
    return {
        option(u"database"_s, QT_TRANSLATE_NOOP("tenantctl", "The TenantDesk database: a file, sqlite:FILE or "
                                                             "postgresql://USER@HOST:PORT/DATABASE."), u"database"_s),
        option(u"json"_s, QT_TRANSLATE_NOOP("tenantctl", "Print JSON instead of text.")),
        option(u"scale"_s, QT_TRANSLATE_NOOP("tenantctl", "With demo: “small” or a number of tenants."), u"scale"_s),
        option(u"users"_s, QT_TRANSLATE_NOOP("tenantctl", "With demo: how many users (default: 300 for small, ten per "
                                                          "tenant otherwise)."), u"count"_s),
        option(u"usage-days"_s, QT_TRANSLATE_NOOP("tenantctl", "With demo: days of hourly usage samples (default 90)."),
               u"days"_s),
        option(u"parent"_s, QT_TRANSLATE_NOOP("tenantctl", "The parent tenant's slug."), u"slug"_s),
        option(u"top-level"_s, QT_TRANSLATE_NOOP("tenantctl", "With tenants move and restore: at the top level.")),
        option(u"name"_s, QT_TRANSLATE_NOOP("tenantctl", "A tenant's or user's display name; with roles update, the role's "
                                                    "new name."), u"name"_s),
        option(u"domain"_s, QT_TRANSLATE_NOOP("tenantctl", "A tenant's domain (empty for none)."), u"domain"_s),
        option(u"timezone"_s, QT_TRANSLATE_NOOP("tenantctl", "A tenant's IANA time zone (Europe/Berlin)."), u"tz"_s),
        option(u"language"_s, QT_TRANSLATE_NOOP("tenantctl", "A tenant's language (de, en-GB)."), u"lang"_s),
        option(u"environments"_s, QT_TRANSLATE_NOOP("tenantctl", "With tenants create: the kinds of environment to "
                                                                 "create, comma-separated."), u"kinds"_s),
        option(u"cpu-cores"_s, QT_TRANSLATE_NOOP("tenantctl", "CPU cores quota, or none."), u"n"_s),
        option(u"memory-gb"_s, QT_TRANSLATE_NOOP("tenantctl", "Memory quota in GB, or none."), u"n"_s),
        option(u"storage-gb"_s, QT_TRANSLATE_NOOP("tenantctl", "Storage quota in GB, or none."), u"n"_s),
        option(u"user-seats"_s, QT_TRANSLATE_NOOP("tenantctl", "User seats quota, or none."), u"n"_s),
        option(u"rate-limit"_s, QT_TRANSLATE_NOOP("tenantctl", "API requests per minute, or none."), u"n"_s),
        option(u"flag"_s, QT_TRANSLATE_NOOP("tenantctl", "A feature flag: NAME=on, off or inherit."), u"name=value"_s),
        option(u"policy"_s, QT_TRANSLATE_NOOP("tenantctl", "A security policy field: KEY=VALUE (KEY= removes it)."),
               u"key=value"_s),
        option(u"setting"_s, QT_TRANSLATE_NOOP("tenantctl", "A setting: KEY=VALUE."), u"key=value"_s),
        option(u"unset-setting"_s, QT_TRANSLATE_NOOP("tenantctl", "With tenants update: remove an integration "
                                                                  "setting."), u"key"_s),
        option(u"backup"_s, QT_TRANSLATE_NOOP("tenantctl", "With tenants decommission: the backup file to write."),
               u"file"_s),
        option(u"force"_s, QT_TRANSLATE_NOOP("tenantctl", "With tenants decommission: overwrite an existing backup "
                                                          "file.")),
        option(u"notify-note"_s, QT_TRANSLATE_NOOP("tenantctl", "With tenants decommission: how the users were told."),
               u"text"_s),
        option(u"confirm"_s, QT_TRANSLATE_NOOP("tenantctl", "The slug (or environment or role name) typed again, to delete."),
               u"slug"_s),
        option(u"kind"_s, QT_TRANSLATE_NOOP("tenantctl", "With environments add: production, staging, development or "
                                                         "sandbox."), u"kind"_s),
        option(u"unset"_s, QT_TRANSLATE_NOOP("tenantctl", "With environments set: remove a setting."), u"key"_s),
        option(u"from"_s, QT_TRANSLATE_NOOP("tenantctl", "With environments promote: the source environment; with users "
                                                    "move: SLUG or SLUG/ENVIRONMENT; with billing summary: the first "
                                                    "day."), u"name"_s),
        option(u"to"_s, QT_TRANSLATE_NOOP("tenantctl", "With environments promote: the target environment; with users "
                                                  "move: SLUG or SLUG/ENVIRONMENT; with billing summary: the last "
                                                  "day."), u"name"_s),
        option(u"keys"_s, QT_TRANSLATE_NOOP("tenantctl", "With environments promote: the settings, comma-separated."),
               u"keys"_s),
        option(u"all"_s, QT_TRANSLATE_NOOP("tenantctl", "With environments promote: every setting either environment "
                                                   "has; with users list: every user that matches.")),
        option(u"dry-run"_s, QT_TRANSLATE_NOOP("tenantctl", "With environments promote: show the differences, change "
                                                            "nothing; with import: check only, write nothing.")),
        option(u"output"_s, QT_TRANSLATE_NOOP("tenantctl", "With export: the file to write (default: standard output)."),
               u"file"_s),
        option(u"tenant"_s, QT_TRANSLATE_NOOP("tenantctl", "A tenant's slug: with audit, only its events; with users and "
                                                      "roles, the tenant they are members or roles of."), u"slug"_s),
        option(u"actor"_s, QT_TRANSLATE_NOOP("tenantctl", "With audit list: only this actor's events."), u"actor"_s),
        option(u"action"_s, QT_TRANSLATE_NOOP("tenantctl", "With audit list: this action, or a prefix ending in “.”."),
               u"action"_s),
        option(u"since"_s, QT_TRANSLATE_NOOP("tenantctl", "With audit list: events at or after this time."), u"time"_s),
        option(u"until"_s, QT_TRANSLATE_NOOP("tenantctl", "With audit list: events before this time."), u"time"_s),
        option(u"text"_s, QT_TRANSLATE_NOOP("tenantctl", "With audit list: events whose object, actor or values "
                                                         "contain this text."), u"text"_s),
        option(u"limit"_s, QT_TRANSLATE_NOOP("tenantctl", "With audit list: how many events (default 50); with users list: "
                                                     "how many users (default 100)."), u"count"_s),
        option(u"environment"_s, QT_TRANSLATE_NOOP("tenantctl", "With users and roles: an environment of --tenant, by "
                                                                "name."), u"name"_s),
        option(u"role"_s, QT_TRANSLATE_NOOP("tenantctl", "With users: a role, by name (built in, or a custom role of "
                                                         "--tenant or its ancestors)."), u"name"_s),
        option(u"status"_s, QT_TRANSLATE_NOOP("tenantctl", "With users: invited, active or disabled."), u"status"_s),
        option(u"search"_s, QT_TRANSLATE_NOOP("tenantctl", "With users list: users whose name or e-mail address "
                                                           "contains this text."), u"text"_s),
        option(u"sort"_s, QT_TRANSLATE_NOOP("tenantctl", "With users list: name, email, status, last-sign-in or "
                                                         "created."), u"column"_s),
        option(u"desc"_s, QT_TRANSLATE_NOOP("tenantctl", "With users list: sort in descending order.")),
        option(u"email"_s, QT_TRANSLATE_NOOP("tenantctl", "With users update: the new e-mail address."), u"email"_s),
        option(u"scope"_s, QT_TRANSLATE_NOOP("tenantctl", "With roles create: tenant (the default) or environment."),
               u"scope"_s),
        option(u"permission"_s, QT_TRANSLATE_NOOP("tenantctl", "With roles: a permission (resource.action), repeated "
                                                               "or comma-separated; none for none."), u"permission"_s),
        option(u"include"_s, QT_TRANSLATE_NOOP("tenantctl", "With roles: a role the role includes, repeated; none for "
                                                            "none."), u"role"_s),
        option(u"description"_s, QT_TRANSLATE_NOOP("tenantctl", "With roles: what the role is for."), u"text"_s),
        option(u"format"_s, QT_TRANSLATE_NOOP("tenantctl", "With billing import: the file's format (focus, aws-cur, "
                                                           "aws-cur2, azure-ea, azure-mca); detected from the header "
                                                           "otherwise."), u"format"_s),
        option(u"tenant-tag"_s, QT_TRANSLATE_NOOP("tenantctl", "With billing import: a tag key whose value is a tenant's "
                                                               "slug (added to the attribution rules)."), u"key"_s),
        option(u"on-duplicate"_s, QT_TRANSLATE_NOOP("tenantctl", "With billing import: what to do when the same file was "
                                                                 "imported before: refuse (the default), skip or replace."),
               u"action"_s),
        option(u"by"_s, QT_TRANSLATE_NOOP("tenantctl", "With billing summary: group by tenant, service and month, "
                                                       "comma-separated (default: tenant)."), u"dimensions"_s),
        option(u"csv"_s, QT_TRANSLATE_NOOP("tenantctl", "With billing summary: print CSV.")),
        option(u"pdf"_s, QT_TRANSLATE_NOOP("tenantctl", "With billing report: the PDF file to write."), u"file"_s),
        option(u"xlsx"_s, QT_TRANSLATE_NOOP("tenantctl", "With billing report: the XLSX file to write."), u"file"_s),
        option(u"branding-dir"_s, QT_TRANSLATE_NOOP("tenantctl", "With billing report: read branding packs from "
                                                                 "<dir>/<tenant slug>/ first (see docs/BRANDING.md)."),
               u"dir"_s),
    };
}

} // namespace

int run(const QStringList& arguments)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(tr(
        "Administer TenantDesk tenants, users and roles from the command line.\n\n"
        "The database (--database) is a TenantDesk file (PATH or sqlite:PATH) or a PostgreSQL database\n"
        "(postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE; without a password in the URL, PostgreSQL's\n"
        "PGPASSWORD or ~/.pgpass gives it). A new PostgreSQL database is filled as the role that is to own\n"
        "the tables; see docs/POSTGRESQL.md. Every command takes --json to print JSON.\n\n"
        "Exit status: 0 done, 1 the operation failed or was refused (the message names the field),\n"
        "2 bad usage.\n\n"
        "Commands:\n") + commandsHelp());
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions(options());
    parser.addPositionalArgument(u"command"_s, tr("One of the commands above."), u"command [arguments]"_s);

    try {
        if (!parser.parse(arguments))
            throw UsageError{parser.errorText()};
        if (parser.isSet(u"help"_s)) {
            out << parser.helpText();
            return Success;
        }
        if (parser.isSet(u"version"_s)) {
            out << QCoreApplication::applicationName() << u' ' << QCoreApplication::applicationVersion() << u'\n';
            return Success;
        }
        const QStringList positional = parser.positionalArguments();
        if (positional.isEmpty())
            throw UsageError{tr("no command given; see tenantctl --help.")};
        const Command& command = commandFor(positional, parser);
        if (!parser.isSet(u"database"_s))
            throw UsageError{tr("--database is required: a database file or a postgresql:// URL.")};
        std::unique_ptr<Store> store;
        QString database;
        try {
            database = DatabaseLocation::parse(parser.value(u"database"_s)).shown();
            store = StoreFactory::localDatabase(parser.value(u"database"_s));
        } catch (const StoreError& error) {
            throw UsageError{u"--database: "_s + error.message()}; // names the URL, never its password
        }
        const Invocation call{*store, parser, command.words, positional.mid(command.words.size()), database, out};
        if (command.openMode == OpenMode::OpenExisting)
            await(store->open(OpenMode::OpenExisting));
        return command.run(call);
    } catch (const UsageError& error) {
        out.flush();
        err << u"tenantctl: "_s << error.message << u'\n';
        return BadUsage;
    } catch (const StoreError& error) {
        out.flush();
        // The field a refusal is about, when the message does not name it already.
        const bool named = error.field().isEmpty() || error.message().contains(error.field());
        err << u"tenantctl: "_s << (named ? QString() : QString(error.field() + u": "_s)) << error.fullMessage() << u'\n';
        return Failed;
    }
}

} // namespace TenantDesk::Tenantctl
