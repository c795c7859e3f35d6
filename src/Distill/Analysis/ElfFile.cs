namespace Distill.Analysis;

/// <summary>
/// What the loader sees in an ELF file (<see href="https://refspecs.linuxfoundation.org/elf/gabi4+/contents.html">gABI</see>):
/// its class and machine, <c>PT_INTERP</c>, and the dynamic section's <c>DT_NEEDED</c>, <c>DT_RPATH</c>,
/// <c>DT_RUNPATH</c> and <c>DT_SONAME</c>, read through the program headers as <c>ld.so</c> does (section headers may be
/// stripped). <see cref="Problems"/> lists what could not be read; a file with problems is never thrown about.
/// </summary>
public sealed record ElfFile
{
    /// <summary>32 or 64 (<c>EI_CLASS</c>).</summary>
    public required int Bits { get; init; }
    public required bool BigEndian { get; init; }
    public required ushort Machine { get; init; }
    public required ElfObjectType Type { get; init; }
    public string? Interpreter { get; init; }
    public IReadOnlyList<string> Needed { get; init; } = [];
    public string? RPath { get; init; }
    public string? RunPath { get; init; }
    public string? SoName { get; init; }
    public bool HasDynamicSection { get; init; }
    public GoBuildInfo? Go { get; init; }

    /// <summary>Built by .NET Native AOT (ILCompiler's <c>__managedcode</c>/<c>__modules</c> sections or its exported debug header).</summary>
    public bool IsDotNetAot { get; init; }

    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>Needs no loader and no library: no <c>PT_INTERP</c> and no <c>DT_NEEDED</c> (static and static-pie).</summary>
    public bool IsStatic => Interpreter is null && Needed.Count == 0;

    public string MachineName => ElfMachine.Name(Machine);

    /// <summary><c>ELF 64-bit LSB x86-64</c>, for messages.</summary>
    public string Describe() => $"ELF {Bits}-bit {(BigEndian ? "MSB" : "LSB")} {MachineName}";

    /// <summary>True when the loader could load <paramref name="other"/> into this object's process (same class, byte order, machine).</summary>
    public bool IsCompatibleWith(ElfFile other) => Bits == other.Bits && BigEndian == other.BigEndian && Machine == other.Machine;
}
