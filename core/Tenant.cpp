#include "Tenant.h"

#include "EnumKeys.h"
#include "StoreQueries.h"

#include <QCoreApplication>
#include <QRegularExpression>

namespace TenantDesk {

QString validateTenantSlug(const QString& slug)
{
    if (slug.size() < 2 || slug.size() > 100)
        return QCoreApplication::translate("Tenant", "A slug has 2 to 100 characters; \"%1\" has %2.")
            .arg(slug).arg(slug.size());
    static const QRegularExpression pattern(
        QStringLiteral("^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$"));
    if (!pattern.match(slug).hasMatch())
        return QCoreApplication::translate("Tenant",
            "A slug uses lower-case letters, digits and hyphens in dot-separated parts, "
            "each starting and ending with a letter or digit; \"%1\" does not.").arg(slug);
    return {};
}

QString decommissionStepKey(DecommissionStep step)
{
    switch (step) {
    case DecommissionStep::BackUp: return QStringLiteral("back_up");
    case DecommissionStep::NotifyUsers: return QStringLiteral("notify_users");
    case DecommissionStep::ReleaseResources: return QStringLiteral("release_resources");
    case DecommissionStep::DeleteData: return QStringLiteral("delete_data");
    case DecommissionStep::FinaliseBilling: return QStringLiteral("finalise_billing");
    }
    return {};
}

std::optional<DecommissionStep> decommissionStepFromKey(const QString& key)
{
    return enumFromKey<DecommissionStep>(key, allDecommissionSteps, decommissionStepKey);
}

QString decommissionStepDisplayName(DecommissionStep step)
{
    switch (step) {
    case DecommissionStep::BackUp: return QCoreApplication::translate("Decommission", "Back up the tenant's data to a file");
    case DecommissionStep::NotifyUsers: return QCoreApplication::translate("Decommission", "Notify the tenant's users");
    case DecommissionStep::ReleaseResources: return QCoreApplication::translate("Decommission", "Release the tenant's resources");
    case DecommissionStep::DeleteData: return QCoreApplication::translate("Decommission", "Delete the tenant's data");
    case DecommissionStep::FinaliseBilling: return QCoreApplication::translate("Decommission", "Finalise billing");
    }
    return {};
}

} // namespace TenantDesk
