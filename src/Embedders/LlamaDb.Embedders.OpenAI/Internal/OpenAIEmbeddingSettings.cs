namespace LlamaDb.Embedders.OpenAI;

/// <summary>The validated request policy of one generator (batching, retries, timeouts), whichever options it came from.</summary>
internal sealed class OpenAIEmbeddingSettings
{
    public int MaxBatchSize { get; init; } = OpenAIEmbeddingDefaults.MaxBatchSize;

    public int MaxTokensPerRequest { get; init; } = OpenAIEmbeddingDefaults.MaxTokensPerRequest;

    public int MaxTokensPerInput { get; init; } = OpenAIEmbeddingDefaults.MaxTokensPerInput;

    public double EstimatedBytesPerToken { get; init; } = OpenAIEmbeddingDefaults.EstimatedBytesPerToken;

    public OversizedInputBehavior OversizedInput { get; init; }

    public int MaxConcurrency { get; init; } = OpenAIEmbeddingDefaults.MaxConcurrency;

    public int MaxRetries { get; init; } = OpenAIEmbeddingDefaults.MaxRetries;

    public TimeSpan RetryDelay { get; init; } = OpenAIEmbeddingDefaults.RetryDelay;

    public TimeSpan MaxRetryDelay { get; init; } = OpenAIEmbeddingDefaults.MaxRetryDelay;

    public TimeSpan Timeout { get; init; } = OpenAIEmbeddingDefaults.Timeout;

    public int? Dimensions { get; init; }

    public static OpenAIEmbeddingSettings From(OpenAIEmbeddingOptions o) => From(nameof(OpenAIEmbeddingOptions), o);

    public static OpenAIEmbeddingSettings From(AzureOpenAIEmbeddingOptions o) => From(nameof(AzureOpenAIEmbeddingOptions), o);

    private static OpenAIEmbeddingSettings From(string owner, IEmbeddingRequestLimits o) => Validate(
        owner,
        new OpenAIEmbeddingSettings
        {
            MaxBatchSize = o.MaxBatchSize,
            MaxTokensPerRequest = o.MaxTokensPerRequest,
            MaxTokensPerInput = o.MaxTokensPerInput,
            EstimatedBytesPerToken = o.EstimatedBytesPerToken,
            OversizedInput = o.OversizedInput,
            MaxConcurrency = o.MaxConcurrency,
            MaxRetries = o.MaxRetries,
            RetryDelay = o.RetryDelay,
            MaxRetryDelay = o.MaxRetryDelay,
            Timeout = o.Timeout,
            Dimensions = o.Dimensions,
        });

    private static OpenAIEmbeddingSettings Validate(string owner, OpenAIEmbeddingSettings s)
    {
        Check(s.MaxBatchSize is >= 1 and <= OpenAIEmbeddingDefaults.MaxBatchSize, owner, nameof(MaxBatchSize), s.MaxBatchSize, "must be between 1 and 2048");
        Check(s.MaxTokensPerInput >= 1, owner, nameof(MaxTokensPerInput), s.MaxTokensPerInput, "must be positive");
        Check(s.MaxTokensPerRequest >= s.MaxTokensPerInput, owner, nameof(MaxTokensPerRequest), s.MaxTokensPerRequest, $"must be at least MaxTokensPerInput ({s.MaxTokensPerInput})");
        Check(double.IsFinite(s.EstimatedBytesPerToken) && s.EstimatedBytesPerToken >= 1, owner, nameof(EstimatedBytesPerToken), s.EstimatedBytesPerToken, "must be at least 1 (one token never covers less than one UTF-8 byte)");
        Check(Enum.IsDefined(s.OversizedInput), owner, nameof(OversizedInput), s.OversizedInput, "must be Throw or Truncate");
        Check(s.MaxConcurrency >= 1, owner, nameof(MaxConcurrency), s.MaxConcurrency, "must be positive");
        Check(s.MaxRetries >= 0, owner, nameof(MaxRetries), s.MaxRetries, "must not be negative");
        Check(s.RetryDelay >= TimeSpan.Zero, owner, nameof(RetryDelay), s.RetryDelay, "must not be negative");
        Check(s.MaxRetryDelay >= s.RetryDelay, owner, nameof(MaxRetryDelay), s.MaxRetryDelay, "must be at least RetryDelay");
        Check(s.Timeout > TimeSpan.Zero || s.Timeout == System.Threading.Timeout.InfiniteTimeSpan, owner, nameof(Timeout), s.Timeout, "must be positive or Timeout.InfiniteTimeSpan");
        Check(s.Dimensions is null or > 0, owner, nameof(Dimensions), s.Dimensions, "must be positive when set");
        return s;
    }

    private static void Check(bool ok, string owner, string name, object? value, string rule)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException($"{owner}.{name}", value, $"{owner}.{name} {rule}.");
        }
    }
}
