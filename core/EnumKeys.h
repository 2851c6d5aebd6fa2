#pragma once

#include <QString>
#include <optional>

namespace TenantDesk {

// The value among `all` whose key (as stored and sent over the API) is `key`.
template<typename Enum, typename Range, typename KeyOf>
std::optional<Enum> enumFromKey(const QString& key, const Range& all, KeyOf keyOf)
{
    for (Enum value : all) {
        if (keyOf(value) == key)
            return value;
    }
    return std::nullopt;
}

} // namespace TenantDesk
