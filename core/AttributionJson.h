#pragma once

#include "Billing.h"

#include <QJsonObject>

namespace TenantDesk::AttributionJson {

// The JSON shape of the attribution rules: the document stored in attribution_rules.rules, the
// body of GET/PUT /api/v1/billing/attribution-rules and the file of `tenantctl billing rules set`.
//
// {
//   "version": 3,                                  (answers only; ignored in a request, If-Match says it)
//   "tenant_tag_keys": ["tenant", "user:tenant"],  (a tag whose value is a tenant's slug)
//   "mappings": [                                  (tried in order, before the tenant tag keys)
//     {"source": "tag", "key": "business_unit", "value": "retail", "tenant_id": 4},
//     {"source": "sub_account", "value": "123456789012", "tenant_id": 7}
//   ],
//   "shared_costs": [                              (a line matching one is spread, not attributed)
//     {"match": "service_name", "value": "AWS Support", "split": "even", "tenants": [4, 7]},
//     {"match": "sub_account", "value": "shared-networking", "split": "proportional", "tenants": []}
//   ]
// }
//
// "tenants": [] (or absent) spreads over every tenant with direct cost that month. Every field but
// "version" is optional when reading (absent: empty); unknown fields are refused.
QJsonObject toJson(const AttributionRules& rules);
// Throws StoreError(Invalid) naming the field ("mappings[2].tenant_id: expected ...").
AttributionRules fromJson(const QJsonObject& object);

QString sourceKey(AttributionSource source);         // "tag", "sub_account"
QString sharedCostMatchKey(SharedCostMatch match);   // "service_name", "sub_account"
QString sharedCostSplitKey(SharedCostSplit split);   // "even", "proportional"

} // namespace TenantDesk::AttributionJson
