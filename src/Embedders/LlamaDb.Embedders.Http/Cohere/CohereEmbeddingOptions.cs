using LlamaDb.Embedders;
using LlamaDb.Embedders.Http.Internal;

namespace LlamaDb.Embedders.Http;

/// <summary>Options of <see cref="CohereEmbeddingGenerator"/>: Cohere's <c>POST {Endpoint}/v2/embed</c>. Bindable from configuration.</summary>
public sealed class CohereEmbeddingOptions
{
    /// <summary>The environment variable the API key is read from when no key is configured: <c>COHERE_API_KEY</c>.</summary>
    public const string ApiKeyEnvironmentVariable = "COHERE_API_KEY";

    /// <summary>
    /// Gets or sets the API's base address; <c>/v2/embed</c> is appended (only <c>/embed</c> when it already ends in <c>/v2</c>).
    /// Defaults to <c>https://api.cohere.com</c>.
    /// </summary>
    public Uri? Endpoint { get; set; } = new("https://api.cohere.com");

    /// <summary>Gets or sets the API key, sent as <c>Authorization: Bearer ...</c>. Defaults to the <c>COHERE_API_KEY</c> environment variable.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the model, e.g. <c>embed-v4.0</c> or <c>embed-english-v3.0</c>. Required.</summary>
    public string? Model { get; set; }

    /// <summary>Gets or sets the <c>output_dimension</c> (embed-v4.0: 256, 512, 1024 or 1536); omitted when <see langword="null"/>. Defaults to <see langword="null"/>.</summary>
    public int? Dimensions { get; set; }

    /// <summary>
    /// Gets or sets the default <c>input_type</c>: <c>search_document</c>, <c>search_query</c>, <c>classification</c> or
    /// <c>clustering</c> (<c>document</c> and <c>query</c> are accepted too). A request overrides it with
    /// <c>EmbeddingGenerationOptions.AdditionalProperties["input_type"]</c>. Defaults to <c>search_document</c>.
    /// </summary>
    public string InputType { get; set; } = EmbeddingInputTypes.SearchDocument;

    /// <summary>
    /// Gets or sets <c>truncate</c>: <c>NONE</c> (fail on too-long inputs), <c>START</c> or <c>END</c>; omitted when
    /// <see langword="null"/> (Cohere then truncates the end). A request overrides it with <c>AdditionalProperties["truncate"]</c>.
    /// Defaults to <see langword="null"/>.
    /// </summary>
    public string? Truncate { get; set; }

    /// <summary>Gets or sets the most texts sent in one request. Defaults to 96 (Cohere's limit).</summary>
    public int MaxBatchSize { get; set; } = 96;

    /// <summary>Gets or sets the most requests this generator has in flight at once. Defaults to 4.</summary>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>Gets or sets how many times a request that failed with 408, 429, 5xx, a transport error or a timeout is retried. Defaults to 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Gets or sets the first retry's delay; later ones grow exponentially, with jitter. Defaults to 1 second.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets the longest wait between attempts. A <c>Retry-After</c> longer than this ends the retries and surfaces
    /// the 429/503 instead. Defaults to 60 seconds.
    /// </summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets the timeout of one attempt (sending and reading the response); <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> for none. Defaults to 100 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Returns a copy of these options.</summary>
    /// <returns>A shallow copy.</returns>
    public CohereEmbeddingOptions Clone() => (CohereEmbeddingOptions)MemberwiseClone();

    /// <summary>Throws when a setting is missing or out of range, naming it.</summary>
    internal void Validate()
    {
        const string Prefix = nameof(CohereEmbeddingOptions) + ".";
        if (Endpoint is null)
        {
            throw new InvalidOperationException($"{Prefix}{nameof(Endpoint)} is missing: set it in the options or configuration 'Endpoint' (e.g. https://api.cohere.com).");
        }

        OptionChecks.AbsoluteHttp(Endpoint, Prefix + nameof(Endpoint));
        if (string.IsNullOrWhiteSpace(ApiKey))
        {
            throw new InvalidOperationException($"{Prefix}{nameof(ApiKey)} is missing: set it in the options or configuration 'ApiKey', or set the {ApiKeyEnvironmentVariable} environment variable.");
        }

        if (string.IsNullOrWhiteSpace(Model))
        {
            throw new InvalidOperationException($"{Prefix}{nameof(Model)} is missing: set it in the options or configuration 'Model' (e.g. embed-v4.0).");
        }

        OptionChecks.PositiveIfSet(Dimensions, Prefix + nameof(Dimensions));
        _ = CohereInputs.InputType(InputType, Prefix + nameof(InputType));
        _ = CohereInputs.Truncate(Truncate, Prefix + nameof(Truncate));
        OptionChecks.Positive(MaxBatchSize, Prefix + nameof(MaxBatchSize));
        OptionChecks.Transport(MaxConcurrency, MaxRetries, RetryDelay, MaxRetryDelay, Timeout, Prefix);
    }

    internal HttpEmbeddingSettings ToSettings() => new(MaxConcurrency, MaxRetries, RetryDelay, MaxRetryDelay, Timeout);
}
