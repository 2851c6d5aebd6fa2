#pragma once

#include <QByteArray>
#include <optional>

namespace TenantDesk {

// The bytes `text` encodes, when `text` is exactly what QByteArray::toBase64(options) makes of
// them: no other characters, no missing or extra padding, no stray bits in the last character.
// Qt's own decoder is lenient about all three; a signature or key must have one spelling only.
inline std::optional<QByteArray> fromCanonicalBase64(const QByteArray& text, QByteArray::Base64Options options)
{
    const QByteArray::FromBase64Result result =
        QByteArray::fromBase64Encoding(text, options | QByteArray::AbortOnBase64DecodingErrors);
    if (!result || result.decoded.toBase64(options) != text)
        return std::nullopt;
    return result.decoded;
}

} // namespace TenantDesk
