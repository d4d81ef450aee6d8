using Microsoft.Extensions.Logging;

namespace LlamaDb.Embedders;

/// <summary>The log messages of <see cref="LoggingEmbeddingGenerator{TInput, TEmbedding}"/>.</summary>
internal static partial class EmbeddingLog
{
    [LoggerMessage(EventId = 1, EventName = "EmbeddingsInvoked", Level = LogLevel.Debug, Message = "GenerateAsync invoked with {InputCount} inputs.")]
    public static partial void Invoked(ILogger logger, int inputCount);

    [LoggerMessage(EventId = 2, EventName = "EmbeddingsInvokedSensitive", Level = LogLevel.Trace, Message = "GenerateAsync invoked with {InputCount} inputs: {Inputs}. Options: {Options}.")]
    public static partial void InvokedSensitive(ILogger logger, int inputCount, string inputs, string options);

    [LoggerMessage(EventId = 3, EventName = "EmbeddingsCompleted", Level = LogLevel.Debug, Message = "GenerateAsync completed with {EmbeddingCount} embeddings in {DurationMs} ms (input tokens: {InputTokens}).")]
    public static partial void Completed(ILogger logger, int embeddingCount, double durationMs, long? inputTokens);

    [LoggerMessage(EventId = 4, EventName = "EmbeddingsFailed", Level = LogLevel.Error, Message = "GenerateAsync failed for {InputCount} inputs.")]
    public static partial void Failed(ILogger logger, Exception exception, int inputCount);

    [LoggerMessage(EventId = 5, EventName = "EmbeddingsCancelled", Level = LogLevel.Debug, Message = "GenerateAsync cancelled for {InputCount} inputs.")]
    public static partial void Cancelled(ILogger logger, int inputCount);
}
