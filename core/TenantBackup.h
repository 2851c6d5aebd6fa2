#pragma once

#include "AuditEvent.h"
#include "Environment.h"
#include "Role.h"
#include "Tenant.h"
#include "UsageSample.h"
#include "User.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

namespace TenantDesk {

// Everything a tenant holds, as one JSON document to keep in a file: what a decommissioned tenant
// is restored from, into the same database or another one. Users and roles are named (by e-mail
// and role name), not numbered, so that the backup means the same in any database.
struct TenantBackup {
    static constexpr int formatVersion = 1;

    struct Member {
        QString email;
        QString displayName;
        UserStatus status = UserStatus::Invited;
        QString environmentName; // empty: the whole tenant
        QString roleName;        // a built-in role, one of the tenant's own or one of an ancestor's

        friend bool operator==(const Member&, const Member&) = default;
    };
    struct Sample {
        QString environmentName;
        UsageMetric metric = UsageMetric::CpuHours;
        qint64 at = 0; // seconds since the epoch, UTC
        double value = 0;

        friend bool operator==(const Sample&, const Sample&) = default;
    };
    struct CustomRole {
        Role role;                  // its id and included ids are those of the source
        QStringList includedRoleNames;

        friend bool operator==(const CustomRole&, const CustomRole&) = default;
    };

    QDateTime createdAt;
    QString source;          // the store the backup was taken from
    QString createdBy;
    Tenant tenant;
    QString parentSlug;      // empty for a top-level tenant
    QList<Environment> environments;
    QList<CustomRole> roles; // the tenant's own roles
    QList<Member> memberships;
    QList<Sample> usage;
    QList<AuditEvent> auditEvents; // the tenant's trail until the backup, kept for the record

    QByteArray toJson() const;
    // Reads a backup; a document that is not one, or of a newer format, is refused with the field named.
    static TenantBackup fromJson(const QByteArray& document);
    // SHA-256 of the document in compact JSON, in hex: names one backup in the audit trail,
    // however its white space was written.
    static QString checksum(const QByteArray& document);
};

} // namespace TenantDesk
