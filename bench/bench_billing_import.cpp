// bench_billing_import: TenantDesk's billing import (read, attribution, roll-ups, written in one
// transaction) of a generated FOCUS CSV into a fresh SQLite database, measured in the same run as
// two references on the same file: the sqlite3 shell's `.import --csv` into :memory:, and DuckDB
// (@duckdb/node-api: read_csv, then the GROUP BY of BilledCost by tenant tag, service and month).
//
//   bench_billing_import [--lines N] [--dir DIR] [--duckdb NODE_PROJECT] [--keep]
//
// The file copies the shape of the shared FOCUS sample (tests/data/focus): its 44 columns in its
// order, every text quoted, NULL unquoted, times without T and Z, amounts with 11 decimals, tags as
// JSON with doubled quotes; about 90% of the lines carry a "tenant" tag naming one of 40 tenants.

#include "FocusGenerator.h"
#include "SqlStore.h"
#include "StoreError.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTextStream>

#include <cstdio>
#include <sys/resource.h>

using namespace TenantDesk;
using namespace Qt::StringLiterals;
using namespace TenantDesk::BenchFocus;

namespace {

// CPU time of this process so far (every thread), in seconds.
double cpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// CPU time of the children waited for so far, in seconds.
double childCpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_CHILDREN, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

struct Measure {
    double seconds = 0;
    QString note;
};

Measure runProcess(const QString& program, const QStringList& arguments, const QString& directory = {})
{
    QProcess process;
    process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    if (!directory.isEmpty())
        process.setWorkingDirectory(directory);
    QElapsedTimer timer;
    timer.start();
    process.start(program, arguments);
    if (!process.waitForFinished(-1) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return {-1, u"%1 failed: %2"_s.arg(program, QString::fromLocal8Bit(process.readAllStandardOutput()))};
    return {double(timer.nsecsElapsed()) / 1e9, QString::fromUtf8(process.readAllStandardOutput()).trimmed()};
}

const char* const duckdbScript = R"JS(
import { DuckDBInstance } from '@duckdb/node-api';
const file = process.argv[2];
const t0 = performance.now();
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
await connection.run(`CREATE TABLE lines AS SELECT * FROM read_csv('${file}', header = true, nullstr = 'NULL')`);
const t1 = performance.now();
const reader = await connection.runAndReadAll(`
  SELECT json_extract_string(Tags, '$.tenant') AS tenant, ServiceName, strftime(ChargePeriodStart, '%Y-%m') AS month,
         sum(BilledCost) AS billed, count(*) AS lines
  FROM lines GROUP BY ALL`);
const t2 = performance.now();
const rows = reader.getRows();
let lines = 0;
for (const row of rows) lines += Number(row[4]);
console.log(JSON.stringify({load: (t1 - t0) / 1000, group: (t2 - t1) / 1000, groups: rows.length, lines}));
)JS";

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({u"lines"_s, u"Lines of the generated file (default 1,000,000)."_s, u"n"_s, u"1000000"_s});
    parser.addOption({u"dir"_s, u"Where the file and the database go (default: a temporary directory)."_s, u"dir"_s});
    parser.addOption({u"duckdb"_s, u"A node project with @duckdb/node-api installed (skipped when not given)."_s, u"dir"_s});
    parser.addOption({u"keep"_s, u"Keep the generated file and database."_s});
    parser.process(app);
    QTextStream out(stdout);

    QTemporaryDir temporary;
    temporary.setAutoRemove(!parser.isSet(u"keep"_s));
    const QDir dir(parser.isSet(u"dir"_s) ? parser.value(u"dir"_s) : temporary.path());
    const qint64 lines = parser.value(u"lines"_s).toLongLong();
    const QString csv = dir.filePath(u"focus-%1.csv"_s.arg(lines));

    QElapsedTimer timer;
    timer.start();
    const qint64 bytes = QFileInfo::exists(csv) && parser.isSet(u"keep"_s) ? QFileInfo(csv).size() : generate(csv, lines);
    const double megabytes = double(bytes) / 1e6;
    out << u"file: %1 lines, %2 MB, written in %3 s (%4)\n"_s.arg(lines).arg(megabytes, 0, 'f', 1)
                .arg(double(timer.nsecsElapsed()) / 1e9, 0, 'f', 1).arg(csv);
    out.flush();

    // TenantDesk: a fresh database with the tenants the tags name, then the import.
    const QString database = dir.filePath(u"bench-billing.tenantdesk"_s);
    QFile::remove(database);
    QFile::remove(database + u"-wal"_s);
    QFile::remove(database + u"-shm"_s);
    double tenantdesk = 0;
    {
        SqlStore store(database);
        try {
            store.open(OpenMode::CreateIfMissing).waitForFinished();
            for (int i = 0; i < tenantCount; ++i)
                store.createTenant(NewTenant{tenantSlug(i), u"Tenant %1"_s.arg(i + 1), 0, {}, u"UTC"_s, u"en"_s, {}})
                    .waitForFinished();
            timer.restart();
            const double cpuBefore = cpuSeconds();
            const BillingImportResult result = store.importBilling({csv, BillingFormat::Auto, DuplicateImport::Refuse,
                                                                    u"tenant"_s}).result();
            tenantdesk = double(timer.nsecsElapsed()) / 1e9;
            out << u"TenantDesk import: %1 s (CPU %8 s), %2 rows/s, %3 MB/s (%4 lines, %5 unallocated, billed %6 %7)\n"_s
                       .arg(tenantdesk, 0, 'f', 2).arg(double(lines) / tenantdesk, 0, 'f', 0)
                       .arg(megabytes / tenantdesk, 0, 'f', 1).arg(result.import.lineCount)
                       .arg(result.import.unallocatedLines).arg(result.import.billedCostTotal, result.import.currencies.join(u'/'))
                       .arg(cpuSeconds() - cpuBefore, 0, 'f', 2);
            if (result.import.lineCount != lines)
                qFatal("imported %lld lines of %lld", result.import.lineCount, lines);
        } catch (const StoreError& error) {
            qFatal("import failed: %s", qPrintable(error.fullMessage()));
        }
    }
    out << u"database: %1 MB\n"_s.arg(double(QFileInfo(database).size()) / 1e6, 0, 'f', 1);
    out.flush();

    double childBefore = childCpuSeconds();
    const Measure shell = runProcess(u"sqlite3"_s, {u":memory:"_s, u".import --csv "_s + csv + u" t"_s});
    if (shell.seconds > 0)
        out << u"sqlite3 :memory: .import --csv: %1 s (CPU %4 s), %2 rows/s, %3 MB/s\n"_s.arg(shell.seconds, 0, 'f', 2)
                   .arg(double(lines) / shell.seconds, 0, 'f', 0).arg(megabytes / shell.seconds, 0, 'f', 1)
                   .arg(childCpuSeconds() - childBefore, 0, 'f', 2);
    else
        out << shell.note << u'\n';
    out.flush();

    Measure duck;
    QJsonObject duckFigures;
    if (parser.isSet(u"duckdb"_s)) {
        const QString project = parser.value(u"duckdb"_s);
        QFile script(QDir(project).filePath(u"bench-billing.mjs"_s));
        if (script.open(QIODevice::WriteOnly | QIODevice::Truncate))
            script.write(duckdbScript);
        script.close();
        childBefore = childCpuSeconds();
        duck = runProcess(u"node"_s, {script.fileName(), csv}, project);
        const double duckCpu = childCpuSeconds() - childBefore;
        duckFigures = QJsonDocument::fromJson(duck.note.toUtf8()).object();
        if (duck.seconds > 0)
            out << u"DuckDB read_csv + GROUP BY: %1 s (load %2 s, group %3 s; %4 s with node's start, CPU %8 s), %5 rows/s, "
                   "%6 MB/s, %7 groups\n"_s
                       .arg(duckFigures.value(u"load"_s).toDouble() + duckFigures.value(u"group"_s).toDouble(), 0, 'f', 2)
                       .arg(duckFigures.value(u"load"_s).toDouble(), 0, 'f', 2)
                       .arg(duckFigures.value(u"group"_s).toDouble(), 0, 'f', 2).arg(duck.seconds, 0, 'f', 2)
                       .arg(double(lines) / (duckFigures.value(u"load"_s).toDouble() + duckFigures.value(u"group"_s).toDouble()), 0, 'f', 0)
                       .arg(megabytes / (duckFigures.value(u"load"_s).toDouble() + duckFigures.value(u"group"_s).toDouble()), 0, 'f', 1)
                       .arg(duckFigures.value(u"groups"_s).toInt()).arg(duckCpu, 0, 'f', 2);
        else
            out << duck.note << u'\n';
    }

    out << u"\nTenantDesk vs sqlite3 CLI: %1x faster (target: at least 3x)\n"_s.arg(shell.seconds / tenantdesk, 0, 'f', 2);
    if (duck.seconds > 0) {
        const double duckSeconds = duckFigures.value(u"load"_s).toDouble() + duckFigures.value(u"group"_s).toDouble();
        out << u"TenantDesk vs DuckDB: %1x DuckDB's time (target: within 2x)\n"_s.arg(tenantdesk / duckSeconds, 0, 'f', 2);
    }
    if (!parser.isSet(u"keep"_s)) {
        QFile::remove(csv);
        QFile::remove(database);
    }
    return 0;
}
