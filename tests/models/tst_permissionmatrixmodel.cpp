#include "Permission.h"
#include "PermissionMatrixModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace TenantDesk;
using namespace Qt::StringLiterals;

// The permission matrix of the Roles page: resources × actions, a custom role's own permissions
// ticked, those it has through included roles shown as inherited, built-in roles read-only.
class TestPermissionMatrixModel : public QObject
{
    Q_OBJECT

private:
    QList<Role> m_roles; // the built-in roles with ids, and a custom role including Tenant Viewer

    Role named(const QString& name) const
    {
        for (const Role& role : m_roles) {
            if (role.name == name)
                return role;
        }
        qFatal("no role %s", qPrintable(name));
    }

    static Qt::CheckState state(const PermissionMatrixModel& model, const QString& permission)
    {
        return Qt::CheckState(model.indexOf(permission).data(Qt::CheckStateRole).toInt());
    }

private Q_SLOTS:
    void init()
    {
        m_roles = BuiltInRole::definitions();
        for (qsizetype i = 0; i < m_roles.size(); ++i)
            m_roles[i].id = RoleId(i + 1);
        Role custom{.id = 10, .tenantId = 7, .name = u"Support Lead"_s, .scope = RoleScope::Tenant,
                    .permissions = {Permission::UserWrite}, .includedRoleIds = {named(BuiltInRole::TenantViewer).id}};
        m_roles.append(custom);
    }

    void everyKnownPermissionHasOneCell()
    {
        PermissionMatrixModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setRole(named(u"Support Lead"_s), m_roles);

        QStringList resources, actions;
        for (const QString& permission : Permission::all()) {
            const QModelIndex index = model.indexOf(permission);
            QVERIFY2(index.isValid(), qPrintable(permission));
            QCOMPARE(index.data(PermissionMatrixModel::PermissionRole).toString(), permission);
            QCOMPARE(model.headerData(index.row(), Qt::Vertical).toString(), permission.section(u'.', 0, 0));
            QCOMPARE(model.headerData(index.column(), Qt::Horizontal).toString(), permission.section(u'.', 1));
            QVERIFY(model.flags(index).testFlag(Qt::ItemIsEnabled));
            if (!resources.contains(permission.section(u'.', 0, 0)))
                resources << permission.section(u'.', 0, 0);
            if (!actions.contains(permission.section(u'.', 1)))
                actions << permission.section(u'.', 1);
        }
        QCOMPARE(model.rowCount(), resources.size());
        QCOMPARE(model.columnCount(), actions.size());
        QCOMPARE(model.resources(), resources); // in Permission::all() order: tenant first
        // A cell that names no permission is disabled and holds nothing.
        int empty = 0;
        for (int row = 0; row < model.rowCount(); ++row) {
            for (int column = 0; column < model.columnCount(); ++column) {
                const QModelIndex index = model.index(row, column);
                if (!index.data(PermissionMatrixModel::PermissionRole).toString().isEmpty())
                    continue;
                ++empty;
                QCOMPARE(model.flags(index), Qt::NoItemFlags);
                QVERIFY(!index.data(Qt::CheckStateRole).isValid());
                QVERIFY(!model.setData(index, Qt::Checked, Qt::CheckStateRole));
            }
        }
        QCOMPARE(empty, model.rowCount() * model.columnCount() - int(Permission::all().size()));
    }

    void builtInRoleIsReadOnly()
    {
        PermissionMatrixModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setReadOnly(false);
        const Role viewer = named(BuiltInRole::TenantViewer);
        model.setRole(viewer, m_roles);
        QVERIFY(model.isReadOnly());
        for (const QString& permission : Permission::all()) {
            QCOMPARE(state(model, permission), viewer.permissions.contains(permission) ? Qt::Checked : Qt::Unchecked);
            QVERIFY(!model.flags(model.indexOf(permission)).testFlag(Qt::ItemIsUserCheckable));
        }
        const QString missing = Permission::TenantLifecycle;
        QVERIFY(!viewer.permissions.contains(missing));
        QVERIFY(!model.setData(model.indexOf(missing), Qt::Checked, Qt::CheckStateRole));
        QCOMPARE(model.permissions(), viewer.permissions);
    }

    void customRoleShowsInheritedAndOwnPermissions()
    {
        PermissionMatrixModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setReadOnly(false);
        const Role lead = named(u"Support Lead"_s);
        const Role viewer = named(BuiltInRole::TenantViewer);
        model.setRole(lead, m_roles);
        QVERIFY(!model.isReadOnly());

        QCOMPARE(state(model, Permission::UserWrite), Qt::Checked);
        for (const QString& permission : viewer.permissions) {
            QCOMPARE(state(model, permission), Qt::PartiallyChecked);
            const QModelIndex index = model.indexOf(permission);
            QVERIFY(index.data(Qt::ToolTipRole).toString().contains(viewer.name));
            QCOMPARE(index.data(PermissionMatrixModel::IncludedFromRole).toStringList(), QStringList{viewer.name});
            QVERIFY(index.data(Qt::BackgroundRole).isValid()); // tinted
        }
        QCOMPARE(state(model, Permission::TenantLifecycle), Qt::Unchecked);
        QVERIFY(!model.indexOf(Permission::TenantLifecycle).data(Qt::BackgroundRole).isValid());
        QVERIFY(model.flags(model.indexOf(Permission::TenantLifecycle)).testFlag(Qt::ItemIsUserCheckable));
    }

    void tickingChangesTheRolesOwnPermissions()
    {
        PermissionMatrixModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setReadOnly(false);
        model.setRole(named(u"Support Lead"_s), m_roles);
        QSignalSpy edited(&model, &PermissionMatrixModel::permissionsEdited);

        QVERIFY(model.setData(model.indexOf(Permission::TenantLifecycle), Qt::Checked, Qt::CheckStateRole));
        QCOMPARE(state(model, Permission::TenantLifecycle), Qt::Checked);
        QCOMPARE(edited.count(), 1);
        // Ticking an inherited one makes it the role's own; unticking it shows it inherited again.
        QVERIFY(model.setData(model.indexOf(Permission::AuditRead), Qt::Checked, Qt::CheckStateRole));
        QCOMPARE(state(model, Permission::AuditRead), Qt::Checked);
        QStringList expected{Permission::AuditRead, Permission::TenantLifecycle, Permission::UserWrite};
        expected.sort();
        QCOMPARE(model.permissions(), expected);
        QVERIFY(model.setData(model.indexOf(Permission::AuditRead), Qt::Unchecked, Qt::CheckStateRole));
        QCOMPARE(state(model, Permission::AuditRead), Qt::PartiallyChecked);
        QVERIFY(model.setData(model.indexOf(Permission::UserWrite), Qt::Unchecked, Qt::CheckStateRole));
        QCOMPARE(model.permissions(), QStringList{Permission::TenantLifecycle});
        QCOMPARE(edited.count(), 4);

        // The whole matrix read-only (a preview): nothing changes any more.
        model.setReadOnly(true);
        QVERIFY(!model.setData(model.indexOf(Permission::RoleManage), Qt::Checked, Qt::CheckStateRole));
        QCOMPARE(model.permissions(), QStringList{Permission::TenantLifecycle});
    }

    void includedRolesFollowTheSelection()
    {
        PermissionMatrixModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setReadOnly(false);
        model.setRole(named(u"Support Lead"_s), m_roles);
        model.setIncludedRoleIds({});
        QCOMPARE(state(model, Permission::AuditRead), Qt::Unchecked);
        const Role admin = named(BuiltInRole::TenantAdmin);
        const Role user = named(BuiltInRole::TenantUser);
        model.setIncludedRoleIds({admin.id, user.id});
        QCOMPARE(state(model, Permission::RoleManage), Qt::PartiallyChecked);
        // A permission two included roles bring names both.
        const QStringList from = model.indexOf(Permission::TenantRead).data(PermissionMatrixModel::IncludedFromRole).toStringList();
        QCOMPARE(from, (QStringList{admin.name, user.name}));
        model.clear();
        QCOMPARE(state(model, Permission::UserWrite), Qt::Unchecked);
        QVERIFY(!model.flags(model.indexOf(Permission::UserWrite)).testFlag(Qt::ItemIsUserCheckable));
    }
};

QTEST_GUILESS_MAIN(TestPermissionMatrixModel)
#include "tst_permissionmatrixmodel.moc"
