// tenantctl: the command-line tool over the same core as the console.
#include "Language.h"
#include "Tenantctl.h"
#include "TenantctlReport.h"

#include <QCoreApplication>
#include <QGuiApplication>
#include <memory>

int main(int argc, char* argv[])
{
    QStringList arguments;
    for (int i = 1; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    // Only the PDF report draws: it gets a QGuiApplication, offscreen unless a platform is chosen.
    std::unique_ptr<QCoreApplication> app;
    if (TenantDesk::Tenantctl::Report::needsGui(arguments)) {
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        app = std::make_unique<QGuiApplication>(argc, argv);
    } else {
        app = std::make_unique<QCoreApplication>(argc, argv);
    }
    QCoreApplication::setOrganizationName(QStringLiteral("TenantDesk"));
    QCoreApplication::setApplicationName(QStringLiteral("tenantctl"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TENANTDESK_VERSION));
    TenantDesk::Language::apply({}); // the system's language
    return TenantDesk::Tenantctl::run(QCoreApplication::arguments());
}
