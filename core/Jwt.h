#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <optional>

namespace TenantDesk {

// Why a token was refused.
enum class JwtFailure {
    Malformed,            // not a compact JWS with JSON header and claims, too large, or no "exp"
    UnsupportedAlgorithm, // "alg" is anything but HS256 (including "none")
    BadSignature,         // not signed with this key, or changed since
    Expired,              // "exp" has passed (beyond the leeway)
    NotYetValid,          // "nbf" lies ahead (beyond the leeway)
};

QString jwtFailureKey(JwtFailure failure); // "malformed", "unsupported_algorithm", ...

// The outcome of Jwt::verify: the claims of a valid token, or why it was refused.
struct JwtResult {
    std::optional<JwtFailure> failure; // empty when the token is valid
    QString message;                   // a sentence for logs and problem details; never token content
    QJsonObject claims;                // empty unless valid

    bool isValid() const { return !failure.has_value(); }
};

// JSON Web Tokens (RFC 7519) as compact JWS signed with HMAC-SHA-256 (HS256), the only algorithm
// accepted. Keys are at least 32 bytes (SigningKey makes them).
namespace Jwt {

constexpr qsizetype MaximumTokenSize = 8 * 1024; // bytes; larger tokens are refused unread
constexpr qsizetype MinimumKeySize = 32;          // bytes

// The token for `claims`, which must hold a numeric "exp". Throws StoreError: Invalid when the
// token would exceed MaximumTokenSize, Internal when "exp" is missing or the key is too short.
QByteArray sign(const QJsonObject& claims, const QByteArray& key);

// The claims of `token` when its signature matches `key` (compared in constant time), "exp" is
// after `now` and "nbf" (if present) not after it, both with `leewaySeconds` of clock skew allowed.
// Throws StoreError (Internal) when the key is too short or `now` is invalid.
JwtResult verify(const QByteArray& token, const QByteArray& key, const QDateTime& now, int leewaySeconds = 30);

} // namespace Jwt

} // namespace TenantDesk
