using Distill.Dockerfile;
using static Distill.Tests.Dockerfile.Lint.LintAssert;

namespace Distill.Tests.Dockerfile.Lint;

/// <summary>The rules on single instructions and stages, with the examples of BuildKit's documentation.</summary>
public sealed class InstructionRuleTests
{
    [Fact]
    public void ConsistentInstructionCasing_flags_keywords_not_in_the_majority_casing()
    {
        var findings = Of(LintRules.ConsistentInstructionCasing, "From alpine\nRun echo hello > /greeting.txt\nEntRYpOiNT [\"cat\", \"/greeting.txt\"]\n");
        Assert.Equal(
        [
            "Command 'From' should match the case of the command majority (uppercase)",
            "Command 'Run' should match the case of the command majority (uppercase)",
            "Command 'EntRYpOiNT' should match the case of the command majority (uppercase)",
        ], findings.Select(f => f.Message));
        Assert.Equal([At(1, 1, 4), At(2, 1, 3), At(3, 1, 10)], findings.Select(f => f.Range));
        Single(LintRules.ConsistentInstructionCasing, "FROM scratch\nCOPY Dockerfile /foo\n  copy Dockerfile /bar\n",
            "Command 'copy' should match the case of the command majority (uppercase)", At(3, 3, 6));
        Single(LintRules.ConsistentInstructionCasing, "from scratch\ncopy Dockerfile /foo\nCOPY Dockerfile /bar\n",
            "Command 'COPY' should match the case of the command majority (lowercase)", At(3, 1, 4));
        None(LintRules.ConsistentInstructionCasing, "FROM alpine\nRUN echo hello > /greeting.txt\nENTRYPOINT [\"cat\", \"/greeting.txt\"]\n");
        None(LintRules.ConsistentInstructionCasing, "from alpine\nrun echo hello > /greeting.txt\nentrypoint [\"cat\", \"/greeting.txt\"]\n");
    }

    [Fact]
    public void NoEmptyContinuation_surfaces_the_parser_warning_on_its_instruction()
    {
        Single(LintRules.NoEmptyContinuation, "FROM alpine\nEXPOSE \\\n\n80\n", "Empty continuation line found in: EXPOSE 80", At(2, 1, 6));
        None(LintRules.NoEmptyContinuation, "FROM alpine\nEXPOSE \\\n# Port\n80\n");
    }

    [Fact]
    public void JSONArgsRecommended_flags_shell_form_cmd_and_entrypoint()
    {
        Single(LintRules.JSONArgsRecommended, "FROM alpine\nENTRYPOINT my-program start\n",
            "JSON arguments recommended for ENTRYPOINT to prevent unintended behavior related to OS signals", At(2, 1, 10));
        Single(LintRules.JSONArgsRecommended, "FROM alpine\ncmd echo \"Hello, world!\"\n",
            "JSON arguments recommended for CMD to prevent unintended behavior related to OS signals", At(2, 1, 3));
        None(LintRules.JSONArgsRecommended, "FROM alpine\nENTRYPOINT [\"my-program\", \"start\"]\n");
        // an explicit SHELL says the shell is wanted, in the stage and in stages built on it
        None(LintRules.JSONArgsRecommended, "FROM alpine\nRUN apk add bash\nSHELL [\"/bin/bash\", \"-c\"]\nENTRYPOINT echo \"hello world\"\n");
        None(LintRules.JSONArgsRecommended, "FROM alpine AS base\nSHELL [\"/bin/bash\", \"-c\"]\nFROM base\nCMD echo hi\n");
        Single(LintRules.JSONArgsRecommended, "FROM alpine AS base\nSHELL [\"/bin/bash\", \"-c\"]\nFROM alpine\nCMD echo hi\n",
            "JSON arguments recommended for CMD to prevent unintended behavior related to OS signals", At(4, 1, 3));
    }

    [Fact]
    public void MaintainerDeprecated_flags_maintainer()
    {
        Single(LintRules.MaintainerDeprecated, "FROM alpine\nMAINTAINER moby@example.com\n", "MAINTAINER instruction is deprecated in favor of using label", At(2, 1, 10));
        None(LintRules.MaintainerDeprecated, "FROM alpine\nLABEL org.opencontainers.image.authors=\"moby@example.com\"\n");
    }

    [Fact]
    public void LegacyKeyValueFormat_flags_env_and_label_without_equals()
    {
        Single(LintRules.LegacyKeyValueFormat, "FROM alpine\nENV DEPS curl git make\n",
            "\"ENV key=value\" should be used instead of legacy \"ENV key value\" format", At(2, 5, 8));
        Single(LintRules.LegacyKeyValueFormat, "FROM alpine\nLABEL maintainer moby\n",
            "\"LABEL key=value\" should be used instead of legacy \"LABEL key value\" format", At(2, 7, 16));
        None(LintRules.LegacyKeyValueFormat, "FROM alpine\nENV DEPS=\"curl git make\"\nLABEL a=b c=d\n");
    }

    [Fact]
    public void MultipleInstructionsDisallowed_flags_all_but_the_last_of_a_stage()
    {
        Single(LintRules.MultipleInstructionsDisallowed, "FROM alpine\nENTRYPOINT [\"echo\", \"Hello, Norway!\"]\nENTRYPOINT [\"echo\", \"Hello, Sweden!\"]\n",
            "Multiple ENTRYPOINT instructions should not be used in the same stage because only the last one will be used", At(2, 1, 10));
        var findings = Of(LintRules.MultipleInstructionsDisallowed,
            "FROM alpine\nHEALTHCHECK CMD true\nCMD [\"a\"]\nHEALTHCHECK NONE\nCMD [\"b\"]\nCMD [\"c\"]\n");
        Assert.Equal([2, 3, 5], findings.Select(f => f.Line));
        // a HEALTHCHECK's CMD is not a CMD, and each stage has its own
        None(LintRules.MultipleInstructionsDisallowed,
            "FROM python:alpine\nHEALTHCHECK --interval=1s --timeout=3s \\\n  CMD [\"curl\", \"-f\", \"http://localhost:8080\"]\nCMD [\"python\", \"-m\", \"http.server\", \"8080\"]\n");
        None(LintRules.MultipleInstructionsDisallowed, "FROM alpine AS a\nCMD [\"a\"]\nFROM alpine\nCMD [\"b\"]\n");
    }

    [Fact]
    public void SecretsUsedInArgOrEnv_flags_names_that_say_secret()
    {
        Single(LintRules.SecretsUsedInArgOrEnv, "FROM scratch\nARG AWS_SECRET_ACCESS_KEY\n",
            "Do not use ARG or ENV instructions for sensitive data (ARG \"AWS_SECRET_ACCESS_KEY\")", At(2, 5, 25));
        Single(LintRules.SecretsUsedInArgOrEnv, "ARG VERSION=1\nFROM scratch\nENV A=1 GITHUB_TOKEN=x\n",
            "Do not use ARG or ENV instructions for sensitive data (ENV \"GITHUB_TOKEN\")", At(3, 9, 20));
        Single(LintRules.SecretsUsedInArgOrEnv, "ARG db-password\nFROM scratch\n",
            "Do not use ARG or ENV instructions for sensitive data (ARG \"db-password\")", At(1, 5, 15));
        None(LintRules.SecretsUsedInArgOrEnv, "FROM scratch\nARG PUBLIC_KEY\nARG KEYBOARD_LAYOUT\nENV TOKENIZER=fast VERSION=1\n");
    }

    [Fact]
    public void WorkdirRelativePath_flags_a_relative_workdir_before_any_absolute_one()
    {
        Single(LintRules.WorkdirRelativePath, "FROM nginx AS web\nWORKDIR usr/share/nginx/html\nCOPY public .\n",
            "Relative workdir 'usr/share/nginx/html' can have unexpected results if the base image changes", At(2, 9, 28));
        None(LintRules.WorkdirRelativePath, "FROM nginx AS web\nWORKDIR /usr/share/nginx/html\nCOPY public .\n");
        None(LintRules.WorkdirRelativePath, "FROM nginx\nWORKDIR /usr\nWORKDIR share\n");
        None(LintRules.WorkdirRelativePath, "FROM nginx AS base\nWORKDIR /usr\nFROM base\nWORKDIR share\n");
        None(LintRules.WorkdirRelativePath, "FROM nginx\nENV DIR=/srv\nWORKDIR $DIR/app\n");
    }
}
