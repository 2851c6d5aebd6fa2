#include "TenantBackup.h"

#include <cmath>

#include "JsonCodec.h"
#include "SqlTime.h"
#include "StoreError.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace TenantDesk {

using namespace Qt::StringLiterals;

namespace {

const QString formatName = u"tenantdesk-tenant-backup"_s;

QString tr(const char* text)
{
    return QCoreApplication::translate("TenantBackup", text);
}

[[noreturn]] void refuse(const QString& field, const QString& expected)
{
    throw StoreError(ErrorCode::Invalid, tr("The file is not a usable tenant backup: %1: expected %2.").arg(field, expected))
        .withField(field);
}

QJsonArray arrayAt(const QJsonObject& object, const QString& key)
{
    const QJsonValue value = object.value(key);
    if (!value.isArray())
        refuse(key, tr("a list"));
    return value.toArray();
}

QJsonObject objectAt(const QJsonArray& array, qsizetype i, const QString& key)
{
    if (!array.at(i).isObject())
        refuse(key + u'[' + QString::number(i) + u']', tr("an object"));
    return array.at(i).toObject();
}

QString textAt(const QJsonObject& object, const QString& key, const QString& field)
{
    const QJsonValue value = object.value(key);
    if (!value.isString())
        refuse(field + u'.' + key, tr("text"));
    return value.toString();
}

} // namespace

QByteArray TenantBackup::toJson() const
{
    QJsonArray environmentArray, roleArray, memberArray, usageArray, auditArray;
    for (const Environment& e : environments)
        environmentArray.append(JsonCodec::toJson(e));
    for (const CustomRole& r : roles) {
        QJsonObject role = JsonCodec::toJson(r.role);
        role.insert(u"included_role_names"_s, QJsonArray::fromStringList(r.includedRoleNames));
        roleArray.append(role);
    }
    for (const Member& m : memberships)
        memberArray.append(QJsonObject{{u"email"_s, m.email}, {u"display_name"_s, m.displayName},
                                       {u"status"_s, userStatusKey(m.status)},
                                       {u"environment"_s, m.environmentName}, {u"role"_s, m.roleName}});
    // Samples as rows [environment, metric, at, value]: a tenant may have hundreds of thousands.
    for (const Sample& s : usage)
        usageArray.append(QJsonArray{s.environmentName, usageMetricKey(s.metric), s.at, s.value});
    for (const AuditEvent& e : auditEvents)
        auditArray.append(JsonCodec::toJson(e));
    const QJsonObject document{
        {u"format"_s, formatName},
        {u"format_version"_s, formatVersion},
        {u"created_at"_s, SqlTime::format(createdAt)},
        {u"created_by"_s, createdBy},
        {u"source"_s, source},
        {u"tenant"_s, JsonCodec::toJson(tenant)},
        {u"parent_slug"_s, parentSlug},
        {u"environments"_s, environmentArray},
        {u"roles"_s, roleArray},
        {u"memberships"_s, memberArray},
        {u"usage"_s, usageArray},
        {u"audit_events"_s, auditArray},
    };
    return QJsonDocument(document).toJson(QJsonDocument::Indented);
}

TenantBackup TenantBackup::fromJson(const QByteArray& data)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(data, &error);
    if (error.error != QJsonParseError::NoError)
        throw StoreError(ErrorCode::Invalid, tr("The file is not a tenant backup: it is not JSON (%1 at byte %2).")
                                                 .arg(error.errorString()).arg(error.offset)).withField(u"backup"_s);
    const QJsonObject root = document.object();
    if (root.value(u"format"_s).toString() != formatName)
        refuse(u"format"_s, u"“"_s + formatName + u"”"_s);
    const int version = root.value(u"format_version"_s).toInt(0);
    if (version < 1)
        refuse(u"format_version"_s, tr("a version number"));
    if (version > formatVersion)
        throw StoreError(ErrorCode::Unsupported,
                         tr("The backup was written by a newer TenantDesk (format %1; this one reads up to %2). "
                            "Restore it with that version.").arg(version).arg(formatVersion)).withField(u"format_version"_s);
    TenantBackup backup;
    backup.createdAt = SqlTime::parse(root.value(u"created_at"_s).toString());
    backup.createdBy = root.value(u"created_by"_s).toString();
    backup.source = root.value(u"source"_s).toString();
    if (!root.value(u"tenant"_s).isObject())
        refuse(u"tenant"_s, tr("an object"));
    backup.tenant = JsonCodec::tenantFromJson(root.value(u"tenant"_s).toObject());
    backup.parentSlug = root.value(u"parent_slug"_s).toString();

    const QJsonArray environments = arrayAt(root, u"environments"_s);
    for (qsizetype i = 0; i < environments.size(); ++i)
        backup.environments.append(JsonCodec::environmentFromJson(objectAt(environments, i, u"environments"_s)));

    const QJsonArray roles = arrayAt(root, u"roles"_s);
    for (qsizetype i = 0; i < roles.size(); ++i) {
        const QJsonObject object = objectAt(roles, i, u"roles"_s);
        CustomRole role{JsonCodec::roleFromJson(object), {}};
        for (const QJsonValue& name : object.value(u"included_role_names"_s).toArray())
            role.includedRoleNames.append(name.toString());
        backup.roles.append(role);
    }

    const QJsonArray members = arrayAt(root, u"memberships"_s);
    for (qsizetype i = 0; i < members.size(); ++i) {
        const QString field = u"memberships["_s + QString::number(i) + u']';
        const QJsonObject object = objectAt(members, i, u"memberships"_s);
        Member member;
        member.email = textAt(object, u"email"_s, field);
        member.displayName = textAt(object, u"display_name"_s, field);
        const auto status = userStatusFromKey(textAt(object, u"status"_s, field));
        if (!status)
            refuse(field + u".status"_s, tr("invited, active or disabled"));
        member.status = *status;
        member.environmentName = textAt(object, u"environment"_s, field);
        member.roleName = textAt(object, u"role"_s, field);
        backup.memberships.append(member);
    }

    const QJsonArray usage = arrayAt(root, u"usage"_s);
    backup.usage.reserve(usage.size());
    for (qsizetype i = 0; i < usage.size(); ++i) {
        const QJsonArray row = usage.at(i).toArray();
        const auto metric = row.size() == 4 ? usageMetricFromKey(row.at(1).toString()) : std::nullopt;
        const double at = row.at(2).toDouble();
        if (!metric || !row.at(0).isString() || !row.at(2).isDouble() || !row.at(3).isDouble()
            || !(at >= -62135596800.0 && at <= 253402300799.0) || at != std::floor(at))
            refuse(u"usage["_s + QString::number(i) + u']', tr("[environment, metric, time, value]"));
        backup.usage.append(Sample{row.at(0).toString(), *metric, qint64(at), row.at(3).toDouble()});
    }

    const QJsonArray audit = arrayAt(root, u"audit_events"_s);
    for (qsizetype i = 0; i < audit.size(); ++i)
        backup.auditEvents.append(JsonCodec::auditEventFromJson(objectAt(audit, i, u"audit_events"_s)));
    return backup;
}

QString TenantBackup::checksum(const QByteArray& document)
{
    // Over the compact form: the same backup sent through the REST API (re-encoded) keeps its name.
    const QByteArray compact = QJsonDocument::fromJson(document).toJson(QJsonDocument::Compact);
    return QString::fromLatin1(QCryptographicHash::hash(compact, QCryptographicHash::Sha256).toHex());
}

} // namespace TenantDesk
