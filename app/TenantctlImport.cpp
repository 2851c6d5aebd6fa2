#include "TenantctlImport.h"

#include "JsonCodec.h"
#include "KeycloakImport.h"
#include "StoreError.h"
#include "UserFile.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QSaveFile>

namespace TenantDesk::Tenantctl::Import {

using namespace Qt::StringLiterals;

namespace {

QByteArray readFile(const QString& path)
{
    QFile file(path);
    if (QFileInfo(path).isDir() || !file.open(QIODevice::ReadOnly))
        throw StoreError(ErrorCode::NotFound, tr("file: could not read “%1”: %2.")
                                                  .arg(path, QFileInfo(path).isDir() ? tr("it is a folder") : file.errorString()))
            .withField(u"file"_s);
    return file.readAll();
}

// "FILE:LINE: field: message", as compilers name a place; the line is left out when it is 0 (the
// whole file).
QString issueText(const QString& source, const ImportIssue& issue)
{
    QString text = source;
    if (issue.line > 0)
        text += u':' + QString::number(issue.line);
    text += u": "_s;
    if (!issue.field.isEmpty())
        text += issue.field + u": "_s;
    return text + issue.message;
}

// What an import did or, checked only, would do, in one sentence; its notes after it.
void printReport(QTextStream& out, const DirectoryImport& import, const ImportReport& report, bool dryRun)
{
    const QString counts = tr("%1 user(s) created, %2 existing user(s) given memberships, %3 role(s) created, "
                              "%4 membership(s) created")
                               .arg(report.usersCreated).arg(report.usersExisting).arg(report.rolesCreated)
                               .arg(report.membershipsCreated);
    const QString tenant = import.tenantSlug.isEmpty() ? QString() : tr(" (tenant %1%2)").arg(
        import.tenantSlug, import.createTenant ? tr(", new") : QString());
    if (dryRun)
        out << tr("Checked %1%2: nothing wrong; it would make %3. Nothing was written (--dry-run).\n")
                   .arg(import.source, tenant, counts);
    else
        out << tr("Imported %1%2: %3.\n").arg(import.source, tenant, counts);
    for (const QString& note : report.notes)
        out << u"  "_s << tr("note: %1").arg(note) << u'\n';
}

// Refuses the imports whose reports name problems: every problem, one line each, and nothing written.
void refuseProblems(const QList<DirectoryImport>& imports, const QList<ImportReport>& reports)
{
    QStringList lines;
    for (qsizetype i = 0; i < reports.size(); ++i) {
        for (const ImportIssue& issue : reports.at(i).issues)
            lines << issueText(imports.at(i).source, issue);
    }
    if (lines.isEmpty())
        return;
    throw StoreError(ErrorCode::Invalid, tr("the import was refused with %n problem(s); nothing was written:", nullptr, int(lines.size()))
                                             + u'\n' + lines.join(u'\n'));
}

int runImports(const Invocation& call, const QList<DirectoryImport>& imports)
{
    const bool dryRun = call.isSet(u"dry-run"_s);
    // Every import is checked before any is written: a folder of realms goes in whole or not at all.
    QList<ImportReport> reports;
    for (const DirectoryImport& import : imports)
        reports.append(await(call.store.importDirectory(import, true)));
    const bool clean = std::all_of(reports.cbegin(), reports.cend(), [](const ImportReport& r) { return r.issues.isEmpty(); });
    if (clean && !dryRun) {
        for (qsizetype i = 0; i < imports.size(); ++i)
            reports[i] = await(call.store.importDirectory(imports.at(i), false));
    }
    if (call.json()) {
        QJsonArray array;
        for (const ImportReport& report : std::as_const(reports)) {
            QJsonObject json = JsonCodec::toJson(report);
            json.insert(u"source"_s, imports.at(array.size()).source);
            array.append(json);
        }
        printJson(call.out, array.size() == 1 ? QJsonValue(array.at(0)) : QJsonValue(array));
        return clean ? Success : Failed;
    }
    refuseProblems(imports, reports);
    for (qsizetype i = 0; i < imports.size(); ++i)
        printReport(call.out, imports.at(i), reports.at(i), dryRun);
    return Success;
}

} // namespace

int importUsers(const Invocation& call)
{
    const bool csv = call.command.at(1) == u"csv"_s;
    const QString path = call.arguments.at(0);
    const QByteArray data = readFile(path);
    const QString tenant = call.value(u"tenant"_s);
    if (!tenant.isEmpty())
        await(call.store.tenantBySlug(tenant)); // a tenant that is not there is named before any row
    const DirectoryImport import = csv ? readUsersCsv(data, path, tenant) : readUsersJson(data, path, tenant);
    return runImports(call, {import});
}

int importKeycloak(const Invocation& call)
{
    const QString path = call.arguments.at(0);
    if (!QFileInfo::exists(path))
        throw StoreError(ErrorCode::NotFound, tr("file: there is no file or folder “%1”.").arg(path)).withField(u"file"_s);
    const QList<DirectoryImport> imports = readKeycloakExport(path);
    if (imports.isEmpty())
        throw StoreError(ErrorCode::Invalid, tr("file: “%1” holds no Keycloak realm.").arg(path)).withField(u"file"_s);
    return runImports(call, imports);
}

int exportUsers(const Invocation& call)
{
    const bool csv = call.command.at(1) == u"csv"_s;
    UserQuery query;
    query.limit = maximumPageSize;
    query.sort = UserSort::Email;
    if (call.isSet(u"tenant"_s))
        query.tenantId = await(call.store.tenantBySlug(call.value(u"tenant"_s))).id;
    QList<UserDetail> users;
    do {
        const Page<User> page = await(call.store.users(query));
        for (const User& user : page.items)
            users.append(await(call.store.user(user.id)));
        query.cursor = page.nextCursor;
    } while (!query.cursor.isEmpty());
    const QByteArray document = csv ? usersToCsv(users) : usersToJson(users);
    if (!call.isSet(u"output"_s)) {
        call.out.flush();
        QFile out;
        if (!out.open(stdout, QIODevice::WriteOnly) || out.write(document) != document.size())
            throw StoreError(ErrorCode::Unavailable, tr("output: could not write to standard output.")).withField(u"output"_s);
        return Success;
    }
    const QString path = call.value(u"output"_s);
    QSaveFile file(path);
    // The file names people and their access: readable by its owner only.
    if (!file.open(QIODevice::WriteOnly) || !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
        || file.write(document) != document.size() || !file.commit())
        throw StoreError(ErrorCode::Unavailable, tr("output: could not write “%1”: %2.").arg(path, file.errorString()))
            .withField(u"output"_s);
    call.out << tr("Exported %n user(s) to %1.\n", nullptr, int(users.size())).arg(path);
    return Success;
}

} // namespace TenantDesk::Tenantctl::Import
