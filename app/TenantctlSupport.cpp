#include "TenantctlSupport.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace TenantDesk::Tenantctl {

using namespace Qt::StringLiterals;

QString tr(const char* text)
{
    return QCoreApplication::translate("tenantctl", text);
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

} // namespace TenantDesk::Tenantctl
