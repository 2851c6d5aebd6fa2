#pragma once

#include "Environment.h"
#include "StoreQueries.h"
#include "Tenant.h"
#include "User.h"

#include <QJsonObject>

namespace TenantDesk::JsonCodec {

// The JSON shapes of the domain types, shared by tenantctl --json and the REST API.
QJsonObject toJson(const Tenant& tenant);
QJsonObject toJson(const Environment& environment);
QJsonObject toJson(const User& user);
QJsonObject toJson(const TenantSummary& summary);

} // namespace TenantDesk::JsonCodec
