// The tenant-administration part of the Store contract, run by CTest once per backend
// (TENANTDESK_CONTRACT_BACKEND, see ContractStores): creating and nesting tenants, every lifecycle
// transition, the decommissioning checklist, backup and restore, deletion, settings and their
// validation, environments and promotion, and the audit trail each change writes. Refusals are
// compared with those of the reference SqlStore on SQLite: the same code and the same field.

#include "AuditChain.h"
#include "ContractStores.h"
#include "JsonCodec.h"
#include "TenantBackup.h"
#include "TestSupport.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QStandardPaths>
#include <QTest>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

namespace {

NewTenant newTenant(const QString& slug, TenantId parentId = 0, QList<EnvironmentKind> environments = {})
{
    return NewTenant{slug, u"Tenant "_s + slug, parentId, slug + u".example.com"_s, u"Europe/Berlin"_s, u"de"_s,
                     std::move(environments)};
}

// Each step of the checklist, done; deleting the data with the slug typed.
Tenant completeChecklist(Store& store, Tenant tenant)
{
    for (DecommissionStep step : allDecommissionSteps) {
        DecommissionStepDone done{step, u"done by the contract test"_s, {}};
        if (step == DecommissionStep::DeleteData)
            done.confirmSlug = tenant.slug;
        tenant = await(store.completeDecommissionStep(tenant.id, done, tenant.version));
    }
    return tenant;
}

// Brings a requested tenant to `status` by the legal road.
Tenant bringTo(Store& store, Tenant tenant, TenantStatus status)
{
    const QList<TenantStatus> road{TenantStatus::Provisioning, TenantStatus::Active, TenantStatus::Suspended,
                                   TenantStatus::Decommissioning, TenantStatus::Archived};
    for (TenantStatus next : road) {
        if (tenant.status == status)
            break;
        if (next == TenantStatus::Archived)
            tenant = completeChecklist(store, tenant);
        tenant = await(store.changeTenantStatus(tenant.id, next, tenant.version));
    }
    return tenant;
}

// A backup without what necessarily differs between two backups of equal data: when and by whom it
// was taken, row ids, versions and times of change, the lifecycle state, and the audit trail.
QJsonObject comparable(const QByteArray& document)
{
    const TenantBackup backup = TenantBackup::fromJson(document);
    QJsonObject tenant = JsonCodec::toJson(backup.tenant);
    for (const char* key : {"id", "parent_id", "ancestor_ids", "status", "version", "updated_at", "decommission",
                            "environment_count", "sub_tenant_count"})
        tenant.remove(QString::fromLatin1(key));
    QJsonArray environments;
    for (const Environment& e : backup.environments)
        environments.append(QJsonObject{{u"name"_s, e.name}, {u"kind"_s, environmentKindKey(e.kind)}, {u"settings"_s, e.settings}});
    QJsonArray roles;
    for (const TenantBackup::CustomRole& r : backup.roles)
        roles.append(QJsonObject{{u"name"_s, r.role.name}, {u"scope"_s, roleScopeKey(r.role.scope)},
                                 {u"permissions"_s, QJsonArray::fromStringList(r.role.permissions)},
                                 {u"includes"_s, QJsonArray::fromStringList(r.includedRoleNames)}});
    QJsonArray members;
    for (const TenantBackup::Member& m : backup.memberships)
        members.append(QJsonObject{{u"email"_s, m.email}, {u"environment"_s, m.environmentName}, {u"role"_s, m.roleName}});
    QJsonArray usage;
    for (const TenantBackup::Sample& s : backup.usage)
        usage.append(QJsonArray{s.environmentName, usageMetricKey(s.metric), s.at, s.value});
    return QJsonObject{{u"tenant"_s, tenant}, {u"environments"_s, environments}, {u"roles"_s, roles},
                       {u"memberships"_s, members}, {u"usage"_s, usage}};
}

} // namespace

class TestTenantAdminContract : public QObject
{
    Q_OBJECT

private:
    ContractStores m_stores;
    Store* m_store = nullptr;
    SqlStore* m_reference = nullptr;
    int m_serial = 0;

    QString uniqueSlug(const QString& stem) { return stem + u'-' + QString::number(++m_serial); }

    Tenant create(const QString& stem, TenantId parentId = 0, QList<EnvironmentKind> environments = {})
    {
        return await(m_store->createTenant(newTenant(uniqueSlug(stem), parentId, std::move(environments))));
    }

    AuditEvent lastEvent(TenantId tenantId)
    {
        const QList<AuditEvent> events = await(m_store->auditEvents({.tenantId = tenantId, .limit = 1})).items;
        return events.isEmpty() ? AuditEvent{} : events.constFirst();
    }

    // A demo tenant without sub-tenants that has usage, memberships and environments.
    Tenant populatedLeaf()
    {
        const QList<Tenant> top = await(m_store->tenants({.limit = 500})).items;
        for (const Tenant& candidate : top) {
            QList<Tenant> level{candidate};
            while (!level.isEmpty()) {
                const Tenant t = level.takeFirst();
                if (t.subTenantCount > 0) {
                    level += await(m_store->tenants({.parentId = t.id, .limit = 500})).items;
                    continue;
                }
                if (t.environmentCount == 0 || t.status == TenantStatus::Archived || t.status == TenantStatus::Decommissioning)
                    continue;
                const UsageQuery usage{t.id, 0, UsageMetric::CpuHours, ContractStores::scale().anchor.addDays(-7),
                                       ContractStores::scale().anchor};
                if (!await(m_store->usage(usage)).isEmpty()
                    && !await(m_store->memberships({.tenantId = t.id, .limit = 1})).items.isEmpty())
                    return t;
            }
        }
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        qInfo("Tenant administration contract on %s", qPrintable(m_stores.backend()));
        QVERIFY2(m_stores.setUp(), qPrintable(m_stores.error()));
        m_store = &m_stores.store();
        m_reference = &m_stores.reference();
    }

    void createsNestedTenantsWithTheirEnvironments()
    {
        const Tenant parent = create(u"newco"_s, 0, {EnvironmentKind::Production, EnvironmentKind::Staging});
        QCOMPARE(parent.status, TenantStatus::Requested);
        QCOMPARE(parent.parentId, 0);
        QCOMPARE(parent.version, 1);
        QCOMPARE(parent.environmentCount, 2);
        QCOMPARE(parent.timezone, u"Europe/Berlin"_s);
        const QList<Environment> environments = await(m_store->environments(parent.id));
        QCOMPARE(environments.size(), 2);
        QCOMPARE(environments.at(0).kind, EnvironmentKind::Production);
        QCOMPARE(environments.at(1).name, environmentKindDisplayName(EnvironmentKind::Staging));

        const Tenant child = create(u"newco-emea"_s, parent.id, {EnvironmentKind::Sandbox});
        QCOMPARE(child.parentId, parent.id);
        QCOMPARE(child.ancestorIds, QList<TenantId>{parent.id});
        QCOMPARE(await(m_store->tenant(parent.id)).subTenantCount, 1);
        const QList<Tenant> children = await(m_store->tenants({.parentId = parent.id})).items;
        QCOMPARE(children.size(), 1);
        QCOMPARE(children.constFirst().slug, child.slug);

        // Audited, in the tenant's own new chain.
        const AuditEvent event = lastEvent(child.id);
        QCOMPARE(event.action, u"tenant.create"_s);
        QCOMPARE(event.actor, ContractStores::adminEmail);
        QCOMPARE(event.objectId, child.slug);
        QVERIFY(event.previousHash.isEmpty());
        QCOMPARE(event.after.value(u"environments"_s).toArray().size(), 1);
    }

    void creationIsRefusedByField_data()
    {
        QTest::addColumn<QString>("field");
        QTest::newRow("bad slug") << u"slug"_s;
        QTest::newRow("taken slug") << u"slug"_s;
        QTest::newRow("empty name") << u"display_name"_s;
        QTest::newRow("bad domain") << u"domain"_s;
        QTest::newRow("unknown time zone") << u"timezone"_s;
        QTest::newRow("bad language") << u"language"_s;
        QTest::newRow("missing parent") << QString();
        QTest::newRow("one kind twice") << u"environments"_s;
    }

    void creationIsRefusedByField()
    {
        QFETCH(QString, field);
        const QString tag = QString::fromLatin1(QTest::currentDataTag());
        const Tenant existing = await(m_reference->tenants({.limit = 1})).items.constFirst();
        NewTenant t = newTenant(u"refused-tenant"_s);
        if (tag == u"bad slug"_s)
            t.slug = u"Not A Slug"_s;
        else if (tag == u"taken slug"_s)
            t.slug = existing.slug;
        else if (tag == u"empty name"_s)
            t.displayName = u"  "_s;
        else if (tag == u"bad domain"_s)
            t.domain = u"not a domain"_s;
        else if (tag == u"unknown time zone"_s)
            t.timezone = u"Mars/Olympus_Mons"_s;
        else if (tag == u"bad language"_s)
            t.language = u"english"_s;
        else if (tag == u"missing parent"_s)
            t.parentId = 987654321;
        else
            t.environments = {EnvironmentKind::Production, EnvironmentKind::Production};
        const int before = await(m_store->platformSummary()).tenantCount;
        const Failure expected = failureOf(m_reference->createTenant(t));
        const Failure actual = failureOf(m_store->createTenant(t));
        compareFailures(expected, actual, QTest::currentDataTag());
        if (!field.isEmpty())
            QCOMPARE(actual.field, field);
        QCOMPARE(await(m_store->platformSummary()).tenantCount, before);
    }

    void everyLifecycleTransition_data()
    {
        QTest::addColumn<TenantStatus>("from");
        QTest::addColumn<TenantStatus>("to");
        for (TenantStatus from : allTenantStatuses) {
            for (TenantStatus to : allTenantStatuses) {
                const QByteArray tag = tenantStatusKey(from).toLatin1() + " to " + tenantStatusKey(to).toLatin1()
                    + (isLegalTransition(from, to) ? " (legal)" : " (illegal)");
                QTest::newRow(tag.constData()) << from << to;
            }
        }
    }

    void everyLifecycleTransition()
    {
        QFETCH(TenantStatus, from);
        QFETCH(TenantStatus, to);
        Tenant tenant = bringTo(*m_store, create(u"lifecycle"_s, 0, {EnvironmentKind::Production}), from);
        QCOMPARE(tenant.status, from);
        if (to == TenantStatus::Archived && from == TenantStatus::Decommissioning)
            tenant = completeChecklist(*m_store, tenant); // archived only once the checklist is done
        if (isLegalTransition(from, to)) {
            const Tenant after = await(m_store->changeTenantStatus(tenant.id, to, tenant.version));
            QCOMPARE(after.status, to);
            QCOMPARE(after.version, tenant.version + 1);
            const AuditEvent event = lastEvent(tenant.id);
            QVERIFY2(event.action.startsWith(u"tenant."_s), qPrintable(event.action));
            QCOMPARE(event.before.value(u"status"_s).toString(), tenantStatusKey(from));
            QCOMPARE(event.after.value(u"status"_s).toString(), tenantStatusKey(to));
            if (from == TenantStatus::Suspended && to == TenantStatus::Active)
                QCOMPARE(event.action, u"tenant.resume"_s);
            if (to == TenantStatus::Suspended)
                QCOMPARE(event.action, u"tenant.suspend"_s);
            return;
        }
        const Failure failure = failureOf(m_store->changeTenantStatus(tenant.id, to, tenant.version));
        QVERIFY(failure.failed);
        QCOMPARE(errorCodeName(failure.code), errorCodeName(ErrorCode::Invalid));
        QCOMPARE(failure.field, u"status"_s);
        QVERIFY2(failure.message.contains(tenantStatusKey(to)), qPrintable(failure.message));
        QCOMPARE(json(await(m_store->tenant(tenant.id))), json(tenant));
    }

    void aTenantWithLiveSubTenantsIsNotDecommissioned()
    {
        const Tenant parent = bringTo(*m_store, create(u"parent"_s), TenantStatus::Suspended);
        const Tenant child = create(u"child"_s, parent.id);
        const Failure failure = failureOf(m_store->changeTenantStatus(parent.id, TenantStatus::Decommissioning, parent.version));
        QCOMPARE(errorCodeName(failure.code), errorCodeName(ErrorCode::Invalid));
        QCOMPARE(failure.field, u"status"_s);
        bringTo(*m_store, child, TenantStatus::Archived);
        QCOMPARE(await(m_store->changeTenantStatus(parent.id, TenantStatus::Decommissioning, parent.version)).status,
                 TenantStatus::Decommissioning);
    }

    void theChecklistKeepsItsOrderAndAsksForTheSlug()
    {
        const Tenant tenant = bringTo(*m_store, create(u"checklist"_s, 0, {EnvironmentKind::Production}),
                                      TenantStatus::Decommissioning);
        Failure failure = failureOf(m_store->completeDecommissionStep(
            tenant.id, {DecommissionStep::DeleteData, {}, tenant.slug}, tenant.version));
        QCOMPARE(failure.field, u"step"_s); // not before the backup
        const Tenant backedUp = await(m_store->completeDecommissionStep(
            tenant.id, {DecommissionStep::BackUp, u"checklist.json"_s, {}}, tenant.version));
        QVERIFY(backedUp.decommission.contains(u"back_up"_s));
        QCOMPARE(backedUp.decommission.value(u"back_up"_s).toObject().value(u"note"_s).toString(), u"checklist.json"_s);
        QCOMPARE(backedUp.decommission.value(u"back_up"_s).toObject().value(u"by"_s).toString(), ContractStores::adminEmail);
        failure = failureOf(m_store->completeDecommissionStep(
            tenant.id, {DecommissionStep::DeleteData, {}, u"wrong"_s}, backedUp.version));
        QCOMPARE(failure.field, u"confirm_slug"_s);
        failure = failureOf(m_store->changeTenantStatus(tenant.id, TenantStatus::Archived, backedUp.version));
        QCOMPARE(failure.field, u"status"_s);
        QVERIFY2(failure.message.contains(decommissionStepDisplayName(DecommissionStep::FinaliseBilling)), qPrintable(failure.message));
        QCOMPARE(await(m_store->environments(tenant.id)).size(), 1); // nothing was deleted

        const Tenant done = completeChecklist(*m_store, backedUp);
        QCOMPARE(done.decommission.size(), qsizetype(std::size(allDecommissionSteps)));
        QCOMPARE(done.environmentCount, 0);
        QCOMPARE(await(m_store->changeTenantStatus(tenant.id, TenantStatus::Archived, done.version)).status, TenantStatus::Archived);
        // A step is not for a tenant that is not decommissioning.
        const Tenant active = bringTo(*m_store, create(u"active"_s), TenantStatus::Active);
        failure = failureOf(m_store->completeDecommissionStep(active.id, {DecommissionStep::BackUp, {}, {}}, active.version));
        QCOMPARE(failure.field, u"status"_s);
    }

    void backupAndRestoreGiveEqualData()
    {
        const Tenant original = populatedLeaf();
        QVERIFY2(original.id != 0, "the demo has a leaf tenant with usage and members");
        // Some settings of every kind, so that the backup carries them.
        TenantChange change;
        change.quotas = TenantQuotas{16, 64, std::nullopt, 50};
        change.featureFlags = QJsonObject{{u"beta_dashboards"_s, true}};
        change.securityPolicy = QJsonObject{{u"mfa_required"_s, true}, {u"ip_allow_list"_s, QJsonArray{u"10.0.0.0/8"_s}}};
        change.settings = QJsonObject{{u"scim.endpoint"_s, u"https://scim.example.com"_s}};
        Tenant tenant = await(m_store->updateTenant(original.id, change, original.version));
        const QByteArray backup = await(m_store->backUpTenant(tenant.id));
        const TenantBackup parsed = TenantBackup::fromJson(backup);
        QCOMPARE(parsed.tenant.slug, tenant.slug);
        QVERIFY(!parsed.memberships.isEmpty());
        QVERIFY(!parsed.usage.isEmpty());
        QCOMPARE(parsed.environments.size(), tenant.environmentCount);

        if (tenant.status != TenantStatus::Suspended && tenant.status != TenantStatus::Active) {
            // Demo tenants may be in any state; bring this one to active first where it can be.
            if (tenant.status == TenantStatus::Requested || tenant.status == TenantStatus::Provisioning)
                tenant = bringTo(*m_store, tenant, TenantStatus::Active);
        }
        if (tenant.status == TenantStatus::Active)
            tenant = await(m_store->changeTenantStatus(tenant.id, TenantStatus::Suspended, tenant.version));
        tenant = await(m_store->changeTenantStatus(tenant.id, TenantStatus::Decommissioning, tenant.version));
        tenant = completeChecklist(*m_store, tenant);
        tenant = await(m_store->changeTenantStatus(tenant.id, TenantStatus::Archived, tenant.version));
        QCOMPARE(tenant.environmentCount, 0);
        QVERIFY(await(m_store->memberships({.tenantId = tenant.id})).items.isEmpty());
        QVERIFY(tenant.settings.isEmpty());

        // In place: the same tenant, suspended, with everything it held.
        const Tenant restored = await(m_store->restoreTenant(backup, std::nullopt));
        QCOMPARE(restored.id, tenant.id);
        QCOMPARE(restored.status, TenantStatus::Suspended);
        QVERIFY(restored.decommission.isEmpty());
        QCOMPARE(comparable(await(m_store->backUpTenant(restored.id))), comparable(backup));
        const AuditEvent event = lastEvent(restored.id);
        QCOMPARE(event.action, u"tenant.restore"_s);
        QCOMPARE(event.after.value(u"backup_sha256"_s).toString(), TenantBackup::checksum(backup));
        QCOMPARE(event.after.value(u"in_place"_s).toBool(), true);

        // A second restore over a tenant that is not archived is refused.
        const Failure failure = failureOf(m_store->restoreTenant(backup, std::nullopt));
        QCOMPARE(errorCodeName(failure.code), errorCodeName(ErrorCode::Conflict));
        QCOMPARE(failure.field, u"slug"_s);

        // Into another database: a new, empty one, where the users are created, invited.
        QTemporaryDir elsewhere;
        SqlStore other(QDir(elsewhere.path()).filePath(u"other.tenantdesk"_s));
        await(other.open(OpenMode::CreateIfMissing));
        const Tenant copy = await(other.restoreTenant(backup, std::nullopt));
        QCOMPARE(copy.parentId, 0); // its parent is not there
        QCOMPARE(copy.status, TenantStatus::Suspended);
        QCOMPARE(comparable(await(other.backUpTenant(copy.id))), comparable(backup));
        const QList<User> users = await(other.users({.limit = 500})).items;
        QVERIFY(!users.isEmpty());
        for (const User& user : users)
            QCOMPARE(user.status, UserStatus::Invited);
    }

    void aBrokenBackupIsRefusedByField()
    {
        Failure failure = failureOf(m_store->restoreTenant("{\"format\": \"something else\"}", std::nullopt));
        QCOMPARE(errorCodeName(failure.code), errorCodeName(ErrorCode::Invalid));
        QCOMPARE(failure.field, u"format"_s);
        QJsonObject document = QJsonDocument::fromJson(await(m_store->backUpTenant(create(u"broken"_s).id))).object();
        document.insert(u"memberships"_s, QJsonArray{QJsonObject{{u"email"_s, 5}}});
        failure = failureOf(m_store->restoreTenant(QJsonDocument(document).toJson(), std::nullopt));
        QCOMPARE(errorCodeName(failure.code), errorCodeName(ErrorCode::Invalid));
        QVERIFY2(failure.field.startsWith(u"memberships[0]"_s), qPrintable(failure.field));
    }

    void onlyARequestedOrArchivedTenantIsDeleted()
    {
        const Tenant requested = create(u"deleted"_s, 0, {EnvironmentKind::Production});
        Failure failure = failureOf(m_store->deleteTenant(requested.id, u"other"_s, requested.version));
        QCOMPARE(failure.field, u"confirm_slug"_s);
        const Tenant active = bringTo(*m_store, create(u"kept"_s), TenantStatus::Active);
        failure = failureOf(m_store->deleteTenant(active.id, active.slug, active.version));
        QCOMPARE(failure.field, u"status"_s);
        const int before = await(m_store->platformSummary()).tenantCount;
        QCOMPARE(await(m_store->deleteTenant(requested.id, requested.slug, requested.version)).slug, requested.slug);
        QCOMPARE(await(m_store->platformSummary()).tenantCount, before - 1);
        QCOMPARE(errorCodeName(failureOf(m_store->tenant(requested.id)).code), errorCodeName(ErrorCode::NotFound));
        const QList<AuditEvent> deletions = await(m_store->auditEvents({.action = u"tenant.delete"_s, .text = requested.slug})).items;
        QCOMPARE(deletions.size(), 1);
        QCOMPARE(deletions.constFirst().before.value(u"slug"_s).toString(), requested.slug);
        // The next tenant does not take over the deleted one's id (and so its audit chain).
        QVERIFY(create(u"after-delete"_s).id != requested.id);
    }

    void aMoveTakesTheSubTreeAlong()
    {
        const Tenant a = create(u"move-a"_s);
        const Tenant b = create(u"move-b"_s);
        const Tenant child = create(u"move-child"_s, a.id);
        const Tenant grandchild = create(u"move-grandchild"_s, child.id);
        const Tenant moved = await(m_store->moveTenant(child.id, b.id, child.version));
        QCOMPARE(moved.parentId, b.id);
        QCOMPARE(moved.ancestorIds, QList<TenantId>{b.id});
        QCOMPARE(await(m_store->tenant(grandchild.id)).ancestorIds, (QList<TenantId>{b.id, child.id}));
        QCOMPARE(await(m_store->tenant(a.id)).subTenantCount, 0);
        const AuditEvent event = lastEvent(child.id);
        QCOMPARE(event.action, u"tenant.move"_s);
        QCOMPARE(event.before.value(u"parent_slug"_s).toString(), a.slug);
        QCOMPARE(event.after.value(u"parent_slug"_s).toString(), b.slug);

        Failure failure = failureOf(m_store->moveTenant(child.id, grandchild.id, moved.version));
        QCOMPARE(failure.field, u"parent_id"_s);
        failure = failureOf(m_store->moveTenant(child.id, a.id, child.version)); // stale
        QCOMPARE(errorCodeName(failure.code), errorCodeName(ErrorCode::Conflict));
        const Tenant top = await(m_store->moveTenant(child.id, 0, moved.version));
        QCOMPARE(top.parentId, 0);
        QVERIFY(top.ancestorIds.isEmpty());
        QCOMPARE(await(m_store->tenant(grandchild.id)).ancestorIds, QList<TenantId>{child.id});
    }

    void settingsAreSavedAndAudited()
    {
        const Tenant tenant = create(u"settings"_s);
        TenantChange change;
        change.quotas = TenantQuotas{8, 32, 500, std::nullopt};
        change.apiRateLimit = std::optional<int>(1200);
        change.featureFlags = QJsonObject{{u"sso"_s, true}, {u"beta_dashboards"_s, false}};
        change.securityPolicy = QJsonObject{{u"password_min_length"_s, 12}, {u"password_classes"_s, 3},
                                            {u"mfa_required"_s, true}, {u"session_timeout_minutes"_s, 60},
                                            {u"ip_allow_list"_s, QJsonArray{u"10.0.0.0/8"_s, u"2001:db8::/32"_s}}};
        change.settings = QJsonObject{{u"webhook.url"_s, u"https://hooks.example.com/t"_s}};
        const Tenant after = await(m_store->updateTenant(tenant.id, change, tenant.version));
        QCOMPARE(after.quotas, *change.quotas);
        QCOMPARE(after.apiRateLimit, std::optional<int>(1200));
        QCOMPARE(after.featureFlags, *change.featureFlags);
        QCOMPARE(after.securityPolicy, *change.securityPolicy);
        QCOMPARE(after.settings, *change.settings);
        QCOMPARE(json(await(m_store->tenant(tenant.id))), json(after));
        const AuditEvent event = lastEvent(tenant.id);
        QCOMPARE(event.action, u"tenant.update"_s);
        QCOMPARE(event.after.value(u"quota_cpu_cores"_s).toInt(), 8);
        QVERIFY(event.before.value(u"quota_cpu_cores"_s).isNull());
        QCOMPARE(event.after.value(u"security_policy"_s).toObject(), *change.securityPolicy);

        // Back to no limit: nulls, not zeros.
        TenantChange unlimited;
        unlimited.quotas = TenantQuotas{};
        unlimited.apiRateLimit.emplace(); // set, to no limit
        const Tenant none = await(m_store->updateTenant(tenant.id, unlimited, after.version));
        QCOMPARE(none.quotas, TenantQuotas{});
        QVERIFY(!none.apiRateLimit);
    }

    void invalidSettingsAreRefusedByField_data()
    {
        QTest::addColumn<QString>("field");
        QTest::newRow("negative quota") << u"quotas.cpu_cores"_s;
        QTest::newRow("zero rate limit") << u"api_rate_limit"_s;
        QTest::newRow("bad flag name") << u"feature_flags.Bad Flag"_s;
        QTest::newRow("flag that is not a switch") << u"feature_flags.sso"_s;
        QTest::newRow("short passwords") << u"security_policy.password_min_length"_s;
        QTest::newRow("five character classes") << u"security_policy.password_classes"_s;
        QTest::newRow("mfa as text") << u"security_policy.mfa_required"_s;
        QTest::newRow("one-minute sessions") << u"security_policy.session_timeout_minutes"_s;
        QTest::newRow("host bits in a CIDR") << u"security_policy.ip_allow_list[1]"_s;
        QTest::newRow("not a CIDR") << u"security_policy.ip_allow_list[0]"_s;
        QTest::newRow("unknown policy") << u"security_policy.password_rotation"_s;
        QTest::newRow("integration number") << u"settings.retries"_s;
        QTest::newRow("integration key") << u"settings.bad key"_s;
    }

    void invalidSettingsAreRefusedByField()
    {
        QFETCH(QString, field);
        const QString tag = QString::fromLatin1(QTest::currentDataTag());
        TenantChange change;
        if (tag == u"negative quota"_s)
            change.quotas = TenantQuotas{-1, 8, 8, 8};
        else if (tag == u"zero rate limit"_s)
            change.apiRateLimit = std::optional<int>(0);
        else if (tag == u"bad flag name"_s)
            change.featureFlags = QJsonObject{{u"Bad Flag"_s, true}};
        else if (tag == u"flag that is not a switch"_s)
            change.featureFlags = QJsonObject{{u"sso"_s, u"yes"_s}};
        else if (tag == u"short passwords"_s)
            change.securityPolicy = QJsonObject{{u"password_min_length"_s, 4}};
        else if (tag == u"five character classes"_s)
            change.securityPolicy = QJsonObject{{u"password_classes"_s, 5}};
        else if (tag == u"mfa as text"_s)
            change.securityPolicy = QJsonObject{{u"mfa_required"_s, u"yes"_s}};
        else if (tag == u"one-minute sessions"_s)
            change.securityPolicy = QJsonObject{{u"session_timeout_minutes"_s, 1}};
        else if (tag == u"host bits in a CIDR"_s)
            change.securityPolicy = QJsonObject{{u"ip_allow_list"_s, QJsonArray{u"10.0.0.0/8"_s, u"192.168.1.7/24"_s}}};
        else if (tag == u"not a CIDR"_s)
            change.securityPolicy = QJsonObject{{u"ip_allow_list"_s, QJsonArray{u"300.1.1.0/24"_s}}};
        else if (tag == u"unknown policy"_s)
            change.securityPolicy = QJsonObject{{u"password_rotation"_s, 90}};
        else if (tag == u"integration number"_s)
            change.settings = QJsonObject{{u"retries"_s, 3}};
        else
            change.settings = QJsonObject{{u"bad key"_s, u"x"_s}};
        const Tenant tenant = await(m_reference->tenants({.limit = 1})).items.constFirst();
        const Tenant stored = await(m_store->tenant(tenant.id));
        const Failure expected = failureOf(m_reference->updateTenant(tenant.id, change, tenant.version));
        const Failure actual = failureOf(m_store->updateTenant(tenant.id, change, stored.version));
        compareFailures(expected, actual, QTest::currentDataTag());
        QCOMPARE(actual.field, field);
        QCOMPARE(json(await(m_store->tenant(tenant.id))), json(stored));
    }

    void environmentsAreAddedRenamedAndRemoved()
    {
        const Tenant tenant = create(u"environments"_s, 0, {EnvironmentKind::Production});
        const Environment staging = await(m_store->addEnvironment(
            tenant.id, {u"EU staging"_s, EnvironmentKind::Staging, QJsonObject{{u"replicas"_s, 1}}}));
        QCOMPARE(staging.tenantId, tenant.id);
        QCOMPARE(staging.settings.value(u"replicas"_s).toInt(), 1);
        Failure failure = failureOf(m_store->addEnvironment(tenant.id, {u"EU staging"_s, EnvironmentKind::Sandbox, {}}));
        QCOMPARE(errorCodeName(failure.code), errorCodeName(ErrorCode::Conflict));
        QCOMPARE(failure.field, u"name"_s);
        failure = failureOf(m_store->addEnvironment(tenant.id, {u"x"_s, EnvironmentKind::Sandbox, QJsonObject{{u"list"_s, QJsonArray{}}}}));
        QCOMPARE(failure.field, u"settings.list"_s);

        const Environment renamed = await(m_store->updateEnvironment(
            staging.id, {u"Staging EU"_s, QJsonObject{{u"replicas"_s, 2}, {u"log_level"_s, u"debug"_s}}}, staging.version));
        QCOMPARE(renamed.name, u"Staging EU"_s);
        QCOMPARE(renamed.version, staging.version + 1);
        failure = failureOf(m_store->updateEnvironment(staging.id, {u"Stale"_s, std::nullopt}, staging.version));
        QCOMPARE(errorCodeName(failure.code), errorCodeName(ErrorCode::Conflict));
        QCOMPARE(lastEvent(tenant.id).action, u"environment.update"_s);

        const Environment removed = await(m_store->removeEnvironment(renamed.id, renamed.version));
        QCOMPARE(removed.name, u"Staging EU"_s);
        QCOMPARE(await(m_store->environments(tenant.id)).size(), 1);
        QCOMPARE(lastEvent(tenant.id).action, u"environment.remove"_s);
        QCOMPARE(lastEvent(tenant.id).before.value(u"settings"_s).toObject().value(u"replicas"_s).toInt(), 2);
    }

    void promotionCopiesTheChosenKeysAsOneChange()
    {
        const Tenant tenant = create(u"promotion"_s, 0, {EnvironmentKind::Production, EnvironmentKind::Staging});
        const QList<Environment> environments = await(m_store->environments(tenant.id));
        Environment production = environments.at(0);
        Environment staging = environments.at(1);
        production = await(m_store->updateEnvironment(production.id, {std::nullopt, QJsonObject{
            {u"replicas"_s, 3}, {u"log_level"_s, u"warning"_s}, {u"legacy"_s, true}}}, production.version));
        staging = await(m_store->updateEnvironment(staging.id, {std::nullopt, QJsonObject{
            {u"replicas"_s, 1}, {u"log_level"_s, u"info"_s}, {u"cache_ttl"_s, 300}}}, staging.version));

        const Environment promoted = await(m_store->promoteEnvironment(
            staging.id, production.id, {u"log_level"_s, u"cache_ttl"_s, u"legacy"_s}, production.version));
        QCOMPARE(promoted.settings, (QJsonObject{{u"replicas"_s, 3}, {u"log_level"_s, u"info"_s}, {u"cache_ttl"_s, 300}}));
        QCOMPARE(promoted.version, production.version + 1);
        const AuditEvent event = lastEvent(tenant.id);
        QCOMPARE(event.action, u"environment.promote"_s);
        QCOMPARE(event.after.value(u"from"_s).toString(), staging.name);
        QCOMPARE(event.before.value(u"settings"_s).toObject().value(u"log_level"_s).toString(), u"warning"_s);
        QVERIFY(event.after.value(u"settings"_s).toObject().value(u"legacy"_s).isNull());

        Failure failure = failureOf(m_store->promoteEnvironment(staging.id, production.id, {u"replicas"_s}, production.version));
        QCOMPARE(errorCodeName(failure.code), errorCodeName(ErrorCode::Conflict)); // stale
        failure = failureOf(m_store->promoteEnvironment(staging.id, production.id, {}, promoted.version));
        QCOMPARE(failure.field, u"keys"_s);
        const Tenant other = create(u"promotion-other"_s, 0, {EnvironmentKind::Production});
        const Environment foreign = await(m_store->environments(other.id)).constFirst();
        failure = failureOf(m_store->promoteEnvironment(foreign.id, production.id, {u"replicas"_s}, promoted.version));
        QCOMPARE(failure.field, u"source_id"_s);
        QCOMPARE(json(await(m_store->environments(tenant.id)).constFirst()), json(promoted));
    }

    void theAuditTrailIsFiltered()
    {
        const Tenant tenant = create(u"audited"_s);
        TenantChange change;
        change.displayName = u"Audited by filter"_s;
        await(m_store->updateTenant(tenant.id, change, tenant.version));

        const QList<AuditEvent> mine = await(m_store->auditEvents({.actor = ContractStores::adminEmail, .limit = 500})).items;
        QVERIFY(!mine.isEmpty());
        for (const AuditEvent& e : mine)
            QCOMPARE(e.actor, ContractStores::adminEmail);
        const QList<AuditEvent> tenantActions = await(m_store->auditEvents({.action = u"tenant."_s, .limit = 500})).items;
        QVERIFY(!tenantActions.isEmpty());
        for (const AuditEvent& e : tenantActions)
            QVERIFY2(e.action.startsWith(u"tenant."_s), qPrintable(e.action));
        const QList<AuditEvent> byText = await(m_store->auditEvents({.text = u"audited by FILTER"_s})).items;
        QCOMPARE(byText.size(), 1);
        QCOMPARE(byText.constFirst().tenantId, tenant.id);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY(await(m_store->auditEvents({.tenantId = tenant.id, .from = now.addSecs(3600)})).items.isEmpty());
        QCOMPARE(await(m_store->auditEvents({.tenantId = tenant.id, .from = now.addSecs(-3600), .to = now.addSecs(3600)})).items.size(), 2);
        const Failure failure = failureOf(m_store->auditEvents({.from = now, .to = now.addSecs(-1)}));
        QCOMPARE(failure.field, u"from"_s);
    }

    // Last: after every change above, each tenant's hash chain still holds.
    void theAuditChainsHold()
    {
        QList<AuditEvent> events;
        QString cursor;
        do {
            const Page<AuditEvent> page = await(m_store->auditEvents({.limit = 500, .cursor = cursor}));
            events += page.items;
            cursor = page.nextCursor;
        } while (!cursor.isEmpty());
        const AuditChainReport report = verifyAuditChains(events);
        QVERIFY2(!report.firstBreak, report.firstBreak ? qPrintable(report.firstBreak->problem) : "");
        QVERIFY(report.events > 0);
    }
};

QTEST_GUILESS_MAIN(TestTenantAdminContract)
#include "tst_tenantadmincontract.moc"
