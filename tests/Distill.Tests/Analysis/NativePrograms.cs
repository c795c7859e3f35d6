using Distill.Tests.Support;

namespace Distill.Tests.Analysis;

/// <summary>
/// Real programs built once per test run with the host toolchains (clang, go), each in a directory of its own ready
/// for <c>distill pack</c>: a C program linked with -lm (PIE), the same with RUNPATH and with RPATH, one whose
/// interpreter is musl's, a C program linked against the host's OpenSSL, a Go program with cgo (os/user), a static Go one
/// and a static Go TLS client. Tests only read them.
/// </summary>
public sealed class NativePrograms
{
    private const string CSource = """
        #include <math.h>
        #include <stdio.h>
        #include <stdlib.h>
        int main(int argc, char **argv) { double x = argc > 1 ? atof(argv[1]) : 2.0; printf("%.3f\n", sqrt(x)); return 0; }
        """;

    /// <summary>Declared here rather than through openssl/ssl.h, so that the runtime library alone (libssl3) is needed.</summary>
    private const string CTlsSource = """
        extern int OPENSSL_init_ssl(unsigned long long opts, const void *settings);
        int main(void) { return OPENSSL_init_ssl(0, 0) == 1 ? 0 : 1; }
        """;

    /// <summary>The host's OpenSSL (libssl3, which python3.11-minimal depends on).</summary>
    public const string HostLibSsl = "/usr/lib/x86_64-linux-gnu/libssl.so.3";

    private const string GoSource = """
        package main

        import (
        	"fmt"
        	"os/user"
        )

        func main() {
        	u, err := user.Current()
        	fmt.Println(u, err)
        }
        """;

    private const string GoTlsSource = """
        package main

        import (
        	"crypto/tls"
        	"fmt"
        )

        func main() {
        	_, err := tls.Dial("tcp", "localhost:1", &tls.Config{})
        	fmt.Println(err)
        }
        """;

    private static readonly Lazy<Task<NativePrograms>> Shared = new(CreateAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    private NativePrograms(string root) => Root = root;

    public static Task<NativePrograms> GetAsync() => Shared.Value;

    public string Root { get; }

    /// <summary>Directory holding <c>app</c>: C, -lm, default clang flags (PIE).</summary>
    public string CMath => Path.Combine(Root, "c-math");

    /// <summary>Directory holding <c>bin/app</c> with DT_RUNPATH <c>$ORIGIN/../lib</c>.</summary>
    public string CRunPath => Path.Combine(Root, "c-runpath");

    /// <summary>Directory holding <c>bin/app</c> with DT_RPATH <c>$ORIGIN/../lib</c> (--disable-new-dtags).</summary>
    public string CRPath => Path.Combine(Root, "c-rpath");

    /// <summary>Directory holding <c>app</c> whose PT_INTERP is <c>/lib/ld-musl-x86_64.so.1</c>.</summary>
    public string CMusl => Path.Combine(Root, "c-musl");

    /// <summary>Directory holding <c>app</c>: C, DT_NEEDED libssl.so.3 (the host's OpenSSL, which needs libcrypto.so.3).</summary>
    public string CTls => Path.Combine(Root, "c-tls");

    /// <summary>Directory holding <c>app</c>: Go, CGO_ENABLED=1, os/user.</summary>
    public string GoCgo => Path.Combine(Root, "go-cgo");

    /// <summary>Directory holding <c>app</c>: Go, CGO_ENABLED=0.</summary>
    public string GoStatic => Path.Combine(Root, "go-static");

    /// <summary>Directory holding <c>app</c>: Go, CGO_ENABLED=0, a TLS client (crypto/x509 reads the system CA bundle).</summary>
    public string GoTls => Path.Combine(Root, "go-tls");

    private static async Task<NativePrograms> CreateAsync()
    {
        var clang = Tool.Require("clang", "clang");
        var go = Tool.Require("go", "golang-go");
        var root = Path.Combine(Path.GetTempPath(), "distill-native-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        var programs = new NativePrograms(root);
        var source = Path.Combine(root, "src");
        Directory.CreateDirectory(source);
        await File.WriteAllTextAsync(Path.Combine(source, "m.c"), CSource);
        await File.WriteAllTextAsync(Path.Combine(source, "tls.c"), CTlsSource);
        await File.WriteAllTextAsync(Path.Combine(source, "main.go"), GoSource);
        Directory.CreateDirectory(Path.Combine(source, "tls"));
        await File.WriteAllTextAsync(Path.Combine(source, "tls", "main.go"), GoTlsSource);
        foreach (var dir in new[] { programs.CMath, programs.CMusl, programs.CTls, programs.GoCgo, programs.GoStatic, programs.GoTls })
            Directory.CreateDirectory(dir);
        Directory.CreateDirectory(Path.Combine(programs.CRunPath, "bin"));
        Directory.CreateDirectory(Path.Combine(programs.CRPath, "bin"));
        var c = Path.Combine(source, "m.c");
        await Tool.RunOkAsync(clang, ["-O2", "-o", Path.Combine(programs.CMath, "app"), c, "-lm"]);
        await Tool.RunOkAsync(clang, ["-O2", "-o", Path.Combine(programs.CRunPath, "bin", "app"), c, "-lm", "-Wl,--enable-new-dtags,-rpath,$ORIGIN/../lib"]);
        await Tool.RunOkAsync(clang, ["-O2", "-o", Path.Combine(programs.CRPath, "bin", "app"), c, "-lm", "-Wl,--disable-new-dtags,-rpath,$ORIGIN/../lib"]);
        await Tool.RunOkAsync(clang, ["-O2", "-o", Path.Combine(programs.CMusl, "app"), c, "-lm", "-Wl,--dynamic-linker=/lib/ld-musl-x86_64.so.1"]);
        await Tool.RunOkAsync(clang, ["-O2", "-o", Path.Combine(programs.CTls, "app"), Path.Combine(source, "tls.c"), HostLibSsl]);
        foreach (var (dir, cgo, package) in new[] { (programs.GoCgo, "1", "."), (programs.GoStatic, "0", "."), (programs.GoTls, "0", "tls") })
        {
            var env = new Dictionary<string, string>
            {
                ["GO111MODULE"] = "off", ["CGO_ENABLED"] = cgo, ["GOCACHE"] = Path.Combine(root, "gocache"), ["HOME"] = root, ["CC"] = clang,
            };
            await Tool.RunOkAsync(go, ["build", "-o", Path.Combine(dir, "app"), "main.go"], env: env, workingDirectory: Path.Combine(source, package), timeoutSeconds: 300);
        }
        return programs;
    }
}
