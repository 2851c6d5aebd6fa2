#include "PreferencesDialog.h"

#include "Language.h"
#include "Settings.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QEvent>
#include <QFormLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace TenantDesk {

using namespace Qt::StringLiterals;

PreferencesDialog::PreferencesDialog(QWidget* parent)
    : QDialog(parent)
    , m_languageLabel(new QLabel(this))
    , m_languageComboBox(new QComboBox(this))
    , m_languageHintLabel(new QLabel(this))
{
    setObjectName(u"preferencesDialog"_s);
    m_languageComboBox->setObjectName(u"languageComboBox"_s);
    m_languageLabel->setBuddy(m_languageComboBox);
    m_languageHintLabel->setObjectName(u"languageHintLabel"_s);
    m_languageHintLabel->setWordWrap(true);
    // The data is the language code; the system default is the empty one.
    m_languageComboBox->addItem(QString(), QString());
    for (const QString& code : Language::available())
        m_languageComboBox->addItem(Language::nativeName(code), code);
    m_languageComboBox->setCurrentIndex(std::max(0, m_languageComboBox->findData(Language::chosen())));

    auto* form = new QFormLayout;
    form->addRow(m_languageLabel, m_languageComboBox);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_languageHintLabel);
    layout->addStretch(1);
    layout->addWidget(buttons);

    connect(m_languageComboBox, &QComboBox::activated, this, [this]() {
        const QString language = m_languageComboBox->currentData().toString();
        Language::setChosen(language);
        Q_EMIT languageChosen(language);
    });
    retranslateUi();
}

void PreferencesDialog::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QDialog::changeEvent(event);
}

void PreferencesDialog::retranslateUi()
{
    setWindowTitle(tr("Preferences"));
    m_languageLabel->setText(tr("&Language:"));
    m_languageComboBox->setItemText(0, tr("System default"));
    m_languageComboBox->setAccessibleName(tr("Language"));
    m_languageHintLabel->setText(tr("Applies at once to every open window. With the system default, a tenant "
                                    "administrator sees the language set for their tenant."));
}

} // namespace TenantDesk
