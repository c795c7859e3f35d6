using Distill.Analysis;
using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Analysis;

/// <summary>
/// The host's real CPython (Debian's python3.11, with its libraries) in a scratch image: without its standard library
/// verify fails with python-stdlib-missing (as the entrypoint, as a #! script's interpreter, under PYTHONHOME, renamed
/// without a version); with the landmark os.py it passes; the host's own root passes as it is.
/// </summary>
public sealed class PythonStdlibCheckTests
{
    private const string Multiarch = "usr/lib/x86_64-linux-gnu";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Debian's CPython by its path (a python3.11 found first in PATH may be a pyenv shim script).</summary>
    private static string DebianPython
    {
        get
        {
            const string path = "/usr/bin/python3.11";
            Assert.True(File.Exists(path), $"{path} is missing: apt-get install python3.11-minimal (./test.sh does)");
            return path;
        }
    }

    private static (TarEntryHeader, byte[]?) HostFile(string hostPath, string name, int mode = 0x1ed)
    {
        var data = File.ReadAllBytes(hostPath);
        return (new TarEntryHeader { Name = name, Kind = TarEntryKind.File, Mode = mode, Size = data.Length }, data);
    }

    private static (TarEntryHeader, byte[]?) Symlink(string name, string target) =>
        (new TarEntryHeader { Name = name, Kind = TarEntryKind.Symlink, Mode = 0x1ff, LinkName = target }, null);

    /// <summary>python3.11 at <paramref name="at"/>, its loader and libraries, and <paramref name="more"/>.</summary>
    private static async Task<IImage> PythonImageAsync(string at, string[] entrypoint, string[] env, params (TarEntryHeader, byte[]?)[] more)
    {
        var python = DebianPython;
        var entries = new List<(TarEntryHeader, byte[]?)>
        {
            HostFile(python, at),
            HostFile("/lib64/ld-linux-x86-64.so.2", "lib64/ld-linux-x86-64.so.2"),
        };
        foreach (var library in new[] { "libc.so.6", "libm.so.6", "libz.so.1", "libexpat.so.1" })
            entries.Add(HostFile($"/{Multiarch}/{library}", $"{Multiarch}/{library}", 0x1a4));
        var config = ImageConfig.Empty(Platform.LinuxAmd64) with { Config = new ContainerConfig { Entrypoint = entrypoint, Env = env } };
        return Image.Create(config, [await InMemoryLayer.FromEntriesAsync([.. entries, .. more])]);
    }

    private static async Task<VerifyFinding> OnlyStdlibErrorAsync(IImage image)
    {
        var report = await ImageVerifier.VerifyAsync(image, Ct);
        Assert.False(report.Ok);
        Assert.True(report.Findings.Count == 1, string.Join("\n", report.Findings));
        var finding = report.Findings[0];
        Assert.Equal("python-stdlib-missing", finding.Rule.Id);
        Assert.Equal(VerifySeverity.Error, finding.Severity);
        return finding;
    }

    private static async Task AssertCleanAsync(IImage image)
    {
        var report = await ImageVerifier.VerifyAsync(image, Ct);
        Assert.True(report.Ok && report.Findings.Count == 0, string.Join("\n", report.Findings));
    }

    [Fact]
    public async Task Python_as_entrypoint_needs_lib_python_x_y_os_py()
    {
        var image = await PythonImageAsync("usr/bin/python3.11", ["python3"], [], Symlink("usr/bin/python3", "python3.11"));
        var finding = await OnlyStdlibErrorAsync(image);
        Assert.Equal("/usr/lib/python3.11/os.py", finding.Path);
        Assert.Contains("/usr/bin/python3.11", finding.Message, StringComparison.Ordinal);

        await AssertCleanAsync(Mutate.AppendLayers(image, [(await InMemoryLayer.FromEntriesAsync([HostFile("/usr/lib/python3.11/os.py", "usr/lib/python3.11/os.py", 0x1a4)]), new HistoryEntry())]));
        // a stdlib of another version is not this interpreter's
        Assert.Equal("/usr/lib/python3.11/os.py", (await OnlyStdlibErrorAsync(await PythonImageAsync("usr/bin/python3.11", ["/usr/bin/python3.11"], [], TarBytes.File("usr/lib/python3.12/os.py", "")))).Path);
    }

    [Fact]
    public async Task A_script_whose_interpreter_is_python_needs_the_stdlib_too()
    {
        var script = TarBytes.File("app.py", "#!/usr/bin/python3\nprint('hi')\n", 0x1ed);
        var image = await PythonImageAsync("usr/bin/python3.11", ["/app.py"], [], Symlink("usr/bin/python3", "python3.11"), script);
        Assert.Equal("/usr/lib/python3.11/os.py", (await OnlyStdlibErrorAsync(image)).Path);
        await AssertCleanAsync(await PythonImageAsync("usr/bin/python3.11", ["/app.py"], [], Symlink("usr/bin/python3", "python3.11"), script,
            TarBytes.File("usr/lib/python3.11/os.py", "")));
    }

    [Fact]
    public async Task Pythonhome_and_an_unversioned_name_move_or_widen_the_search()
    {
        var home = await PythonImageAsync("usr/bin/python3.11", ["/usr/bin/python3.11"], ["PYTHONHOME=/opt/py"], TarBytes.File("usr/lib/python3.11/os.py", ""));
        var finding = await OnlyStdlibErrorAsync(home);
        Assert.Equal("/opt/py/lib/python3.11/os.py", finding.Path);
        Assert.Contains("PYTHONHOME=/opt/py", finding.Message, StringComparison.Ordinal);
        await AssertCleanAsync(await PythonImageAsync("usr/bin/python3.11", ["/usr/bin/python3.11"], ["PYTHONHOME=/opt/py"], TarBytes.File("opt/py/lib/python3.11/os.pyc", "")));

        // renamed without a version (and no libpython): any /usr/local/lib/python3.N with the landmark will do
        var renamed = await PythonImageAsync("usr/local/bin/python3", ["python3"], ["PATH=/usr/local/bin"]);
        Assert.Equal("/usr/local/lib/python3.N/os.py", (await OnlyStdlibErrorAsync(renamed)).Path);
        await AssertCleanAsync(await PythonImageAsync("usr/local/bin/python3", ["python3"], ["PATH=/usr/local/bin"], TarBytes.File("usr/local/lib/python3.12/os.py", "")));
        await AssertCleanAsync(await PythonImageAsync("usr/local/bin/python3", ["python3"], ["PATH=/usr/local/bin"], TarBytes.File("usr/local/lib/python312.zip", "PK")));
    }

    [Fact]
    public async Task The_hosts_own_python_passes()
    {
        var python = DebianPython;
        var config = ImageConfig.Empty(Platform.LinuxAmd64) with { Config = new ContainerConfig { Entrypoint = [python] } };
        var report = await ImageVerifier.VerifyAsync(new HostRootFilesystem("/"), config, Ct);
        Assert.DoesNotContain(report.Findings, f => f.Rule == VerifyRules.PythonStdlibMissing);
        Assert.True(report.Ok, string.Join("\n", report.Findings));
    }
}
