#include "AuditEventModel.h"
#include "AuditPage.h"
#include "EnvironmentPage.h"
#include "MainWindow.h"
#include "SqlStore.h"
#include "TenantEditDialog.h"
#include "TenantPage.h"
#include "TenantTreeModel.h"
#include "TestSupport.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTest>
#include <QTimer>
#include <QTreeView>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

class TestMainWindow : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_database;

    QString label(const QWidget& window, const char* name)
    {
        const auto* found = window.findChild<QLabel*>(QString::fromLatin1(name));
        return found ? found->text() : u"<no label %1>"_s.arg(QString::fromLatin1(name));
    }

    // Opens the demo copy in a new window and waits until its tree shows the top level.
    std::unique_ptr<MainWindow> openWindow()
    {
        auto window = std::make_unique<MainWindow>();
        window->setErrorDialogsEnabled(false);
        window->show();
        QSignalSpy opened(window.get(), &MainWindow::storeOpened);
        window->openDatabase(m_database);
        if (!opened.wait(30000))
            return nullptr;
        auto* tree = window->findChild<QTreeView*>(u"tenantTreeView"_s);
        const QModelIndex platform = window->tenantTreeModel()->platformIndex();
        if (!QTest::qWaitFor([&]() { return tree->model()->rowCount(platform) > 0; }, 30000))
            return nullptr;
        return window;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_database = copyFixture(smallDemoFixture(), m_dir);
    }

    void startsOnTheWelcomePage()
    {
        MainWindow window;
        window.show();
        auto* stack = window.centralWidget();
        QVERIFY(stack);
        QCOMPARE(qobject_cast<QStackedWidget*>(stack)->currentWidget()->objectName(), u"welcomePage"_s);
        QVERIFY(window.findChild<QWidget*>(u"openDemoButton"_s));
        QVERIFY(window.findChild<QWidget*>(u"newDatabaseButton"_s));
        QVERIFY(window.findChild<QWidget*>(u"openDatabaseButton"_s));
        QCOMPARE(label(window, "databaseStatusLabel"), u"No database open"_s);
    }

    void selectingATenantShowsItsDetails()
    {
        auto window = openWindow();
        QVERIFY(window);
        QVERIFY(window->windowTitle().contains(u"copy.tenantdesk"_s));
        QVERIFY(label(*window, "databaseStatusLabel").contains(u"copy.tenantdesk"_s));
        auto* tree = window->findChild<QTreeView*>(u"tenantTreeView"_s);
        QVERIFY(tree->isExpanded(window->tenantTreeModel()->platformIndex()));

        const QModelIndex first = tree->model()->index(0, 0, window->tenantTreeModel()->platformIndex());
        const Tenant expected = [&] {
            SqlStore store(m_database);
            await(store.open(OpenMode::OpenExisting));
            return await(store.tenant(first.data(TenantTreeModel::TenantIdRole).toLongLong()));
        }();
        QSignalSpy shown(window.get(), &MainWindow::detailShown);
        tree->setCurrentIndex(first);
        QVERIFY(shown.wait(10000));
        auto* detail = window->findChild<QStackedWidget*>(u"detailStack"_s);
        QCOMPARE(detail->currentWidget()->objectName(), u"tenantPage"_s);
        QCOMPARE(label(*window, "tenantTitleLabel"), expected.displayName);
        QCOMPARE(label(*window, "slugValueLabel"), expected.slug);
        QCOMPARE(label(*window, "statusValueLabel"), tenantStatusDisplayName(expected.status));
        QCOMPARE(label(*window, "domainValueLabel"), expected.domain);
        QCOMPARE(label(*window, "timezoneValueLabel"), expected.timezone);
        QVERIFY(label(*window, "languageValueLabel").contains(expected.language));
        QVERIFY(label(*window, "cpuQuotaValueLabel").startsWith(QString::number(*expected.quotas.cpuCores)));
        QCOMPARE(label(*window, "subTenantsValueLabel"), QString::number(expected.subTenantCount));
        QVERIFY(label(*window, "membersValueLabel").toInt() > 0);
        auto* environments = window->findChild<QTableWidget*>(u"environmentsTable"_s);
        QCOMPARE(environments->rowCount(), 4);

        // Expanding the tenant shows its environments first; choosing one shows its page.
        tree->expand(first);
        QTRY_VERIFY(tree->model()->rowCount(first) >= 4);
        const QModelIndex environment = tree->model()->index(0, 0, first);
        QCOMPARE(environment.data(TenantTreeModel::NodeKindRole).value<TenantTreeModel::NodeKind>(),
                 TenantTreeModel::NodeKind::Environment);
        tree->setCurrentIndex(environment);
        QVERIFY2(shown.wait(10000), qPrintable(window->statusBar()->currentMessage()));
        QCOMPARE(detail->currentWidget()->objectName(), u"environmentPage"_s);
        QCOMPARE(label(*window, "environmentTitleLabel"), u"Production"_s);
        QVERIFY(label(*window, "environmentTenantValueLabel").contains(expected.slug));

        // The platform row shows the overview.
        tree->setCurrentIndex(window->tenantTreeModel()->platformIndex());
        QVERIFY(shown.wait(10000));
        QCOMPARE(detail->currentWidget()->objectName(), u"platformPage"_s);
        QCOMPARE(label(*window, "platformTenantsValueLabel"), u"25"_s);
    }

    // F2 on a tenant's page edits it; the page and the tree row show the change once saved.
    void editingATenantUpdatesItsPageAndRow()
    {
        auto window = openWindow();
        QVERIFY(window);
        auto* tree = window->findChild<QTreeView*>(u"tenantTreeView"_s);
        auto* edit = window->findChild<QAction*>(u"editTenantAction"_s);
        QVERIFY(edit);
        QVERIFY(!edit->isEnabled());
        QCOMPARE(edit->shortcut(), QKeySequence(Qt::Key_F2));
        const QModelIndex first = tree->model()->index(0, 0, window->tenantTreeModel()->platformIndex());
        QSignalSpy shown(window.get(), &MainWindow::detailShown);
        tree->setCurrentIndex(first);
        QVERIFY(shown.wait(10000));
        QVERIFY(edit->isEnabled());

        const QString renamed = first.data().toString() + u" (edited)"_s;
        bool saved = false;
        QTimer::singleShot(0, window.get(), [&]() {
            QTRY_VERIFY(qobject_cast<TenantEditDialog*>(QApplication::activeModalWidget()));
            auto* dialog = qobject_cast<TenantEditDialog*>(QApplication::activeModalWidget());
            dialog->findChild<QLineEdit*>(u"nameEdit"_s)->setText(renamed);
            dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Save)->click();
            saved = true;
        });
        edit->trigger();
        QVERIFY(saved);
        QTRY_COMPARE(label(*window, "tenantTitleLabel"), renamed);
        QCOMPARE(tree->model()->index(0, 0, window->tenantTreeModel()->platformIndex()).data().toString(), renamed);

        // On the platform page there is no tenant to edit.
        tree->setCurrentIndex(window->tenantTreeModel()->platformIndex());
        QVERIFY(shown.wait(10000));
        QVERIFY(!edit->isEnabled());
    }

    void searchRevealsADeepTenant()
    {
        auto window = openWindow();
        QVERIFY(window);
        // The deepest tenant of the demo, whose ancestors are not loaded yet.
        SqlStore store(m_database);
        await(store.open(OpenMode::OpenExisting));
        Tenant target;
        QList<Tenant> frontier = await(store.tenants({.limit = 500})).items;
        while (!frontier.isEmpty()) {
            const Tenant tenant = frontier.takeFirst();
            if (tenant.depth() > target.depth())
                target = tenant;
            if (tenant.subTenantCount > 0)
                frontier += await(store.tenants({.parentId = tenant.id, .limit = 500})).items;
        }
        QVERIFY(target.depth() >= 2);

        auto* search = window->findChild<QLineEdit*>(u"searchLineEdit"_s);
        auto* tree = window->findChild<QTreeView*>(u"tenantTreeView"_s);
        QSignalSpy shown(window.get(), &MainWindow::detailShown);
        QTest::keyClicks(search, target.slug);
        QTest::keyClick(search, Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(tree->currentIndex().data(TenantTreeModel::TenantIdRole).toLongLong(), target.id, 10000);
        // Every ancestor on the path is expanded, so the match is visible.
        for (QModelIndex up = tree->currentIndex().parent(); up.isValid(); up = up.parent())
            QVERIFY(tree->isExpanded(up));
        QVERIFY(tree->visualRect(tree->currentIndex()).isValid());
        QTRY_COMPARE_WITH_TIMEOUT(label(*window, "tenantTitleLabel"), target.displayName, 10000);

        // Escape clears the search and brings back the whole tree.
        QTest::keyClick(search, Qt::Key_Escape);
        QCOMPARE(search->text(), QString());
        QTRY_VERIFY(!window->tenantTreeModel()->isFiltered());
        QTRY_VERIFY(tree->model()->rowCount(window->tenantTreeModel()->platformIndex()) > 1);
    }

    // View → Audit Trail (Ctrl+Shift+A) shows the selected tenant's events on the right.
    void auditTrailShowsTheSelectedTenantsEvents()
    {
        auto window = openWindow();
        QVERIFY(window);
        window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(window.get()));
        auto* action = window->findChild<QAction*>(u"auditTrailAction"_s);
        QVERIFY(action);
        QVERIFY(action->isEnabled());
        QCOMPARE(action->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
        auto* tree = window->findChild<QTreeView*>(u"tenantTreeView"_s);
        const QModelIndex first = tree->model()->index(0, 0, window->tenantTreeModel()->platformIndex());
        const TenantId tenantId = first.data(TenantTreeModel::TenantIdRole).toLongLong();
        QSignalSpy shown(window.get(), &MainWindow::detailShown);
        tree->setCurrentIndex(first);
        QVERIFY(shown.wait(10000));

        tree->setFocus();
        QTest::keyClick(tree, Qt::Key_A, Qt::ControlModifier | Qt::ShiftModifier);
        auto* detail = window->findChild<QStackedWidget*>(u"detailStack"_s);
        QCOMPARE(detail->currentWidget()->objectName(), u"auditPage"_s);
        auto* page = window->findChild<AuditPage*>(u"auditPage"_s);
        QVERIFY(page->findChild<QCheckBox*>(u"thisTenantCheckBox"_s)->isChecked());
        QCOMPARE(page->eventModel()->query().tenantId, tenantId);
        QTRY_VERIFY_WITH_TIMEOUT(page->eventModel()->rowCount() > 0 && !page->eventModel()->isLoading(), 10000);
        for (int row = 0; row < page->eventModel()->rowCount(); ++row)
            QCOMPARE(page->eventModel()->event(row).tenantId, tenantId);
        QVERIFY(!window->findChild<QAction*>(u"editTenantAction"_s)->isEnabled());

        // Ctrl+F on the page finds in the audit trail, not in the tenant tree.
        auto* table = page->findChild<QWidget*>(u"auditTableView"_s);
        table->setFocus();
        QTRY_COMPARE(QApplication::focusWidget(), table);
        QTest::keyClick(table, Qt::Key_F, Qt::ControlModifier);
        QTRY_COMPARE(QApplication::focusWidget()->objectName(), u"textLineEdit"_s);
        // ... and in the tree, in the tree.
        tree->setFocus();
        QTest::keyClick(tree, Qt::Key_F, Qt::ControlModifier);
        QTRY_COMPARE(QApplication::focusWidget()->objectName(), u"searchLineEdit"_s);

        // Choosing in the tree shows that item's page again; the platform's trail is every tenant's.
        tree->setCurrentIndex(window->tenantTreeModel()->platformIndex());
        QVERIFY(shown.wait(10000));
        QCOMPARE(detail->currentWidget()->objectName(), u"platformPage"_s);
        action->trigger();
        QCOMPARE(detail->currentWidget(), page);
        QCOMPARE(page->eventModel()->query().tenantId, 0);
        QVERIFY(page->findChild<QCheckBox*>(u"thisTenantCheckBox"_s)->isHidden());

        // Closed, the page lets go of the store and the action waits for the next one.
        window->closeDatabase();
        QVERIFY(!action->isEnabled());
        QCOMPARE(page->eventModel()->rowCount(), 0);
        QCOMPARE(page->eventModel()->store(), nullptr);
        QSignalSpy opened(window.get(), &MainWindow::storeOpened);
        window->openDatabase(m_database);
        QVERIFY(opened.wait(30000));
        QVERIFY(action->isEnabled());
        QCOMPARE(page->eventModel()->store(), window->store());
    }

    void badDatabaseIsReportedByName()
    {
        MainWindow window;
        window.setErrorDialogsEnabled(false);
        const QString bad = m_dir.filePath(u"notes.tenantdesk"_s);
        QFile file(bad);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("these are my notes, not a database\n");
        file.close();
        QSignalSpy failed(&window, &MainWindow::storeFailed);
        window.openDatabase(bad);
        QVERIFY(failed.wait(10000));
        const QString message = failed.constFirst().at(0).toString();
        QVERIFY2(message.contains(QDir::toNativeSeparators(bad)), qPrintable(message));
        QVERIFY2(message.contains(u"not an SQLite database"_s), qPrintable(message));
        QCOMPARE(qobject_cast<QStackedWidget*>(window.centralWidget())->currentWidget()->objectName(), u"welcomePage"_s);
        QCOMPARE(window.store(), nullptr);
    }

    void theLastChoiceWins()
    {
        MainWindow window;
        window.setErrorDialogsEnabled(false);
        QSignalSpy opened(&window, &MainWindow::storeOpened);
        QSignalSpy failed(&window, &MainWindow::storeFailed);
        // Closing while a database is still opening: it does not appear afterwards.
        window.openDatabase(m_database);
        window.closeDatabase();
        QTest::qWait(1000);
        QCOMPARE(opened.count(), 0);
        QCOMPARE(window.store(), nullptr);
        QCOMPARE(qobject_cast<QStackedWidget*>(window.centralWidget())->currentWidget()->objectName(), u"welcomePage"_s);
        // A second choice replaces the first, whose answer is then ignored.
        window.openDatabase(m_dir.filePath(u"missing.tenantdesk"_s));
        window.openDatabase(m_database);
        QVERIFY(opened.wait(10000));
        QTest::qWait(500);
        QCOMPARE(opened.count(), 1);
        QCOMPARE(failed.count(), 0);
        QVERIFY(window.store() != nullptr);
    }

    void layoutIsRemembered()
    {
        QByteArray splitterState;
        {
            auto window = openWindow();
            QVERIFY(window);
            window->resize(1111, 777);
            auto* splitter = window->findChild<QSplitter*>(u"mainSplitter"_s);
            splitter->setSizes({300, 811});
            splitterState = splitter->saveState();
            window->close();
        }
        MainWindow again;
        QCOMPARE(again.findChild<QSplitter*>(u"mainSplitter"_s)->saveState(), splitterState);
        QCOMPARE(again.size(), QSize(1111, 777));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
