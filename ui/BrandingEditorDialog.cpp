#include "BrandingEditorDialog.h"

#include "BrandingManager.h"

#include <QColorDialog>
#include <QComboBox>
#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLibraryInfo>
#include <QLineEdit>
#include <QPainter>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QSaveFile>
#include <QTemporaryDir>
#include <QVBoxLayout>

namespace TenantDesk {

using namespace Qt::StringLiterals;

namespace {

QColor roleColor(const BrandingColors& colors, const QString& role)
{
    return QColor::fromRgba(colors.value(role, 0xff000000));
}

// Words for a colour role in the editor.
QString roleLabel(const QString& role)
{
    static const QHash<QString, const char*> labels{
        {u"window"_s, QT_TRANSLATE_NOOP("TenantDesk::BrandingEditorDialog", "Window")},
        {u"window_text"_s, QT_TRANSLATE_NOOP("TenantDesk::BrandingEditorDialog", "Window text")},
        {u"base"_s, QT_TRANSLATE_NOOP("TenantDesk::BrandingEditorDialog", "Base (lists, fields)")},
        {u"text"_s, QT_TRANSLATE_NOOP("TenantDesk::BrandingEditorDialog", "Text")},
        {u"button"_s, QT_TRANSLATE_NOOP("TenantDesk::BrandingEditorDialog", "Button")},
        {u"button_text"_s, QT_TRANSLATE_NOOP("TenantDesk::BrandingEditorDialog", "Button text")},
        {u"highlight"_s, QT_TRANSLATE_NOOP("TenantDesk::BrandingEditorDialog", "Highlight")},
        {u"highlighted_text"_s, QT_TRANSLATE_NOOP("TenantDesk::BrandingEditorDialog", "Highlighted text")},
        {u"accent"_s, QT_TRANSLATE_NOOP("TenantDesk::BrandingEditorDialog", "Accent")},
        {u"header"_s, QT_TRANSLATE_NOOP("TenantDesk::BrandingEditorDialog", "Header")},
        {u"header_text"_s, QT_TRANSLATE_NOOP("TenantDesk::BrandingEditorDialog", "Header text")},
    };
    return QCoreApplication::translate("TenantDesk::BrandingEditorDialog", labels.value(role, "?"));
}

bool copyFile(const QString& from, const QString& to, QString* error)
{
    QFile source(from);
    if (!source.open(QIODevice::ReadOnly)) {
        *error = u"%1: %2"_s.arg(from, source.errorString());
        return false;
    }
    QSaveFile target(to);
    if (!target.open(QIODevice::WriteOnly) || target.write(source.readAll()) < 0 || !target.commit()) {
        *error = u"%1: %2"_s.arg(to, target.errorString());
        return false;
    }
    return true;
}

} // namespace

BrandingPreview::BrandingPreview(QWidget* parent)
    : QWidget(parent)
{
    setMinimumSize(320, 260);
    setAccessibleName(tr("Preview of the branding"));
}

void BrandingPreview::show(const QString& productName, const BrandingColors& colors, const QImage& logo)
{
    m_productName = productName;
    m_colors = colors;
    m_logo = logo;
    update();
}

void BrandingPreview::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const auto c = [this](const char* role) { return roleColor(m_colors, QString::fromLatin1(role)); };
    const QRect all = rect().adjusted(0, 0, -1, -1);
    painter.fillRect(all, c("window"));
    painter.setPen(c("window").darker(130));
    painter.drawRect(all);

    // Header strip: logo and product name.
    const int headerHeight = 44;
    const QRect header(0, 0, width(), headerHeight);
    painter.fillRect(header, c("header"));
    if (!m_logo.isNull())
        painter.drawImage(QRect(10, 6, 32, 32), m_logo.scaled(64, 64, Qt::KeepAspectRatio, Qt::SmoothTransformation));
    QFont bold = font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.2);
    painter.setFont(bold);
    painter.setPen(c("header_text"));
    painter.drawText(header.adjusted(52, 0, -8, 0), Qt::AlignVCenter | Qt::AlignLeft, m_productName);

    painter.setFont(font());
    painter.setPen(c("window_text"));
    painter.drawText(QRect(12, headerHeight + 8, width() - 24, 20), Qt::AlignLeft | Qt::AlignVCenter, tr("Tenants"));

    // A list on the base colour with one highlighted row.
    const QRect list(12, headerHeight + 32, width() - 24, 112);
    painter.fillRect(list, c("base"));
    painter.setPen(c("window").darker(140));
    painter.drawRect(list);
    const QStringList rows{tr("Production"), tr("Staging"), tr("Development"), tr("Sandbox")};
    for (int i = 0; i < rows.size(); ++i) {
        const QRect row(list.left() + 1, list.top() + 1 + i * 27, list.width() - 2, 27);
        if (i == 1)
            painter.fillRect(row, c("highlight"));
        painter.setPen(i == 1 ? c("highlighted_text") : c("text"));
        painter.drawText(row.adjusted(8, 0, 0, 0), Qt::AlignVCenter | Qt::AlignLeft, rows.at(i));
    }

    // A button and the accent.
    const QRect button(12, list.bottom() + 12, 110, 28);
    painter.setBrush(c("button"));
    painter.setPen(c("button").darker(150));
    painter.drawRoundedRect(button, 4, 4);
    painter.setPen(c("button_text"));
    painter.drawText(button, Qt::AlignCenter, tr("Save"));
    const QRect accent(button.right() + 16, button.top() + 10, width() - button.right() - 28, 8);
    painter.setPen(Qt::NoPen);
    painter.setBrush(c("accent"));
    painter.drawRoundedRect(accent, 4, 4);
}

BrandingEditorDialog::BrandingEditorDialog(const BrandingPack& pack, QWidget* parent)
    : QDialog(parent)
    , m_pack(pack)
{
    setObjectName(u"brandingEditorDialog"_s);
    setWindowTitle(tr("Branding Editor"));
    m_pack.styleSheet.clear(); // the editor writes colours, logo and name; style sheets are written by hand
    m_pack.styleSheetPath.clear();
    if (const auto logo = BrandingManager::readImage(m_pack.logoPath, nullptr))
        m_logo = *logo;

    auto* form = new QFormLayout;
    m_nameLineEdit = new QLineEdit(m_pack.productName, this);
    m_nameLineEdit->setObjectName(u"productNameLineEdit"_s);
    m_nameLineEdit->setAccessibleName(tr("Product name"));
    form->addRow(tr("&Product name:"), m_nameLineEdit);
    m_slugLineEdit = new QLineEdit(m_pack.slug, this);
    m_slugLineEdit->setObjectName(u"slugLineEdit"_s);
    m_slugLineEdit->setAccessibleName(tr("Tenant slug"));
    m_slugLineEdit->setToolTip(tr("The pack applies to the tenant with this slug and its sub-tenants"));
    form->addRow(tr("Tenant &slug:"), m_slugLineEdit);
    m_schemeComboBox = new QComboBox(this);
    m_schemeComboBox->setObjectName(u"schemeComboBox"_s);
    m_schemeComboBox->setAccessibleName(tr("Palette"));
    m_schemeComboBox->addItem(tr("Light"), u"light"_s);
    m_schemeComboBox->addItem(tr("Dark"), u"dark"_s);
    form->addRow(tr("P&alette:"), m_schemeComboBox);
    for (const QString& role : BrandingPack::requiredColorRoles()) {
        auto* button = new QPushButton(this);
        button->setObjectName(role + u"ColorButton"_s);
        button->setAccessibleName(tr("%1 colour").arg(roleLabel(role)));
        connect(button, &QPushButton::clicked, this, [this, role]() { chooseColor(role); });
        m_colorButtons.insert(role, button);
        form->addRow(roleLabel(role) + u':', button);
    }
    m_logoButton = new QPushButton(tr("Choose &Logo…"), this);
    m_logoButton->setObjectName(u"chooseLogoButton"_s);
    connect(m_logoButton, &QPushButton::clicked, this, &BrandingEditorDialog::chooseLogo);
    form->addRow(tr("Logo (SVG or PNG):"), m_logoButton);

    m_preview = new BrandingPreview(this);
    m_preview->setObjectName(u"brandingPreview"_s);
    m_contrastLabel = new QLabel(this);
    m_contrastLabel->setObjectName(u"contrastLabel"_s);
    m_contrastLabel->setTextFormat(Qt::RichText);
    m_warningLabel = new QLabel(this);
    m_warningLabel->setObjectName(u"contrastWarningLabel"_s);
    m_warningLabel->setWordWrap(true);
    m_warningLabel->setStyleSheet(u"QLabel { color: #b00020; font-weight: bold; }"_s);
    m_statusLabel = new QLabel(this);
    m_statusLabel->setObjectName(u"editorStatusLabel"_s);
    m_statusLabel->setWordWrap(true);
    auto* right = new QVBoxLayout;
    right->addWidget(m_preview, 1);
    right->addWidget(m_contrastLabel);
    right->addWidget(m_warningLabel);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton* save = buttons->addButton(tr("&Save Pack…"), QDialogButtonBox::ActionRole);
    save->setObjectName(u"savePackButton"_s);
    QPushButton* exportButton = buttons->addButton(tr("&Export .rcc…"), QDialogButtonBox::ActionRole);
    exportButton->setObjectName(u"exportRccButton"_s);
    connect(save, &QPushButton::clicked, this, &BrandingEditorDialog::chooseSaveFolder);
    connect(exportButton, &QPushButton::clicked, this, &BrandingEditorDialog::chooseExportFile);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* columns = new QHBoxLayout;
    columns->addLayout(form);
    columns->addLayout(right, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(columns, 1);
    layout->addWidget(m_statusLabel);
    layout->addWidget(buttons);

    connect(m_nameLineEdit, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_pack.productName = text.trimmed();
        refresh();
    });
    connect(m_slugLineEdit, &QLineEdit::textChanged, this, [this](const QString& text) { m_pack.slug = text.trimmed(); });
    connect(m_schemeComboBox, &QComboBox::currentIndexChanged, this, &BrandingEditorDialog::refresh);
    connect(this, &BrandingEditorDialog::exported, this, [this](const QString& path) {
        m_statusLabel->setText(tr("Exported %1. Copy it into %2 to load it at the next start.")
                                   .arg(QDir::toNativeSeparators(path), QDir::toNativeSeparators(BrandingCatalog::userFolder())));
    });
    connect(this, &BrandingEditorDialog::failed, m_statusLabel, &QLabel::setText);
    refresh();
}

BrandingEditorDialog::~BrandingEditorDialog()
{
    if (m_rcc) {
        m_rcc->disconnect(this);
        m_rcc->kill();
        m_rcc->waitForFinished(1000);
    }
}

QString BrandingEditorDialog::scheme() const
{
    return m_schemeComboBox->currentData().toString();
}

BrandingColors& BrandingEditorDialog::colors(const QString& schemeName)
{
    return schemeName == u"dark"_s ? m_pack.dark : m_pack.light;
}

void BrandingEditorDialog::setColor(const QString& schemeName, const QString& role, const QColor& value)
{
    colors(schemeName).insert(role, value.rgba());
    refresh();
}

QColor BrandingEditorDialog::color(const QString& schemeName, const QString& role) const
{
    return roleColor(schemeName == u"dark"_s ? m_pack.dark : m_pack.light, role);
}

void BrandingEditorDialog::setProductName(const QString& name)
{
    m_nameLineEdit->setText(name);
}

void BrandingEditorDialog::setSlug(const QString& slug)
{
    m_slugLineEdit->setText(slug);
}

void BrandingEditorDialog::chooseColor(const QString& role)
{
    const QColor chosen = QColorDialog::getColor(color(scheme(), role), this, tr("%1 colour").arg(roleLabel(role)));
    if (chosen.isValid())
        setColor(scheme(), role, chosen);
}

bool BrandingEditorDialog::setLogo(const QString& path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    BrandingError error;
    if (suffix != u"svg"_s && suffix != u"png"_s) {
        m_statusLabel->setText(tr("%1: a logo is an SVG or PNG file.").arg(QDir::toNativeSeparators(path)));
        return false;
    }
    if (QFileInfo(path).size() > BrandingPack::maxImageBytes) {
        m_statusLabel->setText(tr("%1: the file is larger than %2 bytes.").arg(QDir::toNativeSeparators(path)).arg(BrandingPack::maxImageBytes));
        return false;
    }
    const auto image = BrandingManager::readImage(path, &error);
    if (!image) {
        m_statusLabel->setText(error.file + u": "_s + error.reason);
        return false;
    }
    m_logo = *image;
    m_pack.logoPath = path;
    m_pack.iconPath = path;
    m_statusLabel->clear();
    refresh();
    return true;
}

void BrandingEditorDialog::chooseLogo()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Choose Logo"), QString(), tr("Logos (*.svg *.png)"));
    if (!path.isEmpty())
        setLogo(path);
}

QList<BrandingEditorDialog::ContrastCheck> BrandingEditorDialog::contrastChecks() const
{
    static const QList<std::tuple<QString, QString, double>> pairs{
        {u"text"_s, u"base"_s, 4.5},
        {u"window_text"_s, u"window"_s, 4.5},
        {u"button_text"_s, u"button"_s, 4.5},
        {u"highlighted_text"_s, u"highlight"_s, 4.5},
        {u"header_text"_s, u"header"_s, 4.5},
        {u"accent"_s, u"base"_s, 3.0},
        {u"accent"_s, u"window"_s, 3.0},
    };
    QList<ContrastCheck> checks;
    for (const QString& schemeName : {u"light"_s, u"dark"_s}) {
        const BrandingColors& palette = schemeName == u"dark"_s ? m_pack.dark : m_pack.light;
        for (const auto& [foreground, background, required] : pairs) {
            checks.append({schemeName, foreground, background,
                           contrastRatio(palette.value(foreground), palette.value(background)), required});
        }
    }
    return checks;
}

void BrandingEditorDialog::refresh()
{
    const BrandingColors& shown = colors(scheme());
    for (auto it = m_colorButtons.begin(); it != m_colorButtons.end(); ++it) {
        const QColor value = roleColor(shown, it.key());
        QPixmap swatch(24, 16);
        swatch.fill(value);
        it.value()->setIcon(QIcon(swatch));
        it.value()->setText(value.name());
    }
    m_preview->show(m_pack.productName, shown, m_logo);

    QStringList rows;
    QStringList failing;
    for (const ContrastCheck& check : contrastChecks()) {
        const QString pair = tr("%1 on %2").arg(roleLabel(check.foreground), roleLabel(check.background).toLower());
        if (check.scheme == scheme()) {
            rows << u"<tr><td>%1</td><td align=right>%2:1</td><td>%3</td></tr>"_s.arg(
                pair.toHtmlEscaped(), QString::number(check.ratio, 'f', 2),
                check.passes() ? tr("✓ AA") : tr("✗ below %1:1").arg(QString::number(check.required, 'f', 1)));
        }
        if (!check.passes()) {
            failing << tr("%1 (%2 palette): %3:1, needs %4:1")
                           .arg(pair, check.scheme == u"dark"_s ? tr("dark") : tr("light"),
                                QString::number(check.ratio, 'f', 2), QString::number(check.required, 'f', 1));
        }
    }
    m_contrastLabel->setText(u"<b>"_s + tr("Contrast (WCAG AA)") + u"</b><table>"_s + rows.join(QString()) + u"</table>"_s);
    m_warningLabel->setText(failing.isEmpty() ? QString()
                                              : tr("Too little contrast for WCAG AA: %1.").arg(failing.join(u"; "_s)));
    m_warningLabel->setVisible(!failing.isEmpty());
}

bool BrandingEditorDialog::savePack(const QString& parentFolder, QString* error)
{
    if (m_pack.productName.isEmpty()) {
        *error = tr("Enter a product name.");
        return false;
    }
    if (const QString reason = validateSlugForPack(m_pack.slug); !reason.isEmpty()) {
        *error = reason;
        return false;
    }
    const QString folder = parentFolder + u'/' + m_pack.slug;
    if (!QDir().mkpath(folder)) {
        *error = tr("Could not create the folder %1.").arg(QDir::toNativeSeparators(folder));
        return false;
    }
    BrandingPack written = m_pack;
    const QString logoName = u"logo."_s + QFileInfo(m_pack.logoPath).suffix().toLower();
    const QString iconName = u"icon."_s + QFileInfo(m_pack.iconPath).suffix().toLower();
    if (!copyFile(m_pack.logoPath, folder + u'/' + logoName, error) || !copyFile(m_pack.iconPath, folder + u'/' + iconName, error))
        return false;
    written.logoPath = folder + u'/' + logoName;
    written.iconPath = folder + u'/' + iconName;
    QSaveFile manifest(folder + u"/brand.json"_s);
    if (!manifest.open(QIODevice::WriteOnly) || manifest.write(written.toManifest()) < 0 || !manifest.commit()) {
        *error = u"%1: %2"_s.arg(manifest.fileName(), manifest.errorString());
        return false;
    }
    BrandingError refused;
    if (!BrandingManager::load(folder, &refused)) {
        *error = refused.message();
        return false;
    }
    return true;
}

QString BrandingEditorDialog::validateSlugForPack(const QString& slug)
{
    static const QRegularExpression valid(u"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$"_s);
    if (slug.isEmpty() || !valid.match(slug).hasMatch() || slug.contains(u".."_s))
        return tr("Enter the slug of the tenant the pack is for (lower-case letters, digits, hyphens and dots).");
    return {};
}

void BrandingEditorDialog::chooseSaveFolder()
{
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Save Pack Into"));
    if (folder.isEmpty())
        return;
    QString error;
    if (savePack(folder, &error))
        m_statusLabel->setText(tr("Saved to %1. Start TenantDesk with --branding-dir %2 to use it.")
                                   .arg(QDir::toNativeSeparators(folder + u'/' + m_pack.slug), QDir::toNativeSeparators(folder)));
    else
        m_statusLabel->setText(error);
}

QString BrandingEditorDialog::rccProgram()
{
    return QLibraryInfo::path(QLibraryInfo::LibraryExecutablesPath) + u"/rcc"_s;
}

void BrandingEditorDialog::exportRcc(const QString& rccPath)
{
    if (m_rcc) {
        Q_EMIT failed(tr("An export is still running."));
        return;
    }
    auto work = std::make_shared<QTemporaryDir>();
    QString error;
    if (!work->isValid() || !savePack(work->path() + u"/branding"_s, &error)) {
        Q_EMIT failed(error.isEmpty() ? tr("Could not create a temporary folder.") : error);
        return;
    }
    // The pack under the prefix /branding/<slug>, as the compiled-in packs are.
    QString qrc = u"<!DOCTYPE RCC><RCC version=\"1.0\">\n<qresource prefix=\"/\">\n"_s;
    const QString folder = u"branding/"_s + m_pack.slug;
    for (const QString& file : QDir(work->path() + u'/' + folder).entryList(QDir::Files, QDir::Name))
        qrc += u"  <file>"_s + folder + u'/' + file + u"</file>\n"_s;
    qrc += u"</qresource>\n</RCC>\n"_s;
    QFile qrcFile(work->path() + u"/pack.qrc"_s);
    if (!qrcFile.open(QIODevice::WriteOnly) || qrcFile.write(qrc.toUtf8()) < 0) {
        Q_EMIT failed(u"%1: %2"_s.arg(qrcFile.fileName(), qrcFile.errorString()));
        return;
    }
    qrcFile.close();
    m_rcc = new QProcess(this);
    m_rcc->setWorkingDirectory(work->path());
    m_rcc->setProcessChannelMode(QProcess::MergedChannels);
    connect(m_rcc, &QProcess::errorOccurred, this, [this, work](QProcess::ProcessError processError) {
        if (processError != QProcess::FailedToStart)
            return;
        Q_EMIT failed(tr("Could not run Qt's resource compiler %1: %2").arg(rccProgram(), m_rcc->errorString()));
        m_rcc->deleteLater();
        m_rcc = nullptr;
    });
    connect(m_rcc, &QProcess::finished, this, [this, work, rccPath](int exitCode, QProcess::ExitStatus status) {
        const QString output = QString::fromLocal8Bit(m_rcc->readAll()).trimmed();
        m_rcc->deleteLater();
        m_rcc = nullptr;
        if (status != QProcess::NormalExit || exitCode != 0) {
            Q_EMIT failed(tr("rcc failed (%1): %2").arg(exitCode).arg(output));
            return;
        }
        Q_EMIT exported(rccPath);
    });
    m_rcc->start(rccProgram(), {u"-binary"_s, u"pack.qrc"_s, u"-o"_s, QFileInfo(rccPath).absoluteFilePath()});
}

void BrandingEditorDialog::chooseExportFile()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Pack"),
                                                      BrandingCatalog::userFolder() + u'/' + m_pack.slug + u".rcc"_s,
                                                      tr("Qt resource files (*.rcc)"));
    if (path.isEmpty())
        return;
    QDir().mkpath(QFileInfo(path).absolutePath());
    exportRcc(path);
}

} // namespace TenantDesk
