#include "DemoData.h"

#include <QCryptographicHash>
#include <QHash>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace TenantDesk;
using namespace Qt::StringLiterals;

namespace {

// Keeps what the generator produced: a digest of every row, and the rows the checks need.
class RecordingSink final : public DemoSink
{
public:
    QCryptographicHash digest{QCryptographicHash::Sha256};
    QList<Tenant> tenants;
    QList<Environment> environments;
    QList<User> users;
    QList<Role> roles;
    QList<Membership> memberships;
    QList<AuditEvent> audit;
    qint64 usage = 0;
    qint64 billing = 0;
    QSet<QString> billingTenantSlugs;

    void add(const QString& text) { digest.addData(text.toUtf8()); }

    void platform(const QString& name, const QDateTime& createdAt) override { add(name + createdAt.toString(Qt::ISODate)); }
    void tenant(const Tenant& t) override
    {
        tenants.append(t);
        add(u"%1|%2|%3|%4|%5|%6"_s.arg(t.id).arg(t.parentId).arg(t.slug, t.displayName, tenantStatusKey(t.status), t.domain));
    }
    void environment(const Environment& e) override
    {
        environments.append(e);
        add(u"%1|%2|%3"_s.arg(e.id).arg(e.tenantId).arg(e.name));
    }
    void role(const Role& r) override
    {
        roles.append(r);
        add(u"%1|%2|%3"_s.arg(r.id).arg(r.name, r.permissions.join(u',')));
    }
    void user(const User& u) override
    {
        users.append(u);
        add(u"%1|%2|%3|%4"_s.arg(u.id).arg(u.email, u.displayName, userStatusKey(u.status)));
    }
    void membership(const Membership& m) override
    {
        memberships.append(m);
        add(u"%1|%2|%3|%4"_s.arg(m.tenantId).arg(m.userId).arg(m.environmentId).arg(m.roleId));
    }
    void platformPrincipal(UserId user, RoleId role) override { add(u"p%1|%2"_s.arg(user).arg(role)); }
    void auditEvent(const AuditEvent& event) override
    {
        audit.append(event);
        add(QString::fromLatin1(event.hash));
    }
    void usageSample(TenantId tenant, EnvironmentId environment, UsageMetric metric, qint64 at, double value) override
    {
        ++usage;
        const QByteArray row = QByteArray::number(tenant) + QByteArray::number(environment)
            + QByteArray::number(int(metric)) + QByteArray::number(at) + QByteArray::number(value, 'g', 17);
        digest.addData(row);
    }
    void billingLine(const BillingLine& line) override
    {
        ++billing;
        billingTenantSlugs.insert(line.tags.value(u"tenant"_s).toString());
        add(line.serviceName + line.billedCost + line.chargePeriodStart.toString(Qt::ISODate));
    }
};

DemoScale quick(DemoScale scale)
{
    scale.usageDays = 2; // the shape of usage without millions of rows
    return scale;
}

} // namespace

class TestDemoData : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sameSeedSameData()
    {
        RecordingSink first;
        RecordingSink second;
        DemoDataGenerator(quick(DemoScale::small())).generate(first);
        DemoDataGenerator(quick(DemoScale::small())).generate(second);
        QCOMPARE(first.digest.result(), second.digest.result());

        DemoScale other = quick(DemoScale::small());
        other.seed += 1;
        RecordingSink third;
        DemoDataGenerator(other).generate(third);
        QVERIFY(third.digest.result() != first.digest.result());
    }

    void smallScaleHasTheAdvertisedShape()
    {
        RecordingSink sink;
        const DemoScale scale = DemoScale::small();
        const DemoSummary summary = DemoDataGenerator(quick(scale)).generate(sink);
        QCOMPARE(summary.tenants, 25);
        QCOMPARE(sink.tenants.size(), 25);
        QCOMPARE(summary.environments, 100);
        QCOMPARE(summary.users, 300);
        QCOMPARE(summary.memberships, int(sink.memberships.size()));
        QVERIFY(summary.memberships >= summary.users);
        QCOMPARE(summary.usageSamples, qint64(25) * 4 * 2 * 24 * 6);
        QCOMPARE(sink.usage, summary.usageSamples);
        QCOMPARE(summary.auditEvents, 25);
        QCOMPARE(summary.billingLines, int(sink.billing));
        // Three months of daily lines for six services, for every tenant.
        const int days = int(scale.anchor.date().addMonths(-3).daysTo(scale.anchor.date()));
        QCOMPARE(sink.billing, qint64(25) * days * 6);
        QCOMPARE(sink.billingTenantSlugs.size(), 25);

        QVERIFY(sink.roles.size() >= 4);
        QCOMPARE(sink.roles[0].name, BuiltInRole::PlatformAdmin);

        QHash<TenantId, Tenant> byId;
        QSet<QString> slugs;
        int maxDepth = 0;
        int topLevel = 0;
        static const QRegularExpression placeholder(u"^(Tenant|Company|Test)\\s*\\d+$"_s);
        for (const Tenant& tenant : std::as_const(sink.tenants)) {
            QVERIFY2(validateTenantSlug(tenant.slug).isEmpty(), qPrintable(tenant.slug));
            QVERIFY2(!slugs.contains(tenant.slug), qPrintable(tenant.slug));
            slugs.insert(tenant.slug);
            QVERIFY2(!placeholder.match(tenant.displayName).hasMatch(), qPrintable(tenant.displayName));
            if (tenant.parentId == 0) {
                ++topLevel;
            } else {
                QVERIFY2(byId.contains(tenant.parentId), "a parent comes before its sub-tenants");
                const Tenant& parent = byId[tenant.parentId];
                QCOMPARE(tenant.ancestorIds, parent.ancestorIds + QList<TenantId>{parent.id});
                QVERIFY(tenant.slug.startsWith(parent.slug + u'.'));
            }
            QVERIFY(!tenant.timezone.isEmpty());
            QVERIFY(!tenant.language.isEmpty());
            QVERIFY(tenant.quotas.cpuCores.value_or(0) > 0);
            maxDepth = std::max(maxDepth, tenant.depth());
            byId.insert(tenant.id, tenant);
        }
        QVERIFY(topLevel >= 5);
        QVERIFY(maxDepth >= 2);

        QSet<QString> emails;
        for (const User& user : std::as_const(sink.users)) {
            QVERIFY2(!emails.contains(user.email), qPrintable(user.email));
            emails.insert(user.email);
            QVERIFY(user.email.contains(u'@'));
            QVERIFY(user.displayName.contains(u' '));
        }
        for (const Membership& membership : std::as_const(sink.memberships)) {
            QVERIFY(byId.contains(membership.tenantId));
            QVERIFY(membership.userId >= 1 && membership.userId <= 300);
        }
        // Each tenant's audit trail is a hash chain.
        QHash<TenantId, QByteArray> previous;
        for (const AuditEvent& event : std::as_const(sink.audit)) {
            QCOMPARE(event.previousHash, previous.value(event.tenantId));
            QCOMPARE(event.computeHash(), event.hash);
            previous[event.tenantId] = event.hash;
        }
        QVERIFY(previous.size() > 1);
    }

    void largeScaleHasATenantWithTenThousandSubTenants()
    {
        DemoScale scale = DemoScale::large(20000);
        QCOMPARE(scale.users, 200000);
        QCOMPARE(scale.largestTenantChildren, 10000);
        scale.users = 500;
        scale.usageDays = 0;
        RecordingSink sink;
        const DemoSummary summary = DemoDataGenerator(scale).generate(sink);
        QCOMPARE(summary.tenants, 20000);
        QHash<TenantId, int> children;
        int maxDepth = 0;
        for (const Tenant& tenant : std::as_const(sink.tenants)) {
            ++children[tenant.parentId];
            maxDepth = std::max(maxDepth, tenant.depth());
        }
        int largest = 0;
        for (auto it = children.cbegin(); it != children.cend(); ++it) {
            if (it.key() != 0)
                largest = std::max(largest, it.value());
        }
        QCOMPARE(largest, 10000);
        QCOMPARE(maxDepth, 4); // tenants nest five levels: company, region, department, team, project
    }

    void parsesScales()
    {
        QCOMPARE(DemoScale::parse(u"small"_s)->tenants, 25);
        QCOMPARE(DemoScale::parse(u"100000"_s)->tenants, 100000);
        QCOMPARE(DemoScale::parse(u"100000"_s)->users, 1000000);
        QVERIFY(!DemoScale::parse(u"huge"_s));
        QVERIFY(!DemoScale::parse(u"0"_s));
        QVERIFY(!DemoScale::parse(u"-5"_s));
    }
};

QTEST_GUILESS_MAIN(TestDemoData)
#include "tst_demodata.moc"
