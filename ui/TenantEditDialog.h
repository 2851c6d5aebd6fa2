#pragma once

#include "StoreQueries.h"
#include "Tenant.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QTableWidget;

namespace TenantDesk {

class Store;
class StoreError;

// Edit → Edit Tenant (F2): a tenant's name, domain, time zone and language, saved through the
// store as one versioned change. What the store refuses is shown beside its field. When someone
// else changed the tenant since it was read, ConflictDialog shows both versions and the person
// decides: apply their own change to the current version, or keep the current one.
class TenantEditDialog : public QDialog
{
    Q_OBJECT

public:
    TenantEditDialog(Store* store, const Tenant& tenant, QWidget* parent = nullptr);

    // The change the fields make to the tenant as read (empty: nothing changed).
    TenantChange change() const;
    // The tenant as saved (valid once the dialog was accepted).
    const Tenant& saved() const { return m_saved; }

    void accept() override;

private:
    void save(const TenantChange& change, qint64 version);
    void showError(const StoreError& error);
    void resolveConflict(const TenantChange& change);
    void setBusy(bool busy);

    Store* m_store;
    Tenant m_tenant; // as read when the dialog opened
    Tenant m_saved;
    QLineEdit* m_nameEdit;
    QLineEdit* m_domainEdit;
    QComboBox* m_timezoneCombo;
    QLineEdit* m_languageEdit;
    QLabel* m_nameError;
    QLabel* m_domainError;
    QLabel* m_timezoneError;
    QLabel* m_languageError;
    QLabel* m_generalError;
    QDialogButtonBox* m_buttons;
};

// Both versions of a tenant side by side, for each field of a change that was refused because the
// tenant changed meanwhile: the person's value, the value now stored, and what it was when read.
class ConflictDialog : public QDialog
{
    Q_OBJECT

public:
    ConflictDialog(const Tenant& read, const Tenant& current, const TenantChange& change, QWidget* parent = nullptr);

    QTableWidget* table() const { return m_table; }

private:
    QTableWidget* m_table;
};

} // namespace TenantDesk
