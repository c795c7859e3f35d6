using System.Globalization;
using System.Net;
using System.Text;

namespace Distill.Analysis.Report;

/// <summary>
/// Text from an image (file names, package names, history lines) made safe for HTML text and quoted attributes:
/// <c>&lt; &gt; &amp; " '</c> encoded, control characters shown as <c>\xNN</c> (a file name may hold any byte but / and NUL).
/// </summary>
public static class HtmlText
{
    public static string Escape(string text)
    {
        StringBuilder? visible = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsControl(c))
            {
                visible ??= new StringBuilder(text, 0, i, text.Length + 8);
                visible.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
            }
            else
            {
                visible?.Append(c);
            }
        }
        return WebUtility.HtmlEncode(visible?.ToString() ?? text);
    }
}
