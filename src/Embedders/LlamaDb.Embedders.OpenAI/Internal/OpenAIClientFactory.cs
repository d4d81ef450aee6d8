using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI;
using OpenAI.Embeddings;

namespace LlamaDb.Embedders.OpenAI;

/// <summary>
/// Builds the SDK's <see cref="EmbeddingClient"/> for OpenAI (key as <c>Authorization: Bearer</c>) and for Azure OpenAI's
/// v1 API (key only in <c>api-key</c>). The SDK's own retries are off: the generator retries, splits and times out itself,
/// so one policy decides and nothing multiplies.
/// </summary>
internal static class OpenAIClientFactory
{
    public const string AzureApiKeyHeader = "api-key";

    public static EmbeddingClient CreateOpenAI(string model, string apiKey, Uri endpoint, string? organization, string? project, TimeSpan timeout)
    {
        OpenAIClientOptions options = CreateOptions(endpoint, timeout);
        options.OrganizationId = organization;
        options.ProjectId = project;
        return new EmbeddingClient(model, new ApiKeyCredential(apiKey), options);
    }

    public static EmbeddingClient CreateAzure(string deployment, string apiKey, Uri v1Endpoint, TimeSpan timeout)
    {
        OpenAIClientOptions options = CreateOptions(v1Endpoint, timeout);

        // The SDK's stable constructors always install a bearer policy for the credential. The policy below runs after it
        // (just before the transport, on every try) and moves the key: api-key carries it, Authorization is removed.
        options.AddPolicy(new AzureApiKeyPolicy(apiKey), PipelinePosition.BeforeTransport);
        return new EmbeddingClient(deployment, new ApiKeyCredential(apiKey), options);
    }

    /// <summary>Maps a resource address to its v1 API base: <c>https://r.openai.azure.com</c> becomes <c>https://r.openai.azure.com/openai/v1/</c>.</summary>
    public static Uri AzureV1Endpoint(Uri resource)
    {
        string text = resource.GetLeftPart(UriPartial.Path).TrimEnd('/');
        if (text.EndsWith("/openai/v1", StringComparison.OrdinalIgnoreCase))
        {
            return new Uri(text + "/");
        }

        if (text.EndsWith("/openai", StringComparison.OrdinalIgnoreCase))
        {
            return new Uri(text + "/v1/");
        }

        return new Uri(text + "/openai/v1/");
    }

    private static OpenAIClientOptions CreateOptions(Uri endpoint, TimeSpan timeout) => new()
    {
        Endpoint = endpoint,
        RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        NetworkTimeout = timeout,
    };
}
