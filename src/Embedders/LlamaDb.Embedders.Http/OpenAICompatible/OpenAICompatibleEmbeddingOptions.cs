using LlamaDb.Embedders;
using LlamaDb.Embedders.Http.Internal;

namespace LlamaDb.Embedders.Http;

/// <summary>
/// Options of <see cref="OpenAICompatibleEmbeddingGenerator"/>: an OpenAI-style <c>POST {Endpoint}/v1/embeddings</c>
/// server such as Ollama, Hugging Face TEI, vLLM, LM Studio or llama.cpp's server. Bindable from configuration.
/// </summary>
public sealed class OpenAICompatibleEmbeddingOptions
{
    /// <summary>
    /// Gets or sets the server's base address, e.g. <c>http://localhost:11434</c> (Ollama) or <c>http://localhost:8080</c>.
    /// <c>/v1/embeddings</c> is appended (only <c>/embeddings</c> when the address already ends in <c>/v1</c>; nothing
    /// when it ends in <c>/embeddings</c>). Required.
    /// </summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets the bearer token sent as <c>Authorization: Bearer ...</c>. Defaults to none (most local servers need none).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the model sent as <c>model</c>; omitted when <see langword="null"/> (TEI and llama.cpp serve one model). Defaults to <see langword="null"/>.</summary>
    public string? Model { get; set; }

    /// <summary>Gets or sets the number of dimensions requested as <c>dimensions</c> (Matryoshka models only); omitted when <see langword="null"/>. Defaults to <see langword="null"/>.</summary>
    public int? Dimensions { get; set; }

    /// <summary>
    /// Gets or sets the default input type, in the vocabulary of <see cref="EmbeddingInputTypes.Normalize(string, string?)"/>:
    /// <c>search_document</c> (also <c>document</c>, <c>passage</c>), <c>search_query</c> (also <c>query</c>),
    /// <c>classification</c> or <c>clustering</c>. It picks the prefix (<see cref="Prefixes"/>, or <see cref="QueryPrefix"/> for
    /// queries and <see cref="DocumentPrefix"/> for the rest); a request overrides it with
    /// <c>EmbeddingGenerationOptions.AdditionalProperties["input_type"]</c>. Defaults to <c>document</c>.
    /// </summary>
    public string InputType { get; set; } = "document";

    /// <summary>
    /// Gets or sets the model's prefixes for every input type (e.g. <see cref="TextPrefixes.E5"/>, <see cref="TextPrefixes.Nomic"/>);
    /// a text that already starts with its prefix is sent unchanged. Set this or <see cref="QueryPrefix"/>/<see cref="DocumentPrefix"/>,
    /// not both. Defaults to <see langword="null"/>.
    /// </summary>
    public TextPrefixes? Prefixes { get; set; }

    /// <summary>Gets or sets the text put before every query (e.g. <see cref="TextPrefixes.E5"/>'s <c>Query</c>), unless the query already starts with it. Defaults to none.</summary>
    public string? QueryPrefix { get; set; }

    /// <summary>Gets or sets the text put before every other input (documents, and classification or clustering texts), unless it already starts with it. Defaults to none.</summary>
    public string? DocumentPrefix { get; set; }

    /// <summary>Gets or sets the <c>encoding_format</c> asked for. Defaults to <see cref="EmbeddingEncodingFormat.Float"/>.</summary>
    public EmbeddingEncodingFormat EncodingFormat { get; set; } = EmbeddingEncodingFormat.Float;

    /// <summary>Gets or sets the most inputs sent in one request. Defaults to 2048 (OpenAI's limit).</summary>
    public int MaxBatchSize { get; set; } = 2048;

    /// <summary>Gets or sets the most estimated tokens sent in one request (estimated high from the UTF-8 length). Defaults to 300000.</summary>
    public long MaxTokensPerRequest { get; set; } = 300_000;

    /// <summary>Gets or sets the estimated token count above which an input is sent in a request of its own, so it cannot fail a whole batch. Defaults to 8192.</summary>
    public long MaxTokensPerInput { get; set; } = 8192;

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
    public OpenAICompatibleEmbeddingOptions Clone() => (OpenAICompatibleEmbeddingOptions)MemberwiseClone();

    /// <summary>Throws when a setting is out of range, naming it.</summary>
    internal void Validate()
    {
        const string Prefix = nameof(OpenAICompatibleEmbeddingOptions) + ".";
        if (Endpoint is null)
        {
            throw new InvalidOperationException($"{Prefix}{nameof(Endpoint)} is missing: set it in the options or configuration 'Endpoint' (e.g. http://localhost:11434).");
        }

        OptionChecks.AbsoluteHttp(Endpoint, Prefix + nameof(Endpoint));
        OptionChecks.PositiveIfSet(Dimensions, Prefix + nameof(Dimensions));
        string inputType = InputTypes.Normalize(InputType, Prefix + nameof(InputType));
        if (Prefixes is not null && (QueryPrefix is not null || DocumentPrefix is not null))
        {
            throw new ArgumentException($"{Prefix}{nameof(Prefixes)} and {nameof(QueryPrefix)}/{nameof(DocumentPrefix)} are both set; set one.", nameof(Prefixes));
        }

        _ = Prefixes?.GetPrefix(inputType);
        if (!Enum.IsDefined(EncodingFormat))
        {
            throw new ArgumentOutOfRangeException(nameof(EncodingFormat), EncodingFormat, $"{Prefix}{nameof(EncodingFormat)} must be Float or Base64.");
        }

        OptionChecks.Positive(MaxBatchSize, Prefix + nameof(MaxBatchSize));
        OptionChecks.Positive(MaxTokensPerRequest, Prefix + nameof(MaxTokensPerRequest));
        OptionChecks.Positive(MaxTokensPerInput, Prefix + nameof(MaxTokensPerInput));
        OptionChecks.Transport(MaxConcurrency, MaxRetries, RetryDelay, MaxRetryDelay, Timeout, Prefix);
    }

    internal HttpEmbeddingSettings ToSettings() => new(MaxConcurrency, MaxRetries, RetryDelay, MaxRetryDelay, Timeout);
}
