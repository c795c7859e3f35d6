namespace Distill.Tests.Support;

/// <summary>What a <see cref="FaultProxy"/> injects, how often, into which requests.</summary>
public sealed record FaultProxyOptions
{
    /// <summary>
    /// Seeds the decisions. Each exchange's decision comes from (seed, method, path, how many times that method and path
    /// were requested before), so the same requests get the same faults whatever the order concurrent requests arrive in.
    /// </summary>
    public int Seed { get; init; }

    /// <summary>The chance (0..1) that an exchange <see cref="Applies"/> to gets a fault; changeable later via <see cref="FaultProxy.Probability"/>.</summary>
    public double Probability { get; init; }

    /// <summary>The kinds to choose from (uniformly) when an exchange gets a fault.</summary>
    public IReadOnlyList<FaultKind> Kinds { get; init; } = Enum.GetValues<FaultKind>();

    /// <summary>Which exchanges may get faults, by method and path with query (default: all). E.g. only blob GETs.</summary>
    public Func<string, string, bool> Applies { get; init; } = (_, _) => true;

    /// <summary>The <c>Retry-After</c> seconds sent with 429 (and 503) answers.</summary>
    public int RetryAfterSeconds { get; init; }

    /// <summary>At most this many faults in all (null = no limit): "fail twice, then work".</summary>
    public int? MaxFaults { get; init; }

    public static bool BlobGets(string method, string pathAndQuery) =>
        method == "GET" && pathAndQuery.Contains("/blobs/sha256:", StringComparison.Ordinal);
}
