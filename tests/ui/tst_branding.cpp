// Branding as a person sees it: selecting tenants changes the palette, the title, the header's logo
// and name, and going back to the platform restores its look; a broken pack is refused with its file
// and reason and changes nothing; the packs' dark palettes follow the system; the editor's contrast
// check warns below WCAG AA and its packs load again, from a folder or as an exported .rcc.
#include "BillingPage.h"
#include "BrandingEditorDialog.h"
#include "BillingTotalsModel.h"
#include "BrandingManager.h"
#include "MainWindow.h"
#include "TenantTreeModel.h"
#include "TestSupport.h"
#include "UsagePage.h"

#include <QAction>
#include <QAreaSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QLineSeries>
#include <QProcess>
#include <QApplication>
#include <QDir>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMenu>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTest>
#include <QToolBar>
#include <QTreeView>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

namespace {

QColor packColor(const QString& slug, const QString& scheme, const QString& role)
{
    BrandingError error;
    const auto pack = BrandingPack::load(u":/branding/"_s + slug, &error);
    if (!pack)
        qFatal("%s", qPrintable(error.message()));
    return QColor::fromRgba((scheme == u"dark"_s ? pack->dark : pack->light).value(role));
}

// The usage chart's area (the metric over time).
QAreaSeries* usageArea(UsagePage& page)
{
    for (QAbstractSeries* series : page.chart()->series())
        if (auto* area = qobject_cast<QAreaSeries*>(series))
            return area;
    return nullptr;
}

bool nearColor(const QColor& a, const QColor& b)
{
    return qAbs(a.red() - b.red()) < 12 && qAbs(a.green() - b.green()) < 12 && qAbs(a.blue() - b.blue()) < 12;
}

// Whether a colour near `color` is drawn on the first page of a PDF (rendered with pdftoppm).
bool pdfShows(const QString& pdf, const QColor& color, const QString& prefix)
{
    QProcess render;
    render.start(u"pdftoppm"_s, {u"-r"_s, u"40"_s, u"-png"_s, u"-f"_s, u"1"_s, u"-l"_s, u"1"_s, pdf, prefix});
    if (!render.waitForFinished(60000) || render.exitCode() != 0)
        qFatal("pdftoppm failed");
    const QFileInfo page = QFileInfo(prefix).dir().entryInfoList({QFileInfo(prefix).fileName() + u"*.png"_s}).value(0);
    const QImage image(page.filePath());
    if (image.isNull())
        qFatal("no page rendered");
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            if (nearColor(image.pixelColor(x, y), color))
                return true;
    return false;
}

} // namespace

class TestBranding : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_database;

    std::unique_ptr<MainWindow> openWindow(const QString& brandingDir = {})
    {
        auto window = std::make_unique<MainWindow>();
        window->setErrorDialogsEnabled(false);
        window->branding()->setExtraFolder(brandingDir);
        window->branding()->setSystemDark(false);
        window->show();
        QSignalSpy opened(window.get(), &MainWindow::storeOpened);
        window->openDatabase(m_database);
        if (!opened.wait(30000))
            return nullptr;
        const QModelIndex platform = window->tenantTreeModel()->platformIndex();
        if (!QTest::qWaitFor([&]() { return window->tenantTreeModel()->rowCount(platform) > 0; }, 30000))
            return nullptr;
        return window;
    }

    QModelIndex tenantIndex(MainWindow& window, const QString& slug, const QModelIndex& parent = {})
    {
        TenantTreeModel* model = window.tenantTreeModel();
        const QModelIndex under = parent.isValid() ? parent : model->platformIndex();
        for (int row = 0; row < model->rowCount(under); ++row) {
            const QModelIndex index = model->index(row, 0, under);
            if (index.data(TenantTreeModel::SlugRole).toString() == slug)
                return index;
        }
        return {};
    }

    void select(MainWindow& window, const QModelIndex& index)
    {
        window.findChild<QTreeView*>(u"tenantTreeView"_s)->setCurrentIndex(index);
    }

    QString headerName(const MainWindow& window)
    {
        return window.findChild<QLabel*>(u"brandingNameLabel"_s)->text();
    }

    QImage headerLogo(const MainWindow& window)
    {
        return window.findChild<QLabel*>(u"brandingLogoLabel"_s)->pixmap().toImage();
    }

    // The look of the platform: the default pack's light palette, its name and the file's title.
    void verifyPlatformLook(const MainWindow& window, const QImage& platformLogo)
    {
        QCOMPARE(QApplication::palette().color(QPalette::Highlight), packColor(u"default"_s, u"light"_s, u"highlight"_s));
        QCOMPARE(QApplication::palette().color(QPalette::Window), packColor(u"default"_s, u"light"_s, u"window"_s));
        QCOMPARE(window.windowTitle(), QFileInfo(m_database).fileName() + u" — TenantDesk"_s);
        QCOMPARE(headerName(window), u"TenantDesk"_s);
        QCOMPARE(headerLogo(window), platformLogo);
        QVERIFY(qApp->styleSheet().isEmpty());
        QCOMPARE(BrandingManager::current().slug, u"default"_s);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_database = copyFixture(smallDemoFixture(), m_dir);
    }

    void selectingTenantsAppliesTheirPacks()
    {
        auto window = openWindow();
        QVERIFY(window);
        auto* tree = window->findChild<QTreeView*>(u"tenantTreeView"_s);
        const QImage platformLogo = headerLogo(*window);
        QVERIFY(!platformLogo.isNull());
        verifyPlatformLook(*window, platformLogo);

        QSet<QRgb> highlights;
        QList<QImage> logos{platformLogo};
        for (const QString& slug : {u"contoso-bank"_s, u"redwood-games"_s, u"wingtip-analytics"_s}) {
            const QModelIndex index = tenantIndex(*window, slug);
            QVERIFY2(index.isValid(), qPrintable(slug));
            select(*window, index);
            BrandingError error;
            const auto pack = BrandingPack::load(u":/branding/"_s + slug, &error);
            QVERIFY(pack);
            const QColor highlight = packColor(slug, u"light"_s, u"highlight"_s);
            QCOMPARE(QApplication::palette().color(QPalette::Highlight), highlight);
            QCOMPARE(QApplication::palette().color(QPalette::Base), packColor(slug, u"light"_s, u"base"_s));
            // Every widget follows, the tree too, whatever style sheets came and went before.
            QCOMPARE(tree->palette().color(QPalette::Highlight), highlight);
            QCOMPARE(tree->viewport()->palette().color(QPalette::Base), packColor(slug, u"light"_s, u"base"_s));
            QCOMPARE(window->windowTitle(), pack->productName + u" — TenantDesk"_s);
            QCOMPARE(headerName(*window), pack->productName);
            const QImage logo = headerLogo(*window);
            QVERIFY(!logo.isNull());
            QVERIFY2(!logos.contains(logo), "each tenant has its own logo");
            logos.append(logo);
            QCOMPARE(qApp->styleSheet(), pack->styleSheet);
            QCOMPARE(window->branding()->activeSlug(), slug);
            // What charts and reports use.
            const BrandingLook look = BrandingManager::current();
            QCOMPARE(look.productName, pack->productName);
            QCOMPARE(look.accent, packColor(slug, u"light"_s, u"accent"_s));
            QVERIFY(!look.logo.isNull());
            highlights.insert(highlight.rgb());
        }
        QCOMPARE(highlights.size(), 3);

        select(*window, window->tenantTreeModel()->platformIndex());
        verifyPlatformLook(*window, platformLogo);
        QCOMPARE(tree->palette().color(QPalette::Highlight), packColor(u"default"_s, u"light"_s, u"highlight"_s));

        // A tenant without a pack shows the platform look too.
        select(*window, tenantIndex(*window, u"redwood-games"_s));
        select(*window, tenantIndex(*window, u"kestrel-bank"_s));
        verifyPlatformLook(*window, platformLogo);
    }

    void subTenantsAndEnvironmentsInheritTheirAncestorsPack()
    {
        auto window = openWindow();
        QVERIFY(window);
        auto* tree = window->findChild<QTreeView*>(u"tenantTreeView"_s);
        const QModelIndex redwood = tenantIndex(*window, u"redwood-games"_s);
        tree->expand(redwood);
        TenantTreeModel* model = window->tenantTreeModel();
        QModelIndex subTenant;
        QModelIndex environment;
        const auto findChildren = [&]() {
            while (model->canFetchMore(redwood))
                model->fetchMore(redwood);
            for (int row = 0; row < model->rowCount(redwood); ++row) {
                const QModelIndex child = model->index(row, 0, redwood);
                const auto kind = child.data(TenantTreeModel::NodeKindRole).value<TenantTreeModel::NodeKind>();
                if (kind == TenantTreeModel::NodeKind::Tenant)
                    subTenant = child;
                else if (kind == TenantTreeModel::NodeKind::Environment)
                    environment = child;
            }
            return subTenant.isValid();
        };
        QVERIFY(QTest::qWaitFor(findChildren, 30000));
        QVERIFY(subTenant.isValid());
        QVERIFY(subTenant.data(TenantTreeModel::SlugRole).toString().startsWith(u"redwood-games."_s));
        select(*window, subTenant);
        QCOMPARE(window->branding()->activeSlug(), u"redwood-games"_s);
        QCOMPARE(window->windowTitle(), u"Redwood Arcade Console — TenantDesk"_s);
        select(*window, window->tenantTreeModel()->platformIndex());
        QVERIFY(window->branding()->activeSlug().isEmpty());
        if (environment.isValid()) {
            select(*window, environment);
            QCOMPARE(window->branding()->activeSlug(), u"redwood-games"_s);
        }
    }

    // The usage chart draws in the selected tenant's accent on its window colour and changes with
    // the brand, without reading the data again; the quota stays red; the platform look returns.
    void usageChartsTakeTheTenantsColours()
    {
        auto window = openWindow();
        QVERIFY(window);
        select(*window, tenantIndex(*window, u"contoso-bank"_s));
        window->showUsage();
        UsagePage* page = window->usagePage();
        QVERIFY(page);
        QVERIFY(QTest::qWaitFor([&]() { return !page->isLoading() && usageArea(*page); }, 30000));
        QAreaSeries* area = usageArea(*page);
        const QColor contoso = packColor(u"contoso-bank"_s, u"light"_s, u"accent"_s);
        QCOMPARE(area->pen().color(), contoso);
        QCOMPARE(area->brush().color().rgb(), contoso.rgb());
        QCOMPARE(page->chart()->backgroundBrush().color(), packColor(u"contoso-bank"_s, u"light"_s, u"window"_s));
        QCOMPARE(page->chart()->titleBrush().color(), packColor(u"contoso-bank"_s, u"light"_s, u"text"_s));
        if (QLineSeries* quota = page->quotaSeries())
            QVERIFY(quota->pen().color() != contoso);

        // An export carries the brand: its logo on a strip below the chart, in the corner.
        const QString png = m_dir.filePath(u"contoso-usage.png"_s);
        QString error;
        QVERIFY2(page->exportChart(png, &error), qPrintable(error));
        const QImage exported(png);
        const QImage chartOnly = page->chartView()->grab().toImage();
        QVERIFY(exported.height() > chartOnly.height());
        const QColor background = packColor(u"contoso-bank"_s, u"light"_s, u"window"_s);
        int logoPixels = 0;
        for (int y = chartOnly.height(); y < exported.height(); ++y)
            for (int x = exported.width() * 3 / 4; x < exported.width(); ++x)
                logoPixels += nearColor(exported.pixelColor(x, y), background) ? 0 : 1;
        QVERIFY2(logoPixels > 50, qPrintable(QString::number(logoPixels)));

        // A red accent (Redwood's): the quota line keeps apart from it, in another hue or much darker.
        select(*window, tenantIndex(*window, u"redwood-games"_s));
        QCOMPARE(area->pen().color(), packColor(u"redwood-games"_s, u"light"_s, u"accent"_s));
        if (QLineSeries* quota = page->quotaSeries()) {
            const int apart = std::abs(quota->pen().color().hsvHue() - area->pen().color().hsvHue()) % 360;
            const int darker = std::abs(quota->pen().color().value() - area->pen().color().value());
            QVERIFY2(std::min(apart, 360 - apart) >= 30 || darker >= 80, qPrintable(quota->pen().color().name()));
        }

        // Another brand, then the dark palette: the same series, recoloured.
        select(*window, tenantIndex(*window, u"wingtip-analytics"_s));
        QCOMPARE(usageArea(*page), area);
        QCOMPARE(area->pen().color(), packColor(u"wingtip-analytics"_s, u"light"_s, u"accent"_s));
        window->branding()->setSystemDark(true);
        QCOMPARE(area->pen().color(), packColor(u"wingtip-analytics"_s, u"dark"_s, u"accent"_s));
        QCOMPARE(page->chart()->backgroundBrush().color(), packColor(u"wingtip-analytics"_s, u"dark"_s, u"window"_s));
        window->branding()->setSystemDark(false);

        // The platform look: the default accent again.
        select(*window, window->tenantTreeModel()->platformIndex());
        QCOMPARE(usageArea(*page), area);
        QCOMPARE(area->pen().color(), packColor(u"default"_s, u"light"_s, u"accent"_s));
        QCOMPARE(page->chart()->backgroundBrush().color(), packColor(u"default"_s, u"light"_s, u"window"_s));
    }

    // A report of the tenant chosen in the billing page's Tenant filter has that tenant's brand (a
    // sub-tenant: its nearest ancestor's pack), whichever tenant the tree shows; the PDF's header is
    // drawn in its accent.
    void reportOfAChosenTenantHasItsBrand()
    {
        auto window = openWindow();
        QVERIFY(window);
        select(*window, tenantIndex(*window, u"contoso-bank"_s));
        window->showBilling();
        BillingPage* page = window->billingPage();
        QVERIFY(page);
        QVERIFY(QTest::qWaitFor([&]() { return !page->isLoading(); }, 30000));
        // A report of every tenant is the platform's, though the tree shows Contoso Bank.
        QCOMPARE(page->reportData().branding.accent, packColor(u"default"_s, u"light"_s, u"accent"_s));
        QCOMPARE(page->reportData().branding.productName, u"TenantDesk"_s);
        // The charts wear the tree's brand: the budget's cost in its accent.
        QBarSet* cost = page->budgetChart()->findChild<QBarSet*>(u"costSet"_s);
        QVERIFY(cost);
        QCOMPARE(cost->color(), packColor(u"contoso-bank"_s, u"light"_s, u"accent"_s));
        QCOMPARE(page->tenantCostChart()->backgroundBrush().color(), packColor(u"contoso-bank"_s, u"light"_s, u"window"_s));
        // Another tenant in the tree: the same charts, recoloured; over budget stays apart from the accent.
        select(*window, tenantIndex(*window, u"wingtip-analytics"_s));
        QCOMPARE(page->budgetChart()->findChild<QBarSet*>(u"costSet"_s), cost);
        QCOMPARE(cost->color(), packColor(u"wingtip-analytics"_s, u"light"_s, u"accent"_s));
        QBarSet* over = page->budgetChart()->findChild<QBarSet*>(u"overBudgetSet"_s);
        QVERIFY(over);
        QVERIFY(over->brush().color() != cost->color());
        select(*window, window->tenantTreeModel()->platformIndex());
        QCOMPARE(cost->color(), packColor(u"default"_s, u"light"_s, u"accent"_s));
        select(*window, tenantIndex(*window, u"contoso-bank"_s));

        auto* tenants = page->findChild<QComboBox*>(u"billingTenantCombo"_s);
        const auto choose = [&](const QString& slug) {
            const TenantId id = await(window->store()->tenantBySlug(slug)).id;
            const int index = tenants->findData(QVariant(qint64(id)));
            if (index < 0)
                return false;
            tenants->setCurrentIndex(index);
            return QTest::qWaitFor([&]() { return !page->isLoading(); }, 30000);
        };
        QVERIFY(choose(u"redwood-games.nordics"_s));
        const QColor redwood = packColor(u"redwood-games"_s, u"light"_s, u"accent"_s);
        BillingReportData report = page->reportData();
        QCOMPARE(report.branding.accent, redwood);
        QCOMPARE(report.branding.productName, u"Redwood Arcade Console"_s);
        QVERIFY(!report.branding.logo.isNull());
        QCOMPARE(BrandingManager::current().slug, u"contoso-bank"_s); // the window keeps the tree's brand

        QVERIFY(choose(u"wingtip-analytics"_s));
        QCOMPARE(page->reportData().branding.accent, packColor(u"wingtip-analytics"_s, u"light"_s, u"accent"_s));
        // On a dark screen too the report has the light palette's accent: it is printed on white.
        window->branding()->setSystemDark(true);
        QCOMPARE(page->reportData().branding.accent, packColor(u"wingtip-analytics"_s, u"light"_s, u"accent"_s));
        window->branding()->setSystemDark(false);
        QVERIFY(choose(u"kestrel-bank"_s)); // no pack of its own or an ancestor's: the platform's
        QCOMPARE(page->reportData().branding.accent, packColor(u"default"_s, u"light"_s, u"accent"_s));

        if (QStandardPaths::findExecutable(u"pdftoppm"_s).isEmpty())
            QSKIP("pdftoppm is not installed (scripts/setup --test installs poppler-utils)");
        QVERIFY(choose(u"redwood-games.nordics"_s));
        const QString pdf = m_dir.filePath(u"nordics.pdf"_s);
        QString error;
        QVERIFY2(page->writeReport(pdf, &error), qPrintable(error));
        QVERIFY(pdfShows(pdf, redwood, m_dir.filePath(u"nordics-page"_s)));
        QVERIFY(!pdfShows(pdf, packColor(u"contoso-bank"_s, u"light"_s, u"accent"_s), m_dir.filePath(u"nordics-again"_s)));
    }

    // A tenant admin's report of all their tenants carries their brand, as their window does.
    void tenantAdminsReportHasTheirBrand()
    {
        auto window = openWindow();
        QVERIFY(window);
        Principal tenantAdmin;
        tenantAdmin.email = u"someone@example.com"_s;
        const TenantId redwood = await(window->store()->tenantBySlug(u"redwood-games"_s)).id;
        tenantAdmin.grants.append(Grant{redwood, 0, u"Tenant Admin"_s, {u"tenant.read"_s, u"billing.read"_s}, {}});
        window->startPreview(tenantAdmin, u"Tenant Admin of redwood-games"_s);
        QVERIFY(QTest::qWaitFor([&]() { return window->branding()->activeSlug() == u"redwood-games"_s; }, 10000));
        window->showBilling();
        BillingPage* page = window->billingPage();
        QVERIFY(page);
        QVERIFY(QTest::qWaitFor([&]() { return !page->isLoading() && !page->totalsModel()->totals().isEmpty(); }, 30000));
        QCOMPARE(page->reportData().branding.accent, packColor(u"redwood-games"_s, u"light"_s, u"accent"_s));
        QCOMPARE(page->reportData().branding.productName, u"Redwood Arcade Console"_s);
        window->endPreview();
    }

    void brokenPacksAreRefusedAndTheDefaultLookStays_data()
    {
        QTest::addColumn<QString>("imageName");
        QTest::addColumn<QByteArray>("imageKind"); // "huge", "garbage"
        QTest::addColumn<QString>("reason");
        QTest::newRow("oversize image") << u"logo.png"_s << QByteArray("huge") << u"more than 1024×1024"_s;
        QTest::newRow("unreadable image") << u"logo.png"_s << QByteArray("garbage") << u"the image cannot be read"_s;
        QTest::newRow("invalid JSON") << QString() << QByteArray() << u"invalid JSON at offset"_s;
    }

    void brokenPacksAreRefusedAndTheDefaultLookStays()
    {
        QFETCH(QString, imageName);
        QFETCH(QByteArray, imageKind);
        QFETCH(QString, reason);
        // A --branding-dir with a broken pack for contoso-bank, taking the place of the built-in one.
        QTemporaryDir packs;
        const QString folder = packs.filePath(u"contoso-bank"_s);
        QVERIFY(QDir().mkpath(folder));
        QFile source(u":/branding/contoso-bank/brand.json"_s);
        QVERIFY(source.open(QIODevice::ReadOnly));
        QJsonObject manifest = QJsonDocument::fromJson(source.readAll()).object();
        manifest.remove(u"style_sheet"_s);
        manifest.insert(u"logo"_s, u"logo.png"_s);
        manifest.insert(u"icon"_s, u"logo.png"_s);
        QFile json(folder + u"/brand.json"_s);
        QVERIFY(json.open(QIODevice::WriteOnly));
        json.write(imageName.isEmpty() ? QByteArray("{ \"format\": 1, ") : QJsonDocument(manifest).toJson());
        json.close();
        QString brokenFile = folder + u"/brand.json"_s;
        if (imageKind == "huge") {
            QImage huge(1500, 200, QImage::Format_RGB32);
            huge.fill(Qt::red);
            QVERIFY(huge.save(folder + u"/logo.png"_s));
            brokenFile = folder + u"/logo.png"_s;
        } else if (imageKind == "garbage") {
            QFile garbage(folder + u"/logo.png"_s);
            QVERIFY(garbage.open(QIODevice::WriteOnly));
            garbage.write("this is not a PNG image at all");
            brokenFile = folder + u"/logo.png"_s;
        }

        auto window = openWindow(packs.path());
        QVERIFY(window);
        const QImage platformLogo = headerLogo(*window);
        QSignalSpy refused(window->branding(), &BrandingManager::packRefused);
        select(*window, tenantIndex(*window, u"contoso-bank"_s));
        QCOMPARE(refused.size(), 1);
        const QString message = refused.constFirst().constFirst().toString();
        QVERIFY2(message.contains(brokenFile), qPrintable(message));
        QVERIFY2(message.contains(reason), qPrintable(message));
        // Said in the status bar, not in a dialog; the platform look stays.
        QCOMPARE(window->statusBar()->currentMessage(), message);
        QCOMPARE(QApplication::activeModalWidget(), nullptr);
        verifyPlatformLook(*window, platformLogo);
        // The other packs still apply.
        select(*window, tenantIndex(*window, u"wingtip-analytics"_s));
        QCOMPARE(window->branding()->activeSlug(), u"wingtip-analytics"_s);
    }

    void darkPalettesFollowTheSystem()
    {
        QPalette dark;
        dark.setColor(QPalette::Window, QColor(0x20, 0x20, 0x20));
        QVERIFY(BrandingManager::isDarkPalette(dark));
        QPalette light;
        light.setColor(QPalette::Window, QColor(0xef, 0xef, 0xef));
        QVERIFY(!BrandingManager::isDarkPalette(light));

        auto window = openWindow();
        QVERIFY(window);
        select(*window, tenantIndex(*window, u"redwood-games"_s));
        QCOMPARE(QApplication::palette().color(QPalette::Window), packColor(u"redwood-games"_s, u"light"_s, u"window"_s));
        window->branding()->setSystemDark(true);
        QCOMPARE(QApplication::palette().color(QPalette::Window), packColor(u"redwood-games"_s, u"dark"_s, u"window"_s));
        QCOMPARE(QApplication::palette().color(QPalette::Text), packColor(u"redwood-games"_s, u"dark"_s, u"text"_s));
        QVERIFY(BrandingManager::current().dark);
        select(*window, window->tenantTreeModel()->platformIndex());
        QCOMPARE(QApplication::palette().color(QPalette::Window), packColor(u"default"_s, u"dark"_s, u"window"_s));
        window->branding()->setSystemDark(false);
        QCOMPARE(QApplication::palette().color(QPalette::Window), packColor(u"default"_s, u"light"_s, u"window"_s));
    }

    void editorIsForPlatformAdminsAndTenantAdminsSeeTheirBrand()
    {
        auto window = openWindow();
        QVERIFY(window);
        auto* action = window->findChild<QAction*>(u"brandingEditorAction"_s);
        QVERIFY(action);
        // The local database's owner is a platform admin.
        QVERIFY(QTest::qWaitFor([&]() { return action->isVisible() && action->isEnabled(); }, 10000));
        Principal tenantAdmin;
        tenantAdmin.email = u"someone@example.com"_s;
        tenantAdmin.grants.append(Grant{1, 0, u"Tenant Admin"_s, {u"tenant.read"_s, u"tenant.update"_s}, {}});
        window->startPreview(tenantAdmin, u"Tenant Admin of redwood-games"_s);
        QVERIFY(!action->isVisible());
        // Seen as the tenant admin of redwood-games: their tenant's brand.
        QVERIFY(QTest::qWaitFor([&]() { return window->branding()->activeSlug() == u"redwood-games"_s; }, 10000));
        QCOMPARE(window->windowTitle(), u"Redwood Arcade Console — TenantDesk"_s);
        window->endPreview();
        QVERIFY(action->isVisible());
        QVERIFY(window->branding()->activeSlug().isEmpty());
    }

    void editorWarnsBelowWcagAA()
    {
        BrandingError error;
        const auto pack = BrandingPack::load(u":/branding/wingtip-analytics"_s, &error);
        QVERIFY(pack);
        BrandingEditorDialog editor(*pack);
        editor.show();
        auto* warning = editor.findChild<QLabel*>(u"contrastWarningLabel"_s);
        QVERIFY(warning);
        QVERIFY(!warning->isVisible());
        for (const auto& check : editor.contrastChecks())
            QVERIFY2(check.passes(), qPrintable(check.foreground + u" on "_s + check.background));

        editor.setColor(u"light"_s, u"text"_s, QColor(u"#777777"_s));
        editor.setColor(u"light"_s, u"base"_s, QColor(u"#ffffff"_s));
        QVERIFY(warning->isVisible());
        QVERIFY2(warning->text().contains(u"4.48:1"_s), qPrintable(warning->text()));
        QVERIFY(warning->text().contains(u"4.5:1"_s));
        const auto checks = editor.contrastChecks();
        const auto failing = std::count_if(checks.cbegin(), checks.cend(), [](const auto& check) { return !check.passes(); });
        QCOMPARE(failing, 1);
        QVERIFY(editor.findChild<QLabel*>(u"contrastLabel"_s)->text().contains(u"4.48:1"_s));

        // The accent needs 3:1 only.
        editor.setColor(u"light"_s, u"text"_s, QColor(u"#000000"_s));
        editor.setColor(u"dark"_s, u"accent"_s, QColor(u"#949494"_s)); // ≈ 3.03:1 on white ...
        editor.setColor(u"dark"_s, u"base"_s, QColor(u"#ffffff"_s));
        editor.setColor(u"dark"_s, u"window"_s, QColor(u"#ffffff"_s));
        editor.setColor(u"dark"_s, u"text"_s, QColor(u"#000000"_s));
        editor.setColor(u"dark"_s, u"window_text"_s, QColor(u"#000000"_s));
        QVERIFY2(!warning->isVisible(), qPrintable(warning->text()));
        editor.setColor(u"dark"_s, u"accent"_s, QColor(u"#a0a0a0"_s)); // ≈ 2.6:1
        QVERIFY(warning->isVisible());
        QVERIFY(warning->text().contains(u"3.0:1"_s));
    }

    void editedPacksSaveAndExportAsRcc()
    {
        BrandingError error;
        auto pack = BrandingPack::load(u":/branding/default"_s, &error);
        QVERIFY(pack);
        BrandingEditorDialog editor(*pack);
        editor.setSlug(u"kestrel-bank"_s);
        editor.setProductName(u"Kestrel Private Banking"_s);
        editor.setColor(u"light"_s, u"highlight"_s, QColor(u"#6b2d8f"_s));
        QTemporaryDir out;
        QString message;
        QVERIFY2(editor.savePack(out.path(), &message), qPrintable(message));
        const auto saved = BrandingManager::load(out.filePath(u"kestrel-bank"_s), &error);
        QVERIFY2(saved, qPrintable(error.message()));
        QCOMPARE(saved->pack.productName, u"Kestrel Private Banking"_s);
        QCOMPARE(QColor::fromRgba(saved->pack.light.value(u"highlight"_s)), QColor(u"#6b2d8f"_s));
        QVERIFY(!saved->logo.isNull());

        // A logo that is too large is refused and the old one kept.
        QImage huge(2048, 64, QImage::Format_RGB32);
        huge.fill(Qt::blue);
        QVERIFY(huge.save(out.filePath(u"huge.png"_s)));
        QVERIFY(!editor.setLogo(out.filePath(u"huge.png"_s)));
        QVERIFY(editor.findChild<QLabel*>(u"editorStatusLabel"_s)->text().contains(u"1024"_s));
        QVERIFY(!editor.setLogo(out.filePath(u"kestrel-bank/brand.json"_s)));
        QImage small(128, 64, QImage::Format_ARGB32);
        small.fill(Qt::darkMagenta);
        QVERIFY(small.save(out.filePath(u"small.png"_s)));
        QVERIFY(editor.setLogo(out.filePath(u"small.png"_s)));

        if (!QFileInfo(BrandingEditorDialog::rccProgram()).isExecutable())
            QSKIP("Qt's rcc is not installed (qt6-base-dev-tools)");
        QSignalSpy exported(&editor, &BrandingEditorDialog::exported);
        QSignalSpy failed(&editor, &BrandingEditorDialog::failed);
        const QString rcc = out.filePath(u"rcc/kestrel-bank.rcc"_s);
        QDir().mkpath(out.filePath(u"rcc"_s));
        editor.exportRcc(rcc);
        QVERIFY(QTest::qWaitFor([&]() { return !exported.isEmpty() || !failed.isEmpty(); }, 30000));
        QVERIFY2(failed.isEmpty(), qPrintable(failed.isEmpty() ? QString() : failed.constFirst().constFirst().toString()));
        QCOMPARE(exported.constFirst().constFirst().toString(), rcc);

        // The user's branding folder: the .rcc is registered and its pack found and loaded.
        BrandingCatalog catalog;
        QVERIFY(catalog.registerRuntimePacks(out.filePath(u"rcc"_s)).isEmpty());
        const QString folder = catalog.folderFor(u"kestrel-bank"_s);
        QCOMPARE(folder, u":/tenantdesk-runtime-branding/branding/kestrel-bank"_s);
        const auto loaded = BrandingManager::load(folder, &error);
        QVERIFY2(loaded, qPrintable(error.message()));
        QCOMPARE(loaded->pack.productName, u"Kestrel Private Banking"_s);
        QCOMPARE(loaded->logo.size(), QSize(128, 64));
    }
};

QTEST_MAIN(TestBranding)
#include "tst_branding.moc"
