namespace LlamaDb.Chat.OpenAI;

/// <summary>
/// Settings for <see cref="OpenAIChatClient"/> against OpenAI. Bindable from an <c>IConfiguration</c> section: keys are
/// the property names (<c>ApiKey</c>, <c>Model</c>, <c>Endpoint</c>, ...).
/// </summary>
public sealed class OpenAIChatClientOptions
{
    /// <summary>
    /// Gets or sets the API key. When empty, the <c>OPENAI_API_KEY</c> environment variable is used. The key is sent only in
    /// the <c>Authorization: Bearer</c> header and never logged or put in exception messages.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the API's base address. Defaults to <c>https://api.openai.com/v1</c>.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets the default model; <c>ChatOptions.ModelId</c> overrides it per call. Defaults to <c>gpt-4o-mini</c>.</summary>
    public string Model { get; set; } = ChatDefaults.OpenAIModel;

    /// <summary>Gets or sets the organization sent as <c>OpenAI-Organization</c>. Defaults to <see langword="null"/>.</summary>
    public string? Organization { get; set; }

    /// <summary>Gets or sets the project sent as <c>OpenAI-Project</c>. Defaults to <see langword="null"/>.</summary>
    public string? Project { get; set; }

    /// <summary>Gets or sets how many times the SDK retries 408, 429 and 5xx responses (with its backoff, honoring <c>Retry-After</c>). Defaults to 2.</summary>
    public int MaxRetries { get; set; } = ChatDefaults.MaxRetries;

    /// <summary>Gets or sets the time one request may take. <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> turns it off. Defaults to 100 seconds.</summary>
    public TimeSpan Timeout { get; set; } = ChatDefaults.Timeout;
}
