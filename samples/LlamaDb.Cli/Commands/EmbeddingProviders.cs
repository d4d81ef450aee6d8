using LlamaDb.Embedders;
using LlamaDb.Embedders.Http;
using LlamaDb.Embedders.OpenAI;
using Microsoft.Extensions.AI;

namespace LlamaDb.Cli.Commands;

/// <summary>The <c>--provider</c> values of <c>llamadb embed</c> and how each remote one is set up from options and the environment.</summary>
internal static class EmbeddingProviders
{
    public const string Onnx = "onnx";
    public const string OpenAI = "openai";
    public const string AzureOpenAI = "azure-openai";
    public const string Cohere = "cohere";
    public const string OpenAICompatible = "openai-compatible";

    public const string OpenAIKeyVariable = "OPENAI_API_KEY";
    public const string AzureKeyVariable = "AZURE_OPENAI_API_KEY";
    public const string AzureEndpointVariable = "AZURE_OPENAI_ENDPOINT";
    public const string CohereKeyVariable = "COHERE_API_KEY";
    public const string OpenAICompatibleKeyVariable = "LLAMADB_API_KEY";

    public static readonly string[] Names = [Onnx, OpenAI, AzureOpenAI, Cohere, OpenAICompatible];

    public static readonly string[] InputTypes =
    [
        EmbeddingInputTypes.SearchQuery, EmbeddingInputTypes.SearchDocument, EmbeddingInputTypes.Classification, EmbeddingInputTypes.Clustering,
    ];

    /// <summary>
    /// Creates the generator for a remote <paramref name="provider"/>. Keys come from the environment only and are never
    /// put in a message; a missing key, endpoint or model is a <see cref="CliUsageException"/> naming what to set.
    /// </summary>
    public static IEmbeddingGenerator<string, Embedding<float>> CreateRemote(string provider, string? endpoint, string? model) => provider switch
    {
        OpenAI => new OpenAIEmbeddingGenerator(new OpenAIEmbeddingOptions
        {
            ApiKey = RequireKey(provider, OpenAIKeyVariable),
            Endpoint = endpoint is null ? null : ParseEndpoint(endpoint, "--endpoint"),
            Model = model ?? new OpenAIEmbeddingOptions().Model,
        }),
        AzureOpenAI => CreateAzure(endpoint, model),
        Cohere => new CohereEmbeddingGenerator(new CohereEmbeddingOptions
        {
            ApiKey = RequireKey(provider, CohereKeyVariable),
            Endpoint = endpoint is null ? new CohereEmbeddingOptions().Endpoint : ParseEndpoint(endpoint, "--endpoint"),
            Model = model ?? throw new CliUsageException("--provider cohere needs a model: pass --model <name> (e.g. embed-v4.0)."),
        }),
        OpenAICompatible => new OpenAICompatibleEmbeddingGenerator(new OpenAICompatibleEmbeddingOptions
        {
            ApiKey = NonEmpty(Environment.GetEnvironmentVariable(OpenAICompatibleKeyVariable)),
            Endpoint = ParseEndpoint(
                endpoint ?? throw new CliUsageException("--provider openai-compatible needs the server address: pass --endpoint <url> (e.g. http://localhost:11434)."),
                "--endpoint"),
            Model = model,
        }),
        _ => throw new CliUsageException($"Unknown provider '{provider}'; use one of: {string.Join(", ", Names)}."),
    };

    /// <summary>Whether <paramref name="provider"/> sends <c>input_type</c> to the service (only Cohere's API has the field).</summary>
    public static bool SendsInputType(string provider) => provider == Cohere;

    private static OpenAIEmbeddingGenerator CreateAzure(string? endpoint, string? deployment)
    {
        string key = RequireKey(AzureOpenAI, AzureKeyVariable);
        string resource = endpoint
            ?? NonEmpty(Environment.GetEnvironmentVariable(AzureEndpointVariable))
            ?? throw new CliUsageException(
                $"--provider azure-openai needs the resource endpoint: set the {AzureEndpointVariable} environment variable or pass --endpoint <url>.");
        return new OpenAIEmbeddingGenerator(new AzureOpenAIEmbeddingOptions
        {
            ApiKey = key,
            Endpoint = ParseEndpoint(resource, endpoint is null ? AzureEndpointVariable : "--endpoint"),
            Deployment = deployment ?? throw new CliUsageException("--provider azure-openai needs a deployment: pass --model <deployment name>."),
        });
    }

    private static string RequireKey(string provider, string variable) =>
        NonEmpty(Environment.GetEnvironmentVariable(variable))
        ?? throw new CliUsageException($"--provider {provider} needs an API key: set the {variable} environment variable.");

    private static Uri ParseEndpoint(string value, string source) =>
        Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new CliUsageException($"{source} '{value}' is not an absolute http(s) address.");

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
