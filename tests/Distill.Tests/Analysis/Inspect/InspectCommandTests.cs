using System.Text.Json.Nodes;
using Distill.Oci;
using Distill.Tests.Support;
using Json.Schema;
using static Distill.Tests.Analysis.Inspect.CraftedImage;

namespace Distill.Tests.Analysis.Inspect;

/// <summary>
/// <c>distill inspect</c> through the real CLI: the JSON contract (validated against the schema beside the code), the
/// same answers from every transport, exact wasted bytes on a crafted image, a deleted secret, and the CI gates'
/// exit codes and messages.
/// </summary>
public sealed class InspectCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromText(System.IO.File.ReadAllText(Path.Combine(Repo.Root, "src", "Distill", "Analysis", "Inspect", "inspect-json.schema.json"))));

    private static string Debian => $"oci:{DebianBase.Path}:{DebianBase.Tag}";

    private static JsonObject Json(Tool.Result result)
    {
        var node = JsonNode.Parse(result.Stdout)!;
        var evaluation = Schema.Value.Evaluate(node, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (!evaluation.IsValid)
        {
            var errors = evaluation.Details.Where(d => d.HasErrors).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"));
            Assert.Fail($"inspect --json does not validate:\n{string.Join('\n', errors)}");
        }
        return node.AsObject();
    }

    private static void AssertExit(Tool.Result result, int expected) =>
        Assert.True(result.ExitCode == expected, $"distill inspect exited {result.ExitCode}, expected {expected}:\n{result.All}");

    private static List<string?> Paths(JsonObject json, string kind) => json[kind]!.AsArray().Select(f => f!["path"]!.GetValue<string>()).ToList<string?>();

    [Fact]
    public async Task The_debian_base_json_has_the_required_fields_shells_package_managers_and_setuid_files()
    {
        using var sandbox = new CliSandbox();
        var result = await sandbox.RunAsync("inspect", Debian, "--json");
        AssertExit(result, 0);
        var json = Json(result);

        var image = await sandbox.ReadAsync(Debian);
        Assert.Equal(image.ManifestDescriptor.Digest.ToString(), json["digest"]!.GetValue<string>());
        Assert.Equal(image.Layers.Sum(l => l.Descriptor.Size), json["compressedSize"]!.GetValue<long>());
        var layer = Assert.Single(json["layers"]!.AsArray())!;
        Assert.Equal(image.Layers[0].Descriptor.Digest.ToString(), layer["digest"]!.GetValue<string>());
        Assert.Equal(json["uncompressedSize"]!.GetValue<long>(), layer["uncompressedSize"]!.GetValue<long>());
        Assert.True(json["uncompressedSize"]!.GetValue<long>() > json["compressedSize"]!.GetValue<long>());
        Assert.NotNull(layer["createdBy"]);
        foreach (var shell in new[] { "/usr/bin/bash", "/usr/bin/dash", "/usr/bin/sh" })
            Assert.Contains(shell, Paths(json, "shells"));
        Assert.Equal(["/usr/bin/apt", "/usr/bin/apt-get", "/usr/bin/dpkg"], Paths(json, "packageManagers"));
        Assert.Contains("/usr/bin/su", Paths(json, "setuidFiles"));
        Assert.Contains("/usr/bin/passwd", Paths(json, "setuidFiles"));
        Assert.True(json["rootUser"]!.GetValue<bool>());
        var packages = json["packages"]!.AsArray();
        Assert.True(packages.Count > 50, $"{packages.Count} packages");
        var dpkg = Assert.Single(packages, p => p!["name"]!.GetValue<string>() == "dpkg")!;
        Assert.Equal("deb", dpkg["type"]!.GetValue<string>());
        Assert.StartsWith("pkg:deb/debian/dpkg@" + dpkg["version"]!.GetValue<string>(), dpkg["purl"]!.GetValue<string>(), StringComparison.Ordinal);
        // where each package was found, as the SBOM says: without it, one Go stdlib per Go binary gives identical rows
        Assert.Equal(["/var/lib/dpkg/status"], dpkg["locations"]!.AsArray().Select(l => l!.GetValue<string>()));
        Assert.Equal(0, json["wastedBytes"]!.GetValue<long>());
        Assert.Equal(1.0, json["efficiency"]!.GetValue<double>());

        var text = await sandbox.RunAsync("inspect", Debian);
        AssertExit(text, 0);
        foreach (var part in new[] { "Digest      sha256:", "Platform    linux/amd64", "Layers", "Largest files", "Largest directories", "Wasted space: 0B", "efficiency 100.00 %", "shells:", "/usr/bin/bash", "root user:", $"Packages: {packages.Count} (deb {packages.Count})" })
            Assert.Contains(part, text.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_transport_gives_the_same_inspection()
    {
        using var sandbox = new CliSandbox();
        await sandbox.OkAsync("copy", Debian, "debian:inspect");
        await sandbox.OkAsync("copy", Debian, $"oci:{sandbox["oci"]}:t");
        await sandbox.OkAsync("copy", Debian, $"oci-archive:{sandbox["image.oci.tar"]}");
        await sandbox.OkAsync("copy", Debian, $"docker-archive:{sandbox["image.docker.tar"]}:debian:inspect");
        await using var registry = await RegistryServer.StartAsync(ct: Ct);
        await sandbox.OkAsync("copy", Debian, $"docker://{registry.Host}/debian:inspect", "--dest-tls-verify=false");

        async Task<JsonObject> InspectAsync(params string[] args)
        {
            var result = await sandbox.RunAsync(["inspect", "--json", .. args]);
            AssertExit(result, 0);
            var json = Json(result);
            json.Remove("reference");
            return json;
        }

        var expected = await InspectAsync(Debian);
        foreach (var reference in new[] { "debian:inspect", $"oci:{sandbox["oci"]}:t", $"oci-archive:{sandbox["image.oci.tar"]}" })
            Assert.Equal(expected.ToJsonString(), (await InspectAsync(reference)).ToJsonString());
        Assert.Equal(expected.ToJsonString(), (await InspectAsync($"docker://{registry.Host}/debian:inspect", "--src-tls-verify=false")).ToJsonString());

        // docker-archive holds Docker media types and uncompressed layers (as docker save writes them): the blobs differ,
        // the content (diffIDs, files, sizes, findings) does not
        var docker = await InspectAsync($"docker-archive:{sandbox["image.docker.tar"]}");
        foreach (var json in new[] { expected, docker })
        {
            foreach (var blobField in new[] { "digest", "mediaType", "compressedSize" })
                json.Remove(blobField);
            foreach (var layer in json["layers"]!.AsArray())
            {
                foreach (var blobField in new[] { "digest", "mediaType", "compressedSize" })
                    layer!.AsObject().Remove(blobField);
            }
        }
        Assert.Equal(expected.ToJsonString(), docker.ToJsonString());
    }

    [Fact]
    public async Task A_crafted_three_layer_image_shows_exact_wasted_bytes_efficiency_and_the_deleted_secret()
    {
        using var sandbox = new CliSandbox();
        var image = await CreateAsync(new ContainerConfig { User = "1000", Entrypoint = ["/app/keep"] }, null,
            [Directory("app"), File("app/data", 1000), File("app/keep", 500, 0x1ed), Text("app/id_ed25519", "key")],
            [Directory("app"), File("app/data", 3000), Whiteout("app/id_ed25519")],
            [Directory("app"), Whiteout("app/data")]);
        await Transports.WriteAsync(image, new OciLayoutReference(sandbox["crafted"], "t"), sandbox.Options(), Ct);
        LayoutValidator.AssertValid(sandbox["crafted"]);
        var reference = $"oci:{sandbox["crafted"]}:t";

        var json = Json(await sandbox.RunAsync("inspect", reference, "--json"));
        // /app/data: 1000 + 3000 + 0 (the whiteout of a file); /app/id_ed25519: 3 + 0; /app/keep: 500
        Assert.Equal(4003, json["wastedBytes"]!.GetValue<long>());
        Assert.Equal(500.0 / 4503.0, json["efficiency"]!.GetValue<double>(), 12);
        Assert.Equal("""[{"path":"/app/data","versions":3,"bytes":4000},{"path":"/app/id_ed25519","versions":2,"bytes":3}]""", json["wastedPaths"]!.ToJsonString());
        Assert.Equal("""[{"path":"/app/id_ed25519","layer":0,"presence":"deleted","detail":"SSH private key"}]""", json["secrets"]!.ToJsonString());
        Assert.False(json["rootUser"]!.GetValue<bool>());
        Assert.Equal(["layer 0", "layer 1", "layer 2"], json["layers"]!.AsArray().Select(l => l!["createdBy"]!.GetValue<string>()));

        var text = await sandbox.RunAsync("inspect", reference);
        AssertExit(text, 0);
        Assert.Contains("Wasted space: 4kB in 2 paths", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("efficiency 11.10 %", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("/app/id_ed25519 (layer 0, deleted in a later layer: still shipped)  SSH private key", text.Stdout, StringComparison.Ordinal);

        var gate = await sandbox.RunAsync("inspect", reference, "--fail-on", "secret", "--max-wasted", "4kB", "--min-efficiency", "0.5");
        AssertExit(gate, 1);
        Assert.Equal(
        [
            "distill: gate failed: wasted space 4kB (4003 bytes) is over --max-wasted 4kB (4000 bytes)",
            "distill: gate failed: efficiency 0.111 is under --min-efficiency 0.5",
            "distill: gate failed: secret: 1 found: /app/id_ed25519 (deleted after layer 0)",
        ], gate.Stderr.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task Gates_fail_with_one_line_per_reason_and_a_static_binary_on_scratch_passes_them_all()
    {
        using var sandbox = new CliSandbox();
        var failed = await sandbox.RunAsync("inspect", Debian, "--max-size", "100MB", "--max-wasted", "0", "--fail-on", "shell,package-manager", "--fail-on", "setuid,root-user,compiler");
        AssertExit(failed, 1);
        var lines = failed.Stderr.TrimEnd('\n').Split('\n');
        Assert.Equal(5, lines.Length); // compiler: none in the base
        Assert.All(lines, l => Assert.StartsWith("distill: gate failed: ", l, StringComparison.Ordinal));
        Assert.Matches(@"^distill: gate failed: size [0-9.]+MB \([0-9]+ bytes\) \(uncompressed\) is over --max-size 100MB \(100000000 bytes\)$", lines[0]);
        Assert.StartsWith("distill: gate failed: shell: 4 found: /usr/bin/bash, /usr/bin/dash", lines[1], StringComparison.Ordinal);
        Assert.Equal("distill: gate failed: package-manager: 3 found: /usr/bin/apt, /usr/bin/apt-get, /usr/bin/dpkg", lines[2]);
        Assert.StartsWith("distill: gate failed: setuid: 11 found: ", lines[3], StringComparison.Ordinal);
        Assert.EndsWith(", …", lines[3], StringComparison.Ordinal);
        Assert.Equal("distill: gate failed: root-user: no USER: runs as root", lines[4]);
        Assert.Contains("Attack surface", failed.Stdout, StringComparison.Ordinal);

        var root = await sandbox.RunAsync("inspect", Debian, "--json", "--fail-on", "root-user", "--max-size", "1GiB");
        AssertExit(root, 1);
        Assert.Equal("distill: gate failed: root-user: no USER: runs as root\n", root.Stderr);
        Assert.Equal("""["root-user: no USER: runs as root"]""", Json(root)["gateFailures"]!.ToJsonString());

        var programs = await NativePrograms.GetAsync();
        await sandbox.OkAsync("pack", programs.GoStatic, "--entrypoint", "/app", "--user", "65532", "-o", $"oci:{sandbox["static"]}:t");
        var passed = await sandbox.RunAsync("inspect", $"oci:{sandbox["static"]}:t", "--max-size", "10MiB", "--max-wasted", "0", "--min-efficiency", "1",
            "--fail-on", "shell,package-manager,setuid,world-writable,compiler,network-tool,root-user,secret");
        AssertExit(passed, 0);
        Assert.Equal("", passed.Stderr);
    }

    [Theory]
    [InlineData("--fail-on", "shell,bogus", "unknown attack surface kind \"bogus\"")]
    [InlineData("--max-size", "12XB", "invalid size \"12XB\"")]
    [InlineData("--max-wasted", "-1", "invalid size \"-1\"")]
    [InlineData("--min-efficiency", "2", "invalid --min-efficiency \"2\"")]
    [InlineData("--platform", "garbage", "invalid platform \"garbage\"")]
    public async Task Bad_gate_values_are_usage_errors(string option, string value, string message)
    {
        using var sandbox = new CliSandbox();
        var result = await sandbox.RunAsync("inspect", Debian, option, value);
        AssertExit(result, 2);
        CliSandbox.AssertOneLineError(result, message);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task An_image_that_cannot_be_read_is_a_one_line_error_with_exit_2()
    {
        using var sandbox = new CliSandbox();
        var result = await sandbox.RunAsync("inspect", $"oci:{sandbox["missing"]}");
        AssertExit(result, 2);
        CliSandbox.AssertOneLineError(result, sandbox["missing"]);
    }
}
