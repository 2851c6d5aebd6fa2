#pragma once

#include "Billing.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

namespace TenantDesk {

// The value → tenant mappings of the attribution rules as an editable table: where the value is
// read (a tag, or the sub-account), the tag key, the value, and the tenant by slug. A slug the
// model does not know yet leaves the row unresolved and asks for it (tenantLookupRequested); the
// editor answers with learnTenant() or tenantNotFound(). Rows can be added and removed.
class AttributionRulesModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { SourceColumn, KeyColumn, ValueColumn, TenantColumn, ColumnCount };
    Q_ENUM(Column)

    enum Role {
        TenantIdRole = Qt::UserRole + 1, // qint64, 0 while unresolved
        SourceRole,                      // int, AttributionSource
        ProblemRole,                     // QString: what is wrong with the row, empty when nothing
    };
    Q_ENUM(Role)

    explicit AttributionRulesModel(QObject* parent = nullptr);
    ~AttributionRulesModel() override;

    void setMappings(const QList<AttributionMapping>& mappings);
    // The mappings as edited, in order (unresolved rows included, with tenant 0).
    QList<AttributionMapping> mappings() const;
    // The rows that cannot be applied yet, each "Row 3: no tenant has the slug “x”"; empty when
    // every row is complete.
    QStringList problems() const;

    // Tells the model a tenant's slug (for the tenant column and for rows waiting for it).
    void learnTenant(TenantId id, const QString& slug);
    void tenantNotFound(const QString& slug);
    QString slugOf(TenantId id) const { return m_slugs.value(id); }
    // The tenants of rows whose slug the model has not been told yet.
    QList<TenantId> unnamedTenants() const;

    static QString sourceName(AttributionSource source);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool insertRows(int row, int count, const QModelIndex& parent = {}) override;
    bool removeRows(int row, int count, const QModelIndex& parent = {}) override;
    QHash<int, QByteArray> roleNames() const override;

Q_SIGNALS:
    // A slug was typed that the model cannot name a tenant for yet.
    void tenantLookupRequested(const QString& slug);
    void edited();

private:
    struct Row {
        AttributionMapping mapping;
        QString slug;      // as typed or learnt
        bool notFound = false;
    };
    QString problem(int row) const;

    QList<Row> m_rows;
    QHash<TenantId, QString> m_slugs;
    QHash<QString, TenantId> m_ids;
};

} // namespace TenantDesk
