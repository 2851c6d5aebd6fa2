#include "TenantctlBillingSummary.h"

#include "AttributionJson.h"
#include "Decimal.h"
#include "JsonCodec.h"
#include "SqlTime.h"
#include "StoreError.h"

#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <map>
#include <set>
#include <tuple>

namespace TenantDesk::Tenantctl::Billing {

using namespace Qt::StringLiterals;

namespace {

// A day (2024-09-01) or a time (2024-09-01T12:00:00Z); `endOfDay` makes a day mean the moment after it.
QDateTime dateOption(const Invocation& call, const QString& option, bool endOfDay)
{
    const QString text = call.value(option);
    const QDate day = QDate::fromString(text, Qt::ISODate);
    if (day.isValid() && text.size() == 10)
        return QDateTime(endOfDay ? day.addDays(1) : day, QTime(0, 0), Qt::UTC);
    const QDateTime time = SqlTime::parse(text);
    if (!time.isValid())
        throw UsageError{tr("--%1 takes a day such as 2024-09-30 or an ISO 8601 time, not “%2”.").arg(option, text)};
    return time;
}

QString csvField(const QString& text)
{
    if (!text.contains(u',') && !text.contains(u'"') && !text.contains(u'\n') && !text.contains(u'\r'))
        return text;
    return u'"' + QString(text).replace(u"\""_s, u"\"\""_s) + u'"';
}

struct Group {
    Decimal billed, effective, list, sharedBilled;
    qint64 lines = 0;
    std::set<std::tuple<QString, QString, QString, QString>> pools; // shared pools counted in `lines`
};

Decimal amount(const QString& text)
{
    const std::optional<Decimal> value = Decimal::parse(text);
    if (!value)
        throw StoreError(ErrorCode::Corrupt, tr("A total is not a decimal number: “%1”.").arg(text));
    return *value;
}

Tenant tenantOf(const Invocation& call, const QString& slug)
{
    return await(call.store.tenantBySlug(slug));
}

} // namespace

int billingSummary(const Invocation& call)
{
    if (call.json() && call.isSet(u"csv"_s))
        throw UsageError{tr("billing summary prints either --json or --csv, not both.")};
    const QStringList dimensions{u"tenant"_s, u"service"_s, u"month"_s};
    QStringList by = call.isSet(u"by"_s) ? call.value(u"by"_s).split(u',', Qt::SkipEmptyParts) : QStringList{u"tenant"_s};
    for (QString& each : by) {
        each = each.trimmed();
        if (!dimensions.contains(each))
            throw UsageError{tr("--by takes tenant, service and month, comma-separated, not “%1”.").arg(each)};
    }
    if (by.removeDuplicates() > 0)
        throw UsageError{tr("--by names each of tenant, service and month at most once.")};
    const bool byTenant = by.contains(u"tenant"_s), byService = by.contains(u"service"_s), byMonth = by.contains(u"month"_s);

    BillingFilter filter;
    if (call.isSet(u"tenant"_s))
        filter.tenantId = tenantOf(call, call.value(u"tenant"_s)).id;
    if (call.isSet(u"from"_s))
        filter.from = dateOption(call, u"from"_s, false);
    if (call.isSet(u"to"_s))
        filter.to = dateOption(call, u"to"_s, true);
    const QList<BillingTotalsRow> rows = await(call.store.billingTotals(filter));

    // (tenant, service, month, currency), each left empty when not grouped by; summed exactly.
    using Key = std::tuple<TenantId, QString, QString, QString>;
    std::map<Key, Group> groups;
    std::map<QString, Group> totals; // by currency
    for (const BillingTotalsRow& row : rows) {
        const Key key{byTenant ? row.tenantId : -1, byService ? row.serviceName : QString(),
                      byMonth ? row.month : QString(), row.billingCurrency};
        for (Group* group : {&groups[key], &totals[row.billingCurrency]}) {
            group->billed += amount(row.billedCost);
            group->effective += amount(row.effectiveCost);
            group->list += amount(row.listCost);
            if (row.shared) {
                group->sharedBilled += amount(row.billedCost);
                // A share's lines are its pool's: counted once in each group holding a share of it.
                if (group->pools.insert({row.month, row.serviceName, row.serviceCategory, row.billingCurrency}).second)
                    group->lines += row.lineCount;
            } else {
                group->lines += row.lineCount;
            }
        }
    }
    QHash<TenantId, QString> slugs;
    if (byTenant) {
        for (const auto& [key, group] : groups) {
            const TenantId id = std::get<0>(key);
            if (id > 0 && !slugs.contains(id))
                slugs.insert(id, await(call.store.tenant(id)).slug);
        }
    }
    const QString unallocated = tr("(unallocated)");
    // Sorted as a person reads them: by slug, "(unallocated)" last, then service, month, currency.
    std::vector<std::pair<Key, const Group*>> ordered;
    for (const auto& [key, group] : groups)
        ordered.emplace_back(key, &group);
    std::sort(ordered.begin(), ordered.end(), [&slugs](const auto& a, const auto& b) {
        const auto rank = [&slugs](const Key& k) {
            return std::make_tuple(std::get<0>(k) == 0, slugs.value(std::get<0>(k)), std::get<1>(k), std::get<2>(k), std::get<3>(k));
        };
        return rank(a.first) < rank(b.first);
    });
    const auto tenantText = [&](TenantId id) -> QString { return id == 0 ? unallocated : slugs.value(id); };

    if (call.json()) {
        QJsonArray items;
        for (const auto& [key, group] : ordered) {
            QJsonObject item;
            if (byTenant) {
                item.insert(u"tenant"_s, std::get<0>(key) == 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(slugs.value(std::get<0>(key))));
                item.insert(u"tenant_id"_s, std::get<0>(key) == 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(std::get<0>(key)));
            }
            if (byService)
                item.insert(u"service"_s, std::get<1>(key));
            if (byMonth)
                item.insert(u"month"_s, std::get<2>(key));
            item.insert(u"currency"_s, std::get<3>(key));
            item.insert(u"billed_cost"_s, group->billed.text());
            item.insert(u"effective_cost"_s, group->effective.text());
            item.insert(u"list_cost"_s, group->list.text());
            item.insert(u"shared_billed_cost"_s, group->sharedBilled.text());
            item.insert(u"line_count"_s, group->lines);
            items.append(item);
        }
        QJsonArray sums;
        for (const auto& [currency, group] : totals)
            sums.append(QJsonObject{{u"currency"_s, currency}, {u"billed_cost"_s, group.billed.text()},
                                    {u"effective_cost"_s, group.effective.text()}, {u"list_cost"_s, group.list.text()},
                                    {u"line_count"_s, group.lines}});
        printJson(call.out, QJsonObject{{u"by"_s, QJsonArray::fromStringList(by)}, {u"rows"_s, items}, {u"totals"_s, sums}});
        return Success;
    }

    QStringList header;
    if (byTenant)
        header << tr("tenant");
    if (byService)
        header << tr("service");
    if (byMonth)
        header << tr("month");
    header << tr("currency") << tr("billed_cost") << tr("effective_cost") << tr("list_cost") << tr("shared_billed_cost")
           << tr("lines");
    QList<QStringList> table;
    for (const auto& [key, group] : ordered) {
        QStringList cells;
        if (byTenant)
            cells << tenantText(std::get<0>(key));
        if (byService)
            cells << std::get<1>(key);
        if (byMonth)
            cells << std::get<2>(key);
        cells << std::get<3>(key) << group->billed.text() << group->effective.text() << group->list.text()
              << group->sharedBilled.text() << QString::number(group->lines);
        table << cells;
    }
    if (call.isSet(u"csv"_s)) {
        // Column names for scripts: the same in every language, like the JSON keys.
        QStringList columns;
        if (byTenant)
            columns << u"tenant"_s;
        if (byService)
            columns << u"service"_s;
        if (byMonth)
            columns << u"month"_s;
        columns << u"currency"_s << u"billed_cost"_s << u"effective_cost"_s << u"list_cost"_s << u"shared_billed_cost"_s
                << u"lines"_s;
        QStringList quoted;
        for (const QString& cell : std::as_const(columns))
            quoted << csvField(cell);
        call.out << quoted.join(u',') << u"\r\n"_s;
        for (const QStringList& cells : std::as_const(table)) {
            quoted.clear();
            for (const QString& cell : cells)
                quoted << csvField(cell);
            call.out << quoted.join(u',') << u"\r\n"_s;
        }
        return Success;
    }
    if (table.isEmpty()) {
        call.out << tr("No billing cost in this range.\n");
        return Success;
    }
    QList<int> widths;
    for (const QString& cell : std::as_const(header))
        widths << int(cell.size());
    for (const QStringList& cells : std::as_const(table)) {
        for (qsizetype i = 0; i < cells.size(); ++i)
            widths[i] = std::max(widths[i], int(cells.at(i).size()));
    }
    const qsizetype firstAmount = header.size() - 5;
    const auto line = [&](const QStringList& cells) -> QString {
        QString text;
        for (qsizetype i = 0; i < cells.size(); ++i) {
            const QString cell = i >= firstAmount ? cells.at(i).rightJustified(widths.at(i)) : padded(cells.at(i), widths.at(i));
            text += (i == 0 ? QString() : u"  "_s) + cell;
        }
        return text.trimmed() + u'\n';
    };
    call.out << line(header);
    for (const QStringList& cells : std::as_const(table))
        call.out << line(cells);
    for (const auto& [currency, group] : totals)
        call.out << tr("Total %1: billed %2, effective %3, list %4 (%n line(s)).\n", nullptr, int(group.lines))
                        .arg(currency, group.billed.text(), group.effective.text(), group.list.text());
    return Success;
}

int billingRulesShow(const Invocation& call)
{
    const AttributionRules rules = await(call.store.attributionRules());
    if (call.json()) {
        printJson(call.out, AttributionJson::toJson(rules));
        return Success;
    }
    QHash<TenantId, QString> names;
    const auto tenantText = [&](TenantId id) -> QString {
        if (!names.contains(id)) {
            try {
                names.insert(id, tenantNamed(await(call.store.tenant(id))));
            } catch (const StoreError&) {
                names.insert(id, tr("tenant %1 (not found)").arg(id));
            }
        }
        return names.value(id);
    };
    call.out << tr("Attribution rules, version %1\n").arg(rules.version);
    call.out << tr("Tenant tag keys: %1\n").arg(rules.tenantTagKeys.isEmpty() ? tr("(none)") : rules.tenantTagKeys.join(u", "_s));
    if (rules.mappings.isEmpty())
        call.out << tr("Mappings: (none)\n");
    for (const AttributionMapping& m : rules.mappings) {
        if (m.source == AttributionSource::Tag)
            call.out << tr("Mapping: tag %1 = %2 → %3\n").arg(m.key, m.value, tenantText(m.tenantId));
        else
            call.out << tr("Mapping: sub-account %1 → %2\n").arg(m.value, tenantText(m.tenantId));
    }
    if (rules.sharedCosts.isEmpty())
        call.out << tr("Shared cost: (none)\n");
    for (const SharedCostRule& rule : rules.sharedCosts) {
        QStringList over;
        for (TenantId id : rule.tenants)
            over << tenantText(id);
        const QString what = rule.match == SharedCostMatch::ServiceName ? tr("service %1").arg(rule.value)
                                                                         : tr("sub-account %1").arg(rule.value);
        const QString how = rule.split == SharedCostSplit::Even ? tr("evenly") : tr("in proportion to direct cost");
        call.out << tr("Shared cost: %1, spread %2 over %3\n")
                        .arg(what, how, over.isEmpty() ? tr("every tenant with direct cost that month") : over.join(u", "_s));
    }
    return Success;
}

int billingRulesSet(const Invocation& call)
{
    const QString path = call.arguments.value(0);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw StoreError(ErrorCode::NotFound, tr("Cannot read “%1”: %2").arg(path, file.errorString())).withField(u"FILE"_s);
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        throw StoreError(ErrorCode::Invalid, tr("“%1” is not a JSON object: %2 at character %3.")
                                                 .arg(path, error.errorString()).arg(error.offset)).withField(u"FILE"_s);
    const AttributionRules rules = AttributionJson::fromJson(document.object());
    // A file from `billing rules show --json` names the version it was edited from: a change made
    // since is not overwritten. Without a version the current rules are replaced.
    const qint64 expected = rules.version > 0 ? rules.version : await(call.store.attributionRules()).version;
    const AttributionResult result = await(call.store.setAttributionRules(rules, expected));
    if (call.json()) {
        printJson(call.out, JsonCodec::toJson(result));
        return Success;
    }
    call.out << tr("Attribution rules version %1 applied: %2 lines attributed to tenants, %3 unallocated, %4 shared.\n")
                    .arg(result.rules.version).arg(result.linesAttributed).arg(result.linesUnallocated).arg(result.linesShared);
    return Success;
}

int billingBudget(const Invocation& call)
{
    const Tenant tenant = tenantOf(call, call.arguments.value(0));
    const QString amount = call.arguments.value(1);
    const TenantBudget budget = await(call.store.setBudget(
        TenantBudget{tenant.id, amount == u"none"_s ? QString() : amount, call.arguments.value(2)}));
    if (call.json()) {
        printJson(call.out, JsonCodec::toJson(budget));
        return Success;
    }
    if (budget.amount.isEmpty())
        call.out << tr("%1 has no monthly budget in %2 now.\n").arg(tenantNamed(tenant), budget.currency);
    else
        call.out << tr("%1: a monthly budget of %2 %3.\n").arg(tenantNamed(tenant), budget.amount, budget.currency);
    return Success;
}

} // namespace TenantDesk::Tenantctl::Billing
