// Users and memberships from CSV (File → Import Users…, tenantctl import csv).
#include "FuzzSupport.h"
#include "UserFile.h"

using namespace TenantDesk;
using namespace Qt::StringLiterals;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray input = Fuzz::bytes(data, size);
    const DirectoryImport import = readUsersCsv(input, u"fuzz.csv"_s, u"acme"_s);
    // Every issue names a line of the file (or 0, the whole file).
    const qsizetype lines = input.count('\n') + 1;
    for (const ImportIssue& issue : import.issues)
        Fuzz::require(issue.line >= 0 && issue.line <= lines, "an issue names a line beyond the file");
    for (const ImportUser& user : import.users)
        Fuzz::require(!user.email.isNull(), "a user without an e-mail field");
    return 0;
}
