// Billing exports as finance people get them: the real FOCUS sample read with its documented
// totals, the AWS and Azure formats mapped onto FOCUS columns, compressed files, and broken files
// refused with the line and column named.
#include "BillingFile.h"
#include "Decimal.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace TenantDesk;
using namespace Qt::StringLiterals;

namespace {

QString focusSample()
{
    return QStringLiteral(TENANTDESK_SHARED_DATA_DIR) + u"/focus/focus_sample.csv"_s;
}

// Everything a test wants to know about a file, read to its end.
struct ReadResult {
    bool opened = false;
    BillingFormat format = BillingFormat::Auto;
    qint64 lines = 0;
    QString billed;
    QString effective;
    QString list;
    QHash<QString, int> categories;
    QHash<QString, int> providers;
    QHash<QString, int> chargeCategories;
    QStringList currencies;
    int emptyTags = 0;
    QList<QByteArray> firstTags;
    QHash<QString, int> tagValues; // of the wanted key
    QList<QByteArray> chargeStarts;
    std::optional<BillingFileError> error;
    QByteArray sha256;
    QStringList notes;
};

ReadResult readAll(const QString& path, BillingFormat format = BillingFormat::Auto, const QStringList& wanted = {})
{
    ReadResult result;
    BillingFileReader reader(path, format);
    reader.setWantedTagKeys(wanted);
    result.opened = reader.open();
    result.format = reader.format();
    DecimalSum billed, effective, list;
    BillingRecord record;
    while (result.opened && reader.next(record)) {
        ++result.lines;
        if (!billed.add(QString::fromUtf8(record.billedCost)) || !effective.add(QString::fromUtf8(record.effectiveCost))
            || !list.add(QString::fromUtf8(record.listCost)))
            qFatal("an amount DecimalSum refuses: %s", record.billedCost.toByteArray().constData());
        result.categories[QString::fromUtf8(record.serviceCategory)]++;
        result.providers[QString::fromUtf8(record.providerName)]++;
        result.chargeCategories[QString::fromUtf8(record.chargeCategory)]++;
        if (!result.currencies.contains(QString::fromUtf8(record.billingCurrency)))
            result.currencies << QString::fromUtf8(record.billingCurrency);
        if (record.tags == "{}")
            ++result.emptyTags;
        if (result.firstTags.size() < 5)
            result.firstTags << record.tags.toByteArray();
        for (auto it = record.tagValues.cbegin(); it != record.tagValues.cend(); ++it)
            result.tagValues[it.value()]++;
        // Every time is normalised to UTC text.
        for (QByteArrayView time : {record.chargePeriodStart, record.chargePeriodEnd, record.billingPeriodStart, record.billingPeriodEnd}) {
            if (time.size() != 20 || time[10] != 'T' || time[19] != 'Z')
                qFatal("a time not normalised: %s", time.toByteArray().constData());
        }
        if (result.chargeStarts.size() < 3)
            result.chargeStarts << record.chargePeriodStart.toByteArray();
        // Tags are a JSON object.
        if (!QJsonDocument::fromJson(record.tags.toByteArray()).isObject())
            qFatal("tags that are not a JSON object: %s", record.tags.toByteArray().constData());
    }
    result.billed = billed.text();
    result.effective = effective.text();
    result.list = list.text();
    result.error = reader.error();
    result.sha256 = reader.sha256();
    result.notes = reader.notes();
    return result;
}

void write(const QString& path, const QByteArray& content)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        qFatal("cannot write %s", qPrintable(path));
}

} // namespace

class TestBillingFile : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString file(const QString& name, const QByteArray& content)
    {
        const QString path = m_dir.filePath(name);
        write(path, content);
        return path;
    }

private Q_SLOTS:
    // The sample's README documents its content: the reader finds exactly that.
    void focusSampleAsDocumented()
    {
        const ReadResult r = readAll(focusSample(), BillingFormat::Auto, {u"business_unit"_s});
        QVERIFY2(r.opened && !r.error, r.error ? qPrintable(r.error->text()) : "");
        QCOMPARE(r.format, BillingFormat::Focus);
        QCOMPARE(r.lines, 1000);
        QCOMPARE(r.billed, u"20.52022672899"_s);
        QCOMPARE(r.currencies, QStringList{u"USD"_s});
        QCOMPARE(r.providers.value(u"AWS"_s), 942);
        QCOMPARE(r.providers.value(u"Microsoft"_s), 51);
        QCOMPARE(r.providers.value(u"Oracle"_s), 7);
        QCOMPARE(r.chargeCategories.value(u"Usage"_s), 997);
        QCOMPARE(r.chargeCategories.value(u"Adjustment"_s), 2);
        QCOMPARE(r.chargeCategories.value(u"Credit"_s), 1);
        const QHash<QString, int> documented{{u"Compute"_s, 443}, {u"Storage"_s, 209}, {u"Networking"_s, 168},
                                             {u"Management and Governance"_s, 79}, {u"Other"_s, 47},
                                             {u"Databases"_s, 21}, {u"Integration"_s, 18},
                                             {u"AI and Machine Learning"_s, 9}};
        // The README counts the eight largest categories; the other six lines are Identity and Security.
        for (auto it = documented.cbegin(); it != documented.cend(); ++it)
            QCOMPARE(r.categories.value(it.key()), it.value());
        int all = 0;
        for (int count : r.categories)
            all += count;
        QCOMPARE(all, 1000);
        QCOMPARE(r.emptyTags, 289); // the NULL tags
        QVERIFY(r.notes.join(u' ').contains(u"289"_s));
        // 660 lines carry business_unit; each value read from the JSON.
        int withUnit = 0;
        for (int count : r.tagValues)
            withUnit += count;
        QCOMPARE(withUnit, 660);
        QCOMPARE(r.chargeStarts.constFirst(), QByteArray("2024-09-18T22:00:00Z"));
        // The SHA-256 is the file's.
        QFile sample(focusSample());
        QVERIFY(sample.open(QIODevice::ReadOnly));
        QCOMPARE(r.sha256, QCryptographicHash::hash(sample.readAll(), QCryptographicHash::Sha256).toHex());
    }

    void compressedFilesReadAlike()
    {
        const ReadResult plain = readAll(focusSample());
        QFile sample(focusSample());
        QVERIFY(sample.open(QIODevice::ReadOnly));
        const QByteArray bytes = sample.readAll();
        // gzip, by the gzip tool as people make them
        const QString gz = m_dir.filePath(u"focus.csv.gz"_s);
        QProcess gzip;
        gzip.setStandardOutputFile(gz);
        gzip.start(u"gzip"_s, {u"-c"_s, focusSample()});
        QVERIFY(gzip.waitForFinished());
        QCOMPARE(gzip.exitCode(), 0);
        const ReadResult fromGz = readAll(gz);
        QVERIFY2(!fromGz.error, fromGz.error ? qPrintable(fromGz.error->text()) : "");
        QCOMPARE(fromGz.lines, plain.lines);
        QCOMPARE(fromGz.billed, plain.billed);
        QCOMPARE(fromGz.categories, plain.categories);
        QFile gzFile(gz);
        QVERIFY(gzFile.open(QIODevice::ReadOnly));
        QCOMPARE(fromGz.sha256, QCryptographicHash::hash(gzFile.readAll(), QCryptographicHash::Sha256).toHex());

        if (QStandardPaths::findExecutable(u"python3"_s).isEmpty())
            QSKIP("python3 makes the zip files (scripts/setup --test installs it)");
        const auto zip = [this](const QString& name, const QStringList& members, bool deflate) {
            const QString path = m_dir.filePath(name);
            QString script = u"import zipfile,sys\nz=zipfile.ZipFile(sys.argv[1],'w',zipfile.ZIP_DEFLATED if sys.argv[2]=='1' else zipfile.ZIP_STORED)\n"
                             u"for m in sys.argv[4:]: z.write(sys.argv[3], m)\nz.close()\n"_s;
            QProcess python;
            python.start(u"python3"_s, QStringList{u"-c"_s, script, path, deflate ? u"1"_s : u"0"_s, focusSample()} + members);
            python.waitForFinished();
            return python.exitCode() == 0 ? path : QString();
        };
        for (bool deflate : {true, false}) {
            const QString path = zip(deflate ? u"deflated.zip"_s : u"stored.zip"_s, {u"export/focus.csv"_s}, deflate);
            QVERIFY(!path.isEmpty());
            const ReadResult fromZip = readAll(path);
            QVERIFY2(!fromZip.error, fromZip.error ? qPrintable(fromZip.error->text()) : "");
            QCOMPARE(fromZip.lines, plain.lines);
            QCOMPARE(fromZip.billed, plain.billed);
            QVERIFY(fromZip.notes.join(u' ').contains(u"export/focus.csv"_s));
        }
        const ReadResult two = readAll(zip(u"two.zip"_s, {u"a.csv"_s, u"b.csv"_s}, true));
        QVERIFY(two.error);
        QVERIFY2(two.error->message.contains(u"a.csv"_s) && two.error->message.contains(u"b.csv"_s), qPrintable(two.error->text()));
        Q_UNUSED(bytes);
    }

    void formatsAreDetected_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<int>("format");
        QTest::newRow("FOCUS quoted") << QByteArray("\"BilledCost\",\"ChargePeriodStart\",\"BillingCurrency\"") << int(BillingFormat::Focus);
        QTest::newRow("FOCUS with BOM") << QByteArray("\xEF\xBB\xBF" "BillingAccountId,BilledCost,ChargePeriodStart") << int(BillingFormat::Focus);
        QTest::newRow("CUR") << QByteArray("identity/LineItemId,lineItem/UsageStartDate,lineItem/UnblendedCost") << int(BillingFormat::AwsCur);
        QTest::newRow("CUR 2.0") << QByteArray("identity_line_item_id,line_item_unblended_cost") << int(BillingFormat::AwsCur2);
        QTest::newRow("Azure EA") << QByteArray("BillingAccountId,Date,CostInBillingCurrency,BillingCurrencyCode") << int(BillingFormat::AzureEa);
        QTest::newRow("Azure MCA") << QByteArray("billingAccountId,date,costInBillingCurrency,billingCurrency") << int(BillingFormat::AzureMca);
        QTest::newRow("not billing") << QByteArray("email,display_name,status") << -1;
    }

    void formatsAreDetected()
    {
        QFETCH(QByteArray, header);
        QFETCH(int, format);
        const std::optional<BillingFormat> detected = detectBillingFormat(header);
        QCOMPARE(detected ? int(*detected) : -1, format);
    }

    void awsCurIsMappedOntoFocus()
    {
        const QString path = file(u"cur.csv"_s,
            "identity/LineItemId,bill/PayerAccountId,bill/BillingPeriodStartDate,bill/BillingPeriodEndDate,"
            "lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/UsageEndDate,"
            "lineItem/ProductCode,lineItem/ResourceId,lineItem/UnblendedCost,lineItem/CurrencyCode,"
            "pricing/publicOnDemandCost,product/ProductName,product/region,resourceTags/user:tenant,resourceTags/user:team\n"
            "a1,111111111111,2024-09-01T00:00:00Z,2024-10-01T00:00:00Z,222222222222,Usage,2024-09-03T10:00:00Z,"
            "2024-09-03T11:00:00Z,AmazonEC2,i-0abc,0.0416000000,USD,0.0416000000,Amazon Elastic Compute Cloud,us-east-1,acme,web\n"
            "a2,111111111111,2024-09-01T00:00:00Z,2024-10-01T00:00:00Z,222222222222,Tax,2024-09-01T00:00:00Z,"
            "2024-10-01T00:00:00Z,AmazonS3,,1.25,USD,,Amazon Simple Storage Service,,,\n"
            "a3,111111111111,2024-09-01T00:00:00Z,2024-10-01T00:00:00Z,333333333333,Credit,2024-09-05T00:00:00Z,"
            "2024-09-05T01:00:00Z,AmazonRDS,db-1,-2.5E-1,USD,0,Amazon Relational Database Service,eu-west-1,globex,\n");
        const ReadResult r = readAll(path, BillingFormat::Auto, {u"user:tenant"_s});
        QVERIFY2(!r.error, r.error ? qPrintable(r.error->text()) : "");
        QCOMPARE(r.format, BillingFormat::AwsCur);
        QCOMPARE(r.lines, 3);
        QCOMPARE(r.billed, u"1.0416000000"_s); // 0.0416 + 1.25 − 0.25, with 2.5E-1 made exact
        QCOMPARE(r.providers.value(u"AWS"_s), 3);
        QCOMPARE(r.chargeCategories.value(u"Usage"_s), 1);
        QCOMPARE(r.chargeCategories.value(u"Tax"_s), 1);
        QCOMPARE(r.chargeCategories.value(u"Credit"_s), 1);
        QCOMPARE(r.categories.value(u"Compute"_s), 1);
        QCOMPARE(r.categories.value(u"Storage"_s), 1);
        QCOMPARE(r.categories.value(u"Databases"_s), 1);
        QCOMPARE(r.tagValues.value(u"acme"_s), 1);
        QCOMPARE(r.tagValues.value(u"globex"_s), 1);
        QCOMPARE(QJsonDocument::fromJson(r.firstTags.constFirst()).object(),
                 (QJsonObject{{u"user:tenant"_s, u"acme"_s}, {u"user:team"_s, u"web"_s}}));
    }

    void awsCur2IsMappedOntoFocus()
    {
        const QString path = file(u"cur2.csv"_s,
            "bill_payer_account_id,bill_billing_period_start_date,bill_billing_period_end_date,line_item_usage_account_id,"
            "line_item_usage_account_name,line_item_line_item_type,line_item_usage_start_date,line_item_usage_end_date,"
            "line_item_product_code,line_item_resource_id,line_item_unblended_cost,line_item_currency_code,"
            "product_region_code,resource_tags\n"
            "111,2024-09-01 00:00:00,2024-10-01 00:00:00,222,Prod,SavingsPlanCoveredUsage,2024-09-02 00:00:00,"
            "2024-09-02 01:00:00,AWSLambda,fn-1,0.000002083,USD,us-east-1,\"{\"\"user_tenant\"\":\"\"acme\"\"}\"\n"
            "111,2024-09-01 00:00:00,2024-10-01 00:00:00,222,Prod,Fee,2024-09-01 00:00:00,2024-10-01 00:00:00,"
            "AWSSupportBusiness,,100,USD,,\n");
        const ReadResult r = readAll(path, BillingFormat::Auto, {u"user_tenant"_s});
        QVERIFY2(!r.error, r.error ? qPrintable(r.error->text()) : "");
        QCOMPARE(r.format, BillingFormat::AwsCur2);
        QCOMPARE(r.billed, u"100.000002083"_s);
        QCOMPARE(r.chargeCategories.value(u"Usage"_s), 1);
        QCOMPARE(r.chargeCategories.value(u"Purchase"_s), 1);
        QCOMPARE(r.tagValues.value(u"acme"_s), 1);
        QCOMPARE(r.emptyTags, 1);
    }

    void azureEaUsDatesAndBracelessTags()
    {
        const QString path = file(u"azure-ea.csv"_s,
            "\xEF\xBB\xBF" "BillingAccountId,BillingPeriodStartDate,BillingPeriodEndDate,Date,SubscriptionId,SubscriptionName,"
            "MeterCategory,ResourceLocation,ResourceId,CostInBillingCurrency,PayGPrice,Quantity,BillingCurrencyCode,ChargeType,Tags\r\n"
            "8611537,09/01/2024,09/30/2024,09/14/2024,sub-1,Contoso Prod,Virtual Machines,westeurope,/subscriptions/sub-1/vm,"
            "12.5,0.5,30,EUR,Usage,\"\"\"tenant\"\": \"\"acme\"\",\"\"cost-center\"\": \"\"42\"\"\"\r\n"
            "8611537,09/01/2024,09/30/2024,09/15/2024,sub-1,Contoso Prod,Storage,westeurope,/subscriptions/sub-1/sa,"
            "0.75,0.025,30,EUR,Refund,\r\n");
        const ReadResult r = readAll(path, BillingFormat::Auto, {u"tenant"_s});
        QVERIFY2(!r.error, r.error ? qPrintable(r.error->text()) : "");
        QCOMPARE(r.format, BillingFormat::AzureEa);
        QCOMPARE(r.billed, u"13.25"_s);
        QCOMPARE(r.list, u"15.750"_s); // PayGPrice × Quantity: 15.0 + 0.750
        QCOMPARE(r.currencies, QStringList{u"EUR"_s});
        QCOMPARE(r.providers.value(u"Microsoft"_s), 2);
        QCOMPARE(r.chargeCategories.value(u"Credit"_s), 1);
        QCOMPARE(r.chargeStarts.constFirst(), QByteArray("2024-09-14T00:00:00Z"));
        QCOMPARE(r.tagValues.value(u"acme"_s), 1);
        QCOMPARE(QJsonDocument::fromJson(r.firstTags.constFirst()).object().value(u"cost-center"_s).toString(), u"42"_s);
    }

    void azureMcaKeyValueTags()
    {
        const QString path = file(u"azure-mca.csv"_s,
            "billingAccountId,billingPeriodStartDate,billingPeriodEndDate,date,SubscriptionId,subscriptionName,meterCategory,"
            "resourceLocation,ResourceId,costInBillingCurrency,paygCostInBillingCurrency,billingCurrency,chargeType,tags\n"
            "acc,2024-09-01,2024-09-30,2024-09-20,sub-2,Fabrikam,Azure Cosmos DB,eastus,/x,3.000000000000001,4,USD,Usage,"
            "\"tenant:globex,env:prod\"\n");
        const ReadResult r = readAll(path, BillingFormat::Auto, {u"tenant"_s});
        QVERIFY2(!r.error, r.error ? qPrintable(r.error->text()) : "");
        QCOMPARE(r.format, BillingFormat::AzureMca);
        QCOMPARE(r.billed, u"3.000000000000001"_s);
        QCOMPARE(r.list, u"4.00"_s);
        QCOMPARE(r.categories.value(u"Databases"_s), 1);
        QCOMPARE(r.tagValues.value(u"globex"_s), 1);
    }

    void chosenFormatMustMatch()
    {
        const ReadResult r = readAll(focusSample(), BillingFormat::AwsCur);
        QVERIFY(!r.opened);
        QVERIFY(r.error);
        QCOMPARE(r.error->line, 1);
        QVERIFY2(r.error->message.contains(u"FOCUS"_s), qPrintable(r.error->text()));
    }

    void messyButValid()
    {
        // CRLF, a quoted field over two lines, +amounts, fractional seconds and offsets.
        const QString path = file(u"messy.csv"_s,
            "BilledCost,EffectiveCost,ListCost,BillingCurrency,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,"
            "ChargePeriodEnd,ServiceName,ServiceCategory,Tags\r\n"
            "+1.50,1.5,1.5,USD,2024-09-01T00:00:00Z,2024-10-01T00:00:00Z,2024-09-01T02:00:00.000Z,2024-09-01T03:00:00+02:00,"
            "\"Big\nService\",Compute,\"{\"\"tenant\"\": \"\"a\\\"\"b\"\"}\"\r\n"
            "\r\n"
            "0.000000000000000001,0,0,USD,2024-09-01,2024-10-01,2024-09-02 00:00,2024-09-02 01:00,S,Other,{}\r\n");
        const ReadResult r = readAll(path, BillingFormat::Auto, {u"tenant"_s});
        QVERIFY2(!r.error, r.error ? qPrintable(r.error->text()) : "");
        QCOMPARE(r.lines, 2);
        QCOMPARE(r.billed, u"1.500000000000000001"_s);
        QCOMPARE(r.tagValues.value(u"a\"b"_s), 1);
        QCOMPARE(r.chargeStarts.at(1), QByteArray("2024-09-02T00:00:00Z"));
    }

    void brokenFilesNameLineAndColumn_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("column");
        QTest::addColumn<QString>("says");
        const QByteArray header = "BilledCost,BillingCurrency,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,Tags\n";
        const QByteArray good = "1.00,USD,2024-09-01,2024-10-01,2024-09-01,2024-09-02,{}\n";
        QTest::newRow("bad number") << header + good + good + "1,5,USD,2024-09-01,2024-10-01,2024-09-01,2024-09-02,{}\n" << 4 << QString() << u"fields"_s;
        QTest::newRow("bad number 2") << header + good + "12.3.4,USD,2024-09-01,2024-10-01,2024-09-01,2024-09-02,{}\n" << 3 << u"BilledCost"_s << u"not a number"_s;
        QTest::newRow("bad date") << header + good + "1,USD,2024-09-01,2024-10-01,2024-13-01,2024-09-02,{}\n" << 3 << u"ChargePeriodStart"_s << u"valid date"_s;
        QTest::newRow("not a date") << header + "1,USD,2024-09-01,2024-10-01,yesterday,2024-09-02,{}\n" << 2 << u"ChargePeriodStart"_s << u"not a date"_s;
        QTest::newRow("short row") << header + good + "1,USD,2024-09-01\n" << 3 << u"BillingPeriodEnd"_s << u"ends before"_s;
        QTest::newRow("long row") << header + "1,USD,2024-09-01,2024-10-01,2024-09-01,2024-09-02,{},extra\n" << 2 << QString() << u"header only"_s;
        QTest::newRow("bad tags") << header + good + "1,USD,2024-09-01,2024-10-01,2024-09-01,2024-09-02,\"{\"\"a\"\": }\"\n" << 3 << u"Tags"_s << u"JSON object"_s;
        QTest::newRow("unclosed quote") << header + good + "1,USD,2024-09-01,2024-10-01,2024-09-01,2024-09-02,\"{\n" << 3 << QString() << u"not closed"_s;
        QTest::newRow("text after quote") << header + "1,\"USD\"x,2024-09-01,2024-10-01,2024-09-01,2024-09-02,{}\n" << 2 << u"BillingCurrency"_s << u"closing quote"_s;
        QTest::newRow("missing column") << QByteArray("BilledCost,BillingCurrency,ChargePeriodStart\n1,USD,2024-09-01\n") << 1 << u"ChargePeriodEnd"_s << u"no ChargePeriodEnd"_s;
        QTest::newRow("bad currency") << header + "1,Dollar,2024-09-01,2024-10-01,2024-09-01,2024-09-02,{}\n" << 2 << u"BillingCurrency"_s << u"ISO 4217"_s;
        QTest::newRow("empty cost") << header + ",USD,2024-09-01,2024-10-01,2024-09-01,2024-09-02,{}\n" << 2 << u"BilledCost"_s << u"required"_s;
        QTest::newRow("after a multi-line field") << header + "1,USD,2024-09-01,2024-10-01,2024-09-01,2024-09-02,\"{\n}\"\n"
                                                   + "x,USD,2024-09-01,2024-10-01,2024-09-01,2024-09-02,{}\n" << 4 << u"BilledCost"_s << u"not a number"_s;
    }

    void brokenFilesNameLineAndColumn()
    {
        QFETCH(QByteArray, content);
        QFETCH(int, line);
        QFETCH(QString, column);
        QFETCH(QString, says);
        const ReadResult r = readAll(file(u"broken.csv"_s, content), BillingFormat::Focus);
        QVERIFY2(r.error, "the broken file was read without an error");
        QCOMPARE(r.error->file, u"broken.csv"_s);
        QCOMPARE(r.error->line, line);
        if (!column.isEmpty())
            QCOMPARE(r.error->column, column);
        QVERIFY2(r.error->message.contains(says), qPrintable(r.error->text()));
        QVERIFY(r.error->text().contains(u"line "_s + QString::number(line)));
    }

    void missingAndEmptyFiles()
    {
        ReadResult r = readAll(m_dir.filePath(u"nothing-here.csv"_s));
        QVERIFY(!r.opened && r.error);
        QVERIFY(r.error->text().contains(u"nothing-here.csv"_s));
        r = readAll(file(u"empty.csv"_s, {}));
        QVERIFY(!r.opened && r.error);
        r = readAll(file(u"users.csv"_s, "email,display_name\na@b.c,A\n"));
        QVERIFY(!r.opened && r.error);
        QVERIFY(r.error->message.contains(u"BilledCost"_s));
        r = readAll(file(u"bad.gz"_s, QByteArray("\x1f\x8b\x08\x00garbage-not-deflate", 23)));
        QVERIFY(!r.opened && r.error);
    }
};

QTEST_GUILESS_MAIN(TestBillingFile)
#include "tst_billingfile.moc"
