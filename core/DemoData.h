#pragma once

#include "AuditEvent.h"
#include "Billing.h"
#include "BillingLine.h"
#include "BillingRollups.h"
#include "Environment.h"
#include "Membership.h"
#include "Role.h"
#include "Tenant.h"
#include "UsageSample.h"
#include "User.h"

#include <QDateTime>
#include <QString>
#include <functional>

namespace TenantDesk {

// How much demo data to generate. The same scale and seed always give the same data.
struct DemoScale {
    int tenants = 25;
    int users = 300;
    int usageTenants = 25;        // tenants that get usage samples and billing lines
    int usageDays = 90;           // of hourly samples, per environment and metric
    int billingMonths = 3;
    int largestTenantChildren = 0; // one tenant gets this many direct sub-tenants (0: none)
    quint64 seed = 20261101;
    QDateTime anchor = QDateTime(QDate(2026, 11, 1), QTime(0, 0), Qt::UTC); // usage ends here

    // About 25 tenants with sub-tenants, 300 users, 90 days of usage, 3 months of billing.
    static DemoScale small();
    // `tenants` tenants and ten users per tenant; one tenant has 10,000 sub-tenants when there
    // are enough tenants for it. Usage and billing cover the first 25 tenants.
    static DemoScale large(int tenants);
    // "small" or a number of tenants; nullopt when the text is neither.
    static std::optional<DemoScale> parse(const QString& text);
};

struct DemoSummary {
    int tenants = 0;
    int environments = 0;
    int users = 0;
    int roles = 0;
    int memberships = 0;
    int auditEvents = 0;
    qint64 usageSamples = 0;
    int billingLines = 0;
};

// Where generated rows go. Rows arrive parents first (a tenant after its parent; memberships after
// all users, tenants and roles, in key order), with their ids already set.
class DemoSink
{
public:
    virtual ~DemoSink() = default;
    virtual void platform(const QString& name, const QDateTime& createdAt) = 0;
    virtual void tenant(const Tenant& tenant) = 0;
    virtual void environment(const Environment& environment) = 0;
    virtual void role(const Role& role) = 0;
    virtual void user(const User& user) = 0;
    virtual void membership(const Membership& membership) = 0;
    virtual void platformPrincipal(UserId user, RoleId role) = 0;
    virtual void auditEvent(const AuditEvent& event) = 0;
    // One usage sample; the hour is given in seconds since 1970 UTC (there are millions of these).
    virtual void usageSample(TenantId tenant, EnvironmentId environment, UsageMetric metric, qint64 hourStart,
                             double value) = 0;
    virtual void billingLine(const BillingLine& line) = 0;
};

// What the billing review needs beside the demo's billing lines, gathered as a writer writes them:
// their roll-ups (import 0), the attribution rules that attribute them (the "tenant" tag holds the
// tenant's slug), and monthly budgets for a few tenants, some of them below what they spend.
class DemoBilling
{
public:
    void add(const BillingLine& line) { m_rollups.add(line); }
    const BillingRollups& rollups() const { return m_rollups; }
    static AttributionRules rules(); // version 1
    QList<TenantBudget> budgets() const;

private:
    BillingRollups m_rollups;
};

// The deterministic generator shared by `tenantdesk --demo`, `tenantctl demo`, the tests and the
// benchmarks: realistic companies, departments and people, not "Tenant 1".
class DemoDataGenerator
{
public:
    explicit DemoDataGenerator(DemoScale scale);

    // Writes everything into the sink. `progress` gets a fraction in [0, 1] now and then and may
    // return false to stop early (the caller then discards what the sink holds).
    DemoSummary generate(DemoSink& sink, const std::function<bool(double)>& progress = {});

    static QString platformName();

private:
    DemoScale m_scale;
};

} // namespace TenantDesk
