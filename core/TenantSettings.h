#pragma once

#include "StoreQueries.h"
#include "Tenant.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace TenantDesk::TenantSettings {

// What a tenant's settings may hold. The check… functions throw StoreError(Invalid) naming the
// field ("security_policy.ip_allow_list[2]"); the …Error functions return the reason a value is
// refused (empty when it is fine), for the UI to show beside the field before anything is sent.

QString domainError(const QString& domain);     // "" is fine: no domain
QString timezoneError(const QString& timezone); // an IANA name known to this system
QString languageError(const QString& language); // "de", "en-GB"
QString displayNameError(const QString& name);
// An IPv4 or IPv6 network in CIDR notation ("10.0.0.0/8", "2001:db8::/32") without host bits set.
QString cidrError(const QString& cidr);
QString featureFlagNameError(const QString& name); // "beta_dashboards"
QString settingKeyError(const QString& key);       // "webhook.url", "SCIM_ENDPOINT"
QString environmentNameError(const QString& name);

// The security policy's fields and their ranges.
inline constexpr int minimumPasswordLength = 8;
inline constexpr int maximumPasswordLength = 128;
inline constexpr int minimumSessionTimeoutMinutes = 5;
inline constexpr int maximumSessionTimeoutMinutes = 7 * 24 * 60;

void checkNewTenant(const NewTenant& tenant);
void checkTenantChange(const TenantChange& change);
void checkQuotas(const TenantQuotas& quotas);
void checkApiRateLimit(const std::optional<int>& limit);
// {"password_min_length": 8..128, "password_classes": 1..4, "mfa_required": bool,
//  "session_timeout_minutes": 5..10080, "ip_allow_list": ["10.0.0.0/8", ...]}; each optional.
void checkSecurityPolicy(const QJsonObject& policy);
void checkFeatureFlags(const QJsonObject& flags);          // name → true/false
void checkIntegrationSettings(const QJsonObject& settings); // key → text of at most 4096 characters
void checkNewEnvironment(const NewEnvironment& environment);
void checkEnvironmentChange(const EnvironmentChange& change);
void checkEnvironmentSettings(const QJsonObject& settings); // key → text, number or true/false

// A feature flag as the tenant has it: its value and where the value comes from.
struct FeatureFlag {
    QString name;
    bool enabled = false;
    TenantId setBy = 0;      // whose value it is: the tenant itself or one of its ancestors
    bool inherited = false;  // set by an ancestor, not by the tenant
    bool overrides = false;  // set by the tenant over a value an ancestor sets
    bool inheritedValue = false; // when overrides: the value the tenant would otherwise inherit

    friend bool operator==(const FeatureFlag&, const FeatureFlag&) = default;
};

// The flags of `tenant`, its own values over those inherited from `ancestors` (top-level first,
// as TenantSummary::ancestors), sorted by name.
QList<FeatureFlag> effectiveFeatureFlags(const QList<Tenant>& ancestors, const Tenant& tenant);

} // namespace TenantDesk::TenantSettings
