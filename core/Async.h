#pragma once

#include "StoreError.h"

#include <QCoreApplication>
#include <QFuture>
#include <QFutureWatcher>
#include <QObject>

#include <type_traits>
#include <utility>

namespace TenantDesk {

// Continues a store future on `context`'s thread: `handler` gets the result, `onError` a
// StoreError (any other exception becomes an Internal one; a cancelled operation an Unavailable
// one). Nothing runs once `context` is gone.
//
// A QFutureWatcher owned by the context carries the continuation rather than
// QFuture::then(context, ...): in Qt 6.4 that asserts when the context dies first.
template<typename T, typename Handler, typename ErrorHandler>
void whenReady(const QFuture<T>& future, QObject* context, Handler&& handler, ErrorHandler onError)
{
    auto* watcher = new QFutureWatcher<T>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, watcher,
        [watcher, handler = std::forward<Handler>(handler), onError = std::move(onError)]() mutable {
            watcher->deleteLater();
            QFuture<T> finished = watcher->future();
            try {
                finished.waitForFinished(); // rethrows the operation's failure
                if constexpr (std::is_void_v<T>) {
                    handler();
                } else {
                    if (finished.resultCount() == 0)
                        throw StoreError(ErrorCode::Unavailable,
                                         QCoreApplication::translate("Store", "The operation was cancelled."));
                    handler(finished.result());
                }
            } catch (const StoreError& error) {
                onError(error);
            } catch (...) {
                onError(StoreError(ErrorCode::Internal,
                                   QCoreApplication::translate("Store", "An unexpected error occurred; please report it.")));
            }
        });
    watcher->setFuture(future);
}

} // namespace TenantDesk
