#include "AuditEventModel.h"

#include "Async.h"

#include "LocaleFormat.h"

#include <QLocale>
#include <algorithm>

namespace TenantDesk {

using namespace Qt::StringLiterals;

namespace {

const QString tenantObjectType = u"tenant"_s;

} // namespace

AuditEventModel::AuditEventModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

AuditEventModel::~AuditEventModel() = default;

void AuditEventModel::setStore(Store* store)
{
    beginResetModel();
    ++m_generation;
    ++m_storeGeneration; // slugs read from the previous store mean nothing here
    m_store = store;
    m_active = false;
    m_events.clear();
    m_nextCursor.clear();
    m_complete = true;
    m_tenants.clear();
    m_tenantsAsked.clear();
    const bool hadError = forgetErrorInReset();
    endResetModel();
    setLoading(false);
    if (hadError)
        Q_EMIT errorMessageChanged({});
}

void AuditEventModel::setPageSize(int size)
{
    m_pageSize = std::clamp(size, 1, maximumPageSize);
}

void AuditEventModel::setQuery(const AuditQuery& query)
{
    const bool wasLoading = m_loading;
    beginResetModel();
    ++m_generation; // answers to the previous query are stale from now on
    m_query = query;
    m_query.cursor.clear();
    m_active = m_store != nullptr;
    m_events.clear();
    m_nextCursor.clear();
    m_complete = !m_active;
    // Loading from here on, so that a view (or anyone) reacting to the reset asks for nothing more.
    m_loading = m_active;
    // The slugs are kept for the rows shown; a new query starts the cache again once it is full.
    if (m_tenants.size() > tenantCacheSize)
        m_tenants.clear();
    const bool hadError = forgetErrorInReset();
    endResetModel();
    if (m_loading != wasLoading)
        Q_EMIT loadingChanged(m_loading);
    if (hadError)
        Q_EMIT errorMessageChanged({});
    if (m_active)
        requestPage();
}

void AuditEventModel::reload()
{
    setQuery(m_query);
}

void AuditEventModel::clear()
{
    beginResetModel();
    ++m_generation;
    m_active = false;
    m_events.clear();
    m_nextCursor.clear();
    m_complete = true;
    const bool hadError = forgetErrorInReset();
    endResetModel();
    setLoading(false);
    if (hadError)
        Q_EMIT errorMessageChanged({});
}

AuditEvent AuditEventModel::event(int row) const
{
    return row >= 0 && row < m_events.size() ? m_events.at(row) : AuditEvent();
}

void AuditEventModel::retry()
{
    if (!m_active || !hasError() || m_loading)
        return;
    setLoading(true);
    setErrorMessage({});
    requestPage();
}

void AuditEventModel::setLoading(bool loading)
{
    if (loading == m_loading)
        return;
    m_loading = loading;
    Q_EMIT loadingChanged(loading);
}

void AuditEventModel::setErrorRowShown(bool shown)
{
    m_errorRowShown = shown;
    updateErrorRow();
}

void AuditEventModel::setErrorMessage(const QString& message)
{
    if (message == m_errorMessage)
        return;
    // The state first, the rows after: a view or tester reacting to the rows' signals must already
    // see that no page can be fetched now.
    m_errorMessage = message;
    updateErrorRow();
    Q_EMIT errorMessageChanged(message);
}

// Inserts, removes or updates the error row to match the error and setErrorRowShown().
void AuditEventModel::updateErrorRow()
{
    const bool wanted = m_errorRowShown && hasError();
    const int row = eventCount();
    if (wanted && !m_errorRowInModel) {
        beginInsertRows({}, row, row);
        m_errorRowInModel = true;
        endInsertRows();
    } else if (!wanted && m_errorRowInModel) {
        beginRemoveRows({}, row, row);
        m_errorRowInModel = false;
        endRemoveRows();
    } else if (wanted) {
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
    }
}

bool AuditEventModel::forgetErrorInReset()
{
    const bool had = hasError();
    m_errorMessage.clear();
    m_errorRowInModel = false;
    return had;
}

void AuditEventModel::fetchPage()
{
    setLoading(true);
    requestPage();
}

void AuditEventModel::requestPage()
{
    AuditQuery query = m_query;
    query.limit = m_pageSize;
    query.cursor = m_nextCursor;
    const quint64 generation = m_generation;
    whenReady(m_store->auditEvents(query), this,
        [this, generation](const Page<AuditEvent>& page) {
            if (generation != m_generation)
                return; // an answer to a query that is no longer shown
            if (!page.items.isEmpty()) {
                const int first = eventCount(); // no error row while a page loads
                beginInsertRows({}, first, first + int(page.items.size()) - 1);
                m_events.append(page.items);
                endInsertRows();
            }
            m_nextCursor = page.nextCursor;
            m_complete = page.isLast();
            setLoading(false);
            resolveTenants(page.items);
            Q_EMIT pageLoaded(int(page.items.size()));
        },
        [this, generation](const StoreError& error) {
            if (generation != m_generation)
                return;
            // Stop here rather than ask again in a loop: retry() asks for the same page. The error
            // first, so that nothing reacting to the loading's end fetches the page again.
            setErrorMessage(error.message());
            setLoading(false);
            Q_EMIT loadFailed(error.message());
        });
}

// The tenant column names each event's tenant by slug. A tenant event names its tenant itself
// (its object id is the slug); for the others the slug is read once per tenant and kept.
void AuditEventModel::resolveTenants(const QList<AuditEvent>& events)
{
    for (const AuditEvent& event : events) {
        const TenantId id = event.tenantId;
        if (id == 0 || event.objectType == tenantObjectType || m_tenants.contains(id) || m_tenantsAsked.contains(id))
            continue;
        m_tenantsAsked.insert(id);
        const quint64 storeGeneration = m_storeGeneration;
        const auto answered = [this, id, storeGeneration](const TenantLabel& label) {
            if (storeGeneration != m_storeGeneration)
                return;
            m_tenantsAsked.remove(id);
            m_tenants.insert(id, label);
            if (!m_events.isEmpty())
                Q_EMIT dataChanged(index(0, TenantColumn), index(int(m_events.size()) - 1, TenantColumn));
        };
        whenReady(m_store->tenant(id), this,
            [answered](const Tenant& tenant) { answered(TenantLabel{tenant.slug, tenant.displayName}); },
            // Gone (deleted) or out of reach: the row keeps the tenant's id, and it is not asked again.
            [answered](const StoreError&) { answered(TenantLabel{}); });
    }
}

QVariant AuditEventModel::tenantText(const AuditEvent& event, int role) const
{
    if (event.tenantId == 0)
        return role == Qt::DisplayRole ? tr("Platform") : tr("An event of the platform itself");
    const auto known = m_tenants.constFind(event.tenantId);
    if (known != m_tenants.cend() && !known->slug.isEmpty()) {
        if (role == Qt::DisplayRole)
            return known->slug;
        return tr("%1 (%2), tenant %3").arg(known->displayName, known->slug).arg(event.tenantId);
    }
    if (event.objectType == tenantObjectType && !event.objectId.isEmpty()) {
        if (role == Qt::DisplayRole)
            return event.objectId;
        return tr("%1, tenant %2").arg(event.objectId).arg(event.tenantId);
    }
    if (role == Qt::DisplayRole)
        return u"#%1"_s.arg(event.tenantId);
    return known != m_tenants.cend() ? tr("Tenant %1, which no longer exists or is out of reach").arg(event.tenantId)
                                     : tr("Tenant %1").arg(event.tenantId);
}

int AuditEventModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : eventCount() + (hasErrorRow() ? 1 : 0);
}

int AuditEventModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AuditEventModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    if (index.row() == errorRow()) {
        const QString said = m_events.isEmpty() ? tr("Could not read the events: %1").arg(m_errorMessage)
                                                : tr("Could not read more events: %1").arg(m_errorMessage);
        switch (role) {
        case Qt::DisplayRole:
            return index.column() == 0 ? said : QString();
        case Qt::ToolTipRole:
        case Qt::AccessibleTextRole:
            return tr("%1\nPress Enter or double-click to try again.").arg(said);
        case ErrorRowRole: return true;
        }
        return {};
    }
    const AuditEvent& event = m_events.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn: return localDateTime(event.at, true);
        case ActorColumn: return event.actor;
        case ActionColumn: return event.action;
        case TenantColumn: return tenantText(event, role);
        case ObjectColumn:
            return event.objectId.isEmpty() ? event.objectType : QString(event.objectType + u' ' + event.objectId);
        }
        return {};
    case Qt::ToolTipRole:
        switch (index.column()) {
        case TimeColumn: {
            const QDateTime local = event.at.toLocalTime();
            return tr("%1\n%2 UTC")
                .arg(QLocale().toString(local, QLocale::LongFormat),
                     event.at.toUTC().toString(u"yyyy-MM-dd HH:mm:ss.zzz"_s));
        }
        case TenantColumn: return tenantText(event, role);
        case ObjectColumn: return tr("%1 “%2”, event %3").arg(event.objectType, event.objectId).arg(event.id);
        }
        return {};
    case EventIdRole: return event.id;
    case TenantIdRole: return event.tenantId;
    case TimeRole: return event.at;
    case ActionRole: return event.action;
    case ErrorRowRole: return false;
    }
    return {};
}

QVariant AuditEventModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::ToolTipRole && section == TimeColumn)
        return tr("Local time; newest first, as the audit trail is kept");
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn: return tr("Time");
    case ActorColumn: return tr("Actor");
    case ActionColumn: return tr("Action");
    case TenantColumn: return tr("Tenant");
    case ObjectColumn: return tr("Object");
    }
    return {};
}

Qt::ItemFlags AuditEventModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
}

bool AuditEventModel::canFetchMore(const QModelIndex& parent) const
{
    return !parent.isValid() && m_store && m_active && !m_loading && !m_complete && !hasError();
}

void AuditEventModel::fetchMore(const QModelIndex& parent)
{
    if (canFetchMore(parent))
        fetchPage();
}

QHash<int, QByteArray> AuditEventModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(EventIdRole, "eventId");
    names.insert(TenantIdRole, "tenantId");
    names.insert(TimeRole, "time");
    names.insert(ActionRole, "action");
    names.insert(ErrorRowRole, "errorRow");
    return names;
}

} // namespace TenantDesk
