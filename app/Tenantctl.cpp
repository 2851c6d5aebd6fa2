#include "Tenantctl.h"

#include "AuditChain.h"
#include "JsonCodec.h"
#include "StoreError.h"
#include "StoreFactory.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QTextStream>

namespace TenantDesk::Tenantctl {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("tenantctl", text);
}

struct UsageError {
    QString message;
};

// A command line tool may wait for its futures: there is no window to keep responsive.
template<typename T>
T await(QFuture<T> future)
{
    return future.result(); // rethrows the StoreError of a failed operation
}

void printJson(QTextStream& out, const QJsonValue& value)
{
    const QJsonDocument document = value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
    out << QString::fromUtf8(document.toJson(QJsonDocument::Indented));
}

QString padded(const QString& text, int width)
{
    return text.leftJustified(width, u' ');
}

int demo(Store& store, const QCommandLineParser& parser, QTextStream& out)
{
    const QString scaleText = parser.isSet(u"scale"_s) ? parser.value(u"scale"_s) : u"small"_s;
    auto scale = DemoScale::parse(scaleText);
    if (!scale)
        throw UsageError{tr("--scale takes “small” or a number of tenants from 1 to 10000000, not “%1”.").arg(scaleText)};
    const auto count = [&parser](const QString& option, int maximum) -> std::optional<int> {
        if (!parser.isSet(option))
            return std::nullopt;
        bool ok = false;
        const int value = parser.value(option).toInt(&ok);
        if (!ok || value < 0 || value > maximum)
            throw UsageError{tr("--%1 takes a whole number from 0 to %2, not “%3”.").arg(option).arg(maximum).arg(parser.value(option))};
        return value;
    };
    if (const auto users = count(u"users"_s, 100'000'000))
        scale->users = *users;
    if (const auto days = count(u"usage-days"_s, 3660))
        scale->usageDays = *days;
    await(store.open(OpenMode::CreateIfMissing));
    QElapsedTimer timer;
    timer.start();
    const DemoSummary summary = await(store.generateDemo(*scale));
    const QLocale locale = QLocale::c();
    out << tr("Generated %1 tenants, %2 environments, %3 users, %4 roles, %5 memberships, %6 usage samples, "
              "%7 billing lines and %8 audit events in %9 s.\n")
               .arg(locale.toString(summary.tenants), locale.toString(summary.environments),
                    locale.toString(summary.users), locale.toString(summary.roles),
                    locale.toString(summary.memberships), locale.toString(summary.usageSamples),
                    locale.toString(summary.billingLines), locale.toString(summary.auditEvents))
               .arg(double(timer.elapsed()) / 1000.0, 0, 'f', 1);
    return Success;
}

int tenantsList(Store& store, const QCommandLineParser& parser, QTextStream& out)
{
    await(store.open(OpenMode::OpenExisting));
    TenantQuery query;
    query.limit = 500;
    if (parser.isSet(u"parent"_s))
        query.parentId = await(store.tenantBySlug(parser.value(u"parent"_s))).id;
    QList<Tenant> tenants;
    do {
        const Page<Tenant> page = await(store.tenants(query));
        tenants += page.items;
        query.cursor = page.nextCursor;
    } while (!query.cursor.isEmpty());

    if (parser.isSet(u"json"_s)) {
        QJsonArray array;
        for (const Tenant& tenant : std::as_const(tenants))
            array.append(JsonCodec::toJson(tenant));
        printJson(out, array);
        return Success;
    }
    int slugWidth = 4;
    int nameWidth = 4;
    for (const Tenant& tenant : std::as_const(tenants)) {
        slugWidth = std::max(slugWidth, int(tenant.slug.size()));
        nameWidth = std::max(nameWidth, int(tenant.displayName.size()));
    }
    out << padded(tr("SLUG"), slugWidth) << u"  "_s << padded(tr("NAME"), nameWidth) << u"  "_s
        << padded(tr("STATUS"), 15) << u"  "_s << tr("SUB-TENANTS") << u"  "_s << tr("ENVIRONMENTS") << u'\n';
    for (const Tenant& tenant : std::as_const(tenants)) {
        out << padded(tenant.slug, slugWidth) << u"  "_s << padded(tenant.displayName, nameWidth) << u"  "_s
            << padded(tenantStatusKey(tenant.status), 15) << u"  "_s << padded(QString::number(tenant.subTenantCount), 11)
            << u"  "_s << tenant.environmentCount << u'\n';
    }
    return Success;
}

int tenantsShow(Store& store, const QString& slug, const QCommandLineParser& parser, QTextStream& out)
{
    await(store.open(OpenMode::OpenExisting));
    const Tenant tenant = await(store.tenantBySlug(slug));
    const TenantSummary summary = await(store.tenantSummary(tenant.id));
    if (parser.isSet(u"json"_s)) {
        printJson(out, JsonCodec::toJson(summary));
        return Success;
    }
    QStringList path;
    for (const Tenant& ancestor : summary.ancestors)
        path << ancestor.slug;
    const auto line = [&out](const QString& key, const QString& value) {
        out << padded(key + u':', 16) << value << u'\n';
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

// Every audit event of one tenant (by slug) or of the whole platform, newest first.
QList<AuditEvent> auditEvents(Store& store, const QCommandLineParser& parser, int limit = -1)
{
    AuditQuery query;
    query.limit = limit > 0 ? std::min(limit, maximumPageSize) : maximumPageSize;
    if (parser.isSet(u"tenant"_s))
        query.tenantId = await(store.tenantBySlug(parser.value(u"tenant"_s))).id;
    QList<AuditEvent> events;
    do {
        const Page<AuditEvent> page = await(store.auditEvents(query));
        events += page.items;
        query.cursor = page.nextCursor;
    } while (!query.cursor.isEmpty() && (limit <= 0 || events.size() < limit));
    if (limit > 0 && events.size() > limit)
        events.resize(limit);
    return events;
}

int auditList(Store& store, const QCommandLineParser& parser, QTextStream& out)
{
    await(store.open(OpenMode::OpenExisting));
    int limit = 50;
    if (parser.isSet(u"limit"_s)) {
        bool ok = false;
        limit = parser.value(u"limit"_s).toInt(&ok);
        if (!ok || limit < 1 || limit > 1'000'000)
            throw UsageError{tr("--limit takes a whole number from 1 to 1000000, not “%1”.").arg(parser.value(u"limit"_s))};
    }
    const QList<AuditEvent> events = auditEvents(store, parser, limit);
    if (parser.isSet(u"json"_s)) {
        QJsonArray array;
        for (const AuditEvent& event : events)
            array.append(JsonCodec::toJson(event));
        printJson(out, array);
        return Success;
    }
    out << padded(tr("ID"), 8) << padded(tr("AT"), 26) << padded(tr("TENANT"), 8) << padded(tr("ACTOR"), 32)
        << padded(tr("ACTION"), 20) << tr("OBJECT") << u'\n';
    for (const AuditEvent& event : events) {
        out << padded(QString::number(event.id), 8) << padded(event.at.toUTC().toString(Qt::ISODateWithMs), 26)
            << padded(event.tenantId == 0 ? u"-"_s : QString::number(event.tenantId), 8) << padded(event.actor, 32)
            << padded(event.action, 20) << event.objectType << u' ' << event.objectId << u'\n';
    }
    return Success;
}

int auditVerify(Store& store, const QCommandLineParser& parser, QTextStream& out)
{
    await(store.open(OpenMode::OpenExisting));
    const AuditChainReport report = verifyAuditChains(auditEvents(store, parser));
    QString where;
    if (report.firstBreak) {
        where = tr("the platform's own chain");
        if (report.firstBreak->tenantId != 0) {
            try {
                const Tenant tenant = await(store.tenant(report.firstBreak->tenantId));
                where = tr("tenant %1 (id %2)").arg(tenant.slug).arg(tenant.id);
            } catch (const StoreError&) {
                where = tr("tenant id %1 (no longer there)").arg(report.firstBreak->tenantId);
            }
        }
    }
    if (parser.isSet(u"json"_s)) {
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

} // namespace

int run(const QStringList& arguments)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(tr(
        "Administer TenantDesk tenants from the command line.\n\n"
        "The database (--database) is a TenantDesk file (PATH or sqlite:PATH) or a PostgreSQL database\n"
        "(postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE; without a password in the URL, PostgreSQL's\n"
        "PGPASSWORD or ~/.pgpass gives it). A new PostgreSQL database is filled as the role that is to own\n"
        "the tables; see docs/POSTGRESQL.md.\n\n"
        "Commands:\n"
        "  demo [--scale small|N] [--users N] [--usage-days N]\n"
        "                                    fill a new database with demo data\n"
        "  tenants list [--parent SLUG]      list the top-level tenants or a tenant's sub-tenants\n"
        "  tenants show SLUG                 show one tenant\n"
        "  audit list [--tenant SLUG] [--limit N]\n"
        "                                    the newest audit events (50 unless --limit)\n"
        "  audit verify [--tenant SLUG]      check the audit trail's hash chains; exit status 1 names\n"
        "                                    the first broken link"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({
        {u"database"_s, tr("The TenantDesk database: a file, sqlite:FILE or postgresql://USER@HOST:PORT/DATABASE."),
         u"database"_s},
        {u"json"_s, tr("Print JSON instead of text.")},
        {u"parent"_s, tr("With tenants list: the parent tenant's slug."), u"slug"_s},
        {u"scale"_s, tr("With demo: “small” or a number of tenants."), u"scale"_s},
        {u"users"_s, tr("With demo: how many users (default: 300 for small, ten per tenant otherwise)."), u"count"_s},
        {u"usage-days"_s, tr("With demo: days of hourly usage samples (default 90)."), u"days"_s},
        {u"tenant"_s, tr("With audit: only this tenant's events (its slug)."), u"slug"_s},
        {u"limit"_s, tr("With audit list: how many events (default 50)."), u"count"_s},
    });
    parser.addPositionalArgument(u"command"_s, tr("demo, tenants list, tenants show, audit list or audit verify."), u"command [arguments]"_s);

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
        const QStringList command = parser.positionalArguments();
        if (command.isEmpty())
            throw UsageError{tr("no command given; see tenantctl --help.")};
        if (!parser.isSet(u"database"_s))
            throw UsageError{tr("--database is required: a database file or a postgresql:// URL.")};
        std::unique_ptr<Store> store;
        try {
            store = StoreFactory::localDatabase(parser.value(u"database"_s));
        } catch (const StoreError& error) {
            throw UsageError{u"--database: "_s + error.message()}; // names the URL, never its password
        }

        if (command == QStringList{u"demo"_s})
            return demo(*store, parser, out);
        if (command == QStringList{u"tenants"_s, u"list"_s})
            return tenantsList(*store, parser, out);
        if (command.size() == 3 && command[0] == u"tenants"_s && command[1] == u"show"_s)
            return tenantsShow(*store, command[2], parser, out);
        if (command == QStringList{u"audit"_s, u"list"_s})
            return auditList(*store, parser, out);
        if (command == QStringList{u"audit"_s, u"verify"_s})
            return auditVerify(*store, parser, out);
        if (command.size() == 2 && command[0] == u"tenants"_s && command[1] == u"show"_s)
            throw UsageError{tr("tenants show needs the tenant's slug.")};
        throw UsageError{tr("unknown command “%1”; see tenantctl --help.").arg(command.join(u' '))};
    } catch (const UsageError& error) {
        err << u"tenantctl: "_s << error.message << u'\n';
        return BadUsage;
    } catch (const StoreError& error) {
        err << u"tenantctl: "_s << error.fullMessage() << u'\n';
        return Failed;
    }
}

} // namespace TenantDesk::Tenantctl
