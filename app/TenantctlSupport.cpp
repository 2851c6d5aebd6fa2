#include "TenantctlSupport.h"

#include "StoreError.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace TenantDesk::Tenantctl {

using namespace Qt::StringLiterals;

QString tr(const char* text)
{
    return QCoreApplication::translate("tenantctl", text);
}

QString tr(const char* text, const char* disambiguation, int n)
{
    return QCoreApplication::translate("tenantctl", text, disambiguation, n);
}

void printJson(QTextStream& out, const QJsonValue& value)
{
    const QJsonDocument document = value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
    out << QString::fromUtf8(document.toJson(QJsonDocument::Indented));
}

QString padded(const QString& text, int width)
{
    return text.leftJustified(width, u' ');
}

QString jsonValueText(const QJsonValue& value)
{
    if (value.isUndefined())
        return tr("(none)");
    // A value is written as the only element of an array, then unwrapped: "[VALUE]".
    const QByteArray text = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(text.mid(1, text.size() - 2));
}

QString shellQuoted(const QString& word)
{
    static const QRegularExpression plain(u"^[A-Za-z0-9_./:@%+=,-]+$"_s);
    if (plain.match(word).hasMatch())
        return word;
    return u'\'' + QString(word).replace(u"'"_s, u"'\\''"_s) + u'\'';
}

QString tenantNamed(const Tenant& tenant)
{
    return u"“%1” (%2)"_s.arg(tenant.displayName, tenant.slug);
}

QString requiredOption(const Invocation& call, const QString& option, const QString& what)
{
    if (!call.isSet(option))
        throw UsageError{tr("%1 needs --%2 %3.").arg(call.command.join(u' '), option, what)};
    return call.value(option);
}

Environment environmentNamed(Store& store, const Tenant& tenant, const QString& name)
{
    const QList<Environment> environments = await(store.environments(tenant.id));
    QStringList names;
    for (const Environment& environment : environments) {
        if (environment.name == name)
            return environment;
        names << u"“%1”"_s.arg(environment.name);
    }
    throw StoreError(ErrorCode::NotFound, tr("environment: %1 has no environment “%2”; it has %3.")
                                              .arg(tenantNamed(tenant), name, names.isEmpty() ? tr("none") : names.join(u", "_s)))
        .withField(u"environment"_s);
}

} // namespace TenantDesk::Tenantctl
