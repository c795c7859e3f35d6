using System.Buffers.Binary;
using System.Text;

namespace Distill.Analysis;

/// <summary>
/// Reads the parts of an ELF file that decide whether it can run: header, program headers, <c>PT_INTERP</c>,
/// <c>PT_DYNAMIC</c> (strings through <c>DT_STRTAB</c> mapped by the <c>PT_LOAD</c> segments, as the loader maps them),
/// and, when present, section names for .NET Native AOT markers. Every offset is bounds-checked: a truncated or
/// corrupt file gives an <see cref="ElfFile"/> with <see cref="ElfFile.Problems"/>, or null when it is not ELF at all.
/// </summary>
public static class ElfReader
{
    private const uint PtLoad = 1, PtDynamic = 2, PtInterp = 3;
    private const long DtNull = 0, DtNeeded = 1, DtStrTab = 5, DtStrSz = 10, DtSoName = 14, DtRPath = 15, DtRunPath = 29, DtFlags1 = 0x6ffffffb;
    private const ulong Df1Pie = 0x08000000;
    private const int MaxEntries = 1 << 16;

    /// <summary>True when the bytes start with the ELF magic.</summary>
    public static bool IsElf(ReadOnlySpan<byte> data) => data.Length >= 4 && data[0] == 0x7f && data[1] == (byte)'E' && data[2] == (byte)'L' && data[3] == (byte)'F';

    /// <summary>The file's loader view, or null when it is not ELF.</summary>
    public static ElfFile? Read(ReadOnlySpan<byte> data)
    {
        if (!IsElf(data))
            return null;
        var problems = new List<string>();
        if (data.Length < 52 || data[4] is not (1 or 2) || data[5] is not (1 or 2))
            return new ElfFile { Bits = 0, BigEndian = false, Machine = 0, Type = ElfObjectType.Unknown, Problems = ["truncated or invalid ELF header"] };
        var r = new Fields(data, data[4] == 2, data[5] == 2);
        if (r.Is64 && data.Length < 64)
            return new ElfFile { Bits = 64, BigEndian = r.BigEndian, Machine = 0, Type = ElfObjectType.Unknown, Problems = ["truncated ELF header"] };
        var type = r.U16(16);
        var machine = r.U16(18);
        var phoff = r.Addr(r.Is64 ? 32 : 28);
        var shoff = r.Addr(r.Is64 ? 40 : 32);
        var phentsize = r.U16(r.Is64 ? 54 : 42);
        var phnum = r.U16(r.Is64 ? 56 : 44);
        var shentsize = r.U16(r.Is64 ? 58 : 46);
        var shnum = r.U16(r.Is64 ? 60 : 48);
        var shstrndx = r.U16(r.Is64 ? 62 : 50);

        var segments = new List<Segment>();
        if (phnum > 0 && (phentsize < (r.Is64 ? 56 : 32) || !r.InRange(phoff, (ulong)phentsize * phnum)))
            problems.Add("program headers lie outside the file (truncated?)");
        else
        {
            for (var i = 0; i < phnum; i++)
                segments.Add(r.ProgramHeader((int)phoff + (i * phentsize)));
        }

        string? interpreter = null;
        foreach (var s in segments.Where(s => s.Type == PtInterp))
        {
            if (!r.InRange(s.Offset, s.FileSize))
                problems.Add("PT_INTERP lies outside the file (truncated?)");
            else
                interpreter = CString(data.Slice((int)s.Offset, (int)s.FileSize));
        }

        var needed = new List<string>();
        string? rpath = null, runpath = null, soname = null;
        var pie = false;
        var dynamicSegment = segments.Where(s => s.Type == PtDynamic).Select(s => (Segment?)s).FirstOrDefault();
        var hasDynamic = dynamicSegment is not null;
        var dynstr = ReadOnlySpan<byte>.Empty;
        if (dynamicSegment is { } dyn)
        {
            if (!r.InRange(dyn.Offset, dyn.FileSize))
                problems.Add("PT_DYNAMIC lies outside the file (truncated?)");
            else
            {
                var entrySize = r.Is64 ? 16 : 8;
                var entries = new List<(long Tag, ulong Value)>();
                for (var at = (int)dyn.Offset; at + entrySize <= (int)(dyn.Offset + dyn.FileSize) && entries.Count < MaxEntries; at += entrySize)
                {
                    var tag = r.Is64 ? (long)r.U64(at) : r.I32(at);
                    if (tag == DtNull)
                        break;
                    entries.Add((tag, r.Is64 ? r.U64(at + 8) : r.U32(at + 4)));
                }
                var strtab = entries.Where(e => e.Tag == DtStrTab).Select(e => (ulong?)e.Value).FirstOrDefault();
                var strsz = entries.Where(e => e.Tag == DtStrSz).Select(e => (ulong?)e.Value).FirstOrDefault();
                if (strtab is { } address && MapAddress(segments, address) is { } offset && r.InRange(offset, strsz ?? 0))
                    dynstr = data.Slice((int)offset, strsz is { } size ? (int)size : data.Length - (int)offset);
                else if (entries.Any(e => e.Tag is DtNeeded or DtSoName or DtRPath or DtRunPath))
                    problems.Add("the dynamic string table (DT_STRTAB) lies outside the file (truncated?)");
                foreach (var (tag, value) in entries)
                {
                    if (tag == DtFlags1)
                        pie |= (value & Df1Pie) != 0;
                    if (tag is not (DtNeeded or DtSoName or DtRPath or DtRunPath) || dynstr.IsEmpty)
                        continue;
                    if (value >= (ulong)dynstr.Length)
                    {
                        problems.Add($"dynamic entry {tag} points outside the string table");
                        continue;
                    }
                    var text = CString(dynstr[(int)value..]);
                    switch (tag)
                    {
                        case DtNeeded: needed.Add(text); break;
                        case DtSoName: soname = text; break;
                        case DtRPath: rpath = text; break;
                        case DtRunPath: runpath = text; break;
                    }
                }
            }
        }

        var sections = SectionNames(r, shoff, shentsize, shnum, shstrndx);
        var aot = sections.Contains("__managedcode") || sections.Contains("__modules") || sections.Contains(".dotnet_eh_table")
            || dynstr.IndexOf("DotNetRuntimeDebugHeader"u8) >= 0;
        return new ElfFile
        {
            Bits = r.Is64 ? 64 : 32,
            BigEndian = r.BigEndian,
            Machine = machine,
            Type = type switch
            {
                1 => ElfObjectType.Relocatable,
                2 => ElfObjectType.Executable,
                3 => pie || interpreter is not null ? ElfObjectType.PositionIndependentExecutable : ElfObjectType.SharedObject,
                4 => ElfObjectType.Core,
                _ => ElfObjectType.Unknown,
            },
            Interpreter = interpreter,
            Needed = needed,
            RPath = rpath,
            RunPath = runpath,
            SoName = soname,
            HasDynamicSection = hasDynamic,
            Go = GoBuildInfo.Find(data),
            IsDotNetAot = aot,
            Problems = problems,
        };
    }

    /// <summary>The file offset of a virtual address, through the <c>PT_LOAD</c> segment that maps it.</summary>
    private static ulong? MapAddress(List<Segment> segments, ulong address)
    {
        foreach (var s in segments)
        {
            if (s.Type == PtLoad && address >= s.VirtualAddress && address - s.VirtualAddress < s.FileSize)
                return s.Offset + (address - s.VirtualAddress);
        }
        return null;
    }

    /// <summary>Section names, when the section headers and their string table are intact (they are optional to the loader).</summary>
    private static HashSet<string> SectionNames(Fields r, ulong shoff, ushort shentsize, ushort shnum, ushort shstrndx)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var minimum = r.Is64 ? 64 : 40;
        if (shnum == 0 || shentsize < minimum || shstrndx >= shnum || !r.InRange(shoff, (ulong)shentsize * shnum))
            return names;
        var table = (int)shoff + (shstrndx * shentsize);
        var (strOffset, strSize) = r.Is64 ? (r.U64(table + 24), r.U64(table + 32)) : (r.U32(table + 16), (ulong)r.U32(table + 20));
        if (!r.InRange(strOffset, strSize))
            return names;
        var strings = r.Data.Slice((int)strOffset, (int)strSize);
        for (var i = 0; i < shnum; i++)
        {
            var name = r.U32((int)shoff + (i * shentsize));
            if (name < strings.Length)
                names.Add(CString(strings[(int)name..]));
        }
        return names;
    }

    private static string CString(ReadOnlySpan<byte> bytes)
    {
        var end = bytes.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
    }

    private readonly record struct Segment(uint Type, ulong Offset, ulong VirtualAddress, ulong FileSize);

    /// <summary>Fixed-width fields in the file's byte order; callers check ranges first.</summary>
    private readonly ref struct Fields(ReadOnlySpan<byte> data, bool is64, bool bigEndian)
    {
        public ReadOnlySpan<byte> Data { get; } = data;
        public bool Is64 { get; } = is64;
        public bool BigEndian { get; } = bigEndian;

        public bool InRange(ulong offset, ulong length) => offset <= (ulong)Data.Length && length <= (ulong)Data.Length - offset;

        public ushort U16(int at) => BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(Data[at..]) : BinaryPrimitives.ReadUInt16LittleEndian(Data[at..]);
        public uint U32(int at) => BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(Data[at..]) : BinaryPrimitives.ReadUInt32LittleEndian(Data[at..]);
        public int I32(int at) => (int)U32(at);
        public ulong U64(int at) => BigEndian ? BinaryPrimitives.ReadUInt64BigEndian(Data[at..]) : BinaryPrimitives.ReadUInt64LittleEndian(Data[at..]);
        public ulong Addr(int at) => Is64 ? U64(at) : U32(at);

        public Segment ProgramHeader(int at) => Is64
            ? new Segment(U32(at), U64(at + 8), U64(at + 16), U64(at + 32))
            : new Segment(U32(at), U32(at + 4), U32(at + 8), U32(at + 16));
    }
}
