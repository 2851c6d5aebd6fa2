#include "EditHistory.h"
#include "EffectivePermissionsDialog.h"
#include "Permission.h"
#include "PermissionMatrixModel.h"
#include "RoleListModel.h"
#include "RolesPage.h"
#include "SqlStore.h"
#include "TestSupport.h"

#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>
#include <QTreeWidget>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

// The Roles page as a platform admin uses it on the demo: custom roles made in the permission
// matrix and saved, composite roles, the store's refusals shown, built-in roles read-only, and a
// user's effective permissions explained.
class TestRolesPage : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<SqlStore> m_store;
    Tenant m_tenant;

    template<typename T>
    static T* child(const QWidget& parent, const QString& name)
    {
        auto* found = parent.findChild<T*>(name);
        if (!found)
            qFatal("no child %s", qPrintable(name));
        return found;
    }

    std::unique_ptr<RolesPage> openPage(EditHistory* history = nullptr)
    {
        auto page = std::make_unique<RolesPage>();
        page->resize(1100, 800);
        page->setConfirmationsEnabled(false);
        page->setStore(m_store.get());
        page->setHistory(history);
        page->show();
        if (!QTest::qWaitForWindowExposed(page.get()))
            return nullptr;
        QSignalSpy loaded(page.get(), &RolesPage::rolesLoaded);
        page->setTenant(m_tenant.id);
        if (!loaded.wait(30000))
            return nullptr;
        // Editable once the page knows the platform admin may manage roles here.
        if (!QTest::qWaitFor([&page]() { return child<QPushButton>(*page, u"newRoleButton"_s)->isEnabled(); }, 30000))
            return nullptr;
        return page;
    }

    Role stored(RoleId id)
    {
        for (const Role& role : await(m_store->roles(m_tenant.id))) {
            if (role.id == id)
                return role;
        }
        return {};
    }

    RoleId builtInId(const QString& name)
    {
        for (const Role& role : await(m_store->roles(0))) {
            if (role.name == name)
                return role.id;
        }
        qFatal("no built-in role %s", qPrintable(name));
    }

    // Creates a role through New Role…, as a person does, and waits until the page selects it.
    static bool createThroughDialog(RolesPage& page, const QString& name)
    {
        QSignalSpy loaded(&page, &RolesPage::rolesLoaded);
        child<QPushButton>(page, u"newRoleButton"_s)->click();
        auto* dialog = page.findChild<QDialog*>(u"newRoleDialog"_s);
        if (!dialog)
            return false;
        QTest::keyClicks(child<QLineEdit>(*dialog, u"nameLineEdit"_s), name);
        QTest::keyClicks(child<QLineEdit>(*dialog, u"descriptionLineEdit"_s), u"Handles support tickets."_s);
        child<QPushButton>(*dialog, u"createButton"_s)->click();
        return loaded.wait(30000) && page.currentRole().name == name;
    }

    static void tick(RolesPage& page, const QString& permission)
    {
        auto* view = child<QTableView>(page, u"permissionTableView"_s);
        const QModelIndex index = page.matrixModel()->indexOf(permission);
        view->setCurrentIndex(index);
        view->setFocus();
        QTest::keyClick(view, Qt::Key_Space);
    }

    static QListWidgetItem* includedItem(RolesPage& page, const QString& name)
    {
        auto* list = child<QListWidget>(page, u"includedRolesListWidget"_s);
        for (int row = 0; row < list->count(); ++row) {
            if (list->item(row)->text() == name)
                return list->item(row);
        }
        return nullptr;
    }

    static bool save(RolesPage& page)
    {
        QSignalSpy saved(&page, &RolesPage::roleSaved);
        QSignalSpy failed(&page, &RolesPage::saveFailed);
        QSignalSpy loaded(&page, &RolesPage::rolesLoaded);
        child<QPushButton>(page, u"saveButton"_s)->click();
        if (!QTest::qWaitFor([&]() { return saved.count() > 0 || failed.count() > 0; }, 30000) || failed.count() > 0) {
            qWarning() << "not saved:" << failed;
            return false;
        }
        return loaded.count() > 0 || loaded.wait(30000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_store = std::make_unique<SqlStore>(copyFixture(smallDemoFixture(), m_dir));
        await(m_store->open(OpenMode::OpenExisting));
        m_tenant = await(m_store->tenants({.limit = 1})).items.constFirst();
    }

    void listsTheTenantsRolesWithBuiltInOnesReadOnly()
    {
        auto page = openPage();
        QVERIFY(page);
        QCOMPARE(page->roleModel()->rowCount(), int(await(m_store->roles(m_tenant.id)).size()));
        const int row = page->roleModel()->rowOf(builtInId(BuiltInRole::TenantViewer));
        QVERIFY(row >= 0);
        QCOMPARE(page->roleModel()->index(row, RoleListModel::OwnerColumn).data().toString(), u"Built in"_s);
        page->selectRole(builtInId(BuiltInRole::TenantViewer));
        QCOMPARE(page->currentRole().name, BuiltInRole::TenantViewer);
        QVERIFY(page->matrixModel()->isReadOnly());
        QVERIFY(child<QLineEdit>(*page, u"roleNameLineEdit"_s)->isReadOnly());
        QVERIFY(!child<QPushButton>(*page, u"deleteRoleButton"_s)->isEnabled());
        QVERIFY(child<QLabel>(*page, u"readOnlyLabel"_s)->isVisible());
        // Its permissions are shown ticked, and cannot be unticked.
        const QModelIndex audit = page->matrixModel()->indexOf(Permission::AuditRead);
        QCOMPARE(audit.data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
        tick(*page, Permission::AuditRead);
        QCOMPARE(audit.data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
        QVERIFY(!child<QPushButton>(*page, u"saveButton"_s)->isEnabled());
    }

    void createsACustomRoleInTheMatrix()
    {
        EditHistory history;
        history.setStore(m_store.get());
        auto page = openPage(&history);
        QVERIFY(page);
        QVERIFY(createThroughDialog(*page, u"Support Lead"_s));
        const RoleId id = page->currentRole().id;
        QVERIFY(!page->matrixModel()->isReadOnly());
        QCOMPARE(page->roleModel()->index(page->roleModel()->rowOf(id), RoleListModel::OwnerColumn).data().toString(), m_tenant.slug);

        tick(*page, Permission::UserRead);
        tick(*page, Permission::UserWrite);
        QVERIFY(child<QPushButton>(*page, u"saveButton"_s)->isEnabled());
        QVERIFY(save(*page));
        QStringList expected{Permission::UserRead, Permission::UserWrite};
        expected.sort();
        QCOMPARE(stored(id).permissions, expected);
        QCOMPARE(page->currentRole().id, id);
        QCOMPARE(page->matrixModel()->indexOf(Permission::UserWrite).data(Qt::CheckStateRole).toInt(), int(Qt::Checked));

        // Including Tenant Viewer shows its permissions as inherited before saving, and keeps it.
        QListWidgetItem* viewer = includedItem(*page, BuiltInRole::TenantViewer);
        QVERIFY(viewer);
        viewer->setCheckState(Qt::Checked);
        QCOMPARE(page->matrixModel()->indexOf(Permission::AuditRead).data(Qt::CheckStateRole).toInt(), int(Qt::PartiallyChecked));
        QVERIFY(page->matrixModel()->indexOf(Permission::AuditRead).data(Qt::ToolTipRole).toString().contains(BuiltInRole::TenantViewer));
        QVERIFY(save(*page));
        QCOMPARE(stored(id).includedRoleIds, QList<RoleId>{builtInId(BuiltInRole::TenantViewer)});

        // Edit → Undo takes the last change back through the store.
        QSignalSpy undone(history.stack(), &QUndoStack::indexChanged);
        history.undo();
        QVERIFY(undone.wait(30000));
        QVERIFY(stored(id).includedRoleIds.isEmpty());
        QCOMPARE(stored(id).permissions, expected);
    }

    void aCycleIsRefusedBesideTheIncludedRoles()
    {
        auto page = openPage();
        QVERIFY(page);
        QVERIFY(createThroughDialog(*page, u"Escalation A"_s));
        const Role a = page->currentRole();
        // B includes A; A including B would close a cycle.
        const Role b = await(m_store->createRole({.tenantId = m_tenant.id, .name = u"Escalation B"_s, .description = u"Second line."_s,
                                                  .permissions = {Permission::AuditRead}, .includedRoleIds = {a.id}}));
        QSignalSpy loaded(page.get(), &RolesPage::rolesLoaded);
        page->roleModel()->reload();
        QVERIFY(loaded.wait(30000));
        page->selectRole(a.id);
        QListWidgetItem* item = includedItem(*page, b.name);
        QVERIFY(item);
        item->setCheckState(Qt::Checked);
        QSignalSpy failed(page.get(), &RolesPage::saveFailed);
        child<QPushButton>(*page, u"saveButton"_s)->click();
        QVERIFY(failed.wait(30000));
        auto* error = child<QLabel>(*page, u"includedRolesErrorLabel"_s);
        QVERIFY(error->isVisible());
        QVERIFY2(error->text().contains(b.name), qPrintable(error->text()));
        QVERIFY(stored(a.id).includedRoleIds.isEmpty());

        // A role another includes cannot be deleted either: the page says why.
        page->revert();
        QSignalSpy refused(page.get(), &RolesPage::saveFailed);
        child<QPushButton>(*page, u"deleteRoleButton"_s)->click();
        QVERIFY(refused.wait(30000));
        auto* message = child<QLabel>(*page, u"roleMessageLabel"_s);
        QVERIFY(message->isVisible());
        QVERIFY2(message->text().contains(b.name), qPrintable(message->text()));
        QCOMPARE(stored(a.id).id, a.id);
    }

    void aTakenNameIsRefusedBesideTheName()
    {
        auto page = openPage();
        QVERIFY(page);
        QVERIFY(createThroughDialog(*page, u"Billing Clerk"_s));
        child<QPushButton>(*page, u"newRoleButton"_s)->click();
        auto* dialog = page->findChild<QDialog*>(u"newRoleDialog"_s);
        QVERIFY(dialog);
        QTest::keyClicks(child<QLineEdit>(*dialog, u"nameLineEdit"_s), u"Billing Clerk"_s);
        child<QPushButton>(*dialog, u"createButton"_s)->click();
        auto* error = child<QLabel>(*dialog, u"nameErrorLabel"_s);
        QTRY_VERIFY_WITH_TIMEOUT(error->isVisible(), 30000);
        QVERIFY(!error->text().isEmpty());
        dialog->reject();
    }

    void effectivePermissionsNameTheirSource()
    {
        const Page<MembershipEntry> members = await(m_store->memberships({.tenantId = m_tenant.id, .limit = 50}));
        QVERIFY(!members.items.isEmpty());
        const MembershipEntry member = members.items.constFirst();
        const EffectivePermissions expected = await(m_store->effectivePermissions(member.userId, m_tenant.id));
        QVERIFY(!expected.permissions.isEmpty());

        EffectivePermissionsDialog dialog(m_store.get(), member.userId, m_tenant.id);
        QSignalSpy shown(&dialog, &EffectivePermissionsDialog::shown);
        dialog.show();
        QVERIFY(shown.count() > 0 || shown.wait(30000));
        QTreeWidget* tree = dialog.permissionTree();
        QCOMPARE(tree->topLevelItemCount(), int(expected.permissions.size()));
        const QTreeWidgetItem* first = tree->topLevelItem(0);
        QCOMPARE(first->text(0), expected.permissions.constFirst().permission);
        QCOMPARE(first->childCount(), int(expected.permissions.constFirst().sources.size()));
        const PermissionSource source = expected.permissions.constFirst().sources.constFirst();
        const QString text = first->child(0)->text(0);
        QVERIFY2(text.contains(source.roleChain.constFirst()), qPrintable(text));
        if (!source.platform)
            QVERIFY2(text.contains(source.grantedOnTenantSlug), qPrintable(text));

        // By e-mail and slug, as a person types them.
        const QString email = await(m_store->user(member.userId)).user.email;
        EffectivePermissionsDialog typed(m_store.get(), 0, 0);
        typed.show();
        QTest::keyClicks(child<QLineEdit>(typed, u"userLineEdit"_s), email);
        QTest::keyClicks(child<QLineEdit>(typed, u"tenantLineEdit"_s), m_tenant.slug);
        QSignalSpy typedShown(&typed, &EffectivePermissionsDialog::shown);
        child<QPushButton>(typed, u"showButton"_s)->click();
        QVERIFY(typedShown.wait(30000));
        QCOMPARE(typed.permissions(), expected);
    }
};

QTEST_MAIN(TestRolesPage)
#include "tst_rolespage.moc"
