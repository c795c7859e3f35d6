namespace Distill.Analysis;

/// <summary>
/// ELF machines (<c>e_machine</c>) Distill knows by name, and what each means for an image: the OCI architecture,
/// Debian's multiarch triplet, glibc's <c>$PLATFORM</c> and musl's loader name.
/// </summary>
public static class ElfMachine
{
    public const ushort I386 = 3;
    public const ushort Arm = 40;
    public const ushort Amd64 = 62;
    public const ushort Aarch64 = 183;
    public const ushort PowerPc64 = 21;
    public const ushort S390 = 22;
    public const ushort RiscV = 243;

    public static string Name(ushort machine) => machine switch
    {
        I386 => "i386",
        Arm => "arm",
        Amd64 => "x86-64",
        Aarch64 => "aarch64",
        PowerPc64 => "ppc64",
        S390 => "s390x",
        RiscV => "riscv",
        _ => $"machine {machine}",
    };

    /// <summary>The OCI architecture (<c>amd64</c>, <c>arm64</c>, …) a machine runs as, or null when unknown.</summary>
    public static string? Architecture(ushort machine, int bits, bool bigEndian) => (machine, bits) switch
    {
        (I386, _) => "386",
        (Arm, _) => "arm",
        (Amd64, _) => "amd64",
        (Aarch64, _) => "arm64",
        (PowerPc64, 64) => bigEndian ? "ppc64" : "ppc64le",
        (S390, 64) => "s390x",
        (RiscV, 64) => "riscv64",
        _ => null,
    };

    /// <summary>Debian's multiarch triplet (<c>x86_64-linux-gnu</c>), the directory under <c>/lib</c> and <c>/usr/lib</c>.</summary>
    public static string? Multiarch(ushort machine, int bits) => (machine, bits) switch
    {
        (I386, _) => "i386-linux-gnu",
        (Arm, _) => "arm-linux-gnueabihf",
        (Amd64, 64) => "x86_64-linux-gnu",
        (Aarch64, _) => "aarch64-linux-gnu",
        (PowerPc64, 64) => "powerpc64le-linux-gnu",
        (S390, 64) => "s390x-linux-gnu",
        (RiscV, 64) => "riscv64-linux-gnu",
        _ => null,
    };

    /// <summary>glibc's <c>$PLATFORM</c> (the AT_PLATFORM the kernel gives).</summary>
    public static string Platform(ushort machine) => machine switch
    {
        I386 => "i686",
        Arm => "v7l",
        Amd64 => "x86_64",
        Aarch64 => "aarch64",
        PowerPc64 => "power8",
        S390 => "z900",
        RiscV => "riscv64",
        _ => "unknown",
    };

    /// <summary>musl's name for the architecture, as in <c>/lib/ld-musl-ARCH.so.1</c> and <c>/etc/ld-musl-ARCH.path</c>.</summary>
    public static string Musl(ushort machine) => machine switch
    {
        I386 => "i386",
        Arm => "armhf",
        Amd64 => "x86_64",
        Aarch64 => "aarch64",
        PowerPc64 => "powerpc64le",
        S390 => "s390x",
        RiscV => "riscv64",
        _ => "unknown",
    };
}
