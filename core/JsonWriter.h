#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>
#include <string_view>

namespace TenantDesk {

// Writes compact JSON text straight into a byte array, for answers the server sends many times a
// second: no QJsonObject is built on the way (building one costs more than writing the text).
// Keys are ASCII literals; strings are escaped as RFC 8259 requires.
//
//   JsonWriter w;
//   w.beginObject().field("id", 7).field("name", name).endObject();
//   send(w.text());
class JsonWriter
{
public:
    JsonWriter() { m_out.reserve(1024); }

    JsonWriter& beginObject();
    JsonWriter& endObject();
    JsonWriter& beginArray();
    JsonWriter& endArray();
    JsonWriter& key(std::string_view key);

    JsonWriter& null();
    JsonWriter& value(bool value);
    JsonWriter& value(int number) { return value(qint64(number)); }
    JsonWriter& value(qint64 value);
    JsonWriter& value(double value);
    JsonWriter& value(const QString& value);
    JsonWriter& value(const QJsonObject& value);
    JsonWriter& value(const QJsonValue& value);

    // key(k).value(v)
    template<typename T>
    JsonWriter& field(std::string_view k, const T& v)
    {
        key(k);
        return value(v);
    }
    // A number, or null when there is none.
    JsonWriter& field(std::string_view k, const std::optional<int>& v) { key(k); return v ? value(*v) : null(); }
    // An id, or null when 0 (no parent, no environment...).
    JsonWriter& idOrNull(std::string_view k, qint64 id) { key(k); return id == 0 ? null() : value(id); }

    const QByteArray& text() const { return m_out; }
    QByteArray take() { return std::move(m_out); }

private:
    void separate();
    void writeString(const QString& text);

    QByteArray m_out;
    bool m_first = true;    // no value yet in the object or array being written
    bool m_afterKey = false; // the value of a key comes next
};

} // namespace TenantDesk
