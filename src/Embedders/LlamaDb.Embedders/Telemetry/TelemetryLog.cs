using Microsoft.Extensions.Logging;

namespace LlamaDb.Embedders;

/// <summary>The log messages of <see cref="OpenTelemetryEmbeddingGenerator{TInput, TEmbedding}"/>.</summary>
internal static partial class TelemetryLog
{
    [LoggerMessage(EventId = 20, EventName = "EmbeddingsOperationFailed", Level = LogLevel.Debug, Message = "Embeddings operation failed with {ErrorType} (trace {TraceId}).")]
    public static partial void OperationFailed(ILogger logger, string errorType, string traceId);
}
