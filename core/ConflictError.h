#pragma once

#include "StoreError.h"
#include "Tenant.h"

#include <QJsonObject>
#include <optional>

namespace TenantDesk {

// A change refused because the object changed since it was read (HTTP 412, or 409), carrying the
// object as it is now when the backend says so, so that a person can compare both versions
// before trying again. Its code is always Conflict.
class ConflictError : public StoreError
{
public:
    ConflictError(QString message, QString detail = {}, QJsonObject current = {});

    // The object as it is now, as JSON (empty when the backend did not say).
    const QJsonObject& current() const noexcept { return m_current; }
    // current() read as a tenant; nullopt when absent or not a tenant.
    std::optional<Tenant> currentTenant() const;

    void raise() const override { throw *this; }
    ConflictError* clone() const override { return new ConflictError(*this); }

private:
    QJsonObject m_current;
};

} // namespace TenantDesk
