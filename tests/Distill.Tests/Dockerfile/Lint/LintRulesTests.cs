using Distill.Dockerfile;

namespace Distill.Tests.Dockerfile.Lint;

/// <summary>Rules are data: stable ids, descriptions and BuildKit's documentation URLs.</summary>
public sealed class LintRulesTests
{
    [Theory]
    [InlineData("JSONArgsRecommended", "json-args-recommended")]
    [InlineData("ConsistentInstructionCasing", "consistent-instruction-casing")]
    [InlineData("FromPlatformFlagConstDisallowed", "from-platform-flag-const-disallowed")]
    [InlineData("UndefinedVar", "undefined-var")]
    [InlineData("SecretsUsedInArgOrEnv", "secrets-used-in-arg-or-env")]
    public void Urls_follow_buildkits_pattern(string name, string kebab)
    {
        var rule = LintRules.Find(name);
        Assert.NotNull(rule);
        Assert.Equal($"https://docs.docker.com/go/dockerfile/rule/{kebab}/", rule.Url);
    }

    [Fact]
    public void Every_rule_has_a_unique_name_a_description_and_a_url()
    {
        Assert.Equal(18, LintRules.All.Count);
        Assert.Equal(LintRules.All.Count, LintRules.All.Select(r => r.Name).Distinct().Count());
        Assert.All(LintRules.All, r =>
        {
            Assert.NotEmpty(r.Description);
            Assert.StartsWith("https://docs.docker.com/", r.Url, StringComparison.Ordinal);
        });
        Assert.Null(LintRules.Find("NoSuchRule"));
    }
}
