#pragma once

#include <QList>
#include <QPointF>

namespace TenantDesk {

// Reduces a time series for drawing on `columns` pixel columns, so that a chart of 100,000+ samples
// answers at once and still shows every spike: the x range of the points is cut into `columns`
// equal columns, and of the points in each column only the first, the lowest, the highest and the
// last are kept (each once), in time order. At most 4 × columns points come out; a series that is
// already that small comes out untouched.
//
// `points` must be ordered by x (time, e.g. milliseconds since 1970). Pure: no state, no Qt event loop.
QList<QPointF> decimateMinMax(const QList<QPointF>& points, int columns);

} // namespace TenantDesk
