#pragma once

#include "Environment.h"

#include <QDialog>
#include <QList>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QTableWidget;

namespace TenantDesk {

class Store;

// Environment → Promote Settings (Ctrl+Shift+P): the settings of two environments of a tenant side
// by side, the keys that differ ticked, applied to the target as one change.
class PromoteDialog : public QDialog
{
    Q_OBJECT

public:
    enum Column { KeyColumn, SourceColumn, TargetColumn, ColumnCount };

    PromoteDialog(Store* store, const QList<Environment>& environments, QWidget* parent = nullptr);

    void setSource(EnvironmentId id);
    void setTarget(EnvironmentId id);
    // The keys ticked for promotion.
    QStringList chosenKeys() const;
    QTableWidget* diffTable() const { return m_table; }
    // The target before and after (valid once accepted).
    const Environment& targetBefore() const { return m_targetBefore; }
    const Environment& promoted() const { return m_promoted; }

    void accept() override;

private:
    void showDiff();
    Environment environment(const QComboBox* combo) const;

    Store* m_store;
    QList<Environment> m_environments;
    Environment m_targetBefore;
    Environment m_promoted;
    QComboBox* m_sourceCombo;
    QComboBox* m_targetCombo;
    QTableWidget* m_table;
    QLabel* m_summary;
    QLabel* m_error;
    QDialogButtonBox* m_buttons;
};

} // namespace TenantDesk
