#include "TenantTreeModel.h"

#include <QMimeData>

#include "Async.h"

#include <QHash>
#include <QFont>
#include <QColor>

namespace TenantDesk {

using namespace Qt::StringLiterals;

struct TenantTreeModel::Node {
    NodeKind kind = NodeKind::Platform;
    Node* parent = nullptr;
    int row = 0;
    QString platformName;
    Tenant tenant;
    Environment environment;
    std::vector<std::unique_ptr<Node>> children;

    // Lazy loading of a platform or tenant node's children.
    bool fetching = false;
    bool environmentsLoaded = false;
    bool subTenantsComplete = false;
    QString cursor;
    // In filter mode: the children are the filtered path, fixed; nothing more is fetched.
    bool pinned = false;
    bool match = false;

    bool complete() const { return pinned || (environmentsLoaded && subTenantsComplete); }
};

TenantTreeModel::TenantTreeModel(QObject* parent)
    : QAbstractItemModel(parent)
{
}

TenantTreeModel::~TenantTreeModel() = default;

void TenantTreeModel::setStore(Store* store)
{
    m_store = store;
    m_filterText.clear();
    m_requestedFilter.clear();
    ++m_searchSerial;
    rebuild();
}

void TenantTreeModel::setBatchSize(int size)
{
    m_batchSize = std::clamp(size, 1, maximumPageSize);
}

void TenantTreeModel::rebuild()
{
    beginResetModel();
    ++m_generation;
    m_root = std::make_unique<Node>();
    m_root->pinned = true;
    if (m_store) {
        auto platform = std::make_unique<Node>();
        platform->kind = NodeKind::Platform;
        platform->parent = m_root.get();
        platform->platformName = tr("Platform");
        platform->environmentsLoaded = true; // the platform has no environments of its own
        m_root->children.push_back(std::move(platform));
    }
    endResetModel();

    if (!m_store)
        return;
    const quint64 generation = m_generation;
    whenReady(m_store->platform(), this,
        [this, generation](const Platform& platform) {
            if (generation != m_generation || m_root->children.empty())
                return;
            m_root->children.front()->platformName = platform.name;
            const QModelIndex index = platformIndex();
            Q_EMIT dataChanged(index, index.siblingAtColumn(ColumnCount - 1));
        },
        [this](const StoreError& error) { Q_EMIT errorOccurred(error.message()); });
}

TenantTreeModel::Node* TenantTreeModel::nodeOf(const QModelIndex& index) const
{
    return index.isValid() ? static_cast<Node*>(index.internalPointer()) : m_root.get();
}

QModelIndex TenantTreeModel::indexOf(const Node* node, int column) const
{
    if (!node || node == m_root.get() || !node->parent)
        return {};
    return createIndex(node->row, column, const_cast<Node*>(node));
}

QModelIndex TenantTreeModel::platformIndex() const
{
    return m_root && !m_root->children.empty() ? indexOf(m_root->children.front().get()) : QModelIndex();
}

void TenantTreeModel::tenantChanged(const Tenant& tenant)
{
    const QModelIndex index = indexOfTenant(tenant.id);
    if (!index.isValid())
        return;
    Node* node = nodeOf(index);
    // Counts are the tree's own (loaded children); the rest is the tenant's.
    const int subTenants = node->tenant.subTenantCount;
    const int environments = node->tenant.environmentCount;
    node->tenant = tenant;
    node->tenant.subTenantCount = subTenants;
    node->tenant.environmentCount = environments;
    Q_EMIT dataChanged(index, index.siblingAtColumn(columnCount(index.parent()) - 1));
}

void TenantTreeModel::reloadChildren(TenantId parentId)
{
    if (!m_store)
        return;
    const QModelIndex index = parentId == 0 || isFiltered() ? QModelIndex() : indexOfTenant(parentId);
    if (parentId == 0 || isFiltered()) {
        if (isFiltered()) {
            const QString filter = m_filterText;
            m_filterText.clear();
            m_requestedFilter.clear();
            setFilterText(filter);
        } else {
            rebuild();
        }
        return;
    }
    if (!index.isValid())
        return; // not loaded: read when it is
    // Answers on their way belong to the tree as it was; whatever was being read is read again.
    ++m_generation;
    stopFetching(m_root.get());
    Node* node = nodeOf(index);
    if (!node->children.empty()) {
        beginRemoveRows(index, 0, int(node->children.size()) - 1);
        node->children.clear();
        endRemoveRows();
    }
    node->cursor.clear();
    node->fetching = true; // until the tenant's counts are fresh
    const quint64 generation = m_generation;
    beginFetch();
    whenReady(m_store->tenant(parentId), this,
        [this, parentId, generation](const Tenant& tenant) {
            endFetch();
            if (generation != m_generation)
                return;
            const QModelIndex at = indexOfTenant(parentId);
            if (!at.isValid())
                return;
            Node* n = nodeOf(at);
            n->tenant = tenant;
            n->fetching = false;
            n->environmentsLoaded = tenant.environmentCount == 0;
            n->subTenantsComplete = tenant.subTenantCount == 0;
            Q_EMIT dataChanged(at, at.siblingAtColumn(ColumnCount - 1));
            fetchMore(at);
        },
        [this, parentId, generation](const StoreError& error) {
            endFetch();
            if (generation != m_generation)
                return;
            if (const QModelIndex at = indexOfTenant(parentId); at.isValid())
                nodeOf(at)->fetching = false;
            Q_EMIT errorOccurred(error.message());
        });
}

void TenantTreeModel::stopFetching(Node* node)
{
    node->fetching = false;
    for (auto& child : node->children)
        stopFetching(child.get());
}

QStringList TenantTreeModel::mimeTypes() const
{
    return {u"application/x-tenantdesk-tenant-id"_s};
}

QMimeData* TenantTreeModel::mimeData(const QModelIndexList& indexes) const
{
    for (const QModelIndex& index : indexes) {
        const Node* node = nodeOf(index);
        if (node && node->kind == NodeKind::Tenant) {
            auto* data = new QMimeData;
            data->setData(u"application/x-tenantdesk-tenant-id"_s, QByteArray::number(node->tenant.id));
            return data;
        }
    }
    return nullptr;
}

bool TenantTreeModel::canDropMimeData(const QMimeData* data, Qt::DropAction action, int, int, const QModelIndex& parent) const
{
    if (action != Qt::MoveAction || !data || !data->hasFormat(u"application/x-tenantdesk-tenant-id"_s))
        return false;
    const Node* target = nodeOf(parent);
    if (!target || target == m_root.get() || target->kind == NodeKind::Environment)
        return false;
    const TenantId dragged = data->data(u"application/x-tenantdesk-tenant-id"_s).toLongLong();
    // Never onto itself or one of its own sub-tenants.
    return target->kind == NodeKind::Platform
        || (target->tenant.id != dragged && !target->tenant.ancestorIds.contains(dragged));
}

bool TenantTreeModel::dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column, const QModelIndex& parent)
{
    if (!canDropMimeData(data, action, row, column, parent))
        return false;
    const Node* target = nodeOf(parent);
    const TenantId dragged = data->data(u"application/x-tenantdesk-tenant-id"_s).toLongLong();
    Q_EMIT moveRequested(dragged, target->kind == NodeKind::Platform ? 0 : target->tenant.id);
    return false; // the rows move once the store has moved the tenant
}

QModelIndex TenantTreeModel::indexOfTenant(TenantId id) const
{
    // Breadth-first over what has been loaded; the loaded part is what the view shows.
    std::vector<const Node*> queue{m_root.get()};
    for (size_t i = 0; i < queue.size(); ++i) {
        for (const auto& child : queue[i]->children) {
            if (child->kind == NodeKind::Environment)
                continue;
            if (child->kind == NodeKind::Tenant && child->tenant.id == id)
                return indexOf(child.get());
            queue.push_back(child.get());
        }
    }
    return {};
}

template<typename Visit>
void TenantTreeModel::visitFiltered(Visit visit) const
{
    // Depth first, in tree order, through the path the filter shows.
    std::vector<const Node*> stack{m_root.get()};
    while (!stack.empty()) {
        const Node* node = stack.back();
        stack.pop_back();
        if (node != m_root.get())
            visit(node);
        if (node->pinned) {
            for (auto it = node->children.rbegin(); it != node->children.rend(); ++it)
                stack.push_back(it->get());
        }
    }
}

QModelIndexList TenantTreeModel::filterPathIndexes() const
{
    QModelIndexList indexes;
    if (isFiltered()) {
        visitFiltered([&](const Node* node) {
            if (node->pinned && !node->children.empty())
                indexes.append(indexOf(node));
        });
    }
    return indexes;
}

QModelIndexList TenantTreeModel::filterMatchIndexes() const
{
    QModelIndexList indexes;
    if (isFiltered()) {
        visitFiltered([&](const Node* node) {
            if (node->match)
                indexes.append(indexOf(node));
        });
    }
    return indexes;
}

QModelIndex TenantTreeModel::index(int row, int column, const QModelIndex& parent) const
{
    if (column < 0 || column >= ColumnCount || row < 0)
        return {};
    const Node* node = nodeOf(parent);
    if (!node || row >= int(node->children.size()))
        return {};
    return createIndex(row, column, node->children[size_t(row)].get());
}

QModelIndex TenantTreeModel::parent(const QModelIndex& child) const
{
    const Node* node = nodeOf(child);
    if (!child.isValid() || !node || !node->parent)
        return {};
    return indexOf(node->parent);
}

int TenantTreeModel::rowCount(const QModelIndex& parent) const
{
    if (parent.column() > 0)
        return 0;
    const Node* node = nodeOf(parent);
    return node ? int(node->children.size()) : 0;
}

int TenantTreeModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

bool TenantTreeModel::hasChildren(const QModelIndex& parent) const
{
    if (parent.column() > 0)
        return false;
    const Node* node = nodeOf(parent);
    if (!node)
        return false;
    if (!node->children.empty())
        return true;
    switch (node->kind) {
    case NodeKind::Platform: return !node->complete();
    case NodeKind::Tenant: return !node->pinned && node->tenant.hasChildren();
    case NodeKind::Environment: return false;
    }
    return false;
}

QIcon TenantTreeModel::statusIcon(TenantStatus status)
{
    // SVG (resources/icons): drawn sharp at every scale of a high-DPI screen.
    static QHash<int, QIcon> cache;
    auto it = cache.find(int(status));
    if (it != cache.end())
        return *it;
    QString name;
    switch (status) {
    case TenantStatus::Requested: name = u"requested"_s; break;             // grey
    case TenantStatus::Provisioning: name = u"provisioning"_s; break;       // blue
    case TenantStatus::Active: name = u"active"_s; break;                   // green
    case TenantStatus::Suspended: name = u"suspended"_s; break;             // orange
    case TenantStatus::Decommissioning: name = u"decommissioning"_s; break; // red
    case TenantStatus::Archived: name = u"archived"_s; break;               // dark grey
    }
    return *cache.insert(int(status), QIcon(u":/icons/status-%1.svg"_s.arg(name)));
}

QIcon TenantTreeModel::environmentIcon()
{
    static const QIcon icon(u":/icons/environment.svg"_s);
    return icon;
}

QVariant TenantTreeModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Node* node = nodeOf(index);
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
        switch (node->kind) {
        case NodeKind::Platform:
            return column == NameColumn ? QVariant(node->platformName) : QVariant();
        case NodeKind::Tenant:
            switch (column) {
            case NameColumn: return node->tenant.displayName;
            case SlugColumn: return node->tenant.slug;
            case StatusColumn: return tenantStatusDisplayName(node->tenant.status);
            case DomainColumn: return node->tenant.domain;
            }
            return {};
        case NodeKind::Environment:
            switch (column) {
            case NameColumn: return node->environment.name;
            case StatusColumn: return environmentKindDisplayName(node->environment.kind);
            }
            return {};
        }
        return {};
    case Qt::DecorationRole:
        if (column != NameColumn)
            return {};
        if (node->kind == NodeKind::Tenant)
            return statusIcon(node->tenant.status);
        if (node->kind == NodeKind::Environment)
            return environmentIcon();
        return {};
    case Qt::ForegroundRole:
        if (node->kind == NodeKind::Tenant && isDormant(node->tenant.status))
            return QColor(Qt::gray);
        return {};
    case Qt::FontRole:
        if (node->match || node->kind == NodeKind::Platform) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case Qt::ToolTipRole:
        if (node->kind == NodeKind::Tenant) {
            return tr("%1 (%2)\n%3 · %4 sub-tenants · %5 environments")
                .arg(node->tenant.displayName, node->tenant.slug, tenantStatusDisplayName(node->tenant.status))
                .arg(node->tenant.subTenantCount).arg(node->tenant.environmentCount);
        }
        return {};
    case NodeKindRole:
        return QVariant::fromValue(node->kind);
    case TenantIdRole:
        return node->kind == NodeKind::Tenant ? node->tenant.id
             : node->kind == NodeKind::Environment ? node->environment.tenantId : TenantId(0);
    case EnvironmentIdRole:
        return node->kind == NodeKind::Environment ? node->environment.id : EnvironmentId(0);
    case SlugRole:
        return node->kind == NodeKind::Tenant ? QVariant(node->tenant.slug) : QVariant();
    case StatusRole:
        return node->kind == NodeKind::Tenant ? QVariant(int(node->tenant.status)) : QVariant();
    case FilterMatchRole:
        return node->match;
    }
    return {};
}

QVariant TenantTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractItemModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn: return tr("Name");
    case SlugColumn: return tr("Slug");
    case StatusColumn: return tr("Status");
    case DomainColumn: return tr("Domain");
    }
    return {};
}

Qt::ItemFlags TenantTreeModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (const Node* node = nodeOf(index); node && !isFiltered()) {
        if (node->kind == NodeKind::Tenant)
            flags |= Qt::ItemIsDragEnabled | Qt::ItemIsDropEnabled;
        else if (node->kind == NodeKind::Platform)
            flags |= Qt::ItemIsDropEnabled;
    }
    if (!hasChildren(index.siblingAtColumn(0)))
        flags |= Qt::ItemNeverHasChildren;
    return flags;
}

bool TenantTreeModel::canFetchMore(const QModelIndex& parent) const
{
    if (!m_store || parent.column() > 0)
        return false;
    const Node* node = nodeOf(parent);
    if (!node || node == m_root.get() || node->kind == NodeKind::Environment || node->fetching || node->complete())
        return false;
    if (node->kind == NodeKind::Tenant)
        return node->tenant.hasChildren();
    return true;
}

void TenantTreeModel::beginFetch()
{
    if (m_fetchesInFlight++ == 0)
        Q_EMIT fetchingChanged(true);
}

void TenantTreeModel::endFetch()
{
    if (--m_fetchesInFlight == 0)
        Q_EMIT fetchingChanged(false);
}

void TenantTreeModel::fetchMore(const QModelIndex& parent)
{
    if (!canFetchMore(parent))
        return;
    Node* node = nodeOf(parent);
    node->fetching = true;
    beginFetch();
    const quint64 generation = m_generation;
    if (!node->environmentsLoaded) {
        if (node->tenant.environmentCount == 0) {
            node->environmentsLoaded = true;
        } else {
            whenReady(m_store->environments(node->tenant.id), this,
                [this, node, generation](const QList<Environment>& environments) {
                    if (generation != m_generation)
                        return endFetch();
                    std::vector<std::unique_ptr<Node>> children;
                    for (const Environment& environment : environments) {
                        auto child = std::make_unique<Node>();
                        child->kind = NodeKind::Environment;
                        child->environment = environment;
                        children.push_back(std::move(child));
                    }
                    // Environments come first, then the sub-tenants in pages.
                    appendChildren(node, std::move(children));
                    node->environmentsLoaded = true;
                    if (!node->subTenantsComplete)
                        fetchSubTenants(node, generation);
                    else
                        finishFetch(node, generation);
                },
                [this, node, generation](const StoreError& error) { failFetch(node, generation, error.message()); });
            return;
        }
    }
    fetchSubTenants(node, generation);
}

void TenantTreeModel::fetchSubTenants(Node* node, quint64 generation)
{
    if (node->kind == NodeKind::Tenant && node->tenant.subTenantCount == 0) {
        node->subTenantsComplete = true;
        return finishFetch(node, generation);
    }
    TenantQuery query;
    query.parentId = node->kind == NodeKind::Tenant ? node->tenant.id : 0;
    query.limit = m_batchSize;
    query.cursor = node->cursor;
    switch (m_sortColumn) {
    case SlugColumn: query.sort = TenantSort::Slug; break;
    case StatusColumn: query.sort = TenantSort::Status; break;
    default: query.sort = TenantSort::DisplayName; break;
    }
    query.order = m_sortOrder;
    whenReady(m_store->tenants(query), this,
        [this, node, generation](const Page<Tenant>& page) {
            if (generation != m_generation)
                return endFetch();
            std::vector<std::unique_ptr<Node>> children;
            for (const Tenant& tenant : page.items) {
                auto child = std::make_unique<Node>();
                child->kind = NodeKind::Tenant;
                child->tenant = tenant;
                child->environmentsLoaded = tenant.environmentCount == 0;
                child->subTenantsComplete = tenant.subTenantCount == 0;
                children.push_back(std::move(child));
            }
            appendChildren(node, std::move(children));
            node->cursor = page.nextCursor;
            node->subTenantsComplete = page.isLast();
            finishFetch(node, generation);
        },
        [this, node, generation](const StoreError& error) { failFetch(node, generation, error.message()); });
}

void TenantTreeModel::appendChildren(Node* parent, std::vector<std::unique_ptr<Node>> children)
{
    if (children.empty())
        return;
    const int first = int(parent->children.size());
    beginInsertRows(indexOf(parent), first, first + int(children.size()) - 1);
    for (auto& child : children) {
        child->parent = parent;
        child->row = int(parent->children.size());
        parent->children.push_back(std::move(child));
    }
    endInsertRows();
}

void TenantTreeModel::finishFetch(Node* node, quint64 generation)
{
    if (generation == m_generation) {
        node->fetching = false;
        const QModelIndex index = indexOf(node);
        if (node->children.empty() && node->complete() && node->kind == NodeKind::Tenant) {
            // The counts were stale: nothing lives here any more. Let the view drop the arrow.
            node->tenant.subTenantCount = 0;
            node->tenant.environmentCount = 0;
            Q_EMIT dataChanged(index, index.siblingAtColumn(ColumnCount - 1));
        }
        Q_EMIT fetchFinished(index);
    }
    endFetch();
}

void TenantTreeModel::failFetch(Node* node, quint64 generation, const QString& message)
{
    if (generation == m_generation) {
        // Stop here rather than retry in a loop; choosing the parent again retries.
        node->fetching = false;
        node->environmentsLoaded = true;
        node->subTenantsComplete = true;
        Q_EMIT fetchFinished(indexOf(node));
        Q_EMIT errorOccurred(message);
    }
    endFetch();
}

void TenantTreeModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0 || column >= ColumnCount)
        return;
    if (column == DomainColumn)
        column = NameColumn; // the store sorts by name, slug or status
    if (column == m_sortColumn && order == m_sortOrder)
        return;
    m_sortColumn = column;
    m_sortOrder = order;
    if (isFiltered()) {
        // The path to each match is re-sorted here; what was loaded under a match in the old
        // order is dropped and comes again, in the new order, when asked for.
        beginResetModel();
        ++m_generation;
        forgetLazyChildren(m_root.get());
        sortPinnedChildren(m_root.get());
        endResetModel();
        Q_EMIT filterApplied(m_filterMatches, m_filterTruncated);
        return;
    }
    rebuild();
}

void TenantTreeModel::forgetLazyChildren(Node* node)
{
    if (node->pinned) {
        for (auto& child : node->children)
            forgetLazyChildren(child.get());
    } else if (node->kind == NodeKind::Tenant) {
        node->children.clear();
        node->fetching = false;
        node->cursor.clear();
        node->environmentsLoaded = node->tenant.environmentCount == 0;
        node->subTenantsComplete = node->tenant.subTenantCount == 0;
    }
}

void TenantTreeModel::sortPinnedChildren(Node* node)
{
    if (!node->pinned)
        return;
    const auto key = [this](const Node* n) -> QString {
        if (n->kind != NodeKind::Tenant)
            return {};
        switch (m_sortColumn) {
        case SlugColumn: return n->tenant.slug;
        case StatusColumn: return tenantStatusKey(n->tenant.status);
        default: return n->tenant.displayName;
        }
    };
    std::stable_sort(node->children.begin(), node->children.end(),
        [&](const std::unique_ptr<Node>& a, const std::unique_ptr<Node>& b) {
            if (a->kind != b->kind)
                return a->kind == NodeKind::Environment;
            const int order = QString::compare(key(a.get()), key(b.get()));
            if (order == 0)
                return a->tenant.id < b->tenant.id;
            return m_sortOrder == Qt::AscendingOrder ? order < 0 : order > 0;
        });
    for (size_t i = 0; i < node->children.size(); ++i) {
        node->children[i]->row = int(i);
        sortPinnedChildren(node->children[i].get());
    }
}

void TenantTreeModel::setFilterText(const QString& text)
{
    const QString trimmed = text.trimmed();
    if (trimmed == m_requestedFilter)
        return;
    m_requestedFilter = trimmed;
    const quint64 serial = ++m_searchSerial; // answers to earlier searches are now stale
    if (trimmed.isEmpty() || !m_store) {
        m_filterText.clear();
        rebuild();
        return;
    }
    beginFetch();
    whenReady(m_store->searchTenants(trimmed, maximumFilterMatches), this,
        [this, serial, trimmed](const TenantSearchResult& result) {
            if (serial == m_searchSerial) {
                m_filterText = trimmed;
                applySearchResult(result);
            }
            endFetch();
        },
        [this, serial](const StoreError& error) {
            if (serial == m_searchSerial) {
                m_requestedFilter = m_filterText; // the rows still show that; asking again retries
                Q_EMIT errorOccurred(error.message());
            }
            endFetch();
        });
}

void TenantTreeModel::applySearchResult(const TenantSearchResult& result)
{
    beginResetModel();
    ++m_generation;
    const QString platformName = m_root && !m_root->children.empty() ? m_root->children.front()->platformName : tr("Platform");
    m_root = std::make_unique<Node>();
    m_root->pinned = true;
    auto platform = std::make_unique<Node>();
    platform->kind = NodeKind::Platform;
    platform->parent = m_root.get();
    platform->platformName = platformName;
    platform->pinned = true;

    QHash<TenantId, Node*> byId;
    std::vector<std::unique_ptr<Node>> owned;
    const auto add = [&](const Tenant& tenant, bool match) {
        auto node = std::make_unique<Node>();
        node->kind = NodeKind::Tenant;
        node->tenant = tenant;
        node->match = match;
        node->environmentsLoaded = tenant.environmentCount == 0;
        node->subTenantsComplete = tenant.subTenantCount == 0;
        byId.insert(tenant.id, node.get());
        owned.push_back(std::move(node));
    };
    for (const Tenant& tenant : result.ancestors)
        add(tenant, false);
    for (const Tenant& tenant : result.matches)
        add(tenant, true);
    // Attach each node under its parent (or the platform); a node that leads to a match keeps
    // only the path as children, a match without matching descendants stays lazily expandable.
    for (auto& node : owned) {
        Node* parent = node->tenant.parentId == 0 ? platform.get() : byId.value(node->tenant.parentId, nullptr);
        if (!parent)
            parent = platform.get();
        parent->pinned = true; // only the path is shown under it; nothing more is fetched
        node->parent = parent;
        parent->children.push_back(std::move(node));
    }
    platform->environmentsLoaded = platform->subTenantsComplete = true;
    m_root->children.push_back(std::move(platform));
    sortPinnedChildren(m_root->children.front().get());
    m_filterMatches = int(result.matches.size());
    m_filterTruncated = result.truncated;
    endResetModel();
    Q_EMIT filterApplied(m_filterMatches, m_filterTruncated);
}

QHash<int, QByteArray> TenantTreeModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractItemModel::roleNames();
    names.insert(NodeKindRole, "nodeKind");
    names.insert(TenantIdRole, "tenantId");
    names.insert(EnvironmentIdRole, "environmentId");
    names.insert(SlugRole, "slug");
    names.insert(StatusRole, "status");
    names.insert(FilterMatchRole, "filterMatch");
    return names;
}

} // namespace TenantDesk
