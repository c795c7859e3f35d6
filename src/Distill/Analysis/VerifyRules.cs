namespace Distill.Analysis;

/// <summary>The rules <c>distill verify</c> applies; ids are stable (scripts match on them).</summary>
public static class VerifyRules
{
    public static readonly VerifyRule NoCommand = new("no-command", "The image has an entrypoint or a command");
    public static readonly VerifyRule CommandNotFound = new("command-not-found", "The entrypoint (or command) exists in the image");
    public static readonly VerifyRule NotRegularFile = new("not-a-file", "The entrypoint is a regular file");
    public static readonly VerifyRule NotExecutable = new("not-executable", "The entrypoint has an execute bit");
    public static readonly VerifyRule SymlinkLoop = new("symlink-loop", "Paths resolve without symlink loops");
    public static readonly VerifyRule ExecFormat = new("exec-format", "The entrypoint is an ELF executable or a #! script");
    public static readonly VerifyRule MalformedElf = new("elf-malformed", "ELF files can be read");
    public static readonly VerifyRule PlatformMismatch = new("platform-mismatch", "The entrypoint's machine matches the image's platform");
    public static readonly VerifyRule InterpreterMissing = new("interpreter-missing", "The ELF interpreter (PT_INTERP) is in the image");
    public static readonly VerifyRule ScriptInterpreterMissing = new("script-interpreter-missing", "A #! script's interpreter is in the image");
    public static readonly VerifyRule LibraryMissing = new("library-missing", "Every needed library (DT_NEEDED, transitively) is in the image");
    public static readonly VerifyRule LibraryNotInCache = new("library-not-in-cache", "Libraries in ld.so.conf directories are in /etc/ld.so.cache");
    public static readonly VerifyRule IcuMissing = new("icu-missing", ".NET without invariant globalization finds ICU");
    public static readonly VerifyRule OpenSslMissing = new("openssl-missing", ".NET with cryptography finds OpenSSL");
    public static readonly VerifyRule CaBundleMissing = new("ca-bundle-missing", "A program that makes TLS connections finds a CA bundle");
    public static readonly VerifyRule NssModuleMissing = new("nss-module-missing", "Every NSS service /etc/nsswitch.conf names has its libnss module");
    public static readonly VerifyRule TimeZoneDataMissing = new("tzdata-missing", "A program that uses named time zones finds tzdata");
    public static readonly VerifyRule PythonStdlibMissing = new("python-stdlib-missing", "A Python interpreter finds its standard library");
    public static readonly VerifyRule UnknownUser = new("user-unknown", "USER given by name exists in /etc/passwd");
    public static readonly VerifyRule UnknownGroup = new("group-unknown", "A group given by name exists in /etc/group");
}
