#pragma once

#include "DemoData.h"

#include <QByteArray>
#include <QList>
#include <memory>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace TenantDesk {

// Writes generated demo rows straight through SQLite's C API with prepared statements, inside
// one transaction: a million users take seconds, not minutes. Used on the store's worker thread,
// on the connection QtSql opened.
class SqliteDemoWriter final : public DemoSink
{
public:
    explicit SqliteDemoWriter(sqlite3* handle); // begins the transaction
    ~SqliteDemoWriter() override;               // rolls back unless committed

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
    class Statement;
    void begin();
    void rollBack(); // and leave the connection as it was found
    void exec(const char* sql);

    sqlite3* m_db;
    bool m_done = false;
    QList<QByteArray> m_deferredIndexes; // CREATE INDEX statements to run again before COMMIT
    QList<QByteArray> m_rebuiltIndexes;  // full-text (FTS5) tables to rebuild before COMMIT
    QList<QByteArray> m_deferredTriggers; // CREATE TRIGGER statements that keep them, run again before COMMIT
    std::unique_ptr<Statement> m_platform, m_tenant, m_environment, m_role, m_rolePermission,
        m_roleComposite, m_user, m_membership, m_principal, m_audit, m_usage, m_billing;
    DemoBilling m_demoBilling; // roll-ups, rules and budgets, written at commit()
    void writeBillingReview();
};

} // namespace TenantDesk
