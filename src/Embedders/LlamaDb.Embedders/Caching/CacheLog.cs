using Microsoft.Extensions.Logging;

namespace LlamaDb.Embedders;

/// <summary>Log messages of the caching stage.</summary>
internal static partial class CacheLog
{
    [LoggerMessage(EventId = 1, EventName = "EmbeddingCacheReadFailed", Level = LogLevel.Warning,
        Message = "Reading the embedding cache failed; the entry is treated as a miss.")]
    public static partial void ReadFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2, EventName = "EmbeddingCacheWriteFailed", Level = LogLevel.Warning,
        Message = "Writing the embedding cache failed; the computed embedding is returned uncached.")]
    public static partial void WriteFailed(ILogger logger, Exception exception);
}
