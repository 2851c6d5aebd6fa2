#pragma once

#include "BrandingManager.h"

#include <QColor>

QT_BEGIN_NAMESPACE
class QChart;
class QImage;
class QPainter;
class QRectF;
QT_END_NAMESPACE

namespace TenantDesk {

// The colours of on-screen charts, from a branding look: the brand's accent for the main series,
// shades and hues around it for stacked sets, the look's window and text colours for the chart's
// background, titles, labels and grid (so a dark palette reads well), and status colours (over
// quota or budget, a decrease, unallocated cost) that stay the same meaning in every brand, only
// lighter on a dark background.
struct ChartLook {
    QColor accent;      // the main series
    QColor background;  // the chart's background: the look's window colour
    QColor text;        // title, labels, legend, reference lines (a budget)
    QColor grid;        // grid lines: the text colour faint on the background
    QColor axisLine;
    QColor alert;       // over quota / over budget / an increase of cost
    QColor limit;       // a quota line: the alert colour, the text colour when the accent is red too
    QColor good;        // a decrease of cost
    QColor unallocated; // cost that belongs to no tenant
    QColor other;       // the rest, summed ("Other")
    bool dark = false;

    static ChartLook from(const BrandingLook& look);
    static ChartLook current() { return from(BrandingManager::current()); }

    // The colour of the index-th set of a stacked or grouped chart: the accent first, then hues
    // spread over the wheel (golden-angle steps) at the accent's saturation, away from the status
    // colours.
    QColor series(int index) const;
    // Whether `color` is too close in hue to the alert colour to be told apart at a glance.
    bool nearAlert(const QColor& color) const;

    // Colours the chart's background, title, legend and axes; series are left to the caller.
    void applyTo(QChart* chart) const;
};

// Draws a logo (when there is one) fitted into `area`, against its right edge and centred in
// height: the brand in the corner of an exported chart.
void drawChartLogo(QPainter* painter, const QRectF& area, const QImage& logo);

} // namespace TenantDesk
