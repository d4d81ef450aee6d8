using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace LlamaDb.Embedders.Http.Internal;

/// <summary>
/// Sends one JSON request through a Polly pipeline (retries with exponential backoff and jitter on 408, 429, 5xx and
/// transport errors, honoring <c>Retry-After</c>; a per-attempt timeout) and returns the body of a successful response.
/// Failures become <see cref="EmbeddingProviderException"/>; too-large requests become <see cref="OversizedRequestException"/>.
/// </summary>
internal sealed class HttpEmbeddingTransport : IDisposable
{
    private readonly string _provider;
    private readonly HttpClient _httpClient;
    private readonly bool _ownsHttpClient;
    private readonly string? _apiKey;
    private readonly HttpEmbeddingSettings _settings;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public HttpEmbeddingTransport(
        string provider, HttpClient? httpClient, string? apiKey, HttpEmbeddingSettings settings, TimeProvider timeProvider, ILogger logger)
    {
        _provider = provider;
        _ownsHttpClient = httpClient is null;
        // Our own client: the per-attempt timeout is the pipeline's, and pooled connections are recycled so DNS changes are seen.
        _httpClient = httpClient ?? new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
        _apiKey = string.IsNullOrEmpty(apiKey) ? null : apiKey;
        _settings = settings;
        _timeProvider = timeProvider;
        _logger = logger;
        Gate = new SemaphoreSlim(settings.MaxConcurrency, settings.MaxConcurrency);
        _pipeline = BuildPipeline();
    }

    /// <summary>Gets the gate bounding the number of requests in flight for this generator.</summary>
    public SemaphoreSlim Gate { get; }

    /// <summary>Gets the most requests this generator has in flight at once.</summary>
    public int MaxConcurrency => _settings.MaxConcurrency;

    /// <summary>Gets the provider name used in exceptions and logs.</summary>
    public string Provider => _provider;

    /// <summary>Gets the HTTP client requests go through.</summary>
    public HttpClient HttpClient => _httpClient;

    public async Task<byte[]> PostAsync(Uri uri, byte[] jsonBody, int inputCount, CancellationToken cancellationToken)
    {
        Log.SendingBatch(_logger, _provider, inputCount, uri);
        HttpResponseMessage response;
        try
        {
            response = await _pipeline.ExecuteAsync(
                static (state, ct) => state.Transport.SendOnceAsync(state.Uri, state.Body, ct),
                (Transport: this, Uri: uri, Body: jsonBody),
                cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex)
        {
            string timedOut = $"The request timed out after {_settings.Timeout} (Timeout).";
            throw new EmbeddingProviderException(_provider, null, timedOut, new TimeoutException(timedOut, ex));
        }
        catch (HttpRequestException ex)
        {
            throw new EmbeddingProviderException(_provider, null, $"The request could not be sent: {ex.Message}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The HttpClient's own Timeout fired (the caller's token was not cancelled).
            const string TimedOut = "The request timed out (HttpClient.Timeout).";
            throw new EmbeddingProviderException(_provider, null, TimedOut, new TimeoutException(TimedOut, ex));
        }

        using (response)
        {
            byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return body;
            }

            string? message = ProviderErrors.ExtractMessage(body, _apiKey);
            Log.RequestFailed(_logger, _provider, response.StatusCode, message);
            var failure = new EmbeddingProviderException(_provider, response.StatusCode, message);
            if (ProviderErrors.IsOversized(response.StatusCode, message))
            {
                throw new OversizedRequestException(failure);
            }

            throw failure;
        }
    }

    public void Dispose()
    {
        // Gate is not disposed: a call still in flight must be able to Release it in its finally.
        if (_ownsHttpClient)
        {
            _httpClient.Dispose();
        }
    }

    private async ValueTask<HttpResponseMessage> SendOnceAsync(Uri uri, byte[] body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (_apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
        }

        // ResponseContentRead: the body is read inside the attempt, so the per-attempt timeout covers it too.
        return await _httpClient.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
    }

    private ResiliencePipeline<HttpResponseMessage> BuildPipeline()
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _timeProvider };
        if (_settings.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = _settings.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _settings.RetryDelay,
                MaxDelay = _settings.MaxRetryDelay,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context.CancellationToken)),
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Result is { } response ? RetryAfter.Read(response, _timeProvider) : null),
                OnRetry = args =>
                {
                    if (args.Outcome.Result is { } response)
                    {
                        Log.RetryingStatus(_logger, _provider, args.AttemptNumber + 1, (int)response.StatusCode, args.RetryDelay);
                    }
                    else
                    {
                        Log.RetryingException(_logger, _provider, args.AttemptNumber + 1, args.Outcome.Exception?.GetType().Name ?? "unknown", args.RetryDelay);
                    }

                    return default;
                },
            });
        }

        if (_settings.Timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            builder.AddTimeout(_settings.Timeout);
        }

        return builder.Build();
    }

    private bool ShouldRetry(Outcome<HttpResponseMessage> outcome, CancellationToken cancellationToken)
    {
        if (outcome.Exception is { } exception)
        {
            return exception switch
            {
                HttpRequestException or TimeoutRejectedException => true,
                OperationCanceledException => !cancellationToken.IsCancellationRequested,
                _ => false,
            };
        }

        if (outcome.Result is not { } response || !IsTransient(response.StatusCode))
        {
            return false;
        }

        if (RetryAfter.Read(response, _timeProvider) is { } wait && wait > _settings.MaxRetryDelay)
        {
            Log.RetryAfterTooLong(_logger, _provider, wait, _settings.MaxRetryDelay);
            return false;
        }

        return true;
    }

    private static bool IsTransient(HttpStatusCode statusCode) =>
        statusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)statusCode >= 500;
}
