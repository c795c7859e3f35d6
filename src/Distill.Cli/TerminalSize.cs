namespace Distill.Cli;

/// <summary>A terminal's size in columns and rows; <see cref="Height"/> 0 when unknown.</summary>
internal readonly record struct TerminalSize(int Width, int Height)
{
    /// <summary>Width when the terminal does not say.</summary>
    public const int DefaultWidth = 80;

    /// <summary>The console's size as stderr sees it, or 80 columns and unknown height.</summary>
    public static TerminalSize OfConsole()
    {
        try
        {
            var width = Console.WindowWidth;
            var height = Console.WindowHeight;
            return new TerminalSize(width > 0 ? width : DefaultWidth, Math.Max(height, 0));
        }
        catch (Exception e) when (e is IOException or PlatformNotSupportedException or InvalidOperationException)
        {
            return new TerminalSize(DefaultWidth, 0);
        }
    }
}
