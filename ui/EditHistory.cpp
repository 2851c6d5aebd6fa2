#include "EditHistory.h"

#include "Async.h"
#include "Store.h"

#include <QAction>
#include <QKeySequence>
#include <QUndoStack>

namespace TenantDesk {

using namespace Qt::StringLiterals;

EditHistory::EditHistory(QObject* parent)
    : QObject(parent)
    , m_stack(new QUndoStack(this))
    , m_undoAction(new QAction(tr("&Undo"), this))
    , m_redoAction(new QAction(tr("&Redo"), this))
{
    m_undoAction->setObjectName(u"undoAction"_s);
    m_undoAction->setShortcut(QKeySequence::Undo);
    m_redoAction->setObjectName(u"redoAction"_s);
    m_redoAction->setShortcuts({QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence::Redo});
    connect(m_undoAction, &QAction::triggered, this, &EditHistory::undo);
    connect(m_redoAction, &QAction::triggered, this, &EditHistory::redo);
    connect(m_stack, &QUndoStack::indexChanged, this, &EditHistory::updateActions);
    updateActions();
}

EditHistory::~EditHistory() = default;

void EditHistory::setStore(Store* store)
{
    m_store = store;
    clear();
}

void EditHistory::clear()
{
    ++m_generation;
    m_stack->clear();
    m_tenantVersions.clear();
    m_environmentVersions.clear();
    m_tenantIds.clear();
    m_environmentIds.clear();
    setBusy(false);
}

void EditHistory::record(StoreEdit* edit)
{
    m_stack->push(edit); // its redo() does nothing: the change was made
    updateActions();
}

void EditHistory::undo()
{
    step(false);
}

void EditHistory::redo()
{
    step(true);
}

void EditHistory::step(bool forward)
{
    if (m_busy || !m_store)
        return;
    const int index = forward ? m_stack->index() : m_stack->index() - 1;
    if (index < 0 || index >= m_stack->count())
        return;
    auto* edit = static_cast<StoreEdit*>(const_cast<QUndoCommand*>(m_stack->command(index)));
    const QString text = edit->text();
    const quint64 generation = m_generation;
    setBusy(true);
    edit->run(*this, forward, [this, forward, generation]() {
        if (generation != m_generation)
            return;
        setBusy(false);
        if (forward)
            m_stack->redo();
        else
            m_stack->undo();
    }, [this, forward, text, generation](const StoreError& error) {
        if (generation != m_generation)
            return;
        setBusy(false);
        Q_EMIT failed(forward ? tr("Could not redo “%1”").arg(text) : tr("Could not undo “%1”").arg(text), error.message(), error.code());
    });
}

void EditHistory::setBusy(bool busy)
{
    if (m_busy == busy)
        return;
    m_busy = busy;
    updateActions();
    Q_EMIT busyChanged(busy);
}

void EditHistory::updateActions()
{
    const bool canUndo = !m_busy && m_stack->canUndo();
    const bool canRedo = !m_busy && m_stack->canRedo();
    m_undoAction->setEnabled(canUndo);
    m_redoAction->setEnabled(canRedo);
    m_undoAction->setText(m_stack->canUndo() ? tr("&Undo %1").arg(m_stack->undoText()) : tr("&Undo"));
    m_redoAction->setText(m_stack->canRedo() ? tr("&Redo %1").arg(m_stack->redoText()) : tr("&Redo"));
}

void EditHistory::noteTenant(const Tenant& tenant)
{
    m_tenantVersions.insert(tenant.id, tenant.version);
    Q_EMIT tenantChanged(tenant);
}

void EditHistory::noteTenantAdded(const Tenant& tenant)
{
    m_tenantVersions.insert(tenant.id, tenant.version);
    Q_EMIT structureChanged(tenant.parentId);
}

void EditHistory::noteTenantRemoved(const Tenant& tenant)
{
    m_tenantVersions.remove(tenant.id);
    Q_EMIT structureChanged(tenant.parentId);
}

void EditHistory::noteEnvironment(const Environment& environment)
{
    m_environmentVersions.insert(environment.id, environment.version);
    Q_EMIT environmentsChanged(environment.tenantId);
}

void EditHistory::noteEnvironmentRemoved(const Environment& environment)
{
    m_environmentVersions.remove(environment.id);
    Q_EMIT environmentsChanged(environment.tenantId);
}

namespace {

// Records that `original` is `now`, also for every id that led to `original` before.
template<typename Id>
void remap(QHash<Id, Id>& ids, Id original, Id now)
{
    for (auto it = ids.begin(); it != ids.end(); ++it) {
        if (it.value() == original)
            it.value() = now;
    }
    ids.insert(original, now);
}

} // namespace

void EditHistory::remapTenant(TenantId original, TenantId now)
{
    remap(m_tenantIds, original, now);
}

void EditHistory::remapEnvironment(EnvironmentId original, EnvironmentId now)
{
    remap(m_environmentIds, original, now);
}

namespace Edits {

namespace {

using Done = std::function<void()>;
using Failed = std::function<void(const StoreError&)>;

// The values of `tenant` for the fields `change` sets.
TenantChange valuesOf(const Tenant& tenant, const TenantChange& change)
{
    TenantChange values;
    if (change.displayName)
        values.displayName = tenant.displayName;
    if (change.domain)
        values.domain = tenant.domain;
    if (change.timezone)
        values.timezone = tenant.timezone;
    if (change.language)
        values.language = tenant.language;
    if (change.quotas)
        values.quotas = tenant.quotas;
    if (change.apiRateLimit)
        values.apiRateLimit = tenant.apiRateLimit;
    if (change.featureFlags)
        values.featureFlags = tenant.featureFlags;
    if (change.securityPolicy)
        values.securityPolicy = tenant.securityPolicy;
    if (change.settings)
        values.settings = tenant.settings;
    return values;
}

class TenantUpdate : public StoreEdit
{
public:
    TenantUpdate(const Tenant& before, const Tenant& after, const TenantChange& change)
        : m_id(before.id), m_before(valuesOf(before, change)), m_after(valuesOf(after, change))
    {
        setText(QCoreApplication::translate("Edits", "Change %1").arg(after.displayName));
    }
    void run(EditHistory& h, bool forward, Done done, Failed failed) override
    {
        whenReady(h.store()->updateTenant(h.resolveTenant(m_id), forward ? m_after : m_before, h.tenantVersion(m_id)), &h,
                  [&h, done](const Tenant& t) { h.noteTenant(t); done(); }, failed);
    }

private:
    TenantId m_id;
    TenantChange m_before, m_after;
};

class TenantCreate : public StoreEdit
{
public:
    TenantCreate(const Tenant& created, const NewTenant& request)
        : m_id(created.id), m_request(request)
    {
        setText(QCoreApplication::translate("Edits", "Create %1").arg(created.displayName));
    }
    void run(EditHistory& h, bool forward, Done done, Failed failed) override
    {
        if (forward) {
            whenReady(h.store()->createTenant(m_request), &h, [this, &h, done](const Tenant& t) {
                h.remapTenant(m_id, t.id);
                h.noteTenantAdded(t);
                done();
            }, failed);
            return;
        }
        // Only a tenant still requested (never provisioned) is deleted; the store says so otherwise.
        whenReady(h.store()->deleteTenant(h.resolveTenant(m_id), m_request.slug, h.tenantVersion(m_id)), &h,
                  [&h, done](const Tenant& t) { h.noteTenantRemoved(t); done(); }, failed);
    }

private:
    TenantId m_id;
    NewTenant m_request;
};

class TenantMove : public StoreEdit
{
public:
    TenantMove(const Tenant& before, const Tenant& after)
        : m_id(before.id), m_from(before.parentId), m_to(after.parentId)
    {
        setText(QCoreApplication::translate("Edits", "Move %1").arg(after.displayName));
    }
    void run(EditHistory& h, bool forward, Done done, Failed failed) override
    {
        const TenantId oldParent = h.resolveTenant(forward ? m_from : m_to);
        const TenantId newParent = forward ? m_to : m_from;
        whenReady(h.store()->moveTenant(h.resolveTenant(m_id), newParent == 0 ? 0 : h.resolveTenant(newParent),
                                        h.tenantVersion(m_id)), &h,
                  [&h, done, oldParent](const Tenant& t) {
                      h.noteTenant(t);
                      Q_EMIT h.structureChanged(oldParent);
                      Q_EMIT h.structureChanged(t.parentId);
                      done();
                  }, failed);
    }

private:
    TenantId m_id, m_from, m_to;
};

class TenantStatusChange : public StoreEdit
{
public:
    TenantStatusChange(const Tenant& before, const Tenant& after)
        : m_id(before.id), m_from(before.status), m_to(after.status)
    {
        setText(QCoreApplication::translate("Edits", "%1 %2").arg(tenantStatusDisplayName(after.status), after.displayName));
    }
    void run(EditHistory& h, bool forward, Done done, Failed failed) override
    {
        whenReady(h.store()->changeTenantStatus(h.resolveTenant(m_id), forward ? m_to : m_from, h.tenantVersion(m_id)), &h,
                  [&h, done](const Tenant& t) { h.noteTenant(t); done(); }, failed);
    }

private:
    TenantId m_id;
    TenantStatus m_from, m_to;
};

class EnvironmentPresence : public StoreEdit
{
public:
    // added: the edit added `environment` (undo removes it); otherwise it removed it.
    EnvironmentPresence(const Environment& environment, bool added)
        : m_environment(environment), m_added(added)
    {
        setText(added ? QCoreApplication::translate("Edits", "Add environment %1").arg(environment.name)
                      : QCoreApplication::translate("Edits", "Remove environment %1").arg(environment.name));
    }
    void run(EditHistory& h, bool forward, Done done, Failed failed) override
    {
        const bool add = forward == m_added;
        if (add) {
            const NewEnvironment request{m_environment.name, m_environment.kind, m_environment.settings};
            whenReady(h.store()->addEnvironment(h.resolveTenant(m_environment.tenantId), request), &h,
                      [this, &h, done](const Environment& e) {
                          h.remapEnvironment(m_environment.id, e.id);
                          h.noteEnvironment(e);
                          done();
                      }, failed);
            return;
        }
        whenReady(h.store()->removeEnvironment(h.resolveEnvironment(m_environment.id), h.environmentVersion(m_environment.id)), &h,
                  [&h, done](const Environment& e) { h.noteEnvironmentRemoved(e); done(); }, failed);
    }

private:
    Environment m_environment;
    bool m_added;
};

class EnvironmentUpdate : public StoreEdit
{
public:
    EnvironmentUpdate(const Environment& before, const Environment& after, const QString& text)
        : m_id(before.id)
    {
        if (before.name != after.name) {
            m_before.name = before.name;
            m_after.name = after.name;
        }
        if (before.settings != after.settings) {
            m_before.settings = before.settings;
            m_after.settings = after.settings;
        }
        setText(text);
    }
    void run(EditHistory& h, bool forward, Done done, Failed failed) override
    {
        whenReady(h.store()->updateEnvironment(h.resolveEnvironment(m_id), forward ? m_after : m_before,
                                               h.environmentVersion(m_id)), &h,
                  [&h, done](const Environment& e) { h.noteEnvironment(e); done(); }, failed);
    }

private:
    EnvironmentId m_id;
    EnvironmentChange m_before, m_after;
};

} // namespace

StoreEdit* tenantUpdate(const Tenant& before, const Tenant& after, const TenantChange& change)
{
    return new TenantUpdate(before, after, change);
}

StoreEdit* tenantCreate(const Tenant& created, const NewTenant& request)
{
    return new TenantCreate(created, request);
}

StoreEdit* tenantMove(const Tenant& before, const Tenant& after)
{
    return new TenantMove(before, after);
}

StoreEdit* tenantStatus(const Tenant& before, const Tenant& after)
{
    if (!isLegalTransition(after.status, before.status))
        return nullptr;
    return new TenantStatusChange(before, after);
}

StoreEdit* environmentAdd(const Environment& added)
{
    return new EnvironmentPresence(added, true);
}

StoreEdit* environmentRemove(const Environment& removed)
{
    return new EnvironmentPresence(removed, false);
}

StoreEdit* environmentUpdate(const Environment& before, const Environment& after, const QString& text)
{
    return new EnvironmentUpdate(before, after, text);
}

} // namespace Edits

} // namespace TenantDesk
