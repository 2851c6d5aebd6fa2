#pragma once

// Private to BillingFile.cpp (and its tests): the CSV splitter and the column mappings of each
// billing export format onto FOCUS columns.

#include "BillingFile.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <array>
#include <string>
#include <vector>

namespace TenantDesk {

namespace BillingCsv {

struct Field {
    char* data = nullptr; // into the caller's buffer, unquoted and unescaped in place
    qsizetype size = 0;
    qint32 newlinesBefore = 0; // line breaks inside the record before this field starts
    bool null = false;         // the unquoted literal NULL (read as empty)
    bool escaped = false;      // quoted with doubled quotes inside (unescaped before parse() returns)
};

enum class Result { Record, NeedMore, End, Error };

struct Problem {
    qsizetype consumed = 0; // bytes of the record, its line break and any blank lines before it
    qint64 blankLines = 0;  // blank lines skipped before the record
    qint64 newlines = 0;    // line breaks of the record (Record), or before the error (Error)
    int field = -1;         // Error: the field's index
    QString message;
};

// Splits one RFC 4180 record from [begin, end). NeedMore when the record may continue past `end`
// and `eof` is false; the caller then gives more text from the same `begin`.
Result parse(char* begin, char* end, bool eof, std::vector<Field>& fields, Problem& problem);

} // namespace BillingCsv

std::optional<BillingFormat> detectBillingFormatFromNames(const QList<QByteArray>& names);
QString billingFormatTitle(BillingFormat format);

// Plain decimal text of an amount as exports write it ("+1.5", "1.2E-5", ".5"), exactly; false with
// `why` when it is no number or has more than 18 decimals. `out` gets the text only when it differs
// from the input (`rewritten`).
bool normalizeBillingAmount(QByteArrayView text, std::string& out, bool& rewritten, QString& why);
// A time as exports write it ("2024-09-01 00:00:00", "2024-09-01T00:00:00.000Z", "+02:00" offsets,
// "09/01/2024" US dates) as "2024-09-01T00:00:00Z" (UTC), appended to `out`.
struct BillingTimeInfo {
    bool dateOnly = false;
    bool fraction = false;
    bool offset = false;
};
bool normalizeBillingTime(QByteArrayView text, int addDays, std::string& out, BillingTimeInfo& info, QString& why);
// Tags as a JSON object, as `"k": "v"` pairs without braces, or as `k:v,k2:v2`, appended to `out`
// as compact JSON. The values of `wanted` keys go to `values` (when not null).
bool normalizeBillingTags(QByteArrayView text, std::string& out, const std::vector<QByteArray>& wanted,
                          QHash<QString, QString>* values, QString& why);

class BillingMapping
{
public:
    enum Output {
        ProviderName, BillingAccountId, SubAccountId, SubAccountName, BillingPeriodStart, BillingPeriodEnd,
        ChargePeriodStart, ChargePeriodEnd, ChargeCategory, ServiceName, ServiceCategory, RegionId, ResourceId,
        BilledCost, EffectiveCost, ListCost, BillingCurrency, Tags, OutputCount
    };

    struct Failure {
        int column = 0;
        QString message;
    };

    // Resolves the format's columns in `header`; false with the first missing required column.
    bool prepare(BillingFormat format, const QList<QByteArray>& header, const QStringList& wantedKeys,
                 QString* missing);
    bool map(const std::vector<BillingCsv::Field>& fields, BillingRecord& record, Failure& failure);
    QStringList notes() const;

private:
    enum class Kind : quint8 {
        Constant, Text, Region, Time, TimePlusDay, Amount, AmountOrZero, AmountOrFallback, AmountProduct, CopyOf,
        ChargeAws, ChargeAzure, Category, CategoryDerived, TagsText, TagsColumns
    };
    struct Source {
        Kind kind = Kind::Constant;
        std::array<int, 3> cols{-1, -1, -1};
        QByteArrayView constant;
        int from = -1; // CopyOf
    };
    struct TagColumn {
        int column = -1;
        QByteArray jsonKey; // the key as a JSON string, quotes included
        QString key;
        bool wanted = false;
    };
    struct Span {
        const char* data = nullptr;
        qsizetype size = 0;
        qsizetype offset = -1; // into m_scratch when >= 0
    };

    BillingFormat m_format = BillingFormat::Focus;
    std::array<Source, OutputCount> m_sources{};
    std::vector<TagColumn> m_tagColumns;
    std::vector<QByteArray> m_wanted;
    std::string m_scratch;
    std::array<Span, OutputCount> m_out{};
    QList<QByteArray> m_header;

    // Notes
    QString m_derivedFrom; // the column ServiceCategory is derived from
    qint64 m_nullTags = 0;
    std::array<qint64, OutputCount> m_emptyAmounts{};
    std::array<bool, OutputCount> m_copied{};
    qint64 m_otherCategory = 0;
    qint64 m_unknownCharge = 0;
    QStringList m_unknownChargeValues;
    qint64 m_fractions = 0;
    qint64 m_offsets = 0;
    qint64 m_usDates = 0;
    qint64 m_effectiveFallback = 0;
    std::string m_lastCategoryKey;
    QByteArrayView m_lastCategory;
};

} // namespace TenantDesk
