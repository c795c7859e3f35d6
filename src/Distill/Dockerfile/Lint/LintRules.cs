namespace Distill.Dockerfile;

/// <summary>
/// Every rule the linter knows: BuildKit's build checks (same names, same documentation) and <see cref="Syntax"/>
/// for Dockerfiles that cannot be parsed or would not build.
/// </summary>
public static class LintRules
{
    /// <summary>Parse and instruction errors: not a BuildKit rule, never skipped, always an error.</summary>
    public static readonly LintRule Syntax = new("Syntax", "The Dockerfile must parse and be a valid build definition")
    {
        Url = "https://docs.docker.com/reference/dockerfile/",
    };

    public static readonly LintRule StageNameCasing = new("StageNameCasing", "Stage names should be lowercase");
    public static readonly LintRule FromAsCasing = new("FromAsCasing", "The 'as' keyword should match the case of the 'from' keyword");
    public static readonly LintRule NoEmptyContinuation = new("NoEmptyContinuation", "Empty continuation lines will become errors in a future release");
    public static readonly LintRule ConsistentInstructionCasing = new("ConsistentInstructionCasing",
        "All commands within the Dockerfile should use the same casing (either upper or lower)");
    public static readonly LintRule DuplicateStageName = new("DuplicateStageName", "Stage names should be unique");
    public static readonly LintRule ReservedStageName = new("ReservedStageName", "Reserved words should not be used as stage names");
    public static readonly LintRule JSONArgsRecommended = new("JSONArgsRecommended",
        "JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related to OS signals");
    public static readonly LintRule MaintainerDeprecated = new("MaintainerDeprecated",
        "The MAINTAINER instruction is deprecated, use a label instead to define an image author");
    public static readonly LintRule UndefinedArgInFrom = new("UndefinedArgInFrom", "FROM command must use declared ARGs");
    public static readonly LintRule WorkdirRelativePath = new("WorkdirRelativePath",
        "Relative workdir without an absolute workdir declared within the build can have unexpected results if the base image changes");
    public static readonly LintRule UndefinedVar = new("UndefinedVar", "Variables should be defined before their use");
    public static readonly LintRule MultipleInstructionsDisallowed = new("MultipleInstructionsDisallowed",
        "Multiple instructions of the same type should not be used in the same stage");
    public static readonly LintRule LegacyKeyValueFormat = new("LegacyKeyValueFormat",
        "Legacy key/value format with whitespace separator should not be used");
    public static readonly LintRule InvalidDefaultArgInFrom = new("InvalidDefaultArgInFrom",
        "Default value for global ARG results in an empty or invalid base image name");
    public static readonly LintRule FromPlatformFlagConstDisallowed = new("FromPlatformFlagConstDisallowed",
        "FROM --platform flag should not use a constant value");
    public static readonly LintRule SecretsUsedInArgOrEnv = new("SecretsUsedInArgOrEnv",
        "Sensitive data should not be used in the ARG or ENV commands");
    public static readonly LintRule CopyIgnoredFile = new("CopyIgnoredFile",
        "Attempting to Copy file that is excluded by .dockerignore", Experimental: true);

    public static IReadOnlyList<LintRule> All { get; } =
    [
        Syntax, StageNameCasing, FromAsCasing, NoEmptyContinuation, ConsistentInstructionCasing, DuplicateStageName,
        ReservedStageName, JSONArgsRecommended, MaintainerDeprecated, UndefinedArgInFrom, WorkdirRelativePath, UndefinedVar,
        MultipleInstructionsDisallowed, LegacyKeyValueFormat, InvalidDefaultArgInFrom, FromPlatformFlagConstDisallowed,
        SecretsUsedInArgOrEnv, CopyIgnoredFile,
    ];

    public static LintRule? Find(string name) => All.FirstOrDefault(r => r.Name == name);
}
