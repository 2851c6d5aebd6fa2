// Billing → Attribution Rules… → Values Seen…: on a copy of the demo with the FOCUS sample imported,
// the business_unit values are listed the costliest first with the store's line counts and cost; the
// filter narrows them; the top value is mapped to a tenant through the dialog (typed slug, Map),
// marked as mapped, and once the rules are applied the tenant's total in the billing totals rises
// by exactly that value's cost.

#include "AttributionRulesDialog.h"
#include "AttributionRulesModel.h"
#include "AttributionValuesDialog.h"
#include "BillingTagValuesModel.h"
#include "Decimal.h"
#include "SqlStore.h"
#include "TestSupport.h"

#include <QAbstractButton>
#include <QAbstractItemModelTester>
#include <QAccessible>
#include <QComboBox>
#include <QDir>
#include <QHeaderView>
#include <QFile>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QStringListModel>
#include <QTableView>
#include <QTest>

#include <map>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

namespace {

// A tenant's billed cost in the totals, exactly, per currency.
std::map<QString, Decimal> tenantTotals(Store& store, TenantId tenant)
{
    std::map<QString, Decimal> totals;
    for (const BillingTotalsRow& row : await(store.billingTotals({.tenantId = tenant})))
        totals[row.billingCurrency] += *Decimal::parse(row.billedCost);
    return totals;
}

} // namespace

class TestAttributionValues : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<SqlStore> m_store;

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_store = std::make_unique<SqlStore>(copyFixture(smallDemoFixture(), m_dir));
        await(m_store->open(OpenMode::OpenExisting));
        m_store->setActor(u"finance@example.com"_s);
        const QString copy = QDir(m_dir.path()).filePath(u"focus_sample.csv"_s);
        QVERIFY(QFile::copy(QDir(QStringLiteral(TENANTDESK_SHARED_DATA_DIR)).filePath(u"focus/focus_sample.csv"_s), copy));
        QVERIFY(await(m_store->importBilling({copy, BillingFormat::Auto, DuplicateImport::Refuse, {}})).import.id > 0);
    }

    void cleanupTestCase() { m_store.reset(); }

    void mapsTheTopValueAndTheTenantsTotalRisesByItsCost()
    {
        // What the store says, independently of the dialog: each value's cost and tenants.
        const QList<BillingTagValue> rows = await(m_store->billingTagValues({u"business_unit"_s, {}}));
        std::map<QString, Decimal> costs;
        std::map<QString, QSet<TenantId>> tenantsOf;
        for (const BillingTagValue& row : rows) {
            QCOMPARE(row.billingCurrency, u"USD"_s);
            costs[row.value] += *Decimal::parse(row.billedCost);
            tenantsOf[row.value].insert(row.tenantId);
        }
        QVERIFY(costs.size() > 100);
        QString top;
        for (const auto& [value, cost] : costs)
            if (top.isEmpty() || cost > costs.at(top))
                top = value;
        QCOMPARE(tenantsOf.at(top), QSet<TenantId>{0}); // unallocated before

        const Tenant tenant = await(m_store->tenants(TenantQuery{})).items.constFirst();
        const std::map<QString, Decimal> before = tenantTotals(*m_store, tenant.id);

        AttributionRulesDialog dialog(m_store.get());
        QSignalSpy loaded(&dialog, &AttributionRulesDialog::loaded);
        dialog.show();
        QVERIFY(loaded.wait(30000));
        // The key fields offer the keys seen.
        QVERIFY(QTest::qWaitFor([&]() { return dialog.keysSeenModel()->stringList().contains(u"business_unit"_s); }, 30000));
        auto* valuesButton = dialog.findChild<QPushButton*>(u"valuesSeenButton"_s);
        QVERIFY(valuesButton && valuesButton->isEnabled());
        QVERIFY(valuesButton->text().contains(u'&'));

        AttributionValuesDialog* values = dialog.showValuesSeen(u"business_unit"_s);
        QVERIFY(values && values->isVisible());
        QAbstractItemModelTester tester(values->valuesModel(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        QAbstractItemModelTester proxyTester(values->proxyModel(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        QSignalSpy valuesLoaded(values, &AttributionValuesDialog::valuesLoaded);
        QVERIFY(valuesLoaded.wait(30000));
        // Every control a screen reader reaches has a name.
        for (QWidget* w : values->findChildren<QWidget*>()) {
            const bool control = qobject_cast<QAbstractButton*>(w) || qobject_cast<QComboBox*>(w)
                || (qobject_cast<QLineEdit*>(w) && !qobject_cast<QComboBox*>(w->parentWidget()))
                || (qobject_cast<QAbstractItemView*>(w) && !qobject_cast<QHeaderView*>(w) && w->window() == values);
            if (!w->isVisible() || !control)
                continue;
            QAccessibleInterface* iface = QAccessible::queryAccessibleInterface(w);
            QVERIFY2(iface && !iface->text(QAccessible::Name).trimmed().isEmpty(),
                     qPrintable(QString::fromLatin1(w->metaObject()->className()) + u' ' + w->objectName()));
        }
        BillingTagValuesModel* model = values->valuesModel();
        QCOMPARE(model->rowCount(), int(costs.size()));
        // The costliest first, with the store's exact cost and "Unallocated" as where it goes now.
        QCOMPARE(model->valueAt(0), top);
        QCOMPARE(*Decimal::parse(model->costAt(0, u"USD"_s)), costs.at(top));
        for (int r = 1; r < model->rowCount(); ++r)
            QVERIFY(!(costs.at(model->valueAt(r - 1)) < costs.at(model->valueAt(r))));
        QCOMPARE(model->index(0, BillingTagValuesModel::AttributedColumn).data().toString(), u"Unallocated"_s);
        QVERIFY(!model->index(0, 0).data(BillingTagValuesModel::MappedRole).toBool());

        // The filter narrows to the values containing the text, case-insensitively.
        auto* filter = values->findChild<QLineEdit*>(u"valuesFilterEdit"_s);
        QVERIFY(filter);
        filter->setFocus();
        QTest::keyClicks(filter, top.toLower());
        QCOMPARE(filter->text(), top.toLower());
        QVERIFY(values->proxyModel()->rowCount() >= 1);
        QVERIFY(values->proxyModel()->rowCount() < model->rowCount());
        for (int r = 0; r < values->proxyModel()->rowCount(); ++r)
            QVERIFY(values->proxyModel()->index(r, 0).data(BillingTagValuesModel::ValueRole).toString().contains(top, Qt::CaseInsensitive));
        filter->clear();
        QCOMPARE(values->proxyModel()->rowCount(), model->rowCount());

        // Select the top value with the keyboard, type the tenant, Map.
        QTableView* view = values->valuesView();
        view->setFocus();
        view->setCurrentIndex(values->proxyModel()->index(0, 0));
        view->selectRow(0);
        QCOMPARE(values->selectedValues(), QStringList{top});
        auto* tenantEdit = values->findChild<QLineEdit*>(u"valuesTenantEdit"_s);
        auto* mapButton = values->findChild<QPushButton*>(u"mapValuesButton"_s);
        QVERIFY(tenantEdit && mapButton);
        QVERIFY(!mapButton->isEnabled());
        tenantEdit->setFocus();
        QTest::keyClicks(tenantEdit, tenant.slug);
        QVERIFY(mapButton->isEnabled());
        QSignalSpy mapped(values, &AttributionValuesDialog::mapRequested);
        QTest::keyClick(tenantEdit, Qt::Key_Return);
        QVERIFY(mapped.wait(30000));
        const QList<AttributionMapping> edited = dialog.editedRules().mappings;
        QVERIFY(edited.contains(AttributionMapping{AttributionSource::Tag, u"business_unit"_s, top, tenant.id}));
        QVERIFY(QTest::qWaitFor([&]() { return model->index(0, 0).data(BillingTagValuesModel::MappedRole).toBool(); }, 5000));
        QCOMPARE(model->index(0, BillingTagValuesModel::MappedColumn).data().toString(), tenant.slug);
        QCOMPARE(dialog.storedRules().mappings, await(m_store->attributionRules()).mappings); // nothing stored yet

        // Apply: the tenant's total rises by exactly the value's cost, and the list follows.
        QSignalSpy applied(&dialog, &AttributionRulesDialog::applied);
        QSignalSpy reloaded(values, &AttributionValuesDialog::valuesLoaded);
        dialog.apply();
        QVERIFY(applied.wait(60000));
        std::map<QString, Decimal> after = tenantTotals(*m_store, tenant.id);
        const Decimal beforeUsd = before.count(u"USD"_s) ? before.at(u"USD"_s) : Decimal();
        QCOMPARE((after[u"USD"_s] - beforeUsd).text(), costs.at(top).text());
        QVERIFY(!reloaded.isEmpty() || reloaded.wait(30000));
        QVERIFY(QTest::qWaitFor([&]() {
            return model->index(0, BillingTagValuesModel::AttributedColumn).data().toString() == tenant.slug;
        }, 10000));
    }
};

QTEST_MAIN(TestAttributionValues)
#include "tst_attributionvalues.moc"
