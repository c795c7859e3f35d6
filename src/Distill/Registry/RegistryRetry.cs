using System.Net.Sockets;
using Distill.Oci;
using Polly;
using Polly.Retry;

namespace Distill.Registry;

/// <summary>
/// Retries for registry operations (Polly): connection errors, timeouts, 408/429/5xx (honouring <c>Retry-After</c>)
/// and corrupted blobs, with exponential backoff and jitter. Authorization and not-found errors are final.
/// </summary>
internal static class RegistryRetry
{
    public static ResiliencePipeline Create(RegistryPolicy policy) => new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = Math.Max(0, policy.MaxAttempts - 1),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = policy.BaseDelay,
            MaxDelay = policy.MaxDelay,
            ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
            DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is TransientRegistryException { RetryAfter: { } after }
                ? (TimeSpan?)(after > policy.MaxDelay ? policy.MaxDelay : after)
                : null),
        })
        .Build();

    public static bool IsTransient(Exception e) => e switch
    {
        TransientRegistryException => true,
        HttpRequestException => true,
        IOException => true,
        SocketException => true,
        TimeoutException => true,
        TaskCanceledException t => t.InnerException is TimeoutException,
        InvalidImageException i => i.Message.Contains("digest mismatch", StringComparison.Ordinal) || i.Message.Contains("bytes, descriptor says", StringComparison.Ordinal),
        _ => false,
    };
}
