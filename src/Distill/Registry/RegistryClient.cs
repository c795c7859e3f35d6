using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Distill.Oci;
using Polly;

namespace Distill.Registry;

/// <summary>
/// The OCI distribution protocol (<see href="https://github.com/opencontainers/distribution-spec/blob/main/spec.md">spec</see>):
/// manifests and blobs, pull and push, mounts. Auth is the handler's job, retries the policy's; every operation here is
/// one retried unit, and every error is a <see cref="RegistryException"/> naming the registry and repository.
/// </summary>
public sealed class RegistryClient
{
    /// <summary>What a pull accepts, in order of preference.</summary>
    public static readonly string[] ManifestAccept =
        [MediaTypes.OciIndex, MediaTypes.OciManifest, MediaTypes.DockerManifestList, MediaTypes.DockerManifest];

    private readonly HttpClient _http;
    private readonly ResiliencePipeline _retry;
    private readonly ConcurrentDictionary<string, Uri> _bases = new(StringComparer.Ordinal);

    public RegistryClient(HttpClient http, RegistryPolicy policy)
    {
        _http = http;
        Policy = policy;
        _retry = RegistryRetry.Create(policy);
    }

    public RegistryPolicy Policy { get; }

    /// <summary>
    /// Where to talk to <paramref name="host"/>: https; when <paramref name="insecure"/>, https without verification
    /// and, if the host does not speak TLS, plain http (as skopeo's <c>--tls-verify=false</c>).
    /// </summary>
    public async Task<RegistryLocation> LocateAsync(string host, string repository, bool insecure, CancellationToken ct)
    {
        if (_bases.TryGetValue(host, out var known))
            return new RegistryLocation(known, host, repository);
        var https = new Uri($"https://{host}/");
        if (!insecure)
            return new RegistryLocation(_bases.GetOrAdd(host, https), host, repository);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(https, "/v2/"));
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            return new RegistryLocation(_bases.GetOrAdd(host, https), host, repository);
        }
        catch (HttpRequestException)
        {
            return new RegistryLocation(_bases.GetOrAdd(host, new Uri($"http://{host}/")), host, repository);
        }
    }

    /// <summary>
    /// <c>GET /v2/</c> with whatever the auth handler can prove: true when the registry accepts it, an unauthorized
    /// <see cref="RegistryException"/> when it does not (the login check).
    /// </summary>
    public Task<bool> PingAsync(RegistryLocation at, CancellationToken ct) =>
        Retry(async token =>
        {
            using var request = Request(HttpMethod.Get, new Uri(at.BaseUri, "/v2/"), []);
            using var response = await SendAsync(request, at, token);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                throw new RegistryException($"{at.Host}: unauthorized: the registry refused the credentials", response.StatusCode, "UNAUTHORIZED");
            await EnsureSuccessAsync(response, at, "/v2/", token);
            return true;
        }, ct);

    /// <summary>A manifest or index by tag or digest, or null when the registry does not have it.</summary>
    public Task<ManifestResponse?> GetManifestAsync(RegistryLocation at, string reference, CancellationToken ct) =>
        Retry(async token =>
        {
            using var request = Request(HttpMethod.Get, at.Url($"manifests/{reference}"), Pull(at));
            foreach (var type in ManifestAccept)
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
            using var response = await SendAsync(request, at, token);
            if (response.StatusCode == HttpStatusCode.NotFound)
                return null;
            await EnsureSuccessAsync(response, at, $"manifest {reference}", token);
            var bytes = await response.Content.ReadAsByteArrayAsync(token);
            if (bytes.Length > 4 << 20)
                throw new RegistryException($"{at}: manifest {reference} is larger than 4 MiB");
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (string.IsNullOrEmpty(mediaType) || mediaType is "application/json" or "text/plain")
                mediaType = OciJson.DetectManifestMediaType(bytes, $"{at}: manifest {reference}");
            var digest = Digest.Compute(bytes);
            if (Digest.TryParse(reference, out var expected) && expected != digest && expected.ComputeSame(bytes) != expected)
                throw new InvalidImageException($"{at}: manifest digest mismatch: asked for {expected}, got {digest}");
            // by tag, the registry's Docker-Content-Digest is the only check that the bytes arrived intact
            if (expected == default && response.Headers.TryGetValues("Docker-Content-Digest", out var sent)
                && Digest.TryParse(sent.FirstOrDefault(), out var announced) && announced.ComputeSame(bytes) != announced)
                throw new InvalidImageException($"{at}: manifest {reference} digest mismatch: the registry says {announced}, got {digest}");
            return (ManifestResponse?)new ManifestResponse(bytes, mediaType, Digest.TryParse(reference, out var asked) ? asked : digest);
        }, ct);

    public Task<bool> BlobExistsAsync(RegistryLocation at, Digest digest, CancellationToken ct) =>
        Retry(async token =>
        {
            using var request = Request(HttpMethod.Head, at.Url($"blobs/{digest}"), Pull(at));
            using var response = await SendAsync(request, at, token);
            if (response.StatusCode == HttpStatusCode.NotFound)
                return false;
            await EnsureSuccessAsync(response, at, $"blob {digest}", token);
            return true;
        }, ct);

    /// <summary>A small blob (a config) read whole and verified.</summary>
    public Task<byte[]> GetBlobBytesAsync(RegistryLocation at, Descriptor descriptor, CancellationToken ct) =>
        Retry(async token =>
        {
            if (descriptor.Size > LayoutLimit)
                throw new RegistryException($"{at}: blob {descriptor.Digest} of {descriptor.Size} bytes is too large to read whole");
            using var request = Request(HttpMethod.Get, at.Url($"blobs/{descriptor.Digest}"), Pull(at));
            using var response = await SendAsync(request, at, token);
            await EnsureSuccessAsync(response, at, $"blob {descriptor.Digest}", token);
            var bytes = await response.Content.ReadAsByteArrayAsync(token);
            Image.Verify(descriptor, bytes, $"{at}: blob");
            return bytes;
        }, ct);

    private const long LayoutLimit = 64L << 20;

    /// <summary>
    /// A blob's bytes as a stream that resumes with <c>Range</c> after a dropped connection and checks size and digest
    /// as it is read (a mismatch throws at the end of the content).
    /// </summary>
    public async Task<Stream> OpenBlobAsync(RegistryLocation at, Descriptor descriptor, CancellationToken ct)
    {
        var stream = new ResumableBlobStream(this, at, descriptor);
        await stream.ConnectAsync(0, ct);
        return new VerifyingStream(stream, descriptor, $"{at}: blob");
    }

    internal Task<HttpResponseMessage> OpenBlobRangeAsync(RegistryLocation at, Descriptor descriptor, long offset, CancellationToken ct) =>
        Retry(async token =>
        {
            var request = Request(HttpMethod.Get, at.Url($"blobs/{descriptor.Digest}"), Pull(at));
            if (offset > 0)
                request.Headers.Range = new RangeHeaderValue(offset, null);
            var response = await SendAsync(request, at, token);
            try
            {
                await EnsureSuccessAsync(response, at, $"blob {descriptor.Digest}", token);
                return response;
            }
            catch
            {
                response.Dispose();
                throw;
            }
        }, ct);

    /// <summary>
    /// Uploads a blob unless the repository has it: tries a cross-repository mount from <paramref name="mountFrom"/> first,
    /// then a monolithic PUT: buffered for small blobs, streamed for large ones. The whole upload is
    /// retried from a fresh session after a transient failure, reopening the source.
    /// </summary>
    public Task PushBlobAsync(RegistryLocation at, Descriptor descriptor, Func<CancellationToken, ValueTask<Stream>> open, string? mountFrom, CancellationToken ct) =>
        Retry(async token =>
        {
            var progress = TransferReporting.Current;
            if (await ExistsOnceAsync(at, descriptor.Digest, token))
            {
                progress.Finished(descriptor, skipped: true);
                return 0;
            }
            var start = mountFrom is not null && mountFrom != at.Repository
                ? at.Url($"blobs/uploads/?mount={Uri.EscapeDataString(descriptor.Digest.ToString())}&from={Uri.EscapeDataString(mountFrom)}")
                : at.Url("blobs/uploads/");
            var scopes = mountFrom is not null && mountFrom != at.Repository ? [.. Push(at), $"repository:{mountFrom}:pull"] : Push(at);
            Uri location;
            using (var post = Request(HttpMethod.Post, start, scopes))
            {
                post.Content = new ByteArrayContent([]);
                using var response = await SendAsync(post, at, token);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    progress.Finished(descriptor, skipped: true); // mounted from another repository
                    return 0;
                }
                await EnsureSuccessAsync(response, at, $"upload of blob {descriptor.Digest}", token);
                location = UploadLocation(response, at);
            }
            progress.Started(descriptor);
            if (descriptor.Size <= Policy.MonolithicUploadLimit)
            {
                await using var source = await open(token);
                var bytes = new byte[descriptor.Size];
                await source.ReadExactlyAsync(bytes, token);
                Image.Verify(descriptor, bytes, $"blob to push to {at}");
                using var put = Request(HttpMethod.Put, WithDigest(location, descriptor.Digest), Push(at));
                put.Content = new ByteArrayContent(bytes);
                put.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                using var done = await SendAsync(put, at, token);
                await EnsureSuccessAsync(done, at, $"upload of blob {descriptor.Digest}", token);
                progress.Advanced(descriptor, descriptor.Size);
                progress.Finished(descriptor, skipped: false);
                return 0;
            }
            // one streamed PUT ?digest= closes the session with the whole body (the POST has earned any token, so the
            // auth handler never needs to replay the stream): one request less per blob than PATCH + PUT
            await using (var source = await open(token))
            {
                using var put = Request(HttpMethod.Put, WithDigest(location, descriptor.Digest), Push(at));
                // a source that verifies itself (an OCI layout blob, a registry download) is not hashed a second time;
                // the registry checks the digest of what it receives as well
                Stream body = new ProgressStream(source, descriptor, progress);
                if (source is not VerifyingStream verifying || !verifying.Verifies(descriptor))
                    body = new VerifyingStream(body, descriptor, $"blob to push to {at}");
                put.Content = new StreamContent(body, 1 << 20);
                put.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                put.Content.Headers.ContentLength = descriptor.Size;
                using var done = await SendAsync(put, at, token);
                await EnsureSuccessAsync(done, at, $"upload of blob {descriptor.Digest}", token);
            }
            progress.Finished(descriptor, skipped: false);
            return 0;
        }, ct);

    public Task<Digest> PutManifestAsync(RegistryLocation at, string reference, ReadOnlyMemory<byte> manifest, string mediaType, CancellationToken ct) =>
        Retry(async token =>
        {
            using var request = Request(HttpMethod.Put, at.Url($"manifests/{reference}"), Push(at));
            request.Content = new ByteArrayContent(manifest.ToArray());
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
            using var response = await SendAsync(request, at, token);
            await EnsureSuccessAsync(response, at, $"manifest {reference}", token);
            return Digest.Compute(manifest.Span);
        }, ct);

    private async Task<bool> ExistsOnceAsync(RegistryLocation at, Digest digest, CancellationToken ct)
    {
        using var request = Request(HttpMethod.Head, at.Url($"blobs/{digest}"), Push(at));
        using var response = await SendAsync(request, at, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return false;
        await EnsureSuccessAsync(response, at, $"blob {digest}", ct);
        return true;
    }

    private static Uri UploadLocation(HttpResponseMessage response, RegistryLocation at)
    {
        var location = response.Headers.Location ?? throw new RegistryException($"{at}: upload session without a Location header");
        return location.IsAbsoluteUri ? location : new Uri(at.BaseUri, location);
    }

    private static Uri WithDigest(Uri location, Digest digest)
    {
        var builder = new UriBuilder(location);
        var digestParam = "digest=" + Uri.EscapeDataString(digest.ToString());
        builder.Query = string.IsNullOrEmpty(builder.Query) ? digestParam : builder.Query.TrimStart('?') + "&" + digestParam;
        return builder.Uri;
    }

    private static string[] Pull(RegistryLocation at) => [$"repository:{at.Repository}:pull"];
    private static string[] Push(RegistryLocation at) => [$"repository:{at.Repository}:pull,push"];

    private static HttpRequestMessage Request(HttpMethod method, Uri uri, string[] scopes)
    {
        var request = new HttpRequestMessage(method, uri);
        request.Options.Set(RegistryAuthHandler.Scopes, scopes);
        return request;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, RegistryLocation at, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Policy.RequestTimeout);
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"{at}: no answer to {request.Method} {request.RequestUri!.AbsolutePath} within {Policy.RequestTimeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException e) when (e.InnerException is System.Security.Authentication.AuthenticationException tls)
        {
            // final, not retried: the same certificate will be refused again; "see inner exception" would hide why
            throw new RegistryException($"{at}: {request.Method} {request.RequestUri!.GetLeftPart(UriPartial.Path)}: TLS failed: {tls.Message} "
                + $"(trust the registry's CA in certs.d/{request.RequestUri.Authority}/ca.crt, or use --src-tls-verify=false, --dest-tls-verify=false when pushing)", null, null, e);
        }
        catch (HttpRequestException e)
        {
            throw new HttpRequestException($"{at}: {request.Method} {request.RequestUri!.GetLeftPart(UriPartial.Path)}: {e.Message}", e, e.StatusCode);
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, RegistryLocation at, string what, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
            return;
        var status = (int)response.StatusCode;
        string? code = null, message = null;
        try
        {
            var body = await response.Content.ReadAsByteArrayAsync(ct);
            var errors = body.Length > 0 && body.Length < 1 << 16 ? JsonSerializer.Deserialize(body, RegistryJsonContext.Default.RegistryErrors) : null;
            if (errors?.Errors is [var first, ..])
            {
                code = first.Code;
                message = first.Message;
            }
        }
        catch (JsonException)
        {
        }
        var text = $"{at}: {what}: {status} {response.ReasonPhrase}{(code is null ? "" : $" ({code}{(message is null ? "" : ": " + message)})")}";
        if (status is 408 or 429 || status >= 500)
            throw new TransientRegistryException(text, RetryAfter(response));
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            throw new RegistryException($"{at}: unauthorized: {what}: {status} {response.ReasonPhrase}{(message is null ? "" : ": " + message)}", response.StatusCode, code ?? "UNAUTHORIZED");
        throw new RegistryException(text, response.StatusCode, code);
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
            return delta;
        if (header?.Date is { } date)
            return date - DateTimeOffset.UtcNow;
        return null;
    }

    private async Task<T> Retry<T>(Func<CancellationToken, Task<T>> operation, CancellationToken ct) =>
        await _retry.ExecuteAsync(async token => await operation(token), ct);
}

/// <summary>A manifest or index as the registry sent it.</summary>
public sealed record ManifestResponse(byte[] Bytes, string MediaType, Digest Digest);
