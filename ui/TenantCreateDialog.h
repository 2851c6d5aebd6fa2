#pragma once

#include "StoreQueries.h"
#include "Tenant.h"

#include <QDialog>
#include <QMap>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace TenantDesk {

class Store;
class StoreError;

// Tenant → New Tenant (Ctrl+Shift+N): slug, name, parent, domain, IANA time zone, language and the
// environments to create. Each field is checked as it is typed, and what the store refuses (a slug
// already taken, a parent that is gone) is shown beside its field. The tenant starts requested.
class TenantCreateDialog : public QDialog
{
    Q_OBJECT

public:
    // `parent`: the tenant to create under (id 0: the top level).
    TenantCreateDialog(Store* store, const Tenant& parentTenant, QWidget* parent = nullptr);

    NewTenant request() const;
    // The tenant as created (valid once the dialog was accepted), and what was asked for.
    const Tenant& created() const { return m_created; }
    const NewTenant& sent() const { return m_sent; }

    void accept() override;

private:
    // Checks every field as typed; enables Create when all are fine.
    bool validate();
    void create(const NewTenant& request);
    void showError(const StoreError& error);
    void setBusy(bool busy);

    Store* m_store;
    TenantId m_parentId = 0;
    bool m_slugEdited = false;
    Tenant m_created;
    NewTenant m_sent;
    QLineEdit* m_nameEdit;
    QLineEdit* m_slugEdit;
    QLineEdit* m_parentEdit;
    QLineEdit* m_domainEdit;
    QComboBox* m_timezoneCombo;
    QComboBox* m_languageCombo;
    QMap<EnvironmentKind, QCheckBox*> m_environmentBoxes;
    QMap<QString, QLabel*> m_errors; // by field
    QLabel* m_generalError;
    QDialogButtonBox* m_buttons;
};

} // namespace TenantDesk
