namespace Distill.Analysis;

/// <summary>What an ELF file is (<c>e_type</c>, with <c>ET_DYN</c> split into PIE and shared object as <c>file(1)</c> does).</summary>
public enum ElfObjectType
{
    Unknown,
    Relocatable,
    Executable,
    PositionIndependentExecutable,
    SharedObject,
    Core,
}
