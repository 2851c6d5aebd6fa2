#include "ChartLook.h"

#include <QAbstractAxis>
#include <QChart>
#include <QLegend>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace TenantDesk {

namespace {

QColor blend(const QColor& a, const QColor& b, double share) // share of b
{
    return QColor::fromRgbF(float(a.redF() * (1 - share) + b.redF() * share), float(a.greenF() * (1 - share) + b.greenF() * share),
                            float(a.blueF() * (1 - share) + b.blueF() * share));
}

int hueDistance(int a, int b)
{
    const int d = std::abs(a - b) % 360;
    return std::min(d, 360 - d);
}

} // namespace

ChartLook ChartLook::from(const BrandingLook& look)
{
    ChartLook chart;
    chart.background = look.window.isValid() ? look.window : QColor(Qt::white);
    chart.text = look.text.isValid() ? look.text : QColor(0x1b, 0x1f, 0x24);
    chart.dark = chart.background.lightness() < 128;
    chart.accent = look.accent.isValid() ? look.accent : QColor(0x1f, 0x5f, 0xa8);
    chart.grid = blend(chart.background, chart.text, chart.dark ? 0.22 : 0.15);
    chart.axisLine = blend(chart.background, chart.text, 0.45);
    chart.alert = chart.dark ? QColor(0xef, 0x53, 0x50) : QColor(0xb3, 0x26, 0x1e);
    chart.good = chart.dark ? QColor(0x66, 0xbb, 0x6a) : QColor(0x2e, 0x7d, 0x32);
    chart.unallocated = chart.dark ? QColor(0xf0, 0x88, 0x3e) : QColor(0xa8, 0x4b, 0x00);
    chart.other = blend(chart.background, chart.text, 0.4);
    chart.limit = chart.nearAlert(chart.accent) ? chart.text : chart.alert;
    return chart;
}

bool ChartLook::nearAlert(const QColor& color) const
{
    const QColor hsv = color.toHsv();
    return hsv.hsvSaturation() > 80 && hsv.hsvHue() >= 0 && hueDistance(hsv.hsvHue(), alert.toHsv().hsvHue()) < 30;
}

QColor ChartLook::series(int index) const
{
    if (index <= 0)
        return accent;
    const QColor base = accent.toHsv();
    const int baseHue = std::max(0, base.hsvHue());
    const int saturation = std::clamp(base.hsvSaturation(), 110, 210);
    // Steps of the golden angle (137.5°) spread any number of sets over the wheel, the neighbours
    // far apart; a hue next to a status colour's moves on.
    int hue = baseHue;
    int step = 0;
    for (int found = 0; found < index;) {
        hue = (baseHue + int(std::lround(++step * 137.508))) % 360;
        if (hueDistance(hue, alert.toHsv().hsvHue()) >= 25 && hueDistance(hue, unallocated.toHsv().hsvHue()) >= 15)
            ++found;
    }
    const int value = dark ? 190 + (index * 23) % 60 : 140 + (index * 37) % 80;
    return QColor::fromHsv(hue, saturation, value);
}

void ChartLook::applyTo(QChart* chart) const
{
    if (!chart)
        return;
    chart->setBackgroundBrush(background);
    chart->setBackgroundPen(Qt::NoPen);
    chart->setPlotAreaBackgroundVisible(false);
    chart->setTitleBrush(text);
    if (QLegend* legend = chart->legend()) {
        legend->setLabelColor(text);
        legend->setBrush(Qt::NoBrush);
        legend->setPen(Qt::NoPen);
    }
    for (QAbstractAxis* axis : chart->axes()) {
        axis->setLabelsColor(text);
        axis->setTitleBrush(text);
        axis->setLinePenColor(axisLine);
        axis->setGridLineColor(grid);
        axis->setMinorGridLineColor(grid);
    }
}

void drawChartLogo(QPainter* painter, const QRectF& area, const QImage& logo)
{
    if (!painter || logo.isNull() || area.isEmpty())
        return;
    QSizeF size = logo.size();
    size.scale(area.size(), Qt::KeepAspectRatio);
    const QRectF target(area.right() - size.width(), area.center().y() - size.height() / 2, size.width(), size.height());
    painter->save();
    painter->setRenderHint(QPainter::SmoothPixmapTransform);
    painter->drawImage(target, logo);
    painter->restore();
}

} // namespace TenantDesk
