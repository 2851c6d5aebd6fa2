// tenantdesk: the desktop console. Parses the command line and opens the main window.
#include "BrandingManager.h"
#include "Language.h"
#include "Logging.h"
#include "MainWindow.h"
#include "ServerConnection.h"
#include "Settings.h"
#include "StoreError.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QIcon>
#include <QTextStream>
#include <QTimer>

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
    Language::apply(Language::chosen()); // none chosen: the system's (a tenant admin's: their tenant's, once signed in)

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Administer the tenants of a multi-tenant platform."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption demoOption(u"demo"_s,
        QApplication::translate("main", "Open the demo platform (generated on first use)."));
    const QCommandLineOption databaseOption(u"database"_s,
        QApplication::translate("main", "Open the TenantDesk database file <path>."), u"path"_s);
    const QCommandLineOption serverOption(u"server"_s,
        QApplication::translate("main", "Connect to the TenantDesk server at <url> (asks for the password)."), u"url"_s);
    const QCommandLineOption emailOption(u"email"_s,
        QApplication::translate("main", "With --server: sign in as <email>."), u"email"_s);
    parser.addOption(demoOption);
    parser.addOption(databaseOption);
    parser.addOption(serverOption);
    parser.addOption(emailOption);
    const QCommandLineOption brandingDirOption(u"branding-dir"_s,
        QApplication::translate("main", "Read branding packs from <dir>/<tenant slug>/ first (see docs/BRANDING.md)."), u"dir"_s);
    parser.addOption(brandingDirOption);
    // A bare FILE is --database FILE: what a desktop launcher passes (Exec=tenantdesk %f).
    parser.addPositionalArgument(u"file"_s,
        QApplication::translate("main", "A TenantDesk database file to open, as with --database."), u"[file]"_s);
    parser.process(app);

    QTextStream err(stderr);
    const QStringList files = parser.positionalArguments();
    if (files.size() > 1) {
        err << QApplication::translate("main", "tenantdesk: unexpected argument “%1”; one database file at a time, see --help.")
                   .arg(files.at(1)) << Qt::endl;
        return 2;
    }
    if (int(parser.isSet(demoOption)) + int(parser.isSet(databaseOption)) + int(parser.isSet(serverOption)) + int(!files.isEmpty()) > 1) {
        err << QApplication::translate("main", "tenantdesk: choose one of --demo, --database, --server and a database file.") << Qt::endl;
        return 2;
    }
    const QString databaseFile = files.isEmpty() ? parser.value(databaseOption) : files.constFirst();
    if (parser.isSet(emailOption) && !parser.isSet(serverOption)) {
        err << QApplication::translate("main", "tenantdesk: --email goes with --server.") << Qt::endl;
        return 2;
    }
    QUrl serverUrl;
    if (parser.isSet(serverOption)) {
        try {
            serverUrl = normalizeServerUrl(parser.value(serverOption));
        } catch (const StoreError& error) {
            err << u"tenantdesk: --server: "_s << error.message() << Qt::endl;
            return 2;
        }
    }
    QString brandingDir;
    if (parser.isSet(brandingDirOption)) {
        brandingDir = QFileInfo(parser.value(brandingDirOption)).absoluteFilePath();
        if (!QFileInfo(brandingDir).isDir()) {
            err << QApplication::translate("main", "tenantdesk: --branding-dir: “%1” is not a folder.").arg(brandingDir) << Qt::endl;
            return 2;
        }
    }
    MainWindow window;
    // Packs: --branding-dir, then the .rcc files of the user's branding folder, then the built-in ones.
    window.branding()->setExtraFolder(brandingDir);
    window.branding()->loadRuntimePacks();
    window.show();
    if (!serverUrl.isEmpty()) {
        // The Connect dialog, filled in: the password is asked for, never taken from the command line.
        QTimer::singleShot(0, &window, [&window, serverUrl, email = parser.value(emailOption)]() {
            window.connectToServer(serverUrl, email);
        });
    } else if (parser.isSet(demoOption) || parser.isSet(databaseOption) || !files.isEmpty()) {
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
            window.openDatabase(databaseFile, OpenMode::OpenExisting);
    } else if (const QString last = Settings::value(Settings::lastDatabase); !last.isEmpty() && QFileInfo::exists(last)) {
        window.openDatabase(last, OpenMode::OpenExisting);
    }
    return app.exec();
}
