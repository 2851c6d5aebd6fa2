#pragma once

#include <QFormLayout>
#include <QLabel>
#include <QDateTime>
#include <QString>
#include <optional>

namespace TenantDesk {

// A read-only form of labelled values, whose value labels can be found by object name in tests
// and selected with the mouse to copy.
class DetailForm : public QFormLayout
{
public:
    explicit DetailForm(QWidget* parent = nullptr);

    // Adds a row "label: value" and returns the value label, named `objectName`.
    QLabel* addValue(const QString& label, const QString& objectName);
};

// A heading label in the style of a page title.
QLabel* makeTitleLabel(const QString& objectName, QWidget* parent = nullptr);
// "—" for an empty value, so that a blank never looks like a display fault.
QString orDash(const QString& value);
QString orUnlimited(const std::optional<int>& value, const QString& unit);
QString formatTime(const QDateTime& time);

} // namespace TenantDesk
