using Distill.Dockerfile;
using static Distill.Tests.Dockerfile.Lint.LintAssert;

namespace Distill.Tests.Dockerfile.Lint;

/// <summary>UndefinedVar and CopyIgnoredFile: the checks that expand words with each stage's ARG and ENV scope.</summary>
public sealed class VariableRuleTests
{
    [Fact]
    public void UndefinedVar_flags_an_undeclared_variable()
    {
        Single(LintRules.UndefinedVar, "FROM alpine AS base\nCOPY $foo .\n", "Usage of undefined variable '$foo'", At(2, 6, 9));
        Single(LintRules.UndefinedVar, "FROM alpine AS base\nARG VERSION=$foo\n", "Usage of undefined variable '$foo'", At(2, 13, 16));
        Single(LintRules.UndefinedVar, "FROM alpine\nLABEL version=${VERSION}\n", "Usage of undefined variable '$VERSION'", At(2, 15, 24));
        None(LintRules.UndefinedVar, "FROM alpine AS base\nARG foo\nCOPY $foo .\n");
    }

    [Fact]
    public void UndefinedVar_suggests_a_defined_name()
    {
        Single(LintRules.UndefinedVar, "FROM alpine\nENV PATH=$PAHT:/app/bin\n", "Usage of undefined variable '$PAHT' (did you mean $PATH?)", At(2, 10, 14));
        Single(LintRules.UndefinedVar, "FROM alpine\nARG APP_VERSION=1\nENV V=${APP_VERSOIN}\n",
            "Usage of undefined variable '$APP_VERSOIN' (did you mean $APP_VERSION?)", At(3, 7, 20));
    }

    [Fact]
    public void UndefinedVar_does_not_check_what_the_shell_expands()
    {
        None(LintRules.UndefinedVar, "FROM alpine\nRUN echo $foo\nCMD echo $foo\nENTRYPOINT [\"echo\", \"$foo\"]\n");
    }

    [Fact]
    public void UndefinedVar_does_not_flag_variables_used_with_a_fallback()
    {
        None(LintRules.UndefinedVar, "FROM alpine\nENV A=${foo:-x} B=${bar+y} C=${baz-z}\n");
        Single(LintRules.UndefinedVar, "FROM alpine\nENV A=${foo:-x}$foo\n", "Usage of undefined variable '$foo'", At(2, 16, 19));
    }

    [Fact]
    public void UndefinedVar_assumes_what_an_unknown_base_image_usually_defines()
    {
        None(LintRules.UndefinedVar, "FROM python AS base\nARG VERSION=$PYTHON_VERSION\nENV HOME_DIR=$HOME\n");
        // scratch defines nothing but PATH
        Single(LintRules.UndefinedVar, "FROM scratch\nENV P=$PATH H=$HOME\n", "Usage of undefined variable '$HOME'", At(2, 15, 19));
    }

    [Fact]
    public void UndefinedVar_uses_a_known_base_image_environment()
    {
        var seen = new List<string>();
        var options = new LintOptions
        {
            BaseImageEnv = image =>
            {
                seen.Add(image);
                return new Dictionary<string, string> { ["APP_DIR"] = "/app" };
            },
        };
        const string dockerfile = "ARG TAG=1\nFROM registry.example/python:${TAG}\nCOPY . $APP_DIR\nENV V=$PYTHON_VERSION\n";
        Single(LintRules.UndefinedVar, dockerfile, "Usage of undefined variable '$PYTHON_VERSION'", At(4, 7, 21), options);
        Assert.Equal(["registry.example/python:1"], seen.Distinct());
    }

    [Fact]
    public void UndefinedVar_follows_stages_env_but_not_their_args()
    {
        None(LintRules.UndefinedVar, "FROM alpine AS a\nENV X=1\nFROM a\nCOPY $X .\n");
        Single(LintRules.UndefinedVar, "FROM alpine AS a\nARG Y=1\nFROM a\nCOPY $Y .\n", "Usage of undefined variable '$Y'", At(4, 6, 7));
    }

    [Fact]
    public void UndefinedVar_sees_global_args_only_when_redeclared_in_the_stage()
    {
        Single(LintRules.UndefinedVar, "ARG V=1\nFROM alpine\nCOPY $V .\n", "Usage of undefined variable '$V'", At(3, 6, 7));
        None(LintRules.UndefinedVar, "ARG V=1\nFROM alpine\nARG V\nCOPY $V .\n");
        Single(LintRules.UndefinedVar, "FROM alpine\nCOPY $TARGETARCH .\n", "Usage of undefined variable '$TARGETARCH'", At(2, 6, 16));
        None(LintRules.UndefinedVar, "FROM alpine\nARG TARGETARCH\nCOPY $TARGETARCH .\n");
    }

    private static LintOptions IgnoringTmp(List<string>? asked = null) => new()
    {
        IsIgnored = path =>
        {
            asked?.Add(path);
            return path.StartsWith("tmp/", StringComparison.Ordinal);
        },
    };

    [Fact]
    public void CopyIgnoredFile_flags_a_source_dockerignore_excludes_when_enabled()
    {
        var asked = new List<string>();
        Single(LintRules.CopyIgnoredFile, "# check=experimental=CopyIgnoredFile\nFROM scratch\nCOPY ./tmp/helloworld.txt /helloworld.txt\n",
            "Attempting to Copy file \"./tmp/helloworld.txt\" that is excluded by .dockerignore", At(3, 6, 25), IgnoringTmp(asked));
        Assert.Equal(["tmp/helloworld.txt"], asked);
        Single(LintRules.CopyIgnoredFile, "FROM scratch\nARG D=tmp\nADD ${D}/a.tgz /\n",
            "Attempting to Add file \"${D}/a.tgz\" that is excluded by .dockerignore", At(3, 5, 14),
            IgnoringTmp() with { Experimental = new HashSet<string> { "all" } });
    }

    [Fact]
    public void CopyIgnoredFile_passes_included_files_other_stages_urls_and_the_context_root()
    {
        const string directive = "# check=experimental=CopyIgnoredFile\n";
        None(LintRules.CopyIgnoredFile, directive + "FROM scratch\nCOPY ./forever/helloworld.txt /helloworld.txt\n", IgnoringTmp());
        None(LintRules.CopyIgnoredFile, directive + "FROM scratch AS b\nFROM scratch\nCOPY --from=b tmp/x /x\n", IgnoringTmp());
        None(LintRules.CopyIgnoredFile, directive + "FROM scratch\nADD https://example.com/tmp/x /x\nCOPY . /src\nCOPY tmp/*.txt /\n", IgnoringTmp());
    }

    [Fact]
    public void CopyIgnoredFile_is_experimental_as_in_buildkit()
    {
        Assert.True(LintRules.CopyIgnoredFile.Experimental);
        None(LintRules.CopyIgnoredFile, "FROM scratch\nCOPY ./tmp/helloworld.txt /helloworld.txt\n", IgnoringTmp());
    }

    [Theory]
    [InlineData("./a/../b/", "b")]
    [InlineData("/tmp//x", "tmp/x")]
    [InlineData(".", "")]
    [InlineData("../..", "")]
    public void Copy_sources_are_cleaned_to_context_paths(string source, string path) => Assert.Equal(path, StageWalker.ContextPath(source));
}
