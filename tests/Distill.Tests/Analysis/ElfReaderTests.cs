using Distill.Analysis;
using Distill.Tests.Integration;

namespace Distill.Tests.Analysis;

/// <summary>The ELF reader on real binaries: clang's C programs, Go with and without cgo, the calculator's Native AOT build, glibc itself.</summary>
public sealed class ElfReaderTests
{
    private static async Task<ElfFile> ReadAsync(string path)
    {
        var elf = ElfReader.Read(await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken));
        Assert.NotNull(elf);
        Assert.Empty(elf.Problems);
        return elf;
    }

    [Fact]
    public async Task A_c_program_linked_with_libm_needs_the_loader_libm_and_libc()
    {
        var programs = await NativePrograms.GetAsync();
        var elf = await ReadAsync(Path.Combine(programs.CMath, "app"));
        Assert.Equal(64, elf.Bits);
        Assert.False(elf.BigEndian);
        Assert.Equal(ElfMachine.Amd64, elf.Machine);
        Assert.Equal("x86-64", elf.MachineName);
        Assert.Equal(ElfObjectType.PositionIndependentExecutable, elf.Type);
        Assert.Equal("/lib64/ld-linux-x86-64.so.2", elf.Interpreter);
        Assert.Equal(["libm.so.6", "libc.so.6"], elf.Needed);
        Assert.False(elf.IsStatic);
        Assert.Null(elf.Go);
        Assert.False(elf.IsDotNetAot);
        Assert.Null(elf.RunPath);
        Assert.Null(elf.RPath);
    }

    [Fact]
    public async Task Runpath_and_rpath_are_told_apart()
    {
        var programs = await NativePrograms.GetAsync();
        var runpath = await ReadAsync(Path.Combine(programs.CRunPath, "bin", "app"));
        Assert.Equal("$ORIGIN/../lib", runpath.RunPath);
        Assert.Null(runpath.RPath);
        var rpath = await ReadAsync(Path.Combine(programs.CRPath, "bin", "app"));
        Assert.Equal("$ORIGIN/../lib", rpath.RPath);
        Assert.Null(rpath.RunPath);
    }

    [Fact]
    public async Task A_shared_library_has_its_soname()
    {
        var libm = await ReadAsync("/lib/x86_64-linux-gnu/libm.so.6");
        Assert.Equal(ElfObjectType.SharedObject, libm.Type);
        Assert.Equal("libm.so.6", libm.SoName);
        Assert.Contains("libc.so.6", libm.Needed);
        // glibc's libc.so.6 can be run: it has an interpreter, so it reads as a PIE
        var libc = await ReadAsync("/lib/x86_64-linux-gnu/libc.so.6");
        Assert.Equal("libc.so.6", libc.SoName);
        Assert.Contains("ld-linux-x86-64.so.2", libc.Needed);
    }

    [Fact]
    public async Task Go_binaries_carry_their_build_info_and_cgo_setting()
    {
        var programs = await NativePrograms.GetAsync();
        var cgo = await ReadAsync(Path.Combine(programs.GoCgo, "app"));
        Assert.NotNull(cgo.Go);
        Assert.StartsWith("go1.", cgo.Go.Version, StringComparison.Ordinal);
        Assert.True(cgo.Go.CgoEnabled);
        Assert.False(cgo.IsStatic);
        Assert.Contains("libc.so.6", cgo.Needed);

        var go = await ReadAsync(Path.Combine(programs.GoStatic, "app"));
        Assert.NotNull(go.Go);
        Assert.Equal(cgo.Go.Version, go.Go.Version);
        Assert.False(go.Go.CgoEnabled);
        Assert.True(go.IsStatic);
        Assert.Equal(ElfObjectType.Executable, go.Type);
        Assert.Null(go.Interpreter);
    }

    [Fact]
    public async Task The_native_aot_calculator_is_static_and_marked_as_dotnet()
    {
        var calculator = await CalculatorImage.GetAsync();
        var elf = await ReadAsync(Path.Combine(calculator.PublishDir, "calculator"));
        Assert.True(elf.IsDotNetAot);
        Assert.True(elf.IsStatic);
        Assert.Null(elf.Go);
    }

    /// <summary>
    /// The loader reads program headers only, so a binary without section headers runs — and must still show its
    /// needs. (ELFSharp 2.17.3 and LibObjectFile 2.3.1 both find no dynamic table in such a file: why Distill reads ELF itself.)
    /// </summary>
    [Fact]
    public async Task Section_headers_are_not_needed_to_see_interpreter_and_libraries()
    {
        var programs = await NativePrograms.GetAsync();
        var bytes = await File.ReadAllBytesAsync(Path.Combine(programs.CMath, "app"), TestContext.Current.CancellationToken);
        Array.Clear(bytes, 0x28, 8); // e_shoff
        Array.Clear(bytes, 0x3c, 4); // e_shnum, e_shstrndx
        var elf = ElfReader.Read(bytes);
        Assert.NotNull(elf);
        Assert.Equal("/lib64/ld-linux-x86-64.so.2", elf.Interpreter);
        Assert.Equal(["libm.so.6", "libc.so.6"], elf.Needed);
    }

    [Fact]
    public void Not_elf_is_null_and_a_bare_header_is_a_problem()
    {
        Assert.Null(ElfReader.Read("#!/bin/sh\necho hi\n"u8));
        Assert.Null(ElfReader.Read([]));
        var truncated = ElfReader.Read([0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1]);
        Assert.NotNull(truncated);
        Assert.NotEmpty(truncated.Problems);
    }

    [Fact]
    public async Task A_truncated_library_gives_problems_not_exceptions()
    {
        var bytes = await File.ReadAllBytesAsync("/lib/x86_64-linux-gnu/libm.so.6", TestContext.Current.CancellationToken);
        var elf = ElfReader.Read(bytes.AsSpan(0, 2000));
        Assert.NotNull(elf);
        Assert.NotEmpty(elf.Problems);
    }
}
