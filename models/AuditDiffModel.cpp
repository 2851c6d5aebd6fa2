#include "AuditDiffModel.h"

#include <QColor>
#include <QFont>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <algorithm>

namespace TenantDesk {

using namespace Qt::StringLiterals;

namespace {

void flattenInto(QMap<QString, QJsonValue>& out, const QString& prefix, const QJsonObject& object,
                 const QMap<QString, QJsonValue>& keep)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QString key = prefix.isEmpty() ? it.key() : QString(prefix + u'.' + it.key());
        const QJsonValue value = it.value();
        if (!value.isObject()) {
            out.insert(key, value);
            continue;
        }
        const QJsonObject inner = value.toObject();
        if (!inner.isEmpty()) {
            flattenInto(out, key, inner, keep);
            continue;
        }
        // An empty object: a leaf, unless the other side has keys under it.
        const QString below = key + u'.';
        const auto next = keep.lowerBound(below);
        if (next == keep.cend() || !next.key().startsWith(below))
            out.insert(key, value);
    }
}

} // namespace

AuditDiffModel::AuditDiffModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

QMap<QString, QJsonValue> AuditDiffModel::flatten(const QJsonObject& object, const QMap<QString, QJsonValue>& keep)
{
    QMap<QString, QJsonValue> out;
    flattenInto(out, {}, object, keep);
    return out;
}

QString AuditDiffModel::displayText(const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::Null: return u"null"_s;
    case QJsonValue::Bool: return value.toBool() ? u"true"_s : u"false"_s;
    case QJsonValue::Double: return value.toVariant().toString();
    case QJsonValue::String: return value.toString();
    case QJsonValue::Array:
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    case QJsonValue::Undefined: return {};
    }
    return {};
}

void AuditDiffModel::setEvent(const AuditEvent& event)
{
    beginResetModel();
    m_rows.clear();
    // Each side is flattened knowing the other's keys, so that {} → {"a": 1} is one added key.
    const QMap<QString, QJsonValue> plainBefore = flatten(event.before);
    const QMap<QString, QJsonValue> after = flatten(event.after, plainBefore);
    const QMap<QString, QJsonValue> before = flatten(event.before, after);
    QStringList keys = before.keys() + after.keys();
    keys.sort();
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (const QString& key : std::as_const(keys)) {
        Row row;
        row.key = key;
        row.before = before.value(key, QJsonValue(QJsonValue::Undefined));
        row.after = after.value(key, QJsonValue(QJsonValue::Undefined));
        if (row.before.isUndefined())
            row.change = Change::Added;
        else if (row.after.isUndefined())
            row.change = Change::Removed;
        else
            row.change = row.before == row.after ? Change::Unchanged : Change::Changed;
        m_rows.append(row);
    }
    endResetModel();
}

void AuditDiffModel::clear()
{
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

int AuditDiffModel::rowOfKey(const QString& key) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).key == key)
            return row;
    }
    return -1;
}

AuditDiffModel::Change AuditDiffModel::changeAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).change : Change::Unchanged;
}

int AuditDiffModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int AuditDiffModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AuditDiffModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        switch (index.column()) {
        case KeyColumn: return row.key;
        case BeforeColumn: return displayText(row.before);
        case AfterColumn: return displayText(row.after);
        case ChangeColumn:
            switch (row.change) {
            case Change::Unchanged: return role == Qt::ToolTipRole ? tr("Unchanged") : QString();
            case Change::Changed: return tr("Changed");
            case Change::Added: return tr("Added");
            case Change::Removed: return tr("Removed");
            }
            return {};
        }
        return {};
    case Qt::BackgroundRole:
        // Translucent tints, so that they read on light and dark palettes alike.
        switch (row.change) {
        case Change::Unchanged: return {};
        case Change::Changed: return QColor(255, 179, 0, 70);
        case Change::Added: return QColor(67, 160, 71, 70);
        case Change::Removed: return QColor(229, 57, 53, 70);
        }
        return {};
    case Qt::FontRole:
        if (row.change != Change::Unchanged && index.column() == KeyColumn) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case ChangeRole: return QVariant::fromValue(row.change);
    case KeyRole: return row.key;
    }
    return {};
}

QVariant AuditDiffModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case KeyColumn: return tr("Key");
    case BeforeColumn: return tr("Before");
    case AfterColumn: return tr("After");
    case ChangeColumn: return tr("Change");
    }
    return {};
}

Qt::ItemFlags AuditDiffModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
}

QHash<int, QByteArray> AuditDiffModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(ChangeRole, "change");
    names.insert(KeyRole, "key");
    return names;
}

} // namespace TenantDesk
