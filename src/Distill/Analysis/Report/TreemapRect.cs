namespace Distill.Analysis.Report;

/// <summary>A rectangle of a treemap, in the drawing's units.</summary>
public readonly record struct TreemapRect(double X, double Y, double Width, double Height)
{
    public double Area => Width * Height;
}
