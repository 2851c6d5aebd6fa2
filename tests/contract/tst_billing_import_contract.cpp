// The billing-import part of the Store contract, run by CTest once per backend
// (TENANTDESK_CONTRACT_BACKEND, see ContractStores): the shared FOCUS sample imports with its
// documented total exactly, in the import and in the roll-ups; tags attribute lines to tenants; the
// same file again is refused, skipped or replaced as asked; a broken file and a cancelled import
// leave the database as it was; a tenant admin may not import. Expectations are computed from the
// CSV itself, never written down; the database is looked into directly for what the Store does not
// show (lines and roll-ups per import).

#include "AttributionJson.h"
#include "BillingFile.h"
#include "ContractStores.h"
#include "Decimal.h"
#include "PasswordHash.h"
#include "PreviewStore.h"
#include "RestStore.h"
#include "SqlSession.h"
#include "TestSupport.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFutureWatcher>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTest>

#include <algorithm>
#include <functional>
#include <map>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

namespace {

// The fields of one CSV line as RFC 4180 writes them ("" inside quotes is one quote); the sample's
// unquoted NULL stays the text NULL.
QStringList csvFields(const QString& line)
{
    QStringList fields;
    QString field;
    bool quoted = false;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line.at(i);
        if (quoted) {
            if (c == u'"' && i + 1 < line.size() && line.at(i + 1) == u'"') {
                field += u'"';
                ++i;
            } else if (c == u'"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == u'"') {
            quoted = true;
        } else if (c == u',') {
            fields << field;
            field.clear();
        } else {
            field += c;
        }
    }
    fields << field;
    return fields;
}

// What the sample holds, read from it independently of the importer.
struct SampleFacts {
    qint64 lines = 0;
    DecimalSum billed;
    std::map<QString, DecimalSum> billedByBusinessUnit; // "" for lines without one
    std::map<QString, qint64> linesByBusinessUnit;
    std::map<QString, qint64> linesByServiceCategory;
    QString header;
    QStringList firstLines; // the header and four data lines, for a broken copy
    QStringList dataLines;  // every data line as written, for larger copies
};

// Where each field of a CSV line starts and how long it is as written (quotes included), so that
// one field can be replaced and the rest of the line kept byte for byte.
QList<std::pair<qsizetype, qsizetype>> fieldSpans(const QString& line)
{
    QList<std::pair<qsizetype, qsizetype>> spans;
    qsizetype start = 0;
    bool quoted = false;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line.at(i);
        if (c == u'"')
            quoted = !quoted; // "" inside quotes toggles twice
        else if (!quoted && c == u',') {
            spans.append({start, i - start});
            start = i + 1;
        }
    }
    qsizetype end = line.size();
    while (end > start && (line.at(end - 1) == u'\n' || line.at(end - 1) == u'\r'))
        --end;
    spans.append({start, end - start});
    return spans;
}

// The line with field `index` written as `raw` instead.
QString withField(const QString& line, qsizetype index, const QString& raw)
{
    const auto spans = fieldSpans(line);
    QString changed = line;
    changed.replace(spans.at(index).first, spans.at(index).second, raw);
    return changed;
}

// The line cut before field `index`: a short row.
QString cutBefore(const QString& line, qsizetype index)
{
    return line.left(fieldSpans(line).at(index).first - 1) + u'\n';
}

SampleFacts readSample(const QString& path)
{
    SampleFacts facts;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return facts;
    const QStringList header = csvFields(QString::fromUtf8(file.readLine()).trimmed());
    facts.header = header.join(u',');
    const qsizetype billedColumn = header.indexOf(u"BilledCost"_s);
    const qsizetype tagsColumn = header.indexOf(u"Tags"_s);
    const qsizetype categoryColumn = header.indexOf(u"ServiceCategory"_s);
    file.seek(0);
    facts.firstLines << QString::fromUtf8(file.readLine());
    while (!file.atEnd()) {
        const QString line = QString::fromUtf8(file.readLine());
        if (line.trimmed().isEmpty())
            continue;
        if (facts.firstLines.size() < 5)
            facts.firstLines << line;
        facts.dataLines << line;
        const QStringList fields = csvFields(line.trimmed());
        ++facts.lines;
        facts.billed.add(fields.value(billedColumn));
        const QJsonObject tags = QJsonDocument::fromJson(fields.value(tagsColumn).toUtf8()).object();
        const QString unit = tags.value(u"business_unit"_s).toString();
        facts.billedByBusinessUnit[unit].add(fields.value(billedColumn));
        ++facts.linesByBusinessUnit[unit];
        const QString category = fields.value(categoryColumn);
        ++facts.linesByServiceCategory[category.isEmpty() || category == u"NULL"_s ? u"Other"_s : category];
    }
    return facts;
}

QString samplePath()
{
    return QDir(QStringLiteral(TENANTDESK_SHARED_DATA_DIR)).filePath(u"focus/focus_sample.csv"_s);
}

// The line counts by ServiceCategory that the sample's README documents ("ServiceCategory: Compute
// 443, Storage 209, ..."), read from its text.
std::map<QString, qint64> documentedServiceCategories()
{
    QFile file(QDir(QStringLiteral(TENANTDESK_SHARED_DATA_DIR)).filePath(u"focus/README.md"_s));
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return {};
    const QString readme = QString::fromUtf8(file.readAll());
    const QString label = u"ServiceCategory: "_s;
    const qsizetype at = readme.indexOf(label);
    if (at < 0)
        return {};
    static const QRegularExpression stop(u"\\.(\\s|$)"_s);
    const qsizetype end = stop.match(readme, at).capturedStart();
    const QString list = readme.mid(at + label.size(), end - at - label.size());
    std::map<QString, qint64> counts;
    static const QRegularExpression pair(u"([A-Za-z][A-Za-z ]*?) (\\d+)"_s);
    for (auto it = pair.globalMatch(list); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        counts[m.captured(1).trimmed()] = m.captured(2).toLongLong();
    }
    return counts;
}

} // namespace

class TestBillingImportContract : public QObject
{
    Q_OBJECT

private:
    ContractStores m_stores;
    Store* m_store = nullptr;
    SampleFacts m_sample;
    QString m_connection = u"billing-contract-look"_s;
    qint64 m_firstImportId = 0;
    qint64 m_lineIndexes = 0;

    // A direct look into the database under test, in the platform scope.
    QSqlQuery look(const QString& sql, const QVariantList& values = {})
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection);
        QSqlQuery q(db);
        q.setForwardOnly(true);
        if (db.driverName() == u"QPSQL"_s)
            q.exec(u"SELECT set_config('app.tenant_ids', '*', false)"_s);
        if (!q.prepare(sql))
            qFatal("cannot prepare %s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
        for (const QVariant& value : values)
            q.addBindValue(value);
        if (!q.exec())
            qFatal("cannot run %s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
        return q;
    }
    qint64 count(const QString& sql, const QVariantList& values = {})
    {
        QSqlQuery q = look(sql, values);
        return q.next() ? q.value(0).toLongLong() : -1;
    }
    struct Counts {
        qint64 lines, rollups, imports;
        friend bool operator==(const Counts&, const Counts&) = default;
    };
    Counts counts()
    {
        return {count(u"SELECT count(*) FROM billing_lines"_s), count(u"SELECT count(*) FROM billing_rollups"_s),
                count(u"SELECT count(*) FROM billing_imports"_s)};
    }
    // The roll-ups of an import summed exactly, optionally of one tenant (0: unallocated).
    QString rollupBilled(qint64 importId, std::optional<TenantId> tenantId = std::nullopt)
    {
        QSqlQuery q = tenantId ? look(u"SELECT billed_cost FROM billing_rollups WHERE import_id = ? AND tenant_id = ?"_s,
                                      {importId, *tenantId})
                               : look(u"SELECT billed_cost FROM billing_rollups WHERE import_id = ?"_s, {importId});
        DecimalSum sum;
        while (q.next())
            sum.add(q.value(0).toString());
        return sum.text();
    }

    // What a billing import may change, table by table: its rows (as text, in any order) summed
    // up by SHA-256, so that "as before" means every row, not only their number.
    struct TableState {
        QString table;
        qint64 rows = 0;
        QByteArray digest;
        friend bool operator==(const TableState&, const TableState&) = default;
    };
    QList<TableState> m_stateBeforeBroken; // between the rows of brokenFileChangesNothing
    QList<TableState> billingState()
    {
        QList<TableState> state;
        const QStringList tables{u"billing_lines"_s, u"billing_rollups"_s, u"billing_imports"_s, u"audit_events"_s,
                                 u"attribution_rules"_s, u"tenant_budgets"_s};
        for (const QString& table : tables) {
            // Each row as one text, written by the database (quicker than value by value).
            const QSqlRecord columns = look(u"SELECT * FROM "_s + table + u" WHERE 1 = 0"_s).record();
            QStringList parts;
            for (int c = 0; c < columns.count(); ++c)
                parts << u"coalesce(CAST(%1 AS TEXT), '\\N')"_s.arg(columns.fieldName(c));
            QSqlQuery q = look(u"SELECT "_s + parts.join(u" || '|' || "_s) + u" FROM "_s + table);
            QList<QByteArray> rows;
            while (q.next())
                rows.append(q.value(0).toString().toUtf8());
            std::sort(rows.begin(), rows.end());
            QCryptographicHash hash(QCryptographicHash::Sha256);
            for (const QByteArray& row : std::as_const(rows)) {
                hash.addData(row);
                hash.addData("\x1e");
            }
            state.append({table, rows.size(), hash.result().toHex()});
        }
        if (!m_stores.isPostgres()) {
            // The lines' indexes, which a large import drops and builds again.
            QSqlQuery q = look(u"SELECT name || ':' || sql FROM sqlite_master WHERE type = 'index' "
                                "AND tbl_name LIKE 'billing%' AND sql IS NOT NULL ORDER BY name"_s);
            QStringList indexes;
            while (q.next())
                indexes << q.value(0).toString();
            state.append({u"indexes"_s, indexes.size(), indexes.join(u'\n').toUtf8()});
        }
        return state;
    }

    QString writeFile(const QString& name, const QString& text)
    {
        const QString path = QDir(m_stores.directory()).filePath(name);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return {};
        file.write(text.toUtf8());
        return path;
    }

    // The sample's header and its data lines again and again up to `lines` lines in all, line
    // `brokenLine` (counted as an editor does, the header being line 1) replaced by `broken(line)`.
    QString generated(qsizetype lines, qsizetype brokenLine, const std::function<QString(const QString&)>& broken)
    {
        QString text = m_sample.firstLines.at(0);
        for (qsizetype n = 2; n <= lines; ++n) {
            const QString& line = m_sample.dataLines.at((n - 2) % m_sample.dataLines.size());
            text += n == brokenLine ? broken(line) : line;
        }
        return text;
    }

    QString copyOfSample(const QString& name)
    {
        const QString path = QDir(m_stores.directory()).filePath(name);
        QFile::remove(path);
        QFile::copy(samplePath(), path);
        return path;
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (!m_stores.setUp())
            QFAIL(qPrintable(u"cannot prepare the stores: "_s + m_stores.error()));
        m_store = &m_stores.store();
        SqlSession::connect(DatabaseLocation::parse(m_stores.database()), m_connection);
        m_sample = readSample(samplePath());
        QVERIFY2(m_sample.lines > 0, qPrintable(u"cannot read "_s + samplePath()));
        QVERIFY(m_sample.billedByBusinessUnit.size() > 3);
        if (!m_stores.isPostgres()) {
            m_lineIndexes = count(u"SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'billing_lines' "
                                  "AND sql IS NOT NULL"_s);
            QVERIFY(m_lineIndexes >= 2);
        }
    }

    void cleanupTestCase()
    {
        SqlSession::close(m_connection);
    }

    // Only a platform principal imports: a tenant admin is refused, and nothing is written.
    void tenantAdminIsForbidden()
    {
        const Counts before = counts();
        const Tenant tenant = await(m_store->tenants(TenantQuery{})).items.constFirst();
        const QList<Role> roles = await(m_store->roles(0));
        RoleId tenantAdmin = 0;
        for (const Role& role : roles)
            tenantAdmin = role.name == BuiltInRole::TenantAdmin ? role.id : tenantAdmin;
        const User admin = await(m_store->createUser(NewUser{u"billing-tenant-admin@contract.test"_s, u"Tenant Admin"_s,
                                                             UserStatus::Active, Membership{tenant.id, 0, 0, tenantAdmin}}));
        BillingImportRequest request{copyOfSample(u"forbidden.csv"_s), BillingFormat::Auto, DuplicateImport::Refuse, {}};

        // As the server sees them: signed in with their own password.
        if (m_stores.isRest()) {
            SqlSession session(QSqlDatabase::database(m_connection));
            session.setCredential(admin.id, PasswordHash::hash(u"correct horse battery staple"_s), false);
            ServerConnection connection;
            connection.url = m_stores.serverUrl();
            connection.email = admin.email;
            connection.password = u"correct horse battery staple"_s;
            RestStore asAdmin(connection);
            await(asAdmin.open(OpenMode::OpenExisting));
            const auto error = awaitError(asAdmin.importBilling(request));
            QVERIFY(error);
            QCOMPARE(errorCodeName(error->code()), errorCodeName(ErrorCode::Forbidden));
            QCOMPARE(errorCodeName(awaitError(asAdmin.billingImports())->code()), errorCodeName(ErrorCode::Forbidden));
            QCOMPARE(errorCodeName(awaitError(asAdmin.deleteBillingImport(1))->code()), errorCodeName(ErrorCode::Forbidden));
        } else {
            // A session in a tenant's scope (as the server gives a tenant admin) is refused too.
            SqlSession session(QSqlDatabase::database(m_connection), TenantScope::subtrees({tenant.id}));
            QVERIFY_THROWS_EXCEPTION(StoreError, session.importBilling(request));
            try {
                session.importBilling(request);
            } catch (const StoreError& error) {
                QCOMPARE(errorCodeName(error.code()), errorCodeName(ErrorCode::Forbidden));
            }
        }
        // Previewing them ("View as…") refuses as well.
        PreviewStore preview(m_store, await(m_store->principalOf(admin.id)));
        QCOMPARE(errorCodeName(awaitError(preview.importBilling(request))->code()), errorCodeName(ErrorCode::Forbidden));
        QCOMPARE(errorCodeName(awaitError(preview.billingImports())->code()), errorCodeName(ErrorCode::Forbidden));
        QCOMPARE(counts(), before);
    }

    // The sample, exactly: every line, the documented total in the import and in its roll-ups.
    void sampleImportsExactly()
    {
        const Counts before = counts();
        const BillingImportResult result = await(m_store->importBilling(
            {copyOfSample(u"focus_sample.csv"_s), BillingFormat::Auto, DuplicateImport::Refuse, {}}));
        const BillingImport& i = result.import;
        QVERIFY(!result.skipped);
        QVERIFY(i.id > 0);
        QCOMPARE(i.fileName, u"focus_sample.csv"_s);
        QCOMPARE(i.format, BillingFormat::Focus);
        QCOMPARE(i.lineCount, m_sample.lines);
        QCOMPARE(i.billedCostTotal, m_sample.billed.text());
        QCOMPARE(i.billedCostTotal, u"20.52022672899"_s); // the sample's README
        QCOMPARE(i.currencies, QStringList{u"USD"_s});
        QCOMPARE(i.unallocatedLines, i.lineCount); // no rules yet
        QCOMPARE(i.sha256, QString::fromLatin1(fileDigest(samplePath())));
        QVERIFY(i.firstChargeAt.isValid() && i.lastChargeAt > i.firstChargeAt);
        QCOMPARE(rollupBilled(i.id), m_sample.billed.text());
        QCOMPARE(count(u"SELECT sum(line_count) FROM billing_rollups WHERE import_id = ?"_s, {i.id}), m_sample.lines);
        QCOMPARE(count(u"SELECT count(*) FROM billing_lines WHERE import_id = ?"_s, {i.id}), m_sample.lines);
        QCOMPARE(counts().imports, before.imports + 1);
        // Its lines by ServiceCategory, as the review reads them (the store's totals of this
        // import) and as its lines are listed: as counted in the CSV, and as the README documents
        // (the eight categories it lists; the rest are Identity and Security).
        std::map<QString, qint64> totalsByCategory;
        DecimalSum totalsBilled;
        for (const BillingTotalsRow& row : await(m_store->billingTotals({.importId = i.id}))) {
            QCOMPARE(row.tenantId, TenantId(0));
            QVERIFY(!row.shared);
            totalsByCategory[row.serviceCategory] += row.lineCount;
            totalsBilled.add(row.billedCost);
        }
        QCOMPARE(totalsBilled.text(), m_sample.billed.text());
        QCOMPARE(totalsByCategory, m_sample.linesByServiceCategory);
        const std::map<QString, qint64> documented = documentedServiceCategories();
        QCOMPARE(documented.size(), size_t(8));
        qint64 documentedLines = 0;
        for (const auto& [category, lines] : documented) {
            QCOMPARE(totalsByCategory[category], lines);
            documentedLines += lines;
        }
        QCOMPARE(totalsByCategory[u"Identity"_s] + totalsByCategory[u"Security"_s], m_sample.lines - documentedLines);
        QCOMPARE(totalsByCategory.size(), documented.size() + 2);
        for (const auto& [category, lines] : documented) {
            BillingLineQuery query{.filter = {.serviceCategory = category, .importId = i.id}, .limit = 200};
            qint64 listed = 0;
            for (;;) {
                const Page<BillingLine> page = await(m_store->billingLines(query));
                listed += page.items.size();
                for (const BillingLine& l : page.items)
                    QCOMPARE(l.serviceCategory, category);
                if (page.isLast())
                    break;
                query.cursor = page.nextCursor;
            }
            QCOMPARE(listed, lines);
        }
        // Audited in the platform's chain.
        QCOMPARE(count(u"SELECT count(*) FROM audit_events WHERE action = 'billing.import' AND object_id = ? "
                       "AND tenant_id IS NULL"_s, {QString::number(i.id)}), 1);
        // Listed, newest first.
        const QList<BillingImport> imports = await(m_store->billingImports());
        QVERIFY(!imports.isEmpty());
        QCOMPARE(imports.constFirst().id, i.id);
        QCOMPARE(imports.constFirst().billedCostTotal, i.billedCostTotal);
        m_firstImportId = i.id;
    }

    // The same bytes under another name: refused naming the earlier import, and nothing written.
    void sameFileAgainIsRefused()
    {
        QVERIFY(m_firstImportId > 0);
        const Counts before = counts();
        const auto error = awaitError(m_store->importBilling(
            {copyOfSample(u"again.csv"_s), BillingFormat::Auto, DuplicateImport::Refuse, {}}));
        QVERIFY(error);
        QCOMPARE(errorCodeName(error->code()), errorCodeName(ErrorCode::Conflict));
        QVERIFY2(error->message().contains(u"focus_sample.csv"_s), qPrintable(error->message()));
        QVERIFY2(error->message().contains(QString::number(m_firstImportId)), qPrintable(error->message()));
        QCOMPARE(counts(), before);

        const BillingImportResult skipped = await(m_store->importBilling(
            {copyOfSample(u"again.csv"_s), BillingFormat::Auto, DuplicateImport::Skip, {}}));
        QVERIFY(skipped.skipped);
        QCOMPARE(skipped.import.id, 0);
        QCOMPARE(counts(), before);
    }

    // A broken file is refused as Invalid naming the file, the line and the column, and leaves
    // every billing table (lines, roll-ups, imports, rules, budgets, audit) as it was: the small
    // files break on line 5; the large ones after two batches of 2,048 lines went to the writer.
    // The tenant tag key asked for, which an import adds to the rules, is not kept either.
    void brokenFileChangesNothing_data()
    {
        QTest::addColumn<QString>("fileName");
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("column");
        QTest::addColumn<QString>("says");
        QTest::addColumn<bool>("afterBatches");
        QVERIFY(m_sample.firstLines.size() == 5 && m_sample.dataLines.size() > 500);
        const QStringList header = csvFields(m_sample.firstLines.at(0).trimmed());
        const auto column = [&header](const QString& name) {
            const qsizetype index = header.indexOf(name);
            if (index < 0)
                qFatal("the sample has no column %s", qPrintable(name));
            return index;
        };
        // The first four lines as they are, the fifth one changed.
        const auto small = [this](const QString& fifth) -> QString {
            return m_sample.firstLines.first(4).join(QString()) + fifth;
        };
        const QString fifth = m_sample.firstLines.at(4);
        QVERIFY(csvFields(fifth.trimmed()).size() == header.size());
        const QString headerSize = QString::number(header.size());

        QTest::newRow("bad quoting") << u"broken-quote.csv"_s << small(withField(fifth, column(u"BillingCurrency"_s), u"US\"D"_s))
                                     << 5 << u"BillingCurrency"_s << u"quote"_s << false;
        QTest::newRow("unclosed quote") << u"broken-unclosed.csv"_s
                                        << small(withField(fifth, column(u"Tags"_s), u"\"{\"\"business_unit\"\":\"\"Atlas\"\"}"_s))
                                        << 5 << u"Tags"_s << u"not closed"_s << false;
        QTest::newRow("short row") << u"broken-short.csv"_s << small(cutBefore(fifth, column(u"BillingPeriodEnd"_s))) << 5
                                   << u"BillingPeriodEnd"_s << QString(u"of the header's "_s + headerSize) << false;
        QTest::newRow("bad number") << u"broken-number.csv"_s << small(withField(fifth, column(u"BilledCost"_s), u"12.5.3"_s))
                                    << 5 << u"BilledCost"_s << u"“12.5.3” is not a number"_s << false;
        QTest::newRow("bad date") << u"broken-date.csv"_s
                                  << small(withField(fifth, column(u"ChargePeriodStart"_s), u"\"2024-09-31 01:00:00\""_s))
                                  << 5 << u"ChargePeriodStart"_s << u"not a valid date"_s << false;
        QTest::newRow("bad tags") << u"broken-tags.csv"_s
                                  << small(withField(fifth, column(u"Tags"_s), u"\"{\"\"business_unit\"\":\"\"Atlas\"\"\""_s))
                                  << 5 << u"Tags"_s << u"tags"_s << false;
        // More than the store sums exactly (an amount stays below 10^18); the second line of the
        // file is a record on two lines, so that the broken one is line 6, not the fifth record + 1.
        const QString huge = u"12345678901234567890.5"_s;
        QTest::newRow("amount too large") << u"broken-large.csv"_s << small(withField(fifth, column(u"BilledCost"_s), huge))
                                          << 5 << u"BilledCost"_s << u"too large"_s << false;
        QStringList twoLines = m_sample.firstLines;
        twoLines[1] = withField(twoLines.at(1), column(u"ChargeDescription"_s), u"\"first part\nsecond part\""_s);
        twoLines[4] = withField(twoLines.at(4), column(u"EffectiveCost"_s), huge);
        QTest::newRow("amount too large after a value on two lines") << u"broken-large-2.csv"_s << twoLines.join(QString())
                                                                     << 6 << u"EffectiveCost"_s << u"too large"_s << false;
        // Line 5,000 of 6,000: the reader stops in the middle of its third batch.
        QTest::newRow("bad number on line 5,000")
            << u"broken-late-number.csv"_s
            << generated(6000, 5000, [&](const QString& line) { return withField(line, column(u"BilledCost"_s), u"\"1,5\""_s); })
            << 5000 << u"BilledCost"_s << u"“1,5” is not a number"_s << true;
        // The last of 4,500 lines is short: every line before it has been read and sent.
        QTest::newRow("short row on the last line, 4,500")
            << u"broken-late-short.csv"_s
            << generated(4500, 4500, [&](const QString& line) { return cutBefore(line, column(u"Tags"_s)); })
            << 4500 << u"Tags"_s << QString(u"of the header's "_s + headerSize) << true;
    }

    void brokenFileChangesNothing()
    {
        QFETCH(QString, fileName);
        QFETCH(QString, text);
        QFETCH(int, line);
        QFETCH(QString, column);
        QFETCH(QString, says);
        QFETCH(bool, afterBatches);
        const QString path = writeFile(fileName, text);
        QVERIFY(!path.isEmpty());
        // Unchanged by the rows before (each checks it), so read once for them all.
        const QList<TableState> before = m_stateBeforeBroken.isEmpty() ? billingState() : std::exchange(m_stateBeforeBroken, {});
        QVERIFY(!before.isEmpty());
        const qsizetype importsBefore = await(m_store->billingImports()).size();
        const AttributionRules rulesBefore = await(m_store->attributionRules());
        QVERIFY(!rulesBefore.tenantTagKeys.contains(u"broken-import-tag"_s));

        QFuture<BillingImportResult> future = m_store->importBilling(
            {path, BillingFormat::Auto, DuplicateImport::Refuse, u"broken-import-tag"_s});
        const auto error = awaitError(future);
        QVERIFY2(error, "the broken file was imported");
        QCOMPARE(errorCodeName(error->code()), errorCodeName(ErrorCode::Invalid));
        const QString message = error->message();
        QVERIFY2(message.contains(fileName), qPrintable(message));
        QVERIFY2(message.contains(u"line "_s + QString::number(line) + u','), qPrintable(message));
        QVERIFY2(message.contains(u"column "_s + column), qPrintable(message));
        QVERIFY2(message.contains(says), qPrintable(message));
        QCOMPARE(error->field(), column);
        // On a database the writer reported the batches it wrote before the broken line was read
        // (through a server, progress is the upload's).
        if (afterBatches && !m_stores.isRest())
            QVERIFY2(future.progressValue() > 0, "no batch reached the writer before the error");

        const QList<TableState> after = billingState();
        QCOMPARE(after.size(), before.size());
        for (qsizetype t = 0; t < before.size(); ++t) {
            QVERIFY2(after.at(t) == before.at(t),
                     qPrintable(u"%1: %2 rows before, %3 after, or changed"_s.arg(before.at(t).table)
                                    .arg(before.at(t).rows).arg(after.at(t).rows)));
        }
        // And the store goes on as before.
        QCOMPARE(await(m_store->billingImports()).size(), importsBefore);
        QCOMPARE(await(m_store->attributionRules()), rulesBefore);
        m_stateBeforeBroken = after;
    }

    // Replaced, now attributed: business_unit values that are tenants' slugs, and one mapped
    // explicitly; the old lines are gone and the totals are the same.
    void replaceAttributesByTags()
    {
        QVERIFY(m_firstImportId > 0);
        // Two business units become tenants of that slug; a third one is mapped to a tenant.
        static const QRegularExpression slugLike(u"^[a-z][a-z0-9-]{1,40}$"_s);
        QStringList units;
        for (const auto& [unit, sum] : m_sample.billedByBusinessUnit) {
            if (slugLike.match(unit.toLower()).hasMatch())
                units << unit;
        }
        QVERIFY(units.size() >= 3);
        QList<TenantId> ids;
        for (qsizetype k = 0; k < 3; ++k) {
            const QString slug = k < 2 ? units.at(k).toLower() : u"mapped-business-unit"_s;
            ids << await(m_store->createTenant(NewTenant{slug, units.at(k), 0, {}, u"UTC"_s, u"en"_s, {}})).id;
        }
        AttributionRules rules;
        rules.mappings.append(AttributionMapping{AttributionSource::Tag, u"business_unit"_s, units.at(2), ids.at(2)});
        QJsonObject document = AttributionJson::toJson(rules);
        document.remove(u"version"_s);
        const QString upsert = u"INSERT INTO attribution_rules (id, rules, version) VALUES (1, ?, 1) "
                               "ON CONFLICT (id) DO UPDATE SET rules = excluded.rules, version = excluded.version"_s;
        look(upsert, {QString::fromUtf8(QJsonDocument(document).toJson(QJsonDocument::Compact))});

        const Counts before = counts();
        const BillingImportResult result = await(m_store->importBilling(
            {copyOfSample(u"focus_sample.csv"_s), BillingFormat::Focus, DuplicateImport::Replace, u"business_unit"_s}));
        const BillingImport& i = result.import;
        QCOMPARE(result.replacedImportId, m_firstImportId);
        QVERIFY(i.id != m_firstImportId);
        QCOMPARE(i.billedCostTotal, m_sample.billed.text());
        QCOMPARE(count(u"SELECT count(*) FROM billing_lines WHERE import_id = ?"_s, {m_firstImportId}), 0);
        QCOMPARE(count(u"SELECT count(*) FROM billing_rollups WHERE import_id = ?"_s, {m_firstImportId}), 0);
        QCOMPARE(count(u"SELECT count(*) FROM billing_imports WHERE id = ?"_s, {m_firstImportId}), 0);
        QCOMPARE(counts().lines, before.lines);
        QCOMPARE(counts().imports, before.imports);

        qint64 attributed = 0;
        for (qsizetype k = 0; k < 3; ++k) {
            QCOMPARE(rollupBilled(i.id, ids.at(k)), m_sample.billedByBusinessUnit.at(units.at(k)).text());
            QCOMPARE(count(u"SELECT count(*) FROM billing_lines WHERE import_id = ? AND tenant_id = ?"_s, {i.id, ids.at(k)}),
                     m_sample.linesByBusinessUnit.at(units.at(k)));
            attributed += m_sample.linesByBusinessUnit.at(units.at(k));
        }
        QCOMPARE(i.unallocatedLines, m_sample.lines - attributed);
        QCOMPARE(rollupBilled(i.id), m_sample.billed.text());
        // The tag key asked for is kept in the rules, beside the mapping.
        QSqlQuery q = look(u"SELECT rules FROM attribution_rules WHERE id = 1"_s);
        QVERIFY(q.next());
        const AttributionRules kept = AttributionJson::fromJson(QJsonDocument::fromJson(q.value(0).toByteArray()).object());
        QCOMPARE(kept.tenantTagKeys, QStringList{u"business_unit"_s});
        QCOMPARE(kept.mappings.size(), 1);
        if (!m_stores.isPostgres())
            QCOMPARE(count(u"SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'billing_lines' "
                           "AND sql IS NOT NULL"_s), m_lineIndexes);
        m_firstImportId = i.id;
    }

    // Deleting an import takes its lines and roll-ups with it.
    void deleteRemovesLinesAndRollups()
    {
        QVERIFY(m_firstImportId > 0);
        const Counts before = counts();
        const BillingImport deleted = await(m_store->deleteBillingImport(m_firstImportId));
        QCOMPARE(deleted.id, m_firstImportId);
        QCOMPARE(deleted.lineCount, m_sample.lines);
        const Counts after = counts();
        QCOMPARE(after.lines, before.lines - m_sample.lines);
        QCOMPARE(after.imports, before.imports - 1);
        QCOMPARE(count(u"SELECT count(*) FROM billing_rollups WHERE import_id = ?"_s, {m_firstImportId}), 0);
        QCOMPARE(errorCodeName(awaitError(m_store->deleteBillingImport(m_firstImportId))->code()),
                 errorCodeName(ErrorCode::NotFound));
        for (const BillingImport& i : await(m_store->billingImports()))
            QVERIFY(i.id != m_firstImportId);
    }

    // Cancelled half-way through a larger file: nothing kept.
    void cancelRollsBack()
    {
        // The sample's data lines again and again, until ~40 MB.
        const QString path = QDir(m_stores.directory()).filePath(u"large-focus.csv"_s);
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(m_sample.firstLines.at(0).toUtf8());
            QFile sample(samplePath());
            QVERIFY(sample.open(QIODevice::ReadOnly));
            sample.readLine();
            const QByteArray body = sample.readAll();
            while (file.size() < 40 * 1024 * 1024)
                file.write(body);
        }
        const Counts before = counts();
        QFuture<BillingImportResult> future = m_store->importBilling({path, BillingFormat::Auto, DuplicateImport::Refuse, {}});
        QVERIFY2(QTest::qWaitFor([&] { return future.isFinished() || future.progressValue() >= 20; }, 60000),
                 "the import reported no progress");
        if (future.isFinished()) {
            const auto error = awaitError(future);
            QFAIL(qPrintable(u"the import finished before it could be cancelled: "_s
                             + (error ? error->fullMessage() : u"imported"_s)));
        }
        future.cancel();
        QVERIFY(QTest::qWaitFor([&] { return future.isFinished(); }, 120000));
        QVERIFY(future.isCanceled());
        // The store settles (the server's transaction, if it started, rolls back) before looking.
        QTest::qWait(500);
        QCOMPARE(counts(), before);
        // The lines' indexes, which a large import builds again at its end, are all still there.
        if (!m_stores.isPostgres())
            QCOMPARE(count(u"SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'billing_lines' "
                           "AND sql IS NOT NULL"_s), m_lineIndexes);
        // And the store goes on working.
        QCOMPARE(await(m_store->billingImports()).size(), counts().imports);
    }
};

QTEST_GUILESS_MAIN(TestBillingImportContract)
#include "tst_billing_import_contract.moc"
