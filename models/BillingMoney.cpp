#include "BillingMoney.h"

#include "Decimal.h"

#include <algorithm>

namespace TenantDesk::BillingMoney {

using namespace Qt::StringLiterals;

namespace {

struct Parts {
    bool negative = false;
    QString whole;    // digits, at least one
    QString fraction; // digits, possibly none
};

bool split(const QString& exact, Parts& parts)
{
    QStringView text = QStringView(exact).trimmed();
    if (!text.isEmpty() && (text.front() == u'-' || text.front() == u'+')) {
        parts.negative = text.front() == u'-';
        text = text.mid(1);
    }
    const qsizetype point = text.indexOf(u'.');
    const QStringView whole = point < 0 ? text : text.left(point);
    const QStringView fraction = point < 0 ? QStringView() : text.mid(point + 1);
    if (whole.isEmpty() && fraction.isEmpty())
        return false;
    for (QChar c : whole)
        if (c < u'0' || c > u'9')
            return false;
    for (QChar c : fraction)
        if (c < u'0' || c > u'9')
            return false;
    parts.whole = whole.isEmpty() ? u"0"_s : whole.toString();
    parts.fraction = fraction.toString();
    return true;
}

} // namespace

bool isDecimal(const QString& text)
{
    Parts parts;
    return split(text, parts);
}

QString rounded(const QString& exact, int decimals)
{
    Parts parts;
    if (!split(exact, parts))
        return exact;
    QString digits = parts.whole + parts.fraction.left(decimals).leftJustified(decimals, u'0');
    const bool up = parts.fraction.size() > decimals && parts.fraction.at(decimals) >= u'5';
    if (up) {
        qsizetype i = digits.size() - 1;
        for (; i >= 0; --i) {
            if (digits.at(i) == u'9') {
                digits[i] = u'0';
            } else {
                digits[i] = QChar(digits.at(i).unicode() + 1);
                break;
            }
        }
        if (i < 0)
            digits.prepend(u'1');
    }
    QString whole = digits.left(digits.size() - decimals);
    while (whole.size() > 1 && whole.front() == u'0')
        whole.remove(0, 1);
    const QString fraction = digits.right(decimals);
    const bool zero = whole == u"0"_s && std::all_of(fraction.cbegin(), fraction.cend(), [](QChar c) { return c == u'0'; });
    QString result = decimals > 0 ? QString(whole + u'.' + fraction) : whole;
    return parts.negative && !zero ? QString(u'-' + result) : result;
}

QString format(const QString& exact, const QString& currency, const QLocale& locale, int decimals)
{
    Parts parts;
    if (!split(rounded(exact, decimals), parts))
        return exact;
    QString whole;
    const QString group = locale.groupSeparator();
    for (qsizetype i = 0; i < parts.whole.size(); ++i) {
        if (i > 0 && (parts.whole.size() - i) % 3 == 0)
            whole += group;
        whole += parts.whole.at(i);
    }
    QString number = parts.fraction.isEmpty() ? whole : QString(whole + locale.decimalPoint() + parts.fraction);
    if (parts.negative)
        number.prepend(locale.negativeSign());
    if (currency.isEmpty())
        return number;
    // Where the locale puts a currency: before the number ("¤1.00") or after it ("1,00 ¤").
    const QString pattern = locale.toCurrencyString(1.0, u"\u00A4"_s);
    const qsizetype symbol = pattern.indexOf(u'\u00A4');
    if (symbol <= 0)
        return QString(currency + u'\u00A0' + number);
    return QString(number + u'\u00A0' + currency);
}

QString difference(const QString& a, const QString& b)
{
    DecimalSum sum;
    if (!sum.add(a))
        return {};
    const QString trimmed = b.trimmed();
    const QString negated = trimmed.startsWith(u'-') ? trimmed.mid(1)
                          : trimmed.startsWith(u'+') ? QString(u'-' + trimmed.mid(1))
                                                     : QString(u'-' + trimmed);
    if (!sum.add(negated))
        return {};
    return sum.text();
}

double toDouble(const QString& exact)
{
    return exact.toDouble();
}

} // namespace TenantDesk::BillingMoney
