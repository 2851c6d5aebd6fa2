#pragma once

#include "Environment.h"
#include "Store.h"
#include "Tenant.h"

#include <QAbstractItemModel>
#include <QIcon>
#include <memory>
#include <vector>

namespace TenantDesk {

// Platform → tenants → sub-tenants → environments, loaded lazily from a Store in batches
// (canFetchMore/fetchMore) and sorted by the store. A filter text switches the model to the
// tenants the store finds by name or slug, each shown under the path of its ancestors.
class TenantTreeModel : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Column { NameColumn, SlugColumn, StatusColumn, DomainColumn, ColumnCount };
    Q_ENUM(Column)

    enum Role {
        NodeKindRole = Qt::UserRole + 1,
        TenantIdRole,      // qint64, the tenant of a tenant or environment row
        EnvironmentIdRole, // qint64, 0 on other rows
        SlugRole,
        StatusRole,        // TenantStatus as int
        FilterMatchRole,   // true on the rows the filter text found
    };
    Q_ENUM(Role)

    enum class NodeKind { Platform, Tenant, Environment };
    Q_ENUM(NodeKind)

    explicit TenantTreeModel(QObject* parent = nullptr);
    ~TenantTreeModel() override;

    // The store to show; nullptr empties the model. The store must outlive its use here.
    void setStore(Store* store);
    Store* store() const { return m_store; }

    // How many sub-tenants one fetchMore() asks the store for.
    void setBatchSize(int size);
    int batchSize() const { return m_batchSize; }

    // Empty: the whole tree, loaded lazily. Otherwise the tenants whose name or slug contains
    // the text, under their ancestors; filterApplied() is emitted when the store answered.
    void setFilterText(const QString& text);
    QString filterText() const { return m_filterText; }
    bool isFiltered() const { return !m_filterText.isEmpty(); }
    // The most matches a filter shows.
    static constexpr int maximumFilterMatches = 100;

    QModelIndex platformIndex() const;
    // The row of a tenant, when it has been loaded.
    QModelIndex indexOfTenant(TenantId id) const;
    // A tenant as changed through the store: its loaded row shows it at once (the order of its
    // siblings is brought up to date on the next refresh).
    void tenantChanged(const Tenant& tenant);
    // The children of tenant `parentId` changed (a tenant or environment added, removed or moved):
    // they are read again. 0 (or a filtered tree): the whole tree is read again.
    void reloadChildren(TenantId parentId);
    // In filter mode: the rows that lead to a match (to expand) and the matches, in tree order.
    QModelIndexList filterPathIndexes() const;
    QModelIndexList filterMatchIndexes() const;
    bool isFetching() const { return m_fetchesInFlight > 0; }

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    bool hasChildren(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    QHash<int, QByteArray> roleNames() const override;

    // Drag and drop: a tenant row is dragged onto another tenant or the platform; the drop asks for
    // the move (moveRequested) and changes nothing itself.
    Qt::DropActions supportedDragActions() const override { return Qt::MoveAction; }
    Qt::DropActions supportedDropActions() const override { return Qt::MoveAction; }
    QStringList mimeTypes() const override;
    QMimeData* mimeData(const QModelIndexList& indexes) const override;
    bool canDropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                         const QModelIndex& parent) const override;
    bool dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column, const QModelIndex& parent) override;

Q_SIGNALS:
    // A batch of rows arrived under `parent` (or the fetch failed).
    void fetchFinished(const QModelIndex& parent);
    // The store answered the filter text: `matches` rows found; `truncated` when there were more.
    void filterApplied(int matches, bool truncated);
    // A store operation failed; the message is a sentence for a person.
    void errorOccurred(const QString& message);
    void fetchingChanged(bool fetching);
    // A tenant was dropped on another tenant (or the platform: 0).
    void moveRequested(TenantId tenantId, TenantId newParentId);

public:
    // The icons beside a tenant (a dot in its status's colour) and an environment: SVG from
    // :/icons (resources/icons), sharp at every scale of a high-DPI screen.
    static QIcon statusIcon(TenantStatus status);
    static QIcon environmentIcon();

private:
    struct Node;

    Node* nodeOf(const QModelIndex& index) const;
    template<typename Visit>
    void visitFiltered(Visit visit) const;
    QModelIndex indexOf(const Node* node, int column = 0) const;
    void rebuild();
    void appendChildren(Node* parent, std::vector<std::unique_ptr<Node>> children);
    void fetchSubTenants(Node* node, quint64 generation);
    void finishFetch(Node* node, quint64 generation);
    void failFetch(Node* node, quint64 generation, const QString& message);
    void applySearchResult(const TenantSearchResult& result);
    void sortPinnedChildren(Node* node);
    void forgetLazyChildren(Node* node);
    void stopFetching(Node* node);
    void beginFetch();
    void endFetch();

    Store* m_store = nullptr;
    std::unique_ptr<Node> m_root;
    int m_batchSize = 200;
    int m_sortColumn = NameColumn;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
    QString m_filterText;      // the filter the rows show
    QString m_requestedFilter; // the filter asked for last (may still be on its way)
    quint64 m_searchSerial = 0;
    int m_filterMatches = 0;
    bool m_filterTruncated = false;
    quint64 m_generation = 0;
    int m_fetchesInFlight = 0;
};

} // namespace TenantDesk
