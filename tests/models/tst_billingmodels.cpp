#include "AttributionRulesModel.h"
#include "BillingLinesModel.h"
#include "BillingMoney.h"
#include "BillingTotalsModel.h"
#include "BillingTotalsSortProxy.h"
#include "BudgetModel.h"
#include "Decimal.h"
#include "SqlStore.h"
#include "TestSupport.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include <map>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

namespace {

BillingTotalsRow row(TenantId tenant, const QString& month, const QString& service, const QString& billed,
                     const QString& currency = u"USD"_s, bool shared = false, qint64 lines = 3)
{
    BillingTotalsRow r;
    r.tenantId = tenant;
    r.month = month;
    r.serviceName = service;
    r.serviceCategory = u"Compute"_s;
    r.billingCurrency = currency;
    r.billedCost = billed;
    r.effectiveCost = billed;
    r.listCost = billed;
    r.lineCount = lines;
    r.shared = shared;
    return r;
}

// The exact sum of the rows that `keep` selects, summed here independently of the model.
QString sumOf(const QList<BillingTotalsRow>& rows, const std::function<bool(const BillingTotalsRow&)>& keep)
{
    DecimalSum sum;
    for (const BillingTotalsRow& r : rows)
        if (keep(r))
            sum.add(r.billedCost);
    return sum.text();
}

bool sameAmount(const QString& a, const QString& b)
{
    DecimalSum gap;
    return gap.add(BillingMoney::difference(a, b)) && gap.isZero();
}

bool loadAll(BillingLinesModel& model)
{
    for (;;) {
        if (!QTest::qWaitFor([&model]() { return !model.isLoading(); }, 30000))
            return false;
        if (!model.canFetchMore({}))
            return true;
        model.fetchMore({});
    }
}

} // namespace

class TestBillingModels : public QObject
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
    }

    void cleanupTestCase() { m_store.reset(); }

    void moneyIsRoundedAndSubtractedExactly()
    {
        QCOMPARE(BillingMoney::rounded(u"12.345"_s), u"12.35"_s);
        QCOMPARE(BillingMoney::rounded(u"-0.004"_s), u"0.00"_s);
        QCOMPARE(BillingMoney::rounded(u"99.995"_s), u"100.00"_s);
        QCOMPARE(BillingMoney::rounded(u"0.000235520300000"_s, 6), u"0.000236"_s);
        QCOMPARE(BillingMoney::difference(u"0.3"_s, u"0.1"_s), u"0.20"_s);
        QCOMPARE(BillingMoney::difference(u"1"_s, u"-0.000000000000001"_s), u"1.000000000000001"_s);
        QVERIFY(BillingMoney::format(u"1234.5"_s, u"EUR"_s, QLocale(QLocale::English)).contains(u"1,234.50"_s));
        QVERIFY(BillingMoney::format(u"1234.5"_s, u"EUR"_s, QLocale(QLocale::German)).contains(u"1.234,50"_s));
        QVERIFY(BillingMoney::format(u"1234.5"_s, u"EUR"_s).contains(u"EUR"_s));
        QVERIFY(!BillingMoney::isDecimal(u"12,5"_s));
        QVERIFY(!BillingMoney::isDecimal(u"1e3"_s));
    }

    // The pivot's every cell is the exact sum of the rows it was given: by tenant and month, by
    // service, the totals, and the change of the latest month; no binary float anywhere.
    void totalsPivotSumsTheRowsExactly()
    {
        BillingTotalsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QList<BillingTotalsRow> rows;
        // Amounts as exports write them: 15 decimals, tenths that no binary float holds, negatives.
        for (int i = 0; i < 10; ++i) {
            rows << row(7, u"2024-09"_s, u"EC2"_s, u"0.1"_s) << row(7, u"2024-09"_s, u"S3"_s, u"0.2"_s);
            rows << row(0, u"2024-09"_s, u"Support"_s, u"0.000235520300000"_s);
        }
        rows << row(7, u"2024-11"_s, u"EC2"_s, u"12.340000000000001"_s) << row(7, u"2024-11"_s, u"EC2"_s, u"-0.34"_s)
             << row(8, u"2024-11"_s, u"EC2"_s, u"5"_s) << row(8, u"2024-11"_s, u"Shared network"_s, u"1.005"_s, u"USD"_s, true)
             << row(8, u"2024-10"_s, u"EC2"_s, u"2.5"_s) << row(0, u"2024-11"_s, u"Support"_s, u"3.3"_s)
             << row(7, u"2024-10"_s, u"EC2"_s, u"1.1"_s, u"EUR"_s);
        model.setTenantNames({{7, u"Acme"_s}, {8, u"Globex"_s}});
        model.setTotals(rows);

        QCOMPARE(model.months(), (QStringList{u"2024-09"_s, u"2024-10"_s, u"2024-11"_s}));
        // Unallocated first, never out of sight; totals last, one per currency.
        const QModelIndex unallocated = model.index(0, BillingTotalsModel::NameColumn);
        QCOMPARE(unallocated.data(BillingTotalsModel::TenantIdRole).toLongLong(), 0);
        QCOMPARE(unallocated.data().toString(), u"Unallocated"_s);
        QCOMPARE(model.currencies(), (QStringList{u"EUR"_s, u"USD"_s}));
        for (int r = 0; r < model.rowCount(); ++r) {
            const QModelIndex name = model.index(r, BillingTotalsModel::NameColumn);
            const auto kind = name.data(BillingTotalsModel::RowKindRole).value<BillingTotalsModel::RowKind>();
            const TenantId tenant = name.data(BillingTotalsModel::TenantIdRole).toLongLong();
            const QString currency = name.data(BillingTotalsModel::CurrencyRole).toString();
            const bool total = kind == BillingTotalsModel::RowKind::Total;
            QCOMPARE(total, r >= model.rowCount() - 2);
            for (const QString& month : model.months()) {
                const QString cell = model.index(r, model.monthColumn(month)).data(BillingTotalsModel::ExactAmountRole).toString();
                const QString expected = sumOf(rows, [&](const BillingTotalsRow& x) {
                    return x.month == month && x.billingCurrency == currency && (total || x.tenantId == tenant);
                });
                QVERIFY2(sameAmount(cell, expected), qPrintable(cell + u" ≠ "_s + expected));
            }
            const QString rowTotal = model.index(r, model.totalColumn()).data(BillingTotalsModel::ExactAmountRole).toString();
            QVERIFY(sameAmount(rowTotal, sumOf(rows, [&](const BillingTotalsRow& x) {
                return x.billingCurrency == currency && (total || x.tenantId == tenant);
            })));
            // Services under a tenant add up to the tenant, exactly.
            DecimalSum services;
            for (int s = 0; s < model.rowCount(name); ++s) {
                const QModelIndex service = model.index(s, model.totalColumn(), name);
                services.add(service.data(BillingTotalsModel::ExactAmountRole).toString());
                const QString serviceName = service.data(BillingTotalsModel::ServiceNameRole).toString();
                const bool shared = service.data(BillingTotalsModel::SharedRole).toBool();
                QVERIFY(sameAmount(service.data(BillingTotalsModel::ExactAmountRole).toString(), sumOf(rows, [&](const BillingTotalsRow& x) {
                    return x.tenantId == tenant && x.billingCurrency == currency && x.serviceName == serviceName && x.shared == shared;
                })));
                if (shared) {
                    QVERIFY(model.index(s, 0, name).data().toString().contains(u"shared"_s));
                    QVERIFY(model.index(s, 0, name).data(Qt::FontRole).value<QFont>().italic());
                }
            }
            if (!total)
                QVERIFY(sameAmount(services.text(), rowTotal));
            // The change of the latest month over the one before.
            const QString latest = model.index(r, model.monthColumn(u"2024-11"_s)).data(BillingTotalsModel::ExactAmountRole).toString();
            const QString before = model.index(r, model.monthColumn(u"2024-10"_s)).data(BillingTotalsModel::ExactAmountRole).toString();
            QVERIFY(sameAmount(model.index(r, model.changeColumn()).data(BillingTotalsModel::ExactAmountRole).toString(),
                               BillingMoney::difference(latest, before)));
        }
        // Ten times 0.1 + 0.2 is 3.0, exactly, though no double says so.
        const QModelIndex acme = model.tenantIndex(7, u"USD"_s);
        QCOMPARE(model.index(acme.row(), model.monthColumn(u"2024-09"_s)).data(BillingTotalsModel::ExactAmountRole).toString(), u"3.00"_s);
        // Globex's change: 6.005 in November against 2.5 in October, +140.2 %.
        const QModelIndex globex = model.tenantIndex(8);
        QCOMPARE(model.index(globex.row(), model.changeColumn()).data(BillingTotalsModel::ExactAmountRole).toString(),
                 BillingMoney::difference(u"6.005"_s, u"2.5"_s));
        QVERIFY(model.index(globex.row(), model.changePercentColumn()).data().toString().startsWith(u"+140.2"_s));
        // The drill-down of a cell is its tenant, service, month and currency.
        const QModelIndex ec2 = model.index(0, model.monthColumn(u"2024-11"_s), globex);
        const std::optional<BillingLineQuery> query = model.lineQuery(ec2);
        QVERIFY(query);
        QCOMPARE(query->filter.tenantId, std::optional<TenantId>(8));
        QCOMPARE(query->month, u"2024-11"_s);
        QCOMPARE(query->filter.serviceName, model.index(0, 0, globex).data(BillingTotalsModel::ServiceNameRole).toString());
        QCOMPARE(query->filter.billingCurrency, u"USD"_s);
        QVERIFY(!model.lineQuery(model.index(0, BillingTotalsModel::NameColumn)));

        // Another cost kind sums its own column.
        model.setCostKind(BillingTotalsModel::CostKind::Effective);
        QCOMPARE(model.index(model.tenantIndex(7, u"USD"_s).row(), model.monthColumn(u"2024-09"_s)).data(BillingTotalsModel::ExactAmountRole).toString(), u"3.00"_s);
    }

    // Sorting by a column orders by amount (not by text), and the totals stay at the bottom.
    void sortKeepsTotalsLast()
    {
        BillingTotalsModel model;
        BillingTotalsSortProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setTotals({row(1, u"2024-09"_s, u"A"_s, u"9"_s), row(2, u"2024-09"_s, u"A"_s, u"10"_s),
                         row(3, u"2024-09"_s, u"A"_s, u"100"_s), row(0, u"2024-09"_s, u"A"_s, u"1"_s)});
        for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
            proxy.sort(model.totalColumn(), order);
            const int last = proxy.rowCount() - 1;
            QCOMPARE(proxy.index(last, 0).data(BillingTotalsModel::RowKindRole).value<BillingTotalsModel::RowKind>(),
                     BillingTotalsModel::RowKind::Total);
            for (int r = 1; r < last; ++r) {
                const double a = proxy.index(r - 1, model.totalColumn()).data(BillingTotalsModel::SortRole).toDouble();
                const double b = proxy.index(r, model.totalColumn()).data(BillingTotalsModel::SortRole).toDouble();
                QVERIFY(order == Qt::AscendingOrder ? a <= b : a >= b);
            }
        }
    }

    // The demo's totals from the store, and the lines behind a cell, a page at a time: their sum is
    // the cell's, exactly.
    void linesBehindACellSumToIt()
    {
        const QList<BillingTotalsRow> rows = await(m_store->billingTotals({}));
        QVERIFY(!rows.isEmpty());
        BillingTotalsModel totals;
        QAbstractItemModelTester totalsTester(&totals, QAbstractItemModelTester::FailureReportingMode::Fatal);
        totals.setTotals(rows);
        // A tenant's direct cost of one service in the latest month.
        QModelIndex cell;
        for (int r = 0; r < totals.rowCount() && !cell.isValid(); ++r) {
            const QModelIndex tenant = totals.index(r, 0);
            if (tenant.data(BillingTotalsModel::TenantIdRole).toLongLong() == 0
                || tenant.data(BillingTotalsModel::RowKindRole).value<BillingTotalsModel::RowKind>() != BillingTotalsModel::RowKind::Tenant)
                continue;
            for (int s = 0; s < totals.rowCount(tenant); ++s) {
                const QModelIndex candidate = totals.index(s, totals.monthColumn(totals.months().constLast()), tenant);
                if (!candidate.data(BillingTotalsModel::SharedRole).toBool()
                    && candidate.data(BillingTotalsModel::LineCountRole).toLongLong() > 5) {
                    cell = candidate;
                    break;
                }
            }
        }
        QVERIFY(cell.isValid());
        const std::optional<BillingLineQuery> query = totals.lineQuery(cell);
        QVERIFY(query);

        BillingLinesModel lines;
        QAbstractItemModelTester tester(&lines, QAbstractItemModelTester::FailureReportingMode::Fatal);
        tester.setUseFetchMore(true);
        lines.setPageSize(2);
        QSignalSpy pages(&lines, &BillingLinesModel::pageLoaded);
        lines.setStore(m_store.get());
        QVERIFY(!lines.canFetchMore({}));
        lines.setQuery(*query);
        QVERIFY(lines.isLoading());
        QVERIFY(!lines.canFetchMore({})); // not while a page is on its way
        QVERIFY(loadAll(lines));
        QVERIFY(lines.isComplete());
        QVERIFY(pages.size() > 1);
        QCOMPARE(qint64(lines.rowCount()), cell.data(BillingTotalsModel::LineCountRole).toLongLong());
        QVERIFY2(sameAmount(lines.billedCostSum(), cell.data(BillingTotalsModel::ExactAmountRole).toString()),
                 qPrintable(lines.billedCostSum() + u" ≠ "_s + cell.data(BillingTotalsModel::ExactAmountRole).toString()));
        for (int r = 0; r < lines.rowCount(); ++r) {
            QCOMPARE(lines.line(r).serviceName, query->filter.serviceName);
            QCOMPARE(lines.line(r).tenantId, *query->filter.tenantId);
            QCOMPARE(lines.line(r).chargePeriodStart.toUTC().toString(u"yyyy-MM"_s), query->month);
            if (r > 0)
                QVERIFY(lines.line(r - 1).chargePeriodStart <= lines.line(r).chargePeriodStart);
        }
        QCOMPARE(lines.index(0, BillingLinesModel::BilledCostColumn).data(BillingLinesModel::ExactAmountRole).toString(),
                 lines.line(0).billedCost);
    }

    // A page that fails stops the loading with the store's message; retry asks again.
    void failedPageShowsErrorAndRetries()
    {
        BillingLinesModel lines;
        QAbstractItemModelTester tester(&lines, QAbstractItemModelTester::FailureReportingMode::Fatal);
        tester.setUseFetchMore(true);
        QSignalSpy failed(&lines, &BillingLinesModel::loadFailed);
        lines.setStore(m_store.get());
        BillingLineQuery query;
        query.filter.tenantId = 987654321; // no such tenant
        lines.setQuery(query);
        QVERIFY(failed.wait(30000));
        QVERIFY(lines.hasError());
        QVERIFY(!lines.errorMessage().isEmpty());
        QVERIFY(!lines.canFetchMore({}));
        QCOMPARE(lines.rowCount(), 0);
        lines.retry();
        QVERIFY(lines.isLoading());
        QVERIFY(!lines.hasError());
        QVERIFY(failed.wait(30000));
        QCOMPARE(failed.size(), 2);
    }

    // Mappings are edited in place; a slug the model does not know is asked for, then resolved.
    void attributionMappingsEdit()
    {
        AttributionRulesModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QSignalSpy lookups(&model, &AttributionRulesModel::tenantLookupRequested);
        model.setMappings({AttributionMapping{AttributionSource::Tag, u"business_unit"_s, u"retail"_s, 5}});
        QCOMPARE(model.unnamedTenants(), QList<TenantId>{5});
        model.learnTenant(5, u"acme"_s);
        QCOMPARE(model.index(0, AttributionRulesModel::TenantColumn).data().toString(), u"acme"_s);
        QVERIFY(model.problems().isEmpty());

        QVERIFY(model.insertRows(1, 1));
        QCOMPARE(model.index(1, AttributionRulesModel::KeyColumn).data().toString(), u"business_unit"_s); // continues the row above
        QVERIFY(!model.problems().isEmpty());
        QVERIFY(model.setData(model.index(1, AttributionRulesModel::ValueColumn), u"wholesale"_s));
        QVERIFY(model.setData(model.index(1, AttributionRulesModel::TenantColumn), u"globex"_s));
        QCOMPARE(lookups.size(), 1);
        QCOMPARE(lookups.constFirst().constFirst().toString(), u"globex"_s);
        QVERIFY(model.problems().constFirst().contains(u"globex"_s));
        model.learnTenant(9, u"globex"_s);
        QVERIFY(model.problems().isEmpty());
        QCOMPARE(model.mappings().at(1), (AttributionMapping{AttributionSource::Tag, u"business_unit"_s, u"wholesale"_s, 9}));

        // A known slug needs no lookup; an unknown one found nowhere is a problem naming it.
        QVERIFY(model.setData(model.index(0, AttributionRulesModel::TenantColumn), u"globex"_s));
        QCOMPARE(lookups.size(), 1);
        QCOMPARE(model.mappings().at(0).tenantId, 9);
        QVERIFY(model.setData(model.index(0, AttributionRulesModel::TenantColumn), u"nobody"_s));
        model.tenantNotFound(u"nobody"_s);
        QVERIFY(model.problems().constFirst().contains(u"no tenant has the slug “nobody”"_s));

        // A sub-account mapping has no tag key.
        QVERIFY(model.setData(model.index(0, AttributionRulesModel::SourceColumn), int(AttributionSource::SubAccount)));
        QCOMPARE(model.mappings().at(0).source, AttributionSource::SubAccount);
        QVERIFY(model.mappings().at(0).key.isEmpty());
        QVERIFY(!(model.flags(model.index(0, AttributionRulesModel::KeyColumn)) & Qt::ItemIsEditable));
        QVERIFY(model.removeRows(0, 1));
        QCOMPARE(model.rowCount(), 1);
    }

    // Budgets against the month's cost summed exactly; an edit asks the store, a refusal reverts.
    void budgetsAgainstCost()
    {
        BudgetModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        const QList<BillingTotalsRow> rows{row(7, u"2024-11"_s, u"EC2"_s, u"60.10"_s), row(7, u"2024-11"_s, u"S3"_s, u"60.005"_s),
                                           row(7, u"2024-10"_s, u"EC2"_s, u"1000"_s), row(8, u"2024-11"_s, u"EC2"_s, u"5"_s),
                                           row(0, u"2024-11"_s, u"EC2"_s, u"99"_s)};
        model.setData({TenantBudget{7, u"100.00"_s, u"USD"_s}}, rows, u"2024-11"_s);
        model.setTenantNames({{7, u"Acme"_s}, {8, u"Globex"_s}});
        QCOMPARE(model.rowCount(), 2); // unallocated cost has no budget
        const int acme = model.rowOf(7);
        QCOMPARE(model.index(acme, BudgetModel::CostColumn).data(BudgetModel::ExactAmountRole).toString(),
                 sumOf(rows, [](const BillingTotalsRow& x) { return x.tenantId == 7 && x.month == u"2024-11"_s; }));
        QCOMPARE(qRound(model.index(acme, BudgetModel::UsedColumn).data(BudgetModel::PercentUsedRole).toDouble() * 10), 1201);
        QVERIFY(!model.index(model.rowOf(8), BudgetModel::UsedColumn).data(BudgetModel::PercentUsedRole).isValid());

        QList<TenantBudget> edited;
        connect(&model, &BudgetModel::budgetEdited, this, [&edited](const TenantBudget& budget) { edited.append(budget); });
        QSignalSpy invalid(&model, &BudgetModel::invalidBudget);
        QVERIFY(!model.setData(model.index(acme, BudgetModel::BudgetColumn), u"ten"_s));
        QCOMPARE(invalid.size(), 1);
        QVERIFY(!model.setData(model.index(acme, BudgetModel::BudgetColumn), u"-5"_s));
        QCOMPARE(edited.size(), 0);
        QVERIFY(model.setData(model.index(acme, BudgetModel::BudgetColumn), u"150.5"_s));
        QCOMPARE(edited.size(), 1);
        QCOMPARE(edited.constFirst(), (TenantBudget{7, u"150.5"_s, u"USD"_s}));
        model.budgetFailed(7);
        QCOMPARE(model.budget(acme).amount, u"100.00"_s);
        QVERIFY(model.setData(model.index(model.rowOf(8), BudgetModel::BudgetColumn), u"10"_s));
        model.budgetSaved(TenantBudget{8, u"10.00"_s, u"USD"_s});
        QCOMPARE(model.budget(model.rowOf(8)).amount, u"10.00"_s);
        QCOMPARE(qRound(model.index(model.rowOf(8), BudgetModel::UsedColumn).data(BudgetModel::PercentUsedRole).toDouble()), 50);
    }
};

QTEST_MAIN(TestBillingModels)
#include "tst_billingmodels.moc"
