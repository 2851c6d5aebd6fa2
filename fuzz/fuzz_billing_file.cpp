// Billing exports (FOCUS, AWS CUR, Azure; plain, .gz or .zip) as BillingFileReader reads them for
// the billing import: any bytes either read as lines that keep the reader's promises, or are
// refused with a message, never crash.
#include "BillingFile.h"
#include "Decimal.h"
#include "FuzzSupport.h"

#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>

using namespace TenantDesk;
using namespace Qt::StringLiterals;

namespace {

bool isUtcTime(QByteArrayView t)
{
    return t.size() == 20 && t[4] == '-' && t[7] == '-' && t[10] == 'T' && t[13] == ':' && t[16] == ':' && t[19] == 'Z';
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static QTemporaryDir dir;
    const QString path = dir.filePath(u"fuzz-billing.csv"_s);
    {
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return 0;
        file.write(Fuzz::bytes(data, size));
    }
    BillingFileReader reader(path);
    reader.setWantedTagKeys({u"tenant"_s, u"user:tenant"_s});
    if (!reader.open()) {
        Fuzz::require(reader.error() && !reader.error()->message.isEmpty(), "open() failed without a message");
        return 0;
    }
    BillingRecord record;
    qint64 lines = 0;
    while (reader.next(record)) {
        ++lines;
        for (QByteArrayView amount : {record.billedCost, record.effectiveCost, record.listCost}) {
            DecimalSum sum;
            Fuzz::require(sum.add(QString::fromUtf8(amount)), "an amount that is not plain decimal text");
        }
        for (QByteArrayView time : {record.billingPeriodStart, record.billingPeriodEnd, record.chargePeriodStart,
                                    record.chargePeriodEnd})
            Fuzz::require(isUtcTime(time), "a time not in the form 2024-09-01T00:00:00Z");
        QJsonParseError error;
        const QJsonDocument tags = QJsonDocument::fromJson(record.tags.toByteArray(), &error);
        Fuzz::require(error.error == QJsonParseError::NoError && tags.isObject(), "tags that are not a JSON object");
    }
    Fuzz::require(reader.linesRead() == lines, "linesRead() differs from the lines returned");
    if (reader.error())
        Fuzz::require(!reader.error()->message.isEmpty() && reader.error()->line >= 0, "an error without a message");
    else
        Fuzz::require(reader.sha256().size() == 32, "no SHA-256 after the whole file was read");
    return 0;
}
