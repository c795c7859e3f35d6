namespace Distill.Tests.Support;

/// <summary>
/// The cached Debian bookworm (debootstrap minbase) image that <c>tests/fixtures/debian-base.sh</c> builds once per
/// machine, as an OCI image layout tagged <c>latest</c>. ./test.sh builds it before the suite and passes its path in
/// <c>DISTILL_DEBIAN_BASE</c>; without that, the script's default cache path is used. The layout is shared and
/// read-only: tests copy from it, never write into it.
/// </summary>
public static class DebianBase
{
    public const string Tag = "latest";
    public const string DefaultPath = "/var/cache/distill-test/debian-bookworm/oci";

    /// <summary>The layout's directory; fails the test (never skips) when the cache has not been built.</summary>
    public static string Path
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("DISTILL_DEBIAN_BASE") is { Length: > 0 } env ? env : DefaultPath;
            var complete = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path.TrimEnd('/'))!, ".complete");
            Assert.True(File.Exists(System.IO.Path.Combine(path, "index.json")) && File.Exists(complete),
                $"the Debian base image cache is missing at {path}: run tests/fixtures/debian-base.sh as root (./test.sh does)");
            return path;
        }
    }
}
