#include "AuditDiffModel.h"
#include "AuditEventModel.h"
#include "LocaleFormat.h"
#include "SqlStore.h"
#include "TestSupport.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include <functional>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

namespace {

// Every event that matches `query`, as the store pages them.
QList<AuditEvent> storeEvents(Store& store, AuditQuery query)
{
    QList<AuditEvent> events;
    query.limit = maximumPageSize;
    query.cursor.clear();
    for (;;) {
        const Page<AuditEvent> page = await(store.auditEvents(query));
        events += page.items;
        if (page.isLast())
            return events;
        query.cursor = page.nextCursor;
    }
}

QList<qint64> idsOf(const QList<AuditEvent>& events)
{
    QList<qint64> ids;
    for (const AuditEvent& event : events)
        ids.append(event.id);
    return ids;
}

// Loads every page, as a view scrolled to the end does; false when a page did not come.
bool loadAll(AuditEventModel& model)
{
    for (;;) {
        if (!QTest::qWaitFor([&model]() { return !model.isLoading(); }, 30000))
            return false;
        if (!model.canFetchMore({}))
            return true;
        model.fetchMore({});
    }
}

QList<AuditEvent> rowsOf(const AuditEventModel& model)
{
    QList<AuditEvent> events;
    for (int row = 0; row < model.rowCount(); ++row)
        events.append(model.event(row));
    return events;
}

QString jsonText(const QJsonObject& object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

} // namespace

class TestAuditEventModel : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<SqlStore> m_store;
    Tenant m_renamed;      // updated by ann@example.com
    Tenant m_withSandbox;  // given an environment, then updated, by bob@example.com
    QList<AuditEvent> m_all;

    // Shows `query` through the model and checks the rows: exactly the store's answer, in its
    // order, none left out, each matching `matches`. Returns the rows.
    QList<AuditEvent> checkFilter(const AuditQuery& query, const std::function<bool(const AuditEvent&)>& matches)
    {
        AuditEventModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        tester.setUseFetchMore(true);
        model.setPageSize(4);
        model.setStore(m_store.get());
        model.setQuery(query);
        if (!loadAll(model)) {
            QTest::qFail("The pages did not come.", __FILE__, __LINE__);
            return {};
        }
        const QList<AuditEvent> rows = rowsOf(model);
        const QList<AuditEvent> expected = storeEvents(*m_store, query);
        if (idsOf(rows) != idsOf(expected)) {
            qWarning() << "model" << idsOf(rows) << "store" << idsOf(expected);
            QTest::qFail("The model's rows are not the store's answer.", __FILE__, __LINE__);
            return {};
        }
        for (const AuditEvent& event : rows) {
            if (!matches(event)) {
                qWarning() << "event" << event.id << event.action << event.actor << event.at << "does not match";
                QTest::qFail("A row does not match the filter.", __FILE__, __LINE__);
                return {};
            }
        }
        // A filter that lets everything through proves nothing.
        if (rows.isEmpty() || rows.size() >= m_all.size()) {
            qWarning() << rows.size() << "of" << m_all.size() << "events match";
            QTest::qFail("The filter does not narrow the events.", __FILE__, __LINE__);
            return {};
        }
        return rows;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_store = std::make_unique<SqlStore>(copyFixture(smallDemoFixture(), m_dir));
        await(m_store->open(OpenMode::OpenExisting));
        const QList<Tenant> tenants = await(m_store->tenants({.limit = 500})).items;
        QVERIFY(tenants.size() >= 2);

        // Events of other kinds and actors than the demo's tenant.create by "system".
        m_store->setActor(u"ann@example.com"_s);
        TenantChange rename;
        rename.displayName = tenants.at(0).displayName + u" Renamed"_s;
        rename.domain = u"renamed.example"_s;
        m_renamed = await(m_store->updateTenant(tenants.at(0).id, rename, tenants.at(0).version));
        m_store->setActor(u"bob@example.com"_s);
        const Tenant second = tenants.at(1);
        await(m_store->addEnvironment(second.id, {u"Load test"_s, EnvironmentKind::Sandbox, {}}));
        TenantChange flags;
        flags.featureFlags = QJsonObject{{u"beta_dashboards"_s, true}};
        m_withSandbox = await(m_store->updateTenant(second.id, flags, await(m_store->tenant(second.id)).version));
        m_all = storeEvents(*m_store, {});
        QVERIFY(m_all.size() > 20);
    }

    void cleanupTestCase() { m_store.reset(); }

    // The first page comes on setQuery; the rest as the view (here the tester) asks, a page at a
    // time, until every event of the store is there once, newest first.
    void loadsEveryPageLazily()
    {
        AuditEventModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        tester.setUseFetchMore(true);
        model.setPageSize(7);
        QList<int> batches;
        connect(&model, &QAbstractItemModel::rowsInserted, this,
                [&](const QModelIndex&, int first, int last) { batches.append(last - first + 1); });
        QSignalSpy loaded(&model, &AuditEventModel::pageLoaded);
        model.setStore(m_store.get());
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(!model.canFetchMore({})); // no query yet
        model.setQuery({});
        QVERIFY(model.isLoading());
        QVERIFY(!model.canFetchMore({})); // not while a page is on its way
        QVERIFY(loaded.wait(30000));
        QCOMPARE(batches.constFirst(), 7);
        const QList<AuditEvent> firstPage = await(m_store->auditEvents({.limit = 7})).items;
        QCOMPARE(idsOf(rowsOf(model).mid(0, 7)), idsOf(firstPage));

        QVERIFY(loadAll(model));
        QVERIFY(model.isComplete());
        QVERIFY(!model.canFetchMore({}));
        QCOMPARE(model.rowCount(), int(m_all.size()));
        QCOMPARE(idsOf(rowsOf(model)), idsOf(m_all));
        QCOMPARE(int(batches.size()), int(m_all.size() + 6) / 7);
        for (int batch : std::as_const(batches))
            QVERIFY(batch <= 7);
        for (int row = 1; row < model.rowCount(); ++row)
            QVERIFY(model.event(row - 1).id > model.event(row).id);

        // What a row shows.
        const AuditEvent newest = model.event(0);
        QCOMPARE(newest.action, u"tenant.update"_s);
        QCOMPARE(model.index(0, AuditEventModel::TimeColumn).data().toString(),
                 localDateTime(newest.at, true));
        QVERIFY(model.index(0, AuditEventModel::TimeColumn).data(Qt::ToolTipRole).toString()
                    .contains(newest.at.toUTC().toString(u"yyyy-MM-dd HH:mm:ss.zzz"_s)));
        QCOMPARE(model.index(0, AuditEventModel::ActorColumn).data().toString(), u"bob@example.com"_s);
        QCOMPARE(model.index(0, AuditEventModel::ActionColumn).data().toString(), u"tenant.update"_s);
        QCOMPARE(model.index(0, AuditEventModel::TenantColumn).data().toString(), m_withSandbox.slug);
        QCOMPARE(model.index(0, AuditEventModel::ObjectColumn).data().toString(), u"tenant "_s + m_withSandbox.slug);
        QCOMPARE(model.index(0, 0).data(AuditEventModel::EventIdRole).toLongLong(), newest.id);
        QCOMPARE(model.index(0, 0).data(AuditEventModel::TenantIdRole).toLongLong(), m_withSandbox.id);
        QCOMPARE(model.event(model.rowCount()), AuditEvent()); // past the end
        QCOMPARE(model.headerData(AuditEventModel::TimeColumn, Qt::Horizontal).toString(), u"Time"_s);
    }

    // An environment's event names its tenant by slug, read from the store once.
    void otherObjectsNameTheirTenant()
    {
        AuditEventModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        tester.setUseFetchMore(true);
        model.setStore(m_store.get());
        model.setQuery({.action = u"environment.add"_s});
        QVERIFY(loadAll(model));
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.index(0, AuditEventModel::ObjectColumn).data().toString(), u"environment Load test"_s);
        QTRY_COMPARE(model.index(0, AuditEventModel::TenantColumn).data().toString(), m_withSandbox.slug);
        QVERIFY(model.index(0, AuditEventModel::TenantColumn).data(Qt::ToolTipRole).toString()
                    .contains(m_withSandbox.displayName));
    }

    void filtersByTenant()
    {
        const QList<AuditEvent> rows = checkFilter({.tenantId = m_withSandbox.id},
            [&](const AuditEvent& e) { return e.tenantId == m_withSandbox.id; });
        QCOMPARE(rows.size(), 3); // created, an environment added, updated
    }

    void filtersByActor()
    {
        const QList<AuditEvent> rows = checkFilter({.actor = u"ann@example.com"_s},
            [](const AuditEvent& e) { return e.actor == u"ann@example.com"_s; });
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.constFirst().tenantId, m_renamed.id);
    }

    void filtersByActionAndPrefix()
    {
        QCOMPARE(checkFilter({.action = u"tenant.update"_s},
                             [](const AuditEvent& e) { return e.action == u"tenant.update"_s; }).size(), 2);
        QCOMPARE(checkFilter({.action = u"environment."_s},
                             [](const AuditEvent& e) { return e.action.startsWith(u"environment."_s); }).size(), 1);
        // "tenant." is a prefix of actions, not of "tenants.…" or the environment's.
        const QList<AuditEvent> tenantEvents = checkFilter({.action = u"tenant."_s},
            [](const AuditEvent& e) { return e.action.startsWith(u"tenant."_s); });
        QCOMPARE(tenantEvents.size(), m_all.size() - 1);
    }

    void filtersByText()
    {
        const QString text = u"renamed.exam"_s;
        const QList<AuditEvent> rows = checkFilter({.text = text}, [&](const AuditEvent& e) {
            return e.objectId.contains(text, Qt::CaseInsensitive) || e.actor.contains(text, Qt::CaseInsensitive)
                || jsonText(e.before).contains(text, Qt::CaseInsensitive)
                || jsonText(e.after).contains(text, Qt::CaseInsensitive);
        });
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.constFirst().after.value(u"domain"_s).toString(), u"renamed.example"_s);
    }

    void filtersByTime()
    {
        // The demo's creation events, spread over years: a range around the middle ones.
        QList<QDateTime> times;
        for (const AuditEvent& event : std::as_const(m_all))
            times.append(event.at);
        std::sort(times.begin(), times.end());
        const QDateTime from = times.at(times.size() / 4);
        const QDateTime to = times.at(times.size() * 3 / 4);
        QVERIFY(from < to);
        const QList<AuditEvent> rows = checkFilter({.from = from, .to = to},
            [&](const AuditEvent& e) { return e.at >= from && e.at < to; });
        QVERIFY(rows.size() >= times.size() / 2 - 1);
        // Each end on its own.
        QVERIFY(!checkFilter({.from = to}, [&](const AuditEvent& e) { return e.at >= to; }).isEmpty());
        QVERIFY(!checkFilter({.to = from}, [&](const AuditEvent& e) { return e.at < from; }).isEmpty());
    }

    // A new query while an answer to the previous one is on its way: that answer is dropped.
    void staleAnswersAreIgnored()
    {
        AuditEventModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        tester.setUseFetchMore(true);
        model.setPageSize(5);
        model.setStore(m_store.get());
        QList<qint64> inserted;
        connect(&model, &QAbstractItemModel::rowsInserted, this, [&](const QModelIndex&, int first, int last) {
            for (int row = first; row <= last; ++row)
                inserted.append(model.event(row).id);
        });

        // The first page of one query, replaced before it arrives.
        model.setQuery({.actor = u"ann@example.com"_s});
        model.setQuery({.actor = u"bob@example.com"_s});
        QVERIFY(loadAll(model));
        QTest::qWait(100); // room for a stray answer
        for (const AuditEvent& event : rowsOf(model))
            QCOMPARE(event.actor, u"bob@example.com"_s);
        QCOMPARE(idsOf(rowsOf(model)), idsOf(storeEvents(*m_store, {.actor = u"bob@example.com"_s})));

        // A later page of a query, replaced while it is on its way.
        model.setQuery({});
        QSignalSpy loaded(&model, &AuditEventModel::pageLoaded);
        QVERIFY(loaded.wait(30000));
        QTRY_VERIFY(!model.isLoading());
        model.fetchMore({});
        QVERIFY(model.isLoading());
        inserted.clear();
        model.setQuery({.action = u"tenant.update"_s});
        QVERIFY(loadAll(model));
        QTest::qWait(100);
        const QList<qint64> updates = idsOf(storeEvents(*m_store, {.action = u"tenant.update"_s}));
        QCOMPARE(idsOf(rowsOf(model)), updates);
        QCOMPARE(inserted, updates); // nothing of the old query came in between

        // A store let go of while its answer is on its way.
        model.setQuery({});
        model.setStore(nullptr);
        QTest::qWait(300);
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(!model.isLoading());
        QVERIFY(!model.canFetchMore({}));
    }

    // With the error row shown, a failed page is a row after the events saying why (no event);
    // it goes when the page is asked again or another query is set, and can be switched off.
    void failedPageShowsAnErrorRow()
    {
        AuditEventModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        tester.setUseFetchMore(true);
        model.setErrorRowShown(true);
        model.setStore(m_store.get());
        QSignalSpy failed(&model, &AuditEventModel::loadFailed);
        model.setQuery({.tenantId = 987654321});
        QVERIFY(failed.wait(30000));
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.eventCount(), 0);
        QCOMPARE(model.errorRow(), 0);
        const QModelIndex row = model.index(0, 0);
        QVERIFY(row.data(AuditEventModel::ErrorRowRole).toBool());
        QVERIFY(row.data().toString().contains(model.errorMessage()));
        QVERIFY(!row.data(AuditEventModel::EventIdRole).isValid());
        QCOMPARE(model.event(0).id, 0);

        model.setErrorRowShown(false); // the row goes, the error stays
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(model.hasError());
        model.setErrorRowShown(true);
        QCOMPARE(model.rowCount(), 1);

        QCOMPARE(failed.count(), 1);
        QVERIFY(!model.isLoading());
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        model.retry(); // asked again: the row goes while it loads, and comes back as it fails
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 2, 30000);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(model.rowCount(), 1);

        model.setQuery({}); // another query: the row goes with the error
        QCOMPARE(model.errorRow(), -1);
        QVERIFY(loadAll(model));
        QCOMPARE(model.rowCount(), int(m_all.size()));
        for (int r = 0; r < model.rowCount(); ++r)
            QVERIFY(!model.index(r, 0).data(AuditEventModel::ErrorRowRole).toBool());
    }

    // A page that fails stops the loading with a message, and can be asked for again.
    void failedPageShowsAnErrorAndRetries()
    {
        AuditEventModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        tester.setUseFetchMore(true);
        model.setStore(m_store.get());
        QSignalSpy failed(&model, &AuditEventModel::loadFailed);
        QSignalSpy errorChanged(&model, &AuditEventModel::errorMessageChanged);
        model.setQuery({.tenantId = 987654321});
        QVERIFY(failed.wait(30000));
        const QString message = failed.constFirst().at(0).toString();
        QVERIFY(!message.isEmpty());
        QCOMPARE(model.errorMessage(), message);
        QCOMPARE(model.property("errorMessage").toString(), message);
        QVERIFY(model.hasError());
        QVERIFY(!model.isLoading());
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(!model.canFetchMore({})); // no loop of failing fetches
        QCOMPARE(errorChanged.count(), 1);

        model.retry();
        QVERIFY(!model.hasError());
        QVERIFY(model.isLoading());
        QVERIFY(failed.wait(30000));
        QCOMPARE(failed.count(), 2);
        QVERIFY(model.hasError());

        // Another query clears the error.
        model.setQuery({.actor = u"ann@example.com"_s});
        QVERIFY(!model.hasError());
        QCOMPARE(errorChanged.constLast().at(0).toString(), QString());
        QVERIFY(loadAll(model));
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(failed.count(), 2);

        // A time range that ends before it starts is refused by the store, with the reason.
        const QDateTime at = m_all.constFirst().at;
        model.setQuery({.from = at, .to = at.addSecs(-60)});
        QVERIFY(failed.wait(30000));
        QVERIFY2(model.errorMessage().contains(u"start before its end"_s), qPrintable(model.errorMessage()));
    }

    void clearStopsLoading()
    {
        AuditEventModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        tester.setUseFetchMore(true);
        model.setStore(m_store.get());
        model.setQuery({});
        model.clear();
        QVERIFY(!model.isLoading());
        QTest::qWait(300);
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(!model.canFetchMore({}));
        model.reload(); // the last query again
        QVERIFY(loadAll(model));
        QCOMPARE(model.rowCount(), int(m_all.size()));
    }

    // The diff of an event: every key of before and after, nested keys dotted, marked.
    void diffMarksChangedAddedAndRemovedKeys()
    {
        AuditDiffModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        AuditEvent event;
        event.before = QJsonObject{
            {u"display_name"_s, u"Acme"_s},
            {u"domain"_s, u"acme.example"_s},
            {u"security_policy"_s, QJsonObject{{u"mfa_required"_s, true}, {u"password_min_length"_s, 10}}},
            {u"feature_flags"_s, QJsonObject{}},
            {u"tags"_s, QJsonArray{u"gold"_s, 2}},
        };
        event.after = QJsonObject{
            {u"display_name"_s, u"Acme Ltd"_s},
            {u"domain"_s, u"acme.example"_s},
            {u"security_policy"_s, QJsonObject{{u"mfa_required"_s, false}, {u"password_min_length"_s, 10}}},
            {u"feature_flags"_s, QJsonObject{{u"sso"_s, true}}},
            {u"settings"_s, QJsonObject{}},
            {u"api_rate_limit"_s, QJsonValue::Null},
        };
        model.setEvent(event);
        using Change = AuditDiffModel::Change;
        const QList<std::pair<QString, Change>> expected{
            {u"api_rate_limit"_s, Change::Added},
            {u"display_name"_s, Change::Changed},
            {u"domain"_s, Change::Unchanged},
            {u"feature_flags.sso"_s, Change::Added}, // not "feature_flags" removed as well
            {u"security_policy.mfa_required"_s, Change::Changed},
            {u"security_policy.password_min_length"_s, Change::Unchanged},
            {u"settings"_s, Change::Added},
            {u"tags"_s, Change::Removed},
        };
        QCOMPARE(model.rowCount(), int(expected.size()));
        for (int row = 0; row < model.rowCount(); ++row) {
            const QString key = model.index(row, AuditDiffModel::KeyColumn).data().toString();
            QCOMPARE(key, expected.at(row).first);
            QCOMPARE(model.changeAt(row), expected.at(row).second);
            QCOMPARE(model.index(row, 0).data(AuditDiffModel::ChangeRole).value<Change>(), expected.at(row).second);
            // Changed, added and removed rows are tinted, the others not.
            QCOMPARE(model.index(row, AuditDiffModel::BeforeColumn).data(Qt::BackgroundRole).isValid(),
                     expected.at(row).second != Change::Unchanged);
        }
        const auto cell = [&](const QString& key, int column) { return model.index(model.rowOfKey(key), column).data().toString(); };
        QCOMPARE(cell(u"display_name"_s, AuditDiffModel::BeforeColumn), u"Acme"_s);
        QCOMPARE(cell(u"display_name"_s, AuditDiffModel::AfterColumn), u"Acme Ltd"_s);
        QCOMPARE(cell(u"display_name"_s, AuditDiffModel::ChangeColumn), u"Changed"_s);
        QCOMPARE(cell(u"security_policy.password_min_length"_s, AuditDiffModel::AfterColumn), u"10"_s);
        QCOMPARE(cell(u"security_policy.mfa_required"_s, AuditDiffModel::AfterColumn), u"false"_s);
        QCOMPARE(cell(u"tags"_s, AuditDiffModel::BeforeColumn), u"[\"gold\",2]"_s);
        QCOMPARE(cell(u"tags"_s, AuditDiffModel::AfterColumn), QString());
        QCOMPARE(cell(u"tags"_s, AuditDiffModel::ChangeColumn), u"Removed"_s);
        QCOMPARE(cell(u"settings"_s, AuditDiffModel::AfterColumn), u"{}"_s);
        QCOMPARE(cell(u"api_rate_limit"_s, AuditDiffModel::AfterColumn), u"null"_s);
        QCOMPARE(model.rowOfKey(u"feature_flags"_s), -1);

        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_MAIN(TestAuditEventModel)
#include "tst_auditeventmodel.moc"
