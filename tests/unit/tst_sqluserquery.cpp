// SqlStore::users() on SQLite chooses how to find a page by how many users match (the members of a
// role or tenant, the users the trigram index finds for a text, a walk in the order asked for, a
// scan of the whole table). Whatever it chooses, the pages must be those of the plain definition:
// every user matching every filter, sorted by the column and then by id. Checked here against
// that definition computed from the raw rows, on a platform large enough for every plan.
#include "SqlStore.h"
#include "TestSupport.h"

#include <QHash>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

namespace {

struct Row {
    UserId id = 0;
    QString email, name, status, createdAt, lastSignIn;
};

} // namespace

class TestSqlUserQuery : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_path;
    std::unique_ptr<SqlStore> m_store;
    QList<Row> m_rows;
    // Who holds what: (tenant, environment, role) per user; platform roles per user.
    QHash<UserId, QList<Membership>> m_memberships;
    QHash<UserId, QList<RoleId>> m_platformRoles;

    void readRaw()
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"raw"_s);
        db.setDatabaseName(m_path);
        QVERIFY(db.open());
        {
            QSqlQuery q(db);
            QVERIFY(q.exec(u"SELECT id, email, display_name, status, created_at, coalesce(last_sign_in_at, '') FROM users"_s));
            while (q.next())
                m_rows.append({q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
                               q.value(4).toString(), q.value(5).toString()});
            QVERIFY(q.exec(u"SELECT tenant_id, user_id, environment_id, role_id FROM memberships"_s));
            while (q.next()) {
                const Membership m{q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toLongLong(), q.value(3).toLongLong()};
                m_memberships[m.userId].append(m);
            }
            QVERIFY(q.exec(u"SELECT user_id, role_id FROM platform_principals"_s));
            while (q.next())
                m_platformRoles[q.value(0).toLongLong()].append(q.value(1).toLongLong());
        }
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(u"raw"_s);
    }

    // The definition: every user matching every filter, by the column and then by id.
    QList<UserId> expected(const UserQuery& query) const
    {
        QList<const Row*> rows;
        for (const Row& row : m_rows) {
            if (query.status && row.status != userStatusKey(*query.status))
                continue;
            if (!query.text.isEmpty() && !row.name.contains(query.text, Qt::CaseInsensitive)
                && !row.email.contains(query.text, Qt::CaseInsensitive))
                continue;
            if (query.tenantId != 0 || query.environmentId != 0 || query.roleId != 0) {
                const QList<Membership> held = m_memberships.value(row.id);
                bool member = std::any_of(held.cbegin(), held.cend(), [&query](const Membership& m) {
                    return (query.tenantId == 0 || m.tenantId == query.tenantId)
                        && (query.environmentId == 0 || m.environmentId == query.environmentId)
                        && (query.roleId == 0 || m.roleId == query.roleId);
                });
                if (query.roleId != 0 && query.tenantId == 0 && query.environmentId == 0)
                    member = member || m_platformRoles.value(row.id).contains(query.roleId);
                if (!member)
                    continue;
            }
            rows.append(&row);
        }
        const auto key = [&query](const Row* row) -> const QString& {
            switch (query.sort) {
            case UserSort::DisplayName: return row->name;
            case UserSort::Email: return row->email;
            case UserSort::Status: return row->status;
            case UserSort::LastSignIn: return row->lastSignIn;
            case UserSort::CreatedAt: return row->createdAt;
            }
            return row->name;
        };
        std::sort(rows.begin(), rows.end(), [&](const Row* a, const Row* b) {
            const int c = QString::compare(key(a), key(b), Qt::CaseSensitive);
            const bool less = c != 0 ? c < 0 : a->id < b->id;
            return query.order == Qt::AscendingOrder ? less : !less && a != b;
        });
        QList<UserId> ids;
        for (const Row* row : std::as_const(rows))
            ids.append(row->id);
        return ids;
    }

    // The first `pages` pages the store gives, as ids.
    QList<UserId> paged(UserQuery query, int pages) const
    {
        QList<UserId> ids;
        for (int i = 0; i < pages; ++i) {
            const Page<User> page = await(m_store->users(query));
            for (const User& user : page.items)
                ids.append(user.id);
            if (page.isLast())
                break;
            query.cursor = page.nextCursor;
        }
        return ids;
    }

    RoleId roleHeldBy(bool many) const
    {
        QHash<RoleId, int> holders;
        for (const QList<Membership>& held : m_memberships) {
            for (const Membership& m : held)
                ++holders[m.roleId];
        }
        RoleId chosen = 0;
        for (auto it = holders.cbegin(); it != holders.cend(); ++it) {
            if (chosen == 0 || (many ? it.value() > holders.value(chosen) : it.value() < holders.value(chosen)))
                chosen = it.key();
        }
        return chosen;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_path = m_dir.filePath(u"users.tenantdesk"_s);
        m_store = std::make_unique<SqlStore>(m_path);
        await(m_store->open(OpenMode::CreateIfMissing));
        // Enough users that a common role or text has more holders than the store reads directly.
        DemoScale scale = DemoScale::small();
        scale.users = 45'000;
        scale.usageDays = 0;
        scale.billingMonths = 0;
        QFuture<DemoSummary> generating = m_store->generateDemo(scale);
        QVERIFY(QTest::qWaitFor([&generating] { return generating.isFinished(); }, 600'000));
        QCOMPARE(generating.result().users, scale.users);
        readRaw();
        QCOMPARE(m_rows.size(), scale.users);
    }

    void pagesAreThoseOfTheDefinition_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("role");   // 0: none, 1: held by most, 2: held by fewest
        QTest::addColumn<bool>("tenant");
        QTest::addColumn<int>("status"); // -1: any
        QTest::addColumn<int>("sort");
        QTest::addColumn<bool>("descending");

        const int any = -1;
        QTest::newRow("first pages by name") << QString() << 0 << false << any << 0 << false;
        QTest::newRow("status, by email desc") << QString() << 0 << false << int(UserStatus::Disabled) << 1 << true;
        QTest::newRow("by status") << QString() << 0 << false << any << 2 << false;
        QTest::newRow("by status desc") << QString() << 0 << false << any << 2 << true;
        QTest::newRow("by last sign-in") << QString() << 0 << false << any << 3 << false;
        QTest::newRow("one letter") << u"a"_s << 0 << false << any << 0 << false;
        QTest::newRow("two letters, no match") << u"zq"_s << 0 << false << any << 0 << false;
        QTest::newRow("common text") << u"ann"_s << 0 << false << any << 0 << false;
        QTest::newRow("common text, desc") << u"son"_s << 0 << false << any << 4 << true;
        QTest::newRow("e-mail domain part") << u".example"_s << 0 << false << any << 1 << false;
        QTest::newRow("no match") << u"zqxj"_s << 0 << false << any << 0 << false;
        QTest::newRow("wildcards are text") << u"a%b_"_s << 0 << false << any << 0 << false;
        QTest::newRow("common role") << QString() << 1 << false << any << 0 << false;
        QTest::newRow("rare role") << QString() << 2 << false << any << 0 << false;
        QTest::newRow("common role and text") << u"an"_s << 1 << false << any << 1 << false;
        QTest::newRow("common role, longer text") << u"ria"_s << 1 << false << any << 0 << true;
        QTest::newRow("tenant") << QString() << 0 << true << any << 0 << false;
        QTest::newRow("tenant, role, text, status") << u"e"_s << 1 << true << int(UserStatus::Active) << 3 << true;
    }

    void pagesAreThoseOfTheDefinition()
    {
        QFETCH(QString, text);
        QFETCH(int, role);
        QFETCH(bool, tenant);
        QFETCH(int, status);
        QFETCH(int, sort);
        QFETCH(bool, descending);
        UserQuery query;
        query.limit = 100;
        query.text = text;
        query.roleId = role == 0 ? 0 : roleHeldBy(role == 1);
        if (tenant) {
            // The tenant whose members hold the role most, or with the most members.
            QHash<TenantId, int> members;
            for (const QList<Membership>& held : std::as_const(m_memberships)) {
                for (const Membership& m : held) {
                    if (query.roleId == 0 || m.roleId == query.roleId)
                        ++members[m.tenantId];
                }
            }
            for (auto it = members.cbegin(); it != members.cend(); ++it) {
                if (query.tenantId == 0 || it.value() > members.value(query.tenantId))
                    query.tenantId = it.key();
            }
        }
        if (status >= 0)
            query.status = UserStatus(status);
        query.sort = UserSort(sort);
        query.order = descending ? Qt::DescendingOrder : Qt::AscendingOrder;

        const QList<UserId> all = expected(query);
        const int pages = 3;
        QCOMPARE(paged(query, pages), all.mid(0, pages * query.limit));
    }

    void searchFollowsChanges()
    {
        // The trigram index follows the users table: a new user is found at once, a renamed one
        // by the new name only.
        const auto found = [this](const QString& text) {
            QStringList emails;
            for (const User& user : await(m_store->users({.text = text, .limit = 500})).items)
                emails << user.email;
            return emails;
        };
        QCOMPARE(found(u"Quorra Zyx"_s), QStringList{});
        const User created = await(m_store->createUser(NewUser{u"q.zyx@example.com"_s, u"Quorra Zyxwv"_s, UserStatus::Invited, {}}));
        QCOMPARE(found(u"Quorra Zyx"_s), QStringList{created.email});
        QCOMPARE(found(u"quorra zyx"_s), QStringList{created.email});
        QCOMPARE(found(u"q.zyx@exa"_s), QStringList{created.email});
        UserChange change;
        change.displayName = u"Ysolde Vantablack"_s;
        change.email = u"ysolde@example.com"_s;
        await(m_store->updateUser(created.id, change, created.version));
        QCOMPARE(found(u"Quorra Zyx"_s), QStringList{});
        QCOMPARE(found(u"q.zyx@exa"_s), QStringList{});
        QCOMPARE(found(u"olde Vantab"_s), QStringList{u"ysolde@example.com"_s});
    }
};

QTEST_GUILESS_MAIN(TestSqlUserQuery)
#include "tst_sqluserquery.moc"
