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
#include <QLocale>
#include <QMenuBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTest>
#include <QTreeView>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

// Edit → Preferences…, Language: switching relabels every open window at once, without a restart,
// and dates and numbers follow the language's locale.
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

    void switchingRelabelsOpenWindowsAtOnce()
    {
        MainWindow window;
        window.setErrorDialogsEnabled(false);
        window.show();
        QSignalSpy opened(&window, &MainWindow::storeOpened);
        window.openDatabase(m_database);
        QVERIFY(opened.wait(30000));
        auto* tree = window.findChild<QTreeView*>(u"tenantTreeView"_s);
        const QModelIndex platform = window.tenantTreeModel()->platformIndex();
        QTRY_VERIFY_WITH_TIMEOUT(tree->model()->rowCount(platform) > 0, 30000);
        const QModelIndex tenant = tree->model()->index(0, 0, platform);
        const TenantId tenantId = tenant.data(TenantTreeModel::TenantIdRole).toLongLong();
        tree->setCurrentIndex(tenant);
        QTRY_VERIFY_WITH_TIMEOUT(identityBox(window) && identityBox(window)->isVisible(), 30000);
        const QStringList english = menuTitles(window);
        QCOMPARE(english.value(0), u"&File"_s);
        QCOMPARE(identityBox(window)->title(), u"Identity"_s);
        const QRect geometry = window.geometry();

        // Edit → Preferences… (Ctrl+,), Language: Deutsch.
        auto* preferences = window.findChild<QAction*>(u"preferencesAction"_s);
        QVERIFY(preferences);
        QVERIFY(preferences->shortcuts().contains(QKeySequence(Qt::CTRL | Qt::Key_Comma)));
        for (const QKeySequence& key : QKeySequence::keyBindings(QKeySequence::Preferences))
            QVERIFY(preferences->shortcuts().contains(key));
        preferences->trigger();
        auto* dialog = window.findChild<PreferencesDialog*>();
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->isVisible());
        choose(dialog, u"de"_s);
        QCOMPARE(Settings::value(Settings::language), u"de"_s);
        QCOMPARE(Language::current(), u"de"_s);

        // The menus, the tenant's page and the open dialog speak German, as the translation says.
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
        // The tenant is still selected and shown, the window where it was.
        QCOMPARE(tree->currentIndex().data(TenantTreeModel::TenantIdRole).toLongLong(), tenantId);
        QCOMPARE(window.geometry(), geometry);
        QVERIFY(window.findChild<QAction*>(u"auditTrailAction"_s)->isEnabled());
        // Dates and numbers the German way.
        QCOMPARE(QLocale().language(), QLocale::German);
        const QDateTime time(QDate(2026, 3, 14), QTime(9, 26, 53));
        QCOMPARE(localDateTime(time), QLocale(QLocale::German).toString(time.date(), QLocale::ShortFormat) + u' '
                                          + QLocale(QLocale::German).toString(time.time(), QLocale::ShortFormat));
        QCOMPARE(QLocale().toString(1234.5, 'f', 2), QLocale(QLocale::German).toString(1234.5, 'f', 2));
        QVERIFY(QLocale().toString(1234.5, 'f', 2) != QLocale(QLocale::English).toString(1234.5, 'f', 2));

        // A page made when first shown (the audit trail) is made again too, and stays in front.
        window.showAuditTrail(tenantId);
        QTRY_VERIFY(window.findChild<QWidget*>(u"auditPage"_s) && window.findChild<QWidget*>(u"auditPage"_s)->isVisible());
        const QWidget* germanAuditPage = window.findChild<QWidget*>(u"auditPage"_s);

        // And back to English, as at the start.
        choose(dialog, u"en"_s);
        QTRY_VERIFY(window.findChild<QWidget*>(u"auditPage"_s) && window.findChild<QWidget*>(u"auditPage"_s) != germanAuditPage);
        QTRY_VERIFY(window.findChild<QWidget*>(u"auditPage"_s)->isVisible());
        QCOMPARE(window.findChild<QStackedWidget*>(u"detailStack"_s)->currentWidget(), window.findChild<QWidget*>(u"auditPage"_s));
        QTRY_COMPARE(menuTitles(window), english);
        QTRY_COMPARE(identityBox(window)->title(), u"Identity"_s);
        QTRY_COMPARE(dialog->windowTitle(), u"Preferences"_s);
        QCOMPARE(tree->currentIndex().data(TenantTreeModel::TenantIdRole).toLongLong(), tenantId);
        QVERIFY(QLocale().language() != QLocale::German);
        QVERIFY(QLocale().toString(1234.5, 'f', 2) != QLocale(QLocale::German).toString(1234.5, 'f', 2));
        dialog->close();
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
