// Accessibility of the console: every control a screen reader reaches has a name, every page opens
// from the keyboard, and Tab walks through a page without getting stuck.
#include "AttributionRulesDialog.h"
#include "BillingImportDialog.h"
#include "BrandingEditorDialog.h"
#include "BrandingManager.h"
#include "ConnectDialog.h"
#include "DecommissionDialog.h"
#include "EffectivePermissionsDialog.h"
#include "EnvironmentSettingsDialog.h"
#include "ExportDialog.h"
#include "FieldError.h"
#include "ImportDialog.h"
#include "Language.h"
#include "MainWindow.h"
#include "MembershipPicker.h"
#include "PreferencesDialog.h"
#include "PromoteDialog.h"
#include "TenantCreateDialog.h"
#include "TenantEditDialog.h"
#include "TenantSettingsDialog.h"
#include "UserEditorDialog.h"
#include "TenantTreeModel.h"
#include "TestSupport.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QAccessible>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSet>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTabBar>
#include <QTabWidget>
#include <QTest>
#include <QTextEdit>
#include <QTreeView>
#include <QVBoxLayout>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

namespace {

bool isInteractive(const QWidget* w)
{
    return qobject_cast<const QAbstractButton*>(w) || qobject_cast<const QLineEdit*>(w)
        || qobject_cast<const QComboBox*>(w) || qobject_cast<const QAbstractSpinBox*>(w)
        || qobject_cast<const QAbstractItemView*>(w) || qobject_cast<const QTextEdit*>(w)
        || qobject_cast<const QPlainTextEdit*>(w) || qobject_cast<const QAbstractSlider*>(w)
        || qobject_cast<const QTabBar*>(w) || w->inherits("QChartView");
}

// Parts Qt makes inside a compound control (a spin box's or an editable combo box's line edit, a
// view's header, a tab bar's scroll arrows): the screen reader reads the compound control instead.
bool isInternalPart(const QWidget* w)
{
    if (w->objectName().startsWith(u"qt_"_s) || qobject_cast<const QHeaderView*>(w) || w->inherits("QTableCornerButton"))
        return true;
    const QWidget* parent = w->parentWidget();
    // A scroll area's own scroll bars (in its qt_scrollarea_*container), read as part of the area.
    if (parent && parent->objectName().startsWith(u"qt_"_s))
        return true;
    if (qobject_cast<const QLineEdit*>(w) && (qobject_cast<const QComboBox*>(parent) || qobject_cast<const QAbstractSpinBox*>(parent)))
        return true;
    if (qobject_cast<const QAbstractItemView*>(w) && w->window() != w && w->window()->inherits("QComboBoxPrivateContainer"))
        return true;
    // A line edit's clear button: out of the Tab order (the keyboard clears with Ctrl+A, Delete), the
    // line edit is what a screen reader names.
    if (w->inherits("QLineEditIconButton"))
        return true;
    return parent && parent->inherits("QTabBar");
}

// Every visible interactive widget under root without an accessible name, as "Class objectName (where)".
QStringList unnamedControls(const QWidget* root, const QString& where)
{
    QStringList offenders;
    const auto widgets = root->findChildren<QWidget*>();
    for (QWidget* w : widgets) {
        if (!w->isVisible() || !isInteractive(w) || isInternalPart(w))
            continue;
        QAccessibleInterface* iface = QAccessible::queryAccessibleInterface(w);
        if (!iface || iface->text(QAccessible::Name).trimmed().isEmpty())
            offenders << u"%1 '%2' (%3)"_s.arg(QString::fromLatin1(w->metaObject()->className()), w->objectName(), where);
    }
    return offenders;
}

// unnamedControls() on root and on every page of each tab widget in it (a page hidden behind
// another tab is shown in turn, then the tab shown before comes back).
QStringList unnamedControlsOnEveryTab(QWidget* root, const QString& where)
{
    QStringList offenders = unnamedControls(root, where);
    const auto tabWidgets = root->findChildren<QTabWidget*>();
    for (QTabWidget* tabs : tabWidgets) {
        if (!tabs->isVisible())
            continue; // a nested one: visited when its own tab is shown
        const int shown = tabs->currentIndex();
        for (int i = 0; i < tabs->count(); ++i) {
            tabs->setCurrentIndex(i);
            QTest::qWait(50);
            const QString tab = u"%1, tab %2"_s.arg(where, QString(tabs->tabText(i)).remove(u'&'));
            offenders += unnamedControlsOnEveryTab(tabs->widget(i), tab);
        }
        tabs->setCurrentIndex(shown);
    }
    return offenders;
}

// Presses Tab from the first control of page up to limit times; returns the distinct widgets that
// took the focus inside the page, and whether the focus came back to where it started.
struct TabWalk {
    QSet<QWidget*> visited;
    bool cameBack = false;
};

TabWalk walkTabs(QWidget* window, QWidget* page, int limit)
{
    TabWalk walk;
    QWidget* start = nullptr;
    const auto widgets = page->findChildren<QWidget*>();
    for (QWidget* w : widgets) {
        if (w->isVisible() && w->isEnabled() && (w->focusPolicy() & Qt::TabFocus)) {
            start = w;
            break;
        }
    }
    if (!start)
        return walk;
    start->setFocus(Qt::TabFocusReason);
    for (int i = 0; i < limit; ++i) {
        QWidget* focused = QApplication::focusWidget();
        if (!focused)
            break;
        QTest::keyClick(focused, Qt::Key_Tab);
        QWidget* now = QApplication::focusWidget();
        if (now == start) {
            walk.cameBack = true;
            break;
        }
        if (now && page->isAncestorOf(now))
            walk.visited.insert(now);
    }
    Q_UNUSED(window);
    return walk;
}

} // namespace

class TestAccessibility : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_database;
    std::unique_ptr<MainWindow> m_window;
    QStringList m_offenders;

    QTreeView* tree() const { return m_window->findChild<QTreeView*>(u"tenantTreeView"_s); }
    QStackedWidget* detail() const { return m_window->findChild<QStackedWidget*>(u"detailStack"_s); }

    void selectInTree(const QModelIndex& index)
    {
        if (tree()->currentIndex() == index && detail()->currentWidget()->objectName() != u"platformPage"_s)
            return;
        QSignalSpy shown(m_window.get(), &MainWindow::detailShown);
        tree()->setCurrentIndex(index);
        // The page may be shown before setCurrentIndex returns (a tenant read before) or a while later
        // (its read queued behind others on a busy machine): count what came, then wait for the rest.
        QTRY_VERIFY_WITH_TIMEOUT(shown.count() > 0, 30000);
    }

    QModelIndex firstTenant() const
    {
        return tree()->model()->index(0, 0, m_window->tenantTreeModel()->platformIndex());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QAccessible::setActive(true);
        m_database = copyFixture(smallDemoFixture(), m_dir);
        m_window = std::make_unique<MainWindow>();
        m_window->setErrorDialogsEnabled(false);
        m_window->resize(1400, 900);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        m_offenders += unnamedControlsOnEveryTab(m_window.get(), u"welcome page"_s);

        QSignalSpy opened(m_window.get(), &MainWindow::storeOpened);
        m_window->openDatabase(m_database);
        QVERIFY(opened.wait(30000));
        const QModelIndex platform = m_window->tenantTreeModel()->platformIndex();
        QVERIFY(QTest::qWaitFor([&]() { return tree()->model()->rowCount(platform) > 0; }, 30000));
    }

    void cleanupTestCase() { m_window.reset(); }

    void detailPagesHaveNamedControls()
    {
        selectInTree(m_window->tenantTreeModel()->platformIndex());
        QTest::qWait(200);
        m_offenders += unnamedControlsOnEveryTab(m_window.get(), u"platform page"_s);

        selectInTree(firstTenant());
        QCOMPARE(detail()->currentWidget()->objectName(), u"tenantPage"_s);
        QTest::qWait(200);
        m_offenders += unnamedControlsOnEveryTab(m_window.get(), u"tenant page"_s);

        tree()->expand(firstTenant());
        QTRY_VERIFY(tree()->model()->rowCount(firstTenant()) > 0);
        const QModelIndex environment = tree()->model()->index(0, 0, firstTenant());
        selectInTree(environment);
        QTest::qWait(200);
        m_offenders += unnamedControlsOnEveryTab(m_window.get(), u"%1 page"_s.arg(detail()->currentWidget()->objectName()));
        selectInTree(firstTenant());
    }

    // Each view page opens from its shortcut, has named controls, and Tab moves through it and on.
    void viewPagesOpenFromTheKeyboard_data()
    {
        QTest::addColumn<QString>("action");
        QTest::addColumn<QString>("page");
        QTest::addColumn<int>("minimumStops");
        QTest::newRow("audit") << u"auditTrailAction"_s << u"auditPage"_s << 3;
        QTest::newRow("users") << u"usersAction"_s << u"usersPage"_s << 3;
        QTest::newRow("roles") << u"rolesAction"_s << u"rolesPage"_s << 2;
        QTest::newRow("usage") << u"usageAction"_s << u"usagePage"_s << 2;
        QTest::newRow("billing") << u"billingAction"_s << u"billingPage"_s << 2;
    }

    void viewPagesOpenFromTheKeyboard()
    {
        QFETCH(QString, action);
        QFETCH(QString, page);
        QFETCH(int, minimumStops);
        selectInTree(firstTenant());
        auto* act = m_window->findChild<QAction*>(action);
        QVERIFY2(act, qPrintable(action));
        QVERIFY2(!act->shortcut().isEmpty(), qPrintable(action + u" has no shortcut"_s));
        QVERIFY(act->isEnabled());

        m_window->activateWindow();
        tree()->setFocus();
        QTest::keySequence(m_window.get(), act->shortcut());
        QTRY_COMPARE(detail()->currentWidget()->objectName(), page);
        QTest::qWait(300);
        m_offenders += unnamedControlsOnEveryTab(detail()->currentWidget(), page);

        const TabWalk walk = walkTabs(m_window.get(), detail()->currentWidget(), 60);
        QVERIFY2(walk.visited.size() >= minimumStops,
                 qPrintable(u"Tab reached %1 controls of %2"_s.arg(walk.visited.size()).arg(page)));
        QVERIFY2(walk.cameBack, qPrintable(u"Tab did not come back around on %1; stuck in %2 '%3'"_s.arg(page,
            QString::fromLatin1(QApplication::focusWidget() ? QApplication::focusWidget()->metaObject()->className() : "nothing"),
            QApplication::focusWidget() ? QApplication::focusWidget()->objectName() : QString())));
    }

    void dialogsHaveNamedControls()
    {
        Store* store = m_window->store();
        QVERIFY(store);
        const TenantId tenantId = TenantId(firstTenant().data(TenantTreeModel::TenantIdRole).toLongLong());
        const Tenant tenant = await(store->tenant(tenantId));
        const TenantSummary summary = await(store->tenantSummary(tenantId));

        const auto check = [this](QDialog& dialog, const QString& where) {
            dialog.show();
            QVERIFY(QTest::qWaitForWindowExposed(&dialog));
            QTest::qWait(200);
            m_offenders += unnamedControlsOnEveryTab(&dialog, where);
            dialog.reject();
        };
        {
            ImportDialog d(store, m_window.get());
            check(d, u"ImportDialog"_s);
        }
        {
            ExportDialog d(store, m_window.get());
            check(d, u"ExportDialog"_s);
        }
        {
            BillingImportDialog d(store, m_window.get());
            check(d, u"BillingImportDialog"_s);
        }
        {
            AttributionRulesDialog d(store, m_window.get());
            check(d, u"AttributionRulesDialog"_s);
        }
        {
            ConnectDialog d(m_window.get());
            check(d, u"ConnectDialog"_s);
        }
        {
            TenantEditDialog d(store, tenant, m_window.get());
            check(d, u"TenantEditDialog"_s);
        }
        {
            TenantSettingsDialog d(store, summary, m_window.get());
            check(d, u"TenantSettingsDialog"_s);
        }
        {
            BrandingEditorDialog d(m_window->branding()->shownPack(), m_window.get());
            check(d, u"BrandingEditorDialog"_s);
        }
        {
            PreferencesDialog d(m_window.get());
            check(d, u"PreferencesDialog"_s);
        }
        {
            TenantCreateDialog d(store, tenant, m_window.get());
            check(d, u"TenantCreateDialog"_s);
        }
        {
            DecommissionDialog d(store, tenant, m_window.get());
            check(d, u"DecommissionDialog"_s);
        }
        const QList<Environment> environments = await(store->environments(tenantId));
        QVERIFY(!environments.isEmpty());
        {
            PromoteDialog d(store, environments, m_window.get());
            check(d, u"PromoteDialog"_s);
        }
        {
            EnvironmentSettingsDialog d(store, environments.constFirst(), m_window.get());
            check(d, u"EnvironmentSettingsDialog"_s);
        }
        UserQuery query;
        query.tenantId = tenantId;
        query.limit = 1;
        const Page<User> users = await(store->users(query));
        QVERIFY(!users.items.isEmpty());
        const UserId userId = users.items.constFirst().id;
        {
            UserEditorDialog d(store, userId, {}, m_window.get());
            check(d, u"UserEditorDialog"_s);
        }
        {
            UserEditorDialog d(store, 0, tenant.slug, m_window.get());
            check(d, u"UserEditorDialog (new user)"_s);
        }
        {
            EffectivePermissionsDialog d(store, userId, tenantId, m_window.get());
            check(d, u"EffectivePermissionsDialog"_s);
        }
        for (const bool withRole : {true, false}) {
            QDialog d(m_window.get());
            auto* layout = new QVBoxLayout(&d);
            layout->addWidget(new MembershipPicker(store, withRole, &d));
            check(d, withRole ? u"MembershipPicker (with role)"_s : u"MembershipPicker"_s);
        }
    }

    // A field's error message is read out as "Error" in the language spoken.
    void errorLabelsAreNamedInTheLanguageSpoken()
    {
        QWidget parent;
        QLabel* english = makeErrorLabel(u"englishError"_s, &parent);
        QCOMPARE(english->accessibleName(), u"Error"_s);
        Language::apply(u"de"_s);
        QLabel* german = makeErrorLabel(u"germanError"_s, &parent);
        const QString translated = QCoreApplication::translate("TenantDesk::FieldError", "Error");
        QVERIFY(translated != u"Error"_s);
        QCOMPARE(german->accessibleName(), translated);
        Language::apply(u"en"_s);
    }

    // Runs last: lists every control found without a name on any page or dialog.
    void zzEveryControlHasAnAccessibleName()
    {
        m_offenders.removeDuplicates();
        QVERIFY2(m_offenders.isEmpty(), qPrintable(u"\n  "_s + m_offenders.join(u"\n  "_s)));
    }
};

QTEST_MAIN(TestAccessibility)
#include "tst_accessibility.moc"
