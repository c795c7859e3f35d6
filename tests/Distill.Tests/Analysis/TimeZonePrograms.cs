using Distill.Tests.Support;

namespace Distill.Tests.Analysis;

/// <summary>
/// Static Go programs (CGO_ENABLED=0, stripped) built once per test run, each as <c>DIR/app</c>: one that only reads
/// the clock (<see cref="Clock"/>), one that loads a zone by name (<see cref="Named"/>), and the same with
/// <c>import _ "time/tzdata"</c> (<see cref="Embedded"/>). Tests only read them.
/// </summary>
public sealed class TimeZonePrograms
{
    private static readonly Lazy<Task<TimeZonePrograms>> Shared = new(CreateAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly (string Name, string Source)[] Programs =
    [
        ("clock", "package main\n\nimport (\"fmt\"; \"time\")\n\nfunc main() { fmt.Println(time.Now()) }\n"),
        ("named", "package main\n\nimport (\"fmt\"; \"time\")\n\nfunc main() { fmt.Println(time.LoadLocation(\"Europe/Berlin\")) }\n"),
        ("embedded", "package main\n\nimport (\"fmt\"; \"time\"; _ \"time/tzdata\")\n\nfunc main() { fmt.Println(time.LoadLocation(\"Europe/Berlin\")) }\n"),
    ];

    private TimeZonePrograms(string root) => Root = root;

    public string Root { get; }
    public string Clock => Path.Combine(Root, "clock", "app");
    public string Named => Path.Combine(Root, "named", "app");
    public string Embedded => Path.Combine(Root, "embedded", "app");

    public static Task<TimeZonePrograms> GetAsync() => Shared.Value;

    private static async Task<TimeZonePrograms> CreateAsync()
    {
        var go = Tool.Require("go", "golang-go");
        var root = Path.Combine(Path.GetTempPath(), "distill-tz-" + Guid.NewGuid().ToString("N")[..12]);
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
        var env = new Dictionary<string, string> { ["GO111MODULE"] = "off", ["CGO_ENABLED"] = "0", ["GOCACHE"] = Path.Combine(root, "gocache"), ["HOME"] = root };
        foreach (var (name, source) in Programs)
        {
            var dir = Path.Combine(root, name);
            Directory.CreateDirectory(dir);
            await File.WriteAllTextAsync(Path.Combine(dir, "main.go"), source);
            await Tool.RunOkAsync(go, ["build", "-ldflags=-s -w", "-o", Path.Combine(dir, "app"), "main.go"], env: env, workingDirectory: dir, timeoutSeconds: 300);
        }
        return new TimeZonePrograms(root);
    }
}
