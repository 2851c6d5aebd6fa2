#pragma once

// What tenantctl's commands share: how they are called, how they wait, how they print.

#include "Store.h"
#include "Tenantctl.h"

#include <QCommandLineParser>
#include <QFuture>
#include <QJsonValue>
#include <QString>
#include <QStringList>
#include <QTextStream>

namespace TenantDesk::Tenantctl {

QString tr(const char* text);
// With %n replaced by `n`, in the plural form it calls for. Called as tr("…%n…", nullptr, n), the
// way lupdate knows a plural message by (with two arguments it would not mark it numerus, and a
// translation would show only for the singular).
QString tr(const char* text, const char* disambiguation, int n);

// A command line that cannot be carried out as written (exit status 2).
struct UsageError {
    QString message;
};

// One command as it is run: the store it works on, the parsed options and what it prints.
struct Invocation {
    Store& store;
    const QCommandLineParser& parser;
    QStringList command;   // the command's words: {"tenants", "create"}
    QStringList arguments; // the positional arguments after them
    QString database;      // the database as messages name it: without a password
    QTextStream& out;

    bool json() const { return parser.isSet(QStringLiteral("json")); }
    bool isSet(const QString& option) const { return parser.isSet(option); }
    // The option's value, "" when it is not given: never a null string, which a database would keep as NULL.
    QString value(const QString& option) const
    {
        const QString text = parser.value(option);
        return text.isNull() ? QStringLiteral("") : text;
    }
    QStringList values(const QString& option) const { return parser.values(option); }
};

// A command line tool may wait for its futures: there is no window to keep responsive.
template<typename T>
T await(QFuture<T> future)
{
    return future.result(); // rethrows the StoreError of a failed operation
}

void printJson(QTextStream& out, const QJsonValue& value);
QString padded(const QString& text, int width);
// A JSON value as one line of text: "text" in quotes, numbers and true/false as they are.
QString jsonValueText(const QJsonValue& value);
// A word as a shell reads it back, quoted when it needs to be.
QString shellQuoted(const QString& word);
// “Display name” (slug), as messages name a tenant.
QString tenantNamed(const Tenant& tenant);

// The option's value; UsageError saying that the command needs it (`what`: its value's meaning).
QString requiredOption(const Invocation& call, const QString& option, const QString& what);
// The environment of `tenant` called `name`; NotFound naming the environments it has otherwise.
Environment environmentNamed(Store& store, const Tenant& tenant, const QString& name);

} // namespace TenantDesk::Tenantctl
