// bench_users: how fast the users table answers on a platform of a million users.
//
//   bench_users --database PATH [--runs N]
//
// PATH is a demo database of 1,000,000 users, generated with
// `tenantctl --database PATH demo --scale 100000 --usage-days 0` (see bench/run-bench-users).
// Every measurement goes through SqlStore::users(), the call the users page makes, from the request
// until the page has arrived on the calling thread: the first page of the table (100 rows by name),
// the next page, search as you type ("a", "an", "ann", "anna", a rare text, a text that matches
// nothing), a filter by a built-in and a custom role, by tenant and by status, and a first page
// sorted by each column in both directions. Each is repeated --runs times after one warm-up pass;
// the figures are the minimum, median and 95th percentile.
#include "SqlStore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSqlDatabase>
#include <QSqlQuery>

#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

using namespace TenantDesk;
using namespace Qt::StringLiterals;

namespace {

struct Measurement {
    QString what;
    double target = 0; // ms; 0: none
    std::function<int()> run; // returns the rows on the page
    QList<double> ms;
    int rows = 0;

    double percentile(double p) const
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
    QCoreApplication app(argc, argv);
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

    const auto page = [&store](UserQuery query) { return int(store.users(query).result().items.size()); };
    const auto firstPage = [](UserSort sort = UserSort::DisplayName, Qt::SortOrder order = Qt::AscendingOrder) {
        UserQuery query;
        query.limit = 100;
        query.sort = sort;
        query.order = order;
        return query;
    };
    QList<Measurement> measurements;
    const auto add = [&measurements](const QString& what, double target, std::function<int()> run) {
        measurements.append(Measurement{what, target, std::move(run), {}, 0});
    };
    add(u"first page (100 rows by name)"_s, 100, [&] { return page(firstPage()); });
    const QString secondCursor = store.users(firstPage()).result().nextCursor;
    add(u"next page"_s, 100, [&] {
        UserQuery query = firstPage();
        query.cursor = secondCursor;
        return page(query);
    });
    for (const QString& text : {u"a"_s, u"an"_s, u"ann"_s, u"anna"_s, rareText, u"zqxj"_s, u"zq"_s}) {
        const QString label = text == rareText ? u"search: a rare text (one user's e-mail)"_s
            : text == u"zqxj"_s               ? u"search: \"zqxj\" (matches nothing)"_s
            : text == u"zq"_s                 ? u"search: \"zq\" (two letters, match nothing)"_s
                                               : u"search: \"%1\""_s.arg(text);
        add(label, 150, [&, text] {
            UserQuery query = firstPage();
            query.text = text;
            return page(query);
        });
    }
    add(u"filter: built-in role \"%1\""_s.arg(builtInName), 100, [&] {
        UserQuery query = firstPage();
        query.roleId = builtInRole;
        return page(query);
    });
    add(u"filter: custom role \"%1\""_s.arg(customName), 100, [&] {
        UserQuery query = firstPage();
        query.roleId = customRole;
        return page(query);
    });
    add(u"filter: tenant %1"_s.arg(tenantSlug), 100, [&] {
        UserQuery query = firstPage();
        query.tenantId = tenant;
        return page(query);
    });
    for (UserStatus status : {UserStatus::Active, UserStatus::Invited, UserStatus::Disabled}) {
        add(u"filter: status %1"_s.arg(userStatusKey(status)), 100, [&, status] {
            UserQuery query = firstPage();
            query.status = status;
            return page(query);
        });
    }
    add(u"filter: status disabled + search \"an\""_s, 150, [&] {
        UserQuery query = firstPage();
        query.status = UserStatus::Disabled;
        query.text = u"an"_s;
        return page(query);
    });
    for (UserSort sort : {UserSort::DisplayName, UserSort::Email, UserSort::Status, UserSort::LastSignIn, UserSort::CreatedAt}) {
        for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
            add(u"sort: %1 %2"_s.arg(userSortKey(sort), order == Qt::AscendingOrder ? u"asc"_s : u"desc"_s), 100,
                [&, sort, order] { return page(firstPage(sort, order)); });
        }
    }

    for (Measurement& m : measurements)
        m.rows = m.run(); // warm-up: the file's pages in the cache, as for a console already in use
    for (int run = 0; run < runs; ++run) {
        for (Measurement& m : measurements) {
            QElapsedTimer timer;
            timer.start();
            m.run();
            m.ms << double(timer.nsecsElapsed()) / 1e6;
        }
    }

    std::printf("%-48s %5s %9s %9s %9s %9s\n", "what (through SqlStore::users)", "rows", "min ms", "median", "p95",
                "target");
    for (const Measurement& m : measurements) {
        const bool met = m.percentile(0.5) < m.target;
        std::printf("%-48s %5d %9.1f %9.1f %9.1f %7.0f ms %s\n", qPrintable(m.what), m.rows, m.percentile(0),
                    m.percentile(0.5), m.percentile(0.95), m.target, met ? "met" : "MISSED");
    }
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("\npeak resident memory %.1f MB; %d runs of each after one warm-up\n", double(usage.ru_maxrss) / 1024.0, runs);
    return 0;
}
