// tenantdesk: the desktop console. Parses the command line and opens the main window.
#include "Logging.h"
#include "MainWindow.h"
#include "Settings.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QIcon>
#include <QTextStream>

using namespace TenantDesk;
using namespace Qt::StringLiterals;

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(u"TenantDesk"_s);
    QApplication::setApplicationName(u"TenantDesk"_s);
    QApplication::setApplicationDisplayName(u"TenantDesk"_s);
    QApplication::setApplicationVersion(QStringLiteral(TENANTDESK_VERSION));
    QApplication::setDesktopFileName(u"tenantdesk"_s);

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Administer the tenants of a multi-tenant platform."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption demoOption(u"demo"_s,
        QApplication::translate("main", "Open the demo platform (generated on first use)."));
    const QCommandLineOption databaseOption(u"database"_s,
        QApplication::translate("main", "Open the TenantDesk database file <path>."), u"path"_s);
    parser.addOption(demoOption);
    parser.addOption(databaseOption);
    parser.process(app);

    QTextStream err(stderr);
    if (parser.isSet(demoOption) && parser.isSet(databaseOption)) {
        err << QApplication::translate("main", "tenantdesk: choose either --demo or --database, not both.") << Qt::endl;
        return 2;
    }
    if (!parser.positionalArguments().isEmpty()) {
        err << QApplication::translate("main", "tenantdesk: unexpected argument “%1”; see --help.")
                   .arg(parser.positionalArguments().constFirst()) << Qt::endl;
        return 2;
    }

    MainWindow window;
    window.show();
    if (parser.isSet(demoOption) || parser.isSet(databaseOption)) {
        // A database named on the command line that cannot be opened ends the program with
        // the reason on stderr, so that scripts and launchers see it.
        window.setErrorDialogsEnabled(false);
        QObject::connect(&window, &MainWindow::storeFailed, &app, [&err](const QString& message) {
            err << u"tenantdesk: "_s << message << Qt::endl;
            QCoreApplication::exit(1);
        });
        // Once the person has the window in hand (the database opened, or they cancelled the
        // demo), later failures are theirs to see in dialogs, and no longer end the program.
        const auto handOver = [&window]() {
            window.setErrorDialogsEnabled(true);
            QObject::disconnect(&window, &MainWindow::storeFailed, nullptr, nullptr);
        };
        QObject::connect(&window, &MainWindow::storeOpened, &window, handOver, Qt::SingleShotConnection);
        QObject::connect(&window, &MainWindow::openCancelled, &window, handOver, Qt::SingleShotConnection);
        if (parser.isSet(demoOption))
            window.openDemo();
        else
            window.openDatabase(parser.value(databaseOption), OpenMode::OpenExisting);
    } else if (const QString last = Settings::value(Settings::lastDatabase); !last.isEmpty() && QFileInfo::exists(last)) {
        window.openDatabase(last, OpenMode::OpenExisting);
    }
    return app.exec();
}
