namespace LlamaDb.Chat.OpenAI;

/// <summary>
/// Settings for <see cref="OpenAIChatClient"/> against an Azure OpenAI resource's <c>/openai/v1/</c> API. Bindable from an
/// <c>IConfiguration</c> section: keys are the property names (<c>Endpoint</c>, <c>ApiKey</c>, <c>Deployment</c>, ...).
/// </summary>
public sealed class AzureOpenAIChatClientOptions
{
    /// <summary>
    /// Gets or sets the resource address, e.g. <c>https://my-resource.openai.azure.com</c> (<c>/openai/v1/</c> is appended
    /// unless already there). When empty, the <c>AZURE_OPENAI_ENDPOINT</c> environment variable is used.
    /// </summary>
    public Uri? Endpoint { get; set; }

    /// <summary>
    /// Gets or sets the resource key. When empty, the <c>AZURE_OPENAI_API_KEY</c> environment variable is used. The key is sent
    /// only in the <c>api-key</c> header (never <c>Authorization</c>) and never logged or put in exception messages.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the deployment name, sent as the request's model. Required.</summary>
    public string? Deployment { get; set; }

    /// <summary>Gets or sets how many times the SDK retries 408, 429 and 5xx responses. Defaults to 2.</summary>
    public int MaxRetries { get; set; } = ChatDefaults.MaxRetries;

    /// <summary>Gets or sets the time one request may take. Defaults to 100 seconds.</summary>
    public TimeSpan Timeout { get; set; } = ChatDefaults.Timeout;
}
