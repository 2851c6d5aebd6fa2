#include "DemoData.h"

#include "Permission.h"

#include <QHash>
#include <QSet>

#include <array>
#include <map>
#include <algorithm>
#include <cmath>
#include <tuple>
#include <numbers>
#include <random>

namespace TenantDesk {

DemoScale DemoScale::small()
{
    return DemoScale{};
}

DemoScale DemoScale::large(int tenants)
{
    DemoScale scale;
    scale.tenants = tenants;
    scale.users = tenants * 10;
    scale.usageTenants = std::min(tenants, 25);
    scale.largestTenantChildren = tenants >= 20000 ? 10000 : 0;
    return scale;
}

std::optional<DemoScale> DemoScale::parse(const QString& text)
{
    if (text == QLatin1String("small"))
        return small();
    bool ok = false;
    const int tenants = text.toInt(&ok);
    if (!ok || tenants < 1 || tenants > 10'000'000)
        return std::nullopt;
    return large(tenants);
}

namespace {

using namespace Qt::StringLiterals;

const std::array companyStems{
    u"Northwind"_s, u"Contoso"_s, u"Fabrikam"_s, u"Tailspin"_s, u"Litware"_s, u"Woodgrove"_s,
    u"Proseware"_s, u"Lucerne"_s, u"Wingtip"_s, u"Alpine Ski"_s, u"Blue Yonder"_s, u"Coho"_s,
    u"Fourth Coffee"_s, u"Humongous"_s, u"Trey Research"_s, u"Wide World"_s, u"Southridge"_s,
    u"Adatum"_s, u"Relecloud"_s, u"VanArsdel"_s, u"Tailwind"_s, u"Bellows"_s, u"Consolidated"_s,
    u"Margie's Travel"_s, u"Graphic Design"_s, u"Datum"_s, u"Olympia"_s, u"Kestrel"_s, u"Meridian"_s,
    u"Harbor Point"_s, u"Silverline"_s, u"Brightwater"_s, u"Ironbridge"_s, u"Redwood"_s, u"Stonegate"_s,
    u"Evergreen"_s, u"Summit Peak"_s, u"Clearwater"_s, u"Granite"_s, u"Copperfield"_s,
};
const std::array companyKinds{
    u"Bank"_s, u"Health"_s, u"Logistics"_s, u"Energy"_s, u"Media"_s, u"Foods"_s, u"Insurance"_s,
    u"Airlines"_s, u"Retail"_s, u"Labs"_s, u"Systems"_s, u"Analytics"_s, u"Pharma"_s, u"Motors"_s,
    u"Telecom"_s, u"Capital"_s, u"Hotels"_s, u"Games"_s, u"Robotics"_s, u"Shipping"_s,
};
struct Region { QString name; QString timezone; QString language; };
const std::array regions{
    Region{u"EMEA"_s, u"Europe/London"_s, u"en-GB"_s}, Region{u"Americas"_s, u"America/New_York"_s, u"en-US"_s},
    Region{u"APAC"_s, u"Asia/Singapore"_s, u"en-SG"_s}, Region{u"DACH"_s, u"Europe/Berlin"_s, u"de"_s},
    Region{u"Nordics"_s, u"Europe/Stockholm"_s, u"sv"_s}, Region{u"France"_s, u"Europe/Paris"_s, u"fr"_s},
    Region{u"Iberia"_s, u"Europe/Madrid"_s, u"es"_s}, Region{u"Japan"_s, u"Asia/Tokyo"_s, u"ja"_s},
    Region{u"ANZ"_s, u"Australia/Sydney"_s, u"en-AU"_s}, Region{u"Brazil"_s, u"America/Sao_Paulo"_s, u"pt-BR"_s},
    Region{u"Benelux"_s, u"Europe/Amsterdam"_s, u"nl"_s}, Region{u"Italy"_s, u"Europe/Rome"_s, u"it"_s},
};
const std::array departments{
    u"Finance"_s, u"Engineering"_s, u"Sales"_s, u"Marketing"_s, u"Human Resources"_s, u"Legal"_s,
    u"Operations"_s, u"Research"_s, u"Customer Support"_s, u"Procurement"_s, u"Security"_s,
    u"Data Platform"_s, u"Treasury"_s, u"Compliance"_s, u"Facilities"_s, u"Product"_s,
};
const std::array teamAdjectives{
    u"Core"_s, u"Payments"_s, u"Mobile"_s, u"Web"_s, u"Platform"_s, u"Identity"_s, u"Search"_s,
    u"Billing"_s, u"Growth"_s, u"Reporting"_s, u"Infrastructure"_s, u"Analytics"_s, u"Onboarding"_s,
    u"Fraud"_s, u"Checkout"_s, u"Catalog"_s, u"Messaging"_s, u"Pricing"_s, u"Logistics"_s, u"Partner"_s,
};
const std::array teamNouns{u"Team"_s, u"Squad"_s, u"Guild"_s, u"Studio"_s, u"Lab"_s, u"Unit"_s};
const std::array projectNames{
    u"Aurora"_s, u"Borealis"_s, u"Cascade"_s, u"Dynamo"_s, u"Ember"_s, u"Falcon"_s, u"Glacier"_s,
    u"Horizon"_s, u"Indigo"_s, u"Juniper"_s, u"Keystone"_s, u"Lighthouse"_s, u"Monsoon"_s, u"Nebula"_s,
    u"Orbit"_s, u"Pioneer"_s, u"Quasar"_s, u"Rainier"_s, u"Sequoia"_s, u"Tundra"_s, u"Umbra"_s,
    u"Vortex"_s, u"Willow"_s, u"Zephyr"_s,
};
const std::array storeCities{
    u"Lisbon"_s, u"Porto"_s, u"Madrid"_s, u"Seville"_s, u"Lyon"_s, u"Munich"_s, u"Hamburg"_s,
    u"Vienna"_s, u"Zurich"_s, u"Milan"_s, u"Turin"_s, u"Prague"_s, u"Krakow"_s, u"Oslo"_s, u"Dublin"_s,
    u"Leeds"_s, u"Boston"_s, u"Denver"_s, u"Austin"_s, u"Toronto"_s, u"Osaka"_s, u"Perth"_s,
};
const std::array firstNames{
    u"Olivia"_s, u"Liam"_s, u"Emma"_s, u"Noah"_s, u"Amelia"_s, u"Oliver"_s, u"Ava"_s, u"Elijah"_s,
    u"Sophia"_s, u"Mateo"_s, u"Isabella"_s, u"Lucas"_s, u"Mia"_s, u"Levi"_s, u"Charlotte"_s, u"Ethan"_s,
    u"Harper"_s, u"James"_s, u"Evelyn"_s, u"Aiden"_s, u"Hannah"_s, u"Jonas"_s, u"Lena"_s, u"Felix"_s,
    u"Clara"_s, u"Lukas"_s, u"Ines"_s, u"Hugo"_s, u"Chloe"_s, u"Louis"_s, u"Sofia"_s, u"Leon"_s,
    u"Yuki"_s, u"Haruto"_s, u"Sakura"_s, u"Ren"_s, u"Priya"_s, u"Arjun"_s, u"Ananya"_s, u"Rohan"_s,
    u"Fatima"_s, u"Omar"_s, u"Leila"_s, u"Yusuf"_s, u"Camila"_s, u"Diego"_s, u"Valentina"_s, u"Santiago"_s,
    u"Freya"_s, u"Magnus"_s, u"Ingrid"_s, u"Erik"_s, u"Aoife"_s, u"Cian"_s, u"Zara"_s, u"Kofi"_s,
    u"Amara"_s, u"Chidi"_s, u"Mei"_s, u"Wei"_s, u"Lin"_s, u"Jun"_s, u"Nadia"_s, u"Viktor"_s,
};
const std::array lastNames{
    u"Smith"_s, u"Johnson"_s, u"Williams"_s, u"Brown"_s, u"Garcia"_s, u"Miller"_s, u"Davis"_s,
    u"Martinez"_s, u"Lopez"_s, u"Wilson"_s, u"Anderson"_s, u"Taylor"_s, u"Moore"_s, u"Martin"_s,
    u"Lee"_s, u"Clark"_s, u"Walker"_s, u"Hall"_s, u"Young"_s, u"King"_s, u"Wright"_s, u"Scott"_s,
    u"Müller"_s, u"Schmidt"_s, u"Schneider"_s, u"Fischer"_s, u"Weber"_s, u"Becker"_s, u"Dubois"_s,
    u"Laurent"_s, u"Moreau"_s, u"Rossi"_s, u"Russo"_s, u"Ferrari"_s, u"Silva"_s, u"Santos"_s,
    u"Oliveira"_s, u"Fernández"_s, u"González"_s, u"Nakamura"_s, u"Tanaka"_s, u"Suzuki"_s, u"Sato"_s,
    u"Patel"_s, u"Sharma"_s, u"Singh"_s, u"Khan"_s, u"Haddad"_s, u"Nguyen"_s, u"Kim"_s, u"Park"_s,
    u"Chen"_s, u"Wang"_s, u"Andersson"_s, u"Johansson"_s, u"Nielsen"_s, u"Hansen"_s, u"O'Brien"_s,
    u"Murphy"_s, u"Kowalski"_s, u"Novak"_s, u"Mensah"_s, u"Okafor"_s, u"Ivanova"_s,
};
struct Service { QString name; QString category; double dailyBase; };
const std::array services{
    Service{u"Amazon Elastic Compute Cloud"_s, u"Compute"_s, 42.0},
    Service{u"Amazon Simple Storage Service"_s, u"Storage"_s, 9.5},
    Service{u"Amazon Relational Database Service"_s, u"Databases"_s, 27.0},
    Service{u"AWS Lambda"_s, u"Compute"_s, 3.2},
    Service{u"Amazon CloudFront"_s, u"Networking"_s, 6.8},
    Service{u"Amazon DynamoDB"_s, u"Databases"_s, 5.1},
};

// A label of a slug: lower-case ASCII letters, digits and single hyphens, at most 20 characters.
QString slugLabel(const QString& name)
{
    QString label;
    label.reserve(name.size());
    bool hyphen = false;
    for (QChar c : name.normalized(QString::NormalizationForm_D)) {
        const char16_t u = c.toLower().unicode();
        if ((u >= u'a' && u <= u'z') || (u >= u'0' && u <= u'9')) {
            label += QChar(u);
            hyphen = false;
        } else if (c.isLetterOrNumber() || c.isSpace() || u == u'-' || u == u'&') {
            if (c.category() == QChar::Mark_NonSpacing)
                continue;
            if (!hyphen && !label.isEmpty() && (c.isSpace() || u == u'-' || u == u'&')) {
                label += u'-';
                hyphen = true;
            }
        }
    }
    label.truncate(20);
    while (label.endsWith(u'-'))
        label.chop(1);
    return label;
}

class Generator
{
public:
    Generator(const DemoScale& scale, DemoSink& sink, const std::function<bool(double)>& progress)
        : m_scale(scale), m_sink(sink), m_progress(progress), m_random(scale.seed)
    {
    }

    DemoSummary run()
    {
        m_sink.platform(DemoDataGenerator::platformName(), m_scale.anchor.addYears(-3));
        roles();
        tenants();
        if (!report(0.35))
            return m_summary;
        users();
        if (!report(0.75))
            return m_summary;
        usageAndBilling();
        report(1.0);
        return m_summary;
    }

private:
    struct TenantInfo {
        TenantId id;
        int depth;
        int topIndex; // index into m_tenants of its top-level tenant
        QString slug;
        QString domain;
        Region region;
        QList<TenantId> path; // ancestors then itself
        QList<EnvironmentId> environments;
        RoleId customRole = 0;
    };

    // Reports progress; false once the caller asked to stop, after which every loop ends early.
    bool report(double fraction)
    {
        if (!m_stopped && m_progress && !m_progress(fraction))
            m_stopped = true;
        return !m_stopped;
    }

    int uniform(int bound) { return int(std::uniform_int_distribution<int>(0, bound - 1)(m_random)); }
    double unit() { return std::uniform_real_distribution<double>(0.0, 1.0)(m_random); }
    template<typename Array> const auto& pick(const Array& array) { return array[size_t(uniform(int(array.size())))]; }

    QDateTime randomTimeBefore(const QDateTime& end, int maxDays)
    {
        return end.addSecs(-qint64(uniform(maxDays * 24 * 60)) * 60 - 60);
    }

    void roles()
    {
        for (Role role : BuiltInRole::definitions()) {
            role.id = ++m_lastRoleId;
            m_builtIn.insert(role.name, role.id);
            m_sink.role(role);
            ++m_summary.roles;
        }
    }

    TenantStatus randomStatus(int depth)
    {
        const int roll = uniform(100);
        if (depth == 0 && m_summary.tenants < 3) // the first companies shown are always running
            return TenantStatus::Active;
        if (roll < 82) return TenantStatus::Active;
        if (roll < 88) return TenantStatus::Suspended;
        if (roll < 92) return TenantStatus::Provisioning;
        if (roll < 95) return TenantStatus::Requested;
        if (roll < 98) return TenantStatus::Decommissioning;
        return TenantStatus::Archived;
    }

    QString uniqueChildName(TenantId parent, const std::function<QString()>& candidate)
    {
        QSet<QString>& used = m_childNames[parent];
        for (int attempt = 0; attempt < 8; ++attempt) {
            QString name = candidate();
            if (!used.contains(name)) {
                used.insert(name);
                return name;
            }
        }
        QString base = candidate();
        for (int n = 2;; ++n) {
            QString name = base + u' ' + QString::number(n);
            if (!used.contains(name)) {
                used.insert(name);
                return name;
            }
        }
    }

    void addTenant(int parentIndex, const QString& name)
    {
        const TenantInfo* parent = parentIndex >= 0 ? &m_tenants[size_t(parentIndex)] : nullptr;
        TenantInfo info;
        info.id = TenantId(m_tenants.size() + 1);
        info.depth = parent ? parent->depth + 1 : 0;
        info.topIndex = parent ? parent->topIndex : int(m_tenants.size());
        // Slugs are unique on the platform; names that shorten to the same label get a number.
        QString label = slugLabel(name);
        const QString prefix = parent ? QString(parent->slug + u'.') : QString();
        for (int n = 2; m_slugs.contains(prefix + label); ++n)
            label = slugLabel(name).left(15) + u'-' + QString::number(n);
        m_slugs.insert(prefix + label);
        info.slug = prefix + label;
        info.region = parent ? parent->region : pick(regions);
        if (parent && info.depth == 1) {
            for (const Region& region : regions) {
                if (region.name == name)
                    info.region = region;
            }
        }
        info.domain = parent ? QString(label + u'.' + parent->domain) : QString(label + u".example"_s);
        info.path = parent ? parent->path : QList<TenantId>{};
        info.path.append(info.id);

        Tenant tenant;
        tenant.id = info.id;
        tenant.parentId = parent ? parent->id : 0;
        tenant.ancestorIds = parent ? parent->path : QList<TenantId>{};
        tenant.slug = info.slug;
        tenant.displayName = name;
        tenant.status = randomStatus(info.depth);
        tenant.domain = info.domain;
        tenant.timezone = info.region.timezone;
        tenant.language = info.region.language;
        const int size = 1 << std::max(0, 4 - info.depth); // companies get more than teams
        tenant.quotas = {8 * size * (1 + uniform(4)), 32 * size * (1 + uniform(4)),
                         500 * size * (1 + uniform(8)), 25 * size * (1 + uniform(8))};
        tenant.apiRateLimit = 600 * (1 + uniform(10));
        tenant.featureFlags = info.depth == 0
            ? QJsonObject{{u"sso"_s, uniform(2) == 0}, {u"audit_export"_s, true}, {u"beta_dashboards"_s, uniform(3) == 0}}
            : QJsonObject{};
        tenant.securityPolicy = info.depth == 0
            ? QJsonObject{{u"password_min_length"_s, 10 + 2 * uniform(4)}, {u"mfa_required"_s, uniform(3) != 0},
                          {u"session_timeout_minutes"_s, 30 * (1 + uniform(8))}}
            : QJsonObject{};
        tenant.createdAt = randomTimeBefore(m_scale.anchor, 900);
        tenant.updatedAt = tenant.createdAt.addDays(uniform(60));
        m_sink.tenant(tenant);
        ++m_summary.tenants;

        AuditEvent created;
        created.tenantId = tenant.id;
        created.at = tenant.createdAt;
        created.actor = u"system"_s;
        created.action = u"tenant.create"_s;
        created.objectType = u"tenant"_s;
        created.objectId = tenant.slug;
        created.after = QJsonObject{{u"slug"_s, tenant.slug}, {u"display_name"_s, tenant.displayName},
                                    {u"status"_s, tenantStatusKey(tenant.status)}};
        audit(created);

        for (EnvironmentKind kind : allEnvironmentKinds) {
            Environment environment;
            environment.id = ++m_lastEnvironmentId;
            environment.tenantId = tenant.id;
            environment.kind = kind;
            environment.name = environmentKindDisplayName(kind);
            environment.settings = QJsonObject{{u"region"_s, info.region.name.toLower()},
                                               {u"replicas"_s, kind == EnvironmentKind::Production ? 3 : 1},
                                               {u"log_level"_s, kind == EnvironmentKind::Production ? u"warning"_s : u"debug"_s}};
            environment.createdAt = tenant.createdAt;
            m_sink.environment(environment);
            info.environments.append(environment.id);
            ++m_summary.environments;
        }

        if (info.depth == 0 && uniform(3) == 0) {
            static const std::array custom{
                std::tuple{u"Billing Analyst"_s, RoleScope::Tenant, QStringList{Permission::TenantRead, Permission::BillingRead, Permission::UsageRead}},
                std::tuple{u"Support Engineer"_s, RoleScope::Tenant, QStringList{Permission::TenantRead, Permission::UserRead, Permission::AuditRead}},
                std::tuple{u"Release Manager"_s, RoleScope::Environment, QStringList{Permission::EnvironmentManage, Permission::TenantRead}},
            };
            const auto& [roleName, scope, permissions] = pick(custom);
            Role role{.id = ++m_lastRoleId, .tenantId = tenant.id, .name = roleName,
                      .description = u"Defined by %1."_s.arg(name), .scope = scope, .builtIn = false,
                      .permissions = permissions, .includedRoleIds = {}};
            role.permissions.sort();
            m_sink.role(role);
            ++m_summary.roles;
            info.customRole = role.id;
        }
        m_tenants.push_back(std::move(info));
        if (m_tenants.size() % 4096 == 0)
            report(0.35 * double(m_tenants.size()) / double(m_scale.tenants));
    }

    QString childName(int depth, TenantId parent)
    {
        return uniqueChildName(parent, [this, depth]() {
            switch (depth) {
            case 1: return QString(pick(regions).name);
            case 2: return QString(pick(departments));
            case 3: return QString(pick(teamAdjectives) + u' ' + pick(teamNouns));
            default: return QString(u"Project "_s + pick(projectNames));
            }
        });
    }

    void tenants()
    {
        const int total = std::max(1, m_scale.tenants);
        const int topLevel = total <= 100 ? std::max(1, total / 3) : std::max(1, total / 50);
        for (int i = 0; i < topLevel && !m_stopped; ++i) {
            const QString name = uniqueChildName(0, [this]() { return QString(pick(companyStems) + u' ' + pick(companyKinds)); });
            addTenant(-1, name);
        }
        if (m_scale.largestTenantChildren > 0 && int(m_tenants.size()) + m_scale.largestTenantChildren <= total) {
            const int parentIndex = std::min(1, int(m_tenants.size()) - 1);
            for (int i = 1; i <= m_scale.largestTenantChildren && !m_stopped; ++i) {
                addTenant(parentIndex, u"Store %1 %2"_s.arg(pick(storeCities)).arg(i, 5, 10, QLatin1Char('0')));
            }
        }
        // The rest grow the tree: each new tenant goes under a random tenant that is not yet
        // four levels deep, so that regions, departments, teams and projects appear.
        std::vector<int> candidates;
        // The tenant with the many stores keeps exactly that many sub-tenants.
        const int storesParent = m_scale.largestTenantChildren > 0 ? std::min(1, int(m_tenants.size()) - 1) : -1;
        for (int i = 0; i < int(m_tenants.size()); ++i) {
            if (m_tenants[size_t(i)].depth == 0 && i != storesParent)
                candidates.push_back(i);
        }
        while (int(m_tenants.size()) < total && !m_stopped) {
            const int parentIndex = candidates[size_t(uniform(int(candidates.size())))];
            const int depth = m_tenants[size_t(parentIndex)].depth + 1;
            addTenant(parentIndex, childName(depth, m_tenants[size_t(parentIndex)].id));
            if (depth < 4)
                candidates.push_back(int(m_tenants.size()) - 1);
        }
    }

    void users()
    {
        const qint64 combinations = qint64(firstNames.size()) * qint64(lastNames.size());
        const RoleId tenantUser = m_builtIn.value(BuiltInRole::TenantUser);
        const RoleId tenantAdmin = m_builtIn.value(BuiltInRole::TenantAdmin);
        const RoleId tenantViewer = m_builtIn.value(BuiltInRole::TenantViewer);
        const RoleId platformAdmin = m_builtIn.value(BuiltInRole::PlatformAdmin);
        // E-mail local parts, worked out once per name rather than once per user.
        std::vector<QString> firstLabels, lastLabels;
        for (const QString& name : firstNames)
            firstLabels.push_back(slugLabel(name));
        for (const QString& name : lastNames)
            lastLabels.push_back(slugLabel(name).remove(u'-'));
        std::vector<Membership> memberships;
        memberships.reserve(size_t(m_scale.users) * 5 / 4);
        for (int i = 0; i < m_scale.users; ++i) {
            // A bijection from user numbers to name pairs, so that names look random but e-mail
            // addresses stay unique without remembering the ones already given.
            const qint64 pair = (qint64(i) * 7919) % combinations;
            const qint64 round = i / combinations;
            const size_t firstIndex = size_t(pair % qint64(firstNames.size()));
            const size_t lastIndex = size_t(pair / qint64(firstNames.size()));
            const QString& first = firstNames[firstIndex];
            const QString& last = lastNames[lastIndex];
            const TenantInfo& home = m_tenants[size_t(uniform(int(m_tenants.size())))];
            const TenantInfo& company = m_tenants[size_t(home.topIndex)];

            User user;
            user.id = UserId(i + 1);
            user.displayName = first + u' ' + last;
            QString local = firstLabels[firstIndex] + u'.' + lastLabels[lastIndex];
            if (round > 0)
                local += QString::number(round);
            user.email = local + u'@' + company.domain;
            const int roll = uniform(100);
            user.status = roll < 85 ? UserStatus::Active : roll < 95 ? UserStatus::Invited : UserStatus::Disabled;
            user.createdAt = randomTimeBefore(m_scale.anchor, 700);
            if (user.status != UserStatus::Invited)
                user.lastSignInAt = randomTimeBefore(m_scale.anchor, 30);
            m_sink.user(user);
            ++m_summary.users;

            const int kind = uniform(100);
            const RoleId role = kind < 8 ? tenantAdmin : kind < 18 ? tenantViewer
                : (kind < 22 && home.customRole) ? home.customRole : tenantUser;
            memberships.push_back({home.id, user.id, 0, role});
            if (uniform(5) == 0) {
                const EnvironmentId environment = home.environments[qsizetype(uniform(int(home.environments.size())))];
                memberships.push_back({home.id, user.id, environment, tenantUser});
            }
            if (i < 5 || (i % 50000 == 0)) {
                m_sink.platformPrincipal(user.id, platformAdmin);
            }
            if (i % 8192 == 0 && !report(0.35 + 0.4 * double(i) / double(m_scale.users)))
                return;
        }
        // Written in key order (tenant first), so that the database appends rather than inserts.
        std::sort(memberships.begin(), memberships.end(), [](const Membership& a, const Membership& b) {
            return std::tie(a.tenantId, a.userId, a.environmentId, a.roleId)
                 < std::tie(b.tenantId, b.userId, b.environmentId, b.roleId);
        });
        for (const Membership& membership : memberships)
            m_sink.membership(membership);
        m_summary.memberships = int(memberships.size());
    }

    void audit(AuditEvent event)
    {
        event.id = ++m_summary.auditEvents;
        // Each tenant's events form one chain (tenant 0: the platform's own), so that a tenant's
        // trail can be verified by someone who sees only that tenant.
        QByteArray& last = m_lastHash[event.tenantId];
        event.previousHash = last;
        event.hash = event.computeHash();
        last = event.hash;
        m_sink.auditEvent(event);
    }

    void usageAndBilling()
    {
        const int tenants = std::min(m_scale.usageTenants, int(m_tenants.size()));
        const qint64 startSeconds = m_scale.anchor.addDays(-m_scale.usageDays).toSecsSinceEpoch();
        const int hours = m_scale.usageDays * 24;
        for (int t = 0; t < tenants; ++t) {
            const TenantInfo& info = m_tenants[size_t(t)];
            const double size = 0.5 + unit() * 2.0 / (1 + info.depth);
            for (int e = 0; e < info.environments.size(); ++e) {
                const double envFactor = std::array{1.0, 0.3, 0.15, 0.05}[size_t(e)];
                const double trend = 0.001 * (uniform(7) - 2); // per day
                const EnvironmentId environment = info.environments[e];
                // Computed per hour first, then written metric by metric: rows arrive in key order.
                std::vector<std::array<double, std::size(allUsageMetrics)>> values(static_cast<size_t>(hours));
                for (int h = 0; h < hours; ++h) {
                    const qint64 hourStart = startSeconds + qint64(h) * 3600;
                    const int hourOfDay = h % 24;
                    const int dayOfWeek = int((hourStart / 86400 + 3) % 7) + 1; // 1970-01-01 was a Thursday
                    const double daily = 1.0 + 0.6 * std::sin((hourOfDay - 8) * std::numbers::pi / 12.0);
                    const double weekly = dayOfWeek >= 6 ? 0.55 : 1.0;
                    const double growth = 1.0 + trend * (h / 24.0);
                    const double load = std::max(0.05, daily * weekly * growth * (0.9 + 0.2 * unit()));
                    values[size_t(h)] = {
                        64.0 * size * envFactor * load,                          // cpu_hours
                        256.0 * size * envFactor * load,                         // memory_gb_hours
                        800.0 * size * envFactor * growth + h * 0.05 * envFactor, // storage_gb
                        std::round(120000.0 * size * envFactor * load),         // api_calls
                        std::round(40.0 * size * envFactor * load * weekly),     // active_users
                        std::max(0.0, 0.4 + 0.3 * (unit() - 0.5) + (unit() < 0.01 ? 5.0 : 0.0)), // error_rate %
                    };
                }
                for (UsageMetric metric : allUsageMetrics) {
                    for (int h = 0; h < hours; ++h)
                        m_sink.usageSample(info.id, environment, metric, startSeconds + qint64(h) * 3600,
                                           values[size_t(h)][size_t(metric)]);
                    m_summary.usageSamples += hours;
                }
            }
            billing(info, size);
            if (!report(0.75 + 0.25 * double(t + 1) / double(tenants)))
                return;
        }
    }

    void billing(const TenantInfo& info, double size)
    {
        const QDate firstMonth = m_scale.anchor.date().addMonths(-m_scale.billingMonths);
        const QDate end = m_scale.anchor.date();
        BillingLine line;
        line.tenantId = info.id;
        line.providerName = u"AWS"_s;
        line.billingAccountId = u"4111-2026-0001"_s;
        line.subAccountId = QString::number(100000000000LL + info.id * 7717);
        line.subAccountName = info.slug;
        line.chargeCategory = u"Usage"_s;
        line.billingCurrency = u"USD"_s;
        line.regionId = info.region.timezone.startsWith(u"Europe"_s) ? u"eu-central-1"_s
            : info.region.timezone.startsWith(u"America"_s) ? u"us-east-1"_s : u"ap-southeast-1"_s;
        line.tags = QJsonObject{{u"tenant"_s, info.slug}, {u"cost_center"_s, u"CC-%1"_s.arg(1000 + info.topIndex)}};
        for (QDate day = firstMonth; day < end; day = day.addDays(1)) {
            const QDate monthStart(day.year(), day.month(), 1);
            line.billingPeriodStart = QDateTime(monthStart, QTime(0, 0), Qt::UTC);
            line.billingPeriodEnd = QDateTime(monthStart.addMonths(1), QTime(0, 0), Qt::UTC);
            line.chargePeriodStart = QDateTime(day, QTime(0, 0), Qt::UTC);
            line.chargePeriodEnd = QDateTime(day.addDays(1), QTime(0, 0), Qt::UTC);
            for (const Service& service : services) {
                const qint64 micros = qint64(std::llround(service.dailyBase * size * (0.8 + 0.4 * unit()) * 1e6));
                const qint64 listMicros = micros + micros / 5;
                const auto money = [](qint64 value) {
                    return u"%1.%2"_s.arg(value / 1000000).arg(value % 1000000, 6, 10, QLatin1Char('0'));
                };
                line.id = ++m_summary.billingLines;
                line.serviceName = service.name;
                line.serviceCategory = service.category;
                line.resourceId = u"arn:aws:%1:%2:%3"_s.arg(slugLabel(service.name), line.regionId, info.slug);
                line.billedCost = money(micros);
                line.effectiveCost = money(micros);
                line.listCost = money(listMicros);
                m_sink.billingLine(line);
            }
        }
    }

    const DemoScale& m_scale;
    DemoSink& m_sink;
    const std::function<bool(double)>& m_progress;
    std::mt19937_64 m_random;
    DemoSummary m_summary;
    std::vector<TenantInfo> m_tenants;
    QHash<TenantId, QSet<QString>> m_childNames;
    QSet<QString> m_slugs;
    bool m_stopped = false;
    QHash<QString, RoleId> m_builtIn;
    RoleId m_lastRoleId = 0;
    EnvironmentId m_lastEnvironmentId = 0;
    QHash<TenantId, QByteArray> m_lastHash; // the last event of each tenant's chain
};

} // namespace

DemoDataGenerator::DemoDataGenerator(DemoScale scale)
    : m_scale(std::move(scale))
{
}

DemoSummary DemoDataGenerator::generate(DemoSink& sink, const std::function<bool(double)>& progress)
{
    Generator generator(m_scale, sink, progress);
    return generator.run();
}

QString DemoDataGenerator::platformName()
{
    return u"Stratus Cloud (demo)"_s;
}

AttributionRules DemoBilling::rules()
{
    AttributionRules rules;
    rules.tenantTagKeys = {u"tenant"_s};
    rules.version = 1;
    return rules;
}

QList<TenantBudget> DemoBilling::budgets() const
{
    // The first tenants with cost, each budgeted at its monthly average times a factor, in whole hundreds.
    struct Spend { DecimalSum billed; QSet<QString> months; QString currency; };
    std::map<TenantId, Spend> spend;
    for (const auto& [key, sums] : m_rollups.groups()) {
        if (key.tenantId == 0 || key.sharedRule >= 0)
            continue;
        Spend& s = spend[key.tenantId];
        s.billed.add(sums.billed);
        s.months.insert(key.month);
        s.currency = key.billingCurrency;
    }
    constexpr std::array percent{85, 110, 130, 95, 120, 70};
    QList<TenantBudget> budgets;
    for (const auto& [tenant, s] : spend) {
        if (budgets.size() == qsizetype(percent.size()))
            break;
        const Decimal::Units hundred = Decimal::parse(u"100").value_or(Decimal()).units();
        const Decimal::Units monthly = s.billed.value().units() / std::max<qsizetype>(1, s.months.size());
        const Decimal::Units target = monthly * percent[size_t(budgets.size())] / 100;
        const Decimal::Units rounded = std::max<Decimal::Units>(1, (target + hundred / 2) / hundred) * hundred;
        budgets.append(TenantBudget{tenant, Decimal::fromUnits(rounded).text(2), s.currency});
    }
    return budgets;
}

} // namespace TenantDesk
