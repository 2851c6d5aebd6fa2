#include "DatabaseLocation.h"

#include "StoreError.h"

#include <QCoreApplication>
#include <QDir>

namespace TenantDesk {

using namespace Qt::StringLiterals;

DatabaseLocation DatabaseLocation::parse(const QString& text)
{
    if (text.startsWith(u"postgresql://"_s) || text.startsWith(u"postgres://"_s)) {
        const QUrl url(text, QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty() || url.path().size() < 2)
            throw StoreError(ErrorCode::Invalid,
                             QCoreApplication::translate("DatabaseLocation",
                                 "“%1” is not a PostgreSQL address; write postgresql://USER@HOST:PORT/DATABASE.")
                                 .arg(url.toDisplayString(QUrl::RemovePassword)));
        return {Kind::PostgreSQL, {}, url};
    }
    QString path = text.startsWith(u"sqlite:"_s) ? text.mid(7) : text;
    if (path.isEmpty())
        throw StoreError(ErrorCode::Invalid, QCoreApplication::translate("DatabaseLocation", "No database file was given."));
    return sqlite(path);
}

QString DatabaseLocation::shown() const
{
    if (kind == Kind::SQLite)
        return QDir::toNativeSeparators(path);
    return url.toDisplayString(QUrl::RemovePassword);
}

} // namespace TenantDesk
