namespace LlamaDb.Embedders.Http.Internal;

/// <summary>The validated transport settings both providers share (copied from their options at construction).</summary>
internal sealed record HttpEmbeddingSettings(
    int MaxConcurrency,
    int MaxRetries,
    TimeSpan RetryDelay,
    TimeSpan MaxRetryDelay,
    TimeSpan Timeout);
