// Tenant administration offscreen over a real database: the create dialog, the settings editor,
// the promotion diff, the decommissioning checklist with its backup file, the edit history (undo
// and redo of each kind of edit, each an audited change of its own), and drag and drop in the tree.

#include "DecommissionDialog.h"
#include "EditHistory.h"
#include "PromoteDialog.h"
#include "SqlStore.h"
#include "TenantBackup.h"
#include "TenantCreateDialog.h"
#include "TenantSettingsDialog.h"
#include "TenantTreeModel.h"
#include "TestSupport.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTest>
#include <QUndoStack>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

class TestTenantAdmin : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<SqlStore> m_store;
    int m_serial = 0;

    Tenant newTenant(TenantId parentId = 0, QList<EnvironmentKind> environments = {})
    {
        const QString slug = u"ui-tenant-"_s + QString::number(++m_serial);
        return await(m_store->createTenant({slug, u"UI "_s + slug, parentId, {}, u"Europe/Paris"_s, u"fr"_s, environments}));
    }

    QString lastAction(TenantId tenantId)
    {
        return await(m_store->auditEvents({.tenantId = tenantId, .limit = 1})).items.constFirst().action;
    }

    // Runs one undo or redo and waits until the history has finished it.
    static void step(EditHistory& history, bool forward)
    {
        QSignalSpy finished(&history, &EditHistory::busyChanged);
        forward ? history.redo() : history.undo();
        QVERIFY(QTest::qWaitFor([&history]() { return !history.isBusy(); }, 10000));
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_store = std::make_unique<SqlStore>(copyFixture(smallDemoFixture(), m_dir));
        await(m_store->open(OpenMode::OpenExisting));
    }

    void cleanupTestCase() { m_store.reset(); }

    void theCreateDialogChecksAsYouTypeAndCreates()
    {
        const Tenant parent = await(m_store->tenants({.limit = 1})).items.constFirst();
        TenantCreateDialog dialog(m_store.get(), parent);
        auto* name = dialog.findChild<QLineEdit*>(u"nameEdit"_s);
        auto* slug = dialog.findChild<QLineEdit*>(u"slugEdit"_s);
        auto* timezoneCombo = dialog.findChild<QComboBox*>(u"timezoneCombo"_s);
        QPushButton* create = dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
        QVERIFY(!create->isEnabled()); // nothing typed yet
        QTest::keyClicks(name, u"Nordic Operations"_s);
        QCOMPARE(slug->text(), parent.slug + u".nordic-operations"_s); // suggested under the parent
        QCOMPARE(timezoneCombo->currentText(), parent.timezone);             // inherited as a default
        QVERIFY(create->isEnabled());

        timezoneCombo->setCurrentText(u"Mars/Olympus_Mons"_s);
        auto* timezoneError = dialog.findChild<QLabel*>(u"timezoneError"_s);
        QVERIFY(!timezoneError->isHidden());
        QVERIFY(timezoneError->text().contains(u"Mars/Olympus_Mons"_s));
        QVERIFY(!create->isEnabled());
        timezoneCombo->setCurrentText(u"Europe/Oslo"_s);
        QVERIFY(timezoneError->isHidden());

        // A slug the store already has: refused beside the slug field, nothing created.
        slug->setText(parent.slug);
        const int before = await(m_store->platformSummary()).tenantCount;
        create->click();
        auto* slugError = dialog.findChild<QLabel*>(u"slugError"_s);
        QVERIFY(QTest::qWaitFor([slugError]() { return !slugError->isHidden(); }, 10000));
        QVERIFY(slugError->text().contains(parent.slug));
        QCOMPARE(await(m_store->platformSummary()).tenantCount, before);

        slug->setText(parent.slug + u".nordics"_s);
        dialog.findChild<QCheckBox*>(u"sandboxBox"_s)->setChecked(true);
        create->click();
        QVERIFY(QTest::qWaitFor([&dialog]() { return dialog.result() == QDialog::Accepted; }, 10000));
        const Tenant created = dialog.created();
        QCOMPARE(created.slug, parent.slug + u".nordics"_s);
        QCOMPARE(created.parentId, parent.id);
        QCOMPARE(created.status, TenantStatus::Requested);
        QCOMPARE(created.timezone, u"Europe/Oslo"_s);
        QCOMPARE(created.environmentCount, 4);
    }

    void theSettingsEditorSavesOneChangeAndNamesRefusals()
    {
        const Tenant parent = newTenant();
        TenantChange flags;
        flags.featureFlags = QJsonObject{{u"sso"_s, true}, {u"beta_dashboards"_s, true}};
        const Tenant parentWithFlags = await(m_store->updateTenant(parent.id, flags, parent.version));
        const Tenant child = newTenant(parent.id);
        TenantSettingsDialog dialog(m_store.get(), await(m_store->tenantSummary(child.id)));

        // Inherited flags are shown as such, with where they come from.
        QTableWidget* table = dialog.flagsTable();
        QCOMPARE(table->rowCount(), 2);
        QVERIFY(table->item(0, 2)->text().contains(parentWithFlags.displayName));
        QVERIFY(dialog.change().isEmpty());

        dialog.findChild<QSpinBox*>(u"cpuSpin"_s)->setValue(12);
        auto* sso = dialog.findChild<QComboBox*>(u"flagCombo_sso"_s);
        sso->setCurrentIndex(2); // off, overriding the parent's on
        dialog.findChild<QComboBox*>(u"mfaCombo"_s)->setCurrentIndex(1);
        auto* allowList = dialog.findChild<QPlainTextEdit*>(u"allowListEdit"_s);
        allowList->setPlainText(u"10.0.0.0/8\n192.168.1.7/24"_s);
        auto* policyError = dialog.findChild<QLabel*>(u"security_policyError"_s);
        QVERIFY(!policyError->isHidden());
        QVERIFY2(policyError->text().contains(u"ip_allow_list[1]"_s), qPrintable(policyError->text()));
        dialog.accept();
        QCOMPARE(dialog.result(), 0); // refused before anything was sent
        QCOMPARE(await(m_store->tenant(child.id)).version, child.version);

        allowList->setPlainText(u"10.0.0.0/8\n192.168.1.0/24"_s);
        QVERIFY(policyError->isHidden());
        const TenantChange change = dialog.change();
        QVERIFY(change.quotas && change.featureFlags && change.securityPolicy);
        QVERIFY(!change.settings);
        QCOMPARE(*change.featureFlags, (QJsonObject{{u"sso"_s, false}}));
        dialog.accept();
        QVERIFY(QTest::qWaitFor([&dialog]() { return dialog.result() == QDialog::Accepted; }, 10000));
        const Tenant saved = await(m_store->tenant(child.id));
        QCOMPARE(saved.version, child.version + 1); // one change
        QCOMPARE(saved.quotas.cpuCores, std::optional<int>(12));
        QCOMPARE(saved.securityPolicy.value(u"mfa_required"_s).toBool(), true);
        QCOMPARE(saved.securityPolicy.value(u"ip_allow_list"_s).toArray().size(), 2);
        QCOMPARE(lastAction(child.id), u"tenant.update"_s);
    }

    void thePromotionDiffTicksWhatDiffers()
    {
        const Tenant tenant = newTenant(0, {EnvironmentKind::Production, EnvironmentKind::Staging});
        QList<Environment> environments = await(m_store->environments(tenant.id));
        environments[0] = await(m_store->updateEnvironment(environments[0].id, {std::nullopt,
            QJsonObject{{u"replicas"_s, 3}, {u"log_level"_s, u"warning"_s}}}, environments[0].version));
        environments[1] = await(m_store->updateEnvironment(environments[1].id, {std::nullopt,
            QJsonObject{{u"replicas"_s, 3}, {u"log_level"_s, u"debug"_s}, {u"cache_ttl"_s, 60}}}, environments[1].version));
        PromoteDialog dialog(m_store.get(), environments);
        QTableWidget* diff = dialog.diffTable();
        QCOMPARE(diff->rowCount(), 3); // cache_ttl, log_level, replicas
        QCOMPARE(diff->horizontalHeaderItem(PromoteDialog::SourceColumn)->text(), environments[1].name); // staging →
        QCOMPARE(diff->horizontalHeaderItem(PromoteDialog::TargetColumn)->text(), environments[0].name); // production
        QCOMPARE(dialog.chosenKeys(), (QStringList{u"cache_ttl"_s, u"log_level"_s}));
        QCOMPARE(diff->item(0, PromoteDialog::TargetColumn)->text(), u"(not set)"_s);
        QVERIFY(!(diff->item(2, PromoteDialog::KeyColumn)->flags() & Qt::ItemIsUserCheckable)); // replicas: the same
        diff->item(0, PromoteDialog::KeyColumn)->setCheckState(Qt::Unchecked); // keep production without a cache
        QCOMPARE(dialog.chosenKeys(), QStringList{u"log_level"_s});
        dialog.accept();
        QVERIFY(QTest::qWaitFor([&dialog]() { return dialog.result() == QDialog::Accepted; }, 10000));
        const Environment production = await(m_store->environments(tenant.id)).constFirst();
        QCOMPARE(production.settings, (QJsonObject{{u"replicas"_s, 3}, {u"log_level"_s, u"debug"_s}}));
        QCOMPARE(lastAction(tenant.id), u"environment.promote"_s);
    }

    void theChecklistBacksUpDeletesAndArchives()
    {
        Tenant tenant = newTenant(0, {EnvironmentKind::Production});
        for (TenantStatus status : {TenantStatus::Provisioning, TenantStatus::Active, TenantStatus::Suspended,
                                    TenantStatus::Decommissioning})
            tenant = await(m_store->changeTenantStatus(tenant.id, status, tenant.version));
        DecommissionDialog dialog(m_store.get(), tenant);
        QSignalSpy finished(&dialog, &DecommissionDialog::stepFinished);
        auto* deleteButton = dialog.findChild<QPushButton*>(u"delete_dataButton"_s);
        auto* archiveButton = dialog.findChild<QPushButton*>(u"archiveButton"_s);
        QVERIFY(!deleteButton->isEnabled()); // not before the backup, nor without the slug
        QVERIFY(!archiveButton->isEnabled());

        const QString path = m_dir.filePath(tenant.slug + u".json"_s);
        dialog.backUpTo(path);
        QVERIFY(finished.wait(10000));
        QVERIFY(finished.last().at(0).toBool());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray backup = file.readAll();
        QCOMPARE(TenantBackup::fromJson(backup).tenant.slug, tenant.slug);
        QVERIFY(dialog.tenant().decommission.value(u"back_up"_s).toObject().value(u"note"_s).toString()
                    .contains(TenantBackup::checksum(backup)));

        dialog.findChild<QLineEdit*>(u"confirmSlugEdit"_s)->setText(u"wrong"_s);
        QVERIFY(!deleteButton->isEnabled());
        dialog.findChild<QLineEdit*>(u"confirmSlugEdit"_s)->setText(tenant.slug);
        QVERIFY(deleteButton->isEnabled());
        dialog.notifyUsers(u"Mail of 1 December"_s);
        QVERIFY(finished.wait(10000));
        dialog.releaseResources();
        QVERIFY(finished.wait(10000));
        dialog.deleteData(tenant.slug);
        QVERIFY(finished.wait(10000));
        QVERIFY(await(m_store->environments(tenant.id)).isEmpty());
        dialog.finaliseBilling();
        QVERIFY(finished.wait(10000));
        QVERIFY(archiveButton->isEnabled());
        dialog.archive();
        QVERIFY(finished.wait(10000));
        QCOMPARE(await(m_store->tenant(tenant.id)).status, TenantStatus::Archived);

        // And back, from the file.
        const Tenant restored = await(m_store->restoreTenant(backup, std::nullopt));
        QCOMPARE(restored.id, tenant.id);
        QCOMPARE(restored.environmentCount, 1);
    }

    void everyKindOfEditIsUndoneAndRedone()
    {
        EditHistory history;
        history.setStore(m_store.get());
        QVERIFY(!history.undoAction()->isEnabled());
        QCOMPARE(history.undoAction()->shortcut(), QKeySequence(QKeySequence::Undo));
        QCOMPARE(history.redoAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z));

        // A create: undone by deleting the tenant (still requested), redone by creating it again.
        const NewTenant request{u"undo-created"_s, u"Undo Created"_s, 0, {}, u"UTC"_s, u"en"_s, {EnvironmentKind::Staging}};
        const Tenant created = await(m_store->createTenant(request));
        history.noteTenantAdded(created);
        history.record(Edits::tenantCreate(created, request));
        QVERIFY(history.undoAction()->text().contains(u"Undo Created"_s));
        step(history, false);
        QCOMPARE(awaitError(m_store->tenantBySlug(u"undo-created"_s))->code(), ErrorCode::NotFound);
        step(history, true);
        const Tenant recreated = await(m_store->tenantBySlug(u"undo-created"_s));
        QCOMPARE(recreated.environmentCount, 1);
        QCOMPARE(lastAction(recreated.id), u"tenant.create"_s);

        // An update of the re-created tenant (the history follows its new id).
        TenantChange change;
        change.displayName = u"Renamed"_s;
        change.quotas = TenantQuotas{4, 8, 16, 32};
        const Tenant renamed = await(m_store->updateTenant(recreated.id, change, recreated.version));
        history.noteTenant(renamed);
        history.record(Edits::tenantUpdate(recreated, renamed, change));
        step(history, false);
        Tenant now = await(m_store->tenant(recreated.id));
        QCOMPARE(now.displayName, u"Undo Created"_s);
        QCOMPARE(now.quotas, TenantQuotas{});
        QCOMPARE(lastAction(recreated.id), u"tenant.update"_s); // an undo is a change of its own, audited
        step(history, true);
        now = await(m_store->tenant(recreated.id));
        QCOMPARE(now.displayName, u"Renamed"_s);
        QCOMPARE(now.quotas.userSeats, std::optional<int>(32));

        // A move.
        const Tenant home = newTenant();
        const Tenant moved = await(m_store->moveTenant(recreated.id, home.id, now.version));
        history.noteTenant(moved);
        history.record(Edits::tenantMove(now, moved));
        step(history, false);
        QCOMPARE(await(m_store->tenant(recreated.id)).parentId, 0);
        step(history, true);
        QCOMPARE(await(m_store->tenant(recreated.id)).parentId, home.id);

        // Provisioning cannot be taken back; suspending can.
        Tenant t = await(m_store->tenant(recreated.id));
        const Tenant provisioning = await(m_store->changeTenantStatus(t.id, TenantStatus::Provisioning, t.version));
        QVERIFY(!Edits::tenantStatus(t, provisioning));
        history.noteTenant(provisioning);
        const Tenant active = await(m_store->changeTenantStatus(t.id, TenantStatus::Active, provisioning.version));
        const Tenant suspended = await(m_store->changeTenantStatus(t.id, TenantStatus::Suspended, active.version));
        history.noteTenant(suspended);
        StoreEdit* suspend = Edits::tenantStatus(active, suspended);
        QVERIFY(suspend);
        history.record(suspend);
        step(history, false);
        QCOMPARE(await(m_store->tenant(t.id)).status, TenantStatus::Active);
        QCOMPARE(lastAction(t.id), u"tenant.resume"_s);
        step(history, true);
        QCOMPARE(await(m_store->tenant(t.id)).status, TenantStatus::Suspended);

        // Environments: add, change, remove.
        const Environment added = await(m_store->addEnvironment(t.id, {u"QA"_s, EnvironmentKind::Development, {}}));
        history.noteEnvironment(added);
        history.record(Edits::environmentAdd(added));
        const Environment changed = await(m_store->updateEnvironment(added.id, {u"QA 2"_s, QJsonObject{{u"debug"_s, true}}}, added.version));
        history.noteEnvironment(changed);
        history.record(Edits::environmentUpdate(added, changed, u"Change QA"_s));
        step(history, false); // the change
        QCOMPARE(await(m_store->environments(t.id)).constLast().name, u"QA"_s);
        step(history, false); // the addition
        QCOMPARE(await(m_store->environments(t.id)).size(), 1);
        step(history, true);  // added again (a new id)
        step(history, true);  // changed again, on the new id
        const Environment again = await(m_store->environments(t.id)).constLast();
        QCOMPARE(again.name, u"QA 2"_s);
        QCOMPARE(again.settings.value(u"debug"_s).toBool(), true);
        const Environment removed = await(m_store->removeEnvironment(again.id, again.version));
        history.noteEnvironmentRemoved(removed);
        history.record(Edits::environmentRemove(removed));
        step(history, false);
        QCOMPARE(await(m_store->environments(t.id)).constLast().settings, again.settings);
        QCOMPARE(history.stack()->index(), history.stack()->count() - 1);
    }

    void anUndoNeverOverwritesSomeoneElsesChange()
    {
        EditHistory history;
        history.setStore(m_store.get());
        const Tenant tenant = newTenant();
        TenantChange change;
        change.domain = u"mine.example.com"_s;
        const Tenant mine = await(m_store->updateTenant(tenant.id, change, tenant.version));
        history.noteTenant(mine);
        history.record(Edits::tenantUpdate(tenant, mine, change));
        TenantChange theirs;
        theirs.domain = u"theirs.example.com"_s;
        await(m_store->updateTenant(tenant.id, theirs, mine.version)); // someone else, meanwhile
        QSignalSpy failed(&history, &EditHistory::failed);
        step(history, false);
        QCOMPARE(failed.size(), 1);
        QCOMPARE(failed.constFirst().at(2).value<ErrorCode>(), ErrorCode::Conflict);
        QCOMPARE(await(m_store->tenant(tenant.id)).domain, u"theirs.example.com"_s);
        QVERIFY(history.undoAction()->isEnabled()); // still there, to try again
    }

    void aTenantIsDroppedOnItsNewParent()
    {
        TenantTreeModel model;
        model.setStore(m_store.get());
        QVERIFY(QTest::qWaitFor([&model]() { return model.rowCount(model.platformIndex()) > 0 || model.canFetchMore(model.platformIndex()); }, 10000));
        if (model.canFetchMore(model.platformIndex()))
            model.fetchMore(model.platformIndex());
        QVERIFY(QTest::qWaitFor([&model]() { return model.rowCount(model.platformIndex()) > 1; }, 10000));
        const QModelIndex first = model.index(0, 0, model.platformIndex());
        const QModelIndex second = model.index(1, 0, model.platformIndex());
        QVERIFY(model.flags(first) & Qt::ItemIsDragEnabled);
        QVERIFY(model.flags(second) & Qt::ItemIsDropEnabled);
        std::unique_ptr<QMimeData> data(model.mimeData({first}));
        QVERIFY(data);
        QVERIFY(!model.canDropMimeData(data.get(), Qt::MoveAction, -1, 0, first)); // not onto itself
        QSignalSpy requested(&model, &TenantTreeModel::moveRequested);
        QVERIFY(!model.dropMimeData(data.get(), Qt::MoveAction, -1, 0, second)); // the store moves it, not the drop
        QCOMPARE(requested.size(), 1);
        QCOMPARE(requested.constFirst().at(0).toLongLong(), first.data(TenantTreeModel::TenantIdRole).toLongLong());
        QCOMPARE(requested.constFirst().at(1).toLongLong(), second.data(TenantTreeModel::TenantIdRole).toLongLong());
        QCOMPARE(model.rowCount(model.platformIndex()) > 1, true);
    }
};

QTEST_MAIN(TestTenantAdmin)
#include "tst_tenantadmin.moc"
