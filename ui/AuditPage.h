#pragma once

#include "AuditEvent.h"
#include "Store.h"

#include <QHash>
#include <QWidget>

class QAction;
class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QFrame;
class QLabel;
class QLineEdit;
class QPushButton;
class QSplitter;
class QTableView;
class QTimer;

namespace TenantDesk {

class AuditDiffModel;
class AuditEventModel;

// The audit trail: filters (tenant, actor, action, time range, free text), the matching events
// newest first, loaded a page at a time as the table is scrolled, and what the selected event
// changed, key by key. Ctrl+F goes to the text filter, Escape there clears it.
class AuditPage : public QWidget
{
    Q_OBJECT

public:
    explicit AuditPage(QWidget* parent = nullptr);
    ~AuditPage() override;

    // The store to read; nullptr lets go of it. Drops the tenant scope, whose id belongs to the
    // previous store. Loads at once when the page is shown, else when it next is.
    void setStore(Store* store);
    // Offers "This tenant" for `tenantId`, checked, and shows its events; 0 offers no tenant
    // scope and shows every tenant's. Either way the events are read again.
    void setTenantScope(TenantId tenantId);
    TenantId tenantScope() const { return m_scopeTenantId; }
    // Applies the filters now (not after the typing pause), reading the first page again.
    void refresh();

    AuditEventModel* eventModel() const { return m_eventModel; }
    AuditDiffModel* diffModel() const { return m_diffModel; }
    // The event the diff shows (an empty one when none is selected).
    AuditEvent currentEvent() const;

    // How long the filters wait for typing to pause.
    static constexpr int filterDelayMs = 250;

Q_SIGNALS:
    // The filters were applied: the table reads their first page (or shows none, when the
    // tenant or the time range cannot be used).
    void filtersApplied();

protected:
    bool event(QEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    QWidget* createFilterBar();
    void applyFilters();
    void applyQuery(const AuditQuery& query);
    void refuseFilters();
    void setTenantError(const QString& message);
    void setTimeError(const QString& message);
    void useThisTenant(bool checked);
    void setRangeEnabled(QDateTimeEdit* edit, bool enabled, const QDateTime& initial);
    void clearFilters();
    void showCurrentEvent();
    void updateStatus();
    void showEventMenu(const QPoint& position);
    void copyEventAsJson();
    void focusTextFilter();

    Store* m_store = nullptr;
    AuditEventModel* m_eventModel;
    AuditDiffModel* m_diffModel;
    TenantId m_scopeTenantId = 0;
    QString m_scopeSlug;
    QHash<QString, TenantId> m_tenantIdsBySlug;
    quint64 m_applySerial = 0; // answers for earlier filters are ignored
    bool m_stale = true;       // the filters have not been applied to the current store

    QLabel* m_titleLabel = nullptr;
    QLineEdit* m_tenantLineEdit = nullptr;
    QCheckBox* m_thisTenantCheckBox = nullptr;
    QLabel* m_tenantErrorLabel = nullptr;
    QLineEdit* m_actorLineEdit = nullptr;
    QComboBox* m_actionComboBox = nullptr;
    QCheckBox* m_fromCheckBox = nullptr;
    QDateTimeEdit* m_fromDateTimeEdit = nullptr;
    QCheckBox* m_toCheckBox = nullptr;
    QDateTimeEdit* m_toDateTimeEdit = nullptr;
    QLabel* m_timeErrorLabel = nullptr;
    QLineEdit* m_textLineEdit = nullptr;
    QPushButton* m_clearFiltersButton = nullptr;
    QPushButton* m_refreshButton = nullptr;
    QFrame* m_errorFrame = nullptr;
    QLabel* m_errorLabel = nullptr;
    QPushButton* m_retryButton = nullptr;
    QSplitter* m_splitter = nullptr;
    QTableView* m_eventTableView = nullptr;
    QLabel* m_eventSummaryLabel = nullptr;
    QTableView* m_diffTableView = nullptr;
    QLabel* m_statusLabel = nullptr;
    QAction* m_copyJsonAction = nullptr;
    QTimer* m_applyTimer = nullptr;
};

} // namespace TenantDesk
