#include "Jwt.h"
#include "PasswordHash.h"
#include "SigningKey.h"
#include "StoreError.h"
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace TenantDesk;
using namespace Qt::StringLiterals;

namespace {

// Cheap enough to hash many times under the sanitizers; the defaults are tested once.
constexpr PasswordHashParameters Cheap{.memoryKiB = 256, .iterations = 1, .parallelism = 1};

const QByteArray Key(32, 'k');
const QByteArray OtherKey(32, 'o');
const QDateTime Now(QDate(2026, 1, 1), QTime(12, 0), Qt::UTC);

QByteArray base64Url(const QByteArray& bytes)
{
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray joined(const QByteArray& header, const QByteArray& payload, const QByteArray& signature)
{
    return header + '.' + payload + '.' + signature;
}

// Encoded header and payload, signed.
QByteArray signedToken(const QByteArray& header, const QByteArray& payload, const QByteArray& key,
                       QCryptographicHash::Algorithm algorithm = QCryptographicHash::Sha256)
{
    const QByteArray signingInput = header + '.' + payload;
    return joined(header, payload, base64Url(QMessageAuthenticationCode::hash(signingInput, key, algorithm)));
}

// A token put together by hand, to say what Jwt::sign never would.
QByteArray handMadeToken(const QByteArray& header, const QByteArray& payload, const QByteArray& key,
                         QCryptographicHash::Algorithm algorithm = QCryptographicHash::Sha256)
{
    return signedToken(base64Url(header), base64Url(payload), key, algorithm);
}

QJsonObject claimsExpiringIn(qint64 seconds)
{
    return {{u"sub"_s, u"42"_s}, {u"exp"_s, Now.toSecsSinceEpoch() + seconds}};
}

QByteArray json(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// What QFile::permissions() adds about the user running the test.
constexpr QFileDevice::Permissions CurrentUser = QFileDevice::ReadUser | QFileDevice::WriteUser | QFileDevice::ExeUser;

std::optional<ErrorCode> signingKeyError(const QString& path, QString* message = nullptr)
{
    try {
        SigningKey::loadOrCreate(path);
    } catch (const StoreError& error) {
        if (message)
            *message = error.message();
        return error.code();
    }
    return std::nullopt;
}

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

    // --- Jwt ---

    void tokenRoundTrip()
    {
        const QJsonObject claims{{u"sub"_s, u"42"_s}, {u"email"_s, u"ann@example.com"_s},
                                 {u"iat"_s, Now.toSecsSinceEpoch()}, {u"exp"_s, Now.toSecsSinceEpoch() + 900}};
        const QByteArray token = Jwt::sign(claims, Key);
        const QList<QByteArray> parts = token.split('.');
        QCOMPARE(parts.size(), 3);
        QCOMPARE(QByteArray::fromBase64(parts[0], QByteArray::Base64UrlEncoding), R"({"alg":"HS256","typ":"JWT"})"_ba);
        QVERIFY(!token.contains('='));
        const JwtResult result = Jwt::verify(token, Key, Now);
        QVERIFY2(result.isValid(), qPrintable(result.message));
        QCOMPARE(result.claims, claims);
        QVERIFY(result.message.isEmpty());
    }

    void expiryAndNotBefore_data()
    {
        QTest::addColumn<QJsonObject>("claims");
        QTest::addColumn<int>("leeway");
        QTest::addColumn<std::optional<JwtFailure>>("failure");
        const qint64 now = Now.toSecsSinceEpoch();
        const std::optional<JwtFailure> valid;
        QTest::newRow("valid") << claimsExpiringIn(60) << 30 << valid;
        QTest::newRow("expired long ago") << claimsExpiringIn(-3600) << 30 << std::optional(JwtFailure::Expired);
        QTest::newRow("expired within leeway") << claimsExpiringIn(-10) << 30 << valid;
        QTest::newRow("expired just beyond leeway") << claimsExpiringIn(-30) << 30 << std::optional(JwtFailure::Expired);
        QTest::newRow("expired, no leeway") << claimsExpiringIn(-10) << 0 << std::optional(JwtFailure::Expired);
        QTest::newRow("expires now") << claimsExpiringIn(0) << 0 << std::optional(JwtFailure::Expired);
        QTest::newRow("negative leeway is none") << claimsExpiringIn(1) << -100 << valid;
        QTest::newRow("fractional expiry")
            << QJsonObject{{u"exp"_s, double(now) + 0.5}} << 0 << valid;
        QJsonObject early = claimsExpiringIn(600);
        early[u"nbf"_s] = now + 120;
        QTest::newRow("not yet valid") << early << 30 << std::optional(JwtFailure::NotYetValid);
        early[u"nbf"_s] = now + 10;
        QTest::newRow("nbf within leeway") << early << 30 << valid;
        QTest::newRow("nbf, no leeway") << early << 0 << std::optional(JwtFailure::NotYetValid);
        early[u"nbf"_s] = now;
        QTest::newRow("nbf now") << early << 0 << valid;
        early[u"nbf"_s] = u"soon"_s;
        QTest::newRow("nbf not a number") << early << 30 << std::optional(JwtFailure::Malformed);
        QTest::newRow("no exp") << QJsonObject{{u"sub"_s, u"42"_s}} << 30 << std::optional(JwtFailure::Malformed);
        QTest::newRow("exp not a number")
            << QJsonObject{{u"exp"_s, QString::number(now + 60)}} << 30 << std::optional(JwtFailure::Malformed);
    }

    void expiryAndNotBefore()
    {
        QFETCH(QJsonObject, claims);
        QFETCH(int, leeway);
        QFETCH(std::optional<JwtFailure>, failure);
        // By hand: Jwt::sign refuses claims without a numeric exp.
        const QByteArray token = handMadeToken(R"({"alg":"HS256","typ":"JWT"})"_ba, json(claims), Key);
        const JwtResult result = Jwt::verify(token, Key, Now, leeway);
        QCOMPARE(result.failure, failure);
        QCOMPARE(result.message.isEmpty(), !failure.has_value());
        QCOMPARE(result.claims.isEmpty(), failure.has_value());
    }

    void signingNeedsExpiryAndAKey()
    {
        const auto signError = [](const QJsonObject& claims, const QByteArray& key) -> std::optional<ErrorCode> {
            try {
                Jwt::sign(claims, key);
            } catch (const StoreError& error) {
                return error.code();
            }
            return std::nullopt;
        };
        QCOMPARE(signError(claimsExpiringIn(60), Key), std::nullopt);
        QCOMPARE(signError(QJsonObject{{u"sub"_s, u"42"_s}}, Key), std::optional(ErrorCode::Internal));
        QCOMPARE(signError(claimsExpiringIn(60), QByteArray(31, 'k')), std::optional(ErrorCode::Internal));
        QCOMPARE(signError(claimsExpiringIn(60), QByteArray()), std::optional(ErrorCode::Internal));
        QJsonObject large = claimsExpiringIn(60);
        large[u"padding"_s] = QString(Jwt::MaximumTokenSize, u'x');
        QCOMPARE(signError(large, Key), std::optional(ErrorCode::Invalid));
        QVERIFY_THROWS_EXCEPTION(StoreError, Jwt::verify(Jwt::sign(claimsExpiringIn(60), Key), QByteArray(16, 'k'), Now));
    }

    void refusedTokens_data()
    {
        QTest::addColumn<QByteArray>("token");
        QTest::addColumn<JwtFailure>("failure");

        const QByteArray token = Jwt::sign(claimsExpiringIn(600), Key);
        const QList<QByteArray> parts = token.split('.');
        const QByteArray header = parts[0];
        const QByteArray payload = parts[1];
        const QByteArray signature = parts[2];
        const QByteArray claims = json(claimsExpiringIn(600));

        // Signatures
        QJsonObject elevated = claimsExpiringIn(600);
        elevated[u"sub"_s] = u"1"_s;
        QTest::newRow("payload changed") << joined(header, base64Url(json(elevated)), signature) << JwtFailure::BadSignature;
        QByteArray otherSignature = signature;
        otherSignature[0] = otherSignature[0] == 'A' ? 'B' : 'A';
        QTest::newRow("signature changed") << joined(header, payload, otherSignature) << JwtFailure::BadSignature;
        QTest::newRow("other key") << Jwt::sign(claimsExpiringIn(600), OtherKey) << JwtFailure::BadSignature;
        QTest::newRow("signature of another token")
            << joined(header, payload, Jwt::sign(claimsExpiringIn(601), Key).split('.')[2]) << JwtFailure::BadSignature;
        const QByteArray signatureBytes = QByteArray::fromBase64(signature, QByteArray::Base64UrlEncoding);
        QCOMPARE(signatureBytes.size(), 32);
        QTest::newRow("signature shortened") << joined(header, payload, base64Url(signatureBytes.left(16)))
                                             << JwtFailure::BadSignature;

        // Algorithms
        QTest::newRow("alg none, no signature")
            << joined(base64Url(R"({"alg":"none","typ":"JWT"})"_ba), payload, {}) << JwtFailure::UnsupportedAlgorithm;
        QTest::newRow("alg none, HS256 signature")
            << handMadeToken(R"({"alg":"none"})"_ba, claims, Key) << JwtFailure::UnsupportedAlgorithm;
        QTest::newRow("HS512") << handMadeToken(R"({"alg":"HS512","typ":"JWT"})"_ba, claims, Key, QCryptographicHash::Sha512)
                               << JwtFailure::UnsupportedAlgorithm;
        QTest::newRow("RS256") << joined(base64Url(R"({"alg":"RS256","typ":"JWT"})"_ba), payload, signature)
                               << JwtFailure::UnsupportedAlgorithm;
        QTest::newRow("lower-case hs256") << handMadeToken(R"({"alg":"hs256"})"_ba, claims, Key)
                                          << JwtFailure::UnsupportedAlgorithm;
        QTest::newRow("no alg") << handMadeToken(R"({"typ":"JWT"})"_ba, claims, Key) << JwtFailure::UnsupportedAlgorithm;
        QTest::newRow("alg not a string") << handMadeToken(R"({"alg":256})"_ba, claims, Key)
                                          << JwtFailure::UnsupportedAlgorithm;

        // Shape and encoding
        QTest::newRow("empty") << QByteArray() << JwtFailure::Malformed;
        QTest::newRow("one part") << header << JwtFailure::Malformed;
        QTest::newRow("two parts") << QByteArray(header + '.' + payload) << JwtFailure::Malformed;
        QTest::newRow("four parts") << QByteArray(token + '.' + signature) << JwtFailure::Malformed;
        QTest::newRow("no signature") << joined(header, payload, {}) << JwtFailure::Malformed;
        QTest::newRow("bad base64 header") << joined("!!!", payload, signature) << JwtFailure::Malformed;
        QTest::newRow("space in header") << joined(" " + header, payload, signature) << JwtFailure::Malformed;
        QTest::newRow("standard base64 signature") << joined(header, payload, signatureBytes.toBase64())
                                                   << JwtFailure::Malformed;
        QTest::newRow("plus in signature") << joined(header, payload, "+" + signature.mid(1)) << JwtFailure::Malformed;
        QTest::newRow("padded signature") << QByteArray(token + '=') << JwtFailure::Malformed;
        const QByteArray paddedClaims = claims.toBase64(QByteArray::Base64UrlEncoding);
        QVERIFY(paddedClaims.endsWith('='));
        QTest::newRow("padded payload") << signedToken(header, paddedClaims, Key) << JwtFailure::Malformed;
        // 32 bytes leave the last character's two low bits unused: another character, same bytes.
        static const QByteArray alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        QByteArray strayBits = signature;
        strayBits.back() = alphabet[alphabet.indexOf(strayBits.back()) ^ 1];
        QCOMPARE(QByteArray::fromBase64(strayBits, QByteArray::Base64UrlEncoding), signatureBytes);
        QTest::newRow("non-canonical signature") << joined(header, payload, strayBits) << JwtFailure::Malformed;
        QTest::newRow("header not JSON") << handMadeToken("HS256", claims, Key) << JwtFailure::Malformed;
        QTest::newRow("header an array") << handMadeToken(R"(["HS256"])"_ba, claims, Key) << JwtFailure::Malformed;
        QTest::newRow("payload not JSON") << handMadeToken(R"({"alg":"HS256"})"_ba, "exp=1", Key) << JwtFailure::Malformed;
        QTest::newRow("payload an array") << handMadeToken(R"({"alg":"HS256"})"_ba, "[1]", Key) << JwtFailure::Malformed;
        QTest::newRow("payload empty") << handMadeToken(R"({"alg":"HS256"})"_ba, "", Key) << JwtFailure::Malformed;
        QTest::newRow("critical extension") << handMadeToken(R"({"alg":"HS256","crit":["b64"],"b64":false})"_ba, claims, Key)
                                            << JwtFailure::Malformed;
        QTest::newRow("other type") << handMadeToken(R"({"alg":"HS256","typ":"refresh"})"_ba, claims, Key)
                                    << JwtFailure::Malformed;
        QJsonObject large = claimsExpiringIn(600);
        large[u"padding"_s] = QString(Jwt::MaximumTokenSize, u'x');
        QTest::newRow("oversize") << handMadeToken(R"({"alg":"HS256"})"_ba, json(large), Key) << JwtFailure::Malformed;
        QTest::newRow("oversize garbage") << QByteArray(Jwt::MaximumTokenSize + 1, '.') << JwtFailure::Malformed;
    }

    void refusedTokens()
    {
        QFETCH(QByteArray, token);
        QFETCH(JwtFailure, failure);
        const JwtResult result = Jwt::verify(token, Key, Now);
        QCOMPARE(result.failure, std::optional(failure));
        QVERIFY(!result.isValid());
        QVERIFY(result.claims.isEmpty());
        QVERIFY(!result.message.isEmpty());
        QVERIFY2(!result.message.toUtf8().contains(token.left(20)) || token.size() < 20, qPrintable(result.message));
    }

    void failureKeys()
    {
        QSet<QString> keys;
        for (JwtFailure failure : {JwtFailure::Malformed, JwtFailure::UnsupportedAlgorithm, JwtFailure::BadSignature,
                                   JwtFailure::Expired, JwtFailure::NotYetValid})
            keys.insert(jwtFailureKey(failure));
        QCOMPARE(keys.size(), 5);
        QCOMPARE(jwtFailureKey(JwtFailure::BadSignature), u"bad_signature"_s);
    }

    // --- SigningKey ---

    void signingKeyIsCreatedOwnerOnlyAndReloaded()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(u"server/signing.key"_s); // the folder does not exist yet
        const QByteArray key = SigningKey::loadOrCreate(path);
        QCOMPARE(key.size(), SigningKey::KeySize);
        QVERIFY(key != QByteArray(SigningKey::KeySize, '\0'));
        const QFileDevice::Permissions permissions = QFile::permissions(path);
        QVERIFY(permissions.testFlags(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        QCOMPARE(permissions & ~CurrentUser, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), key.toBase64() + '\n');
        file.close();

        QCOMPARE(SigningKey::loadOrCreate(path), key);
        QCOMPARE(SigningKey::loadOrCreate(path), key);
        QVERIFY(SigningKey::loadOrCreate(dir.filePath(u"another.key"_s)) != key);
        QCOMPARE(QDir(dir.filePath(u"server"_s)).entryList(QDir::Files | QDir::Hidden), QStringList{u"signing.key"_s}); // no temporary left
    }

    void signingKeyFileIsCheckedBeforeUse_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QFileDevice::Permissions>("permissions");
        QTest::addColumn<ErrorCode>("code");
        const QFileDevice::Permissions ownerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
        const QByteArray good = QByteArray(32, 'g').toBase64() + '\n';
        QTest::newRow("readable by all") << good << (ownerOnly | QFileDevice::ReadGroup | QFileDevice::ReadOther) << ErrorCode::Invalid;
        QTest::newRow("readable by group") << good << (ownerOnly | QFileDevice::ReadGroup) << ErrorCode::Invalid;
        QTest::newRow("writable by others") << good << (ownerOnly | QFileDevice::WriteOther) << ErrorCode::Invalid;
        QTest::newRow("short key") << QByteArray(16, 'g').toBase64() << ownerOnly << ErrorCode::Invalid;
        QTest::newRow("31 bytes") << QByteArray(31, 'g').toBase64() << ownerOnly << ErrorCode::Invalid;
        QTest::newRow("empty") << QByteArray() << ownerOnly << ErrorCode::Invalid;
        QTest::newRow("garbage") << "this is not a key!"_ba << ownerOnly << ErrorCode::Corrupt;
        QTest::newRow("base64url") << base64Url(QByteArray(32, '\xff')) << ownerOnly << ErrorCode::Corrupt;
        QTest::newRow("two keys") << good + good << ownerOnly << ErrorCode::Corrupt;
        QTest::newRow("binary") << QByteArray(32, '\x01') << ownerOnly << ErrorCode::Corrupt;
        QTest::newRow("huge") << QByteArray(1 << 20, 'A') << ownerOnly << ErrorCode::Corrupt;
    }

    void signingKeyFileIsCheckedBeforeUse()
    {
        QFETCH(QByteArray, content);
        QFETCH(QFileDevice::Permissions, permissions);
        QFETCH(ErrorCode, code);
        QTemporaryDir dir;
        const QString path = dir.filePath(u"signing.key"_s);
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
        file.close();
        QVERIFY(QFile::setPermissions(path, permissions));
        const QByteArray digest = Test::fileDigest(path);

        QString message;
        QCOMPARE(signingKeyError(path, &message), std::optional(code));
        QVERIFY2(message.contains(path), qPrintable(message));
        QVERIFY2(!message.contains(QString::fromLatin1(content.left(20))) || content.isEmpty(), qPrintable(message));
        QCOMPARE(Test::fileDigest(path), digest); // refused, not replaced
        QCOMPARE(QFile::permissions(path) & ~CurrentUser, permissions);
    }

    void signingKeyAcceptsAWellFormedFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"signing.key"_s);
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        const QByteArray key = QByteArray(48, 'g');
        file.write(QByteArray("  " + key.toBase64() + "\r\n"));
        file.close();
        QCOMPARE(SigningKey::loadOrCreate(path), key);
    }

    void signingKeyPathMustBeAFile()
    {
        QTemporaryDir dir;
        QString message;
        QCOMPARE(signingKeyError(dir.path(), &message), std::optional(ErrorCode::Invalid));
        QVERIFY2(message.contains(dir.path()), qPrintable(message));
    }
};

QTEST_GUILESS_MAIN(TestAuth)
#include "tst_auth.moc"
