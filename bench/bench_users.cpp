// bench_users: how fast the users table answers on a platform of a million users.
//
//   bench_users --database PATH [--runs N]
//
// PATH is a demo database of 1,000,000 users, generated with
// `tenantctl --database PATH demo --scale 100000 --usage-days 0` (see bench/run-bench-users).
// Every measurement is made twice: through SqlStore::users() (from the request until the page has
// arrived), and through the UserTableModel the users page shows (from setQuery() or fetchMore()
// until the page's rows are in the model and their text has been read, as a view reads it):
// the first page of the table (100 rows by name),
// the next page, search as you type ("a", "an", "ann", "anna", a rare text, a text that matches
// nothing), a filter by a built-in and a custom role, by tenant and by status, and a first page
// sorted by each column in both directions. Each is repeated --runs times after one warm-up pass;
// the figures are the minimum, median and 95th percentile.
#include "SqlStore.h"
#include "UserTableModel.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QEventLoop>
#include <QSqlDatabase>
#include <QSqlQuery>

#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

using namespace TenantDesk;
using namespace Qt::StringLiterals;

namespace {

struct Measurement {
    QString what;
    double target = 0; // ms
    UserQuery query;
    bool nextPage = false; // the page after the first
    QList<double> storeMs, modelMs;
    int rows = 0;

    static double percentile(const QList<double>& ms, double p)
    {
        QList<double> sorted = ms;
        std::sort(sorted.begin(), sorted.end());
        if (sorted.isEmpty())
            return 0;
        const qsizetype index = std::min<qsizetype>(sorted.size() - 1, qsizetype(std::ceil(p * double(sorted.size())) - 1));
        return sorted.at(std::max<qsizetype>(0, index));
    }
};

// One value the probe reads straight from the file before any measurement.
QVariant probe(QSqlQuery& q, const QString& sql)
{
    if (!q.exec(sql) || !q.next()) {
        std::fprintf(stderr, "bench_users: the probe failed: %s\n", qPrintable(sql));
        std::exit(1);
    }
    return q.value(0);
}

} // namespace

int main(int argc, char* argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOptions({{u"database"_s, u"The demo database."_s, u"path"_s},
                       {u"runs"_s, u"Repetitions of each measurement (default 11)."_s, u"n"_s}});
    parser.addHelpOption();
    parser.process(app);
    const QString path = parser.value(u"database"_s);
    const int runs = parser.isSet(u"runs"_s) ? parser.value(u"runs"_s).toInt() : 11;
    if (path.isEmpty() || runs < 1) {
        std::fprintf(stderr, "bench_users: --database PATH is required\n");
        return 2;
    }

    // What to ask for, read directly from the file: the built-in role and the custom role held
    // most, the tenant with the most members, and one user's e-mail address as the rare text.
    qint64 users = 0, builtInRole = 0, customRole = 0, tenant = 0;
    QString builtInName, customName, tenantSlug, rareText;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"probe"_s);
        db.setDatabaseName(path);
        db.setConnectOptions(u"QSQLITE_OPEN_READONLY"_s);
        if (!db.open()) {
            std::fprintf(stderr, "bench_users: cannot open %s\n", qPrintable(path));
            return 1;
        }
        QSqlQuery q(db);
        users = probe(q, u"SELECT count(*) FROM users"_s).toLongLong();
        builtInRole = probe(q, u"SELECT m.role_id FROM memberships m JOIN roles r ON r.id = m.role_id WHERE r.built_in = 1 "
                               "AND r.name = 'Tenant Admin' LIMIT 1"_s).toLongLong();
        builtInName = probe(q, u"SELECT name FROM roles WHERE id = %1"_s.arg(builtInRole)).toString();
        customRole = probe(q, u"SELECT role_id FROM memberships WHERE role_id IN (SELECT id FROM roles WHERE built_in = 0 "
                              "AND scope = 'tenant') GROUP BY role_id ORDER BY count(*) DESC LIMIT 1"_s).toLongLong();
        customName = probe(q, u"SELECT name FROM roles WHERE id = %1"_s.arg(customRole)).toString();
        tenant = probe(q, u"SELECT tenant_id FROM memberships GROUP BY tenant_id ORDER BY count(*) DESC LIMIT 1"_s).toLongLong();
        tenantSlug = probe(q, u"SELECT slug FROM tenants WHERE id = %1"_s.arg(tenant)).toString();
        rareText = probe(q, u"SELECT email FROM users WHERE id = (SELECT max(id) * 2 / 3 FROM users)"_s).toString();
        q = QSqlQuery();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(u"probe"_s);
    }
    if (users < 100'000) {
        std::fprintf(stderr, "bench_users: %s has %lld users; generate a large demo database first\n", qPrintable(path), users);
        return 1;
    }

    SqlStore store(path);
    const StoreInfo info = store.open(OpenMode::OpenExisting).result();
    std::printf("database %s: %lld users, %s, schema %d\n", qPrintable(path), users, qPrintable(info.engineVersion),
                info.schemaVersion);
    std::printf("built-in role \"%s\", custom role \"%s\", tenant %s, rare text \"%s\"\n\n", qPrintable(builtInName),
                qPrintable(customName), qPrintable(tenantSlug), qPrintable(rareText));

    QList<Measurement> measurements;
    const auto add = [&measurements](const QString& what, double target, UserQuery query, bool nextPage = false) {
        query.limit = 100;
        measurements.append(Measurement{what, target, query, nextPage, {}, {}, 0});
    };
    add(u"first page (100 rows by name)"_s, 100, {});
    add(u"next page"_s, 100, {}, true);
    for (const QString& text : {u"a"_s, u"an"_s, u"ann"_s, u"anna"_s, rareText, u"zqxj"_s, u"zq"_s}) {
        const QString label = text == rareText ? u"search: a rare text (one user's e-mail)"_s
            : text == u"zqxj"_s               ? u"search: \"zqxj\" (matches nothing)"_s
            : text == u"zq"_s                 ? u"search: \"zq\" (two letters, match nothing)"_s
                                               : u"search: \"%1\""_s.arg(text);
        add(label, 150, {.text = text});
    }
    add(u"filter: built-in role \"%1\""_s.arg(builtInName), 100, {.roleId = builtInRole});
    add(u"filter: custom role \"%1\""_s.arg(customName), 100, {.roleId = customRole});
    add(u"filter: tenant %1"_s.arg(tenantSlug), 100, {.tenantId = tenant});
    for (UserStatus status : {UserStatus::Active, UserStatus::Invited, UserStatus::Disabled})
        add(u"filter: status %1"_s.arg(userStatusKey(status)), 100, {.status = status});
    add(u"filter: status disabled + search \"an\""_s, 150, {.text = u"an"_s, .status = UserStatus::Disabled});
    for (UserSort sort : {UserSort::DisplayName, UserSort::Email, UserSort::Status, UserSort::LastSignIn, UserSort::CreatedAt}) {
        for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
            add(u"sort: %1 %2"_s.arg(userSortKey(sort), order == Qt::AscendingOrder ? u"asc"_s : u"desc"_s), 100,
                {.sort = sort, .order = order});
        }
    }

    const QString secondCursor = store.users(UserQuery{}).result().nextCursor;
    const auto throughStore = [&](const Measurement& m) {
        UserQuery query = m.query;
        if (m.nextPage)
            query.cursor = secondCursor;
        return int(store.users(query).result().items.size());
    };
    UserTableModel model;
    model.setStore(&store);
    // The model is waited for with an event loop that ends when the page has arrived (QTest::qWaitFor
    // would sleep in steps of 10 ms and measure those).
    int pages = 0;
    QEventLoop loop;
    QObject::connect(&model, &UserTableModel::pageLoaded, &model, [&pages, &loop](int) {
        ++pages;
        loop.quit();
    });
    QObject::connect(&model, &UserTableModel::loadFailed, &loop, &QEventLoop::quit);
    const auto waitForPage = [&](int count) {
        while (pages < count && !model.hasError())
            loop.exec();
        if (model.hasError()) {
            std::fprintf(stderr, "bench_users: the model did not load a page: %s\n", qPrintable(model.errorMessage()));
            std::exit(1);
        }
    };
    // What a view reads of the rows it shows: every column's text.
    const auto readRows = [&model](int from) {
        for (int row = from; row < model.rowCount(); ++row) {
            for (int column = 0; column < UserTableModel::ColumnCount; ++column)
                (void)model.index(row, column).data(Qt::DisplayRole);
        }
    };
    QElapsedTimer timer;
    const auto throughModel = [&](const Measurement& m) {
        pages = 0;
        if (m.nextPage) {
            model.setQuery(m.query);
            waitForPage(1);
            timer.start();
            model.fetchMore({});
            waitForPage(2);
            readRows(100);
            return model.rowCount() - 100;
        }
        timer.start();
        model.setQuery(m.query);
        waitForPage(1);
        readRows(0);
        return model.rowCount();
    };

    for (Measurement& m : measurements) {
        // Warm-up: the file's pages in the cache, as for a console already in use.
        m.rows = throughStore(m);
        throughModel(m);
    }
    for (int run = 0; run < runs; ++run) {
        for (Measurement& m : measurements) {
            timer.start();
            throughStore(m);
            m.storeMs << double(timer.nsecsElapsed()) / 1e6;
            throughModel(m);
            m.modelMs << double(timer.nsecsElapsed()) / 1e6;
        }
    }

    std::printf("%-46s %5s | %-26s | %-26s | %s\n", "", "", "through SqlStore::users", "through UserTableModel", "");
    std::printf("%-46s %5s | %8s %8s %8s | %8s %8s %8s | %s\n", "what", "rows", "min ms", "median", "p95", "min ms",
                "median", "p95", "target");
    for (const Measurement& m : measurements) {
        const double worst = std::max(Measurement::percentile(m.storeMs, 0.5), Measurement::percentile(m.modelMs, 0.5));
        std::printf("%-46s %5d | %8.1f %8.1f %8.1f | %8.1f %8.1f %8.1f | < %3.0f ms %s\n", qPrintable(m.what), m.rows,
                    Measurement::percentile(m.storeMs, 0), Measurement::percentile(m.storeMs, 0.5),
                    Measurement::percentile(m.storeMs, 0.95), Measurement::percentile(m.modelMs, 0),
                    Measurement::percentile(m.modelMs, 0.5), Measurement::percentile(m.modelMs, 0.95), m.target,
                    worst < m.target ? "met" : "MISSED");
    }
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("\npeak resident memory %.1f MB; %d runs of each after one warm-up\n", double(usage.ru_maxrss) / 1024.0, runs);
    return 0;
}
