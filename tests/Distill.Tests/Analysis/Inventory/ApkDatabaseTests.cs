using Distill.Analysis.Inventory;

namespace Distill.Tests.Analysis.Inventory;

public sealed class ApkDatabaseTests
{
    [Fact]
    public void Packages_are_blank_line_separated_key_value_records()
    {
        const string installed = """
            C:Q1abc=
            P:musl
            V:1.2.5-r0
            A:x86_64
            S:411464
            I:647168
            T:the musl c library (libc) implementation
            U:https://musl.libc.org/
            L:MIT
            o:musl
            m:Natanael Copa <ncopa@alpinelinux.org>
            F:lib
            R:ld-musl-x86_64.so.1
            a:0:0:755

            P:busybox-binsh
            V:1.36.1-r29
            A:x86_64
            L:GPL-2.0-only
            o:busybox
            F:bin
            R:sh

            P:no-version
            A:x86_64
            """;
        var problems = new List<string>();
        var packages = ApkDatabase.Parse(installed.Replace("\r", "", StringComparison.Ordinal), ApkDatabase.InstalledPath, problems);
        Assert.Equal(["musl 1.2.5-r0 x86_64", "busybox-binsh 1.36.1-r29 x86_64"], packages.Select(p => $"{p.Name} {p.Version} {p.Architecture}"));
        Assert.Null(packages[0].SourceName); // origin is itself
        Assert.Equal("busybox", packages[1].SourceName);
        Assert.Equal(["MIT"], packages[0].Licenses);
        Assert.Equal(["GPL-2.0-only"], packages[1].Licenses);
        Assert.Equal(["/lib/apk/db/installed:24: package entry without P: or V:"], problems);
    }
}
