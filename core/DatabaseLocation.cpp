#include "DatabaseLocation.h"

#include "StoreError.h"

#include <QCoreApplication>
#include <QDir>

namespace TenantDesk {

using namespace Qt::StringLiterals;

namespace {

// The URL as written, without what may be a password: whatever lies between the first ':' after
// the scheme (and its "//") and the last '@' is left out. A malformed URL cannot be shown by QUrl,
// yet a message must name it; this may leave out more than the password, never less.
QString withoutPassword(const QString& text)
{
    qsizetype start = text.indexOf(u':') + 1;
    if (QStringView(text).mid(start).startsWith(u"//"))
        start += 2;
    const qsizetype at = text.lastIndexOf(u'@');
    const qsizetype colon = text.indexOf(u':', start);
    if (at < start || colon < 0 || colon > at)
        return text;
    return text.left(colon) + text.mid(at);
}

bool isPostgresUrl(const QString& text)
{
    return text.startsWith(u"postgresql:"_s, Qt::CaseInsensitive) || text.startsWith(u"postgres:"_s, Qt::CaseInsensitive);
}

} // namespace

DatabaseLocation DatabaseLocation::parse(const QString& text)
{
    if (isPostgresUrl(text)) {
        const QUrl url(text, QUrl::StrictMode);
        const QString scheme = url.scheme().toLower();
        if (!url.isValid() || (scheme != u"postgresql"_s && scheme != u"postgres"_s) || url.host().isEmpty()
            || url.path().size() < 2 || url.path().indexOf(u'/', 1) >= 0 || !url.fragment().isEmpty())
            throw StoreError(ErrorCode::Invalid,
                             QCoreApplication::translate("DatabaseLocation",
                                 "“%1” is not a PostgreSQL address; write postgresql://USER@HOST:PORT/DATABASE.")
                                 .arg(withoutPassword(text)));
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
