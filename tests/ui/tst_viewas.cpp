#include "MainWindow.h"
#include "Permission.h"
#include "SqlStore.h"
#include "TenantAdministration.h"
#include "TenantTreeModel.h"
#include "TestSupport.h"

#include <QAction>
#include <QApplication>
#include <QInputDialog>
#include <QLabel>
#include <QPushButton>
#include <QSet>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QTimer>
#include <QToolBar>
#include <QTreeView>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

// View → View as…: a platform admin sees the demo console as one of its tenant admins would,
// read-only, and comes back to their own view where they left it.
class TestViewAs : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_database;
    QString m_adminEmail;          // a tenant admin of exactly one tenant
    TenantId m_adminTenantId = 0;
    QSet<TenantId> m_topLevel;     // every top-level tenant

    static QSet<TenantId> topLevelOf(const QTreeView& tree, const QModelIndex& platform)
    {
        QSet<TenantId> ids;
        for (int row = 0; row < tree.model()->rowCount(platform); ++row)
            ids.insert(tree.model()->index(row, 0, platform).data(TenantTreeModel::TenantIdRole).toLongLong());
        return ids;
    }

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
        // View as… is offered once the window knows a platform admin is at the controls.
        if (!QTest::qWaitFor([&]() { return window->findChild<QAction*>(u"viewAsAction"_s)->isEnabled(); }, 30000))
            return nullptr;
        return window;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_database = copyFixture(smallDemoFixture(), m_dir);
        SqlStore store(m_database);
        await(store.open(OpenMode::OpenExisting));
        const QList<Tenant> top = await(store.tenants({.limit = 500})).items;
        for (const Tenant& tenant : top)
            m_topLevel.insert(tenant.id);
        QVERIFY(m_topLevel.size() >= 2);
        // A tenant admin whose only grants are on one top-level tenant.
        for (const Tenant& tenant : top) {
            for (const MembershipEntry& entry : await(store.memberships({.tenantId = tenant.id, .limit = 500})).items) {
                if (entry.roleName != BuiltInRole::TenantAdmin || entry.environmentId != 0)
                    continue;
                const Principal principal = await(store.principalOf(entry.userId));
                const bool onlyHere = std::all_of(principal.grants.cbegin(), principal.grants.cend(),
                                                  [&](const Grant& g) { return g.tenantId == tenant.id; });
                if (!principal.isPlatformPrincipal() && onlyHere) {
                    m_adminEmail = entry.userEmail;
                    m_adminTenantId = tenant.id;
                    break;
                }
            }
            if (m_adminTenantId != 0)
                break;
        }
        QVERIFY2(m_adminTenantId != 0, "the demo has a tenant admin of one top-level tenant");
    }

    void viewAsATenantAdminShowsOnlyTheirTenantReadOnly()
    {
        auto window = openWindow();
        QVERIFY(window);
        auto* tree = window->findChild<QTreeView*>(u"tenantTreeView"_s);
        QCOMPARE(topLevelOf(*tree, window->tenantTreeModel()->platformIndex()), m_topLevel);
        // Where the admin was: the second top-level tenant, selected.
        const QModelIndex before = tree->model()->index(1, 0, window->tenantTreeModel()->platformIndex());
        tree->setCurrentIndex(before);
        const TenantId selectedBefore = before.data(TenantTreeModel::TenantIdRole).toLongLong();
        auto* newTenant = window->findChild<QAction*>(u"newTenantAction"_s);
        QTRY_VERIFY(newTenant->isEnabled());

        // View → View as…, the user's e-mail typed into the question.
        QTimer::singleShot(0, this, [this]() {
            auto* dialog = qobject_cast<QInputDialog*>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            dialog->setTextValue(m_adminEmail);
            dialog->accept();
        });
        window->findChild<QAction*>(u"viewAsAction"_s)->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(window->isPreviewing(), 30000);

        auto* preview = window->findChild<QTreeView*>(u"previewTreeView"_s);
        QVERIFY(preview && preview->isVisible());
        QVERIFY(!tree->isVisible());
        const QModelIndex platform = window->tenantTreeModel()->platformIndex();
        QTRY_VERIFY_WITH_TIMEOUT(preview->model()->rowCount(platform) > 0, 30000);
        QCOMPARE(topLevelOf(*preview, platform), QSet<TenantId>{m_adminTenantId});

        auto* banner = window->findChild<QToolBar*>(u"previewToolBar"_s);
        QVERIFY(banner->isVisible());
        const QString text = window->findChild<QLabel*>(u"previewLabel"_s)->text();
        QVERIFY2(text.contains(m_adminEmail) && text.contains(BuiltInRole::TenantAdmin) && text.contains(u"read-only"_s),
                 qPrintable(text));

        // Their own tenant selected: every edit is disabled all the same.
        preview->setCurrentIndex(preview->model()->index(0, 0, platform));
        QTRY_COMPARE(window->findChild<QWidget*>(u"detailStack"_s)->property("currentIndex").toInt(), 1); // the tenant page
        for (const char* name : {"newTenantAction", "tenantSettingsAction", "deleteTenantAction", "suspendAction",
                                 "addEnvironmentAction", "promoteAction", "editTenantAction", "undoAction"}) {
            auto* action = window->findChild<QAction*>(QString::fromLatin1(name));
            QVERIFY2(action, name);
            QVERIFY2(!action->isEnabled(), name);
        }
        QVERIFY(!window->findChild<QAction*>(u"viewAsAction"_s)->isEnabled());

        // End Preview: the whole tree again, as it was left.
        window->findChild<QPushButton*>(u"endPreviewButton"_s)->click();
        QVERIFY(!window->isPreviewing());
        QVERIFY(!banner->isVisible());
        QVERIFY(tree->isVisible());
        QCOMPARE(window->tenantTreeModel()->rowCount(window->tenantTreeModel()->platformIndex()), int(m_topLevel.size()));
        QCOMPARE(topLevelOf(*tree, window->tenantTreeModel()->platformIndex()), m_topLevel);
        QCOMPARE(tree->currentIndex().data(TenantTreeModel::TenantIdRole).toLongLong(), selectedBefore);
        QTRY_VERIFY(newTenant->isEnabled());
        QVERIFY(window->findChild<QAction*>(u"viewAsAction"_s)->isEnabled());
    }

    void tenantMenuFollowsThePolicy()
    {
        auto window = openWindow();
        QVERIFY(window);
        auto* tree = window->findChild<QTreeView*>(u"tenantTreeView"_s);
        const QModelIndex first = tree->model()->index(0, 0, window->tenantTreeModel()->platformIndex());
        tree->setCurrentIndex(first);
        auto* settings = window->findChild<QAction*>(u"tenantSettingsAction"_s);
        auto* newTenant = window->findChild<QAction*>(u"newTenantAction"_s);
        QTRY_VERIFY(settings->isEnabled() && newTenant->isEnabled()); // the local platform admin

        SqlStore store(m_database);
        await(store.open(OpenMode::OpenExisting));
        const QList<Role> roles = await(store.roles(0));
        const Tenant tenant = await(store.tenant(first.data(TenantTreeModel::TenantIdRole).toLongLong()));
        const auto principalWith = [&](const QString& roleName) {
            Principal principal{.userId = 42, .email = u"someone@example.com"_s};
            for (const Role& role : roles) {
                if (role.name == roleName)
                    principal.grants.append(Policy::grantFor(role, tenant, 0, roles));
            }
            return principal;
        };
        // A viewer changes nothing; a tenant admin changes the tenant's settings, not its lifecycle,
        // and creates no tenants (Tenant Admin has no tenant.create).
        window->administration()->setPrincipal(principalWith(BuiltInRole::TenantViewer));
        QVERIFY(!settings->isEnabled());
        QVERIFY(!newTenant->isEnabled());
        window->administration()->setPrincipal(principalWith(BuiltInRole::TenantAdmin));
        QVERIFY(settings->isEnabled());
        QVERIFY(!newTenant->isEnabled());
        QVERIFY(!window->findChild<QAction*>(u"suspendAction"_s)->isEnabled());
    }

    void escapeEndsThePreview()
    {
        auto window = openWindow();
        QVERIFY(window);
        SqlStore store(m_database);
        await(store.open(OpenMode::OpenExisting));
        const Page<User> found = await(store.users({.text = m_adminEmail, .limit = 5}));
        QVERIFY(!found.items.isEmpty());
        window->startPreview(await(store.principalOf(found.items.constFirst().id)), BuiltInRole::TenantAdmin);
        QVERIFY(window->isPreviewing());
        window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(window.get()));
        QWidget* focused = QApplication::focusWidget();
        QVERIFY(focused);
        QCOMPARE(focused->objectName(), u"previewTreeView"_s);
        QTest::keyClick(focused, Qt::Key_Escape);
        QVERIFY(!window->isPreviewing());
    }
};

QTEST_MAIN(TestViewAs)
#include "tst_viewas.moc"
