using System.Net;
using System.Security.Cryptography;
using Distill.Build;
using Distill.Tests.Support;

namespace Distill.Tests.Build.Copy;

/// <summary>ADD: local archives extracted by content (tar, gzip, bzip2, xz, zstd), safely; URLs downloaded, not extracted; git refused.</summary>
public sealed class AddTests
{
    /// <summary>Makes an archive with GNU tar (owners, modes, a symlink, a hard link, hostile names) and compresses it with the given tool.</summary>
    private static async Task<string> ArchiveAsync(CopyFixture f, string name, string? compressor)
    {
        var tar = Tool.Require("tar", "tar");
        var src = Path.Combine(f.Outside, "archive-src-" + name);
        Directory.CreateDirectory(src + "/pkg/bin");
        File.WriteAllText(src + "/pkg/bin/tool", "tool");
        File.SetUnixFileMode(src + "/pkg/bin/tool", (UnixFileMode)0x1e8);
        File.CreateSymbolicLink(src + "/pkg/current", "bin/tool");
        var output = Path.Combine(f.Context, name);
        await Tool.RunOkAsync(tar, ["-C", src, "--owner=1000", "--group=1001", "--numeric-owner", "--mtime=@1000000000", "-cf", output + ".tar", "pkg"]);
        if (compressor is null)
        {
            File.Move(output + ".tar", output);
            return output;
        }
        var tool = Tool.Require(compressor, compressor == "xz" ? "xz-utils" : compressor);
        var compressed = await Tool.RunAsync("/bin/sh", ["-c", $"{tool} -c {output}.tar > {output}"]);
        Assert.Equal(0, compressed.ExitCode);
        File.Delete(output + ".tar");
        return output;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("gzip")]
    [InlineData("bzip2")]
    [InlineData("xz")]
    [InlineData("zstd")]
    public async Task A_local_archive_is_extracted_whatever_its_name(string? compressor)
    {
        using var f = new CopyFixture();
        await ArchiveAsync(f, "blob.data", compressor);
        await f.CopyAsync(new CopyRequest { Sources = ["blob.data"], Destination = "/opt/", IsAdd = true });
        Assert.Equal(["/opt d 755 0:0", "/opt/pkg d 755 1000:1001", "/opt/pkg/bin d 755 1000:1001", "/opt/pkg/bin/tool f 750 1000:1001",
            "/opt/pkg/current l 777 1000:1001 -> bin/tool"], f.Listing());
        Assert.Equal(new DateTime(2001, 9, 9, 1, 46, 40, DateTimeKind.Utc), File.GetLastWriteTimeUtc(f.T("/opt/pkg/bin/tool")));
    }

    [Fact]
    public async Task Chown_owns_the_created_destination_but_extracted_entries_keep_the_archive_owners()
    {
        // as docker 20.10's BuildKit does: ADD --chown=5:6 blob.data /o2
        using var f = new CopyFixture();
        await ArchiveAsync(f, "blob.data", "xz");
        await f.CopyAsync(new CopyRequest { Sources = ["blob.data"], Destination = "/o2", IsAdd = true, Chown = "5:6" });
        Assert.Equal(["/o2 d 755 5:6", "/o2/pkg d 755 1000:1001", "/o2/pkg/bin d 755 1000:1001", "/o2/pkg/bin/tool f 750 1000:1001",
            "/o2/pkg/current l 777 1000:1001 -> bin/tool"], f.Listing());
    }

    [Fact]
    public async Task COPY_and_ADD_with_unpack_false_copy_an_archive_as_a_file()
    {
        using var f = new CopyFixture();
        await ArchiveAsync(f, "a.tar.gz", "gzip");
        await f.CopyAsync(new CopyRequest { Sources = ["a.tar.gz"], Destination = "/c/" });
        await f.CopyAsync(new CopyRequest { Sources = ["a.tar.gz"], Destination = "/d/", IsAdd = true, Unpack = false });
        Assert.Equal(["/c d 755 0:0", "/c/a.tar.gz f 644 0:0", "/d d 755 0:0", "/d/a.tar.gz f 644 0:0"], f.Listing());
    }

    [Fact]
    public async Task Non_archives_and_corrupt_compressed_files_are_copied()
    {
        using var f = new CopyFixture();
        f.Write("notes.tar", "just text");
        File.WriteAllBytes(f.Context + "/broken.gz", [0x1f, 0x8b, 1, 2, 3]);
        await f.CopyAsync(new CopyRequest { Sources = ["notes.tar", "broken.gz"], Destination = "/x/", IsAdd = true });
        Assert.Equal(["/x d 755 0:0", "/x/broken.gz f 644 0:0", "/x/notes.tar f 644 0:0"], f.Listing());
    }

    [Fact]
    public async Task Hostile_archive_entries_stay_inside_the_destination()
    {
        using var f = new CopyFixture();
        var entries = new List<(Distill.Oci.TarEntryHeader Header, byte[]? Data)>
        {
            (new() { Name = "../../../../escape1", Kind = Distill.Oci.TarEntryKind.File, Mode = 0x1a4, Size = 1 }, "x"u8.ToArray()),
            (new() { Name = "/abs/escape2", Kind = Distill.Oci.TarEntryKind.File, Mode = 0x1a4, Size = 1 }, "x"u8.ToArray()),
            (new() { Name = "up", Kind = Distill.Oci.TarEntryKind.Symlink, Mode = 0x1ff, LinkName = "../../../../.." }, null),
            (new() { Name = "up/escape3", Kind = Distill.Oci.TarEntryKind.File, Mode = 0x1a4, Size = 1 }, "x"u8.ToArray()),
        };
        File.WriteAllBytes(f.Context + "/evil.tar", await TarBytes.WriteAsync(entries, TestContext.Current.CancellationToken));
        await f.CopyAsync(new CopyRequest { Sources = ["evil.tar"], Destination = "/dest", IsAdd = true });
        Assert.Equal(["/dest d 755 0:0", "/dest/abs d 755 0:0", "/dest/abs/escape2 f 644 0:0", "/dest/escape1 f 644 0:0",
            "/dest/escape3 f 644 0:0", "/dest/up l 777 0:0 -> ../../../../.."], f.Listing());
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(f.Outside), p => Path.GetFileName(p).StartsWith("escape", StringComparison.Ordinal));
    }

    private sealed class Server : IAsyncDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _loop;

        public Server(Func<HttpListenerContext, Task> handle)
        {
            var port = System.Net.Sockets.TcpListener.Create(0) is var probe ? Probe(probe) : 0;
            Prefix = $"http://127.0.0.1:{port}/";
            _listener.Prefixes.Add(Prefix);
            _listener.Start();
            _loop = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await _listener.GetContextAsync();
                    }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                    {
                        return;
                    }
                    await handle(context);
                    context.Response.Close();
                }
            });
        }

        public string Prefix { get; }

        private static int Probe(System.Net.Sockets.TcpListener probe)
        {
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            return port;
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            _listener.Close();
            await _loop;
        }
    }

    private static Server Serve(byte[] body) => new(async context =>
    {
        if (context.Request.Url!.AbsolutePath.Contains("missing", StringComparison.Ordinal))
        {
            context.Response.StatusCode = 404;
            return;
        }
        context.Response.Headers["Last-Modified"] = "Sat, 01 Jan 2005 00:00:00 GMT";
        await context.Response.OutputStream.WriteAsync(body);
    });

    [Fact]
    public async Task A_URL_is_downloaded_0600_with_its_Last_Modified_time_and_an_archive_is_not_extracted()
    {
        using var f = new CopyFixture();
        var archive = await File.ReadAllBytesAsync(await ArchiveAsync(f, "x.tgz", "gzip"), TestContext.Current.CancellationToken);
        await using var server = Serve(archive);
        using var http = new HttpClient();
        await f.CopyAsync(new CopyRequest { Sources = [server.Prefix + "files/pkg.tar.gz?x=1"], Destination = "/dl/", IsAdd = true }, http: http);
        await f.CopyAsync(new CopyRequest { Sources = [server.Prefix + "files/pkg.tar.gz"], Destination = "/named", IsAdd = true, Chown = "7:8" }, http: http);
        Assert.Equal(["/dl d 755 0:0", "/dl/pkg.tar.gz f 600 0:0", "/named f 600 7:8"], f.Listing());
        Assert.Equal(archive, await File.ReadAllBytesAsync(f.T("/named"), TestContext.Current.CancellationToken));
        Assert.Equal(new DateTime(2005, 1, 1, 0, 0, 0, DateTimeKind.Utc), File.GetLastWriteTimeUtc(f.T("/dl/pkg.tar.gz")));
    }

    [Fact]
    public async Task A_checksum_is_verified_and_a_bad_status_fails()
    {
        using var f = new CopyFixture();
        var body = "payload"u8.ToArray();
        var good = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(body));
        var bad = "sha256:" + new string('0', 64);
        await using var server = Serve(body);
        using var http = new HttpClient();
        await f.CopyAsync(new CopyRequest { Sources = [server.Prefix + "p"], Destination = "/ok", IsAdd = true, Checksum = good }, http: http);
        Assert.Equal("payload", f.Read("/ok"));
        var e = await Assert.ThrowsAsync<BuildException>(() =>
            f.CopyAsync(new CopyRequest { Sources = [server.Prefix + "p"], Destination = "/bad", IsAdd = true, Checksum = bad, Location = "Dockerfile:5" }, http: http));
        Assert.Equal($"Dockerfile:5: digest mismatch {bad}: {good}", e.Message);
        var missing = await Assert.ThrowsAsync<BuildException>(() =>
            f.CopyAsync(new CopyRequest { Sources = [server.Prefix + "missing"], Destination = "/m", IsAdd = true, Location = "Dockerfile:6" }, http: http));
        Assert.Equal("Dockerfile:6: failed to load cache key: invalid response status 404", missing.Message);
        Assert.False(File.Exists(f.T("/bad")));
    }

    [Fact]
    public async Task The_digest_of_a_URL_follows_its_content()
    {
        using var f = new CopyFixture();
        using var http = new HttpClient();
        Distill.Oci.Digest first, second;
        await using (var server = Serve("one"u8.ToArray()))
            first = await FileCopier.DigestInputsAsync(new CopyRequest { Sources = [server.Prefix + "f"], Destination = "/f", IsAdd = true }, f.ContextSource(), http, TestContext.Current.CancellationToken);
        await using (var server = Serve("two"u8.ToArray()))
            second = await FileCopier.DigestInputsAsync(new CopyRequest { Sources = [server.Prefix + "f"], Destination = "/f", IsAdd = true }, f.ContextSource(), http, TestContext.Current.CancellationToken);
        Assert.NotEqual(first, second);
    }

    [Theory]
    [InlineData("https://github.com/moby/buildkit.git")]
    [InlineData("https://github.com/moby/buildkit.git#v0.10.1")]
    [InlineData("git@github.com:moby/buildkit.git")]
    [InlineData("git://example.com/repo")]
    public async Task Git_sources_are_refused_on_one_line(string url)
    {
        using var f = new CopyFixture();
        var e = await Assert.ThrowsAsync<BuildException>(() => f.CopyAsync(new CopyRequest { Sources = [url], Destination = "/src", IsAdd = true, Location = "Dockerfile:3" }));
        Assert.Equal($"Dockerfile:3: ADD of a git repository is not supported: {url}", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public async Task COPY_refuses_a_URL()
    {
        using var f = new CopyFixture();
        var e = await Assert.ThrowsAsync<BuildException>(() => f.CopyAsync(new CopyRequest { Sources = ["https://example.com/x"], Destination = "/x" }));
        Assert.Contains("source can't be a URL for COPY", e.Message, StringComparison.Ordinal);
    }
}
