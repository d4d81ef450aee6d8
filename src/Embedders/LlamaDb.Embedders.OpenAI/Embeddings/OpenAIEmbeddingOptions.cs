namespace LlamaDb.Embedders.OpenAI;

/// <summary>
/// Settings for <see cref="OpenAIEmbeddingGenerator"/> against OpenAI (or a service with OpenAI's API). Bindable from an
/// <c>IConfiguration</c> section: keys are the property names (<c>ApiKey</c>, <c>Model</c>, <c>MaxRetries</c>, ...).
/// </summary>
public sealed class OpenAIEmbeddingOptions : IEmbeddingRequestLimits
{
    /// <summary>
    /// Gets or sets the API key. When empty, the <c>OPENAI_API_KEY</c> environment variable is used. The key is sent only in
    /// the <c>Authorization: Bearer</c> header and never logged or put in exception messages.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the API's base address. Defaults to <c>https://api.openai.com/v1</c>.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets the model. Defaults to <c>text-embedding-3-small</c>.</summary>
    public string Model { get; set; } = OpenAIEmbeddingDefaults.Model;

    /// <summary>
    /// Gets or sets the number of dimensions to ask for (the API's <c>dimensions</c>; text-embedding-3 models only).
    /// Defaults to <see langword="null"/>: the model's own size.
    /// </summary>
    public int? Dimensions { get; set; }

    /// <summary>Gets or sets the organization sent as <c>OpenAI-Organization</c>. Defaults to <see langword="null"/>.</summary>
    public string? Organization { get; set; }

    /// <summary>Gets or sets the project sent as <c>OpenAI-Project</c>. Defaults to <see langword="null"/>.</summary>
    public string? Project { get; set; }

    /// <summary>Gets or sets the most inputs sent in one request (OpenAI allows 2048). Defaults to 2048.</summary>
    public int MaxBatchSize { get; set; } = OpenAIEmbeddingDefaults.MaxBatchSize;

    /// <summary>Gets or sets the most estimated tokens sent in one request (OpenAI allows 300,000). Defaults to 300,000.</summary>
    public int MaxTokensPerRequest { get; set; } = OpenAIEmbeddingDefaults.MaxTokensPerRequest;

    /// <summary>Gets or sets the most estimated tokens in one input (the models take 8192). Defaults to 8192.</summary>
    public int MaxTokensPerInput { get; set; } = OpenAIEmbeddingDefaults.MaxTokensPerInput;

    /// <summary>
    /// Gets or sets the UTF-8 bytes counted as one token when estimating sizes: tokens = ceil(bytes / this). Smaller is
    /// more cautious; 1 is a hard upper bound for OpenAI's byte-level tokenizers, English text averages about 4.
    /// A request the service still finds too large is split in halves and re-sent. Defaults to 3.
    /// </summary>
    public double EstimatedBytesPerToken { get; set; } = OpenAIEmbeddingDefaults.EstimatedBytesPerToken;

    /// <summary>Gets or sets what happens to an input over <see cref="MaxTokensPerInput"/>. Defaults to <see cref="OversizedInputBehavior.Throw"/>.</summary>
    public OversizedInputBehavior OversizedInput { get; set; }

    /// <summary>Gets or sets the most requests this generator has in flight at once. Defaults to 4.</summary>
    public int MaxConcurrency { get; set; } = OpenAIEmbeddingDefaults.MaxConcurrency;

    /// <summary>Gets or sets how many times a request is retried after 408, 429, 5xx, a transport error or a timeout. Defaults to 3.</summary>
    public int MaxRetries { get; set; } = OpenAIEmbeddingDefaults.MaxRetries;

    /// <summary>Gets or sets the first retry's delay when the service gives no <c>Retry-After</c>; it doubles per retry, with jitter. Defaults to 1 second.</summary>
    public TimeSpan RetryDelay { get; set; } = OpenAIEmbeddingDefaults.RetryDelay;

    /// <summary>
    /// Gets or sets the longest wait between attempts: the computed backoff is capped at it, and a <c>Retry-After</c> longer
    /// than it ends the retries at once with the 429/503 as an <see cref="EmbeddingProviderException"/>. Defaults to 60 seconds.
    /// </summary>
    public TimeSpan MaxRetryDelay { get; set; } = OpenAIEmbeddingDefaults.MaxRetryDelay;

    /// <summary>Gets or sets the time one request may take before it is abandoned (and retried). <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> turns it off. Defaults to 100 seconds.</summary>
    public TimeSpan Timeout { get; set; } = OpenAIEmbeddingDefaults.Timeout;
}
