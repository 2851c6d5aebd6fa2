// tenantctl's user and role commands, run as a person runs them, on a copy of the small demo.
#include "SqlStore.h"
#include "TestSupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

namespace {

struct Run {
    int exitCode = -1;
    QString out;
    QString err;
};

QJsonObject objectOf(const Run& run)
{
    return QJsonDocument::fromJson(run.out.toUtf8()).object();
}

QJsonArray arrayOf(const Run& run)
{
    return QJsonDocument::fromJson(run.out.toUtf8()).array();
}

QStringList stringsOf(const QJsonArray& array)
{
    QStringList list;
    for (const QJsonValue& value : array)
        list << value.toString();
    return list;
}

} // namespace

// A run that exited with 0; the message it printed otherwise.
#define TENANTCTL_OK(run)                                                                                              \
    do {                                                                                                               \
        const Run& r_ = (run);                                                                                         \
        QVERIFY2(r_.exitCode == 0, qPrintable(u"exit status %1: %2"_s.arg(r_.exitCode).arg(r_.err)));                  \
    } while (false)

// A run that exited with `status` and said `text` on stderr, printing nothing on stdout.
#define TENANTCTL_REFUSED(run, status, text)                                                                           \
    do {                                                                                                               \
        const Run& r_ = (run);                                                                                         \
        QVERIFY2(r_.exitCode == (status) && r_.err.contains(text) && r_.out.isEmpty(),                                 \
                 qPrintable(u"exit status %1 (expected %2): %3%4"_s.arg(r_.exitCode).arg(status).arg(r_.err, r_.out))); \
    } while (false)

class TestTenantctlUsers : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_database;
    QString m_parent; // a top-level tenant with sub-tenants
    QString m_child;  // one of its sub-tenants
    QString m_other;  // another top-level tenant

    Run tenantctl(const QStringList& arguments) const
    {
        QProcess process;
        process.start(QStringLiteral(TENANTCTL_PATH), QStringList{u"--database"_s, m_database} + arguments);
        if (!process.waitForFinished(120000))
            qFatal("tenantctl did not finish");
        return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
                QString::fromUtf8(process.readAllStandardError())};
    }

    QJsonObject shown(const QString& email) const
    {
        const Run run = tenantctl({u"users"_s, u"show"_s, email, u"--json"_s});
        return run.exitCode == 0 ? objectOf(run) : QJsonObject{};
    }

    // The user's memberships as "slug[/environment] role", sorted.
    QStringList membershipsOf(const QString& email) const
    {
        QStringList list;
        for (const QJsonValue& value : shown(email).value(u"memberships"_s).toArray()) {
            const QJsonObject m = value.toObject();
            QString place = m.value(u"tenant_slug"_s).toString();
            if (!m.value(u"environment_name"_s).toString().isEmpty())
                place += u'/' + m.value(u"environment_name"_s).toString();
            list << place + u' ' + m.value(u"role_name"_s).toString();
        }
        list.sort();
        return list;
    }

    QString environmentOf(const QString& slug) const
    {
        return arrayOf(tenantctl({u"environments"_s, u"list"_s, slug, u"--json"_s})).at(0).toObject().value(u"name"_s).toString();
    }

    void createUser(const QString& email, const QStringList& more = {}) const
    {
        TENANTCTL_OK(tenantctl(QStringList{u"users"_s, u"create"_s, email, u"--name"_s, u"Test "_s + email.section(u'@', 0, 0)} + more));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_database = copyFixture(smallDemoFixture(), m_dir);
        const QJsonArray roots = arrayOf(tenantctl({u"tenants"_s, u"list"_s, u"--json"_s}));
        for (const QJsonValue& value : roots) {
            const QJsonObject tenant = value.toObject();
            if (m_parent.isEmpty() && tenant.value(u"sub_tenant_count"_s).toInt() > 0)
                m_parent = tenant.value(u"slug"_s).toString();
            else if (m_other.isEmpty())
                m_other = tenant.value(u"slug"_s).toString();
        }
        QVERIFY(!m_parent.isEmpty() && !m_other.isEmpty());
        m_child = arrayOf(tenantctl({u"tenants"_s, u"list"_s, u"--parent"_s, m_parent, u"--json"_s}))
                      .at(0).toObject().value(u"slug"_s).toString();
        QVERIFY(m_child.startsWith(m_parent + u'.'));
    }

    void listsUsersPageByPage()
    {
        SqlStore store(m_database);
        await(store.open(OpenMode::OpenExisting));
        int total = 0;
        UserQuery query{.limit = 500};
        do {
            const Page<User> page = await(store.users(query));
            total += int(page.items.size());
            query.cursor = page.nextCursor;
        } while (!query.cursor.isEmpty());

        // --all pages through every user with the cursor; the text table has one line per user.
        const Run all = tenantctl({u"users"_s, u"list"_s, u"--all"_s, u"--json"_s});
        TENANTCTL_OK(all);
        QCOMPARE(arrayOf(all).size(), total);
        const Run text = tenantctl({u"users"_s, u"list"_s, u"--all"_s});
        TENANTCTL_OK(text);
        QCOMPARE(text.out.split(u'\n', Qt::SkipEmptyParts).size(), total + 1);

        // Without --all: the first 100 by name, and a note that more match.
        const Run first = tenantctl({u"users"_s, u"list"_s});
        TENANTCTL_OK(first);
        const QStringList lines = first.out.split(u'\n', Qt::SkipEmptyParts);
        QVERIFY(lines.constFirst().startsWith(u"E-MAIL"_s));
        QCOMPARE(lines.size(), 100 + 2);
        QVERIFY(lines.constLast().contains(u"--all"_s));
        const QJsonArray limited = arrayOf(tenantctl({u"users"_s, u"list"_s, u"--limit"_s, u"7"_s, u"--json"_s}));
        QCOMPARE(limited.size(), 7);
        for (qsizetype i = 1; i < limited.size(); ++i) {
            QVERIFY(limited.at(i - 1).toObject().value(u"display_name"_s).toString()
                    <= limited.at(i).toObject().value(u"display_name"_s).toString());
        }
    }

    void filtersSortsAndSearches()
    {
        const QJsonArray disabled = arrayOf(tenantctl({u"users"_s, u"list"_s, u"--status"_s, u"disabled"_s, u"--all"_s, u"--json"_s}));
        QVERIFY(!disabled.isEmpty());
        for (const QJsonValue& user : disabled)
            QCOMPARE(user.toObject().value(u"status"_s).toString(), u"disabled"_s);

        const QJsonArray byEmail = arrayOf(tenantctl({u"users"_s, u"list"_s, u"--sort"_s, u"email"_s, u"--desc"_s,
                                                      u"--limit"_s, u"50"_s, u"--json"_s}));
        QCOMPARE(byEmail.size(), 50);
        for (qsizetype i = 1; i < byEmail.size(); ++i)
            QVERIFY(byEmail.at(i - 1).toObject().value(u"email"_s).toString() > byEmail.at(i).toObject().value(u"email"_s).toString());

        const QString text = byEmail.at(0).toObject().value(u"display_name"_s).toString().section(u' ', -1).toLower();
        const QJsonArray found = arrayOf(tenantctl({u"users"_s, u"list"_s, u"--search"_s, text, u"--all"_s, u"--json"_s}));
        QVERIFY(!found.isEmpty());
        for (const QJsonValue& value : found) {
            const QJsonObject user = value.toObject();
            QVERIFY(user.value(u"display_name"_s).toString().contains(text, Qt::CaseInsensitive)
                    || user.value(u"email"_s).toString().contains(text, Qt::CaseInsensitive));
        }

        // Members holding a role on one tenant: each one's memberships say so.
        createUser(u"list.admin@example.com"_s, {u"--tenant"_s, m_parent, u"--role"_s, u"Tenant Admin"_s});
        const QJsonArray admins = arrayOf(tenantctl({u"users"_s, u"list"_s, u"--tenant"_s, m_parent, u"--role"_s,
                                                     u"Tenant Admin"_s, u"--all"_s, u"--json"_s}));
        QStringList adminEmails;
        for (const QJsonValue& value : admins)
            adminEmails << value.toObject().value(u"email"_s).toString();
        QVERIFY(adminEmails.contains(u"list.admin@example.com"_s));
        for (const QJsonValue& value : admins)
            QVERIFY(membershipsOf(value.toObject().value(u"email"_s).toString()).contains(m_parent + u" Tenant Admin"_s));

        // A role that is not there, named with the roles that are.
        TENANTCTL_REFUSED(tenantctl({u"users"_s, u"list"_s, u"--role"_s, u"Nobody Role"_s}), 1, u"role: there is no role “Nobody Role”"_s);
    }

    void showsAUserWithInheritance()
    {
        const QString email = u"ines.parent-admin@example.com"_s;
        createUser(email, {u"--status"_s, u"active"_s, u"--tenant"_s, m_parent, u"--role"_s, u"Tenant Admin"_s});
        const int subTenants = [this] {
            // Every tenant under the parent, at any depth.
            int count = 0;
            QStringList queue{m_parent};
            while (!queue.isEmpty()) {
                for (const QJsonValue& child : arrayOf(tenantctl({u"tenants"_s, u"list"_s, u"--parent"_s, queue.takeFirst(), u"--json"_s}))) {
                    ++count;
                    queue << child.toObject().value(u"slug"_s).toString();
                }
            }
            return count;
        }();
        const Run text = tenantctl({u"users"_s, u"show"_s, email});
        TENANTCTL_OK(text);
        QVERIFY(text.out.contains(u"Status:         active"_s));
        QVERIFY(text.out.contains(u"Platform roles: none"_s));
        QVERIFY2(text.out.contains(u"also applies to %1 sub-tenant"_s.arg(subTenants)), qPrintable(text.out));

        const QJsonObject json = shown(email);
        QCOMPARE(json.value(u"user"_s).toObject().value(u"email"_s).toString(), email);
        QCOMPARE(json.value(u"platform_principal"_s).toBool(), false);
        const QJsonObject membership = json.value(u"memberships"_s).toArray().at(0).toObject();
        QCOMPARE(membership.value(u"inherited_tenant_count"_s).toInt(), subTenants);

        // Letter case aside, an e-mail address names the same user; an unknown one is refused.
        TENANTCTL_OK(tenantctl({u"users"_s, u"show"_s, email.toUpper()}));
        TENANTCTL_REFUSED(tenantctl({u"users"_s, u"show"_s, u"nobody@example.com"_s}), 1, u"email: there is no user"_s);
    }

    void createsAndChangesUsers()
    {
        const QString environment = environmentOf(m_parent);
        const Run created = tenantctl({u"users"_s, u"create"_s, u"ann.lee@example.com"_s, u"--name"_s, u"Ann Lee"_s,
                                       u"--tenant"_s, m_parent, u"--environment"_s, environment, u"--role"_s, u"Tenant Viewer"_s});
        TENANTCTL_OK(created);
        QVERIFY(created.out.startsWith(u"Created Ann Lee <ann.lee@example.com>"_s));
        QVERIFY(created.out.contains(u"invited"_s));
        QCOMPARE(membershipsOf(u"ann.lee@example.com"_s), QStringList{m_parent + u'/' + environment + u" Tenant Viewer"_s});

        // Refusals name the field, and create nothing.
        TENANTCTL_REFUSED(tenantctl({u"users"_s, u"create"_s, u"not-an-address"_s, u"--name"_s, u"X"_s}), 1, u"email:"_s);
        TENANTCTL_REFUSED(tenantctl({u"users"_s, u"create"_s, u"ANN.LEE@example.com"_s, u"--name"_s, u"Twin"_s}), 1, u"email:"_s);
        TENANTCTL_REFUSED(tenantctl({u"users"_s, u"create"_s, u"bo@example.com"_s, u"--name"_s, u"Bo"_s, u"--tenant"_s, m_parent,
                                     u"--role"_s, u"Chief Nothing"_s}), 1, u"role: there is no role “Chief Nothing”"_s);
        TENANTCTL_REFUSED(tenantctl({u"users"_s, u"show"_s, u"bo@example.com"_s}), 1, u"email:"_s);

        const Run updated = tenantctl({u"users"_s, u"update"_s, u"ann.lee@example.com"_s, u"--name"_s, u"Ann Leigh"_s,
                                       u"--status"_s, u"active"_s});
        TENANTCTL_OK(updated);
        QVERIFY(updated.out.contains(u"name: “Ann Lee” → “Ann Leigh”"_s));
        QVERIFY(updated.out.contains(u"status: invited → active"_s));
        const QJsonObject user = shown(u"ann.lee@example.com"_s).value(u"user"_s).toObject();
        QCOMPARE(user.value(u"display_name"_s).toString(), u"Ann Leigh"_s);
        QCOMPARE(user.value(u"status"_s).toString(), u"active"_s);

        // An active user is not invited again: only legal transitions.
        TENANTCTL_REFUSED(tenantctl({u"users"_s, u"update"_s, u"ann.lee@example.com"_s, u"--status"_s, u"invited"_s}), 1,
                          u"status:"_s);
        TENANTCTL_REFUSED(tenantctl({u"users"_s, u"update"_s, u"ann.lee@example.com"_s, u"--email"_s, u"ann@"_s}), 1, u"email:"_s);
        const Run moved = tenantctl({u"users"_s, u"update"_s, u"ann.lee@example.com"_s, u"--email"_s, u"ann.leigh@example.com"_s, u"--json"_s});
        TENANTCTL_OK(moved);
        QCOMPARE(objectOf(moved).value(u"email"_s).toString(), u"ann.leigh@example.com"_s);
        QCOMPARE(shown(u"ann.leigh@example.com"_s).value(u"user"_s).toObject().value(u"display_name"_s).toString(), u"Ann Leigh"_s);
    }

    void disablesAndEnablesInOneAction()
    {
        createUser(u"dis.one@example.com"_s, {u"--status"_s, u"active"_s});
        createUser(u"dis.two@example.com"_s);
        const auto status = [this](const QString& email) {
            return shown(email).value(u"user"_s).toObject().value(u"status"_s).toString();
        };
        // One address that names nobody: nothing is changed.
        TENANTCTL_REFUSED(tenantctl({u"users"_s, u"disable"_s, u"dis.one@example.com"_s, u"nobody@example.com"_s}), 1, u"email:"_s);
        QCOMPARE(status(u"dis.one@example.com"_s), u"active"_s);

        const Run disabled = tenantctl({u"users"_s, u"disable"_s, u"dis.one@example.com"_s, u"dis.two@example.com"_s});
        TENANTCTL_OK(disabled);
        QVERIFY(disabled.out.contains(u"Disabled 2 user"_s));
        QCOMPARE(status(u"dis.one@example.com"_s), u"disabled"_s);
        QCOMPARE(status(u"dis.two@example.com"_s), u"disabled"_s);

        TENANTCTL_OK(tenantctl({u"users"_s, u"enable"_s, u"dis.two@example.com"_s}));
        const Run enabled = tenantctl({u"users"_s, u"enable"_s, u"dis.one@example.com"_s, u"dis.two@example.com"_s, u"--json"_s});
        TENANTCTL_OK(enabled);
        QCOMPARE(stringsOf(objectOf(enabled).value(u"changed_emails"_s).toArray()), QStringList{u"dis.one@example.com"_s});
        QCOMPARE(stringsOf(objectOf(enabled).value(u"unchanged_emails"_s).toArray()), QStringList{u"dis.two@example.com"_s});
        QCOMPARE(objectOf(enabled).value(u"unchanged_count"_s).toInt(), 1);
        QCOMPARE(status(u"dis.one@example.com"_s), u"active"_s);
    }

    void assignsAndUnassignsRoles()
    {
        createUser(u"as.one@example.com"_s);
        createUser(u"as.two@example.com"_s);
        const QString environment = environmentOf(m_other);
        const QStringList assign{u"users"_s, u"assign"_s, u"as.one@example.com"_s, u"as.two@example.com"_s, u"--tenant"_s,
                                 m_other, u"--environment"_s, environment, u"--role"_s, u"Tenant User"_s};
        const Run granted = tenantctl(assign);
        TENANTCTL_OK(granted);
        QVERIFY(granted.out.contains(u"Granted “Tenant User” on %1/%2 to 2 user"_s.arg(m_other, environment)));
        const QString held = m_other + u'/' + environment + u" Tenant User"_s;
        QCOMPARE(membershipsOf(u"as.one@example.com"_s), QStringList{held});
        QCOMPARE(membershipsOf(u"as.two@example.com"_s), QStringList{held});

        const Run again = tenantctl(assign);
        TENANTCTL_OK(again);
        QVERIFY(again.out.contains(u"2 user(s) held it already"_s));

        TENANTCTL_OK(tenantctl({u"users"_s, u"unassign"_s, u"as.two@example.com"_s, u"--tenant"_s, m_other, u"--environment"_s,
                                environment, u"--role"_s, u"Tenant User"_s}));
        QCOMPARE(membershipsOf(u"as.two@example.com"_s), QStringList{});
        QCOMPARE(membershipsOf(u"as.one@example.com"_s), QStringList{held});

        // roles grant: the same action named by the role.
        TENANTCTL_OK(tenantctl({u"roles"_s, u"grant"_s, u"Tenant Viewer"_s, u"as.two@example.com"_s, u"--tenant"_s, m_other}));
        QCOMPARE(membershipsOf(u"as.two@example.com"_s), QStringList{m_other + u" Tenant Viewer"_s});
        TENANTCTL_REFUSED(tenantctl({u"users"_s, u"assign"_s, u"as.two@example.com"_s, u"--tenant"_s, m_other, u"--environment"_s,
                                     u"Nowhere"_s, u"--role"_s, u"Tenant User"_s}), 1, u"environment:"_s);
    }

    void aBulkMoveThatFailsOnOneUserChangesNothing()
    {
        // A custom role of the parent cannot be used on the other top-level tenant.
        TENANTCTL_OK(tenantctl({u"roles"_s, u"create"_s, u"Ledger Keeper"_s, u"--tenant"_s, m_parent, u"--permission"_s,
                                u"billing.read"_s}));
        createUser(u"mv.one@example.com"_s, {u"--tenant"_s, m_parent, u"--role"_s, u"Tenant User"_s});
        createUser(u"mv.two@example.com"_s, {u"--tenant"_s, m_parent, u"--role"_s, u"Ledger Keeper"_s});
        const QStringList one = membershipsOf(u"mv.one@example.com"_s);
        const QStringList two = membershipsOf(u"mv.two@example.com"_s);

        const QStringList move{u"users"_s, u"move"_s, u"mv.one@example.com"_s, u"mv.two@example.com"_s, u"--from"_s, m_parent,
                               u"--to"_s, m_other};
        TENANTCTL_REFUSED(tenantctl(move), 1, u"mv.two@example.com holds “Ledger Keeper”"_s);
        QCOMPARE(membershipsOf(u"mv.one@example.com"_s), one);
        QCOMPARE(membershipsOf(u"mv.two@example.com"_s), two);

        // Within the parent's sub-tree the role is usable: both move, roles kept.
        const Run moved = tenantctl({u"users"_s, u"move"_s, u"mv.one@example.com"_s, u"mv.two@example.com"_s, u"--from"_s, m_parent,
                                     u"--to"_s, m_child});
        TENANTCTL_OK(moved);
        QVERIFY(moved.out.contains(u"Moved the memberships of 2 user(s) from %1 to %2"_s.arg(m_parent, m_child)));
        QCOMPARE(membershipsOf(u"mv.one@example.com"_s), QStringList{m_child + u" Tenant User"_s});
        QCOMPARE(membershipsOf(u"mv.two@example.com"_s), QStringList{m_child + u" Ledger Keeper"_s});

        // To one environment: SLUG/ENVIRONMENT.
        const QString environment = environmentOf(m_child);
        TENANTCTL_OK(tenantctl({u"users"_s, u"move"_s, u"mv.one@example.com"_s, u"--from"_s, m_child, u"--to"_s,
                                m_child + u'/' + environment}));
        QCOMPARE(membershipsOf(u"mv.one@example.com"_s), QStringList{m_child + u'/' + environment + u" Tenant User"_s});
    }

    void explainsEffectivePermissions()
    {
        createUser(u"perm@example.com"_s, {u"--tenant"_s, m_parent, u"--role"_s, u"Tenant Viewer"_s});
        TENANTCTL_OK(tenantctl({u"roles"_s, u"create"_s, u"Support Lead"_s, u"--tenant"_s, m_parent, u"--permission"_s,
                                u"user.write"_s, u"--include"_s, u"Tenant Viewer"_s}));
        TENANTCTL_OK(tenantctl({u"roles"_s, u"grant"_s, u"Support Lead"_s, u"perm@example.com"_s, u"--tenant"_s, m_child}));

        const Run text = tenantctl({u"users"_s, u"permissions"_s, u"perm@example.com"_s, u"--tenant"_s, m_child});
        TENANTCTL_OK(text);
        // The parent's membership reaches the sub-tenant; the composite role names its chain.
        QVERIFY2(text.out.contains(u"Tenant Viewer on %1 (inherited)"_s.arg(m_parent)), qPrintable(text.out));
        QVERIFY2(text.out.contains(u"Support Lead → Tenant Viewer on %1\n"_s.arg(m_child)), qPrintable(text.out));
        QVERIFY(text.out.contains(u"user.write"_s));

        const QJsonObject json = objectOf(tenantctl({u"users"_s, u"permissions"_s, u"perm@example.com"_s, u"--tenant"_s, m_child,
                                                     u"--json"_s}));
        QStringList permissions;
        bool inherited = false;
        for (const QJsonValue& value : json.value(u"permissions"_s).toArray()) {
            const QJsonObject permission = value.toObject();
            permissions << permission.value(u"permission"_s).toString();
            for (const QJsonValue& source : permission.value(u"sources"_s).toArray()) {
                const QJsonObject s = source.toObject();
                if (s.value(u"tenant_slug"_s).toString() == m_parent) {
                    QVERIFY(s.value(u"inherited"_s).toBool());
                    inherited = true;
                }
            }
        }
        QVERIFY(inherited);
        QVERIFY(permissions.contains(u"user.write"_s));
        QVERIFY(!permissions.contains(u"tenant.lifecycle"_s));

        // On the parent the sub-tenant's grant does not count.
        const Run parent = tenantctl({u"users"_s, u"permissions"_s, u"perm@example.com"_s, u"--tenant"_s, m_parent});
        TENANTCTL_OK(parent);
        QVERIFY(!parent.out.contains(u"Support Lead"_s));
        QVERIFY(!parent.out.contains(u"user.write"_s));
    }

    void managesCustomRoles()
    {
        const Run created = tenantctl({u"roles"_s, u"create"_s, u"Helpdesk"_s, u"--tenant"_s, m_other, u"--permission"_s,
                                       u"user.read,user.write"_s, u"--description"_s, u"First line"_s});
        TENANTCTL_OK(created);
        QVERIFY(created.out.contains(u"Created the tenant role “Helpdesk”"_s));
        TENANTCTL_OK(tenantctl({u"roles"_s, u"create"_s, u"Escalation"_s, u"--tenant"_s, m_other, u"--include"_s, u"Helpdesk"_s}));

        const QJsonArray roles = arrayOf(tenantctl({u"roles"_s, u"list"_s, u"--tenant"_s, m_other, u"--json"_s}));
        QJsonObject escalation;
        QStringList builtIn;
        for (const QJsonValue& value : roles) {
            if (value.toObject().value(u"built_in"_s).toBool())
                builtIn << value.toObject().value(u"name"_s).toString();
            if (value.toObject().value(u"name"_s).toString() == u"Escalation"_s)
                escalation = value.toObject();
        }
        QVERIFY(builtIn.contains(u"Tenant Admin"_s));
        QCOMPARE(stringsOf(escalation.value(u"included_role_names"_s).toArray()), QStringList{u"Helpdesk"_s});
        const Run text = tenantctl({u"roles"_s, u"list"_s, u"--tenant"_s, m_other});
        TENANTCTL_OK(text);
        QVERIFY(text.out.contains(u"includes Helpdesk"_s));
        // Another tenant does not see them.
        QVERIFY(!tenantctl({u"roles"_s, u"list"_s, u"--tenant"_s, m_parent}).out.contains(u"Helpdesk"_s));

        // A cycle, an unknown permission and a built-in role's change are refused, naming the field.
        TENANTCTL_REFUSED(tenantctl({u"roles"_s, u"update"_s, u"Helpdesk"_s, u"--tenant"_s, m_other, u"--include"_s,
                                     u"Escalation"_s}), 1, u"included_role_ids: including these roles would make a cycle"_s);
        TENANTCTL_REFUSED(tenantctl({u"roles"_s, u"create"_s, u"Odd"_s, u"--tenant"_s, m_other, u"--permission"_s,
                                     u"tenant.fly"_s}), 1, u"permissions:"_s);
        TENANTCTL_REFUSED(tenantctl({u"roles"_s, u"create"_s, u"Helpdesk"_s, u"--tenant"_s, m_other}), 1, u"name:"_s);
        TENANTCTL_REFUSED(tenantctl({u"roles"_s, u"update"_s, u"Tenant Admin"_s, u"--tenant"_s, m_other, u"--description"_s,
                                     u"mine"_s}), 1, u"built-in"_s);

        // Two edits in a row, each on the version the last one left.
        TENANTCTL_OK(tenantctl({u"roles"_s, u"update"_s, u"Helpdesk"_s, u"--tenant"_s, m_other, u"--description"_s, u"Second"_s}));
        const Run renamed = tenantctl({u"roles"_s, u"update"_s, u"Helpdesk"_s, u"--tenant"_s, m_other, u"--name"_s, u"Service Desk"_s,
                                       u"--permission"_s, u"user.read"_s});
        TENANTCTL_OK(renamed);
        QVERIFY(renamed.out.contains(u"permissions: user.read, user.write → user.read"_s));

        // Deleting needs the name typed again, and a role nobody includes.
        TENANTCTL_REFUSED(tenantctl({u"roles"_s, u"delete"_s, u"Service Desk"_s, u"--tenant"_s, m_other, u"--confirm"_s,
                                     u"Service"_s}), 1, u"confirm:"_s);
        TENANTCTL_REFUSED(tenantctl({u"roles"_s, u"delete"_s, u"Service Desk"_s, u"--tenant"_s, m_other, u"--confirm"_s,
                                     u"Service Desk"_s}), 1, u"Escalation"_s);
        TENANTCTL_OK(tenantctl({u"roles"_s, u"delete"_s, u"Escalation"_s, u"--tenant"_s, m_other, u"--confirm"_s, u"Escalation"_s}));
        TENANTCTL_OK(tenantctl({u"roles"_s, u"delete"_s, u"Service Desk"_s, u"--tenant"_s, m_other, u"--confirm"_s, u"Service Desk"_s}));
        QVERIFY(!tenantctl({u"roles"_s, u"list"_s, u"--tenant"_s, m_other}).out.contains(u"Service Desk"_s));
    }

    void importsCsvOnlyWhenClean()
    {
        const QString environment = environmentOf(m_other);
        const QString bad = m_dir.filePath(u"bad.csv"_s);
        QFile file(bad);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(u"email,display_name,status,tenant,environment,role\n"
                   "im.one@example.com,Im One,active,%1,,Tenant User\n"
                   "not-an-address,Bad,,%1,,Tenant User\n"
                   "im.two@example.com,Im Two,,,,Nobody's Role\n"_s.arg(m_other).toUtf8());
        file.close();
        // Every problem named by file, line and field; nothing written, not even the good row.
        const Run refused = tenantctl({u"import"_s, u"csv"_s, bad, u"--tenant"_s, m_other});
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains(bad + u":3: email: "_s), qPrintable(refused.err));
        QVERIFY2(refused.err.contains(bad + u":4: role: "_s), qPrintable(refused.err));
        QVERIFY(refused.err.contains(u"nothing was written"_s));
        QVERIFY(shown(u"im.one@example.com"_s).isEmpty());

        const QString good = m_dir.filePath(u"good.csv"_s);
        QFile goodFile(good);
        QVERIFY(goodFile.open(QIODevice::WriteOnly));
        goodFile.write(u"email,display_name,status,tenant,environment,role\n"
                       "im.one@example.com,Im One,active,%1,,Tenant User\n"
                       "im.two@example.com,Im Two,,,%2,Tenant Viewer\n"_s.arg(m_other, environment).toUtf8());
        goodFile.close();
        const Run checked = tenantctl({u"import"_s, u"csv"_s, good, u"--tenant"_s, m_other, u"--dry-run"_s});
        TENANTCTL_OK(checked);
        QVERIFY(checked.out.contains(u"Nothing was written"_s));
        QVERIFY(shown(u"im.one@example.com"_s).isEmpty());

        const Run imported = tenantctl({u"import"_s, u"csv"_s, good, u"--tenant"_s, m_other, u"--json"_s});
        TENANTCTL_OK(imported);
        QCOMPARE(objectOf(imported).value(u"written"_s).toBool(), true);
        QCOMPARE(objectOf(imported).value(u"users_created"_s).toInt(), 2);
        QCOMPARE(membershipsOf(u"im.one@example.com"_s), QStringList{m_other + u" Tenant User"_s});
        QCOMPARE(membershipsOf(u"im.two@example.com"_s), QStringList{m_other + u'/' + environment + u" Tenant Viewer"_s});
        QCOMPARE(shown(u"im.two@example.com"_s).value(u"user"_s).toObject().value(u"status"_s).toString(), u"invited"_s);
    }

    void exportsWhatImportReadsBack()
    {
        // The tenant's users as CSV on standard output and as JSON in a file; the JSON read back
        // finds every user there already.
        const Run csv = tenantctl({u"export"_s, u"csv"_s, u"--tenant"_s, m_other});
        TENANTCTL_OK(csv);
        const QJsonArray members = arrayOf(tenantctl({u"users"_s, u"list"_s, u"--tenant"_s, m_other, u"--all"_s, u"--json"_s}));
        QVERIFY(!members.isEmpty());
        QVERIFY(csv.out.startsWith(u"email,"_s));
        for (const QJsonValue& member : members)
            QVERIFY(csv.out.contains(member.toObject().value(u"email"_s).toString() + u','));

        const QString path = m_dir.filePath(u"export.json"_s);
        const Run json = tenantctl({u"export"_s, u"json"_s, u"--tenant"_s, m_other, u"--output"_s, path});
        TENANTCTL_OK(json);
        QVERIFY(json.out.contains(u"Exported %1 user"_s.arg(members.size())));
        QVERIFY(QFileInfo(path).permissions().testFlag(QFileDevice::ReadOwner));
        QVERIFY(!QFileInfo(path).permissions().testFlag(QFileDevice::ReadOther));
        const Run again = tenantctl({u"import"_s, u"json"_s, path, u"--dry-run"_s, u"--json"_s});
        TENANTCTL_OK(again);
        QCOMPARE(objectOf(again).value(u"users_created"_s).toInt(), 0);
        QCOMPARE(objectOf(again).value(u"users_existing"_s).toInt(), members.size());
        QCOMPARE(objectOf(again).value(u"written"_s).toBool(), false);
    }

    void importsAKeycloakRealmOnce()
    {
        const QString realm = QStringLiteral(TENANTDESK_SHARED_DATA_DIR "/keycloak/testrealm.json");
        const Run checked = tenantctl({u"import"_s, u"keycloak"_s, realm, u"--dry-run"_s});
        TENANTCTL_OK(checked);
        QVERIFY(checked.out.contains(u"Nothing was written"_s));
        QVERIFY(checked.out.contains(u"credentials"_s));
        const QString slug = checked.out.section(u"(tenant "_s, 1, 1).section(u',', 0, 0);
        QVERIFY(!slug.isEmpty());
        TENANTCTL_REFUSED(tenantctl({u"tenants"_s, u"show"_s, slug}), 1, slug);

        const Run imported = tenantctl({u"import"_s, u"keycloak"_s, realm});
        TENANTCTL_OK(imported);
        QVERIFY(imported.out.startsWith(u"Imported "_s));
        TENANTCTL_OK(tenantctl({u"tenants"_s, u"show"_s, slug}));
        QVERIFY(!arrayOf(tenantctl({u"users"_s, u"list"_s, u"--tenant"_s, slug, u"--json"_s})).isEmpty());
        // A second time the realm's tenant exists: refused, naming it.
        const Run twice = tenantctl({u"import"_s, u"keycloak"_s, realm});
        QCOMPARE(twice.exitCode, 1);
        QVERIFY2(twice.err.contains(realm + u": tenant: "_s), qPrintable(twice.err));
        TENANTCTL_REFUSED(tenantctl({u"import"_s, u"keycloak"_s, m_dir.filePath(u"nothing-here"_s)}), 1, u"file:"_s);
    }

    void badUsageExitsWithTwo_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::newRow("no e-mail") << QStringList{u"users"_s, u"show"_s} << u"the user's e-mail address"_s;
        QTest::newRow("no users") << QStringList{u"users"_s, u"enable"_s} << u"at least one user"_s;
        QTest::newRow("limit") << QStringList{u"users"_s, u"list"_s, u"--limit"_s, u"0"_s} << u"--limit"_s;
        QTest::newRow("limit and all") << QStringList{u"users"_s, u"list"_s, u"--limit"_s, u"5"_s, u"--all"_s} << u"not both"_s;
        QTest::newRow("sort") << QStringList{u"users"_s, u"list"_s, u"--sort"_s, u"age"_s} << u"--sort"_s;
        QTest::newRow("status") << QStringList{u"users"_s, u"list"_s, u"--status"_s, u"asleep"_s} << u"--status"_s;
        QTest::newRow("environment alone") << QStringList{u"users"_s, u"list"_s, u"--environment"_s, u"x"_s} << u"--tenant"_s;
        QTest::newRow("disabled at birth") << QStringList{u"users"_s, u"create"_s, u"x@example.com"_s, u"--name"_s, u"X"_s,
                                                          u"--status"_s, u"disabled"_s} << u"--status takes invited, active"_s;
        QTest::newRow("role alone") << QStringList{u"users"_s, u"create"_s, u"x@example.com"_s, u"--name"_s, u"X"_s,
                                                   u"--role"_s, u"Tenant User"_s} << u"together"_s;
        QTest::newRow("nothing to update") << QStringList{u"users"_s, u"update"_s, u"x@example.com"_s} << u"--name"_s;
        QTest::newRow("move nowhere") << QStringList{u"users"_s, u"move"_s, u"x@example.com"_s, u"--from"_s, u"a"_s} << u"--to"_s;
        QTest::newRow("platform scope") << QStringList{u"roles"_s, u"create"_s, u"R"_s, u"--tenant"_s, u"a"_s, u"--scope"_s,
                                                       u"platform"_s} << u"--scope"_s;
        QTest::newRow("option elsewhere") << QStringList{u"users"_s, u"show"_s, u"x@example.com"_s, u"--role"_s, u"R"_s}
                                          << u"--role does not apply to users show"_s;
        QTest::newRow("import without a file") << QStringList{u"import"_s, u"csv"_s} << u"the file to import"_s;
        QTest::newRow("export elsewhere") << QStringList{u"export"_s, u"csv"_s, u"--dry-run"_s} << u"--dry-run does not apply"_s;
        QTest::newRow("grant without tenant") << QStringList{u"roles"_s, u"grant"_s, u"R"_s, u"x@example.com"_s} << u"--tenant"_s;
    }

    void badUsageExitsWithTwo()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        TENANTCTL_REFUSED(tenantctl(arguments), 2, message);
    }

    void helpListsTheCommands()
    {
        const Run help = tenantctl({u"--help"_s});
        TENANTCTL_OK(help);
        for (const QString& command : {u"users list"_s, u"users show EMAIL"_s, u"users move EMAIL..."_s, u"users permissions EMAIL"_s,
                                       u"roles create ROLE"_s, u"roles grant ROLE EMAIL..."_s, u"import csv FILE"_s,
                                       u"import keycloak FILE-OR-FOLDER"_s, u"export json"_s})
            QVERIFY2(help.out.contains(u"  "_s + command), qPrintable(command));
    }
};

QTEST_GUILESS_MAIN(TestTenantctlUsers)
#include "tst_tenantctl_users.moc"
