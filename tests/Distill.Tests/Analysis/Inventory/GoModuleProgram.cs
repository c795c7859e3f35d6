using Distill.Tests.Support;

namespace Distill.Tests.Analysis.Inventory;

/// <summary>
/// A Go program in a module (<c>example.com/app</c>) that requires <c>example.com/Lib v1.2.3</c>, replaced by a local
/// directory (no network: GOPROXY=off), so its build info has <c>mod</c>, <c>dep</c> and <c>=&gt;</c> lines. Built once
/// per run with the host's go, static (CGO_ENABLED=0), in a directory of its own ready for <c>distill pack</c>.
/// </summary>
public sealed class GoModuleProgram
{
    private static readonly Lazy<Task<GoModuleProgram>> Shared = new(CreateAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    private GoModuleProgram(string root, string goVersion)
    {
        Root = root;
        GoVersion = goVersion;
    }

    public static Task<GoModuleProgram> GetAsync() => Shared.Value;

    public string Root { get; }

    /// <summary>Directory holding <c>app</c>.</summary>
    public string AppDirectory => Path.Combine(Root, "out");

    public string App => Path.Combine(AppDirectory, "app");

    /// <summary>The toolchain's version as build info records it (<c>go1.19.8</c>).</summary>
    public string GoVersion { get; }

    private static async Task<GoModuleProgram> CreateAsync()
    {
        var go = Tool.Require("go", "golang-go");
        var root = Path.Combine(Path.GetTempPath(), "distill-gomod-" + Guid.NewGuid().ToString("N")[..12]);
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
        foreach (var dir in new[] { "lib", "app", "out" })
            Directory.CreateDirectory(Path.Combine(root, dir));
        await File.WriteAllTextAsync(Path.Combine(root, "lib", "go.mod"), "module example.com/Lib\n\ngo 1.19\n");
        await File.WriteAllTextAsync(Path.Combine(root, "lib", "lib.go"), "package lib\n\nfunc Greet() string { return \"hello\" }\n");
        await File.WriteAllTextAsync(Path.Combine(root, "app", "go.mod"),
            "module example.com/app\n\ngo 1.19\n\nrequire example.com/Lib v1.2.3\n\nreplace example.com/Lib => ../lib\n");
        await File.WriteAllTextAsync(Path.Combine(root, "app", "main.go"),
            "package main\n\nimport (\n\t\"fmt\"\n\n\tlib \"example.com/Lib\"\n)\n\nfunc main() { fmt.Println(lib.Greet()) }\n");
        var env = new Dictionary<string, string>
        {
            ["CGO_ENABLED"] = "0", ["GOFLAGS"] = "-mod=mod", ["GOPROXY"] = "off", ["GOCACHE"] = Path.Combine(root, "gocache"),
            ["GOPATH"] = Path.Combine(root, "gopath"), ["HOME"] = root, ["GO111MODULE"] = "on",
        };
        await Tool.RunOkAsync(go, ["build", "-o", Path.Combine(root, "out", "app"), "."], env: env, workingDirectory: Path.Combine(root, "app"), timeoutSeconds: 300);
        var version = (await Tool.RunOkAsync(go, ["env", "GOVERSION"], env: env)).Stdout.Trim();
        return new GoModuleProgram(root, version);
    }
}
