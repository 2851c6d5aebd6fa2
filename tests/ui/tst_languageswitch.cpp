#include "BillingMoney.h"
#include "BrandingManager.h"
#include "Language.h"
#include "LocaleFormat.h"
#include "MainWindow.h"
#include "PreferencesDialog.h"
#include "Settings.h"
#include "TenantTreeModel.h"
#include "TestSupport.h"

#include <QAction>
#include <QComboBox>
#include <QCoreApplication>
#include <QGroupBox>
#include <QLabel>
#include <QLocale>
#include <QMenuBar>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTest>
#include <QToolBar>
#include <QTreeView>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

// Edit → Preferences…, Language: switching to German or French relabels every open window at once,
// without a restart, keeps a tenant's brand in the title, and dates, numbers and money follow the
// language's locale.
class TestLanguageSwitch : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_database;

    static QString translated(const char* context, const char* source)
    {
        return QCoreApplication::translate(context, source);
    }

    static QStringList menuTitles(const MainWindow& window)
    {
        QStringList titles;
        for (const QAction* action : window.menuBar()->actions())
            titles << action->text();
        return titles;
    }

    static QGroupBox* identityBox(const MainWindow& window)
    {
        auto* page = window.findChild<QWidget*>(u"tenantPage"_s);
        return page ? page->findChild<QGroupBox*>() : nullptr;
    }

    static void choose(PreferencesDialog* dialog, const QString& language)
    {
        auto* combo = dialog->findChild<QComboBox*>(u"languageComboBox"_s);
        QVERIFY(combo);
        const int index = combo->findData(language);
        QVERIFY(index >= 0);
        combo->setCurrentIndex(index);
        Q_EMIT combo->activated(index);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        m_database = copyFixture(smallDemoFixture(), m_dir);
        Language::apply(u"en"_s);
    }

    // Each test (and each language's row) starts in English, whatever the one before left.
    void init()
    {
        Language::setChosen(QString());
        Language::apply(u"en"_s);
    }

    void cleanupTestCase()
    {
        QSettings().clear();
    }

    void translationsAreCompiledIn()
    {
        Language::apply(u"de"_s);
        QCOMPARE(Language::current(), u"de"_s);
        // A string of a widget (its context as lupdate reads it) and one of core's helpers (their
        // own context, found context-free), both German now.
        QVERIFY(translated("TenantDesk::MainWindow", "&File") != u"&File"_s);
        QVERIFY(translated("SqlStore", "Could not read tenants") != u"Could not read tenants"_s);
        QVERIFY(translated("RestStore", "The server has no such object.") != u"The server has no such object."_s);
        // Qt's own strings come from qtbase_de.qm when it is installed.
        QCOMPARE(QLocale().language(), QLocale::German);
        Language::apply(u"en"_s);
        QCOMPARE(translated("TenantDesk::MainWindow", "&File"), u"&File"_s);
        QCOMPARE(translated("SqlStore", "Could not read tenants"), u"Could not read tenants"_s);
    }

    // Each language TenantDesk speaks besides English, switched to and back while a branded tenant
    // (Contoso Bank, its own pack) is shown.
    void switchingRelabelsOpenWindowsAtOnce_data()
    {
        QTest::addColumn<QString>("language");
        QTest::addColumn<QLocale::Language>("locale");
        QTest::newRow("de") << u"de"_s << QLocale::German;
        QTest::newRow("fr") << u"fr"_s << QLocale::French;
    }

    void switchingRelabelsOpenWindowsAtOnce()
    {
        QFETCH(QString, language);
        QFETCH(QLocale::Language, locale);
        MainWindow window;
        window.setErrorDialogsEnabled(false);
        window.branding()->setSystemDark(false);
        window.show();
        QSignalSpy opened(&window, &MainWindow::storeOpened);
        window.openDatabase(m_database);
        QVERIFY(opened.wait(30000));
        auto* tree = window.findChild<QTreeView*>(u"tenantTreeView"_s);
        const QModelIndex platform = window.tenantTreeModel()->platformIndex();
        QTRY_VERIFY_WITH_TIMEOUT(tree->model()->rowCount(platform) > 0, 30000);
        QModelIndex tenant;
        for (int row = 0; row < tree->model()->rowCount(platform) && !tenant.isValid(); ++row) {
            const QModelIndex index = tree->model()->index(row, 0, platform);
            if (index.data(TenantTreeModel::SlugRole).toString() == u"contoso-bank"_s)
                tenant = index;
        }
        QVERIFY(tenant.isValid());
        const TenantId tenantId = tenant.data(TenantTreeModel::TenantIdRole).toLongLong();
        tree->setCurrentIndex(tenant);
        QTRY_VERIFY_WITH_TIMEOUT(identityBox(window) && identityBox(window)->isVisible(), 30000);
        const QStringList english = menuTitles(window);
        QCOMPARE(english.value(0), u"&File"_s);
        QCOMPARE(identityBox(window)->title(), u"Identity"_s);
        const QRect geometry = window.geometry();
        // Contoso Bank's brand: its product name in the title and the header strip.
        BrandingError error;
        const auto pack = BrandingPack::load(u":/branding/contoso-bank"_s, &error);
        QVERIFY2(pack, qPrintable(error.message()));
        const QString product = pack->productName;
        QCOMPARE(window.branding()->activeSlug(), u"contoso-bank"_s);
        QCOMPARE(window.windowTitle(), product + u" — TenantDesk"_s);
        auto* logo = window.findChild<QLabel*>(u"brandingLogoLabel"_s);
        QVERIFY(logo);
        QCOMPARE(logo->accessibleName(), product + u" logo"_s);
        // The width the person gave the tree.
        auto* splitter = window.findChild<QSplitter*>(u"mainSplitter"_s);
        QVERIFY(splitter);
        // The width the person sees (the window's first layout): the tree keeps it in every language.
        // The tenant page's buttons wrap (their German and French words made the page ~840 pixels
        // wide and took that from the tree).
        QTest::qWait(50);
        const QList<int> sizes = splitter->sizes();
        QVERIFY(sizes.value(0) > 400);
        const QString englishMoney = BillingMoney::format(u"1234.5"_s, u"EUR"_s);

        // Edit → Preferences… (Ctrl+,), Language: Deutsch or Français.
        auto* preferences = window.findChild<QAction*>(u"preferencesAction"_s);
        QVERIFY(preferences);
        QVERIFY(preferences->shortcuts().contains(QKeySequence(Qt::CTRL | Qt::Key_Comma)));
        for (const QKeySequence& key : QKeySequence::keyBindings(QKeySequence::Preferences))
            QVERIFY(preferences->shortcuts().contains(key));
        preferences->trigger();
        auto* dialog = window.findChild<PreferencesDialog*>();
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->isVisible());
        choose(dialog, language);
        QCOMPARE(Settings::value(Settings::language), language);
        QCOMPARE(Language::current(), language);

        // The menus, the tenant's page and the open dialog speak the language, as the translation says.
        const QString file = translated("TenantDesk::MainWindow", "&File");
        QVERIFY(file != u"&File"_s);
        QTRY_COMPARE(menuTitles(window).value(0), file);
        QCOMPARE(menuTitles(window).size(), english.size());
        for (int i = 0; i < english.size(); ++i)
            QVERIFY2(menuTitles(window).at(i) != english.at(i), qPrintable(english.at(i)));
        QTRY_VERIFY_WITH_TIMEOUT(identityBox(window) && identityBox(window)->isVisible(), 30000);
        QCOMPARE(identityBox(window)->title(), translated("TenantDesk::TenantPage", "Identity"));
        QVERIFY(identityBox(window)->title() != u"Identity"_s);
        QTRY_COMPARE(dialog->windowTitle(), translated("TenantDesk::PreferencesDialog", "Preferences"));
        QVERIFY(dialog->windowTitle() != u"Preferences"_s);
        auto* edit = window.findChild<QMenu*>(u"editMenu"_s);
        QVERIFY(edit);
        QVERIFY(edit->actions().contains(window.findChild<QAction*>(u"preferencesAction"_s)));
        QCOMPARE(window.findChild<QAction*>(u"preferencesAction"_s)->text(), translated("TenantDesk::MainWindow", "&Preferences…"));
        // The tenant is still selected and shown in its brand, the window where it was, the tree as wide.
        QCOMPARE(tree->currentIndex().data(TenantTreeModel::TenantIdRole).toLongLong(), tenantId);
        QCOMPARE(window.branding()->activeSlug(), u"contoso-bank"_s);
        QCOMPARE(window.windowTitle(), translated("TenantDesk::BrandingManager", "%1 — TenantDesk").arg(product));
        QVERIFY2(window.windowTitle().contains(product), qPrintable(window.windowTitle()));
        QVERIFY(!window.windowTitle().contains(QFileInfo(m_database).fileName()));
        QCOMPARE(window.findChild<QLabel*>(u"brandingNameLabel"_s)->text(), product);
        QCOMPARE(logo->accessibleName(), translated("TenantDesk::BrandingManager", "%1 logo").arg(product));
        QVERIFY(logo->accessibleName() != product + u" logo"_s);
        QCOMPARE(window.findChild<QToolBar*>(u"brandingToolBar"_s)->windowTitle(), translated("TenantDesk::BrandingManager", "Branding"));
        QCOMPARE(window.geometry(), geometry);
        QCOMPARE(splitter->sizes(), sizes);
        QTest::qWait(50); // a layout pass after the pages were made again changes nothing either
        QCOMPARE(splitter->sizes(), sizes);
        QVERIFY(window.findChild<QAction*>(u"auditTrailAction"_s)->isEnabled());
        // Dates, numbers and money the language's way.
        QCOMPARE(QLocale().language(), locale);
        const QDateTime time(QDate(2026, 3, 14), QTime(9, 26, 53));
        QCOMPARE(localDateTime(time), QLocale(locale).toString(time.date(), QLocale::ShortFormat) + u' '
                                          + QLocale(locale).toString(time.time(), QLocale::ShortFormat));
        QCOMPARE(QLocale().toString(1234.5, 'f', 2), QLocale(locale).toString(1234.5, 'f', 2));
        QVERIFY(QLocale().toString(1234.5, 'f', 2) != QLocale(QLocale::English).toString(1234.5, 'f', 2));
        QCOMPARE(BillingMoney::format(u"1234.5"_s, u"EUR"_s), BillingMoney::format(u"1234.5"_s, u"EUR"_s, QLocale(locale)));
        QVERIFY2(BillingMoney::format(u"1234.5"_s, u"EUR"_s) != englishMoney, qPrintable(englishMoney));
        QVERIFY(BillingMoney::format(u"1234.5"_s, u"EUR"_s).contains(QLocale(locale).decimalPoint() + u"50"_s));

        // A page made when first shown (the audit trail) is made again too, and stays in front.
        window.showAuditTrail(tenantId);
        QTRY_VERIFY(window.findChild<QWidget*>(u"auditPage"_s) && window.findChild<QWidget*>(u"auditPage"_s)->isVisible());
        const QWidget* translatedAuditPage = window.findChild<QWidget*>(u"auditPage"_s);

        // And back to English, as at the start.
        choose(dialog, u"en"_s);
        QTRY_VERIFY(window.findChild<QWidget*>(u"auditPage"_s) && window.findChild<QWidget*>(u"auditPage"_s) != translatedAuditPage);
        QTRY_VERIFY(window.findChild<QWidget*>(u"auditPage"_s)->isVisible());
        QCOMPARE(window.findChild<QStackedWidget*>(u"detailStack"_s)->currentWidget(), window.findChild<QWidget*>(u"auditPage"_s));
        QTRY_COMPARE(menuTitles(window), english);
        QTRY_COMPARE(identityBox(window)->title(), u"Identity"_s);
        QTRY_COMPARE(dialog->windowTitle(), u"Preferences"_s);
        QCOMPARE(tree->currentIndex().data(TenantTreeModel::TenantIdRole).toLongLong(), tenantId);
        QCOMPARE(window.windowTitle(), product + u" — TenantDesk"_s);
        QCOMPARE(logo->accessibleName(), product + u" logo"_s);
        QCOMPARE(splitter->sizes(), sizes);
        QVERIFY(QLocale().language() != locale);
        QVERIFY(QLocale().toString(1234.5, 'f', 2) != QLocale(locale).toString(1234.5, 'f', 2));
        QCOMPARE(BillingMoney::format(u"1234.5"_s, u"EUR"_s), englishMoney);
        dialog->close();
        // The platform look again: the file's title, in English.
        tree->setCurrentIndex(platform);
        QTRY_COMPARE(window.windowTitle(), QFileInfo(m_database).fileName() + u" — TenantDesk"_s);
    }

    void systemDefaultFollowsTheSystem()
    {
        Language::setChosen(QString());
        QVERIFY(Language::chosen().isEmpty());
        QCOMPARE(Language::apply(Language::chosen()), Language::systemLanguage());
        QVERIFY(Language::available().contains(Language::systemLanguage()));
        QCOMPARE(Language::normalized(u"de-AT"_s), u"de"_s);
        QCOMPARE(Language::normalized(u"fr_CA"_s), u"fr"_s);
        QVERIFY(Language::normalized(u"es"_s).isEmpty());
        // A language TenantDesk does not speak is English.
        QCOMPARE(Language::apply(u"es"_s), u"en"_s);
    }
};

QTEST_MAIN(TestLanguageSwitch)
#include "tst_languageswitch.moc"
