using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlamaDb.Retrieval;

/// <summary>
/// An <see cref="IReranker"/> over Cohere's rerank API (<c>POST {Endpoint}/v2/rerank</c> with <c>model</c>, <c>query</c>,
/// <c>documents</c> and <c>top_n</c>; the response's <c>results[].index</c> / <c>relevance_score</c> become the scores),
/// or any server speaking that protocol.
/// </summary>
/// <remarks>
/// Requests are retried on 408, 429, 5xx and transport errors, waiting as <c>Retry-After</c> says (capped at
/// <see cref="CohereRerankerOptions.MaxRetryDelay"/>) or with doubling delays. Failures throw <see cref="RerankerException"/>
/// carrying the status. More documents than <see cref="CohereRerankerOptions.MaxDocumentsPerRequest"/> are split over
/// several requests. The API key is never logged. Safe for concurrent calls.
/// </remarks>
public sealed partial class CohereReranker : IReranker, IDisposable
{
    private const int MaxErrorTextLength = 500;

    private readonly CohereRerankerOptions _options;
    private readonly HttpClient _httpClient;
    private readonly bool _ownsHttpClient;
    private readonly string? _apiKey;
    private readonly Uri _uri;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Creates the reranker. Sends nothing yet.</summary>
    /// <param name="options">The options.</param>
    /// <param name="httpClient">The HTTP client to send through; null for one the reranker owns. Its own timeout still applies.</param>
    /// <param name="logger">A logger; null for none.</param>
    /// <param name="timeProvider">The clock for retry delays and <c>Retry-After</c> dates; null for the system clock.</param>
    public CohereReranker(CohereRerankerOptions options, HttpClient? httpClient = null, ILogger<CohereReranker>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone();
        _options.Validate();
        _apiKey = _options.ApiKey ?? Environment.GetEnvironmentVariable(CohereRerankerOptions.ApiKeyEnvironmentVariable);
        if (string.IsNullOrEmpty(_apiKey))
        {
            _apiKey = null;
        }

        // The endpoint was validated as absolute, so Endpoint is not null.
        string baseAddress = _options.Endpoint!.AbsoluteUri.TrimEnd('/');
        _uri = new Uri(baseAddress + "/v2/rerank");
        _ownsHttpClient = httpClient is null;
        // Our own client: the per-attempt timeout is ours, and pooled connections are recycled so DNS changes are seen.
        _httpClient = httpClient ?? new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Gets the address requests are sent to.</summary>
    public Uri RequestUri => _uri;

    /// <summary>Gets the model asked for.</summary>
    public string Model => _options.Model;

    /// <inheritdoc />
    public async Task<IReadOnlyList<double>> ScoreAsync(string query, IReadOnlyList<string> documents, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(documents);
        for (int i = 0; i < documents.Count; i++)
        {
            if (documents[i] is null)
            {
                throw new ArgumentNullException(nameof(documents), $"documents[{i}] is null.");
            }
        }

        var scores = new double[documents.Count];
        for (int start = 0; start < documents.Count; start += _options.MaxDocumentsPerRequest)
        {
            int count = Math.Min(_options.MaxDocumentsPerRequest, documents.Count - start);
            byte[] body = WriteRequest(query, documents, start, count);
            byte[] response = await SendAsync(body, count, cancellationToken).ConfigureAwait(false);
            ReadScores(response, scores.AsSpan(start, count));
        }

        return scores;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttpClient)
        {
            _httpClient.Dispose();
        }
    }

    private byte[] WriteRequest(string query, IReadOnlyList<string> documents, int start, int count)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("model", _options.Model);
            writer.WriteString("query", query);
            writer.WriteStartArray("documents");
            for (int i = 0; i < count; i++)
            {
                writer.WriteStringValue(documents[start + i]);
            }

            writer.WriteEndArray();
            writer.WriteNumber("top_n", count);
            if (_options.MaxTokensPerDocument is { } maxTokens)
            {
                writer.WriteNumber("max_tokens_per_doc", maxTokens);
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void ReadScores(byte[] response, Span<double> scores)
    {
        bool[] seen = new bool[scores.Length];
        try
        {
            using JsonDocument document = JsonDocument.Parse(response);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("results", out JsonElement results)
                || results.ValueKind != JsonValueKind.Array)
            {
                throw Malformed("it has no \"results\" array");
            }

            foreach (JsonElement result in results.EnumerateArray())
            {
                if (result.ValueKind != JsonValueKind.Object
                    || !result.TryGetProperty("index", out JsonElement indexElement) || !indexElement.TryGetInt32(out int index)
                    || !result.TryGetProperty("relevance_score", out JsonElement scoreElement) || scoreElement.ValueKind != JsonValueKind.Number)
                {
                    throw Malformed("a result lacks an integer \"index\" or a numeric \"relevance_score\"");
                }

                if (index < 0 || index >= scores.Length || seen[index])
                {
                    throw Malformed($"result index {index} is out of range or repeated ({scores.Length} documents were sent)");
                }

                seen[index] = true;
                scores[index] = scoreElement.GetDouble();
            }
        }
        catch (JsonException ex)
        {
            throw new RerankerException(HttpStatusCode.OK, $"The rerank response is not valid JSON: {ex.Message}", ex);
        }

        int missing = Array.IndexOf(seen, false);
        if (missing >= 0)
        {
            throw Malformed($"it has no score for document {missing}");
        }
    }

    private static RerankerException Malformed(string why) => new(HttpStatusCode.OK, $"The rerank response is malformed: {why}.");

    private async Task<byte[]> SendAsync(byte[] body, int documentCount, CancellationToken cancellationToken)
    {
        LogSending(_logger, documentCount, _uri);
        for (int attempt = 0; ; attempt++)
        {
            HttpResponseMessage? response = null;
            Exception? transportError = null;
            using (var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                if (_options.Timeout != System.Threading.Timeout.InfiniteTimeSpan)
                {
                    attemptCts.CancelAfter(_options.Timeout);
                }

                try
                {
                    response = await SendOnceAsync(body, attemptCts.Token).ConfigureAwait(false);
                }
                catch (HttpRequestException ex)
                {
                    transportError = ex;
                }
                catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    transportError = new TimeoutException($"The rerank request timed out after {_options.Timeout}.", ex);
                }
            }

            using (response)
            {
                if (response is not null && response.IsSuccessStatusCode)
                {
                    return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                }

                bool retryable = response is null || IsRetryable(response.StatusCode);
                if (!retryable || attempt >= _options.MaxRetries)
                {
                    if (response is null)
                    {
                        // transportError is set whenever no response came back.
                        throw new RerankerException(null, $"The rerank request to {_uri} failed: {transportError!.Message}", transportError);
                    }

                    byte[] errorBody = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                    string detail = ErrorText(errorBody);
                    LogFailed(_logger, (int)response.StatusCode, _uri);
                    throw new RerankerException(
                        response.StatusCode,
                        $"The rerank request to {_uri} failed with {(int)response.StatusCode} ({response.StatusCode}){(detail.Length > 0 ? ": " + detail : ".")}");
                }

                TimeSpan delay = RetryDelay(response, attempt, _options, _timeProvider);
                LogRetrying(_logger, attempt + 1, response is null ? transportError!.GetType().Name : ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), delay);
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(byte[] body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _uri);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (_apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
        }

        // ResponseContentRead: the body is read inside the attempt, so the attempt's timeout covers it too.
        return await _httpClient.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsRetryable(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>
    /// The wait before retry <paramref name="attempt"/> + 1: <c>Retry-After</c> (seconds or a date) when the response has
    /// one, else <see cref="CohereRerankerOptions.RetryDelay"/> doubled per attempt; never more than the maximum.
    /// </summary>
    internal static TimeSpan RetryDelay(HttpResponseMessage? response, int attempt, CohereRerankerOptions options, TimeProvider timeProvider)
    {
        TimeSpan? fromHeader = response is null ? null : RetryAfter.Read(response, timeProvider);

        TimeSpan delay = fromHeader ?? TimeSpan.FromTicks((long)Math.Min(options.RetryDelay.Ticks * Math.Pow(2, attempt), TimeSpan.MaxValue.Ticks / 2.0));
        return delay > options.MaxRetryDelay ? options.MaxRetryDelay : delay;
    }

    /// <summary>The service's error message (<c>message</c>, <c>error</c> or <c>error.message</c>), else the body's start.</summary>
    private string ErrorText(byte[] body)
    {
        string text;
        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            JsonElement root = document.RootElement;
            text = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("message", out JsonElement message) && message.ValueKind == JsonValueKind.String ? message.GetString()!
                : root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out JsonElement error) && error.ValueKind == JsonValueKind.String ? error.GetString()!
                : root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out JsonElement nested) && nested.ValueKind == JsonValueKind.Object
                    && nested.TryGetProperty("message", out JsonElement nestedMessage) && nestedMessage.ValueKind == JsonValueKind.String ? nestedMessage.GetString()!
                : Encoding.UTF8.GetString(body);
        }
        catch (JsonException)
        {
            text = Encoding.UTF8.GetString(body);
        }

        text = text.Trim();
        if (_apiKey is not null)
        {
            // Some servers echo the request headers; never pass the key on.
            text = text.Replace(_apiKey, "***", StringComparison.Ordinal);
        }

        return text.Length > MaxErrorTextLength ? text[..MaxErrorTextLength] + "…" : text;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Reranking {Count} documents at {Uri}.")]
    private static partial void LogSending(ILogger logger, int count, Uri uri);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Rerank attempt {Attempt} failed ({Reason}); retrying in {Delay}.")]
    private static partial void LogRetrying(ILogger logger, int attempt, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Rerank request failed with status {Status} at {Uri}.")]
    private static partial void LogFailed(ILogger logger, int status, Uri uri);
}
