using Distill.Analysis.Inventory;

namespace Distill.Tests.Analysis.Inventory;

/// <summary>dpkg's status file and distroless's status.d: which entries are installed, multi-line fields, Source.</summary>
public sealed class DpkgDatabaseTests
{
    private const string Status = """
        Package: libc6
        Status: install ok installed
        Priority: optional
        Architecture: amd64
        Multi-Arch: same
        Source: glibc
        Version: 2.36-9+deb12u4
        Description: GNU C Library: Shared libraries
         Contains the standard libraries that are used by nearly all programs on
         the system.
         .
         Package: not-a-package (a continuation line that looks like a field)
        Conffiles:
         /etc/ld.so.conf.d/x86_64-linux-gnu.conf d4e8
        
        Package: bsdutils
        Essential: yes
        Status: install ok installed
        Architecture: amd64
        Source: util-linux (2.38.1-5)
        Version: 1:2.38.1-5+b1
        
        Package: removed-one
        Status: deinstall ok config-files
        Architecture: amd64
        Version: 1.0
        
        Package: held
        Status: hold ok installed
        Architecture: all
        Version: 3
        
        Package: half
        Status: install reinstreq half-installed
        Version: 2
        
        Package: purged
        Status: purge ok not-installed
        
        Package: broken
        Status: install ok installed
        """;

    [Fact]
    public void Only_installed_packages_with_their_source_and_multi_line_fields()
    {
        var problems = new List<string>();
        var packages = DpkgDatabase.Parse(Status.Replace("\r", "", StringComparison.Ordinal), DpkgDatabase.StatusPath, problems);
        Assert.Equal(["libc6 2.36-9+deb12u4 amd64", "bsdutils 1:2.38.1-5+b1 amd64", "held 3 all"], packages.Select(p => $"{p.Name} {p.Version} {p.Architecture}"));
        Assert.Equal("glibc", packages[0].SourceName);
        Assert.Null(packages[0].SourceVersion); // same version as the binary package
        Assert.Equal(("util-linux", "2.38.1-5"), (packages[1].SourceName, packages[1].SourceVersion));
        Assert.All(packages, p => Assert.Equal("/var/lib/dpkg/status", p.Location));
        Assert.Equal(["/var/lib/dpkg/status:40: package entry without Package or Version"], problems);
    }

    [Fact]
    public void Multi_line_values_keep_their_lines()
    {
        var (_, fields) = DpkgDatabase.Paragraphs("Package: a\nDescription: short\n long one\n .\n\tlast\nVersion: 1\n").Single();
        Assert.Equal("short\nlong one\n.\nlast", fields["description"]);
        Assert.Equal("1", fields["Version"]);
    }

    [Fact]
    public void A_status_d_file_needs_no_status_field()
    {
        var problems = new List<string>();
        var packages = DpkgDatabase.Parse("Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\n", "/var/lib/dpkg/status.d/tzdata", problems);
        Assert.Equal("tzdata", Assert.Single(packages).Name);
        Assert.Empty(DpkgDatabase.Parse("Package: tzdata\nVersion: 1\n", DpkgDatabase.StatusPath, problems)); // in status, no Status = not installed
        Assert.Empty(problems);
    }

    [Theory]
    [InlineData("/var/lib/dpkg/status", true)]
    [InlineData("/var/lib/dpkg/status.d/libc6", true)]
    [InlineData("/var/lib/dpkg/status.d/libc6.md5sums", false)]
    [InlineData("/var/lib/dpkg/status.d/sub/x", false)]
    [InlineData("/var/lib/dpkg/status-old", false)]
    [InlineData("/var/lib/dpkg/available", false)]
    public void Database_files(string path, bool expected) => Assert.Equal(expected, DpkgDatabase.IsDatabase(path));
}
