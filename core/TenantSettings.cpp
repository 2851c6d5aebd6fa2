#include "TenantSettings.h"

#include "StoreError.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTimeZone>

#include <map>

namespace TenantDesk::TenantSettings {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("TenantSettings", text);
}

// Throws Invalid for `field` when `reason` is not empty.
void require(const QString& field, const QString& reason)
{
    if (!reason.isEmpty())
        throw StoreError(ErrorCode::Invalid, field + u": "_s + reason).withField(field);
}

[[noreturn]] void refuse(const QString& field, const QString& reason)
{
    throw StoreError(ErrorCode::Invalid, field + u": "_s + reason).withField(field);
}

void checkRange(const QString& field, const QJsonValue& value, int minimum, int maximum)
{
    const double number = value.toDouble(-1);
    if (!value.isDouble() || number != double(qint64(number)) || number < minimum || number > maximum)
        refuse(field, tr("a whole number from %1 to %2 is needed.").arg(minimum).arg(maximum));
}

} // namespace

QString displayNameError(const QString& name)
{
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty() || trimmed.size() > 200)
        return tr("a tenant's name has 1 to 200 characters.");
    return {};
}

QString domainError(const QString& domain)
{
    static const QRegularExpression pattern(
        u"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$"_s);
    if (!domain.isEmpty() && !pattern.match(domain).hasMatch())
        return tr("“%1” is not a domain name such as example.com.").arg(domain);
    return {};
}

QString timezoneError(const QString& timezone)
{
    if (timezone.isEmpty() || !QTimeZone::isTimeZoneIdAvailable(timezone.toUtf8()))
        return tr("“%1” is not an IANA time zone such as Europe/Berlin.").arg(timezone);
    return {};
}

QString languageError(const QString& language)
{
    static const QRegularExpression pattern(u"^[a-z]{2,3}(-[A-Z]{2})?$"_s);
    if (!pattern.match(language).hasMatch())
        return tr("“%1” is not a language tag such as de or en-GB.").arg(language);
    return {};
}

QString cidrError(const QString& cidr)
{
    static const QRegularExpression shape(u"^[0-9A-Fa-f:.]+/[0-9]{1,3}$"_s);
    if (!shape.match(cidr).hasMatch())
        return tr("“%1” is not a network in CIDR notation such as 10.0.0.0/8 or 2001:db8::/32.").arg(cidr);
    const auto [address, prefix] = QHostAddress::parseSubnet(cidr);
    if (address.isNull() || prefix < 0)
        return tr("“%1” is not a network in CIDR notation such as 10.0.0.0/8 or 2001:db8::/32.").arg(cidr);
    // parseSubnet clears the host bits; a different address means some were set.
    const QString given = cidr.section(u'/', 0, 0);
    if (!QHostAddress(given).isEqual(address, QHostAddress::StrictConversion))
        return tr("“%1” has host bits set; the network is %2/%3.").arg(cidr, address.toString()).arg(prefix);
    return {};
}

QString featureFlagNameError(const QString& name)
{
    static const QRegularExpression pattern(u"^[a-z][a-z0-9_]{0,63}$"_s);
    if (!pattern.match(name).hasMatch())
        return tr("“%1” is not a flag name: lower-case letters, digits and _, starting with a letter, "
                  "at most 64 characters.").arg(name);
    return {};
}

QString settingKeyError(const QString& key)
{
    static const QRegularExpression pattern(u"^[A-Za-z][A-Za-z0-9_.-]{0,63}$"_s);
    if (!pattern.match(key).hasMatch())
        return tr("“%1” is not a setting key: letters, digits, _, . and -, starting with a letter, "
                  "at most 64 characters.").arg(key);
    return {};
}

QString environmentNameError(const QString& name)
{
    if (name.trimmed().isEmpty() || name.size() > 100 || name.trimmed() != name)
        return tr("an environment's name has 1 to 100 characters, without spaces around it.");
    return {};
}

void checkQuotas(const TenantQuotas& quotas)
{
    const auto check = [](const char* field, const std::optional<int>& value) {
        if (value && (*value < 0 || *value > 1'000'000'000))
            refuse(u"quotas."_s + QString::fromLatin1(field),
                   tr("a quota is a whole number from 0 to 1000000000, or empty for no limit; %1 is not.").arg(*value));
    };
    check("cpu_cores", quotas.cpuCores);
    check("memory_gb", quotas.memoryGb);
    check("storage_gb", quotas.storageGb);
    check("user_seats", quotas.userSeats);
}

void checkApiRateLimit(const std::optional<int>& limit)
{
    if (limit && (*limit < 1 || *limit > 10'000'000))
        refuse(u"api_rate_limit"_s, tr("requests per minute from 1 to 10000000, or empty for no limit; %1 is not.").arg(*limit));
}

void checkSecurityPolicy(const QJsonObject& policy)
{
    for (auto it = policy.begin(); it != policy.end(); ++it) {
        const QString field = u"security_policy."_s + it.key();
        const QString& key = it.key();
        if (key == u"password_min_length"_s)
            checkRange(field, it.value(), minimumPasswordLength, maximumPasswordLength);
        else if (key == u"password_classes"_s)
            checkRange(field, it.value(), 1, 4);
        else if (key == u"session_timeout_minutes"_s)
            checkRange(field, it.value(), minimumSessionTimeoutMinutes, maximumSessionTimeoutMinutes);
        else if (key == u"mfa_required"_s) {
            if (!it.value().isBool())
                refuse(field, tr("true or false is needed."));
        } else if (key == u"ip_allow_list"_s) {
            if (!it.value().isArray())
                refuse(field, tr("a list of networks in CIDR notation is needed."));
            const QJsonArray list = it.value().toArray();
            if (list.size() > 1000)
                refuse(field, tr("at most 1000 networks."));
            for (qsizetype i = 0; i < list.size(); ++i) {
                const QString item = field + u'[' + QString::number(i) + u']';
                if (!list.at(i).isString())
                    refuse(item, tr("a network in CIDR notation is needed."));
                require(item, cidrError(list.at(i).toString()));
            }
        } else {
            refuse(field, tr("unknown field (known: password_min_length, password_classes, mfa_required, "
                             "session_timeout_minutes, ip_allow_list)."));
        }
    }
}

void checkFeatureFlags(const QJsonObject& flags)
{
    for (auto it = flags.begin(); it != flags.end(); ++it) {
        const QString field = u"feature_flags."_s + it.key();
        require(field, featureFlagNameError(it.key()));
        if (!it.value().isBool())
            refuse(field, tr("a flag is true or false."));
    }
}

void checkIntegrationSettings(const QJsonObject& settings)
{
    for (auto it = settings.begin(); it != settings.end(); ++it) {
        const QString field = u"settings."_s + it.key();
        require(field, settingKeyError(it.key()));
        if (!it.value().isString())
            refuse(field, tr("an integration setting is text."));
        if (it.value().toString().size() > 4096)
            refuse(field, tr("at most 4096 characters."));
    }
}

void checkEnvironmentSettings(const QJsonObject& settings)
{
    for (auto it = settings.begin(); it != settings.end(); ++it) {
        const QString field = u"settings."_s + it.key();
        require(field, settingKeyError(it.key()));
        const QJsonValue value = it.value();
        if (!value.isString() && !value.isDouble() && !value.isBool())
            refuse(field, tr("an environment setting is text, a number, or true or false."));
        if (value.isString() && value.toString().size() > 4096)
            refuse(field, tr("at most 4096 characters."));
    }
}

void checkNewTenant(const NewTenant& tenant)
{
    require(u"slug"_s, validateTenantSlug(tenant.slug));
    require(u"display_name"_s, displayNameError(tenant.displayName));
    require(u"domain"_s, domainError(tenant.domain));
    require(u"timezone"_s, timezoneError(tenant.timezone));
    require(u"language"_s, languageError(tenant.language));
    for (qsizetype i = 0; i < tenant.environments.size(); ++i) {
        if (tenant.environments.indexOf(tenant.environments.at(i)) != i)
            refuse(u"environments"_s, tr("each kind of environment at most once."));
    }
}

void checkTenantChange(const TenantChange& change)
{
    if (change.isEmpty())
        throw StoreError(ErrorCode::Invalid, tr("The change names no field to change.")).withField(u"body"_s);
    if (change.displayName)
        require(u"display_name"_s, displayNameError(*change.displayName));
    if (change.domain)
        require(u"domain"_s, domainError(*change.domain));
    if (change.timezone)
        require(u"timezone"_s, timezoneError(*change.timezone));
    if (change.language)
        require(u"language"_s, languageError(*change.language));
    if (change.quotas)
        checkQuotas(*change.quotas);
    if (change.apiRateLimit)
        checkApiRateLimit(*change.apiRateLimit);
    if (change.featureFlags)
        checkFeatureFlags(*change.featureFlags);
    if (change.securityPolicy)
        checkSecurityPolicy(*change.securityPolicy);
    if (change.settings)
        checkIntegrationSettings(*change.settings);
}

void checkNewEnvironment(const NewEnvironment& environment)
{
    require(u"name"_s, environmentNameError(environment.name));
    checkEnvironmentSettings(environment.settings);
}

void checkEnvironmentChange(const EnvironmentChange& change)
{
    if (change.isEmpty())
        throw StoreError(ErrorCode::Invalid, tr("The change names no field to change.")).withField(u"body"_s);
    if (change.name)
        require(u"name"_s, environmentNameError(*change.name));
    if (change.settings)
        checkEnvironmentSettings(*change.settings);
}

QList<FeatureFlag> effectiveFeatureFlags(const QList<Tenant>& ancestors, const Tenant& tenant)
{
    std::map<QString, FeatureFlag> flags;
    const auto apply = [&flags](const Tenant& from, bool isTenant) {
        for (auto it = from.featureFlags.begin(); it != from.featureFlags.end(); ++it) {
            FeatureFlag& flag = flags[it.key()];
            const bool wasSet = flag.setBy != 0;
            const bool before = flag.enabled;
            flag.name = it.key();
            flag.enabled = it.value().toBool();
            flag.setBy = from.id;
            flag.inherited = !isTenant;
            if (isTenant && wasSet) {
                flag.overrides = true;
                flag.inheritedValue = before;
            }
        }
    };
    for (const Tenant& ancestor : ancestors)
        apply(ancestor, false);
    apply(tenant, true);
    QList<FeatureFlag> list;
    for (auto& [name, flag] : flags)
        list.append(flag);
    return list;
}

} // namespace TenantDesk::TenantSettings
