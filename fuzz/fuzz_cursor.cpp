// Page cursors, which clients send back as they please (?cursor=...).
#include "FuzzSupport.h"
#include "SqlDetail.h"

using namespace TenantDesk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QString cursor = QString::fromUtf8(Fuzz::bytes(data, size));
    try {
        const auto [sortValue, id] = SqlDetail::decodeCursor(cursor);
        // What decodes encodes back to a cursor that decodes alike.
        const auto again = SqlDetail::decodeCursor(SqlDetail::encodeCursor(sortValue, id));
        Fuzz::require(again.first == sortValue && again.second == id, "a cursor that does not survive a round trip");
    } catch (const StoreError& error) {
        Fuzz::require(error.code() == ErrorCode::Invalid && error.field() == QStringLiteral("cursor"),
                      "a bad cursor refused as something else than an invalid cursor");
    }
    return 0;
}
