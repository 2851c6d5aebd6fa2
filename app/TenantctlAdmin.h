#pragma once

// tenantctl's tenant administration: creating, changing, moving and retiring tenants, and their
// environments. Each command works through the Store interface only, so on any backend.

#include "TenantctlSupport.h"

namespace TenantDesk::Tenantctl::Admin {

int tenantsCreate(const Invocation& call);
int tenantsUpdate(const Invocation& call);
int tenantsMove(const Invocation& call);
// provision, activate, suspend or resume, after the command's second word.
int tenantsChangeStatus(const Invocation& call);
int tenantsDecommission(const Invocation& call);
int tenantsRestore(const Invocation& call);
int tenantsDelete(const Invocation& call);

int environmentsList(const Invocation& call);
int environmentsAdd(const Invocation& call);
int environmentsRename(const Invocation& call);
int environmentsSet(const Invocation& call);
int environmentsRemove(const Invocation& call);
int environmentsPromote(const Invocation& call);

} // namespace TenantDesk::Tenantctl::Admin
