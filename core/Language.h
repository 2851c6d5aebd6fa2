#pragma once

#include <QString>
#include <QStringList>

namespace TenantDesk {

// The language TenantDesk speaks, switched at run time: installs the translators of a language
// (TenantDesk's own from :/i18n, compiled in, and Qt's qtbase_<lang>.qm from
// QLibraryInfo::TranslationsPath when installed) and makes its locale the default, so that dates,
// numbers and money follow it. Installing sends QEvent::LanguageChange to every widget.
// QtCore only: tenantctl speaks the system's language through it too.
namespace Language {

// The languages TenantDesk is translated into, English (the source) first: "en", "de", "fr".
QStringList available();
// "English", "Deutsch", "Français": each language's name in itself.
QString nativeName(const QString& code);
// The first of the system's preferred UI languages TenantDesk speaks, else "en".
QString systemLanguage();
// `code` as one of available(): "de-AT" and "de_CH" are "de"; empty when TenantDesk does not speak it.
QString normalized(const QString& code);
// Switches to `code` (empty: the system's language; a language TenantDesk does not speak: English)
// and returns the language now spoken.
QString apply(const QString& code);
// The language spoken now ("en" until apply() is called).
QString current();

// The language chosen in Preferences (empty: none chosen, the system's or the tenant's).
QString chosen();
void setChosen(const QString& code);

} // namespace Language
} // namespace TenantDesk
