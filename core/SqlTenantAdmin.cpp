// SqlSession's tenant administration: creating, changing, moving, the lifecycle, decommissioning
// with backup and restore, and environments. Every change is one transaction with its audit event.

#include "SqlSession.h"

#include "JsonCodec.h"
#include "SqlDetail.h"
#include "TenantBackup.h"
#include "TenantSettings.h"

#include <QJsonArray>
#include <QSet>
#include <QTimeZone>

namespace TenantDesk {

using namespace Qt::StringLiterals;
using namespace SqlDetail;

namespace {

QVariant intOrNull(const std::optional<int>& value)
{
    return value ? QVariant(*value) : QVariant(QMetaType::fromType<int>());
}

QJsonValue jsonIntOrNull(const std::optional<int>& value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

QVariant idOrNull(qint64 id)
{
    return id == 0 ? QVariant(QMetaType::fromType<qint64>()) : QVariant(id);
}

QString pathOf(const Tenant& tenant)
{
    QString path = u"/"_s;
    for (TenantId id : tenant.ancestorIds)
        path += QString::number(id) + u'/';
    return path + QString::number(tenant.id) + u'/';
}

Environment fetchEnvironment(const QSqlDatabase& db, EnvironmentId id)
{
    Query q(db, tr("Could not read an environment"));
    q.prepare(u"SELECT "_s + environmentColumns + u" FROM environments WHERE id = ?"_s).bind(id).exec();
    if (!q.next())
        throw StoreError(ErrorCode::NotFound, tr("There is no environment with id %1; it may have been removed.").arg(id));
    return environmentFromRow(q);
}

// Holds the row of the tenant or environment a change is made to until the change commits. On
// PostgreSQL, which reads what is committed, two changes made on one version would otherwise both
// pass checkVersion, and the second would be acknowledged and audited while its UPDATE ... AND
// version = ? changed nothing; with the lock the second waits, then reads the first's version and
// is refused with Conflict. SQLite's BEGIN IMMEDIATE already runs one change at a time.
void lockRow(const QSqlDatabase& db, const QString& table, qint64 id)
{
    if (!isPostgres(db))
        return;
    Query q(db, table == u"tenants"_s ? tr("Could not change the tenant") : tr("Could not change the environment"));
    q.prepare(u"SELECT id FROM "_s + table + u" WHERE id = ? FOR UPDATE"_s).bind(id).exec();
}

void requireUniqueSlug(const QSqlDatabase& db, const QString& slug)
{
    Query q(db, tr("Could not check the slug"));
    q.prepare(u"SELECT display_name FROM tenants WHERE slug = ?"_s).bind(slug).exec();
    if (q.next())
        throw StoreError(ErrorCode::Conflict, tr("slug: “%1” is taken by the tenant “%2”; choose another.").arg(slug, q.text(0)))
            .withField(u"slug"_s);
}

void requireUniqueEnvironmentName(const QSqlDatabase& db, TenantId tenantId, const QString& name, EnvironmentId except)
{
    Query q(db, tr("Could not check the environment's name"));
    q.prepare(u"SELECT 1 FROM environments WHERE tenant_id = ? AND name = ? AND id <> ?"_s)
        .bind(tenantId).bind(name).bind(except).exec();
    if (q.next())
        throw StoreError(ErrorCode::Conflict, tr("name: the tenant already has an environment called “%1”.").arg(name))
            .withField(u"name"_s);
}

// Changes to the tenant's own data are refused while it is being retired or once it is.
void requireLive(const Tenant& tenant, const QString& doing)
{
    if (tenant.status == TenantStatus::Decommissioning || tenant.status == TenantStatus::Archived)
        throw StoreError(ErrorCode::Invalid, tr("%1: “%2” is %3; its data no longer changes.")
                                                 .arg(doing, tenant.displayName, tenantStatusDisplayName(tenant.status).toLower()))
            .withField(u"status"_s);
}

QString transitionAction(TenantStatus from, TenantStatus to)
{
    switch (to) {
    case TenantStatus::Provisioning: return u"tenant.provision"_s;
    case TenantStatus::Active: return from == TenantStatus::Suspended ? u"tenant.resume"_s : u"tenant.activate"_s;
    case TenantStatus::Suspended: return u"tenant.suspend"_s;
    case TenantStatus::Decommissioning: return u"tenant.decommission"_s;
    case TenantStatus::Archived: return u"tenant.archive"_s;
    case TenantStatus::Requested: break;
    }
    return u"tenant.status"_s;
}

void insertEnvironment(const QSqlDatabase& db, Environment& e)
{
    e.id = nextId(db, u"environments"_s);
    Query q(db, tr("Could not add the environment"));
    q.prepare(u"INSERT INTO environments (tenant_id, id, name, kind, settings, created_at, version) VALUES (?, ?, ?, ?, ?, ?, 1)"_s)
        .bind(e.tenantId).bind(e.id).bind(e.name).bind(environmentKindKey(e.kind)).bind(jsonText(e.settings))
        .bind(SqlTime::format(e.createdAt)).exec();
}

// Inserts rows of `columns` values each, many rows per statement: a restore writes thousands.
void insertMany(const QSqlDatabase& db, const QString& head, int columns, const QList<QVariantList>& rows, const QString& doing)
{
    constexpr qsizetype rowsPerStatement = 200;
    const QString one = u'(' + QStringList(columns, u"?"_s).join(u", "_s) + u')';
    for (qsizetype start = 0; start < rows.size(); start += rowsPerStatement) {
        const qsizetype count = std::min(rowsPerStatement, rows.size() - start);
        Query q(db, doing);
        q.prepare(head + u" VALUES "_s + QStringList(count, one).join(u", "_s));
        for (qsizetype i = start; i < start + count; ++i) {
            for (const QVariant& value : rows.at(i))
                q.bind(value);
        }
        q.exec();
    }
}

} // namespace

// The built-in roles, added where a database has none yet (one made empty, not from the demo):
// what a restored tenant's memberships name first.
void SqlSession::ensureBuiltInRoles() const
{
    const QSqlDatabase& db = m_db;
    Query q(db, tr("Could not add the built-in roles"));
    for (const Role& role : BuiltInRole::definitions()) {
        q.prepare(u"SELECT 1 FROM roles WHERE tenant_id IS NULL AND name = ?"_s).bind(role.name).exec();
        if (q.next())
            continue;
        const RoleId id = nextId(db, u"roles"_s);
        q.prepare(u"INSERT INTO roles (id, tenant_id, name, description, scope, built_in, version) VALUES (?, NULL, ?, ?, ?, 1, 1)"_s)
            .bind(id).bind(role.name).bind(role.description).bind(roleScopeKey(role.scope)).exec();
        for (const QString& permission : role.permissions)
            q.prepare(u"INSERT INTO role_permissions (role_id, permission) VALUES (?, ?)"_s).bind(id).bind(permission).exec();
    }
}


Tenant SqlSession::updateTenant(TenantId id, const TenantChange& change, qint64 expectedVersion) const
{
    TenantSettings::checkTenantChange(change);
    const QString doing = tr("Could not change the tenant");
    return transaction([&] {
        const Tenant before = fetchTenant(m_db, id);
        checkVersion(before.displayName, before.version, expectedVersion);
        QJsonObject beforeJson, afterJson;
        QStringList assignments;
        QVariantList values;
        const auto set = [&](const QString& column, const QVariant& value, const QJsonValue& old, const QJsonValue& now) {
            if (old == now)
                return;
            assignments << column + u" = ?"_s;
            values << value;
            beforeJson.insert(column, old);
            afterJson.insert(column, now);
        };
        if (change.displayName) {
            const QString name = change.displayName->trimmed();
            set(u"display_name"_s, name, before.displayName, name);
        }
        if (change.domain)
            set(u"domain"_s, *change.domain, before.domain, *change.domain);
        if (change.timezone)
            set(u"timezone"_s, *change.timezone, before.timezone, *change.timezone);
        if (change.language)
            set(u"language"_s, *change.language, before.language, *change.language);
        if (change.quotas) {
            const auto quota = [&](const QString& column, const std::optional<int>& old, const std::optional<int>& now) {
                set(column, intOrNull(now), jsonIntOrNull(old), jsonIntOrNull(now));
            };
            quota(u"quota_cpu_cores"_s, before.quotas.cpuCores, change.quotas->cpuCores);
            quota(u"quota_memory_gb"_s, before.quotas.memoryGb, change.quotas->memoryGb);
            quota(u"quota_storage_gb"_s, before.quotas.storageGb, change.quotas->storageGb);
            quota(u"quota_user_seats"_s, before.quotas.userSeats, change.quotas->userSeats);
        }
        if (change.apiRateLimit)
            set(u"api_rate_limit"_s, intOrNull(*change.apiRateLimit), jsonIntOrNull(before.apiRateLimit),
                jsonIntOrNull(*change.apiRateLimit));
        if (change.featureFlags)
            set(u"feature_flags"_s, jsonText(*change.featureFlags), before.featureFlags, *change.featureFlags);
        if (change.securityPolicy)
            set(u"security_policy"_s, jsonText(*change.securityPolicy), before.securityPolicy, *change.securityPolicy);
        if (change.settings)
            set(u"settings"_s, jsonText(*change.settings), before.settings, *change.settings);
        if (assignments.isEmpty())
            return before; // nothing differs: no new version, no audit event
        const QDateTime now = QDateTime::currentDateTimeUtc();
        Query update(m_db, doing);
        update.prepare(u"UPDATE tenants SET "_s + assignments.join(u", "_s)
                       + u", updated_at = ?, version = version + 1 WHERE id = ? AND version = ?"_s);
        for (const QVariant& value : std::as_const(values))
            update.bind(value);
        update.bind(SqlTime::format(now)).bind(id).bind(expectedVersion).exec();
        if (update.raw().numRowsAffected() != 1)
            throw StoreError(ErrorCode::Conflict, tr("“%1” was changed by someone else; review their change, then edit again.")
                                                      .arg(before.displayName));
        appendAudit(AuditEvent{0, id, now, m_actor, u"tenant.update"_s, u"tenant"_s, before.slug, beforeJson, afterJson, {}, {}});
        return fetchTenant(m_db, id);
    });
}

Tenant SqlSession::createTenant(const NewTenant& tenant) const
{
    TenantSettings::checkNewTenant(tenant);
    return transaction([&] {
        Tenant created;
        if (tenant.parentId != 0) {
            const Tenant parent = fetchTenant(m_db, tenant.parentId);
            requireLive(parent, tr("Could not add a sub-tenant"));
            created.ancestorIds = parent.ancestorIds;
            created.ancestorIds.append(parent.id);
        }
        requireUniqueSlug(m_db, tenant.slug);
        created.id = nextId(m_db, u"tenants"_s);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        Query insert(m_db, tr("Could not create the tenant"));
        insert.prepare(u"INSERT INTO tenants (id, parent_id, path, depth, slug, display_name, status, domain, timezone, "
                       "language, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, 'requested', ?, ?, ?, ?, ?, 1)"_s)
            .bind(created.id).bind(idOrNull(tenant.parentId)).bind(pathOf(created)).bind(qint64(created.ancestorIds.size()))
            .bind(tenant.slug).bind(tenant.displayName.trimmed())
            .bind(tenant.domain.isNull() ? QStringLiteral("") : tenant.domain) // no domain: '', never NULL
            .bind(tenant.timezone)
            .bind(tenant.language).bind(SqlTime::format(now)).bind(SqlTime::format(now)).exec();
        QJsonArray environments;
        for (EnvironmentKind kind : tenant.environments) {
            Environment e;
            e.tenantId = created.id;
            e.name = environmentKindDisplayName(kind);
            e.kind = kind;
            e.createdAt = now;
            insertEnvironment(m_db, e);
            environments.append(QJsonObject{{u"id"_s, e.id}, {u"name"_s, e.name}, {u"kind"_s, environmentKindKey(kind)}});
        }
        const QJsonObject after{{u"slug"_s, tenant.slug}, {u"display_name"_s, tenant.displayName.trimmed()},
                                {u"parent_id"_s, tenant.parentId == 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(tenant.parentId)},
                                {u"status"_s, u"requested"_s}, {u"domain"_s, tenant.domain},
                                {u"timezone"_s, tenant.timezone}, {u"language"_s, tenant.language},
                                {u"environments"_s, environments}};
        appendAudit(AuditEvent{0, created.id, now, m_actor, u"tenant.create"_s, u"tenant"_s, tenant.slug, {}, after, {}, {}});
        return fetchTenant(m_db, created.id);
    });
}

Tenant SqlSession::moveTenant(TenantId id, TenantId newParentId, qint64 expectedVersion) const
{
    return transaction([&] {
        lockRow(m_db, u"tenants"_s, id);
        const Tenant before = fetchTenant(m_db, id);
        checkVersion(before.displayName, before.version, expectedVersion);
        if (newParentId == before.parentId)
            return before;
        Tenant moved = before;
        QString parentSlug;
        moved.ancestorIds.clear();
        if (newParentId != 0) {
            const Tenant parent = fetchTenant(m_db, newParentId);
            if (parent.id == id || parent.ancestorIds.contains(id))
                throw StoreError(ErrorCode::Invalid, tr("parent_id: “%1” cannot move under itself or one of its own sub-tenants.")
                                                         .arg(before.displayName)).withField(u"parent_id"_s);
            requireLive(parent, tr("Could not move the tenant"));
            moved.ancestorIds = parent.ancestorIds;
            moved.ancestorIds.append(parent.id);
            parentSlug = parent.slug;
        }
        QString oldParentSlug;
        if (before.parentId != 0)
            oldParentSlug = fetchTenant(m_db, before.parentId).slug;
        const QString oldPath = pathOf(before);
        const QString newPath = pathOf(moved);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        Query q(m_db, tr("Could not move the tenant"));
        // The tenant and its whole sub-tree get the new path and depth.
        q.prepare(u"UPDATE tenants SET path = ? || substr(path, ?), depth = depth + ? WHERE substr(path, 1, ?) = ?"_s)
            .bind(newPath).bind(qint64(oldPath.size() + 1)).bind(qint64(moved.ancestorIds.size() - before.ancestorIds.size()))
            .bind(qint64(oldPath.size())).bind(oldPath).exec();
        q.prepare(u"UPDATE tenants SET parent_id = ?, updated_at = ?, version = version + 1 WHERE id = ?"_s)
            .bind(idOrNull(newParentId)).bind(SqlTime::format(now)).bind(id).exec();
        const auto parentJson = [](TenantId parentId, const QString& slug) {
            return QJsonObject{{u"parent_id"_s, parentId == 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(parentId)},
                               {u"parent_slug"_s, slug}};
        };
        appendAudit(AuditEvent{0, id, now, m_actor, u"tenant.move"_s, u"tenant"_s, before.slug,
                               parentJson(before.parentId, oldParentSlug), parentJson(newParentId, parentSlug), {}, {}});
        return fetchTenant(m_db, id);
    });
}

Tenant SqlSession::changeTenantStatus(TenantId id, TenantStatus status, qint64 expectedVersion) const
{
    return transaction([&] {
        lockRow(m_db, u"tenants"_s, id);
        const Tenant before = fetchTenant(m_db, id);
        checkVersion(before.displayName, before.version, expectedVersion);
        if (!isLegalTransition(before.status, status)) {
            QStringList legal;
            for (TenantStatus next : legalTransitions(before.status))
                legal << tenantStatusKey(next);
            throw StoreError(ErrorCode::Invalid,
                             tr("status: “%1” is %2 and cannot become %3; from %2 it can become: %4.")
                                 .arg(before.displayName, tenantStatusKey(before.status), tenantStatusKey(status),
                                      legal.isEmpty() ? tr("nothing (this is the end of its life)") : legal.join(u", "_s)))
                .withField(u"status"_s);
        }
        Query q(m_db, tr("Could not change the tenant's status"));
        if (status == TenantStatus::Decommissioning) {
            const qint64 live = q.prepare(u"SELECT count(*) FROM tenants WHERE parent_id = ? AND status <> 'archived'"_s)
                                    .bind(id).scalar(0).toLongLong();
            if (live > 0)
                throw StoreError(ErrorCode::Invalid, tr("status: “%1” has %2 sub-tenant(s) that are not archived; "
                                                        "decommission them first.").arg(before.displayName).arg(live))
                    .withField(u"status"_s);
        }
        if (status == TenantStatus::Archived) {
            QStringList missing;
            for (DecommissionStep step : allDecommissionSteps) {
                if (!before.decommission.contains(decommissionStepKey(step)))
                    missing << decommissionStepDisplayName(step);
            }
            if (!missing.isEmpty())
                throw StoreError(ErrorCode::Invalid, tr("status: “%1” is archived only once its decommissioning checklist "
                                                        "is done; still to do: %2.").arg(before.displayName, missing.join(u"; "_s)))
                    .withField(u"status"_s);
        }
        const QDateTime now = QDateTime::currentDateTimeUtc();
        q.prepare(u"UPDATE tenants SET status = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?"_s)
            .bind(tenantStatusKey(status)).bind(SqlTime::format(now)).bind(id).bind(expectedVersion).exec();
        appendAudit(AuditEvent{0, id, now, m_actor, transitionAction(before.status, status), u"tenant"_s, before.slug,
                               QJsonObject{{u"status"_s, tenantStatusKey(before.status)}},
                               QJsonObject{{u"status"_s, tenantStatusKey(status)}}, {}, {}});
        return fetchTenant(m_db, id);
    });
}

Tenant SqlSession::completeDecommissionStep(TenantId id, const DecommissionStepDone& step, qint64 expectedVersion) const
{
    return transaction([&] {
        lockRow(m_db, u"tenants"_s, id);
        const Tenant before = fetchTenant(m_db, id);
        checkVersion(before.displayName, before.version, expectedVersion);
        if (before.status != TenantStatus::Decommissioning)
            throw StoreError(ErrorCode::Invalid, tr("status: “%1” is %2; its checklist is worked through once it is decommissioning.")
                                                     .arg(before.displayName, tenantStatusKey(before.status)))
                .withField(u"status"_s);
        const QString key = decommissionStepKey(step.step);
        if (before.decommission.contains(key))
            return before; // done already
        QJsonObject record{{u"by"_s, m_actor}, {u"note"_s, step.note.left(2000)}};
        Query q(m_db, tr("Could not record the decommissioning step"));
        if (step.step == DecommissionStep::DeleteData) {
            if (step.confirmSlug != before.slug)
                throw StoreError(ErrorCode::Invalid, tr("confirm_slug: type the tenant's slug, “%1”, to delete its data.")
                                                         .arg(before.slug)).withField(u"confirm_slug"_s);
            if (!before.decommission.contains(decommissionStepKey(DecommissionStep::BackUp)))
                throw StoreError(ErrorCode::Invalid, tr("step: back “%1” up before its data is deleted.").arg(before.displayName))
                    .withField(u"step"_s);
            const auto remove = [&](const QString& sql) {
                q.prepare(sql).bind(id).exec();
                return qint64(q.raw().numRowsAffected());
            };
            record.insert(u"memberships"_s, remove(u"DELETE FROM memberships WHERE tenant_id = ?"_s));
            record.insert(u"usage_samples"_s, remove(u"DELETE FROM usage_samples WHERE tenant_id = ?"_s));
            record.insert(u"environments"_s, remove(u"DELETE FROM environments WHERE tenant_id = ?"_s));
            record.insert(u"roles"_s, remove(u"DELETE FROM roles WHERE tenant_id = ?"_s));
            q.prepare(u"UPDATE tenants SET feature_flags = '{}', security_policy = '{}', settings = '{}' WHERE id = ?"_s)
                .bind(id).exec();
        }
        const QDateTime now = QDateTime::currentDateTimeUtc();
        record.insert(u"at"_s, SqlTime::format(now));
        QJsonObject checklist = before.decommission;
        checklist.insert(key, record);
        q.prepare(u"UPDATE tenants SET decommission = ?, updated_at = ?, version = version + 1 WHERE id = ?"_s)
            .bind(jsonText(checklist)).bind(SqlTime::format(now)).bind(id).exec();
        QJsonObject after = record;
        after.insert(u"step"_s, key);
        appendAudit(AuditEvent{0, id, now, m_actor, u"tenant.decommission_step"_s, u"tenant"_s, before.slug, {}, after, {}, {}});
        return fetchTenant(m_db, id);
    });
}

QByteArray SqlSession::backUpTenant(TenantId id) const
{
    const TenantBackup backup = transaction([&] {
        TenantBackup b;
        b.createdAt = QDateTime::currentDateTimeUtc();
        b.createdBy = m_actor;
        b.source = shownDatabase(m_db);
        b.tenant = fetchTenant(m_db, id);
        if (b.tenant.parentId != 0)
            b.parentSlug = fetchTenant(m_db, b.tenant.parentId).slug;
        b.environments = fetchEnvironments(m_db, id);
        QHash<EnvironmentId, QString> environmentNames;
        for (const Environment& e : std::as_const(b.environments))
            environmentNames.insert(e.id, e.name);

        const QList<Role> roles = this->roles(id);
        QHash<RoleId, QString> roleNames;
        for (const Role& role : roles)
            roleNames.insert(role.id, role.name);
        for (const Role& role : roles) {
            if (role.tenantId != id)
                continue;
            TenantBackup::CustomRole custom{role, {}};
            for (RoleId included : role.includedRoleIds)
                custom.includedRoleNames.append(roleNames.value(included));
            b.roles.append(custom);
        }

        Query q(m_db, tr("Could not back the tenant up"));
        q.prepare(u"SELECT u.email, u.display_name, u.status, m.environment_id, r.name FROM memberships m "
                  "JOIN users u ON u.id = m.user_id JOIN roles r ON r.id = m.role_id WHERE m.tenant_id = ? "
                  "ORDER BY u.email, m.environment_id, r.name"_s).bind(id).exec();
        while (q.next())
            b.memberships.append(TenantBackup::Member{q.text(0), q.text(1), userStatusFromKey(q.text(2)).value_or(UserStatus::Invited),
                                                      environmentNames.value(q.integer(3)), q.text(4)});
        q.prepare(u"SELECT environment_id, metric, at, value FROM usage_samples WHERE tenant_id = ? "
                  "ORDER BY environment_id, metric, at"_s).bind(id).exec();
        while (q.next()) {
            const auto metric = usageMetricFromKey(q.text(1));
            if (metric)
                b.usage.append(TenantBackup::Sample{environmentNames.value(q.integer(0)), *metric, q.integer(2), q.value(3).toDouble()});
        }
        q.prepare(u"SELECT "_s + auditColumns + u" FROM audit_events WHERE tenant_id = ? ORDER BY id"_s).bind(id).exec();
        while (q.next())
            b.auditEvents.append(auditFromRow(q));
        return b;
    });
    return backup.toJson();
}

Tenant SqlSession::restoreTenant(const QByteArray& document, std::optional<TenantId> parentId) const
{
    const TenantBackup backup = TenantBackup::fromJson(document);
    const Tenant& source = backup.tenant;
    TenantSettings::checkNewTenant(NewTenant{source.slug, source.displayName, 0, source.domain, source.timezone,
                                             source.language, {}});
    return transaction([&] {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        Query q(m_db, tr("Could not restore the tenant"));
        q.prepare(u"SELECT id, status FROM tenants WHERE slug = ?"_s).bind(source.slug).exec();
        TenantId id = 0;
        bool inPlace = false;
        if (q.next()) {
            id = q.integer(0);
            if (q.text(1) != u"archived"_s)
                throw StoreError(ErrorCode::Conflict, tr("slug: a tenant “%1” exists here and is not archived; a backup is "
                                                         "restored over an archived tenant or where the slug is free.")
                                                          .arg(source.slug)).withField(u"slug"_s);
            inPlace = true;
        }
        const QList<QVariant> fields{source.displayName, source.domain, source.timezone, source.language,
                                     intOrNull(source.quotas.cpuCores), intOrNull(source.quotas.memoryGb),
                                     intOrNull(source.quotas.storageGb), intOrNull(source.quotas.userSeats),
                                     intOrNull(source.apiRateLimit), jsonText(source.featureFlags),
                                     jsonText(source.securityPolicy), jsonText(source.settings)};
        if (inPlace) {
            const Tenant archived = fetchTenant(m_db, id);
            if (archived.environmentCount > 0)
                throw StoreError(ErrorCode::Conflict, tr("“%1” still holds environments; its data was not deleted, so there "
                                                         "is nothing to restore.").arg(archived.displayName));
            q.prepare(u"DELETE FROM roles WHERE tenant_id = ?"_s).bind(id).exec();
            q.prepare(u"UPDATE tenants SET display_name = ?, domain = ?, timezone = ?, language = ?, quota_cpu_cores = ?, "
                      "quota_memory_gb = ?, quota_storage_gb = ?, quota_user_seats = ?, api_rate_limit = ?, feature_flags = ?, "
                      "security_policy = ?, settings = ?, status = 'suspended', decommission = '{}', updated_at = ?, "
                      "version = version + 1 WHERE id = ?"_s);
            for (const QVariant& value : fields)
                q.bind(value);
            q.bind(SqlTime::format(now)).bind(id).exec();
        } else {
            Tenant placed;
            TenantId parent = 0;
            if (parentId) {
                parent = *parentId;
            } else if (!backup.parentSlug.isEmpty()) {
                Query p(m_db, tr("Could not restore the tenant"));
                p.prepare(u"SELECT id FROM tenants WHERE slug = ?"_s).bind(backup.parentSlug).exec();
                parent = p.next() ? p.integer(0) : 0;
            }
            if (parent != 0) {
                const Tenant parentTenant = fetchTenant(m_db, parent);
                requireLive(parentTenant, tr("Could not restore the tenant"));
                placed.ancestorIds = parentTenant.ancestorIds;
                placed.ancestorIds.append(parentTenant.id);
            }
            placed.id = id = nextId(m_db, u"tenants"_s);
            q.prepare(u"INSERT INTO tenants (id, parent_id, path, depth, slug, display_name, domain, timezone, language, "
                      "quota_cpu_cores, quota_memory_gb, quota_storage_gb, quota_user_seats, api_rate_limit, feature_flags, "
                      "security_policy, settings, status, created_at, updated_at, version) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'suspended', ?, ?, 1)"_s)
                .bind(id).bind(idOrNull(parent)).bind(pathOf(placed)).bind(qint64(placed.ancestorIds.size())).bind(source.slug);
            for (const QVariant& value : fields)
                q.bind(value);
            q.bind(SqlTime::format(source.createdAt.isValid() ? source.createdAt : now)).bind(SqlTime::format(now)).exec();
        }

        QHash<QString, EnvironmentId> environmentIds;
        for (Environment e : backup.environments) {
            e.tenantId = id;
            if (!e.createdAt.isValid())
                e.createdAt = now;
            insertEnvironment(m_db, e);
            environmentIds.insert(e.name, e.id);
        }

        // The tenant's own roles, then what they include, by name: among them, the built-in roles and
        // the roles of the tenant's ancestors here.
        ensureBuiltInRoles();
        QHash<QString, RoleId> roleIds;
        for (const Role& role : this->roles(id))
            roleIds.insert(role.name, role.id);
        for (const TenantBackup::CustomRole& custom : backup.roles) {
            const RoleId roleId = nextId(m_db, u"roles"_s);
            q.prepare(u"INSERT INTO roles (id, tenant_id, name, description, scope, built_in, version) VALUES (?, ?, ?, ?, ?, 0, 1)"_s)
                .bind(roleId).bind(id).bind(custom.role.name).bind(custom.role.description)
                .bind(roleScopeKey(custom.role.scope)).exec();
            for (const QString& permission : custom.role.permissions)
                q.prepare(u"INSERT INTO role_permissions (role_id, permission) VALUES (?, ?)"_s).bind(roleId).bind(permission).exec();
            roleIds.insert(custom.role.name, roleId);
        }
        QStringList skipped;
        for (const TenantBackup::CustomRole& custom : backup.roles) {
            for (const QString& included : custom.includedRoleNames) {
                if (!roleIds.contains(included)) {
                    skipped << tr("role “%1” includes “%2”, which is not here").arg(custom.role.name, included);
                    continue;
                }
                q.prepare(u"INSERT INTO role_composites (role_id, included_role_id) VALUES (?, ?)"_s)
                    .bind(roleIds.value(custom.role.name)).bind(roleIds.value(included)).exec();
            }
        }

        int restoredMembers = 0;
        QHash<QString, UserId> userIds;
        for (const TenantBackup::Member& member : backup.memberships) {
            const EnvironmentId environmentId = member.environmentName.isEmpty() ? 0 : environmentIds.value(member.environmentName, -1);
            if (!roleIds.contains(member.roleName) || environmentId < 0) {
                skipped << tr("%1 as %2: the role or environment is not here").arg(member.email, member.roleName);
                continue;
            }
            UserId userId = userIds.value(member.email.toLower());
            if (userId == 0) {
                q.prepare(u"SELECT id FROM users WHERE lower(email) = lower(?)"_s).bind(member.email).exec();
                if (q.next()) {
                    userId = q.integer(0);
                } else {
                    userId = nextId(m_db, u"users"_s);
                    q.prepare(u"INSERT INTO users (id, email, display_name, status, created_at, version) VALUES (?, ?, ?, 'invited', ?, 1)"_s)
                        .bind(userId).bind(member.email).bind(member.displayName).bind(SqlTime::format(now)).exec();
                }
                userIds.insert(member.email.toLower(), userId);
            }
            q.prepare(u"INSERT INTO memberships (tenant_id, user_id, environment_id, role_id) VALUES (?, ?, ?, ?)"_s)
                .bind(id).bind(userId).bind(environmentId).bind(roleIds.value(member.roleName)).exec();
            ++restoredMembers;
        }

        QList<QVariantList> samples;
        samples.reserve(backup.usage.size());
        for (const TenantBackup::Sample& sample : backup.usage) {
            if (environmentIds.contains(sample.environmentName))
                samples.append({id, environmentIds.value(sample.environmentName), usageMetricKey(sample.metric), sample.at, sample.value});
        }
        insertMany(m_db, u"INSERT INTO usage_samples (tenant_id, environment_id, metric, at, value)"_s, 5, samples,
                   tr("Could not restore the tenant's usage"));

        const QJsonObject after{{u"slug"_s, source.slug}, {u"status"_s, u"suspended"_s},
                                {u"backup_sha256"_s, TenantBackup::checksum(document)},
                                {u"backup_created_at"_s, SqlTime::format(backup.createdAt)},
                                {u"backup_source"_s, backup.source}, {u"in_place"_s, inPlace},
                                {u"environments"_s, qint64(environmentIds.size())}, {u"roles"_s, qint64(backup.roles.size())},
                                {u"memberships"_s, restoredMembers}, {u"usage_samples"_s, qint64(samples.size())},
                                {u"skipped"_s, QJsonArray::fromStringList(skipped)}};
        appendAudit(AuditEvent{0, id, now, m_actor, u"tenant.restore"_s, u"tenant"_s, source.slug, {}, after, {}, {}});
        return fetchTenant(m_db, id);
    });
}

Tenant SqlSession::deleteTenant(TenantId id, const QString& confirmSlug, qint64 expectedVersion) const
{
    return transaction([&] {
        lockRow(m_db, u"tenants"_s, id);
        const Tenant before = fetchTenant(m_db, id);
        checkVersion(before.displayName, before.version, expectedVersion);
        if (confirmSlug != before.slug)
            throw StoreError(ErrorCode::Invalid, tr("confirm_slug: type the tenant's slug, “%1”, to delete it.").arg(before.slug))
                .withField(u"confirm_slug"_s);
        if (before.status != TenantStatus::Requested && before.status != TenantStatus::Archived)
            throw StoreError(ErrorCode::Invalid, tr("status: “%1” is %2; only a tenant never provisioned (requested) or an "
                                                    "archived one is deleted. Decommission it instead.")
                                                     .arg(before.displayName, tenantStatusKey(before.status)))
                .withField(u"status"_s);
        if (before.subTenantCount > 0)
            throw StoreError(ErrorCode::Invalid, tr("status: “%1” has sub-tenants; delete or move them first.").arg(before.displayName))
                .withField(u"status"_s);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        // The event first: once the tenant is gone, PostgreSQL's policies place no event in its chain.
        appendAudit(AuditEvent{0, id, now, m_actor, u"tenant.delete"_s, u"tenant"_s, before.slug,
                               JsonCodec::toJson(before), {}, {}, {}});
        Query q(m_db, tr("Could not delete the tenant"));
        q.prepare(u"DELETE FROM usage_samples WHERE tenant_id = ?"_s).bind(id).exec();
        q.prepare(u"UPDATE billing_lines SET tenant_id = NULL WHERE tenant_id = ?"_s).bind(id).exec();
        q.prepare(u"DELETE FROM tenants WHERE id = ? AND version = ?"_s).bind(id).bind(expectedVersion).exec();
        return before;
    });
}

Environment SqlSession::addEnvironment(TenantId tenantId, const NewEnvironment& environment) const
{
    TenantSettings::checkNewEnvironment(environment);
    return transaction([&] {
        const Tenant tenant = fetchTenant(m_db, tenantId);
        requireLive(tenant, tr("Could not add the environment"));
        requireUniqueEnvironmentName(m_db, tenantId, environment.name, 0);
        Environment e;
        e.tenantId = tenantId;
        e.name = environment.name;
        e.kind = environment.kind;
        e.settings = environment.settings;
        e.createdAt = QDateTime::currentDateTimeUtc();
        insertEnvironment(m_db, e);
        appendAudit(AuditEvent{0, tenantId, e.createdAt, m_actor, u"environment.add"_s, u"environment"_s, e.name, {},
                               QJsonObject{{u"name"_s, e.name}, {u"kind"_s, environmentKindKey(e.kind)}, {u"settings"_s, e.settings}},
                               {}, {}});
        return fetchEnvironment(m_db, e.id);
    });
}

Environment SqlSession::updateEnvironment(EnvironmentId id, const EnvironmentChange& change, qint64 expectedVersion) const
{
    TenantSettings::checkEnvironmentChange(change);
    return transaction([&] {
        lockRow(m_db, u"environments"_s, id);
        const Environment before = fetchEnvironment(m_db, id);
        checkVersion(before.name, before.version, expectedVersion);
        requireLive(fetchTenant(m_db, before.tenantId), tr("Could not change the environment"));
        QJsonObject beforeJson, afterJson;
        if (change.name && *change.name != before.name) {
            requireUniqueEnvironmentName(m_db, before.tenantId, *change.name, id);
            beforeJson.insert(u"name"_s, before.name);
            afterJson.insert(u"name"_s, *change.name);
        }
        if (change.settings && *change.settings != before.settings) {
            beforeJson.insert(u"settings"_s, before.settings);
            afterJson.insert(u"settings"_s, *change.settings);
        }
        if (afterJson.isEmpty())
            return before;
        const QDateTime now = QDateTime::currentDateTimeUtc();
        Query q(m_db, tr("Could not change the environment"));
        q.prepare(u"UPDATE environments SET name = ?, settings = ?, version = version + 1 WHERE id = ? AND version = ?"_s)
            .bind(change.name.value_or(before.name)).bind(jsonText(change.settings.value_or(before.settings)))
            .bind(id).bind(expectedVersion).exec();
        appendAudit(AuditEvent{0, before.tenantId, now, m_actor, u"environment.update"_s, u"environment"_s, before.name,
                               beforeJson, afterJson, {}, {}});
        return fetchEnvironment(m_db, id);
    });
}

Environment SqlSession::removeEnvironment(EnvironmentId id, qint64 expectedVersion) const
{
    return transaction([&] {
        lockRow(m_db, u"environments"_s, id);
        const Environment before = fetchEnvironment(m_db, id);
        checkVersion(before.name, before.version, expectedVersion);
        requireLive(fetchTenant(m_db, before.tenantId), tr("Could not remove the environment"));
        Query q(m_db, tr("Could not remove the environment"));
        q.prepare(u"DELETE FROM memberships WHERE tenant_id = ? AND environment_id = ?"_s).bind(before.tenantId).bind(id).exec();
        q.prepare(u"DELETE FROM usage_samples WHERE tenant_id = ? AND environment_id = ?"_s).bind(before.tenantId).bind(id).exec();
        q.prepare(u"DELETE FROM environments WHERE id = ?"_s).bind(id).exec();
        appendAudit(AuditEvent{0, before.tenantId, QDateTime::currentDateTimeUtc(), m_actor, u"environment.remove"_s,
                               u"environment"_s, before.name,
                               QJsonObject{{u"name"_s, before.name}, {u"kind"_s, environmentKindKey(before.kind)},
                                           {u"settings"_s, before.settings}}, {}, {}, {}});
        return before;
    });
}

Environment SqlSession::promoteEnvironment(EnvironmentId sourceId, EnvironmentId targetId, const QStringList& keys,
                                           qint64 expectedTargetVersion) const
{
    if (keys.isEmpty())
        throw StoreError(ErrorCode::Invalid, tr("keys: choose at least one setting to promote.")).withField(u"keys"_s);
    if (sourceId == targetId)
        throw StoreError(ErrorCode::Invalid, tr("target_id: an environment is promoted to another one, not to itself."))
            .withField(u"target_id"_s);
    return transaction([&] {
        lockRow(m_db, u"environments"_s, targetId);
        const Environment source = fetchEnvironment(m_db, sourceId);
        const Environment target = fetchEnvironment(m_db, targetId);
        if (source.tenantId != target.tenantId)
            throw StoreError(ErrorCode::Invalid, tr("source_id: settings are promoted between environments of one tenant."))
                .withField(u"source_id"_s);
        checkVersion(target.name, target.version, expectedTargetVersion);
        requireLive(fetchTenant(m_db, target.tenantId), tr("Could not promote the settings"));
        QJsonObject settings = target.settings;
        QJsonObject beforeJson, afterJson;
        for (const QString& key : keys) {
            if (!source.settings.contains(key) && !target.settings.contains(key))
                throw StoreError(ErrorCode::Invalid, tr("keys: neither “%1” nor “%2” has a setting “%3”.")
                                                         .arg(source.name, target.name, key)).withField(u"keys"_s);
            const QJsonValue from = source.settings.value(key);
            if (from == target.settings.value(key))
                continue;
            beforeJson.insert(key, target.settings.contains(key) ? target.settings.value(key) : QJsonValue(QJsonValue::Null));
            afterJson.insert(key, source.settings.contains(key) ? from : QJsonValue(QJsonValue::Null));
            if (source.settings.contains(key))
                settings.insert(key, from);
            else
                settings.remove(key);
        }
        if (afterJson.isEmpty())
            return target;
        Query q(m_db, tr("Could not promote the settings"));
        q.prepare(u"UPDATE environments SET settings = ?, version = version + 1 WHERE id = ? AND version = ?"_s)
            .bind(jsonText(settings)).bind(targetId).bind(expectedTargetVersion).exec();
        appendAudit(AuditEvent{0, target.tenantId, QDateTime::currentDateTimeUtc(), m_actor, u"environment.promote"_s,
                               u"environment"_s, target.name,
                               QJsonObject{{u"settings"_s, beforeJson}},
                               QJsonObject{{u"settings"_s, afterJson}, {u"from"_s, source.name}}, {}, {}});
        return fetchEnvironment(m_db, targetId);
    });
}

} // namespace TenantDesk
