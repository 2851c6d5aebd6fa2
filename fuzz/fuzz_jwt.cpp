// Bearer tokens as tenantdesk-server reads them from every request's Authorization header.
#include "FuzzSupport.h"
#include "Jwt.h"
#include "StoreError.h"

#include <QTimeZone>

using namespace TenantDesk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const QByteArray key(32, 'k');
    static const QDateTime now = QDateTime::fromSecsSinceEpoch(1'800'000'000, QTimeZone::utc());
    const QByteArray token = Fuzz::bytes(data, size);
    const JwtResult result = Jwt::verify(token, key, now);
    if (result.isValid()) {
        // Only a token signed with the key passes: re-signing its claims must give it back.
        Fuzz::require(Jwt::sign(result.claims, key).size() > 0, "a valid token whose claims cannot be signed");
        Fuzz::require(token.count('.') == 2, "a valid token that is not three parts");
    } else {
        Fuzz::require(!result.message.isEmpty(), "a refusal without a message");
        Fuzz::require(!result.message.contains(QString::fromLatin1(token.left(40))) || token.size() < 8,
                      "a refusal message that repeats the token");
    }
    return 0;
}
