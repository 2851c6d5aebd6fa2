#pragma once

#include "StoreQueries.h"
#include "Tenant.h"

#include <QDialog>
#include <QMap>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QPlainTextEdit;
class QSpinBox;
class QTableWidget;

namespace TenantDesk {

class Store;
class StoreError;

// Tenant → Settings (Ctrl+Shift+E): quotas, the API rate limit, feature flags (inherited from the
// parent tenants, the tenant's own values shown as overrides), the security policy (passwords,
// MFA, session timeout, an IP allow-list in CIDR) and integration settings, saved as one versioned,
// audited change. A refused value is shown beside its section, naming the field.
class TenantSettingsDialog : public QDialog
{
    Q_OBJECT

public:
    TenantSettingsDialog(Store* store, const TenantSummary& summary, QWidget* parent = nullptr);

    // The change the editor makes to the tenant as read (empty: nothing changed).
    TenantChange change() const;
    const Tenant& saved() const { return m_saved; }

    QTableWidget* flagsTable() const { return m_flagsTable; }
    QTableWidget* integrationTable() const { return m_integrationTable; }

    void accept() override;

private:
    void fillFlags();
    void addFlag();
    void addIntegrationRow(const QString& key, const QString& value);
    // Checks what can be checked here; true when nothing is refused.
    bool validate();
    void showError(const StoreError& error);

    Store* m_store;
    Tenant m_tenant;
    QList<Tenant> m_ancestors;
    Tenant m_saved;
    QSpinBox* m_cpuSpin;
    QSpinBox* m_memorySpin;
    QSpinBox* m_storageSpin;
    QSpinBox* m_seatsSpin;
    QSpinBox* m_rateLimitSpin;
    QTableWidget* m_flagsTable;
    QSpinBox* m_passwordLengthSpin;
    QSpinBox* m_passwordClassesSpin;
    QComboBox* m_mfaCombo;
    QSpinBox* m_sessionSpin;
    QPlainTextEdit* m_allowListEdit;
    QTableWidget* m_integrationTable;
    QMap<QString, QLabel*> m_errors; // by section: quotas, api_rate_limit, feature_flags, security_policy, settings
    QLabel* m_generalError;
    QDialogButtonBox* m_buttons;
};

} // namespace TenantDesk
