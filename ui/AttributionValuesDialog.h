#pragma once

#include "Billing.h"
#include "Store.h"

#include <QDialog>
#include <QHash>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QStringListModel;
class QTableView;

namespace TenantDesk {

class BillingTagValuesModel;

// Billing → Attribution Rules… → Values Seen…: the values one tag key takes in the billing lines,
// the costliest first (value, lines, cost, the tenants their lines are attributed to now, and the
// mapping of the rules being edited), with a filter. Selected values are mapped to a tenant typed
// by slug (with a completer); the rules' editor adds the mappings (mapRequested), and nothing is
// stored until the rules are applied.
class AttributionValuesDialog : public QDialog
{
    Q_OBJECT

public:
    AttributionValuesDialog(Store* store, QStringListModel* keysSeen, QWidget* parent = nullptr);
    ~AttributionValuesDialog() override;

    // Shows the values of `key` (read again from the store).
    void showKey(const QString& key);
    QString key() const { return m_key; }
    // value → slug of the tenant the edited rules map it to, for the "mapped to" column.
    void setMappedValues(const QHash<QString, QString>& mapped);

    BillingTagValuesModel* valuesModel() const { return m_model; }
    QSortFilterProxyModel* proxyModel() const { return m_proxy; }
    QTableView* valuesView() const { return m_view; }
    // The selected values, in the order shown.
    QStringList selectedValues() const;
    // Maps the selected values to the tenant with slug `slug` (looked up first).
    void mapSelectedTo(const QString& slug);
    QString statusText() const;

Q_SIGNALS:
    void valuesLoaded();
    void mapRequested(const QString& key, const QStringList& values, TenantDesk::TenantId tenantId, const QString& slug);
    void mapRefused(const QString& reason);

private:
    void updateStatus();
    void updateMapButton();

    Store* m_store;
    QString m_key;
    quint64 m_generation = 0; // answers to an earlier key are dropped
    BillingTagValuesModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QComboBox* m_keyCombo;
    QLineEdit* m_filterEdit;
    QTableView* m_view;
    QLineEdit* m_tenantEdit;
    QPushButton* m_mapButton;
    QLabel* m_statusLabel;
};

} // namespace TenantDesk
