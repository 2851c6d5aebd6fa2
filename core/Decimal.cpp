#include "Decimal.h"

#include <algorithm>
#include <numeric>

namespace TenantDesk {

namespace {
__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;
constexpr Int128 wholeLimit = Int128(1) << 60; // about 10^18: far beyond any bill
constexpr Int128 sumLimit = Int128(1) << 124;  // far below overflow of 10^-18 units
constexpr int scaleDigits = Decimal::scaleDigits;

Int128 powerOfTen(int exponent)
{
    Int128 value = 1;
    for (int i = 0; i < exponent; ++i)
        value *= 10;
    return value;
}

// A plain decimal number in units of 10^-18, with the number of decimals it was written with.
bool parseUnits(QStringView amount, Int128& units, int& decimals)
{
    amount = amount.trimmed();
    bool negative = false;
    if (!amount.isEmpty() && (amount.front() == u'-' || amount.front() == u'+')) {
        negative = amount.front() == u'-';
        amount = amount.mid(1);
    }
    Int128 whole = 0;
    Int128 fraction = 0;
    decimals = 0;
    bool point = false;
    bool digits = false;
    for (QChar c : amount) {
        if (c == u'.' && !point) {
            point = true;
            continue;
        }
        if (c < u'0' || c > u'9')
            return false;
        digits = true;
        const int digit = c.unicode() - u'0';
        if (point) {
            if (++decimals > scaleDigits)
                return false;
            fraction = fraction * 10 + digit;
        } else {
            whole = whole * 10 + digit;
            if (whole > wholeLimit)
                return false;
        }
    }
    if (!digits)
        return false;
    units = whole * powerOfTen(scaleDigits) + fraction * powerOfTen(scaleDigits - decimals);
    if (negative)
        units = -units;
    return true;
}

QString unitsText(Int128 units, int decimals)
{
    decimals = std::clamp(decimals, 0, scaleDigits);
    Int128 value = units < 0 ? -units : units;
    // Round half away from zero to `decimals`.
    const Int128 divisor = powerOfTen(scaleDigits - decimals);
    value = (value + divisor / 2) / divisor;
    QString digits;
    do {
        digits.prepend(QChar(u'0' + int(value % 10)));
        value /= 10;
    } while (value > 0);
    while (digits.size() <= decimals)
        digits.prepend(u'0');
    if (decimals > 0)
        digits.insert(digits.size() - decimals, u'.');
    const bool allZero = std::all_of(digits.cbegin(), digits.cend(), [](QChar c) { return c == u'0' || c == u'.'; });
    return units < 0 && !allZero ? QString(u'-' + digits) : digits;
}

// a × b as 256 bits (high, low), for a, b < 2^127.
std::pair<UInt128, UInt128> multiply(UInt128 a, UInt128 b)
{
    const UInt128 mask = (UInt128(1) << 64) - 1;
    const UInt128 a0 = a & mask, a1 = a >> 64, b0 = b & mask, b1 = b >> 64;
    const UInt128 p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    const UInt128 middle = (p00 >> 64) + (p01 & mask) + (p10 & mask);
    const UInt128 low = (p00 & mask) | (middle << 64);
    const UInt128 high = p11 + (p01 >> 64) + (p10 >> 64) + (middle >> 64);
    return {high, low};
}

// (high, low) ÷ divisor, for 0 < divisor < 2^126 and a quotient below 2^128: quotient and remainder.
std::pair<UInt128, UInt128> divide(UInt128 high, UInt128 low, UInt128 divisor)
{
    UInt128 quotient = 0;
    UInt128 remainder = 0;
    for (int bit = 255; bit >= 0; --bit) {
        const UInt128 next = bit >= 128 ? (high >> (bit - 128)) & 1 : (low >> bit) & 1;
        remainder = (remainder << 1) | next;
        if (remainder >= divisor) {
            remainder -= divisor;
            if (bit < 128)
                quotient |= UInt128(1) << bit;
        }
    }
    return {quotient, remainder};
}

} // namespace

std::optional<Decimal> Decimal::parse(QStringView text)
{
    Int128 units = 0;
    int decimals = 0;
    if (!parseUnits(text, units, decimals))
        return std::nullopt;
    return fromUnits(units);
}

QString Decimal::text(int minimumDecimals, int maximumDecimals) const
{
    int decimals = scaleDigits;
    while (decimals > 0 && m_units % powerOfTen(scaleDigits - decimals + 1) == 0)
        --decimals;
    return unitsText(m_units, std::min(std::max(decimals, minimumDecimals), maximumDecimals));
}

QList<Decimal> splitExactly(Decimal pool, const QList<Decimal>& weights, int unitDecimals)
{
    const qsizetype n = weights.size();
    if (n == 0)
        return {};
    if (pool.isNegative()) {
        QList<Decimal> shares = splitExactly(-pool, weights, unitDecimals);
        for (Decimal& share : shares)
            share = -share;
        return shares;
    }
    unitDecimals = std::clamp(unitDecimals, 0, scaleDigits);
    const Int128 unit = powerOfTen(scaleDigits - unitDecimals);
    const UInt128 units = UInt128(pool.units() / unit); // the pool in whole units
    const Int128 finer = pool.units() % unit;           // what lies below one unit

    QList<UInt128> w(n);
    UInt128 total = 0;
    for (qsizetype i = 0; i < n; ++i)
        w[i] = weights.at(i).isNegative() ? 0 : UInt128(weights.at(i).units());
    const auto sum = [&w]() {
        UInt128 s = 0;
        for (UInt128 each : w) {
            if (s + each < s || s + each >= (UInt128(1) << 126))
                return UInt128(0) - 1; // too large: the weights are scaled down first
            s += each;
        }
        return s;
    };
    for (total = sum(); total == UInt128(0) - 1; total = sum()) {
        for (UInt128& each : w)
            each >>= 1;
    }
    if (total == 0) {
        std::fill(w.begin(), w.end(), UInt128(1));
        total = UInt128(n);
    }

    QList<UInt128> quotients(n), fractions(n);
    UInt128 given = 0;
    for (qsizetype i = 0; i < n; ++i) {
        const auto [high, low] = multiply(units, w.at(i));
        const auto [quotient, remainder] = divide(high, low, total);
        quotients[i] = quotient;
        fractions[i] = remainder;
        given += quotient;
    }
    QList<qsizetype> order(n);
    std::iota(order.begin(), order.end(), qsizetype(0));
    std::stable_sort(order.begin(), order.end(), [&fractions](qsizetype a, qsizetype b) { return fractions.at(a) > fractions.at(b); });
    const UInt128 left = units - given; // fewer than n
    for (UInt128 i = 0; i < left; ++i)
        quotients[order.at(qsizetype(i))] += 1;

    QList<Decimal> shares(n);
    for (qsizetype i = 0; i < n; ++i)
        shares[i] = Decimal::fromUnits(Int128(quotients.at(i)) * unit);
    shares[order.first()] += Decimal::fromUnits(finer);
    return shares;
}

bool DecimalSum::add(QStringView amount)
{
    Int128 units = 0;
    int decimals = 0;
    if (!parseUnits(amount, units, decimals))
        return false;
    const Int128 sum = m_units + units;
    if (sum > sumLimit || sum < -sumLimit)
        return false;
    m_units = sum;
    m_decimals = std::max(m_decimals, decimals);
    return true;
}

void DecimalSum::add(const DecimalSum& other)
{
    m_units += other.m_units;
    m_decimals = std::max(m_decimals, other.m_decimals);
}

void DecimalSum::add(Decimal amount, int decimals)
{
    m_units += amount.units();
    m_decimals = std::max(m_decimals, decimals);
}

QString DecimalSum::text(int minimumDecimals) const
{
    return unitsText(m_units, std::max(m_decimals, minimumDecimals));
}

} // namespace TenantDesk
