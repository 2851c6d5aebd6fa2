// Billing exports as published (issue 6, item 2): FOCUS, AWS CUR (legacy and 2.0) and Azure cost
// details (EA and MCA), plain, .gz or .zip, read onto FOCUS columns; broken files refused with the
// file, line and column named.
#include "BillingFile.h"
#include "Decimal.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <numeric>

using namespace TenantDesk;
using namespace Qt::StringLiterals;

namespace {

QString focusSample()
{
    return QStringLiteral(TENANTDESK_SHARED_DATA_DIR "/focus/focus_sample.csv");
}

QString syntheticSample(const QString& name)
{
    return QStringLiteral(TENANTDESK_SHARED_DATA_DIR "/billing/") + name;
}

// A record copied out of the reader's buffers.
struct Line {
    QString provider, billingAccount, subAccountId, subAccountName, billingStart, billingEnd, chargeStart, chargeEnd,
        chargeCategory, serviceName, serviceCategory, region, resource, billed, effective, list, currency, tags;
    QHash<QString, QString> tagValues;

    bool amountLooksScientific() const
    {
        for (const QString* amount : {&billed, &effective, &list}) {
            if (amount->contains(u'e') || amount->contains(u'E') || amount->startsWith(u'+'))
                return true;
        }
        return false;
    }
};

struct Contents {
    QList<Line> lines;
    std::optional<BillingFileError> error;
    BillingFormat format = BillingFormat::Auto;
    QByteArray sha256;
    QStringList notes;
    qint64 bytesRead = 0;
    qint64 totalBytes = 0;
    qint64 linesRead = 0;

    QString billedTotal() const
    {
        DecimalSum sum;
        for (const Line& line : lines)
            sum.add(line.billed);
        return sum.text(0);
    }
    QString sum(QString Line::*field) const
    {
        DecimalSum sum;
        for (const Line& line : lines)
            sum.add(line.*field);
        return sum.text(0);
    }
    QMap<QString, int> count(QString Line::*field) const
    {
        QMap<QString, int> counts;
        for (const Line& line : lines)
            ++counts[line.*field];
        return counts;
    }
};

Contents readAll(const QString& path, BillingFormat format = BillingFormat::Auto, const QStringList& wanted = {})
{
    Contents contents;
    BillingFileReader reader(path, format);
    reader.setWantedTagKeys(wanted);
    if (!reader.open()) {
        contents.error = reader.error();
        return contents;
    }
    contents.format = reader.format();
    BillingRecord r;
    while (reader.next(r)) {
        const auto s = [](QByteArrayView v) { return QString::fromUtf8(v); };
        contents.lines.append({s(r.providerName), s(r.billingAccountId), s(r.subAccountId), s(r.subAccountName),
                               s(r.billingPeriodStart), s(r.billingPeriodEnd), s(r.chargePeriodStart),
                               s(r.chargePeriodEnd), s(r.chargeCategory), s(r.serviceName), s(r.serviceCategory),
                               s(r.regionId), s(r.resourceId), s(r.billedCost), s(r.effectiveCost), s(r.listCost),
                               s(r.billingCurrency), s(r.tags), r.tagValues});
    }
    contents.error = reader.error();
    contents.sha256 = reader.sha256();
    contents.notes = reader.notes();
    contents.bytesRead = reader.bytesRead();
    contents.totalBytes = reader.totalBytes();
    contents.linesRead = reader.linesRead();
    return contents;
}

QByteArray readFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& bytes)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        return {};
    return path;
}

// The README's documented figures, read from its text so that the test checks the sample against
// what its documentation says.
struct Documented {
    int rows = 0;
    QString billedTotal;
    QMap<QString, int> serviceCategories;
    QMap<QString, int> providers;
    int nullTags = 0;
};

QMap<QString, int> countsAfter(const QString& text, const QString& label)
{
    QMap<QString, int> counts;
    const qsizetype at = text.indexOf(label);
    if (at < 0)
        return counts;
    qsizetype end = text.indexOf(u"."_s, at);
    // A list may wrap onto the next line; it ends at a full stop followed by white space, or a remark in brackets.
    static const QRegularExpression stop(u"\\.(\\s|$)|\\("_s);
    const QRegularExpressionMatch m = stop.match(text, at);
    if (m.hasMatch())
        end = m.capturedStart();
    const QString list = text.mid(at + label.size(), end - at - label.size());
    static const QRegularExpression pair(u"([A-Za-z][A-Za-z ]*?) (\\d+)"_s);
    for (auto it = pair.globalMatch(list); it.hasNext();) {
        const QRegularExpressionMatch p = it.next();
        counts.insert(p.captured(1).trimmed(), p.captured(2).toInt());
    }
    return counts;
}

Documented documented()
{
    const QString readme = QString::fromUtf8(readFile(QStringLiteral(TENANTDESK_SHARED_DATA_DIR "/focus/README.md")));
    Documented d;
    static const QRegularExpression rows(u"\\| `focus_sample.csv` \\| ([\\d,]+) \\|"_s);
    d.rows = rows.match(readme).captured(1).remove(u',').toInt();
    static const QRegularExpression sum(u"Sum\\(BilledCost\\) = (\\d+(?:\\.\\d+)?)"_s);
    d.billedTotal = sum.match(readme).captured(1);
    static const QRegularExpression nulls(u"(\\d+) are `NULL`"_s);
    d.nullTags = nulls.match(readme).captured(1).toInt();
    d.serviceCategories = countsAfter(readme, u"ServiceCategory: "_s);
    d.providers = countsAfter(readme, u"ProviderName: "_s);
    return d;
}


// The synthetic samples' documented totals, from tests/data/billing/README.md.
struct SampleTotals {
    int lines = 0;
    QString billed;
    QString list;
    QString currency;
};

SampleTotals sampleTotals(const QString& file)
{
    const QString readme = QString::fromUtf8(readFile(QStringLiteral(TENANTDESK_SHARED_DATA_DIR "/billing/README.md")));
    const QRegularExpression row(u"\\| `"_s + QRegularExpression::escape(file)
                                 + u"` \\| (\\d+) \\| ([-\\d.]+) \\| ([-\\d.]+) \\| ([A-Z]{3}) \\|"_s);
    const QRegularExpressionMatch m = row.match(readme);
    return {m.captured(1).toInt(), m.captured(2), m.captured(3), m.captured(4)};
}

// The text of an error, and that it names the file, the line and (when given) the column.
bool names(const std::optional<BillingFileError>& error, const QString& file, qint64 line, const QString& column)
{
    return error && error->file == file && error->line == line && error->column == column
        && error->text().contains(file) && error->text().contains(u"line "_s + QString::number(line))
        && (column.isEmpty() || error->text().contains(column));
}

QByteArray gzip(const QByteArray& data)
{
    QProcess process;
    process.start(u"gzip"_s, {u"-c"_s, u"-n"_s});
    process.write(data);
    process.closeWriteChannel();
    process.waitForFinished(60000);
    return process.readAllStandardOutput();
}

// A zip file made by Python's zipfile (deflated, or stored), holding the given entries.
bool makeZip(const QString& zipPath, const QStringList& entries, bool stored = false)
{
    QStringList arguments{u"-c"_s,
                          u"import sys, zipfile\n"
                          "z = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_STORED if sys.argv[2] == 's' else zipfile.ZIP_DEFLATED)\n"
                          "for p in sys.argv[3:]:\n"
                          "    name, _, path = p.partition('=')\n"
                          "    z.write(path, name)\n"
                          "z.close()\n"_s,
                          zipPath, stored ? u"s"_s : u"d"_s};
    arguments += entries;
    QProcess process;
    process.start(u"python3"_s, arguments);
    return process.waitForFinished(60000) && process.exitCode() == 0;
}

} // namespace

class TestBillingFile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void focusSampleHasItsDocumentedFigures()
    {
        const Documented expected = documented();
        QCOMPARE(expected.rows, 1000);
        QVERIFY(!expected.billedTotal.isEmpty());
        QCOMPARE(expected.serviceCategories.size(), 8);
        QCOMPARE(expected.providers.size(), 3);

        const Contents c = readAll(focusSample());
        QVERIFY2(!c.error, qPrintable(c.error ? c.error->text() : QString()));
        QCOMPARE(c.format, BillingFormat::Focus);
        QCOMPARE(c.lines.size(), expected.rows);
        QCOMPARE(c.linesRead, expected.rows);
        QCOMPARE(c.billedTotal(), expected.billedTotal);
        // The README lists the eight largest categories (994 lines); the other six lines are
        // Identity (4) and Security (2), which it leaves out.
        const QMap<QString, int> categories = c.count(&Line::serviceCategory);
        for (auto it = expected.serviceCategories.cbegin(); it != expected.serviceCategories.cend(); ++it)
            QCOMPARE(categories.value(it.key()), it.value());
        QCOMPARE(categories.value(u"Identity"_s) + categories.value(u"Security"_s),
                 expected.rows - std::accumulate(expected.serviceCategories.cbegin(), expected.serviceCategories.cend(), 0));
        QCOMPARE(categories.size(), expected.serviceCategories.size() + 2);
        QCOMPARE(c.count(&Line::provider), expected.providers);
        QCOMPARE(c.count(&Line::tags).value(u"{}"_s), expected.nullTags);
        QVERIFY(c.notes.join(u'\n').contains(QString::number(expected.nullTags)));
        QCOMPARE(c.count(&Line::chargeCategory), (QMap<QString, int>{{u"Usage"_s, 997}, {u"Adjustment"_s, 2}, {u"Credit"_s, 1}}));
        QCOMPARE(c.count(&Line::currency), (QMap<QString, int>{{u"USD"_s, 1000}}));
        QCOMPARE(c.sha256.toHex(), "e91e5ac7edf01ed2c9d926f37ef7dc1ae2aae97956fea8da6c9ee488b1c2839e");
        QCOMPARE(c.bytesRead, c.totalBytes);

        // Times become UTC ISO 8601; tags compact JSON that parses, " org" with its space kept.
        const Line& first = c.lines.first();
        QCOMPARE(first.billingStart, u"2024-09-01T00:00:00Z"_s);
        QCOMPARE(first.billingEnd, u"2024-10-01T00:00:00Z"_s);
        QCOMPARE(first.chargeStart, u"2024-09-18T22:00:00Z"_s);
        QCOMPARE(first.chargeEnd, u"2024-09-18T23:00:00Z"_s);
        QCOMPARE(first.billed, u"0.00000080000"_s);
        QCOMPARE(first.serviceName, u"Amazon Simple Queue Service"_s);
        QCOMPARE(first.subAccountName, u"Atlas Nimbus"_s);
        QCOMPARE(first.tags, u"{}"_s);
        QCOMPARE(c.lines.at(1).tags,
                 uR"({"application":"BrightLensMatrix","environment":"dev","business_unit":"ViennaAI"})"_s);
        int spaceOrg = 0;
        for (const Line& line : c.lines) {
            QJsonParseError error;
            const QJsonDocument doc = QJsonDocument::fromJson(line.tags.toUtf8(), &error);
            QVERIFY2(doc.isObject(), qPrintable(line.tags));
            spaceOrg += doc.object().contains(u" org"_s);
            QVERIFY(!line.tags.contains(u": "_s));
        }
        QVERIFY(spaceOrg > 0);
    }

    void wantedTagValuesComeWithTheLine()
    {
        const Contents c = readAll(focusSample(), BillingFormat::Auto, {u"business_unit"_s, u" org"_s, u"absent"_s});
        QVERIFY(!c.error);
        int businessUnits = 0;
        int spaceOrgs = 0;
        for (const Line& line : c.lines) {
            const QJsonObject tags = QJsonDocument::fromJson(line.tags.toUtf8()).object();
            QCOMPARE(line.tagValues.value(u"business_unit"_s), tags.value(u"business_unit"_s).toString());
            QCOMPARE(line.tagValues.contains(u"business_unit"_s), tags.contains(u"business_unit"_s));
            QCOMPARE(line.tagValues.contains(u" org"_s), tags.contains(u" org"_s));
            QVERIFY(!line.tagValues.contains(u"absent"_s));
            businessUnits += line.tagValues.contains(u"business_unit"_s);
            spaceOrgs += line.tagValues.contains(u" org"_s);
        }
        QCOMPARE(businessUnits, 660);
        QVERIFY(spaceOrgs > 0);
    }

    void detectsEachFormatFromItsHeader_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<BillingFormat>("format");
        QTest::newRow("FOCUS") << focusSample() << BillingFormat::Focus;
        QTest::newRow("AWS CUR") << syntheticSample(u"aws_cur_legacy.csv"_s) << BillingFormat::AwsCur;
        QTest::newRow("AWS CUR 2.0") << syntheticSample(u"aws_cur2.csv"_s) << BillingFormat::AwsCur2;
        QTest::newRow("Azure EA") << syntheticSample(u"azure_ea.csv"_s) << BillingFormat::AzureEa;
        QTest::newRow("Azure MCA") << syntheticSample(u"azure_mca.csv"_s) << BillingFormat::AzureMca;
        QTest::newRow("FOCUS 1.3") << syntheticSample(u"focus13.csv"_s) << BillingFormat::Focus;
    }

    void detectsEachFormatFromItsHeader()
    {
        QFETCH(QString, file);
        QFETCH(BillingFormat, format);
        const QByteArray bytes = readFile(file);
        QByteArray header = bytes.left(bytes.indexOf('\n'));
        if (header.endsWith('\r'))
            header.chop(1);
        QCOMPARE(detectBillingFormat(header), std::optional<BillingFormat>(format));
        BillingFileReader reader(file);
        QVERIFY(reader.open());
        QCOMPARE(reader.format(), format);
        // Given explicitly, the right format is accepted, and every other one refused with the
        // first column it needs and lacks named on line 1.
        BillingFileReader same(file, format);
        QVERIFY(same.open());
        for (BillingFormat other : {BillingFormat::Focus, BillingFormat::AwsCur, BillingFormat::AwsCur2,
                                    BillingFormat::AzureEa, BillingFormat::AzureMca}) {
            if (other == format || (other == BillingFormat::AzureEa && format == BillingFormat::AzureMca)
                || (other == BillingFormat::AzureMca && format == BillingFormat::AzureEa))
                continue;
            BillingFileReader wrong(file, other);
            QVERIFY2(!wrong.open(), qPrintable(billingFormatKey(other)));
            QCOMPARE(wrong.error()->line, 1);
            QVERIFY(!wrong.error()->column.isEmpty());
            QVERIFY(wrong.error()->text().contains(wrong.error()->column));
        }
        QCOMPARE(detectBillingFormat("name,email,role"), std::nullopt);
    }

    void unknownHeaderIsRefused()
    {
        QTemporaryDir dir;
        const QString path = writeFile(dir, u"users.csv"_s, "email,name\na@example.com,A\n");
        BillingFileReader reader(path);
        QVERIFY(!reader.open());
        QCOMPARE(reader.error()->file, u"users.csv"_s);
        QCOMPARE(reader.error()->line, 1);
        QVERIFY(reader.error()->text().contains(u"FOCUS"_s));
    }

    void syntheticSamplesMapTheirTotals_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("tenantKey");
        QTest::addColumn<bool>("categoryDerived"); // the format has no ServiceCategory of its own
        QTest::newRow("AWS CUR") << u"aws_cur_legacy.csv"_s << u"user:tenant"_s << true;
        QTest::newRow("AWS CUR 2.0") << u"aws_cur2.csv"_s << u"user_tenant"_s << true;
        QTest::newRow("Azure EA") << u"azure_ea.csv"_s << u"tenant"_s << true;
        QTest::newRow("Azure MCA") << u"azure_mca.csv"_s << u"tenant"_s << true;
        QTest::newRow("FOCUS 1.3") << u"focus13.csv"_s << u"tenant"_s << false;
    }

    void syntheticSamplesMapTheirTotals()
    {
        QFETCH(QString, file);
        QFETCH(QString, tenantKey);
        QFETCH(bool, categoryDerived);
        const SampleTotals expected = sampleTotals(file);
        QVERIFY(expected.lines > 0);
        const Contents c = readAll(syntheticSample(file), BillingFormat::Auto, {tenantKey});
        QVERIFY2(!c.error, qPrintable(c.error ? c.error->text() : QString()));
        QCOMPARE(c.lines.size(), expected.lines);
        QCOMPARE(c.billedTotal(), expected.billed);
        QCOMPARE(c.sum(&Line::list), expected.list);
        QCOMPARE(c.count(&Line::currency), (QMap<QString, int>{{expected.currency, expected.lines}}));
        static const QRegularExpression utc(u"^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$"_s);
        QMap<QString, int> tenants;
        for (const Line& line : c.lines) {
            for (const QString& time : {line.billingStart, line.billingEnd, line.chargeStart, line.chargeEnd})
                QVERIFY2(utc.match(time).hasMatch(), qPrintable(time));
            QVERIFY(line.chargeStart < line.chargeEnd);
            QCOMPARE(line.billingStart, u"2024-09-01T00:00:00Z"_s);
            QCOMPARE(line.billingEnd, u"2024-10-01T00:00:00Z"_s);
            QVERIFY(QStringList({u"Usage"_s, u"Purchase"_s, u"Tax"_s, u"Credit"_s, u"Adjustment"_s}).contains(line.chargeCategory));
            QVERIFY(!line.serviceName.isEmpty());
            QVERIFY(!line.serviceCategory.isEmpty());
            QVERIFY(!line.subAccountId.isEmpty());
            QVERIFY(!line.amountLooksScientific());
            const QJsonObject tags = QJsonDocument::fromJson(line.tags.toUtf8()).object();
            QCOMPARE(line.tagValues.value(tenantKey), tags.value(tenantKey).toString());
            ++tenants[line.tagValues.value(tenantKey)];
        }
        // Every fourth line has no tenant tag; the others name acme, globex and initech in turn.
        QCOMPARE(tenants.value(QString()), expected.lines / 4);
        QCOMPARE(tenants.value(u"acme"_s), (expected.lines + 3) / 4);
        QVERIFY(tenants.value(u"globex"_s) > 0 && tenants.value(u"initech"_s) > 0);
        // Derived from the service where the format has no ServiceCategory, and said so; taken as
        // written where it has one.
        QCOMPARE(c.notes.join(u'\n').contains(u"ServiceCategory"_s), categoryDerived);
        QCOMPARE(c.count(&Line::serviceCategory).value(u"Compute"_s) > 0, true);
    }

    // FOCUS 1.3 names the provider ServiceProviderName and drops ProviderName: the provider is
    // the one that provides the service (not the host, not the invoice issuer); the columns 1.1 to
    // 1.3 added and the provider's x_ columns change nothing else.
    void focus13Mapping()
    {
        const QString file = syntheticSample(u"focus13.csv"_s);
        const QByteArray bytes = readFile(file);
        const QList<QByteArray> header = bytes.left(bytes.indexOf('\n')).split(',');
        QVERIFY(!header.contains("ProviderName"));
        QVERIFY(header.contains("ServiceProviderName") && header.contains("HostProviderName"));
        QVERIFY(std::any_of(header.cbegin(), header.cend(), [](const QByteArray& name) { return name.startsWith("x_"); }));
        const Contents c = readAll(file, BillingFormat::Auto, {u"tenant"_s, u"x_environment"_s});
        QVERIFY2(!c.error, qPrintable(c.error ? c.error->text() : QString()));
        QCOMPARE(c.format, BillingFormat::Focus);
        // The services and their providers, as the file writes them (every fifth line is the
        // marketplace's "Vector Search" of another provider, hosted by the cloud).
        const QMap<QString, int> providers = c.count(&Line::provider);
        QCOMPARE(providers, (QMap<QString, int>{{u"Example Cloud"_s, 24}, {u"Vectorly Inc."_s, 6}}));
        for (const Line& line : c.lines) {
            QCOMPARE(line.provider, line.serviceName == u"Vector Search"_s ? u"Vectorly Inc."_s : u"Example Cloud"_s);
            QCOMPARE(line.currency, u"EUR"_s); // BillingCurrency, not the PricingCurrency (USD)
            QVERIFY(line.tagValues.value(u"x_environment"_s) == u"production"_s
                    || line.tagValues.value(u"x_environment"_s) == u"staging"_s);
        }
        QCOMPARE(c.count(&Line::serviceCategory),
                 (QMap<QString, int>{{u"Compute"_s, 6}, {u"Storage"_s, 6}, {u"Databases"_s, 6}, {u"Networking"_s, 6},
                                     {u"AI and Machine Learning"_s, 6}}));
        QCOMPARE(c.count(&Line::chargeCategory),
                 (QMap<QString, int>{{u"Usage"_s, 22}, {u"Purchase"_s, 2}, {u"Tax"_s, 2}, {u"Credit"_s, 2}, {u"Adjustment"_s, 2}}));
        const Line& first = c.lines.first();
        QCOMPARE(first.chargeStart, u"2024-09-01T00:00:00Z"_s);
        QCOMPARE(first.chargeEnd, u"2024-09-01T01:00:00Z"_s);
        QCOMPARE(first.subAccountId, u"sa-100"_s);
        QCOMPARE(first.subAccountName, u"Team A"_s);
        QCOMPARE(first.billingAccount, u"ba-000111"_s);
        QCOMPARE(first.region, u"eu-central-1"_s);
        QCOMPARE(first.resource, u"res-0000"_s);
        // EffectiveCost as written (the file has one), not a copy of BilledCost by a note.
        QCOMPARE(c.sum(&Line::effective), c.billedTotal());
        for (const QString& note : c.notes)
            QVERIFY2(!note.contains(u"no such column"_s), qPrintable(note));
    }

    void awsCurMapping()
    {
        const Contents c = readAll(syntheticSample(u"aws_cur_legacy.csv"_s));
        QVERIFY(!c.error);
        const Line& first = c.lines.at(0);
        QCOMPARE(first.provider, u"AWS"_s);
        QCOMPARE(first.billingAccount, u"111122223333"_s);
        QCOMPARE(first.subAccountId, u"444455556666"_s);
        QCOMPARE(first.serviceName, u"Amazon Elastic Compute Cloud"_s);
        QCOMPARE(first.serviceCategory, u"Compute"_s);
        QCOMPARE(first.region, u"us-east-1"_s);
        QCOMPARE(first.resource, u"i-00000000"_s);
        QCOMPARE(first.chargeStart, u"2024-09-01T00:00:00Z"_s);
        QCOMPARE(first.tags, uR"({"user:tenant":"acme"})"_s);
        // An empty lineItem/NetUnblendedCost falls back to the unblended cost.
        QCOMPARE(first.effective, first.billed);
        QCOMPARE(c.lines.at(1).tags, uR"({"user:tenant":"globex","user:env":"prod"})"_s);
        QCOMPARE(c.lines.at(3).tags, u"{}"_s);
        QCOMPARE(c.lines.at(7).tags, uR"({"user:env":"prod"})"_s);
        // "1.2E-5" is read as exact plain decimal text.
        QCOMPARE(c.lines.at(5).billed, u"0.000012"_s);
        // Line item types onto ChargeCategory.
        QCOMPARE(c.lines.at(8).chargeCategory, u"Usage"_s);  // DiscountedUsage
        QCOMPARE(c.lines.at(10).chargeCategory, u"Tax"_s);
        QCOMPARE(c.lines.at(11).chargeCategory, u"Credit"_s);
        QVERIFY(c.lines.at(11).billed.startsWith(u'-'));
        QCOMPARE(c.lines.at(12).chargeCategory, u"Purchase"_s); // RIFee
        QCOMPARE(c.lines.at(10).list, u"0"_s);                  // no public price for tax
        QCOMPARE(c.lines.at(5).serviceCategory, u"Other"_s);   // AWS Support
    }

    void azureMapping()
    {
        const Contents ea = readAll(syntheticSample(u"azure_ea.csv"_s));
        QVERIFY(!ea.error);
        const Line& first = ea.lines.at(0);
        QCOMPARE(first.provider, u"Microsoft"_s);
        QCOMPARE(first.billingAccount, u"12345678"_s);
        QCOMPARE(first.subAccountName, u"Subscription 0"_s);
        // A US date is a whole day: it ends at the next midnight, as does the billing period.
        QCOMPARE(first.chargeStart, u"2024-09-01T00:00:00Z"_s);
        QCOMPARE(first.chargeEnd, u"2024-09-02T00:00:00Z"_s);
        QCOMPARE(ea.lines.at(29).chargeStart, u"2024-09-30T00:00:00Z"_s);
        QCOMPARE(ea.lines.at(29).chargeEnd, u"2024-10-01T00:00:00Z"_s);
        QCOMPARE(first.region, u"eastus"_s);
        QCOMPARE(first.serviceName, u"Virtual Machines"_s);
        QCOMPARE(first.serviceCategory, u"Compute"_s);
        QCOMPARE(first.tags, uR"({"tenant":"acme","env":"prod"})"_s);
        QCOMPARE(ea.lines.at(3).tags, u"{}"_s);
        QCOMPARE(ea.lines.at(8).chargeCategory, u"Purchase"_s);
        QCOMPARE(ea.lines.at(9).chargeCategory, u"Credit"_s); // Refund
        QCOMPARE(ea.lines.at(10).chargeCategory, u"Usage"_s); // UnusedReservation
        // ListCost = PayGPrice × Quantity, exactly.
        QCOMPARE(first.list, u"19.62434"_s);
        QVERIFY(ea.notes.join(u'\n').contains(u"US dates"_s));

        const Contents mca = readAll(syntheticSample(u"azure_mca.csv"_s));
        QVERIFY(!mca.error);
        QCOMPARE(mca.lines.at(0).tags, uR"({"tenant":"acme","costCenter":"42"})"_s);
        QCOMPARE(mca.lines.at(0).region, u"westeurope"_s);
        QCOMPARE(mca.lines.at(0).billingAccount, u"abcd-1234:5678"_s);
        QCOMPARE(mca.lines.at(0).serviceCategory, u"Networking"_s);
    }

    void compressedFilesGiveTheSameRecords()
    {
        QTemporaryDir dir;
        const Contents plain = readAll(focusSample());
        QVERIFY(!plain.error);
        const QByteArray bytes = readFile(focusSample());

        const QString gz = writeFile(dir, u"focus_sample.csv.gz"_s, gzip(bytes));
        const Contents fromGz = readAll(gz);
        QVERIFY2(!fromGz.error, qPrintable(fromGz.error ? fromGz.error->text() : QString()));
        QCOMPARE(fromGz.sha256, QCryptographicHash::hash(readFile(gz), QCryptographicHash::Sha256));
        QVERIFY(fromGz.sha256 != plain.sha256);
        QCOMPARE(fromGz.bytesRead, QFileInfo(gz).size());

        const QString zip = dir.filePath(u"focus.zip"_s);
        QVERIFY(makeZip(zip, {u"export/focus_sample.csv="_s + focusSample()}));
        const Contents fromZip = readAll(zip);
        QVERIFY2(!fromZip.error, qPrintable(fromZip.error ? fromZip.error->text() : QString()));
        QCOMPARE(fromZip.sha256, QCryptographicHash::hash(readFile(zip), QCryptographicHash::Sha256));

        const QString storedZip = dir.filePath(u"stored.zip"_s);
        QVERIFY(makeZip(storedZip, {u"focus_sample.csv="_s + focusSample(), u"README.md="_s + syntheticSample(u"README.md"_s)}, true));
        const Contents fromStored = readAll(storedZip);
        QVERIFY2(!fromStored.error, qPrintable(fromStored.error ? fromStored.error->text() : QString()));

        for (const Contents* other : {&fromGz, &fromZip, &fromStored}) {
            QCOMPARE(other->lines.size(), plain.lines.size());
            QCOMPARE(other->billedTotal(), plain.billedTotal());
            QCOMPARE(other->count(&Line::serviceCategory), plain.count(&Line::serviceCategory));
            for (qsizetype i = 0; i < plain.lines.size(); ++i) {
                QCOMPARE(other->lines.at(i).tags, plain.lines.at(i).tags);
                QCOMPARE(other->lines.at(i).chargeStart, plain.lines.at(i).chargeStart);
                QCOMPARE(other->lines.at(i).effective, plain.lines.at(i).effective);
            }
        }
    }

    void zipWithoutOneCsvIsRefused()
    {
        QTemporaryDir dir;
        const QString none = dir.filePath(u"none.zip"_s);
        QVERIFY(makeZip(none, {u"README.md="_s + syntheticSample(u"README.md"_s)}));
        BillingFileReader noneReader(none);
        QVERIFY(!noneReader.open());
        QVERIFY2(noneReader.error()->text().contains(u"README.md"_s), qPrintable(noneReader.error()->text()));

        const QString two = dir.filePath(u"two.zip"_s);
        QVERIFY(makeZip(two, {u"a.csv="_s + focusSample(), u"b.csv="_s + syntheticSample(u"aws_cur2.csv"_s)}));
        BillingFileReader twoReader(two);
        QVERIFY(!twoReader.open());
        QVERIFY(twoReader.error()->text().contains(u"a.csv"_s));
        QVERIFY(twoReader.error()->text().contains(u"b.csv"_s));
    }

    void damagedGzipIsRefused()
    {
        QTemporaryDir dir;
        const QByteArray packed = gzip(readFile(focusSample()));
        const QString path = writeFile(dir, u"cut.csv.gz"_s, packed.left(packed.size() / 2));
        const Contents c = readAll(path);
        QVERIFY(c.error);
        QVERIFY(c.error->text().contains(u"cut.csv.gz"_s));
        QVERIFY(c.lines.size() < 1000);
        QVERIFY(c.sha256.isEmpty());
    }

    void messyInputAsPublished()
    {
        // A byte-order mark, CRLF, a quoted value with line breaks, NULL, empty ListCost, "+",
        // scientific notation, 18 decimals, offsets and fractions, tags as key:value.
        const QByteArray header = "BilledCost,EffectiveCost,ListCost,BillingCurrency,BillingPeriodStart,BillingPeriodEnd,"
                                  "ChargePeriodStart,ChargePeriodEnd,ChargeCategory,ServiceName,ServiceCategory,"
                                  "ChargeDescription,Tags";
        const QByteArray text = "\xEF\xBB\xBF" + header + "\r\n"
            "+1.50,1.2E-5,,USD,2024-09-01T00:00:00Z,2024-10-01T00:00:00Z,2024-09-01 10:00:00,2024-09-01T11:00:00.123Z,"
            "Usage,Compute Engine,Compute,\"two\r\nlines, and a \"\"quote\"\"\",\"tenant:acme,env:prod\"\r\n"
            "\r\n"
            "0.000000000000000001,-3e2,7,USD,2024-09-01,2024-10-01,2024-09-01T12:00:00+02:00,2024-09-01T11:30:00-00:30,"
            "Usage,S3,NULL,NULL,NULL\r\n"
            "2.5E+3,.5,1.,USD,2024-09-01T00:00:00Z,2024-10-01T00:00:00Z,2024-09-01T00:00:00Z,2024-09-01T01:00:00Z,"
            "Credit,S3,Storage,x,\"{ \"\"a b\"\" : [1, 2.5, true, null], \"\"c\"\": {\"\"d\"\": \"\"\\u00e9\"\"} }\"";
        QTemporaryDir dir;
        const QString path = writeFile(dir, u"messy.csv"_s, text);
        const Contents c = readAll(path, BillingFormat::Auto, {u"tenant"_s, u"c"_s});
        QVERIFY2(!c.error, qPrintable(c.error ? c.error->text() : QString()));
        QCOMPARE(c.format, BillingFormat::Focus);
        QCOMPARE(c.lines.size(), 3);
        QCOMPARE(c.lines.at(0).billed, u"1.50"_s);
        QCOMPARE(c.lines.at(0).effective, u"0.000012"_s);
        QCOMPARE(c.lines.at(0).list, u"0"_s);
        QCOMPARE(c.lines.at(0).chargeStart, u"2024-09-01T10:00:00Z"_s);
        QCOMPARE(c.lines.at(0).chargeEnd, u"2024-09-01T11:00:00Z"_s);
        QCOMPARE(c.lines.at(0).tags, uR"({"tenant":"acme","env":"prod"})"_s);
        QCOMPARE(c.lines.at(0).tagValues.value(u"tenant"_s), u"acme"_s);
        QCOMPARE(c.lines.at(1).billed, u"0.000000000000000001"_s);
        QCOMPARE(c.lines.at(1).effective, u"-300"_s);
        QCOMPARE(c.lines.at(1).billingStart, u"2024-09-01T00:00:00Z"_s);
        QCOMPARE(c.lines.at(1).chargeStart, u"2024-09-01T10:00:00Z"_s);
        QCOMPARE(c.lines.at(1).chargeEnd, u"2024-09-01T12:00:00Z"_s);
        QCOMPARE(c.lines.at(1).serviceCategory, u"Other"_s);
        QCOMPARE(c.lines.at(1).tags, u"{}"_s);
        QCOMPARE(c.lines.at(2).billed, u"2500"_s);
        QCOMPARE(c.lines.at(2).effective, u"0.5"_s);
        QCOMPARE(c.lines.at(2).list, u"1"_s);
        QCOMPARE(c.lines.at(2).tags, uR"({"a b":[1,2.5,true,null],"c":{"d":"\u00e9"}})"_s);
        QCOMPARE(c.lines.at(2).tagValues.value(u"c"_s), uR"({"d":"\u00e9"})"_s);
        DecimalSum sum;
        for (const Line& line : c.lines)
            QVERIFY(sum.add(line.billed) && sum.add(line.effective) && sum.add(line.list));
        const QString notes = c.notes.join(u'\n');
        QVERIFY2(notes.contains(u"ListCost"_s), qPrintable(notes));
        QVERIFY(notes.contains(u"offset"_s));

        // Physical lines count the line break inside the quoted value and the blank line: a bad
        // value on the fourth record is on line 6.
        const QString broken = writeFile(dir, u"broken.csv"_s, QByteArray(text).replace("2.5E+3", "2.5E+"));
        const Contents b = readAll(broken);
        QVERIFY2(names(b.error, u"broken.csv"_s, 6, u"BilledCost"_s), qPrintable(b.error ? b.error->text() : QString()));
        QCOMPARE(b.lines.size(), 2);
    }

    void brokenFilesNameLineAndColumn_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("column");
        QTest::addColumn<QString>("says");
        const QByteArray good = "1.5,USD,2024-09-01 00:00:00,2024-10-01 00:00:00,2024-09-01 00:00:00,2024-09-01 01:00:00,Usage,S3,\"{\"\"a\"\":\"\"b\"\"}\"\n";
        QTest::newRow("unterminated quote") << good + good + "1.5,\"USD,2024-09-01 00:00:00\n1,USD,2024\n" << 4 << u"BillingCurrency"_s << u"not closed"_s;
        QTest::newRow("quote in a bare value") << good + "1.5,US\"D,2024-09-01 00:00:00\n" << 3 << u"BillingCurrency"_s << u"quote"_s;
        QTest::newRow("text after a closing quote") << good + "1.5,\"USD\"x,2024\n" << 3 << u"BillingCurrency"_s << u"closing quote"_s;
        QTest::newRow("short row") << good + "1.5,USD,2024-09-01 00:00:00\n" << 3 << u"BillingPeriodEnd"_s << u"3 of the header's 9"_s;
        QTest::newRow("long row") << good + QByteArray(good).replace("\n", ",extra\n") << 3 << u"Tags"_s << u"10 values"_s;
        QTest::newRow("bad number") << good + QByteArray(good).replace("1.5", "\"12,5\"") << 3 << u"BilledCost"_s << u"“12,5” is not a number"_s;
        QTest::newRow("bad number 2") << good + QByteArray(good).replace("1.5", "1.2.3") << 3 << u"BilledCost"_s << u"“1.2.3” is not a number"_s;
        QTest::newRow("too many decimals") << good + QByteArray(good).replace("1.5", "0.0000000000000000001") << 3 << u"BilledCost"_s << u"18 decimals"_s;
        // The store sums amounts exactly below 10^18 each: a larger one is refused here, where the
        // line and the column are known, not later by the import.
        QTest::newRow("amount too large") << good + QByteArray(good).replace("1.5", "1000000000000000000") << 3 << u"BilledCost"_s << u"too large"_s;
        QTest::newRow("amount too large with decimals") << good + QByteArray(good).replace("1.5", "-12345678901234567890.5") << 3 << u"BilledCost"_s << u"too large"_s;
        QTest::newRow("amount too large with an exponent") << good + QByteArray(good).replace("1.5", "1.5E+18") << 3 << u"BilledCost"_s << u"too large"_s;
        QTest::newRow("empty cost") << QByteArray(good).replace("1.5", "NULL") << 2 << u"BilledCost"_s << u"empty"_s;
        QTest::newRow("bad date") << good + QByteArray(good).replace("2024-09-01 01:00:00", "2024-09-31 01:00:00") << 3 << u"ChargePeriodEnd"_s << u"not a valid date"_s;
        QTest::newRow("not a date") << good + QByteArray(good).replace("2024-09-01 01:00:00", "yesterday") << 3 << u"ChargePeriodEnd"_s << u"not a date"_s;
        QTest::newRow("bad tags") << good + QByteArray(good).replace("\"\"b\"\"}", "\"\"b\"\"") << 3 << u"Tags"_s << u"tags"_s;
        QTest::newRow("bad tags pair") << good + QByteArray(good).replace("\"{\"\"a\"\":\"\"b\"\"}\"", "novalue") << 3 << u"Tags"_s << u"key:value"_s;
        // Tags that Qt's JSON reader or PostgreSQL's jsonb would refuse (found by fuzz_billing_file).
        const auto withTag = [&good](const QByteArray& value) -> QByteArray {
            return good + QByteArray(good).replace("\"\"b\"\"", value);
        };
        QTest::newRow("tag number without exponent digits") << withTag("1e") << 3 << u"Tags"_s << u"exponent"_s;
        QTest::newRow("tag number with a leading zero") << withTag("01") << 3 << u"Tags"_s << u"zero"_s;
        QTest::newRow("tag number without decimals") << withTag("-1.") << 3 << u"Tags"_s << u"decimal point"_s;
        QTest::newRow("tag number too large") << withTag("1e999") << 3 << u"Tags"_s << u"too large"_s;
        QTest::newRow("tag number too small") << withTag("1e-999") << 3 << u"Tags"_s << u"too small"_s;
        QTest::newRow("tag with a NUL escape") << withTag("\"\"a\\u0000\"\"") << 3 << u"Tags"_s << u"NUL"_s;
        QTest::newRow("tag with half a character") << withTag("\"\"\\ud800x\"\"") << 3 << u"Tags"_s << u"first half"_s;
        QTest::newRow("tag with the other half") << withTag("\"\"\\udc00\"\"") << 3 << u"Tags"_s << u"second half"_s;
        QTest::newRow("NUL character") << good + QByteArray(good).replace("S3", QByteArray("S\0" "3", 3)) << 3 << u"ServiceName"_s << u"NUL"_s;
        QTest::newRow("not UTF-8") << good + QByteArray(good).replace("S3", "S\xff" "3") << 3 << u"ServiceName"_s << u"UTF-8"_s;
        QTest::newRow("embedded newline then error") << QByteArray("1.5,\"US\nD\",2024-09-01 00:00:00,2024-10-01 00:00:00,2024-09-01 00:00:00,2024-09-01 01:00:00,Usage,S3,bad\n") << 3 << u"Tags"_s << u"key:value"_s;
    }

    // The largest amounts the store sums exactly pass as written.
    void largestAmountsAreKept()
    {
        QTemporaryDir dir;
        const QByteArray line = ",USD,2024-09-01 00:00:00,2024-10-01 00:00:00,2024-09-01 00:00:00,2024-09-01 01:00:00,Usage,S3,\n";
        const QList<QByteArray> amounts{"999999999999999999.999999999999999999", "-999999999999999999",
                                        "000000000000000000001.25", "9.99999999999999999E+17"};
        QByteArray body = "BilledCost,BillingCurrency,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,"
                          "ChargePeriodEnd,ChargeCategory,ServiceName,Tags\n";
        for (const QByteArray& amount : amounts)
            body += amount + line;
        const Contents c = readAll(writeFile(dir, u"large.csv"_s, body));
        QVERIFY2(!c.error, qPrintable(c.error ? c.error->text() : QString()));
        QCOMPARE(c.lines.size(), amounts.size());
        QCOMPARE(c.lines.at(0).billed, u"999999999999999999.999999999999999999"_s);
        QCOMPARE(c.lines.at(1).billed, u"-999999999999999999"_s);
        QCOMPARE(c.lines.at(2).billed, u"1.25"_s);
        QCOMPARE(c.lines.at(3).billed, u"999999999999999999"_s);
    }

    void brokenFilesNameLineAndColumn()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, line);
        QFETCH(QString, column);
        QFETCH(QString, says);
        QTemporaryDir dir;
        const QString path = writeFile(dir, u"broken.csv"_s,
                                       "BilledCost,BillingCurrency,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,"
                                       "ChargePeriodEnd,ChargeCategory,ServiceName,Tags\n" + body);
        const Contents c = readAll(path);
        QVERIFY2(names(c.error, u"broken.csv"_s, line, column), qPrintable(c.error ? c.error->text() : u"no error"_s));
        QVERIFY2(c.error->text().contains(says), qPrintable(c.error->text()));
        QVERIFY(c.sha256.isEmpty());
    }

    void columnNameNotUtf8IsRefused()
    {
        // A CUR tag column's name becomes a key of the tags' JSON (found by fuzz_billing_file).
        QTemporaryDir dir;
        const QByteArray text =
            "identity/LineItemId,bill/PayerAccountId,bill/BillingPeriodStartDate,bill/BillingPeriodEndDate,"
            "lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/UsageEndDate,"
            "lineItem/ProductCode,lineItem/CurrencyCode,lineItem/UnblendedCost,resourceTags/use\xf2:tenant\n"
            "li-1,111122223333,2024-09-01T00:00:00Z,2024-10-01T00:00:00Z,444455556666,Usage,2024-09-01T00:00:00Z,"
            "2024-09-01T00:59:59Z,AmazonEC2,USD,8.07,acme\n";
        const QString path = writeFile(dir, u"cur.csv"_s, text);
        BillingFileReader reader(path);
        QVERIFY(!reader.open());
        QVERIFY(reader.error());
        QCOMPARE(reader.error()->line, 1);
        QVERIFY2(reader.error()->text().contains(u"UTF-8"_s), qPrintable(reader.error()->text()));
        QVERIFY2(reader.error()->text().contains(u"cur.csv"_s), qPrintable(reader.error()->text()));
    }

    void missingColumnIsNamed()
    {
        QTemporaryDir dir;
        const QString path = writeFile(dir, u"focus.csv"_s,
                                       "BilledCost,BillingCurrency,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,"
                                       "ChargeCategory,ServiceName\n1,USD,2024-09-01,2024-10-01,2024-09-01,Usage,S3\n");
        BillingFileReader reader(path);
        QVERIFY(!reader.open());
        QVERIFY(names(reader.error(), u"focus.csv"_s, 1, u"ChargePeriodEnd"_s));

        const QString empty = writeFile(dir, u"empty.csv"_s, "");
        BillingFileReader emptyReader(empty);
        QVERIFY(!emptyReader.open());
        QCOMPARE(emptyReader.error()->line, 1);

        BillingFileReader absent(dir.filePath(u"absent.csv"_s));
        QVERIFY(!absent.open());
        QVERIFY(absent.error()->text().startsWith(u"absent.csv: "_s));
    }
};

QTEST_GUILESS_MAIN(TestBillingFile)
#include "tst_billingfile.moc"
