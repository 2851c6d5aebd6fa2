// File → Connect to Server, offscreen, against a real tenantdesk-server; the keychain is a real
// Secret Service (CTest runs this suite through tests/support/with-keyring).
#include "BrandingManager.h"
#include "ConnectDialog.h"
#include "Language.h"
#include "MainWindow.h"
#include "PreferencesDialog.h"
#include "SecretStore.h"
#include "ServerConnection.h"
#include "Settings.h"
#include "SqlStore.h"
#include "StoreFactory.h"
#include "TenantTreeModel.h"
#include "TestServer.h"
#include "TestSupport.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QProcess>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTest>
#include <QToolBar>
#include <QTreeView>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

class TestConnectDialog : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<TestServer> m_server;
    const QString m_email = u"root@platform.test"_s;
    QString m_password;

    template<typename T>
    static T* child(QWidget* parent, const QString& name)
    {
        auto* found = parent->findChild<T*>(name);
        if (!found)
            qFatal("No %s", qPrintable(name));
        return found;
    }

    static void fill(ConnectDialog& dialog, const QString& server, const QString& email, const QString& password)
    {
        for (auto [name, text] : {std::pair{u"serverEdit"_s, server}, std::pair{u"emailEdit"_s, email},
                                  std::pair{u"passwordEdit"_s, password}}) {
            auto* edit = child<QLineEdit>(&dialog, name);
            edit->clear();
            QTest::keyClicks(edit, text);
        }
    }

    static QString shown(QWidget* parent, const QString& name)
    {
        auto* label = child<QLabel>(parent, name);
        return label->isVisible() ? label->text() : QString();
    }

    // The connect dialog the window shows (nullptr when none shows within 10 s).
    static ConnectDialog* openDialog(MainWindow& window)
    {
        ConnectDialog* dialog = nullptr;
        const bool shown = QTest::qWaitFor([&]() {
            dialog = window.findChild<ConnectDialog*>();
            return dialog && dialog->isVisible();
        }, 10000);
        return shown ? dialog : nullptr;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        if (!qEnvironmentVariableIsSet("TENANTDESK_WITH_KEYRING"))
            QSKIP("Run through tests/support/with-keyring (as CTest does), never against your own keychain.");
        QSettings().clear();
        m_server = std::make_unique<TestServer>(QStringLiteral(TENANTDESK_SERVER_PATH), smallDemoFixture(), m_dir.path());
        m_password = m_server->bootstrapAdmin(m_email);
        QVERIFY2(!m_password.isEmpty(), qPrintable(m_server->error()));
        QVERIFY2(m_server->start(), qPrintable(m_server->error()));
    }

    void cleanupTestCase()
    {
        m_server.reset();
    }

    void fieldsAreCheckedBesideThem()
    {
        ConnectDialog dialog;
        int made = 0;
        dialog.setStoreMaker([&made](const ServerConnection& c) {
            ++made;
            return StoreFactory::server(c);
        });
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QCOMPARE(child<QLineEdit>(&dialog, u"passwordEdit"_s)->echoMode(), QLineEdit::Password);

        QTest::mouseClick(child<QPushButton>(&dialog, u"connectButton"_s), Qt::LeftButton);
        QVERIFY(dialog.isVisible());
        QVERIFY(!shown(&dialog, u"serverError"_s).isEmpty());
        QVERIFY(!shown(&dialog, u"emailError"_s).isEmpty());
        QVERIFY(!shown(&dialog, u"passwordError"_s).isEmpty());
        QCOMPARE(made, 0);

        fill(dialog, u"http://tenants.example.com"_s, u"not-an-email"_s, u"x"_s);
        QTest::mouseClick(child<QPushButton>(&dialog, u"connectButton"_s), Qt::LeftButton);
        QVERIFY2(shown(&dialog, u"serverError"_s).contains(u"https://"_s), qPrintable(shown(&dialog, u"serverError"_s)));
        QVERIFY(shown(&dialog, u"emailError"_s).contains(u"not-an-email"_s));
        QVERIFY(shown(&dialog, u"passwordError"_s).isEmpty());
        QCOMPARE(made, 0);

        // Corrected, the messages go as the person types.
        auto* server = child<QLineEdit>(&dialog, u"serverEdit"_s);
        server->clear();
        QTest::keyClicks(server, u"tenants.example.com"_s);
        QVERIFY(shown(&dialog, u"serverError"_s).isEmpty());
        auto* email = child<QLineEdit>(&dialog, u"emailEdit"_s);
        QTest::keyClicks(email, u"@example.com"_s);
        QVERIFY(shown(&dialog, u"emailError"_s).isEmpty());
    }

    void rememberMeNeedsAKeychain()
    {
        ConnectDialog dialog;
        auto* remember = child<QCheckBox>(&dialog, u"rememberCheck"_s);
        QVERIFY(!remember->isEnabled()); // until the keychain answered
        dialog.setRememberMe(true);
        dialog.setKeychainAvailable(false);
        QVERIFY(!remember->isEnabled());
        QVERIFY(!remember->isChecked());
        QVERIFY(!dialog.rememberMe());
        QVERIFY(child<QLabel>(&dialog, u"keychainLabel"_s)->text().contains(u"asked for your password each time"_s));
        dialog.setKeychainAvailable(true);
        QVERIFY(remember->isEnabled());
        QVERIFY(remember->isChecked());
        QVERIFY(dialog.rememberMe());
    }

    void wrongPasswordKeepsTheDialogOpen()
    {
        ConnectDialog dialog;
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        fill(dialog, m_server->url().toString(), m_email, u"wrong password"_s);
        QSignalSpy failed(&dialog, &ConnectDialog::signInFailed);
        QTest::mouseClick(child<QPushButton>(&dialog, u"connectButton"_s), Qt::LeftButton);
        QVERIFY(dialog.isSigningIn());
        QVERIFY(child<QProgressBar>(&dialog, u"progressBar"_s)->isVisible());
        QVERIFY(!child<QLineEdit>(&dialog, u"passwordEdit"_s)->isEnabled());
        QVERIFY(!child<QPushButton>(&dialog, u"connectButton"_s)->isEnabled());
        QVERIFY(failed.wait(30000));
        QVERIFY(dialog.isVisible());
        QVERIFY(!dialog.isSigningIn());
        QVERIFY(!child<QProgressBar>(&dialog, u"progressBar"_s)->isVisible());
        QVERIFY2(shown(&dialog, u"messageLabel"_s).contains(u"password is wrong"_s), qPrintable(shown(&dialog, u"messageLabel"_s)));
        auto* password = child<QLineEdit>(&dialog, u"passwordEdit"_s);
        QVERIFY(password->isEnabled());
        QCOMPARE(password->selectedText(), u"wrong password"_s);

        QSignalSpy accepted(&dialog, &QDialog::accepted);
        QTest::keyClicks(password, m_password);
        QTest::mouseClick(child<QPushButton>(&dialog, u"connectButton"_s), Qt::LeftButton);
        QVERIFY(accepted.wait(30000));
        QCOMPARE(dialog.storeInfo().backend, u"REST"_s);
        QVERIFY(child<QLineEdit>(&dialog, u"passwordEdit"_s)->text().isEmpty()); // not kept
        std::unique_ptr<Store> store = dialog.takeStore();
        QVERIFY(store);
        QCOMPARE(serverSession(store.get())->user().email, m_email);
        QVERIFY(!dialog.takeStore());
    }

    void untrustedCertificateIsShownAndCanBeTrusted()
    {
        const QString dir = m_dir.filePath(u"tls"_s);
        QVERIFY(QDir().mkpath(dir));
        QProcess openssl;
        openssl.start(u"openssl"_s, {u"req"_s, u"-x509"_s, u"-newkey"_s, u"rsa:2048"_s, u"-nodes"_s, u"-keyout"_s,
                                    dir + u"/key.pem"_s, u"-out"_s, dir + u"/cert.pem"_s, u"-days"_s, u"2"_s,
                                    u"-subj"_s, u"/CN=127.0.0.1"_s, u"-addext"_s, u"subjectAltName=IP:127.0.0.1"_s});
        QVERIFY(openssl.waitForFinished(60000) && openssl.exitCode() == 0);
        TestServer tls(QStringLiteral(TENANTDESK_SERVER_PATH), smallDemoFixture(), dir);
        const QString password = tls.bootstrapAdmin(m_email);
        QVERIFY(tls.start(0, {u"--tls-cert"_s, dir + u"/cert.pem"_s, u"--tls-key"_s, dir + u"/key.pem"_s}));
        const QByteArray fingerprint = QSslCertificate::fromPath(dir + u"/cert.pem"_s).constFirst().digest(QCryptographicHash::Sha256);

        ConnectDialog dialog;
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        fill(dialog, tls.url().toString(), m_email, password);
        QSignalSpy failed(&dialog, &ConnectDialog::signInFailed);
        QTest::mouseClick(child<QPushButton>(&dialog, u"connectButton"_s), Qt::LeftButton);
        QVERIFY(failed.wait(30000));
        QVERIFY(child<QWidget>(&dialog, u"certificatePanel"_s)->isVisible());
        QVERIFY(child<QLabel>(&dialog, u"certificateLabel"_s)->text().contains(formatFingerprint(fingerprint)));
        QVERIFY(trustedFingerprint(tls.url()).isEmpty());

        QSignalSpy accepted(&dialog, &QDialog::accepted);
        QTest::mouseClick(child<QPushButton>(&dialog, u"trustButton"_s), Qt::LeftButton);
        QVERIFY(accepted.wait(30000));
        QCOMPARE(trustedFingerprint(tls.url()), fingerprint); // remembered for this host and port
        QVERIFY(dialog.takeStore());
        setTrustedFingerprint(tls.url(), {});
    }

    // The whole flow in the main window: connect and remember, reconnect from the recent list
    // with the keychain's session, sign out.
    void mainWindowConnectsRemembersAndSignsOut()
    {
        const SecretStore keychain;
        const QString key = SecretStore::serverKey(m_server->url(), m_email);
        {
            MainWindow window;
            window.setErrorDialogsEnabled(false);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            auto* connectAction = child<QAction>(&window, u"connectServerAction"_s);
            QCOMPARE(connectAction->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
            QVERIFY(!child<QAction>(&window, u"signOutAction"_s)->isEnabled());
            connectAction->trigger();
            ConnectDialog* dialog = openDialog(window);
            QVERIFY(dialog);
            QTRY_VERIFY(child<QCheckBox>(dialog, u"rememberCheck"_s)->isEnabled()); // the keychain answered
            fill(*dialog, m_server->url().toString(), m_email, m_password);
            child<QCheckBox>(dialog, u"rememberCheck"_s)->setChecked(true);
            QSignalSpy opened(&window, &MainWindow::storeOpened);
            QTest::mouseClick(child<QPushButton>(dialog, u"connectButton"_s), Qt::LeftButton);
            QVERIFY(opened.wait(30000));

            QVERIFY2(window.windowTitle().contains(m_server->url().toDisplayString()), qPrintable(window.windowTitle()));
            QVERIFY(window.windowTitle().contains(m_email));
            auto* tree = child<QTreeView>(&window, u"tenantTreeView"_s);
            const QModelIndex platform = window.tenantTreeModel()->platformIndex();
            QTRY_VERIFY_WITH_TIMEOUT(tree->model()->rowCount(platform) > 0, 30000);
            QVERIFY(child<QAction>(&window, u"signOutAction"_s)->isEnabled());
            // The session is in the keychain, nothing secret in the settings.
            ServerSession* session = serverSession(window.store());
            QVERIFY(session);
            QTRY_COMPARE_WITH_TIMEOUT(await(keychain.load(key)), session->refreshToken(), 10000);
            const QStringList recent = Settings::value(Settings::recentDatabases);
            QCOMPARE(recent.value(0), serverRecentEntry(m_server->url(), m_email));
            QSettings().sync();
            QFile settings(QSettings().fileName());
            QVERIFY(settings.open(QIODevice::ReadOnly));
            const QByteArray content = settings.readAll();
            QVERIFY(!content.contains(m_password.toUtf8()));
            QVERIFY(!content.contains(session->refreshToken().toUtf8()));
        }
        {
            // A new window reconnects from the recent list with the session in the keychain.
            MainWindow window;
            window.setErrorDialogsEnabled(false);
            window.show();
            const QString before = await(keychain.load(key));
            QSignalSpy opened(&window, &MainWindow::storeOpened);
            window.reconnectServer(m_server->url(), m_email);
            QVERIFY(opened.wait(30000));
            QVERIFY(!window.findChild<ConnectDialog*>());
            ServerSession* session = serverSession(window.store());
            QVERIFY(session->refreshToken() != before); // rotated, and the newest kept
            QTRY_COMPARE_WITH_TIMEOUT(await(keychain.load(key)), session->refreshToken(), 10000);

            child<QAction>(&window, u"signOutAction"_s)->trigger();
            QVERIFY(!window.store());
            QCOMPARE(qobject_cast<QStackedWidget*>(window.centralWidget())->currentWidget()->objectName(), u"welcomePage"_s);
            QVERIFY(!child<QAction>(&window, u"signOutAction"_s)->isEnabled());
            QTRY_VERIFY_WITH_TIMEOUT(awaitError(keychain.load(key)).has_value(), 10000);
            QCOMPARE(awaitError(keychain.load(key))->code(), ErrorCode::NotFound);

            // Nothing in the keychain: signing in again asks for the password.
            window.reconnectServer(m_server->url(), m_email);
            ConnectDialog* dialog = openDialog(window);
            QVERIFY(dialog);
            QCOMPARE(child<QLineEdit>(dialog, u"serverEdit"_s)->text(), m_server->url().toDisplayString());
            QCOMPARE(child<QLineEdit>(dialog, u"emailEdit"_s)->text(), m_email);
            QVERIFY(child<QLineEdit>(dialog, u"passwordEdit"_s)->text().isEmpty());
            QVERIFY(!shown(dialog, u"messageLabel"_s).isEmpty());
            dialog->reject();
        }
    }

    // A tenant admin signs in: the console speaks their tenant's language (its setting is the default
    // for its admins) and shows their tenant's brand from the start; a language chosen in
    // Preferences wins over the tenant's; signing out gives the system's language back.
    void tenantAdminSignsInToTheirTenantsLanguageAndBrand()
    {
        // A server of its own whose Contoso Bank speaks German, and one of its tenant admins.
        const QString directory = m_dir.filePath(u"tenant-language"_s);
        QVERIFY(QDir().mkpath(directory));
        TestServer server(QStringLiteral(TENANTDESK_SERVER_PATH), smallDemoFixture(), directory);
        const QString admin = u"olivia.moreau@contoso-bank.example"_s; // Tenant Admin of contoso-bank only
        {
            SqlStore local(server.database());
            await(local.open(OpenMode::OpenExisting));
            const Tenant contoso = await(local.tenantBySlug(u"contoso-bank"_s));
            TenantChange change;
            change.language = u"de"_s;
            QCOMPARE(await(local.updateTenant(contoso.id, change, contoso.version)).language, u"de"_s);
            // Its one tenant admin in the demo, invited so far: active, so that she can sign in.
            UserQuery query;
            query.text = admin;
            const Page<User> found = await(local.users(query));
            QCOMPARE(found.items.size(), 1);
            UserChange activate;
            activate.status = UserStatus::Active;
            QCOMPARE(await(local.updateUser(found.items.constFirst().id, activate, found.items.constFirst().version)).status,
                     UserStatus::Active);
        }
        const QString password = server.resetPassword(admin);
        QVERIFY2(!password.isEmpty(), qPrintable(server.error()));
        QVERIFY2(server.start(), qPrintable(server.error()));
        BrandingError error;
        const auto pack = BrandingPack::load(u":/branding/contoso-bank"_s, &error);
        QVERIFY2(pack, qPrintable(error.message()));
        const QString englishFile = u"&File"_s;
        Language::setChosen(QString());
        Language::apply(u"en"_s);

        const auto signIn = [&](MainWindow& window) {
            window.setErrorDialogsEnabled(false);
            window.branding()->setSystemDark(false);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            child<QAction>(&window, u"connectServerAction"_s)->trigger();
            ConnectDialog* dialog = openDialog(window);
            QVERIFY(dialog);
            fill(*dialog, server.url().toString(), admin, password);
            QSignalSpy opened(&window, &MainWindow::storeOpened);
            QTest::mouseClick(child<QPushButton>(dialog, u"connectButton"_s), Qt::LeftButton);
            QVERIFY2(opened.wait(30000), qPrintable(window.findChild<ConnectDialog*>()
                                                        ? shown(window.findChild<ConnectDialog*>(), u"messageLabel"_s)
                                                        : u"no dialog"_s));
            QCOMPARE(serverSession(window.store())->user().email, admin);
        };
        const auto menuTitle = [](MainWindow& window) {
            const QList<QAction*> menus = window.menuBar()->actions();
            return menus.isEmpty() ? QString() : menus.constFirst()->text();
        };
        {
            MainWindow window;
            signIn(window);
            if (QTest::currentTestFailed())
                return;
            // German, as Contoso Bank's setting says, without a restart; nothing chosen in Preferences.
            QTRY_COMPARE_WITH_TIMEOUT(Language::current(), u"de"_s, 10000);
            QVERIFY(Language::chosen().isEmpty());
            const QString germanFile = QCoreApplication::translate("TenantDesk::MainWindow", "&File");
            QVERIFY(germanFile != englishFile);
            QTRY_COMPARE(menuTitle(window), germanFile);
            QCOMPARE(QLocale().language(), QLocale::German);
            // Contoso Bank's brand on the platform root they see, in the German title.
            QTRY_COMPARE_WITH_TIMEOUT(window.branding()->activeSlug(), u"contoso-bank"_s, 10000);
            QCOMPARE(BrandingManager::current().productName, pack->productName);
            QTRY_COMPARE(window.windowTitle(),
                         QCoreApplication::translate("TenantDesk::BrandingManager", "%1 — TenantDesk").arg(pack->productName));
            QCOMPARE(child<QLabel>(&window, u"brandingNameLabel"_s)->text(), pack->productName);
            QCOMPARE(child<QToolBar>(&window, u"brandingToolBar"_s)->windowTitle(),
                     QCoreApplication::translate("TenantDesk::BrandingManager", "Branding"));

            // Edit → Preferences…: English chosen wins over the tenant's German.
            child<QAction>(&window, u"preferencesAction"_s)->trigger();
            auto* preferences = window.findChild<PreferencesDialog*>();
            QVERIFY(preferences);
            auto* combo = child<QComboBox>(preferences, u"languageComboBox"_s);
            const int english = combo->findData(u"en"_s);
            QVERIFY(english >= 0);
            combo->setCurrentIndex(english);
            Q_EMIT combo->activated(english);
            QCOMPARE(Language::chosen(), u"en"_s);
            QTRY_COMPARE(Language::current(), u"en"_s);
            QTRY_COMPARE(menuTitle(window), englishFile);
            QCOMPARE(window.windowTitle(), pack->productName + u" — TenantDesk"_s); // the brand stays
            preferences->close();
            child<QAction>(&window, u"signOutAction"_s)->trigger();
            QVERIFY(!window.store());
        }
        {
            // Signing in again with French chosen: French, not the tenant's German, and the brand.
            Language::setChosen(u"fr"_s);
            Language::apply(Language::chosen());
            MainWindow window;
            signIn(window);
            if (QTest::currentTestFailed())
                return;
            QTRY_COMPARE_WITH_TIMEOUT(window.branding()->activeSlug(), u"contoso-bank"_s, 10000);
            QTest::qWait(500); // the tenant's language has been read by now (the brand came after it)
            QCOMPARE(Language::current(), u"fr"_s);
            QTRY_COMPARE(menuTitle(window), QCoreApplication::translate("TenantDesk::MainWindow", "&File"));
            QCOMPARE(QLocale().language(), QLocale::French);

            // Nothing chosen, signed out: the system's language again, the platform's look.
            Language::setChosen(QString());
            child<QAction>(&window, u"signOutAction"_s)->trigger();
            QVERIFY(!window.store());
            QCOMPARE(window.branding()->activeSlug(), QString());
            QCOMPARE(window.windowTitle(), u"TenantDesk"_s);
        }
        {
            // Nothing chosen and a tenant admin again: the tenant's German; signing out, the system's.
            MainWindow window;
            signIn(window);
            if (QTest::currentTestFailed())
                return;
            QTRY_COMPARE_WITH_TIMEOUT(Language::current(), u"de"_s, 10000);
            child<QAction>(&window, u"signOutAction"_s)->trigger();
            QCOMPARE(Language::current(), Language::systemLanguage());
        }
        Language::apply(u"en"_s);
    }
};

QTEST_MAIN(TestConnectDialog)
#include "tst_connectdialog.moc"
