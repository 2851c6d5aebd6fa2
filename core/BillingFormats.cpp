#include "BillingFormats.h"

#include <QCoreApplication>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <cstring>

using namespace Qt::StringLiterals;

namespace TenantDesk {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("BillingFile", text);
}

QString quoted(QByteArrayView text)
{
    constexpr qsizetype shown = 60;
    const QString s = QString::fromUtf8(text.first(std::min(text.size(), shown)));
    return u"“"_s + s + (text.size() > shown ? u"…”"_s : u"”"_s);
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? char(c + 32) : c;
}

bool equalsCi(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i]))
            return false;
    }
    return true;
}

QByteArrayView trimmed(QByteArrayView v)
{
    while (!v.isEmpty() && (v.front() == ' ' || v.front() == '\t'))
        v = v.sliced(1);
    while (!v.isEmpty() && (v.back() == ' ' || v.back() == '\t'))
        v.chop(1);
    return v;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// CSV

namespace BillingCsv {

Result parse(char* begin, char* end, bool eof, std::vector<Field>& fields, Problem& problem)
{
    // The vector keeps its elements between records: fields are written in place and the vector
    // is cut to the record's count at the end (push_back is a measurable cost at 44 fields a line).
    size_t count = 0;
    const auto add = [&fields, &count](const Field& f) {
        if (count == fields.size())
            fields.resize(count < 32 ? 64 : count * 2);
        fields[count++] = f;
    };
    char* p = begin;
    qint64 blank = 0;
    for (;;) {
        if (p == end) {
            if (!eof)
                return Result::NeedMore;
            problem.consumed = p - begin;
            problem.blankLines = blank;
            return Result::End;
        }
        if (*p == '\n') {
            ++p;
            ++blank;
            continue;
        }
        if (*p == '\r') {
            if (p + 1 == end && !eof)
                return Result::NeedMore;
            p += (p + 1 < end && p[1] == '\n') ? 2 : 1;
            ++blank;
            continue;
        }
        break;
    }
    problem.blankLines = blank;
    qint64 nl = 0;
    bool anyEscaped = false;
    const auto fail = [&](qint64 newlines, int field, QString message) {
        problem.newlines = newlines;
        problem.field = field;
        problem.message = std::move(message);
        return Result::Error;
    };
    for (;;) {
        Field f;
        f.newlinesBefore = qint32(nl);
        if (p == end) {
            if (!eof)
                return Result::NeedMore;
            f.data = p;
            add(f);
            break;
        }
        if (*p == '"') {
            char* q = p + 1;
            bool escaped = false;
            for (;;) {
                char* r = static_cast<char*>(std::memchr(q, '"', size_t(end - q)));
                char* stop = r ? r : end;
                for (char* s = q; s < stop; ++s) {
                    s = static_cast<char*>(std::memchr(s, '\n', size_t(stop - s)));
                    if (!s)
                        break;
                    ++nl;
                }
                if (!r) {
                    if (!eof)
                        return Result::NeedMore;
                    return fail(f.newlinesBefore, int(count),
                                tr("the quoted value that starts here is not closed before the end of the file"));
                }
                if (r + 1 == end && !eof)
                    return Result::NeedMore;
                if (r + 1 < end && r[1] == '"') {
                    escaped = true;
                    q = r + 2;
                    continue;
                }
                f.data = p + 1;
                f.size = r - (p + 1);
                p = r + 1;
                break;
            }
            f.escaped = escaped;
            anyEscaped |= escaped;
            add(f);
            if (p == end) {
                if (!eof)
                    return Result::NeedMore;
                break;
            }
            if (*p == ',') {
                ++p;
                continue;
            }
            if (*p == '\n') {
                ++p;
                ++nl;
                break;
            }
            if (*p == '\r') {
                if (p + 1 == end && !eof)
                    return Result::NeedMore;
                p += (p + 1 < end && p[1] == '\n') ? 2 : 1;
                ++nl;
                break;
            }
            return fail(nl, int(count) - 1,
                        tr("text follows the closing quote of a quoted value (a quote inside a value must be doubled)"));
        }
        char* q = p;
        while (q < end) {
            const char c = *q;
            if (c == ',' || c == '\n' || c == '\r' || c == '"')
                break;
            ++q;
        }
        if (q == end && !eof)
            return Result::NeedMore;
        if (q < end && *q == '"')
            return fail(nl, int(count),
                        tr("a quote inside a value that does not start with a quote"));
        f.data = p;
        f.size = q - p;
        if (f.size == 4 && std::memcmp(p, "NULL", 4) == 0) {
            f.null = true;
            f.size = 0;
        }
        add(f);
        if (q == end) {
            p = q;
            break;
        }
        if (*q == ',') {
            p = q + 1;
            continue;
        }
        if (*q == '\n') {
            p = q + 1;
            ++nl;
            break;
        }
        if (q + 1 == end && !eof)
            return Result::NeedMore;
        p = q + ((q + 1 < end && q[1] == '\n') ? 2 : 1);
        ++nl;
        break;
    }
    fields.resize(count);
    if (anyEscaped) {
        for (size_t i = 0; i < count; ++i) {
            Field& f = fields[i];
            if (!f.escaped)
                continue;
            char* w = f.data;
            for (char* r = f.data; r < f.data + f.size;) {
                *w++ = *r;
                r += *r == '"' ? 2 : 1;
            }
            f.size = w - f.data;
        }
    }
    problem.consumed = p - begin;
    problem.newlines = nl;
    return Result::Record;
}

} // namespace BillingCsv

// ---------------------------------------------------------------------------------------------
// Formats

std::optional<BillingFormat> detectBillingFormatFromNames(const QList<QByteArray>& names)
{
    const auto has = [&names](QByteArrayView name) {
        return std::any_of(names.cbegin(), names.cend(), [name](const QByteArray& n) { return n == name; });
    };
    const auto hasCi = [&names](QByteArrayView name) {
        return std::any_of(names.cbegin(), names.cend(), [name](const QByteArray& n) { return equalsCi(n, name); });
    };
    if (hasCi("lineItem/UnblendedCost") || hasCi("identity/LineItemId"))
        return BillingFormat::AwsCur;
    if (hasCi("line_item_unblended_cost"))
        return BillingFormat::AwsCur2;
    if (hasCi("BilledCost") && hasCi("ChargePeriodStart"))
        return BillingFormat::Focus;
    if (hasCi("CostInBillingCurrency") || (hasCi("MeterCategory") && hasCi("ChargeType"))) {
        // Both schemas have invoice sections and billing profiles; only EA names the enrollment
        // account's owner, and EA writes its names in PascalCase where MCA writes camelCase.
        if (hasCi("AccountOwnerId") || has("CostInBillingCurrency"))
            return BillingFormat::AzureEa;
        return BillingFormat::AzureMca;
    }
    return std::nullopt;
}

QString billingFormatTitle(BillingFormat format)
{
    switch (format) {
    case BillingFormat::Auto: return tr("billing export");
    case BillingFormat::Focus: return tr("FOCUS");
    case BillingFormat::AwsCur: return tr("AWS Cost and Usage Report");
    case BillingFormat::AwsCur2: return tr("AWS CUR 2.0");
    case BillingFormat::AzureEa: return tr("Azure cost details (EA)");
    case BillingFormat::AzureMca: return tr("Azure cost details (MCA)");
    }
    return {};
}

// ---------------------------------------------------------------------------------------------
// Values

bool normalizeBillingAmount(QByteArrayView text, std::string& out, bool& rewritten, QString& why)
{
    constexpr qsizetype maxWholeDigits = 18;
    rewritten = false;
    // The common case: [-]digits[.digits], at most 18 digits before the point and 18 after it,
    // passed through as it stands. (The store sums amounts exactly below 10^18 each: see Decimal.)
    {
        qsizetype i = 0;
        const qsizetype n = text.size();
        if (i < n && text[i] == '-')
            ++i;
        const qsizetype wholeStart = i;
        while (i < n && isDigit(text[i]))
            ++i;
        const qsizetype whole = i - wholeStart;
        qsizetype decimals = -1;
        if (i < n && text[i] == '.') {
            const qsizetype start = ++i;
            while (i < n && isDigit(text[i]))
                ++i;
            decimals = i - start;
        }
        if (i == n && whole > 0 && whole <= maxWholeDigits && decimals != 0 && decimals <= 18)
            return true;
    }
    const QByteArrayView t = trimmed(text);
    qsizetype i = 0;
    bool negative = false;
    if (i < t.size() && (t[i] == '-' || t[i] == '+'))
        negative = t[i++] == '-';
    std::string digits;
    qsizetype wholeDigits = 0;
    bool point = false;
    for (; i < t.size(); ++i) {
        const char c = t[i];
        if (isDigit(c)) {
            digits.push_back(c);
            if (!point)
                ++wholeDigits;
        } else if (c == '.' && !point) {
            point = true;
        } else {
            break;
        }
    }
    int exponent = 0;
    if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
        ++i;
        bool expNegative = false;
        if (i < t.size() && (t[i] == '-' || t[i] == '+'))
            expNegative = t[i++] == '-';
        int expDigits = 0;
        for (; i < t.size() && isDigit(t[i]); ++i) {
            if (++expDigits > 3)
                break;
            exponent = exponent * 10 + (t[i] - '0');
        }
        if (expDigits == 0 || expDigits > 3) {
            why = tr("%1 is not a number").arg(quoted(text));
            return false;
        }
        if (expNegative)
            exponent = -exponent;
    }
    if (digits.empty() || i != t.size()) {
        why = tr("%1 is not a number").arg(quoted(text));
        return false;
    }
    // Place the decimal point `exponent` digits further right.
    const qsizetype pointAt = wholeDigits + exponent;
    std::string whole;
    std::string fraction;
    if (pointAt <= 0) {
        whole = "0";
        fraction = std::string(size_t(-pointAt), '0') + digits;
    } else if (pointAt >= qsizetype(digits.size())) {
        whole = digits + std::string(size_t(pointAt - qsizetype(digits.size())), '0');
    } else {
        whole = digits.substr(0, size_t(pointAt));
        fraction = digits.substr(size_t(pointAt));
    }
    const size_t firstNonZero = whole.find_first_not_of('0');
    whole = firstNonZero == std::string::npos ? std::string("0") : whole.substr(firstNonZero);
    while (fraction.size() > 18 && fraction.back() == '0')
        fraction.pop_back();
    if (fraction.size() > 18) {
        why = tr("%1 has more than 18 decimals").arg(quoted(text));
        return false;
    }
    if (whole.size() > size_t(maxWholeDigits)) {
        why = tr("%1 is too large for an amount").arg(quoted(text));
        return false;
    }
    if (negative)
        out.push_back('-');
    out += whole;
    if (!fraction.empty()) {
        out.push_back('.');
        out += fraction;
    }
    rewritten = true;
    return true;
}

namespace {

qint64 daysFromCivil(int y, int m, int d)
{
    y -= m <= 2;
    const qint64 era = (y >= 0 ? y : y - 399) / 400;
    const qint64 yoe = y - era * 400;
    const qint64 doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const qint64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void civilFromDays(qint64 z, int& y, int& m, int& d)
{
    z += 719468;
    const qint64 era = (z >= 0 ? z : z - 146096) / 146097;
    const qint64 doe = z - era * 146097;
    const qint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const qint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const qint64 mp = (5 * doy + 2) / 153;
    d = int(doy - (153 * mp + 2) / 5 + 1);
    m = int(mp < 10 ? mp + 3 : mp - 9);
    y = int(yoe + era * 400 + (m <= 2));
}

int daysInMonth(int y, int m)
{
    static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return days[m - 1];
}

// Digits at [at, at + count) as a number, or -1.
int number(QByteArrayView t, qsizetype at, qsizetype count)
{
    if (at + count > t.size())
        return -1;
    int value = 0;
    for (qsizetype i = at; i < at + count; ++i) {
        if (!isDigit(t[i]))
            return -1;
        value = value * 10 + (t[i] - '0');
    }
    return value;
}

void put(std::string& out, int value, int width)
{
    char digits[8];
    for (int i = width - 1; i >= 0; --i, value /= 10)
        digits[i] = char('0' + value % 10);
    out.append(digits, size_t(width));
}

} // namespace

bool normalizeBillingTime(QByteArrayView text, int addDays, std::string& out, BillingTimeInfo& info, QString& why)
{
    // The common cases, "2024-09-01 00:00:00" and "2024-09-01T00:00:00Z", copied as they stand.
    if ((text.size() == 19 || (text.size() == 20 && text[19] == 'Z')) && addDays == 0
        && (text[10] == ' ' || text[10] == 'T') && text[4] == '-' && text[7] == '-' && text[13] == ':'
        && text[16] == ':') {
        const char* p = text.data();
        bool digits = true;
        for (int i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18})
            digits &= isDigit(p[i]);
        const int mo = (p[5] - '0') * 10 + (p[6] - '0');
        const int d = (p[8] - '0') * 10 + (p[9] - '0');
        const int y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
        if (digits && y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo)
            && (p[11] - '0') * 10 + (p[12] - '0') <= 23 && p[14] <= '5' && p[17] <= '5') {
            info = {};
            const size_t at = out.size();
            out.append(p, 19);
            out[at + 10] = 'T';
            out.push_back('Z');
            return true;
        }
    }
    const QByteArrayView t = trimmed(text);
    const auto bad = [&] {
        why = tr("%1 is not a date and time (expected 2024-09-01T00:00:00Z, 2024-09-01 00:00:00 or 09/01/2024)")
                  .arg(quoted(text));
        return false;
    };
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, offsetMinutes = 0;
    qsizetype pos = 0;
    info = {};
    const auto parseClock = [&]() -> bool {
        // H[H]:MM[:SS][.fff]
        qsizetype hourDigits = (pos + 1 < t.size() && isDigit(t[pos + 1])) ? 2 : 1;
        h = number(t, pos, hourDigits);
        pos += hourDigits;
        if (h < 0 || pos >= t.size() || t[pos] != ':')
            return false;
        mi = number(t, pos + 1, 2);
        pos += 3;
        if (mi < 0)
            return false;
        if (pos < t.size() && t[pos] == ':') {
            s = number(t, pos + 1, 2);
            pos += 3;
            if (s < 0)
                return false;
        }
        if (pos < t.size() && (t[pos] == '.' || t[pos] == ',')) {
            const qsizetype start = ++pos;
            while (pos < t.size() && isDigit(t[pos]))
                ++pos;
            if (pos == start)
                return false;
            info.fraction = true;
        }
        return true;
    };
    if (t.size() >= 8 && (t[1] == '/' || t[2] == '/')) {
        // US: M/D/YYYY [H:MM[:SS] [AM|PM]]
        const qsizetype mDigits = t[1] == '/' ? 1 : 2;
        mo = number(t, 0, mDigits);
        pos = mDigits + 1;
        const qsizetype dDigits = (pos + 1 < t.size() && t[pos + 1] == '/') ? 1 : 2;
        d = number(t, pos, dDigits);
        pos += dDigits;
        if (mo < 0 || d < 0 || pos >= t.size() || t[pos] != '/')
            return bad();
        y = number(t, pos + 1, 4);
        pos += 5;
        if (y < 0)
            return bad();
        info.dateOnly = true;
        if (pos < t.size() && t[pos] == ' ') {
            ++pos;
            if (!parseClock())
                return bad();
            info.dateOnly = false;
            if (pos + 3 == t.size() && t[pos] == ' ') {
                const char a = lower(t[pos + 1]);
                if ((a != 'a' && a != 'p') || lower(t[pos + 2]) != 'm' || h < 1 || h > 12)
                    return bad();
                h = h % 12 + (a == 'p' ? 12 : 0);
                pos += 3;
            }
        }
    } else {
        if (t.size() < 10 || t[4] != '-' || t[7] != '-')
            return bad();
        y = number(t, 0, 4);
        mo = number(t, 5, 2);
        d = number(t, 8, 2);
        if (y < 0 || mo < 0 || d < 0)
            return bad();
        pos = 10;
        info.dateOnly = true;
        if (pos < t.size() && (t[pos] == 'T' || t[pos] == ' ' || t[pos] == 't')) {
            ++pos;
            if (!parseClock())
                return bad();
            info.dateOnly = false;
        }
        if (pos < t.size() && (t[pos] == 'Z' || t[pos] == 'z')) {
            ++pos;
        } else if (pos < t.size() && (t[pos] == '+' || t[pos] == '-')) {
            const int sign = t[pos] == '-' ? -1 : 1;
            const int oh = number(t, pos + 1, 2);
            pos += 3;
            int om = 0;
            if (pos < t.size() && t[pos] == ':')
                ++pos;
            if (pos < t.size()) {
                om = number(t, pos, 2);
                pos += 2;
            }
            if (oh < 0 || oh > 23 || om < 0 || om > 59)
                return bad();
            offsetMinutes = sign * (oh * 60 + om);
            info.offset = offsetMinutes != 0;
        } else if (pos + 4 == t.size() && equalsCi(t.sliced(pos), " UTC")) {
            pos += 4;
        }
    }
    if (pos != t.size())
        return bad();
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) {
        why = tr("%1 is not a valid date and time").arg(quoted(text));
        return false;
    }
    if (addDays != 0 || offsetMinutes != 0) {
        qint64 minutes = (daysFromCivil(y, mo, d) + addDays) * 1440 + h * 60 + mi - offsetMinutes;
        const qint64 days = minutes >= 0 ? minutes / 1440 : (minutes - 1439) / 1440;
        minutes -= days * 1440;
        civilFromDays(days, y, mo, d);
        h = int(minutes / 60);
        mi = int(minutes % 60);
        if (y < 1 || y > 9999)
            return bad();
    }
    put(out, y, 4);
    out.push_back('-');
    put(out, mo, 2);
    out.push_back('-');
    put(out, d, 2);
    out.push_back('T');
    put(out, h, 2);
    out.push_back(':');
    put(out, mi, 2);
    out.push_back(':');
    put(out, s, 2);
    out.push_back('Z');
    return true;
}

namespace {

void appendJsonString(std::string& out, QByteArrayView text)
{
    out.push_back('"');
    for (char c : text) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (uchar(c) < 0x20) {
                static constexpr char hex[] = "0123456789abcdef";
                out += "\\u00";
                out.push_back(hex[uchar(c) >> 4]);
                out.push_back(hex[uchar(c) & 15]);
            } else {
                out.push_back(c);
            }
        }
    }
    out.push_back('"');
}

QString decodeJsonString(QByteArrayView quotedText)
{
    const QByteArray doc = '[' + quotedText.toByteArray() + ']';
    return QJsonDocument::fromJson(doc).array().at(0).toString();
}

// Validates JSON and writes it without insignificant white space.
class CompactJson
{
public:
    CompactJson(QByteArrayView text, std::string& out) : m_p(text.data()), m_e(text.data() + text.size()), m_out(out) {}

    const char* m_p;
    const char* m_e;
    std::string& m_out;
    QString m_why;

    bool failWith(const char* text)
    {
        if (m_why.isEmpty())
            m_why = tr(text);
        return false;
    }

    void ws()
    {
        while (m_p < m_e && (*m_p == ' ' || *m_p == '\t' || *m_p == '\n' || *m_p == '\r'))
            ++m_p;
    }

    // At a quote: the string, copied; `begin`/`end` span it with its quotes.
    bool string(const char** begin, const char** end, bool* escaped)
    {
        *begin = m_p;
        const char* p = m_p + 1;
        for (;;) {
            const char* r = p;
            while (r < m_e && *r != '"' && *r != '\\' && uchar(*r) >= 0x20)
                ++r;
            if (r >= m_e)
                return failWith("a text in the tags is not closed");
            if (*r == '"') {
                p = r + 1;
                break;
            }
            if (*r == '\\') {
                *escaped = true;
                if (r + 1 >= m_e)
                    return failWith("a text in the tags is not closed");
                const char n = r[1];
                if (n == 'u') {
                    const int unit = hex4(r + 2);
                    if (unit < 0)
                        return failWith("a \\u escape in the tags is not four hex digits");
                    // Text a JSON reader (Qt's, PostgreSQL's jsonb) takes: no NUL character and
                    // no half of a surrogate pair.
                    if (unit == 0)
                        return failWith("a \\u0000 (NUL character) in the tags");
                    if (unit >= 0xDC00 && unit <= 0xDFFF)
                        return failWith("a \\u escape in the tags is the second half of a character without its first");
                    if (unit >= 0xD800 && unit <= 0xDBFF) {
                        const int low = r + 7 < m_e && r[6] == '\\' && r[7] == 'u' ? hex4(r + 8) : -1;
                        if (low < 0xDC00 || low > 0xDFFF)
                            return failWith("a \\u escape in the tags is the first half of a character without its second");
                        p = r + 12;
                    } else {
                        p = r + 6;
                    }
                } else if (std::strchr("\"\\/bfnrt", n) && n) {
                    p = r + 2;
                } else {
                    return failWith("a backslash in the tags starts no valid escape");
                }
                continue;
            }
            return failWith("a control character inside a text in the tags");
        }
        m_out.append(m_p, size_t(p - m_p));
        m_p = p;
        *end = p;
        return true;
    }

    bool literal(const char* word)
    {
        const size_t n = std::strlen(word);
        if (size_t(m_e - m_p) < n || std::memcmp(m_p, word, n) != 0)
            return failWith("the tags are not valid JSON");
        m_out.append(word, n);
        m_p += n;
        return true;
    }

    // The four hex digits at `p` as a number, or -1.
    int hex4(const char* p) const
    {
        int unit = 0;
        for (int i = 0; i < 4; ++i) {
            if (p + i >= m_e || !std::isxdigit(uchar(p[i])))
                return -1;
            const char c = lower(p[i]);
            unit = unit * 16 + (isDigit(c) ? c - '0' : c - 'a' + 10);
        }
        return unit;
    }

    // At least one digit; false when there is none.
    bool digits()
    {
        const char* first = m_p;
        while (m_p < m_e && isDigit(*m_p))
            ++m_p;
        return m_p != first;
    }

    // A number as JSON writes it (RFC 8259: no leading zero, digits after the point and in the
    // exponent), and one a double holds: 1e999 and 1e-999 are refused as JSON readers refuse them.
    bool numberValue()
    {
        const char* s = m_p;
        if (m_p < m_e && *m_p == '-')
            ++m_p;
        if (m_p < m_e && *m_p == '0') {
            ++m_p;
            if (m_p < m_e && isDigit(*m_p))
                return failWith("a number in the tags starts with a zero");
        } else if (!digits()) {
            return failWith("the tags are not valid JSON");
        }
        if (m_p < m_e && *m_p == '.') {
            ++m_p;
            if (!digits())
                return failWith("a number in the tags has no digit after its decimal point");
        }
        if (m_p < m_e && (*m_p == 'e' || *m_p == 'E')) {
            ++m_p;
            if (m_p < m_e && (*m_p == '+' || *m_p == '-'))
                ++m_p;
            if (!digits())
                return failWith("a number in the tags has no digit in its exponent");
        }
        const std::string number(s, size_t(m_p - s));
        errno = 0;
        const double parsed = std::strtod(number.c_str(), nullptr);
        if (!std::isfinite(parsed) || errno == ERANGE)
            return failWith("a number in the tags is too large or too small for a JSON reader");
        m_out.append(s, size_t(m_p - s));
        return true;
    }

    bool value(int depth)
    {
        ws();
        if (m_p >= m_e)
            return failWith("the tags end where a value was expected");
        if (depth > 32)
            return failWith("the tags are nested too deeply");
        const char c = *m_p;
        if (c == '{') {
            ++m_p;
            m_out.push_back('{');
            if (!members(depth + 1, true, nullptr, nullptr))
                return false;
            m_out.push_back('}');
            return true;
        }
        if (c == '[') {
            ++m_p;
            m_out.push_back('[');
            ws();
            if (m_p < m_e && *m_p == ']') {
                ++m_p;
                m_out.push_back(']');
                return true;
            }
            for (;;) {
                if (!value(depth + 1))
                    return false;
                ws();
                if (m_p < m_e && *m_p == ',') {
                    ++m_p;
                    m_out.push_back(',');
                    continue;
                }
                if (m_p < m_e && *m_p == ']') {
                    ++m_p;
                    m_out.push_back(']');
                    return true;
                }
                return failWith("the tags are not valid JSON");
            }
        }
        if (c == '"') {
            const char* b = nullptr;
            const char* e = nullptr;
            bool escaped = false;
            return string(&b, &e, &escaped);
        }
        if (c == 't')
            return literal("true");
        if (c == 'f')
            return literal("false");
        if (c == 'n')
            return literal("null");
        return numberValue();
    }

    // Members up to the closing brace (braced) or the end of the text; for the top level, the
    // values of wanted keys go to `values`.
    bool members(int depth, bool braced, const std::vector<QByteArray>* wanted, QHash<QString, QString>* values)
    {
        ws();
        if (braced && m_p < m_e && *m_p == '}') {
            ++m_p;
            return true;
        }
        if (!braced && m_p == m_e)
            return true;
        for (;;) {
            ws();
            if (m_p >= m_e || *m_p != '"')
                return braced ? failWith("the tags are not valid JSON: a key in quotes was expected")
                              : failWith("the tags are not valid: a key in quotes was expected");
            const char* keyBegin = nullptr;
            const char* keyEnd = nullptr;
            bool keyEscaped = false;
            if (!string(&keyBegin, &keyEnd, &keyEscaped))
                return false;
            ws();
            if (m_p >= m_e || *m_p != ':')
                return failWith("the tags are not valid JSON: a colon was expected after a key");
            ++m_p;
            m_out.push_back(':');
            ws();
            const size_t valueAt = m_out.size();
            if (!value(depth))
                return false;
            if (wanted && values) {
                const QByteArrayView key(keyBegin + 1, keyEnd - keyBegin - 2);
                for (const QByteArray& w : *wanted) {
                    if (keyEscaped ? decodeJsonString(QByteArrayView(keyBegin, keyEnd - keyBegin)).toUtf8() != w : key != w)
                        continue;
                    const QByteArrayView v(m_out.data() + valueAt, qsizetype(m_out.size() - valueAt));
                    if (v.startsWith('"')) {
                        const QByteArrayView inner = v.sliced(1, v.size() - 2);
                        values->insert(QString::fromUtf8(w),
                                       inner.contains('\\') ? decodeJsonString(v) : QString::fromUtf8(inner));
                    } else if (v != "null") {
                        values->insert(QString::fromUtf8(w), QString::fromUtf8(v));
                    }
                    break;
                }
            }
            ws();
            if (m_p < m_e && *m_p == ',') {
                ++m_p;
                m_out.push_back(',');
                continue;
            }
            if (braced && m_p < m_e && *m_p == '}') {
                ++m_p;
                return true;
            }
            if (!braced && m_p == m_e)
                return true;
            return braced ? failWith("the tags are not valid JSON: a comma or a closing brace was expected")
                          : failWith("the tags are not valid: a comma was expected between pairs");
        }
    }
};

} // namespace

bool normalizeBillingTags(QByteArrayView text, std::string& out, const std::vector<QByteArray>& wanted,
                          QHash<QString, QString>* values, QString& why)
{
    const QByteArrayView t = trimmed(text);
    if (t.isEmpty() || t == "{}") {
        out += "{}";
        return true;
    }
    const size_t start = out.size();
    if (t.front() == '{' || t.front() == '"') {
        CompactJson json(t, out);
        bool ok = false;
        out.push_back('{');
        if (t.front() == '{') {
            ++json.m_p;
            ok = json.members(1, true, &wanted, values);
            json.ws();
            if (ok && json.m_p != json.m_e)
                ok = json.failWith("text follows the tags' closing brace");
        } else {
            ok = json.members(1, false, &wanted, values);
        }
        out.push_back('}');
        if (!ok) {
            out.resize(start);
            why = tr("%1: %2").arg(quoted(text), json.m_why);
            return false;
        }
        return true;
    }
    // key:value pairs separated by commas (or semicolons).
    out.push_back('{');
    bool firstPair = true;
    QByteArrayView rest = t;
    while (!rest.isEmpty()) {
        qsizetype cut = 0;
        while (cut < rest.size() && rest[cut] != ',' && rest[cut] != ';')
            ++cut;
        const QByteArrayView item = trimmed(rest.first(cut));
        rest = cut < rest.size() ? rest.sliced(cut + 1) : QByteArrayView();
        if (item.isEmpty())
            continue;
        qsizetype colon = item.indexOf(':');
        if (colon < 0)
            colon = item.indexOf('=');
        const QByteArrayView key = colon < 0 ? QByteArrayView() : trimmed(item.first(colon));
        if (key.isEmpty()) {
            out.resize(start);
            why = tr("%1: the tag %2 is not written as key:value").arg(quoted(text), quoted(item));
            return false;
        }
        const QByteArrayView value = trimmed(item.sliced(colon + 1));
        if (!firstPair)
            out.push_back(',');
        firstPair = false;
        appendJsonString(out, key);
        out.push_back(':');
        appendJsonString(out, value);
        if (values) {
            for (const QByteArray& w : wanted) {
                if (key == w) {
                    values->insert(QString::fromUtf8(w), QString::fromUtf8(value));
                    break;
                }
            }
        }
    }
    out.push_back('}');
    return true;
}

// ---------------------------------------------------------------------------------------------
// Mapping

namespace {

struct CategoryEntry {
    const char* key;
    const char* category;
};

// ServiceCategory (FOCUS 1.0 values) for the services of AWS (product codes and names) and Azure
// (meter categories) seen most often; anything else is Other.
constexpr CategoryEntry categories[] = {
    {"AmazonEC2", "Compute"}, {"Amazon Elastic Compute Cloud", "Compute"}, {"AWSLambda", "Compute"},
    {"AWS Lambda", "Compute"}, {"AmazonECS", "Compute"}, {"Amazon Elastic Container Service", "Compute"},
    {"AmazonEKS", "Compute"}, {"Amazon Elastic Container Service for Kubernetes", "Compute"},
    {"AmazonECR", "Compute"}, {"AmazonLightsail", "Compute"},
    {"AmazonS3", "Storage"}, {"Amazon Simple Storage Service", "Storage"}, {"AmazonEFS", "Storage"},
    {"Amazon Elastic File System", "Storage"}, {"AmazonGlacier", "Storage"}, {"AWSBackup", "Storage"},
    {"AWS Backup", "Storage"}, {"AmazonFSx", "Storage"},
    {"AmazonRDS", "Databases"}, {"Amazon Relational Database Service", "Databases"},
    {"AmazonDynamoDB", "Databases"}, {"Amazon DynamoDB", "Databases"}, {"AmazonElastiCache", "Databases"},
    {"Amazon ElastiCache", "Databases"}, {"AmazonDocDB", "Databases"}, {"AmazonNeptune", "Databases"},
    {"AmazonRedshift", "Analytics"}, {"Amazon Redshift", "Analytics"}, {"AmazonAthena", "Analytics"},
    {"AWSGlue", "Analytics"}, {"AmazonKinesis", "Analytics"}, {"AmazonES", "Analytics"},
    {"AmazonVPC", "Networking"}, {"Amazon Virtual Private Cloud", "Networking"}, {"AmazonCloudFront", "Networking"},
    {"Amazon CloudFront", "Networking"}, {"AmazonRoute53", "Networking"}, {"Amazon Route 53", "Networking"},
    {"AWSELB", "Networking"}, {"Elastic Load Balancing", "Networking"}, {"AWSDataTransfer", "Networking"},
    {"AWS Data Transfer", "Networking"}, {"AmazonApiGateway", "Networking"},
    {"AmazonCloudWatch", "Management and Governance"}, {"Amazon CloudWatch", "Management and Governance"},
    {"AWSCloudTrail", "Management and Governance"}, {"AWSConfig", "Management and Governance"},
    {"AWSCostExplorer", "Management and Governance"}, {"AWSSystemsManager", "Management and Governance"},
    {"AWSQueueService", "Integration"}, {"Amazon Simple Queue Service", "Integration"}, {"AmazonSNS", "Integration"},
    {"Amazon Simple Notification Service", "Integration"}, {"AWSEvents", "Integration"}, {"AmazonMQ", "Integration"},
    {"AmazonSageMaker", "AI and Machine Learning"}, {"Amazon SageMaker", "AI and Machine Learning"},
    {"AmazonBedrock", "AI and Machine Learning"}, {"Amazon Bedrock", "AI and Machine Learning"},
    {"awskms", "Security"}, {"AWS Key Management Service", "Security"}, {"AWSSecretsManager", "Security"},
    {"AmazonGuardDuty", "Security"}, {"AWSSecurityHub", "Security"}, {"awswaf", "Security"},
    {"AmazonCognito", "Identity"},
    // Azure meter categories
    {"Virtual Machines", "Compute"}, {"Virtual Machines Licenses", "Compute"}, {"Functions", "Compute"},
    {"Container Instances", "Compute"}, {"Azure Kubernetes Service", "Compute"}, {"Container Registry", "Compute"},
    {"Azure App Service", "Web"}, {"Static Web Apps", "Web"},
    {"Storage", "Storage"}, {"Backup", "Storage"}, {"Azure NetApp Files", "Storage"},
    {"Bandwidth", "Networking"}, {"Virtual Network", "Networking"}, {"Load Balancer", "Networking"},
    {"Azure DNS", "Networking"}, {"Application Gateway", "Networking"}, {"VPN Gateway", "Networking"},
    {"Azure Front Door Service", "Networking"}, {"Content Delivery Network", "Networking"},
    {"Network Watcher", "Networking"}, {"Azure Firewall", "Networking"}, {"ExpressRoute", "Networking"},
    {"SQL Database", "Databases"}, {"SQL Managed Instance", "Databases"}, {"Azure Cosmos DB", "Databases"},
    {"Azure Database for PostgreSQL", "Databases"}, {"Azure Database for MySQL", "Databases"},
    {"Redis Cache", "Databases"}, {"Azure Cache for Redis", "Databases"},
    {"Azure Monitor", "Management and Governance"}, {"Log Analytics", "Management and Governance"},
    {"Insight and Analytics", "Management and Governance"}, {"Automation", "Management and Governance"},
    {"Key Vault", "Security"}, {"Microsoft Defender for Cloud", "Security"}, {"Sentinel", "Security"},
    {"Service Bus", "Integration"}, {"Event Grid", "Integration"}, {"Event Hubs", "Integration"},
    {"Logic Apps", "Integration"}, {"API Management", "Integration"},
    {"Cognitive Services", "AI and Machine Learning"}, {"Azure OpenAI Service", "AI and Machine Learning"},
    {"Azure Machine Learning", "AI and Machine Learning"}, {"Foundry Models", "AI and Machine Learning"},
    {"Azure Synapse Analytics", "Analytics"}, {"Azure Databricks", "Analytics"}, {"Azure Data Factory v2", "Analytics"},
    {"Azure Data Explorer", "Analytics"},
};

QByteArrayView awsChargeCategory(QByteArrayView type)
{
    static constexpr CategoryEntry map[] = {
        {"Usage", "Usage"}, {"DiscountedUsage", "Usage"}, {"SavingsPlanCoveredUsage", "Usage"},
        {"Tax", "Tax"}, {"Credit", "Credit"}, {"Refund", "Credit"},
        {"Fee", "Purchase"}, {"RIFee", "Purchase"}, {"SavingsPlanRecurringFee", "Purchase"},
        {"SavingsPlanUpfrontFee", "Purchase"},
        {"SavingsPlanNegation", "Credit"}, {"EdpDiscount", "Credit"}, {"BundledDiscount", "Credit"},
        {"PrivateRateDiscount", "Credit"}, {"Discount", "Credit"}, {"DistributorDiscount", "Credit"},
        {"TieredDiscount", "Credit"}, {"FreeTierDiscount", "Credit"},
    };
    for (const CategoryEntry& e : map) {
        if (equalsCi(type, e.key))
            return e.category;
    }
    return {};
}

QByteArrayView azureChargeCategory(QByteArrayView type)
{
    static constexpr CategoryEntry map[] = {
        {"Usage", "Usage"}, {"UnusedReservation", "Usage"}, {"UnusedSavingsPlan", "Usage"},
        {"Purchase", "Purchase"}, {"Refund", "Credit"}, {"Credit", "Credit"}, {"Tax", "Tax"},
        {"RoundingAdjustment", "Adjustment"}, {"Adjustment", "Adjustment"},
    };
    for (const CategoryEntry& e : map) {
        if (equalsCi(type, e.key))
            return e.category;
    }
    return {};
}

__extension__ typedef __int128 Int128;

// a × b of two plain decimals, exactly, rounded half away from zero to 18 decimals.
bool multiplyDecimals(QByteArrayView a, QByteArrayView b, std::string& out)
{
    const auto parse = [](QByteArrayView t, Int128& mantissa, int& scale, bool& negative) {
        mantissa = 0;
        scale = 0;
        negative = !t.isEmpty() && t.front() == '-';
        bool point = false;
        int digits = 0;
        for (char c : t) {
            if (c == '-')
                continue;
            if (c == '.') {
                point = true;
                continue;
            }
            if (++digits > 36)
                return false;
            mantissa = mantissa * 10 + (c - '0');
            if (point)
                ++scale;
        }
        return true;
    };
    Int128 ma = 0, mb = 0;
    int sa = 0, sb = 0;
    bool na = false, nb = false;
    if (!parse(a, ma, sa, na) || !parse(b, mb, sb, nb))
        return false;
    Int128 product = 0;
    if (__builtin_mul_overflow(ma, mb, &product))
        return false;
    int scale = sa + sb;
    if (scale > 18) {
        Int128 divisor = 1;
        for (int i = 18; i < scale; ++i)
            divisor *= 10;
        product = (product + divisor / 2) / divisor;
        scale = 18;
    }
    std::string digits;
    do {
        digits.insert(digits.begin(), char('0' + int(product % 10)));
        product /= 10;
    } while (product > 0);
    while (int(digits.size()) <= scale)
        digits.insert(digits.begin(), '0');
    if (na != nb && digits.find_first_not_of("0") != std::string::npos)
        out.push_back('-');
    out.append(digits, 0, digits.size() - size_t(scale));
    if (scale > 0) {
        out.push_back('.');
        out.append(digits, digits.size() - size_t(scale), std::string::npos);
    }
    return true;
}

} // namespace

bool BillingMapping::prepare(BillingFormat format, const QList<QByteArray>& header, const QStringList& wantedKeys,
                             QString* missing)
{
    m_format = format;
    m_header = header;
    m_sources = {};
    m_tagColumns.clear();
    m_wanted.clear();
    for (const QString& key : wantedKeys)
        m_wanted.push_back(key.toUtf8());
    const auto find = [&header](const char* name) -> int {
        for (qsizetype i = 0; i < header.size(); ++i) {
            if (equalsCi(header.at(i), name))
                return int(i);
        }
        return -1;
    };
    bool ok = true;
    // The first of `names` the header has, as a source of `kind`.
    const auto source = [&](Output output, Kind kind, std::initializer_list<const char*> names, bool required) {
        Source& s = m_sources[size_t(output)];
        s.kind = kind;
        size_t n = 0;
        for (const char* name : names) {
            const int column = find(name);
            if (column >= 0 && n < s.cols.size())
                s.cols[n++] = column;
        }
        if (required && n == 0 && ok) {
            ok = false;
            if (missing)
                *missing = QString::fromUtf8(*names.begin());
        }
        return n > 0;
    };
    const auto constant = [&](Output output, const char* value) {
        m_sources[size_t(output)].kind = Kind::Constant;
        m_sources[size_t(output)].constant = value;
    };
    const auto copyOf = [&](Output output, Output from) {
        m_sources[size_t(output)].kind = Kind::CopyOf;
        m_sources[size_t(output)].from = from;
        m_copied[size_t(output)] = true;
    };
    m_copied = {};

    switch (format) {
    case BillingFormat::Auto:
        return false;
    case BillingFormat::Focus:
        // FOCUS 1.0 to 1.3. 1.3 names the provider ServiceProviderName (ProviderName is kept as
        // deprecated); columns added by later versions (ChargeClass, ServiceSubcategory, ...) and
        // provider columns (x_...) are not needed for the review.
        source(ProviderName, Kind::Text, {"ProviderName", "ServiceProviderName"}, false);
        source(BillingAccountId, Kind::Text, {"BillingAccountId"}, false);
        source(SubAccountId, Kind::Text, {"SubAccountId"}, false);
        source(SubAccountName, Kind::Text, {"SubAccountName"}, false);
        source(BillingPeriodStart, Kind::Time, {"BillingPeriodStart"}, true);
        source(BillingPeriodEnd, Kind::Time, {"BillingPeriodEnd"}, true);
        source(ChargePeriodStart, Kind::Time, {"ChargePeriodStart"}, true);
        source(ChargePeriodEnd, Kind::Time, {"ChargePeriodEnd"}, true);
        source(ChargeCategory, Kind::Text, {"ChargeCategory"}, true);
        source(ServiceName, Kind::Text, {"ServiceName"}, true);
        source(ServiceCategory, Kind::Category, {"ServiceCategory"}, false);
        source(RegionId, Kind::Text, {"RegionId"}, false);
        source(ResourceId, Kind::Text, {"ResourceId"}, false);
        source(BilledCost, Kind::Amount, {"BilledCost"}, true);
        if (!source(EffectiveCost, Kind::Amount, {"EffectiveCost", "AmortizedCost"}, false))
            copyOf(EffectiveCost, BilledCost);
        if (!source(ListCost, Kind::AmountOrZero, {"ListCost"}, false))
            copyOf(ListCost, BilledCost);
        source(BillingCurrency, Kind::Text, {"BillingCurrency"}, true);
        source(Tags, Kind::TagsText, {"Tags"}, false);
        break;
    case BillingFormat::AwsCur:
        // AWS CUR data dictionary (legacy "category/Column" names).
        constant(ProviderName, "AWS");
        source(BillingAccountId, Kind::Text, {"bill/PayerAccountId"}, false);
        source(SubAccountId, Kind::Text, {"lineItem/UsageAccountId"}, true);
        source(SubAccountName, Kind::Text, {"lineItem/UsageAccountName"}, false);
        source(BillingPeriodStart, Kind::Time, {"bill/BillingPeriodStartDate"}, true);
        source(BillingPeriodEnd, Kind::Time, {"bill/BillingPeriodEndDate"}, true);
        source(ChargePeriodStart, Kind::Time, {"lineItem/UsageStartDate"}, true);
        source(ChargePeriodEnd, Kind::Time, {"lineItem/UsageEndDate"}, true);
        source(ChargeCategory, Kind::ChargeAws, {"lineItem/LineItemType"}, true);
        source(ServiceName, Kind::Text, {"product/ProductName", "lineItem/ProductCode"}, true);
        source(ServiceCategory, Kind::CategoryDerived, {"lineItem/ProductCode", "product/ProductName"}, false);
        m_derivedFrom = u"lineItem/ProductCode"_s;
        source(RegionId, Kind::Text, {"product/region", "product/regionCode"}, false);
        source(ResourceId, Kind::Text, {"lineItem/ResourceId"}, false);
        source(BilledCost, Kind::Amount, {"lineItem/UnblendedCost"}, true);
        if (source(EffectiveCost, Kind::AmountOrFallback, {"lineItem/NetUnblendedCost", "lineItem/UnblendedCost"}, false)
            && m_sources[EffectiveCost].cols[1] < 0)
            copyOf(EffectiveCost, BilledCost);
        if (!source(ListCost, Kind::AmountOrZero, {"pricing/publicOnDemandCost"}, false))
            copyOf(ListCost, BilledCost);
        source(BillingCurrency, Kind::Text, {"lineItem/CurrencyCode"}, true);
        m_sources[Tags].kind = Kind::TagsColumns;
        for (qsizetype i = 0; i < header.size(); ++i) {
            const QByteArray& name = header.at(i);
            if (!name.startsWith("resourceTags/"))
                continue;
            TagColumn tag;
            tag.column = int(i);
            const QByteArray key = name.mid(13);
            std::string json;
            appendJsonString(json, key);
            tag.jsonKey = QByteArray::fromStdString(json);
            tag.key = QString::fromUtf8(key);
            tag.wanted = std::find(m_wanted.cbegin(), m_wanted.cend(), key) != m_wanted.cend();
            m_tagColumns.push_back(tag);
        }
        break;
    case BillingFormat::AwsCur2:
        // AWS CUR 2.0 table dictionary (snake_case names, map columns as JSON).
        constant(ProviderName, "AWS");
        source(BillingAccountId, Kind::Text, {"bill_payer_account_id"}, false);
        source(SubAccountId, Kind::Text, {"line_item_usage_account_id"}, true);
        source(SubAccountName, Kind::Text, {"line_item_usage_account_name"}, false);
        source(BillingPeriodStart, Kind::Time, {"bill_billing_period_start_date"}, true);
        source(BillingPeriodEnd, Kind::Time, {"bill_billing_period_end_date"}, true);
        source(ChargePeriodStart, Kind::Time, {"line_item_usage_start_date"}, true);
        source(ChargePeriodEnd, Kind::Time, {"line_item_usage_end_date"}, true);
        source(ChargeCategory, Kind::ChargeAws, {"line_item_line_item_type"}, true);
        source(ServiceName, Kind::Text, {"product_product_name", "product_servicecode", "line_item_product_code"}, true);
        source(ServiceCategory, Kind::CategoryDerived, {"line_item_product_code", "product_servicecode"}, false);
        m_derivedFrom = u"line_item_product_code"_s;
        source(RegionId, Kind::Text, {"product_region_code"}, false);
        source(ResourceId, Kind::Text, {"line_item_resource_id"}, false);
        source(BilledCost, Kind::Amount, {"line_item_unblended_cost"}, true);
        if (source(EffectiveCost, Kind::AmountOrFallback, {"line_item_net_unblended_cost", "line_item_unblended_cost"},
                   false)
            && m_sources[EffectiveCost].cols[1] < 0)
            copyOf(EffectiveCost, BilledCost);
        if (!source(ListCost, Kind::AmountOrZero, {"pricing_public_on_demand_cost"}, false))
            copyOf(ListCost, BilledCost);
        source(BillingCurrency, Kind::Text, {"line_item_currency_code"}, true);
        source(Tags, Kind::TagsText, {"resource_tags"}, false);
        break;
    case BillingFormat::AzureEa:
    case BillingFormat::AzureMca:
        // Azure cost details ("Understand the terms in your Azure usage and charges file"): EA
        // names are PascalCase, MCA names camelCase; both are matched without regard to case.
        constant(ProviderName, "Microsoft");
        source(BillingAccountId, Kind::Text, {"BillingAccountId"}, false);
        source(SubAccountId, Kind::Text, {"SubscriptionId", "SubscriptionGuid"}, false);
        source(SubAccountName, Kind::Text, {"SubscriptionName"}, false);
        source(BillingPeriodStart, Kind::Time, {"BillingPeriodStartDate"}, true);
        source(BillingPeriodEnd, Kind::TimePlusDay, {"BillingPeriodEndDate"}, true);
        source(ChargePeriodStart, Kind::Time, {"Date", "UsageDate"}, true);
        source(ChargePeriodEnd, Kind::TimePlusDay, {"Date", "UsageDate"}, true);
        source(ChargeCategory, Kind::ChargeAzure, {"ChargeType"}, true);
        source(ServiceName, Kind::Text, {"MeterCategory", "ConsumedService"}, true);
        source(ServiceCategory, Kind::CategoryDerived, {"MeterCategory"}, false);
        m_derivedFrom = u"MeterCategory"_s;
        source(RegionId, Kind::Region, {"ResourceLocation", "Location"}, false);
        source(ResourceId, Kind::Text, {"ResourceId", "InstanceName"}, false);
        source(BilledCost, Kind::Amount, {"CostInBillingCurrency", "Cost"}, true);
        copyOf(EffectiveCost, BilledCost);
        m_copied[EffectiveCost] = false; // the same column holds amortized cost in amortized exports
        if (!source(ListCost, Kind::AmountOrZero, {"PaygCostInBillingCurrency"}, false)) {
            const int price = find("PayGPrice");
            const int quantity = find("Quantity");
            if (price >= 0 && quantity >= 0) {
                m_sources[ListCost].kind = Kind::AmountProduct;
                m_sources[ListCost].cols = {price, quantity, -1};
            } else {
                copyOf(ListCost, BilledCost);
            }
        }
        source(BillingCurrency, Kind::Text, {"BillingCurrency", "BillingCurrencyCode", "Currency"}, true);
        source(Tags, Kind::TagsText, {"Tags"}, false);
        break;
    }
    return ok;
}

bool BillingMapping::map(const std::vector<BillingCsv::Field>& fields, BillingRecord& record, Failure& failure)
{
    m_scratch.clear();
    const auto value = [&fields](int column) -> QByteArrayView {
        if (column < 0)
            return {};
        const BillingCsv::Field& f = fields[size_t(column)];
        return QByteArrayView(f.data, f.size);
    };
    const auto firstValue = [&](const Source& s, int* column) -> QByteArrayView {
        for (int c : s.cols) {
            if (c < 0)
                break;
            const QByteArrayView v = value(c);
            *column = c;
            if (!v.isEmpty())
                return v;
        }
        return {};
    };
    const auto setView = [this](int output, QByteArrayView v) { m_out[size_t(output)] = {v.data(), v.size(), -1}; };
    const auto setScratch = [this](int output, size_t from) {
        m_out[size_t(output)] = {nullptr, qsizetype(m_scratch.size() - from), qsizetype(from)};
    };
    const auto fail = [&failure](int column, QString message) {
        failure.column = column;
        failure.message = std::move(message);
        return false;
    };
    const bool wantTags = !m_wanted.empty();
    if (!record.tagValues.isEmpty())
        record.tagValues.clear();

    QString why;
    for (int o = 0; o < OutputCount; ++o) {
        const Source& s = m_sources[size_t(o)];
        int column = s.cols[0];
        switch (s.kind) {
        case Kind::Constant:
            setView(o, s.constant);
            break;
        case Kind::Text:
            setView(o, firstValue(s, &column));
            break;
        case Kind::Region: {
            const QByteArrayView v = trimmed(firstValue(s, &column));
            const size_t from = m_scratch.size();
            for (char c : v) {
                if (c != ' ')
                    m_scratch.push_back(lower(c));
            }
            setScratch(o, from);
            break;
        }
        case Kind::Time:
        case Kind::TimePlusDay: {
            const QByteArrayView v = value(column);
            if (trimmed(v).isEmpty())
                return fail(column, tr("the time is empty"));
            const size_t from = m_scratch.size();
            BillingTimeInfo info;
            if (!normalizeBillingTime(v, 0, m_scratch, info, why))
                return fail(column, why);
            if (s.kind == Kind::TimePlusDay && info.dateOnly) {
                // A day given as a date ends at the next midnight (FOCUS periods are exclusive).
                m_scratch.resize(from);
                normalizeBillingTime(v, 1, m_scratch, info, why);
            }
            m_fractions += info.fraction;
            m_offsets += info.offset;
            m_usDates += (o == ChargePeriodStart && v.size() > 2 && (v[1] == '/' || v[2] == '/'));
            setScratch(o, from);
            break;
        }
        case Kind::Amount:
        case Kind::AmountOrZero:
        case Kind::AmountOrFallback: {
            QByteArrayView v = value(column);
            if (s.kind == Kind::AmountOrFallback && trimmed(v).isEmpty() && s.cols[1] >= 0) {
                column = s.cols[1];
                v = value(column);
                ++m_effectiveFallback;
            }
            if (trimmed(v).isEmpty()) {
                if (s.kind == Kind::Amount)
                    return fail(column, tr("the amount is empty; it must have a value"));
                ++m_emptyAmounts[size_t(o)];
                setView(o, "0");
                break;
            }
            const size_t from = m_scratch.size();
            bool rewritten = false;
            if (!normalizeBillingAmount(v, m_scratch, rewritten, why))
                return fail(column, why);
            if (rewritten)
                setScratch(o, from);
            else
                setView(o, v);
            break;
        }
        case Kind::AmountProduct: {
            const QByteArrayView a = value(s.cols[0]);
            const QByteArrayView b = value(s.cols[1]);
            if (trimmed(a).isEmpty() || trimmed(b).isEmpty()) {
                ++m_emptyAmounts[size_t(o)];
                setView(o, "0");
                break;
            }
            std::string plainA, plainB;
            bool rewritten = false;
            if (!normalizeBillingAmount(a, plainA, rewritten, why))
                return fail(s.cols[0], why);
            if (!rewritten)
                plainA.assign(a.data(), size_t(a.size()));
            if (!normalizeBillingAmount(b, plainB, rewritten, why))
                return fail(s.cols[1], why);
            if (!rewritten)
                plainB.assign(b.data(), size_t(b.size()));
            const size_t from = m_scratch.size();
            if (!multiplyDecimals(QByteArrayView(plainA.data(), qsizetype(plainA.size())),
                                  QByteArrayView(plainB.data(), qsizetype(plainB.size())), m_scratch))
                return fail(s.cols[0], tr("the price times the quantity is too large"));
            setScratch(o, from);
            break;
        }
        case Kind::CopyOf:
            m_out[size_t(o)] = m_out[size_t(s.from)];
            break;
        case Kind::ChargeAws:
        case Kind::ChargeAzure: {
            const QByteArrayView v = trimmed(value(column));
            QByteArrayView category = s.kind == Kind::ChargeAws ? awsChargeCategory(v) : azureChargeCategory(v);
            if (category.isEmpty()) {
                category = "Adjustment";
                ++m_unknownCharge;
                if (m_unknownChargeValues.size() < 10) {
                    const QString text = QString::fromUtf8(v);
                    if (!m_unknownChargeValues.contains(text))
                        m_unknownChargeValues << text;
                }
            }
            setView(o, category);
            break;
        }
        case Kind::Category: {
            const QByteArrayView v = value(column);
            if (v.isEmpty()) {
                ++m_otherCategory;
                setView(o, "Other");
            } else {
                setView(o, v);
            }
            break;
        }
        case Kind::CategoryDerived: {
            const QByteArrayView key = trimmed(firstValue(s, &column));
            if (key.isEmpty() || key != QByteArrayView(m_lastCategoryKey.data(), qsizetype(m_lastCategoryKey.size()))
                || m_lastCategory.isEmpty()) {
                m_lastCategoryKey.assign(key.data(), size_t(key.size()));
                m_lastCategory = "Other";
                for (const CategoryEntry& e : categories) {
                    if (equalsCi(key, e.key)) {
                        m_lastCategory = e.category;
                        break;
                    }
                }
            }
            if (m_lastCategory == "Other")
                ++m_otherCategory;
            setView(o, m_lastCategory);
            break;
        }
        case Kind::TagsText: {
            const QByteArrayView v = value(column);
            const size_t from = m_scratch.size();
            if (column >= 0 && fields[size_t(column)].null)
                ++m_nullTags;
            if (!normalizeBillingTags(v, m_scratch, m_wanted, wantTags ? &record.tagValues : nullptr, why))
                return fail(column, why);
            setScratch(o, from);
            break;
        }
        case Kind::TagsColumns: {
            const size_t from = m_scratch.size();
            m_scratch.push_back('{');
            bool firstTag = true;
            for (const TagColumn& tag : m_tagColumns) {
                const QByteArrayView v = value(tag.column);
                if (v.isEmpty())
                    continue;
                if (!firstTag)
                    m_scratch.push_back(',');
                firstTag = false;
                m_scratch.append(tag.jsonKey.constData(), size_t(tag.jsonKey.size()));
                m_scratch.push_back(':');
                appendJsonString(m_scratch, v);
                if (tag.wanted)
                    record.tagValues.insert(tag.key, QString::fromUtf8(v));
            }
            m_scratch.push_back('}');
            setScratch(o, from);
            break;
        }
        }
    }
    QByteArrayView* const views[OutputCount] = {
        &record.providerName, &record.billingAccountId, &record.subAccountId, &record.subAccountName,
        &record.billingPeriodStart, &record.billingPeriodEnd, &record.chargePeriodStart, &record.chargePeriodEnd,
        &record.chargeCategory, &record.serviceName, &record.serviceCategory, &record.regionId, &record.resourceId,
        &record.billedCost, &record.effectiveCost, &record.listCost, &record.billingCurrency, &record.tags};
    for (int o = 0; o < OutputCount; ++o) {
        const Span& span = m_out[size_t(o)];
        *views[o] = span.offset >= 0 ? QByteArrayView(m_scratch.data() + span.offset, span.size)
                                     : QByteArrayView(span.data, span.size);
    }
    return true;
}

QStringList BillingMapping::notes() const
{
    QStringList notes;
    // Called as trNotes("…%n…", nullptr, n), which lupdate reads as a plural message (an alias of tr).
    const auto trNotes = [](const char* text, const char* disambiguation, qint64 n) {
        return QCoreApplication::translate("BillingFile", text, disambiguation, int(std::min<qint64>(n, INT_MAX)));
    };
    const auto columnName = [this](int output) {
        const int c = m_sources[size_t(output)].cols[0];
        return c >= 0 && c < m_header.size() ? QString::fromUtf8(m_header.at(c)) : QString();
    };
    if (m_nullTags > 0)
        notes << trNotes("Tags: %n NULL value(s) read as no tags", nullptr, m_nullTags);
    static const char* const amountNames[] = {"BilledCost", "EffectiveCost", "ListCost"};
    for (int o = BilledCost; o <= ListCost; ++o) {
        if (m_emptyAmounts[size_t(o)] > 0)
            notes << trNotes("%1 (from %2): %n empty value(s) read as 0", nullptr, m_emptyAmounts[size_t(o)])
                         .arg(QString::fromLatin1(amountNames[o - BilledCost]), columnName(o));
        if (m_copied[size_t(o)])
            notes << QCoreApplication::translate("BillingFile", "%1: the file has no such column; BilledCost is used")
                         .arg(QString::fromLatin1(amountNames[o - BilledCost]));
    }
    if (m_effectiveFallback > 0)
        notes << trNotes("EffectiveCost: %n line(s) without a net amount use the unblended cost", nullptr, m_effectiveFallback);
    if (m_format == BillingFormat::Focus) {
        if (m_otherCategory > 0)
            notes << trNotes("ServiceCategory: %n empty value(s) read as Other", nullptr, m_otherCategory);
    } else if (m_format != BillingFormat::Auto) {
        notes << QCoreApplication::translate("BillingFile",
                                             "ServiceCategory is not in this format: it is derived from %1 for "
                                             "well-known services")
                     .arg(m_derivedFrom);
        if (m_otherCategory > 0)
            notes << trNotes("ServiceCategory: %n line(s) of other services are in Other", nullptr, m_otherCategory);
    }
    if (m_unknownCharge > 0)
        notes << trNotes("ChargeCategory: %n line(s) of an unknown charge type read as Adjustment (%1)", nullptr, m_unknownCharge)
                     .arg(m_unknownChargeValues.join(u", "_s));
    if (m_fractions > 0)
        notes << trNotes("Times: fractions of a second dropped in %n line(s)", nullptr, m_fractions);
    if (m_offsets > 0)
        notes << trNotes("Times: %n time(s) with an offset from UTC converted to UTC", nullptr, m_offsets);
    if (m_usDates > 0)
        notes << trNotes("Dates: %n line(s) with US dates (month/day/year) read as such", nullptr, m_usDates);
    return notes;
}

} // namespace TenantDesk
