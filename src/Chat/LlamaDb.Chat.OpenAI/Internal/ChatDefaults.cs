namespace LlamaDb.Chat.OpenAI;

/// <summary>Defaults and the names of environment variables and providers.</summary>
internal static class ChatDefaults
{
    public const string OpenAIModel = "gpt-4o-mini";
    public const int MaxRetries = 2;
    public const string OpenAIKeyVariable = "OPENAI_API_KEY";
    public const string AzureKeyVariable = "AZURE_OPENAI_API_KEY";
    public const string AzureEndpointVariable = "AZURE_OPENAI_ENDPOINT";
    public const string OpenAIProvider = "openai";
    public const string AzureProvider = "azure.ai.openai";
    public const string CompatibleProvider = "openai-compatible";
    public const string AzureApiKeyHeader = "api-key";

    /// <summary>Stands in for the SDK's required credential when the server takes none; the header it makes is removed before sending.</summary>
    public const string NoKeyPlaceholder = "no-key";

    public static readonly Uri OpenAIEndpoint = new("https://api.openai.com/v1");
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(100);
}
