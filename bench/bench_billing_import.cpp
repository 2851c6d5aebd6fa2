// bench_billing_import: TenantDesk's billing import (read, attribution, roll-ups, written in one
// transaction) of a generated FOCUS CSV into a fresh SQLite database, measured in the same run as
// two references on the same file: the sqlite3 shell's `.import --csv` into :memory:, and DuckDB
// (@duckdb/node-api: read_csv, then the GROUP BY of BilledCost by tenant tag, service and month).
//
//   bench_billing_import [--lines N] [--dir DIR] [--duckdb NODE_PROJECT] [--keep]
//
// The file copies the shape of the shared FOCUS sample (tests/data/focus): its 44 columns in its
// order, every text quoted, NULL unquoted, times without T and Z, amounts with 11 decimals, tags as
// JSON with doubled quotes; about 90% of the lines carry a "tenant" tag naming one of 40 tenants.

#include "SqlStore.h"
#include "StoreError.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTextStream>

#include <cstdio>
#include <sys/resource.h>

using namespace TenantDesk;
using namespace Qt::StringLiterals;

namespace {

constexpr int tenantCount = 40;

QString tenantSlug(int i)
{
    return u"tenant-%1"_s.arg(i + 1, 2, 10, QChar(u'0'));
}

struct Service {
    const char* name;
    const char* category;
    const char* description;
    const char* unit;
    const char* arn;
};

const Service services[] = {
    {"Amazon Elastic Compute Cloud", "Compute", "$0.0416 per On Demand Linux t3.medium Instance Hour", "Hrs",
     "arn:ats:ec2:us-test-2:347410479675:instance/i-032l64f2065481b12"},
    {"Amazon Simple Storage Service", "Storage", "$0.023 per GB - first 50 TB / month of storage used", "GB-Mo",
     "arn:ats:s3:::mibelllmel-bucket-logs-us-test-2"},
    {"Elastic Load Balancing", "Networking", "$0.008 per used Application load balancer capacity unit-hour (or partial hour)",
     "LCU-Hours", "arn:ats:emastilmoalfamanling:us-test-2:586597448978:moalfamanler/app/tungsten-lonbmuenle-amf/l365455f461l4e4a"},
    {"Amazon Relational Database Service", "Databases", "$0.136 per RDS db.m5.large instance hour (or partial hour) running PostgreSQL",
     "Hrs", "arn:ats:rds:us-test-2:347410479675:db:orion-prod-postgres"},
    {"Amazon Simple Queue Service", "Integration", "$0.40 per million Amazon SQS standard requests in Tier1 in US West (Oregon)",
     "Requests", "arn:ats:sqs:us-test-2:347410479675:mibelllmel-i-032l64f2065481b12"},
    {"AmazonCloudWatch", "Management and Governance", "$0.30 per metric-month - first 10,000 metrics", "Metrics",
     "arn:ats:cloudwatch:us-test-2:347410479675:metric/tungsten"},
    {"Amazon SageMaker", "AI and Machine Learning", "$0.05 per hour for ml.t3.medium notebook instance", "Hrs",
     "arn:ats:sagemaker:us-test-2:347410479675:notebook-instance/atlas"},
    {"Amazon Virtual Private Cloud", "Networking", "$0.045 per NAT Gateway Hour", "Hrs",
     "arn:ats:ec2:us-test-2:347410479675:natgateway/nat-0a1b2c3d4e5f67890"},
    {"AWS Lambda", "Compute", "AWS Lambda - Total Compute - US West (Oregon)", "Lambda-GB-Second",
     "arn:ats:lambda:us-test-2:347410479675:function:orion-ingest"},
    {"Amazon DynamoDB", "Databases", "$0.25 per million read request units (US West (Oregon))", "ReadRequestUnits",
     "arn:ats:dynamodb:us-test-2:347410479675:table/zenith-sessions"},
    {"Azure Kubernetes Service", "Compute", "Standard_D4s_v3 VM, Linux, per hour", "1 Hour",
     "/subscriptions/7c1a/resourcegroups/mc_aks/providers/microsoft.compute/virtualmachinescalesets/aks-nodepool1"},
    {"Other", "Other", "Tax", "Unit", "NULL"},
};
constexpr int serviceCount = int(sizeof services / sizeof services[0]);

const char* const accounts[][2] = {{"51738928782", "Atlas Nimbus"}, {"43883916739", "Zenith Eclipse"},
                                   {"27834561290", "Atlas Orion"},  {"98234567123", "Orion Zenith"},
                                   {"11223344556", "Nimbus Vega"}};
const char* const applications[] = {"BrightLensMatrix", "QuantumLedger", "NovaCart", "PulseDesk", "EchoVault"};
const char* const environments[] = {"dev", "prod", "staging", "test"};
const char* const units[] = {"ViennaAI", "OsloRetail", "LimaLogistics", "KyotoHealth"};

// An amount with 11 decimals, as the sample writes BilledCost.
void appendAmount(QByteArray& out, quint64 units11)
{
    char buffer[48];
    const int n = std::snprintf(buffer, sizeof buffer, "%llu.%011llu", units11 / 100000000000ULL, units11 % 100000000000ULL);
    out.append(buffer, n);
}

void appendQuoted(QByteArray& out, const char* text)
{
    out.append('"').append(text).append('"');
}

QByteArray header()
{
    return "\"AvailabilityZone\",\"BilledCost\",\"BillingAccountId\",\"BillingAccountName\",\"BillingCurrency\","
           "\"BillingPeriodEnd\",\"BillingPeriodStart\",\"ChargeCategory\",\"ChargeClass\",\"ChargeDescription\","
           "\"ChargeFrequency\",\"ChargePeriodEnd\",\"ChargePeriodStart\",\"CommitmentDiscountCategory\","
           "\"CommitmentDiscountId\",\"CommitmentDiscountName\",\"CommitmentDiscountStatus\",\"CommitmentDiscountType\","
           "\"ConsumedQuantity\",\"ConsumedUnit\",\"ContractedCost\",\"ContractedUnitPrice\",\"EffectiveCost\","
           "\"InvoiceIssuerName\",\"ListCost\",\"ListUnitPrice\",\"PricingCategory\",\"PricingQuantity\",\"PricingUnit\","
           "\"ProviderName\",\"PublisherName\",\"RegionId\",\"RegionName\",\"ResourceId\",\"ResourceName\","
           "\"ResourceType\",\"ServiceCategory\",\"Id\",\"ServiceName\",\"SkuId\",\"SkuPriceId\",\"SubAccountId\","
           "\"SubAccountName\",\"Tags\"\n";
}

// Writes `lines` lines; returns the file's size.
qint64 generate(const QString& path, qint64 lines)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(path));
    QRandomGenerator random(20241201);
    QByteArray out = header();
    out.reserve(8 << 20);
    char buffer[160];
    for (qint64 i = 0; i < lines; ++i) {
        const Service& s = services[random.bounded(serviceCount)];
        const auto* account = accounts[random.bounded(5)];
        const int month = 7 + int(random.bounded(3)); // July to September 2024
        const int day = 1 + int(random.bounded(28));
        const int hour = int(random.bounded(24));
        const quint64 cost = random.bounded(quint64(50000000000ULL)); // up to 0.5
        const bool credit = random.bounded(200) == 0;

        out.append(random.bounded(3) == 0 ? "\"us-west-2a\"," : "NULL,");
        if (credit)
            out.append('-');
        appendAmount(out, cost);
        out.append(",\"1234567890123\",\"SunBird\",\"USD\",");
        std::snprintf(buffer, sizeof buffer, "\"2024-%02d-01 00:00:00\",\"2024-%02d-01 00:00:00\",", month + 1, month);
        out.append(buffer);
        out.append(credit ? "\"Credit\"," : "\"Usage\",");
        out.append("NULL,");
        appendQuoted(out, s.description);
        out.append(",\"Usage-Based\",");
        std::snprintf(buffer, sizeof buffer, "\"2024-%02d-%02d %02d:00:00\",\"2024-%02d-%02d %02d:00:00\",", month, day,
                      (hour + 1) % 24, month, day, hour);
        out.append(buffer);
        out.append("NULL,NULL,NULL,NULL,NULL,");
        std::snprintf(buffer, sizeof buffer, "%llu.%015llu,", cost / 7000000000ULL, (cost * 7919ULL) % 1000000000000000ULL);
        out.append(buffer);
        appendQuoted(out, s.unit);
        out.append(",0.00000000000,0.00000000000,");
        appendAmount(out, cost);
        out.append(",\"Amazon Web Services, Inc.\",");
        appendAmount(out, cost + cost / 10);
        std::snprintf(buffer, sizeof buffer, ",\"0.%03u\",\"Standard\",", unsigned(random.bounded(1000)));
        out.append(buffer);
        appendAmount(out, cost * 3);
        out.append(',');
        appendQuoted(out, s.unit);
        out.append(",\"AWS\",\"Amazon Web Services, Inc.\",\"us-west-2\",\"US West (Oregon)\",");
        if (qstrcmp(s.arn, "NULL") == 0)
            out.append("NULL");
        else
            appendQuoted(out, s.arn);
        out.append(",NULL,NULL,");
        appendQuoted(out, s.category);
        std::snprintf(buffer, sizeof buffer, ",%lld,", i + 1);
        out.append(buffer);
        appendQuoted(out, s.name);
        std::snprintf(buffer, sizeof buffer, ",\"G95FST5FTYV3J%03d\",\"G95FST5FTYV3J%03d.JRTCKXETXF.VXGXCWQKTY\",",
                      int(i % 997), int(i % 997));
        out.append(buffer);
        appendQuoted(out, account[0]);
        out.append(',');
        appendQuoted(out, account[1]);
        out.append(',');
        if (random.bounded(10) == 0) {
            out.append("NULL");
        } else {
            std::snprintf(buffer, sizeof buffer,
                          "\"{\"\"tenant\"\": \"\"%s\"\", \"\"application\"\": \"\"%s\"\", \"\"environment\"\": \"\"%s\"\", "
                          "\"\"business_unit\"\": \"\"%s\"\"}\"",
                          qPrintable(tenantSlug(int(random.bounded(tenantCount)))), applications[random.bounded(5)],
                          environments[random.bounded(4)], units[random.bounded(4)]);
            out.append(buffer);
        }
        out.append('\n');
        if (out.size() > (8 << 20) - 4096) {
            file.write(out);
            out.resize(0);
        }
    }
    file.write(out);
    return file.size();
}

// CPU time of this process so far (every thread), in seconds.
double cpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// CPU time of the children waited for so far, in seconds.
double childCpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_CHILDREN, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

struct Measure {
    double seconds = 0;
    QString note;
};

Measure runProcess(const QString& program, const QStringList& arguments, const QString& directory = {})
{
    QProcess process;
    process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    if (!directory.isEmpty())
        process.setWorkingDirectory(directory);
    QElapsedTimer timer;
    timer.start();
    process.start(program, arguments);
    if (!process.waitForFinished(-1) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return {-1, u"%1 failed: %2"_s.arg(program, QString::fromLocal8Bit(process.readAllStandardOutput()))};
    return {double(timer.nsecsElapsed()) / 1e9, QString::fromUtf8(process.readAllStandardOutput()).trimmed()};
}

const char* const duckdbScript = R"JS(
import { DuckDBInstance } from '@duckdb/node-api';
const file = process.argv[2];
const t0 = performance.now();
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
await connection.run(`CREATE TABLE lines AS SELECT * FROM read_csv('${file}', header = true, nullstr = 'NULL')`);
const t1 = performance.now();
const reader = await connection.runAndReadAll(`
  SELECT json_extract_string(Tags, '$.tenant') AS tenant, ServiceName, strftime(ChargePeriodStart, '%Y-%m') AS month,
         sum(BilledCost) AS billed, count(*) AS lines
  FROM lines GROUP BY ALL`);
const t2 = performance.now();
const rows = reader.getRows();
let lines = 0;
for (const row of rows) lines += Number(row[4]);
console.log(JSON.stringify({load: (t1 - t0) / 1000, group: (t2 - t1) / 1000, groups: rows.length, lines}));
)JS";

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({u"lines"_s, u"Lines of the generated file (default 1,000,000)."_s, u"n"_s, u"1000000"_s});
    parser.addOption({u"dir"_s, u"Where the file and the database go (default: a temporary directory)."_s, u"dir"_s});
    parser.addOption({u"duckdb"_s, u"A node project with @duckdb/node-api installed (skipped when not given)."_s, u"dir"_s});
    parser.addOption({u"keep"_s, u"Keep the generated file and database."_s});
    parser.process(app);
    QTextStream out(stdout);

    QTemporaryDir temporary;
    temporary.setAutoRemove(!parser.isSet(u"keep"_s));
    const QDir dir(parser.isSet(u"dir"_s) ? parser.value(u"dir"_s) : temporary.path());
    const qint64 lines = parser.value(u"lines"_s).toLongLong();
    const QString csv = dir.filePath(u"focus-%1.csv"_s.arg(lines));

    QElapsedTimer timer;
    timer.start();
    const qint64 bytes = QFileInfo::exists(csv) && parser.isSet(u"keep"_s) ? QFileInfo(csv).size() : generate(csv, lines);
    const double megabytes = double(bytes) / 1e6;
    out << u"file: %1 lines, %2 MB, written in %3 s (%4)\n"_s.arg(lines).arg(megabytes, 0, 'f', 1)
                .arg(double(timer.nsecsElapsed()) / 1e9, 0, 'f', 1).arg(csv);
    out.flush();

    // TenantDesk: a fresh database with the tenants the tags name, then the import.
    const QString database = dir.filePath(u"bench-billing.tenantdesk"_s);
    QFile::remove(database);
    QFile::remove(database + u"-wal"_s);
    QFile::remove(database + u"-shm"_s);
    double tenantdesk = 0;
    {
        SqlStore store(database);
        try {
            store.open(OpenMode::CreateIfMissing).waitForFinished();
            for (int i = 0; i < tenantCount; ++i)
                store.createTenant(NewTenant{tenantSlug(i), u"Tenant %1"_s.arg(i + 1), 0, {}, u"UTC"_s, u"en"_s, {}})
                    .waitForFinished();
            timer.restart();
            const double cpuBefore = cpuSeconds();
            const BillingImportResult result = store.importBilling({csv, BillingFormat::Auto, DuplicateImport::Refuse,
                                                                    u"tenant"_s}).result();
            tenantdesk = double(timer.nsecsElapsed()) / 1e9;
            out << u"TenantDesk import: %1 s (CPU %8 s), %2 rows/s, %3 MB/s (%4 lines, %5 unallocated, billed %6 %7)\n"_s
                       .arg(tenantdesk, 0, 'f', 2).arg(double(lines) / tenantdesk, 0, 'f', 0)
                       .arg(megabytes / tenantdesk, 0, 'f', 1).arg(result.import.lineCount)
                       .arg(result.import.unallocatedLines).arg(result.import.billedCostTotal, result.import.currencies.join(u'/'))
                       .arg(cpuSeconds() - cpuBefore, 0, 'f', 2);
            if (result.import.lineCount != lines)
                qFatal("imported %lld lines of %lld", result.import.lineCount, lines);
        } catch (const StoreError& error) {
            qFatal("import failed: %s", qPrintable(error.fullMessage()));
        }
    }
    out << u"database: %1 MB\n"_s.arg(double(QFileInfo(database).size()) / 1e6, 0, 'f', 1);
    out.flush();

    double childBefore = childCpuSeconds();
    const Measure shell = runProcess(u"sqlite3"_s, {u":memory:"_s, u".import --csv "_s + csv + u" t"_s});
    if (shell.seconds > 0)
        out << u"sqlite3 :memory: .import --csv: %1 s (CPU %4 s), %2 rows/s, %3 MB/s\n"_s.arg(shell.seconds, 0, 'f', 2)
                   .arg(double(lines) / shell.seconds, 0, 'f', 0).arg(megabytes / shell.seconds, 0, 'f', 1)
                   .arg(childCpuSeconds() - childBefore, 0, 'f', 2);
    else
        out << shell.note << u'\n';
    out.flush();

    Measure duck;
    QJsonObject duckFigures;
    if (parser.isSet(u"duckdb"_s)) {
        const QString project = parser.value(u"duckdb"_s);
        QFile script(QDir(project).filePath(u"bench-billing.mjs"_s));
        if (script.open(QIODevice::WriteOnly | QIODevice::Truncate))
            script.write(duckdbScript);
        script.close();
        childBefore = childCpuSeconds();
        duck = runProcess(u"node"_s, {script.fileName(), csv}, project);
        const double duckCpu = childCpuSeconds() - childBefore;
        duckFigures = QJsonDocument::fromJson(duck.note.toUtf8()).object();
        if (duck.seconds > 0)
            out << u"DuckDB read_csv + GROUP BY: %1 s (load %2 s, group %3 s; %4 s with node's start, CPU %8 s), %5 rows/s, "
                   "%6 MB/s, %7 groups\n"_s
                       .arg(duckFigures.value(u"load"_s).toDouble() + duckFigures.value(u"group"_s).toDouble(), 0, 'f', 2)
                       .arg(duckFigures.value(u"load"_s).toDouble(), 0, 'f', 2)
                       .arg(duckFigures.value(u"group"_s).toDouble(), 0, 'f', 2).arg(duck.seconds, 0, 'f', 2)
                       .arg(double(lines) / (duckFigures.value(u"load"_s).toDouble() + duckFigures.value(u"group"_s).toDouble()), 0, 'f', 0)
                       .arg(megabytes / (duckFigures.value(u"load"_s).toDouble() + duckFigures.value(u"group"_s).toDouble()), 0, 'f', 1)
                       .arg(duckFigures.value(u"groups"_s).toInt()).arg(duckCpu, 0, 'f', 2);
        else
            out << duck.note << u'\n';
    }

    out << u"\nTenantDesk vs sqlite3 CLI: %1x faster (target: at least 3x)\n"_s.arg(shell.seconds / tenantdesk, 0, 'f', 2);
    if (duck.seconds > 0) {
        const double duckSeconds = duckFigures.value(u"load"_s).toDouble() + duckFigures.value(u"group"_s).toDouble();
        out << u"TenantDesk vs DuckDB: %1x DuckDB's time (target: within 2x)\n"_s.arg(tenantdesk / duckSeconds, 0, 'f', 2);
    }
    if (!parser.isSet(u"keep"_s)) {
        QFile::remove(csv);
        QFile::remove(database);
    }
    return 0;
}
