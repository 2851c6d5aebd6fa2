// The audit trail edited behind the console's back (straight in the database file): the console
// warns at start-up with a banner naming the broken event, as `tenantctl audit verify` does.
#include "AuditIntegrityBanner.h"
#include "MainWindow.h"
#include "SqlStore.h"
#include "TestSupport.h"

#include <QApplication>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTest>
#include <QToolBar>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

class TestAuditBanner : public QObject
{
    Q_OBJECT

private:
    // Opens `database` in a window and waits for the audit check; nullptr when it did not answer.
    static std::unique_ptr<MainWindow> open(const QString& database, bool* intact)
    {
        auto window = std::make_unique<MainWindow>();
        window->setErrorDialogsEnabled(false);
        window->show();
        auto* banner = window->findChild<AuditIntegrityBanner*>();
        if (!banner)
            return nullptr;
        QSignalSpy checked(banner, &AuditIntegrityBanner::checked);
        window->openDatabase(database);
        if (!checked.wait(60000))
            return nullptr;
        *intact = checked.constFirst().constFirst().toBool();
        return window;
    }

    // Changes one audit event's actor directly in the file, as someone with the file could.
    static qint64 tamper(const QString& database)
    {
        qint64 id = 0;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"tamper"_s);
            db.setDatabaseName(database);
            if (!db.open())
                return 0;
            QSqlQuery q(db);
            q.exec(u"SELECT id FROM audit_events WHERE tenant_id IS NOT NULL ORDER BY id LIMIT 1 OFFSET 2"_s);
            if (!q.next())
                return 0;
            id = q.value(0).toLongLong();
            QSqlQuery update(db);
            update.prepare(u"UPDATE audit_events SET actor = 'mallory@example.com' WHERE id = ?"_s);
            update.addBindValue(id);
            if (!update.exec())
                return 0;
        }
        QSqlDatabase::removeDatabase(u"tamper"_s);
        return id;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
    }

    void intactTrailShowsNothing()
    {
        QTemporaryDir dir;
        bool intact = false;
        const auto window = open(copyFixture(smallDemoFixture(), dir), &intact);
        QVERIFY(window);
        QVERIFY(intact);
        QVERIFY(!window->findChild<AuditIntegrityBanner*>()->isVisible());
    }

    void editedEventIsNamedAtStartUp()
    {
        QTemporaryDir dir;
        const QString database = copyFixture(smallDemoFixture(), dir);
        const qint64 edited = tamper(database);
        QVERIFY(edited > 0);
        // The store's own check names the same event.
        {
            SqlStore store(database);
            await(store.open(OpenMode::OpenExisting));
            const AuditChainReport report = await(store.verifyAuditTrail());
            QVERIFY(report.firstBreak);
            QCOMPARE(report.firstBreak->eventId, edited);
        }
        bool intact = true;
        const auto window = open(database, &intact);
        QVERIFY(window);
        QVERIFY(!intact);
        auto* banner = window->findChild<AuditIntegrityBanner*>();
        QVERIFY(banner->isVisible());
        const QString text = banner->findChild<QLabel*>(u"auditIntegrityLabel"_s)->text();
        QVERIFY2(text.contains(QString::number(edited)), qPrintable(text));
        QVERIFY(text.contains(u"altered"_s));
        // Dismiss hides it until the database is opened again.
        QTest::mouseClick(banner->findChild<QPushButton*>(u"auditIntegrityDismissButton"_s), Qt::LeftButton);
        QVERIFY(!banner->isVisible());
        QSignalSpy checked(banner, &AuditIntegrityBanner::checked);
        window->openDatabase(database);
        QVERIFY(checked.wait(60000));
        QVERIFY(banner->isVisible());
    }
};

int main(int argc, char* argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    TestAuditBanner test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_auditbanner.moc"
