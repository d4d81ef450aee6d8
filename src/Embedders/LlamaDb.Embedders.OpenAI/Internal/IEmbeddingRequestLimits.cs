namespace LlamaDb.Embedders.OpenAI;

/// <summary>The batching, retry and timeout settings <see cref="OpenAIEmbeddingOptions"/> and <see cref="AzureOpenAIEmbeddingOptions"/> share.</summary>
internal interface IEmbeddingRequestLimits
{
    int? Dimensions { get; }

    int MaxBatchSize { get; }

    int MaxTokensPerRequest { get; }

    int MaxTokensPerInput { get; }

    double EstimatedBytesPerToken { get; }

    OversizedInputBehavior OversizedInput { get; }

    int MaxConcurrency { get; }

    int MaxRetries { get; }

    TimeSpan RetryDelay { get; }

    TimeSpan MaxRetryDelay { get; }

    TimeSpan Timeout { get; }
}
