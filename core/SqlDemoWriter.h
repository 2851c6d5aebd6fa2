#pragma once

#include "DemoData.h"
#include "SqlSession.h"

#include <QSqlDatabase>
#include <memory>
#include <vector>

namespace TenantDesk {

// Writes generated demo rows through QtSql on any database the store speaks to (PostgreSQL in
// practice; SQLite has the faster SqliteDemoWriter), inside one transaction in the platform scope:
// rows are gathered per table and sent as multi-row INSERTs with bound values. Ids are written as
// generated; commit() then moves each id sequence past them. Rolls back unless committed.
class SqlDemoWriter final : public DemoSink
{
public:
    explicit SqlDemoWriter(QSqlDatabase db); // begins the transaction
    ~SqlDemoWriter() override;               // rolls back unless committed

    void commit();

    void platform(const QString& name, const QDateTime& createdAt) override;
    void tenant(const Tenant& tenant) override;
    void environment(const Environment& environment) override;
    void role(const Role& role) override;
    void user(const User& user) override;
    void membership(const Membership& membership) override;
    void platformPrincipal(UserId user, RoleId role) override;
    void auditEvent(const AuditEvent& event) override;
    void usageSample(TenantId tenant, EnvironmentId environment, UsageMetric metric, qint64 hourStart,
                     double value) override;
    void billingLine(const BillingLine& line) override;

private:
    class Table;
    // Sends what `table` gathered, after what every table it refers to gathered (rows arrive
    // parents first, so a row is never sent before the rows it refers to).
    void flush(Table& table);
    void flushAll();

    QSqlDatabase m_db;
    SqlSession m_session;
    bool m_done = false;
    // In the order rows may be sent: each table after those it refers to.
    std::vector<std::unique_ptr<Table>> m_tables;
    Table* m_tenants = nullptr;
    Table* m_environments = nullptr;
    Table* m_users = nullptr;
    Table* m_roles = nullptr;
    Table* m_rolePermissions = nullptr;
    Table* m_roleComposites = nullptr;
    Table* m_memberships = nullptr;
    Table* m_principals = nullptr;
    Table* m_audit = nullptr;
    Table* m_usage = nullptr;
    Table* m_billing = nullptr;
    DemoBilling m_demoBilling; // roll-ups, rules and budgets, written at commit()
    void writeBillingReview();
};

} // namespace TenantDesk
