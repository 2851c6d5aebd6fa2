#pragma once

#include <QCoreApplication>
#include <QLabel>
#include <QString>

namespace TenantDesk {

// A message shown beside the field it is about, in the error colour; hidden while empty.
inline QLabel* makeErrorLabel(const QString& objectName, QWidget* parent)
{
    auto* label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setStyleSheet(QStringLiteral("color: #b3261e;"));
    // What a screen reader says before the message, in the language spoken when the field was made.
    label->setAccessibleName(QCoreApplication::translate("TenantDesk::FieldError", "Error"));
    label->hide();
    return label;
}

inline void setError(QLabel* label, const QString& text)
{
    label->setText(text);
    label->setVisible(!text.isEmpty());
}

} // namespace TenantDesk
