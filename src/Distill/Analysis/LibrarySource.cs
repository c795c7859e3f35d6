namespace Distill.Analysis;

/// <summary>Where the loader found a library (the step of its search order that gave it).</summary>
public enum LibrarySource
{
    /// <summary>DT_NEEDED or PT_INTERP named a path.</summary>
    Path,
    RPath,
    LdLibraryPath,
    RunPath,
    LdSoCache,

    /// <summary>A directory of <c>/etc/ld.so.conf</c> that the cache does not cover: glibc would not look there.</summary>
    LdSoConf,
    DefaultDirectory,
    MuslPath,

    /// <summary>musl's loader is also libc, libm, libpthread, …</summary>
    Loader,
}
