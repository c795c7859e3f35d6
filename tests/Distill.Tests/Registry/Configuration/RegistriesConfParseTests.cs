using Distill.Oci;
using Distill.Registry.Configuration;

namespace Distill.Tests.Registry.Configuration;

public sealed class RegistriesConfParseTests
{
    private const string File = "/test/registries.conf";

    private static RegistryConfigurationException Fails(string toml) =>
        Assert.Throws<RegistryConfigurationException>(() => RegistriesConf.Parse(toml, File));

    [Fact]
    public void Empty_file_is_an_empty_configuration()
    {
        var conf = RegistriesConf.Parse("# nothing here\n", File);
        Assert.Empty(conf.UnqualifiedSearchRegistries);
        Assert.Empty(conf.Registries);
        Assert.Null(conf.ShortNameModeSetting);
        Assert.Equal(ShortNameMode.Permissive, conf.ShortNameMode);
        Assert.Equal([File], conf.Files);
    }

    [Fact]
    public void Reads_every_v2_key()
    {
        var conf = RegistriesConf.Parse("""
            unqualified-search-registries = ["registry.fedoraproject.org", "quay.io", "localhost:5000"]
            short-name-mode = "enforcing"
            credential-helpers = ["containers-auth.json"]

            [aliases]
            "fedora" = "registry.fedoraproject.org/fedora"
            "ubi" = "registry.access.redhat.com/ubi9"

            [[registry]]
            prefix = "example.com/foo"
            location = "internal.example.net/bar/"
            insecure = true
            blocked = false
            mirror-by-digest-only = true

            [[registry.mirror]]
            location = "mirror-0.local/foo"

            [[registry.mirror]]
            location = "mirror-1.local:5000"
            insecure = true

            [[registry]]
            location = "registry.com"
            """, File);

        Assert.Equal(["registry.fedoraproject.org", "quay.io", "localhost:5000"], conf.UnqualifiedSearchRegistries);
        Assert.Equal(ShortNameMode.Enforcing, conf.ShortNameMode);
        Assert.Equal("registry.access.redhat.com/ubi9", conf.Aliases["ubi"]);
        Assert.Equal(2, conf.Registries.Count);

        var first = conf.Registries[0];
        Assert.Equal("example.com/foo", first.Prefix);
        Assert.Equal("internal.example.net/bar", first.Location);
        Assert.True(first.Insecure);
        Assert.False(first.Blocked);
        Assert.True(first.MirrorByDigestOnly);
        Assert.Equal([new RegistryMirror("mirror-0.local/foo", false, PullFromMirror.All), new RegistryMirror("mirror-1.local:5000", true, PullFromMirror.All)], first.Mirrors);
        Assert.Equal($"{File}:10", first.Source);

        var second = conf.Registries[1];
        Assert.Equal("registry.com", second.Prefix);
        Assert.Equal("registry.com", second.Location);
        Assert.False(second.Insecure);
        Assert.Empty(second.Mirrors);
    }

    [Fact]
    public void Prefix_defaults_location_and_wildcards_have_none()
    {
        var conf = RegistriesConf.Parse("""
            [[registry]]
            prefix = "example.com/pinned:v1"

            [[registry]]
            prefix = "*.example.com"
            """, File);
        Assert.Equal("example.com/pinned", conf.Registries[0].Location);
        Assert.Equal("", conf.Registries[1].Location);
        Assert.True(conf.Registries[1].IsWildcard);
    }

    [Fact]
    public void Inline_arrays_of_tables_are_the_same_as_headers()
    {
        var conf = RegistriesConf.Parse("""
            registry = [{ prefix = "a.example", mirror = [{ location = "m.local", pull-from-mirror = "tag-only" }] }]
            """, File);
        var rule = Assert.Single(conf.Registries);
        Assert.Equal([new RegistryMirror("m.local", false, PullFromMirror.TagOnly)], rule.Mirrors);
    }

    [Theory]
    [InlineData("enforcing", ShortNameMode.Enforcing)]
    [InlineData("permissive", ShortNameMode.Permissive)]
    [InlineData("disabled", ShortNameMode.Disabled)]
    public void Short_name_modes(string written, ShortNameMode mode) =>
        Assert.Equal(mode, RegistriesConf.Parse($"short-name-mode = \"{written}\"", File).ShortNameModeSetting);

    [Fact]
    public void V1_man_page_example()
    {
        var conf = RegistriesConf.Parse("""
            [registries.search]
            registries = ['registry1.com', 'registry2.com']

            [registries.insecure]
            registries = ['registry3.com']

            [registries.block]
            registries = ['registry.untrusted.com', 'registry.unsafe.com']
            """, File);
        Assert.Equal(["registry1.com", "registry2.com"], conf.UnqualifiedSearchRegistries);
        Assert.True(conf.IsInsecure("registry3.com"));
        Assert.False(conf.IsInsecure("registry1.com"));
        Assert.Throws<RegistryBlockedException>(() => conf.Resolve(ImageName.Parse("registry.unsafe.com/x:1")));
        Assert.Throws<RegistryBlockedException>(() => conf.Resolve(ImageName.Parse("registry.untrusted.com/a/b")));
        Assert.Equal("registry3.com", Assert.Single(conf.Resolve(ImageName.Parse("registry3.com/x"))).Host);
        Assert.True(Assert.Single(conf.Resolve(ImageName.Parse("registry3.com/x"))).Insecure);
    }

    [Fact]
    public void V1_host_both_insecure_and_blocked_is_one_rule()
    {
        var conf = RegistriesConf.Parse("""
            [registries.insecure]
            registries = ["both.example"]
            [registries.block]
            registries = ["both.example"]
            """, File);
        var rule = Assert.Single(conf.Registries);
        Assert.True(rule.Insecure);
        Assert.True(rule.Blocked);
        Assert.Empty(conf.UnqualifiedSearchRegistries);
    }

    [Fact]
    public void Mixing_v1_and_v2_is_an_error()
    {
        var e = Fails("""
            unqualified-search-registries = ["quay.io"]

            [registries.search]
            registries = ["docker.io"]
            """);
        Assert.StartsWith($"{File}:", e.Message, StringComparison.Ordinal);
        Assert.Contains("mixing the version 1 format", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_v1_lists_do_not_count_as_mixing()
    {
        var conf = RegistriesConf.Parse("""
            [[registry]]
            location = "quay.io"
            [registries.search]
            registries = []
            """, File);
        Assert.Single(conf.Registries);
    }

    [Fact]
    public void Bad_toml_names_file_and_line()
    {
        var e = Fails("unqualified-search-registries = [\"a.io\"]\n\n[[registry]]\nprefix = \n");
        Assert.StartsWith($"{File}:4: invalid TOML: ", e.Message, StringComparison.Ordinal);
        Assert.Equal(4, e.Line);
        Assert.Equal(File, e.FilePath);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Duplicate_keys_are_bad_toml()
    {
        var e = Fails("[[registry]]\nprefix = \"a.io\"\ninsecure = true\ninsecure = false\n");
        Assert.StartsWith($"{File}:4: invalid TOML: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unterminated_string_is_one_line()
    {
        var e = Fails("short-name-mode = \"enforcing\nunqualified-search-registries = []\n");
        Assert.StartsWith($"{File}:1: invalid TOML: ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("[[registry]]\nprefix = \"a.io\"\n\ninsecure = \"yes\"\n", 4, "[[registry]] #1: \"insecure\" must be true or false, not the string \"yes\"")]
    [InlineData("[[registry]]\nprefix = \"a.io\"\nblocked = 1\n", 3, "[[registry]] #1: \"blocked\" must be true or false, not the number 1")]
    [InlineData("[[registry]]\nlocation = \"a.io\"\n[[registry]]\nprefix = 5\n", 4, "[[registry]] #2: \"prefix\" must be a string, not the number 5")]
    [InlineData("[[registry]]\ninsecure = true\n", 2, "[[registry]] #1: neither prefix nor location is set")]
    [InlineData("[[registry]]\nprefix = \"https://a.io\"\n", 2, "[[registry]] #1: invalid prefix \"https://a.io\": URI schemes are not supported")]
    [InlineData("[[registry]]\nprefix = \"a.*.io\"\n", 2, "[[registry]] #1: invalid prefix \"a.*.io\": a wildcard is only allowed as a leading \"*.\" (*.example.com)")]
    [InlineData("[[registry]]\nprefix = \"*.a.io/ns\"\n", 2, "[[registry]] #1: invalid prefix \"*.a.io/ns\": a wildcard prefix must have the form *.example.com")]
    [InlineData("[[registry]]\nprefix = \"a.io\"\nlocation = \"b.io/Bad\"\n", 3, "[[registry]] #1: invalid location \"b.io/Bad\": the part after the host must be lower-case namespace[/namespace...] (a tag or digest in a location is not supported)")]
    [InlineData("[[registry]]\nprefix = \"a.io\"\n[[registry.mirror]]\ninsecure = true\n", 4, "[[registry]] prefix \"a.io\", mirror #1: location must be set")]
    [InlineData("[[registry]]\nprefix = \"a.io\"\n[[registry.mirror]]\nlocation = \"m.io\"\npull-from-mirror = \"sometimes\"\n", 5, "[[registry]] prefix \"a.io\", mirror #1: pull-from-mirror must be \"all\", \"digest-only\" or \"tag-only\", not \"sometimes\"")]
    [InlineData("[[registry]]\nprefix = \"a.io\"\nmirror-by-digest-only = true\n[[registry.mirror]]\nlocation = \"m.io\"\npull-from-mirror = \"tag-only\"\n", 6, "[[registry]] prefix \"a.io\", mirror #1: pull-from-mirror cannot be set when mirror-by-digest-only is true")]
    [InlineData("[[registry]]\nprefix = \"a.io\"\n[[registry]]\nlocation = \"a.io\"\n", 4, "[[registry]] #2: prefix \"a.io\" is already defined at /test/registries.conf:2")]
    [InlineData("unqualified-search-registries = \"quay.io\"\n", 1, "unqualified-search-registries: \"unqualified-search-registries\" must be an array of strings, not the string \"quay.io\"")]
    [InlineData("\nunqualified-search-registries = [\"quay.io/ns\"]\n", 2, "unqualified-search-registries: \"quay.io/ns\" is not a host[:port]")]
    [InlineData("short-name-mode = \"strict\"\n", 1, "short-name-mode must be \"enforcing\", \"permissive\" or \"disabled\", not \"strict\"")]
    [InlineData("registry = \"a.io\"\n", 1, "[[registry]]: \"registry\" must be an array of tables ([[registry]]), not the string \"a.io\"")]
    [InlineData("[registries.insecure]\nregistries = [\"https://x\"]\n", 2, "[registries.insecure]: invalid registry \"https://x\": URI schemes are not supported")]
    public void Bad_values_name_file_line_and_key(string toml, int line, string problem)
    {
        var e = Fails(toml);
        Assert.Equal($"{File}:{line}: {problem}", e.Message);
        Assert.Equal(line, e.Line);
    }
}
