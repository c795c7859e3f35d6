namespace Distill.Oci;

/// <summary>
/// Where an image is, in skopeo's transport syntax: <c>oci:DIR[:TAG]</c>, <c>oci-archive:FILE[:TAG]</c>,
/// <c>docker-archive:FILE[:REF|:@N]</c>, <c>docker://HOST/REPO[:TAG|@DIGEST]</c>; a bare <c>NAME[:TAG]</c> is the local store.
/// </summary>
public abstract record ImageReference
{
    /// <summary>The reference as a user writes it.</summary>
    public abstract override string ToString();

    public static ImageReference Parse(string value)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new FormatException("empty image reference");
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        var transport = colon > 0 ? value[..colon] : "";
        var rest = colon > 0 ? value[(colon + 1)..] : "";
        switch (transport)
        {
            case "oci":
            {
                var (path, tag) = SplitPath(rest, value);
                return new OciLayoutReference(path, tag);
            }
            case "oci-archive":
            {
                var (path, tag) = SplitPath(rest, value);
                return new OciArchiveReference(path, tag);
            }
            case "docker-archive":
            {
                var (path, reference) = SplitPath(rest, value);
                if (reference is null)
                    return new DockerArchiveReference(path, null, null);
                if (reference.StartsWith('@'))
                {
                    return int.TryParse(reference[1..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index)
                        ? new DockerArchiveReference(path, null, index)
                        : throw new FormatException($"invalid image reference \"{value}\": @N needs a number");
                }
                return new DockerArchiveReference(path, ParseName(reference, value), null);
            }
            case "docker":
                if (!rest.StartsWith("//", StringComparison.Ordinal))
                    throw new FormatException($"invalid image reference \"{value}\": docker transport needs docker://HOST/REPO");
                return new RegistryReference(ParseName(rest[2..], value));
            case "containers-storage" or "docker-daemon" or "dir":
                throw new FormatException($"image reference \"{value}\": transport \"{transport}\" is not supported; use oci:, oci-archive:, docker-archive:, docker:// or a store name");
        }
        return new StoreReference(ParseName(value, value));
    }

    private static ImageName ParseName(string name, string whole)
    {
        try
        {
            return ImageName.Parse(name);
        }
        catch (FormatException e)
        {
            throw new FormatException(whole == name ? e.Message : $"{e.Message} (in \"{whole}\")", e);
        }
    }

    private static (string Path, string? Tail) SplitPath(string rest, string whole)
    {
        if (rest.Length == 0)
            throw new FormatException($"invalid image reference \"{whole}\": missing path");
        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
            return (rest, null);
        var tail = rest[(colon + 1)..];
        return (rest[..colon], tail.Length == 0 ? null : tail);
    }
}

/// <summary><c>oci:DIR[:TAG]</c>: an OCI image layout directory; the tag is the <c>org.opencontainers.image.ref.name</c> annotation.</summary>
public sealed record OciLayoutReference(string Directory, string? Tag) : ImageReference
{
    public override string ToString() => Tag is null ? $"oci:{Directory}" : $"oci:{Directory}:{Tag}";
}

/// <summary><c>oci-archive:FILE[:TAG]</c>: an OCI image layout in a tar file.</summary>
public sealed record OciArchiveReference(string File, string? Tag) : ImageReference
{
    public override string ToString() => Tag is null ? $"oci-archive:{File}" : $"oci-archive:{File}:{Tag}";
}

/// <summary><c>docker-archive:FILE[:REF]</c> or <c>docker-archive:FILE:@N</c>: what <c>docker save</c> writes.</summary>
public sealed record DockerArchiveReference(string File, ImageName? Name, int? Index) : ImageReference
{
    public override string ToString() =>
        Name is not null ? $"docker-archive:{File}:{Name.Familiar}" : Index is not null ? $"docker-archive:{File}:@{Index}" : $"docker-archive:{File}";
}

/// <summary><c>docker://HOST/REPO[:TAG|@DIGEST]</c>: a registry (see the Registry module).</summary>
public sealed record RegistryReference(ImageName Name) : ImageReference
{
    public override string ToString() => $"docker://{Name}";
}

/// <summary>A bare <c>NAME[:TAG]</c>: the local store.</summary>
public sealed record StoreReference(ImageName Name) : ImageReference
{
    public override string ToString() => Name.Familiar;
}
