#pragma once

// tenantctl's billing review commands: importing billing exports (FOCUS, AWS CUR, Azure cost
// details), listing and deleting imports. Further billing commands (summaries, reports) sit beside
// these, each one function registered in Tenantctl.cpp's command table.

#include "TenantctlSupport.h"

namespace TenantDesk::Tenantctl::Billing {

// billing import FILE [--format F] [--tenant-tag KEY] [--on-duplicate refuse|skip|replace]
int billingImport(const Invocation& call);
// billing imports: every import, newest first.
int billingImports(const Invocation& call);
// billing delete-import ID
int billingDeleteImport(const Invocation& call);

} // namespace TenantDesk::Tenantctl::Billing
