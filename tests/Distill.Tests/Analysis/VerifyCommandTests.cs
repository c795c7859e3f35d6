using System.Text.Json.Nodes;
using Distill.Oci;
using Distill.Tests.Integration;
using Distill.Tests.Support;

namespace Distill.Tests.Analysis;

/// <summary>
/// <c>distill verify</c> through the real CLI on images <c>distill pack</c> made from real programs: the dynamic ones
/// on scratch fail naming what is missing, the static ones and the Debian base pass; exit codes 0/1/2 and the JSON shape.
/// </summary>
public sealed class VerifyCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<string> PackAsync(CliSandbox sandbox, string dir, string entrypoint = "/app", params string[] extra)
    {
        var layout = sandbox[Guid.NewGuid().ToString("N")[..8]];
        await sandbox.OkAsync(["pack", dir, "--entrypoint", entrypoint, "-o", $"oci:{layout}:t", .. extra]);
        LayoutValidator.AssertValid(layout);
        return $"oci:{layout}:t";
    }

    private static void AssertExit(Tool.Result result, int expected)
    {
        Assert.True(result.ExitCode == expected, $"distill verify exited {result.ExitCode}, expected {expected}:\n{result.All}");
    }

    private static JsonObject Json(Tool.Result result)
    {
        var json = JsonNode.Parse(result.Stdout)!.AsObject();
        Assert.Equal(["ok", "findings"], json.Select(p => p.Key));
        foreach (var finding in json["findings"]!.AsArray())
        {
            Assert.Equal(["rule", "severity", "message", "path"], finding!.AsObject().Select(p => p.Key));
            Assert.Contains(finding["severity"]!.GetValue<string>(), new[] { "error", "warning" });
        }
        return json;
    }

    [Fact]
    public async Task A_c_program_linked_with_libm_on_scratch_fails_naming_the_loader_libm_and_libc()
    {
        var programs = await NativePrograms.GetAsync();
        using var sandbox = new CliSandbox();
        var image = await PackAsync(sandbox, programs.CMath);

        var text = await sandbox.RunAsync("verify", image);
        AssertExit(text, 1);
        foreach (var name in new[] { "ld-linux-x86-64.so.2", "libc.so.6", "libm.so.6" })
            Assert.Contains(name, text.Stdout, StringComparison.Ordinal);

        var json = await sandbox.RunAsync("verify", image, "--json");
        AssertExit(json, 1);
        var report = Json(json);
        Assert.False(report["ok"]!.GetValue<bool>());
        var findings = report["findings"]!.AsArray().Select(f => (Rule: f!["rule"]!.GetValue<string>(), Message: f["message"]!.GetValue<string>(), Path: f["path"]?.GetValue<string>())).ToList();
        Assert.Contains(findings, f => f.Rule == "interpreter-missing" && f.Path == "/lib64/ld-linux-x86-64.so.2");
        Assert.Contains(findings, f => f.Rule == "library-missing" && f.Message.StartsWith("libm.so.6 ", StringComparison.Ordinal) && f.Path == "/app");
        Assert.Contains(findings, f => f.Rule == "library-missing" && f.Message.StartsWith("libc.so.6 ", StringComparison.Ordinal));
        Assert.Equal(3, findings.Count);
    }

    [Fact]
    public async Task A_cgo_go_program_on_scratch_fails_naming_its_libraries_and_a_static_one_passes()
    {
        var programs = await NativePrograms.GetAsync();
        using var sandbox = new CliSandbox();
        var cgo = await sandbox.RunAsync("verify", await PackAsync(sandbox, programs.GoCgo));
        AssertExit(cgo, 1);
        Assert.Contains("ld-linux-x86-64.so.2", cgo.Stdout, StringComparison.Ordinal);
        Assert.Contains("libc.so.6", cgo.Stdout, StringComparison.Ordinal);

        var go = await sandbox.RunAsync("verify", await PackAsync(sandbox, programs.GoStatic), "--json");
        AssertExit(go, 0);
        Assert.Equal("""{"ok":true,"findings":[]}""", go.Stdout.Trim());
    }

    [Fact]
    public async Task The_static_native_aot_calculator_passes()
    {
        var calculator = await CalculatorImage.GetAsync();
        using var sandbox = new CliSandbox();
        var result = await sandbox.RunAsync("verify", calculator.Oci);
        AssertExit(result, 0);
        Assert.Equal("ok: /calculator can run\n", result.Stdout);
    }

    [Fact]
    public async Task The_debian_base_with_bin_bash_passes_and_so_does_a_c_program_packed_on_it()
    {
        var programs = await NativePrograms.GetAsync();
        using var sandbox = new CliSandbox();
        var debian = await Transports.ReadAsync(new OciLayoutReference(DebianBase.Path, DebianBase.Tag), sandbox.Options(), Ct);
        var bash = Mutate.WithConfig(debian, c => c with { Config = (c.Config ?? new ContainerConfig()) with { Entrypoint = ["/bin/bash"], Cmd = null } });
        await Transports.WriteAsync(bash, new OciLayoutReference(sandbox["bash"], "t"), sandbox.Options(), Ct);
        LayoutValidator.AssertValid(sandbox["bash"]);
        var result = await sandbox.RunAsync("verify", $"oci:{sandbox["bash"]}:t", "--json");
        AssertExit(result, 0);
        Assert.True(Json(result)["ok"]!.GetValue<bool>());

        var c = await sandbox.RunAsync("verify", await PackAsync(sandbox, programs.CMath, "/app", "--base", $"oci:{DebianBase.Path}:{DebianBase.Tag}"));
        AssertExit(c, 0);
    }

    [Fact]
    public async Task Bin_sh_on_scratch_fails_naming_bin_sh()
    {
        using var sandbox = new CliSandbox();
        sandbox.Temp.Write("data/run.sh", "#!/bin/sh\necho hi\n", (UnixFileMode)0x1ed);
        var script = await PackAsync(sandbox, sandbox["data"], "/run.sh");
        // a script's interpreter is checked too
        var viaScript = await sandbox.RunAsync("verify", script);
        AssertExit(viaScript, 1);
        Assert.Contains("/bin/sh", viaScript.Stdout, StringComparison.Ordinal);
        Assert.Contains("[script-interpreter-missing]", viaScript.Stdout, StringComparison.Ordinal);

        var scratch = await sandbox.ReadAsync(script);
        var sh = Mutate.WithConfig(scratch, c => c with { Config = c.Config! with { Entrypoint = ["/bin/sh"], Cmd = ["-c", "echo hi"] } });
        await Transports.WriteAsync(sh, new OciLayoutReference(sandbox["sh"], "t"), sandbox.Options(), Ct);
        LayoutValidator.AssertValid(sandbox["sh"]);
        var result = await sandbox.RunAsync("verify", $"oci:{sandbox["sh"]}:t");
        AssertExit(result, 1);
        Assert.Contains("/bin/sh", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("[command-not-found]", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_errors_and_unreadable_images_exit_2()
    {
        using var sandbox = new CliSandbox();
        AssertExit(await sandbox.RunAsync("verify"), 2);
        AssertExit(await sandbox.RunAsync("verify", "a", "b"), 2);
        AssertExit(await sandbox.RunAsync("verify", "--bogus", "x"), 2);
        var missing = await sandbox.RunAsync("verify", $"oci:{sandbox["nothing"]}:t");
        AssertExit(missing, 2);
        CliSandbox.AssertOneLineError(missing);
        var notInStore = await sandbox.RunAsync("verify", "no-such-image:1");
        AssertExit(notInStore, 2);
        CliSandbox.AssertOneLineError(notInStore, "no-such-image");
        AssertExit(await sandbox.RunAsync("verify", "Bad//Ref"), 2);
    }

    [Fact]
    public async Task An_image_in_a_registry_is_verified_in_place_with_the_source_registry_flags()
    {
        using var sandbox = new CliSandbox();
        var programs = await NativePrograms.GetAsync();
        var packed = await PackAsync(sandbox, programs.CMath);
        await using var registry = await RegistryServer.StartAsync(ct: Ct);
        await sandbox.OkAsync("copy", packed, $"docker://{registry.Host}/cmath:1", "--dest-tls-verify=false");

        var result = await sandbox.RunAsync("verify", $"docker://{registry.Host}/cmath:1", "--src-tls-verify=false");

        AssertExit(result, 1);
        Assert.Contains("libm.so.6", result.Stdout, StringComparison.Ordinal);
        // without the flag the registry's plain HTTP is refused, as skopeo refuses it: a one-line error, exit 2
        var refused = await sandbox.RunAsync("verify", $"docker://{registry.Host}/cmath:1");
        AssertExit(refused, 2);
        CliSandbox.AssertOneLineError(refused);
    }
}
