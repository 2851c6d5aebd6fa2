#include "PasswordHash.h"

#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace TenantDesk;
using namespace Qt::StringLiterals;

namespace {

// Cheap enough to hash many times under the sanitizers; the defaults are tested once.
constexpr PasswordHashParameters Cheap{.memoryKiB = 256, .iterations = 1, .parallelism = 1};

} // namespace

class TestAuth : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // --- PasswordHash ---

    void hashIsAnArgon2idPhcString()
    {
        const QString encoded = PasswordHash::hash(u"correct horse battery staple"_s, Cheap);
        static const QRegularExpression phc(uR"(^\$argon2id\$v=19\$m=256,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$)"_s);
        QVERIFY2(phc.match(encoded).hasMatch(), qPrintable(encoded));
        QVERIFY(PasswordHash::verify(u"correct horse battery staple"_s, encoded));
        QVERIFY(!PasswordHash::verify(u"correct horse battery stapler"_s, encoded));
        QVERIFY(!PasswordHash::verify(u"Correct horse battery staple"_s, encoded));
        QVERIFY(!PasswordHash::verify(QString(), encoded));
    }

    void defaultParametersAreOwasps()
    {
        const PasswordHashParameters defaults;
        QCOMPARE(defaults.memoryKiB, 19456u);
        QCOMPARE(defaults.iterations, 2u);
        QCOMPARE(defaults.parallelism, 1u);
        const QString encoded = PasswordHash::hash(u"s3cret"_s);
        QVERIFY2(encoded.startsWith(u"$argon2id$v=19$m=19456,t=2,p=1$"_s), qPrintable(encoded));
        QVERIFY(PasswordHash::verify(u"s3cret"_s, encoded));
        QVERIFY(!PasswordHash::verify(u"s3cret "_s, encoded));
        QVERIFY(!PasswordHash::needsRehash(encoded));
        QVERIFY(PasswordHash::needsRehash(PasswordHash::hash(u"s3cret"_s, Cheap)));
        QVERIFY(!PasswordHash::needsRehash(PasswordHash::hash(u"s3cret"_s, Cheap), Cheap));
        QVERIFY(PasswordHash::needsRehash(u"not a hash"_s));
    }

    void eachHashHasItsOwnSalt()
    {
        const QString first = PasswordHash::hash(u"same password"_s, Cheap);
        const QString second = PasswordHash::hash(u"same password"_s, Cheap);
        QVERIFY(first != second);
        QVERIFY(first.section(u'$', 4, 4) != second.section(u'$', 4, 4)); // the salts
        QVERIFY(PasswordHash::verify(u"same password"_s, first));
        QVERIFY(PasswordHash::verify(u"same password"_s, second));
    }

    void passwordsAreComparedNormalized()
    {
        const QString composed = u"caf\u00e9"_s;    // é as one code point
        const QString decomposed = u"cafe\u0301"_s; // e and a combining acute accent
        QVERIFY(composed != decomposed);
        QVERIFY(PasswordHash::verify(decomposed, PasswordHash::hash(composed, Cheap)));
        QVERIFY(!PasswordHash::verify(u"cafe"_s, PasswordHash::hash(composed, Cheap)));
    }

    void tamperedOrMalformedHashesAreFalse_data()
    {
        const QString good = PasswordHash::hash(u"pw"_s, Cheap);
        const QString salt = good.section(u'$', 4, 4);
        const QString hash = good.section(u'$', 5, 5);
        const auto flipFirst = [](QString text) {
            text[0] = text[0] == u'A' ? u'B' : u'A';
            return text;
        };
        QTest::addColumn<QString>("encoded");
        QTest::newRow("empty") << QString();
        QTest::newRow("garbage") << u"garbage"_s;
        QTest::newRow("plain text password") << u"pw"_s;
        QTest::newRow("hash changed") << u"$argon2id$v=19$m=256,t=1,p=1$"_s + salt + u'$' + flipFirst(hash);
        QTest::newRow("salt changed") << u"$argon2id$v=19$m=256,t=1,p=1$"_s + flipFirst(salt) + u'$' + hash;
        QTest::newRow("cost changed") << u"$argon2id$v=19$m=256,t=2,p=1$"_s + salt + u'$' + hash;
        QTest::newRow("truncated") << good.chopped(10);
        QTest::newRow("no hash") << u"$argon2id$v=19$m=256,t=1,p=1$"_s + salt;
        QTest::newRow("argon2i") << QString(good).replace(u"$argon2id$"_s, u"$argon2i$"_s);
        QTest::newRow("argon2d") << QString(good).replace(u"$argon2id$"_s, u"$argon2d$"_s);
        QTest::newRow("version 16") << QString(good).replace(u"$v=19$"_s, u"$v=16$"_s);
        QTest::newRow("no memory") << QString(good).replace(u"m=256"_s, u"m=0"_s);
        QTest::newRow("huge memory") << QString(good).replace(u"m=256"_s, u"m=4294967295"_s);
        QTest::newRow("endless") << QString(good).replace(u"t=1"_s, u"t=4294967295"_s);
        QTest::newRow("many lanes") << QString(good).replace(u"p=1"_s, u"p=100000"_s);
        QTest::newRow("trailing space") << good + u' ';
        QTest::newRow("line break") << good + u'\n';
        QTest::newRow("padded") << good + u'=';
        QTest::newRow("non-latin") << good + u"\u00e9"_s;
    }

    void tamperedOrMalformedHashesAreFalse()
    {
        QFETCH(QString, encoded);
        QVERIFY(!PasswordHash::verify(u"pw"_s, encoded));
    }

    void oneTimePasswords()
    {
        static const QString alphabet = u"23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz"_s;
        QSet<QString> seen;
        QSet<QChar> used;
        for (int i = 0; i < 1000; ++i) {
            const QString password = PasswordHash::generateOneTimePassword();
            QCOMPARE(password.size(), 20);
            for (QChar c : password) {
                QVERIFY2(alphabet.contains(c), qPrintable(password));
                used.insert(c);
            }
            seen.insert(password);
        }
        QCOMPARE(seen.size(), 1000);
        QCOMPARE(used.size(), alphabet.size()); // 20,000 draws reach every character
        for (QChar ambiguous : u"01OIlio"_s)
            QVERIFY(!used.contains(ambiguous));
    }
};

QTEST_GUILESS_MAIN(TestAuth)
#include "tst_auth.moc"
