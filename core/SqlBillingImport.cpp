// SqlSession's billing imports: a billing export read, attributed to tenants by the rules and
// written with its roll-ups in one transaction; the imports listed; an import deleted.
//
// The file is read, parsed and attributed on a thread of its own while the session's thread writes
// what it has read (a bounded queue of batches between them), so that parsing and SQLite's inserts
// use both cores. Roll-ups are summed exactly in memory (integer units of 10^-18) as lines are read,
// and written once at the end. On SQLite the lines go through SQLite's C API with prepared
// statements; on PostgreSQL one INSERT ... SELECT FROM unnest(arrays) carries thousands of lines.

#include "SqlSession.h"

#include "Attribution.h"
#include "AttributionJson.h"
#include "BillingFile.h"
#include "Decimal.h"
#include "SqlDetail.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QUuid>

#include <pthread.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace TenantDesk {

using namespace Qt::StringLiterals;
using namespace SqlDetail;

namespace {

__extension__ typedef __int128 Int128;

void requirePlatform(const TenantScope& scope)
{
    if (!scope.isAllTenants())
        throw StoreError(ErrorCode::Forbidden, tr("Billing files are imported and deleted by a platform administrator only."));
}

// An exact amount summed from decimal text ("-0.000235520300000"), in units of 10^-18.
struct ExactSum {
    Int128 units = 0;
    int decimals = 0;

    // False for anything but a plain decimal number with at most 18 decimals.
    bool add(QByteArrayView text)
    {
        if (text.isEmpty())
            return true; // no amount given: nothing to add
        const char* p = text.data();
        const char* end = p + text.size();
        bool negative = false;
        if (*p == '-' || *p == '+') {
            negative = *p == '-';
            ++p;
        }
        Int128 whole = 0;
        Int128 fraction = 0;
        int places = 0;
        bool point = false;
        bool digits = false;
        for (; p < end; ++p) {
            const char c = *p;
            if (c == '.' && !point) {
                point = true;
                continue;
            }
            if (c < '0' || c > '9')
                return false;
            digits = true;
            if (point) {
                if (++places > 18)
                    return false;
                fraction = fraction * 10 + (c - '0');
            } else {
                whole = whole * 10 + (c - '0');
                if (whole > (Int128(1) << 60))
                    return false;
            }
        }
        if (!digits)
            return false;
        static constexpr qint64 powers[] = {1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL,
                                            100000000LL, 1000000000LL, 10000000000LL, 100000000000LL,
                                            1000000000000LL, 10000000000000LL, 100000000000000LL,
                                            1000000000000000LL, 10000000000000000LL, 100000000000000000LL,
                                            1000000000000000000LL};
        const Int128 amount = whole * powers[18] + fraction * powers[18 - places];
        units += negative ? -amount : amount;
        decimals = std::max(decimals, places);
        return true;
    }
    void add(const ExactSum& other)
    {
        units += other.units;
        decimals = std::max(decimals, other.decimals);
    }
    // As DecimalSum writes it (the one text of an exact sum everywhere): the exact digits, with as
    // many decimals as the largest addend had, are handed to a DecimalSum, which loses nothing.
    QString text() const
    {
        Int128 value = units < 0 ? -units : units;
        for (int i = decimals; i < 18; ++i)
            value /= 10; // exact: no addend had more decimals
        QString digits;
        do {
            digits.prepend(QChar(u'0' + int(value % 10)));
            value /= 10;
        } while (value > 0);
        while (digits.size() <= decimals)
            digits.prepend(u'0');
        if (decimals > 0)
            digits.insert(digits.size() - decimals, u'.');
        DecimalSum sum;
        sum.add(units < 0 ? QString(u'-' + digits) : digits);
        return sum.text();
    }
};

// A SHA-256 as lower-case hex, whether given as its 32 bytes or already as hex.
QByteArray hexDigest(const QByteArray& digest)
{
    return digest.size() == 32 ? digest.toHex() : digest.toLower();
}

// The roll-up of a group of lines.
struct Group {
    TenantId tenantId = 0;
    int sharedRule = -1;
    QByteArray month, serviceName, serviceCategory, currency;
    ExactSum billed, effective, list;
    qint64 lines = 0;
};

// The columns of billing_lines a record fills, in the order of BillingRecord.
constexpr int fieldCount = 18;
const char* const fieldColumns[fieldCount] = {
    "provider_name", "billing_account_id", "sub_account_id", "sub_account_name", "billing_period_start",
    "billing_period_end", "charge_period_start", "charge_period_end", "charge_category", "service_name",
    "service_category", "region_id", "resource_id", "billed_cost", "effective_cost", "list_cost",
    "billing_currency", "tags"};
constexpr int tagsField = 17;

std::array<QByteArrayView, fieldCount> fieldsOf(const BillingRecord& r)
{
    return {r.providerName, r.billingAccountId, r.subAccountId, r.subAccountName, r.billingPeriodStart,
            r.billingPeriodEnd, r.chargePeriodStart, r.chargePeriodEnd, r.chargeCategory, r.serviceName,
            r.serviceCategory, r.regionId, r.resourceId, r.billedCost, r.effectiveCost, r.listCost,
            r.billingCurrency, r.tags};
}

// Lines read and attributed, copied out of the reader's buffers, on their way to the database.
struct Batch {
    struct Row {
        quint32 offset[fieldCount];
        quint32 length[fieldCount];
        TenantId tenantId = 0;
        int sharedRule = -1;
    };
    std::vector<char> arena;
    std::vector<Row> rows;
    qint64 bytesRead = 0;

    QByteArrayView field(const Row& row, int i) const
    {
        return QByteArrayView(arena.data() + row.offset[i], qsizetype(row.length[i]));
    }
    void clear()
    {
        arena.clear();
        rows.clear();
    }
};

constexpr size_t rowsPerBatch = 2048;
constexpr size_t batchesInFlight = 8;

// What the reading thread found, handed over once it has ended.
struct ReadOutcome {
    std::optional<BillingFileError> fileError;
    std::exception_ptr exception;
    qint64 lines = 0;
    qint64 unallocated = 0;
    std::unordered_map<std::string, Group> groups;
    std::map<QByteArray, ExactSum> billedByCurrency;
    ExactSum billedTotal;
    QByteArray firstCharge, lastCharge;
    QByteArray sha256;
    QStringList notes;
};

// The queue between the reading thread and the writing one, with the batches it recycles.
class Pipeline
{
public:
    std::unique_ptr<Batch> takeEmpty()
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return m_stopped || !m_free.empty() || m_created < batchesInFlight; });
        if (m_stopped)
            return nullptr;
        if (!m_free.empty()) {
            auto batch = std::move(m_free.back());
            m_free.pop_back();
            return batch;
        }
        ++m_created;
        auto batch = std::make_unique<Batch>();
        batch->arena.reserve(rowsPerBatch * 700);
        batch->rows.reserve(rowsPerBatch);
        return batch;
    }
    void push(std::unique_ptr<Batch> batch)
    {
        {
            std::lock_guard lock(m_mutex);
            m_full.push_back(std::move(batch));
        }
        m_changed.notify_all();
    }
    void finish()
    {
        {
            std::lock_guard lock(m_mutex);
            m_finished = true;
        }
        m_changed.notify_all();
    }
    // The next batch read, or null at the end.
    std::unique_ptr<Batch> takeFull()
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return !m_full.empty() || m_finished; });
        if (m_full.empty())
            return nullptr;
        auto batch = std::move(m_full.front());
        m_full.pop_front();
        return batch;
    }
    void giveBack(std::unique_ptr<Batch> batch)
    {
        batch->clear();
        {
            std::lock_guard lock(m_mutex);
            m_free.push_back(std::move(batch));
        }
        m_changed.notify_all();
    }
    // The writer gives up (an error, or cancelled): the reader stops at its next batch.
    void stop()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stopped = true;
        }
        m_changed.notify_all();
    }
    bool stopped() const
    {
        std::lock_guard lock(m_mutex);
        return m_stopped;
    }

private:
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<std::unique_ptr<Batch>> m_full;
    std::vector<std::unique_ptr<Batch>> m_free;
    size_t m_created = 0;
    bool m_finished = false;
    bool m_stopped = false;
};

// Reads the whole file on the calling thread (the reading thread), attributing and summing each line.
void readFile(BillingFileReader& reader, const Attribution& attribution, bool needsNames, Pipeline& pipeline,
              ReadOutcome& out)
{
    try {
        BillingRecord record;
        std::string key;
        std::unique_ptr<Batch> batch = pipeline.takeEmpty();
        while (batch && reader.next(record)) {
            const auto fields = fieldsOf(record);
            const Attribution::Outcome outcome = needsNames || !record.tagValues.isEmpty()
                ? attribution.attribute(needsNames ? QString::fromUtf8(record.subAccountId) : QString(),
                                        needsNames ? QString::fromUtf8(record.subAccountName) : QString(),
                                        needsNames ? QString::fromUtf8(record.serviceName) : QString(),
                                        record.tagValues)
                : Attribution::Outcome{};
            ++out.lines;
            if (outcome.tenantId == 0 && outcome.sharedRule < 0)
                ++out.unallocated;

            // The roll-up: tenant × shared rule × month × service × category × currency.
            key.clear();
            key.append(reinterpret_cast<const char*>(&outcome.tenantId), sizeof outcome.tenantId);
            key.append(reinterpret_cast<const char*>(&outcome.sharedRule), sizeof outcome.sharedRule);
            const QByteArrayView month = record.chargePeriodStart.first(std::min<qsizetype>(7, record.chargePeriodStart.size()));
            for (QByteArrayView part : {month, record.serviceName, record.serviceCategory, record.billingCurrency}) {
                key.append(part.data(), size_t(part.size()));
                key.push_back('\x1f');
            }
            auto found = out.groups.find(key);
            if (found == out.groups.end()) {
                Group group;
                group.tenantId = outcome.tenantId;
                group.sharedRule = outcome.sharedRule;
                group.month = month.toByteArray();
                group.serviceName = record.serviceName.toByteArray();
                group.serviceCategory = record.serviceCategory.toByteArray();
                group.currency = record.billingCurrency.toByteArray();
                found = out.groups.emplace(key, std::move(group)).first;
            }
            Group& group = found->second;
            const struct { QByteArrayView text; ExactSum& sum; const char* column; } amounts[] = {
                {record.billedCost, group.billed, "BilledCost"},
                {record.effectiveCost, group.effective, "EffectiveCost"},
                {record.listCost, group.list, "ListCost"}};
            for (const auto& amount : amounts) {
                if (!amount.sum.add(amount.text)) {
                    out.fileError = BillingFileError{QString(), 0, QString::fromLatin1(amount.column),
                                                     tr("“%1” is not a plain decimal amount.")
                                                         .arg(QString::fromUtf8(amount.text))};
                    out.fileError->line = reader.recordLine();
                    pipeline.push(std::move(batch));
                    pipeline.finish();
                    return;
                }
            }
            ++group.lines;
            ExactSum& byCurrency = out.billedByCurrency[record.billingCurrency.toByteArray()];
            byCurrency.add(record.billedCost);
            out.billedTotal.add(record.billedCost);
            if (!record.chargePeriodStart.isEmpty()
                && (out.firstCharge.isEmpty() || record.chargePeriodStart < QByteArrayView(out.firstCharge)))
                out.firstCharge = record.chargePeriodStart.toByteArray();
            if (!record.chargePeriodEnd.isEmpty() && record.chargePeriodEnd > QByteArrayView(out.lastCharge))
                out.lastCharge = record.chargePeriodEnd.toByteArray();

            // Copied into the batch, since the record's views end with the reader's next call.
            Batch::Row row;
            row.tenantId = outcome.tenantId;
            row.sharedRule = outcome.sharedRule;
            for (int i = 0; i < fieldCount; ++i) {
                row.offset[i] = quint32(batch->arena.size());
                row.length[i] = quint32(fields[i].size());
                batch->arena.insert(batch->arena.end(), fields[i].data(), fields[i].data() + fields[i].size());
            }
            batch->rows.push_back(row);
            if (batch->rows.size() >= rowsPerBatch) {
                batch->bytesRead = reader.bytesRead();
                pipeline.push(std::move(batch));
                batch = pipeline.takeEmpty();
            }
        }
        if (batch) {
            batch->bytesRead = reader.bytesRead();
            pipeline.push(std::move(batch));
        }
        if (reader.error())
            out.fileError = reader.error();
        else if (!pipeline.stopped())
            out.sha256 = hexDigest(reader.sha256());
        out.notes = reader.notes();
    } catch (...) {
        out.exception = std::current_exception();
    }
    pipeline.finish();
}

// Writes batches of lines: SQLite through its C API, PostgreSQL through arrays (QtSql).
class LineWriter
{
public:
    virtual ~LineWriter() = default;
    virtual void write(const Batch& batch) = 0;
    // After the last batch.
    virtual void finish() {}
};

class SqliteLineWriter final : public LineWriter
{
public:
    SqliteLineWriter(const QSqlDatabase& db, qint64 importId)
        : m_importId(importId), m_path(db.databaseName())
    {
        const QVariant handle = db.driver()->handle();
        if (qstrcmp(handle.typeName(), "sqlite3*") != 0 || !handle.isValid())
            throw StoreError(ErrorCode::Internal, tr("The SQLite driver gave no database handle."));
        m_db = *static_cast<sqlite3* const*>(handle.constData());
        QByteArray sql = "INSERT INTO billing_lines (import_id, tenant_id, shared_rule";
        for (const char* column : fieldColumns)
            sql += QByteArray(", ") + column;
        sql += ") VALUES (?, ?, ?";
        for (int i = 0; i < fieldCount; ++i)
            sql += ", ?";
        sql += ')';
        if (sqlite3_prepare_v3(m_db, sql.constData(), -1, SQLITE_PREPARE_PERSISTENT, &m_statement, nullptr) != SQLITE_OK)
            fail();
        // A large page cache while the lines go in, so that the indexes' pages are written once,
        // not read back again and again; the connection's own size afterwards.
        m_cacheSize = pragmaValue("PRAGMA cache_size");
        sqlite3_exec(m_db, "PRAGMA cache_size = -262144", nullptr, nullptr, nullptr); // 256 MiB
    }

    // When the file brings more lines than the table holds, the lines' indexes are dropped and built
    // again at the end, sorted at once instead of one line at a time (inside the transaction, so a
    // rollback brings them back as they were).
    void deferIndexes(qint64 expectedLines)
    {
        if (pragmaValue("SELECT count(*) FROM (SELECT 1 FROM billing_lines LIMIT 1000000)") >= expectedLines)
            return;
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(m_db, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'billing_lines' "
                                     "AND sql IS NOT NULL", -1, &statement, nullptr) != SQLITE_OK)
            fail();
        QList<QByteArray> names;
        while (sqlite3_step(statement) == SQLITE_ROW) {
            names << QByteArray(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)));
            m_deferred << QByteArray(reinterpret_cast<const char*>(sqlite3_column_text(statement, 1)));
        }
        sqlite3_finalize(statement);
        for (const QByteArray& name : names) {
            if (sqlite3_exec(m_db, QByteArray("DROP INDEX \"" + name + "\"").constData(), nullptr, nullptr, nullptr) != SQLITE_OK)
                fail();
        }
    }

    // Builds the indexes deferIndexes() dropped.
    void finish()
    {
        for (const QByteArray& sql : std::as_const(m_deferred)) {
            if (sqlite3_exec(m_db, sql.constData(), nullptr, nullptr, nullptr) != SQLITE_OK)
                fail();
        }
        m_deferred.clear();
    }

    ~SqliteLineWriter() override
    {
        sqlite3_finalize(m_statement);
        const QByteArray restore = "PRAGMA cache_size = " + QByteArray::number(m_cacheSize);
        sqlite3_exec(m_db, restore.constData(), nullptr, nullptr, nullptr);
    }

    void write(const Batch& batch) override
    {
        for (const Batch::Row& row : batch.rows) {
            sqlite3_bind_int64(m_statement, 1, m_importId);
            if (row.tenantId != 0)
                sqlite3_bind_int64(m_statement, 2, row.tenantId);
            else
                sqlite3_bind_null(m_statement, 2);
            if (row.sharedRule >= 0)
                sqlite3_bind_int(m_statement, 3, row.sharedRule);
            else
                sqlite3_bind_null(m_statement, 3);
            for (int i = 0; i < fieldCount; ++i) {
                // The batch outlives the statement's step: SQLite need not copy the text.
                sqlite3_bind_text(m_statement, 4 + i, batch.arena.data() + row.offset[i], int(row.length[i]), SQLITE_STATIC);
            }
            if (sqlite3_step(m_statement) != SQLITE_DONE)
                fail();
            sqlite3_reset(m_statement);
        }
    }

private:
    qint64 pragmaValue(const char* sql)
    {
        sqlite3_stmt* statement = nullptr;
        qint64 value = -2000; // SQLite's default
        if (sqlite3_prepare_v2(m_db, sql, -1, &statement, nullptr) == SQLITE_OK && sqlite3_step(statement) == SQLITE_ROW)
            value = sqlite3_column_int64(statement, 0);
        sqlite3_finalize(statement);
        return value;
    }

    // As every other statement's error: a full disk, a lock or damage named with the database's file.
    [[noreturn]] void fail()
    {
        throwSqliteCode(sqlite3_extended_errcode(m_db), QString::fromUtf8(sqlite3_errmsg(m_db)),
                        tr("Could not write the billing lines"), m_path);
    }

    sqlite3* m_db = nullptr;
    sqlite3_stmt* m_statement = nullptr;
    qint64 m_importId;
    QString m_path;
    qint64 m_cacheSize = -2000;
    QList<QByteArray> m_deferred; // CREATE INDEX statements to run again before the transaction ends
};

// On PostgreSQL, one statement per batch binds one array literal per column (as SqlDemoWriter does):
// a handful of bound values carry thousands of lines.
class PostgresLineWriter final : public LineWriter
{
public:
    PostgresLineWriter(const QSqlDatabase& db, qint64 importId)
        : m_db(db), m_importId(importId), m_query(db)
    {
        QString sql = u"INSERT INTO billing_lines (import_id, tenant_id, shared_rule"_s;
        QString arrays = u"?::bigint[], ?::bigint[], ?::integer[]"_s;
        for (int i = 0; i < fieldCount; ++i) {
            sql += u", "_s + QLatin1StringView(fieldColumns[i]);
            arrays += i == tagsField ? u", ?::jsonb[]"_s : u", ?::text[]"_s;
        }
        sql += u") SELECT * FROM unnest("_s + arrays + u')';
        m_query.setForwardOnly(true);
        if (!m_query.prepare(sql))
            throwSqlError(m_query.lastError(), tr("Could not write the billing lines"), m_db);
    }

    void write(const Batch& batch) override
    {
        if (batch.rows.empty())
            return;
        QByteArray importIds, tenantIds, sharedRules;
        std::array<QByteArray, fieldCount> columns;
        for (const Batch::Row& row : batch.rows) {
            const char* separator = importIds.isEmpty() ? "{" : ",";
            importIds.append(separator).append(QByteArray::number(m_importId));
            tenantIds.append(separator).append(row.tenantId != 0 ? QByteArray::number(row.tenantId) : QByteArray("NULL"));
            sharedRules.append(separator).append(row.sharedRule >= 0 ? QByteArray::number(row.sharedRule) : QByteArray("NULL"));
            for (int i = 0; i < fieldCount; ++i) {
                QByteArray& array = columns[size_t(i)];
                array.append(separator).append('"');
                for (char c : batch.field(row, i)) {
                    if (c == '"' || c == '\\')
                        array.append('\\');
                    array.append(c);
                }
                array.append('"');
            }
        }
        m_query.bindValue(0, QString::fromLatin1(importIds.append('}')));
        m_query.bindValue(1, QString::fromLatin1(tenantIds.append('}')));
        m_query.bindValue(2, QString::fromLatin1(sharedRules.append('}')));
        for (int i = 0; i < fieldCount; ++i)
            m_query.bindValue(3 + i, QString::fromUtf8(columns[size_t(i)].append('}')));
        if (!m_query.exec())
            throwSqlError(m_query.lastError(), tr("Could not write the billing lines"), m_db);
        m_query.finish();
    }

private:
    QSqlDatabase m_db;
    qint64 m_importId;
    QSqlQuery m_query;
};

// Text for a NOT NULL column: an empty value is '', never NULL.
QString notNull(const QByteArray& utf8)
{
    const QString text = QString::fromUtf8(utf8);
    return text.isNull() ? QStringLiteral("") : text;
}

// Thrown inside the transaction when a file turns out, once read, to be a duplicate to skip.
struct SkippedDuplicate {
    BillingImport earlier;
};

QString fileNameOf(const QString& path)
{
    return QFileInfo(path).fileName();
}

QByteArray sha256OfFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    return hash.result().toHex();
}

const QString importColumns = u"id, file_name, sha256, format, imported_at, imported_by, line_count, unallocated_lines, "
                              "currencies, billed_cost_total, first_charge_at, last_charge_at"_s;

BillingImport importFromRow(const Query& q)
{
    BillingImport i;
    i.id = q.integer(0);
    i.fileName = q.text(1);
    i.sha256 = q.text(2);
    i.format = billingFormatFromKey(q.text(3)).value_or(BillingFormat::Focus);
    i.importedAt = SqlTime::parse(q.text(4));
    i.importedBy = q.text(5);
    i.lineCount = q.integer(6);
    i.unallocatedLines = q.integer(7);
    i.currencies = q.text(8).split(u',', Qt::SkipEmptyParts);
    i.billedCostTotal = q.text(9);
    i.firstChargeAt = q.value(10).isNull() ? QDateTime() : SqlTime::parse(q.text(10));
    i.lastChargeAt = q.value(11).isNull() ? QDateTime() : SqlTime::parse(q.text(11));
    return i;
}

std::optional<BillingImport> importBySha(const QSqlDatabase& db, const QString& sha256)
{
    Query q(db, tr("Could not read the billing imports"));
    q.prepare(u"SELECT "_s + importColumns + u" FROM billing_imports WHERE sha256 = ?"_s).bind(sha256).exec();
    if (!q.next())
        return std::nullopt;
    return importFromRow(q);
}

QJsonObject auditJson(const BillingImport& i)
{
    return QJsonObject{{u"file_name"_s, i.fileName},
                       {u"sha256"_s, i.sha256},
                       {u"format"_s, billingFormatKey(i.format)},
                       {u"line_count"_s, i.lineCount},
                       {u"unallocated_lines"_s, i.unallocatedLines},
                       {u"currencies"_s, QJsonArray::fromStringList(i.currencies)},
                       {u"billed_cost_total"_s, i.billedCostTotal}};
}

QString duplicateMessage(const QString& fileName, const BillingImport& earlier)
{
    return tr("“%1” was imported before, as “%2” on %3 (import %4). Skip it, or replace that import.")
        .arg(fileName, earlier.fileName, SqlTime::format(earlier.importedAt))
        .arg(earlier.id);
}

} // namespace

BillingImportResult SqlSession::importBilling(const BillingImportRequest& request,
                                              const std::function<bool(int)>& progress) const
{
    requirePlatform(m_scope);
    const QString fileName = fileNameOf(request.path);
    const auto report = [&progress](int done) {
        if (progress && !progress(done))
            throw StoreError(ErrorCode::Unavailable, tr("The billing import was cancelled; nothing was imported."));
    };
    report(0);

    // Skipping a file imported before: known from its hash alone, without importing it first.
    if (request.onDuplicate == DuplicateImport::Skip) {
        const QByteArray sha = sha256OfFile(request.path);
        if (!sha.isEmpty()) {
            if (const auto earlier = scoped([&] { return importBySha(m_db, QString::fromLatin1(sha)); })) {
                BillingImportResult result;
                result.skipped = true;
                result.import.fileName = fileName;
                result.import.sha256 = QString::fromLatin1(sha);
                result.notes << duplicateMessage(fileName, *earlier);
                report(1000);
                return result;
            }
        }
    }

    BillingFileReader reader(request.path, request.format);
    try {
        return importInTransaction(request, reader, report);
    } catch (const SkippedDuplicate& duplicate) {
        BillingImportResult result;
        result.skipped = true;
        result.import.fileName = fileName;
        result.import.sha256 = QString::fromLatin1(hexDigest(reader.sha256()));
        result.notes << duplicateMessage(fileName, duplicate.earlier);
        return result;
    }
}

BillingImportResult SqlSession::importInTransaction(const BillingImportRequest& request, BillingFileReader& reader,
                                                    const std::function<void(int)>& report) const
{
    const QString fileName = fileNameOf(request.path);
    return transaction([&]() -> BillingImportResult {
        BillingImportResult result;

        // The rules, with the tenant tag key asked for added to them (and kept).
        AttributionRules rules;
        {
            Query rulesQuery(m_db, tr("Could not read the attribution rules"));
            rulesQuery.prepare(u"SELECT rules, version FROM attribution_rules WHERE id = 1"_s
                               + (m_postgres ? u" FOR UPDATE"_s : QString())).exec();
            if (rulesQuery.next()) {
                try {
                    rules = AttributionJson::fromJson(jsonObject(rulesQuery.value(0)));
                } catch (const StoreError& error) {
                    throw StoreError(ErrorCode::Corrupt, tr("The stored attribution rules cannot be read: %1").arg(error.message()));
                }
                rules.version = rulesQuery.integer(1);
            }
        } // read to its end: no statement stays open on the connection (SQLite would refuse the DDL below)
        const QString tagKey = request.tenantTagKey.trimmed();
        if (!tagKey.isEmpty() && !rules.tenantTagKeys.contains(tagKey)) {
            const AttributionRules before = rules;
            rules.tenantTagKeys.append(tagKey);
            ++rules.version;
            QJsonObject document = AttributionJson::toJson(rules);
            document.remove(u"version"_s);
            Query save(m_db, tr("Could not save the attribution rules"));
            save.prepare(u"INSERT INTO attribution_rules (id, rules, version) VALUES (1, ?, ?) "
                         "ON CONFLICT (id) DO UPDATE SET rules = excluded.rules, version = excluded.version"_s)
                .bind(jsonText(document)).bind(rules.version).exec();
            appendAudit(AuditEvent{0, 0, QDateTime::currentDateTimeUtc(), m_actor, u"billing.rules.update"_s,
                                   u"attribution_rules"_s, u"1"_s, AttributionJson::toJson(before),
                                   AttributionJson::toJson(rules), {}, {}});
            result.notes << tr("The tag “%1” now names tenants in the attribution rules.").arg(tagKey);
        }

        QHash<QString, TenantId> tenantIds;
        {
            Query tenants(m_db, tr("Could not read the tenants"));
            tenants.prepare(u"SELECT id, slug FROM tenants"_s).exec();
            while (tenants.next())
                tenantIds.insert(tenants.text(1).toLower(), tenants.integer(0));
        }
        const Attribution attribution(rules, tenantIds);
        bool needsNames = !rules.sharedCosts.isEmpty();
        for (const AttributionMapping& mapping : rules.mappings)
            needsNames = needsNames || mapping.source == AttributionSource::SubAccount;

        reader.setWantedTagKeys(attribution.tagKeys());
        if (!reader.open()) {
            const BillingFileError error = reader.error().value_or(BillingFileError{fileName, 0, {}, tr("The file cannot be read.")});
            throw StoreError(ErrorCode::Invalid, error.text()).withField(error.column);
        }

        // The import's row first, so that its lines can name it; its hash is known at the end.
        const qint64 importId = nextId(m_db, u"billing_imports"_s);
        const QString now = SqlTime::now();
        Query(m_db, tr("Could not record the billing import")).prepare(u"INSERT INTO billing_imports (id, file_name, sha256, format, imported_at, imported_by, line_count, "
                       "unallocated_lines, currencies, billed_cost_total) VALUES (?, ?, ?, ?, ?, ?, 0, 0, '', '0')"_s)
            .bind(importId).bind(fileName)
            .bind(QString(u"pending:"_s + QUuid::createUuid().toString(QUuid::WithoutBraces)))
            .bind(billingFormatKey(reader.format())).bind(now).bind(m_actor).exec();

        std::unique_ptr<LineWriter> writer;
        if (m_postgres) {
            writer = std::make_unique<PostgresLineWriter>(m_db, importId);
        } else {
            auto sqlite = std::make_unique<SqliteLineWriter>(m_db, importId);
            sqlite->deferIndexes(reader.totalBytes() / 1000); // a FOCUS line takes some 400 to 800 bytes
            writer = std::move(sqlite);
        }

        Pipeline pipeline;
        ReadOutcome read;
        std::thread readingThread([&] {
            pthread_setname_np(pthread_self(), "billing reader");
            readFile(reader, attribution, needsNames, pipeline, read);
        });
        const qint64 totalBytes = std::max<qint64>(1, reader.totalBytes());
        try {
            while (std::unique_ptr<Batch> batch = pipeline.takeFull()) {
                writer->write(*batch);
                const int done = int(std::min<qint64>(990, 990 * batch->bytesRead / totalBytes));
                pipeline.giveBack(std::move(batch));
                report(done); // also asks whether to go on
            }
        } catch (...) {
            pipeline.stop();
            while (auto left = pipeline.takeFull())
                pipeline.giveBack(std::move(left));
            readingThread.join();
            throw;
        }
        readingThread.join();
        writer->finish();
        writer.reset();
        if (read.exception)
            std::rethrow_exception(read.exception);
        if (read.fileError) {
            BillingFileError error = *read.fileError;
            if (error.file.isEmpty())
                error.file = fileName;
            throw StoreError(ErrorCode::Invalid, error.text()).withField(error.column);
        }

        // The same file imported before: refused, skipped or replaced, as asked.
        const QString sha256 = QString::fromLatin1(read.sha256);
        if (const auto earlier = importBySha(m_db, sha256)) {
            switch (request.onDuplicate) {
            case DuplicateImport::Refuse:
                throw StoreError(ErrorCode::Conflict, duplicateMessage(fileName, *earlier));
            case DuplicateImport::Skip: // seen before reading, unless the file changed or another import raced
                throw SkippedDuplicate{*earlier};
            case DuplicateImport::Replace: {
                Query remove(m_db, tr("Could not replace the earlier import"));
                remove.prepare(u"DELETE FROM billing_lines WHERE import_id = ?"_s).bind(earlier->id).exec();
                remove.prepare(u"DELETE FROM billing_rollups WHERE import_id = ?"_s).bind(earlier->id).exec();
                remove.prepare(u"DELETE FROM billing_imports WHERE id = ?"_s).bind(earlier->id).exec();
                result.replacedImportId = earlier->id;
                result.notes << tr("Replaced import %1 of the same file (%2, %3).")
                                    .arg(earlier->id).arg(earlier->fileName, SqlTime::format(earlier->importedAt));
                appendAudit(AuditEvent{0, 0, QDateTime::currentDateTimeUtc(), m_actor, u"billing.import.delete"_s,
                                       u"billing_import"_s, QString::number(earlier->id), auditJson(*earlier), {}, {}, {}});
                break;
            }
            }
        }

        // The roll-ups, summed while reading.
        std::vector<const Group*> groups;
        groups.reserve(read.groups.size());
        for (const auto& [key, group] : read.groups)
            groups.push_back(&group);
        std::sort(groups.begin(), groups.end(), [](const Group* a, const Group* b) {
            return std::tie(a->tenantId, a->sharedRule, a->month, a->serviceName, a->serviceCategory, a->currency)
                < std::tie(b->tenantId, b->sharedRule, b->month, b->serviceName, b->serviceCategory, b->currency);
        });
        Query rollup(m_db, tr("Could not write the billing roll-ups"));
        for (const Group* g : groups) {
            rollup.prepare(u"INSERT INTO billing_rollups (tenant_id, import_id, shared_rule, month, service_name, "
                           "service_category, billing_currency, billed_cost, effective_cost, list_cost, line_count) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s)
                .bind(g->tenantId).bind(importId).bind(g->sharedRule)
                .bind(notNull(g->month)).bind(notNull(g->serviceName)).bind(notNull(g->serviceCategory))
                .bind(notNull(g->currency))
                .bind(g->billed.text()).bind(g->effective.text()).bind(g->list.text()).bind(g->lines).exec();
        }

        BillingImport& i = result.import;
        i.id = importId;
        i.fileName = fileName;
        i.sha256 = sha256;
        i.format = reader.format();
        i.importedAt = SqlTime::parse(now);
        i.importedBy = m_actor;
        i.lineCount = read.lines;
        i.unallocatedLines = read.unallocated;
        for (const auto& [currency, sum] : read.billedByCurrency)
            i.currencies << QString::fromUtf8(currency);
        i.currencies.sort();
        i.billedCostTotal = read.billedTotal.text();
        i.firstChargeAt = read.firstCharge.isEmpty() ? QDateTime() : SqlTime::parse(QString::fromUtf8(read.firstCharge));
        i.lastChargeAt = read.lastCharge.isEmpty() ? QDateTime() : SqlTime::parse(QString::fromUtf8(read.lastCharge));
        Query finish(m_db, tr("Could not record the billing import"));
        finish.prepare(u"UPDATE billing_imports SET sha256 = ?, line_count = ?, unallocated_lines = ?, currencies = ?, "
                       "billed_cost_total = ?, first_charge_at = ?, last_charge_at = ? WHERE id = ?"_s)
            .bind(sha256).bind(i.lineCount).bind(i.unallocatedLines).bind(notNull(i.currencies.join(u',').toUtf8()))
            .bind(i.billedCostTotal)
            .bind(i.firstChargeAt.isValid() ? QVariant(SqlTime::format(i.firstChargeAt)) : QVariant(QMetaType::fromType<QString>()))
            .bind(i.lastChargeAt.isValid() ? QVariant(SqlTime::format(i.lastChargeAt)) : QVariant(QMetaType::fromType<QString>()))
            .bind(importId).exec();

        if (read.billedByCurrency.size() > 1) {
            QStringList perCurrency;
            for (const auto& [currency, sum] : read.billedByCurrency)
                perCurrency << QString(sum.text() + u' ' + QString::fromUtf8(currency));
            result.notes << tr("Billed cost per currency: %1.").arg(perCurrency.join(u", "_s));
        }
        result.notes << read.notes;
        QJsonObject after = auditJson(i);
        if (result.replacedImportId != 0)
            after.insert(u"replaced_import_id"_s, result.replacedImportId);
        appendAudit(AuditEvent{0, 0, QDateTime::currentDateTimeUtc(), m_actor, u"billing.import"_s, u"billing_import"_s,
                               QString::number(importId), {}, after, {}, {}});
        report(1000);
        return result;
    });
}

QList<BillingImport> SqlSession::billingImports() const
{
    requirePlatform(m_scope);
    return scoped([&] {
        QList<BillingImport> imports;
        Query q(m_db, tr("Could not read the billing imports"));
        q.prepare(u"SELECT "_s + importColumns + u" FROM billing_imports WHERE sha256 NOT LIKE 'pending:%' "
                  "ORDER BY imported_at DESC, id DESC"_s).exec();
        while (q.next())
            imports.append(importFromRow(q));
        return imports;
    });
}

BillingImport SqlSession::deleteBillingImport(qint64 importId) const
{
    requirePlatform(m_scope);
    return transaction([&] {
        Query q(m_db, tr("Could not read the billing import"));
        q.prepare(u"SELECT "_s + importColumns + u" FROM billing_imports WHERE id = ?"_s).bind(importId).exec();
        if (!q.next())
            throw StoreError(ErrorCode::NotFound, tr("There is no billing import %1; it may have been deleted.").arg(importId));
        const BillingImport before = importFromRow(q);
        Query remove(m_db, tr("Could not delete the billing import"));
        remove.prepare(u"DELETE FROM billing_lines WHERE import_id = ?"_s).bind(importId).exec();
        remove.prepare(u"DELETE FROM billing_rollups WHERE import_id = ?"_s).bind(importId).exec();
        remove.prepare(u"DELETE FROM billing_imports WHERE id = ?"_s).bind(importId).exec();
        appendAudit(AuditEvent{0, 0, QDateTime::currentDateTimeUtc(), m_actor, u"billing.import.delete"_s,
                               u"billing_import"_s, QString::number(importId), auditJson(before), {}, {}, {}});
        return before;
    });
}

} // namespace TenantDesk
