// Billing exports as published (issue 6, item 2): FOCUS, AWS CUR (legacy and 2.0) and Azure cost
// details (EA and MCA), plain, .gz or .zip, read onto FOCUS columns; broken files refused with the
// file, line and column named.
#include "BillingFile.h"
#include "Decimal.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <numeric>

using namespace TenantDesk;
using namespace Qt::StringLiterals;

namespace {

QString focusSample()
{
    return QStringLiteral(TENANTDESK_SHARED_DATA_DIR "/focus/focus_sample.csv");
}

[[maybe_unused]] QString syntheticSample(const QString& name)
{
    return QStringLiteral(TENANTDESK_SHARED_DATA_DIR "/billing/") + name;
}

// A record copied out of the reader's buffers.
struct Line {
    QString provider, billingAccount, subAccountId, subAccountName, billingStart, billingEnd, chargeStart, chargeEnd,
        chargeCategory, serviceName, serviceCategory, region, resource, billed, effective, list, currency, tags;
    QHash<QString, QString> tagValues;
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

[[maybe_unused]] QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& bytes)
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
};

QTEST_GUILESS_MAIN(TestBillingFile)
#include "tst_billingfile.moc"
