#pragma once

#include "BrandingPack.h"

#include <QColor>
#include <QDialog>
#include <QHash>
#include <QImage>
#include <QList>
#include <QWidget>

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QProcess;
class QPushButton;

namespace TenantDesk {

// The live preview of a pack being edited: a header strip with the logo and product name, a
// window with text, a list on the base colour with one row highlighted, a button and the accent.
class BrandingPreview : public QWidget
{
    Q_OBJECT

public:
    explicit BrandingPreview(QWidget* parent = nullptr);
    void show(const QString& productName, const BrandingColors& colors, const QImage& logo);
    QSize sizeHint() const override { return {360, 300}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QString m_productName;
    BrandingColors m_colors;
    QImage m_logo;
};

// Tools → Branding Editor… (platform admins): a tenant's pack from colours, a logo and a product
// name, with a live preview and a WCAG AA contrast check; saved as a pack folder or exported as a
// .rcc file for the user's branding folder.
class BrandingEditorDialog : public QDialog
{
    Q_OBJECT

public:
    // One pair of colours the contrast check measures.
    struct ContrastCheck {
        QString scheme;     // "light" or "dark"
        QString foreground; // colour role
        QString background;
        double ratio = 0;
        double required = 4.5; // 4.5:1 for text, 3:1 for large text and the accent

        bool passes() const { return ratio + 1e-9 >= required; }
    };

    // Starts from `pack` (a copy is edited).
    explicit BrandingEditorDialog(const BrandingPack& pack, QWidget* parent = nullptr);
    ~BrandingEditorDialog() override;

    void setColor(const QString& scheme, const QString& role, const QColor& color);
    QColor color(const QString& scheme, const QString& role) const;
    void setProductName(const QString& name);
    void setSlug(const QString& slug);
    // A logo (SVG or PNG); false, with the reason shown, when it is refused.
    bool setLogo(const QString& path);
    BrandingPack pack() const { return m_pack; }

    QList<ContrastCheck> contrastChecks() const;
    // Writes the pack into `parentFolder`/<slug>/ and reads it back; false with `error` on failure.
    bool savePack(const QString& parentFolder, QString* error);
    // Writes the pack as a .rcc file (a .qrc compiled by Qt's rcc -binary); runs asynchronously,
    // exported() or failed() tell the end.
    void exportRcc(const QString& rccPath);
    // Qt's resource compiler: QLibraryInfo::LibraryExecutablesPath/rcc.
    static QString rccProgram();
    // Empty when `slug` may name a pack folder, otherwise the reason.
    static QString validateSlugForPack(const QString& slug);

Q_SIGNALS:
    void exported(const QString& rccPath);
    void failed(const QString& message);

private:
    void chooseColor(const QString& role);
    void chooseLogo();
    void chooseSaveFolder();
    void chooseExportFile();
    void refresh();
    QString scheme() const;
    BrandingColors& colors(const QString& scheme);

    BrandingPack m_pack;
    QImage m_logo;
    QLineEdit* m_nameLineEdit;
    QLineEdit* m_slugLineEdit;
    QComboBox* m_schemeComboBox;
    QHash<QString, QPushButton*> m_colorButtons;
    QPushButton* m_logoButton;
    QLabel* m_contrastLabel;
    QLabel* m_warningLabel;
    QLabel* m_statusLabel;
    BrandingPreview* m_preview;
    QProcess* m_rcc = nullptr;
};

} // namespace TenantDesk
