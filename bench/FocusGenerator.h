#pragma once
// The generated FOCUS CSV of the billing benchmarks (bench_billing_import, bench_billing_review): the
// shape of the shared FOCUS sample (tests/data/focus): its 44 columns in its order, every text
// quoted, NULL unquoted, times without T and Z, amounts with 11 decimals, tags as JSON with doubled
// quotes; about 90% of the lines carry a "tenant" tag naming one of 40 tenants (tenant-01 ...).

#include <QByteArray>
#include <QFile>
#include <QRandomGenerator>
#include <QString>

#include <cstdio>

namespace TenantDesk::BenchFocus {

using namespace Qt::StringLiterals;

constexpr int tenantCount = 40;

inline QString tenantSlug(int i)
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

inline const Service services[] = {
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

inline const char* const accounts[][2] = {{"51738928782", "Atlas Nimbus"}, {"43883916739", "Zenith Eclipse"},
                                   {"27834561290", "Atlas Orion"},  {"98234567123", "Orion Zenith"},
                                   {"11223344556", "Nimbus Vega"}};
inline const char* const applications[] = {"BrightLensMatrix", "QuantumLedger", "NovaCart", "PulseDesk", "EchoVault"};
inline const char* const environments[] = {"dev", "prod", "staging", "test"};
inline const char* const units[] = {"ViennaAI", "OsloRetail", "LimaLogistics", "KyotoHealth"};

// An amount with 11 decimals, as the sample writes BilledCost.
inline void appendAmount(QByteArray& out, quint64 units11)
{
    char buffer[48];
    const int n = std::snprintf(buffer, sizeof buffer, "%llu.%011llu", units11 / 100000000000ULL, units11 % 100000000000ULL);
    out.append(buffer, n);
}

inline void appendQuoted(QByteArray& out, const char* text)
{
    out.append('"').append(text).append('"');
}

inline QByteArray header()
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
inline qint64 generate(const QString& path, qint64 lines)
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

} // namespace TenantDesk::BenchFocus
