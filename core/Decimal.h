#pragma once

#include <QString>
#include <QStringView>

namespace TenantDesk {

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

private:
    __extension__ typedef __int128 Units;
    static constexpr int scaleDigits = 18;
    Units m_units = 0;  // the sum in units of 10^-18
    int m_decimals = 0; // the most decimals seen
};

} // namespace TenantDesk
