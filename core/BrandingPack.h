#pragma once

#include <QMap>
#include <QString>
#include <QStringList>
#include <optional>

namespace TenantDesk {

// Why a branding pack was refused: the file and the reason, both shown to the person.
struct BrandingError {
    QString file;   // the offending file (a resource path ":/branding/acme/brand.json" or a real path)
    QString reason; // "invalid JSON at offset 42: unterminated string"

    QString message() const;
};

// One palette of a pack: colour role → 0xAARRGGBB. Roles are BrandingPack::colorRoles().
using BrandingColors = QMap<QString, quint32>;

// A tenant's branding pack as read from its folder (DESIGN.md, "Branding and language"; the format
// is docs/BRANDING.md): checked here with QtCore only; the images are decoded by the UI
// (BrandingManager), which refuses unreadable or oversize ones.
struct BrandingPack {
    static constexpr qint64 maxImageBytes = 1024 * 1024;
    static constexpr int maxImageSide = 1024;
    static constexpr qint64 maxStyleSheetBytes = 64 * 1024;
    static constexpr qint64 maxManifestBytes = 64 * 1024;
    static constexpr int formatVersion = 1;

    QString folder;      // ":/branding/acme" or "/home/me/packs/acme", no trailing slash
    QString slug;        // the tenant slug the pack is for (its folder's name)
    QString productName; // "Contoso Online"
    BrandingColors light;
    BrandingColors dark;
    QString logoPath;    // absolute: folder + "/" + the file named in brand.json
    QString iconPath;
    QString styleSheetPath; // empty when the pack has none
    QString styleSheet;     // its text, url(...) rewritten to absolute paths inside the pack
    QString fontFamily;     // empty: the system's

    // The colour roles every palette has (required) and the ones it may leave out (optional).
    static QStringList requiredColorRoles();
    static QStringList optionalColorRoles();

    // Reads and checks the pack in `folder`; nullopt and `error` (file and reason) when refused.
    static std::optional<BrandingPack> load(const QString& folder, BrandingError* error);

    // brand.json for this pack, naming its files by their names inside the folder.
    QByteArray toManifest() const;

    // "#rgb", "#rrggbb" or "#aarrggbb" → 0xAARRGGBB; nullopt for anything else.
    static std::optional<quint32> parseColor(const QString& text);
    static QString colorName(quint32 argb); // "#rrggbb" (alpha left out when opaque)
};

// WCAG 2.x relative luminance (0 black … 1 white) of an sRGB colour, alpha ignored.
double relativeLuminance(quint32 rgb);
// WCAG 2.x contrast ratio, 1 … 21 (order of the two colours does not matter).
double contrastRatio(quint32 foreground, quint32 background);

// Where packs are found: a --branding-dir folder (DIR/<slug>/brand.json), then packs from .rcc files
// registered at run time, then the packs compiled into the program (":/branding/<slug>").
class BrandingCatalog
{
public:
    static constexpr QLatin1StringView runtimeRoot{"/tenantdesk-runtime-branding"};
    static constexpr qint64 maxRccBytes = 8 * BrandingPack::maxImageBytes;

    // The user's branding folder: QStandardPaths::AppDataLocation + "/branding".
    static QString userFolder();
    // Registers every .rcc file in `folder` (QResource::registerResource under runtimeRoot); returns
    // the files that could not be registered, with the reason.
    QList<BrandingError> registerRuntimePacks(const QString& folder);
    void setExtraFolder(const QString& folder) { m_extraFolder = folder; }
    QString extraFolder() const { return m_extraFolder; }

    // The folder of the pack for `slug`, or empty when there is none. A folder for the slug without
    // its brand.json (DIR/<slug>/ made by hand, half copied) is refused, not passed over: empty, and
    // `error` names DIR/<slug>/brand.json and says that the file is missing.
    QString folderFor(const QString& slug, BrandingError* error = nullptr) const;
    // Every slug that has a pack, sorted (without "default").
    QStringList slugs() const;

private:
    QString m_extraFolder;
    QStringList m_registered;
};

} // namespace TenantDesk
