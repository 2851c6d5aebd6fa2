#pragma once

#include "Store.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QModelIndexList>
#include <QStringList>

namespace TenantDesk {

// The users of a query as a table, one user a row, a page at a time (canFetchMore/fetchMore), the
// first page as soon as a query is set, so that a platform of a million users shows at once and
// never loads everything. Sorting asks the store (UserQuery::sort, ::order) and starts again from
// the first page: a sort of the loaded pages only would be a lie about the rest.
//
// Platform principals (users holding a platform-scope role) are marked in the name column: the
// model asks the store once per store for the holders of the platform roles (few people), rather
// than one detail per row.
//
// A page that fails stops the loading: errorMessage() says why, loadFailed() is emitted and
// retry() asks for the same page again.
class UserTableModel : public QAbstractTableModel
{
    Q_OBJECT
    Q_PROPERTY(bool loading READ isLoading NOTIFY loadingChanged)
    Q_PROPERTY(QString errorMessage READ errorMessage NOTIFY errorMessageChanged)

public:
    enum Column { NameColumn, EmailColumn, StatusColumn, LastSignInColumn, CreatedColumn, ColumnCount };
    Q_ENUM(Column)

    enum Role {
        UserIdRole = Qt::UserRole + 1, // qint64
        StatusRole,                    // int, UserStatus
        VersionRole,                   // qint64
        PlatformPrincipalRole,         // bool
    };
    Q_ENUM(Role)

    explicit UserTableModel(QObject* parent = nullptr);
    ~UserTableModel() override;

    // The store to read; empties the model until the next setQuery(). The store must outlive its
    // use here (nullptr lets go of it).
    void setStore(Store* store);
    Store* store() const { return m_store; }

    // How many users one page asks for (at most maximumPageSize).
    void setPageSize(int size);
    int pageSize() const { return m_pageSize; }

    // Shows the users that match `query` (its limit and cursor are the model's own; its sort and
    // order say how they are sorted): empties the model and loads the first page. Answers to
    // earlier queries are ignored from now on.
    void setQuery(const UserQuery& query);
    UserQuery query() const { return m_query; }
    // Loads the current query again from its first page.
    void reload();
    // Empties the model and stops loading, with no query in effect.
    void clear();

    // The user on `row`; an empty user (id 0) for a row that does not exist.
    User userAt(int row) const;
    // The row of a loaded user, or -1.
    int rowOf(UserId id) const;
    // The ids of the users on the rows of `indexes` (any column), each once, in row order.
    QList<UserId> userIds(const QModelIndexList& indexes) const;
    // The platform-scope roles a user holds, as far as the model knows (empty: none).
    QStringList platformRoleNames(UserId id) const { return m_principalRoles.value(id); }

    bool isLoading() const { return m_loading; }
    // Every user of the query has been loaded.
    bool isComplete() const { return m_complete; }
    bool hasError() const { return !m_errorMessage.isEmpty(); }
    QString errorMessage() const { return m_errorMessage; }
    // After a failed page: asks for the same page again.
    void retry();

    // The store's sort of a column, and back.
    static UserSort sortOfColumn(int column);
    static int columnOfSort(UserSort sort);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;
    // Asks the store for the users in this order, from the first page again.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    QHash<int, QByteArray> roleNames() const override;

Q_SIGNALS:
    void loadingChanged(bool loading);
    // A page arrived with `count` users (0 on an empty last page).
    void pageLoaded(int count);
    // A page could not be loaded; the message is a sentence for a person.
    void loadFailed(const QString& message);
    void errorMessageChanged(const QString& message);

private:
    void requestPage();
    void setLoading(bool loading);
    void setErrorMessage(const QString& message);
    void loadPrincipals();

    Store* m_store = nullptr;
    UserQuery m_query;
    bool m_active = false; // a query is in effect
    QList<User> m_users;
    QString m_nextCursor;
    bool m_complete = true;
    bool m_loading = false;
    QString m_errorMessage;
    int m_pageSize = 100;
    quint64 m_generation = 0;      // which query an answer belongs to
    quint64 m_storeGeneration = 0; // which store the principals were read from
    QHash<UserId, QStringList> m_principalRoles;
};

} // namespace TenantDesk
