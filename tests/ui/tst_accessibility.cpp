// Accessibility of the console: every control a screen reader reaches has a name, every page opens
// from the keyboard, and Tab walks through a page without getting stuck.
#include "AttributionRulesDialog.h"
#include "BillingImportDialog.h"
#include "ConnectDialog.h"
#include "ExportDialog.h"
#include "ImportDialog.h"
#include "MainWindow.h"
#include "TenantEditDialog.h"
#include "TenantSettingsDialog.h"
#include "TenantTreeModel.h"
#include "TestSupport.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAbstractSpinBox>
#include <QAccessible>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QHeaderView>
#include <QLineEdit>
#include <QSet>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTest>
#include <QTextEdit>
#include <QTreeView>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

namespace {

bool isInteractive(const QWidget* w)
{
    return qobject_cast<const QAbstractButton*>(w) || qobject_cast<const QLineEdit*>(w)
        || qobject_cast<const QComboBox*>(w) || qobject_cast<const QAbstractSpinBox*>(w)
        || qobject_cast<const QAbstractItemView*>(w) || qobject_cast<const QTextEdit*>(w);
}

// Parts Qt makes inside a compound control (a spin box's or an editable combo box's line edit, a
// view's header, a tab bar's scroll arrows): the screen reader reads the compound control instead.
bool isInternalPart(const QWidget* w)
{
    if (w->objectName().startsWith(u"qt_"_s) || qobject_cast<const QHeaderView*>(w) || w->inherits("QTableCornerButton"))
        return true;
    const QWidget* parent = w->parentWidget();
    if (qobject_cast<const QLineEdit*>(w) && (qobject_cast<const QComboBox*>(parent) || qobject_cast<const QAbstractSpinBox*>(parent)))
        return true;
    if (qobject_cast<const QAbstractItemView*>(w) && w->window() != w && w->window()->inherits("QComboBoxPrivateContainer"))
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
        QVERIFY(shown.wait(10000));
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
        m_offenders += unnamedControls(m_window.get(), u"welcome page"_s);

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
        m_offenders += unnamedControls(m_window.get(), u"platform page"_s);

        selectInTree(firstTenant());
        QCOMPARE(detail()->currentWidget()->objectName(), u"tenantPage"_s);
        QTest::qWait(200);
        m_offenders += unnamedControls(m_window.get(), u"tenant page"_s);

        tree()->expand(firstTenant());
        QTRY_VERIFY(tree()->model()->rowCount(firstTenant()) > 0);
        const QModelIndex environment = tree()->model()->index(0, 0, firstTenant());
        selectInTree(environment);
        QTest::qWait(200);
        m_offenders += unnamedControls(m_window.get(), u"%1 page"_s.arg(detail()->currentWidget()->objectName()));
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
        m_offenders += unnamedControls(detail()->currentWidget(), page);

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
            m_offenders += unnamedControls(&dialog, where);
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
