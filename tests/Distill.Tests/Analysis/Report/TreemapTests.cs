using CsCheck;
using Distill.Analysis.Report;

namespace Distill.Tests.Analysis.Report;

/// <summary>The squarified layout: areas in proportion, inside the bounds, no overlap, reasonable aspect ratios.</summary>
public sealed class TreemapTests
{
    [Fact]
    public void Rectangles_tile_the_bounds_in_proportion_without_overlap() =>
        Gen.Double[0, 1000].Array[0, 40].Select(Gen.Double[10, 2000], Gen.Double[10, 2000]).Sample((weights, width, height) =>
        {
            var bounds = new TreemapRect(5, 7, width, height);
            var rects = Treemap.Squarify(weights, bounds);
            Assert.Equal(weights.Length, rects.Count);
            var total = weights.Where(w => w > 0).Sum();
            const double tolerance = 1e-6;
            for (var i = 0; i < rects.Count; i++)
            {
                var r = rects[i];
                Assert.True(r.Width >= -tolerance && r.Height >= -tolerance, $"negative size {r}");
                Assert.True(r.X >= bounds.X - tolerance && r.Y >= bounds.Y - tolerance
                    && r.X + r.Width <= bounds.X + bounds.Width + tolerance && r.Y + r.Height <= bounds.Y + bounds.Height + tolerance, $"{r} outside {bounds}");
                var expected = weights[i] > 0 ? bounds.Area * weights[i] / total : 0;
                Assert.True(Math.Abs(r.Area - expected) <= 1e-6 * bounds.Area, $"weight {weights[i]}: area {r.Area}, expected {expected}");
                for (var j = 0; j < i; j++)
                {
                    var o = rects[j];
                    var overlap = Math.Max(0, Math.Min(r.X + r.Width, o.X + o.Width) - Math.Max(r.X, o.X))
                        * Math.Max(0, Math.Min(r.Y + r.Height, o.Y + o.Height) - Math.Max(r.Y, o.Y));
                    Assert.True(overlap <= 1e-6 * bounds.Area, $"{r} overlaps {o}");
                }
            }
            if (total > 0)
                Assert.Equal(bounds.Area, rects.Sum(r => r.Area), bounds.Area * 1e-9);
        });

    [Fact]
    public void Equal_weights_in_a_square_make_squares()
    {
        var rects = Treemap.Squarify([1, 1, 1, 1], new TreemapRect(0, 0, 100, 100));
        Assert.All(rects, r => Assert.Equal(50, r.Width, 1e-9));
        Assert.All(rects, r => Assert.Equal(50, r.Height, 1e-9));
    }

    [Fact]
    public void The_paper_example_keeps_aspect_ratios_low()
    {
        // Bruls et al.'s example: 6, 6, 4, 3, 2, 2, 1 in a 6 x 4 rectangle
        var rects = Treemap.Squarify([6, 6, 4, 3, 2, 2, 1], new TreemapRect(0, 0, 6, 4));
        Assert.All(rects, r => Assert.True(Math.Max(r.Width / r.Height, r.Height / r.Width) <= 3, $"{r} is a sliver"));
        Assert.Equal(new TreemapRect(0, 0, 3, 2), rects[0]);
        Assert.Equal(new TreemapRect(0, 2, 3, 2), rects[1]);
    }
}
