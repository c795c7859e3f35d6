using System.Security.Cryptography;
using Distill.Oci;

namespace Distill.Cli;

/// <summary>Runs a command body and turns expected failures into one line on stderr and exit code 1.</summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (Exception e) when (IsExpected(e))
        {
            await Console.Error.WriteLineAsync($"distill: error: {e.Message}");
            return 1;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("distill: cancelled");
            return 130;
        }
    }

    /// <summary>
    /// Failures that are the input's or the environment's, not Distill's: they get one line on stderr, never a stack
    /// trace (bad references, unreadable or invalid images, registry and network errors, build and Dockerfile errors).
    /// </summary>
    public static bool IsExpected(Exception e) => e is Distill.Build.BuildException or Distill.Dockerfile.DockerfileSyntaxException
        or Distill.Dockerfile.DockerIgnoreException or Distill.Registry.Configuration.RegistryBlockedException
        or Distill.Registry.Configuration.RegistryConfigurationException or Distill.Registry.RegistryException
        or Distill.Registry.TransientRegistryException or HttpRequestException or TimeoutException or InvalidImageException
        or FormatException or IOException or InvalidDataException or ZstdSharp.ZstdException or UnauthorizedAccessException
        or CryptographicException;

    public static ImageReference ParseReference(string value) => ImageReference.Parse(value);

    public static Platform ParsePlatform(string? value) => value is null ? Platform.LinuxAmd64 : Platform.Parse(value);

    /// <summary>A size as Docker prints it (decimal units): <c>1.72MB</c>.</summary>
    public static string HumanSize(long bytes) => Distill.Analysis.Compare.SizeText.Of(bytes);
}
