#pragma once

#include <QList>
#include <QString>
#include <QStringView>

#include <optional>

namespace TenantDesk {

// One exact amount in units of 10^-18 (the precision DecimalSum keeps), for the arithmetic that
// totals need beyond adding: comparing, subtracting, and splitting a pool exactly (splitExactly).
class Decimal
{
public:
    __extension__ typedef __int128 Units;
    static constexpr int scaleDigits = 18;

    Decimal() = default;
    // A plain decimal number ("12.34", "-0.5", "+7", up to 18 decimals); nothing for anything else
    // ("1e-3", "1,5", "", "NULL") or an amount beyond about 10^18.
    static std::optional<Decimal> parse(QStringView text);
    static Decimal fromUnits(Units units) { Decimal d; d.m_units = units; return d; }
    Units units() const { return m_units; }

    bool isZero() const { return m_units == 0; }
    bool isNegative() const { return m_units < 0; }
    // The exact value with trailing zeros dropped, but at least `minimumDecimals` decimals
    // ("33.333333333333333334", "100.00"); rounded half away from zero when `maximumDecimals`
    // is fewer than it needs.
    QString text(int minimumDecimals = 2, int maximumDecimals = scaleDigits) const;

    friend Decimal operator+(Decimal a, Decimal b) { return fromUnits(a.m_units + b.m_units); }
    friend Decimal operator-(Decimal a, Decimal b) { return fromUnits(a.m_units - b.m_units); }
    Decimal operator-() const { return fromUnits(-m_units); }
    Decimal& operator+=(Decimal other) { m_units += other.m_units; return *this; }
    friend bool operator==(Decimal a, Decimal b) { return a.m_units == b.m_units; }
    friend bool operator<(Decimal a, Decimal b) { return a.m_units < b.m_units; }
    friend bool operator>(Decimal a, Decimal b) { return a.m_units > b.m_units; }
    friend bool operator<=(Decimal a, Decimal b) { return a.m_units <= b.m_units; }
    friend bool operator>=(Decimal a, Decimal b) { return a.m_units >= b.m_units; }

private:
    Units m_units = 0;
};

// Splits `pool` into one share per weight, in proportion to the weights, exactly: every share is
// a whole number of units of 10^-`unitDecimals` (2: cents; 18: the finest), each rounded down
// first, and the units left over are given one at a time to the shares with the largest
// fractional parts (the earlier weight first on a tie), so that the shares sum to the pool to the
// last digit. A part of the pool finer than the unit goes to the share with the largest
// fractional part. Negative weights count as 0; when no weight is positive,
// the pool is split evenly. A negative pool (a credit) is split as its opposite, negated.
// Empty for no weights. 100.00 over three equal weights at unitDecimals 2: 33.34, 33.33, 33.33.
QList<Decimal> splitExactly(Decimal pool, const QList<Decimal>& weights, int unitDecimals = Decimal::scaleDigits);


// An exact sum of decimal amounts as billing exports write them ("12.340000", "-0.000000000000001",
// "1e-3" is not accepted): up to 18 digits after the point, no binary floating point anywhere.
class DecimalSum
{
public:
    // Adds `amount`; false (and nothing added) when it is not a plain decimal number or would
    // overflow.
    bool add(QStringView amount);
    void add(const DecimalSum& other);
    // The sum with as many decimals as the largest addend had (at least `minimumDecimals`).
    QString text(int minimumDecimals = 2) const;
    bool isZero() const { return m_units == 0; }
    // The sum as a value, for comparing and splitting.
    Decimal value() const { return Decimal::fromUnits(m_units); }
    void add(Decimal amount, int decimals = 0);

private:
    __extension__ typedef __int128 Units;
    static constexpr int scaleDigits = 18;
    Units m_units = 0;  // the sum in units of 10^-18
    int m_decimals = 0; // the most decimals seen
};

} // namespace TenantDesk
