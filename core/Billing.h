#pragma once

#include "BillingLine.h"
#include "Ids.h"
#include "UsageSample.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <optional>

namespace TenantDesk {

// The billing exports TenantDesk reads, each mapped onto FOCUS columns (DESIGN.md, "Billing review").
enum class BillingFormat {
    Auto,     // detected from the header
    Focus,    // FOCUS 1.0 to 1.3 CSV
    AwsCur,   // AWS Cost and Usage Report, legacy column names ("lineItem/UnblendedCost")
    AwsCur2,  // AWS CUR 2.0, snake_case names ("line_item_unblended_cost")
    AzureEa,  // Azure cost details, Enterprise Agreement
    AzureMca, // Azure cost details, Microsoft Customer Agreement
};

QString billingFormatKey(BillingFormat format); // "focus", "aws-cur", "aws-cur2", "azure-ea", "azure-mca", "auto"
std::optional<BillingFormat> billingFormatFromKey(const QString& key);

// What an import does when the same file (by SHA-256) was imported before.
enum class DuplicateImport {
    Refuse,  // Conflict naming the earlier import, so that the person chooses
    Skip,    // nothing is written; the result says skipped
    Replace, // the earlier import's lines are deleted and the file imported again, in one transaction
};

// A billing export to import: plain CSV, .gz or .zip (one CSV inside).
struct BillingImportRequest {
    QString path;
    BillingFormat format = BillingFormat::Auto;
    DuplicateImport onDuplicate = DuplicateImport::Refuse;
    // When set, adds this key to the attribution rules' tenant tag keys (a tag whose value is a
    // tenant's slug) before the lines are attributed, as if edited in the rules.
    QString tenantTagKey;
};

// One import as remembered by the database.
struct BillingImport {
    qint64 id = 0;
    QString fileName;        // the name only, never a full path
    QString sha256;          // hex of the file's bytes as given (compressed or not)
    BillingFormat format = BillingFormat::Focus;
    QDateTime importedAt;
    QString importedBy;      // actor
    qint64 lineCount = 0;
    qint64 unallocatedLines = 0;
    QStringList currencies;  // BillingCurrency values seen, sorted
    QString billedCostTotal; // exact decimal text, summed over every currency (one currency is the usual case)
    QDateTime firstChargeAt; // earliest ChargePeriodStart
    QDateTime lastChargeAt;  // latest ChargePeriodEnd
    friend bool operator==(const BillingImport&, const BillingImport&) = default;
};

struct BillingImportResult {
    BillingImport import;       // id 0 when skipped
    bool skipped = false;       // DuplicateImport::Skip met an earlier import of the same file
    qint64 replacedImportId = 0;
    QStringList notes;          // what the mapping did, for the report ("Tags: 289 NULL values read as no tags")
};

// Where attributed cost comes from. Rules are tried in order: explicit mappings first, then the
// tenant tag keys; a line matching neither stays unallocated (tenant 0).
enum class AttributionSource {
    Tag,        // the value of tag `key`
    SubAccount, // the line's SubAccountId or its SubAccountName equals the value (either matches)
};

struct AttributionMapping {
    AttributionSource source = AttributionSource::Tag;
    QString key;        // the tag key (Tag only): "business_unit", "user:tenant"
    QString value;      // the tag value or sub-account id/name, compared exactly
    TenantId tenantId = 0;
    friend bool operator==(const AttributionMapping&, const AttributionMapping&) = default;
};

enum class SharedCostMatch { ServiceName, SubAccount };
enum class SharedCostSplit {
    Even,         // the same share to every target tenant
    Proportional, // in proportion to each target tenant's direct cost in the same month and currency
};

// Cost of a chosen service or account that serves everyone, spread over tenants.
struct SharedCostRule {
    SharedCostMatch match = SharedCostMatch::ServiceName;
    QString value;                // the ServiceName, or the SubAccountId/Name
    SharedCostSplit split = SharedCostSplit::Proportional;
    QList<TenantId> tenants;      // the tenants to spread over; empty: every tenant with direct cost that month
    friend bool operator==(const SharedCostRule&, const SharedCostRule&) = default;
};

struct AttributionRules {
    QStringList tenantTagKeys;          // tag keys whose value is a tenant's slug: "tenant", "user:tenant"
    QList<AttributionMapping> mappings; // value → tenant tables
    QList<SharedCostRule> sharedCosts;  // a line matching one of these is shared, not attributed directly
    qint64 version = 0;                 // for If-Match on changes (0: never saved)
    friend bool operator==(const AttributionRules&, const AttributionRules&) = default;
};

struct AttributionResult {
    AttributionRules rules;     // as stored, with the new version
    qint64 linesAttributed = 0; // lines now attributed to a tenant
    qint64 linesUnallocated = 0;
    qint64 linesShared = 0;
};

// Which lines a summary or a drill-down looks at.
struct BillingFilter {
    std::optional<TenantId> tenantId; // 0: unallocated only; nullopt: every tenant and unallocated
    QDateTime from;                   // ChargePeriodStart in [from, to), when valid
    QDateTime to;
    QString serviceName;              // exactly, when set
    QString serviceCategory;          // exactly, when set
    QString billingCurrency;          // exactly, when set
    qint64 importId = 0;              // 0: every import
};

// Cost summed by tenant × service × month, read from the roll-ups kept at import (never from the
// lines), with shared cost spread by the rules: a row with `shared` set is a tenant's share of a
// shared cost. Amounts are exact decimal text.
struct BillingTotalsRow {
    TenantId tenantId = 0;     // 0: unallocated
    QString month;             // "2024-09", of ChargePeriodStart (UTC)
    QString serviceName;
    QString serviceCategory;
    QString billingCurrency;
    QString billedCost;
    QString effectiveCost;
    QString listCost;
    qint64 lineCount = 0;
    bool shared = false;
    friend bool operator==(const BillingTotalsRow&, const BillingTotalsRow&) = default;
};

// The lines behind a total, in ChargePeriodStart order, paged.
struct BillingLineQuery {
    BillingFilter filter;
    QString month;       // "2024-09", when set
    bool sharedOnly = false;
    int limit = 200;
    QString cursor;
};

// The values one tag key takes in the billing lines ("values seen"), so that the attribution rules
// can be written from what is there: one row per value × tenant attributed to now × currency.
struct BillingTagValueQuery {
    QString key;          // the tag key, compared exactly ("business_unit", "user:tenant")
    BillingFilter filter; // which lines are looked at (tenantId: attributed to that tenant now; 0: unallocated)
};

struct BillingTagValue {
    QString value;           // the tag's value as attribution compares it (numbers and booleans as text)
    TenantId tenantId = 0;   // the tenant these lines are attributed to now; 0: unallocated, or shared
    bool shared = false;     // the lines matched a shared-cost rule
    QString billingCurrency;
    qint64 lineCount = 0;
    QString billedCost;      // exact decimal text, the sum of the lines' BilledCost
    friend bool operator==(const BillingTagValue&, const BillingTagValue&) = default;
};

// A tag key seen in the billing lines, with the number of lines that carry it.
struct BillingTagKey {
    QString key;
    qint64 lineCount = 0;
    friend bool operator==(const BillingTagKey&, const BillingTagKey&) = default;
};

// A tenant's monthly budget in one currency.
struct TenantBudget {
    TenantId tenantId = 0;
    QString amount;    // exact decimal text per month
    QString currency;  // ISO 4217
    friend bool operator==(const TenantBudget&, const TenantBudget&) = default;
};

// Usage summed per tenant over [from, to), for comparing tenants ("top N by cpu_hours").
struct UsageTotalsQuery {
    UsageMetric metric = UsageMetric::CpuHours;
    QDateTime from;
    QDateTime to;
    int limit = 10;          // the N largest
    TenantId parentId = -1;  // -1: every tenant; 0: top-level tenants; otherwise the sub-tenants of one
};

struct UsageTotal {
    TenantId tenantId = 0;
    double total = 0;        // sum over the range (for error_rate and active_users: the mean)
    double peak = 0;         // the largest hourly value
    qint64 samples = 0;
    friend bool operator==(const UsageTotal&, const UsageTotal&) = default;
};

} // namespace TenantDesk

Q_DECLARE_METATYPE(TenantDesk::BillingImport)
Q_DECLARE_METATYPE(TenantDesk::BillingTotalsRow)
Q_DECLARE_METATYPE(TenantDesk::UsageTotal)
Q_DECLARE_METATYPE(TenantDesk::BillingTagValue)
