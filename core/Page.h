#pragma once

#include <QList>
#include <QString>

namespace TenantDesk {

// One page of a longer list. Pass nextCursor back to get the next page; it is empty on the last.
template<typename T>
struct Page {
    QList<T> items;
    QString nextCursor;

    bool isLast() const { return nextCursor.isEmpty(); }
};

} // namespace TenantDesk
