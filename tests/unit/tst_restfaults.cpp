// Faults between the console and a real tenantdesk-server on 127.0.0.1 (docs/RELIABILITY.md,
// "The server killed while saving; the network cut mid-page"):
//
// - the server killed (SIGKILL) while a tenant edit is on its way: before the request reached it,
//   and after it committed but before its answer came back. The edit is resent once the server
//   runs again on the same database and port, and lands exactly once: one new version, one
//   audit event. The edit dialog keeps the person's values meanwhile.
// - the network cut while a later page of the audit trail loads: the model shows a row saying
//   what failed, and once the server can be reached again its retry loads the page; every event
//   is there once.
//
// The faults come from a TCP proxy between the store and the server (FaultProxy), which withholds
// a request or its answer and then closes every connection and refuses new ones, as a pulled
// cable does, and from SIGKILL on the server process.
#include "AuditEventModel.h"
#include "ConflictError.h"
#include "FaultProxy.h"
#include "RestStore.h"
#include "SqlStore.h"
#include "TenantEditDialog.h"
#include "TestServer.h"
#include "TestSupport.h"

#include <QAbstractItemModelTester>
#include <QDialogButtonBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSet>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

class TestRestFaults : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<TestServer> m_server;
    int m_port = 0;
    const QString m_email = u"faults-admin@platform.test"_s;
    QString m_password;

    // What the server holds, read through the API (straight to the server, never through a
    // proxy). A SQLite connection in this process would do for a while, but one kept across a
    // SIGKILL and restart of the server went on reading the database as it was before (the
    // sqlite3 shell saw the new state): see docs/RELIABILITY.md.
    std::unique_ptr<RestStore> m_reader;
    std::unique_ptr<SqlStore> database(const QString& actor)
    {
        auto store = std::make_unique<SqlStore>(m_server->database());
        await(store->open(OpenMode::OpenExisting));
        store->setActor(actor);
        return store;
    }
    Tenant storedTenant(TenantId id) { return await(m_reader->tenant(id)); }
    // Another admin, changing the tenant straight in the database.
    Tenant someoneElseChanges(TenantId id, const TenantChange& change, qint64 version)
    {
        return await(database(u"someone-else@platform.test"_s)->updateTenant(id, change, version));
    }

    // A signed-in store on `url` whose resendable calls try for about six seconds of running
    // event loop (the test's own pauses, such as starting the server, do not count).
    std::unique_ptr<RestStore> signIn(const QUrl& url)
    {
        auto store = std::make_unique<RestStore>(ServerConnection{.url = url, .email = m_email, .password = m_password});
        store->setRetryDelays({100ms, 200ms, 400ms, 800ms, 1600ms, 3200ms});
        await(store->open(OpenMode::OpenExisting));
        return store;
    }

    QList<TenantId> m_tenantIds; // a tenant of its own for each test

    Tenant tenantNamed(int index)
    {
        return storedTenant(m_tenantIds.at(index));
    }
    // The tenant.update events of a tenant, newest first.
    QList<AuditEvent> updatesOf(TenantId id)
    {
        return await(m_reader->auditEvents({.tenantId = id, .action = u"tenant.update"_s, .limit = 500})).items;
    }

    // Kills the server when the proxy trips: the server dies with the request or its answer on the way.
    void killServerWhenTripped(FaultProxy& proxy)
    {
        connect(&proxy, &FaultProxy::tripped, this, [this]() { m_server->kill(); }, Qt::SingleShotConnection);
    }

    // Waits until `store` has been refused a few more times, then starts the server again on its
    // database and port and lets the proxy through again.
    void bringBackAfterRefusals(const RestStore& store, int requestsBefore, FaultProxy* proxy)
    {
        // The first send, then at least two resends refused while everything is down.
        QTRY_VERIFY_WITH_TIMEOUT(store.requestCount() >= requestsBefore + 3, 10000);
        QVERIFY(!m_server->isRunning());
        QVERIFY2(m_server->start(m_port), qPrintable(m_server->error()));
        if (proxy)
            QVERIFY(proxy->restore());
    }

    static void checkLandedOnce(const Tenant& before, const Tenant& saved, const Tenant& stored,
                                const QList<AuditEvent>& updatesBefore, const QList<AuditEvent>& updatesAfter,
                                const QString& email, const QString& name)
    {
        QCOMPARE(stored.version, before.version + 1); // one new version
        QCOMPARE(stored.displayName, name);
        QCOMPARE(saved.version, stored.version);
        QCOMPARE(saved.displayName, name);
        QCOMPARE(updatesAfter.size(), updatesBefore.size() + 1); // one audit event
        QCOMPARE(updatesAfter.constFirst().actor, email);
        QCOMPARE(updatesAfter.constFirst().after.value(u"display_name"_s).toString(), name);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        m_server = std::make_unique<TestServer>(QStringLiteral(TENANTDESK_SERVER_PATH), smallDemoFixture(), m_dir.path());
        m_password = m_server->bootstrapAdmin(m_email);
        QVERIFY2(!m_password.isEmpty(), qPrintable(m_server->error()));
        QVERIFY2(m_server->start(), qPrintable(m_server->error()));
        m_port = m_server->port();
        m_reader = signIn(m_server->url());
        for (const Tenant& tenant : await(m_reader->tenants({.limit = 20})).items)
            m_tenantIds.append(tenant.id);
        QVERIFY(m_tenantIds.size() >= 7);
    }

    void cleanup()
    {
        if (!m_server->isRunning())
            QVERIFY2(m_server->start(m_port), qPrintable(m_server->error()));
    }

    void cleanupTestCase()
    {
        m_reader.reset();
        m_server.reset();
    }

    // The network cut while page 2 of the audit trail loads: the answer never comes and the
    // server cannot be reached. The model stops with a row saying so; once the server can be
    // reached, its retry reads that page and the rest, each event once.
    void cutMidPageShowsErrorRowAndRecovers()
    {
        // Every event, read straight from the database: what the model must end with.
        QList<qint64> expected;
        for (QString cursor;;) {
            const Page<AuditEvent> page = await(m_reader->auditEvents({.limit = 500, .cursor = cursor}));
            for (const AuditEvent& event : page.items)
                expected.append(event.id);
            if (page.isLast())
                break;
            cursor = page.nextCursor;
        }
        constexpr int pageSize = 5;
        QVERIFY2(expected.size() > 3 * pageSize, "the demo has pages enough to cut one in the middle");

        FaultProxy proxy{quint16(m_port)};
        QVERIFY(proxy.listen());
        auto store = signIn(proxy.url());
        store->setRetryDelays({50ms, 100ms}); // a page gives up quickly; the model's retry is the person's
        proxy.cutAfterRequest("cursor="); // the first page with a cursor: page 2

        AuditEventModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        tester.setUseFetchMore(true); // the tester asks for more pages as a view would
        model.setErrorRowShown(true);
        model.setPageSize(pageSize);
        model.setStore(store.get());
        QSignalSpy failed(&model, &AuditEventModel::loadFailed);
        QSignalSpy pages(&model, &AuditEventModel::pageLoaded);
        model.setQuery({});
        QTRY_COMPARE_WITH_TIMEOUT(pages.size(), 1, 10000);
        QVERIFY(model.canFetchMore({}));
        model.fetchMore({}); // the view scrolled to the end: page 2
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 10000);

        QVERIFY(proxy.isCut());
        QCOMPARE(model.eventCount(), pageSize); // page 1 only
        QCOMPARE(model.rowCount(), pageSize + 1);
        QCOMPARE(model.errorRow(), pageSize);
        const QModelIndex errorIndex = model.index(pageSize, 0);
        QVERIFY(errorIndex.data(AuditEventModel::ErrorRowRole).toBool());
        QVERIFY(!model.index(0, 0).data(AuditEventModel::ErrorRowRole).toBool());
        const QString said = errorIndex.data().toString();
        QVERIFY2(said.contains(model.errorMessage()) && said.contains(u"127.0.0.1"_s), qPrintable(said));
        QVERIFY(!model.canFetchMore({}));
        QCOMPARE(model.event(pageSize).id, 0); // the error row is no event
        const auto loadedBeforeCut = model.eventCount();

        // Still cut: the retry fails again, the row stays (one row, the same place).
        model.retry();
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 2, 10000);
        QCOMPARE(model.rowCount(), loadedBeforeCut + 1);

        // The network is back: the retry reads page 2, and the tester the pages after it.
        QVERIFY(proxy.restore());
        model.retry();
        QVERIFY(!model.hasError());
        QCOMPARE(model.rowCount(), loadedBeforeCut); // the error row went as the page was asked again
        QTRY_VERIFY_WITH_TIMEOUT(!model.isLoading(), 10000);
        QCOMPARE(model.eventCount(), 2 * pageSize);
        while (model.canFetchMore({})) { // scrolling on to the end
            model.fetchMore({});
            QTRY_VERIFY_WITH_TIMEOUT(!model.isLoading(), 10000);
        }
        QVERIFY(model.isComplete());
        QCOMPARE(model.errorRow(), -1);
        QList<qint64> shown;
        for (int row = 0; row < model.rowCount(); ++row)
            shown.append(model.index(row, 0).data(AuditEventModel::EventIdRole).toLongLong());
        QCOMPARE(QSet<qint64>(shown.cbegin(), shown.cend()).size(), shown.size()); // none twice
        QCOMPARE(shown, expected); // none missing, in the store's order
        QCOMPARE(failed.size(), 2);
    }

    // Killed while the edit is on its way, before the server read it: the proxy withholds the
    // request; the store cannot know whether it arrived, resends it, and it lands once.
    void killBeforeTheRequestArrivedLandsOnce()
    {
        FaultProxy proxy{quint16(m_port)};
        QVERIFY(proxy.listen());
        auto store = signIn(proxy.url());
        const Tenant before = tenantNamed(0);
        const auto updatesBefore = updatesOf(before.id);
        proxy.cutBeforeRequest("PATCH /api/v1/tenants/" + QByteArray::number(before.id) + ' ');
        killServerWhenTripped(proxy);

        const QString name = before.displayName + u" (kept)"_s;
        const int requests = store->requestCount();
        auto saving = store->updateTenant(before.id, TenantChange{.displayName = name}, before.version);
        bringBackAfterRefusals(*store, requests, &proxy);
        const Tenant saved = await(saving);
        checkLandedOnce(before, saved, storedTenant(before.id), updatesBefore, updatesOf(before.id),
                        m_email, name);
    }

    // Killed after the server committed the edit, before its answer reached the console: the
    // resent edit meets 412 (its first copy moved the version on) and is recognised as itself.
    void killAfterTheCommitLandsOnce()
    {
        FaultProxy proxy{quint16(m_port)};
        QVERIFY(proxy.listen());
        auto store = signIn(proxy.url());
        const Tenant before = tenantNamed(1);
        const auto updatesBefore = updatesOf(before.id);
        proxy.cutAfterRequest("PATCH /api/v1/tenants/" + QByteArray::number(before.id) + ' ');
        killServerWhenTripped(proxy);

        const QString name = before.displayName + u" (once)"_s;
        const int requests = store->requestCount();
        auto saving = store->updateTenant(before.id, TenantChange{.displayName = name, .domain = u"once.example.com"_s},
                                          before.version);
        bringBackAfterRefusals(*store, requests, &proxy);
        // The commit survived the kill before any resend arrived.
        QCOMPARE(storedTenant(before.id).version, before.version + 1);
        const Tenant saved = await(saving);
        checkLandedOnce(before, saved, storedTenant(before.id), updatesBefore, updatesOf(before.id),
                        m_email, name);
        QCOMPARE(saved.domain, u"once.example.com"_s);
    }

    // Killed with no connection open: every send is refused until the server is back.
    void killWhileIdleLandsOnceWhenBack()
    {
        auto store = signIn(m_server->url());
        const Tenant before = tenantNamed(2);
        const auto updatesBefore = updatesOf(before.id);
        m_server->kill();
        const QString name = before.displayName + u" (later)"_s;
        const int requests = store->requestCount();
        auto saving = store->updateTenant(before.id, TenantChange{.displayName = name}, before.version);
        bringBackAfterRefusals(*store, requests, nullptr);
        const Tenant saved = await(saving);
        checkLandedOnce(before, saved, storedTenant(before.id), updatesBefore, updatesOf(before.id), m_email, name);
    }

    // The edit's first copy landed, and someone else changed the tenant before the resend: the
    // resend is a conflict carrying their version, and their change is kept.
    void resendAfterSomeoneElsesChangeIsAConflict()
    {
        FaultProxy proxy{quint16(m_port)};
        QVERIFY(proxy.listen());
        auto store = signIn(proxy.url());
        const Tenant before = tenantNamed(3);
        proxy.cutAfterRequest("PATCH /api/v1/tenants/" + QByteArray::number(before.id) + ' ');
        killServerWhenTripped(proxy);
        const QString mine = before.displayName + u" (mine)"_s;
        const int requests = store->requestCount();
        auto saving = store->updateTenant(before.id, TenantChange{.displayName = mine}, before.version);
        QTRY_VERIFY_WITH_TIMEOUT(store->requestCount() >= requests + 2, 10000);
        // While the server is down, someone else changes the tenant straight in its database.
        Tenant theirs;
        {
            const auto someoneElse = database(u"someone-else@platform.test"_s);
            const Tenant landed = await(someoneElse->tenant(before.id));
            QCOMPARE(landed.version, before.version + 1); // the first copy had landed
            theirs = await(someoneElse->updateTenant(before.id, TenantChange{.domain = u"theirs.example.com"_s},
                                                     landed.version));
        }
        bringBackAfterRefusals(*store, requests, &proxy);
        const auto error = awaitError(saving);
        QVERIFY(error);
        QCOMPARE(error->code(), ErrorCode::Conflict);
        const auto conflict = [&]() -> std::optional<Tenant> {
            try {
                saving.waitForFinished();
            } catch (const ConflictError& refused) {
                return refused.currentTenant();
            }
            return std::nullopt;
        }();
        QVERIFY(conflict);
        QCOMPARE(conflict->version, theirs.version);
        QCOMPARE(conflict->domain, u"theirs.example.com"_s);
        const Tenant stored = storedTenant(before.id);
        QCOMPARE(stored.version, before.version + 2);
        QCOMPARE(stored.displayName, mine);
        QCOMPARE(stored.domain, u"theirs.example.com"_s);
    }

    // The edit never arrived, and someone else made the very same change meanwhile: the tenant
    // is one version on and holds the edit, but the update is not this user's, so it is a
    // conflict (ConflictDialog shows both), not a success this user did not have.
    void someoneElsesIdenticalChangeIsNotTakenForOurs()
    {
        FaultProxy proxy{quint16(m_port)};
        QVERIFY(proxy.listen());
        auto store = signIn(proxy.url());
        const Tenant before = tenantNamed(4);
        proxy.cutBeforeRequest("PATCH /api/v1/tenants/" + QByteArray::number(before.id) + ' ');
        const QString name = before.displayName + u" (both)"_s;
        const int requests = store->requestCount();
        auto saving = store->updateTenant(before.id, TenantChange{.displayName = name}, before.version);
        QTRY_VERIFY_WITH_TIMEOUT(store->requestCount() >= requests + 2, 10000);
        someoneElseChanges(before.id, TenantChange{.displayName = name}, before.version);
        QVERIFY(proxy.restore());
        const auto error = awaitError(saving);
        QVERIFY(error);
        QCOMPARE(error->code(), ErrorCode::Conflict);
        QCOMPARE(updatesOf(before.id).constFirst().actor, u"someone-else@platform.test"_s);
        QCOMPARE(storedTenant(before.id).version, before.version + 1);
    }

    // The server stays away past the retry window: the store says the change may or may not have
    // been made, and it had.
    void serverAwayPastTheWindowSaysSo()
    {
        FaultProxy proxy{quint16(m_port)};
        QVERIFY(proxy.listen());
        auto store = signIn(proxy.url());
        store->setRetryDelays({50ms, 100ms});
        const Tenant before = tenantNamed(5);
        proxy.cutAfterRequest("PATCH /api/v1/tenants/" + QByteArray::number(before.id) + ' ');
        const auto error = awaitError(store->updateTenant(before.id, TenantChange{.displayName = before.displayName + u" (away)"_s}, before.version));
        QVERIFY(error);
        QCOMPARE(error->code(), ErrorCode::Unavailable);
        QVERIFY2(error->message().contains(u"may or may not"_s), qPrintable(error->fullMessage()));
        QCOMPARE(storedTenant(before.id).version, before.version + 1);
    }

    // Edit Tenant over the server while it is killed after committing: the dialog stays open with
    // the person's values and Save busy while the store resends, and closes saved once the server
    // is back, with one new version.
    void editDialogKeepsTheEditAndSavesOnce()
    {
        FaultProxy proxy{quint16(m_port)};
        QVERIFY(proxy.listen());
        auto store = signIn(proxy.url());
        const Tenant before = tenantNamed(6);
        const auto updatesBefore = updatesOf(before.id);
        TenantEditDialog dialog(store.get(), before);
        dialog.show();
        auto* nameEdit = dialog.findChild<QLineEdit*>(u"nameEdit"_s);
        auto* domainEdit = dialog.findChild<QLineEdit*>(u"domainEdit"_s);
        const QString name = before.displayName + u" (dialog)"_s;
        nameEdit->setText(name);
        domainEdit->setText(u"dialog.example.com"_s);
        proxy.cutAfterRequest("PATCH /api/v1/tenants/" + QByteArray::number(before.id) + ' ');
        killServerWhenTripped(proxy);
        const int requests = store->requestCount();
        QPushButton* save = dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Save);
        save->click();

        QTRY_VERIFY_WITH_TIMEOUT(store->requestCount() >= requests + 3, 10000);
        QVERIFY(dialog.isVisible());
        QVERIFY(!save->isEnabled()); // saving, not given up
        QCOMPARE(nameEdit->text(), name);
        QCOMPARE(domainEdit->text(), u"dialog.example.com"_s);

        QVERIFY2(m_server->start(m_port), qPrintable(m_server->error()));
        QVERIFY(proxy.restore());
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.isVisible(), 20000);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        const Tenant stored = storedTenant(before.id);
        checkLandedOnce(before, dialog.saved(), stored, updatesBefore, updatesOf(before.id), m_email, name);
        QCOMPARE(stored.domain, u"dialog.example.com"_s);
    }
};

QTEST_MAIN(TestRestFaults)
#include "tst_restfaults.moc"
