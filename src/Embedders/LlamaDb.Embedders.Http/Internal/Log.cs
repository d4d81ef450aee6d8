using System.Net;
using Microsoft.Extensions.Logging;

namespace LlamaDb.Embedders.Http.Internal;

/// <summary>Source-generated log messages. None of them carries an API key or the texts being embedded.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "{Provider}: sending {InputCount} inputs to {Uri}.")]
    public static partial void SendingBatch(ILogger logger, string provider, int inputCount, Uri uri);

    [LoggerMessage(2, LogLevel.Warning, "{Provider}: attempt {Attempt} failed with HTTP {StatusCode}; retrying in {Delay}.")]
    public static partial void RetryingStatus(ILogger logger, string provider, int attempt, int statusCode, TimeSpan delay);

    [LoggerMessage(3, LogLevel.Warning, "{Provider}: attempt {Attempt} failed ({ErrorType}); retrying in {Delay}.")]
    public static partial void RetryingException(ILogger logger, string provider, int attempt, string errorType, TimeSpan delay);

    [LoggerMessage(4, LogLevel.Information, "{Provider}: the request with {InputCount} inputs was too large (HTTP {StatusCode}); splitting it in halves.")]
    public static partial void SplittingBatch(ILogger logger, string provider, int inputCount, int statusCode);

    [LoggerMessage(5, LogLevel.Warning, "{Provider}: the request failed with HTTP {StatusCode}: {ProviderMessage}")]
    public static partial void RequestFailed(ILogger logger, string provider, HttpStatusCode statusCode, string? providerMessage);

    [LoggerMessage(6, LogLevel.Warning, "{Provider}: asked to wait {RetryAfter} before retrying, longer than the {MaxRetryDelay} allowed; giving up.")]
    public static partial void RetryAfterTooLong(ILogger logger, string provider, TimeSpan retryAfter, TimeSpan maxRetryDelay);
}
