#include "AttributionJson.h"

#include "EnumKeys.h"
#include "StoreError.h"

#include <QCoreApplication>
#include <QJsonArray>

#include <initializer_list>

namespace TenantDesk::AttributionJson {

using namespace Qt::StringLiterals;

QString sourceKey(AttributionSource source)
{
    switch (source) {
    case AttributionSource::Tag: return u"tag"_s;
    case AttributionSource::SubAccount: return u"sub_account"_s;
    }
    return {};
}

QString sharedCostMatchKey(SharedCostMatch match)
{
    switch (match) {
    case SharedCostMatch::ServiceName: return u"service_name"_s;
    case SharedCostMatch::SubAccount: return u"sub_account"_s;
    }
    return {};
}

QString sharedCostSplitKey(SharedCostSplit split)
{
    switch (split) {
    case SharedCostSplit::Even: return u"even"_s;
    case SharedCostSplit::Proportional: return u"proportional"_s;
    }
    return {};
}

QJsonObject toJson(const AttributionRules& rules)
{
    QJsonArray mappings;
    for (const AttributionMapping& m : rules.mappings) {
        QJsonObject object{{u"source"_s, sourceKey(m.source)}, {u"value"_s, m.value}, {u"tenant_id"_s, m.tenantId}};
        if (m.source == AttributionSource::Tag)
            object.insert(u"key"_s, m.key);
        mappings.append(object);
    }
    QJsonArray shared;
    for (const SharedCostRule& rule : rules.sharedCosts) {
        QJsonArray tenants;
        for (TenantId id : rule.tenants)
            tenants.append(id);
        shared.append(QJsonObject{{u"match"_s, sharedCostMatchKey(rule.match)},
                                  {u"value"_s, rule.value},
                                  {u"split"_s, sharedCostSplitKey(rule.split)},
                                  {u"tenants"_s, tenants}});
    }
    return QJsonObject{{u"version"_s, rules.version},
                       {u"tenant_tag_keys"_s, QJsonArray::fromStringList(rules.tenantTagKeys)},
                       {u"mappings"_s, mappings},
                       {u"shared_costs"_s, shared}};
}

namespace {

[[noreturn]] void invalid(const QString& field, const QString& expected)
{
    throw StoreError(ErrorCode::Invalid,
                     QCoreApplication::translate("AttributionJson", "%1: expected %2.").arg(field, expected))
        .withField(field);
}

void refuseUnknown(const QJsonObject& object, const QString& context, const QStringList& known)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!known.contains(it.key()))
            invalid(context.isEmpty() ? it.key() : QString(context + u'.' + it.key()),
                    QCoreApplication::translate("AttributionJson", "one of %1 (unknown field)").arg(known.join(u", "_s)));
    }
}

QString name(const QString& context, const QString& key)
{
    return context.isEmpty() ? key : QString(context + u'.' + key);
}

QString text(const QJsonObject& object, const QString& context, const QString& key, bool required)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined() && !required)
        return QStringLiteral("");
    if (!value.isString())
        invalid(name(context, key), QCoreApplication::translate("AttributionJson", "a string"));
    return value.toString();
}

qint64 id(const QJsonValue& value, const QString& field)
{
    const double number = value.toDouble(-1);
    if (!value.isDouble() || number < 1 || number != double(qint64(number)))
        invalid(field, QCoreApplication::translate("AttributionJson", "a tenant id (a positive whole number)"));
    return qint64(number);
}

QJsonArray array(const QJsonObject& object, const QString& context, const QString& key)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined() || value.isNull())
        return {};
    if (!value.isArray())
        invalid(name(context, key), QCoreApplication::translate("AttributionJson", "an array"));
    return value.toArray();
}

QJsonObject element(const QJsonValue& value, const QString& field)
{
    if (!value.isObject())
        invalid(field, QCoreApplication::translate("AttributionJson", "an object"));
    return value.toObject();
}

template<typename Enum>
Enum key(const QJsonObject& object, const QString& context, const QString& field, std::initializer_list<Enum> all,
         QString (*keyOf)(Enum), Enum fallback)
{
    if (!object.contains(field))
        return fallback;
    const QString value = text(object, context, field, true);
    const std::optional<Enum> parsed = enumFromKey<Enum>(value, all, keyOf);
    if (!parsed) {
        QStringList keys;
        for (Enum e : all)
            keys.append(u'"' + keyOf(e) + u'"');
        invalid(name(context, field), QCoreApplication::translate("AttributionJson", "one of %1").arg(keys.join(u", "_s)));
    }
    return *parsed;
}

} // namespace

AttributionRules fromJson(const QJsonObject& object)
{
    refuseUnknown(object, {}, {u"version"_s, u"tenant_tag_keys"_s, u"mappings"_s, u"shared_costs"_s});
    AttributionRules rules;
    const QJsonValue version = object.value(u"version"_s);
    if (!version.isUndefined() && !version.isNull()) {
        const double number = version.toDouble(-1);
        if (!version.isDouble() || number < 0 || number != double(qint64(number)))
            invalid(u"version"_s, QCoreApplication::translate("AttributionJson", "a non-negative whole number"));
        rules.version = qint64(number);
    }
    const QJsonArray keys = array(object, {}, u"tenant_tag_keys"_s);
    for (qsizetype i = 0; i < keys.size(); ++i) {
        if (!keys.at(i).isString())
            invalid(u"tenant_tag_keys[%1]"_s.arg(i), QCoreApplication::translate("AttributionJson", "a string"));
        rules.tenantTagKeys.append(keys.at(i).toString());
    }
    const QJsonArray mappings = array(object, {}, u"mappings"_s);
    for (qsizetype i = 0; i < mappings.size(); ++i) {
        const QString context = u"mappings[%1]"_s.arg(i);
        const QJsonObject m = element(mappings.at(i), context);
        refuseUnknown(m, context, {u"source"_s, u"key"_s, u"value"_s, u"tenant_id"_s});
        AttributionMapping mapping;
        mapping.source = key<AttributionSource>(m, context, u"source"_s,
                                                {AttributionSource::Tag, AttributionSource::SubAccount}, sourceKey,
                                                AttributionSource::Tag);
        mapping.key = text(m, context, u"key"_s, mapping.source == AttributionSource::Tag);
        mapping.value = text(m, context, u"value"_s, true);
        if (!m.contains(u"tenant_id"_s))
            invalid(name(context, u"tenant_id"_s), QCoreApplication::translate("AttributionJson", "a tenant id (the field is missing)"));
        mapping.tenantId = id(m.value(u"tenant_id"_s), name(context, u"tenant_id"_s));
        rules.mappings.append(mapping);
    }
    const QJsonArray shared = array(object, {}, u"shared_costs"_s);
    for (qsizetype i = 0; i < shared.size(); ++i) {
        const QString context = u"shared_costs[%1]"_s.arg(i);
        const QJsonObject s = element(shared.at(i), context);
        refuseUnknown(s, context, {u"match"_s, u"value"_s, u"split"_s, u"tenants"_s});
        SharedCostRule rule;
        rule.match = key<SharedCostMatch>(s, context, u"match"_s,
                                          {SharedCostMatch::ServiceName, SharedCostMatch::SubAccount},
                                          sharedCostMatchKey, SharedCostMatch::ServiceName);
        rule.value = text(s, context, u"value"_s, true);
        rule.split = key<SharedCostSplit>(s, context, u"split"_s, {SharedCostSplit::Even, SharedCostSplit::Proportional},
                                          sharedCostSplitKey, SharedCostSplit::Proportional);
        const QJsonArray tenants = array(s, context, u"tenants"_s);
        for (qsizetype t = 0; t < tenants.size(); ++t)
            rule.tenants.append(id(tenants.at(t), u"%1.tenants[%2]"_s.arg(context).arg(t)));
        rules.sharedCosts.append(rule);
    }
    return rules;
}

} // namespace TenantDesk::AttributionJson
