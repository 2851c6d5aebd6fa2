#include "UsageDecimation.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace TenantDesk {

QList<QPointF> decimateMinMax(const QList<QPointF>& points, int columns)
{
    if (columns < 1 || points.size() <= 4 * qsizetype(columns))
        return points;
    const double x0 = points.constFirst().x();
    const double span = points.constLast().x() - x0;

    QList<QPointF> kept;
    kept.reserve(4 * qsizetype(columns));
    qsizetype start = 0;
    while (start < points.size()) {
        const auto columnOf = [&](qsizetype i) { // all in one column when every point has the same time
            return span > 0 ? std::clamp(int(std::floor((points.at(i).x() - x0) / span * columns)), 0, columns - 1) : 0;
        };
        const int column = columnOf(start);
        qsizetype end = start + 1; // one past the column's last point
        qsizetype lowest = start;
        qsizetype highest = start;
        while (end < points.size() && columnOf(end) == column) {
            if (points.at(end).y() < points.at(lowest).y())
                lowest = end;
            if (points.at(end).y() > points.at(highest).y())
                highest = end;
            ++end;
        }
        std::array<qsizetype, 4> chosen{start, lowest, highest, end - 1};
        std::sort(chosen.begin(), chosen.end());
        for (qsizetype i = 0; i < qsizetype(chosen.size()); ++i) {
            if (i == 0 || chosen.at(i) != chosen.at(i - 1))
                kept.append(points.at(chosen.at(i)));
        }
        start = end;
    }
    return kept;
}

} // namespace TenantDesk
