#pragma once

#include <QLocale>
#include <QString>

namespace TenantDesk::BillingMoney {

// Exact decimal text (as billing exports and DecimalSum write it) rounded half away from zero to
// `decimals` places, without binary floating point: "12.345" → "12.35", "-0.004" → "0.00".
QString rounded(const QString& exact, int decimals = 2);

// An amount as a person reads it: rounded to cents, grouped and placed around the ISO 4217 code
// as `locale` writes currency ("USD 1,234.56", "1.234,56 EUR").
QString format(const QString& exact, const QString& currency, const QLocale& locale = QLocale(), int decimals = 2);

// `a - b`, exact; empty when either is not a decimal number.
QString difference(const QString& a, const QString& b);

// For charts and sorting only (never summed).
double toDouble(const QString& exact);

// Whether `text` is a plain decimal number ("12.5", "-3", not "1e3", not "12,5").
bool isDecimal(const QString& text);

} // namespace TenantDesk::BillingMoney
