namespace LlamaDb.Chat.OpenAI;

/// <summary>
/// Settings for <see cref="OpenAIChatClient"/> against a server speaking OpenAI's chat-completions protocol: Ollama
/// (<c>http://localhost:11434/v1</c>), vLLM (<c>http://host:8000/v1</c>), llama.cpp's server (<c>http://host:8080/v1</c>).
/// Bindable from an <c>IConfiguration</c> section: keys are the property names.
/// </summary>
public sealed class OpenAICompatibleChatClientOptions
{
    /// <summary>Gets or sets the API's base address, including <c>/v1</c> where the server has it. Required.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>
    /// Gets or sets an optional key, sent as <c>Authorization: Bearer</c>. No environment variable is consulted: a local
    /// server should not receive a cloud key by accident. When empty, no <c>Authorization</c> header is sent.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the model name the server knows (e.g. <c>llama3.2</c>). Required.</summary>
    public string? Model { get; set; }

    /// <summary>Gets or sets the provider name reported in <c>ChatClientMetadata</c>. Defaults to <c>openai-compatible</c>.</summary>
    public string ProviderName { get; set; } = ChatDefaults.CompatibleProvider;

    /// <summary>
    /// Gets or sets whether <c>ChatOptions.MaxOutputTokens</c> is sent as the older <c>max_tokens</c> (which every
    /// compatible server reads) instead of <c>max_completion_tokens</c>. Defaults to <see langword="true"/>.
    /// </summary>
    public bool UseMaxTokensParameter { get; set; } = true;

    /// <summary>Gets or sets how many times the SDK retries 408, 429 and 5xx responses. Defaults to 2.</summary>
    public int MaxRetries { get; set; } = ChatDefaults.MaxRetries;

    /// <summary>Gets or sets the time one request may take (local models can be slow). Defaults to 100 seconds.</summary>
    public TimeSpan Timeout { get; set; } = ChatDefaults.Timeout;
}
