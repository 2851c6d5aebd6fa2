// Branding packs as core reads them: the shipped packs, every reason a pack is refused (with the
// file and the reason named), the catalog's order, and the WCAG contrast ratio.
#include "BrandingPack.h"

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace TenantDesk;
using namespace Qt::StringLiterals;

namespace {

// A valid pack in `folder`: brand.json (with `edit` applied), logo.svg, icon.svg, style.qss.
void writePack(const QString& folder, const std::function<void(QJsonObject&)>& edit = {})
{
    QDir().mkpath(folder);
    QFile source(u":/branding/wingtip-analytics/brand.json"_s);
    QVERIFY(source.open(QIODevice::ReadOnly));
    QJsonObject manifest = QJsonDocument::fromJson(source.readAll()).object();
    manifest.insert(u"style_sheet"_s, u"style.qss"_s);
    if (edit)
        edit(manifest);
    QFile json(folder + u"/brand.json"_s);
    QVERIFY(json.open(QIODevice::WriteOnly));
    json.write(QJsonDocument(manifest).toJson());
    for (const QString& name : {u"logo.svg"_s, u"icon.svg"_s}) {
        QFile image(folder + u'/' + name);
        QVERIFY(image.open(QIODevice::WriteOnly));
        image.write("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" height=\"64\"><rect width=\"64\" height=\"64\"/></svg>");
    }
    QFile qss(folder + u"/style.qss"_s);
    QVERIFY(qss.open(QIODevice::WriteOnly));
    qss.write("/* url(not-a-reference.png) in a comment */\nQPushButton { image: url(logo.svg); }\n");
}

void writeFile(const QString& path, const QByteArray& content)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(content);
}

} // namespace

class TestBrandingPack : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void shippedPacksLoad_data()
    {
        QTest::addColumn<QString>("slug");
        QTest::addColumn<QString>("productName");
        QTest::newRow("platform") << u"default"_s << u"TenantDesk"_s;
        QTest::newRow("contoso-bank") << u"contoso-bank"_s << u"Contoso Bank Online"_s;
        QTest::newRow("redwood-games") << u"redwood-games"_s << u"Redwood Arcade Console"_s;
        QTest::newRow("wingtip-analytics") << u"wingtip-analytics"_s << u"Wingtip Insights"_s;
    }

    void shippedPacksLoad()
    {
        QFETCH(QString, slug);
        QFETCH(QString, productName);
        BrandingError error;
        const auto pack = BrandingPack::load(u":/branding/"_s + slug, &error);
        QVERIFY2(pack, qPrintable(error.message()));
        QCOMPARE(pack->slug, slug);
        QCOMPARE(pack->productName, productName);
        for (const QString& role : BrandingPack::requiredColorRoles()) {
            QVERIFY2(pack->light.contains(role), qPrintable(role));
            QVERIFY2(pack->dark.contains(role), qPrintable(role));
        }
        QVERIFY(QFile::exists(pack->logoPath));
        QVERIFY(QFile::exists(pack->iconPath));
        // Text on its backgrounds reads at WCAG AA in both palettes of every shipped pack.
        for (const BrandingColors* colors : {&pack->light, &pack->dark}) {
            QVERIFY(contrastRatio(colors->value(u"text"_s), colors->value(u"base"_s)) >= 4.5);
            QVERIFY(contrastRatio(colors->value(u"window_text"_s), colors->value(u"window"_s)) >= 4.5);
            QVERIFY(contrastRatio(colors->value(u"highlighted_text"_s), colors->value(u"highlight"_s)) >= 4.5);
            QVERIFY(contrastRatio(colors->value(u"header_text"_s), colors->value(u"header"_s)) >= 4.5);
        }
        // A style sheet's url() is rewritten to the file inside the pack.
        if (!pack->styleSheetPath.isEmpty())
            QVERIFY(!pack->styleSheet.contains(u"url("_s) || pack->styleSheet.contains(u"url(\":/branding/"_s + slug + u'/'));
    }

    void threeDemoTenantsHavePacks()
    {
        BrandingCatalog catalog;
        QCOMPARE(catalog.slugs(), (QStringList{u"contoso-bank"_s, u"redwood-games"_s, u"wingtip-analytics"_s}));
        QCOMPARE(catalog.folderFor(u"contoso-bank"_s), u":/branding/contoso-bank"_s);
        QVERIFY(catalog.folderFor(u"kestrel-bank"_s).isEmpty()); // the others use the platform look
        QVERIFY(catalog.folderFor(u"../branding/contoso-bank"_s).isEmpty());
    }

    void aValidFolderLoads()
    {
        QTemporaryDir dir;
        writePack(dir.filePath(u"acme"_s));
        BrandingError error;
        const auto pack = BrandingPack::load(dir.filePath(u"acme"_s), &error);
        QVERIFY2(pack, qPrintable(error.message()));
        QCOMPARE(pack->slug, u"acme"_s);
        QVERIFY(pack->styleSheet.contains(u"url(\""_s + dir.filePath(u"acme/logo.svg"_s) + u"\")"_s));
    }

    void badPacksAreRefused_data()
    {
        QTest::addColumn<std::function<void(const QString&)>>("breakPack");
        QTest::addColumn<QString>("file");   // relative to the pack folder
        QTest::addColumn<QString>("reason"); // part of the reason

        using Break = std::function<void(const QString&)>;
        const auto manifest = [](const std::function<void(QJsonObject&)>& edit) {
            return Break([edit](const QString& folder) { writePack(folder, edit); });
        };
        QTest::newRow("missing brand.json") << Break([](const QString& f) { QFile::remove(f + u"/brand.json"_s); })
                                            << u"brand.json"_s << u"missing"_s;
        QTest::newRow("invalid JSON") << Break([](const QString& f) { writeFile(f + u"/brand.json"_s, "{\"format\": 1,\n \"product_name\": \"x\""); })
                                      << u"brand.json"_s << u"invalid JSON at offset"_s;
        QTest::newRow("not an object") << Break([](const QString& f) { writeFile(f + u"/brand.json"_s, "[1, 2]"); })
                                       << u"brand.json"_s << u"not a JSON object"_s;
        QTest::newRow("unknown key") << manifest([](QJsonObject& m) { m.insert(u"colour"_s, u"red"_s); })
                                     << u"brand.json"_s << u"unknown key “colour”"_s;
        QTest::newRow("wrong format") << manifest([](QJsonObject& m) { m.insert(u"format"_s, 2); })
                                      << u"brand.json"_s << u"format must be 1"_s;
        QTest::newRow("no product name") << manifest([](QJsonObject& m) { m.remove(u"product_name"_s); })
                                         << u"brand.json"_s << u"product_name"_s;
        QTest::newRow("missing palette") << manifest([](QJsonObject& m) {
            QJsonObject p = m.value(u"palettes"_s).toObject();
            p.remove(u"dark"_s);
            m.insert(u"palettes"_s, p);
        }) << u"brand.json"_s << u"palettes.dark is missing"_s;
        const auto colour = [manifest](const QString& role, const QJsonValue& value) {
            return manifest([role, value](QJsonObject& m) {
                QJsonObject p = m.value(u"palettes"_s).toObject();
                QJsonObject light = p.value(u"light"_s).toObject();
                if (value.isUndefined())
                    light.remove(role);
                else
                    light.insert(role, value);
                p.insert(u"light"_s, light);
                m.insert(u"palettes"_s, p);
            });
        };
        QTest::newRow("malformed colour") << colour(u"text"_s, u"#12345"_s) << u"brand.json"_s
                                          << u"palettes.light.text: “#12345” is not a colour"_s;
        QTest::newRow("colour name") << colour(u"base"_s, u"blurple"_s) << u"brand.json"_s
                                     << u"palettes.light.base: “blurple” is not a colour"_s;
        QTest::newRow("colour not a text") << colour(u"base"_s, 255) << u"brand.json"_s << u"palettes.light.base is not a text"_s;
        QTest::newRow("unknown colour role") << colour(u"hightlight"_s, u"#ffffff"_s) << u"brand.json"_s
                                             << u"palettes.light.hightlight is not a colour role"_s;
        QTest::newRow("missing colour role") << colour(u"accent"_s, QJsonValue::Undefined) << u"brand.json"_s
                                             << u"palettes.light.accent is missing"_s;
        QTest::newRow("missing logo") << Break([](const QString& f) { writePack(f); QFile::remove(f + u"/logo.svg"_s); })
                                      << u"logo.svg"_s << u"the file is missing"_s;
        QTest::newRow("logo too large") << Break([](const QString& f) {
            writePack(f);
            writeFile(f + u"/logo.svg"_s, QByteArray(int(BrandingPack::maxImageBytes) + 1, ' '));
        }) << u"logo.svg"_s << u"more than the limit of 1048576"_s;
        QTest::newRow("logo of another type") << manifest([](QJsonObject& m) { m.insert(u"logo"_s, u"style.qss"_s); })
                                              << u"style.qss"_s << u"a .qss file is not allowed here"_s;
        QTest::newRow("logo outside the pack (..)") << manifest([](QJsonObject& m) { m.insert(u"logo"_s, u"../other/logo.svg"_s); })
                                                    << u"brand.json"_s << u"leaves the pack folder"_s;
        QTest::newRow("icon at an absolute path") << manifest([](QJsonObject& m) { m.insert(u"icon"_s, u"/usr/share/icons/x.png"_s); })
                                                  << u"brand.json"_s << u"is an absolute path"_s;
        QTest::newRow("icon from a resource") << manifest([](QJsonObject& m) { m.insert(u"icon"_s, u":/icons/tenantdesk.svg"_s); })
                                              << u"brand.json"_s << u"names a drive, a resource or a URL"_s;
        QTest::newRow("style sheet outside the pack") << manifest([](QJsonObject& m) { m.insert(u"style_sheet"_s, u"../style.qss"_s); })
                                                      << u"brand.json"_s << u"leaves the pack folder"_s;
        QTest::newRow("style sheet url() leaves the pack")
            << Break([](const QString& f) {
                   writePack(f);
                   writeFile(f + u"/style.qss"_s, "QWidget { }\nQPushButton { image: url(../../etc/logo.png); }\n");
               })
            << u"style.qss"_s << u"line 2: url(../../etc/logo.png)"_s;
        QTest::newRow("style sheet url() absolute")
            << Break([](const QString& f) { writePack(f); writeFile(f + u"/style.qss"_s, "QLabel { image: url('/etc/passwd'); }"); })
            << u"style.qss"_s << u"is an absolute path"_s;
        QTest::newRow("style sheet url() to a missing file")
            << Break([](const QString& f) { writePack(f); writeFile(f + u"/style.qss"_s, "QLabel { image: url(gone.png); }"); })
            << u"style.qss"_s << u"url(gone.png): the file is missing"_s;
        QTest::newRow("style sheet too large")
            << Break([](const QString& f) { writePack(f); writeFile(f + u"/style.qss"_s, QByteArray(int(BrandingPack::maxStyleSheetBytes) + 1, ' ')); })
            << u"style.qss"_s << u"more than the limit"_s;
        QTest::newRow("symbolic link out of the pack")
            << Break([](const QString& f) {
                   writePack(f);
                   writeFile(f + u"/../outside.svg"_s, "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
                   QFile::remove(f + u"/logo.svg"_s);
                   QVERIFY(QFile::link(f + u"/../outside.svg"_s, f + u"/logo.svg"_s));
               })
            << u"logo.svg"_s << u"outside the pack folder"_s;
        // Found while building fuzz/fuzz_branding_pack (docs/RELIABILITY.md).
        QTest::newRow("style sheet url() through a symbolic link out of the pack")
            << Break([](const QString& f) {
                   writePack(f);
                   writeFile(f + u"/../outside.svg"_s, "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
                   QVERIFY(QFile::link(f + u"/../outside.svg"_s, f + u"/chevron.svg"_s));
                   writeFile(f + u"/style.qss"_s, "QWidget { }\nQTreeView::branch { image: url(chevron.svg); }\n");
               })
            << u"style.qss"_s << u"line 2: url(chevron.svg): the file lies outside the pack folder"_s;
        QTest::newRow("style sheet url() hidden by a CSS escape")
            << Break([](const QString& f) {
                   writePack(f);
                   writeFile(f + u"/style.qss"_s, "/* \\ in a comment is fine */\nQLabel { image: ur\\6c(/etc/logo.png); }\n");
               })
            << u"style.qss"_s << u"line 2: a backslash (a CSS escape) is not allowed"_s;
    }

    void badPacksAreRefused()
    {
        QFETCH(std::function<void(const QString&)>, breakPack);
        QFETCH(QString, file);
        QFETCH(QString, reason);
        QTemporaryDir dir;
        const QString folder = dir.filePath(u"acme"_s);
        writePack(folder);
        breakPack(folder);
        BrandingError error;
        QVERIFY(!BrandingPack::load(folder, &error));
        QCOMPARE(QFileInfo(error.file).fileName(), QFileInfo(file).fileName());
        QVERIFY2(error.reason.contains(reason), qPrintable(error.reason));
        QVERIFY(error.message().contains(error.file));
        QVERIFY(error.message().contains(error.reason));
    }

    void contrastRatioMatchesWcag_data()
    {
        QTest::addColumn<QString>("foreground");
        QTest::addColumn<QString>("background");
        QTest::addColumn<double>("expected");
        QTest::newRow("black on white") << u"#000000"_s << u"#ffffff"_s << 21.0;
        QTest::newRow("white on black") << u"#ffffff"_s << u"#000000"_s << 21.0;
        QTest::newRow("same colour") << u"#777777"_s << u"#777777"_s << 1.0;
        QTest::newRow("#777 on white") << u"#777"_s << u"#ffffff"_s << 4.48;
        QTest::newRow("#767676 on white") << u"#767676"_s << u"#ffffff"_s << 4.54; // the lightest grey passing AA
        QTest::newRow("pure red on white") << u"#ff0000"_s << u"#ffffff"_s << 4.0;
        QTest::newRow("pure blue on white") << u"#0000ff"_s << u"#ffffff"_s << 8.59;
    }

    void contrastRatioMatchesWcag()
    {
        QFETCH(QString, foreground);
        QFETCH(QString, background);
        QFETCH(double, expected);
        const double ratio = contrastRatio(*BrandingPack::parseColor(foreground), *BrandingPack::parseColor(background));
        QVERIFY2(std::abs(ratio - expected) < 0.01, qPrintable(QString::number(ratio, 'f', 4)));
    }

    void luminanceEnds()
    {
        QCOMPARE(relativeLuminance(0xff000000), 0.0);
        QVERIFY(std::abs(relativeLuminance(0xffffffff) - 1.0) < 1e-12);
    }

    void coloursParse()
    {
        QCOMPARE(*BrandingPack::parseColor(u"#abc"_s), 0xffaabbccu);
        QCOMPARE(*BrandingPack::parseColor(u"#1F5FA8"_s), 0xff1f5fa8u);
        QCOMPARE(*BrandingPack::parseColor(u"#801f5fa8"_s), 0x801f5fa8u);
        QVERIFY(!BrandingPack::parseColor(u"1f5fa8"_s));
        QVERIFY(!BrandingPack::parseColor(u"#1f5fa"_s));
        QVERIFY(!BrandingPack::parseColor(u"red"_s));
        QCOMPARE(BrandingPack::colorName(0xff1f5fa8), u"#1f5fa8"_s);
        QCOMPARE(BrandingPack::colorName(0x801f5fa8), u"#801f5fa8"_s);
    }

    void manifestRoundTrips()
    {
        BrandingError error;
        auto pack = BrandingPack::load(u":/branding/redwood-games"_s, &error);
        QVERIFY(pack);
        QTemporaryDir dir;
        const QString folder = dir.filePath(u"redwood-games"_s);
        QDir().mkpath(folder);
        for (const QString& name : {u"logo.svg"_s, u"icon.svg"_s, u"style.qss"_s})
            QVERIFY(QFile::copy(u":/branding/redwood-games/"_s + name, folder + u'/' + name));
        writeFile(folder + u"/brand.json"_s, pack->toManifest());
        const auto again = BrandingPack::load(folder, &error);
        QVERIFY2(again, qPrintable(error.message()));
        QCOMPARE(again->productName, pack->productName);
        QCOMPARE(again->light, pack->light);
        QCOMPARE(again->dark, pack->dark);
        QCOMPARE(again->fontFamily, pack->fontFamily);
    }

    void extraFolderComesFirst()
    {
        QTemporaryDir dir;
        writePack(dir.filePath(u"contoso-bank"_s));
        writePack(dir.filePath(u"kestrel-bank"_s));
        BrandingCatalog catalog;
        catalog.setExtraFolder(dir.path());
        QCOMPARE(catalog.folderFor(u"contoso-bank"_s), dir.filePath(u"contoso-bank"_s));
        QCOMPARE(catalog.folderFor(u"kestrel-bank"_s), dir.filePath(u"kestrel-bank"_s));
        QCOMPARE(catalog.folderFor(u"redwood-games"_s), u":/branding/redwood-games"_s);
        QVERIFY(catalog.slugs().contains(u"kestrel-bank"_s));
    }

    // What the catalog cannot use is refused with the file and the reason, never passed over.
    void catalogRefusals_data()
    {
        using Make = std::function<void(const QString&)>; // fills the folder given as --branding-dir
        QTest::addColumn<Make>("make");
        QTest::addColumn<QString>("file");   // relative to the folder
        QTest::addColumn<QString>("reason");
        QTest::newRow("pack folder without brand.json")
            << Make([](const QString& dir) {
                   writePack(dir + u"/contoso-bank"_s);
                   QVERIFY(QFile::remove(dir + u"/contoso-bank/brand.json"_s));
               })
            << u"contoso-bank/brand.json"_s << u"the file is missing"_s;
        QTest::newRow("empty pack folder")
            << Make([](const QString& dir) { QVERIFY(QDir().mkpath(dir + u"/contoso-bank"_s)); })
            << u"contoso-bank/brand.json"_s << u"the file is missing"_s;
        QTest::newRow("not a resource file")
            << Make([](const QString& dir) { writeFile(dir + u"/broken.rcc"_s, "not a resource file"); })
            << u"broken.rcc"_s << u"not a Qt resource file"_s;
        QTest::newRow("oversize .rcc")
            << Make([](const QString& dir) {
                   QFile file(dir + u"/huge.rcc"_s);
                   QVERIFY(file.open(QIODevice::WriteOnly));
                   QVERIFY(file.resize(BrandingCatalog::maxRccBytes + 1)); // sparse: no disk used
               })
            << u"huge.rcc"_s << u"more than the limit of %1"_s.arg(BrandingCatalog::maxRccBytes);
    }

    void catalogRefusals()
    {
        QFETCH(std::function<void(const QString&)>, make);
        QFETCH(QString, file);
        QFETCH(QString, reason);
        QTemporaryDir dir;
        make(dir.path());
        BrandingCatalog catalog;
        catalog.setExtraFolder(dir.path());
        QList<BrandingError> errors = catalog.registerRuntimePacks(dir.path());
        BrandingError error;
        const QString folder = catalog.folderFor(u"contoso-bank"_s, &error);
        if (!error.file.isEmpty()) {
            errors.append(error);
            // Refused: not the built-in pack of the slug either, so the person sees why theirs is not used.
            QVERIFY2(folder.isEmpty(), qPrintable(folder));
        } else {
            QCOMPARE(folder, u":/branding/contoso-bank"_s);
        }
        QCOMPARE(errors.size(), 1);
        QCOMPARE(errors.constFirst().file, dir.filePath(file));
        QVERIFY2(errors.constFirst().reason.contains(reason), qPrintable(errors.constFirst().reason));
        QVERIFY(errors.constFirst().message().contains(dir.filePath(file)));
        // A folder for another slug, with its brand.json, is found as before.
        writePack(dir.filePath(u"kestrel-bank"_s));
        BrandingError none;
        QCOMPARE(catalog.folderFor(u"kestrel-bank"_s, &none), dir.filePath(u"kestrel-bank"_s));
        QVERIFY(none.file.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestBrandingPack)
#include "tst_brandingpack.moc"
