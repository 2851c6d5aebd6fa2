#include "BillingFile.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDate>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimeZone>

#include <zlib.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstring>
#include <functional>
#include <numeric>
#include <string>

namespace TenantDesk {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("BillingFile", text);
}

QString tr(const char* text, int n)
{
    return QCoreApplication::translate("BillingFile", text, nullptr, n);
}

// ---- Where the bytes come from: a plain file, a gzip stream, or one entry of a zip -------------

class Source
{
public:
    virtual ~Source() = default;
    // Up to `size` bytes of the CSV text into `out`; 0 at the end; -1 on an error (error()).
    virtual qint64 read(char* out, qint64 size) = 0;
    virtual qint64 storedBytesRead() const = 0;
    QString error;
};

class PlainSource final : public Source
{
public:
    explicit PlainSource(QFile& file, QCryptographicHash& hash) : m_file(file), m_hash(hash) {}
    qint64 read(char* out, qint64 size) override
    {
        const qint64 n = m_file.read(out, size);
        if (n < 0) {
            error = m_file.errorString();
            return -1;
        }
        m_hash.addData(QByteArrayView(out, n));
        m_read += n;
        return n;
    }
    qint64 storedBytesRead() const override { return m_read; }

private:
    QFile& m_file;
    QCryptographicHash& m_hash;
    qint64 m_read = 0;
};

// Inflates a stored stream: gzip (windowBits 15 + 32: gzip or zlib header) or raw deflate (-15),
// reading at most `limit` stored bytes.
class InflateSource final : public Source
{
public:
    InflateSource(QFile& file, QCryptographicHash* hash, int windowBits, qint64 limit)
        : m_file(file), m_hash(hash), m_limit(limit), m_in(1 << 20, Qt::Uninitialized)
    {
        std::memset(&m_stream, 0, sizeof m_stream);
        m_ok = inflateInit2(&m_stream, windowBits) == Z_OK;
        if (!m_ok)
            error = tr("zlib could not start.");
    }
    ~InflateSource() override
    {
        if (m_ok)
            inflateEnd(&m_stream);
    }
    qint64 read(char* out, qint64 size) override
    {
        if (!m_ok)
            return -1;
        m_stream.next_out = reinterpret_cast<Bytef*>(out);
        m_stream.avail_out = uInt(std::min<qint64>(size, 1 << 30));
        while (m_stream.avail_out > 0 && !m_finished) {
            if (m_stream.avail_in == 0) {
                const qint64 want = m_limit >= 0 ? std::min<qint64>(m_in.size(), m_limit - m_read) : m_in.size();
                const qint64 n = want > 0 ? m_file.read(m_in.data(), want) : 0;
                if (n < 0) {
                    error = m_file.errorString();
                    return -1;
                }
                if (n == 0)
                    break; // a truncated stream: reported below when nothing came out
                if (m_hash)
                    m_hash->addData(QByteArrayView(m_in.constData(), n));
                m_read += n;
                m_stream.next_in = reinterpret_cast<Bytef*>(m_in.data());
                m_stream.avail_in = uInt(n);
            }
            const int result = inflate(&m_stream, Z_NO_FLUSH);
            if (result == Z_STREAM_END) {
                // A gzip file may hold several members, one after the other.
                if (m_stream.avail_in > 0 || (m_limit < 0 && !m_file.atEnd())) {
                    inflateReset(&m_stream);
                    continue;
                }
                m_finished = true;
            } else if (result != Z_OK && result != Z_BUF_ERROR) {
                error = tr("the compressed data is damaged (%1).").arg(QString::fromLatin1(m_stream.msg ? m_stream.msg : "zlib"));
                return -1;
            } else if (result == Z_BUF_ERROR && m_stream.avail_in == 0 && m_file.atEnd()) {
                break;
            }
        }
        const qint64 produced = qint64(size - m_stream.avail_out);
        if (produced == 0 && !m_finished) {
            error = tr("the compressed data ends too early.");
            return -1;
        }
        return produced;
    }
    qint64 storedBytesRead() const override { return m_read; }

private:
    QFile& m_file;
    QCryptographicHash* m_hash;
    qint64 m_limit;
    qint64 m_read = 0;
    QByteArray m_in;
    z_stream m_stream;
    bool m_ok = false;
    bool m_finished = false;
};

class StoredSource final : public Source
{
public:
    StoredSource(QFile& file, qint64 size) : m_file(file), m_left(size) {}
    qint64 read(char* out, qint64 size) override
    {
        const qint64 n = m_file.read(out, std::min(size, m_left));
        if (n < 0) {
            error = m_file.errorString();
            return -1;
        }
        m_left -= n;
        m_read += n;
        return n;
    }
    qint64 storedBytesRead() const override { return m_read; }

private:
    QFile& m_file;
    qint64 m_left;
    qint64 m_read = 0;
};

quint32 le32(const char* p)
{
    return quint32(uchar(p[0])) | quint32(uchar(p[1])) << 8 | quint32(uchar(p[2])) << 16 | quint32(uchar(p[3])) << 24;
}
quint16 le16(const char* p)
{
    return quint16(uchar(p[0]) | uchar(p[1]) << 8);
}

// ---- FOCUS mapping ------------------------------------------------------------------------------

enum Field {
    FProvider, FBillingAccount, FSubAccountId, FSubAccountName, FBillingStart, FBillingEnd, FChargeStart, FChargeEnd,
    FChargeCategory, FServiceName, FServiceCategory, FRegion, FResource, FBilled, FEffective, FList, FCurrency, FTags,
    FieldCount
};

// The column names each format gives a field, first match wins.
struct Mapping {
    std::array<QList<QByteArray>, FieldCount> columns;
    QList<int> required; // fields whose column must be in the header
};

Mapping focusMapping()
{
    Mapping m;
    m.columns[FProvider] = {"ProviderName", "ServiceProviderName"};
    m.columns[FBillingAccount] = {"BillingAccountId"};
    m.columns[FSubAccountId] = {"SubAccountId"};
    m.columns[FSubAccountName] = {"SubAccountName"};
    m.columns[FBillingStart] = {"BillingPeriodStart"};
    m.columns[FBillingEnd] = {"BillingPeriodEnd"};
    m.columns[FChargeStart] = {"ChargePeriodStart"};
    m.columns[FChargeEnd] = {"ChargePeriodEnd"};
    m.columns[FChargeCategory] = {"ChargeCategory"};
    m.columns[FServiceName] = {"ServiceName"};
    m.columns[FServiceCategory] = {"ServiceCategory"};
    m.columns[FRegion] = {"RegionId", "Region"};
    m.columns[FResource] = {"ResourceId"};
    m.columns[FBilled] = {"BilledCost"};
    m.columns[FEffective] = {"EffectiveCost"};
    m.columns[FList] = {"ListCost"};
    m.columns[FCurrency] = {"BillingCurrency"};
    m.columns[FTags] = {"Tags"};
    m.required = {FBilled, FCurrency, FChargeStart, FChargeEnd, FBillingStart, FBillingEnd};
    return m;
}

Mapping curMapping()
{
    Mapping m;
    m.columns[FBillingAccount] = {"bill/PayerAccountId"};
    m.columns[FSubAccountId] = {"lineItem/UsageAccountId"};
    m.columns[FSubAccountName] = {"lineItem/UsageAccountName"};
    m.columns[FBillingStart] = {"bill/BillingPeriodStartDate"};
    m.columns[FBillingEnd] = {"bill/BillingPeriodEndDate"};
    m.columns[FChargeStart] = {"lineItem/UsageStartDate"};
    m.columns[FChargeEnd] = {"lineItem/UsageEndDate"};
    m.columns[FChargeCategory] = {"lineItem/LineItemType"};
    m.columns[FServiceName] = {"product/ProductName", "lineItem/ProductCode"};
    m.columns[FServiceCategory] = {"lineItem/ProductCode", "product/ProductName"};
    m.columns[FRegion] = {"product/region", "product/regionCode"};
    m.columns[FResource] = {"lineItem/ResourceId"};
    m.columns[FBilled] = {"lineItem/UnblendedCost"};
    m.columns[FEffective] = {"lineItem/NetUnblendedCost", "lineItem/UnblendedCost"};
    m.columns[FList] = {"pricing/publicOnDemandCost", "lineItem/UnblendedCost"};
    m.columns[FCurrency] = {"lineItem/CurrencyCode"};
    m.required = {FBilled, FCurrency, FChargeStart};
    return m;
}

Mapping cur2Mapping()
{
    Mapping m;
    m.columns[FBillingAccount] = {"bill_payer_account_id"};
    m.columns[FSubAccountId] = {"line_item_usage_account_id"};
    m.columns[FSubAccountName] = {"line_item_usage_account_name"};
    m.columns[FBillingStart] = {"bill_billing_period_start_date"};
    m.columns[FBillingEnd] = {"bill_billing_period_end_date"};
    m.columns[FChargeStart] = {"line_item_usage_start_date"};
    m.columns[FChargeEnd] = {"line_item_usage_end_date"};
    m.columns[FChargeCategory] = {"line_item_line_item_type"};
    m.columns[FServiceName] = {"product_servicecode", "line_item_product_code"};
    m.columns[FServiceCategory] = {"line_item_product_code", "product_servicecode"};
    m.columns[FRegion] = {"product_region_code"};
    m.columns[FResource] = {"line_item_resource_id"};
    m.columns[FBilled] = {"line_item_unblended_cost"};
    m.columns[FEffective] = {"line_item_net_unblended_cost", "line_item_unblended_cost"};
    m.columns[FList] = {"pricing_public_on_demand_cost", "line_item_unblended_cost"};
    m.columns[FCurrency] = {"line_item_currency_code"};
    m.columns[FTags] = {"resource_tags"};
    m.required = {FBilled, FCurrency, FChargeStart};
    return m;
}

Mapping azureEaMapping()
{
    Mapping m;
    m.columns[FBillingAccount] = {"BillingAccountId"};
    m.columns[FSubAccountId] = {"SubscriptionId"};
    m.columns[FSubAccountName] = {"SubscriptionName"};
    m.columns[FBillingStart] = {"BillingPeriodStartDate"};
    m.columns[FBillingEnd] = {"BillingPeriodEndDate"};
    m.columns[FChargeStart] = {"Date"};
    m.columns[FChargeCategory] = {"ChargeType"};
    m.columns[FServiceName] = {"MeterCategory", "ConsumedService"};
    m.columns[FServiceCategory] = {"MeterCategory", "ConsumedService"};
    m.columns[FRegion] = {"ResourceLocation"};
    m.columns[FResource] = {"ResourceId"};
    m.columns[FBilled] = {"CostInBillingCurrency"};
    m.columns[FEffective] = {"CostInBillingCurrency"};
    m.columns[FList] = {"PayGCostInBillingCurrency", "CostInBillingCurrency"};
    m.columns[FCurrency] = {"BillingCurrencyCode", "BillingCurrency"};
    m.columns[FTags] = {"Tags"};
    m.required = {FBilled, FCurrency, FChargeStart};
    return m;
}

Mapping azureMcaMapping()
{
    Mapping m;
    m.columns[FBillingAccount] = {"billingAccountId"};
    m.columns[FSubAccountId] = {"SubscriptionId", "subscriptionId"};
    m.columns[FSubAccountName] = {"subscriptionName", "SubscriptionName"};
    m.columns[FBillingStart] = {"billingPeriodStartDate"};
    m.columns[FBillingEnd] = {"billingPeriodEndDate"};
    m.columns[FChargeStart] = {"date"};
    m.columns[FChargeCategory] = {"chargeType"};
    m.columns[FServiceName] = {"meterCategory", "consumedService"};
    m.columns[FServiceCategory] = {"meterCategory", "consumedService"};
    m.columns[FRegion] = {"resourceLocation"};
    m.columns[FResource] = {"ResourceId", "resourceId"};
    m.columns[FBilled] = {"costInBillingCurrency"};
    m.columns[FEffective] = {"costInBillingCurrency"};
    m.columns[FList] = {"paygCostInBillingCurrency", "costInBillingCurrency"};
    m.columns[FCurrency] = {"billingCurrency", "billingCurrencyCode"};
    m.columns[FTags] = {"tags"};
    m.required = {FBilled, FCurrency, FChargeStart};
    return m;
}

Mapping mappingFor(BillingFormat format)
{
    switch (format) {
    case BillingFormat::Auto:
    case BillingFormat::Focus: return focusMapping();
    case BillingFormat::AwsCur: return curMapping();
    case BillingFormat::AwsCur2: return cur2Mapping();
    case BillingFormat::AzureEa: return azureEaMapping();
    case BillingFormat::AzureMca: return azureMcaMapping();
    }
    return focusMapping();
}

QString formatName(BillingFormat format)
{
    switch (format) {
    case BillingFormat::Auto: return tr("detected");
    case BillingFormat::Focus: return tr("FOCUS");
    case BillingFormat::AwsCur: return tr("AWS Cost and Usage Report");
    case BillingFormat::AwsCur2: return tr("AWS CUR 2.0");
    case BillingFormat::AzureEa: return tr("Azure cost details (EA)");
    case BillingFormat::AzureMca: return tr("Azure cost details (MCA)");
    }
    return {};
}

// FOCUS service categories derived from a provider's service name or code.
QByteArray categoryOf(QByteArrayView service)
{
    static const std::pair<const char*, const char*> rules[] = {
        {"ec2", "Compute"}, {"lambda", "Compute"}, {"virtual machine", "Compute"}, {"compute", "Compute"},
        {"container", "Compute"}, {"kubernetes", "Compute"}, {"ecs", "Compute"}, {"eks", "Compute"},
        {"functions", "Compute"}, {"app service", "Compute"}, {"fargate", "Compute"},
        {"rds", "Databases"}, {"dynamodb", "Databases"}, {"sql", "Databases"}, {"cosmos", "Databases"},
        {"database", "Databases"}, {"redis", "Databases"}, {"elasticache", "Databases"}, {"aurora", "Databases"},
        {"s3", "Storage"}, {"storage", "Storage"}, {"ebs", "Storage"}, {"glacier", "Storage"}, {"backup", "Storage"},
        {"efs", "Storage"}, {"disk", "Storage"},
        {"datatransfer", "Networking"}, {"data transfer", "Networking"}, {"cloudfront", "Networking"},
        {"vpc", "Networking"}, {"bandwidth", "Networking"}, {"load balanc", "Networking"}, {"elb", "Networking"},
        {"route 53", "Networking"}, {"route53", "Networking"}, {"dns", "Networking"}, {"network", "Networking"},
        {"sagemaker", "AI and Machine Learning"}, {"bedrock", "AI and Machine Learning"},
        {"cognitive", "AI and Machine Learning"}, {"openai", "AI and Machine Learning"},
        {"machine learning", "AI and Machine Learning"},
        {"athena", "Analytics"}, {"glue", "Analytics"}, {"redshift", "Analytics"}, {"synapse", "Analytics"},
        {"kinesis", "Analytics"}, {"data factory", "Analytics"}, {"quicksight", "Analytics"},
        {"sqs", "Integration"}, {"sns", "Integration"}, {"eventbridge", "Integration"}, {"service bus", "Integration"},
        {"event grid", "Integration"}, {"logic apps", "Integration"}, {"api management", "Integration"},
        {"queue", "Integration"},
        {"guardduty", "Security"}, {"kms", "Security"}, {"key vault", "Security"}, {"defender", "Security"},
        {"waf", "Security"}, {"security", "Security"},
        {"cloudwatch", "Management and Governance"}, {"cloudtrail", "Management and Governance"},
        {"config", "Management and Governance"}, {"monitor", "Management and Governance"},
        {"log analytics", "Management and Governance"},
    };
    const QByteArray lower = service.toByteArray().toLower();
    for (const auto& [word, category] : rules) {
        if (lower.contains(word))
            return category;
    }
    return "Other";
}

QByteArrayView chargeCategoryOf(BillingFormat format, QByteArrayView type)
{
    if (format == BillingFormat::AwsCur || format == BillingFormat::AwsCur2) {
        if (type == "Usage" || type == "DiscountedUsage" || type == "SavingsPlanCoveredUsage")
            return "Usage";
        if (type == "Tax")
            return "Tax";
        if (type == "Credit" || type == "Refund" || type == "BundledDiscount" || type == "SavingsPlanNegation"
            || type == "EdpDiscount" || type == "PrivateRateDiscount" || type == "Discount")
            return "Credit";
        if (type == "Fee" || type == "RIFee" || type == "SavingsPlanRecurringFee" || type == "SavingsPlanUpfrontFee")
            return "Purchase";
        return "Adjustment";
    }
    // Azure
    if (type == "Usage" || type == "UnusedReservation" || type == "UnusedSavingsPlan")
        return "Usage";
    if (type == "Purchase")
        return "Purchase";
    if (type == "Refund")
        return "Credit";
    if (type == "Tax")
        return "Tax";
    return "Adjustment";
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// The start of a value, for a message.
QString shown(QByteArrayView value)
{
    return QString::fromUtf8(value.first(std::min<qsizetype>(value.size(), 80)));
}

__extension__ typedef __int128 Int128;

} // namespace

QString BillingFileError::text() const
{
    if (line <= 0)
        return tr("%1: %2").arg(file, message);
    if (column.isEmpty())
        return tr("%1, line %2: %3").arg(file).arg(line).arg(message);
    return tr("%1, line %2, column %3: %4").arg(file).arg(line).arg(column, message);
}

std::optional<BillingFormat> detectBillingFormat(QByteArrayView headerLine)
{
    QByteArray header = headerLine.toByteArray();
    if (header.startsWith("\xEF\xBB\xBF"))
        header.remove(0, 3);
    QList<QByteArray> names;
    for (QByteArray name : header.split(',')) {
        name = name.trimmed();
        if (name.size() >= 2 && name.startsWith('"') && name.endsWith('"'))
            name = name.mid(1, name.size() - 2);
        names << name;
    }
    const auto has = [&names](const char* name) { return names.contains(QByteArray(name)); };
    if (has("BilledCost") && has("ChargePeriodStart"))
        return BillingFormat::Focus;
    if (has("lineItem/UnblendedCost"))
        return BillingFormat::AwsCur;
    if (has("line_item_unblended_cost"))
        return BillingFormat::AwsCur2;
    if (has("CostInBillingCurrency"))
        return BillingFormat::AzureEa;
    if (has("costInBillingCurrency"))
        return BillingFormat::AzureMca;
    return std::nullopt;
}

class BillingFileReader::Private
{
public:
    QString path;
    QString name;
    BillingFormat format = BillingFormat::Auto;
    QStringList wantedKeys;
    QList<QByteArray> wantedUtf8;
    QFile file;
    QCryptographicHash hash{QCryptographicHash::Sha256};
    std::unique_ptr<Source> source;
    bool hashWholeFile = false; // zip: hashed separately, at open
    QByteArray digest;
    std::optional<BillingFileError> error;
    QStringList notes;

    // The text being parsed: [begin, end) of buffer holds unread CSV.
    QByteArray buffer;
    qsizetype begin = 0;
    qsizetype end = 0;
    bool eof = false;
    qint64 physicalLine = 1; // of the next record's first line
    qint64 linesRead = 0;

    // The current record's fields (views into buffer or arena) and whether each was quoted.
    QList<QByteArrayView> fields;
    QList<bool> quoted;
    // Unescaped fields and normalised values of the current record. Reserved before each record for
    // everything the record can need, so that it never moves while views point into it.
    std::string arena;
    QList<QByteArray> header;

    Mapping mapping;
    std::array<int, FieldCount> columnOf{};
    QList<QPair<QByteArray, int>> curTagColumns; // legacy CUR: "resourceTags/user:KEY" columns
    int paygPriceColumn = -1;
    int quantityColumn = -1;
    qint64 nullTags = 0;
    qint64 derivedCategories = 0;

    void fail(qint64 line, const QString& column, const QString& message)
    {
        if (!error)
            error = BillingFileError{name, line, column, message};
    }

    // Makes sure at least one whole record (or the end of the file) lies in [begin, end).
    bool fill()
    {
        if (eof)
            return true;
        // Move what is left to the front and read more behind it.
        if (begin > 0) {
            std::memmove(buffer.data(), buffer.constData() + begin, size_t(end - begin));
            end -= begin;
            begin = 0;
        }
        if (end == buffer.size())
            buffer.resize(buffer.size() * 2); // a record longer than the buffer
        const qint64 n = source->read(buffer.data() + end, buffer.size() - end);
        if (n < 0) {
            fail(0, {}, tr("cannot be read: %1").arg(source->error));
            return false;
        }
        if (n == 0)
            eof = true;
        end += n;
        return true;
    }

    // Parses one record at `begin`; false at the end of the text or on an error.
    bool parseRecord()
    {
        for (;;) {
            const qint64 result = tryParse();
            if (result > 0)
                return true;
            if (result < 0)
                return false;
            // Incomplete: read more, or it is the last record without a line break.
            if (eof) {
                if (begin >= end)
                    return false;
                // Append a line break so that the last record parses; a quote left open fails.
                buffer.resize(std::max(buffer.size(), end + 1));
                buffer[end++] = '\n';
                const qint64 last = tryParse();
                if (last > 0)
                    return true;
                if (last == 0)
                    fail(physicalLine, {}, tr("a quoted field is not closed before the end of the file"));
                return false;
            }
            if (!fill())
                return false;
        }
    }

    // 1: a record parsed (begin moved past it); 0: the record runs past the buffer; -1: an error.
    qint64 tryParse()
    {
        fields.clear();
        quoted.clear();
        arena.clear();
        arena.reserve(size_t(8 * (end - begin) + 8192));
        const char* const base = buffer.constData();
        qsizetype p = begin;
        qint64 lines = 0;
        for (;;) {
            if (p >= end)
                return 0;
            if (base[p] == '"') {
                // A quoted field: up to the closing quote; "" inside is one quote.
                ++p;
                const qsizetype start = p;
                bool escaped = false;
                for (;;) {
                    const char* q = static_cast<const char*>(std::memchr(base + p, '"', size_t(end - p)));
                    if (!q)
                        return 0;
                    const qsizetype at = q - base;
                    if (at + 1 >= end)
                        return 0; // cannot tell "" from " yet
                    if (base[at + 1] == '"') {
                        escaped = true;
                        p = at + 2;
                        continue;
                    }
                    lines += std::count(base + start, base + at, '\n');
                    if (escaped) {
                        const size_t from = arena.size();
                        for (qsizetype i = start; i < at; ++i) {
                            arena.push_back(base[i]);
                            if (base[i] == '"')
                                ++i;
                        }
                        fields.append(QByteArrayView(arena.data() + from, qsizetype(arena.size() - from)));
                    } else {
                        fields.append(QByteArrayView(base + start, at - start));
                    }
                    quoted.append(true);
                    p = at + 1;
                    break;
                }
                if (p >= end)
                    return 0;
                const char c = base[p];
                if (c == ',') {
                    ++p;
                    continue;
                }
                if (c == '\r' && p + 1 < end && base[p + 1] == '\n') {
                    p += 2;
                } else if (c == '\n') {
                    p += 1;
                } else if (c == '\r') {
                    return 0;
                } else {
                    fail(physicalLine + lines, columnName(fields.size() - 1),
                         tr("text follows the closing quote of a quoted field"));
                    return -1;
                }
                break;
            }
            // An unquoted field: up to the next comma or line break.
            const qsizetype start = p;
            while (p < end && base[p] != ',' && base[p] != '\n')
                ++p;
            if (p >= end)
                return 0;
            qsizetype stop = p;
            if (stop > start && base[stop - 1] == '\r')
                --stop;
            const QByteArrayView value(base + start, stop - start);
            if (value.contains('"')) {
                fail(physicalLine + lines, columnName(fields.size()), tr("a quote inside a field that is not quoted"));
                return -1;
            }
            fields.append(value);
            quoted.append(false);
            if (base[p] == ',') {
                ++p;
                continue;
            }
            ++p; // the line break
            break;
        }
        lines += 1;
        begin = p;
        m_recordLine = physicalLine;
        physicalLine += lines;
        return 1;
    }

    qint64 m_recordLine = 0;

    QString columnName(qsizetype index) const
    {
        return index >= 0 && index < header.size() ? QString::fromUtf8(header.at(index)) : QString::number(index + 1);
    }

    bool open()
    {
        name = QFileInfo(path).fileName();
        file.setFileName(path);
        if (!file.open(QIODevice::ReadOnly)) {
            fail(0, {}, file.exists() ? tr("cannot be opened: %1").arg(file.errorString()) : tr("does not exist"));
            return false;
        }
        char magic[4] = {};
        const qint64 got = file.peek(magic, 4);
        if (got >= 2 && uchar(magic[0]) == 0x1f && uchar(magic[1]) == 0x8b) {
            source = std::make_unique<InflateSource>(file, &hash, 15 + 32, -1);
        } else if (got == 4 && std::memcmp(magic, "PK\x03\x04", 4) == 0) {
            if (!openZip())
                return false;
        } else {
            source = std::make_unique<PlainSource>(file, hash);
        }
        buffer.resize(4 << 20);
        if (!fill())
            return false;
        if (end - begin >= 3 && std::memcmp(buffer.constData() + begin, "\xEF\xBB\xBF", 3) == 0)
            begin += 3;
        if (!parseRecord()) {
            if (!error)
                fail(0, {}, tr("is empty: no header line"));
            return false;
        }
        for (const QByteArrayView field : std::as_const(fields))
            header << field.toByteArray().trimmed();
        // Detect from the header as written.
        QByteArray headerLine;
        for (const QByteArray& column : std::as_const(header))
            headerLine += column + ',';
        const std::optional<BillingFormat> detected = detectBillingFormat(headerLine);
        if (format == BillingFormat::Auto) {
            if (!detected) {
                fail(1, {}, tr("the header is not one of a FOCUS, AWS Cost and Usage Report or Azure cost details "
                               "export (no BilledCost, lineItem/UnblendedCost, line_item_unblended_cost or "
                               "CostInBillingCurrency column)"));
                return false;
            }
            format = *detected;
        } else if (detected && *detected != format) {
            fail(1, {}, tr("the header is a %1 export, not %2 as chosen").arg(formatName(*detected), formatName(format)));
            return false;
        }
        mapping = mappingFor(format);
        QHash<QByteArray, int> index;
        for (int i = 0; i < header.size(); ++i)
            index.insert(header.at(i), i);
        for (int f = 0; f < FieldCount; ++f) {
            columnOf[f] = -1;
            for (const QByteArray& column : mapping.columns[f]) {
                if (index.contains(column)) {
                    columnOf[f] = index.value(column);
                    break;
                }
            }
        }
        for (int f : std::as_const(mapping.required)) {
            if (columnOf[f] < 0) {
                fail(1, QString::fromUtf8(mapping.columns[f].constFirst()),
                     tr("the header has no %1 column, which a %2 export must have")
                         .arg(QString::fromUtf8(mapping.columns[f].constFirst()), formatName(format)));
                return false;
            }
        }
        if (format == BillingFormat::AwsCur) {
            for (int i = 0; i < header.size(); ++i) {
                if (header.at(i).startsWith("resourceTags/"))
                    curTagColumns.append({header.at(i).mid(13), i});
            }
        }
        if (format == BillingFormat::AzureEa && !index.contains("PayGCostInBillingCurrency")) {
            paygPriceColumn = int(index.value("PayGPrice", -1));
            quantityColumn = int(index.value("Quantity", -1));
        }
        if (format != BillingFormat::Focus)
            notes << tr("Read as %1 and mapped onto FOCUS columns.").arg(formatName(format));
        return true;
    }

    bool openZip()
    {
        // The central directory names the entries and their sizes, also when the local headers
        // leave them to a data descriptor.
        const qint64 size = file.size();
        const qint64 tail = std::min<qint64>(size, 65557);
        file.seek(size - tail);
        const QByteArray last = file.read(tail);
        const qsizetype eocd = last.lastIndexOf("PK\x05\x06");
        if (eocd < 0 || last.size() - eocd < 22) {
            fail(0, {}, tr("is not a readable zip file (no end of central directory)"));
            return false;
        }
        const quint16 entries = le16(last.constData() + eocd + 10);
        const quint32 cdSize = le32(last.constData() + eocd + 12);
        const quint32 cdOffset = le32(last.constData() + eocd + 16);
        if (qint64(cdOffset) + cdSize > size) {
            fail(0, {}, tr("is not a readable zip file (its directory lies beyond its end)"));
            return false;
        }
        file.seek(cdOffset);
        const QByteArray cd = file.read(cdSize);
        struct Entry { QString name; quint16 method; quint32 compressed; quint32 offset; };
        QList<Entry> csvs;
        QStringList names;
        qsizetype p = 0;
        for (int i = 0; i < entries; ++i) {
            if (p + 46 > cd.size() || le32(cd.constData() + p) != 0x02014b50) {
                fail(0, {}, tr("is not a readable zip file (its directory is damaged)"));
                return false;
            }
            const char* e = cd.constData() + p;
            const quint16 nameLength = le16(e + 28), extraLength = le16(e + 30), commentLength = le16(e + 32);
            if (p + 46 + nameLength > cd.size()) {
                fail(0, {}, tr("is not a readable zip file (its directory is damaged)"));
                return false;
            }
            const QString entryName = QString::fromUtf8(e + 46, nameLength);
            names << entryName;
            if (entryName.endsWith(u".csv"_s, Qt::CaseInsensitive) && !entryName.startsWith(u"__MACOSX/"_s))
                csvs.append({entryName, le16(e + 10), le32(e + 20), le32(e + 42)});
            p += 46 + nameLength + extraLength + commentLength;
        }
        if (csvs.size() != 1) {
            fail(0, {}, csvs.isEmpty() ? tr("holds no CSV file (it holds: %1)").arg(names.join(u", "_s))
                                       : tr("holds several CSV files (%1); unpack the one to import")
                                             .arg(std::accumulate(csvs.cbegin(), csvs.cend(), QStringList(),
                                                                  [](QStringList l, const Entry& e) { return l << e.name; })
                                                      .join(u", "_s)));
            return false;
        }
        const Entry entry = csvs.constFirst();
        char local[30];
        file.seek(entry.offset);
        if (file.read(local, 30) != 30 || le32(local) != 0x04034b50) {
            fail(0, {}, tr("is not a readable zip file (the entry %1 is damaged)").arg(entry.name));
            return false;
        }
        file.seek(qint64(entry.offset) + 30 + le16(local + 26) + le16(local + 28));
        if (entry.method == 8) {
            source = std::make_unique<InflateSource>(file, nullptr, -15, entry.compressed);
        } else if (entry.method == 0) {
            source = std::make_unique<StoredSource>(file, entry.compressed);
        } else {
            fail(0, {}, tr("compresses %1 with a method TenantDesk cannot read (%2); use deflate")
                            .arg(entry.name).arg(entry.method));
            return false;
        }
        // The SHA-256 of the zip file as stored.
        const qint64 at = file.pos();
        file.seek(0);
        while (!file.atEnd())
            hash.addData(file.read(1 << 20));
        file.seek(at);
        hashWholeFile = true;
        notes << tr("Read %1 from the zip file.").arg(entry.name);
        return true;
    }

    // ---- value normalisation -------------------------------------------------------------------

    QByteArrayView field(int f) const
    {
        const int column = columnOf[f];
        if (column < 0 || column >= fields.size())
            return {};
        const QByteArrayView value = fields.at(column);
        if (!quoted.at(column) && value == "NULL")
            return {};
        return value;
    }

    QString fieldColumn(int f) const
    {
        return columnOf[f] >= 0 ? columnName(columnOf[f]) : QString::fromUtf8(mapping.columns[f].value(0));
    }

    QByteArrayView store(const char* data, qsizetype size)
    {
        Q_ASSERT(arena.size() + size_t(size) <= arena.capacity()); // never moves the views given before
        const size_t from = arena.size();
        arena.append(data, size_t(size));
        return QByteArrayView(arena.data() + from, size);
    }

    // "2024-09-01 00:00:00", "2024-09-01T00:00:00Z", "...T00:00:00.000Z", "...+02:00", "2024-09-01",
    // "09/01/2024" (US, Azure) → "2024-09-01T00:00:00Z".
    bool time(int f, QByteArrayView& out, bool required)
    {
        const QByteArrayView v = field(f).trimmed();
        if (v.isEmpty()) {
            if (required) {
                fail(m_recordLine, fieldColumn(f), tr("is empty; a time is required"));
                return false;
            }
            out = {};
            return true;
        }
        char t[20] = {'0', '0', '0', '0', '-', '0', '0', '-', '0', '0', 'T', '0', '0', ':', '0', '0', ':', '0', '0', 'Z'};
        const char* s = v.data();
        const qsizetype n = v.size();
        const auto digits = [s](qsizetype at, qsizetype count) {
            for (qsizetype i = at; i < at + count; ++i) {
                if (!isDigit(s[i]))
                    return false;
            }
            return true;
        };
        qsizetype rest = 0;
        if (n >= 10 && digits(0, 4) && s[4] == '-' && digits(5, 2) && s[7] == '-' && digits(8, 2)) {
            std::memcpy(t, s, 10);
            rest = 10;
        } else if (n >= 10 && digits(0, 2) && s[2] == '/' && digits(3, 2) && s[5] == '/' && digits(6, 4)) {
            std::memcpy(t, s + 6, 4);
            std::memcpy(t + 5, s, 2);
            std::memcpy(t + 8, s + 3, 2);
            rest = 10;
        } else {
            fail(m_recordLine, fieldColumn(f), tr("“%1” is not a date and time").arg(QString::fromUtf8(v)));
            return false;
        }
        bool offset = false;
        if (rest < n) {
            if ((s[rest] == 'T' || s[rest] == ' ') && n >= rest + 6 && digits(rest + 1, 2) && s[rest + 3] == ':' && digits(rest + 4, 2)) {
                std::memcpy(t + 11, s + rest + 1, 5);
                rest += 6;
                if (rest < n && s[rest] == ':' && n >= rest + 3 && digits(rest + 1, 2)) {
                    std::memcpy(t + 17, s + rest + 1, 2);
                    rest += 3;
                }
                if (rest < n && s[rest] == '.') {
                    ++rest;
                    while (rest < n && isDigit(s[rest]))
                        ++rest; // fractions of a second: dropped (charge periods are whole hours)
                }
                if (rest < n && s[rest] == 'Z')
                    ++rest;
                else if (rest < n && (s[rest] == '+' || s[rest] == '-'))
                    offset = true;
            }
        }
        if (!offset && rest != n) {
            fail(m_recordLine, fieldColumn(f), tr("“%1” is not a date and time").arg(QString::fromUtf8(v)));
            return false;
        }
        const QDate date(QByteArrayView(t, 4).toInt(), QByteArrayView(t + 5, 2).toInt(), QByteArrayView(t + 8, 2).toInt());
        const QTime clock(QByteArrayView(t + 11, 2).toInt(), QByteArrayView(t + 14, 2).toInt(), QByteArrayView(t + 17, 2).toInt());
        if (!date.isValid() || !clock.isValid()) {
            fail(m_recordLine, fieldColumn(f), tr("“%1” is not a valid date and time").arg(QString::fromUtf8(v)));
            return false;
        }
        if (offset) {
            // "+02:00": the rare case, through QDateTime.
            const QDateTime parsed = QDateTime::fromString(QString::fromLatin1(t, 19) + QString::fromLatin1(s + rest, n - rest),
                                                           Qt::ISODate);
            if (!parsed.isValid()) {
                fail(m_recordLine, fieldColumn(f), tr("“%1” is not a date and time").arg(QString::fromUtf8(v)));
                return false;
            }
            const QByteArray utc = parsed.toUTC().toString(u"yyyy-MM-ddTHH:mm:ssZ"_s).toLatin1();
            out = store(utc.constData(), utc.size());
            return true;
        }
        out = store(t, 20);
        return true;
    }

    // A plain decimal ("-12.340000", "+1", ".5"), or scientific ("1.2E-5") made plain, exactly.
    bool amount(int f, QByteArrayView& out, bool required)
    {
        QByteArrayView v = field(f).trimmed();
        if (v.isEmpty()) {
            if (required) {
                fail(m_recordLine, fieldColumn(f), tr("is empty; an amount is required"));
                return false;
            }
            out = "0";
            return true;
        }
        const char* s = v.data();
        const qsizetype n = v.size();
        qsizetype i = 0;
        bool negative = false;
        if (s[0] == '+' || s[0] == '-') {
            negative = s[0] == '-';
            ++i;
        }
        QByteArray mantissa; // digits only
        qsizetype point = -1;
        for (; i < n; ++i) {
            if (isDigit(s[i]))
                mantissa.append(s[i]);
            else if (s[i] == '.' && point < 0)
                point = mantissa.size();
            else
                break;
        }
        int exponent = 0;
        if (i < n && (s[i] == 'e' || s[i] == 'E')) {
            ++i;
            bool expNegative = false;
            if (i < n && (s[i] == '+' || s[i] == '-')) {
                expNegative = s[i] == '-';
                ++i;
            }
            const qsizetype expStart = i;
            while (i < n && isDigit(s[i]) && i - expStart < 4)
                exponent = exponent * 10 + (s[i++] - '0');
            if (i == expStart)
                i = -1; // no digits: refused below
            exponent = expNegative ? -exponent : exponent;
            if (exponent > 30 || exponent < -30)
                i = -1; // far beyond any amount of money: refused below
        } else if (point < 0 && i == n && mantissa.size() == n - (s[0] == '+' || s[0] == '-')) {
            out = v; // the common case: a whole number as it stands
            return true;
        }
        if (i != n || mantissa.isEmpty()) {
            fail(m_recordLine, fieldColumn(f), tr("“%1” is not a number").arg(QString::fromUtf8(v)));
            return false;
        }
        if (point >= 0 && mantissa.size() - point > 18 && exponent == 0) {
            fail(m_recordLine, fieldColumn(f), tr("“%1” has more than 18 decimals").arg(QString::fromUtf8(v)));
            return false;
        }
        if (exponent == 0 && s[0] != '+') {
            out = v; // plain decimal as written
            return true;
        }
        // Place the point: digits × 10^(exponent − decimals).
        qsizetype decimals = point < 0 ? 0 : mantissa.size() - point;
        qsizetype shift = qsizetype(exponent) - decimals; // value = mantissa × 10^shift
        QByteArray text;
        if (shift >= 0) {
            text = mantissa + QByteArray(shift, '0');
        } else {
            const qsizetype places = -shift;
            if (places > 18) {
                fail(m_recordLine, fieldColumn(f), tr("“%1” has more than 18 decimals").arg(QString::fromUtf8(v)));
                return false;
            }
            if (mantissa.size() <= places)
                mantissa.prepend(QByteArray(places - mantissa.size() + 1, '0'));
            text = mantissa.left(mantissa.size() - places) + '.' + mantissa.right(places);
        }
        if (negative)
            text.prepend('-');
        out = store(text.constData(), text.size());
        return true;
    }

    // ---- tags ----------------------------------------------------------------------------------

    // Checks a JSON object of tags and collects the wanted keys' values. Returns false when it is
    // not a JSON object.
    bool scanJsonObject(QByteArrayView json, QHash<QString, QString>& values)
    {
        const char* s = json.data();
        const qsizetype n = json.size();
        qsizetype p = 0;
        const auto space = [&]() {
            while (p < n && (s[p] == ' ' || s[p] == '\t' || s[p] == '\n' || s[p] == '\r'))
                ++p;
        };
        // A JSON string at p; its text (unescaped) in `text`.
        const auto string = [&](QByteArray* text) -> bool {
            if (p >= n || s[p] != '"')
                return false;
            ++p;
            const qsizetype start = p;
            bool escapes = false;
            while (p < n && s[p] != '"') {
                if (uchar(s[p]) < 0x20)
                    return false;
                if (s[p] == '\\') {
                    escapes = true;
                    p += 2;
                } else {
                    ++p;
                }
            }
            if (p >= n)
                return false;
            if (text) {
                if (!escapes) {
                    *text = QByteArray(s + start, p - start);
                } else {
                    // Rare: let Qt unescape it.
                    const QByteArray array = "[" + QByteArray(s + start - 1, p - start + 2) + "]";
                    const QJsonDocument doc = QJsonDocument::fromJson(array);
                    if (!doc.isArray())
                        return false;
                    *text = doc.array().at(0).toString().toUtf8();
                }
            }
            ++p;
            return true;
        };
        // Skips any JSON value (strings, numbers, literals, nested arrays and objects).
        std::function<bool(int)> skipValue = [&](int depth) -> bool {
            space();
            if (p >= n || depth > 32)
                return false;
            if (s[p] == '"')
                return string(nullptr);
            if (s[p] == '{' || s[p] == '[') {
                const char close = s[p] == '{' ? '}' : ']';
                const bool object = s[p] == '{';
                ++p;
                space();
                if (p < n && s[p] == close) {
                    ++p;
                    return true;
                }
                for (;;) {
                    if (object) {
                        space();
                        if (!string(nullptr))
                            return false;
                        space();
                        if (p >= n || s[p] != ':')
                            return false;
                        ++p;
                    }
                    if (!skipValue(depth + 1))
                        return false;
                    space();
                    if (p < n && s[p] == ',') {
                        ++p;
                        continue;
                    }
                    if (p < n && s[p] == close) {
                        ++p;
                        return true;
                    }
                    return false;
                }
            }
            const qsizetype start = p;
            while (p < n && (isDigit(s[p]) || s[p] == '-' || s[p] == '+' || s[p] == '.' || s[p] == 'e' || s[p] == 'E'))
                ++p;
            if (p > start)
                return true;
            for (const char* literal : {"true", "false", "null"}) {
                const qsizetype length = qsizetype(std::strlen(literal));
                if (n - p >= length && std::memcmp(s + p, literal, size_t(length)) == 0) {
                    p += length;
                    return true;
                }
            }
            return false;
        };
        space();
        if (p >= n || s[p] != '{')
            return false;
        ++p;
        space();
        if (p < n && s[p] == '}') {
            ++p;
            space();
            return p == n;
        }
        for (;;) {
            space();
            QByteArray key;
            if (!string(&key))
                return false;
            space();
            if (p >= n || s[p] != ':')
                return false;
            ++p;
            space();
            if (!wantedUtf8.isEmpty() && wantedUtf8.contains(key) && p < n && s[p] == '"') {
                QByteArray value;
                if (!string(&value))
                    return false;
                values.insert(QString::fromUtf8(key), QString::fromUtf8(value));
            } else if (!skipValue(0)) {
                return false;
            }
            space();
            if (p < n && s[p] == ',') {
                ++p;
                continue;
            }
            if (p < n && s[p] == '}') {
                ++p;
                space();
                return p == n;
            }
            return false;
        }
    }

    static void appendJsonString(QByteArray& out, QByteArrayView text)
    {
        out.append('"');
        for (const char c : text) {
            if (c == '"' || c == '\\') {
                out.append('\\');
                out.append(c);
            } else if (uchar(c) < 0x20) {
                out.append("\\u00");
                out.append("0123456789abcdef"[uchar(c) >> 4]);
                out.append("0123456789abcdef"[uchar(c) & 15]);
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    bool tags(BillingRecord& record)
    {
        record.tagValues.clear();
        if (format == BillingFormat::AwsCur) {
            QByteArray json = "{";
            for (const auto& [key, column] : std::as_const(curTagColumns)) {
                const QByteArrayView value = column < fields.size() ? fields.at(column) : QByteArrayView();
                if (value.isEmpty() || (!quoted.at(column) && value == "NULL"))
                    continue;
                if (json.size() > 1)
                    json.append(',');
                appendJsonString(json, key);
                json.append(':');
                appendJsonString(json, value);
                const QString keyText = QString::fromUtf8(key);
                if (wantedKeys.contains(keyText))
                    record.tagValues.insert(keyText, QString::fromUtf8(value));
            }
            json.append('}');
            record.tags = store(json.constData(), json.size());
            return true;
        }
        QByteArrayView v = field(FTags).trimmed();
        if (v.isEmpty()) {
            if (columnOf[FTags] >= 0)
                ++nullTags;
            record.tags = "{}";
            return true;
        }
        if (v.front() != '{') {
            if (v.front() == '"') {
                // Azure: "key": "value","key2": "value2" without the braces.
                QByteArray wrapped = "{" + v.toByteArray() + "}";
                if (scanJsonObject(wrapped, record.tagValues)) {
                    record.tags = store(wrapped.constData(), wrapped.size());
                    return true;
                }
            } else {
                // key:value,key2:value2
                QByteArray json = "{";
                for (const QByteArray& pair : v.toByteArray().split(',')) {
                    const qsizetype colon = pair.indexOf(':');
                    if (colon <= 0) {
                        fail(m_recordLine, fieldColumn(FTags),
                             tr("“%1” is neither a JSON object nor key:value pairs").arg(shown(v)));
                        return false;
                    }
                    const QByteArray key = pair.left(colon).trimmed();
                    const QByteArray value = pair.mid(colon + 1).trimmed();
                    if (json.size() > 1)
                        json.append(',');
                    appendJsonString(json, key);
                    json.append(':');
                    appendJsonString(json, value);
                    const QString keyText = QString::fromUtf8(key);
                    if (wantedKeys.contains(keyText))
                        record.tagValues.insert(keyText, QString::fromUtf8(value));
                }
                json.append('}');
                record.tags = store(json.constData(), json.size());
                return true;
            }
            fail(m_recordLine, fieldColumn(FTags), tr("“%1” is not a JSON object of tags").arg(shown(v)));
            return false;
        }
        if (!scanJsonObject(v, record.tagValues)) {
            fail(m_recordLine, fieldColumn(FTags), tr("“%1” is not a JSON object of tags").arg(shown(v)));
            return false;
        }
        record.tags = v;
        return true;
    }

    // PayGPrice × Quantity, exactly to 18 decimals (Azure EA without PayGCostInBillingCurrency).
    bool listFromPrice(BillingRecord& record)
    {
        const auto parse = [](QByteArrayView text, Int128& units, int& scale) {
            units = 0;
            scale = 0;
            bool negative = false, point = false;
            qsizetype i = 0;
            if (!text.isEmpty() && (text[0] == '-' || text[0] == '+')) {
                negative = text[0] == '-';
                ++i;
            }
            for (; i < text.size(); ++i) {
                const char c = text[i];
                if (c == '.' && !point) {
                    point = true;
                } else if (isDigit(c)) {
                    if (point && scale >= 10)
                        continue; // beyond 10 decimals: not priced that finely
                    units = units * 10 + (c - '0');
                    if (point)
                        ++scale;
                    if (units > (Int128(1) << 60))
                        return false;
                } else {
                    return false;
                }
            }
            units = negative ? -units : units;
            return true;
        };
        const QByteArrayView price = paygPriceColumn < fields.size() ? fields.at(paygPriceColumn).trimmed() : QByteArrayView();
        const QByteArrayView quantity = quantityColumn < fields.size() ? fields.at(quantityColumn).trimmed() : QByteArrayView();
        Int128 a = 0, b = 0;
        int sa = 0, sb = 0;
        if (price.isEmpty() || quantity.isEmpty() || !parse(price, a, sa) || !parse(quantity, b, sb))
            return true; // list cost stays the cost
        Int128 product = a * b;
        const int scale = sa + sb; // ≤ 20
        const bool negative = product < 0;
        if (negative)
            product = -product;
        QByteArray digits;
        do {
            digits.prepend(char('0' + int(product % 10)));
            product /= 10;
        } while (product > 0);
        if (digits.size() <= scale)
            digits.prepend(QByteArray(scale - digits.size() + 1, '0'));
        QByteArray text = digits.left(digits.size() - scale);
        if (scale > 0)
            text += '.' + digits.right(scale);
        if (negative)
            text.prepend('-');
        record.listCost = store(text.constData(), text.size());
        return true;
    }

    bool next(BillingRecord& record)
    {
        if (error)
            return false;
        for (;;) {
            if (!parseRecord()) {
                if (!error)
                    finish();
                return false;
            }
            // A blank line (one empty unquoted field) is skipped.
            if (fields.size() == 1 && fields.constFirst().isEmpty() && !quoted.constFirst())
                continue;
            break;
        }
        if (fields.size() != header.size()) {
            fail(m_recordLine, fields.size() < header.size() ? columnName(fields.size()) : QString(),
                 fields.size() < header.size()
                     ? tr("the line has %1 fields, the header %2: it ends before this column").arg(fields.size()).arg(header.size())
                     : tr("the line has %1 fields, the header only %2").arg(fields.size()).arg(header.size()));
            return false;
        }
        record.providerName = field(FProvider);
        if (format == BillingFormat::AwsCur || format == BillingFormat::AwsCur2)
            record.providerName = "AWS";
        else if (format == BillingFormat::AzureEa || format == BillingFormat::AzureMca)
            record.providerName = "Microsoft";
        record.billingAccountId = field(FBillingAccount);
        record.subAccountId = field(FSubAccountId);
        record.subAccountName = field(FSubAccountName);
        if (!time(FBillingStart, record.billingPeriodStart, format == BillingFormat::Focus)
            || !time(FBillingEnd, record.billingPeriodEnd, format == BillingFormat::Focus)
            || !time(FChargeStart, record.chargePeriodStart, true) || !time(FChargeEnd, record.chargePeriodEnd, false))
            return false;
        if (record.chargePeriodEnd.isEmpty()) {
            // Azure gives the day: the charge covers it.
            const QDateTime start = QDateTime::fromString(QString::fromLatin1(record.chargePeriodStart), Qt::ISODate);
            const QByteArray endText = start.addDays(1).toUTC().toString(u"yyyy-MM-ddTHH:mm:ssZ"_s).toLatin1();
            record.chargePeriodEnd = store(endText.constData(), endText.size());
        }
        if (record.billingPeriodStart.isEmpty()) {
            // The month of the charge.
            const QByteArray month = record.chargePeriodStart.first(8).toByteArray() + "01T00:00:00Z";
            record.billingPeriodStart = store(month.constData(), month.size());
        }
        if (record.billingPeriodEnd.isEmpty()) {
            const QDateTime start = QDateTime::fromString(QString::fromLatin1(record.billingPeriodStart), Qt::ISODate);
            const QByteArray endText = start.addMonths(1).toUTC().toString(u"yyyy-MM-ddTHH:mm:ssZ"_s).toLatin1();
            record.billingPeriodEnd = store(endText.constData(), endText.size());
        }
        const QByteArrayView category = field(FChargeCategory);
        record.chargeCategory = format == BillingFormat::Focus ? (category.isEmpty() ? QByteArrayView("Usage") : category)
                                                               : chargeCategoryOf(format, category);
        record.serviceName = field(FServiceName);
        if (format == BillingFormat::Focus) {
            record.serviceCategory = field(FServiceCategory);
        } else {
            const QByteArray derived = categoryOf(field(FServiceCategory));
            record.serviceCategory = store(derived.constData(), derived.size());
            ++derivedCategories;
        }
        record.regionId = field(FRegion);
        record.resourceId = field(FResource);
        if (!amount(FBilled, record.billedCost, true) || !amount(FEffective, record.effectiveCost, false)
            || !amount(FList, record.listCost, false))
            return false;
        if (columnOf[FEffective] < 0)
            record.effectiveCost = record.billedCost;
        if (columnOf[FList] < 0)
            record.listCost = record.billedCost;
        if (paygPriceColumn >= 0 && quantityColumn >= 0 && !listFromPrice(record))
            return false;
        record.billingCurrency = field(FCurrency).trimmed();
        if (record.billingCurrency.size() != 3) {
            fail(m_recordLine, fieldColumn(FCurrency),
                 tr("“%1” is not an ISO 4217 currency code").arg(QString::fromUtf8(record.billingCurrency)));
            return false;
        }
        if (!tags(record))
            return false;
        ++linesRead;
        return true;
    }

    void finish()
    {
        if (!digest.isEmpty())
            return;
        // The rest of a plain or gzip file (nothing, normally) is hashed too.
        if (!hashWholeFile) {
            while (!file.atEnd())
                hash.addData(file.read(1 << 20));
        }
        digest = hash.result().toHex();
        if (nullTags > 0)
            notes << tr("Tags: %n line(s) have none (empty or NULL).", int(std::min<qint64>(nullTags, INT_MAX)));
        if (derivedCategories > 0)
            notes << tr("ServiceCategory derived from the service name (FOCUS categories; Other when unknown).");
        if (paygPriceColumn >= 0 && quantityColumn >= 0)
            notes << tr("ListCost computed as PayGPrice × Quantity.");
    }
};

BillingFileReader::BillingFileReader(QString path, BillingFormat format)
    : d(std::make_unique<Private>())
{
    d->path = std::move(path);
    d->format = format;
}

BillingFileReader::~BillingFileReader() = default;

void BillingFileReader::setWantedTagKeys(const QStringList& keys)
{
    d->wantedKeys = keys;
    d->wantedUtf8.clear();
    for (const QString& key : keys)
        d->wantedUtf8 << key.toUtf8();
}

bool BillingFileReader::open()
{
    return d->open();
}

BillingFormat BillingFileReader::format() const
{
    return d->format;
}

bool BillingFileReader::next(BillingRecord& record)
{
    return d->next(record);
}

const std::optional<BillingFileError>& BillingFileReader::error() const
{
    return d->error;
}

qint64 BillingFileReader::linesRead() const
{
    return d->linesRead;
}

qint64 BillingFileReader::bytesRead() const
{
    return d->source ? d->source->storedBytesRead() : 0;
}

qint64 BillingFileReader::totalBytes() const
{
    return d->file.size();
}

QByteArray BillingFileReader::sha256() const
{
    return d->digest;
}

QStringList BillingFileReader::notes() const
{
    return d->notes;
}

} // namespace TenantDesk
