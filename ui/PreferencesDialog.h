#pragma once

#include <QDialog>

class QComboBox;
class QLabel;

namespace TenantDesk {

// Edit → Preferences… (Ctrl+,): the language TenantDesk speaks, "System default" or one chosen.
// A choice is kept in the settings and applied at once (languageChosen()); the dialog relabels
// itself when the language changes.
class PreferencesDialog : public QDialog
{
    Q_OBJECT

public:
    explicit PreferencesDialog(QWidget* parent = nullptr);

Q_SIGNALS:
    // `language`: "en", "de", "fr", or empty for the system's (or the tenant's) language.
    void languageChosen(const QString& language);

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();

    QLabel* m_languageLabel;
    QComboBox* m_languageComboBox;
    QLabel* m_languageHintLabel;
};

} // namespace TenantDesk
