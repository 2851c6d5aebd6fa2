#include "Attribution.h"

namespace TenantDesk {

Attribution::Attribution(const AttributionRules& rules, QHash<QString, TenantId> tenantIdsBySlug)
    : m_rules(rules)
    , m_tenantIdsBySlug(std::move(tenantIdsBySlug))
{
    for (const AttributionMapping& mapping : m_rules.mappings) {
        if (mapping.source == AttributionSource::Tag && !m_tagKeys.contains(mapping.key))
            m_tagKeys.append(mapping.key);
    }
    for (const QString& key : m_rules.tenantTagKeys) {
        if (!m_tagKeys.contains(key))
            m_tagKeys.append(key);
    }
}

Attribution::Outcome Attribution::attribute(QStringView subAccountId, QStringView subAccountName,
                                            QStringView serviceName, const QHash<QString, QString>& tagValues) const
{
    for (qsizetype i = 0; i < m_rules.sharedCosts.size(); ++i) {
        const SharedCostRule& rule = m_rules.sharedCosts.at(i);
        const bool matches = rule.match == SharedCostMatch::ServiceName
            ? serviceName == rule.value
            : (subAccountId == rule.value || subAccountName == rule.value);
        if (matches)
            return {0, int(i)};
    }
    for (const AttributionMapping& mapping : m_rules.mappings) {
        switch (mapping.source) {
        case AttributionSource::Tag: {
            const auto it = tagValues.constFind(mapping.key);
            if (it != tagValues.cend() && *it == mapping.value)
                return {mapping.tenantId, -1};
            break;
        }
        case AttributionSource::SubAccount:
            if (subAccountId == mapping.value || subAccountName == mapping.value)
                return {mapping.tenantId, -1};
            break;
        }
    }
    for (const QString& key : m_rules.tenantTagKeys) {
        const auto it = tagValues.constFind(key);
        if (it == tagValues.cend())
            continue;
        const auto tenant = m_tenantIdsBySlug.constFind(it->trimmed().toLower());
        if (tenant != m_tenantIdsBySlug.cend())
            return {*tenant, -1};
    }
    return {};
}

QString billingFormatKey(BillingFormat format)
{
    switch (format) {
    case BillingFormat::Auto: return QStringLiteral("auto");
    case BillingFormat::Focus: return QStringLiteral("focus");
    case BillingFormat::AwsCur: return QStringLiteral("aws-cur");
    case BillingFormat::AwsCur2: return QStringLiteral("aws-cur2");
    case BillingFormat::AzureEa: return QStringLiteral("azure-ea");
    case BillingFormat::AzureMca: return QStringLiteral("azure-mca");
    }
    return {};
}

std::optional<BillingFormat> billingFormatFromKey(const QString& key)
{
    for (BillingFormat format : {BillingFormat::Auto, BillingFormat::Focus, BillingFormat::AwsCur, BillingFormat::AwsCur2,
                                 BillingFormat::AzureEa, BillingFormat::AzureMca}) {
        if (billingFormatKey(format) == key)
            return format;
    }
    return std::nullopt;
}

} // namespace TenantDesk
