using Distill.Tests.Support;

namespace Distill.Tests.Analysis;

/// <summary>
/// examples/calculator published as Native AOT <em>without</em> invariant globalization (and so dynamically linked):
/// the .NET runtime loads ICU at start. Published once per test run; tests only read it.
/// </summary>
public static class IcuCalculator
{
    private static readonly Lazy<Task<string>> Shared = new(PublishAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The directory holding the published <c>calculator</c>.</summary>
    public static Task<string> GetAsync() => Shared.Value;

    private static async Task<string> PublishAsync()
    {
        Tool.Require("clang", "clang");
        Tool.Require("ld.lld", "lld");
        var root = Path.Combine(Path.GetTempPath(), "distill-icu-calculator-" + Guid.NewGuid().ToString("N")[..12]);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        var output = Path.Combine(root, "publish");
        var result = await Tool.RunAsync("dotnet",
            ["publish", Path.Combine(Repo.Root, "examples", "calculator", "Calculator.csproj"), "-c", "Release", "-o", output,
             "-p:InvariantGlobalization=false", "-p:StaticExecutable=false",
             "--artifacts-path", Path.Combine(root, "artifacts"), "--disable-build-servers", "-nodeReuse:false"],
            timeoutSeconds: 300);
        if (result.ExitCode != 0)
            Assert.Fail($"dotnet publish examples/calculator (ICU) exited {result.ExitCode}:\n{result.All}");
        return output;
    }
}
