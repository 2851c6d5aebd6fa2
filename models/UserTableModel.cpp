#include "UserTableModel.h"

#include "Async.h"
#include "LocaleFormat.h"

#include <QColor>
#include <QFont>
#include <QIcon>
#include <QLocale>
#include <QThreadPool>
#include <algorithm>
#include <memory>

namespace TenantDesk {

using namespace Qt::StringLiterals;

namespace {

QString shortTime(const QDateTime& time)
{
    return localDateTime(time);
}

// A small badge beside a platform principal's name (SVG: sharp on high-DPI screens).
QIcon principalIcon()
{
    static const QIcon icon(u":/icons/platform-principal.svg"_s);
    return icon;
}

// Empties `users`. A table scrolled far holds up to a million users; freeing each one's name and
// address took half a second on the GUI thread when a new search, sort or store replaced them, so
// a long list is let go of on a pool thread instead (the model no longer refers to it).
void releaseUsers(QList<User>& users)
{
    constexpr qsizetype freedHere = 10000; // a few milliseconds at most
    if (users.size() <= freedHere) {
        users.clear();
        return;
    }
    auto released = std::make_shared<QList<User>>(std::move(users));
    users = QList<User>();
    QThreadPool::globalInstance()->start([released]() { released->clear(); });
}

} // namespace

UserTableModel::UserTableModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

UserTableModel::~UserTableModel() = default;

void UserTableModel::setStore(Store* store)
{
    beginResetModel();
    ++m_generation;
    ++m_storeGeneration;
    m_store = store;
    m_active = false;
    releaseUsers(m_users);
    m_nextCursor.clear();
    m_complete = true;
    m_principalRoles.clear();
    endResetModel();
    setLoading(false);
    setErrorMessage({});
    if (m_store)
        loadPrincipals();
}

void UserTableModel::setPageSize(int size)
{
    m_pageSize = std::clamp(size, 1, maximumPageSize);
}

void UserTableModel::setQuery(const UserQuery& query)
{
    const bool wasLoading = m_loading;
    beginResetModel();
    ++m_generation; // answers to the previous query are stale from now on
    m_query = query;
    m_query.cursor.clear();
    m_active = m_store != nullptr;
    releaseUsers(m_users);
    m_nextCursor.clear();
    m_complete = !m_active;
    // Loading from here on, so that a view reacting to the reset asks for nothing more.
    m_loading = m_active;
    endResetModel();
    if (m_loading != wasLoading)
        Q_EMIT loadingChanged(m_loading);
    setErrorMessage({});
    if (m_active)
        requestPage();
}

void UserTableModel::reload()
{
    if (m_active)
        setQuery(m_query);
}

void UserTableModel::clear()
{
    beginResetModel();
    ++m_generation;
    m_active = false;
    releaseUsers(m_users);
    m_nextCursor.clear();
    m_complete = true;
    endResetModel();
    setLoading(false);
    setErrorMessage({});
}

User UserTableModel::userAt(int row) const
{
    return row >= 0 && row < m_users.size() ? m_users.at(row) : User();
}

int UserTableModel::rowOf(UserId id) const
{
    for (int row = 0; row < m_users.size(); ++row) {
        if (m_users.at(row).id == id)
            return row;
    }
    return -1;
}

QList<UserId> UserTableModel::userIds(const QModelIndexList& indexes) const
{
    QList<int> rows;
    for (const QModelIndex& index : indexes) {
        if (index.isValid() && index.model() == this && index.row() < m_users.size())
            rows.append(index.row());
    }
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    QList<UserId> ids;
    ids.reserve(rows.size());
    for (int row : std::as_const(rows))
        ids.append(m_users.at(row).id);
    return ids;
}

void UserTableModel::retry()
{
    if (!m_active || !hasError() || m_loading)
        return;
    setLoading(true);
    setErrorMessage({});
    requestPage();
}

void UserTableModel::setLoading(bool loading)
{
    if (loading == m_loading)
        return;
    m_loading = loading;
    Q_EMIT loadingChanged(loading);
}

void UserTableModel::setErrorMessage(const QString& message)
{
    if (message == m_errorMessage)
        return;
    m_errorMessage = message;
    Q_EMIT errorMessageChanged(message);
}

void UserTableModel::requestPage()
{
    UserQuery query = m_query;
    query.limit = m_pageSize;
    query.cursor = m_nextCursor;
    const quint64 generation = m_generation;
    whenReady(m_store->users(query), this,
        [this, generation](const Page<User>& page) {
            if (generation != m_generation)
                return; // an answer to a query that is no longer shown
            if (!page.items.isEmpty()) {
                const int first = int(m_users.size());
                beginInsertRows({}, first, first + int(page.items.size()) - 1);
                m_users.append(page.items);
                endInsertRows();
            }
            m_nextCursor = page.nextCursor;
            m_complete = page.isLast();
            setLoading(false);
            Q_EMIT pageLoaded(int(page.items.size()));
        },
        [this, generation](const StoreError& error) {
            if (generation != m_generation)
                return;
            // Stop here rather than ask again in a loop: retry() asks for the same page.
            setLoading(false);
            setErrorMessage(error.message());
            Q_EMIT loadFailed(error.message());
        });
}

// The holders of the platform-scope roles: the built-in roles say which those are, and a query
// by role finds their holders (a handful of people on any platform).
void UserTableModel::loadPrincipals()
{
    const quint64 storeGeneration = m_storeGeneration;
    whenReady(m_store->roles(0), this,
        [this, storeGeneration](const QList<TenantDesk::Role>& roles) {
            if (storeGeneration != m_storeGeneration)
                return;
            for (const TenantDesk::Role& role : roles) {
                if (role.scope != RoleScope::Platform)
                    continue;
                UserQuery query;
                query.roleId = role.id;
                query.limit = maximumPageSize;
                whenReady(m_store->users(query), this,
                    [this, storeGeneration, name = role.name](const Page<User>& page) {
                        if (storeGeneration != m_storeGeneration)
                            return;
                        for (const User& user : page.items) {
                            QStringList& names = m_principalRoles[user.id];
                            if (!names.contains(name))
                                names.append(name);
                        }
                        if (!m_users.isEmpty())
                            Q_EMIT dataChanged(index(0, NameColumn), index(int(m_users.size()) - 1, NameColumn));
                    },
                    [](const StoreError&) {}); // the editor still says it, from the user's detail
            }
        },
        [](const StoreError&) {});
}

UserSort UserTableModel::sortOfColumn(int column)
{
    switch (column) {
    case EmailColumn: return UserSort::Email;
    case StatusColumn: return UserSort::Status;
    case LastSignInColumn: return UserSort::LastSignIn;
    case CreatedColumn: return UserSort::CreatedAt;
    }
    return UserSort::DisplayName;
}

int UserTableModel::columnOfSort(UserSort sort)
{
    switch (sort) {
    case UserSort::DisplayName: return NameColumn;
    case UserSort::Email: return EmailColumn;
    case UserSort::Status: return StatusColumn;
    case UserSort::LastSignIn: return LastSignInColumn;
    case UserSort::CreatedAt: return CreatedColumn;
    }
    return NameColumn;
}

void UserTableModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0 || column >= ColumnCount)
        return;
    const UserSort sort = sortOfColumn(column);
    if (sort == m_query.sort && order == m_query.order)
        return;
    m_query.sort = sort;
    m_query.order = order;
    if (m_active)
        setQuery(m_query);
}

int UserTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_users.size());
}

int UserTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant UserTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const User& user = m_users.at(index.row());
    const auto principal = m_principalRoles.constFind(user.id);
    const bool isPrincipal = principal != m_principalRoles.cend();
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn: return user.displayName;
        case EmailColumn: return user.email;
        case StatusColumn: return userStatusDisplayName(user.status);
        case LastSignInColumn: return user.lastSignInAt.isValid() ? shortTime(user.lastSignInAt) : tr("never");
        case CreatedColumn: return shortTime(user.createdAt);
        }
        return {};
    case Qt::ToolTipRole:
        switch (index.column()) {
        case NameColumn:
            return isPrincipal ? tr("%1\nPlatform principal: %2").arg(user.displayName, principal->join(u", "_s))
                               : user.displayName;
        case LastSignInColumn:
            return user.lastSignInAt.isValid() ? QLocale().toString(user.lastSignInAt.toLocalTime(), QLocale::LongFormat)
                                               : tr("Never signed in");
        case CreatedColumn: return QLocale().toString(user.createdAt.toLocalTime(), QLocale::LongFormat);
        }
        return {};
    case Qt::DecorationRole:
        if (index.column() == NameColumn && isPrincipal)
            return principalIcon();
        return {};
    case Qt::FontRole:
        if (index.column() == NameColumn && isPrincipal) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    case Qt::ForegroundRole:
        if (user.status == UserStatus::Disabled)
            return QColor(Qt::gray);
        return {};
    case UserIdRole: return user.id;
    case StatusRole: return int(user.status);
    case VersionRole: return user.version;
    case PlatformPrincipalRole: return isPrincipal;
    }
    return {};
}

QVariant UserTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::ToolTipRole)
        return tr("Click to sort every user by this column (the store sorts, not only the rows shown)");
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn: return tr("Name");
    case EmailColumn: return tr("E-mail");
    case StatusColumn: return tr("Status");
    case LastSignInColumn: return tr("Last sign-in");
    case CreatedColumn: return tr("Created");
    }
    return {};
}

Qt::ItemFlags UserTableModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
}

bool UserTableModel::canFetchMore(const QModelIndex& parent) const
{
    return !parent.isValid() && m_store && m_active && !m_loading && !m_complete && !hasError();
}

void UserTableModel::fetchMore(const QModelIndex& parent)
{
    if (!canFetchMore(parent))
        return;
    setLoading(true);
    requestPage();
}

QHash<int, QByteArray> UserTableModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(UserIdRole, "userId");
    names.insert(StatusRole, "status");
    names.insert(VersionRole, "version");
    names.insert(PlatformPrincipalRole, "platformPrincipal");
    return names;
}

} // namespace TenantDesk
