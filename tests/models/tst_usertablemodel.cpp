#include "SqlStore.h"
#include "TestSupport.h"
#include "UserTableModel.h"

#include <QAbstractItemModelTester>
#include <QIcon>
#include <QImage>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include <functional>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

namespace {

// Every user that matches `query`, as the store pages them.
QList<User> storeUsers(Store& store, UserQuery query)
{
    QList<User> users;
    query.limit = maximumPageSize;
    query.cursor.clear();
    for (;;) {
        const Page<User> page = await(store.users(query));
        users += page.items;
        if (page.isLast())
            return users;
        query.cursor = page.nextCursor;
    }
}

QList<qint64> idsOf(const QList<User>& users)
{
    QList<qint64> ids;
    for (const User& user : users)
        ids.append(user.id);
    return ids;
}

bool settled(const UserTableModel& model)
{
    return QTest::qWaitFor([&model]() { return !model.isLoading(); }, 30000);
}

// Loads every page, as a view scrolled to the end does; false when a page did not come.
bool loadAll(UserTableModel& model)
{
    for (;;) {
        if (!settled(model))
            return false;
        if (!model.canFetchMore({}))
            return true;
        model.fetchMore({});
    }
}

QList<User> rowsOf(const UserTableModel& model)
{
    QList<User> users;
    for (int row = 0; row < model.rowCount(); ++row)
        users.append(model.userAt(row));
    return users;
}

} // namespace

class TestUserTableModel : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_path;
    std::unique_ptr<SqlStore> m_store;
    int m_total = 0;

    // A model on the store with a tester attached before anything is loaded.
    struct Fixture {
        UserTableModel model;
        QAbstractItemModelTester tester{&model, QAbstractItemModelTester::FailureReportingMode::Fatal};
        explicit Fixture(Store* store, int pageSize)
        {
            tester.setUseFetchMore(true);
            model.setPageSize(pageSize);
            model.setStore(store);
        }
    };

    // The model shows exactly the store's answer to `query`, in its order, each row matching.
    void checkFilter(const UserQuery& query, const std::function<bool(const User&)>& matches)
    {
        Fixture f(m_store.get(), 25);
        f.model.setQuery(query);
        QVERIFY(loadAll(f.model));
        const QList<User> rows = rowsOf(f.model);
        QCOMPARE(idsOf(rows), idsOf(storeUsers(*m_store, query)));
        QVERIFY2(!rows.isEmpty() && rows.size() < m_total, "the filter should narrow the users");
        for (const User& user : rows)
            QVERIFY2(matches(user), qPrintable(user.email));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_path = copyFixture(smallDemoFixture(), m_dir);
        m_store = std::make_unique<SqlStore>(m_path);
        await(m_store->open(OpenMode::OpenExisting));
        m_total = int(storeUsers(*m_store, {}).size());
        QVERIFY(m_total > 100);
    }

    void cleanupTestCase() { m_store.reset(); }

    // A platform principal's badge is SVG: drawn at the size asked for, purple, on high-DPI screens too.
    void principalBadgeIsSharpAtEveryScale()
    {
        Fixture f(m_store.get(), 100);
        UserQuery query;
        query.text = u"redwood-games.example"_s; // two of its people are platform principals
        f.model.setQuery(query);
        QVERIFY(loadAll(f.model));
        QVERIFY(f.model.rowCount() > 2);
        int row = -1;
        QTRY_VERIFY_WITH_TIMEOUT([&]() {
            for (row = 0; row < f.model.rowCount(); ++row) {
                if (f.model.index(row, UserTableModel::NameColumn).data(UserTableModel::PlatformPrincipalRole).toBool())
                    return true;
            }
            return false;
        }(), 10000);
        const QIcon icon = f.model.index(row, UserTableModel::NameColumn).data(Qt::DecorationRole).value<QIcon>();
        QVERIFY(!icon.isNull());
        for (const int side : {16, 32, 64}) {
            const QImage image = icon.pixmap(QSize(side, side)).toImage();
            QCOMPARE(image.size(), QSize(side, side));
            QCOMPARE(image.pixelColor(side / 8, side / 2).rgb(), QColor(0x6a, 0x1b, 0x9a).rgb());
        }
        // Everyone else: no badge.
        int others = 0;
        for (int other = 0; other < f.model.rowCount(); ++other) {
            if (!f.model.index(other, UserTableModel::NameColumn).data(UserTableModel::PlatformPrincipalRole).toBool()) {
                QVERIFY(!f.model.index(other, UserTableModel::NameColumn).data(Qt::DecorationRole).isValid());
                ++others;
            }
        }
        QVERIFY(others > 0);
    }

    // Scrolled far (more users than the model lets go of on the GUI thread), then a search: the rows
    // empty at once and the search's users come, exactly the store's, whatever happens to the old.
    void searchAfterScrollingFar()
    {
        QTemporaryDir dir;
        SqlStore store(copyFixture(largeDemoFixture(), dir));
        await(store.open(OpenMode::OpenExisting));
        {
            Fixture f(&store, maximumPageSize);
            f.model.setQuery({});
            while (f.model.rowCount() <= 10000) {
                QVERIFY(settled(f.model));
                QVERIFY2(f.model.canFetchMore({}), "the large demo should have more than 10,000 users");
                f.model.fetchMore({});
            }
            QVERIFY(settled(f.model));
            UserQuery search;
            search.text = f.model.userAt(f.model.rowCount() - 1).displayName.left(4);
            f.model.setQuery(search);
            QCOMPARE(f.model.rowCount(), 0);
            QVERIFY(loadAll(f.model));
            const QList<User> rows = rowsOf(f.model);
            QVERIFY(!rows.isEmpty());
            QCOMPARE(idsOf(rows), idsOf(storeUsers(store, search)));
            // Sorted by another column: the same users, from the first page again.
            f.model.sort(UserTableModel::EmailColumn);
            QCOMPARE(f.model.rowCount(), 0);
            QVERIFY(loadAll(f.model));
            QCOMPARE(f.model.rowCount(), rows.size());
        } // the model goes while what it let go of may still be freed elsewhere
    }

    // The first page comes on setQuery; the rest as the view asks, a page at a time, never all at once.
    void loadsPagesLazily()
    {
        Fixture f(m_store.get(), 40);
        QList<int> batches;
        connect(&f.model, &QAbstractItemModel::rowsInserted, this,
                [&](const QModelIndex&, int first, int last) { batches.append(last - first + 1); });
        QSignalSpy loaded(&f.model, &UserTableModel::pageLoaded);
        QVERIFY(!f.model.canFetchMore({})); // no query yet
        f.model.setQuery({});
        QVERIFY(f.model.isLoading());
        QVERIFY(!f.model.canFetchMore({})); // not while a page is on its way
        QVERIFY(loaded.wait(30000));
        QCOMPARE(f.model.rowCount(), 40);
        // The rows before awaiting the store: its event loop may let the tester's fetchMore bring page 2.
        const QList<qint64> firstPage = idsOf(rowsOf(f.model));
        QCOMPARE(firstPage, idsOf(await(m_store->users({.limit = 40})).items));
        QVERIFY(!f.model.isComplete());

        // The tester may have asked for the next page already, as a view scrolled down would.
        if (f.model.canFetchMore({}))
            f.model.fetchMore({});
        QVERIFY(settled(f.model));
        QVERIFY(f.model.rowCount() >= 80);
        QVERIFY(f.model.rowCount() < m_total); // a page at a time, not everything

        QVERIFY(loadAll(f.model));
        QVERIFY(f.model.isComplete());
        QCOMPARE(f.model.rowCount(), m_total);
        QCOMPARE(idsOf(rowsOf(f.model)), idsOf(storeUsers(*m_store, {})));
        for (int batch : std::as_const(batches))
            QVERIFY(batch <= 40);

        // userAt and the ids of selected rows.
        const User third = f.model.userAt(2);
        QCOMPARE(f.model.data(f.model.index(2, UserTableModel::EmailColumn)).toString(), third.email);
        QCOMPARE(f.model.data(f.model.index(2, 0), UserTableModel::UserIdRole).toLongLong(), third.id);
        const QModelIndexList selected{f.model.index(5, 1), f.model.index(2, 0), f.model.index(2, 3)};
        QCOMPARE(f.model.userIds(selected), (QList<UserId>{third.id, f.model.userAt(5).id}));
        QCOMPARE(f.model.userAt(-1).id, UserId(0));
        QCOMPARE(f.model.userAt(f.model.rowCount()).id, UserId(0));
    }

    void filtersByText()
    {
        const User someone = await(m_store->users({.limit = 1})).items.constFirst();
        const QString text = someone.email.section(u'@', 0, 0).left(4).toUpper();
        checkFilter({.text = text}, [text](const User& u) {
            return u.displayName.contains(text, Qt::CaseInsensitive) || u.email.contains(text, Qt::CaseInsensitive);
        });
    }

    void filtersByStatus()
    {
        for (const UserStatus status : {UserStatus::Active, UserStatus::Invited, UserStatus::Disabled}) {
            UserQuery query;
            query.status = status;
            if (storeUsers(*m_store, query).isEmpty())
                continue; // the demo may have none of one kind
            checkFilter(query, [status](const User& u) { return u.status == status; });
        }
    }

    void filtersByTenantAndRole()
    {
        const Tenant tenant = await(m_store->tenants({.limit = 1})).items.constFirst();
        const QList<MembershipEntry> members = await(m_store->memberships({.tenantId = tenant.id, .limit = 500})).items;
        QVERIFY(!members.isEmpty());
        QSet<UserId> memberIds;
        for (const MembershipEntry& m : members)
            memberIds.insert(m.userId);
        checkFilter({.tenantId = tenant.id}, [&](const User& u) { return memberIds.contains(u.id); });

        const RoleId roleId = members.constFirst().roleId;
        QSet<UserId> holders;
        for (const MembershipEntry& m : members) {
            if (m.roleId == roleId)
                holders.insert(m.userId);
        }
        checkFilter({.tenantId = tenant.id, .roleId = roleId}, [&](const User& u) { return holders.contains(u.id); });
    }

    // A header click asks the store: every user in that order, both ways, from the first page again.
    void sortsThroughTheStore_data()
    {
        QTest::addColumn<int>("column");
        QTest::newRow("name") << int(UserTableModel::NameColumn);
        QTest::newRow("e-mail") << int(UserTableModel::EmailColumn);
        QTest::newRow("created") << int(UserTableModel::CreatedColumn);
    }

    void sortsThroughTheStore()
    {
        QFETCH(int, column);
        Fixture f(m_store.get(), 60);
        f.model.setQuery({});
        QVERIFY(settled(f.model));
        for (const Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
            QSignalSpy reset(&f.model, &QAbstractItemModel::modelReset);
            f.model.sort(column, order);
            if (!(column == UserTableModel::NameColumn && order == Qt::AscendingOrder)) // already so
                QCOMPARE(reset.count(), 1);
            QCOMPARE(f.model.query().sort, UserTableModel::sortOfColumn(column));
            QCOMPARE(f.model.query().order, order);
            QVERIFY(loadAll(f.model));
            const QList<User> rows = rowsOf(f.model);
            QCOMPARE(rows.size(), m_total);
            const auto key = [column](const User& u) -> QString {
                switch (column) {
                case UserTableModel::EmailColumn: return u.email.toLower();
                case UserTableModel::CreatedColumn: return u.createdAt.toUTC().toString(Qt::ISODateWithMs);
                }
                return u.displayName.toLower();
            };
            for (int i = 1; i < rows.size(); ++i) {
                const QString a = key(rows.at(i - 1)), b = key(rows.at(i));
                if (order == Qt::AscendingOrder)
                    QVERIFY2(QString::compare(a, b) <= 0, qPrintable(a + u" > "_s + b));
                else
                    QVERIFY2(QString::compare(a, b) >= 0, qPrintable(a + u" < "_s + b));
            }
            QCOMPARE(idsOf(rows), idsOf(storeUsers(*m_store, f.model.query())));
        }
    }

    // Answers to a query the model has moved on from are never shown.
    void ignoresStaleAnswers()
    {
        Fixture f(m_store.get(), 30);
        UserQuery active;
        active.status = UserStatus::Active;
        f.model.setQuery({});
        f.model.setQuery(active);
        QVERIFY(loadAll(f.model));
        QTest::qWait(200);
        QCOMPARE(idsOf(rowsOf(f.model)), idsOf(storeUsers(*m_store, active)));
        for (const User& user : rowsOf(f.model))
            QCOMPARE(user.status, UserStatus::Active);
    }

    // A page the store cannot give (here a store that is not open) stops the loading with a
    // message; retry() asks again and, once the store answers, the rows come.
    void failedPageAndRetry()
    {
        SqlStore closed(m_path);
        Fixture f(&closed, 20);
        QSignalSpy failed(&f.model, &UserTableModel::loadFailed);
        f.model.setQuery({});
        QVERIFY(failed.wait(30000));
        const QString message = failed.constFirst().at(0).toString();
        QVERIFY(!message.isEmpty());
        QCOMPARE(f.model.errorMessage(), message);
        QVERIFY(f.model.hasError());
        QVERIFY(!f.model.isLoading());
        QCOMPARE(f.model.rowCount(), 0);
        QVERIFY(!f.model.canFetchMore({})); // no loop of failing fetches

        f.model.retry();
        QVERIFY(f.model.isLoading());
        QVERIFY(!f.model.hasError());
        QVERIFY(failed.wait(30000));
        QCOMPARE(failed.count(), 2);

        await(closed.open(OpenMode::OpenExisting));
        f.model.retry();
        QVERIFY(settled(f.model));
        QVERIFY(!f.model.hasError());
        QCOMPARE(f.model.rowCount(), 20);
        QCOMPARE(failed.count(), 2);
        f.model.setStore(nullptr);
    }
};

QTEST_MAIN(TestUserTableModel)
#include "tst_usertablemodel.moc"
