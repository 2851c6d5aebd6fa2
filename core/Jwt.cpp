#include "Jwt.h"

#include "Base64.h"
#include "StoreError.h"

#include <QJsonDocument>
#include <QJsonValue>
#include <QMessageAuthenticationCode>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace TenantDesk {

QString jwtFailureKey(JwtFailure failure)
{
    switch (failure) {
    case JwtFailure::Malformed: return u"malformed"_s;
    case JwtFailure::UnsupportedAlgorithm: return u"unsupported_algorithm"_s;
    case JwtFailure::BadSignature: return u"bad_signature"_s;
    case JwtFailure::Expired: return u"expired"_s;
    case JwtFailure::NotYetValid: return u"not_yet_valid"_s;
    }
    return u"malformed"_s;
}

namespace Jwt {

namespace {

constexpr QByteArray::Base64Options Base64Url = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

JwtResult refused(JwtFailure failure, QString message)
{
    return JwtResult{.failure = failure, .message = std::move(message)};
}

QByteArray signature(const QByteArray& signingInput, const QByteArray& key)
{
    return QMessageAuthenticationCode::hash(signingInput, key, QCryptographicHash::Sha256);
}

// Compares every byte whatever the first difference, so that the time taken tells nothing about
// how much of a forged signature was right.
bool constantTimeEquals(const QByteArray& a, const QByteArray& b)
{
    if (a.size() != b.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    return difference == 0;
}

std::optional<QJsonObject> jsonObject(const QByteArray& part)
{
    const std::optional<QByteArray> json = fromCanonicalBase64(part, Base64Url);
    if (!json)
        return std::nullopt;
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(*json, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    return document.object();
}

// A NumericDate claim (seconds since the epoch, possibly fractional), when present and valid.
std::optional<double> numericDate(const QJsonObject& claims, const QString& name)
{
    const QJsonValue value = claims.value(name);
    if (!value.isDouble() || !std::isfinite(value.toDouble()))
        return std::nullopt;
    return value.toDouble();
}

void checkKey(const QByteArray& key)
{
    if (key.size() < MinimumKeySize) {
        throw StoreError(ErrorCode::Internal, u"The token signing key is too short."_s,
                         u"%1 bytes, at least %2 needed"_s.arg(key.size()).arg(MinimumKeySize));
    }
}

} // namespace

QByteArray sign(const QJsonObject& claims, const QByteArray& key)
{
    checkKey(key);
    if (!numericDate(claims, u"exp"_s))
        throw StoreError(ErrorCode::Internal, u"A token was to be signed without a numeric expiry (\"exp\")."_s);
    static const QByteArray header = QByteArrayLiteral(R"({"alg":"HS256","typ":"JWT"})").toBase64(Base64Url);
    const QByteArray signingInput =
        header + '.' + QJsonDocument(claims).toJson(QJsonDocument::Compact).toBase64(Base64Url);
    QByteArray token = signingInput + '.' + signature(signingInput, key).toBase64(Base64Url);
    if (token.size() > MaximumTokenSize) {
        throw StoreError(ErrorCode::Invalid, u"The access token would be too large to be accepted."_s,
                         u"%1 bytes, at most %2"_s
                             .arg(token.size()).arg(MaximumTokenSize));
    }
    return token;
}

JwtResult verify(const QByteArray& token, const QByteArray& key, const QDateTime& now, int leewaySeconds)
{
    checkKey(key);
    if (!now.isValid())
        throw StoreError(ErrorCode::Internal, u"A token was to be checked against an invalid time."_s);

    if (token.size() > MaximumTokenSize) {
        return refused(JwtFailure::Malformed,
                       u"The token is larger than %1 bytes."_s.arg(MaximumTokenSize));
    }
    const QList<QByteArray> parts = token.split('.');
    if (parts.size() != 3)
        return refused(JwtFailure::Malformed, u"The token does not have three dot-separated parts."_s);

    const std::optional<QJsonObject> header = jsonObject(parts[0]);
    if (!header)
        return refused(JwtFailure::Malformed, u"The token header is not base64url-encoded JSON."_s);
    const QJsonValue algorithm = header->value(u"alg"_s);
    if (algorithm != QJsonValue(u"HS256"_s)) {
        return refused(JwtFailure::UnsupportedAlgorithm, u"The token is not signed with HS256, the only algorithm accepted."_s);
    }
    if (header->contains(u"crit"_s))
        return refused(JwtFailure::Malformed, u"The token header names critical extensions; none is supported."_s);
    if (header->contains(u"typ"_s) && header->value(u"typ"_s) != QJsonValue(u"JWT"_s))
        return refused(JwtFailure::Malformed, u"The token header's type is not \"JWT\"."_s);

    const std::optional<QByteArray> givenSignature = fromCanonicalBase64(parts[2], Base64Url);
    if (!givenSignature || givenSignature->isEmpty())
        return refused(JwtFailure::Malformed, u"The token signature is not base64url-encoded."_s);
    const QByteArray signingInput = token.left(parts[0].size() + 1 + parts[1].size());
    if (!constantTimeEquals(*givenSignature, signature(signingInput, key)))
        return refused(JwtFailure::BadSignature, u"The token signature does not match."_s);

    const std::optional<QJsonObject> claims = jsonObject(parts[1]);
    if (!claims)
        return refused(JwtFailure::Malformed, u"The token claims are not base64url-encoded JSON."_s);
    const std::optional<double> expiry = numericDate(*claims, u"exp"_s);
    if (!expiry)
        return refused(JwtFailure::Malformed, u"The token has no numeric expiry (\"exp\")."_s);
    if (claims->contains(u"nbf"_s) && !numericDate(*claims, u"nbf"_s))
        return refused(JwtFailure::Malformed, u"The token's \"nbf\" is not a number."_s);

    const double seconds = double(now.toMSecsSinceEpoch()) / 1000.0;
    const double leeway = std::max(leewaySeconds, 0);
    if (seconds >= *expiry + leeway)
        return refused(JwtFailure::Expired, u"The token has expired."_s);
    if (const std::optional<double> notBefore = numericDate(*claims, u"nbf"_s); notBefore && seconds < *notBefore - leeway)
        return refused(JwtFailure::NotYetValid, u"The token is not valid yet."_s);
    return JwtResult{.claims = *claims};
}

} // namespace Jwt

} // namespace TenantDesk
