#include "Language.h"

#include "Settings.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>
#include <memory>
#include <vector>

namespace TenantDesk::Language {

using namespace Qt::StringLiterals;

namespace {

// Looks every string up without its context: core/ and server/ translate through helper functions
// whose context lupdate cannot tell (translations/CMakeLists.txt), so their strings are found in
// tenantdesk_<lang>_any.qm, where every context is empty.
class ContextFreeTranslator : public QTranslator
{
public:
    using QTranslator::QTranslator;
    QString translate(const char*, const char* sourceText, const char* disambiguation, int n) const override
    {
        return QTranslator::translate("", sourceText, disambiguation, n);
    }
};

struct State {
    QString current = u"en"_s;
    std::vector<std::unique_ptr<QTranslator>> translators;
};

State& state()
{
    static State s;
    return s;
}

} // namespace

QStringList available()
{
    return {u"en"_s, u"de"_s, u"fr"_s};
}

QString nativeName(const QString& code)
{
    if (code == u"de")
        return u"Deutsch"_s;
    if (code == u"fr")
        return u"Français"_s;
    return u"English"_s;
}

QString normalized(const QString& code)
{
    const QString language = code.section(u'-', 0, 0).section(u'_', 0, 0).toLower();
    return available().contains(language) ? language : QString();
}

QString systemLanguage()
{
    for (const QString& ui : QLocale::system().uiLanguages()) {
        if (const QString language = normalized(ui); !language.isEmpty())
            return language;
    }
    return u"en"_s;
}

QString apply(const QString& code)
{
    QString language = code.isEmpty() ? systemLanguage() : normalized(code);
    if (language.isEmpty())
        language = u"en"_s;
    State& s = state();
    // The system's locale when it speaks this language (de_AT keeps its dates), else the language's own.
    const QLocale system = QLocale::system();
    const bool systemSpeaks = normalized(system.name()) == language || (language == u"en" && system.language() == QLocale::C);
    QLocale::setDefault(systemSpeaks ? system : QLocale(language));
    for (const auto& translator : s.translators)
        QCoreApplication::removeTranslator(translator.get());
    s.translators.clear();
    s.current = language;
    if (language == u"en")
        return language;
    // Installed last, asked first: Qt's own strings, TenantDesk's by context, then context-free.
    auto any = std::make_unique<ContextFreeTranslator>();
    if (any->load(u":/i18n/tenantdesk_%1_any.qm"_s.arg(language)))
        s.translators.push_back(std::move(any));
    auto own = std::make_unique<QTranslator>();
    if (own->load(u":/i18n/tenantdesk_%1.qm"_s.arg(language)))
        s.translators.push_back(std::move(own));
    auto qt = std::make_unique<QTranslator>();
    if (qt->load(u"qtbase_%1"_s.arg(language), QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        s.translators.push_back(std::move(qt));
    for (const auto& translator : s.translators)
        QCoreApplication::installTranslator(translator.get());
    return language;
}

QString current()
{
    return state().current;
}

QString chosen()
{
    return normalized(Settings::value(Settings::language));
}

void setChosen(const QString& code)
{
    Settings::setValue(Settings::language, normalized(code));
}

} // namespace TenantDesk::Language
