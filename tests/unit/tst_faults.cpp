// Faults injected into a real SQLite file: another program holding the database. The person gets a clear error naming the database, nothing is half-written, and trying again
// works once the fault is gone.
#include "SqlStore.h"
#include "StoreError.h"
#include "TestSupport.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

class TestFaults : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    // The sqlite3 shell on `path` holding an exclusive lock until `release` is called.
    struct Holder {
        QProcess process;
        bool start(const QString& path)
        {
            process.setProcessChannelMode(QProcess::MergedChannels);
            process.start(u"sqlite3"_s, {path});
            if (!process.waitForStarted(10000))
                return false;
            process.write("PRAGMA busy_timeout = 0;\nBEGIN EXCLUSIVE;\nSELECT 'holding';\n");
            return QTest::qWaitFor([this]() {
                process.waitForReadyRead(100);
                return process.peek(4096).contains("holding");
            }, 10000);
        }
        void release()
        {
            process.write("COMMIT;\n.quit\n");
            process.closeWriteChannel();
            process.waitForFinished(10000);
        }
    };

private Q_SLOTS:
    void initTestCase()
    {
        if (QStandardPaths::findExecutable(u"sqlite3"_s).isEmpty())
            QSKIP("the sqlite3 shell is not installed (scripts/setup --test installs it)");
    }

    // Another program holds the database: the change is refused with a clear "locked" error naming
    // the file, nothing is written, and the same change succeeds once the other program lets go.
    void databaseLockedByAnotherProgram()
    {
        const QString database = copyFixture(smallDemoFixture(), m_dir);
        SqlStore store(database);
        await(store.open(OpenMode::OpenExisting));
        const Tenant before = await(store.tenants({.limit = 1})).items.constFirst();
        const qsizetype eventsBefore = await(store.auditEvents({.tenantId = before.id, .limit = 500})).items.size();

        Holder holder;
        QVERIFY(holder.start(database));
        TenantChange change;
        change.displayName = before.displayName + u" (edited)"_s;
        const std::optional<StoreError> error = awaitError(store.updateTenant(before.id, change, before.version));
        QVERIFY2(error.has_value(), "the change went through a database another program holds");
        QCOMPARE(error->code(), ErrorCode::Unavailable);
        QVERIFY2(error->message().contains(u"locked by another program"_s), qPrintable(error->message()));
        QVERIFY2(error->message().contains(QFileInfo(database).fileName()), qPrintable(error->message()));
        holder.release();

        // Nothing was written; the retry lands exactly once.
        const Tenant unchanged = await(store.tenant(before.id));
        QCOMPARE(unchanged.version, before.version);
        QCOMPARE(unchanged.displayName, before.displayName);
        const Tenant after = await(store.updateTenant(before.id, change, before.version));
        QCOMPARE(after.version, before.version + 1);
        QCOMPARE(after.displayName, *change.displayName);
        QCOMPARE(await(store.auditEvents({.tenantId = before.id, .limit = 500})).items.size(), eventsBefore + 1);
    }
};

QTEST_GUILESS_MAIN(TestFaults)
#include "tst_faults.moc"
