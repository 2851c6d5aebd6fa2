#pragma once

// tenantctl's billing review commands beside the imports (TenantctlBilling.h): cost summed by
// tenant, service and month, the attribution rules shown and set, and budgets. Each is one
// function registered in Tenantctl.cpp's command table.

#include "TenantctlSupport.h"

namespace TenantDesk::Tenantctl::Billing {

// billing summary [--by tenant,service,month] [--tenant SLUG] [--from DATE] [--to DATE] [--json|--csv]:
// exact sums grouped by any of tenant, service and month (always by currency), tenants by slug,
// cost attributed to no tenant as "(unallocated)", shares of shared cost in their tenant's sums;
// a group's lines are those behind its sums (a shared pool's lines count in each group with a share).
int billingSummary(const Invocation& call);
// billing rules show: the attribution rules (--json: the document `billing rules set` reads).
int billingRulesShow(const Invocation& call);
// billing rules set FILE.json: stores the rules and applies them again to every line.
int billingRulesSet(const Invocation& call);
// billing budget SLUG AMOUNT CURRENCY: a tenant's monthly budget; AMOUNT "none" removes it.
int billingBudget(const Invocation& call);

} // namespace TenantDesk::Tenantctl::Billing
