#include "AuditDiffModel.h"
#include "AuditEventModel.h"
#include "AuditPage.h"
#include "SqlStore.h"
#include "TestSupport.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QFrame>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

class TestAuditPage : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<SqlStore> m_store;
    Tenant m_before; // a tenant as it was before ann@example.com renamed it
    Tenant m_after;
    int m_total = 0; // events in the store

    template<typename T>
    static T* child(const QWidget& page, const QString& name)
    {
        auto* found = page.findChild<T*>(name);
        if (!found)
            qFatal("no child %s", qPrintable(name));
        return found;
    }

    // Waits until the page's table shows the whole answer to its filters.
    static bool settled(const AuditPage& page)
    {
        return QTest::qWaitFor([&page]() {
            const AuditEventModel* model = page.eventModel();
            return !model->isLoading() && !model->canFetchMore({});
        }, 30000);
    }

    // A page on the store, shown, with its first events loaded.
    std::unique_ptr<AuditPage> openPage()
    {
        auto page = std::make_unique<AuditPage>();
        page->resize(1200, 800);
        page->setStore(m_store.get());
        page->show();
        if (!QTest::qWaitForWindowExposed(page.get()))
            return nullptr;
        if (!QTest::qWaitFor([&page]() { return page->eventModel()->rowCount() > 0; }, 30000))
            return nullptr;
        return page;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_store = std::make_unique<SqlStore>(copyFixture(smallDemoFixture(), m_dir));
        await(m_store->open(OpenMode::OpenExisting));
        m_before = await(m_store->tenants({.limit = 1})).items.constFirst();
        // A change, so that the trail holds a tenant.update with its before and after values.
        m_store->setActor(u"ann@example.com"_s);
        TenantChange change;
        change.displayName = m_before.displayName + u" Renamed"_s;
        change.domain = u"renamed.example"_s;
        m_after = await(m_store->updateTenant(m_before.id, change, m_before.version));
        for (AuditQuery query{.limit = maximumPageSize};;) {
            const Page<AuditEvent> page = await(m_store->auditEvents(query));
            m_total += int(page.items.size());
            if (page.isLast())
                break;
            query.cursor = page.nextCursor;
        }
        QVERIFY(m_total > 20);
    }

    void cleanupTestCase() { m_store.reset(); }

    void everyControlIsNamed()
    {
        AuditPage page;
        for (const char* name : {"tenantLineEdit", "thisTenantCheckBox", "actorLineEdit", "actionComboBox", "fromCheckBox",
                                 "fromDateTimeEdit", "toCheckBox", "toDateTimeEdit", "textLineEdit", "clearFiltersButton",
                                 "refreshButton", "retryButton", "auditTableView", "diffTableView"}) {
            const auto* widget = page.findChild<QWidget*>(QString::fromLatin1(name));
            QVERIFY2(widget, name);
            QVERIFY2(!widget->accessibleName().isEmpty(), name);
        }
        // The known actions and the prefixes are offered.
        auto* action = child<QComboBox>(page, u"actionComboBox"_s);
        QVERIFY(action->isEditable());
        for (const QString& known : {u"tenant."_s, u"environment."_s, u"tenant.update"_s, u"tenant.decommission_step"_s,
                                     u"environment.promote"_s})
            QVERIFY2(action->findText(known) >= 0, qPrintable(known));
        // Unset, each end of the time range reads "Any time" and filters nothing.
        QCOMPARE(child<QDateTimeEdit>(page, u"fromDateTimeEdit"_s)->text(), u"Any time"_s);
        QVERIFY(!child<QDateTimeEdit>(page, u"toDateTimeEdit"_s)->isEnabled());
    }

    void filtersNarrowTheTable()
    {
        auto page = openPage();
        QVERIFY(page);
        QVERIFY(settled(*page));
        AuditEventModel* model = page->eventModel();
        QCOMPARE(model->rowCount(), m_total);
        QCOMPARE(model->event(0).action, u"tenant.update"_s); // newest first
        QVERIFY(child<QLabel>(*page, u"auditStatusLabel"_s)->text().contains(QString::number(m_total)));

        // The actor, exactly; search as you type, after a pause.
        QSignalSpy applied(page.get(), &AuditPage::filtersApplied);
        auto* actor = child<QLineEdit>(*page, u"actorLineEdit"_s);
        QTest::keyClicks(actor, u"ann@example.com"_s);
        QVERIFY(applied.wait(5000));
        QCOMPARE(applied.count(), 1); // once, after the typing paused
        QVERIFY(settled(*page));
        QCOMPARE(model->rowCount(), 1);
        QCOMPARE(model->event(0).actor, u"ann@example.com"_s);
        actor->clear();

        // The action, exactly or by prefix.
        auto* action = child<QComboBox>(*page, u"actionComboBox"_s);
        action->setCurrentText(u"tenant.update"_s);
        QVERIFY(applied.wait(5000));
        QVERIFY(settled(*page));
        QCOMPARE(model->rowCount(), 1);
        action->setCurrentText(u"environment."_s);
        QVERIFY(applied.wait(5000));
        QVERIFY(settled(*page));
        QCOMPARE(model->rowCount(), 0);
        QVERIFY(child<QLabel>(*page, u"auditStatusLabel"_s)->text().contains(u"No events"_s));
        action->setCurrentText(u"tenant."_s);
        QVERIFY(applied.wait(5000));
        QVERIFY(settled(*page));
        QCOMPARE(model->rowCount(), m_total);
        action->setCurrentText(QString());

        // Free text in the values.
        auto* text = child<QLineEdit>(*page, u"textLineEdit"_s);
        QTest::keyClicks(text, u"renamed.exa"_s);
        QVERIFY(applied.wait(5000));
        QVERIFY(settled(*page));
        QCOMPARE(model->rowCount(), 1);
        QCOMPARE(model->event(0).after.value(u"domain"_s).toString(), u"renamed.example"_s);
        text->clear();

        // A tenant by slug; an unknown slug is said beside the field, and shows nothing.
        auto* tenant = child<QLineEdit>(*page, u"tenantLineEdit"_s);
        QTest::keyClicks(tenant, m_before.slug);
        QTest::keyClick(tenant, Qt::Key_Return); // at once, without the pause
        QVERIFY(settled(*page));
        QTRY_COMPARE(model->rowCount(), 2); // created, renamed
        for (int row = 0; row < model->rowCount(); ++row)
            QCOMPARE(model->event(row).tenantId, m_before.id);
        auto* tenantError = child<QLabel>(*page, u"tenantErrorLabel"_s);
        QVERIFY(tenantError->isHidden());
        tenant->setText(u"no-such-tenant"_s);
        QTRY_VERIFY(tenantError->isVisible());
        QVERIFY2(tenantError->text().contains(u"no-such-tenant"_s), qPrintable(tenantError->text()));
        QCOMPARE(model->rowCount(), 0);
        tenant->clear();
        QTRY_VERIFY(tenantError->isHidden());
        QVERIFY(settled(*page));
        QCOMPARE(model->rowCount(), m_total);

        // A time range around the change: from a minute before it to a minute after.
        const QDateTime changed = model->event(0).at.toLocalTime();
        child<QCheckBox>(*page, u"fromCheckBox"_s)->setChecked(true);
        child<QCheckBox>(*page, u"toCheckBox"_s)->setChecked(true);
        auto* from = child<QDateTimeEdit>(*page, u"fromDateTimeEdit"_s);
        auto* to = child<QDateTimeEdit>(*page, u"toDateTimeEdit"_s);
        QVERIFY(from->isEnabled());
        from->setDateTime(changed.addSecs(-60));
        to->setDateTime(changed.addSecs(60));
        QTRY_VERIFY(model->query().from.isValid() && model->query().to.isValid());
        QVERIFY(settled(*page));
        QVERIFY(model->rowCount() >= 1);
        for (int row = 0; row < model->rowCount(); ++row) {
            QVERIFY(model->event(row).at >= model->query().from);
            QVERIFY(model->event(row).at < model->query().to);
        }
        QCOMPARE(model->event(0).action, u"tenant.update"_s);
        // An end before the start is refused beside the range.
        to->setDateTime(changed.addDays(-1));
        auto* timeError = child<QLabel>(*page, u"timeErrorLabel"_s);
        QTRY_VERIFY(timeError->isVisible());
        QCOMPARE(model->rowCount(), 0);

        // Clear Filters shows everything again.
        child<QPushButton>(*page, u"clearFiltersButton"_s)->click();
        QVERIFY(timeError->isHidden());
        QVERIFY(settled(*page));
        QCOMPARE(model->rowCount(), m_total);
        QCOMPARE(from->text(), u"Any time"_s);
    }

    void selectingAnEventShowsItsDiff()
    {
        auto page = openPage();
        QVERIFY(page);
        auto* table = child<QTableView>(*page, u"auditTableView"_s);
        auto* diffView = child<QTableView>(*page, u"diffTableView"_s);
        QCOMPARE(diffView->model()->rowCount(), 0);
        QCOMPARE(page->eventModel()->event(0).action, u"tenant.update"_s);

        table->setCurrentIndex(table->model()->index(0, 0));
        QCOMPARE(page->currentEvent().action, u"tenant.update"_s);
        const QAbstractItemModel* diff = diffView->model();
        QCOMPARE(diff->rowCount(), 2); // display_name and domain: what the change changed
        const auto rowOf = [diff](const QString& key) {
            for (int row = 0; row < diff->rowCount(); ++row) {
                if (diff->index(row, AuditDiffModel::KeyColumn).data().toString() == key)
                    return row;
            }
            return -1;
        };
        const int name = rowOf(u"display_name"_s);
        QVERIFY(name >= 0);
        QCOMPARE(diff->index(name, AuditDiffModel::BeforeColumn).data().toString(), m_before.displayName);
        QCOMPARE(diff->index(name, AuditDiffModel::AfterColumn).data().toString(), m_after.displayName);
        QCOMPARE(diff->index(name, AuditDiffModel::ChangeColumn).data().toString(), u"Changed"_s);
        QCOMPARE(diff->index(name, 0).data(AuditDiffModel::ChangeRole).value<AuditDiffModel::Change>(),
                 AuditDiffModel::Change::Changed);
        // Highlighted: tinted, and the key in bold.
        QVERIFY(diff->index(name, AuditDiffModel::AfterColumn).data(Qt::BackgroundRole).canConvert<QColor>());
        QVERIFY(diff->index(name, AuditDiffModel::KeyColumn).data(Qt::FontRole).value<QFont>().bold());
        const int domain = rowOf(u"domain"_s);
        QVERIFY(domain >= 0);
        QCOMPARE(diff->index(domain, AuditDiffModel::AfterColumn).data().toString(), u"renamed.example"_s);
        auto* summary = child<QLabel>(*page, u"eventSummaryLabel"_s);
        QVERIFY2(summary->text().contains(u"tenant.update"_s) && summary->text().contains(u"ann@example.com"_s),
                 qPrintable(summary->text()));

        // A creation adds every key.
        table->setCurrentIndex(table->model()->index(1, 0));
        QCOMPARE(page->currentEvent().action, u"tenant.create"_s);
        QVERIFY(diff->rowCount() >= 3);
        for (int row = 0; row < diff->rowCount(); ++row)
            QCOMPARE(diff->index(row, AuditDiffModel::ChangeColumn).data().toString(), u"Added"_s);

        // Another query: nothing is selected, the diff is empty.
        child<QLineEdit>(*page, u"actorLineEdit"_s)->setText(u"system"_s);
        QTRY_COMPARE(page->eventModel()->query().actor, u"system"_s);
        QCOMPARE(diff->rowCount(), 0);
        QCOMPARE(page->currentEvent().id, 0);
    }

    void copiesTheEventAsJson()
    {
        auto page = openPage();
        QVERIFY(page);
        auto* table = child<QTableView>(*page, u"auditTableView"_s);
        auto* copy = child<QAction>(*page, u"copyEventJsonAction"_s);
        QVERIFY(!copy->isEnabled()); // nothing selected
        table->setCurrentIndex(table->model()->index(0, 0));
        QVERIFY(copy->isEnabled());
        QGuiApplication::clipboard()->clear();
        copy->trigger();
        const QJsonObject json = QJsonDocument::fromJson(QGuiApplication::clipboard()->text().toUtf8()).object();
        QCOMPARE(json.value(u"id"_s).toInteger(), page->eventModel()->event(0).id);
        QCOMPARE(json.value(u"action"_s).toString(), u"tenant.update"_s);
        QCOMPARE(json.value(u"after"_s).toObject().value(u"domain"_s).toString(), u"renamed.example"_s);
    }

    void keyboard()
    {
        auto page = openPage();
        QVERIFY(page);
        page->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(page.get()));
        auto* table = child<QTableView>(*page, u"auditTableView"_s);
        auto* text = child<QLineEdit>(*page, u"textLineEdit"_s);
        auto* actor = child<QLineEdit>(*page, u"actorLineEdit"_s);
        for (QWidget* start : {static_cast<QWidget*>(table), static_cast<QWidget*>(actor)}) {
            start->setFocus();
            QTRY_COMPARE(QApplication::focusWidget(), start);
            QTest::keyClick(start, Qt::Key_F, Qt::ControlModifier);
            QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget*>(text));
        }
        QTest::keyClicks(text, u"acme"_s);
        QCOMPARE(text->text(), u"acme"_s);
        QTest::keyClick(text, Qt::Key_Escape);
        QCOMPARE(text->text(), QString());
    }

    // Opened for one tenant: "This tenant" is checked and the events are its own; unchecked,
    // every tenant's.
    void thisTenantScope()
    {
        auto page = openPage();
        QVERIFY(page);
        QVERIFY(settled(*page));
        auto* scope = child<QCheckBox>(*page, u"thisTenantCheckBox"_s);
        auto* tenant = child<QLineEdit>(*page, u"tenantLineEdit"_s);
        QVERIFY(scope->isHidden());
        page->setTenantScope(m_before.id);
        QVERIFY(scope->isVisible());
        QVERIFY(scope->isChecked());
        QVERIFY(!tenant->isEnabled());
        QTRY_COMPARE(tenant->text(), m_before.slug);
        QVERIFY(scope->text().contains(m_before.slug));
        QCOMPARE(page->eventModel()->query().tenantId, m_before.id);
        QVERIFY(settled(*page));
        QCOMPARE(page->eventModel()->rowCount(), 2);

        scope->setChecked(false);
        QVERIFY(tenant->isEnabled());
        QCOMPARE(tenant->text(), QString());
        QVERIFY(settled(*page));
        QCOMPARE(page->eventModel()->query().tenantId, 0);
        QCOMPARE(page->eventModel()->rowCount(), m_total);

        page->setTenantScope(0);
        QVERIFY(scope->isHidden());

        // Another store drops the scope, whose id was the previous store's.
        page->setTenantScope(m_before.id);
        QTRY_COMPARE(tenant->text(), m_before.slug);
        page->setStore(m_store.get());
        QVERIFY(scope->isHidden());
        QVERIFY(tenant->isEnabled());
        QCOMPARE(tenant->text(), QString());
        QVERIFY(settled(*page));
        QCOMPARE(page->eventModel()->query().tenantId, 0);
        QCOMPARE(page->eventModel()->rowCount(), m_total);
    }

    // An error reading the trail is shown with a way to try again; a store let go of empties the page.
    void errorsAndStoreChanges()
    {
        auto page = openPage();
        QVERIFY(page);
        auto* errorFrame = child<QFrame>(*page, u"auditErrorFrame"_s);
        QVERIFY(errorFrame->isHidden());
        // A tenant that no longer exists, as a page opened for it before it was deleted would ask.
        page->setTenantScope(987654321);
        QTRY_VERIFY(errorFrame->isVisible());
        QVERIFY(!child<QLabel>(*page, u"auditErrorLabel"_s)->text().isEmpty());
        QSignalSpy failed(page->eventModel(), &AuditEventModel::loadFailed);
        child<QPushButton>(*page, u"retryButton"_s)->click();
        QVERIFY(failed.wait(10000));
        QVERIFY(errorFrame->isVisible());
        // The table says so where the list stops: one row across it, no event, and Enter on it
        // reads the page again.
        auto* table = child<QTableView>(*page, u"auditTableView"_s);
        AuditEventModel* model = page->eventModel();
        QCOMPARE(model->rowCount(), 1);
        QCOMPARE(model->eventCount(), 0);
        const QModelIndex errorRow = model->index(0, 0);
        QVERIFY(errorRow.data(AuditEventModel::ErrorRowRole).toBool());
        QVERIFY2(errorRow.data().toString().contains(model->errorMessage()), qPrintable(errorRow.data().toString()));
        QCOMPARE(table->columnSpan(0, 0), int(AuditEventModel::ColumnCount));
        table->setFocus();
        table->setCurrentIndex(errorRow);
        QTest::keyClick(table, Qt::Key_Return);
        QVERIFY(failed.wait(10000));
        QCOMPARE(failed.size(), 2); // the Retry button once, the row once
        QCOMPARE(model->rowCount(), 1);
        page->setTenantScope(0);
        QTRY_VERIFY(errorFrame->isHidden());
        QVERIFY(settled(*page));
        QCOMPARE(page->eventModel()->rowCount(), m_total);

        page->setStore(nullptr);
        QCOMPARE(page->eventModel()->rowCount(), 0);
        page->setStore(m_store.get()); // shown: reads at once
        QVERIFY(settled(*page));
        QCOMPARE(page->eventModel()->rowCount(), m_total);
    }
};

QTEST_MAIN(TestAuditPage)
#include "tst_auditpage.moc"
