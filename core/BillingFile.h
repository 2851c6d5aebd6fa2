#pragma once

#include "Billing.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QString>
#include <QStringList>
#include <memory>
#include <optional>

namespace TenantDesk {

// What is wrong with a billing file, where: "focus.csv, line 17, column BilledCost: "12,5" is not
// a number". `line` counts physical lines from 1 (the header is line 1), as an editor shows them.
struct BillingFileError {
    QString file;   // the file name as given
    qint64 line = 0;
    QString column; // the column's name in the file (empty when the whole line or file is wrong)
    QString message;
    QString text() const;
};

// One line of a billing export mapped onto FOCUS columns, ready to be written. Every view is UTF-8
// and stays valid only until the reader's next call to next(). Times are UTC in SqlTime's text form
// ("2024-09-01T00:00:00Z"); amounts are plain decimal text ("-0.000235520300000", never "1E-05");
// tags are a compact JSON object ("{}" when the line has none).
struct BillingRecord {
    QByteArrayView providerName;
    QByteArrayView billingAccountId;
    QByteArrayView subAccountId;
    QByteArrayView subAccountName;
    QByteArrayView billingPeriodStart;
    QByteArrayView billingPeriodEnd;
    QByteArrayView chargePeriodStart;
    QByteArrayView chargePeriodEnd;
    QByteArrayView chargeCategory;
    QByteArrayView serviceName;
    QByteArrayView serviceCategory;
    QByteArrayView regionId;
    QByteArrayView resourceId;
    QByteArrayView billedCost;
    QByteArrayView effectiveCost;
    QByteArrayView listCost;
    QByteArrayView billingCurrency;
    QByteArrayView tags;
    // The values of the tag keys asked for with setWantedTagKeys() that this line has.
    QHash<QString, QString> tagValues;
};

// Streams a billing export: plain CSV, .gz or .zip (one CSV inside), FOCUS 1.0 to 1.3, AWS CUR
// (legacy and 2.0) or Azure cost details (EA and MCA), detected from the header unless a format is
// given. Never holds the whole file in memory. Usage:
//     BillingFileReader reader(path);
//     reader.setWantedTagKeys(attribution.tagKeys());
//     if (!reader.open()) fail(reader.error()->text());
//     BillingRecord record;
//     while (reader.next(record)) write(record);
//     if (reader.error()) fail(reader.error()->text());
class BillingFileReader
{
public:
    explicit BillingFileReader(QString path, BillingFormat format = BillingFormat::Auto);
    ~BillingFileReader();
    BillingFileReader(const BillingFileReader&) = delete;
    BillingFileReader& operator=(const BillingFileReader&) = delete;

    void setWantedTagKeys(const QStringList& keys);

    // Opens the file and reads its header; false with error() set when it cannot be read or its
    // header is no known format (or not the format given).
    bool open();
    // The format given, or the one detected by open().
    BillingFormat format() const;

    // The next line; false at the end of the file, or with error() set when the line is broken.
    bool next(BillingRecord& record);
    const std::optional<BillingFileError>& error() const;

    qint64 linesRead() const;  // data lines returned so far
    // The line of the file (from 1, the header being line 1) that the record next() returned last
    // begins on: for naming a problem found in it later (records may span lines).
    qint64 recordLine() const;
    qint64 bytesRead() const;  // of the file as stored (compressed or not), for progress
    qint64 totalBytes() const;
    // SHA-256 of the file's bytes as stored, once the whole file has been read (empty before).
    QByteArray sha256() const;
    // What the mapping did that a person should know ("289 lines have NULL tags").
    QStringList notes() const;

private:
    class Private;
    std::unique_ptr<Private> d;
};

// The format a header (the first line of a CSV file, without its line break) belongs to, or
// nullopt. Exposed for the import dialog's preview and for tests.
std::optional<BillingFormat> detectBillingFormat(QByteArrayView headerLine);

} // namespace TenantDesk
