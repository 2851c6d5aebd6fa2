#pragma once

// What every libFuzzer target shares: the input as a QByteArray, and a check that stops the run
// (a "crash" libFuzzer keeps as a reproducer) when a parser breaks one of its promises.

#include <QByteArray>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace TenantDesk::Fuzz {

inline QByteArray bytes(const uint8_t* data, size_t size)
{
    return QByteArray(reinterpret_cast<const char*>(data), qsizetype(size));
}

// Aborts with `what` when `condition` fails: a broken promise is a finding like a crash.
inline void require(bool condition, const char* what)
{
    if (!condition) {
        std::fprintf(stderr, "fuzz: promise broken: %s\n", what);
        std::abort();
    }
}

} // namespace TenantDesk::Fuzz
