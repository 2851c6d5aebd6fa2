#pragma once

#include "DatabaseLocation.h"
#include "Page.h"
#include "Store.h"
#include "StoreQueries.h"

#include <QSqlDatabase>

namespace TenantDesk {

// The store's queries, run synchronously on one QtSql connection by the thread that owns it:
// SqlStore's worker thread, or one of tenantdesk-server's request threads. Every failure is a
// StoreError with a sentence a person can act on.
class SqlSession
{
public:
    // Opens the connection `connectionName` on the calling thread: checks that the database is
    // TenantDesk's (nothing is written to one that is not) and brings its schema up to date.
    // On failure the connection is removed again.
    static StoreInfo open(const DatabaseLocation& location, OpenMode mode, const QString& connectionName);
    // Opens one more connection to a database that open() has already checked and migrated.
    static void connect(const DatabaseLocation& location, const QString& connectionName);
    // Closes and removes the connection, if there is one.
    static void close(const QString& connectionName);

    explicit SqlSession(QSqlDatabase db);

    Platform platform() const;
    PlatformSummary platformSummary() const;
    Page<Tenant> tenants(const TenantQuery& query) const;
    Tenant tenant(TenantId id) const;
    Tenant tenantBySlug(const QString& slug) const;
    TenantSummary tenantSummary(TenantId id) const;
    TenantSearchResult searchTenants(const QString& text, int limit) const;
    QList<Environment> environments(TenantId tenantId) const;
    EnvironmentSummary environmentSummary(EnvironmentId id) const;
    Page<User> users(const UserQuery& query) const;
    bool hasTenants() const;
    Page<MembershipEntry> memberships(const MembershipQuery& query) const;
    // The built-in roles and the custom roles of the tenant and of its ancestors.
    QList<Role> roles(TenantId tenantId) const;
    Page<AuditEvent> auditEvents(const AuditQuery& query) const;
    QList<UsageSample> usage(const UsageQuery& query) const;
    QList<BillingSummaryRow> billingSummary(const BillingQuery& query) const;

    // Changes a tenant whose version is still `expectedVersion` (Conflict otherwise: someone else
    // changed it first), and writes the audit event in the same transaction.
    Tenant updateTenant(TenantId id, const TenantChange& change, qint64 expectedVersion) const;

    // Sign-in: accounts, their password hashes and refresh tokens (tables without tenant data).
    struct Credential {
        User user;
        QString passwordHash; // argon2id, PHC string
        bool mustChange = false;
    };
    User userById(UserId id) const;
    std::optional<Credential> credentialByEmail(const QString& email) const;
    void setCredential(UserId userId, const QString& passwordHash, bool mustChange) const;
    void recordSignIn(UserId userId) const;
    // The user with this e-mail, created (active) when there is none.
    User ensureUser(const QString& email, const QString& displayName) const;
    // Makes the user a platform principal holding the built-in role `roleName`.
    void grantPlatformRole(UserId userId, const QString& roleName) const;
    // The platform-scope roles a user holds, and every membership of the user on any tenant.
    QList<Role> platformRolesOf(UserId userId) const;
    QList<MembershipEntry> membershipsOfUser(UserId userId) const;

    struct RefreshToken {
        qint64 id = 0;
        UserId userId = 0;
        QString family;   // every token rotated from one sign-in
        QDateTime expiresAt;
        bool revoked = false;
    };
    void insertRefreshToken(UserId userId, const QString& family, const QByteArray& tokenHash, const QDateTime& expiresAt) const;
    std::optional<RefreshToken> refreshToken(const QByteArray& tokenHash) const;
    // Revokes one token; false when it was already revoked (so a token is used at most once).
    bool revokeRefreshToken(qint64 id) const;
    void revokeRefreshFamily(const QString& family) const;

    // Who the changes of this session are recorded as, in audit events ("ann@example.com").
    void setActor(const QString& actor) { m_actor = actor; }

    // The largest page a query may ask for.
    static constexpr int maximumPageSize = 1000;

private:
    // Appends an audit event to its tenant's hash chain.
    void appendAudit(AuditEvent event) const;

    QSqlDatabase m_db;
    QString m_actor = QStringLiteral("system");
};

} // namespace TenantDesk
