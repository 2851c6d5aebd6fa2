#pragma once

// tenantctl's user administration: users, their memberships and status, custom and composite
// roles, effective permissions explained. Users are named by e-mail address, roles by name, tenants
// by slug; several users at once go through one bulk action (one transaction: all or nothing).

#include "TenantctlSupport.h"

namespace TenantDesk::Tenantctl::Users {

int usersList(const Invocation& call);
int usersShow(const Invocation& call);
int usersCreate(const Invocation& call);
int usersUpdate(const Invocation& call);
// disable or enable, after the command's second word.
int usersSetStatus(const Invocation& call);
// assign or unassign, after the command's second word.
int usersAssign(const Invocation& call);
int usersMove(const Invocation& call);
int usersPermissions(const Invocation& call);

int rolesList(const Invocation& call);
int rolesCreate(const Invocation& call);
int rolesUpdate(const Invocation& call);
int rolesDelete(const Invocation& call);
int rolesGrant(const Invocation& call);

} // namespace TenantDesk::Tenantctl::Users
