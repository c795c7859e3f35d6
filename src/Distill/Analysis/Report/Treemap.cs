namespace Distill.Analysis.Report;

/// <summary>
/// The squarified treemap layout (Bruls, Huizing, van Wijk, "Squarified Treemaps", 2000): weights become rectangles
/// with areas in proportion, laid in rows along the shorter side, a row growing while that keeps its worst aspect ratio
/// from getting worse. About 60 lines, so written here rather than taken from a charting package the CLI would carry.
/// </summary>
public static class Treemap
{
    /// <summary>One rectangle per weight, in the order given; a weight of zero (or less) gets an empty rectangle.</summary>
    public static IReadOnlyList<TreemapRect> Squarify(IReadOnlyList<double> weights, TreemapRect bounds)
    {
        var result = new TreemapRect[weights.Count];
        Array.Fill(result, new TreemapRect(bounds.X, bounds.Y, 0, 0));
        var order = Enumerable.Range(0, weights.Count).Where(i => weights[i] > 0).OrderByDescending(i => weights[i]).ToList();
        var total = order.Sum(i => weights[i]);
        if (order.Count == 0 || bounds.Width <= 0 || bounds.Height <= 0)
            return result;
        var scale = bounds.Area / total;
        var area = order.Select(i => weights[i] * scale).ToList();
        var rect = bounds;
        var start = 0;
        while (start < order.Count)
        {
            var side = Math.Min(rect.Width, rect.Height);
            var end = start + 1;
            var sum = area[start];
            var worst = Worst(area[start], area[start], sum, side);
            while (end < order.Count)
            {
                var next = Worst(area[start], area[end], sum + area[end], side);
                if (next > worst)
                    break;
                worst = next;
                sum += area[end];
                end++;
            }
            // the last row takes what is left, so rounding never leaves a sliver or overflows
            var last = end == order.Count;
            if (rect.Width >= rect.Height)
            {
                var thickness = last ? rect.Width : Math.Min(rect.Width, sum / rect.Height);
                var done = 0.0;
                for (var k = start; k < end; k++)
                {
                    // positions from the running fraction of the row, so rounding cannot push a box past the row's end
                    var y = rect.Y + rect.Height * done / sum;
                    done += area[k];
                    var next = k == end - 1 ? rect.Y + rect.Height : rect.Y + rect.Height * done / sum;
                    result[order[k]] = new TreemapRect(rect.X, y, thickness, Math.Max(0, next - y));
                }
                rect = rect with { X = rect.X + thickness, Width = rect.Width - thickness };
            }
            else
            {
                var thickness = last ? rect.Height : Math.Min(rect.Height, sum / rect.Width);
                var done = 0.0;
                for (var k = start; k < end; k++)
                {
                    var x = rect.X + rect.Width * done / sum;
                    done += area[k];
                    var next = k == end - 1 ? rect.X + rect.Width : rect.X + rect.Width * done / sum;
                    result[order[k]] = new TreemapRect(x, rect.Y, Math.Max(0, next - x), thickness);
                }
                rect = rect with { Y = rect.Y + thickness, Height = rect.Height - thickness };
            }
            start = end;
        }
        return result;
    }

    /// <summary>The worst aspect ratio of a row of total <paramref name="sum"/> laid along <paramref name="side"/> (areas sorted descending: largest first, smallest last).</summary>
    private static double Worst(double largest, double smallest, double sum, double side)
    {
        var s2 = sum * sum;
        var w2 = side * side;
        return Math.Max(w2 * largest / s2, s2 / (w2 * smallest));
    }
}
