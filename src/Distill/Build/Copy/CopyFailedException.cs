namespace Distill.Build;

/// <summary>A COPY step failed for a reason BuildKit reports (the message is BuildKit's, without the Dockerfile position).</summary>
internal sealed class CopyFailedException : Exception
{
    public CopyFailedException(string message) : base(message)
    {
    }

    public CopyFailedException(string message, Exception inner) : base(message, inner)
    {
    }

    public CopyFailedException()
    {
    }

    /// <summary>A source that is not there: BuildKit fails while computing the cache key.</summary>
    public static CopyFailedException NotFound(string path) => new($"failed to compute cache key: \"{path}\": not found");
}
