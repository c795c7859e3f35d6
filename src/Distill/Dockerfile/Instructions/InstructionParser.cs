using System.Globalization;

namespace Distill.Dockerfile;

/// <summary>Turns parsed nodes into typed instructions, checking arguments and flags; errors carry FILE:LINE:COL.</summary>
public static class InstructionParser
{
    private static readonly HashSet<string> None = [];
    private static readonly HashSet<string> FromFlags = ["platform"];
    private static readonly HashSet<string> RunFlags = ["mount", "network", "security"];
    private static readonly HashSet<string> CopyFlagNames = ["from", "chown", "chmod", "link", "parents", "exclude"];
    private static readonly HashSet<string> AddFlagNames = ["chown", "chmod", "link", "checksum", "keep-git-dir", "exclude", "unpack"];
    private static readonly HashSet<string> HealthFlags = ["interval", "timeout", "start-period", "start-interval", "retries"];
    private static readonly HashSet<string> Repeatable = ["mount", "exclude"];

    public static Instruction Parse(Node node, string file)
    {
        try
        {
            return ParseNode(node);
        }
        catch (FormatException e)
        {
            throw new DockerfileSyntaxException(file, node.Range.StartLine, node.Range.StartColumn, e.Message);
        }
    }

    private static Instruction ParseNode(Node node)
    {
        var keyword = node.Value.ToUpperInvariant();
        var args = node.Arguments.ToList();
        switch (keyword)
        {
            case "FROM":
            {
                var flags = InstructionFlags.Parse(node, keyword, FromFlags);
                if (args.Count is not (1 or 3) || (args.Count == 3 && !args[1].Equals("as", StringComparison.OrdinalIgnoreCase)))
                    throw new FormatException("FROM requires either one or three arguments: FROM <image> [AS <name>]");
                return new FromInstruction(node, args[0], args.Count == 3 ? args[2] : null, flags.String("platform"));
            }
            case "RUN":
            {
                var flags = InstructionFlags.Parse(node, keyword, RunFlags, Repeatable);
                if (args.Count == 0 && node.Heredocs.Count == 0)
                    throw new FormatException("RUN requires at least one argument");
                var network = flags.String("network");
                if (network is not (null or "default" or "none" or "host"))
                    throw new FormatException($"unsupported network mode \"{network}\": use default, none or host");
                var security = flags.String("security");
                if (security is not (null or "sandbox" or "insecure"))
                    throw new FormatException($"unsupported security mode \"{security}\": use sandbox or insecure");
                return new RunInstruction(node, CommandLine.From(node), flags.Strings("mount").Select(RunMount.Parse).ToList(), network, security);
            }
            case "CMD":
                InstructionFlags.Parse(node, keyword, None);
                return new CmdInstruction(node, CommandLine.From(node));
            case "ENTRYPOINT":
                InstructionFlags.Parse(node, keyword, None);
                return new EntrypointInstruction(node, CommandLine.From(node));
            case "SHELL":
                InstructionFlags.Parse(node, keyword, None);
                if (!node.IsJson || args.Count == 0)
                    throw new FormatException("SHELL requires the arguments to be in JSON form, e.g. SHELL [\"/bin/bash\", \"-c\"]");
                return new ShellInstruction(node, args);
            case "ENV" or "LABEL":
            {
                InstructionFlags.Parse(node, keyword, None);
                if (args.Count == 0)
                    throw new FormatException($"{keyword} requires at least one argument");
                var pairs = new List<KeyValue>();
                // the parser gives triples: key, value, separator ("=" or "" for the legacy KEY value form)
                for (var i = 0; i + 2 < args.Count; i += 3)
                {
                    if (args[i].Length == 0)
                        throw new FormatException($"{keyword} names must not be empty");
                    pairs.Add(new KeyValue(args[i], args[i + 1], args[i + 2].Length == 0));
                }
                return keyword == "ENV" ? new EnvInstruction(node, pairs) : new LabelInstruction(node, pairs);
            }
            case "ARG":
            {
                InstructionFlags.Parse(node, keyword, None);
                if (args.Count == 0)
                    throw new FormatException("ARG requires at least one argument");
                var declarations = args.Select(a =>
                {
                    var eq = a.IndexOf('=', StringComparison.Ordinal);
                    var name = eq < 0 ? a : a[..eq];
                    if (name.Length == 0)
                        throw new FormatException($"ARG names can not be blank: \"{a}\"");
                    return new ArgDeclaration(name, eq < 0 ? null : a[(eq + 1)..]);
                }).ToList();
                return new ArgInstruction(node, declarations);
            }
            case "EXPOSE":
                InstructionFlags.Parse(node, keyword, None);
                return args.Count == 0 ? throw new FormatException("EXPOSE requires at least one argument") : new ExposeInstruction(node, args);
            case "WORKDIR":
                InstructionFlags.Parse(node, keyword, None);
                return args.Count == 1 ? new WorkdirInstruction(node, args[0]) : throw new FormatException("WORKDIR requires exactly one argument");
            case "USER":
                InstructionFlags.Parse(node, keyword, None);
                return args.Count == 1 ? new UserInstruction(node, args[0]) : throw new FormatException("USER requires exactly one argument");
            case "VOLUME":
                InstructionFlags.Parse(node, keyword, None);
                if (args.Count == 0 || args.Any(a => a.Trim().Length == 0))
                    throw new FormatException("VOLUME specified can not be an empty string");
                return new VolumeInstruction(node, args);
            case "STOPSIGNAL":
                InstructionFlags.Parse(node, keyword, None);
                return args.Count == 1 ? new StopSignalInstruction(node, args[0]) : throw new FormatException("STOPSIGNAL requires exactly one argument");
            case "MAINTAINER":
                InstructionFlags.Parse(node, keyword, None);
                return args.Count == 1 ? new MaintainerInstruction(node, args[0]) : throw new FormatException("MAINTAINER requires exactly one argument");
            case "COPY" or "ADD":
                return ParseCopy(node, keyword, args);
            case "HEALTHCHECK":
                return ParseHealthcheck(node, args);
            case "ONBUILD":
            {
                InstructionFlags.Parse(node, keyword, None);
                var inner = node.Next?.Children is [var first, ..] ? first : throw new FormatException("ONBUILD requires at least one argument");
                var innerKeyword = inner.Value.ToUpperInvariant();
                if (innerKeyword is "ONBUILD" or "FROM" or "MAINTAINER")
                    throw new FormatException($"{innerKeyword} isn't allowed as an ONBUILD trigger");
                var trigger = ParseNode(new Node { Value = inner.Value, Next = inner.Next, Flags = inner.Flags, IsJson = inner.IsJson, Original = inner.Original, Range = node.Range });
                return new OnbuildInstruction(node, node.Original.TrimStart()[node.Value.Length..].Trim(), trigger);
            }
            default:
                throw new FormatException($"unknown instruction: {node.Value}{Suggestion(node.Value)}");
        }
    }

    private static Instruction ParseCopy(Node node, string keyword, List<string> args)
    {
        var flags = InstructionFlags.Parse(node, keyword, keyword == "COPY" ? CopyFlagNames : AddFlagNames, Repeatable);
        if (args.Count + node.Heredocs.Count < 2 && !(args.Count == 1 && node.Heredocs.Count > 0))
            throw new FormatException($"{keyword} requires at least two arguments, but only {args.Count} provided");
        var checksum = flags.String("checksum");
        var sources = args.Take(args.Count - 1).ToList();
        if (checksum is not null && !sources.All(s => s.Contains("://", StringComparison.Ordinal) || s.StartsWith("git@", StringComparison.Ordinal)))
            throw new FormatException("checksum can't be specified for non-HTTP(S) sources");
        return new CopyInstruction(node, sources, args[^1], new CopyFlags
        {
            From = keyword == "COPY" ? flags.String("from") : null,
            Chown = flags.String("chown"),
            Chmod = flags.String("chmod"),
            Link = flags.Bool("link"),
            Parents = keyword == "COPY" && flags.Bool("parents"),
            Excludes = flags.Strings("exclude"),
            Checksum = checksum,
            KeepGitDir = keyword == "ADD" && flags.Bool("keep-git-dir"),
            Unpack = keyword == "ADD" ? flags.BoolOrNull("unpack") : false,
        });
    }

    private static HealthcheckInstruction ParseHealthcheck(Node node, List<string> args)
    {
        var flags = InstructionFlags.Parse(node, "HEALTHCHECK", HealthFlags);
        if (args.Count == 0)
            throw new FormatException("HEALTHCHECK requires an argument: NONE or CMD <command>");
        var type = args[0].ToUpperInvariant();
        if (type == "NONE")
        {
            if (args.Count > 1 || node.Flags.Count > 0)
                throw new FormatException("HEALTHCHECK NONE takes no arguments or flags");
            return new HealthcheckInstruction(node, true, null, null, null, null, null, null);
        }
        if (type != "CMD")
            throw new FormatException($"unknown type for healthcheck: {args[0]} (expected NONE or CMD)");
        if (args.Count < 2)
            throw new FormatException("HEALTHCHECK CMD requires a command");
        foreach (var name in new[] { "interval", "timeout", "start-period", "start-interval" })
        {
            if (flags.String(name) is { } d && !GoDuration.TryParse(d, out _))
                throw new FormatException($"invalid duration for --{name}: \"{d}\"");
        }
        int? retries = null;
        if (flags.String("retries") is { } r)
        {
            if (!int.TryParse(r, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
                throw new FormatException($"--retries must be at least 1, not \"{r}\"");
            retries = n;
        }
        return new HealthcheckInstruction(node, false, new CommandLine(args.Skip(1).ToList(), !node.IsJson),
            flags.String("interval"), flags.String("timeout"), flags.String("start-period"), flags.String("start-interval"), retries);
    }

    private static readonly string[] Keywords = ["ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK",
        "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"];

    /// <summary>"did you mean COPY?" for near misses (edit distance ≤ 2).</summary>
    private static string Suggestion(string word)
    {
        var upper = word.ToUpperInvariant();
        var best = Keywords.Select(k => (k, d: Distance(k, upper))).OrderBy(x => x.d).First();
        return best.d <= 2 ? $" (did you mean {best.k}?)" : "";
    }

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }
}
