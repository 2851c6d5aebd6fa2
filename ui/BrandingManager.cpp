#include "BrandingManager.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEvent>

#include <functional>
#include <QFontDatabase>
#include <QFrame>
#include <QHBoxLayout>
#include <QImageReader>
#include <QLabel>
#include <QLoggingCategory>
#include <QMainWindow>
#include <QToolBar>

namespace TenantDesk {

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcBranding, "tenantdesk.branding")

namespace {

QPointer<BrandingManager> g_instance;

QColor color(const BrandingColors& colors, const QString& role, const QColor& fallback = {})
{
    const auto it = colors.constFind(role);
    return it == colors.constEnd() ? fallback : QColor::fromRgba(*it);
}

} // namespace

std::optional<QImage> BrandingManager::readImage(const QString& path, BrandingError* error)
{
    QImageReader reader(path);
    const QSize size = reader.size();
    if (!reader.canRead() || !size.isValid()) {
        if (error)
            *error = {path, QCoreApplication::translate("TenantDesk::BrandingPack", "the image cannot be read: %1")
                                .arg(reader.errorString())};
        return std::nullopt;
    }
    if (size.width() > BrandingPack::maxImageSide || size.height() > BrandingPack::maxImageSide) {
        if (error)
            *error = {path, QCoreApplication::translate("TenantDesk::BrandingPack", "the image is %1×%2 pixels, more than %3×%3")
                                .arg(size.width()).arg(size.height()).arg(BrandingPack::maxImageSide)};
        return std::nullopt;
    }
    // Vector logos are drawn at the largest allowed size so that reports print them sharply.
    if (reader.format() == "svg")
        reader.setScaledSize(size.scaled(BrandingPack::maxImageSide / 2, BrandingPack::maxImageSide / 2, Qt::KeepAspectRatio));
    QImage image = reader.read();
    if (image.isNull()) {
        if (error)
            *error = {path, QCoreApplication::translate("TenantDesk::BrandingPack", "the image cannot be read: %1")
                                .arg(reader.errorString())};
        return std::nullopt;
    }
    return image;
}

BrandingManager::BrandingManager(QMainWindow* window)
    : QObject(window)
    , m_window(window)
    , m_systemFont(QApplication::font())
    , m_systemDark(isDarkPalette(QApplication::palette()))
{
    g_instance = this;
    BrandingError error;
    if (auto platform = load(u":/branding/default"_s, &error))
        m_platform = std::make_shared<const LoadedBranding>(std::move(*platform));
    else
        qCWarning(lcBranding).noquote() << error.message();
    createHeader();
    qApp->installEventFilter(this);
    apply();
}

BrandingManager::~BrandingManager()
{
    qApp->removeEventFilter(this);
}

BrandingLook BrandingManager::current()
{
    return g_instance ? g_instance->look() : fallbackLook();
}

BrandingManager* BrandingManager::instance()
{
    return g_instance.data();
}

BrandingLook BrandingManager::lookFor(const QStringList& slugsNearestFirst, bool forPrint)
{
    if (!g_instance)
        return fallbackLook();
    const std::shared_ptr<const LoadedBranding> pack = g_instance->packForSlugs(slugsNearestFirst);
    return g_instance->lookOf(pack ? pack.get() : g_instance->m_platform.get(), forPrint ? false : g_instance->m_systemDark);
}

BrandingLook BrandingManager::fallbackLook()
{
    BrandingLook look;
    look.slug = u"default"_s;
    look.productName = u"TenantDesk"_s;
    look.accent = look.highlight = QColor(0x1f, 0x5f, 0xa8);
    look.header = QColor(0x1f, 0x4e, 0x79);
    look.headerText = Qt::white;
    look.window = QApplication::palette().color(QPalette::Window);
    look.base = QApplication::palette().color(QPalette::Base);
    look.text = QApplication::palette().color(QPalette::Text);
    return look;
}

BrandingLook BrandingManager::look() const
{
    return lookOf(m_active ? m_active.get() : m_platform.get(), m_systemDark);
}

BrandingLook BrandingManager::lookOf(const LoadedBranding* shown, bool dark) const
{
    if (!shown)
        return fallbackLook();
    const BrandingColors& colors = dark ? shown->pack.dark : shown->pack.light;
    BrandingLook look;
    look.slug = shown->pack.slug;
    look.productName = shown->pack.productName;
    look.dark = dark;
    look.accent = color(colors, u"accent"_s);
    look.highlight = color(colors, u"highlight"_s);
    look.header = color(colors, u"header"_s);
    look.headerText = color(colors, u"header_text"_s);
    look.window = color(colors, u"window"_s);
    look.base = color(colors, u"base"_s);
    look.text = color(colors, u"text"_s);
    look.logo = shown->logo;
    look.icon = shown->icon;
    return look;
}

BrandingPack BrandingManager::shownPack() const
{
    const LoadedBranding* shown = m_active ? m_active.get() : m_platform.get();
    return shown ? shown->pack : BrandingPack{};
}

std::optional<LoadedBranding> BrandingManager::load(const QString& folder, BrandingError* error)
{
    auto pack = BrandingPack::load(folder, error);
    if (!pack)
        return std::nullopt;
    LoadedBranding loaded;
    const auto logo = readImage(pack->logoPath, error);
    if (!logo)
        return std::nullopt;
    if (!readImage(pack->iconPath, error))
        return std::nullopt;
    loaded.logo = *logo;
    loaded.icon = QIcon(pack->iconPath); // SVG stays vector: sharp at every scale
    loaded.pack = std::move(*pack);
    return loaded;
}

QPalette BrandingManager::palette(const BrandingColors& colors)
{
    const QColor window = color(colors, u"window"_s);
    const QColor button = color(colors, u"button"_s);
    QPalette palette(button, window); // derives light, mid, dark and shadow from the button colour
    const QColor text = color(colors, u"text"_s);
    const QColor windowText = color(colors, u"window_text"_s);
    const QColor base = color(colors, u"base"_s);
    const auto set = [&palette](QPalette::ColorRole role, const QColor& value) {
        palette.setColor(QPalette::Active, role, value);
        palette.setColor(QPalette::Inactive, role, value);
    };
    set(QPalette::Window, window);
    set(QPalette::WindowText, windowText);
    set(QPalette::Base, base);
    set(QPalette::AlternateBase, color(colors, u"alternate_base"_s, base.darker(104)));
    set(QPalette::Text, text);
    set(QPalette::Button, button);
    set(QPalette::ButtonText, color(colors, u"button_text"_s));
    set(QPalette::Highlight, color(colors, u"highlight"_s));
    set(QPalette::HighlightedText, color(colors, u"highlighted_text"_s));
    set(QPalette::Link, color(colors, u"link"_s, color(colors, u"accent"_s)));
    set(QPalette::LinkVisited, color(colors, u"link"_s, color(colors, u"accent"_s)).darker(115));
    set(QPalette::ToolTipBase, color(colors, u"tooltip_base"_s, base));
    set(QPalette::ToolTipText, color(colors, u"tooltip_text"_s, text));
    QColor placeholder = color(colors, u"placeholder_text"_s, text);
    if (!colors.contains(u"placeholder_text"_s))
        placeholder.setAlpha(128);
    set(QPalette::PlaceholderText, placeholder);
    // Disabled: the text half way to its background.
    const auto blend = [](const QColor& a, const QColor& b) {
        return QColor((a.red() + b.red()) / 2, (a.green() + b.green()) / 2, (a.blue() + b.blue()) / 2);
    };
    palette.setColor(QPalette::Disabled, QPalette::Window, window);
    palette.setColor(QPalette::Disabled, QPalette::Base, window);
    palette.setColor(QPalette::Disabled, QPalette::Button, button);
    palette.setColor(QPalette::Disabled, QPalette::WindowText, blend(windowText, window));
    palette.setColor(QPalette::Disabled, QPalette::Text, blend(text, window));
    palette.setColor(QPalette::Disabled, QPalette::ButtonText, blend(color(colors, u"button_text"_s), button));
    palette.setColor(QPalette::Disabled, QPalette::Highlight, blend(color(colors, u"highlight"_s), window));
    palette.setColor(QPalette::Disabled, QPalette::HighlightedText, color(colors, u"highlighted_text"_s));
    return palette;
}

bool BrandingManager::isDarkPalette(const QPalette& palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

void BrandingManager::setSystemDark(bool dark)
{
    if (dark == m_systemDark)
        return;
    m_systemDark = dark;
    apply();
}

void BrandingManager::loadRuntimePacks(const QString& folder)
{
    const QList<BrandingError> errors = m_catalog.registerRuntimePacks(folder);
    for (const BrandingError& error : errors) {
        qCWarning(lcBranding).noquote() << error.message();
        Q_EMIT packRefused(error.message());
    }
}

void BrandingManager::setExtraFolder(const QString& folder)
{
    m_catalog.setExtraFolder(folder);
    m_cache.clear(); // a pack from the new folder may take the place of one read before
}

std::shared_ptr<const LoadedBranding> BrandingManager::packFor(const QString& folder)
{
    if (const auto it = m_cache.constFind(folder); it != m_cache.constEnd())
        return *it;
    BrandingError error;
    auto loaded = load(folder, &error);
    if (!loaded) {
        qCWarning(lcBranding).noquote() << error.message();
        Q_EMIT packRefused(error.message());
        return nullptr; // not kept: a pack fixed on disk is read again next time
    }
    auto shared = std::make_shared<const LoadedBranding>(std::move(*loaded));
    m_cache.insert(folder, shared);
    return shared;
}

std::shared_ptr<const LoadedBranding> BrandingManager::packForSlugs(const QStringList& slugsNearestFirst)
{
    for (const QString& slug : slugsNearestFirst) {
        BrandingError error;
        const QString folder = m_catalog.folderFor(slug, &error);
        if (!error.file.isEmpty()) { // a folder for the slug that holds no pack: refused, said why
            qCWarning(lcBranding).noquote() << error.message();
            Q_EMIT packRefused(error.message());
            break;
        }
        if (folder.isEmpty())
            continue;
        return packFor(folder); // a refused pack: the platform look, not an ancestor's
    }
    return nullptr;
}

void BrandingManager::applyTenant(const QStringList& slugsNearestFirst)
{
    const std::shared_ptr<const LoadedBranding> pack = packForSlugs(slugsNearestFirst);
    if (pack == m_active)
        return;
    m_active = pack;
    apply();
}

void BrandingManager::setBaseWindowTitle(const QString& title)
{
    m_baseTitle = title;
    applyWindowTitle();
}

void BrandingManager::applyWindowTitle()
{
    if (m_window)
        m_window->setWindowTitle(m_active ? tr("%1 — TenantDesk").arg(m_active->pack.productName) : m_baseTitle);
}

void BrandingManager::retranslate()
{
    if (m_headerBar)
        m_headerBar->setWindowTitle(tr("Branding"));
    const LoadedBranding* shown = m_active ? m_active.get() : m_platform.get();
    if (m_logoLabel && shown)
        m_logoLabel->setAccessibleName(tr("%1 logo").arg(shown->pack.productName));
    applyWindowTitle();
}

void BrandingManager::createHeader()
{
    if (!m_window)
        return;
    m_headerBar = new QToolBar(tr("Branding"), m_window);
    m_headerBar->setObjectName(u"brandingToolBar"_s);
    m_headerBar->setMovable(false);
    m_headerBar->setFloatable(false);
    m_headerBar->toggleViewAction()->setVisible(false);
    // No frame, handle or padding around the strip, whatever style sheet a pack brings.
    m_headerBar->setStyleSheet(u"QToolBar#brandingToolBar { border: none; padding: 0px; margin: 0px; spacing: 0px; }"_s);
    m_headerBar->setContentsMargins(0, 0, 0, 0);
    m_headerBar->layout()->setContentsMargins(0, 0, 0, 0);
    m_headerBar->layout()->setSpacing(0);
    m_headerFrame = new QFrame(m_headerBar);
    m_headerFrame->setObjectName(u"brandingHeader"_s);
    m_headerFrame->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    m_headerFrame->setAutoFillBackground(true);
    auto* layout = new QHBoxLayout(m_headerFrame);
    layout->setContentsMargins(12, 6, 12, 6);
    layout->setSpacing(10);
    m_logoLabel = new QLabel(m_headerFrame);
    m_logoLabel->setObjectName(u"brandingLogoLabel"_s);
    m_logoLabel->setFixedSize(headerLogoSize, headerLogoSize);
    m_nameLabel = new QLabel(m_headerFrame);
    m_nameLabel->setObjectName(u"brandingNameLabel"_s);
    QFont font = m_nameLabel->font();
    font.setBold(true);
    font.setPointSizeF(font.pointSizeF() * 1.25);
    m_nameLabel->setFont(font);
    layout->addWidget(m_logoLabel);
    layout->addWidget(m_nameLabel, 1);
    m_headerBar->addWidget(m_headerFrame);
    m_window->addToolBar(Qt::TopToolBarArea, m_headerBar);
    m_window->addToolBarBreak(Qt::TopToolBarArea); // other bars (View as…) below the header
}

namespace {

// Whether two palettes show the same colours where it shows: a widget's palette compared with an
// application palette it was resolved from.
bool sameLook(const QPalette& a, const QPalette& b)
{
    for (const QPalette::ColorRole role : {QPalette::Window, QPalette::WindowText, QPalette::Base, QPalette::Text,
                                           QPalette::Button, QPalette::ButtonText, QPalette::Highlight}) {
        if (a.color(QPalette::Active, role) != b.color(QPalette::Active, role))
            return false;
    }
    return true;
}

} // namespace

void BrandingManager::apply()
{
    QElapsedTimer timer;
    timer.start();
    const LoadedBranding* shown = m_active ? m_active.get() : m_platform.get();
    const bool updates = m_window && m_window->updatesEnabled();
    if (m_window)
        m_window->setUpdatesEnabled(false);
    m_applying = true;
    const QPalette before = QApplication::palette();
    // Removing a style sheet gives the widgets it styled, as their own, the palette they had when it
    // was set (QStyleSheetStyle::unsetPalette): the one shown until now. So: the style sheet goes
    // first, those widgets follow the application's palette again, then the new palette, then the
    // new style sheet, which keeps the new palette as the one to give back.
    if (!qApp->styleSheet().isEmpty())
        qApp->setStyleSheet(QString());
    const QList<QWidget*> widgets = QApplication::allWidgets();
    for (QWidget* widget : widgets) {
        if (widget->testAttribute(Qt::WA_SetPalette) && widget != m_headerFrame && sameLook(widget->palette(), before))
            widget->setPalette(QPalette());
    }
    if (shown) {
        const BrandingColors& colors = m_systemDark ? shown->pack.dark : shown->pack.light;
        m_appliedPalette = palette(colors);
        QApplication::setPalette(m_appliedPalette);
        qApp->setStyleSheet(shown->pack.styleSheet);
        if (!shown->pack.fontFamily.isEmpty() && QFontDatabase::hasFamily(shown->pack.fontFamily)) {
            QFont font = m_systemFont;
            font.setFamily(shown->pack.fontFamily);
            QApplication::setFont(font);
        } else {
            QApplication::setFont(m_systemFont);
        }
        if (m_headerFrame) {
            QPalette header = m_headerFrame->palette();
            header.setColor(QPalette::Window, color(colors, u"header"_s));
            header.setColor(QPalette::WindowText, color(colors, u"header_text"_s));
            m_headerFrame->setPalette(header);
            m_headerFrame->setStyleSheet(u"QFrame#brandingHeader { background: %1; } QLabel { color: %2; background: transparent; }"_s
                                             .arg(color(colors, u"header"_s).name(), color(colors, u"header_text"_s).name()));
            const qreal ratio = m_window ? m_window->devicePixelRatioF() : 1.0;
            QPixmap logo = QIcon(shown->pack.logoPath).pixmap(QSize(headerLogoSize, headerLogoSize), ratio);
            m_logoLabel->setPixmap(logo);
            m_logoLabel->setToolTip(shown->pack.productName);
            m_logoLabel->setAccessibleName(tr("%1 logo").arg(shown->pack.productName));
            m_nameLabel->setText(shown->pack.productName);
        }
        if (m_window)
            m_window->setWindowIcon(shown->icon);
    } else {
        QApplication::setPalette(QPalette());
        m_appliedPalette = QApplication::palette();
        QApplication::setFont(m_systemFont);
    }
    applyWindowTitle();
    // Widgets the style sheets touched may still hold an earlier palette as inherited: from each
    // window down, every widget without a palette of its own takes its parent's again.
    const std::function<void(QWidget*)> inherit = [&inherit](QWidget* widget) {
        if (!widget->testAttribute(Qt::WA_SetPalette)) {
            QEvent change(QEvent::ApplicationPaletteChange);
            QCoreApplication::sendEvent(widget, &change);
        }
        for (QObject* child : widget->children()) {
            if (child->isWidgetType() && !static_cast<QWidget*>(child)->isWindow())
                inherit(static_cast<QWidget*>(child));
        }
    };
    for (QWidget* window : QApplication::topLevelWidgets())
        inherit(window);
    m_applying = false;
    if (m_window)
        m_window->setUpdatesEnabled(updates);
    qCDebug(lcBranding) << "applied" << (shown ? shown->pack.slug : u"(system)"_s) << "in" << timer.elapsed() << "ms";
    Q_EMIT changed();
}

void BrandingManager::resampleSystemPalette()
{
    // Our palette hides the system's: a palette with nothing set resolves to the system's again.
    m_applying = true;
    QApplication::setPalette(QPalette());
    const bool dark = isDarkPalette(QApplication::palette());
    m_applying = false;
    m_systemDark = dark;
    apply();
}

bool BrandingManager::eventFilter(QObject* watched, QEvent* event)
{
    if (m_applying)
        return false;
    if (event->type() == QEvent::ThemeChange && watched == m_window.data()) {
        resampleSystemPalette();
    } else if (event->type() == QEvent::ApplicationPaletteChange && watched == qApp
               && QApplication::palette() != m_appliedPalette) {
        // Someone else set the application palette (the platform's theme): follow its lightness.
        resampleSystemPalette();
    }
    return false;
}

} // namespace TenantDesk
