// Users as CSV and JSON files (issue 5): what the readers make of good and bad files, and that the
// writers produce exactly what the readers read back.
#include "UserFile.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringDecoder>
#include <QTest>

using namespace TenantDesk;
using namespace Qt::StringLiterals;

namespace {

UserDetail detail(const QString& email, const QString& name, UserStatus status,
                  const QList<std::tuple<QString, QString, QString>>& memberships)
{
    UserDetail detail;
    detail.user.email = email;
    detail.user.displayName = name;
    detail.user.status = status;
    for (const auto& [tenant, environment, role] : memberships) {
        UserMembership membership;
        membership.tenantSlug = tenant;
        membership.environmentName = environment;
        membership.roleName = role;
        detail.memberships.append(membership);
    }
    return detail;
}

// What a reader should give for these users: everything but the line.
QList<ImportUser> expectedUsers(const QList<UserDetail>& details)
{
    QList<ImportUser> users;
    for (const UserDetail& d : details) {
        ImportUser user;
        user.email = d.user.email;
        user.displayName = d.user.displayName;
        user.status = d.user.status;
        for (const UserMembership& m : d.memberships)
            user.memberships.append({m.tenantSlug, m.environmentName, m.roleName});
        users.append(user);
    }
    return users;
}

QList<ImportUser> withoutLines(QList<ImportUser> users)
{
    for (ImportUser& user : users) {
        user.line = 0;
        for (ImportMembership& membership : user.memberships)
            membership.line = 0;
    }
    return users;
}

QString describe(const QList<ImportIssue>& issues)
{
    QStringList lines;
    for (const ImportIssue& issue : issues)
        lines.append(u"%1 [%2] %3"_s.arg(issue.line).arg(issue.field, issue.message));
    return lines.join(u"\n"_s);
}

// Users that exercise the writers: no membership, several, an environment, names a CSV must quote
// or guard, every status, non-ASCII text.
QList<UserDetail> awkwardUsers()
{
    return {
        detail(u"ann@example.org"_s, u"Ann Example"_s, UserStatus::Active,
               {{u"acme"_s, QString(), u"Tenant Admin"_s}, {u"acme.emea"_s, u"production"_s, u"Tenant Viewer"_s}}),
        detail(u"bob@example.org"_s, u"Smith, Bob \"the builder\""_s, UserStatus::Invited, {}),
        detail(u"carla@example.org"_s, u"Carla\non two lines"_s, UserStatus::Disabled,
               {{u"acme"_s, QString(), u"group:/top/sub, with comma"_s}}),
        detail(u"dave@example.org"_s, u"=HYPERLINK(\"http://evil\")"_s, UserStatus::Active,
               {{u"acme"_s, QString(), u"+role"_s}}),
        detail(u"erin@example.org"_s, u"'=already guarded"_s, UserStatus::Active, {}),
        detail(u"frank@example.org"_s, u"-5"_s, UserStatus::Invited, {{u"acme"_s, u"-dev"_s, u"@admins"_s}}),
        detail(u"gina@example.org"_s, u"  blank around  "_s, UserStatus::Invited, {}),
        detail(u"jürgen@example.de"_s, u"Jürgen Groß 日本"_s, UserStatus::Active, {{u"acme"_s, QString(), u"Tenant User"_s}}),
        detail(u"hal@example.org"_s, u"'Nick"_s, UserStatus::Invited, {}),
        detail(u"ivy@example.org"_s, QString(), UserStatus::Invited, {{u"beta"_s, QString(), u"Tenant User"_s}}),
    };
}

} // namespace

class TestUserFile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // --- CSV, good files ---------------------------------------------------------------------------

    void csvRowsOfOneUserAreMerged()
    {
        // Columns in any order and case; two rows of Ann are one user with two memberships.
        const QByteArray csv = "Role,EMAIL,Tenant,Display Name,status,environment\n"
                               "Tenant Admin,ann@example.org,acme,Ann,active,\n"
                               "Tenant Viewer,ANN@example.org,acme.emea,,,production\n"
                               "Tenant User,bob@example.org,,Bob,,\n"
                               "Tenant Admin,ann@example.org,acme,Ann,active,\n"; // the same again: nothing new
        const DirectoryImport import = readUsersCsv(csv, u"users.csv"_s, u"acme"_s);
        QVERIFY2(import.issues.isEmpty(), qPrintable(describe(import.issues)));
        QCOMPARE(import.source, u"users.csv"_s);
        QCOMPARE(import.tenantSlug, u"acme"_s);
        QVERIFY(!import.createTenant);
        QCOMPARE(import.users.size(), 2);
        const ImportUser& ann = import.users.at(0);
        QCOMPARE(ann.line, 2);
        QCOMPARE(ann.email, u"ann@example.org"_s); // as first written
        QCOMPARE(ann.displayName, u"Ann"_s);
        QCOMPARE(ann.status, UserStatus::Active);
        // Each membership with the line of its row, for the store's report.
        QCOMPARE(ann.memberships, (QList<ImportMembership>{{u"acme"_s, QString(), u"Tenant Admin"_s, 2},
                                                           {u"acme.emea"_s, u"production"_s, u"Tenant Viewer"_s, 3}}));
        const ImportUser& bob = import.users.at(1);
        QCOMPARE(bob.line, 4);
        QCOMPARE(bob.status, UserStatus::Invited); // no status: invited
        // No tenant: the import's own (the default tenant).
        QCOMPARE(bob.memberships, (QList<ImportMembership>{{QString(), QString(), u"Tenant User"_s, 4}}));
    }

    void csvQuotingBomAndCrlf()
    {
        const QByteArray csv = "\xEF\xBB\xBF" "email,name,role,tenant\r\n"
                               "  ann@example.org  ,\"Example, Ann \"\"A\"\"\",\"Tenant Admin\",acme\r\n"
                               "\r\n" // an empty line is no row
                               "bob@example.org, \"Bob\r\nBuilder\" ,,\r\n";
        const DirectoryImport import = readUsersCsv(csv, u"u.csv"_s, QString());
        QVERIFY2(import.issues.isEmpty(), qPrintable(describe(import.issues)));
        QCOMPARE(import.users.size(), 2);
        QCOMPARE(import.users.at(0).email, u"ann@example.org"_s);
        QCOMPARE(import.users.at(0).displayName, u"Example, Ann \"A\""_s);
        QCOMPARE(import.users.at(0).memberships, (QList<ImportMembership>{{u"acme"_s, QString(), u"Tenant Admin"_s, 2}}));
        QCOMPARE(import.users.at(1).line, 4);
        QCOMPARE(import.users.at(1).displayName, u"Bob\r\nBuilder"_s); // a quoted line break is text
        QVERIFY(import.users.at(1).memberships.isEmpty());
    }

    void csvUnknownColumnsAreNoted()
    {
        const DirectoryImport import = readUsersCsv("email,phone\nann@example.org,555\n", u"u.csv"_s, QString());
        QVERIFY(import.issues.isEmpty());
        QCOMPARE(import.users.size(), 1);
        QVERIFY2(import.notes.join(u'\n').contains(u"phone"_s), qPrintable(import.notes.join(u'\n')));
    }

    void csvQuotedLineBreaksKeepLineNumbers()
    {
        // Line 2's record runs over lines 2 to 4; the bad e-mail is on line 5 and its record says so.
        const QByteArray csv = "email,display_name\n"
                               "ann@example.org,\"Ann\n"
                               "of three\n"
                               "lines\"\n"
                               "not-an-email,Bob\n"
                               "carla@example.org,Carla\n";
        const DirectoryImport import = readUsersCsv(csv, u"u.csv"_s, QString());
        QCOMPARE(import.issues.size(), 1);
        QCOMPARE(import.issues.first().line, 5);
        QCOMPARE(import.issues.first().field, u"email"_s);
        QCOMPARE(import.users.size(), 2);
        QCOMPARE(import.users.at(1).line, 6);
    }

    // --- CSV, bad files: each problem on its line and field ----------------------------------------

    void csvErrorsByLineAndField_data()
    {
        QTest::addColumn<QByteArray>("csv");
        QTest::addColumn<QString>("defaultTenant");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("saying"); // a part of the message naming the value at fault

        QTest::newRow("empty file") << QByteArray() << QString() << 1 << u"email"_s << u"empty"_s;
        QTest::newRow("no email column") << QByteArray("name,status\nBob,active\n") << QString() << 1 << u"email"_s
                                         << u"name, status"_s;
        QTest::newRow("email column twice") << QByteArray("email,name,E-Mail\n") << QString() << 1 << u"email"_s
                                            << u"1 and 3"_s;
        QTest::newRow("too few fields") << QByteArray("email,name\nann@example.org,Ann\nbob@example.org\n") << QString()
                                        << 3 << QString() << u"1"_s;
        QTest::newRow("too many fields") << QByteArray("email,name\nann@example.org,Ann,x\n") << QString() << 2
                                         << QString() << u"3"_s;
        QTest::newRow("empty email") << QByteArray("email,name\nann@example.org,Ann\n,Bob\n") << QString() << 3
                                     << u"email"_s << u"empty"_s;
        QTest::newRow("email without @") << QByteArray("email\nbob.example.org\n") << QString() << 2 << u"email"_s
                                         << u"bob.example.org"_s;
        QTest::newRow("email with two @") << QByteArray("email\nbob@x@example.org\n") << QString() << 2 << u"email"_s
                                          << u"bob@x@example.org"_s;
        QTest::newRow("email with a blank") << QByteArray("email\n\"bob smith@example.org\"\n") << QString() << 2
                                            << u"email"_s << u"bob smith@example.org"_s;
        QTest::newRow("email with bad domain") << QByteArray("email\nbob@example..org\n") << QString() << 2
                                               << u"email"_s << u"bob@example..org"_s;
        QTest::newRow("bad status") << QByteArray("email,status\nann@example.org,sleeping\n") << QString() << 2
                                    << u"status"_s << u"sleeping"_s;
        QTest::newRow("role without tenant") << QByteArray("email,role\nann@example.org,Tenant User\n") << QString()
                                             << 2 << u"tenant"_s << u"Tenant User"_s;
        QTest::newRow("tenant without role") << QByteArray("email,tenant,role\nann@example.org,acme,\n") << u"acme"_s
                                             << 2 << u"role"_s << u"acme"_s;
        QTest::newRow("contradicting names")
            << QByteArray("email,name\nann@example.org,Ann\nbob@example.org,Bob\nANN@example.org,Anna\n") << QString()
            << 4 << u"display_name"_s << u"line 2"_s;
        QTest::newRow("contradicting status")
            << QByteArray("email,status\nann@example.org,active\nann@example.org,\nann@example.org,disabled\n")
            << QString() << 4 << u"status"_s << u"line 2"_s;
        QTest::newRow("unterminated quote")
            << QByteArray("email,name\nann@example.org,Ann\nbob@example.org,\"Bob\ncarla@example.org,Carla\n")
            << QString() << 3 << u"display_name"_s << u"line 3"_s;
        // "Béla" in Latin-1: 0xE9 at offset 51 (11 + 23 + 17 bytes before it), line 3.
        QTest::newRow("not UTF-8") << QByteArray("email,name\nann@example.org,Ann Ok\nbob@example.org,B\xe9la\n")
                                   << QString() << 3 << u"display_name"_s << u"offset 51"_s;
        // With a byte order mark the offset counts it: the bad byte is in the e-mail of line 2.
        QTest::newRow("not UTF-8 after BOM") << QByteArray("\xEF\xBB\xBF" "email\nb\xFF@example.org\n") << QString() << 2
                                             << u"email"_s << u"offset 10"_s;
        QTest::newRow("truncated UTF-8 in header") << QByteArray("email,n\xC3") << QString() << 1 << QString()
                                                   << u"offset 7"_s;
    }

    void csvErrorsByLineAndField()
    {
        QFETCH(QByteArray, csv);
        QFETCH(QString, defaultTenant);
        QFETCH(int, line);
        QFETCH(QString, field);
        QFETCH(QString, saying);
        const DirectoryImport import = readUsersCsv(csv, u"bad.csv"_s, defaultTenant);
        QVERIFY2(import.issues.size() == 1, qPrintable(describe(import.issues)));
        const ImportIssue& issue = import.issues.first();
        QCOMPARE(issue.line, line);
        QCOMPARE(issue.field, field);
        QVERIFY2(issue.message.contains(saying), qPrintable(issue.message));
    }

    void csvNonUtf8OffsetIsTheFirstBadByte()
    {
        // Worked out here rather than by hand: the first byte that is no UTF-8.
        QByteArray csv = "email,name\nann@example.org,Ann\nbob@example.org,Zo\xc3\xab\n"; // "Zoë": valid
        csv += "carla@example.org,Carla \xed\xa0\x80\n";                                        // a surrogate
        const qsizetype bad = csv.indexOf("\xed");
        const DirectoryImport import = readUsersCsv(csv, u"bad.csv"_s, QString());
        QCOMPARE(import.issues.size(), 1);
        QCOMPARE(import.issues.first().line, 4);
        QVERIFY2(import.issues.first().message.contains(u"offset %1"_s.arg(bad)), qPrintable(import.issues.first().message));
        QVERIFY(import.users.isEmpty()); // nothing is read from a file that is not UTF-8
    }

    void csvReportsEveryBadRow()
    {
        const QByteArray csv = "email,status,role\n"
                               "ann@example.org,active,Tenant User\n"
                               "bad,active,\n"
                               "bob@example.org,asleep,\n"
                               "carla@example.org,,Tenant Viewer\n";
        const DirectoryImport import = readUsersCsv(csv, u"u.csv"_s, QString());
        QCOMPARE(import.issues.size(), 4);
        QCOMPARE((QList<int>{import.issues.at(0).line, import.issues.at(1).line, import.issues.at(2).line,
                             import.issues.at(3).line}),
                 (QList<int>{2, 3, 4, 5}));
        QCOMPARE((QStringList{import.issues.at(0).field, import.issues.at(1).field, import.issues.at(2).field,
                              import.issues.at(3).field}),
                 (QStringList{u"tenant"_s, u"email"_s, u"status"_s, u"tenant"_s}));
    }

    // --- JSON ------------------------------------------------------------------------------------------

    void jsonObjectAndBareArray()
    {
        const QByteArray users = R"([
            {"email": "ann@example.org", "display_name": "Ann", "status": "active",
             "memberships": [{"tenant": "acme", "role": "Tenant Admin"},
                             {"tenant": "acme", "environment": "production", "role": "Tenant Viewer"}]},
            {"email": "bob@example.org", "name": "Bob"},
            {"email": "ANN@example.org", "memberships": [{"role": "Tenant User"}]}
        ])";
        for (const QByteArray& json : {users, QByteArray("{\"users\": " + users + "}")}) {
            const DirectoryImport import = readUsersJson(json, u"u.json"_s, u"beta"_s);
            QVERIFY2(import.issues.isEmpty(), qPrintable(describe(import.issues)));
            QCOMPARE(import.tenantSlug, u"beta"_s);
            QCOMPARE(import.users.size(), 2);
            QCOMPARE(import.users.at(0).line, 1);
            QCOMPARE(import.users.at(0).status, UserStatus::Active);
            QCOMPARE(import.users.at(0).memberships,
                     (QList<ImportMembership>{{u"acme"_s, QString(), u"Tenant Admin"_s, 1},
                                              {u"acme"_s, u"production"_s, u"Tenant Viewer"_s, 1},
                                              {QString(), QString(), u"Tenant User"_s, 3}}));
            QCOMPARE(import.users.at(1).line, 2);
            QCOMPARE(import.users.at(1).displayName, u"Bob"_s);
            QCOMPARE(import.users.at(1).status, UserStatus::Invited);
        }
    }

    void jsonErrorsByRecordAndField_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("saying");

        QTest::newRow("invalid JSON") << QByteArray("{\"users\": [\n{\"email\": \"a@b.org\",}]}") << 0 << QString()
                                      << u"offset"_s;
        QTest::newRow("neither object nor array") << QByteArray("{\"people\": []}") << 0 << u"users"_s << u"users"_s;
        QTest::newRow("record not an object") << QByteArray(R"({"users": [{"email": "a@b.org"}, 7]})") << 2
                                              << u"users[1]"_s << u"2"_s;
        QTest::newRow("no email") << QByteArray(R"({"users": [{"email": "a@b.org"}, {"display_name": "Bob"}]})") << 2
                                  << u"users[1].email"_s << u"empty"_s;
        QTest::newRow("email not a string") << QByteArray(R"([{"email": 12}])") << 1 << u"users[0].email"_s
                                            << u"string"_s;
        QTest::newRow("bad email") << QByteArray(R"([{"email": "a@b.org"}, {"email": "c@d.org"}, {"email": "bob"}])")
                                   << 3 << u"users[2].email"_s << u"bob"_s;
        QTest::newRow("bad status") << QByteArray(R"([{"email": "a@b.org", "status": "gone"}])") << 1
                                    << u"users[0].status"_s << u"gone"_s;
        QTest::newRow("memberships not an array") << QByteArray(R"([{"email": "a@b.org", "memberships": {}}])") << 1
                                                  << u"users[0].memberships"_s << u"array"_s;
        QTest::newRow("role without tenant")
            << QByteArray(R"([{"email": "a@b.org", "memberships": [{"tenant": "acme", "role": "x"}, {"role": "y"}]}])")
            << 1 << u"users[0].memberships[1].tenant"_s << u"y"_s;
        QTest::newRow("tenant without role")
            << QByteArray(R"([{"email": "a@b.org", "memberships": [{"tenant": "acme"}]}])") << 1
            << u"users[0].memberships[0].role"_s << u"acme"_s;
        QTest::newRow("contradicting duplicate")
            << QByteArray(R"([{"email": "a@b.org", "display_name": "Ann"},
                             {"email": "A@b.org", "display_name": "Anna", "memberships": [{"tenant": "t1", "role": "r"},
                                                                                          {"tenant": "t2", "role": "r"}]}])")
            << 2 << u"users[1].display_name"_s << u"record 1"_s;
        QTest::newRow("not UTF-8") << QByteArray("[{\"email\": \"a@b.org\", \"display_name\": \"B\xe9la\"}]") << 0
                                   << QString() << u"offset 40"_s;
    }

    void jsonErrorsByRecordAndField()
    {
        QFETCH(QByteArray, json);
        QFETCH(int, line);
        QFETCH(QString, field);
        QFETCH(QString, saying);
        const DirectoryImport import = readUsersJson(json, u"bad.json"_s, QString());
        QVERIFY2(import.issues.size() == 1, qPrintable(describe(import.issues)));
        QCOMPARE(import.issues.first().line, line);
        QCOMPARE(import.issues.first().field, field);
        QVERIFY2(import.issues.first().message.contains(saying), qPrintable(import.issues.first().message));
    }

    void jsonInvalidNamesTheOffset()
    {
        const QByteArray json = "{\"users\": [\n  {\"email\": \"a@b.org\" \"x\": 1}\n]}";
        const DirectoryImport import = readUsersJson(json, u"bad.json"_s, QString());
        QCOMPARE(import.issues.size(), 1);
        // QJsonParseError's offset: where the parser stopped, on line 2.
        const QString message = import.issues.first().message;
        QVERIFY2(message.contains(u"line 2"_s), qPrintable(message));
        QJsonParseError error;
        QJsonDocument::fromJson(json, &error);
        QVERIFY2(message.contains(u"offset %1"_s.arg(error.offset)), qPrintable(message));
    }

    // --- Writers: read back exactly -------------------------------------------------------------------

    void csvRoundTrip()
    {
        const QList<UserDetail> users = awkwardUsers();
        const QByteArray csv = usersToCsv(users);
        QVERIFY(csv.startsWith("email,display_name,status,tenant,environment,role\r\n"));
        const DirectoryImport import = readUsersCsv(csv, u"export.csv"_s, QString());
        QVERIFY2(import.issues.isEmpty(), qPrintable(describe(import.issues) + u'\n' + QString::fromUtf8(csv)));
        QCOMPARE(withoutLines(import.users), expectedUsers(users));
        // Ann's two memberships are two rows: Bob's row starts on line 4.
        QCOMPARE(import.users.at(1).line, 4);
    }

    void csvGuardsFormulas()
    {
        const QByteArray csv = usersToCsv(awkwardUsers());
        // A spreadsheet sees text, not a formula, in every cell that would start one...
        QVERIFY(csv.contains(",\"'=HYPERLINK(\"\"http://evil\"\")\","));
        QVERIFY(csv.contains(",'+role\r\n"));
        QVERIFY(csv.contains(",'-5,"));
        QVERIFY(csv.contains(",'-dev,'@admins\r\n"));
        QVERIFY(csv.contains(",''=already guarded,")); // one more apostrophe, removed when read
        QVERIFY(csv.contains(",'Nick,"));              // no formula: as it is
        // ...and a hand-written file is read as it stands unless a cell is guarded.
        const DirectoryImport import = readUsersCsv("email,name\nann@example.org,-5\nbob@example.org,'Nick\n"
                                                    "carla@example.org,'@carla\n",
                                                    u"hand.csv"_s, QString());
        QVERIFY(import.issues.isEmpty());
        QCOMPARE(import.users.at(0).displayName, u"-5"_s);
        QCOMPARE(import.users.at(1).displayName, u"'Nick"_s);
        QCOMPARE(import.users.at(2).displayName, u"@carla"_s);
    }

    void jsonRoundTrip()
    {
        const QList<UserDetail> users = awkwardUsers();
        const QByteArray json = usersToJson(users);
        const DirectoryImport import = readUsersJson(json, u"export.json"_s, QString());
        QVERIFY2(import.issues.isEmpty(), qPrintable(describe(import.issues)));
        QCOMPARE(withoutLines(import.users), expectedUsers(users));
        for (qsizetype i = 0; i < import.users.size(); ++i)
            QCOMPARE(import.users.at(i).line, int(i) + 1);
        // No formula guard in JSON: the name is as it is.
        QCOMPARE(QJsonDocument::fromJson(json).object().value(u"users").toArray().at(3).toObject().value(u"display_name"),
                 QJsonValue(u"=HYPERLINK(\"http://evil\")"_s));
    }

    void emptyListsWriteFilesThatReadBackEmpty()
    {
        QCOMPARE(usersToCsv({}), QByteArray("email,display_name,status,tenant,environment,role\r\n"));
        const DirectoryImport csv = readUsersCsv(usersToCsv({}), u"e.csv"_s, QString());
        QVERIFY(csv.issues.isEmpty());
        QVERIFY(csv.users.isEmpty());
        const DirectoryImport json = readUsersJson(usersToJson({}), u"e.json"_s, QString());
        QVERIFY(json.issues.isEmpty());
        QVERIFY(json.users.isEmpty());
    }

    // --- Helpers -------------------------------------------------------------------------------------

    void emailCheck_data()
    {
        QTest::addColumn<QString>("email");
        QTest::addColumn<bool>("valid");
        QTest::newRow("plain") << u"ann@example.org"_s << true;
        QTest::newRow("localhost") << u"test-user@localhost"_s << true;
        QTest::newRow("plus and dots") << u"a.b+tag@mail.example.co.uk"_s << true;
        QTest::newRow("non-ASCII") << u"jürgen@münchen.de"_s << true;
        QTest::newRow("empty") << QString() << false;
        QTest::newRow("no at") << u"ann.example.org"_s << false;
        QTest::newRow("two at") << u"a@b@c.org"_s << false;
        QTest::newRow("nothing before") << u"@example.org"_s << false;
        QTest::newRow("nothing after") << u"ann@"_s << false;
        QTest::newRow("blank") << u"ann smith@example.org"_s << false;
        QTest::newRow("angle brackets") << u"<ann@example.org>"_s << false;
        QTest::newRow("leading dot") << u".ann@example.org"_s << false;
        QTest::newRow("double dot") << u"ann..b@example.org"_s << false;
        QTest::newRow("empty label") << u"ann@example..org"_s << false;
        QTest::newRow("hyphen label") << u"ann@-example.org"_s << false;
        QTest::newRow("underscore domain") << u"ann@ex_ample.org"_s << false;
        QTest::newRow("too long") << QString(QString(250, u'a') + u"@x.org") << false;
    }

    void emailCheck()
    {
        QFETCH(QString, email);
        QFETCH(bool, valid);
        QCOMPARE(validateEmail(email).isEmpty(), valid);
    }

    void utf8Check_data()
    {
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<qsizetype>("offset");
        QTest::newRow("ASCII") << QByteArray("abc") << qsizetype(-1);
        QTest::newRow("all lengths") << QByteArray("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80") << qsizetype(-1);
        QTest::newRow("Latin-1") << QByteArray("ab\xe9z") << qsizetype(2);
        QTest::newRow("lone continuation") << QByteArray("a\x80") << qsizetype(1);
        QTest::newRow("overlong slash") << QByteArray("ab\xc0\xaf") << qsizetype(2);
        QTest::newRow("overlong three") << QByteArray("\xe0\x80\xaf") << qsizetype(0);
        QTest::newRow("surrogate") << QByteArray("x\xed\xa0\x80") << qsizetype(1);
        QTest::newRow("above U+10FFFF") << QByteArray("\xf4\x90\x80\x80") << qsizetype(0);
        QTest::newRow("truncated at end") << QByteArray("ok\xe2\x82") << qsizetype(2);
        QTest::newRow("bad second continuation") << QByteArray("\xe2\x82z") << qsizetype(0);
    }

    void utf8Check()
    {
        QFETCH(QByteArray, data);
        QFETCH(qsizetype, offset);
        QCOMPARE(firstInvalidUtf8Byte(data), offset);
        // Where Qt's own decoder finds an error too.
        QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
        const QString decoded = decoder(data);
        Q_UNUSED(decoded);
        QCOMPARE(decoder.hasError(), offset >= 0);
    }
};

QTEST_GUILESS_MAIN(TestUserFile)
#include "tst_userfile.moc"
