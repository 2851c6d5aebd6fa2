// Faults injected into imports on a real SQLite file, with real processes:
//
// - the disk holding the database fills up during a billing import (SQLite's SQLITE_FULL, injected
//   with TENANTDESK_TEST_DISK_FREE_KB since a real full disk needs root): the import is refused with
//   "the disk holding the database … is full" naming the file, by the Store call and by tenantctl
//   (stderr, exit status 1); the database holds exactly what it held before and passes SQLite's
//   integrity check; the same import lands once the room is back.
// - tenantctl killed (SIGKILL) in the middle of a billing import of a large generated FOCUS file, and
//   of a users import: on the next open the database passes the integrity check and holds exactly
//   what it held before (every table and the schema compared by digest: no import row, no line,
//   roll-ups, rules and audit trail unchanged); importing again lands whole.
#include "SqlStore.h"
#include "StoreError.h"
#include "TestSupport.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

#include <cstdio>
#include <functional>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

namespace {

constexpr char diskFreeVariable[] = "TENANTDESK_TEST_DISK_FREE_KB";

struct Run {
    int exitCode = -1;
    QString out;
    QString err;
};

// A FOCUS 1.0 export in the shape of the shared sample (tests/data/focus), as bench_billing_import
// generates it: its 44 columns in its order, quoted texts, NULL unquoted, 11-decimal amounts, JSON
// tags with doubled quotes; nine lines in ten carry a "tenant" tag naming one of `slugs`. Returns
// the file's size.
qint64 writeFocusFile(const QString& path, qint64 lines, const QStringList& slugs, quint32 seed)
{
    struct Service {
        const char* name;
        const char* category;
        const char* unit;
    };
    static const Service services[] = {
        {"Amazon Elastic Compute Cloud", "Compute", "Hrs"},     {"Amazon Simple Storage Service", "Storage", "GB-Mo"},
        {"Elastic Load Balancing", "Networking", "LCU-Hours"},   {"Amazon Relational Database Service", "Databases", "Hrs"},
        {"AWS Lambda", "Compute", "Lambda-GB-Second"},           {"AmazonCloudWatch", "Management and Governance", "Metrics"},
    };
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return -1;
    QRandomGenerator random(seed);
    QByteArray out = "\"AvailabilityZone\",\"BilledCost\",\"BillingAccountId\",\"BillingAccountName\",\"BillingCurrency\","
        "\"BillingPeriodEnd\",\"BillingPeriodStart\",\"ChargeCategory\",\"ChargeClass\",\"ChargeDescription\","
        "\"ChargeFrequency\",\"ChargePeriodEnd\",\"ChargePeriodStart\",\"CommitmentDiscountCategory\","
        "\"CommitmentDiscountId\",\"CommitmentDiscountName\",\"CommitmentDiscountStatus\",\"CommitmentDiscountType\","
        "\"ConsumedQuantity\",\"ConsumedUnit\",\"ContractedCost\",\"ContractedUnitPrice\",\"EffectiveCost\","
        "\"InvoiceIssuerName\",\"ListCost\",\"ListUnitPrice\",\"PricingCategory\",\"PricingQuantity\",\"PricingUnit\","
        "\"ProviderName\",\"PublisherName\",\"RegionId\",\"RegionName\",\"ResourceId\",\"ResourceName\","
        "\"ResourceType\",\"ServiceCategory\",\"Id\",\"ServiceName\",\"SkuId\",\"SkuPriceId\",\"SubAccountId\","
        "\"SubAccountName\",\"Tags\"\n";
    char buffer[1024];
    for (qint64 i = 0; i < lines; ++i) {
        const Service& s = services[random.bounded(int(std::size(services)))];
        const int month = 7 + int(random.bounded(3));
        const int day = 1 + int(random.bounded(28));
        const int hour = int(random.bounded(23));
        const quint64 cost = random.bounded(quint64(50000000000ULL));
        const unsigned long long whole = cost / 100000000000ULL;
        const unsigned long long fraction = cost % 100000000000ULL;
        std::snprintf(buffer, sizeof buffer,
                      "NULL,%llu.%011llu,\"1234567890123\",\"SunBird\",\"USD\",\"2024-%02d-01 00:00:00\","
                      "\"2024-%02d-01 00:00:00\",\"Usage\",NULL,\"%s usage\",\"Usage-Based\",\"2024-%02d-%02d %02d:00:00\","
                      "\"2024-%02d-%02d %02d:00:00\",NULL,NULL,NULL,NULL,NULL,1.000000000000000,\"%s\",0.00000000000,"
                      "0.00000000000,%llu.%011llu,\"Amazon Web Services, Inc.\",%llu.%011llu,\"0.010\",\"Standard\",",
                      whole, fraction, month + 1, month, s.name, month, day, hour + 1, month, day, hour, s.unit, whole,
                      fraction, whole, fraction);
        out.append(buffer);
        std::snprintf(buffer, sizeof buffer,
                      "1.00000000000,\"%s\",\"AWS\",\"Amazon Web Services, Inc.\",\"us-west-2\",\"US West (Oregon)\","
                      "\"arn:ats:ec2:us-test-2:347410479675:instance/i-%012lld\",NULL,NULL,\"%s\",%lld,\"%s\","
                      "\"G95FST5FTYV3J%03d\",\"G95FST5FTYV3J%03d.JRTCKXETXF\",\"51738928782\",\"Atlas Nimbus\",",
                      s.unit, i % 5000, s.category, i + 1, s.name, int(i % 997), int(i % 997));
        out.append(buffer);
        if (random.bounded(10) == 0 || slugs.isEmpty()) {
            out.append("NULL\n");
        } else {
            std::snprintf(buffer, sizeof buffer,
                          "\"{\"\"tenant\"\": \"\"%s\"\", \"\"application\"\": \"\"NovaCart\"\", \"\"environment\"\": \"\"prod\"\"}\"\n",
                          qPrintable(slugs.at(int(random.bounded(int(slugs.size()))))));
            out.append(buffer);
        }
        if (out.size() > (4 << 20)) {
            file.write(out);
            out.resize(0);
        }
    }
    file.write(out);
    return file.size();
}

// Users with a membership each, as File → Import Users… and `tenantctl import csv` read them.
void writeUsersFile(const QString& path, int users, const QString& tenant)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return;
    QByteArray out = "email,display_name,status,tenant,environment,role\n";
    for (int i = 0; i < users; ++i)
        out += u"fault.user%1@import.example,Fault User %1,active,%2,,Tenant User\n"_s.arg(i).arg(tenant).toUtf8();
    file.write(out);
}

// A connection of the test's own through SQLite's C API, as a second program opens the file (it
// replays or drops what a killed writer left in the WAL).
class Sqlite
{
public:
    explicit Sqlite(const QString& path)
    {
        if (sqlite3_open_v2(QFile::encodeName(path).constData(), &m_db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
            m_error = QString::fromUtf8(sqlite3_errmsg(m_db));
    }
    ~Sqlite() { sqlite3_close(m_db); }
    Sqlite(const Sqlite&) = delete;
    Sqlite& operator=(const Sqlite&) = delete;

    // Each row of `sql` as its columns' texts (NULL as a null QByteArray), to `row`; false on an error.
    bool rows(const QByteArray& sql, const std::function<void(sqlite3_stmt*)>& row)
    {
        sqlite3_stmt* statement = nullptr;
        if (!m_error.isEmpty() || sqlite3_prepare_v2(m_db, sql.constData(), -1, &statement, nullptr) != SQLITE_OK) {
            m_error = QString::fromUtf8(sqlite3_errmsg(m_db));
            return false;
        }
        int step = SQLITE_ROW;
        while ((step = sqlite3_step(statement)) == SQLITE_ROW)
            row(statement);
        sqlite3_finalize(statement);
        if (step != SQLITE_DONE)
            m_error = QString::fromUtf8(sqlite3_errmsg(m_db));
        return step == SQLITE_DONE;
    }
    QStringList texts(const QByteArray& sql)
    {
        QStringList result;
        rows(sql, [&result](sqlite3_stmt* s) {
            result << QString::fromUtf8(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
        });
        return result;
    }
    bool exec(const char* sql)
    {
        char* message = nullptr;
        if (m_error.isEmpty() && sqlite3_exec(m_db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
            m_error = QString::fromUtf8(message);
            sqlite3_free(message);
        }
        return m_error.isEmpty();
    }
    QString error() const { return m_error; }

private:
    sqlite3* m_db = nullptr;
    QString m_error;
};

// Every table of the database, row by row with its rowid, and its schema (the tables, indexes and
// triggers as created), each as a SHA-256 with its row count: what an interrupted or refused import
// must leave exactly as it was.
QMap<QString, QString> databaseDigest(const QString& path)
{
    Sqlite db(path);
    QMap<QString, QString> digests;
    const auto digestOf = [&db](const QByteArray& sql) -> QString {
        QCryptographicHash hash(QCryptographicHash::Sha256);
        QByteArray buffer;
        qint64 count = 0;
        const bool ok = db.rows(sql, [&](sqlite3_stmt* s) {
            ++count;
            for (int i = 0, n = sqlite3_column_count(s); i < n; ++i) {
                buffer.append(char('0' + sqlite3_column_type(s, i))); // the type: 1 and '1' differ
                const void* data = sqlite3_column_blob(s, i);
                buffer.append(static_cast<const char*>(data), sqlite3_column_bytes(s, i)).append('\x1f');
            }
            if (buffer.size() > (1 << 16)) {
                hash.addData(buffer);
                buffer.resize(0);
            }
        });
        hash.addData(buffer);
        if (!ok)
            return u"error: "_s + db.error();
        return u"%1 rows, %2"_s.arg(count).arg(QString::fromLatin1(hash.result().toHex()));
    };
    digests.insert(u"(schema)"_s, digestOf("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"));
    const QStringList rowidTables = db.texts("SELECT name FROM sqlite_master WHERE type = 'table' "
                                             "AND sql NOT LIKE '%WITHOUT ROWID%' ORDER BY name");
    for (const QString& table : rowidTables)
        digests.insert(table, digestOf("SELECT rowid, * FROM \"" + table.toUtf8() + "\" ORDER BY rowid"));
    for (const QString& table : db.texts("SELECT name FROM sqlite_master WHERE type = 'table' "
                                         "AND sql LIKE '%WITHOUT ROWID%' ORDER BY name"))
        digests.insert(table, digestOf("SELECT * FROM \"" + table.toUtf8() + "\"")); // in its primary key's order
    if (!db.error().isEmpty())
        digests.insert(u"(error)"_s, db.error());
    return digests;
}

// SQLite's own check of the file: "ok", or what is wrong; and that no row breaks a foreign key.
QString integrityOf(const QString& path)
{
    Sqlite db(path);
    QString result = db.texts("PRAGMA integrity_check").join(u'\n');
    const QStringList broken = db.texts("PRAGMA foreign_key_check");
    if (!broken.isEmpty())
        result += u"\nforeign keys broken in "_s + broken.join(u", "_s);
    return db.error().isEmpty() ? result : result + u"\n"_s + db.error();
}

// The billing lines stored for an import.
qint64 linesOf(const QString& path, qint64 importId)
{
    Sqlite db(path);
    return db.texts("SELECT count(*) FROM billing_lines WHERE import_id = " + QByteArray::number(importId)).value(0).toLongLong();
}

// The users the generated users file brings, as stored.
int usersOf(const QString& path)
{
    Sqlite db(path);
    return db.texts("SELECT count(*) FROM users WHERE email LIKE 'fault.user%@import.example'").value(0).toInt();
}

// The QCOMPARE of two digests, naming the tables that differ.
QString differences(const QMap<QString, QString>& before, const QMap<QString, QString>& after)
{
    QStringList changed;
    for (auto it = before.cbegin(); it != before.cend(); ++it) {
        if (after.value(it.key()) != it.value())
            changed << u"%1: %2 → %3"_s.arg(it.key(), it.value(), after.value(it.key(), u"(gone)"_s));
    }
    for (auto it = after.cbegin(); it != after.cend(); ++it) {
        if (!before.contains(it.key()))
            changed << u"%1: new, %2"_s.arg(it.key(), it.value());
    }
    return changed.join(u'\n');
}

// How far the process `pid` has read the file `path` (its descriptor's position), or -1.
qint64 readPosition(qint64 pid, const QString& path)
{
    const QString canonical = QFileInfo(path).canonicalFilePath();
    const QDir fds(u"/proc/%1/fd"_s.arg(pid));
    for (const QString& fd : fds.entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot)) {
        if (QFile::symLinkTarget(fds.filePath(fd)) != canonical)
            continue;
        QFile info(u"/proc/%1/fdinfo/%2"_s.arg(pid).arg(fd));
        if (!info.open(QIODevice::ReadOnly))
            return -1;
        for (const QByteArray& line : info.readAll().split('\n')) {
            if (line.startsWith("pos:"))
                return line.mid(4).trimmed().toLongLong();
        }
    }
    return -1;
}

qint64 fileSize(const QString& path)
{
    return QFileInfo(path).size(); // 0 when missing
}

} // namespace

class TestFaultsImport : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QStringList m_slugs;
    QString m_sample; // the shared FOCUS sample
    QString m_base;   // the small demo without its usage samples

    // A copy of m_base in a folder of its own.
    QString freshDatabase(const QString& name) const
    {
        QDir dir(m_dir.path());
        dir.mkpath(name);
        const QString path = dir.filePath(name + u"/small.tenantdesk"_s);
        QFile::copy(m_base, path);
        QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
        return path;
    }

    static Run tenantctl(const QString& database, const QStringList& arguments, const QString& diskFreeKb = {})
    {
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.remove(QString::fromLatin1(diskFreeVariable));
        if (!diskFreeKb.isEmpty())
            environment.insert(QString::fromLatin1(diskFreeVariable), diskFreeKb);
        process.setProcessEnvironment(environment);
        process.start(QStringLiteral(TENANTCTL_PATH), QStringList{u"--database"_s, database} + arguments);
        if (!process.waitForFinished(120000))
            qFatal("tenantctl did not finish");
        return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
                QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
    }

    static QJsonArray imports(const QString& database)
    {
        const Run listed = tenantctl(database, {u"billing"_s, u"imports"_s, u"--json"_s});
        return QJsonDocument::fromJson(listed.out.toUtf8()).object().value(u"items"_s).toArray();
    }

    // tenantctl started on `arguments`, killed with SIGKILL once `midway(pid)` says so; false when
    // it ended by itself first.
    static bool killMidway(const QString& database, const QStringList& arguments,
                           const std::function<bool(qint64 pid)>& midway)
    {
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.remove(QString::fromLatin1(diskFreeVariable));
        process.setProcessEnvironment(environment);
        process.start(QStringLiteral(TENANTCTL_PATH), QStringList{u"--database"_s, database} + arguments);
        if (!process.waitForStarted(10000))
            return false;
        QElapsedTimer timer;
        timer.start();
        const qint64 pid = process.processId();
        while (!process.waitForFinished(2) && timer.elapsed() < 60000) {
            if (midway(pid)) {
                process.kill(); // SIGKILL: no handler, no cleanup, no destructor runs
                process.waitForFinished(10000);
                return process.exitStatus() == QProcess::CrashExit;
            }
        }
        process.kill();
        process.waitForFinished(10000);
        qWarning().noquote() << "tenantctl was not killed mid-way:" << process.readAllStandardOutput()
                             << process.readAllStandardError();
        return false;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qunsetenv(diskFreeVariable);
        SqlStore store(smallDemoFixture());
        await(store.open(OpenMode::OpenExisting));
        for (const Tenant& tenant : await(store.tenants({.limit = 100})).items)
            m_slugs << tenant.slug;
        QVERIFY(!m_slugs.isEmpty());
        // The small demo without its 1.3 million usage samples, which no import touches: every
        // digest reads the whole file, and this keeps it to a second.
        m_base = QDir(m_dir.path()).filePath(u"base.tenantdesk"_s);
        QVERIFY(QFile::copy(smallDemoFixture(), m_base));
        QFile::setPermissions(m_base, QFile::ReadOwner | QFile::WriteOwner);
        {
            Sqlite base(m_base);
            QVERIFY2(base.exec("DELETE FROM usage_samples; VACUUM"), qPrintable(base.error()));
        }
        m_sample = QDir(QStringLiteral(TENANTDESK_SHARED_DATA_DIR)).filePath(u"focus/focus_sample.csv"_s);
        QVERIFY(QFile::exists(m_sample));
    }

    void cleanup()
    {
        qunsetenv(diskFreeVariable);
    }

    // The Store call, as the console's File → Import Billing… makes it: no room left at all, or the
    // disk filling among the lines; refused with the clear message, nothing changed, and the same
    // import on the same open store lands once the room is back.
    void diskFullDuringImport_data()
    {
        QTest::addColumn<QString>("freeKb");
        QTest::newRow("no room left") << u"0"_s;
        QTest::newRow("full among the lines (1 MiB left)") << u"1024"_s;
    }
    void diskFullDuringImport()
    {
        QFETCH(QString, freeKb);
        const QString database = freshDatabase(u"diskfull-store-"_s + freeKb);
        const QString file = QDir(m_dir.path()).filePath(u"focus-5000-%1.csv"_s.arg(freeKb));
        QVERIFY(writeFocusFile(file, 5000, m_slugs, 5000) > 0);
        const QMap<QString, QString> before = databaseDigest(database);

        SqlStore store(database);
        await(store.open(OpenMode::OpenExisting));
        const qsizetype importsBefore = await(store.billingImports()).size();
        const BillingImportRequest request{file, BillingFormat::Auto, DuplicateImport::Refuse, u"tenant"_s};
        qputenv(diskFreeVariable, freeKb.toLatin1());
        const std::optional<StoreError> error = awaitError(store.importBilling(request));
        QVERIFY2(error.has_value(), "the import went through a full disk");
        qInfo().noquote() << error->message();
        QCOMPARE(error->code(), ErrorCode::Unavailable);
        QVERIFY2(error->message().contains(u"the disk holding the database"_s), qPrintable(error->message()));
        QVERIFY2(error->message().contains(u"is full"_s), qPrintable(error->message()));
        QVERIFY2(error->message().contains(QDir::toNativeSeparators(database)), qPrintable(error->message()));
        QVERIFY2(error->message().contains(u"Nothing was changed"_s), qPrintable(error->message()));
        QCOMPARE(await(store.billingImports()).size(), importsBefore);
        // Read by a second program while the console still has the file open: exactly as before.
        QCOMPARE(integrityOf(database), u"ok"_s);
        const QMap<QString, QString> after = databaseDigest(database);
        QVERIFY2(after == before, qPrintable(differences(before, after)));

        // The room is back: the same import on the same open store lands whole.
        qunsetenv(diskFreeVariable);
        const BillingImportResult result = await(store.importBilling(request));
        QCOMPARE(result.import.lineCount, 5000);
        QCOMPARE(await(store.billingImports()).size(), importsBefore + 1);
        QCOMPARE(integrityOf(database), u"ok"_s);
    }

    // tenantctl: the message on stderr, exit status 1, nothing changed; then the import lands. The
    // file is larger than the lines already there, so the import drops the lines' indexes to build
    // them again at the end: the refusal must bring them back (the schema is in the digest).
    void diskFullDuringTenantctlImport()
    {
        const QString database = freshDatabase(u"diskfull-tenantctl"_s);
        const QString file = QDir(m_dir.path()).filePath(u"focus-20000.csv"_s);
        QVERIFY(writeFocusFile(file, 20000, m_slugs, 20000) > 0);
        const Run first = tenantctl(database, {u"billing"_s, u"import"_s, m_sample, u"--tenant-tag"_s, u"business_unit"_s});
        QVERIFY2(first.exitCode == 0, qPrintable(first.err));
        const QMap<QString, QString> before = databaseDigest(database);

        const Run refused = tenantctl(database, {u"billing"_s, u"import"_s, file, u"--tenant-tag"_s, u"tenant"_s}, u"4096"_s);
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains(u"the disk holding the database"_s), qPrintable(refused.err));
        QVERIFY2(refused.err.contains(u"is full"_s), qPrintable(refused.err));
        QVERIFY2(refused.err.contains(QDir::toNativeSeparators(database)), qPrintable(refused.err));
        QVERIFY2(refused.out.isEmpty(), qPrintable(refused.out));
        QCOMPARE(integrityOf(database), u"ok"_s);
        const QMap<QString, QString> after = databaseDigest(database);
        QVERIFY2(after == before, qPrintable(differences(before, after)));
        QCOMPARE(imports(database).size(), 1);

        const Run landed = tenantctl(database, {u"billing"_s, u"import"_s, file, u"--tenant-tag"_s, u"tenant"_s});
        QVERIFY2(landed.exitCode == 0, qPrintable(landed.err));
        const QJsonArray items = imports(database);
        QCOMPARE(items.size(), 2);
        QCOMPARE(items.at(0).toObject().value(u"line_count"_s).toInteger(), 20000);
        QCOMPARE(integrityOf(database), u"ok"_s);
    }

    // tenantctl killed while it imports a large billing file: once it has read more than half of the
    // file (its descriptor's position, from /proc), when the lines are still in SQLite's page cache;
    // or once the commit has written the first MiB of the new pages to the WAL (a torn commit). The next open
    // finds the state before (or, had the commit's last frame made it, the whole import; never a
    // part of it), and the same import then lands whole.
    void killedDuringBillingImport_data()
    {
        QTest::addColumn<bool>("whileCommitting");
        QTest::newRow("half of the file read") << false;
        QTest::newRow("while committing") << true;
    }
    void killedDuringBillingImport()
    {
        QFETCH(bool, whileCommitting);
        constexpr qint64 lines = 60000;
        const QString database = freshDatabase(whileCommitting ? u"killed-billing-commit"_s : u"killed-billing-read"_s);
        const QString file = QDir(m_dir.path()).filePath(u"focus-%1.csv"_s.arg(lines));
        const qint64 size = QFileInfo::exists(file) ? fileSize(file) : writeFocusFile(file, lines, m_slugs, 60000);
        QVERIFY(size > 0);
        const Run first = tenantctl(database, {u"billing"_s, u"import"_s, m_sample, u"--tenant-tag"_s, u"business_unit"_s});
        QVERIFY2(first.exitCode == 0, qPrintable(first.err));
        const QMap<QString, QString> before = databaseDigest(database);
        const QString walPath = database + u"-wal"_s;
        QCOMPARE(fileSize(walPath), 0); // tenantctl checkpointed it as it closed

        qint64 position = -1;
        qint64 wal = 0;
        QElapsedTimer timer;
        timer.start();
        QVERIFY(killMidway(database, {u"billing"_s, u"import"_s, file, u"--tenant-tag"_s, u"tenant"_s}, [&](qint64 pid) {
            position = readPosition(pid, file);
            wal = fileSize(walPath);
            return whileCommitting ? wal > (1 << 20) : position > size / 2;
        }));
        qInfo("killed after %lld ms, having read %lld of %lld bytes; the WAL held %lld bytes",
              qint64(timer.elapsed()), position, size, wal);

        // Opened again by tenantctl (which replays the WAL), then checked by a second program.
        const QJsonArray afterKill = imports(database);
        QCOMPARE(integrityOf(database), u"ok"_s);
        if (afterKill.size() == 2) { // the commit was whole before the kill
            qInfo("the commit had completed before the kill: the import is there whole");
            QCOMPARE(afterKill.at(0).toObject().value(u"line_count"_s).toInteger(), lines);
            QCOMPARE(linesOf(database, afterKill.at(0).toObject().value(u"id"_s).toInteger()), lines);
            return;
        }
        QCOMPARE(afterKill.size(), 1);
        const QMap<QString, QString> after = databaseDigest(database);
        QVERIFY2(after == before, qPrintable(differences(before, after)));

        timer.restart();
        const Run landed = tenantctl(database, {u"billing"_s, u"import"_s, file, u"--tenant-tag"_s, u"tenant"_s});
        QVERIFY2(landed.exitCode == 0, qPrintable(landed.err));
        qInfo("the whole import took %lld ms", qint64(timer.elapsed()));
        const QJsonArray items = imports(database);
        QCOMPARE(items.size(), 2);
        QCOMPARE(items.at(0).toObject().value(u"line_count"_s).toInteger(), lines);
        QCOMPARE(linesOf(database, items.at(0).toObject().value(u"id"_s).toInteger()), lines);
        QCOMPARE(integrityOf(database), u"ok"_s);
    }

    // tenantctl killed while it writes a users import (checked first, then written in one
    // transaction), once SQLite has spilled the first uncommitted pages into the WAL.
    void killedDuringUsersImport()
    {
        constexpr int users = 800;
        const QString database = freshDatabase(u"killed-users"_s);
        const QString file = QDir(m_dir.path()).filePath(u"users.csv"_s);
        writeUsersFile(file, users, m_slugs.constFirst());
        const QMap<QString, QString> before = databaseDigest(database);
        const QString walPath = database + u"-wal"_s;

        qint64 wal = 0;
        QElapsedTimer timer;
        timer.start();
        QVERIFY(killMidway(database, {u"import"_s, u"csv"_s, file}, [&](qint64) {
            wal = fileSize(walPath);
            return wal > 32; // past the WAL's header: its first page
        }));
        qInfo("killed after %lld ms; the WAL held %lld bytes", qint64(timer.elapsed()), wal);

        const Run reopened = tenantctl(database, {u"users"_s, u"list"_s, u"--search"_s, u"fault.user"_s});
        QVERIFY2(reopened.exitCode == 0, qPrintable(reopened.err));
        QCOMPARE(integrityOf(database), u"ok"_s);
        const int found = int(reopened.out.count(u"@import.example"_s));
        if (found > 0) { // the commit was whole before the kill
            qInfo("the commit had completed before the kill: the import is there whole");
            QCOMPARE(usersOf(database), users);
            return;
        }
        const QMap<QString, QString> after = databaseDigest(database);
        QVERIFY2(after == before, qPrintable(differences(before, after)));

        const Run landed = tenantctl(database, {u"import"_s, u"csv"_s, file});
        QVERIFY2(landed.exitCode == 0, qPrintable(landed.err));
        QVERIFY2(landed.out.contains(u"%1 user(s) created"_s.arg(users)), qPrintable(landed.out));
        QCOMPARE(usersOf(database), users);
        QCOMPARE(integrityOf(database), u"ok"_s);
    }
};

QTEST_GUILESS_MAIN(TestFaultsImport)
#include "tst_faults_import.moc"
