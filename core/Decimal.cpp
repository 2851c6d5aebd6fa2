#include "Decimal.h"

#include <algorithm>

namespace TenantDesk {

namespace {
__extension__ typedef __int128 Int128;
constexpr Int128 wholeLimit = Int128(1) << 60; // about 10^18: far beyond any bill
constexpr Int128 sumLimit = Int128(1) << 124;  // far below overflow of 10^-18 units
}

bool DecimalSum::add(QStringView amount)
{
    amount = amount.trimmed();
    bool negative = false;
    if (!amount.isEmpty() && (amount.front() == u'-' || amount.front() == u'+')) {
        negative = amount.front() == u'-';
        amount = amount.mid(1);
    }
    Int128 whole = 0;
    Int128 fraction = 0;
    int decimals = 0;
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
    for (int i = decimals; i < scaleDigits; ++i)
        fraction *= 10;
    Int128 units = whole;
    for (int i = 0; i < scaleDigits; ++i)
        units *= 10;
    units += fraction;
    const Int128 sum = negative ? m_units - units : m_units + units;
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

QString DecimalSum::text(int minimumDecimals) const
{
    const int decimals = std::clamp(std::max(m_decimals, minimumDecimals), 0, scaleDigits);
    Int128 value = m_units < 0 ? -m_units : m_units;
    // Round half away from zero to `decimals`.
    Int128 divisor = 1;
    for (int i = decimals; i < scaleDigits; ++i)
        divisor *= 10;
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
    return m_units < 0 && !allZero ? QString(u'-' + digits) : digits;
}

} // namespace TenantDesk
