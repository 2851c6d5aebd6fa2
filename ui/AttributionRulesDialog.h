#pragma once

#include "Billing.h"
#include "Store.h"

#include <QDialog>
#include <QFuture>
#include <QHash>
#include <functional>

class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QStringListModel;
class QTableView;
class QTableWidget;

namespace TenantDesk {

class AttributionRulesModel;
class AttributionValuesDialog;
class EditHistory;

// Billing → Attribution Rules…: the tag keys whose value is a tenant's slug, the value → tenant
// mappings (tag or sub-account; the tenant typed with a completer of slugs), and the shared-cost
// rules (a service or an account spread evenly or in proportion over tenants). Apply stores them
// and attributes every line again, with progress and Cancel (rolled back); a Conflict (someone
// changed the rules meanwhile) reloads them and says so. An applied change goes onto the edit
// history: Edit → Undo applies the previous rules again. Values Seen… lists the values of a tag key
// with their cost and maps selected ones to a tenant; the tag key fields offer the keys seen.
class AttributionRulesDialog : public QDialog
{
    Q_OBJECT

public:
    explicit AttributionRulesDialog(Store* store, QWidget* parent = nullptr);
    ~AttributionRulesDialog() override;

    // Where applied changes are recorded; `afterUndo` runs once an undo or redo was applied.
    void setHistory(EditHistory* history, std::function<void()> afterUndo);

    // The rules as edited now (shared-cost tenants resolved so far).
    AttributionRules editedRules() const;
    AttributionRules storedRules() const { return m_stored; }
    AttributionRulesModel* mappingsModel() const { return m_mappings; }
    void setTenantTagKeys(const QStringList& keys);
    void apply();
    void cancelApply();
    bool isBusy() const { return m_busy; }
    QString statusText() const;
    // Values Seen…: the values of `key` (the selected mapping's key when empty), in a window of
    // their own, created on first use.
    AttributionValuesDialog* showValuesSeen(const QString& key = {});
    // The tag keys seen in the billing lines, for the completers.
    QStringListModel* keysSeenModel() const { return m_keysSeen; }
    // Adds a Tag mapping `key` = value → tenant for each value (or changes the tenant of an existing one).
    void addTagMappings(const QString& key, const QStringList& values, TenantId tenantId, const QString& slug);

Q_SIGNALS:
    void loaded();
    void applied(const TenantDesk::AttributionResult& result);
    void applyEnded(); // failed, refused or cancelled

protected:
    void reject() override;

private:
    void load(const QString& message = {});
    void showRules(const AttributionRules& rules);
    void addSharedRule(const SharedCostRule& rule);
    void resolveSlugs(const QStringList& slugs, std::function<void()> then);
    void lookUpSlug(const QString& slug);
    void runApply(const AttributionRules& rules);
    void setBusy(bool busy);
    void updateProblems();
    void updateMappedValues();
    QString selectedTagKey() const;

    Store* m_store;
    EditHistory* m_history = nullptr;
    std::function<void()> m_afterUndo;
    AttributionRules m_stored;
    AttributionRulesModel* m_mappings;
    QHash<QString, TenantId> m_ids; // slug → id, as learnt
    QHash<TenantId, QString> m_slugs;
    QListWidget* m_keysList;
    QTableView* m_mappingsView;
    QTableWidget* m_sharedTable;
    QLabel* m_problemsLabel;
    QLabel* m_statusLabel;
    QProgressBar* m_progressBar;
    QPushButton* m_applyButton;
    QPushButton* m_closeButton;
    QPushButton* m_valuesButton;
    QStringListModel* m_keysSeen;
    AttributionValuesDialog* m_valuesDialog = nullptr;
    QFuture<AttributionResult> m_future;
    bool m_busy = false;
};

} // namespace TenantDesk
