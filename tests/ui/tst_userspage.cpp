#include "EditHistory.h"
#include "MainWindow.h"
#include "SqlStore.h"
#include "TestSupport.h"
#include "UserEditorDialog.h"
#include "UserTableModel.h"
#include "UsersPage.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QProgressDialog>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTest>
#include <QUndoStack>

#include <algorithm>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

namespace {

template<typename T>
T* child(const QObject& parent, const QString& name)
{
    auto* found = parent.findChild<T*>(name);
    if (!found)
        qFatal("no child %s", qPrintable(name));
    return found;
}

bool settled(const UsersPage& page)
{
    return QTest::qWaitFor([&page]() { return !page.userModel()->isLoading(); }, 30000);
}

QList<User> storeUsers(Store& store, UserQuery query)
{
    QList<User> users;
    query.limit = maximumPageSize;
    for (;;) {
        const Page<User> page = await(store.users(query));
        users += page.items;
        if (page.isLast())
            return users;
        query.cursor = page.nextCursor;
    }
}

QHash<UserId, UserStatus> statusesOf(Store& store, const QList<UserId>& ids)
{
    QHash<UserId, UserStatus> statuses;
    for (UserId id : ids)
        statuses.insert(id, await(store.user(id)).user.status);
    return statuses;
}

} // namespace

class TestUsersPage : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<SqlStore> m_store;

    // A page on the store, shown, its first users loaded.
    std::unique_ptr<UsersPage> openPage()
    {
        auto page = std::make_unique<UsersPage>();
        page->resize(1200, 800);
        page->setConfirmationsEnabled(false);
        page->setStore(m_store.get());
        page->show();
        if (!QTest::qWaitForWindowExposed(page.get()))
            return nullptr;
        if (!QTest::qWaitFor([&page]() { return page->userModel()->rowCount() > 0; }, 30000))
            return nullptr;
        return page;
    }

    // Loads pages until the table has at least `rows` users, then selects the first `rows`.
    static bool selectFirst(UsersPage& page, int rows)
    {
        UserTableModel* model = page.userModel();
        while (model->rowCount() < rows) {
            if (!settled(page) || !model->canFetchMore({}))
                return false;
            model->fetchMore({});
            if (!settled(page))
                return false;
        }
        page.tableView()->selectionModel()->select(
            QItemSelection(model->index(0, 0), model->index(rows - 1, UserTableModel::ColumnCount - 1)),
            QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        return int(page.selectedUserIds().size()) == rows;
    }

    // A user holding a role on a whole tenant that has sub-tenants.
    UserMembership inheritedMembership(UserDetail* holder)
    {
        const QList<Tenant> top = await(m_store->tenants({.limit = maximumPageSize})).items;
        for (const Tenant& tenant : top) {
            if (await(m_store->tenants({.parentId = tenant.id, .limit = 1})).items.isEmpty())
                continue;
            const QList<MembershipEntry> members = await(m_store->memberships({.tenantId = tenant.id, .limit = maximumPageSize})).items;
            for (const MembershipEntry& entry : members) {
                if (entry.environmentId != 0)
                    continue;
                *holder = await(m_store->user(entry.userId));
                for (const UserMembership& m : holder->memberships) {
                    if (m.membership.tenantId == tenant.id && m.membership.environmentId == 0 && m.inheritedTenantCount > 0)
                        return m;
                }
            }
        }
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_store = std::make_unique<SqlStore>(copyFixture(smallDemoFixture(), m_dir));
        await(m_store->open(OpenMode::OpenExisting));
    }

    void cleanupTestCase() { m_store.reset(); }

    // View → Users (Ctrl+Shift+U) shows every user on the right; a tenant's Users shows its members.
    void mainWindowShowsUsersOfATenant()
    {
        QTemporaryDir dir;
        MainWindow window;
        window.setErrorDialogsEnabled(false);
        window.show();
        QSignalSpy opened(&window, &MainWindow::storeOpened);
        window.openDatabase(copyFixture(smallDemoFixture(), dir));
        QVERIFY(opened.wait(30000));
        auto* usersAction = window.findChild<QAction*>(u"usersAction"_s);
        QVERIFY(usersAction);
        QCOMPARE(usersAction->shortcut(), QKeySequence(u"Ctrl+Shift+U"_s));
        usersAction->trigger();
        UsersPage* page = window.usersPage();
        QVERIFY(page);
        QVERIFY(page->isVisible());
        QCOMPARE(page->tenantScope(), TenantId(0));
        QVERIFY(QTest::qWaitFor([page]() { return page->userModel()->rowCount() > 0; }, 30000));

        const Tenant tenant = await(m_store->tenants({.limit = 1})).items.constFirst();
        QSet<UserId> members;
        for (const MembershipEntry& m : await(m_store->memberships({.tenantId = tenant.id, .limit = maximumPageSize})).items)
            members.insert(m.userId);
        window.showUsers(tenant.id);
        QCOMPARE(page->tenantScope(), tenant.id);
        QVERIFY(settled(*page));
        QVERIFY(QTest::qWaitFor([&]() { return page->userModel()->query().tenantId == tenant.id && !page->userModel()->isLoading(); }, 30000));
        QCOMPARE(page->userModel()->rowCount(), int(members.size()));
        for (int row = 0; row < page->userModel()->rowCount(); ++row)
            QVERIFY(members.contains(page->userModel()->userAt(row).id));
        window.closeDatabase();
    }

    // Typing in the search box narrows the table to the users whose name or e-mail holds the text.
    void searchFiltersTheTable()
    {
        auto page = openPage();
        QVERIFY(page);
        const User someone = page->userModel()->userAt(3);
        const QString text = someone.email.section(u'@', 0, 0).left(5);
        auto* search = child<QLineEdit>(*page, u"userSearchLineEdit"_s);
        QSignalSpy applied(page.get(), &UsersPage::filtersApplied);
        search->setFocus();
        QTest::keyClicks(search, text);
        QVERIFY(applied.wait(5000));
        QVERIFY(settled(*page));
        QCOMPARE(applied.count(), 1); // once, after the typing paused
        const UserTableModel* model = page->userModel();
        QVERIFY(model->rowCount() > 0);
        QVERIFY(model->rowOf(someone.id) >= 0);
        for (int row = 0; row < model->rowCount(); ++row) {
            const User user = model->userAt(row);
            QVERIFY2(user.displayName.contains(text, Qt::CaseInsensitive) || user.email.contains(text, Qt::CaseInsensitive),
                     qPrintable(user.email));
        }
        const QList<User> expected = storeUsers(*m_store, {.text = text});
        QCOMPARE(model->isComplete() ? model->rowCount() : int(expected.size()), int(expected.size()));

        // Escape clears the search: every user again.
        QTest::keyClick(search, Qt::Key_Escape);
        QVERIFY(search->text().isEmpty());
        QVERIFY(applied.wait(5000));
        QVERIFY(settled(*page));
        QVERIFY(model->rowCount() > int(expected.size()) || !model->isComplete());
    }

    // The editor lists the memberships, saying how far a tenant-wide one reaches.
    void editorShowsMembershipsAndInheritance()
    {
        UserDetail holder;
        const UserMembership inherited = inheritedMembership(&holder);
        QVERIFY2(inherited.inheritedTenantCount > 0, "the demo should have a role on a tenant with sub-tenants");
        UserEditorDialog dialog(m_store.get(), holder.user.id);
        QSignalSpy loaded(&dialog, &UserEditorDialog::loaded);
        QVERIFY(loaded.wait(30000));
        QCOMPARE(child<QLineEdit>(dialog, u"nameLineEdit"_s)->text(), holder.user.displayName);
        QCOMPARE(child<QLineEdit>(dialog, u"emailLineEdit"_s)->text(), holder.user.email);
        auto* table = child<QTableWidget>(dialog, u"membershipsTable"_s);
        QCOMPARE(table->rowCount(), int(holder.memberships.size()));
        bool found = false;
        for (int row = 0; row < table->rowCount(); ++row) {
            if (table->item(row, 0)->text() != inherited.tenantSlug || table->item(row, 2)->text() != inherited.roleName)
                continue;
            found = true;
            QCOMPARE(table->item(row, 1)->text(), u"whole tenant"_s);
            QVERIFY2(table->item(row, 3)->text().contains(u"also applies to %1 sub-tenant"_s.arg(inherited.inheritedTenantCount)),
                     qPrintable(table->item(row, 3)->text()));
        }
        QVERIFY(found);
        const QString lastSignIn = child<QLabel>(dialog, u"lastSignInLabel"_s)->text();
        QVERIFY(holder.user.lastSignInAt.isValid() ? lastSignIn != u"never"_s : lastSignIn == u"never"_s);
        QCOMPARE(child<QLabel>(dialog, u"principalLabel"_s)->isVisibleTo(&dialog), holder.isPlatformPrincipal());
    }

    // A profile change is saved as one versioned change, and Undo takes it back.
    void editorSavesAProfileChange()
    {
        const User before = storeUsers(*m_store, {.status = UserStatus::Active}).value(1);
        QVERIFY(before.id != 0);
        EditHistory history;
        history.setStore(m_store.get());
        UserEditorDialog dialog(m_store.get(), before.id);
        dialog.setHistory(&history);
        QSignalSpy loaded(&dialog, &UserEditorDialog::loaded);
        QVERIFY(loaded.wait(30000));
        const QString renamed = before.displayName + u" Jr."_s;
        child<QLineEdit>(dialog, u"nameLineEdit"_s)->setText(renamed);
        QSignalSpy finished(&dialog, &QDialog::finished);
        dialog.accept();
        QVERIFY(finished.wait(30000));
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        const User after = await(m_store->user(before.id)).user;
        QCOMPARE(after.displayName, renamed);
        QCOMPARE(after.email, before.email);
        QVERIFY(after.version > before.version);
        QCOMPARE(history.stack()->count(), 1);

        history.undo();
        QVERIFY(QTest::qWaitFor([&history]() { return !history.isBusy() && history.stack()->index() == 0; }, 30000));
        QCOMPARE(await(m_store->user(before.id)).user.displayName, before.displayName);
    }

    // A bad e-mail is refused beside the field, and nothing is saved.
    void editorRefusesABadEmailBesideTheField()
    {
        const User before = storeUsers(*m_store, {}).value(2);
        UserEditorDialog dialog(m_store.get(), before.id);
        QSignalSpy loaded(&dialog, &UserEditorDialog::loaded);
        QVERIFY(loaded.wait(30000));
        dialog.show();
        child<QLineEdit>(dialog, u"emailLineEdit"_s)->setText(u"not an e-mail"_s);
        QSignalSpy failed(&dialog, &UserEditorDialog::failed);
        dialog.accept();
        QVERIFY(failed.wait(30000));
        auto* emailError = child<QLabel>(dialog, u"emailErrorLabel"_s);
        QVERIFY(emailError->isVisible());
        QVERIFY(!emailError->text().isEmpty());
        QVERIFY(!child<QLabel>(dialog, u"generalErrorLabel"_s)->isVisible());
        QVERIFY(dialog.isVisible()); // still open, to correct it
        QCOMPARE(await(m_store->user(before.id)).user, before);
    }

    // The status list offers the user's status and only the transitions it allows.
    void editorOffersOnlyLegalStatusTransitions()
    {
        int checked = 0;
        for (const UserStatus status : {UserStatus::Invited, UserStatus::Active, UserStatus::Disabled}) {
            UserQuery query;
            query.status = status;
            query.limit = 1;
            const QList<User> users = await(m_store->users(query)).items;
            if (users.isEmpty())
                continue;
            UserEditorDialog dialog(m_store.get(), users.constFirst().id);
            QSignalSpy loaded(&dialog, &UserEditorDialog::loaded);
            QVERIFY(loaded.wait(30000));
            auto* combo = child<QComboBox>(dialog, u"statusComboBox"_s);
            QList<UserStatus> offered;
            for (int i = 0; i < combo->count(); ++i)
                offered.append(UserStatus(combo->itemData(i).toInt()));
            QList<UserStatus> expected{status};
            for (const UserStatus to : {UserStatus::Invited, UserStatus::Active, UserStatus::Disabled}) {
                if (to != status && isLegalUserTransition(status, to))
                    expected.append(to);
            }
            QCOMPARE(offered, expected);
            QCOMPARE(combo->currentIndex(), 0); // unchanged until chosen
            ++checked;
        }
        QVERIFY(checked >= 2);
    }

    // Disabling a selection changes every selected user in one action; Undo gives each back the
    // status it had.
    void bulkDisableThenUndoRestoresStatuses()
    {
        auto page = openPage();
        QVERIFY(page);
        EditHistory history;
        history.setStore(m_store.get());
        page->setHistory(&history);
        QVERIFY(selectFirst(*page, 60));
        const QList<UserId> ids = page->selectedUserIds();
        const QHash<UserId, UserStatus> before = statusesOf(*m_store, ids);
        const int alreadyDisabled = int(std::count(before.cbegin(), before.cend(), UserStatus::Disabled));
        QVERIFY(alreadyDisabled < ids.size());

        QSignalSpy finished(page.get(), &UsersPage::bulkActionFinished);
        page->disableAction->trigger();
        QVERIFY(finished.wait(30000));
        for (UserId id : ids)
            QCOMPARE(await(m_store->user(id)).user.status, UserStatus::Disabled);
        QVERIFY2(page->lastMessage().startsWith(u"Disabled %1 user"_s.arg(ids.size() - alreadyDisabled)), qPrintable(page->lastMessage()));
        if (alreadyDisabled > 0)
            QVERIFY2(page->lastMessage().contains(u"%1 already disabled"_s.arg(alreadyDisabled)), qPrintable(page->lastMessage()));
        QCOMPARE(history.stack()->count(), 1);
        QVERIFY(settled(*page));
        for (int row = 0; row < page->userModel()->rowCount(); ++row) {
            const User shown = page->userModel()->userAt(row);
            if (ids.contains(shown.id))
                QCOMPARE(shown.status, UserStatus::Disabled); // the table was read again
        }

        history.undo();
        QVERIFY(QTest::qWaitFor([&history]() { return !history.isBusy() && history.stack()->index() == 0; }, 30000));
        QCOMPARE(statusesOf(*m_store, ids), before);
    }

    // A bulk action cancelled from its progress dialog changes nothing.
    void cancelledBulkActionChangesNothing()
    {
        auto page = openPage();
        QVERIFY(page);
        EditHistory history;
        history.setStore(m_store.get());
        page->setHistory(&history);
        page->setProgressThreshold(10);
        QVERIFY(selectFirst(*page, 200));
        const QList<UserId> ids = page->selectedUserIds();
        const QHash<UserId, UserStatus> before = statusesOf(*m_store, ids);

        QSignalSpy finished(page.get(), &UsersPage::bulkActionFinished);
        page->disableAction->trigger();
        auto* progress = page->findChild<QProgressDialog*>(u"bulkProgressDialog"_s);
        QVERIFY(progress);
        auto* cancel = progress->findChild<QPushButton*>();
        QVERIFY(cancel);
        cancel->click(); // as the person does, while the store works through the users
        QVERIFY(finished.wait(30000));
        QVERIFY2(page->lastMessage().startsWith(u"Cancelled"_s), qPrintable(page->lastMessage()));
        QCOMPARE(statusesOf(*m_store, ids), before);
        QCOMPARE(history.stack()->count(), 0);
        QVERIFY(QTest::qWaitFor([&page]() { return page->disableAction->isEnabled(); }, 30000)); // the same users, ready for the next try
        QCOMPARE(page->selectedUserIds().size(), ids.size());
    }
};

QTEST_MAIN(TestUsersPage)
#include "tst_userspage.moc"
