// bench_billing_review: the billing review page's questions at 10,000,000 billing lines, asked
// through SqlStore as the page asks them: the totals (tenant × service × month, from the roll-ups)
// of the platform and of one tenant, the first page of lines behind a cell, behind Unallocated and
// behind a month's platform total (the drill-downs), and the attribution rules applied again to
// every line.
//
//   bench_billing_review [--lines N] [--copies K] [--dir DIR] [--runs R] [--keep]
//
// The database is built quickly but as the code builds it: one generated FOCUS file of N lines
// (default 1,000,000; the shape of bench_billing_import's, FocusGenerator.h) imported through
// SqlStore::importBilling, then its lines copied K - 1 times (default 10 copies in all) in SQL,
// copy k moved 3k months later (so the review spans 3K months, as a growing export would), the
// lines' indexes dropped during the copies and built again after, and the roll-ups rebuilt from
// every line by SqlSession::rebuildBillingRollups, the code that keeps them at import.

#include "FocusGenerator.h"
#include "SqlSession.h"
#include "SqlStore.h"
#include "StoreError.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>
#include <cstdio>
#include <vector>
#include <sys/resource.h>

using namespace TenantDesk;
using namespace Qt::StringLiterals;

namespace {

QTextStream& out()
{
    static QTextStream stream(stdout);
    return stream;
}

QString loadAverage()
{
    QFile file(u"/proc/loadavg"_s);
    if (!file.open(QIODevice::ReadOnly))
        return u"?"_s;
    return QString::fromLatin1(file.readAll()).section(u' ', 0, 2);
}

void exec(QSqlDatabase& db, const QString& sql)
{
    QSqlQuery query(db);
    if (!query.exec(sql))
        qFatal("%s: %s", qPrintable(sql), qPrintable(query.lastError().text()));
}

qint64 scalar(QSqlDatabase& db, const QString& sql)
{
    QSqlQuery query(db);
    if (!query.exec(sql) || !query.next())
        qFatal("%s: %s", qPrintable(sql), qPrintable(query.lastError().text()));
    return query.value(0).toLongLong();
}

// Copies the imported lines `copies - 1` times, copy k moved 3k months later; then builds the
// lines' indexes again and the roll-ups from every line.
void multiply(const QString& path, int copies)
{
    QElapsedTimer timer;
    timer.start();
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"bench"_s);
        db.setDatabaseName(path);
        if (!db.open())
            qFatal("cannot open %s", qPrintable(path));
        exec(db, u"PRAGMA cache_size = -262144"_s);
        exec(db, u"PRAGMA synchronous = OFF"_s);
        const qint64 original = scalar(db, u"SELECT max(id) FROM billing_lines"_s);

        // The indexes the schema has on the lines, dropped during the copies, built again after.
        QStringList indexes;
        {
            QSqlQuery q(db);
            if (!q.exec(u"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'billing_lines' "
                        "AND sql IS NOT NULL"_s))
                qFatal("cannot read the indexes");
            QStringList names;
            while (q.next()) {
                names << q.value(0).toString();
                indexes << q.value(1).toString();
            }
            q.finish();
            for (const QString& name : std::as_const(names))
                exec(db, u"DROP INDEX \"%1\""_s.arg(name));
        }
        QStringList columns;
        {
            QSqlQuery q(db);
            if (!q.exec(u"PRAGMA table_info(billing_lines)"_s))
                qFatal("cannot read the columns");
            while (q.next()) {
                if (q.value(1).toString() != u"id"_s)
                    columns << q.value(1).toString();
            }
        }
        const QStringList moved{u"billing_period_start"_s, u"billing_period_end"_s, u"charge_period_start"_s,
                                u"charge_period_end"_s};
        for (int k = 1; k < copies; ++k) {
            QStringList values;
            for (const QString& column : std::as_const(columns)) {
                values << (moved.contains(column)
                               ? u"strftime('%Y-%m-%dT%H:%M:%SZ', %1, '+%2 months')"_s.arg(column).arg(3 * k)
                               : column);
            }
            QElapsedTimer copy;
            copy.start();
            exec(db, u"BEGIN"_s);
            exec(db, u"INSERT INTO billing_lines (%1) SELECT %2 FROM billing_lines WHERE id <= %3 ORDER BY id"_s
                         .arg(columns.join(u", "_s), values.join(u", "_s)).arg(original));
            exec(db, u"COMMIT"_s);
            out() << u"  copy %1 of %2: %3 s\n"_s.arg(k + 1).arg(copies).arg(double(copy.nsecsElapsed()) / 1e9, 0, 'f', 1);
            out().flush();
        }
        QElapsedTimer indexTimer;
        indexTimer.start();
        for (const QString& sql : std::as_const(indexes))
            exec(db, sql);
        exec(db, u"UPDATE billing_imports SET line_count = (SELECT count(*) FROM billing_lines), "
                 "unallocated_lines = (SELECT count(*) FROM billing_lines WHERE tenant_id IS NULL AND shared_rule IS NULL)"_s);
        out() << u"  indexes built again (%1): %2 s\n"_s.arg(indexes.size())
                     .arg(double(indexTimer.nsecsElapsed()) / 1e9, 0, 'f', 1);
        out().flush();

        QElapsedTimer rollupTimer;
        rollupTimer.start();
        SqlSession session(db);
        session.rebuildBillingRollups();
        out() << u"  roll-ups rebuilt from every line (SqlSession::rebuildBillingRollups): %1 s, %2 roll-up rows\n"_s
                     .arg(double(rollupTimer.nsecsElapsed()) / 1e9, 0, 'f', 1)
                     .arg(scalar(db, u"SELECT count(*) FROM billing_rollups"_s));
        // No ANALYZE: the application runs none after an import, so the planner has no statistics.
        exec(db, u"PRAGMA wal_checkpoint(TRUNCATE)"_s);
        db.close();
    }
    QSqlDatabase::removeDatabase(u"bench"_s);
    out() << u"database multiplied to %1 copies in %2 s\n"_s.arg(copies).arg(double(timer.nsecsElapsed()) / 1e9, 0, 'f', 1);
    out().flush();
}

// CPU time of this process so far (every thread: the store's worker too), in seconds.
double cpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

template<class T>
T waitFor(QFuture<T> future)
{
    try {
        return future.result();
    } catch (const StoreError& error) {
        qFatal("%s", qPrintable(error.fullMessage()));
    }
    return {};
}

// Asks `ask` `runs` times; the first answer's time and the median are reported.
template<class Fn>
void timeQuery(const QString& what, int runs, Fn ask)
{
    std::vector<double> times;
    std::vector<double> cpu;
    QString note;
    for (int run = 0; run < runs; ++run) {
        QElapsedTimer timer;
        const double cpuBefore = cpuSeconds();
        timer.start();
        note = ask();
        times.push_back(double(timer.nsecsElapsed()) / 1e6);
        cpu.push_back((cpuSeconds() - cpuBefore) * 1e3);
    }
    std::sort(cpu.begin(), cpu.end());
    const double first = times.front();
    std::vector<double> sorted = times;
    std::sort(sorted.begin(), sorted.end());
    out() << u"%1: first %2 ms, median %3 ms of %4, median CPU %7 ms (%5)%6\n"_s.arg(what).arg(first, 0, 'f', 1)
                 .arg(sorted[sorted.size() / 2], 0, 'f', 1).arg(runs).arg(note)
                 .arg(sorted[sorted.size() / 2] > 200 ? u"  ** over 200 ms **"_s : QString())
                 .arg(cpu[cpu.size() / 2], 0, 'f', 1);
    out().flush();
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({u"lines"_s, u"Lines of the generated file (default 1,000,000)."_s, u"n"_s, u"1000000"_s});
    parser.addOption({u"copies"_s, u"Copies of the lines in the database (default 10)."_s, u"k"_s, u"10"_s});
    parser.addOption({u"dir"_s, u"Where the file and the database go (default: a temporary directory)."_s, u"dir"_s});
    parser.addOption({u"runs"_s, u"How many times each question is asked (default 5)."_s, u"n"_s, u"5"_s});
    parser.addOption({u"keep"_s, u"Keep the database (and reuse a kept one)."_s});
    parser.process(app);

    QTemporaryDir temporary;
    temporary.setAutoRemove(!parser.isSet(u"keep"_s));
    const QDir dir(parser.isSet(u"dir"_s) ? parser.value(u"dir"_s) : temporary.path());
    const qint64 lines = parser.value(u"lines"_s).toLongLong();
    const int copies = std::max(1, parser.value(u"copies"_s).toInt());
    const int runs = std::max(1, parser.value(u"runs"_s).toInt());
    const QString database = dir.filePath(u"bench-review-%1x%2.tenantdesk"_s.arg(lines).arg(copies));
    const auto removeDatabase = [&database] {
        for (const QString& suffix : {u""_s, u"-wal"_s, u"-shm"_s})
            QFile::remove(database + suffix);
    };
    out() << u"load average at the start: %1\n"_s.arg(loadAverage());

    QElapsedTimer timer;
    timer.start();
    if (!(parser.isSet(u"keep"_s) && QFileInfo::exists(database))) {
        removeDatabase();
        const QString csv = dir.filePath(u"focus-review-%1.csv"_s.arg(lines));
        timer.start();
        const qint64 bytes = BenchFocus::generate(csv, lines);
        out() << u"file: %1 lines, %2 MB, written in %3 s\n"_s.arg(lines).arg(double(bytes) / 1e6, 0, 'f', 1)
                     .arg(double(timer.nsecsElapsed()) / 1e9, 0, 'f', 1);
        out().flush();
        {
            SqlStore store(database);
            waitFor(store.open(OpenMode::CreateIfMissing));
            for (int i = 0; i < BenchFocus::tenantCount; ++i)
                waitFor(store.createTenant(NewTenant{BenchFocus::tenantSlug(i), u"Tenant %1"_s.arg(i + 1), 0, {},
                                                     u"UTC"_s, u"en"_s, {}}));
            timer.restart();
            const BillingImportResult result =
                waitFor(store.importBilling({csv, BillingFormat::Auto, DuplicateImport::Refuse, u"tenant"_s}));
            out() << u"import (SqlStore::importBilling): %1 s, %2 lines, %3 unallocated\n"_s
                         .arg(double(timer.nsecsElapsed()) / 1e9, 0, 'f', 1).arg(result.import.lineCount)
                         .arg(result.import.unallocatedLines);
            out().flush();
        }
        QFile::remove(csv);
        multiply(database, copies);
    }
    out() << u"database: %1 MB\nload average before the questions: %2\n"_s
                 .arg(double(QFileInfo(database).size()) / 1e6, 0, 'f', 0).arg(loadAverage());
    out().flush();

    int status = 0;
    {
        SqlStore store(database);
        timer.restart();
        const StoreInfo info = waitFor(store.open(OpenMode::OpenExisting));
        out() << u"opened (schema version %1, migrations included): %2 s\n"_s.arg(info.schemaVersion)
                     .arg(double(timer.nsecsElapsed()) / 1e9, 0, 'f', 1);
        const QList<BillingTotalsRow> all = waitFor(store.billingTotals({}));
        qint64 totalLines = 0;
        for (const BillingTotalsRow& row : all)
            totalLines += row.shared ? 0 : row.lineCount; // a shared pool's lines count once per tenant it is spread over
        out() << u"lines in the totals, shared cost left out: %1\n"_s.arg(totalLines);
        // The questions' subjects: the first tenant, its first month's largest service; a middle month.
        const TenantId tenant = [&] {
            for (const BillingTotalsRow& row : all) {
                if (row.tenantId != 0 && !row.shared)
                    return row.tenantId;
            }
            return TenantId(0);
        }();
        QStringList months;
        for (const BillingTotalsRow& row : all) {
            if (!months.contains(row.month))
                months << row.month;
        }
        std::sort(months.begin(), months.end());
        const QString month = months.value(months.size() / 2);
        const QString service = u"Amazon Elastic Compute Cloud"_s;
        out() << u"tenant %1, month %2 of %3 months, service %4\n"_s.arg(tenant).arg(month).arg(months.size()).arg(service);
        out().flush();

        timeQuery(u"billingTotals, platform (every tenant, unallocated)"_s, runs, [&] {
            return u"%1 rows"_s.arg(waitFor(store.billingTotals({})).size());
        });
        BillingFilter oneTenant;
        oneTenant.tenantId = tenant;
        timeQuery(u"billingTotals, one tenant"_s, runs, [&] {
            return u"%1 rows"_s.arg(waitFor(store.billingTotals(oneTenant)).size());
        });
        const auto linesPage = [&](const QString& what, const BillingLineQuery& query) {
            timeQuery(what, runs, [&] {
                const Page<BillingLine> page = waitFor(store.billingLines(query));
                return u"%1 lines%2"_s.arg(page.items.size()).arg(page.isLast() ? QString() : u", more"_s);
            });
            const Page<BillingLine> first = waitFor(store.billingLines(query));
            if (!first.isLast()) {
                BillingLineQuery next = query;
                next.cursor = first.nextCursor;
                timeQuery(what + u", next page"_s, runs, [&] {
                    return u"%1 lines"_s.arg(waitFor(store.billingLines(next)).items.size());
                });
            }
        };
        BillingLineQuery cell;
        cell.filter.tenantId = tenant;
        cell.filter.serviceName = service;
        cell.filter.billingCurrency = u"USD"_s;
        cell.month = month;
        linesPage(u"billingLines, first page of a cell (tenant × service × month)"_s, cell);
        BillingLineQuery unallocated;
        unallocated.filter.tenantId = TenantId(0);
        unallocated.filter.billingCurrency = u"USD"_s;
        unallocated.month = month;
        linesPage(u"billingLines, first page of Unallocated in a month"_s, unallocated);
        BillingLineQuery unallocatedService = unallocated;
        unallocatedService.filter.serviceName = service;
        linesPage(u"billingLines, first page of an Unallocated service in a month"_s, unallocatedService);
        BillingLineQuery platformMonth;
        platformMonth.filter.billingCurrency = u"USD"_s;
        platformMonth.month = month;
        linesPage(u"billingLines, first page of a month's platform total"_s, platformMonth);
        BillingLineQuery platformAll;
        linesPage(u"billingLines, first page of every line"_s, platformAll);

        // The rules applied again: CloudWatch made shared cost, spread in proportion to direct cost.
        const AttributionRules before = waitFor(store.attributionRules());
        // On a kept database that already has the rule, it is taken away again: as many lines change.
        AttributionRules rules = before;
        const SharedCostRule cloudWatch{SharedCostMatch::ServiceName, u"AmazonCloudWatch"_s, SharedCostSplit::Proportional, {}};
        if (rules.sharedCosts.contains(cloudWatch))
            rules.sharedCosts.removeAll(cloudWatch);
        else
            rules.sharedCosts.append(cloudWatch);
        out() << u"load average before setAttributionRules: %1\n"_s.arg(loadAverage());
        out().flush();
        QFutureWatcher<AttributionResult> watcher;
        QEventLoop loop;
        QElapsedTimer applyTimer;
        std::vector<std::pair<int, double>> steps; // progress value, seconds
        double longestGap = 0;
        double lastReport = 0;
        QObject::connect(&watcher, &QFutureWatcher<AttributionResult>::progressValueChanged, &loop, [&](int value) {
            const double now = double(applyTimer.nsecsElapsed()) / 1e9;
            longestGap = std::max(longestGap, now - lastReport);
            lastReport = now;
            if (steps.empty() || value / 100 != steps.back().first / 100)
                steps.emplace_back(value, now);
        });
        QObject::connect(&watcher, &QFutureWatcher<AttributionResult>::finished, &loop, &QEventLoop::quit);
        const double applyCpuBefore = cpuSeconds();
        applyTimer.start();
        watcher.setFuture(store.setAttributionRules(rules, before.version));
        loop.exec();
        const double applied = double(applyTimer.nsecsElapsed()) / 1e9;
        longestGap = std::max(longestGap, applied - lastReport);
        try {
            const AttributionResult result = watcher.result();
            out() << u"setAttributionRules over every line: %1 s, CPU %5 s (%2 attributed, %3 unallocated, %4 shared)\n"_s
                         .arg(applied, 0, 'f', 1).arg(result.linesAttributed).arg(result.linesUnallocated)
                         .arg(result.linesShared).arg(cpuSeconds() - applyCpuBefore, 0, 'f', 1);
        } catch (const StoreError& error) {
            out() << u"setAttributionRules failed: %1\n"_s.arg(error.fullMessage());
            status = 1;
        }
        QStringList progress;
        for (const auto& [value, seconds] : steps)
            progress << u"%1‰ at %2 s"_s.arg(value).arg(seconds, 0, 'f', 1);
        out() << u"  progress: %1\n  longest time without a progress report: %2 s\n"_s.arg(progress.join(u", "_s))
                     .arg(longestGap, 0, 'f', 1);
        out().flush();
        timeQuery(u"billingTotals, platform, after the rules changed"_s, runs, [&] {
            return u"%1 rows"_s.arg(waitFor(store.billingTotals({})).size());
        });
        timeQuery(u"billingTotals, one tenant, after the rules changed"_s, runs, [&] {
            return u"%1 rows"_s.arg(waitFor(store.billingTotals(oneTenant)).size());
        });
    }
    out() << u"load average at the end: %1\n"_s.arg(loadAverage());
    if (!parser.isSet(u"keep"_s))
        removeDatabase();
    return status;
}
