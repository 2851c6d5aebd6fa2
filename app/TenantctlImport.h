#pragma once

// tenantctl's imports and exports of users: CSV and JSON files of users and their memberships,
// and Keycloak realm exports as new tenants. A file is read and checked row by row first; nothing
// is written while any problem remains, and each problem is named by file, line and field.

#include "TenantctlSupport.h"

namespace TenantDesk::Tenantctl::Import {

// import csv or import json, after the command's second word.
int importUsers(const Invocation& call);
int importKeycloak(const Invocation& call);
// export csv or export json, after the command's second word.
int exportUsers(const Invocation& call);

} // namespace TenantDesk::Tenantctl::Import
