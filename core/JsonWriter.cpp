#include "JsonWriter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>

namespace TenantDesk {

void JsonWriter::separate()
{
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (!m_first)
        m_out += ',';
    m_first = false;
}

JsonWriter& JsonWriter::beginObject()
{
    separate();
    m_out += '{';
    m_first = true;
    return *this;
}

JsonWriter& JsonWriter::endObject()
{
    m_out += '}';
    m_first = false;
    return *this;
}

JsonWriter& JsonWriter::beginArray()
{
    separate();
    m_out += '[';
    m_first = true;
    return *this;
}

JsonWriter& JsonWriter::endArray()
{
    m_out += ']';
    m_first = false;
    return *this;
}

JsonWriter& JsonWriter::key(std::string_view key)
{
    separate();
    m_out += '"';
    m_out.append(key.data(), qsizetype(key.size()));
    m_out += "\":";
    m_afterKey = true;
    return *this;
}

JsonWriter& JsonWriter::null()
{
    separate();
    m_out += "null";
    return *this;
}

JsonWriter& JsonWriter::value(bool value)
{
    separate();
    m_out += value ? "true" : "false";
    return *this;
}

JsonWriter& JsonWriter::value(qint64 value)
{
    separate();
    m_out += QByteArray::number(value);
    return *this;
}

JsonWriter& JsonWriter::value(double value)
{
    separate();
    if (!qIsFinite(value))
        m_out += "null"; // as QJsonDocument writes it: JSON has no infinity or NaN
    else
        m_out += QByteArray::number(value, 'g', QLocale::FloatingPointShortest);
    return *this;
}

JsonWriter& JsonWriter::value(const QString& value)
{
    separate();
    writeString(value);
    return *this;
}

JsonWriter& JsonWriter::value(const QJsonObject& value)
{
    separate();
    m_out += QJsonDocument(value).toJson(QJsonDocument::Compact);
    return *this;
}

JsonWriter& JsonWriter::value(const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return null();
    case QJsonValue::Bool:
        return this->value(value.toBool());
    case QJsonValue::Double:
        return this->value(value.toDouble());
    case QJsonValue::String:
        return this->value(value.toString());
    case QJsonValue::Object:
        return this->value(value.toObject());
    case QJsonValue::Array:
        separate();
        m_out += QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
        return *this;
    }
    return null();
}

void JsonWriter::writeString(const QString& text)
{
    static const char hex[] = "0123456789abcdef";
    const QByteArray utf8 = text.toUtf8();
    m_out += '"';
    for (const char c : utf8) {
        const auto byte = static_cast<unsigned char>(c);
        switch (c) {
        case '"': m_out += "\\\""; break;
        case '\\': m_out += "\\\\"; break;
        case '\n': m_out += "\\n"; break;
        case '\r': m_out += "\\r"; break;
        case '\t': m_out += "\\t"; break;
        case '\b': m_out += "\\b"; break;
        case '\f': m_out += "\\f"; break;
        default:
            if (byte < 0x20) {
                m_out += "\\u00";
                m_out += hex[byte >> 4];
                m_out += hex[byte & 0xf];
            } else {
                m_out += c;
            }
        }
    }
    m_out += '"';
}

} // namespace TenantDesk
