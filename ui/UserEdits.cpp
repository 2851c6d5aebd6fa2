#include "UserEdits.h"

#include "Async.h"
#include "Store.h"

#include <QCoreApplication>

namespace TenantDesk::Edits {

namespace {

using Done = std::function<void()>;
using Failed = std::function<void(const StoreError&)>;

// Applies `actions` one after the other; stops at the first refusal.
void applyInTurn(EditHistory& h, QList<BulkUserAction> actions, std::function<void(const QList<BulkUserResult>&)> done,
                 Failed failed, QList<BulkUserResult> results = {})
{
    if (actions.isEmpty()) {
        done(results);
        return;
    }
    const BulkUserAction next = actions.takeFirst();
    whenReady(h.store()->applyBulkUserAction(next), &h,
        [&h, actions, done, failed, results](const BulkUserResult& result) mutable {
            results.append(result);
            applyInTurn(h, actions, done, failed, results);
        },
        failed);
}

class BulkUserEdit : public StoreEdit
{
public:
    BulkUserEdit(const BulkUserAction& action, const BulkUserResult& result, const QString& text)
        : m_action(action), m_result(result)
    {
        m_action.userIds = result.changedUserIds; // the others were not changed: nothing to take back
        setText(text);
    }
    void run(EditHistory& h, bool forward, Done done, Failed failed) override
    {
        if (forward) {
            whenReady(h.store()->applyBulkUserAction(m_action), &h,
                      [this, done](const BulkUserResult& result) {
                          // What the users were before this redo, for the next undo.
                          m_result.previousStatuses = result.previousStatuses;
                          m_result.changedUserIds = result.changedUserIds;
                          done();
                      }, failed);
            return;
        }
        applyInTurn(h, inverseOf(m_action, m_result), [done](const QList<BulkUserResult>&) { done(); }, failed);
    }

private:
    BulkUserAction m_action;
    BulkUserResult m_result;
};

UserChange valuesOf(const User& user, const UserChange& change)
{
    UserChange values;
    if (change.email)
        values.email = user.email;
    if (change.displayName)
        values.displayName = user.displayName;
    if (change.status)
        values.status = user.status;
    return values;
}

class UserUpdate : public StoreEdit
{
public:
    UserUpdate(const User& before, const User& after, const UserChange& change)
        : m_id(before.id), m_version(after.version), m_before(valuesOf(before, change)), m_after(valuesOf(after, change))
    {
        setText(QCoreApplication::translate("Edits", "Change user %1").arg(after.displayName));
    }
    void run(EditHistory& h, bool forward, Done done, Failed failed) override
    {
        // The version this history left the user at: someone else's change since is refused (Conflict).
        whenReady(h.store()->updateUser(m_id, forward ? m_after : m_before, m_version), &h,
                  [this, done](const User& user) { m_version = user.version; done(); }, failed);
    }

private:
    UserId m_id;
    qint64 m_version;
    UserChange m_before, m_after;
};

} // namespace

QList<BulkUserAction> inverseOf(const BulkUserAction& action, const BulkUserResult& result)
{
    QList<BulkUserAction> inverse;
    BulkUserAction base = action;
    base.userIds = result.changedUserIds;
    if (base.userIds.isEmpty())
        return inverse;
    switch (action.kind) {
    case BulkUserActionKind::SetStatus:
        // One action per status the users had: each goes back to where it was.
        for (const UserStatus status : {UserStatus::Invited, UserStatus::Active, UserStatus::Disabled}) {
            BulkUserAction back = base;
            back.status = status;
            back.userIds.clear();
            for (qsizetype i = 0; i < result.changedUserIds.size() && i < result.previousStatuses.size(); ++i) {
                if (result.previousStatuses.at(i) == status)
                    back.userIds.append(result.changedUserIds.at(i));
            }
            if (!back.userIds.isEmpty())
                inverse.append(back);
        }
        break;
    case BulkUserActionKind::GrantRole:
        base.kind = BulkUserActionKind::RevokeRole;
        inverse.append(base);
        break;
    case BulkUserActionKind::RevokeRole:
        base.kind = BulkUserActionKind::GrantRole;
        inverse.append(base);
        break;
    case BulkUserActionKind::Move:
        std::swap(base.tenantId, base.targetTenantId);
        std::swap(base.environmentId, base.targetEnvironmentId);
        inverse.append(base);
        break;
    }
    return inverse;
}

StoreEdit* bulkUserAction(const BulkUserAction& action, const BulkUserResult& result, const QString& text)
{
    if (result.changedUserIds.isEmpty())
        return nullptr;
    return new BulkUserEdit(action, result, text);
}

StoreEdit* userUpdate(const User& before, const User& after, const UserChange& change)
{
    if (change.isEmpty())
        return nullptr;
    if (change.status && before.status != after.status && !isLegalUserTransition(after.status, before.status))
        return nullptr;
    return new UserUpdate(before, after, change);
}

} // namespace TenantDesk::Edits
