// SqlSession's billing review: the attribution rules (stored, validated, applied again to every
// line with the roll-ups in one transaction), totals read from the roll-ups with shared cost
// spread exactly, the lines behind a total, and budgets. Money is exact decimal text throughout,
// summed and split in code (Decimal.h), never by the database as floats.

#include "SqlSession.h"

#include "Attribution.h"
#include "AttributionJson.h"
#include "BillingRollups.h"
#include "Decimal.h"
#include "SqlDetail.h"

#include <QRegularExpression>
#include <QSet>

#include <map>
#include <tuple>
#include <vector>

namespace TenantDesk {

using namespace Qt::StringLiterals;
using namespace SqlDetail;

namespace {

[[noreturn]] void refuse(const QString& field, const QString& message)
{
    throw StoreError(ErrorCode::Invalid, field + u": "_s + message).withField(field);
}

void requirePlatformScope(const TenantScope& scope)
{
    if (!scope.isAllTenants())
        throw StoreError(ErrorCode::Forbidden,
                         tr("Attribution rules, budgets and roll-ups are changed by a platform administrator only."));
}

AttributionRules readRules(const QSqlDatabase& db, bool forUpdate)
{
    Query q(db, tr("Could not read the attribution rules"));
    q.prepare(u"SELECT rules, version FROM attribution_rules WHERE id = 1"_s
              + (forUpdate && isPostgres(db) ? u" FOR UPDATE"_s : QString()))
        .exec();
    if (!q.next())
        return {};
    AttributionRules rules;
    try {
        rules = AttributionJson::fromJson(jsonObject(q.value(0)));
    } catch (const StoreError& error) {
        throw StoreError(ErrorCode::Corrupt, tr("The stored attribution rules cannot be read: %1").arg(error.message()));
    }
    rules.version = q.integer(1);
    return rules;
}

QString monthStart(const QString& month)
{
    return month + u"-01T00:00:00Z"_s;
}

QString nextMonthStart(const QString& month)
{
    const QDate start = QDate::fromString(month + u"-01"_s, Qt::ISODate);
    return SqlTime::format(QDateTime(start.addMonths(1), QTime(0, 0), Qt::UTC));
}

bool isMonth(const QString& month)
{
    static const QRegularExpression pattern(u"^[0-9]{4}-(0[1-9]|1[0-2])$"_s);
    return pattern.match(month).hasMatch();
}

void checkRange(const QDateTime& from, const QDateTime& to)
{
    if (from.isValid() && to.isValid() && from >= to)
        throw StoreError(ErrorCode::Invalid, tr("from/to: a billing range needs a start before its end.")).withField(u"from"_s);
}

// The tenants' ids by lower-case slug, and their paths (for the scope).
struct TenantIndex {
    QHash<QString, TenantId> idsBySlug;
    QHash<TenantId, QList<TenantId>> ancestors;
};

TenantIndex readTenants(const QSqlDatabase& db)
{
    TenantIndex index;
    Query q(db, tr("Could not read the tenants"));
    q.prepare(u"SELECT id, slug, path FROM tenants"_s).exec();
    while (q.next()) {
        index.idsBySlug.insert(q.text(1).toLower(), q.integer(0));
        QList<TenantId> ids = idsOfPath(q.text(2));
        if (!ids.isEmpty())
            ids.removeLast();
        index.ancestors.insert(q.integer(0), ids);
    }
    return index;
}

// What the rules say before any tenant is looked up: nothing empty, no value mapped twice.
void checkRules(const AttributionRules& rules)
{
    for (qsizetype i = 0; i < rules.tenantTagKeys.size(); ++i) {
        if (rules.tenantTagKeys.at(i).trimmed().isEmpty())
            refuse(u"tenant_tag_keys[%1]"_s.arg(i), tr("a tag key cannot be empty."));
    }
    std::map<std::tuple<int, QString, QString>, qsizetype> seen; // (source, key, value) → first mapping
    for (qsizetype i = 0; i < rules.mappings.size(); ++i) {
        const AttributionMapping& m = rules.mappings.at(i);
        const QString field = u"mappings[%1]"_s.arg(i);
        if (m.source == AttributionSource::Tag && m.key.trimmed().isEmpty())
            refuse(field + u".key"_s, tr("a tag mapping needs the tag key it reads."));
        if (m.value.isEmpty())
            refuse(field + u".value"_s, tr("a mapping needs the value it maps."));
        const auto key = std::make_tuple(int(m.source), m.source == AttributionSource::Tag ? m.key : QString(), m.value);
        const auto earlier = seen.find(key);
        if (earlier == seen.end()) {
            seen.emplace(key, i);
            continue;
        }
        const AttributionMapping& first = rules.mappings.at(earlier->second);
        if (first.tenantId != m.tenantId) {
            const QString what = m.source == AttributionSource::Tag ? QString(m.key + u" = "_s + m.value)
                                                                    : tr("sub-account %1").arg(m.value);
            refuse(field + u".value"_s, tr("%1 is mapped to tenant %2 here and to tenant %3 by mappings[%4]; "
                                           "map each value to one tenant.")
                                            .arg(what).arg(m.tenantId).arg(first.tenantId).arg(earlier->second));
        }
    }
    for (qsizetype i = 0; i < rules.sharedCosts.size(); ++i) {
        if (rules.sharedCosts.at(i).value.isEmpty())
            refuse(u"shared_costs[%1].value"_s.arg(i), tr("a shared cost needs the service or account it matches."));
    }
}

void checkTenantsExist(const AttributionRules& rules, const TenantIndex& tenants)
{
    for (qsizetype i = 0; i < rules.mappings.size(); ++i) {
        const TenantId id = rules.mappings.at(i).tenantId;
        if (!tenants.ancestors.contains(id))
            refuse(u"mappings[%1].tenant_id"_s.arg(i), tr("there is no tenant with id %1.").arg(id));
    }
    for (qsizetype i = 0; i < rules.sharedCosts.size(); ++i) {
        const QList<TenantId>& ids = rules.sharedCosts.at(i).tenants;
        for (qsizetype t = 0; t < ids.size(); ++t) {
            if (!tenants.ancestors.contains(ids.at(t)))
                refuse(u"shared_costs[%1].tenants[%2]"_s.arg(i).arg(t), tr("there is no tenant with id %1.").arg(ids.at(t)));
        }
    }
}

QHash<QString, QString> tagValues(const QJsonObject& tags, const QStringList& keys)
{
    QHash<QString, QString> values;
    for (const QString& key : keys) {
        const QJsonValue value = tags.value(key);
        if (value.isString())
            values.insert(key, value.toString());
        else if (value.isDouble() || value.isBool())
            values.insert(key, value.toVariant().toString());
    }
    return values;
}

// Replaces the roll-ups of one import (-1: all of them) by `rollups`.
void writeRollups(const QSqlDatabase& db, const BillingRollups& rollups, qint64 importId)
{
    Query remove(db, tr("Could not rebuild the billing roll-ups"));
    remove.prepare(u"DELETE FROM billing_rollups"_s + (importId >= 0 ? u" WHERE import_id = ?"_s : QString()));
    if (importId >= 0)
        remove.bind(importId);
    remove.exec();
    Query insert(db, tr("Could not rebuild the billing roll-ups"));
    for (const auto& [key, sums] : rollups.groups()) {
        insert.prepare(u"INSERT INTO billing_rollups (tenant_id, import_id, shared_rule, month, service_name, "
                       "service_category, billing_currency, billed_cost, effective_cost, list_cost, line_count) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s)
            .bind(key.tenantId).bind(key.importId).bind(key.sharedRule).bind(key.month).bind(key.serviceName)
            .bind(key.serviceCategory).bind(key.billingCurrency).bind(sums.billed.text()).bind(sums.effective.text())
            .bind(sums.list.text()).bind(sums.lines)
            .exec();
    }
}

QString decimalsText(const DecimalSum& sum)
{
    return sum.text(2);
}

} // namespace

AttributionRules SqlSession::attributionRules() const
{
    return scoped([&] { return readRules(m_db, false); });
}

AttributionResult SqlSession::setAttributionRules(const AttributionRules& rules, qint64 expectedVersion,
                                                  const std::function<bool(int)>& progress) const
{
    requirePlatformScope(m_scope);
    checkRules(rules);
    return transaction([&] {
        const AttributionRules before = readRules(m_db, true);
        if (before.version != expectedVersion)
            throw StoreError(ErrorCode::Conflict,
                             tr("The attribution rules were changed by someone else since you read them (now version %1). "
                                "Read them again, then make your change.").arg(before.version));
        const TenantIndex tenants = readTenants(m_db);
        checkTenantsExist(rules, tenants);

        AttributionRules stored = rules;
        stored.version = before.version + 1;
        QJsonObject document = AttributionJson::toJson(stored);
        document.remove(u"version"_s);
        Query save(m_db, tr("Could not save the attribution rules"));
        save.prepare(u"INSERT INTO attribution_rules (id, rules, version) VALUES (1, ?, ?) "
                     "ON CONFLICT (id) DO UPDATE SET rules = excluded.rules, version = excluded.version"_s)
            .bind(jsonText(document)).bind(stored.version).exec();

        // Every line attributed again in one read, which also sums the roll-ups as they will be;
        // then only the lines whose attribution changed are written, many per statement.
        AttributionResult result;
        const Attribution attribution(stored, tenants.idsBySlug);
        Query count(m_db, tr("Could not read the billing lines"));
        const qint64 total = count.prepare(u"SELECT count(*) FROM billing_lines"_s).scalar(0).toLongLong();
        std::map<std::pair<TenantId, int>, QList<qint64>> changes; // new (tenant, shared rule) → line ids
        qint64 changed = 0;
        BillingRollups rollups;
        const auto report = [&progress](int done) {
            if (progress && !progress(done))
                throw StoreError(ErrorCode::Unavailable,
                                 tr("Applying the attribution rules was cancelled; nothing was changed."));
        };
        report(0);
        {
            Query lines(m_db, tr("Could not read the billing lines"));
            lines.prepare(u"SELECT id, sub_account_id, sub_account_name, service_name, tags, coalesce(tenant_id, 0), "
                          "coalesce(shared_rule, -1), coalesce(import_id, 0), charge_period_start, service_category, "
                          "billing_currency, billed_cost, effective_cost, list_cost FROM billing_lines"_s).exec();
            qint64 read = 0;
            while (lines.next()) {
                const QHash<QString, QString> tags = attribution.tagKeys().isEmpty()
                    ? QHash<QString, QString>()
                    : tagValues(jsonObject(lines.value(4)), attribution.tagKeys());
                const Attribution::Outcome outcome = attribution.attribute(lines.text(1), lines.text(2), lines.text(3), tags);
                if (outcome.sharedRule >= 0)
                    ++result.linesShared;
                else if (outcome.tenantId != 0)
                    ++result.linesAttributed;
                else
                    ++result.linesUnallocated;
                if (outcome.tenantId != lines.integer(5) || outcome.sharedRule != int(lines.integer(6))) {
                    changes[{outcome.tenantId, outcome.sharedRule}].append(lines.integer(0));
                    ++changed;
                }
                const BillingRollups::Key key{outcome.tenantId, lines.integer(7), outcome.sharedRule,
                                              BillingRollups::monthOf(lines.text(8)), lines.text(3), lines.text(9),
                                              lines.text(10)};
                if (!rollups.add(key, lines.text(11), lines.text(12), lines.text(13)))
                    throw StoreError(ErrorCode::Corrupt,
                                     tr("A billing line holds a cost that is not a decimal number: “%1”.").arg(lines.text(11)));
                if (++read % 4096 == 0 && total > 0)
                    report(int(500 * read / total));
            }
        }
        report(500);
        constexpr qsizetype chunk = 500;
        qint64 written = 0;
        for (const auto& [outcome, ids] : changes) {
            for (qsizetype start = 0; start < ids.size(); start += chunk) {
                const QList<qint64> part = ids.mid(start, chunk);
                Query update(m_db, tr("Could not attribute the billing lines"));
                update.prepare(u"UPDATE billing_lines SET tenant_id = ?, shared_rule = ? WHERE id IN ("_s
                               + QStringList(part.size(), u"?"_s).join(u',') + u')');
                update.bind(outcome.first == 0 ? QVariant(QMetaType::fromType<qint64>()) : QVariant(outcome.first))
                    .bind(outcome.second < 0 ? QVariant(QMetaType::fromType<int>()) : QVariant(outcome.second));
                for (qint64 id : part)
                    update.bind(id);
                update.exec();
                written += part.size();
                report(500 + int(400 * written / changed));
            }
        }
        report(900);
        writeRollups(m_db, rollups, -1);
        report(1000);

        QJsonObject beforeJson = AttributionJson::toJson(before);
        QJsonObject afterJson = AttributionJson::toJson(stored);
        afterJson.insert(u"lines_changed"_s, changed);
        appendAudit(AuditEvent{0, 0, QDateTime::currentDateTimeUtc(), m_actor, u"billing.rules.update"_s,
                               u"attribution_rules"_s, u"1"_s, beforeJson, afterJson, {}, {}});
        result.rules = stored;
        return result;
    });
}

void SqlSession::rebuildBillingRollups(qint64 importId) const
{
    requirePlatformScope(m_scope);
    transaction([&] {
        BillingRollups rollups;
        {
            Query lines(m_db, tr("Could not read the billing lines"));
            lines.prepare(u"SELECT coalesce(tenant_id, 0), coalesce(import_id, 0), coalesce(shared_rule, -1), "
                          "charge_period_start, service_name, service_category, billing_currency, billed_cost, "
                          "effective_cost, list_cost FROM billing_lines"_s
                          + (importId >= 0 ? u" WHERE coalesce(import_id, 0) = ?"_s : QString()));
            if (importId >= 0)
                lines.bind(importId);
            lines.exec();
            while (lines.next()) {
                const BillingRollups::Key key{lines.integer(0), lines.integer(1), int(lines.integer(2)),
                                              BillingRollups::monthOf(lines.text(3)), lines.text(4), lines.text(5),
                                              lines.text(6)};
                if (!rollups.add(key, lines.text(7), lines.text(8), lines.text(9)))
                    throw StoreError(ErrorCode::Corrupt,
                                     tr("A billing line holds a cost that is not a decimal number: “%1”.").arg(lines.text(7)));
            }
        }
        writeRollups(m_db, rollups, importId);
    });
}

QList<BillingTotalsRow> SqlSession::billingTotals(const BillingFilter& filter) const
{
    checkRange(filter.from, filter.to);
    return scoped([&]() -> QList<BillingTotalsRow> {
        if (filter.tenantId && *filter.tenantId > 0)
            requireTenant(m_db, *filter.tenantId);
        const AttributionRules rules = readRules(m_db, false);

        // Whole months: a month is read when it starts before `to` and ends after `from`.
        QString sql = u"SELECT tenant_id, shared_rule, month, service_name, service_category, billing_currency, "
                      "billed_cost, effective_cost, list_cost, line_count FROM billing_rollups WHERE 1 = 1"_s;
        if (filter.from.isValid())
            sql += u" AND month >= ?"_s;
        if (filter.to.isValid())
            sql += u" AND month <= ?"_s;
        if (!filter.billingCurrency.isEmpty())
            sql += u" AND billing_currency = ?"_s;
        if (filter.importId != 0)
            sql += u" AND import_id = ?"_s;
        Query q(m_db, tr("Could not read the billing roll-ups"));
        q.prepare(sql);
        if (filter.from.isValid())
            q.bind(BillingRollups::monthOf(SqlTime::format(filter.from)));
        if (filter.to.isValid())
            q.bind(BillingRollups::monthOf(SqlTime::format(filter.to.addMSecs(-1))));
        if (!filter.billingCurrency.isEmpty())
            q.bind(filter.billingCurrency);
        if (filter.importId != 0)
            q.bind(filter.importId);
        q.exec();

        struct Sums { DecimalSum billed, effective, list; qint64 lines = 0; };
        using RowKey = std::tuple<QString, TenantId, QString, QString, QString>; // month, tenant, service, category, currency
        using PoolKey = std::tuple<int, QString, QString, QString, QString>;     // rule, month, currency, service, category
        std::map<RowKey, Sums> direct;
        std::map<PoolKey, Sums> pools;
        std::map<std::pair<QString, QString>, std::map<TenantId, DecimalSum>> directBilled; // (month, currency) → tenant
        const auto add = [](Sums& sums, const Query& row) {
            if (!sums.billed.add(row.text(6)) || !sums.effective.add(row.text(7)) || !sums.list.add(row.text(8)))
                throw StoreError(ErrorCode::Corrupt,
                                 tr("A billing roll-up holds a cost that is not a decimal number: “%1”.").arg(row.text(6)));
            sums.lines += row.integer(9);
        };
        while (q.next()) {
            const TenantId tenant = q.integer(0);
            const int rule = int(q.integer(1));
            if (rule >= 0 && tenant == 0 && rule < rules.sharedCosts.size()) {
                add(pools[{rule, q.text(2), q.text(5), q.text(3), q.text(4)}], q);
                continue;
            }
            add(direct[{q.text(2), tenant, q.text(3), q.text(4), q.text(5)}], q);
            if (tenant != 0)
                directBilled[{q.text(2), q.text(5)}][tenant].add(q.text(6));
        }

        // Each pool spread over its tenants, in units of 10^-18; the shares sum to the pool exactly.
        struct Share { Decimal billed, effective, list; qint64 lines = 0; };
        std::map<RowKey, Share> shares;
        for (const auto& [key, pool] : pools) {
            const auto& [rule, month, currency, service, category] = key;
            const SharedCostRule& r = rules.sharedCosts.at(rule);
            const auto& monthly = directBilled[{month, currency}];
            QList<TenantId> targets = r.tenants;
            if (targets.isEmpty()) {
                for (const auto& [tenant, billed] : monthly)
                    targets.append(tenant);
            }
            if (targets.isEmpty()) { // nobody to spread over: the cost stays unallocated
                Sums& unallocated = direct[{month, 0, service, category, currency}];
                unallocated.billed.add(pool.billed);
                unallocated.effective.add(pool.effective);
                unallocated.list.add(pool.list);
                unallocated.lines += pool.lines;
                continue;
            }
            QList<Decimal> weights;
            for (TenantId tenant : std::as_const(targets)) {
                const auto found = monthly.find(tenant);
                weights.append(r.split == SharedCostSplit::Even ? Decimal::fromUnits(1)
                               : found == monthly.end()         ? Decimal()
                                                                : found->second.value());
            }
            const QList<Decimal> billed = splitExactly(pool.billed.value(), weights);
            const QList<Decimal> effective = splitExactly(pool.effective.value(), weights);
            const QList<Decimal> list = splitExactly(pool.list.value(), weights);
            for (qsizetype i = 0; i < targets.size(); ++i) {
                Share& share = shares[{month, targets.at(i), service, category, currency}];
                share.billed += billed.at(i);
                share.effective += effective.at(i);
                share.list += list.at(i);
                share.lines += pool.lines;
            }
        }

        const auto wanted = [&](TenantId tenant, const QString& service, const QString& category, bool shared) {
            if (filter.tenantId && (*filter.tenantId != tenant || (tenant == 0 && shared)))
                return false;
            if (!filter.serviceName.isEmpty() && service != filter.serviceName)
                return false;
            if (!filter.serviceCategory.isEmpty() && category != filter.serviceCategory)
                return false;
            return true;
        };
        // A tenant scope sees its own tenants' rows only: never unallocated cost.
        QHash<TenantId, QList<TenantId>> ancestors;
        if (!m_scope.isAllTenants())
            ancestors = readTenants(m_db).ancestors;
        const auto inScope = [&](TenantId tenant) {
            return m_scope.isAllTenants() || (tenant != 0 && m_scope.covers(tenant, ancestors.value(tenant)));
        };

        QList<BillingTotalsRow> rows;
        for (const auto& [key, sums] : direct) {
            const auto& [month, tenant, service, category, currency] = key;
            if (wanted(tenant, service, category, false) && inScope(tenant))
                rows.append(BillingTotalsRow{tenant, month, service, category, currency, decimalsText(sums.billed),
                                             decimalsText(sums.effective), decimalsText(sums.list), sums.lines, false});
        }
        for (const auto& [key, share] : shares) {
            const auto& [month, tenant, service, category, currency] = key;
            if (wanted(tenant, service, category, true) && inScope(tenant))
                rows.append(BillingTotalsRow{tenant, month, service, category, currency, share.billed.text(),
                                             share.effective.text(), share.list.text(), share.lines, true});
        }
        std::sort(rows.begin(), rows.end(), [](const BillingTotalsRow& a, const BillingTotalsRow& b) {
            return std::tie(a.month, a.tenantId, a.serviceName, a.serviceCategory, a.billingCurrency, a.shared)
                < std::tie(b.month, b.tenantId, b.serviceName, b.serviceCategory, b.billingCurrency, b.shared);
        });
        return rows;
    });
}

Page<BillingLine> SqlSession::billingLines(const BillingLineQuery& query) const
{
    const BillingFilter& filter = query.filter;
    checkRange(filter.from, filter.to);
    const int limit = checkedLimit(query.limit, maximumPageSize);
    if (!query.month.isEmpty() && !isMonth(query.month))
        refuse(u"month"_s, tr("expected a month such as 2024-09."));
    return scoped([&]() -> Page<BillingLine> {
        QString sql = u"SELECT id, coalesce(tenant_id, 0), provider_name, billing_account_id, sub_account_id, "
                      "sub_account_name, billing_period_start, billing_period_end, charge_period_start, charge_period_end, "
                      "charge_category, service_name, service_category, region_id, resource_id, billed_cost, "
                      "effective_cost, list_cost, billing_currency, tags, coalesce(import_id, 0), shared_rule "
                      "FROM billing_lines WHERE 1 = 1"_s;
        QVariantList binds;
        if (query.sharedOnly) {
            sql += u" AND shared_rule IS NOT NULL"_s;
        } else if (filter.tenantId) {
            if (*filter.tenantId == 0) {
                sql += u" AND tenant_id IS NULL AND shared_rule IS NULL"_s;
            } else {
                requireTenant(m_db, *filter.tenantId);
                sql += u" AND tenant_id = ?"_s;
                binds << *filter.tenantId;
            }
        }
        if (filter.from.isValid()) {
            sql += u" AND charge_period_start >= ?"_s;
            binds << SqlTime::format(filter.from);
        }
        if (filter.to.isValid()) {
            sql += u" AND charge_period_start < ?"_s;
            binds << SqlTime::format(filter.to);
        }
        if (!query.month.isEmpty()) {
            sql += u" AND charge_period_start >= ? AND charge_period_start < ?"_s;
            binds << monthStart(query.month) << nextMonthStart(query.month);
        }
        if (!filter.serviceName.isEmpty()) {
            sql += u" AND service_name = ?"_s;
            binds << filter.serviceName;
        }
        if (!filter.serviceCategory.isEmpty()) {
            sql += u" AND service_category = ?"_s;
            binds << filter.serviceCategory;
        }
        if (!filter.billingCurrency.isEmpty()) {
            sql += u" AND billing_currency = ?"_s;
            binds << filter.billingCurrency;
        }
        if (filter.importId != 0) {
            sql += u" AND import_id = ?"_s;
            binds << filter.importId;
        }
        if (!query.cursor.isEmpty()) {
            const auto [start, id] = decodeCursor(query.cursor);
            sql += u" AND (charge_period_start > ? OR (charge_period_start = ? AND id > ?))"_s;
            binds << start << start << id;
        }
        sql += u" ORDER BY charge_period_start, id LIMIT ?"_s;
        binds << limit + 1;
        Query q(m_db, tr("Could not read the billing lines"));
        q.prepare(sql);
        for (const QVariant& value : std::as_const(binds))
            q.bind(value);
        q.exec();
        Page<BillingLine> page;
        QString lastStart;
        while (q.next()) {
            if (page.items.size() == limit) {
                page.nextCursor = encodeCursor(lastStart, page.items.last().id);
                break;
            }
            BillingLine l;
            l.id = q.integer(0);
            l.tenantId = q.integer(1);
            l.providerName = q.text(2);
            l.billingAccountId = q.text(3);
            l.subAccountId = q.text(4);
            l.subAccountName = q.text(5);
            l.billingPeriodStart = SqlTime::parse(q.text(6));
            l.billingPeriodEnd = SqlTime::parse(q.text(7));
            l.chargePeriodStart = SqlTime::parse(q.text(8));
            l.chargePeriodEnd = SqlTime::parse(q.text(9));
            l.chargeCategory = q.text(10);
            l.serviceName = q.text(11);
            l.serviceCategory = q.text(12);
            l.regionId = q.text(13);
            l.resourceId = q.text(14);
            l.billedCost = q.text(15);
            l.effectiveCost = q.text(16);
            l.listCost = q.text(17);
            l.billingCurrency = q.text(18);
            l.tags = jsonObject(q.value(19));
            l.importId = q.integer(20);
            l.shared = !q.value(21).isNull();
            lastStart = q.text(8);
            page.items.append(l);
        }
        return page;
    });
}

QList<BillingTagValue> SqlSession::billingTagValues(const BillingTagValueQuery& query) const
{
    const BillingFilter& filter = query.filter;
    checkRange(filter.from, filter.to);
    if (query.key.isEmpty())
        refuse(u"key"_s, tr("the tag key whose values are listed is required."));
    return scoped([&]() -> QList<BillingTagValue> {
        // The value as attribution reads it (SqlBilling's tagValues): a string as it is, a number or
        // a boolean as text; an object, an array or null is no value.
        QString sql = m_postgres
            ? u"SELECT t.value #>> '{}', jsonb_typeof(t.value), coalesce(l.tenant_id, 0), l.shared_rule, "
              "l.billing_currency, l.billed_cost FROM billing_lines l, jsonb_each(l.tags) t "
              "WHERE t.key = ? AND jsonb_typeof(t.value) IN ('string', 'number', 'boolean')"_s
            : u"SELECT CAST(t.value AS TEXT), t.type, coalesce(l.tenant_id, 0), l.shared_rule, "
              "l.billing_currency, l.billed_cost FROM billing_lines l, json_each(l.tags) t "
              "WHERE t.key = ? AND t.type IN ('text', 'integer', 'real', 'true', 'false')"_s;
        QVariantList binds{query.key};
        if (filter.tenantId) {
            if (*filter.tenantId == 0) {
                sql += u" AND l.tenant_id IS NULL"_s;
            } else {
                requireTenant(m_db, *filter.tenantId);
                sql += u" AND l.tenant_id = ?"_s;
                binds << *filter.tenantId;
            }
        }
        if (filter.from.isValid()) {
            sql += u" AND l.charge_period_start >= ?"_s;
            binds << SqlTime::format(filter.from);
        }
        if (filter.to.isValid()) {
            sql += u" AND l.charge_period_start < ?"_s;
            binds << SqlTime::format(filter.to);
        }
        if (!filter.serviceName.isEmpty()) {
            sql += u" AND l.service_name = ?"_s;
            binds << filter.serviceName;
        }
        if (!filter.serviceCategory.isEmpty()) {
            sql += u" AND l.service_category = ?"_s;
            binds << filter.serviceCategory;
        }
        if (!filter.billingCurrency.isEmpty()) {
            sql += u" AND l.billing_currency = ?"_s;
            binds << filter.billingCurrency;
        }
        if (filter.importId != 0) {
            sql += u" AND l.import_id = ?"_s;
            binds << filter.importId;
        }
        Query q(m_db, tr("Could not read the values of the tag"));
        q.prepare(sql);
        for (const QVariant& value : std::as_const(binds))
            q.bind(value);
        q.exec();

        // A tenant scope sees its own tenants' lines only: never unallocated or shared ones.
        QHash<TenantId, QList<TenantId>> ancestors;
        if (!m_scope.isAllTenants())
            ancestors = readTenants(m_db).ancestors;
        struct Sums { DecimalSum billed; qint64 lines = 0; };
        using Key = std::tuple<QString, TenantId, bool, QString>; // value, tenant, shared, currency
        std::map<Key, Sums> sums;
        while (q.next()) {
            const TenantId tenant = q.integer(2);
            if (!m_scope.isAllTenants() && (tenant == 0 || !m_scope.covers(tenant, ancestors.value(tenant))))
                continue;
            const QString type = q.text(1);
            const QString value = type == u"true"_s ? u"true"_s : type == u"false"_s ? u"false"_s : q.text(0);
            Sums& s = sums[{value, tenant, !q.value(3).isNull(), q.text(4)}];
            if (!s.billed.add(q.text(5)))
                throw StoreError(ErrorCode::Corrupt,
                                 tr("A billing line holds a cost that is not a decimal number: “%1”.").arg(q.text(5)));
            ++s.lines;
        }
        QList<BillingTagValue> values;
        values.reserve(qsizetype(sums.size()));
        for (const auto& [key, s] : sums) {
            const auto& [value, tenant, shared, currency] = key;
            values.append(BillingTagValue{value, tenant, shared, currency, s.lines, decimalsText(s.billed)});
        }
        return values;
    });
}

QList<BillingTagKey> SqlSession::billingTagKeys() const
{
    if (!m_scope.isAllTenants())
        throw StoreError(ErrorCode::Forbidden, tr("The tag keys of the billing lines are read by a platform administrator only."));
    return scoped([&] {
        Query q(m_db, tr("Could not read the tag keys"));
        q.prepare(m_postgres
                      ? u"SELECT t.key, count(*) FROM billing_lines l, jsonb_each(l.tags) t GROUP BY t.key ORDER BY t.key"_s
                      : u"SELECT t.key, count(*) FROM billing_lines l, json_each(l.tags) t GROUP BY t.key ORDER BY t.key"_s)
            .exec();
        QList<BillingTagKey> keys;
        while (q.next())
            keys.append(BillingTagKey{q.text(0), q.integer(1)});
        // The database's collation may differ between dialects: one order everywhere.
        std::sort(keys.begin(), keys.end(), [](const BillingTagKey& a, const BillingTagKey& b) { return a.key < b.key; });
        return keys;
    });
}

QList<TenantBudget> SqlSession::budgets() const
{
    return scoped([&] {
        Query q(m_db, tr("Could not read the budgets"));
        q.prepare(u"SELECT b.tenant_id, b.amount, b.billing_currency, t.path FROM tenant_budgets b "
                  "JOIN tenants t ON t.id = b.tenant_id ORDER BY b.tenant_id, b.billing_currency"_s).exec();
        QList<TenantBudget> budgets;
        while (q.next()) {
            QList<TenantId> ancestors = idsOfPath(q.text(3));
            if (!ancestors.isEmpty())
                ancestors.removeLast();
            if (m_scope.covers(q.integer(0), ancestors))
                budgets.append(TenantBudget{q.integer(0), q.text(1), q.text(2)});
        }
        return budgets;
    });
}

TenantBudget SqlSession::setBudget(const TenantBudget& budget) const
{
    requirePlatformScope(m_scope);
    static const QRegularExpression currencyPattern(u"^[A-Z]{3}$"_s);
    if (!currencyPattern.match(budget.currency).hasMatch())
        refuse(u"currency"_s, tr("expected an ISO 4217 currency code such as USD or EUR."));
    const QString amountText = budget.amount.trimmed();
    std::optional<Decimal> amount;
    if (!amountText.isEmpty()) {
        amount = Decimal::parse(amountText);
        if (!amount || amount->isNegative())
            refuse(u"amount"_s, tr("expected a plain decimal number of at least 0, such as 1200.00 (or nothing to remove the budget)."));
    }
    return transaction([&] {
        requireTenant(m_db, budget.tenantId);
        Query old(m_db, tr("Could not read the budget"));
        old.prepare(u"SELECT amount FROM tenant_budgets WHERE tenant_id = ? AND billing_currency = ?"_s)
            .bind(budget.tenantId).bind(budget.currency);
        const QString before = old.scalar(QString()).toString();
        TenantBudget stored{budget.tenantId, amount ? amount->text(2) : QString(), budget.currency};
        Query change(m_db, tr("Could not save the budget"));
        if (amount) {
            change.prepare(u"INSERT INTO tenant_budgets (tenant_id, billing_currency, amount) VALUES (?, ?, ?) "
                           "ON CONFLICT (tenant_id, billing_currency) DO UPDATE SET amount = excluded.amount"_s)
                .bind(budget.tenantId).bind(budget.currency).bind(stored.amount).exec();
        } else {
            change.prepare(u"DELETE FROM tenant_budgets WHERE tenant_id = ? AND billing_currency = ?"_s)
                .bind(budget.tenantId).bind(budget.currency).exec();
        }
        if (before != stored.amount) {
            const auto json = [](const QString& value) {
                return value.isEmpty() ? QJsonObject() : QJsonObject{{u"amount"_s, value}};
            };
            appendAudit(AuditEvent{0, budget.tenantId, QDateTime::currentDateTimeUtc(), m_actor,
                                   amount ? u"billing.budget.set"_s : u"billing.budget.remove"_s, u"budget"_s,
                                   budget.currency, json(before), json(stored.amount), {}, {}});
        }
        return stored;
    });
}

} // namespace TenantDesk
