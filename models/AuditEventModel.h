#pragma once

#include "AuditEvent.h"
#include "Store.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QSet>

namespace TenantDesk {

// The audit trail as a table, one event a row, in the store's order: newest first. Rows come a
// page at a time (canFetchMore/fetchMore), the first page as soon as a query is set. The view
// cannot re-sort it: the store pages by event, newest first, and a sort over the loaded pages
// only would be a lie about the rest. The time column reads in sortable form all the same.
//
// A page that fails stops the loading: errorMessage() says why, loadFailed() is emitted and
// retry() asks for the same page again. With setErrorRowShown(true) the model also says so in
// place: one more row after the events, saying what failed (ErrorRowRole true, no event, not
// selectable as one), which goes when retry() asks again; a view calls retry() when it is
// activated.
class AuditEventModel : public QAbstractTableModel
{
    Q_OBJECT
    Q_PROPERTY(bool loading READ isLoading NOTIFY loadingChanged)
    Q_PROPERTY(QString errorMessage READ errorMessage NOTIFY errorMessageChanged)

public:
    enum Column { TimeColumn, ActorColumn, ActionColumn, TenantColumn, ObjectColumn, ColumnCount };
    Q_ENUM(Column)

    enum Role {
        EventIdRole = Qt::UserRole + 1, // qint64
        TenantIdRole,                   // qint64, 0 for a platform event
        TimeRole,                       // QDateTime, UTC
        ActionRole,                     // QString, "tenant.update"
        ErrorRowRole,                   // bool, true on the row saying that a page failed
    };
    Q_ENUM(Role)

    explicit AuditEventModel(QObject* parent = nullptr);
    ~AuditEventModel() override;

    // The store to read; empties the model until the next setQuery(). The store must outlive
    // its use here (nullptr lets go of it).
    void setStore(Store* store);
    Store* store() const { return m_store; }

    // How many events one page asks for (at most maximumPageSize).
    void setPageSize(int size);
    int pageSize() const { return m_pageSize; }

    // Shows the events that match `query` (its limit and cursor are the model's own): empties
    // the model and loads the first page. Answers to earlier queries are ignored from now on.
    void setQuery(const AuditQuery& query);
    AuditQuery query() const { return m_query; }
    // Loads the current query again from its first page.
    void reload();
    // Empties the model and stops loading, with no query in effect.
    void clear();

    // The event on `row`; an empty event for a row that does not exist.
    AuditEvent event(int row) const;
    bool isLoading() const { return m_loading; }
    // Every event of the query has been loaded.
    bool isComplete() const { return m_complete; }
    bool hasError() const { return !m_errorMessage.isEmpty(); }
    QString errorMessage() const { return m_errorMessage; }
    // After a failed page: asks for the same page again.
    void retry();
    // Whether a failed page shows as a row after the events (off by default).
    void setErrorRowShown(bool shown);
    bool isErrorRowShown() const { return m_errorRowShown; }
    // How many events are loaded (rowCount() less the error row).
    int eventCount() const { return int(m_events.size()); }
    // The row saying that a page failed, or -1.
    int errorRow() const { return hasErrorRow() ? eventCount() : -1; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;
    QHash<int, QByteArray> roleNames() const override;

    // The most tenants whose slugs are kept for the tenant column.
    static constexpr int tenantCacheSize = 256;

Q_SIGNALS:
    void loadingChanged(bool loading);
    // A page arrived with `count` events (0 on an empty last page).
    void pageLoaded(int count);
    // A page could not be loaded; the message is a sentence for a person.
    void loadFailed(const QString& message);
    void errorMessageChanged(const QString& message);

private:
    struct TenantLabel {
        QString slug;
        QString displayName;
    };

    // Marks the model as loading and asks for the next page; requestPage() only asks.
    void fetchPage();
    void requestPage();
    void setLoading(bool loading);
    void setErrorMessage(const QString& message);
    // Forgets the error inside a model reset (no row to remove); returns whether there was one.
    bool forgetErrorInReset();
    void updateErrorRow();
    bool hasErrorRow() const { return m_errorRowInModel; }
    void resolveTenants(const QList<AuditEvent>& events);
    QVariant tenantText(const AuditEvent& event, int role) const;

    Store* m_store = nullptr;
    AuditQuery m_query;
    bool m_active = false; // a query is in effect
    QList<AuditEvent> m_events;
    QString m_nextCursor;
    bool m_complete = true;
    bool m_loading = false;
    QString m_errorMessage;
    bool m_errorRowShown = false;
    bool m_errorRowInModel = false; // rowCount() counts it
    int m_pageSize = 100;
    quint64 m_generation = 0;      // which query an answer belongs to
    quint64 m_storeGeneration = 0; // which store a tenant's slug was read from
    QHash<TenantId, TenantLabel> m_tenants;
    QSet<TenantId> m_tenantsAsked;
};

} // namespace TenantDesk
