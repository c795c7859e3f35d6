using Distill.Dockerfile;
using static Distill.Tests.Dockerfile.Lint.LintAssert;

namespace Distill.Tests.Dockerfile.Lint;

/// <summary>The FROM and stage name rules, with the examples of BuildKit's documentation.</summary>
public sealed class StageRuleTests
{
    [Fact]
    public void StageNameCasing_flags_a_mixed_case_name()
    {
        Single(LintRules.StageNameCasing, "FROM alpine AS BuilderBase\n", "Stage name 'BuilderBase' should be lowercase", At(1, 16, 26));
        None(LintRules.StageNameCasing, "FROM alpine AS builder-base\n");
    }

    [Fact]
    public void FromAsCasing_flags_as_in_another_case_than_from()
    {
        Single(LintRules.FromAsCasing, "FROM debian:latest as builder\n", "'as' and 'FROM' keywords' casing do not match", At(1, 20, 21));
        Single(LintRules.FromAsCasing, "from debian:latest AS builder\n", "'AS' and 'from' keywords' casing do not match", At(1, 20, 21));
        None(LintRules.FromAsCasing, "FROM debian:latest AS deb-builder\n");
        None(LintRules.FromAsCasing, "from debian:latest as deb-builder\n");
    }

    [Fact]
    public void DuplicateStageName_flags_the_later_stage_and_does_not_stop_linting()
    {
        const string dockerfile = "FROM debian:latest AS builder\nRUN apt-get update; apt-get install -y curl\n\nFROM golang:latest AS Builder\nMAINTAINER me\n";
        Single(LintRules.DuplicateStageName, dockerfile, "Duplicate stage name 'Builder', stage names should be unique", At(4, 23, 29));
        // the document would not load, yet the other rules still run
        Assert.Single(Of(LintRules.MaintainerDeprecated, dockerfile));
        Assert.Single(Of(LintRules.StageNameCasing, dockerfile));
        None(LintRules.DuplicateStageName, "FROM debian:latest AS deb-builder\nRUN true\n\nFROM golang:latest AS go-builder\n");
    }

    [Fact]
    public void ReservedStageName_flags_scratch_and_context()
    {
        var findings = Of(LintRules.ReservedStageName, "FROM alpine AS scratch\nFROM alpine AS context\n");
        Assert.Equal(["'scratch' is reserved and should not be used as a stage name", "'context' is reserved and should not be used as a stage name"],
            findings.Select(f => f.Message));
        Assert.Equal([At(1, 16, 22), At(2, 16, 22)], findings.Select(f => f.Range));
        None(LintRules.ReservedStageName, "FROM alpine AS builder\n");
    }

    [Fact]
    public void The_stage_name_is_located_after_as_even_when_the_image_name_contains_it()
    {
        Single(LintRules.StageNameCasing, "FROM Base/base AS Base\n", "Stage name 'Base' should be lowercase", At(1, 19, 22));
    }

    [Fact]
    public void FromPlatformFlagConstDisallowed_flags_a_constant_platform()
    {
        Single(LintRules.FromPlatformFlagConstDisallowed, "FROM --platform=linux/amd64 alpine AS base\nRUN apk add --no-cache git\n",
            "FROM --platform flag should not use constant value \"linux/amd64\"", At(1, 6, 15));
        None(LintRules.FromPlatformFlagConstDisallowed, "FROM alpine AS base\n");
        None(LintRules.FromPlatformFlagConstDisallowed, "FROM --platform=${BUILDPLATFORM} alpine AS base\n");
        // the stage name says which platform it is for
        None(LintRules.FromPlatformFlagConstDisallowed,
            "FROM --platform=linux/amd64 alpine AS build_amd64\nFROM --platform=linux/arm64 alpine AS build_arm64\nFROM build_${TARGETARCH} AS build\n");
    }

    [Fact]
    public void UndefinedArgInFrom_flags_an_undeclared_arg_and_suggests_a_builtin()
    {
        Single(LintRules.UndefinedArgInFrom, "FROM node:22${VARIANT} AS jsbuilder\n", "FROM argument 'VARIANT' is not declared", At(1, 13, 22));
        Single(LintRules.UndefinedArgInFrom, "FROM --platform=$BUILDPLATFROM alpine\n",
            "FROM argument 'BUILDPLATFROM' is not declared (did you mean BUILDPLATFORM?)", At(1, 17, 30));
        None(LintRules.UndefinedArgInFrom, "ARG VARIANT=\"-alpine3.20\"\nFROM node:22${VARIANT} AS jsbuilder\n");
        None(LintRules.UndefinedArgInFrom, "FROM --platform=$BUILDPLATFORM golang AS build\nFROM alpine:${TARGETARCH}\n");
    }

    [Fact]
    public void InvalidDefaultArgInFrom_flags_a_base_that_is_invalid_without_build_args()
    {
        Single(LintRules.InvalidDefaultArgInFrom, "ARG TAG\nFROM busybox:${TAG}\n",
            "Default value for ARG busybox:${TAG} results in empty or invalid base image name", At(2, 6, 19));
        Single(LintRules.InvalidDefaultArgInFrom, "ARG BASE\nFROM $BASE\n", "Default value for ARG $BASE results in empty or invalid base image name", At(2, 6, 10));
        None(LintRules.InvalidDefaultArgInFrom, "ARG TAG=latest\nFROM busybox:${TAG}\n");
        None(LintRules.InvalidDefaultArgInFrom, "ARG VARIANT\nFROM busybox:stable${VARIANT}\n");
        None(LintRules.InvalidDefaultArgInFrom, "ARG TAG\nFROM alpine:${TAG:-3.14}\n");
        None(LintRules.InvalidDefaultArgInFrom, "ARG STAGE=build\nFROM alpine AS build\nFROM ${STAGE}\n");
    }

    [Fact]
    public void Build_args_do_not_hide_an_invalid_default()
    {
        var options = new LintOptions { BuildArgs = new BuildArgs { Values = new Dictionary<string, string> { ["TAG"] = "1.36" } } };
        Assert.Single(Of(LintRules.InvalidDefaultArgInFrom, "ARG TAG\nFROM busybox:${TAG}\n", options));
    }
}
