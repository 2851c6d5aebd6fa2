// SecretStore against a real Secret Service: CTest runs this suite through
// tests/support/with-keyring (a private D-Bus session with an unlocked GNOME Keyring).
#include "SecretStore.h"
#include "TestSupport.h"

#include <QDirIterator>
#include <QProcess>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>
#include <QUuid>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

namespace {

// The files under `directory` (recursively) whose bytes contain `secret`.
QStringList filesContaining(const QString& directory, const QString& secret)
{
    QStringList found;
    QDirIterator it(directory, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile file(it.next());
        if (file.open(QIODevice::ReadOnly) && file.readAll().contains(secret.toUtf8()))
            found << file.fileName();
    }
    return found;
}

QString newSecret()
{
    return u"secret-"_s + QUuid::createUuid().toString(QUuid::WithoutBraces);
}

const char* childVariable = "TENANTDESK_SECRETSTORE_CHILD";

} // namespace

class TestSecretStore : public QObject
{
    Q_OBJECT

private:
    SecretStore m_secrets{u"TenantDesk-test"_s};
    QTemporaryDir m_dir;

    bool inChild() const { return qEnvironmentVariableIsSet(childVariable); }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        if (!inChild() && !qEnvironmentVariableIsSet("TENANTDESK_WITH_KEYRING"))
            QSKIP("Run through tests/support/with-keyring (as CTest does), never against your own keychain.");
        QVERIFY(m_dir.isValid());
    }

    void keyNamesTheServerAndTheAccount()
    {
        if (inChild())
            QSKIP("parent only");
        QCOMPARE(SecretStore::serverKey(QUrl(u"https://tenants.example.com:8443/"_s), u"ann@example.com"_s),
                 u"https://tenants.example.com:8443 ann@example.com"_s);
        QCOMPARE(SecretStore().service(), u"TenantDesk"_s);
    }

    void aKeychainIsAvailable()
    {
        if (inChild())
            QSKIP("parent only");
        QVERIFY(await(m_secrets.isAvailable()));
    }

    void saveLoadOverwriteRemove()
    {
        if (inChild())
            QSKIP("parent only");
        const QString key = SecretStore::serverKey(QUrl(u"https://127.0.0.1:8443"_s), u"ann@example.com"_s);
        const QString other = SecretStore::serverKey(QUrl(u"https://127.0.0.1:8443"_s), u"bob@example.com"_s);
        const QString first = newSecret();
        const QString second = newSecret();

        const auto missing = awaitError(m_secrets.load(key));
        QVERIFY(missing);
        QCOMPARE(missing->code(), ErrorCode::NotFound);

        QVERIFY(!awaitError(m_secrets.save(key, first)));
        QCOMPARE(await(m_secrets.load(key)), first);
        QVERIFY(!awaitError(m_secrets.save(other, second)));
        QCOMPARE(await(m_secrets.load(other)), second); // one entry per account

        QVERIFY(!awaitError(m_secrets.save(key, second))); // overwrite
        QCOMPARE(await(m_secrets.load(key)), second);

        QVERIFY(!awaitError(m_secrets.remove(key)));
        QCOMPARE(awaitError(m_secrets.load(key))->code(), ErrorCode::NotFound);
        QCOMPARE(await(m_secrets.load(other)), second); // untouched
        QVERIFY(!awaitError(m_secrets.remove(key))); // removing nothing is fine
        QVERIFY(!awaitError(m_secrets.remove(other)));
    }

    void servicesAreSeparate()
    {
        if (inChild())
            QSKIP("parent only");
        const SecretStore app;
        const QString key = u"https://host.test alice@example.com"_s;
        QVERIFY(!awaitError(m_secrets.save(key, u"test-only"_s)));
        QCOMPARE(awaitError(app.load(key))->code(), ErrorCode::NotFound);
        QVERIFY(!awaitError(m_secrets.remove(key)));
    }

    void manySavesInARowKeepTheLast()
    {
        if (inChild())
            QSKIP("parent only");
        // A refresh token rotates on every refresh: saves queued back to back end with the newest.
        const QString key = u"https://rotation.test carol@example.com"_s;
        QList<QFuture<void>> saves;
        QString last;
        for (int i = 0; i < 5; ++i) {
            last = newSecret();
            saves << m_secrets.save(key, last);
        }
        for (const auto& save : saves)
            QVERIFY(!awaitError(save));
        QCOMPARE(await(m_secrets.load(key)), last);
        QVERIFY(!awaitError(m_secrets.remove(key)));
    }

    void secretIsNeverWrittenOutsideTheKeychain()
    {
        if (inChild())
            QSKIP("parent only");
        const QString key = u"https://disk.test dave@example.com"_s;
        const QString secret = newSecret();
        QVERIFY(!awaitError(m_secrets.save(key, secret)));
        QCOMPARE(await(m_secrets.load(key)), secret);
        QSettings().sync();
        // The keyring file under the private HOME is encrypted; nothing else may hold the secret.
        const QString home = QDir::homePath();
        QVERIFY2(home.contains(u"tenantdesk-keyring"_s), qPrintable(home));
        QCOMPARE(filesContaining(home, secret), QStringList());
        QCOMPARE(filesContaining(m_dir.path(), secret), QStringList());
        QVERIFY(QSettings().fileName().startsWith(home)); // covered by the search above
        QVERIFY(!awaitError(m_secrets.remove(key)));
    }

    // Without a D-Bus session there is no keychain: every operation says so, and nothing is
    // written anywhere instead. Runs this suite again in a process with no session bus.
    void withoutDBusThereIsNoKeychain()
    {
        if (inChild())
            QSKIP("parent only");
        const QString home = m_dir.filePath(u"no-dbus-home"_s);
        QVERIFY(QDir().mkpath(home + u"/run"_s));
        QFile::setPermissions(home + u"/run"_s, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.remove(u"DBUS_SESSION_BUS_ADDRESS"_s);
        environment.remove(u"DISPLAY"_s);
        environment.remove(u"WAYLAND_DISPLAY"_s);
        environment.remove(u"GNOME_KEYRING_CONTROL"_s);
        environment.remove(u"TENANTDESK_WITH_KEYRING"_s);
        environment.insert(u"HOME"_s, home);
        environment.insert(u"XDG_RUNTIME_DIR"_s, home + u"/run"_s);
        environment.insert(u"XDG_CONFIG_HOME"_s, home + u"/config"_s);
        environment.insert(u"XDG_DATA_HOME"_s, home + u"/data"_s);
        environment.insert(QString::fromLatin1(childVariable), u"1"_s);
        const QString secret = newSecret();
        environment.insert(u"TENANTDESK_CHILD_SECRET"_s, secret);

        QProcess child;
        child.setProcessEnvironment(environment);
        child.setProcessChannelMode(QProcess::MergedChannels);
        child.start(QCoreApplication::applicationFilePath(), {u"childWithoutKeychain"_s});
        QVERIFY(child.waitForFinished(60000));
        const QString output = QString::fromLocal8Bit(child.readAll());
        QVERIFY2(child.exitStatus() == QProcess::NormalExit && child.exitCode() == 0, qPrintable(output));
        QVERIFY2(output.contains(u"PASS   : TestSecretStore::childWithoutKeychain()"_s), qPrintable(output));
        QCOMPARE(filesContaining(home, secret), QStringList());
        QVERIFY(!output.contains(secret));
    }

    void childWithoutKeychain()
    {
        if (!inChild())
            QSKIP("run by withoutDBusThereIsNoKeychain");
        const QString secret = qEnvironmentVariable("TENANTDESK_CHILD_SECRET");
        QVERIFY(!secret.isEmpty());
        const QString key = u"https://nobus.test erin@example.com"_s;

        QVERIFY(!await(m_secrets.isAvailable()));
        const auto saved = awaitError(m_secrets.save(key, secret));
        QVERIFY(saved);
        QCOMPARE(saved->code(), ErrorCode::Unavailable);
        QVERIFY2(saved->message().contains(u"password each time"_s), qPrintable(saved->fullMessage()));
        QVERIFY(!saved->fullMessage().contains(secret));
        const auto loaded = awaitError(m_secrets.load(key));
        QVERIFY(loaded);
        QCOMPARE(loaded->code(), ErrorCode::Unavailable);
        const auto removed = awaitError(m_secrets.remove(key));
        QVERIFY(removed);
        QCOMPARE(removed->code(), ErrorCode::Unavailable);
        QSettings().sync();
    }
};

QTEST_GUILESS_MAIN(TestSecretStore)
#include "tst_secretstore.moc"
