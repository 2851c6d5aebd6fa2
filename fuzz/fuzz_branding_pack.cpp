// Branding packs (tenantdesk --branding-dir, .rcc packs): brand.json and the style sheet it names,
// as BrandingPack::load reads them from a pack folder.
//
// The input is brand.json, a NUL byte, then the style sheet (written as style.qss; without a NUL
// there is none). The pack folder also holds the real images of resources/branding (logo.svg,
// icon.svg, chevron.svg, chevron-open.svg, images/pattern.png) and a symbolic link, outside.svg,
// to a file beside the pack folder: a pack may name its files, never one outside it.
//
// The promise: a pack that keeps the loader's promises (every colour role a palette needs, each a
// colour; its files and every url() of its style sheet inside the pack), or a refusal naming the
// file (brand.json, the style sheet, or the pack folder) with a reason. Never a crash.
#include "BrandingPack.h"
#include "FuzzSupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <cctype>

using namespace TenantDesk;
using namespace Qt::StringLiterals;

namespace {

void writeFile(const QString& path, const QByteArray& data)
{
    QFile file(path);
    Fuzz::require(file.open(QIODevice::WriteOnly | QIODevice::Truncate), "the harness cannot write its pack");
    Fuzz::require(file.write(data) == data.size(), "the harness cannot write its pack");
}

QByteArray readSource(const QString& path)
{
    QFile file(path);
    Fuzz::require(file.open(QIODevice::ReadOnly), "the harness cannot read resources/branding");
    return file.readAll();
}

// The pack folder, made once: <temporary>/acme, and <temporary>/secret.svg outside it.
struct PackFolder {
    QTemporaryDir root;
    QString folder;
    QString canonicalFolder;

    PackFolder()
    {
        Fuzz::require(root.isValid(), "no temporary directory");
        folder = root.filePath(u"acme"_s);
        Fuzz::require(QDir().mkpath(folder + u"/images"_s), "the harness cannot make its pack folder");
        const QString source = QString::fromUtf8(TENANTDESK_BRANDING_DIR);
        writeFile(folder + u"/logo.svg"_s, readSource(source + u"/default/logo.svg"_s));
        writeFile(folder + u"/icon.svg"_s, readSource(source + u"/default/icon.svg"_s));
        writeFile(folder + u"/chevron.svg"_s, readSource(source + u"/contoso-bank/chevron.svg"_s));
        writeFile(folder + u"/chevron-open.svg"_s, readSource(source + u"/contoso-bank/chevron-open.svg"_s));
        writeFile(folder + u"/images/pattern.png"_s, QByteArray::fromBase64(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="));
        writeFile(root.filePath(u"secret.svg"_s), readSource(source + u"/default/logo.svg"_s));
        Fuzz::require(QFile::link(root.filePath(u"secret.svg"_s), folder + u"/outside.svg"_s),
                      "the harness cannot make its symbolic link");
        canonicalFolder = QFileInfo(folder).canonicalFilePath();
    }

    bool inside(const QString& path) const
    {
        if (!path.startsWith(folder + u'/'))
            return false;
        const QString canonical = QFileInfo(path).canonicalFilePath();
        return !canonical.isEmpty() && canonical.startsWith(canonicalFolder + u'/');
    }
};

// The style sheet as Qt's CSS scanner reads it: "\\6c" (1 to 6 hex digits) is the character of that
// code, and a backslash before any other character is that character.
QString unescapeCss(const QString& text)
{
    const auto isHex = [](QChar c) { return c.unicode() < 128 && std::isxdigit(c.unicode()); };
    QString out;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text.at(i) != u'\\' || i + 1 == text.size()) {
            out += text.at(i);
            continue;
        }
        qsizetype end = i + 1;
        while (end < text.size() && end - i - 1 < 6 && isHex(text.at(end)))
            ++end;
        if (end == i + 1) {
            out += text.at(i + 1);
            i += 1;
        } else {
            out += QChar(char16_t(QStringView(text).mid(i + 1, end - i - 1).toUInt(nullptr, 16)));
            i = end - 1;
        }
    }
    return out;
}

void checkPack(const PackFolder& where, const BrandingPack& pack)
{
    Fuzz::require(pack.folder == where.folder && pack.slug == u"acme"_s, "a pack read as another folder");
    Fuzz::require(!pack.productName.isEmpty() && pack.productName.size() <= 80 && pack.productName == pack.productName.trimmed(),
                  "a product name that is empty, too long or untrimmed");
    const QStringList required = BrandingPack::requiredColorRoles();
    const QStringList optional = BrandingPack::optionalColorRoles();
    for (const BrandingColors* palette : {&pack.light, &pack.dark}) {
        for (const QString& role : required)
            Fuzz::require(palette->contains(role), "a palette without a required colour role");
        for (auto it = palette->begin(); it != palette->end(); ++it) {
            Fuzz::require(required.contains(it.key()) || optional.contains(it.key()), "a palette with an unknown colour role");
            Fuzz::require(BrandingPack::parseColor(BrandingPack::colorName(it.value())) == it.value(),
                          "a colour that does not survive its own name");
        }
    }
    for (const QString& image : {pack.logoPath, pack.iconPath}) {
        Fuzz::require(where.inside(image), "an image outside the pack");
        const QString suffix = QFileInfo(image).suffix().toLower();
        Fuzz::require(suffix == u"svg"_s || suffix == u"png"_s, "an image that is neither .svg nor .png");
    }
    if (pack.styleSheetPath.isEmpty()) {
        Fuzz::require(pack.styleSheet.isEmpty(), "a style sheet without its file");
        return;
    }
    Fuzz::require(where.inside(pack.styleSheetPath), "a style sheet outside the pack");
    Fuzz::require(QFileInfo(pack.styleSheetPath).suffix().toLower() == u"qss"_s, "a style sheet that is not .qss");
    // Every url() left in the style sheet the widgets get, as Qt reads it (escapes and all), is an
    // absolute path inside the pack.
    static const QRegularExpression url(u"url\\(\\s*(['\"]?)([^'\")]*)\\1\\s*\\)"_s, QRegularExpression::CaseInsensitiveOption);
    for (auto it = url.globalMatch(unescapeCss(pack.styleSheet)); it.hasNext();) {
        const QString path = it.next().captured(2).trimmed();
        Fuzz::require(where.inside(path), "a url() of the style sheet that leads out of the pack");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const PackFolder where;
    const QByteArray input = Fuzz::bytes(data, size);
    const qsizetype split = input.indexOf('\0');
    writeFile(where.folder + u"/brand.json"_s, split < 0 ? input : input.left(split));
    writeFile(where.folder + u"/style.qss"_s, split < 0 ? QByteArray() : input.mid(split + 1));

    BrandingError error;
    const std::optional<BrandingPack> pack = BrandingPack::load(where.folder, &error);
    if (pack) {
        checkPack(where, *pack);
        return 0;
    }
    Fuzz::require(error.file == where.folder || error.file.startsWith(where.folder + u'/'),
                  "a refusal that names no file of the pack");
    Fuzz::require(!error.reason.isEmpty(), "a refusal without a reason");
    Fuzz::require(error.message().contains(error.file), "a refusal whose message leaves out the file");
    return 0;
}
