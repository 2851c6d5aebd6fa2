#pragma once

#include "BrandingPack.h"

#include <QColor>
#include <QFont>
#include <QHash>
#include <QIcon>
#include <QImage>
#include <QObject>
#include <QPalette>
#include <QPointer>

#include <memory>

class QFrame;
class QLabel;
class QMainWindow;
class QToolBar;

namespace TenantDesk {

// A pack with its images decoded: what applying it needs.
struct LoadedBranding {
    BrandingPack pack;
    QImage logo; // at most BrandingPack::maxImageSide on its longer side
    QIcon icon;
};

// The look in use, for charts and reports: the active pack's colours (of the light or dark palette
// shown now) and logo; the platform's when no tenant pack is active.
struct BrandingLook {
    QString slug;        // the pack's slug; "default" for the platform look
    QString productName; // "Contoso Bank Online"; "TenantDesk" for the platform
    bool dark = false;
    QColor accent;
    QColor highlight;
    QColor header;
    QColor headerText;
    QColor window;
    QColor base;
    QColor text;
    QImage logo;
    QIcon icon;
};

// Owns the branding state of one main window, outside its pages (which may be rebuilt, e.g. on a
// language change): finds the pack of the selected tenant, applies its palette, style sheet, font,
// title, icon and the header strip with its logo in one go, and restores the platform look.
class BrandingManager : public QObject
{
    Q_OBJECT

public:
    static constexpr int headerLogoSize = 32;

    explicit BrandingManager(QMainWindow* window);
    ~BrandingManager() override;

    // The active look of the application's branding manager (the platform's when there is none).
    static BrandingLook current();
    // The look of a tenant whether or not it is selected (for a report of that tenant): the pack of
    // the first slug that has one (the tenant's, then its ancestors', nearest first), as applyTenant
    // finds it; the platform's when none has or the pack is refused. The colours follow the
    // system's light or dark palette as current() does; with `forPrint`, the light palette's, as a
    // report is printed on white (as tenantctl's reports are).
    static BrandingLook lookFor(const QStringList& slugsNearestFirst, bool forPrint = false);
    // The application's branding manager (the last one created that still lives), or nullptr:
    // charts follow its `changed` signal.
    static BrandingManager* instance();

    BrandingCatalog& catalog() { return m_catalog; }
    // Registers the .rcc packs of the user's branding folder (BrandingCatalog::userFolder());
    // refused files are reported through packRefused.
    void loadRuntimePacks(const QString& folder = BrandingCatalog::userFolder());
    // --branding-dir: packs in DIR/<slug>/ come before every other.
    void setExtraFolder(const QString& folder);

    // Applies the pack of the first slug that has one (a tenant's, then its ancestors', nearest
    // first); the platform look when none has. A refused pack is reported and the platform look stays.
    void applyTenant(const QStringList& slugsNearestFirst);
    void applyPlatform() { applyTenant({}); }
    // The window's own title ("demo.tenantdesk — TenantDesk"), shown when no tenant pack is active.
    void setBaseWindowTitle(const QString& title);
    // The language changed: the branded window title, the header strip's title and the logo's
    // accessible name again in the language now installed (the base title is the window's to give).
    void retranslate();
    QString activeSlug() const { return m_active ? m_active->pack.slug : QString(); }
    BrandingLook look() const;
    // The pack shown now: the active tenant's, else the platform's.
    BrandingPack shownPack() const;
    QToolBar* header() const { return m_headerBar; }

    // Whether the system's look is dark (its window colour is dark); the packs' dark palettes follow.
    bool systemIsDark() const { return m_systemDark; }
    void setSystemDark(bool dark);
    static bool isDarkPalette(const QPalette& palette);

    // Reads a pack and decodes its images; nullopt and `error` when refused.
    static std::optional<LoadedBranding> load(const QString& folder, BrandingError* error);
    // Decodes an image of a pack, refusing what cannot be read or is larger than the limits.
    static std::optional<QImage> readImage(const QString& path, BrandingError* error);
    // A palette for widgets from a pack's colours.
    static QPalette palette(const BrandingColors& colors);

Q_SIGNALS:
    // A pack was refused: its file and the reason, in a sentence.
    void packRefused(const QString& message);
    // Another look is shown.
    void changed();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    std::shared_ptr<const LoadedBranding> packFor(const QString& folder);
    void createHeader();
    void apply();
    void applyWindowTitle();
    void resampleSystemPalette();
    static BrandingLook fallbackLook(); // when even the platform pack is missing
    BrandingLook lookOf(const LoadedBranding* shown, bool dark) const;
    std::shared_ptr<const LoadedBranding> packForSlugs(const QStringList& slugsNearestFirst);

    QPointer<QMainWindow> m_window;
    BrandingCatalog m_catalog;
    QHash<QString, std::shared_ptr<const LoadedBranding>> m_cache; // by folder
    std::shared_ptr<const LoadedBranding> m_platform;
    std::shared_ptr<const LoadedBranding> m_active; // a tenant pack, or null: the platform look
    QString m_baseTitle = QStringLiteral("TenantDesk");
    QFont m_systemFont;
    QPalette m_appliedPalette;
    bool m_systemDark = false;
    bool m_applying = false;
    QToolBar* m_headerBar = nullptr;
    QFrame* m_headerFrame = nullptr;
    QLabel* m_logoLabel = nullptr;
    QLabel* m_nameLabel = nullptr;
};

} // namespace TenantDesk
