// Attribution (issue 6, item 3): which tenant a billing line is attributed to, by the rules a
// person edits. Shared-cost rules come first, then the explicit mappings in their order (a tag's
// value, or a sub-account by id or by name), then the tenant tag keys (a tag whose value is a
// tenant's slug, in any case); a line matching none is Unallocated (tenant 0, no shared rule).
#include "Attribution.h"

#include <QTest>

using namespace TenantDesk;
using namespace Qt::StringLiterals;

namespace {

constexpr TenantId acme = 11, globex = 22, initech = 33;

// The slugs as the store hands them over: lower case, as tenants' slugs are.
QHash<QString, TenantId> slugs()
{
    return {{u"acme"_s, acme}, {u"globex"_s, globex}, {u"initech"_s, initech}, {u"acme.emea"_s, 44}};
}

AttributionMapping tagMapping(const QString& key, const QString& value, TenantId tenant)
{
    return {AttributionSource::Tag, key, value, tenant};
}

AttributionMapping subAccountMapping(const QString& value, TenantId tenant)
{
    return {AttributionSource::SubAccount, {}, value, tenant};
}

SharedCostRule sharedService(const QString& service)
{
    return {SharedCostMatch::ServiceName, service, SharedCostSplit::Even, {}};
}

SharedCostRule sharedAccount(const QString& account)
{
    return {SharedCostMatch::SubAccount, account, SharedCostSplit::Proportional, {}};
}

// One line as the importer and the re-application hand it over.
struct LineFacts {
    QString subAccountId;
    QString subAccountName;
    QString serviceName = u"Amazon Elastic Compute Cloud"_s;
    QHash<QString, QString> tags;
};

Attribution::Outcome attribute(const Attribution& attribution, const LineFacts& line)
{
    return attribution.attribute(line.subAccountId, line.subAccountName, line.serviceName, line.tags);
}

Attribution::Outcome to(TenantId tenant)
{
    return {tenant, -1};
}

Attribution::Outcome sharedBy(int rule)
{
    return {0, rule};
}

const Attribution::Outcome unallocated{};

} // namespace

namespace QTest {
template<>
char* toString(const Attribution::Outcome& outcome)
{
    return qstrdup(QByteArray("tenant " + QByteArray::number(outcome.tenantId) + ", shared rule "
                              + QByteArray::number(outcome.sharedRule)).constData());
}
} // namespace QTest

class TestAttribution : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void noRulesLeaveEveryLineUnallocated()
    {
        const Attribution attribution(AttributionRules{}, slugs());
        QVERIFY(attribution.tagKeys().isEmpty());
        QCOMPARE(attribute(attribution, {u"1234"_s, u"acme"_s, u"S3"_s, {{u"tenant"_s, u"acme"_s}}}), unallocated);
        QCOMPARE(attribute(attribution, {}), unallocated);
        QCOMPARE(unallocated.tenantId, TenantId(0));
        QCOMPARE(unallocated.sharedRule, -1);
    }

    // A tag whose value is a tenant's slug names the tenant, whatever the case of the value and
    // with blanks around it trimmed; a value that is no tenant's slug leaves the line unallocated.
    void tenantTagNamesTheTenantInAnyCase_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<TenantId>("tenant");
        QTest::newRow("as the slug") << u"globex"_s << globex;
        QTest::newRow("upper case") << u"GLOBEX"_s << globex;
        QTest::newRow("mixed case") << u"GloBex"_s << globex;
        QTest::newRow("blanks around") << u"  initech "_s << initech;
        QTest::newRow("nested slug") << u"ACME.emea"_s << TenantId(44);
        QTest::newRow("no such tenant") << u"umbrella"_s << TenantId(0);
        QTest::newRow("empty value") << QString() << TenantId(0);
        QTest::newRow("a slug's prefix") << u"acm"_s << TenantId(0);
    }

    void tenantTagNamesTheTenantInAnyCase()
    {
        QFETCH(QString, value);
        QFETCH(TenantId, tenant);
        AttributionRules rules;
        rules.tenantTagKeys = {u"tenant"_s};
        const Attribution attribution(rules, slugs());
        QCOMPARE(attribution.tagKeys(), QStringList{u"tenant"_s});
        QCOMPARE(attribute(attribution, {.tags = {{u"tenant"_s, value}}}), to(tenant));
        // The key itself is compared exactly: another key, or the key in another case, says nothing.
        QCOMPARE(attribute(attribution, {.tags = {{u"Tenant"_s, value}}}), unallocated);
        QCOMPARE(attribute(attribution, {.tags = {{u"user:tenant"_s, value}}}), unallocated);
    }

    // Several tenant tag keys are tried in order; a key whose value is no tenant gives way to the next.
    void tenantTagKeysAreTriedInOrder()
    {
        AttributionRules rules;
        rules.tenantTagKeys = {u"user:tenant"_s, u"tenant"_s};
        const Attribution attribution(rules, slugs());
        QCOMPARE(attribution.tagKeys(), (QStringList{u"user:tenant"_s, u"tenant"_s}));
        QCOMPARE(attribute(attribution, {.tags = {{u"user:tenant"_s, u"acme"_s}, {u"tenant"_s, u"globex"_s}}}), to(acme));
        QCOMPARE(attribute(attribution, {.tags = {{u"tenant"_s, u"globex"_s}}}), to(globex));
        QCOMPARE(attribute(attribution, {.tags = {{u"user:tenant"_s, u"nobody"_s}, {u"tenant"_s, u"globex"_s}}}),
                 to(globex));
        QCOMPARE(attribute(attribution, {.tags = {{u"user:tenant"_s, u"nobody"_s}, {u"tenant"_s, u"none"_s}}}), unallocated);
    }

    // A tag mapping (value → tenant table) compares the value exactly, case included.
    void tagMappingComparesTheValueExactly()
    {
        AttributionRules rules;
        rules.mappings = {tagMapping(u"business_unit"_s, u"ViennaAI"_s, initech),
                          tagMapping(u"cost_center"_s, u"CC-1001"_s, globex)};
        const Attribution attribution(rules, slugs());
        QCOMPARE(attribution.tagKeys(), (QStringList{u"business_unit"_s, u"cost_center"_s}));
        QCOMPARE(attribute(attribution, {.tags = {{u"business_unit"_s, u"ViennaAI"_s}}}), to(initech));
        QCOMPARE(attribute(attribution, {.tags = {{u"cost_center"_s, u"CC-1001"_s}}}), to(globex));
        QCOMPARE(attribute(attribution, {.tags = {{u"business_unit"_s, u"viennaai"_s}}}), unallocated);
        QCOMPARE(attribute(attribution, {.tags = {{u"business_unit"_s, u"ViennaAI "_s}}}), unallocated);
        QCOMPARE(attribute(attribution, {.tags = {{u"cost_center"_s, u"ViennaAI"_s}}}), unallocated); // another key
        QCOMPARE(attribute(attribution, {.tags = {{u"business_unit"_s, u"CC-1001"_s}}}), unallocated);
        // A mapped tag value that happens to be a slug is not read as one without a tenant tag key.
        QCOMPARE(attribute(attribution, {.tags = {{u"business_unit"_s, u"acme"_s}}}), unallocated);
    }

    // A sub-account mapping matches the line's SubAccountId or its SubAccountName, exactly.
    void subAccountMappingMatchesIdOrName_data()
    {
        QTest::addColumn<QString>("subAccountId");
        QTest::addColumn<QString>("subAccountName");
        QTest::addColumn<TenantId>("tenant");
        QTest::newRow("by id") << u"444455556666"_s << u"Production"_s << acme;
        QTest::newRow("by id, no name") << u"444455556666"_s << QString() << acme;
        QTest::newRow("by name") << u"999999999999"_s << u"Atlas Orion"_s << globex;
        QTest::newRow("by name, no id") << QString() << u"Atlas Orion"_s << globex;
        QTest::newRow("name in another case") << QString() << u"atlas orion"_s << TenantId(0);
        QTest::newRow("id as a name") << QString() << u"444455556666"_s << acme;
        QTest::newRow("neither") << u"777788889999"_s << u"Staging"_s << TenantId(0);
        QTest::newRow("empty") << QString() << QString() << TenantId(0);
    }

    void subAccountMappingMatchesIdOrName()
    {
        QFETCH(QString, subAccountId);
        QFETCH(QString, subAccountName);
        QFETCH(TenantId, tenant);
        AttributionRules rules;
        rules.mappings = {subAccountMapping(u"444455556666"_s, acme), subAccountMapping(u"Atlas Orion"_s, globex)};
        const Attribution attribution(rules, slugs());
        QVERIFY(attribution.tagKeys().isEmpty()); // a sub-account rule reads no tag
        QCOMPARE(attribute(attribution, {subAccountId, subAccountName, u"S3"_s, {}}), to(tenant));
    }

    // Mappings are tried in their order and the first that matches wins, whatever its source;
    // every mapping comes before the tenant tag keys.
    void theFirstMatchingRuleWins()
    {
        const LineFacts line{u"444455556666"_s, u"Atlas Orion"_s, u"S3"_s,
                             {{u"tenant"_s, u"initech"_s}, {u"business_unit"_s, u"ViennaAI"_s}}};
        AttributionRules rules;
        rules.tenantTagKeys = {u"tenant"_s};
        QCOMPARE(attribute(Attribution(rules, slugs()), line), to(initech));

        rules.mappings = {tagMapping(u"business_unit"_s, u"ViennaAI"_s, globex)};
        QCOMPARE(attribute(Attribution(rules, slugs()), line), to(globex)); // a mapping before the tenant tag

        rules.mappings.prepend(subAccountMapping(u"Atlas Orion"_s, acme));
        QCOMPARE(attribute(Attribution(rules, slugs()), line), to(acme)); // by name, first in order

        rules.mappings.move(0, 1);
        QCOMPARE(attribute(Attribution(rules, slugs()), line), to(globex)); // the tag mapping first now

        // A later mapping by the account's id does not overtake an earlier one by its name.
        rules.mappings = {subAccountMapping(u"Atlas Orion"_s, acme), subAccountMapping(u"444455556666"_s, 44)};
        QCOMPARE(attribute(Attribution(rules, slugs()), line), to(acme));
        rules.mappings.move(0, 1);
        QCOMPARE(attribute(Attribution(rules, slugs()), line), to(TenantId(44)));

        // A mapping that does not match gives way to the next one, and then to the tenant tag.
        rules.mappings = {tagMapping(u"business_unit"_s, u"Elsewhere"_s, acme), subAccountMapping(u"000"_s, globex)};
        QCOMPARE(attribute(Attribution(rules, slugs()), line), to(initech));
    }

    // The tag keys a reader extracts: the mappings' keys in order, then the tenant tag keys, each once.
    void tagKeysAreEachWantedOnce()
    {
        AttributionRules rules;
        rules.tenantTagKeys = {u"tenant"_s, u"business_unit"_s, u"user:tenant"_s};
        rules.mappings = {tagMapping(u"business_unit"_s, u"A"_s, acme), subAccountMapping(u"123"_s, acme),
                          tagMapping(u"cost_center"_s, u"B"_s, globex), tagMapping(u"business_unit"_s, u"C"_s, globex)};
        const Attribution attribution(rules, slugs());
        QCOMPARE(attribution.tagKeys(), (QStringList{u"business_unit"_s, u"cost_center"_s, u"tenant"_s, u"user:tenant"_s}));
    }

    // A line matching a shared-cost rule is shared: attributed to no tenant directly, whatever
    // the other rules say, and the first shared rule it matches is the one named.
    void sharedCostComesFirst()
    {
        AttributionRules rules;
        rules.tenantTagKeys = {u"tenant"_s};
        rules.mappings = {subAccountMapping(u"444455556666"_s, globex)};
        rules.sharedCosts = {sharedService(u"AWS Support (Business)"_s), sharedAccount(u"Shared Services"_s),
                             sharedAccount(u"111122223333"_s), sharedService(u"AWS Lambda"_s)};
        const Attribution attribution(rules, slugs());
        QCOMPARE(attribution.tagKeys(), QStringList{u"tenant"_s}); // shared rules read no tag

        const QHash<QString, QString> acmeTag{{u"tenant"_s, u"acme"_s}};
        // By service name, exactly.
        QCOMPARE(attribute(attribution, {u"444455556666"_s, {}, u"AWS Support (Business)"_s, acmeTag}), sharedBy(0));
        QCOMPARE(attribute(attribution, {u"444455556666"_s, {}, u"AWS Lambda"_s, acmeTag}), sharedBy(3));
        QCOMPARE(attribute(attribution, {u"444455556666"_s, {}, u"aws lambda"_s, acmeTag}), to(globex));
        // By sub-account name or id.
        QCOMPARE(attribute(attribution, {u"5"_s, u"Shared Services"_s, u"S3"_s, acmeTag}), sharedBy(1));
        QCOMPARE(attribute(attribution, {u"111122223333"_s, u"Platform"_s, u"S3"_s, acmeTag}), sharedBy(2));
        // Both: the first rule in order.
        QCOMPARE(attribute(attribution, {u"111122223333"_s, u"Shared Services"_s, u"AWS Lambda"_s, {}}), sharedBy(1));
        // A service rule does not match the account's name, nor an account rule the service.
        QCOMPARE(attribute(attribution, {{}, u"AWS Lambda"_s, u"S3"_s, acmeTag}), to(acme));
        QCOMPARE(attribute(attribution, {{}, {}, u"Shared Services"_s, acmeTag}), to(acme));
        // Lines that match no shared rule go on to the mappings and the tag.
        QCOMPARE(attribute(attribution, {u"444455556666"_s, {}, u"S3"_s, acmeTag}), to(globex));
        QCOMPARE(attribute(attribution, {u"9"_s, {}, u"S3"_s, acmeTag}), to(acme));
        QCOMPARE(attribute(attribution, {u"9"_s, {}, u"S3"_s, {}}), unallocated);
    }

    // The same rules give the same answer for the same line: one Attribution serves a whole import.
    void answersDependOnlyOnTheLine()
    {
        AttributionRules rules;
        rules.tenantTagKeys = {u"tenant"_s};
        rules.mappings = {subAccountMapping(u"Atlas Orion"_s, globex)};
        const Attribution attribution(rules, slugs());
        const LineFacts a{{}, u"Atlas Orion"_s, u"S3"_s, {}};
        const LineFacts b{{}, {}, u"S3"_s, {{u"tenant"_s, u"ACME"_s}}};
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(attribute(attribution, a), to(globex));
            QCOMPARE(attribute(attribution, b), to(acme));
            QCOMPARE(attribute(attribution, {}), unallocated);
        }
    }
};

QTEST_GUILESS_MAIN(TestAttribution)
#include "tst_attribution.moc"
