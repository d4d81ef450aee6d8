namespace LlamaDb.Embedders.OpenAI;

/// <summary>
/// Settings for <see cref="OpenAIEmbeddingGenerator"/> against an Azure OpenAI resource's <c>/openai/v1/</c> API. Bindable
/// from an <c>IConfiguration</c> section: keys are the property names (<c>Endpoint</c>, <c>ApiKey</c>, <c>Deployment</c>, ...).
/// </summary>
public sealed class AzureOpenAIEmbeddingOptions : IEmbeddingRequestLimits
{
    /// <summary>
    /// Gets or sets the resource address, e.g. <c>https://my-resource.openai.azure.com</c> (<c>/openai/v1/</c> is appended
    /// unless already there). When empty, the <c>AZURE_OPENAI_ENDPOINT</c> environment variable is used.
    /// </summary>
    public Uri? Endpoint { get; set; }

    /// <summary>
    /// Gets or sets the resource key. When empty, the <c>AZURE_OPENAI_API_KEY</c> environment variable is used. The key is sent
    /// only in the <c>api-key</c> header and never logged or put in exception messages.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the deployment name, sent as the request's model. Required.</summary>
    public string? Deployment { get; set; }

    /// <summary>Gets or sets the number of dimensions to ask for (text-embedding-3 deployments only). Defaults to <see langword="null"/>.</summary>
    public int? Dimensions { get; set; }

    /// <summary>Gets or sets the most inputs sent in one request. Defaults to 2048.</summary>
    public int MaxBatchSize { get; set; } = OpenAIEmbeddingDefaults.MaxBatchSize;

    /// <summary>Gets or sets the most estimated tokens sent in one request. Defaults to 300,000.</summary>
    public int MaxTokensPerRequest { get; set; } = OpenAIEmbeddingDefaults.MaxTokensPerRequest;

    /// <summary>Gets or sets the most estimated tokens in one input. Defaults to 8192.</summary>
    public int MaxTokensPerInput { get; set; } = OpenAIEmbeddingDefaults.MaxTokensPerInput;

    /// <summary>Gets or sets the UTF-8 bytes counted as one token when estimating sizes (see <see cref="OpenAIEmbeddingOptions.EstimatedBytesPerToken"/>). Defaults to 3.</summary>
    public double EstimatedBytesPerToken { get; set; } = OpenAIEmbeddingDefaults.EstimatedBytesPerToken;

    /// <summary>Gets or sets what happens to an input over <see cref="MaxTokensPerInput"/>. Defaults to <see cref="OversizedInputBehavior.Throw"/>.</summary>
    public OversizedInputBehavior OversizedInput { get; set; }

    /// <summary>Gets or sets the most requests this generator has in flight at once. Defaults to 4.</summary>
    public int MaxConcurrency { get; set; } = OpenAIEmbeddingDefaults.MaxConcurrency;

    /// <summary>Gets or sets how many times a request is retried after 408, 429, 5xx, a transport error or a timeout. Defaults to 3.</summary>
    public int MaxRetries { get; set; } = OpenAIEmbeddingDefaults.MaxRetries;

    /// <summary>Gets or sets the first retry's delay when the service gives no <c>Retry-After</c>. Defaults to 1 second.</summary>
    public TimeSpan RetryDelay { get; set; } = OpenAIEmbeddingDefaults.RetryDelay;

    /// <summary>
    /// Gets or sets the longest wait between attempts: the computed backoff is capped at it, and a <c>Retry-After</c> longer
    /// than it ends the retries at once with the 429/503 as an <see cref="EmbeddingProviderException"/>. Defaults to 60 seconds.
    /// </summary>
    public TimeSpan MaxRetryDelay { get; set; } = OpenAIEmbeddingDefaults.MaxRetryDelay;

    /// <summary>Gets or sets the time one request may take before it is abandoned (and retried). Defaults to 100 seconds.</summary>
    public TimeSpan Timeout { get; set; } = OpenAIEmbeddingDefaults.Timeout;
}
