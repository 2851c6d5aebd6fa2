#include "PostgresTestSupport.h"

#include <QAtomicInt>
#include <QCoreApplication>
#include <QFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QTextStream>

namespace TenantDesk::Test {

using namespace Qt::StringLiterals;

namespace {

QUrl withDatabase(QUrl url, const QString& database)
{
    url.setPath(u'/' + database);
    return url;
}

QAtomicInt connectionCount;

} // namespace

const PostgresCluster& PostgresCluster::instance()
{
    static const PostgresCluster cluster = [] {
        const QString path = qEnvironmentVariable("TENANTDESK_PG_ENV");
        if (path.isEmpty())
            qFatal("TENANTDESK_PG_ENV is not set: run this test through ctest (fixture \"postgres\"), or start a "
                   "cluster with tests/support/pg-cluster start DIR and set TENANTDESK_PG_ENV=DIR/env");
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
            qFatal("Cannot read %s (%s): did postgres_cluster_start run and pass?", qPrintable(path),
                   qPrintable(file.errorString()));
        PostgresCluster result;
        QTextStream in(&file);
        while (!in.atEnd()) {
            const QString line = in.readLine();
            const QString key = line.section(u'=', 0, 0);
            const QString value = line.section(u'=', 1);
            if (key == u"TENANTDESK_PG_OWNER_URL"_s)
                result.m_ownerUrl = QUrl(value, QUrl::StrictMode);
            else if (key == u"TENANTDESK_PG_APP_URL"_s)
                result.m_appUrl = QUrl(value, QUrl::StrictMode);
        }
        if (!result.m_ownerUrl.isValid() || !result.m_appUrl.isValid())
            qFatal("%s does not name TENANTDESK_PG_OWNER_URL and TENANTDESK_PG_APP_URL", qPrintable(path));
        return result;
    }();
    return cluster;
}

QUrl PostgresCluster::ownerUrl(const QString& database) const
{
    return withDatabase(m_ownerUrl, database);
}

QUrl PostgresCluster::appUrl(const QString& database) const
{
    return withDatabase(m_appUrl, database);
}

DatabaseLocation PostgresCluster::ownerLocation(const QString& database) const
{
    return DatabaseLocation::parse(ownerUrl(database).toString());
}

DatabaseLocation PostgresCluster::appLocation(const QString& database) const
{
    return DatabaseLocation::parse(appUrl(database).toString());
}

QString PostgresCluster::createDatabase(const QString& prefix) const
{
    static QAtomicInt count;
    const QString name = u"%1_%2_%3"_s.arg(prefix.toLower()).arg(QCoreApplication::applicationPid()).arg(++count);
    PostgresConnection owner(ownerUrl());
    owner.scalar(u"CREATE DATABASE "_s + name);
    return name;
}

PostgresConnection::PostgresConnection(const QUrl& url)
    : m_name(u"test-pg-"_s + QString::number(++connectionCount))
{
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, m_name);
    db.setHostName(url.host());
    db.setPort(url.port(5432));
    db.setDatabaseName(url.path().mid(1));
    db.setUserName(url.userName());
    db.setPassword(url.password());
    if (!db.open())
        qFatal("Cannot connect to %s: %s", qPrintable(url.toDisplayString(QUrl::RemovePassword)),
               qPrintable(db.lastError().text()));
}

PostgresConnection::~PostgresConnection()
{
    QSqlDatabase::database(m_name, false).close();
    QSqlDatabase::removeDatabase(m_name);
}

QSqlDatabase PostgresConnection::db() const
{
    return QSqlDatabase::database(m_name, false);
}

QVariant PostgresConnection::scalar(const QString& sql, const QVariantList& values)
{
    QSqlQuery query(db());
    bool ok = false;
    if (values.isEmpty()) {
        ok = query.exec(sql);
    } else {
        ok = query.prepare(sql);
        for (const QVariant& value : values)
            query.addBindValue(value);
        ok = ok && query.exec();
    }
    if (!ok)
        qFatal("Query failed: %s: %s", qPrintable(sql), qPrintable(query.lastError().text()));
    return query.next() ? query.value(0) : QVariant();
}

} // namespace TenantDesk::Test
