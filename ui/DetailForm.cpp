#include "DetailForm.h"

#include <QDateTime>
#include <QCoreApplication>
#include <QLocale>

namespace TenantDesk {

DetailForm::DetailForm(QWidget* parent)
    : QFormLayout(parent)
{
    setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    setHorizontalSpacing(16);
}

QLabel* DetailForm::addValue(const QString& label, const QString& objectName)
{
    auto* value = new QLabel;
    value->setObjectName(objectName);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    value->setWordWrap(true);
    addRow(label, value);
    return value;
}

QLabel* makeTitleLabel(const QString& objectName, QWidget* parent)
{
    auto* label = new QLabel(parent);
    label->setObjectName(objectName);
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * 1.6);
    font.setBold(true);
    label->setFont(font);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

QString orDash(const QString& value)
{
    return value.isEmpty() ? QStringLiteral("—") : value;
}

QString orUnlimited(const std::optional<int>& value, const QString& unit)
{
    if (!value)
        return QCoreApplication::translate("DetailForm", "Unlimited");
    return QLocale().toString(*value) + (unit.isEmpty() ? QString() : QLatin1Char(' ') + unit);
}

QString formatTime(const QDateTime& time)
{
    if (!time.isValid())
        return QCoreApplication::translate("DetailForm", "Never");
    return QLocale().toString(time.toLocalTime(), QLocale::ShortFormat);
}

} // namespace TenantDesk
