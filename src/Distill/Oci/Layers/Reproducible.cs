using System.Globalization;

namespace Distill.Oci;

/// <summary>
/// The one time Distill puts into what it makes: <c>SOURCE_DATE_EPOCH</c> when set
/// (<see href="https://reproducible-builds.org/specs/source-date-epoch/">reproducible-builds.org</see>), else the Unix epoch.
/// </summary>
public static class Reproducible
{
    public static long ModTime => SourceDateEpoch ?? 0;

    public static long? SourceDateEpoch
    {
        get
        {
            var value = Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH");
            if (string.IsNullOrWhiteSpace(value))
                return null;
            return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                ? seconds
                : throw new InvalidImageException($"SOURCE_DATE_EPOCH=\"{value}\" is not a whole number of seconds");
        }
    }

    /// <summary>The creation time for configs and history, RFC 3339.</summary>
    public static string Created => DateTimeOffset.FromUnixTimeSeconds(ModTime).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
