using CsCheck;
using Distill.Oci;

namespace Distill.Tests.Oci;

/// <summary>CsCheck generators of schema-valid OCI documents, with text that needs JSON escaping.</summary>
internal static class OciGen
{
    /// <summary>Text with quotes, backslashes, control and non-ASCII characters (never lone surrogates).</summary>
    public static readonly Gen<string> Text = Gen.String[Gen.Char["abcxyz019 -_./:=+<>&'\"\\\n\t\u0001éß日本Ω"], 0, 24];

    public static readonly Gen<string> Word = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789"], 1, 12];

    public static readonly Gen<Digest> AnyDigest = Gen.Byte.Array[0, 16].Select(b => Digest.Compute(b));

    public static readonly Gen<string> MediaType = Gen.OneOf(
        Gen.OneOfConst(MediaTypes.OciLayerGzip, MediaTypes.OciLayerZstd, MediaTypes.OciLayer, MediaTypes.OciConfig, MediaTypes.OciManifest,
            MediaTypes.DockerLayerGzip, MediaTypes.OciEmpty),
        Word.Select(w => $"application/vnd.example.{w}+json"));

    public static readonly Gen<IReadOnlyDictionary<string, string>?> Annotations = Gen.Frequency(
        (2, Gen.Const((IReadOnlyDictionary<string, string>?)null)),
        (1, Gen.Select(Word.Select(w => "org.example." + w), Text).Array[1, 4]
            .Select(p => (IReadOnlyDictionary<string, string>?)p.DistinctBy(x => x.Item1).ToDictionary(x => x.Item1, x => x.Item2, StringComparer.Ordinal))));

    private static Gen<T?> Maybe<T>(Gen<T> gen) where T : class => Gen.Frequency((1, Gen.Const((T?)null)), (1, gen.Select(v => (T?)v)));

    private static Gen<IReadOnlyList<string>?> MaybeList(Gen<string> item) =>
        Maybe(item.Array[0, 4].Select(a => (IReadOnlyList<string>)a));

    public static readonly Gen<Platform> AnyPlatform = Gen.Select(
        Gen.OneOfConst("linux", "windows", "freebsd"), Gen.OneOfConst("amd64", "arm64", "arm", "riscv64", "s390x"),
        Maybe(Gen.OneOfConst("v5", "v6", "v7", "v8")), Maybe(Gen.OneOfConst("10.0.17763.1879", "10.0.20348.2227")),
        MaybeList(Gen.OneOfConst("win32k", "sse4")),
        (os, arch, variant, osVersion, features) => new Platform { Os = os, Architecture = arch, Variant = variant, OsVersion = osVersion, OsFeatures = features });

    public static readonly Gen<Descriptor> AnyDescriptor = Gen.Select(
        MediaType, AnyDigest, Gen.Long[0, long.MaxValue], Annotations, Maybe(AnyPlatform), MaybeList(Word.Select(w => $"https://example.com/blobs/{w}")),
        Maybe(Gen.Byte.Array[0, 20].Select(Convert.ToBase64String)), Maybe(MediaType),
        (mediaType, digest, size, annotations, platform, urls, data, artifactType) => new Descriptor
        {
            MediaType = mediaType, Digest = digest, Size = size, Annotations = annotations, Platform = platform,
            Urls = urls, Data = data, ArtifactType = artifactType,
        });

    public static readonly Gen<ImageManifest> Manifest = Gen.Select(
        Maybe(Gen.OneOfConst(MediaTypes.OciManifest, MediaTypes.DockerManifest)), AnyDescriptor, AnyDescriptor.Array[1, 5], Maybe(AnyDescriptor),
        Annotations, Maybe(MediaType),
        (mediaType, config, layers, subject, annotations, artifactType) => new ImageManifest
        {
            MediaType = mediaType, Config = config, Layers = layers, Subject = subject, Annotations = annotations, ArtifactType = artifactType,
        });

    public static readonly Gen<ImageIndex> Index = Gen.Select(
        Maybe(Gen.OneOfConst(MediaTypes.OciIndex, MediaTypes.DockerManifestList)), AnyDescriptor.Array[0, 5], Maybe(AnyDescriptor), Annotations,
        (mediaType, manifests, subject, annotations) => new ImageIndex { MediaType = mediaType, Manifests = manifests, Subject = subject, Annotations = annotations });

    public static readonly Gen<string> Created = Gen.Long[0, 253402300799L]
        .Select(s => DateTimeOffset.FromUnixTimeSeconds(s).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));

    private static Gen<IReadOnlyDictionary<string, EmptyObject>?> EmptyObjectMap(Gen<string> key) =>
        Maybe(key.Array[0, 3].Select(k => (IReadOnlyDictionary<string, EmptyObject>)k.Distinct().ToDictionary(x => x, _ => EmptyObject.Instance, StringComparer.Ordinal)));

    public static readonly Gen<ContainerConfig> Container = Gen.Select(
        Maybe(Gen.OneOfConst("root", "1000", "1000:1000", "app")),
        EmptyObjectMap(Gen.Select(Gen.Int[1, 65535], Gen.OneOfConst("tcp", "udp"), (p, proto) => $"{p}/{proto}")),
        MaybeList(Gen.Select(Word, Text, (k, v) => $"{k.ToUpperInvariant()}={v}")),
        MaybeList(Text), MaybeList(Text), EmptyObjectMap(Word.Select(w => "/data/" + w)),
        Maybe(Word.Select(w => "/" + w)),
        Gen.Select(Annotations, Maybe(Gen.OneOfConst("SIGTERM", "SIGINT", "SIGRTMIN+3"))),
        (user, ports, env, entrypoint, cmd, volumes, workdir, rest) => new ContainerConfig
        {
            User = user, ExposedPorts = ports, Env = env, Entrypoint = entrypoint, Cmd = cmd, Volumes = volumes, WorkingDir = workdir,
            Labels = rest.Item1, StopSignal = rest.Item2,
        });

    public static readonly Gen<HistoryEntry> History = Gen.Select(Maybe(Created), Maybe(Text), Maybe(Text), Maybe(Text), Gen.Bool.Select(b => b ? true : (bool?)null),
        (created, createdBy, author, comment, empty) => new HistoryEntry { Created = created, CreatedBy = createdBy, Author = author, Comment = comment, EmptyLayer = empty });

    public static readonly Gen<ImageConfig> Config = Gen.Select(
        Maybe(Created), Maybe(Text), AnyPlatform, Maybe(Container), AnyDigest.Array[0, 6], Maybe(History.Array[0, 4].Select(h => (IReadOnlyList<HistoryEntry>)h)),
        (created, author, platform, container, diffIds, history) => new ImageConfig
        {
            Created = created, Author = author, Architecture = platform.Architecture, Os = platform.Os, Variant = platform.Variant,
            OsVersion = platform.OsVersion, OsFeatures = platform.OsFeatures, Config = container, RootFs = new RootFs { DiffIds = diffIds }, History = history,
        });
}
