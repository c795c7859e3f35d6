using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Distill.Tests.Support;

/// <summary>
/// An HTTP proxy on 127.0.0.1 in front of a registry (or any HTTP server) that injects faults (<see cref="FaultKind"/>)
/// with a given probability, deterministically per seed, and otherwise passes exchanges through faithfully: every method,
/// headers, request bodies streamed (chunked or not), responses streamed (100+ MB blobs are never held whole), Range
/// requests, and absolute <c>Location</c> headers pointing at the upstream rewritten to the proxy. Clients talk plain
/// HTTP to the proxy; the upstream may be HTTPS (a <see cref="RegistryServer"/> with its test CA).
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private const int BufferSize = 81920;

    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Proxy-Connection", "Proxy-Authorization",
        "Proxy-Authenticate", "Expect", "Content-Length",
    };

    private readonly FaultProxyOptions _options;
    private readonly Uri _upstream;
    private readonly HttpClient _client;
    private readonly ConcurrentDictionary<string, int> _occurrences = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<InjectedFault> _faults = new();
    private readonly ConcurrentQueue<ProxiedRequest> _received = new();
    private readonly int[] _injected = new int[Enum.GetValues<FaultKind>().Length];
    private LoopbackWebServer? _server;
    private int _requests;
    private int _faultsReserved;
    private double _probability;

    private FaultProxy(Uri upstream, RegistryTls? upstreamTls, FaultProxyOptions options)
    {
        _upstream = upstream;
        _options = options;
        _probability = options.Probability;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        };
        if (upstreamTls is not null)
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => upstreamTls.Trusts(certificate);
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary><c>127.0.0.1:PORT</c> of the proxy.</summary>
    public string Host => _server!.Host;

    /// <summary><c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri Url => _server!.Url;

    /// <summary>The chance (0..1) of a fault; may be changed while running (e.g. 0 while setting up).</summary>
    public double Probability
    {
        get => Volatile.Read(ref _probability);
        set => Volatile.Write(ref _probability, value);
    }

    /// <summary>Requests received so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Faults injected so far, in all.</summary>
    public int TotalInjected => _injected.Sum();

    /// <summary>Every request received so far, in arrival order (e.g. to see mounts, uploads or <c>Range</c> requests).</summary>
    public IReadOnlyList<ProxiedRequest> Received => [.. _received];

    /// <summary>Every fault injected so far.</summary>
    public IReadOnlyList<InjectedFault> Faults => [.. _faults];

    public int Injected(FaultKind kind) => Volatile.Read(ref _injected[(int)kind]);

    public static Task<FaultProxy> StartAsync(RegistryServer registry, FaultProxyOptions options, CancellationToken ct = default) =>
        StartAsync(registry.Url, registry.Tls, options, ct);

    /// <summary>A proxy in front of <paramref name="upstream"/>; an HTTPS upstream must have a certificate from <paramref name="upstreamTls"/>.</summary>
    public static async Task<FaultProxy> StartAsync(Uri upstream, RegistryTls? upstreamTls, FaultProxyOptions options, CancellationToken ct = default)
    {
        var proxy = new FaultProxy(upstream, upstreamTls, options);
        proxy._server = await LoopbackWebServer.StartAsync(proxy.HandleAsync, ct);
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
        _client.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        var request = context.Request;
        var ct = context.RequestAborted;
        var path = request.Path.Value ?? "/";
        var pathAndQuery = path + request.QueryString.Value;
        _received.Enqueue(new ProxiedRequest(request.Method, pathAndQuery, request.Headers.Range.Count > 0 ? request.Headers.Range.ToString() : null));
        var (fault, random) = Decide(request.Method, path, pathAndQuery);
        if (fault is FaultKind.TooManyRequests or FaultKind.ServiceUnavailable)
        {
            Record(fault.Value, request.Method, pathAndQuery, null);
            await AnswerFaultAsync(context, fault.Value);
            return;
        }

        HttpResponseMessage response;
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(_upstream.GetLeftPart(UriPartial.Authority) + pathAndQuery));
        if (request.ContentLength is not null || context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
        {
            message.Content = new StreamContent(request.Body, BufferSize);
            message.Content.Headers.ContentLength = request.ContentLength;
        }
        foreach (var (name, values) in request.Headers)
        {
            if (NotForwarded.Contains(name))
                continue;
            if (!message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
                message.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }
        try
        {
            response = await _client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException e)
        {
            Release(fault);
            if (!context.Response.HasStarted)
            {
                context.Response.StatusCode = 502;
                await context.Response.WriteAsync($"fault proxy: upstream failed: {e.Message}\n", CancellationToken.None);
            }
            return;
        }
        using (response)
        {
            await RelayAsync(context, response, fault, random, pathAndQuery, ct);
        }
    }

    private async Task RelayAsync(HttpContext context, HttpResponseMessage response, FaultKind? fault, Random random, string pathAndQuery, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        context.Response.StatusCode = status;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (NotForwarded.Contains(name))
                continue;
            context.Response.Headers[name] = name.Equals("Location", StringComparison.OrdinalIgnoreCase)
                ? values.Select(RewriteLocation).ToArray()
                : values.ToArray();
        }
        var length = response.Content.Headers.ContentLength;
        var bodyless = context.Request.Method == "HEAD" || status is 204 or 304;
        if (length is not null && !bodyless)
            context.Response.ContentLength = length;
        else if (length is not null && context.Request.Method == "HEAD")
            context.Response.ContentLength = length;

        var hasBody = !bodyless && length is null or > 0;
        var success = status is >= 200 and < 300;
        if (fault is FaultKind.DropConnection or FaultKind.CorruptByte && !(hasBody && success))
        {
            Release(fault);
            fault = null;
        }
        if (bodyless)
            return;

        long cut = fault == FaultKind.DropConnection && length is { } l1 ? Math.Max(1, l1 / 2) : long.MaxValue;
        long flipAt = fault == FaultKind.CorruptByte ? length is { } l2 ? random.NextInt64(l2) : 0 : -1;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            long written = 0;
            int n;
            while ((n = await body.ReadAsync(buffer.AsMemory(0, BufferSize), ct)) > 0)
            {
                if (fault == FaultKind.DropConnection && cut == long.MaxValue)
                    cut = written + n;
                if (flipAt >= written && flipAt < written + n)
                {
                    buffer[flipAt - written] ^= 0xff;
                    Record(FaultKind.CorruptByte, context.Request.Method, pathAndQuery, flipAt);
                }
                var take = (int)Math.Min(n, cut - written);
                await context.Response.Body.WriteAsync(buffer.AsMemory(0, take), ct);
                written += take;
                if (written >= cut)
                {
                    Record(FaultKind.DropConnection, context.Request.Method, pathAndQuery, written);
                    await DropAsync(context, ct);
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or HttpRequestException)
        {
            // the client went away, or the upstream did: end this exchange the same way
            context.Abort();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Ends the connection after what was written so far reached the client: an abort alone resets the connection and
    /// loses whatever the kernel had not sent yet, so first let Kestrel hand the bytes to the socket, then send FIN.
    /// </summary>
    private static async Task DropAsync(HttpContext context, CancellationToken ct)
    {
        await context.Response.Body.FlushAsync(ct);
        await Task.Delay(100, ct);
        try
        {
            context.Features.Get<IConnectionSocketFeature>()?.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
            await Task.Delay(50, ct);
        }
        catch (System.Net.Sockets.SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        context.Abort();
    }

    private (FaultKind? Fault, Random Random) Decide(string method, string path, string pathAndQuery)
    {
        var key = method + " " + path;
        var occurrence = _occurrences.AddOrUpdate(key, 1, (_, n) => n + 1);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{_options.Seed}\n{key}\n{occurrence}"));
        var random = new Random(BitConverter.ToInt32(hash, 0));
        var roll = random.NextDouble();
        if (_options.Kinds.Count == 0 || !_options.Applies(method, pathAndQuery) || roll >= Probability)
            return (null, random);
        var kind = _options.Kinds[random.Next(_options.Kinds.Count)];
        if (_options.MaxFaults is { } max && Interlocked.Increment(ref _faultsReserved) > max)
        {
            Interlocked.Decrement(ref _faultsReserved);
            return (null, random);
        }
        return (kind, random);
    }

    private void Release(FaultKind? fault)
    {
        if (fault is not null && _options.MaxFaults is not null)
            Interlocked.Decrement(ref _faultsReserved);
    }

    private void Record(FaultKind kind, string method, string pathAndQuery, long? offset)
    {
        Interlocked.Increment(ref _injected[(int)kind]);
        _faults.Enqueue(new InjectedFault(kind, method, pathAndQuery, offset));
    }

    private async Task AnswerFaultAsync(HttpContext context, FaultKind kind)
    {
        var (status, code) = kind == FaultKind.TooManyRequests ? (429, "TOOMANYREQUESTS") : (503, "UNAVAILABLE");
        context.Response.StatusCode = status;
        context.Response.Headers.RetryAfter = _options.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($$"""{"errors":[{"code":"{{code}}","message":"injected by the fault proxy"}]}""", CancellationToken.None);
    }

    private string RewriteLocation(string location)
    {
        if (!Uri.TryCreate(location, UriKind.Absolute, out var uri)
            || !string.Equals(uri.Authority, _upstream.Authority, StringComparison.OrdinalIgnoreCase))
            return location;
        return Url.GetLeftPart(UriPartial.Authority) + uri.PathAndQuery;
    }
}
