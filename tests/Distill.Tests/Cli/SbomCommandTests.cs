using System.Text.Json.Nodes;
using Distill.Tests.Analysis.Inventory;
using Distill.Tests.Support;

namespace Distill.Tests.Cli;

/// <summary>
/// <c>distill sbom</c> run as users run it: the Debian base and a Go module program packed on scratch, in SPDX 2.3 and
/// CycloneDX 1.6, each validated against the official schema, and the same bytes on a second run.
/// </summary>
public sealed class SbomCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string DebianRef => $"oci:{DebianBase.Path}:{DebianBase.Tag}";

    [Fact]
    public async Task The_debian_base_in_both_formats_validates_and_is_reproducible()
    {
        using var temp = new TempDir();
        var cli = new DistillCli(temp["store"]);
        var spdx = (await cli.RunOkAsync("sbom", DebianRef, "--format", "spdx-json")).Stdout;
        SbomSchemas.AssertValid(SbomSchemas.Spdx, System.Text.Encoding.UTF8.GetBytes(spdx), "SPDX of the Debian base");
        var document = JsonNode.Parse(spdx)!;
        var packages = document["packages"]!.AsArray();
        Assert.Equal("SPDX-2.3", (string?)document["spdxVersion"]);
        Assert.Equal("SPDXRef-DOCUMENT", (string?)document["SPDXID"]);
        Assert.StartsWith("https://distill.dev/spdx/sha256/", (string?)document["documentNamespace"], StringComparison.Ordinal);
        Assert.Equal("CONTAINER", (string?)packages[0]!["primaryPackagePurpose"]);
        var purls = packages.Select(p => (string)p!["externalRefs"]![0]!["referenceLocator"]!).ToList();
        Assert.Contains(purls, p => p.StartsWith("pkg:deb/debian/libc6@2.36-", StringComparison.Ordinal) && p.EndsWith("?arch=amd64&distro=debian-12", StringComparison.Ordinal));
        Assert.Equal(purls.Count - 1, document["relationships"]!.AsArray().Count(r => (string?)r!["relationshipType"] == "CONTAINS"));
        Assert.Equal(packages.Count, packages.Select(p => (string?)p!["SPDXID"]).Distinct().Count());

        temp.Write("out/keep", "");
        await cli.RunOkAsync("sbom", DebianRef, "--format", "cyclonedx-json", "-o", temp["out/bom.json"]);
        var cdx = await File.ReadAllBytesAsync(temp["out/bom.json"], Ct);
        SbomSchemas.AssertValid(SbomSchemas.CycloneDx, cdx, "CycloneDX of the Debian base");
        var bom = JsonNode.Parse(cdx)!;
        Assert.Equal("container", (string?)bom["metadata"]!["component"]!["type"]);
        Assert.Equal(purls.Count - 1, bom["components"]!.AsArray().Count);
        Assert.Equal(["bom.json", "keep"], Directory.GetFiles(temp["out"]).Select(Path.GetFileName).Order(StringComparer.Ordinal)); // no temp file left

        Assert.Equal(spdx, (await cli.RunOkAsync("sbom", DebianRef, "--format", "spdx-json")).Stdout);
        await cli.RunOkAsync("sbom", DebianRef, "--format", "cyclonedx-json", "-o", temp["out/again.json"]);
        Assert.Equal(cdx, await File.ReadAllBytesAsync(temp["out/again.json"], Ct));
    }

    [Fact]
    public async Task A_go_program_on_scratch_lists_its_module_dependencies_and_go_version()
    {
        using var temp = new TempDir();
        var program = await GoModuleProgram.GetAsync();
        var cli = new DistillCli(temp["store"]);
        await cli.RunOkAsync("pack", program.AppDirectory, "--entrypoint", "/app", "-t", "goapp:1");
        var env = new Dictionary<string, string> { ["SOURCE_DATE_EPOCH"] = "1700000000" };
        var spdx = await cli.RunAsync(["sbom", "goapp:1", "--format", "spdx-json"], env);
        Assert.Equal(0, spdx.ExitCode);
        SbomSchemas.AssertValid(SbomSchemas.Spdx, System.Text.Encoding.UTF8.GetBytes(spdx.Stdout), "SPDX of the Go image");
        var document = JsonNode.Parse(spdx.Stdout)!;
        Assert.Equal("2023-11-14T22:13:20Z", (string?)document["creationInfo"]!["created"]);
        var byName = document["packages"]!.AsArray().ToDictionary(p => (string)p!["name"]!);
        Assert.Equal("APPLICATION", (string?)byName["example.com/app"]!["primaryPackagePurpose"]);
        Assert.Equal("v1.2.3", (string?)byName["example.com/Lib"]!["versionInfo"]);
        Assert.Equal("pkg:golang/example.com/lib@v1.2.3", (string?)byName["example.com/Lib"]!["externalRefs"]![0]!["referenceLocator"]);
        Assert.Equal(program.GoVersion, (string?)byName["stdlib"]!["versionInfo"]);
        Assert.Contains($"({program.GoVersion})", (string?)byName["example.com/app"]!["sourceInfo"], StringComparison.Ordinal);
        Assert.Equal(2, document["relationships"]!.AsArray().Count(r => (string?)r!["relationshipType"] == "DEPENDS_ON"));

        var cdx = await cli.RunAsync(["sbom", "goapp:1", "--format", "cyclonedx-json"], env);
        Assert.Equal(0, cdx.ExitCode);
        SbomSchemas.AssertValid(SbomSchemas.CycloneDx, System.Text.Encoding.UTF8.GetBytes(cdx.Stdout), "CycloneDX of the Go image");
        var components = JsonNode.Parse(cdx.Stdout)!["components"]!.AsArray();
        var app = components.Single(c => (string?)c!["type"] == "application")!;
        Assert.Equal("example.com/app", (string?)app["name"]);
        var properties = app["properties"]!.AsArray().Select(p => $"{p!["name"]}={p["value"]}").ToList();
        Assert.Contains("distill:go:version=" + program.GoVersion, properties);
        Assert.Contains("distill:location=/app", properties);
        Assert.Contains(components, c => (string?)c!["purl"] == $"pkg:golang/stdlib@{program.GoVersion[2..]}");
    }

    [Fact]
    public void The_schemas_reject_what_they_should()
    {
        // the validation above would prove nothing if the schemas accepted anything
        var spdx = """{"spdxVersion":"SPDX-2.3","dataLicense":"CC0-1.0","SPDXID":"SPDXRef-DOCUMENT","name":"x","creationInfo":{"created":"2024-01-01T00:00:00Z","creators":["Tool: t"]},"packages":[{"SPDXID":"SPDXRef-a","name":"a","downloadLocation":"NOASSERTION","primaryPackagePurpose":"BOGUS"}]}""";
        var cdx = """{"bomFormat":"CycloneDX","specVersion":"1.6","serialNumber":"not-a-urn","version":1,"components":[{"type":"library","name":"a"}]}""";
        Assert.False(SbomSchemas.Spdx.Evaluate(JsonNode.Parse(spdx)).IsValid);
        Assert.True(SbomSchemas.Spdx.Evaluate(JsonNode.Parse(spdx.Replace("BOGUS", "LIBRARY", StringComparison.Ordinal))).IsValid);
        Assert.False(SbomSchemas.CycloneDx.Evaluate(JsonNode.Parse(cdx)).IsValid);
        Assert.True(SbomSchemas.CycloneDx.Evaluate(JsonNode.Parse(cdx.Replace("not-a-urn", "urn:uuid:47e63c48-6649-5e76-863e-953d606d5f34", StringComparison.Ordinal))).IsValid);
    }

    [Fact]
    public async Task An_unknown_format_or_a_missing_image_is_a_one_line_error()
    {
        using var temp = new TempDir();
        var cli = new DistillCli(temp["store"]);
        var format = await cli.RunAsync("sbom", DebianRef, "--format", "xml");
        Assert.NotEqual(0, format.ExitCode);
        Assert.Contains("xml", format.Stderr, StringComparison.Ordinal);
        var missing = await cli.RunAsync("sbom", "oci:" + temp["nothing"], "-o", temp["out.json"]);
        Assert.Equal(1, missing.ExitCode);
        Assert.StartsWith("distill: error: ", missing.Stderr, StringComparison.Ordinal);
        Assert.Single(missing.Stderr.Trim().Split('\n'));
        Assert.False(File.Exists(temp["out.json"]));
        var empty = await cli.RunAsync("sbom", DebianRef, "-o", "");
        Assert.Equal(1, empty.ExitCode);
        Assert.StartsWith("distill: error: --output", empty.Stderr, StringComparison.Ordinal);
        Assert.Single(empty.Stderr.Trim().Split('\n'));
    }
}
