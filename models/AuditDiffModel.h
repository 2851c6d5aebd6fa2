#pragma once

#include "AuditEvent.h"

#include <QAbstractTableModel>
#include <QJsonValue>
#include <QList>
#include <QMap>

namespace TenantDesk {

// What one audit event changed: a row for every key of its before or after value (nested
// objects flattened to dotted keys, "security_policy.mfa_required"; arrays as compact JSON),
// with the value before and after. Changed, added and removed keys are marked in the change
// column and tinted; keys in alphabetical order.
class AuditDiffModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { KeyColumn, BeforeColumn, AfterColumn, ChangeColumn, ColumnCount };
    Q_ENUM(Column)

    enum class Change { Unchanged, Changed, Added, Removed };
    Q_ENUM(Change)

    enum Role {
        ChangeRole = Qt::UserRole + 1, // Change
        KeyRole,                       // QString, the dotted key
    };
    Q_ENUM(Role)

    explicit AuditDiffModel(QObject* parent = nullptr);

    void setEvent(const AuditEvent& event);
    // No event: no rows.
    void clear();

    // The row of a dotted key, -1 when the event has no such key.
    int rowOfKey(const QString& key) const;
    Change changeAt(int row) const;

    // An object as dotted keys and their leaf values. An empty object is a leaf of its own ("{}")
    // unless `keep` holds keys under it (the other side of a diff), so that adding a first
    // key to an empty object reads as one added key.
    static QMap<QString, QJsonValue> flatten(const QJsonObject& object, const QMap<QString, QJsonValue>& keep = {});
    // A leaf value as text: strings as they are, arrays and objects as compact JSON.
    static QString displayText(const QJsonValue& value);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    struct Row {
        QString key;
        QJsonValue before; // Undefined: absent
        QJsonValue after;
        Change change = Change::Unchanged;
    };

    QList<Row> m_rows;
};

} // namespace TenantDesk
