// Exact money for the billing review: Decimal reads and writes plain decimal text, and
// splitExactly spreads a shared cost over tenants so that the shares sum to the pool to the last
// digit, the units left over going to the largest fractional parts. The attribution rules' JSON
// (AttributionJson) reads back what it writes and names the field it refuses.

#include "AttributionJson.h"
#include "Decimal.h"
#include "StoreError.h"

#include <QJsonArray>
#include <QTest>

using namespace TenantDesk;
using namespace Qt::StringLiterals;

namespace {

Decimal d(const char* text)
{
    return Decimal::parse(QString::fromLatin1(text)).value();
}

QStringList texts(const QList<Decimal>& values, int minimumDecimals = 2)
{
    QStringList list;
    for (const Decimal& value : values)
        list.append(value.text(minimumDecimals));
    return list;
}

Decimal sum(const QList<Decimal>& values)
{
    Decimal total;
    for (const Decimal& value : values)
        total += value;
    return total;
}

QList<Decimal> decimals(std::initializer_list<const char*> texts)
{
    QList<Decimal> list;
    for (const char* text : texts)
        list.append(d(text));
    return list;
}

} // namespace

class TestBillingMoney : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readsAndWritesPlainDecimals()
    {
        QCOMPARE(d("12.340000").text(), u"12.34"_s);
        QCOMPARE(d("-0.000000000000000001").text(), u"-0.000000000000000001"_s);
        QCOMPARE(d("+7").text(0), u"7"_s);
        QCOMPARE(d("100").text(), u"100.00"_s);
        QCOMPARE(d("2.675").text(2, 2), u"2.68"_s); // half away from zero
        QCOMPARE(d("-2.675").text(2, 2), u"-2.68"_s);
        for (const char* bad : {"", "1e-3", "1,5", "NULL", "1.2.3", "0.1234567890123456789", "--1"})
            QVERIFY2(!Decimal::parse(QString::fromLatin1(bad)), bad);
        QVERIFY(d("0.1") + d("0.2") == d("0.3")); // no binary floating point
        QVERIFY(d("1.10") == d("1.1"));
        QVERIFY(d("-1") < d("0.000000000000000001"));
        DecimalSum total;
        QVERIFY(total.add(u"0.1"));
        total.add(d("0.2"), 1);
        QCOMPARE(total.text(), u"0.30"_s);
        QCOMPARE(total.value(), d("0.3"));
    }

    void splitsEvenlyToTheCent()
    {
        const QList<Decimal> shares = splitExactly(d("100.00"), decimals({"1", "1", "1"}), 2);
        QCOMPARE(texts(shares), (QStringList{u"33.34"_s, u"33.33"_s, u"33.33"_s}));
        QCOMPARE(sum(shares), d("100.00"));
    }

    void splitsToTheLastOf18DecimalsSummingToThePool()
    {
        const QList<Decimal> shares = splitExactly(d("100.00"), decimals({"1", "1", "1"}));
        QCOMPARE(texts(shares), (QStringList{u"33.333333333333333334"_s, u"33.333333333333333333"_s,
                                             u"33.333333333333333333"_s}));
        QCOMPARE(sum(shares), d("100"));
        // Seven ways, as uneven as it gets.
        const QList<Decimal> sevenths = splitExactly(d("0.000000000000000010"), decimals({"1", "1", "1", "1", "1", "1", "1"}));
        QCOMPARE(sum(sevenths), d("0.00000000000000001"));
        for (const Decimal& share : sevenths)
            QVERIFY(share == Decimal::fromUnits(1) || share == Decimal::fromUnits(2));
    }

    void splitsInProportionGivingLeftoversToTheLargestFractions()
    {
        // 10.00 in proportion 1:2:3 is 1.666…, 3.333…, 5: the cent left over goes to the first.
        QCOMPARE(texts(splitExactly(d("10.00"), decimals({"1", "2", "3"}), 2)),
                 (QStringList{u"1.67"_s, u"3.33"_s, u"5.00"_s}));
        // Weights as direct costs with decimals; shares follow them and sum to the pool.
        const QList<Decimal> weights = decimals({"1234.567891", "0.000001", "98765.4321", "333.333333"});
        const QList<Decimal> shares = splitExactly(d("5000.01"), weights, 2);
        QCOMPARE(sum(shares), d("5000.01"));
        QVERIFY(shares.at(2) > shares.at(0) && shares.at(0) > shares.at(3) && shares.at(3) > shares.at(1));
        // On a tie the earlier weight gets the unit.
        QCOMPARE(texts(splitExactly(d("0.05"), decimals({"1", "1", "1", "1"}), 2)),
                 (QStringList{u"0.02"_s, u"0.01"_s, u"0.01"_s, u"0.01"_s}));
    }

    void splitsLargeAmountsWithoutOverflow()
    {
        // 10^15 spread over weights near 10^15: products far beyond 128 bits.
        const QList<Decimal> weights = decimals({"999999999999999.999999999999999999", "1.000000000000000001",
                                                 "500000000000000.5"});
        const Decimal pool = d("1000000000000000.000000000000000007");
        const QList<Decimal> shares = splitExactly(pool, weights);
        QCOMPARE(sum(shares), pool);
        // Each share rounded down at 10^-18 (as exact fractions give them), the two units left over
        // going to the second and third, whose fractional parts are the largest.
        QCOMPARE(texts(shares), (QStringList{u"666666666666666.00000000000000067"_s, u"0.666666666666666001"_s,
                                             u"333333333333333.333333333333333336"_s}));
    }

    void splitsCreditsZeroWeightsAndFinerPoolsExactly()
    {
        // A credit is split as its opposite.
        QCOMPARE(texts(splitExactly(d("-100.00"), decimals({"1", "1", "1"}), 2)),
                 (QStringList{u"-33.34"_s, u"-33.33"_s, u"-33.33"_s}));
        // No positive weight: evenly. A negative weight counts as none.
        QCOMPARE(texts(splitExactly(d("1.00"), decimals({"0", "-5"}), 2)), (QStringList{u"0.50"_s, u"0.50"_s}));
        QCOMPARE(texts(splitExactly(d("1.00"), decimals({"2", "-5"}), 2)), (QStringList{u"1.00"_s, u"0.00"_s}));
        // A pool finer than the unit: what lies below the cent stays in one share, so the sum is exact.
        const QList<Decimal> shares = splitExactly(d("0.015"), decimals({"1", "1"}), 2);
        QCOMPARE(sum(shares), d("0.015"));
        QVERIFY(splitExactly(d("5"), {}).isEmpty());
        QCOMPARE(splitExactly(d("5"), decimals({"3"})), decimals({"5"}));
    }

    void attributionRulesJsonRoundTrips()
    {
        AttributionRules rules;
        rules.tenantTagKeys = {u"tenant"_s, u"user:tenant"_s};
        rules.mappings = {AttributionMapping{AttributionSource::Tag, u"business_unit"_s, u"retail"_s, 4},
                          AttributionMapping{AttributionSource::SubAccount, {}, u"123456789012"_s, 7}};
        rules.sharedCosts = {SharedCostRule{SharedCostMatch::ServiceName, u"AWS Support"_s, SharedCostSplit::Even, {4, 7}},
                             SharedCostRule{SharedCostMatch::SubAccount, u"shared-net"_s, SharedCostSplit::Proportional, {}}};
        rules.version = 3;
        const QJsonObject json = AttributionJson::toJson(rules);
        QCOMPARE(json.value(u"mappings"_s).toArray().at(0).toObject().value(u"key"_s).toString(), u"business_unit"_s);
        QCOMPARE(json.value(u"shared_costs"_s).toArray().at(0).toObject().value(u"split"_s).toString(), u"even"_s);
        AttributionRules read = AttributionJson::fromJson(json);
        QCOMPARE(read, rules);
        // Everything but the mappings' value and tenant is optional.
        QCOMPARE(AttributionJson::fromJson(QJsonObject{}), AttributionRules{});
    }

    void attributionRulesJsonNamesTheFieldItRefuses()
    {
        const auto refusedField = [](const QJsonObject& json) {
            try {
                AttributionJson::fromJson(json);
            } catch (const StoreError& error) {
                return error.field();
            }
            return u"(accepted)"_s;
        };
        const QJsonObject mapping{{u"source"_s, u"tag"_s}, {u"key"_s, u"bu"_s}, {u"value"_s, u"x"_s}, {u"tenant_id"_s, 2}};
        const auto with = [&mapping](const QString& key, const QJsonValue& value) {
            QJsonObject m = mapping;
            m.insert(key, value);
            return QJsonObject{{u"mappings"_s, QJsonArray{mapping, m}}};
        };
        QCOMPARE(refusedField(with(u"tenant_id"_s, u"two"_s)), u"mappings[1].tenant_id"_s);
        QCOMPARE(refusedField(with(u"source"_s, u"account"_s)), u"mappings[1].source"_s);
        QCOMPARE(refusedField(with(u"colour"_s, u"red"_s)), u"mappings[1].colour"_s);
        QCOMPARE(refusedField(QJsonObject{{u"shared_costs"_s, QJsonArray{QJsonObject{{u"value"_s, u"s"_s}, {u"split"_s, u"half"_s}}}}}),
                 u"shared_costs[0].split"_s);
        QCOMPARE(refusedField(QJsonObject{{u"tenant_tag_keys"_s, QJsonArray{u"a"_s, 3}}}), u"tenant_tag_keys[1]"_s);
        QCOMPARE(refusedField(QJsonObject{{u"rules"_s, QJsonArray{}}}), u"rules"_s);
    }
};

QTEST_GUILESS_MAIN(TestBillingMoney)
#include "tst_billingmoney.moc"
