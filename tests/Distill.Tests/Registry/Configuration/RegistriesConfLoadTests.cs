using Distill.Oci;
using Distill.Registry.Configuration;
using Distill.Tests.Support;

namespace Distill.Tests.Registry.Configuration;

/// <summary>File lookup and drop-ins, with a private environment and system path per test (no process state touched).</summary>
public sealed class RegistriesConfLoadTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string SystemPath => _dir["etc/containers/registries.conf"];

    private Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => name == "HOME" && variables.All(v => v.Name != "HOME") ? _dir["home"] : variables.FirstOrDefault(v => v.Name == name).Value;

    private RegistriesConf Load(string? explicitPath, Func<string, string?> env) => RegistriesConf.Load(explicitPath, env, SystemPath);

    private static string Search(string host) => $"unqualified-search-registries = [\"{host}\"]\n";

    [Fact]
    public void Nothing_found_is_empty()
    {
        var conf = Load(null, Env());
        Assert.Empty(conf.Files);
        Assert.Empty(conf.Registries);
        Assert.Empty(conf.UnqualifiedSearchRegistries);
    }

    [Fact]
    public void Lookup_order_explicit_then_environment_then_user_then_system()
    {
        var explicitFile = _dir.Write("explicit/registries.conf", Search("explicit.io"));
        var envFile = _dir.Write("env/custom.conf", Search("env.io"));
        _dir.Write("home/.config/containers/registries.conf", Search("user.io"));
        _dir.Write("etc/containers/registries.conf", Search("system.io"));
        var withEnv = Env((RegistriesConf.EnvironmentVariable, envFile));

        Assert.Equal(["explicit.io"], Load(explicitFile, withEnv).UnqualifiedSearchRegistries);
        Assert.Equal(["env.io"], Load(null, withEnv).UnqualifiedSearchRegistries);
        Assert.Equal(["user.io"], Load(null, Env()).UnqualifiedSearchRegistries);
        Assert.Equal(["user.io"], Load(null, Env((RegistriesConf.EnvironmentVariable, ""))).UnqualifiedSearchRegistries);
        Assert.Equal(["system.io"], Load(null, Env(("HOME", _dir["nobody"]))).UnqualifiedSearchRegistries);
        Assert.Equal([SystemPath], Load(null, Env(("HOME", _dir["nobody"]))).Files);
    }

    [Fact]
    public void Xdg_config_home_replaces_home_dot_config()
    {
        _dir.Write("home/.config/containers/registries.conf", Search("home.io"));
        _dir.Write("xdg/containers/registries.conf", Search("xdg.io"));
        Assert.Equal(["xdg.io"], Load(null, Env(("XDG_CONFIG_HOME", _dir["xdg"]))).UnqualifiedSearchRegistries);
        Assert.Equal(["home.io"], Load(null, Env(("XDG_CONFIG_HOME", "relative/ignored"))).UnqualifiedSearchRegistries);
    }

    [Fact]
    public void Missing_explicit_file_is_an_error_but_a_missing_environment_file_is_empty()
    {
        _dir.Write("etc/containers/registries.conf", Search("system.io"));
        var missing = _dir["nope/registries.conf"];
        var e = Assert.Throws<RegistryConfigurationException>(() => Load(missing, Env()));
        Assert.Equal($"{missing}: no such file", e.Message);
        Assert.Empty(Load(null, Env((RegistriesConf.EnvironmentVariable, missing))).UnqualifiedSearchRegistries);
    }

    [Fact]
    public void Drop_ins_apply_in_lexical_order_and_replace_same_prefix()
    {
        var main = _dir.Write("conf/registries.conf", """
            unqualified-search-registries = ["main.io"]
            short-name-mode = "enforcing"

            [aliases]
            "app" = "main.io/app"
            "tool" = "main.io/tool"

            [[registry]]
            prefix = "example.com"
            location = "main.local"

            [[registry.mirror]]
            location = "main-mirror.local"

            [[registry]]
            prefix = "kept.example"
            insecure = true
            """);
        _dir.Write("conf/registries.conf.d/10-first.conf", """
            unqualified-search-registries = ["first.io", "second.io"]

            [[registry]]
            prefix = "example.com"
            location = "first.local"
            """);
        _dir.Write("conf/registries.conf.d/20-second.conf", """
            [aliases]
            "tool" = ""
            "new" = "second.io/new"

            [[registry]]
            prefix = "example.com"
            location = "second.local"
            blocked = false

            [[registry]]
            prefix = "added.example"
            blocked = true
            """);
        _dir.Write("conf/registries.conf.d/9-sorts-after-20.conf", "short-name-mode = \"disabled\"\n");
        _dir.Write("conf/registries.conf.d/ignored.txt", "this is not TOML [");
        Directory.CreateDirectory(_dir["conf/registries.conf.d/sub.conf"]);

        var conf = Load(main, Env());
        Assert.Equal(
            [main, _dir["conf/registries.conf.d/10-first.conf"], _dir["conf/registries.conf.d/20-second.conf"], _dir["conf/registries.conf.d/9-sorts-after-20.conf"]],
            conf.Files);
        Assert.Equal(["first.io", "second.io"], conf.UnqualifiedSearchRegistries);
        Assert.Equal(ShortNameMode.Disabled, conf.ShortNameMode);
        Assert.Equal(new Dictionary<string, string> { ["app"] = "main.io/app", ["new"] = "second.io/new" }, conf.Aliases);

        // The whole [[registry]] is replaced: the main file's mirror is gone.
        Assert.Equal(["example.com", "kept.example", "added.example"], conf.Registries.Select(r => r.Prefix));
        var endpoint = Assert.Single(conf.Resolve(ImageName.Parse("example.com/app:1")));
        Assert.Equal("second.local", endpoint.Host);
        Assert.True(conf.IsInsecure("kept.example"));
        Assert.Throws<RegistryBlockedException>(() => conf.Resolve(ImageName.Parse("added.example/x")));
    }

    [Fact]
    public void Empty_search_list_in_a_drop_in_overrides_but_absence_does_not()
    {
        var main = _dir.Write("conf/registries.conf", Search("main.io"));
        _dir.Write("conf/registries.conf.d/a.conf", "[[registry]]\nlocation = \"x.io\"\n");
        Assert.Equal(["main.io"], Load(main, Env()).UnqualifiedSearchRegistries);
        _dir.Write("conf/registries.conf.d/b.conf", "unqualified-search-registries = []\n");
        Assert.Empty(Load(main, Env()).UnqualifiedSearchRegistries);
    }

    [Fact]
    public void System_file_gets_system_then_user_drop_ins_but_user_file_only_user_drop_ins()
    {
        _dir.Write("etc/containers/registries.conf", Search("system.io"));
        _dir.Write("etc/containers/registries.conf.d/a.conf", Search("system-dropin.io"));
        _dir.Write("home/.config/containers/registries.conf.d/a.conf", "[[registry]]\nlocation = \"user-dropin.io\"\ninsecure = true\n");

        var conf = Load(null, Env());
        Assert.Equal(["system-dropin.io"], conf.UnqualifiedSearchRegistries);
        Assert.True(conf.IsInsecure("user-dropin.io"));
        Assert.Equal([SystemPath, _dir["etc/containers/registries.conf.d/a.conf"], _dir["home/.config/containers/registries.conf.d/a.conf"]], conf.Files);

        _dir.Write("home/.config/containers/registries.conf", Search("user.io"));
        conf = Load(null, Env());
        Assert.Equal(["user.io"], conf.UnqualifiedSearchRegistries);
        Assert.True(conf.IsInsecure("user-dropin.io"));
        Assert.Equal(2, conf.Files.Count);
    }

    [Fact]
    public void Drop_ins_without_a_main_file_still_apply()
    {
        _dir.Write("etc/containers/registries.conf.d/only.conf", Search("dropin.io"));
        var conf = Load(null, Env());
        Assert.Equal(["dropin.io"], conf.UnqualifiedSearchRegistries);
    }

    [Fact]
    public void Errors_in_a_drop_in_name_the_drop_in()
    {
        var main = _dir.Write("conf/registries.conf", Search("main.io"));
        var bad = _dir.Write("conf/registries.conf.d/50-bad.conf", "\n\n[[registry]]\nprefix = \"a.io\"\ninsecure = \"no\"\n");
        var e = Assert.Throws<RegistryConfigurationException>(() => Load(main, Env()));
        Assert.Equal($"{bad}:5: [[registry]] #1: \"insecure\" must be true or false, not the string \"no\"", e.Message);
    }

    [Fact]
    public void V1_drop_in_is_an_error()
    {
        var main = _dir.Write("conf/registries.conf", "");
        var bad = _dir.Write("conf/registries.conf.d/v1.conf", "[registries.search]\nregistries = [\"a.io\"]\n");
        var e = Assert.Throws<RegistryConfigurationException>(() => Load(main, Env()));
        Assert.StartsWith(bad + ":", e.Message, StringComparison.Ordinal);
        Assert.Contains("drop-in files must use the version 2 format", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Locate_reports_the_chosen_file_and_drop_in_directories()
    {
        var (main, dropIns) = RegistriesConf.Locate("/srv/conf/my.conf", Env(), SystemPath);
        Assert.Equal("/srv/conf/my.conf", main);
        Assert.Equal(["/srv/conf/registries.conf.d"], dropIns);
        (main, dropIns) = RegistriesConf.Locate(null, _ => null, SystemPath);
        Assert.Equal(SystemPath, main);
        Assert.Equal([_dir["etc/containers/registries.conf.d"]], dropIns);
    }
}
