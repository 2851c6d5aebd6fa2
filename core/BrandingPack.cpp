#include "BrandingPack.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QResource>
#include <QSet>
#include <QStandardPaths>

#include <cmath>

namespace TenantDesk {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("TenantDesk::BrandingPack", text);
}

// Whether `name` (as written in brand.json or a url() of the style sheet) stays inside the pack:
// relative, no "..", no drive, resource or URL scheme. Returns the reason when it does not.
QString escapesPack(const QString& name)
{
    if (name.isEmpty())
        return tr("the file name is empty");
    if (name.startsWith(u'/') || name.startsWith(u'\\'))
        return tr("“%1” is an absolute path; name a file inside the pack").arg(name);
    if (name.contains(u':'))
        return tr("“%1” names a drive, a resource or a URL; name a file inside the pack").arg(name);
    const QStringList parts = QString(name).replace(u'\\', u'/').split(u'/');
    if (parts.contains(u".."_s))
        return tr("“%1” leaves the pack folder (..)").arg(name);
    return {};
}

bool isResourcePath(const QString& path)
{
    return path.startsWith(u':');
}

// Reads `path` whole when it is at most `limit` bytes; `reason` says why not otherwise.
std::optional<QByteArray> readLimited(const QString& path, qint64 limit, QString* reason)
{
    QFile file(path);
    if (!file.exists()) {
        *reason = tr("the file is missing");
        return std::nullopt;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        *reason = tr("the file cannot be read: %1").arg(file.errorString());
        return std::nullopt;
    }
    if (file.size() > limit) {
        *reason = tr("the file has %1 bytes, more than the limit of %2").arg(file.size()).arg(limit);
        return std::nullopt;
    }
    return file.readAll();
}

struct Checker {
    QString folder;
    QString manifest;
    BrandingError* error;

    // Whether `path` (inside the folder by its name) is a symbolic link, or lies below one, that
    // leads out of the folder.
    bool leadsOut(const QString& path) const
    {
        if (isResourcePath(folder))
            return false;
        const QString canonicalFolder = QFileInfo(folder).canonicalFilePath();
        const QString canonical = QFileInfo(path).canonicalFilePath();
        return !canonical.isEmpty() && !canonical.startsWith(canonicalFolder + u'/');
    }

    bool fail(const QString& file, const QString& reason)
    {
        if (error)
            *error = BrandingError{file, reason};
        return false;
    }

    // A file named in brand.json: inside the pack, present, within the size limit.
    bool checkFile(const QString& name, qint64 limit, const QStringList& suffixes, QString* path)
    {
        if (const QString reason = escapesPack(name); !reason.isEmpty())
            return fail(manifest, reason);
        *path = folder + u'/' + name;
        if (leadsOut(*path))
            return fail(*path, tr("the file lies outside the pack folder"));
        const QString suffix = QFileInfo(name).suffix().toLower();
        if (!suffixes.contains(suffix))
            return fail(*path, tr("a .%1 file is not allowed here; use %2").arg(suffix, suffixes.join(u", "_s)));
        QString reason;
        if (!readLimited(*path, limit, &reason))
            return fail(*path, reason);
        return true;
    }

    bool readPalette(const QJsonObject& palettes, const QString& scheme, BrandingColors* colors)
    {
        const QJsonValue value = palettes.value(scheme);
        if (!value.isObject())
            return fail(manifest, tr("palettes.%1 is missing or not an object").arg(scheme));
        const QJsonObject object = value.toObject();
        const QStringList required = BrandingPack::requiredColorRoles();
        const QStringList optional = BrandingPack::optionalColorRoles();
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (!required.contains(it.key()) && !optional.contains(it.key()))
                return fail(manifest, tr("palettes.%1.%2 is not a colour role (known: %3)")
                                          .arg(scheme, it.key(), QStringList(required + optional).join(u", "_s)));
            if (!it.value().isString())
                return fail(manifest, tr("palettes.%1.%2 is not a text; write a colour as \"#rrggbb\"").arg(scheme, it.key()));
            const auto color = BrandingPack::parseColor(it.value().toString());
            if (!color)
                return fail(manifest, tr("palettes.%1.%2: “%3” is not a colour; write #rrggbb")
                                          .arg(scheme, it.key(), it.value().toString()));
            colors->insert(it.key(), *color);
        }
        for (const QString& role : required) {
            if (!colors->contains(role))
                return fail(manifest, tr("palettes.%1.%2 is missing").arg(scheme, role));
        }
        return true;
    }
};

} // namespace

QString BrandingError::message() const
{
    return QCoreApplication::translate("TenantDesk::BrandingPack", "Branding pack refused: %1: %2").arg(file, reason);
}

QStringList BrandingPack::requiredColorRoles()
{
    return {u"window"_s, u"window_text"_s, u"base"_s, u"text"_s, u"button"_s, u"button_text"_s,
            u"highlight"_s, u"highlighted_text"_s, u"accent"_s, u"header"_s, u"header_text"_s};
}

QStringList BrandingPack::optionalColorRoles()
{
    return {u"alternate_base"_s, u"link"_s, u"tooltip_base"_s, u"tooltip_text"_s, u"placeholder_text"_s};
}

std::optional<quint32> BrandingPack::parseColor(const QString& text)
{
    static const QRegularExpression hex(u"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$"_s);
    const QRegularExpressionMatch match = hex.match(text);
    if (!match.hasMatch())
        return std::nullopt;
    QString digits = match.captured(1);
    if (digits.size() == 3)
        digits = QString(digits.at(0)) + digits.at(0) + digits.at(1) + digits.at(1) + digits.at(2) + digits.at(2);
    if (digits.size() == 6)
        digits.prepend(u"ff"_s);
    return digits.toUInt(nullptr, 16);
}

QString BrandingPack::colorName(quint32 argb)
{
    const bool opaque = (argb >> 24) == 0xff;
    return u"#"_s + QString::number(opaque ? (argb & 0xffffff) : argb, 16).rightJustified(opaque ? 6 : 8, u'0');
}

std::optional<BrandingPack> BrandingPack::load(const QString& folderPath, BrandingError* error)
{
    BrandingPack pack;
    pack.folder = folderPath.endsWith(u'/') ? folderPath.chopped(1) : folderPath;
    pack.slug = QFileInfo(pack.folder).fileName();
    Checker check{pack.folder, pack.folder + u"/brand.json"_s, error};

    if (!QFileInfo(pack.folder).isDir()) {
        check.fail(pack.folder, tr("the pack folder is missing"));
        return std::nullopt;
    }
    QString reason;
    const auto manifest = readLimited(check.manifest, maxManifestBytes, &reason);
    if (!manifest) {
        check.fail(check.manifest, reason);
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(*manifest, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        check.fail(check.manifest, tr("invalid JSON at offset %1: %2").arg(parseError.offset).arg(parseError.errorString()));
        return std::nullopt;
    }
    if (!document.isObject()) {
        check.fail(check.manifest, tr("the document is not a JSON object"));
        return std::nullopt;
    }
    const QJsonObject root = document.object();
    static const QSet<QString> known{u"format"_s, u"product_name"_s, u"palettes"_s, u"logo"_s, u"icon"_s,
                                     u"style_sheet"_s, u"font_family"_s};
    for (auto it = root.begin(); it != root.end(); ++it) {
        if (!known.contains(it.key())) {
            check.fail(check.manifest, tr("unknown key “%1”").arg(it.key()));
            return std::nullopt;
        }
    }
    if (root.value(u"format"_s).toInt(-1) != formatVersion) {
        check.fail(check.manifest, tr("format must be %1").arg(formatVersion));
        return std::nullopt;
    }
    pack.productName = root.value(u"product_name"_s).toString().trimmed();
    if (pack.productName.isEmpty() || pack.productName.size() > 80) {
        check.fail(check.manifest, tr("product_name must be a text of 1 to 80 characters"));
        return std::nullopt;
    }
    const QJsonObject palettes = root.value(u"palettes"_s).toObject();
    if (!check.readPalette(palettes, u"light"_s, &pack.light) || !check.readPalette(palettes, u"dark"_s, &pack.dark))
        return std::nullopt;

    const QStringList images{u"svg"_s, u"png"_s};
    if (!check.checkFile(root.value(u"logo"_s).toString(), maxImageBytes, images, &pack.logoPath)
        || !check.checkFile(root.value(u"icon"_s).toString(), maxImageBytes, images, &pack.iconPath))
        return std::nullopt;
    if (root.contains(u"font_family"_s))
        pack.fontFamily = root.value(u"font_family"_s).toString().trimmed();

    if (root.contains(u"style_sheet"_s)) {
        if (!check.checkFile(root.value(u"style_sheet"_s).toString(), maxStyleSheetBytes, {u"qss"_s}, &pack.styleSheetPath))
            return std::nullopt;
        QFile file(pack.styleSheetPath);
        if (!file.open(QIODevice::ReadOnly)) {
            check.fail(pack.styleSheetPath, file.errorString());
            return std::nullopt;
        }
        // Comments go (blanked, so that line numbers stay): a url() inside one is no reference.
        QString text = QString::fromUtf8(file.readAll());
        for (qsizetype start = text.indexOf(u"/*"_s); start >= 0; start = text.indexOf(u"/*"_s, start)) {
            qsizetype end = text.indexOf(u"*/"_s, start + 2);
            end = end < 0 ? text.size() : end + 2;
            for (qsizetype i = start; i < end; ++i) {
                if (text.at(i) != u'\n')
                    text[i] = u' ';
            }
            start = end;
        }
        // Qt's CSS scanner reads "\6c" as "l" and "u\rl(" as "url(", anywhere: an escape could hide a
        // url() from the check below, so a pack's style sheet has none (comments are blanked already).
        if (const qsizetype backslash = text.indexOf(u'\\'); backslash >= 0) {
            const qsizetype line = text.left(backslash).count(u'\n') + 1;
            check.fail(pack.styleSheetPath, tr("line %1: a backslash (a CSS escape) is not allowed in a pack's style sheet").arg(line));
            return std::nullopt;
        }
        // url(...) in a pack's style sheet is relative to the pack and may not leave it.
        static const QRegularExpression url(u"url\\(\\s*(['\"]?)([^'\")]*)\\1\\s*\\)"_s,
                                            QRegularExpression::CaseInsensitiveOption);
        QString rewritten;
        qsizetype last = 0;
        for (auto it = url.globalMatch(text); it.hasNext();) {
            const QRegularExpressionMatch match = it.next();
            const QString name = match.captured(2).trimmed();
            if (const QString why = escapesPack(name); !why.isEmpty()) {
                const qsizetype line = text.left(match.capturedStart()).count(u'\n') + 1;
                check.fail(pack.styleSheetPath, tr("line %1: url(%2): %3").arg(line).arg(name, why));
                return std::nullopt;
            }
            const QString path = pack.folder + u'/' + name;
            if (!QFileInfo::exists(path)) {
                const qsizetype line = text.left(match.capturedStart()).count(u'\n') + 1;
                check.fail(pack.styleSheetPath, tr("line %1: url(%2): the file is missing").arg(line).arg(name));
                return std::nullopt;
            }
            if (check.leadsOut(path)) {
                const qsizetype line = text.left(match.capturedStart()).count(u'\n') + 1;
                check.fail(pack.styleSheetPath, tr("line %1: url(%2): the file lies outside the pack folder").arg(line).arg(name));
                return std::nullopt;
            }
            rewritten += QStringView(text).mid(last, match.capturedStart() - last);
            rewritten += u"url(\""_s + path + u"\")"_s;
            last = match.capturedEnd();
        }
        rewritten += QStringView(text).mid(last);
        pack.styleSheet = rewritten;
    }
    return pack;
}

QByteArray BrandingPack::toManifest() const
{
    const auto colors = [](const BrandingColors& palette) {
        QJsonObject object;
        for (auto it = palette.begin(); it != palette.end(); ++it)
            object.insert(it.key(), colorName(it.value()));
        return object;
    };
    QJsonObject root{{u"format"_s, formatVersion},
                     {u"product_name"_s, productName},
                     {u"logo"_s, QFileInfo(logoPath).fileName()},
                     {u"icon"_s, QFileInfo(iconPath).fileName()},
                     {u"palettes"_s, QJsonObject{{u"light"_s, colors(light)}, {u"dark"_s, colors(dark)}}}};
    if (!styleSheetPath.isEmpty())
        root.insert(u"style_sheet"_s, QFileInfo(styleSheetPath).fileName());
    if (!fontFamily.isEmpty())
        root.insert(u"font_family"_s, fontFamily);
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

double relativeLuminance(quint32 rgb)
{
    const auto channel = [](quint32 value) {
        const double c = double(value & 0xff) / 255.0;
        return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * channel(rgb >> 16) + 0.7152 * channel(rgb >> 8) + 0.0722 * channel(rgb);
}

double contrastRatio(quint32 foreground, quint32 background)
{
    const double a = relativeLuminance(foreground);
    const double b = relativeLuminance(background);
    return (std::max(a, b) + 0.05) / (std::min(a, b) + 0.05);
}

QString BrandingCatalog::userFolder()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u"/branding"_s;
}

QList<BrandingError> BrandingCatalog::registerRuntimePacks(const QString& folder)
{
    QList<BrandingError> errors;
    const QFileInfoList files = QDir(folder).entryInfoList({u"*.rcc"_s}, QDir::Files, QDir::Name);
    for (const QFileInfo& file : files) {
        const QString path = file.absoluteFilePath();
        if (m_registered.contains(path))
            continue;
        if (file.size() > maxRccBytes) {
            errors.append({path, tr("the file has %1 bytes, more than the limit of %2").arg(file.size()).arg(maxRccBytes)});
            continue;
        }
        if (!QResource::registerResource(path, runtimeRoot))
            errors.append({path, tr("not a Qt resource file (.rcc made with rcc -binary)")});
        else
            m_registered.append(path);
    }
    return errors;
}

QString BrandingCatalog::folderFor(const QString& slug, BrandingError* error) const
{
    if (slug.isEmpty() || !escapesPack(slug).isEmpty())
        return {};
    QStringList candidates;
    if (!m_extraFolder.isEmpty())
        candidates << m_extraFolder + u'/' + slug;
    candidates << u":"_s + runtimeRoot + u"/branding/"_s + slug << u":/branding/"_s + slug;
    for (const QString& folder : std::as_const(candidates)) {
        const QString manifest = folder + u"/brand.json"_s;
        if (QFileInfo::exists(manifest))
            return folder;
        if (QFileInfo(folder).isDir()) {
            if (error)
                *error = {manifest, tr("the file is missing")};
            return {};
        }
    }
    return {};
}

QStringList BrandingCatalog::slugs() const
{
    QSet<QString> found;
    QStringList roots{u":/branding"_s, u":"_s + runtimeRoot + u"/branding"_s};
    if (!m_extraFolder.isEmpty())
        roots.prepend(m_extraFolder);
    for (const QString& root : std::as_const(roots)) {
        for (const QString& entry : QDir(root).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            if (entry != u"default"_s && QFileInfo::exists(root + u'/' + entry + u"/brand.json"_s))
                found.insert(entry);
        }
    }
    QStringList sorted(found.begin(), found.end());
    sorted.sort();
    return sorted;
}

} // namespace TenantDesk
