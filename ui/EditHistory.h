#pragma once

#include "Environment.h"
#include "StoreError.h"
#include "StoreQueries.h"
#include "Tenant.h"

#include <QHash>
#include <QObject>
#include <QUndoCommand>
#include <functional>

class QAction;
class QUndoStack;

namespace TenantDesk {

class EditHistory;
class Store;

// One edit of the session, already made through the store, that can be taken back and made again.
// Both directions are normal changes through the store (so each is audited and versioned); the
// QUndoCommand's own undo()/redo() do nothing, as the history moves the stack only once the store
// has accepted the change.
class StoreEdit : public QUndoCommand
{
public:
    using QUndoCommand::QUndoCommand;
    void undo() override {}
    void redo() override {}

    // Makes the change (forward) or its inverse (!forward) through the history's store; calls
    // `done` once the store accepted it, or `failed`.
    virtual void run(EditHistory& history, bool forward, std::function<void()> done,
                     std::function<void(const StoreError&)> failed) = 0;
};

// The session's edits on Edit → Undo (Ctrl+Z) and Redo (Ctrl+Shift+Z). It knows the version of
// each tenant and environment as its own edits left them, so that an undo never overwrites what
// someone else changed meanwhile (the store refuses it with a conflict, shown to the person), and
// it follows ids that change when an undo re-creates what was removed.
class EditHistory : public QObject
{
    Q_OBJECT

public:
    explicit EditHistory(QObject* parent = nullptr);
    ~EditHistory() override;

    void setStore(Store* store); // clears the history
    Store* store() const { return m_store; }
    QUndoStack* stack() const { return m_stack; }
    QAction* undoAction() const { return m_undoAction; }
    QAction* redoAction() const { return m_redoAction; }
    bool isBusy() const { return m_busy; }

    // Records an edit that was just made (it is not run again).
    void record(StoreEdit* edit);
    void undo();
    void redo();
    void clear();

    // What the history's edits know; commands use these.
    void noteTenant(const Tenant& tenant);          // its version; emits tenantChanged
    void noteTenantAdded(const Tenant& tenant);     // emits structureChanged
    void noteTenantRemoved(const Tenant& tenant);   // emits structureChanged
    void noteEnvironment(const Environment& environment);
    void noteEnvironmentRemoved(const Environment& environment);
    qint64 tenantVersion(TenantId id) const { return m_tenantVersions.value(resolveTenant(id)); }
    qint64 environmentVersion(EnvironmentId id) const { return m_environmentVersions.value(resolveEnvironment(id)); }
    // An id as first recorded → as it is now (after a re-creation).
    TenantId resolveTenant(TenantId id) const { return m_tenantIds.value(id, id); }
    EnvironmentId resolveEnvironment(EnvironmentId id) const { return m_environmentIds.value(id, id); }
    void remapTenant(TenantId original, TenantId now);
    void remapEnvironment(EnvironmentId original, EnvironmentId now);

Q_SIGNALS:
    void tenantChanged(const Tenant& tenant);
    // A tenant appeared, went, or moved: the tree under `parentId` (0: the top level) is out of date.
    void structureChanged(TenantId parentId);
    void environmentsChanged(TenantId tenantId);
    void failed(const QString& title, const QString& message, TenantDesk::ErrorCode code);
    void busyChanged(bool busy);

public:
    // Relabels Undo and Redo in the language now installed.
    void retranslate() { updateActions(); }

private:
    void step(bool forward);
    void setBusy(bool busy);
    void updateActions();

    Store* m_store = nullptr;
    QUndoStack* m_stack;
    QAction* m_undoAction;
    QAction* m_redoAction;
    bool m_busy = false;
    quint64 m_generation = 0; // a new store ends what the old one was doing
    QHash<TenantId, qint64> m_tenantVersions;
    QHash<EnvironmentId, qint64> m_environmentVersions;
    QHash<TenantId, TenantId> m_tenantIds;
    QHash<EnvironmentId, EnvironmentId> m_environmentIds;
};

// The edits TenantDesk records. Each holds what it needs to go both ways.
namespace Edits {

// A change of a tenant's fields: `before` holds the old value of each field `after` changes.
StoreEdit* tenantUpdate(const Tenant& before, const Tenant& after, const TenantChange& change);
StoreEdit* tenantCreate(const Tenant& created, const NewTenant& request);
StoreEdit* tenantMove(const Tenant& before, const Tenant& after);
// Only for a transition whose inverse is legal too (suspend ⇄ resume); nullptr otherwise.
StoreEdit* tenantStatus(const Tenant& before, const Tenant& after);
StoreEdit* environmentAdd(const Environment& added);
StoreEdit* environmentRemove(const Environment& removed);
// A rename or new settings, or a promotion (the target's settings before and after).
StoreEdit* environmentUpdate(const Environment& before, const Environment& after, const QString& text);

} // namespace Edits

} // namespace TenantDesk
