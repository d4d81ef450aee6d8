namespace LlamaDb.Retrieval;

/// <summary>Options for <see cref="CohereReranker"/>.</summary>
public sealed class CohereRerankerOptions
{
    /// <summary>The environment variable read when <see cref="ApiKey"/> is null.</summary>
    public const string ApiKeyEnvironmentVariable = "COHERE_API_KEY";

    /// <summary>
    /// Gets or sets the service's base address; requests go to <c>{Endpoint}/v2/rerank</c>. Defaults to
    /// <c>https://api.cohere.com</c>. Any server speaking Cohere's v2 rerank protocol works.
    /// </summary>
    public Uri? Endpoint { get; set; } = new("https://api.cohere.com");

    /// <summary>
    /// Gets or sets the API key, sent as a bearer token. Defaults to null: the <c>COHERE_API_KEY</c> environment variable;
    /// an empty string sends no key (for local servers).
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the model. Defaults to <c>rerank-v3.5</c>.</summary>
    public string Model { get; set; } = "rerank-v3.5";

    /// <summary>Gets or sets the most documents sent in one request; more are split over several requests. Defaults to 1000 (Cohere's limit).</summary>
    public int MaxDocumentsPerRequest { get; set; } = 1000;

    /// <summary>Gets or sets <c>max_tokens_per_doc</c>, the length each document is cut to by the service. Defaults to null: the service's default.</summary>
    public int? MaxTokensPerDocument { get; set; }

    /// <summary>Gets or sets how many times a request is retried after 408, 429, 5xx or a transport error. Defaults to 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Gets or sets the first retry delay when the response has no <c>Retry-After</c>; it doubles with each retry. Defaults to 1 second.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest delay between attempts, <c>Retry-After</c> included. Defaults to 60 seconds.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets the time limit of one attempt. Defaults to 100 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Creates a copy.</summary>
    /// <returns>The copy.</returns>
    public CohereRerankerOptions Clone() => (CohereRerankerOptions)MemberwiseClone();

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Endpoint, nameof(Endpoint));
        if (!Endpoint.IsAbsoluteUri || (Endpoint.Scheme != Uri.UriSchemeHttp && Endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"Endpoint must be an absolute http or https address; got '{Endpoint}'.", nameof(Endpoint));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(Model, nameof(Model));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxDocumentsPerRequest, nameof(MaxDocumentsPerRequest));
        if (MaxTokensPerDocument is { } maxTokens)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTokens, nameof(MaxTokensPerDocument));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(MaxRetries, nameof(MaxRetries));
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryDelay, TimeSpan.Zero, nameof(RetryDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRetryDelay, TimeSpan.Zero, nameof(MaxRetryDelay));
        if (Timeout <= TimeSpan.Zero && Timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "Timeout must be positive (or infinite).");
        }
    }
}
