// tenantctl: the command-line tool over the same core as the console.
#include "Tenantctl.h"

#include <QCoreApplication>

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("TenantDesk"));
    QCoreApplication::setApplicationName(QStringLiteral("tenantctl"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TENANTDESK_VERSION));
    return TenantDesk::Tenantctl::run(QCoreApplication::arguments());
}
