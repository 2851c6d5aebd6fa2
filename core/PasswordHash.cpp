#include "PasswordHash.h"

#include "StoreError.h"

#include <QRandomGenerator>
#include <QRegularExpression>

#include <argon2.h>

#include <optional>

using namespace Qt::StringLiterals;

namespace TenantDesk::PasswordHash {

namespace {

constexpr quint32 SaltBytes = 16;
constexpr quint32 HashBytes = 32;

// Upper bounds for parameters read from a stored hash.
constexpr quint32 MaximumMemoryKiB = 1024 * 1024;
constexpr quint32 MaximumIterations = 64;
constexpr quint32 MaximumParallelism = 64;

// Unambiguous characters: digits without 0 and 1, letters without I, O, i, l, o.
constexpr char OneTimeAlphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz";
constexpr int OneTimeAlphabetSize = int(sizeof(OneTimeAlphabet)) - 1;
constexpr int OneTimePasswordLength = 20;

QByteArray passwordBytes(const QString& password)
{
    return password.normalized(QString::NormalizationForm_KC).toUtf8();
}

// The parameters of an Argon2id v19 PHC string within the bounds above; salt and hash are
// checked by libargon2 itself.
std::optional<PasswordHashParameters> parametersOf(const QString& encoded)
{
    static const QRegularExpression phc(
        uR"(^\$argon2id\$v=19\$m=([0-9]{1,10}),t=([0-9]{1,10}),p=([0-9]{1,10})\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$)"_s);
    const QRegularExpressionMatch match = phc.match(encoded);
    if (!match.hasMatch())
        return std::nullopt;
    const auto number = [&match](int group, quint32 maximum) -> std::optional<quint32> {
        bool ok = false;
        const qulonglong value = match.capturedView(group).toULongLong(&ok);
        if (!ok || value == 0 || value > maximum)
            return std::nullopt;
        return quint32(value);
    };
    const std::optional<quint32> memory = number(1, MaximumMemoryKiB);
    const std::optional<quint32> iterations = number(2, MaximumIterations);
    const std::optional<quint32> parallelism = number(3, MaximumParallelism);
    if (!memory || !iterations || !parallelism)
        return std::nullopt;
    return PasswordHashParameters{.memoryKiB = *memory, .iterations = *iterations, .parallelism = *parallelism};
}

} // namespace

QString hash(const QString& password, const PasswordHashParameters& parameters)
{
    quint32 salt[SaltBytes / sizeof(quint32)];
    QRandomGenerator::system()->fillRange(salt);
    const QByteArray bytes = passwordBytes(password);
    QByteArray encoded(qsizetype(argon2_encodedlen(parameters.iterations, parameters.memoryKiB, parameters.parallelism,
                                                   SaltBytes, HashBytes, Argon2_id)),
                       Qt::Uninitialized);
    const int result = argon2id_hash_encoded(parameters.iterations, parameters.memoryKiB, parameters.parallelism,
                                             bytes.constData(), size_t(bytes.size()), salt, SaltBytes,
                                             HashBytes, encoded.data(), size_t(encoded.size()));
    if (result != ARGON2_OK) {
        throw StoreError(ErrorCode::Internal, u"The password could not be hashed."_s,
                         QString::fromUtf8(argon2_error_message(result)));
    }
    return QString::fromLatin1(encoded.constData()); // NUL-terminated within the buffer
}

bool verify(const QString& password, const QString& encoded)
{
    if (!parametersOf(encoded))
        return false;
    const QByteArray bytes = passwordBytes(password);
    return argon2id_verify(encoded.toLatin1().constData(), bytes.constData(), size_t(bytes.size())) == ARGON2_OK;
}

bool needsRehash(const QString& encoded, const PasswordHashParameters& parameters)
{
    return parametersOf(encoded) != parameters;
}

QString generateOneTimePassword()
{
    QString password;
    password.reserve(OneTimePasswordLength);
    // Rejection sampling keeps every character equally likely: bytes at or above the largest
    // multiple of the alphabet size are drawn again.
    constexpr int limit = 256 - 256 % OneTimeAlphabetSize;
    QRandomGenerator* random = QRandomGenerator::system();
    while (password.size() < OneTimePasswordLength) {
        const int byte = int(random->generate() & 0xff);
        if (byte < limit)
            password.append(QLatin1Char(OneTimeAlphabet[byte % OneTimeAlphabetSize]));
    }
    return password;
}

} // namespace TenantDesk::PasswordHash
