#include "SqlSchema.h"

namespace TenantDesk::SqlSchema {

namespace {

// Version 1: every domain type of DESIGN.md. Tenant-scoped tables carry tenant_id and lead their
// keys and indexes with it, so that the schema can later be distributed by tenant.
// "{{id}}" is a generated 64-bit key; "{{json}}" a JSON document.
const char* const schemaV1[] = {
    R"(CREATE TABLE platform (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        name TEXT NOT NULL,
        created_at TEXT NOT NULL))",

    R"(CREATE TABLE tenants (
        id {{id}},
        parent_id BIGINT REFERENCES tenants (id) ON DELETE RESTRICT,
        path TEXT NOT NULL,
        depth INTEGER NOT NULL CHECK (depth >= 0),
        slug TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL CHECK (length(display_name) > 0),
        status TEXT NOT NULL CHECK (status IN ('requested', 'provisioning', 'active', 'suspended',
                                               'decommissioning', 'archived')),
        domain TEXT NOT NULL DEFAULT '',
        timezone TEXT NOT NULL,
        language TEXT NOT NULL,
        quota_cpu_cores INTEGER CHECK (quota_cpu_cores >= 0),
        quota_memory_gb INTEGER CHECK (quota_memory_gb >= 0),
        quota_storage_gb INTEGER CHECK (quota_storage_gb >= 0),
        quota_user_seats INTEGER CHECK (quota_user_seats >= 0),
        api_rate_limit INTEGER CHECK (api_rate_limit >= 0),
        feature_flags {{json}} NOT NULL DEFAULT '{}',
        security_policy {{json}} NOT NULL DEFAULT '{}',
        settings {{json}} NOT NULL DEFAULT '{}',
        branding TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version BIGINT NOT NULL DEFAULT 1))",
    "CREATE INDEX tenants_by_parent_name ON tenants (parent_id, display_name, id)",
    "CREATE INDEX tenants_by_parent_slug ON tenants (parent_id, slug, id)",
    "CREATE INDEX tenants_by_parent_status ON tenants (parent_id, status, id)",
    "CREATE INDEX tenants_by_parent_created ON tenants (parent_id, created_at, id)",

    R"(CREATE TABLE environments (
        tenant_id BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        id {{id}},
        name TEXT NOT NULL CHECK (length(name) > 0),
        kind TEXT NOT NULL CHECK (kind IN ('production', 'staging', 'development', 'sandbox')),
        settings {{json}} NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        version BIGINT NOT NULL DEFAULT 1,
        UNIQUE (tenant_id, id),
        UNIQUE (tenant_id, name)))",

    R"(CREATE TABLE users (
        id {{id}},
        email TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('invited', 'active', 'disabled')),
        created_at TEXT NOT NULL,
        last_sign_in_at TEXT,
        version BIGINT NOT NULL DEFAULT 1))",
    "CREATE INDEX users_by_name ON users (display_name, id)",

    R"(CREATE TABLE roles (
        id {{id}},
        tenant_id BIGINT REFERENCES tenants (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        scope TEXT NOT NULL CHECK (scope IN ('platform', 'tenant', 'environment')),
        built_in INTEGER NOT NULL DEFAULT 0,
        version BIGINT NOT NULL DEFAULT 1,
        UNIQUE (tenant_id, name)))",
    R"(CREATE TABLE role_permissions (
        role_id BIGINT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
        permission TEXT NOT NULL,
        PRIMARY KEY (role_id, permission)))",
    R"(CREATE TABLE role_composites (
        role_id BIGINT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
        included_role_id BIGINT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
        PRIMARY KEY (role_id, included_role_id),
        CHECK (role_id <> included_role_id)))",

    R"(CREATE TABLE memberships (
        tenant_id BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        environment_id BIGINT NOT NULL DEFAULT 0,
        role_id BIGINT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
        PRIMARY KEY (tenant_id, user_id, environment_id, role_id)){{without_rowid}})",
    "CREATE INDEX memberships_by_user ON memberships (user_id, tenant_id)",
    "CREATE INDEX memberships_by_role ON memberships (tenant_id, role_id)",

    R"(CREATE TABLE platform_principals (
        user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        role_id BIGINT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
        PRIMARY KEY (user_id, role_id)))",

    R"(CREATE TABLE audit_events (
        id {{id}},
        tenant_id BIGINT,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        object_type TEXT NOT NULL,
        object_id TEXT NOT NULL,
        before_json {{json}} NOT NULL DEFAULT '{}',
        after_json {{json}} NOT NULL DEFAULT '{}',
        previous_hash TEXT NOT NULL,
        hash TEXT NOT NULL))",
    "CREATE INDEX audit_events_by_tenant ON audit_events (tenant_id, at, id)",

    R"(CREATE TABLE usage_samples (
        tenant_id BIGINT NOT NULL,
        environment_id BIGINT NOT NULL,
        metric TEXT NOT NULL CHECK (metric IN ('cpu_hours', 'memory_gb_hours', 'storage_gb',
                                               'api_calls', 'active_users', 'error_rate')),
        at BIGINT NOT NULL,
        value DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (tenant_id, environment_id, metric, at)){{without_rowid}})",

    R"(CREATE TABLE billing_lines (
        id {{id}},
        tenant_id BIGINT,
        provider_name TEXT NOT NULL DEFAULT '',
        billing_account_id TEXT NOT NULL DEFAULT '',
        sub_account_id TEXT NOT NULL DEFAULT '',
        sub_account_name TEXT NOT NULL DEFAULT '',
        billing_period_start TEXT NOT NULL,
        billing_period_end TEXT NOT NULL,
        charge_period_start TEXT NOT NULL,
        charge_period_end TEXT NOT NULL,
        charge_category TEXT NOT NULL,
        service_name TEXT NOT NULL DEFAULT '',
        service_category TEXT NOT NULL DEFAULT '',
        region_id TEXT NOT NULL DEFAULT '',
        resource_id TEXT NOT NULL DEFAULT '',
        billed_cost TEXT NOT NULL,
        effective_cost TEXT NOT NULL,
        list_cost TEXT NOT NULL,
        billing_currency TEXT NOT NULL,
        tags {{json}} NOT NULL DEFAULT '{}'))",
    "CREATE INDEX billing_lines_by_tenant ON billing_lines (tenant_id, charge_period_start)",
};

QString dialectSql(const char* statement, SqlDialect dialect)
{
    QString sql = QString::fromUtf8(statement);
    const bool sqlite = dialect == SqlDialect::SQLite;
    sql.replace(QStringLiteral("{{id}}"), sqlite ? QStringLiteral("INTEGER PRIMARY KEY")
                                                 : QStringLiteral("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"));
    sql.replace(QStringLiteral("{{json}}"), sqlite ? QStringLiteral("TEXT") : QStringLiteral("JSONB"));
    sql.replace(QStringLiteral("{{without_rowid}}"), sqlite ? QStringLiteral(" WITHOUT ROWID") : QString());
    return sql;
}

} // namespace

QList<Migration> migrations(SqlDialect dialect)
{
    Migration v1{1, QStringLiteral("Tenants, environments, users, roles, memberships, audit, usage, billing"), {}};
    for (const char* statement : schemaV1)
        v1.statements << dialectSql(statement, dialect);
    return {v1};
}

int latestVersion()
{
    return migrations(SqlDialect::SQLite).constLast().version;
}

} // namespace TenantDesk::SqlSchema
