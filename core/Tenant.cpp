#include "Tenant.h"

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

} // namespace TenantDesk
