// Users and memberships from JSON (File → Import Users…, tenantctl import json).
#include "FuzzSupport.h"
#include "UserFile.h"

using namespace TenantDesk;
using namespace Qt::StringLiterals;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const DirectoryImport import = readUsersJson(Fuzz::bytes(data, size), u"fuzz.json"_s, u"acme"_s);
    for (const ImportIssue& issue : import.issues)
        Fuzz::require(issue.line >= 0 && !issue.message.isEmpty(), "an issue without a position or a message");
    return 0;
}
