// bench_tenant_tree: how fast the tenant tree answers on a large platform.
//
//   bench_tenant_tree --database PATH [--runs N]
//
// PATH is a demo database generated with `tenantctl --database PATH demo --scale 100000` (see
// bench/run-bench-tenant-tree). Measures, through the same Store and TenantTreeModel the console
// uses: opening the database until the first level of the tree has arrived; expanding the tenant
// with 10,000 sub-tenants until its first rows have arrived; the search box revealing a tenant
// four levels deep; and the process's peak resident memory.
#include "SqlStore.h"
#include "TenantTreeModel.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>

using namespace TenantDesk;
using namespace Qt::StringLiterals;

namespace {

bool waitFor(const std::function<bool()>& done)
{
    return QTest::qWaitFor(done, 60000);
}

struct Figures {
    QList<double> ms;
    double median() const
    {
        QList<double> sorted = ms;
        std::sort(sorted.begin(), sorted.end());
        return sorted.isEmpty() ? 0 : sorted[sorted.size() / 2];
    }
    double max() const { return ms.isEmpty() ? 0 : *std::max_element(ms.begin(), ms.end()); }
};

void report(const char* what, const Figures& figures, double target)
{
    std::printf("%-52s median %8.1f ms   max %8.1f ms   target < %5.0f ms   %s\n", what, figures.median(),
                figures.max(), target, figures.median() < target ? "met" : "MISSED");
}

// Touches what a view shows of the first rows: every column's text and the status icon.
void readVisibleRows(const TenantTreeModel& model, const QModelIndex& parent, int rows)
{
    for (int row = 0; row < std::min(rows, model.rowCount(parent)); ++row) {
        for (int column = 0; column < TenantTreeModel::ColumnCount; ++column) {
            const QModelIndex index = model.index(row, column, parent);
            (void)index.data(Qt::DisplayRole);
            (void)index.data(Qt::DecorationRole);
        }
    }
}

} // namespace

int main(int argc, char* argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOptions({{u"database"_s, u"The demo database."_s, u"path"_s},
                       {u"runs"_s, u"Repetitions of each measurement (default 7)."_s, u"n"_s}});
    parser.addHelpOption();
    parser.process(app);
    const QString path = parser.value(u"database"_s);
    const int runs = parser.isSet(u"runs"_s) ? parser.value(u"runs"_s).toInt() : 7;
    if (path.isEmpty()) {
        std::fprintf(stderr, "bench_tenant_tree: --database PATH is required\n");
        return 2;
    }

    // What to look for, read directly from the file before any measurement.
    qint64 largestId = 0;
    QString deepSlug;
    QString deepName;
    int tenants = 0;
    int users = 0;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"probe"_s);
        db.setDatabaseName(path);
        db.open();
        QSqlQuery q(db);
        q.exec(u"SELECT parent_id FROM tenants WHERE parent_id IS NOT NULL GROUP BY parent_id ORDER BY count(*) DESC LIMIT 1"_s);
        if (q.next())
            largestId = q.value(0).toLongLong();
        q.exec(u"SELECT slug, display_name FROM tenants WHERE depth = 4 ORDER BY id LIMIT 1"_s);
        if (q.next()) {
            deepSlug = q.value(0).toString();
            deepName = q.value(1).toString();
        }
        q.exec(u"SELECT (SELECT count(*) FROM tenants), (SELECT count(*) FROM users)"_s);
        if (q.next()) {
            tenants = q.value(0).toInt();
            users = q.value(1).toInt();
        }
        q = QSqlQuery();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(u"probe"_s);
    }
    if (largestId == 0 || deepSlug.isEmpty()) {
        std::fprintf(stderr, "bench_tenant_tree: %s is not a large demo database\n", qPrintable(path));
        return 1;
    }
    std::printf("database %s: %d tenants, %d users; deep tenant %s\n\n", qPrintable(path), tenants, users,
                qPrintable(deepSlug));

    Figures firstLevel, expand, searchSlug, searchWord;
    for (int run = 0; run < runs; ++run) {
        QElapsedTimer timer;
        timer.start();
        auto store = std::make_unique<SqlStore>(path);
        TenantTreeModel model;
        bool opened = false;
        store->open(OpenMode::OpenExisting).then([&opened](const StoreInfo&) { opened = true; });
        waitFor([&] { return opened; });
        model.setStore(store.get());
        const QModelIndex platform = model.platformIndex();
        model.fetchMore(platform);
        waitFor([&] { return model.rowCount(platform) > 0; });
        readVisibleRows(model, platform, 50);
        firstLevel.ms << double(timer.nsecsElapsed()) / 1e6;

        // Expand the tenant with 10,000 sub-tenants (loaded one batch at a time).
        QModelIndex largest;
        while (!largest.isValid()) {
            largest = model.indexOfTenant(largestId);
            if (!largest.isValid()) {
                model.fetchMore(platform);
                waitFor([&] { return !model.isFetching(); });
            }
        }
        timer.restart();
        model.fetchMore(largest);
        waitFor([&] { return model.rowCount(largest) > 4; });
        readVisibleRows(model, largest, 50);
        expand.ms << double(timer.nsecsElapsed()) / 1e6;

        // The search box: a whole slug, then a word typed into it.
        for (auto [text, figures] : {std::pair{deepSlug, &searchSlug}, std::pair{deepName, &searchWord}}) {
            QSignalSpy applied(&model, &TenantTreeModel::filterApplied);
            timer.restart();
            model.setFilterText(text);
            waitFor([&] { return applied.count() > 0; });
            for (const QModelIndex& index : model.filterMatchIndexes())
                (void)index.data();
            figures->ms << double(timer.nsecsElapsed()) / 1e6;
            model.setFilterText(QString());
        }
        model.setStore(nullptr);
    }

    report("open database + first level of the tree", firstLevel, 300);
    report("expand a tenant with 10,000 sub-tenants", expand, 50);
    report(qPrintable(u"search reveals a tenant 4 levels deep (slug)"_s), searchSlug, 100);
    report(qPrintable(u"search by a word of its name (\"%1\")"_s.arg(deepName)), searchWord, 100);
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("%-52s %8.1f MB                               target < %5d MB   %s\n", "peak resident memory",
                double(usage.ru_maxrss) / 1024.0, 300, usage.ru_maxrss / 1024 < 300 ? "met" : "MISSED");
    return 0;
}
