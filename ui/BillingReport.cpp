#include "BillingReport.h"

#include "Decimal.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFontMetricsF>
#include <QImageReader>
#include <QLocale>
#include <QMap>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QTemporaryFile>

#include <xlsxwriter.h>

#include <algorithm>
#include <functional>

namespace TenantDesk {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("BillingReport", text);
}

QString negated(const QString& amount)
{
    if (amount.startsWith(u'-'))
        return amount.mid(1);
    return u'-' + amount;
}

QString exactSum(const QStringList& amounts)
{
    DecimalSum sum;
    for (const QString& amount : amounts)
        sum.add(amount);
    return sum.text();
}

QString tenantName(const BillingReportData& data, TenantId id)
{
    if (id == 0)
        return tr("Unallocated");
    const QString name = data.tenantNames.value(id);
    return name.isEmpty() ? tr("Tenant %1").arg(id) : name;
}

// Sums by key × currency × month, keeping the months seen.
struct Pivot {
    QMap<QPair<QString, QString>, QMap<QString, DecimalSum>> cells; // (key, currency) → month → sum

    void add(const QString& key, const BillingTotalsRow& row)
    {
        cells[{key, row.billingCurrency}][row.month].add(row.billedCost);
    }

    QList<BillingReportTables::Cell> table(const QStringList& months) const
    {
        QList<BillingReportTables::Cell> out;
        QList<double> order;
        for (auto it = cells.cbegin(); it != cells.cend(); ++it) {
            BillingReportTables::Cell cell;
            cell.key = it.key().first;
            cell.currency = it.key().second;
            DecimalSum total;
            for (const QString& month : months) {
                const DecimalSum sum = it.value().value(month);
                cell.monthly << sum.text();
                total.add(sum);
            }
            cell.total = total.text();
            out << cell;
        }
        std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
            if (a.currency != b.currency)
                return a.currency < b.currency;
            return a.total.toDouble() > b.total.toDouble(); // presentation order only
        });
        return out;
    }
};

} // namespace

BillingReportTables billingReportTables(const BillingReportData& data)
{
    BillingReportTables tables;
    QMap<QString, DecimalSum> grand, unallocated, shared;
    Pivot byTenant, byService;
    QMap<QString, bool> months;
    for (const BillingTotalsRow& row : data.totals) {
        months.insert(row.month, true);
        grand[row.billingCurrency].add(row.billedCost);
        if (row.tenantId == 0)
            unallocated[row.billingCurrency].add(row.billedCost);
        if (row.shared)
            shared[row.billingCurrency].add(row.billedCost);
        byTenant.add(tenantName(data, row.tenantId), row);
        byService.add(row.serviceName.isEmpty() ? tr("(no service)") : row.serviceName, row);
    }
    tables.months = months.keys();
    for (auto it = grand.cbegin(); it != grand.cend(); ++it) {
        tables.grandTotals.append({it.key(), it.value().text()});
        tables.unallocated.append({it.key(), unallocated.value(it.key()).text()});
        tables.shared.append({it.key(), shared.value(it.key()).text()});
    }
    tables.byTenant = byTenant.table(tables.months);
    tables.byService = byService.table(tables.months);

    const qsizetype latest = tables.months.size() - 1;
    for (const TenantBudget& budget : data.budgets) {
        BillingReportTables::BudgetLine line;
        line.tenant = tenantName(data, budget.tenantId);
        line.currency = budget.currency;
        line.budget = exactSum({budget.amount});
        line.cost = u"0.00"_s;
        for (const auto& cell : std::as_const(tables.byTenant)) {
            if (cell.key == line.tenant && cell.currency == budget.currency && latest >= 0)
                line.cost = cell.monthly.at(latest);
        }
        const double budgetValue = line.budget.toDouble();
        line.percentUsed = budgetValue > 0 ? 100.0 * line.cost.toDouble() / budgetValue : 0;
        tables.budgets << line;
    }
    if (latest >= 1) {
        for (const auto& cell : std::as_const(tables.byTenant)) {
            BillingReportTables::Change change;
            change.tenant = cell.key;
            change.currency = cell.currency;
            change.previous = cell.monthly.at(latest - 1);
            change.latest = cell.monthly.at(latest);
            change.change = exactSum({change.latest, negated(change.previous)});
            const double previous = change.previous.toDouble();
            change.percent = previous != 0 ? 100.0 * (change.latest.toDouble() - previous) / std::abs(previous) : 0;
            tables.changes << change;
        }
    }
    return tables;
}

namespace {

// A pack's logo, within the limits BrandingManager::readImage keeps (docs/BRANDING.md); vector logos
// at the size BrandingManager draws them, so that the report prints them sharply.
std::optional<QImage> readLogo(const QString& path, BrandingError* error)
{
    QImageReader reader(path);
    const QSize size = reader.size();
    if (!reader.canRead() || !size.isValid() || size.width() > BrandingPack::maxImageSide
        || size.height() > BrandingPack::maxImageSide) {
        *error = {path, QCoreApplication::translate("TenantDesk::BrandingPack", "the image cannot be read: %1")
                            .arg(reader.errorString())};
        return std::nullopt;
    }
    if (reader.format() == "svg")
        reader.setScaledSize(size.scaled(BrandingPack::maxImageSide / 2, BrandingPack::maxImageSide / 2, Qt::KeepAspectRatio));
    QImage image = reader.read();
    if (image.isNull()) {
        *error = {path, QCoreApplication::translate("TenantDesk::BrandingPack", "the image cannot be read: %1")
                            .arg(reader.errorString())};
        return std::nullopt;
    }
    return image;
}

std::optional<ReportBranding> loadReportBranding(const QString& folder, BrandingError* error)
{
    const auto pack = BrandingPack::load(folder, error);
    if (!pack)
        return std::nullopt;
    const auto logo = readLogo(pack->logoPath, error);
    if (!logo)
        return std::nullopt;
    ReportBranding branding;
    if (!pack->productName.isEmpty())
        branding.productName = pack->productName;
    if (const auto accent = pack->light.constFind(u"accent"_s); accent != pack->light.constEnd())
        branding.accent = QColor::fromRgba(*accent);
    branding.logo = *logo;
    return branding;
}

} // namespace

ReportBranding reportBrandingFor(const BrandingCatalog& catalog, const QStringList& slugsNearestFirst, QString* warning)
{
    QStringList warnings;
    for (const QString& slug : slugsNearestFirst) {
        const QString folder = catalog.folderFor(slug);
        if (folder.isEmpty())
            continue;
        BrandingError error;
        if (auto branding = loadReportBranding(folder, &error))
            return *branding;
        warnings << error.message(); // a refused pack: the platform's look, not an ancestor's
        break;
    }
    ReportBranding branding;
    BrandingError error;
    if (auto platform = loadReportBranding(u":/branding/default"_s, &error))
        branding = *platform;
    else
        warnings << error.message();
    if (warning)
        *warning = warnings.join(u'\n');
    return branding;
}

ReportFormat reportFormatForPath(const QString& path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == u"xlsx"_s)
        return ReportFormat::Xlsx;
    if (suffix == u"pdf"_s)
        return ReportFormat::Pdf;
    return ReportFormat::Csv;
}

namespace {

// A stacked chart's series: the seven largest cells of one currency, then the rest summed as
// `othersLabel` (when not zero). Drawn from the bottom: the largest at the foot of each bar.
QList<QPair<QString, QList<double>>> largestSeries(const QList<BillingReportTables::Cell>& cells, const QString& currency,
                                                  qsizetype months, const QString& othersLabel)
{
    QList<QPair<QString, QList<double>>> series;
    QList<double> others(months, 0);
    int shown = 0;
    for (const auto& cell : cells) {
        if (cell.currency != currency)
            continue;
        QList<double> values;
        for (const QString& amount : cell.monthly)
            values << amount.toDouble();
        if (shown < 7) {
            series.append({cell.key, values});
            ++shown;
        } else {
            for (int m = 0; m < values.size(); ++m)
                others[m] += values.at(m);
        }
    }
    if (std::any_of(others.cbegin(), others.cend(), [](double v) { return v != 0; }))
        series.append({othersLabel, others});
    return series;
}

// ---- CSV ----------------------------------------------------------------------------------------

QString csvField(const QString& text, bool number)
{
    QString value = text;
    // A text cell that a spreadsheet would run as a formula is kept as text.
    if (!number && !value.isEmpty() && QStringLiteral("=+-@\t\r").contains(value.front()))
        value.prepend(u'\'');
    if (value.contains(u',') || value.contains(u'"') || value.contains(u'\n') || value.contains(u'\r'))
        value = u'"' + value.replace(u"\""_s, u"\"\""_s) + u'"';
    return value;
}

bool writeCsv(const BillingReportData& data, const QString& path, QString* error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    QString out = u"tenant,service,service_category,month,currency,billed_cost,effective_cost,list_cost,lines,shared\r\n"_s;
    QList<BillingTotalsRow> rows = data.totals;
    std::stable_sort(rows.begin(), rows.end(), [&data](const BillingTotalsRow& a, const BillingTotalsRow& b) {
        return std::tuple(tenantName(data, a.tenantId), a.serviceName, a.month, a.billingCurrency)
            < std::tuple(tenantName(data, b.tenantId), b.serviceName, b.month, b.billingCurrency);
    });
    for (const BillingTotalsRow& row : std::as_const(rows)) {
        out += csvField(tenantName(data, row.tenantId), false) + u',' + csvField(row.serviceName, false) + u','
            + csvField(row.serviceCategory, false) + u',' + row.month + u',' + row.billingCurrency + u','
            + row.billedCost + u',' + row.effectiveCost + u',' + row.listCost + u',' + QString::number(row.lineCount)
            + u',' + (row.shared ? u"yes"_s : u"no"_s) + u"\r\n"_s;
    }
    file.write(out.toUtf8());
    if (!file.commit()) {
        *error = tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    return true;
}

// ---- XLSX ---------------------------------------------------------------------------------------

class Xlsx
{
public:
    explicit Xlsx(const QString& path)
        : m_book(workbook_new(QFile::encodeName(path).constData()))
    {
        if (!m_book)
            return;
        m_bold = workbook_add_format(m_book);
        format_set_bold(m_bold);
        m_money = workbook_add_format(m_book);
        format_set_num_format(m_money, "#,##0.00");
        m_percent = workbook_add_format(m_book);
        format_set_num_format(m_percent, "0.0\"%\"");
        m_title = workbook_add_format(m_book);
        format_set_bold(m_title);
        format_set_font_size(m_title, 14);
    }
    ~Xlsx()
    {
        if (m_book)
            workbook_close(m_book); // only when not closed by close()
    }

    bool isOpen() const { return m_book != nullptr; }

    lxw_worksheet* sheet(const QString& name)
    {
        m_row = 0;
        m_sheet = workbook_add_worksheet(m_book, name.toUtf8().constData());
        return m_sheet;
    }
    void text(int row, int column, const QString& value, lxw_format* format = nullptr)
    {
        worksheet_write_string(m_sheet, lxw_row_t(row), lxw_col_t(column), value.toUtf8().constData(), format);
    }
    void money(int row, int column, const QString& exact)
    {
        worksheet_write_number(m_sheet, lxw_row_t(row), lxw_col_t(column), exact.toDouble(), m_money);
    }
    void percent(int row, int column, double value)
    {
        worksheet_write_number(m_sheet, lxw_row_t(row), lxw_col_t(column), value, m_percent);
    }
    void number(int row, int column, double value)
    {
        worksheet_write_number(m_sheet, lxw_row_t(row), lxw_col_t(column), value, nullptr);
    }
    void header(int row, const QStringList& names)
    {
        for (int i = 0; i < names.size(); ++i)
            text(row, i, names.at(i), m_bold);
    }
    void widths(const QList<double>& widths)
    {
        for (int i = 0; i < widths.size(); ++i)
            worksheet_set_column(m_sheet, lxw_col_t(i), lxw_col_t(i), widths.at(i), nullptr);
    }
    lxw_format* titleFormat() const { return m_title; }

    QString close()
    {
        const lxw_error result = workbook_close(m_book);
        m_book = nullptr;
        return result == LXW_NO_ERROR ? QString() : QString::fromUtf8(lxw_strerror(result));
    }

private:
    lxw_workbook* m_book = nullptr;
    lxw_worksheet* m_sheet = nullptr;
    lxw_format* m_bold = nullptr;
    lxw_format* m_money = nullptr;
    lxw_format* m_percent = nullptr;
    lxw_format* m_title = nullptr;
    int m_row = 0;
};

void writePivotSheet(Xlsx& xlsx, const QString& name, const QString& keyHeader,
                     const QList<BillingReportTables::Cell>& cells, const QStringList& months)
{
    xlsx.sheet(name);
    xlsx.header(0, QStringList{keyHeader, tr("Currency")} + months + QStringList{tr("Total")});
    int row = 1;
    for (const auto& cell : cells) {
        xlsx.text(row, 0, cell.key);
        xlsx.text(row, 1, cell.currency);
        for (int m = 0; m < cell.monthly.size(); ++m)
            xlsx.money(row, 2 + m, cell.monthly.at(m));
        xlsx.money(row, 2 + int(cell.monthly.size()), cell.total);
        ++row;
    }
    QList<double> widths{32, 10};
    for (int m = 0; m <= months.size(); ++m)
        widths << 14;
    xlsx.widths(widths);
}

bool writeXlsx(const BillingReportData& data, const QString& path, QString* error)
{
    // libxlsxwriter writes the file itself: write beside the target, then replace it.
    const QString partial = path + u".part"_s;
    QFile::remove(partial);
    const BillingReportTables tables = billingReportTables(data);
    {
        Xlsx xlsx(partial);
        if (!xlsx.isOpen()) {
            *error = tr("Cannot write %1.").arg(QDir::toNativeSeparators(path));
            return false;
        }
        xlsx.sheet(tr("Summary"));
        xlsx.text(0, 0, data.title, xlsx.titleFormat());
        xlsx.text(1, 0, data.scope);
        xlsx.text(2, 0, tr("Generated %1 by %2").arg(QLocale().toString(data.generatedAt, QLocale::LongFormat),
                                                      data.branding.productName));
        xlsx.header(4, {tr("Currency"), tr("Billed cost"), tr("Unallocated"), tr("Shared cost spread")});
        int row = 5;
        for (int i = 0; i < tables.grandTotals.size(); ++i, ++row) {
            xlsx.text(row, 0, tables.grandTotals.at(i).first);
            xlsx.money(row, 1, tables.grandTotals.at(i).second);
            xlsx.money(row, 2, tables.unallocated.at(i).second);
            xlsx.money(row, 3, tables.shared.at(i).second);
        }
        if (!tables.changes.isEmpty()) {
            row += 1;
            xlsx.text(row++, 0, tr("Month over month (%1 against %2)")
                                    .arg(tables.months.constLast(), tables.months.at(tables.months.size() - 2)),
                      nullptr);
            xlsx.header(row++, {tr("Tenant"), tr("Currency"), tr("Previous"), tr("Latest"), tr("Change"), tr("Change %")});
            for (const auto& change : tables.changes) {
                xlsx.text(row, 0, change.tenant);
                xlsx.text(row, 1, change.currency);
                xlsx.money(row, 2, change.previous);
                xlsx.money(row, 3, change.latest);
                xlsx.money(row, 4, change.change);
                xlsx.percent(row, 5, change.percent);
                ++row;
            }
        }
        xlsx.widths({32, 12, 14, 14, 14, 10});

        writePivotSheet(xlsx, tr("Tenants"), tr("Tenant"), tables.byTenant, tables.months);
        writePivotSheet(xlsx, tr("Services"), tr("Service"), tables.byService, tables.months);

        xlsx.sheet(tr("Budgets"));
        xlsx.header(0, {tr("Tenant"), tr("Currency"), tr("Monthly budget"), tr("Cost, latest month"), tr("Used %")});
        row = 1;
        for (const auto& budget : tables.budgets) {
            xlsx.text(row, 0, budget.tenant);
            xlsx.text(row, 1, budget.currency);
            xlsx.money(row, 2, budget.budget);
            xlsx.money(row, 3, budget.cost);
            xlsx.percent(row, 4, budget.percentUsed);
            ++row;
        }
        xlsx.widths({32, 10, 16, 18, 10});

        xlsx.sheet(tr("Detail"));
        xlsx.header(0, {tr("Tenant"), tr("Service"), tr("Service category"), tr("Month"), tr("Currency"),
                        tr("Billed cost"), tr("Effective cost"), tr("List cost"), tr("Lines"), tr("Shared")});
        row = 1;
        for (const BillingTotalsRow& line : data.totals) {
            xlsx.text(row, 0, tenantName(data, line.tenantId));
            xlsx.text(row, 1, line.serviceName);
            xlsx.text(row, 2, line.serviceCategory);
            xlsx.text(row, 3, line.month);
            xlsx.text(row, 4, line.billingCurrency);
            xlsx.money(row, 5, line.billedCost);
            xlsx.money(row, 6, line.effectiveCost);
            xlsx.money(row, 7, line.listCost);
            xlsx.number(row, 8, double(line.lineCount));
            xlsx.text(row, 9, line.shared ? tr("yes") : tr("no"));
            ++row;
        }
        xlsx.widths({32, 32, 24, 9, 9, 14, 14, 14, 8, 8});
        const QString failure = xlsx.close();
        if (!failure.isEmpty()) {
            QFile::remove(partial);
            *error = tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), failure);
            return false;
        }
    }
    QFile::remove(path);
    if (!QFile::rename(partial, path)) {
        QFile::remove(partial);
        *error = tr("Cannot write %1.").arg(QDir::toNativeSeparators(path));
        return false;
    }
    return true;
}

// ---- PDF ----------------------------------------------------------------------------------------

// Lays out a report on A4 pages: a header on each page, tables that continue on the next page.
class PdfLayout
{
public:
    PdfLayout(QPdfWriter& writer, const BillingReportData& data)
        : m_writer(writer)
        , m_data(data)
        , m_painter(&writer)
    {
        m_width = writer.width();
        m_unit = m_width / 180.0; // about one millimetre
        m_height = writer.height() - 8 * m_unit; // the footer below
        startPage();
    }

    bool isActive() const { return m_painter.isActive(); }
    QPainter& painter() { return m_painter; }
    double unit() const { return m_unit; }
    double width() const { return m_width; }
    int pages() const { return m_page; }

    // A heading kept on one page with the first `keepWith` millimetres of what follows it.
    void heading(const QString& text, double keepWith = 20)
    {
        ensure((14 + keepWith) * m_unit);
        QFont font = baseFont();
        font.setPointSizeF(13);
        font.setBold(true);
        m_painter.setFont(font);
        m_painter.setPen(m_data.branding.accent);
        m_y += 4 * m_unit;
        const QFontMetricsF metrics(font, &m_writer);
        m_painter.drawText(QPointF(0, m_y + metrics.ascent()), text);
        m_y += metrics.height() + 2 * m_unit;
        m_painter.setPen(Qt::black);
    }

    void paragraph(const QString& text)
    {
        QFont font = baseFont();
        m_painter.setFont(font);
        const QFontMetricsF metrics(font, &m_writer);
        const QRectF bounds = metrics.boundingRect(QRectF(0, 0, m_width, 1e6), Qt::TextWordWrap, text);
        ensure(bounds.height());
        m_painter.drawText(QRectF(0, m_y, m_width, bounds.height()), Qt::TextWordWrap, text);
        m_y += bounds.height() + 2 * m_unit;
    }

    // A table: the first column takes what the others leave; numbers right-aligned.
    void table(const QStringList& header, const QList<QStringList>& rows, const QList<bool>& numeric)
    {
        QFont font = baseFont();
        font.setPointSizeF(8);
        QFont bold = font;
        bold.setBold(true);
        const QFontMetricsF metrics(font, &m_writer);
        const double rowHeight = metrics.height() * 1.35;
        const int columns = int(header.size());
        QList<double> widths(columns, 0);
        for (int c = 1; c < columns; ++c) {
            double widest = QFontMetricsF(bold, &m_writer).horizontalAdvance(header.at(c));
            for (const QStringList& row : rows)
                widest = std::max(widest, metrics.horizontalAdvance(row.value(c)));
            widths[c] = widest + 3 * m_unit;
        }
        double rest = m_width;
        for (int c = 1; c < columns; ++c)
            rest -= widths.at(c);
        widths[0] = std::max(rest, 30 * m_unit);
        const auto drawRow = [&](const QStringList& cells, bool isHeader, bool shaded) {
            if (shaded)
                m_painter.fillRect(QRectF(0, m_y, m_width, rowHeight), QColor(0xf2, 0xf4, 0xf7));
            if (isHeader) {
                m_painter.fillRect(QRectF(0, m_y, m_width, rowHeight), m_data.branding.accent);
                m_painter.setPen(Qt::white);
                m_painter.setFont(bold);
            } else {
                m_painter.setPen(Qt::black);
                m_painter.setFont(font);
            }
            double x = 0;
            for (int c = 0; c < columns; ++c) {
                const QRectF cell(x + m_unit, m_y, widths.at(c) - 2 * m_unit, rowHeight);
                const Qt::Alignment align = Qt::AlignVCenter
                    | (numeric.value(c) && c > 0 ? Qt::AlignRight : Qt::AlignLeft);
                m_painter.drawText(cell, int(align),
                                   metrics.elidedText(cells.value(c), Qt::ElideRight, cell.width()));
                x += widths.at(c);
            }
            m_y += rowHeight;
        };
        ensure(rowHeight * 3);
        drawRow(header, true, false);
        for (qsizetype i = 0; i < rows.size(); ++i) {
            if (m_y + rowHeight > m_height) {
                newPage();
                drawRow(header, true, false);
            }
            drawRow(rows.at(i), false, i % 2 == 1);
        }
        m_painter.setPen(Qt::black);
        m_y += 3 * m_unit;
    }

    static constexpr double chartHeight = 88; // millimetres a stacked bar chart takes, with its labels

    // Stacked bars: one bar per month, one segment per series, the month's total above its bar. A
    // last series named `othersLabel` is drawn in grey.
    void stackedBars(const QStringList& months, const QList<QPair<QString, QList<double>>>& series,
                     const QString& currency, const QString& othersLabel = {})
    {
        const double plotHeight = 62 * m_unit;
        QFont font = baseFont();
        font.setPointSizeF(7.5);
        const QFontMetricsF metrics(font, &m_writer);
        ensure(chartHeight * m_unit);
        m_painter.setFont(font);
        QList<double> totals(months.size(), 0);
        for (int m = 0; m < months.size(); ++m) {
            for (const auto& s : series)
                totals[m] += std::max(0.0, s.second.value(m));
        }
        const auto [maxTotal, step] = niceScale(*std::max_element(totals.cbegin(), totals.cend()));
        const double axisWidth = metrics.horizontalAdvance(QLocale().toString(maxTotal, 'f', 0)) + 3 * m_unit;
        const double legendWidth = 58 * m_unit;
        const double plotLeft = axisWidth;
        const double plotWidth = m_width - axisWidth - legendWidth - 4 * m_unit;
        m_painter.setPen(Qt::darkGray);
        m_painter.drawText(QRectF(0, m_y, m_width, metrics.height()), Qt::AlignLeft, currency);
        m_y += metrics.height() + 3 * m_unit;
        const double top = m_y;
        const double bottom = m_y + plotHeight;
        for (double tick = 0; tick <= maxTotal + step / 2; tick += step) {
            const double y = bottom - plotHeight * tick / maxTotal;
            m_painter.setPen(QPen(tick == 0 ? QColor(0x88, 0x88, 0x88) : QColor(0xdd, 0xdd, 0xdd), 0));
            m_painter.drawLine(QPointF(plotLeft, y), QPointF(plotLeft + plotWidth, y));
            m_painter.setPen(Qt::darkGray);
            m_painter.drawText(QRectF(0, y - metrics.height() / 2, axisWidth - 1.5 * m_unit, metrics.height()),
                               Qt::AlignRight | Qt::AlignVCenter, QLocale().toString(tick, 'f', 0));
        }
        const double slot = plotWidth / std::max<qsizetype>(1, months.size());
        const double barWidth = std::min(slot * 0.6, 28 * m_unit);
        for (int m = 0; m < months.size(); ++m) {
            const double left = plotLeft + slot * m + (slot - barWidth) / 2;
            double y = bottom;
            for (int s = 0; s < series.size(); ++s) {
                const double value = std::max(0.0, series.at(s).second.value(m));
                const double h = plotHeight * value / maxTotal;
                m_painter.fillRect(QRectF(left, y - h, barWidth, h), seriesColour(s, series.at(s).first == othersLabel));
                if (h > 0.4 * m_unit && s + 1 < series.size()) // a hairline between segments
                    m_painter.fillRect(QRectF(left, y - h, barWidth, 0.15 * m_unit), Qt::white);
                y -= h;
            }
            m_painter.setPen(Qt::black);
            m_painter.drawText(QRectF(plotLeft + slot * m, y - metrics.height() - 0.5 * m_unit, slot, metrics.height()),
                               Qt::AlignHCenter | Qt::AlignBottom, QLocale().toString(totals.at(m), 'f', 0));
            m_painter.drawText(QRectF(plotLeft + slot * m, bottom + m_unit, slot, metrics.height()),
                               Qt::AlignHCenter | Qt::AlignTop, months.at(m));
        }
        // The legend, top to bottom in the order the segments stack from the top.
        double legendY = top;
        const double legendLeft = m_width - legendWidth;
        for (qsizetype s = series.size() - 1; s >= 0; --s) {
            m_painter.fillRect(QRectF(legendLeft, legendY + 0.25 * metrics.height(), 3 * m_unit, 3 * m_unit),
                               seriesColour(int(s), series.at(s).first == othersLabel));
            m_painter.setPen(Qt::black);
            m_painter.drawText(QRectF(legendLeft + 5 * m_unit, legendY, legendWidth - 5 * m_unit, metrics.height() * 1.2),
                               Qt::AlignLeft | Qt::AlignVCenter,
                               metrics.elidedText(series.at(s).first, Qt::ElideRight, legendWidth - 5 * m_unit));
            legendY += metrics.height() * 1.45;
        }
        m_y = bottom + metrics.height() + 6 * m_unit;
    }

    // Cost against budget: one horizontal bar per budget, the cost as a share of the budget, the
    // budget drawn as a line at 100 %; bars over budget in red.
    void budgetBars(const QList<BillingReportTables::BudgetLine>& lines, const std::function<QString(const QString&)>& money)
    {
        QFont font = baseFont();
        font.setPointSizeF(7.5);
        const QFontMetricsF metrics(font, &m_writer);
        const double barHeight = 4.2 * m_unit;
        const double rowHeight = barHeight + 2.2 * m_unit;
        double widestName = 0, widestAmount = 0, maxPercent = 100;
        QStringList amounts;
        for (const auto& line : lines) {
            widestName = std::max(widestName, metrics.horizontalAdvance(line.tenant));
            amounts << tr("%1 of %2 %3 (%4 %)").arg(money(line.cost), money(line.budget), line.currency,
                                                   QLocale().toString(line.percentUsed, 'f', 0));
            widestAmount = std::max(widestAmount, metrics.horizontalAdvance(amounts.constLast()));
            maxPercent = std::max(maxPercent, line.percentUsed);
        }
        const double nameWidth = std::min(widestName + 3 * m_unit, m_width * 0.32);
        const double amountWidth = widestAmount + 3 * m_unit;
        const double plotLeft = nameWidth;
        const double plotWidth = m_width - nameWidth - amountWidth;
        const double scale = std::clamp(std::ceil(maxPercent / 25.0) * 25.0, 125.0, 200.0); // percent at the right end
        const auto xOf = [&](double percent) { return plotLeft + plotWidth * std::min(percent, scale) / scale; };
        ensure(3 * rowHeight + 2 * metrics.height());
        m_painter.setFont(font);
        const auto grid = [&](double top, double bottom) {
            m_painter.setPen(QPen(QColor(0xdd, 0xdd, 0xdd), 0));
            for (double tick = 0; tick <= scale + 1; tick += 25)
                m_painter.drawLine(QPointF(xOf(tick), top), QPointF(xOf(tick), bottom));
        };
        const auto ticks = [&]() {
            m_painter.setPen(Qt::darkGray);
            for (double tick = 0; tick <= scale + 1; tick += 50)
                m_painter.drawText(QRectF(xOf(tick) - 10 * m_unit, m_y, 20 * m_unit, metrics.height()),
                                   Qt::AlignHCenter | Qt::AlignTop, QLocale().toString(tick, 'f', 0) + u" %"_s);
            m_y += metrics.height() + m_unit;
        };
        ticks();
        for (qsizetype i = 0; i < lines.size(); ++i) {
            if (m_y + rowHeight > m_height) {
                newPage();
                m_painter.setFont(font);
                ticks();
            }
            const auto& line = lines.at(i);
            const double y = m_y + (rowHeight - barHeight) / 2;
            const bool over = line.percentUsed > 100;
            grid(m_y, m_y + rowHeight);
            m_painter.fillRect(QRectF(plotLeft, y, xOf(line.percentUsed) - plotLeft, barHeight),
                               over ? QColor(0xc6, 0x28, 0x28) : m_data.branding.accent);
            m_painter.setPen(QPen(QColor(0x33, 0x33, 0x33), 0.5 * m_unit)); // the budget
            m_painter.drawLine(QPointF(xOf(100), m_y), QPointF(xOf(100), m_y + rowHeight));
            m_painter.setPen(Qt::black);
            m_painter.drawText(QRectF(0, m_y, nameWidth - 2 * m_unit, rowHeight), Qt::AlignLeft | Qt::AlignVCenter,
                               metrics.elidedText(line.tenant, Qt::ElideRight, nameWidth - 2 * m_unit));
            m_painter.setPen(over ? QColor(0xc6, 0x28, 0x28) : QColor(Qt::black));
            m_painter.drawText(QRectF(m_width - amountWidth + 2 * m_unit, m_y, amountWidth - 2 * m_unit, rowHeight),
                               Qt::AlignLeft | Qt::AlignVCenter, amounts.at(i));
            m_y += rowHeight;
        }
        m_painter.setPen(Qt::darkGray);
        m_painter.drawText(QRectF(plotLeft, m_y + m_unit, plotWidth + amountWidth, metrics.height()), Qt::AlignLeft,
                           tr("Cost in the latest month as a share of the monthly budget; the dark line is the budget."));
        m_y += metrics.height() + 6 * m_unit;
        m_painter.setPen(Qt::black);
    }

    void finish() { m_painter.end(); }

private:
    QFont baseFont() const
    {
        QFont font(QStringLiteral("DejaVu Sans"));
        font.setStyleHint(QFont::SansSerif);
        font.setPointSizeF(9.5);
        return font;
    }

    // A nice axis for values up to `maximum`: its end and the step of its 4 to 6 gridlines.
    static std::pair<double, double> niceScale(double maximum)
    {
        if (maximum <= 0)
            return {1, 0.25};
        const double rough = maximum / 4;
        const double magnitude = std::pow(10.0, std::floor(std::log10(rough)));
        double step = magnitude * 10;
        for (double factor : {1.0, 2.0, 2.5, 5.0, 10.0}) {
            if (magnitude * factor >= rough) {
                step = magnitude * factor;
                break;
            }
        }
        return {std::ceil(maximum / step) * step, step};
    }

    // The branding's accent first, then a palette that prints well and tells series apart (without
    // the ones too close to the accent); the "others" series in grey.
    QColor seriesColour(int index, bool others) const
    {
        if (others)
            return QColor(0xb8, 0xb8, 0xb8);
        if (m_palette.isEmpty()) {
            const QColor accent = m_data.branding.accent;
            m_palette << accent;
            for (const QRgb rgb : {0x4e79a7u, 0xf28e2bu, 0x59a14fu, 0xe15759u, 0x76b7b2u, 0xedc948u, 0xb07aa1u,
                                   0xff9da7u, 0x9c755fu, 0x86bcb6u}) {
                const QColor candidate = QColor::fromRgb(rgb);
                const int dr = candidate.red() - accent.red(), dg = candidate.green() - accent.green(),
                          db = candidate.blue() - accent.blue();
                if (dr * dr + dg * dg + db * db > 70 * 70)
                    m_palette << candidate;
            }
        }
        return m_palette.at(index % m_palette.size());
    }

    void ensure(double height)
    {
        if (m_y + height > m_height)
            newPage();
    }

    void newPage()
    {
        m_writer.newPage();
        startPage();
    }

    void startPage()
    {
        ++m_page;
        m_y = 0;
        double x = 0;
        const double logoHeight = 12 * m_unit;
        if (!m_data.branding.logo.isNull()) {
            const QImage logo = m_data.branding.logo;
            const double w = logoHeight * logo.width() / std::max(1, logo.height());
            m_painter.drawImage(QRectF(0, 0, w, logoHeight), logo);
            x = w + 4 * m_unit;
        }
        QFont font = baseFont();
        font.setPointSizeF(15);
        font.setBold(true);
        m_painter.setFont(font);
        m_painter.setPen(m_data.branding.accent);
        m_painter.drawText(QRectF(x, 0, m_width - x, logoHeight), Qt::AlignLeft | Qt::AlignVCenter,
                           m_data.branding.productName + u" — "_s + m_data.title);
        m_painter.fillRect(QRectF(0, logoHeight + 2 * m_unit, m_width, 0.6 * m_unit), m_data.branding.accent);
        // The footer: what the report covers, when it was made, the page.
        QFont small = baseFont();
        small.setPointSizeF(7.5);
        m_painter.setFont(small);
        const double footerTop = m_height + 4 * m_unit;
        const double footerHeight = m_writer.height() - footerTop;
        m_painter.fillRect(QRectF(0, footerTop, m_width, 0.25 * m_unit), QColor(0xcc, 0xcc, 0xcc));
        m_painter.setPen(Qt::darkGray);
        const QString page = tr("Page %1").arg(m_page);
        const double pageWidth = QFontMetricsF(small, &m_writer).horizontalAdvance(page) + 4 * m_unit;
        m_painter.drawText(QRectF(0, footerTop, m_width - pageWidth, footerHeight), Qt::AlignLeft | Qt::AlignBottom,
                           QFontMetricsF(small, &m_writer).elidedText(
                               tr("%1 · generated %2").arg(m_data.scope, QLocale().toString(m_data.generatedAt, QLocale::ShortFormat)),
                               Qt::ElideRight, m_width - pageWidth));
        m_painter.drawText(QRectF(0, footerTop, m_width, footerHeight), Qt::AlignRight | Qt::AlignBottom, page);
        m_painter.setPen(Qt::black);
        m_y = logoHeight + 6 * m_unit;
    }

    QPdfWriter& m_writer;
    const BillingReportData& m_data;
    QPainter m_painter;
    double m_width = 0;
    double m_height = 0;
    double m_unit = 1;
    double m_y = 0;
    int m_page = 0;
    mutable QList<QColor> m_palette;
};

QString money(const QString& exact)
{
    return QLocale().toString(exact.toDouble(), 'f', 2);
}

bool writePdf(const BillingReportData& data, const QString& path, QString* error)
{
    QTemporaryFile partial(QFileInfo(path).absolutePath() + u"/.report-XXXXXX.pdf"_s);
    if (!partial.open()) {
        *error = tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), partial.errorString());
        return false;
    }
    partial.close();
    const BillingReportTables tables = billingReportTables(data);
    {
        QPdfWriter writer(partial.fileName());
        writer.setPageSize(QPageSize(QPageSize::A4));
        writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout::Millimeter);
        writer.setResolution(300);
        writer.setTitle(data.title);
        writer.setCreator(data.branding.productName);
        PdfLayout layout(writer, data);
        if (!layout.isActive()) {
            *error = tr("Cannot write %1.").arg(QDir::toNativeSeparators(path));
            return false;
        }
        layout.paragraph(data.scope + u"\n"_s
                         + tr("Generated %1.").arg(QLocale().toString(data.generatedAt, QLocale::LongFormat)));
        if (tables.months.isEmpty())
            layout.paragraph(tr("No billing data matches this report: there is no cost to show."));

        layout.heading(tr("Summary"));
        QList<QStringList> summary;
        for (int i = 0; i < tables.grandTotals.size(); ++i) {
            summary << QStringList{tables.grandTotals.at(i).first, money(tables.grandTotals.at(i).second),
                                   money(tables.unallocated.at(i).second), money(tables.shared.at(i).second)};
        }
        layout.table({tr("Currency"), tr("Billed cost"), tr("Unallocated"), tr("Shared cost spread")}, summary,
                     {false, true, true, true});

        // The chart: the largest tenants of the main currency, the others together.
        if (!tables.byTenant.isEmpty() && !tables.months.isEmpty()) {
            const QString currency = tables.byTenant.constFirst().currency;
            const auto series = largestSeries(tables.byTenant, currency, tables.months.size(), tr("Other tenants"));
            // One tenant's report: its months are the service chart's totals, no second chart needed.
            if (series.size() > 1) {
                layout.heading(tr("Cost per month by tenant"), PdfLayout::chartHeight);
                layout.stackedBars(tables.months, series, currency, tr("Other tenants"));
            }
        }
        // The same for services: where the money goes, month by month.
        if (!tables.byService.isEmpty() && !tables.months.isEmpty()) {
            const QString currency = tables.byService.constFirst().currency;
            const auto series = largestSeries(tables.byService, currency, tables.months.size(), tr("Other services"));
            layout.heading(tr("Cost per month by service"), PdfLayout::chartHeight);
            layout.stackedBars(tables.months, series, currency, tr("Other services"));
        }
        if (!tables.budgets.isEmpty() && !tables.months.isEmpty()) {
            QList<BillingReportTables::BudgetLine> budgets = tables.budgets;
            std::stable_sort(budgets.begin(), budgets.end(),
                             [](const auto& a, const auto& b) { return a.percentUsed > b.percentUsed; });
            layout.heading(tr("Cost against budget, %1").arg(tables.months.constLast()), 30);
            layout.budgetBars(budgets, money);
        }

        const auto pivot = [&](const QString& title, const QString& keyHeader, const QList<BillingReportTables::Cell>& cells) {
            layout.heading(title);
            QStringList header{keyHeader, tr("Currency")};
            header << tables.months << tr("Total");
            QList<bool> numeric{false, false};
            for (int m = 0; m <= tables.months.size(); ++m)
                numeric << true;
            QList<QStringList> rows;
            for (const auto& cell : cells) {
                QStringList row{cell.key, cell.currency};
                for (const QString& amount : cell.monthly)
                    row << money(amount);
                row << money(cell.total);
                rows << row;
            }
            layout.table(header, rows, numeric);
        };
        if (!tables.byTenant.isEmpty())
            pivot(tr("Cost by tenant"), tr("Tenant"), tables.byTenant);
        if (!tables.byService.isEmpty())
            pivot(tr("Cost by service"), tr("Service"), tables.byService);

        if (!tables.changes.isEmpty()) {
            layout.heading(tr("Month over month: %1 against %2")
                               .arg(tables.months.constLast(), tables.months.at(tables.months.size() - 2)));
            QList<QStringList> rows;
            for (const auto& change : tables.changes) {
                rows << QStringList{change.tenant, change.currency, money(change.previous), money(change.latest),
                                    money(change.change),
                                    change.previous.toDouble() == 0 ? u"—"_s
                                                                    : QLocale().toString(change.percent, 'f', 1) + u" %"_s};
            }
            layout.table({tr("Tenant"), tr("Currency"), tr("Previous"), tr("Latest"), tr("Change"), tr("Change %")},
                         rows, {false, false, true, true, true, true});
        }
        if (!tables.budgets.isEmpty()) {
            layout.heading(tr("Budgets"));
            QList<QStringList> rows;
            for (const auto& budget : tables.budgets) {
                rows << QStringList{budget.tenant, budget.currency, money(budget.budget), money(budget.cost),
                                    QLocale().toString(budget.percentUsed, 'f', 1) + u" %"_s};
            }
            layout.table({tr("Tenant"), tr("Currency"), tr("Monthly budget"), tr("Cost, latest month"), tr("Used")},
                         rows, {false, false, true, true, true});
        }
        layout.finish();
    }
    QFile::remove(path);
    if (!partial.rename(path)) {
        *error = tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), partial.errorString());
        return false;
    }
    partial.setAutoRemove(false);
    return true;
}

} // namespace

bool writeBillingReport(const BillingReportData& data, ReportFormat format, const QString& path, QString* error)
{
    QString ignored;
    if (!error)
        error = &ignored;
    switch (format) {
    case ReportFormat::Csv: return writeCsv(data, path, error);
    case ReportFormat::Xlsx: return writeXlsx(data, path, error);
    case ReportFormat::Pdf: return writePdf(data, path, error);
    }
    return false;
}

} // namespace TenantDesk
