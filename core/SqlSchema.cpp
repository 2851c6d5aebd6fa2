#include "SqlSchema.h"

#include <QRegularExpression>

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

// Version 2: what tenantdesk-server's sign-in needs. Users are platform-wide, so neither table is
// tenant-scoped.
const char* const schemaV2[] = {
    R"(CREATE TABLE credentials (
        user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        password_hash TEXT NOT NULL,
        must_change INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL))",
    R"(CREATE TABLE refresh_tokens (
        id {{id}},
        user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        family TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        issued_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        revoked_at TEXT))",
    "CREATE INDEX refresh_tokens_by_user ON refresh_tokens (user_id)",
    "CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family)",
};

// Version 2 on PostgreSQL only: row-level security on every tenant-scoped table, keyed on the
// setting app.tenant_ids that SqlSession sets at the start of each transaction ("*": every tenant;
// "12,57": tenants 12 and 57 and all their sub-tenants; missing or empty: none). FORCE makes the
// policies bind the tables' owner too: nobody but a superuser or a BYPASSRLS role reads around them.
//
// The policies call no function of ours: a table a policy names is bound when the policy is
// created, while a function's body would be resolved at each call through the caller's
// search_path, where a temporary table called "tenants" could stand in for ours.
// "{{all}}" is true in the platform scope; "{{roots}}" the scope's root tenant ids (NULL in the
// platform scope, empty when nothing is in scope); "{{subtree}}" selects the ids of the tenants in
// scope, from the roots by a range scan over tenants.path (text in byte order: every path under
// '/1/5/' sorts from '/1/5/' up to, not including, '/1/50').
//
// The rights of the application role tenantdesk_app follow in the same migration, granted after
// these statements by SqlSession (grantApplicationRole), only where that role exists: rows of every
// table but schema_migrations to read and write, the audit trail only to read and append to.
const char* const schemaV2Postgres[] = {
    "CREATE INDEX tenants_by_path ON tenants (path)",

    "ALTER TABLE tenants ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE tenants FORCE ROW LEVEL SECURITY",
    R"(CREATE POLICY tenant_scope ON tenants
        USING ({{all}} OR string_to_array(trim(BOTH '/' FROM path), '/')::bigint[] && {{roots}})
        WITH CHECK ({{all}} OR string_to_array(trim(BOTH '/' FROM path), '/')::bigint[] && {{roots}}))",

    "ALTER TABLE environments ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE environments FORCE ROW LEVEL SECURITY",
    R"(CREATE POLICY tenant_scope ON environments
        USING ({{all}} OR tenant_id IN ({{subtree}})) WITH CHECK ({{all}} OR tenant_id IN ({{subtree}})))",

    // Built-in roles (no tenant) are read by every scope and changed only in the platform scope.
    "ALTER TABLE roles ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE roles FORCE ROW LEVEL SECURITY",
    R"(CREATE POLICY tenant_scope ON roles
        USING ({{all}} OR tenant_id IN ({{subtree}})) WITH CHECK ({{all}} OR tenant_id IN ({{subtree}})))",
    R"(CREATE POLICY built_in_roles_are_read_by_all ON roles FOR SELECT USING (tenant_id IS NULL))",

    "ALTER TABLE memberships ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE memberships FORCE ROW LEVEL SECURITY",
    R"(CREATE POLICY tenant_scope ON memberships
        USING ({{all}} OR tenant_id IN ({{subtree}})) WITH CHECK ({{all}} OR tenant_id IN ({{subtree}})))",

    // Platform events (no tenant) are seen in the platform scope only.
    "ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE audit_events FORCE ROW LEVEL SECURITY",
    R"(CREATE POLICY tenant_scope ON audit_events
        USING ({{all}} OR tenant_id IN ({{subtree}})) WITH CHECK ({{all}} OR tenant_id IN ({{subtree}})))",

    "ALTER TABLE usage_samples ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE usage_samples FORCE ROW LEVEL SECURITY",
    R"(CREATE POLICY tenant_scope ON usage_samples
        USING ({{all}} OR tenant_id IN ({{subtree}})) WITH CHECK ({{all}} OR tenant_id IN ({{subtree}})))",

    // Unallocated cost (no tenant) is seen in the platform scope only.
    "ALTER TABLE billing_lines ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE billing_lines FORCE ROW LEVEL SECURITY",
    R"(CREATE POLICY tenant_scope ON billing_lines
        USING ({{all}} OR tenant_id IN ({{subtree}})) WITH CHECK ({{all}} OR tenant_id IN ({{subtree}})))",
};

// Version 3: tenant administration. The decommissioning checklist of each tenant, and the audit
// trail's filters by actor and by action.
const char* const schemaV3[] = {
    "ALTER TABLE tenants ADD COLUMN decommission {{json}} NOT NULL DEFAULT '{}'",
    "CREATE INDEX audit_events_by_actor ON audit_events (actor, id)",
    "CREATE INDEX audit_events_by_action ON audit_events (action, id)",
};

// Version 4: user administration. The users table sorted by each of its columns and filtered by
// status, and the holders of a role, without reading every user.
const char* const schemaV4[] = {
    "CREATE INDEX users_by_email ON users (email, id)",
    "CREATE INDEX users_by_status ON users (status, display_name, id)",
    "CREATE INDEX users_by_sign_in ON users ((coalesce(last_sign_in_at, '')), id)",
    "CREATE INDEX users_by_created ON users (created_at, id)",
    "CREATE INDEX memberships_by_role_user ON memberships (role_id, user_id)",
};

// Version 5: the users table sorted by status without sorting every user of a status, and, on
// SQLite, searched through a trigram index of names and e-mail addresses (FTS5, SQLite 3.34 or
// later) kept by triggers, so that a search for a text few users contain reads only those. It
// holds no copy of the text (content is the users table) and no positions (detail=none): each
// match is checked again with LIKE. PostgreSQL's search stays a scan with ILIKE.
const char* const schemaV5[] = {
    "CREATE INDEX users_by_status_and_id ON users (status, id)",
};

const char* const schemaV5Sqlite[] = {
    R"(CREATE VIRTUAL TABLE users_search USING fts5(display_name, email, content = 'users', content_rowid = 'id',
        tokenize = 'trigram', detail = 'none'))",
    R"(CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN
        INSERT INTO users_search (rowid, display_name, email) VALUES (new.id, new.display_name, new.email);
    END)",
    R"(CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN
        INSERT INTO users_search (users_search, rowid, display_name, email)
            VALUES ('delete', old.id, old.display_name, old.email);
    END)",
    R"(CREATE TRIGGER users_search_update AFTER UPDATE OF display_name, email ON users BEGIN
        INSERT INTO users_search (users_search, rowid, display_name, email)
            VALUES ('delete', old.id, old.display_name, old.email);
        INSERT INTO users_search (rowid, display_name, email) VALUES (new.id, new.display_name, new.email);
    END)",
    "INSERT INTO users_search (users_search) VALUES ('rebuild')",
};

// Version 6: billing review. Each import is remembered with its file's SHA-256 (so the same file
// is recognised), its lines carry the import and the shared-cost rule they matched, and roll-ups
// of tenant x service x month (per import, so that deleting or replacing an import subtracts
// exactly its share) are kept at import, so that totals never read the lines. Amounts stay exact
// decimal text; roll-ups are summed in code (DecimalSum). Tenant 0 in a roll-up is unallocated or
// shared cost: the platform's only. The attribution rules are one JSON document with a version.
const char* const schemaV6[] = {
    R"(CREATE TABLE billing_imports (
        id {{id}},
        file_name TEXT NOT NULL,
        sha256 TEXT NOT NULL UNIQUE,
        format TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        imported_by TEXT NOT NULL,
        line_count BIGINT NOT NULL,
        unallocated_lines BIGINT NOT NULL,
        currencies TEXT NOT NULL,
        billed_cost_total TEXT NOT NULL,
        first_charge_at TEXT,
        last_charge_at TEXT))",
    "ALTER TABLE billing_lines ADD COLUMN import_id BIGINT",
    "ALTER TABLE billing_lines ADD COLUMN shared_rule INTEGER",
    "CREATE INDEX billing_lines_by_import ON billing_lines (import_id)",
    R"(CREATE TABLE billing_rollups (
        tenant_id BIGINT NOT NULL,
        import_id BIGINT NOT NULL,
        shared_rule INTEGER NOT NULL,
        month TEXT NOT NULL,
        service_name TEXT NOT NULL,
        service_category TEXT NOT NULL,
        billing_currency TEXT NOT NULL,
        billed_cost TEXT NOT NULL,
        effective_cost TEXT NOT NULL,
        list_cost TEXT NOT NULL,
        line_count BIGINT NOT NULL,
        PRIMARY KEY (tenant_id, import_id, shared_rule, month, service_name, service_category, billing_currency)))",
    R"(CREATE TABLE attribution_rules (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        rules {{json}} NOT NULL,
        version BIGINT NOT NULL))",
    R"(CREATE TABLE tenant_budgets (
        tenant_id BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        billing_currency TEXT NOT NULL,
        amount TEXT NOT NULL,
        PRIMARY KEY (tenant_id, billing_currency)))",
};

// Imports, rules and unallocated roll-ups are the platform's; a tenant scope reads its own roll-ups
// and budgets.
const char* const schemaV6Postgres[] = {
    "ALTER TABLE billing_rollups ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE billing_rollups FORCE ROW LEVEL SECURITY",
    R"(CREATE POLICY tenant_scope ON billing_rollups
        USING ({{all}} OR tenant_id IN ({{subtree}})) WITH CHECK ({{all}} OR tenant_id IN ({{subtree}})))",
    "ALTER TABLE tenant_budgets ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE tenant_budgets FORCE ROW LEVEL SECURITY",
    R"(CREATE POLICY tenant_scope ON tenant_budgets
        USING ({{all}} OR tenant_id IN ({{subtree}})) WITH CHECK ({{all}} OR tenant_id IN ({{subtree}})))",
    "ALTER TABLE billing_imports ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE billing_imports FORCE ROW LEVEL SECURITY",
    "CREATE POLICY platform_only ON billing_imports USING ({{all}}) WITH CHECK ({{all}})",
    "ALTER TABLE attribution_rules ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE attribution_rules FORCE ROW LEVEL SECURITY",
    "CREATE POLICY platform_only ON attribution_rules USING ({{all}}) WITH CHECK ({{all}})",
};

// Version 7: the billing lines in the order the drill-down pages them (charge period, then id), so
// that the lines behind a month's platform total, or every line, answer from the first rows of an
// index rather than from a sort of the whole table (7 s at 10,000,000 lines; bench_billing_review).
const char* const schemaV7[] = {
    "CREATE INDEX billing_lines_by_start ON billing_lines (charge_period_start, id)",
};

QString dialectSql(const char* statement, SqlDialect dialect)
{
    QString sql = QString::fromUtf8(statement);
    const bool sqlite = dialect == SqlDialect::SQLite;
    sql.replace(QStringLiteral("{{id}}"), sqlite ? QStringLiteral("INTEGER PRIMARY KEY")
                                                 : QStringLiteral("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"));
    sql.replace(QStringLiteral("{{json}}"), sqlite ? QStringLiteral("TEXT") : QStringLiteral("JSONB"));
    sql.replace(QStringLiteral("{{without_rowid}}"), sqlite ? QStringLiteral(" WITHOUT ROWID") : QString());
    if (!sqlite) {
        // Text compares byte by byte, as in SQLite, whatever the database's locale: both backends
        // sort, page and search alike, and the tenant-scope policies may scan paths by range.
        static const QRegularExpression text(QStringLiteral("\\bTEXT\\b"));
        sql.replace(text, QStringLiteral("TEXT COLLATE \"C\""));
        const QString all = QStringLiteral("current_setting('app.tenant_ids', true) = '*'");
        const QString roots = QStringLiteral(
            "string_to_array(nullif(current_setting('app.tenant_ids', true), '*'), ',')::bigint[]");
        const QString subtree = QStringLiteral(
            "SELECT s.id FROM tenants r JOIN tenants s ON s.path >= r.path AND s.path < left(r.path, -1) || '0' "
            "AND starts_with(s.path, r.path) WHERE r.id = ANY (") + roots + u')';
        sql.replace(QStringLiteral("{{all}}"), all);
        sql.replace(QStringLiteral("{{roots}}"), roots);
        sql.replace(QStringLiteral("{{subtree}}"), subtree);
    }
    return sql;
}

} // namespace

QList<Migration> migrations(SqlDialect dialect)
{
    Migration v1{1, QStringLiteral("Tenants, environments, users, roles, memberships, audit, usage, billing"), {}};
    for (const char* statement : schemaV1)
        v1.statements << dialectSql(statement, dialect);
    Migration v2{2, QStringLiteral("Credentials and refresh tokens; tenant isolation by row-level security on PostgreSQL"), {}};
    for (const char* statement : schemaV2)
        v2.statements << dialectSql(statement, dialect);
    if (dialect == SqlDialect::PostgreSQL) {
        for (const char* statement : schemaV2Postgres)
            v2.statements << dialectSql(statement, dialect);
    }
    Migration v3{3, QStringLiteral("Decommissioning checklists; audit trail by actor and action"), {}};
    for (const char* statement : schemaV3)
        v3.statements << dialectSql(statement, dialect);
    Migration v4{4, QStringLiteral("Users sorted and filtered by each column; the holders of a role"), {}};
    for (const char* statement : schemaV4)
        v4.statements << dialectSql(statement, dialect);
    Migration v5{5, QStringLiteral("Users sorted by status; on SQLite, searched through a trigram index"), {}};
    for (const char* statement : schemaV5)
        v5.statements << dialectSql(statement, dialect);
    if (dialect == SqlDialect::SQLite) {
        for (const char* statement : schemaV5Sqlite)
            v5.statements << dialectSql(statement, dialect);
    }
    Migration v6{6, QStringLiteral("Billing imports, roll-ups by tenant, service and month, attribution rules, budgets"), {}};
    for (const char* statement : schemaV6)
        v6.statements << dialectSql(statement, dialect);
    if (dialect == SqlDialect::PostgreSQL) {
        for (const char* statement : schemaV6Postgres)
            v6.statements << dialectSql(statement, dialect);
    }
    Migration v7{7, QStringLiteral("Billing lines in charge-period order, for paging the lines behind a platform total"), {}};
    for (const char* statement : schemaV7)
        v7.statements << dialectSql(statement, dialect);
    return {v1, v2, v3, v4, v5, v6, v7};
}

int latestVersion()
{
    return migrations(SqlDialect::SQLite).constLast().version;
}

} // namespace TenantDesk::SqlSchema
