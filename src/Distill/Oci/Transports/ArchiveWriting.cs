namespace Distill.Oci;

/// <summary>Entries of the archives Distill writes (oci-archive, docker-archive): root-owned, mode 0644/0755, time from <see cref="Reproducible"/>.</summary>
internal static class ArchiveWriting
{
    public static ValueTask WriteDirectoryAsync(TarStreamWriter tar, string name, CancellationToken ct) =>
        tar.WriteEntryAsync(new TarEntryHeader { Name = name, Kind = TarEntryKind.Directory, Mode = 0x1ed, ModTime = Reproducible.ModTime }, null, ct);

    public static ValueTask WriteFileAsync(TarStreamWriter tar, string name, long size, Stream data, CancellationToken ct) =>
        tar.WriteEntryAsync(new TarEntryHeader { Name = name, Kind = TarEntryKind.File, Mode = 0x1a4, Size = size, ModTime = Reproducible.ModTime }, data, ct);

    public static async ValueTask WriteBytesAsync(TarStreamWriter tar, string name, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        using var data = new MemoryStream(content.ToArray(), writable: false);
        await WriteFileAsync(tar, name, content.Length, data, ct);
    }
}
