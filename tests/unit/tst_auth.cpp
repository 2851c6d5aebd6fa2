#include "Jwt.h"
#include "PasswordHash.h"
#include "Permission.h"
#include "Policy.h"
#include "Role.h"
#include "SigningKey.h"
#include "StoreError.h"
#include "Tenant.h"
#include "TenantScope.h"
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

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

Role builtIn(const QString& name, RoleId id)
{
    for (Role role : BuiltInRole::definitions()) {
        if (role.name == name) {
            role.id = id;
            return role;
        }
    }
    qFatal("No built-in role %s", qPrintable(name));
}

// Built-in roles as a database holds them, with ids.
QList<Role> builtInRoles()
{
    return {builtIn(BuiltInRole::PlatformAdmin, 1), builtIn(BuiltInRole::TenantAdmin, 2),
            builtIn(BuiltInRole::TenantUser, 3), builtIn(BuiltInRole::TenantViewer, 4)};
}

// acme (1)
// ├── acme.emea (2), environments 21 and 22
// │   └── acme.emea.de (3)
// └── acme.apac (4)
// globex (5)
Tenant tenant(TenantId id, const QString& slug, QList<TenantId> ancestorIds)
{
    return Tenant{.id = id, .parentId = ancestorIds.isEmpty() ? 0 : ancestorIds.constLast(),
                  .ancestorIds = ancestorIds, .slug = slug};
}
const Tenant Acme = tenant(1, u"acme"_s, {});
const Tenant Emea = tenant(2, u"acme.emea"_s, {1});
const Tenant EmeaDe = tenant(3, u"acme.emea.de"_s, {1, 2});
const Tenant Apac = tenant(4, u"acme.apac"_s, {1});
const Tenant Globex = tenant(5, u"globex"_s, {});
const QList<Tenant> AllTenants{Acme, Emea, EmeaDe, Apac, Globex};
constexpr EnvironmentId EmeaProduction = 21;
constexpr EnvironmentId EmeaStaging = 22;

Principal principalWith(const QList<Grant>& grants)
{
    return Principal{.userId = 42, .email = u"ann@example.com"_s, .grants = grants};
}

Principal platformAdmin()
{
    Principal principal = principalWith({});
    principal.platformPermissions = Policy::flattenPermissions(builtIn(BuiltInRole::PlatformAdmin, 1), builtInRoles());
    return principal;
}

Principal holding(const QString& roleName, const Tenant& on, EnvironmentId environmentId = 0)
{
    return principalWith({Policy::grantFor(builtIn(roleName, 0), on, environmentId, builtInRoles())});
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

    // --- Policy ---

    void policyMatrix_data()
    {
        QTest::addColumn<Principal>("principal");
        QTest::addColumn<QString>("permission");
        QTest::addColumn<Tenant>("target");
        QTest::addColumn<bool>("allowed");
        using namespace Permission;
        const Principal admin = platformAdmin();
        for (const Tenant& target : AllTenants) {
            for (const QString& permission : all()) {
                const QByteArray row = (u"platform admin "_s + permission + u" on "_s + target.slug).toUtf8();
                QTest::newRow(row.constData()) << admin << permission << target << true;
            }
        }
        const Principal emeaAdmin = holding(BuiltInRole::TenantAdmin, Emea);
        QTest::newRow("tenant admin updates own tenant") << emeaAdmin << TenantUpdate << Emea << true;
        QTest::newRow("tenant admin updates sub-tenant") << emeaAdmin << TenantUpdate << EmeaDe << true;
        QTest::newRow("tenant admin manages users of sub-tenant") << emeaAdmin << UserWrite << EmeaDe << true;
        QTest::newRow("tenant admin updates parent") << emeaAdmin << TenantUpdate << Acme << false;
        QTest::newRow("tenant admin reads parent") << emeaAdmin << TenantRead << Acme << false;
        QTest::newRow("tenant admin updates sibling") << emeaAdmin << TenantUpdate << Apac << false;
        QTest::newRow("tenant admin updates other tenant") << emeaAdmin << TenantUpdate << Globex << false;
        QTest::newRow("tenant admin changes lifecycle") << emeaAdmin << TenantLifecycle << Emea << false;
        QTest::newRow("tenant admin creates tenants") << emeaAdmin << TenantCreate << Emea << false;
        QTest::newRow("tenant admin on the platform") << emeaAdmin << TenantCreate << Tenant{} << false;

        const Principal viewer = holding(BuiltInRole::TenantViewer, Emea);
        QTest::newRow("viewer reads") << viewer << TenantRead << Emea << true;
        QTest::newRow("viewer reads sub-tenant") << viewer << TenantRead << EmeaDe << true;
        QTest::newRow("viewer reads audit") << viewer << AuditRead << Emea << true;
        QTest::newRow("viewer updates") << viewer << TenantUpdate << Emea << false;
        QTest::newRow("viewer writes users") << viewer << UserWrite << Emea << false;
        QTest::newRow("viewer reads other tenant") << viewer << TenantRead << Globex << false;

        const Principal environmentUser = holding(BuiltInRole::TenantUser, Emea, EmeaProduction);
        QTest::newRow("environment grant is not tenant-wide") << environmentUser << UsageRead << Emea << false;
        QTest::newRow("nobody") << principalWith({}) << TenantRead << Emea << false;
        QTest::newRow("unknown permission") << emeaAdmin << u"tenant.delete"_s << Emea << false;
    }

    void policyMatrix()
    {
        QFETCH(Principal, principal);
        QFETCH(QString, permission);
        QFETCH(Tenant, target);
        QFETCH(bool, allowed);
        QCOMPARE(Policy::allows(principal, permission, target), allowed);
        // Whatever is allowed on a tenant is allowed on each of its environments.
        if (allowed)
            QVERIFY(Policy::allowsEnvironment(principal, permission, target, EmeaProduction));
    }

    // Custom and composite roles in the policy table: a role's permissions are its own and those of
    // the roles it includes, within its tenant; a grant of it reaches the sub-tenants.
    void compositeRolesInThePolicy()
    {
        using namespace Permission;
        QList<Role> roles = BuiltInRole::definitions();
        for (qsizetype i = 0; i < roles.size(); ++i)
            roles[i].id = i + 1; // 1 Platform Admin, 2 Tenant Admin, 3 Tenant User, 4 Tenant Viewer
        const Role lead{.id = 10, .tenantId = Emea.id, .name = u"Support Lead"_s, .scope = RoleScope::Tenant,
                        .permissions = {UserWrite}, .includedRoleIds = {4}};
        const Role foreign{.id = 11, .tenantId = Globex.id, .name = u"Globex Ops"_s, .scope = RoleScope::Tenant,
                           .permissions = {EnvironmentManage}};
        const Role greedy{.id = 12, .tenantId = Emea.id, .name = u"Greedy"_s, .scope = RoleScope::Environment,
                          .permissions = {UsageRead}, .includedRoleIds = {2, 11}};
        roles << lead << foreign << greedy;

        Principal principal;
        principal.userId = 7;
        principal.email = u"lead@acme.test"_s;
        principal.grants = {Policy::grantFor(lead, Emea, 0, roles)};
        QCOMPARE(principal.grants.constFirst().permissions,
                 (QStringList{AuditRead, BillingRead, TenantRead, UsageRead, UserRead, UserWrite}));
        QVERIFY(Policy::allows(principal, UserWrite, EmeaDe));   // inherited by the sub-tenant
        QVERIFY(Policy::allows(principal, AuditRead, EmeaDe));   // through Tenant Viewer
        QVERIFY(!Policy::allows(principal, TenantUpdate, Emea)); // nobody included gives it
        QVERIFY(!Policy::allows(principal, TenantRead, Acme));   // not upwards
        // An environment role includes neither a wider role nor another tenant's.
        QCOMPARE(Policy::flattenPermissions(greedy, roles), QStringList{UsageRead});
        QVERIFY(!Policy::mayInclude(greedy, roles.at(1)));
        QVERIFY(!Policy::mayInclude(lead, foreign));
        QVERIFY(Policy::mayInclude(lead, roles.at(3)));
    }

    void permissionChainsNameTheWay()
    {
        using namespace Permission;
        QList<Role> roles = BuiltInRole::definitions();
        for (qsizetype i = 0; i < roles.size(); ++i)
            roles[i].id = i + 1;
        const Role reader{.id = 20, .tenantId = Emea.id, .name = u"Reader"_s, .scope = RoleScope::Tenant,
                          .permissions = {}, .includedRoleIds = {4}};
        const Role lead{.id = 21, .tenantId = Emea.id, .name = u"Lead"_s, .scope = RoleScope::Tenant,
                        .permissions = {UserWrite, UserRead}, .includedRoleIds = {20}};
        roles << reader << lead;
        const QMap<QString, QStringList> chains = Policy::permissionChains(lead, roles);
        QCOMPARE(chains.value(UserWrite), QStringList{u"Lead"_s});
        QCOMPARE(chains.value(UserRead), QStringList{u"Lead"_s}); // its own: the shortest way
        QCOMPARE(chains.value(AuditRead), (QStringList{u"Lead"_s, u"Reader"_s, BuiltInRole::TenantViewer}));
        QVERIFY(!chains.contains(TenantUpdate));
        QCOMPARE(QStringList(chains.keys()), Policy::flattenPermissions(lead, roles));
    }

    void includeCyclesAreFound()
    {
        const Role a{.id = 1, .tenantId = 5, .name = u"A"_s, .includedRoleIds = {2}};
        const Role b{.id = 2, .tenantId = 5, .name = u"B"_s, .includedRoleIds = {3}};
        const Role c{.id = 3, .tenantId = 5, .name = u"C"_s};
        const QList<Role> roles{a, b, c};
        // C including A closes C → A → B → C.
        QCOMPARE(Policy::includeCycle(c, {1}, roles), (QStringList{u"C"_s, u"A"_s, u"B"_s, u"C"_s}));
        QVERIFY(Policy::includeCycle(a, {3}, roles).isEmpty()); // A → C: no way back
        QCOMPARE(Policy::includeCycle(a, {1}, roles), (QStringList{u"A"_s, u"A"_s}));
        QVERIFY(Policy::includeCycle(c, {}, roles).isEmpty());
    }

    void environmentGrantCoversThatEnvironmentOnly()
    {
        const Principal user = holding(BuiltInRole::TenantUser, Emea, EmeaProduction);
        QVERIFY(Policy::allowsEnvironment(user, Permission::UsageRead, Emea, EmeaProduction));
        QVERIFY(!Policy::allowsEnvironment(user, Permission::BillingRead, Emea, EmeaProduction)); // not in the role
        QVERIFY(!Policy::allowsEnvironment(user, Permission::UsageRead, Emea, EmeaStaging));
        QVERIFY(!Policy::allowsEnvironment(user, Permission::UsageRead, EmeaDe, EmeaProduction)); // not its tenant
        QVERIFY(!Policy::allowsEnvironment(user, Permission::UsageRead, Emea, 0));
        QVERIFY(!Policy::allows(user, Permission::UsageRead, Emea));

        const Principal admin = holding(BuiltInRole::TenantAdmin, Acme);
        QVERIFY(Policy::allowsEnvironment(admin, Permission::EnvironmentManage, Emea, EmeaStaging)); // tenant-wide above
        QVERIFY(!Policy::allowsEnvironment(holding(BuiltInRole::TenantAdmin, Apac), Permission::EnvironmentManage, Emea, EmeaStaging));
    }

    void visibility_data()
    {
        QTest::addColumn<Principal>("principal");
        QTest::addColumn<QList<TenantId>>("visible");
        QTest::newRow("platform admin") << platformAdmin() << QList<TenantId>{1, 2, 3, 4, 5};
        QTest::newRow("nobody") << principalWith({}) << QList<TenantId>{};
        // The tenant and its sub-tree: not the parent acme (no way there), not the sibling acme.apac.
        QTest::newRow("tenant admin of acme.emea") << holding(BuiltInRole::TenantAdmin, Emea) << QList<TenantId>{2, 3};
        QTest::newRow("viewer of acme") << holding(BuiltInRole::TenantViewer, Acme) << QList<TenantId>{1, 2, 3, 4};
        QTest::newRow("user of acme.emea.de") << holding(BuiltInRole::TenantUser, EmeaDe) << QList<TenantId>{3};
        QTest::newRow("environment user of acme.emea")
            << holding(BuiltInRole::TenantUser, Emea, EmeaProduction) << QList<TenantId>{2, 3};
        Principal twoCustomers = holding(BuiltInRole::TenantViewer, Apac);
        twoCustomers.grants += holding(BuiltInRole::TenantAdmin, Globex).grants;
        QTest::newRow("acme.apac and globex") << twoCustomers << QList<TenantId>{4, 5};
        Principal nested = holding(BuiltInRole::TenantViewer, EmeaDe);
        nested.grants += holding(BuiltInRole::TenantAdmin, Emea).grants;
        QTest::newRow("acme.emea.de inside acme.emea") << nested << QList<TenantId>{2, 3};
    }

    void visibility()
    {
        QFETCH(Principal, principal);
        QFETCH(QList<TenantId>, visible);
        const PolicyScope scope = Policy::scopeRoots(principal);
        for (const Tenant& tenant : AllTenants) {
            QCOMPARE(Policy::canSee(principal, tenant), visible.contains(tenant.id));
            // One rule: what canSee shows is the scope the server sets for row-level security.
            QCOMPARE(scope.contains(tenant), visible.contains(tenant.id));
            QCOMPARE(TenantScope(scope.all ? TenantScope::allTenants() : TenantScope::subtrees(scope.roots))
                         .covers(tenant.id, tenant.ancestorIds),
                     visible.contains(tenant.id));
            // Whoever may read a tenant sees it.
            if (Policy::allows(principal, Permission::TenantRead, tenant))
                QVERIFY(Policy::canSee(principal, tenant));
        }
    }

    void ancestorsOfAGrantAreNotSeen()
    {
        // A grant on acme.emea.de shows neither acme.emea nor acme, although the token names them
        // as the granted tenant's ancestors, and reading them is not allowed either.
        const Principal user = holding(BuiltInRole::TenantAdmin, EmeaDe);
        QCOMPARE(user.grants.constFirst().tenantAncestorIds, (QList<TenantId>{1, 2}));
        for (const Tenant& ancestor : {Acme, Emea}) {
            QVERIFY(!Policy::canSee(user, ancestor));
            QVERIFY(!Policy::allows(user, Permission::TenantRead, ancestor));
        }
        QVERIFY(Policy::canSee(user, EmeaDe));
        // The same principal read back from its token sees the same.
        const auto fromToken = Policy::principalFromClaims(Policy::toClaims(user));
        QVERIFY(fromToken);
        QVERIFY(!Policy::canSee(*fromToken, Emea));
        QVERIFY(Policy::canSee(*fromToken, EmeaDe));
    }

    void scopeRootsAreMinimal()
    {
        QCOMPARE(Policy::scopeRoots(platformAdmin()), (PolicyScope{.all = true}));
        QCOMPARE(Policy::scopeRoots(principalWith({})), PolicyScope{});
        QVERIFY(!Policy::scopeRoots(principalWith({})).contains(Acme));

        const QList<Role> roles = builtInRoles();
        const Role admin = builtIn(BuiltInRole::TenantAdmin, 2);
        const Role viewer = builtIn(BuiltInRole::TenantViewer, 4);
        const Grant onAcme = Policy::grantFor(viewer, Acme, 0, roles);
        const Grant onEmea = Policy::grantFor(admin, Emea, 0, roles);
        const Grant onEmeaDe = Policy::grantFor(admin, EmeaDe, 0, roles);
        const Grant onEmeaProduction = Policy::grantFor(admin, Emea, EmeaProduction, roles);
        const Grant onApac = Policy::grantFor(admin, Apac, 0, roles);
        const Grant onGlobex = Policy::grantFor(admin, Globex, 0, roles);

        QCOMPARE(Policy::scopeRoots(principalWith({onEmea, onEmeaDe})).roots, QList<TenantId>{2});
        QCOMPARE(Policy::scopeRoots(principalWith({onEmeaDe, onEmea})).roots, QList<TenantId>{2});
        QCOMPARE(Policy::scopeRoots(principalWith({onEmeaDe, onAcme, onEmea})).roots, QList<TenantId>{1});
        QCOMPARE(Policy::scopeRoots(principalWith({onEmea, onEmeaProduction})).roots, QList<TenantId>{2});
        QCOMPARE(Policy::scopeRoots(principalWith({onGlobex, onEmeaDe, onApac})).roots, (QList<TenantId>{3, 4, 5}));
        QVERIFY(!Policy::scopeRoots(principalWith({onEmea})).all);

        const PolicyScope scope = Policy::scopeRoots(principalWith({onEmea, onGlobex}));
        QVERIFY(scope.contains(Emea));
        QVERIFY(scope.contains(EmeaDe));
        QVERIFY(scope.contains(Globex));
        QVERIFY(!scope.contains(Acme));
        QVERIFY(!scope.contains(Apac));
    }

    void compositeRolesAreFlattened()
    {
        using namespace Permission;
        QList<Role> roles = builtInRoles();
        const Role billing{.id = 10, .tenantId = 1, .name = u"Billing"_s, .permissions = {BillingRead}, .includedRoleIds = {11}};
        const Role auditing{.id = 11, .tenantId = 1, .name = u"Auditing"_s, .permissions = {AuditRead}, .includedRoleIds = {12, 10}};
        const Role usage{.id = 12, .tenantId = 1, .name = u"Usage"_s, .permissions = {UsageRead, AuditRead}, .includedRoleIds = {12}};
        const Role otherTenants{.id = 13, .tenantId = 5, .name = u"Globex Admin"_s, .permissions = {UserWrite}};
        const Role environmentRole{.id = 14, .tenantId = 1, .name = u"Deployer"_s, .scope = RoleScope::Environment,
                                   .permissions = {EnvironmentManage}, .includedRoleIds = {2}};
        roles += {billing, auditing, usage, otherTenants, environmentRole};

        // A cycle (10 → 11 → 10) and a self-inclusion (12) end; each permission once, sorted.
        QCOMPARE(Policy::flattenPermissions(billing, roles), (QStringList{AuditRead, BillingRead, UsageRead}));
        QCOMPARE(Policy::flattenPermissions(usage, roles), (QStringList{AuditRead, UsageRead}));

        // Built-in roles may be included; unknown ids are skipped.
        const Role withViewer{.id = 20, .tenantId = 1, .name = u"Viewer+"_s, .permissions = {UserWrite}, .includedRoleIds = {99, 4}};
        QCOMPARE(Policy::flattenPermissions(withViewer, roles),
                 (QStringList{AuditRead, BillingRead, TenantRead, UsageRead, UserRead, UserWrite}));

        // A tenant's custom role cannot include the platform role, another tenant's role, or a role
        // of wider scope.
        const Role escalating{.id = 21, .tenantId = 1, .name = u"Sneaky"_s, .permissions = {TenantRead}, .includedRoleIds = {1, 13}};
        QCOMPARE(Policy::flattenPermissions(escalating, roles), QStringList{TenantRead});
        QCOMPARE(Policy::flattenPermissions(environmentRole, roles), QStringList{EnvironmentManage});

        // grantFor carries the flattened permissions and where the grant sits.
        const Grant grant = Policy::grantFor(billing, EmeaDe, 0, roles);
        QCOMPARE(grant, (Grant{.tenantId = 3, .environmentId = 0, .roleName = u"Billing"_s,
                               .permissions = {AuditRead, BillingRead, UsageRead}, .tenantAncestorIds = {1, 2}}));
        QCOMPARE(Policy::grantFor(builtIn(BuiltInRole::TenantUser, 3), Emea, EmeaStaging, roles).environmentId, EmeaStaging);
    }

    void claimsRoundTrip_data()
    {
        QTest::addColumn<Principal>("principal");
        QTest::addColumn<QJsonObject>("claims");
        const Principal nobody = principalWith({});
        QTest::newRow("no roles") << nobody
                                  << QJsonObject{{u"sub"_s, u"42"_s}, {u"email"_s, u"ann@example.com"_s}};
        Principal admin = platformAdmin();
        QStringList sortedPermissions = Permission::all();
        sortedPermissions.sort();
        QTest::newRow("platform admin") << admin
                                        << QJsonObject{{u"sub"_s, u"42"_s}, {u"email"_s, u"ann@example.com"_s},
                                                       {u"plat"_s, QJsonArray::fromStringList(sortedPermissions)}};
        Principal several = holding(BuiltInRole::TenantViewer, Acme);
        several.grants += holding(BuiltInRole::TenantUser, Emea, EmeaProduction).grants;
        several.grants += holding(BuiltInRole::TenantAdmin, EmeaDe).grants;
        several.userId = 9007199254740991; // the largest integer a JSON number holds exactly
        const QJsonArray userPermissions{u"tenant.read"_s, u"usage.read"_s, u"user.read"_s};
        const QJsonObject expected{
            {u"sub"_s, u"9007199254740991"_s},
            {u"email"_s, u"ann@example.com"_s},
            {u"scopes"_s,
             QJsonArray{
                 QJsonObject{{u"t"_s, 1}, {u"r"_s, u"Tenant Viewer"_s},
                             {u"p"_s, QJsonArray::fromStringList(builtIn(BuiltInRole::TenantViewer, 4).permissions)}},
                 QJsonObject{{u"t"_s, 2}, {u"a"_s, QJsonArray{1}}, {u"e"_s, 21}, {u"r"_s, u"Tenant User"_s}, {u"p"_s, userPermissions}},
                 QJsonObject{{u"t"_s, 3}, {u"a"_s, QJsonArray{1, 2}}, {u"r"_s, u"Tenant Admin"_s},
                             {u"p"_s, QJsonArray::fromStringList(builtIn(BuiltInRole::TenantAdmin, 2).permissions)}},
             }},
        };
        QTest::newRow("several grants") << several << expected;
    }

    void claimsRoundTrip()
    {
        QFETCH(Principal, principal);
        QFETCH(QJsonObject, claims);
        QCOMPARE(Policy::toClaims(principal), claims);
        QCOMPARE(Policy::principalFromClaims(claims), std::optional(principal));

        // Through a signed token, with the claims the server adds.
        QJsonObject tokenClaims = Policy::toClaims(principal);
        tokenClaims[u"iss"_s] = u"tenantdesk-server"_s;
        tokenClaims[u"jti"_s] = u"0f8fad5b-d9cb-469f-a165-70867728950e"_s;
        tokenClaims[u"iat"_s] = Now.toSecsSinceEpoch();
        tokenClaims[u"exp"_s] = Now.toSecsSinceEpoch() + 900;
        const JwtResult result = Jwt::verify(Jwt::sign(tokenClaims, Key), Key, Now);
        QVERIFY2(result.isValid(), qPrintable(result.message));
        QCOMPARE(Policy::principalFromClaims(result.claims), std::optional(principal));
    }

    void malformedClaimsAreRejected_data()
    {
        QTest::addColumn<QJsonObject>("claims");
        Principal principal = holding(BuiltInRole::TenantAdmin, EmeaDe);
        principal.grants += holding(BuiltInRole::TenantUser, Emea, EmeaProduction).grants;
        const QJsonObject good = Policy::toClaims(principal);
        QVERIFY(Policy::principalFromClaims(good));
        const auto scope = [](QJsonObject& claims, int index, const std::function<void(QJsonObject&)>& change) {
            QJsonArray scopes = claims[u"scopes"_s].toArray();
            QJsonObject object = scopes[index].toObject();
            change(object);
            scopes[index] = object;
            claims[u"scopes"_s] = scopes;
        };
        const QList<QPair<const char*, std::function<void(QJsonObject&)>>> changes{
            {"empty", [](QJsonObject& c) { c = {}; }},
            {"no sub", [](QJsonObject& c) { c.remove(u"sub"_s); }},
            {"sub a number", [](QJsonObject& c) { c[u"sub"_s] = 42; }},
            {"sub zero", [](QJsonObject& c) { c[u"sub"_s] = u"0"_s; }},
            {"sub negative", [](QJsonObject& c) { c[u"sub"_s] = u"-42"_s; }},
            {"sub with a sign", [](QJsonObject& c) { c[u"sub"_s] = u"+42"_s; }},
            {"sub with a leading zero", [](QJsonObject& c) { c[u"sub"_s] = u"042"_s; }},
            {"sub with text", [](QJsonObject& c) { c[u"sub"_s] = u"42abc"_s; }},
            {"sub with a space", [](QJsonObject& c) { c[u"sub"_s] = u" 42"_s; }},
            {"sub too large", [](QJsonObject& c) { c[u"sub"_s] = u"99999999999999999999"_s; }},
            {"no email", [](QJsonObject& c) { c.remove(u"email"_s); }},
            {"email a number", [](QJsonObject& c) { c[u"email"_s] = 1; }},
            {"plat not a list", [](QJsonObject& c) { c[u"plat"_s] = u"tenant.read"_s; }},
            {"plat with a number", [](QJsonObject& c) { c[u"plat"_s] = QJsonArray{u"tenant.read"_s, 1}; }},
            {"scopes not a list", [](QJsonObject& c) { c[u"scopes"_s] = QJsonObject{}; }},
            {"scope not an object", [](QJsonObject& c) { c[u"scopes"_s] = QJsonArray{1}; }},
            {"scope without tenant", [&scope](QJsonObject& c) { scope(c, 0, [](QJsonObject& s) { s.remove(u"t"_s); }); }},
            {"tenant a string", [&scope](QJsonObject& c) { scope(c, 0, [](QJsonObject& s) { s[u"t"_s] = u"3"_s; }); }},
            {"tenant zero", [&scope](QJsonObject& c) { scope(c, 0, [](QJsonObject& s) { s[u"t"_s] = 0; }); }},
            {"tenant fractional", [&scope](QJsonObject& c) { scope(c, 0, [](QJsonObject& s) { s[u"t"_s] = 2.5; }); }},
            {"tenant too large", [&scope](QJsonObject& c) { scope(c, 0, [](QJsonObject& s) { s[u"t"_s] = 1e300; }); }},
            {"no role", [&scope](QJsonObject& c) { scope(c, 0, [](QJsonObject& s) { s.remove(u"r"_s); }); }},
            {"empty role", [&scope](QJsonObject& c) { scope(c, 0, [](QJsonObject& s) { s[u"r"_s] = u""_s; }); }},
            {"no permissions", [&scope](QJsonObject& c) { scope(c, 0, [](QJsonObject& s) { s.remove(u"p"_s); }); }},
            {"permissions a string", [&scope](QJsonObject& c) { scope(c, 0, [](QJsonObject& s) { s[u"p"_s] = u"tenant.read"_s; }); }},
            {"permission a number", [&scope](QJsonObject& c) { scope(c, 0, [](QJsonObject& s) { s[u"p"_s] = QJsonArray{7}; }); }},
            {"environment zero", [&scope](QJsonObject& c) { scope(c, 1, [](QJsonObject& s) { s[u"e"_s] = 0; }); }},
            {"environment a string", [&scope](QJsonObject& c) { scope(c, 1, [](QJsonObject& s) { s[u"e"_s] = u"21"_s; }); }},
            {"environment null", [&scope](QJsonObject& c) { scope(c, 1, [](QJsonObject& s) { s[u"e"_s] = QJsonValue(); }); }},
            {"ancestors not a list", [&scope](QJsonObject& c) { scope(c, 0, [](QJsonObject& s) { s[u"a"_s] = 1; }); }},
            {"ancestor a string", [&scope](QJsonObject& c) { scope(c, 0, [](QJsonObject& s) { s[u"a"_s] = QJsonArray{u"1"_s}; }); }},
            {"ancestor negative", [&scope](QJsonObject& c) { scope(c, 0, [](QJsonObject& s) { s[u"a"_s] = QJsonArray{-1}; }); }},
        };
        for (const auto& [name, change] : changes) {
            QJsonObject claims = good;
            change(claims);
            QTest::newRow(name) << claims;
        }
    }

    void malformedClaimsAreRejected()
    {
        QFETCH(QJsonObject, claims);
        QCOMPARE(Policy::principalFromClaims(claims), std::nullopt);
    }
};

QTEST_GUILESS_MAIN(TestAuth)
#include "tst_auth.moc"
