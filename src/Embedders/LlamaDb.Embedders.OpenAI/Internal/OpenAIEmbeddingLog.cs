using Microsoft.Extensions.Logging;

namespace LlamaDb.Embedders.OpenAI;

/// <summary>Source-generated log messages. None carries a key or (below Trace) a text.</summary>
internal static partial class OpenAIEmbeddingLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug,
        Message = "Sending {Provider} embedding request for inputs {Start}..{End} (model {Model}, about {EstimatedTokens} tokens)")]
    public static partial void SendingRequest(ILogger logger, string provider, int start, int end, string model, long estimatedTokens);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning,
        Message = "{Provider} embedding request for inputs {Start}..{End} failed ({Reason}); retry {Attempt} of {MaxRetries} in {DelayMilliseconds} ms")]
    public static partial void Retrying(ILogger logger, string provider, int start, int end, string reason, int attempt, int maxRetries, double delayMilliseconds);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information,
        Message = "{Provider} found the request for inputs {Start}..{End} too large ({Reason}); splitting it in halves")]
    public static partial void Splitting(ILogger logger, string provider, int start, int end, string reason);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning,
        Message = "{Provider} input {Index} is too long; truncated from {FromBytes} to {ToBytes} UTF-8 bytes")]
    public static partial void Truncated(ILogger logger, string provider, int index, int fromBytes, int toBytes);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Trace,
        Message = "{Provider} input {Index}: {Text}")]
    public static partial void InputText(ILogger logger, string provider, int index, string text);
}
