using System.Text;

namespace Distill.Dockerfile;

/// <summary>
/// A lint rule as data: its stable id (BuildKit's rule name, e.g. <c>UndefinedVar</c>), what it checks, and where it
/// is documented. Experimental rules (BuildKit's, e.g. <c>CopyIgnoredFile</c>) only run when enabled with
/// <c># check=experimental=NAME</c> (or <c>all</c>) or <see cref="LintOptions.Experimental"/>.
/// </summary>
public sealed record LintRule(string Name, string Description, bool Experimental = false)
{
    private string? _url;

    /// <summary>The rule's documentation: <c>https://docs.docker.com/go/dockerfile/rule/&lt;kebab-name&gt;/</c>.</summary>
    public string Url
    {
        get => _url ??= $"https://docs.docker.com/go/dockerfile/rule/{KebabCase(Name)}/";
        init => _url = value;
    }

    /// <summary><c>JSONArgsRecommended</c> → <c>json-args-recommended</c>: a dash where a word starts (after a lower-case letter or digit, or at the end of an acronym).</summary>
    public static string KebabCase(string name)
    {
        var result = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0)
            {
                var previous = name[i - 1];
                var endsAcronym = char.IsUpper(previous) && i + 1 < name.Length && char.IsLower(name[i + 1]);
                if (char.IsLower(previous) || char.IsDigit(previous) || endsAcronym)
                    result.Append('-');
            }
            result.Append(char.ToLowerInvariant(c));
        }
        return result.ToString();
    }
}
