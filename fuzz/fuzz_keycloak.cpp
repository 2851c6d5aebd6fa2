// Keycloak realm exports (File → Import Users… → Keycloak, tenantctl import keycloak).
#include "FuzzSupport.h"
#include "KeycloakImport.h"

using namespace TenantDesk;
using namespace Qt::StringLiterals;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QList<DirectoryImport> imports = readKeycloakJson(Fuzz::bytes(data, size), u"fuzz-realm.json"_s);
    Fuzz::require(!imports.isEmpty(), "a Keycloak file read as nothing at all, not even an issue");
    for (const DirectoryImport& import : imports) {
        for (const ImportIssue& issue : import.issues)
            Fuzz::require(!issue.message.isEmpty(), "an issue without a message");
    }
    return 0;
}
