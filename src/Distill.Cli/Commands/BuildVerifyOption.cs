using System.CommandLine;
using Distill.Build;

namespace Distill.Cli.Commands;

/// <summary>
/// <c>distill build --verify[=off|warn|error]</c>, warn by default. Given alone it means warn, as docker's
/// <c>--provenance</c> alone means its default mode. Unlike cobra, System.CommandLine cannot hand a following word back
/// to the arguments, so <c>--verify .</c> is refused (the mode must be off, warn or error); write <c>--verify=MODE</c>.
/// </summary>
internal static class BuildVerifyOption
{
    private static readonly Dictionary<string, BuildVerification> Modes = new(StringComparer.Ordinal)
    {
        ["off"] = BuildVerification.Off,
        ["warn"] = BuildVerification.Warn,
        ["error"] = BuildVerification.Error,
    };

    public static Option<string> Create()
    {
        var option = new Option<string>("--verify")
        {
            Description = "Verify the image before writing it, as distill verify does: warn (also --verify alone) prints the findings, " +
                "error also fails the build on an error finding (nothing is written), off skips it",
            Arity = ArgumentArity.ZeroOrOne,
            DefaultValueFactory = _ => "warn",
            CustomParser = result => result.Tokens.Count == 0 ? "warn" : result.Tokens[0].Value,
        };
        option.AcceptOnlyFromAmong([.. Modes.Keys]);
        return option;
    }

    public static BuildVerification Mode(string value) => Modes[value];
}
