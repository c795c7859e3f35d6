using System.Text;
using Distill.Analysis.Inventory;

namespace Distill.Tests.Analysis.Inventory;

public sealed class DotNetDepsTests
{
    internal const string Deps = """
        {
          "runtimeTarget": { "name": ".NETCoreApp,Version=v8.0/linux-x64", "signature": "" },
          "compilationOptions": {},
          "targets": { ".NETCoreApp,Version=v8.0/linux-x64": { "Calc/1.0.0": { "dependencies": { "Newtonsoft.Json": "13.0.3" } } } },
          "libraries": {
            "Calc/1.0.0": { "type": "project", "serviceable": false, "sha512": "" },
            "Newtonsoft.Json/13.0.3": { "type": "package", "serviceable": true, "sha512": "sha512-abc", "path": "newtonsoft.json/13.0.3" },
            "runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.10": { "type": "runtimepack", "serviceable": false, "sha512": "" },
            "System.Text.Json/8.0.5": { "type": "package", "serviceable": true, "sha512": "sha512-def" },
            "Broken": { "type": "package" }
          }
        }
        """;

    [Fact]
    public void Libraries_of_type_package_are_nuget_packages()
    {
        var problems = new List<string>();
        var packages = DotNetDeps.Parse(Encoding.UTF8.GetBytes(Deps), "/app/Calc.deps.json", problems);
        Assert.Equal([("Newtonsoft.Json", "13.0.3"), ("System.Text.Json", "8.0.5")], packages);
        Assert.Equal(["/app/Calc.deps.json: library \"Broken\" is not NAME/VERSION"], problems);
    }

    [Fact]
    public void Bad_json_is_a_problem_not_an_exception()
    {
        var problems = new List<string>();
        Assert.Empty(DotNetDeps.Parse("{\"libraries\": "u8.ToArray(), "/x.deps.json", problems));
        Assert.StartsWith("/x.deps.json: not valid JSON", Assert.Single(problems), StringComparison.Ordinal);
    }
}
