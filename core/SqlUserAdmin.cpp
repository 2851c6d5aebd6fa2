// Users, roles and memberships on SQLite and PostgreSQL (Store's user administration).
#include "SqlSession.h"

#include "StoreError.h"

namespace TenantDesk {

namespace {
[[noreturn]] void notYet()
{
    throw StoreError(ErrorCode::Unavailable, QStringLiteral("Not built yet."));
}
} // namespace

UserDetail SqlSession::userDetail(UserId) const { notYet(); }
User SqlSession::createUser(const NewUser&) const { notYet(); }
User SqlSession::updateUser(UserId, const UserChange&, qint64) const { notYet(); }
UserMembership SqlSession::grantMembership(const Membership&) const { notYet(); }
UserMembership SqlSession::revokeMembership(const Membership&) const { notYet(); }
Role SqlSession::createRole(const NewRole&) const { notYet(); }
Role SqlSession::updateRole(RoleId, const RoleChange&, qint64) const { notYet(); }
Role SqlSession::deleteRole(RoleId, qint64) const { notYet(); }
EffectivePermissions SqlSession::effectivePermissions(UserId, TenantId) const { notYet(); }
BulkUserResult SqlSession::applyBulkUserAction(const BulkUserAction&, const std::function<bool(int)>&) const { notYet(); }
ImportReport SqlSession::importDirectory(const DirectoryImport&, bool) const { notYet(); }
Principal SqlSession::principalOf(UserId) const { notYet(); }

} // namespace TenantDesk
