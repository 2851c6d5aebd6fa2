// Secrets at rest: an admin signs in to a real tenantdesk-server with "remember me", works, signs
// out; afterwards no file the console, the server or their temporary files wrote holds the
// password, a refresh token or an access token. Only the keychain (a real Secret Service, through
// tests/support/with-keyring) may keep the session.
#include "ConnectDialog.h"
#include "MainWindow.h"
#include "SecretStore.h"
#include "ServerConnection.h"
#include "StoreFactory.h"
#include "TenantTreeModel.h"
#include "TestServer.h"
#include "TestSupport.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QDirIterator>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QTreeView>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

namespace {

// A file holding a secret, and which one.
struct Finding {
    QString file;
    QString what;
};

// Every file under `roots` (but not under a folder named in `skip`) that holds one of `secrets`
// (as UTF-8 or UTF-16) or anything shaped like a JSON Web Token.
QList<Finding> scan(const QStringList& roots, const QStringList& skip, const QHash<QString, QString>& secrets)
{
    static const QRegularExpression jwt(u"eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\."_s);
    QList<Finding> findings;
    for (const QString& root : roots) {
        QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            if (std::any_of(skip.cbegin(), skip.cend(), [&path](const QString& folder) { return path.startsWith(folder); }))
                continue;
            QFile file(path);
            if (!file.open(QIODevice::ReadOnly))
                continue; // a socket or a FIFO
            const QByteArray content = file.readAll();
            for (auto secret = secrets.cbegin(); secret != secrets.cend(); ++secret) {
                const QByteArray utf8 = secret.value().toUtf8();
                const QByteArray utf16(reinterpret_cast<const char*>(secret.value().utf16()), secret.value().size() * 2);
                if (content.contains(utf8) || content.contains(utf16))
                    findings.append({path, secret.key()});
            }
            if (jwt.match(QString::fromLatin1(content)).hasMatch())
                findings.append({path, u"a JSON Web Token"_s});
        }
    }
    return findings;
}

QString describe(const QList<Finding>& findings)
{
    QStringList lines;
    for (const Finding& finding : findings)
        lines << finding.what + u" in "_s + finding.file;
    return lines.join(u'\n');
}

template<typename T>
T* child(QWidget* parent, const QString& name)
{
    auto* found = parent->findChild<T*>(name);
    if (!found)
        qFatal("No %s", qPrintable(name));
    return found;
}

} // namespace

class TestSecretsAtRest : public QObject
{
    Q_OBJECT

private:
    QString m_home;

private Q_SLOTS:
    void initTestCase()
    {
        if (!qEnvironmentVariableIsSet("TENANTDESK_WITH_KEYRING"))
            QSKIP("Run through tests/support/with-keyring (as CTest does), never against your own keychain.");
        QStandardPaths::setTestModeEnabled(true);
        m_home = QDir::homePath();
        QVERIFY(QDir::tempPath().startsWith(m_home)); // main() sends temporary files here
    }

    void scannerFindsWhatIsThere()
    {
        // The scan itself can fail: a token written anywhere under the roots is found.
        QTemporaryDir dir;
        QFile planted(dir.filePath(u"deep/inside/cache.bin"_s));
        QVERIFY(QDir().mkpath(QFileInfo(planted).path()));
        QVERIFY(planted.open(QIODevice::WriteOnly));
        const QString token = u"refresh-0123456789abcdef"_s;
        planted.write("prefix ");
        planted.write(reinterpret_cast<const char*>(token.utf16()), token.size() * 2);
        planted.write(" eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiIxMjMifQ.c2ln");
        planted.close();
        const QList<Finding> found = scan({dir.path()}, {}, {{u"the refresh token"_s, token}});
        QCOMPARE(found.size(), 2);
        QCOMPARE(found.at(0).what, u"the refresh token"_s);
        QCOMPARE(found.at(1).what, u"a JSON Web Token"_s);
    }

    void signInWorkSignOutLeavesNoSecret()
    {
        QSettings().clear();
        QTemporaryDir serverDir; // under TMPDIR, so inside the scanned home
        const QString email = u"root@platform.test"_s;
        auto server = std::make_unique<TestServer>(QStringLiteral(TENANTDESK_SERVER_PATH), smallDemoFixture(), serverDir.path());
        const QString password = server->bootstrapAdmin(email);
        QVERIFY2(!password.isEmpty(), qPrintable(server->error()));
        QVERIFY2(server->start(), qPrintable(server->error()));

        QHash<QString, QString> secrets{{u"the password"_s, password}};
        {
            MainWindow window;
            window.setErrorDialogsEnabled(false);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            child<QAction>(&window, u"connectServerAction"_s)->trigger();
            ConnectDialog* dialog = nullptr;
            QVERIFY(QTest::qWaitFor([&]() { return (dialog = window.findChild<ConnectDialog*>()) && dialog->isVisible(); }, 10000));
            QTRY_VERIFY(child<QCheckBox>(dialog, u"rememberCheck"_s)->isEnabled());
            for (auto [name, text] : {std::pair{u"serverEdit"_s, server->url().toString()}, std::pair{u"emailEdit"_s, email},
                                      std::pair{u"passwordEdit"_s, password}}) {
                auto* edit = child<QLineEdit>(dialog, name);
                edit->clear();
                QTest::keyClicks(edit, text);
            }
            child<QCheckBox>(dialog, u"rememberCheck"_s)->setChecked(true);
            QSignalSpy opened(&window, &MainWindow::storeOpened);
            QTest::mouseClick(child<QPushButton>(dialog, u"connectButton"_s), Qt::LeftButton);
            QVERIFY(opened.wait(30000));
            ServerSession* session = serverSession(window.store());
            QVERIFY(session);
            secrets.insert(u"the first refresh token"_s, session->refreshToken());

            // Work: read the tree, the users, the audit trail, and change a tenant.
            auto* tree = child<QTreeView>(&window, u"tenantTreeView"_s);
            const QModelIndex platform = window.tenantTreeModel()->platformIndex();
            QTRY_VERIFY_WITH_TIMEOUT(tree->model()->rowCount(platform) > 0, 30000);
            Store& store = *window.store();
            const Tenant tenant = await(store.tenants({.limit = 5})).items.constFirst();
            TenantChange change;
            change.displayName = tenant.displayName + u" (renamed)"_s;
            QCOMPARE(await(store.updateTenant(tenant.id, change, tenant.version)).displayName, *change.displayName);
            QVERIFY(!await(store.users({.limit = 50})).items.isEmpty());
            QVERIFY(!await(store.auditEvents({.limit = 20})).items.isEmpty());
            secrets.insert(u"the last refresh token"_s, session->refreshToken());
            QSettings().sync();

            // While signed in with "remember me", the keychain holds the session, and only it.
            const QList<Finding> signedIn = scan({m_home}, {m_home + u"/.local/share/keyrings"_s}, secrets);
            QVERIFY2(signedIn.isEmpty(), qPrintable(describe(signedIn)));

            child<QAction>(&window, u"signOutAction"_s)->trigger();
            QVERIFY(!window.store());
        }
        server->stop(); // its logs and database are complete
        QSettings().sync();
        const QList<Finding> findings = scan({m_home}, {m_home + u"/.local/share/keyrings"_s}, secrets);
        QVERIFY2(findings.isEmpty(), qPrintable(describe(findings)));
        // And the keychain forgot the session on sign-out.
        const SecretStore keychain;
        QTRY_VERIFY_WITH_TIMEOUT(awaitError(keychain.load(SecretStore::serverKey(server->url(), email))).has_value(), 10000);
    }
};

int main(int argc, char* argv[])
{
    // Temporary files of the console and of the server it starts go under the private home that
    // with-keyring made, so that the scan sees them.
    if (qEnvironmentVariableIsSet("TENANTDESK_WITH_KEYRING")) {
        const QString tmp = qEnvironmentVariable("HOME") + u"/tmp"_s;
        QDir().mkpath(tmp);
        qputenv("TMPDIR", tmp.toLocal8Bit());
    }
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    TestSecretsAtRest test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_secretsatrest.moc"
