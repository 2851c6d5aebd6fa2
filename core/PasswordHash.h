#pragma once

#include <QString>
#include <QtGlobal>

namespace TenantDesk {

// Argon2id cost parameters. The defaults are OWASP's recommended minimum (19 MiB, 2 passes,
// 1 lane); tests pass cheaper ones. Stored hashes carry their own parameters, so raising these
// later keeps old hashes verifiable (see PasswordHash::needsRehash).
struct PasswordHashParameters {
    quint32 memoryKiB = 19456;
    quint32 iterations = 2;
    quint32 parallelism = 1;

    friend bool operator==(const PasswordHashParameters&, const PasswordHashParameters&) = default;
};

// Password storage with Argon2id (libargon2), in the PHC string format
// "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>" with a 16-byte random salt and a 32-byte hash.
// Passwords are compared in Unicode normalization form KC (NIST SP 800-63B), so that the same
// characters typed on different systems match. Nothing here logs a password or a hash.
namespace PasswordHash {

// The encoded hash of `password`. Throws StoreError (Internal) when libargon2 fails, for
// example when it cannot allocate the memory the parameters ask for.
QString hash(const QString& password, const PasswordHashParameters& parameters = {});

// Whether `password` matches `encoded` (compared in constant time by libargon2). Anything that is
// not an Argon2id v19 PHC string within sane bounds (at most 1 GiB, 64 passes, 64 lanes) is false,
// so a planted hash cannot make a login allocate or compute without limit.
bool verify(const QString& password, const QString& encoded);

// Whether `encoded` was made with other parameters than `parameters` (or cannot be read), so that
// it should be replaced by a fresh hash the next time its password is verified.
bool needsRehash(const QString& encoded, const PasswordHashParameters& parameters = {});

// A random one-time password for a new or reset account: 20 characters drawn uniformly from the
// system random generator over an alphabet without look-alikes (no 0/O/o, 1/l/I/i): about 115 bits.
QString generateOneTimePassword();

} // namespace PasswordHash

} // namespace TenantDesk
