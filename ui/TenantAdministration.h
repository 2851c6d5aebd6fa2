#pragma once

#include "Policy.h"
#include "StoreQueries.h"
#include "Tenant.h"

#include <QObject>
#include <functional>

class QAction;
class QMenu;
class QWidget;

namespace TenantDesk {

class EditHistory;
class Store;
class StoreError;

// What the tree has selected, as the administration's actions need it.
struct AdminSelection {
    bool platform = false;          // the platform row
    TenantId tenantId = 0;          // the tenant, or the tenant of the environment
    EnvironmentId environmentId = 0;
    TenantStatus status = TenantStatus::Requested;
    QList<TenantId> ancestorIds;    // the tenant's ancestors as far as the tree shows them, top first
};

// The Tenant menu: creating tenants, their settings, lifecycle, decommissioning, backup and
// restore, environments and promotion, and moves. Every change goes through the store as one
// audited change and, where it can be taken back, onto the edit history (Edit → Undo).
class TenantAdministration : public QObject
{
    Q_OBJECT

public:
    TenantAdministration(QWidget* window, std::function<AdminSelection()> selection);
    ~TenantAdministration() override;

    void setStore(Store* store);
    EditHistory* history() const { return m_history; }
    // Enables what the selection allows, and what the policy lets `principal` do there.
    void updateActions();
    // Relabels the actions in the language now installed (QEvent::LanguageChange).
    void retranslate();
    // Who acts (Store::currentPrincipal): the actions the policy denies them are disabled.
    void setPrincipal(const std::optional<Principal>& principal);
    // Every action disabled, whatever the selection ("View as…": a read-only preview).
    void setReadOnly(bool readOnly);
    bool isReadOnly() const { return m_readOnly; }
    void fillMenu(QMenu* menu) const;
    void fillContextMenu(QMenu* menu) const;

    // The operations, as the actions run them (tests call them directly; dialogs are modal).
    void createTenant();
    void editSettings();
    void changeStatus(TenantStatus status);
    void decommission();
    void deleteTenant();
    void restoreFromBackup(const QString& path = {});
    void addEnvironment();
    void renameEnvironment();
    void editEnvironmentSettings();
    void removeEnvironment();
    void promote();
    // A tenant dropped on another one (0: the platform): asks, then moves it.
    void requestMove(TenantId tenantId, TenantId newParentId);
    // Records an edit made elsewhere (Edit Tenant).
    void recordTenantUpdate(const Tenant& before, const Tenant& after, const TenantChange& change);

    // Whether confirmations are asked (tests answer yes).
    void setConfirmationsEnabled(bool enabled) { m_confirm = enabled; }

    QAction* newTenantAction = nullptr;
    QAction* settingsAction = nullptr;
    QAction* provisionAction = nullptr;
    QAction* activateAction = nullptr;
    QAction* suspendAction = nullptr;
    QAction* resumeAction = nullptr;
    QAction* decommissionAction = nullptr;
    QAction* deleteAction = nullptr;
    QAction* restoreAction = nullptr;
    QAction* addEnvironmentAction = nullptr;
    QAction* renameEnvironmentAction = nullptr;
    QAction* environmentSettingsAction = nullptr;
    QAction* removeEnvironmentAction = nullptr;
    QAction* promoteAction = nullptr;

Q_SIGNALS:
    void tenantChanged(const Tenant& tenant);
    void structureChanged(TenantId parentId);
    void environmentsChanged(TenantId tenantId);
    void tenantCreated(const Tenant& tenant);
    void failed(const QString& title, const QString& message);
    // An operation finished (tests wait for it).
    void finished();

private:
    bool confirm(const QString& title, const QString& text) const;
    // Reads the tenant's summary afresh (its version, ancestors and environments) and calls `fn`.
    void withSummary(TenantId id, std::function<void(const TenantSummary&)> fn);
    void fail(const QString& title, const StoreError& error);

    QWidget* m_window;
    std::function<AdminSelection()> m_selection;
    Store* m_store = nullptr;
    EditHistory* m_history;
    bool m_confirm = true;
    bool m_readOnly = false;
    std::optional<Principal> m_principal;
};

} // namespace TenantDesk
