namespace LlamaDb.Embedders.OpenAI;

/// <summary>Defaults and service limits shared by both option classes.</summary>
internal static class OpenAIEmbeddingDefaults
{
    public const string Model = "text-embedding-3-small";
    public const int MaxBatchSize = 2048;
    public const int MaxTokensPerRequest = 300_000;
    public const int MaxTokensPerInput = 8192;
    public const double EstimatedBytesPerToken = 3;
    public const int MaxConcurrency = 4;
    public const int MaxRetries = 3;
    public const string OpenAIProvider = "openai";
    public const string AzureProvider = "azure.ai.openai";
    public const string OpenAIKeyVariable = "OPENAI_API_KEY";
    public const string AzureKeyVariable = "AZURE_OPENAI_API_KEY";
    public const string AzureEndpointVariable = "AZURE_OPENAI_ENDPOINT";

    public static readonly Uri OpenAIEndpoint = new("https://api.openai.com/v1");
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(100);

    /// <summary>The native size of OpenAI's embedding models, for metadata when no dimensions are asked for.</summary>
    public static int? KnownDimensions(string model) => model switch
    {
        "text-embedding-3-small" => 1536,
        "text-embedding-3-large" => 3072,
        "text-embedding-ada-002" => 1536,
        _ => null,
    };
}
