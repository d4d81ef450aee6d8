using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Net;
using System.Text;

namespace LlamaDb.Embedders.OpenAI;

/// <summary>Sending one request through the SDK's pipeline: timeout, classification, retries, oversize splits.</summary>
public sealed partial class OpenAIEmbeddingGenerator
{
    private enum OutcomeKind
    {
        Success,
        Oversized,
        Retriable,
        Fatal,
        Malformed,
        Timeout,
        Transport,
    }

    /// <summary>Embeds inputs [start, start+count): retries transient failures, splits a request the service finds too large.</summary>
    private async Task EmbedRangeAsync(RequestState state, int start, int count, CancellationToken cancellationToken)
    {
        int retries = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Outcome outcome = await SendOnceAsync(state, start, count, cancellationToken).ConfigureAwait(false);
            switch (outcome.Kind)
            {
                case OutcomeKind.Success:
                    state.Store(start, outcome.Parsed!); // Success outcomes always carry the parsed body.
                    return;

                case OutcomeKind.Oversized when count > 1:
                    // Never re-send the same request unchanged: halve it, each half goes on its own (and may halve again).
                    OpenAIEmbeddingLog.Splitting(_logger, _provider, start, start + count - 1, outcome.Describe());
                    int half = count / 2;
                    await EmbedRangeAsync(state, start, half, cancellationToken).ConfigureAwait(false);
                    await EmbedRangeAsync(state, start + half, count - half, cancellationToken).ConfigureAwait(false);
                    return;

                case OutcomeKind.Oversized when _settings.OversizedInput == OversizedInputBehavior.Truncate && TryHalveInput(state, start):
                    continue;

                case OutcomeKind.Oversized:
                    throw Failure(outcome, $" (input {start} alone is over the model's limit)");

                case OutcomeKind.Retriable when outcome.RetryAfter > _settings.MaxRetryDelay:
                    // Waiting that long would hold a concurrency slot for it: surface the 429/503 now.
                    throw Failure(outcome, $" (asked to wait {outcome.RetryAfter}, longer than MaxRetryDelay {_settings.MaxRetryDelay})");

                case OutcomeKind.Retriable or OutcomeKind.Timeout or OutcomeKind.Transport when retries < _settings.MaxRetries:
                    retries++;
                    TimeSpan delay = outcome.RetryAfter ?? Backoff(retries);
                    OpenAIEmbeddingLog.Retrying(_logger, _provider, start, start + count - 1, outcome.Describe(), retries, _settings.MaxRetries, delay.TotalMilliseconds);
                    await DelayAsync(delay, cancellationToken).ConfigureAwait(false);
                    continue;

                default:
                    throw Failure(outcome, suffix: null);
            }
        }
    }

    private bool TryHalveInput(RequestState state, int index)
    {
        string text = state.Inputs[index];
        int bytes = Encoding.UTF8.GetByteCount(text);
        string shorter = TruncateUtf8(text, bytes / 2);
        if (shorter.Length >= text.Length)
        {
            return false;
        }

        OpenAIEmbeddingLog.Truncated(_logger, _provider, index, bytes, Encoding.UTF8.GetByteCount(shorter));
        state.Inputs[index] = shorter;
        return true;
    }

    private async Task<Outcome> SendOnceAsync(RequestState state, int start, int count, CancellationToken cancellationToken)
    {
        BinaryData body = EmbeddingsWireFormat.WriteRequest(state.Inputs, start, count, state.Model, state.Dimensions, state.User);
        OpenAIEmbeddingLog.SendingRequest(_logger, _provider, start, start + count - 1, state.Model, EstimateTokens(body.ToMemory().Length));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (_settings.Timeout != Timeout.InfiniteTimeSpan)
        {
            timeout.CancelAfter(_settings.Timeout);
        }

        var requestOptions = new RequestOptions { CancellationToken = timeout.Token, ErrorOptions = ClientErrorBehaviors.NoThrow };
        try
        {
            using BinaryContent content = BinaryContent.Create(body);
            ClientResult result = await _client.GenerateEmbeddingsAsync(content, requestOptions).ConfigureAwait(false);
            return Classify(result.GetRawResponse(), count, state.Dimensions);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Outcome(OutcomeKind.Timeout);
        }
        catch (ClientResultException e) when (e.Status != 0 && e.GetRawResponse() is { } response)
        {
            return Classify(response, count, state.Dimensions);
        }
        catch (ClientResultException e)
        {
            return new Outcome(OutcomeKind.Transport) { Error = e.InnerException ?? e };
        }
        catch (HttpRequestException e)
        {
            return new Outcome(OutcomeKind.Transport) { Error = e };
        }
        catch (IOException e)
        {
            return new Outcome(OutcomeKind.Transport) { Error = e };
        }
    }

    private static Outcome Classify(PipelineResponse response, int count, int? dimensions)
    {
        int status = response.Status;
        BinaryData content = response.Content;
        if (status is >= 200 and < 300)
        {
            try
            {
                ParsedEmbeddings parsed = EmbeddingsWireFormat.ReadResponse(content, count);
                if (dimensions is { } d && parsed.Vectors.Length > 0 && parsed.Vectors[0].Length != d)
                {
                    throw new FormatException($"the response's vectors have {parsed.Vectors[0].Length} dimensions, {d} were asked for");
                }

                return new Outcome(OutcomeKind.Success) { Status = status, Parsed = parsed };
            }
            catch (FormatException e)
            {
                return new Outcome(OutcomeKind.Malformed) { Status = status, Error = e, ProviderError = new ProviderError("malformed response: " + e.Message, null, null) };
            }
        }

        ProviderError error = EmbeddingsWireFormat.ReadError(content);
        var outcome = new Outcome(OutcomeKind.Fatal) { Status = status, ProviderError = error };
        if (status == 413 || (status == 400 && LooksOversized(error)))
        {
            return outcome with { Kind = OutcomeKind.Oversized };
        }

        if (status == 429 && string.Equals(error.Code, "insufficient_quota", StringComparison.OrdinalIgnoreCase))
        {
            return outcome; // Out of credit: waiting will not help.
        }

        if (status is 408 or 429 or >= 500)
        {
            return outcome with { Kind = OutcomeKind.Retriable, RetryAfter = ReadRetryAfter(response.Headers) };
        }

        return outcome;
    }

    /// <summary>True for OpenAI's "too many tokens" refusals (per input: "maximum context length"; per request: "max 300000 tokens per request").</summary>
    private static bool LooksOversized(ProviderError error)
    {
        if (string.Equals(error.Code, "context_length_exceeded", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        string? message = error.Message;
        return message is not null
            && (message.Contains("maximum context length", StringComparison.OrdinalIgnoreCase)
                || message.Contains("tokens per request", StringComparison.OrdinalIgnoreCase)
                || message.Contains("too many tokens", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Reads <c>retry-after-ms</c> (OpenAI and Azure send it) or <c>Retry-After</c> (seconds or an HTTP date). Only finite,
    /// non-negative numbers count; a wait too long for <see cref="TimeSpan"/> reads as <see cref="TimeSpan.MaxValue"/>.
    /// </summary>
    internal static TimeSpan? ReadRetryAfter(PipelineResponseHeaders headers)
    {
        if (headers.TryGetValue("retry-after-ms", out string? ms)
            && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out double milliseconds)
            && double.IsFinite(milliseconds)
            && milliseconds >= 0)
        {
            return milliseconds >= TimeSpan.MaxValue.TotalMilliseconds ? TimeSpan.MaxValue : TimeSpan.FromMilliseconds(milliseconds);
        }

        if (headers.TryGetValue("Retry-After", out string? value) && !string.IsNullOrWhiteSpace(value))
        {
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && double.IsFinite(seconds) && seconds >= 0)
            {
                return seconds >= TimeSpan.MaxValue.TotalSeconds ? TimeSpan.MaxValue : TimeSpan.FromSeconds(seconds);
            }

            if (DateTimeOffset.TryParseExact(value.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset when))
            {
                TimeSpan wait = when - DateTimeOffset.UtcNow;
                return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }
        }

        return null;
    }

    /// <summary>Exponential backoff with jitter: a random point in the upper half of min(base * 2^(retry-1), max).</summary>
    private TimeSpan Backoff(int retry)
    {
        double exponential = _settings.RetryDelay.TotalMilliseconds * Math.Pow(2, retry - 1);
        double capped = Math.Min(exponential, _settings.MaxRetryDelay.TotalMilliseconds);
#pragma warning disable CA5394 // Jitter, not security.
        return TimeSpan.FromMilliseconds(capped * (0.5 + (Random.Shared.NextDouble() * 0.5)));
#pragma warning restore CA5394
    }

    private EmbeddingProviderException Failure(Outcome outcome, string? suffix)
    {
        switch (outcome.Kind)
        {
            case OutcomeKind.Timeout:
                return new EmbeddingProviderException(
                    _provider,
                    null,
                    $"no response within the timeout of {_settings.Timeout} (Timeout), after {_settings.MaxRetries} retries",
                    new TimeoutException($"The {_provider} embedding request timed out."));

            case OutcomeKind.Transport:
                return new EmbeddingProviderException(
                    _provider,
                    null,
                    SecretRedactor.Redact("transport error: " + outcome.Error?.Message, _secret) + $" (after {_settings.MaxRetries} retries)",
                    outcome.Error);

            default:
                // The SDK's exception is not attached: its message quotes the raw response body, which may echo the key.
                string? message = SecretRedactor.Redact(outcome.ProviderError.Message, _secret);
                if (outcome.ProviderError.Code is { Length: > 0 } code && outcome.Kind != OutcomeKind.Malformed)
                {
                    message = $"{message} (code {code})";
                }

                return new EmbeddingProviderException(
                    _provider,
                    (HttpStatusCode)outcome.Status,
                    message + suffix,
                    outcome.Kind == OutcomeKind.Malformed ? outcome.Error : null);
        }
    }

    private sealed record Outcome(OutcomeKind Kind)
    {
        public int Status { get; init; }

        public ParsedEmbeddings? Parsed { get; init; }

        public ProviderError ProviderError { get; init; }

        public TimeSpan? RetryAfter { get; init; }

        public Exception? Error { get; init; }

        public string Describe() => Kind switch
        {
            OutcomeKind.Timeout => "timeout",
            OutcomeKind.Transport => "transport error",
            _ => string.Create(CultureInfo.InvariantCulture, $"HTTP {Status}"),
        };
    }
}
