#pragma once

#include "EditHistory.h"
#include "UserAdmin.h"

namespace TenantDesk {

// The edits of users on the session's history (Edit → Undo). Who shows users reads them again when
// the history moves (its stack's indexChanged).
namespace Edits {

// A bulk action as the store applied it, undone by its inverse on the users it changed: the
// previous statuses back (one action per previous status), a role granted ↔ revoked, users moved
// back. `text` names it on Edit → Undo.
StoreEdit* bulkUserAction(const BulkUserAction& action, const BulkUserResult& result, const QString& text);

// The inverse of a bulk action for the users it changed (for SetStatus, one action per previous status).
QList<BulkUserAction> inverseOf(const BulkUserAction& action, const BulkUserResult& result);

// A change of one user's profile or status (`before` holds the old values of the fields `change`
// sets). nullptr when the status went where it cannot come back from (active → invited is not legal).
StoreEdit* userUpdate(const User& before, const User& after, const UserChange& change);

} // namespace Edits

} // namespace TenantDesk
