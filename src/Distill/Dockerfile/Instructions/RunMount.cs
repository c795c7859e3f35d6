namespace Distill.Dockerfile;

/// <summary>A <c>RUN --mount=…</c>: type and its options (<see href="https://docs.docker.com/reference/dockerfile/#run---mount">reference</see>).</summary>
public sealed record RunMount
{
    public required string Type { get; init; }
    public string? Target { get; init; }
    public string? Source { get; init; }
    public string? From { get; init; }
    public string? Id { get; init; }
    public bool ReadOnly { get; init; }
    /// <summary><c>rw</c> was given: a bind mount is writable (its writes are discarded); without it, bind mounts are read-only.</summary>
    public bool ReadWrite { get; init; }
    public string? Sharing { get; init; }
    public string? Mode { get; init; }
    public string? Uid { get; init; }
    public string? Gid { get; init; }
    public bool Required { get; init; }
    public string? Env { get; init; }
    public string? Size { get; init; }

    public static readonly string[] Types = ["bind", "cache", "tmpfs", "secret", "ssh"];

    /// <summary>Parses <c>type=cache,target=/x,...</c>; throws with the reason on bad input.</summary>
    public static RunMount Parse(string value)
    {
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var key = (eq < 0 ? part : part[..eq]).Trim().ToLowerInvariant();
            fields[key] = eq < 0 ? null : part[(eq + 1)..].Trim();
        }
        var type = fields.TryGetValue("type", out var t) ? t ?? "" : "bind";
        if (!Types.Contains(type))
            throw new FormatException($"unsupported mount type \"{type}\"");
        var mount = new RunMount { Type = type };
        foreach (var (key, v) in fields)
        {
            mount = key switch
            {
                "type" => mount,
                "target" or "dst" or "destination" => mount with { Target = v },
                "source" or "src" => mount with { Source = v },
                "from" => mount with { From = v },
                "id" => mount with { Id = v },
                "readonly" or "ro" => mount with { ReadOnly = v is null || ParseBool(v, key) },
                "readwrite" or "rw" => mount with { ReadOnly = !(v is null || ParseBool(v, key)), ReadWrite = v is null || ParseBool(v, key) },
                "sharing" => v is "shared" or "private" or "locked" ? mount with { Sharing = v } : throw new FormatException($"unsupported sharing value \"{v}\""),
                "mode" => mount with { Mode = v },
                "uid" => mount with { Uid = v },
                "gid" => mount with { Gid = v },
                "required" => mount with { Required = v is null || ParseBool(v, key) },
                "env" => mount with { Env = v },
                "size" => mount with { Size = v },
                _ => throw new FormatException($"unexpected key '{key}' in '{value}'"),
            };
        }
        if (type is "bind" or "cache" or "tmpfs" && string.IsNullOrEmpty(mount.Target))
            throw new FormatException($"mount type \"{type}\" needs a target");
        if (type == "secret" && mount.Id is null && mount.Target is null && mount.Env is null)
            throw new FormatException("secret mount needs an id or a target");
        return mount;
    }

    private static bool ParseBool(string value, string key) => value.ToLowerInvariant() switch
    {
        "true" or "1" => true,
        "false" or "0" => false,
        _ => throw new FormatException($"invalid value \"{value}\" for {key}"),
    };
}
