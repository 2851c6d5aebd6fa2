#pragma once

#include <QException>
#include <QString>

namespace TenantDesk {

// What kind of failure a store operation met. The UI chooses its wording and the REST API its
// HTTP status from the code; the message is always a sentence a person can act on.
enum class ErrorCode {
    NotFound,    // the object or file does not exist
    Conflict,    // a unique value is taken, or the object changed since it was read
    Forbidden,   // the caller may not do this
    Invalid,     // the input is malformed; the message names the field
    Unavailable, // the database or server cannot be reached, or is locked
    Unsupported, // the data was written by a newer TenantDesk, or is not TenantDesk data
    Corrupt,     // the data is damaged
    Internal,    // a bug: an invariant did not hold
};

QString errorCodeName(ErrorCode code);

// Thrown from store operations; travels through QFuture to the caller's onFailed handler.
class StoreError : public QException
{
public:
    StoreError(ErrorCode code, QString message, QString detail = {});

    ErrorCode code() const noexcept { return m_code; }
    // One sentence for a person: what failed and what to do.
    const QString& message() const noexcept { return m_message; }
    // The underlying cause as the database or network reported it (may be empty).
    const QString& detail() const noexcept { return m_detail; }
    // The input field the error is about, for Invalid ("display_name", "tenant.quotas.cpu_cores").
    const QString& field() const noexcept { return m_field; }
    StoreError& withField(QString field) { m_field = std::move(field); return *this; }
    // message() followed by the detail, for logs and the command line.
    QString fullMessage() const;

    void raise() const override { throw *this; }
    StoreError* clone() const override { return new StoreError(*this); }
    const char* what() const noexcept override { return m_what.constData(); }

private:
    ErrorCode m_code;
    QString m_message;
    QString m_detail;
    QString m_field;
    QByteArray m_what;
};

} // namespace TenantDesk
