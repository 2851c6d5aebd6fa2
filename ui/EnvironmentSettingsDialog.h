#pragma once

#include "Environment.h"

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QTableWidget;

namespace TenantDesk {

class Store;

// Tenant → Environment Settings: an environment's own settings as keys and values (a number or
// true/false as typed, otherwise text), saved as one versioned, audited change.
class EnvironmentSettingsDialog : public QDialog
{
    Q_OBJECT

public:
    EnvironmentSettingsDialog(Store* store, const Environment& environment, QWidget* parent = nullptr);

    QJsonObject settings() const;
    QTableWidget* table() const { return m_table; }
    void addRow(const QString& key, const QString& value);
    const Environment& saved() const { return m_saved; }

    void accept() override;

    // "3" → 3, "true" → true, anything else → the text.
    static QJsonValue typedValue(const QString& text);
    static QString shownValue(const QJsonValue& value);

private:
    Store* m_store;
    Environment m_environment;
    Environment m_saved;
    QTableWidget* m_table;
    QLabel* m_error;
    QDialogButtonBox* m_buttons;
};

} // namespace TenantDesk
