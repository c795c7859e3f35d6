namespace Distill.Oci;

/// <summary>The kinds of tar entries a layer may hold.</summary>
public enum TarEntryKind
{
    File,
    Directory,
    Symlink,
    Hardlink,
    CharDevice,
    BlockDevice,
    Fifo,
}
