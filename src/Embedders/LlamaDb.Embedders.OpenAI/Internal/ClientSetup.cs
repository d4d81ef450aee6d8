using OpenAI.Embeddings;

namespace LlamaDb.Embedders.OpenAI;

/// <summary>What a generator is built from: the SDK client, who it talks to, and the validated policy.</summary>
internal sealed record ClientSetup(EmbeddingClient Client, string Provider, Uri? Endpoint, string Model, OpenAIEmbeddingSettings Settings, string? Secret)
{
    public static ClientSetup ForOpenAI(OpenAIEmbeddingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OpenAIEmbeddingSettings settings = OpenAIEmbeddingSettings.From(options);
        if (string.IsNullOrWhiteSpace(options.Model))
        {
            throw new InvalidOperationException("OpenAI model missing: set OpenAIEmbeddingOptions.Model or configuration 'Model'.");
        }

        string apiKey = SettingValues.FirstNonEmpty(options.ApiKey, Environment.GetEnvironmentVariable(OpenAIEmbeddingDefaults.OpenAIKeyVariable))
            ?? throw new InvalidOperationException(
                $"OpenAI API key missing: set OpenAIEmbeddingOptions.ApiKey, configuration 'ApiKey' or {OpenAIEmbeddingDefaults.OpenAIKeyVariable}.");
        Uri endpoint = options.Endpoint ?? OpenAIEmbeddingDefaults.OpenAIEndpoint;
        if (!endpoint.IsAbsoluteUri)
        {
            throw new ArgumentOutOfRangeException("OpenAIEmbeddingOptions.Endpoint", endpoint, "OpenAIEmbeddingOptions.Endpoint must be an absolute URI.");
        }

        EmbeddingClient client = OpenAIClientFactory.CreateOpenAI(options.Model, apiKey, endpoint, options.Organization, options.Project, settings.Timeout);
        return new ClientSetup(client, OpenAIEmbeddingDefaults.OpenAIProvider, endpoint, options.Model, settings, apiKey);
    }

    public static ClientSetup ForAzure(AzureOpenAIEmbeddingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OpenAIEmbeddingSettings settings = OpenAIEmbeddingSettings.From(options);
        Uri resource = options.Endpoint ?? SettingValues.AbsoluteUriFromEnvironment(OpenAIEmbeddingDefaults.AzureEndpointVariable)
            ?? throw new InvalidOperationException(
                $"Azure OpenAI endpoint missing: set AzureOpenAIEmbeddingOptions.Endpoint, configuration 'Endpoint' or {OpenAIEmbeddingDefaults.AzureEndpointVariable}.");
        if (!resource.IsAbsoluteUri)
        {
            throw new ArgumentOutOfRangeException("AzureOpenAIEmbeddingOptions.Endpoint", resource, "AzureOpenAIEmbeddingOptions.Endpoint must be an absolute URI.");
        }

        string apiKey = SettingValues.FirstNonEmpty(options.ApiKey, Environment.GetEnvironmentVariable(OpenAIEmbeddingDefaults.AzureKeyVariable))
            ?? throw new InvalidOperationException(
                $"Azure OpenAI API key missing: set AzureOpenAIEmbeddingOptions.ApiKey, configuration 'ApiKey' or {OpenAIEmbeddingDefaults.AzureKeyVariable}.");
        string deployment = SettingValues.FirstNonEmpty(options.Deployment)
            ?? throw new InvalidOperationException("Azure OpenAI deployment missing: set AzureOpenAIEmbeddingOptions.Deployment or configuration 'Deployment'.");
        Uri endpoint = OpenAIClientFactory.AzureV1Endpoint(resource);
        EmbeddingClient client = OpenAIClientFactory.CreateAzure(deployment, apiKey, endpoint, settings.Timeout);
        return new ClientSetup(client, OpenAIEmbeddingDefaults.AzureProvider, endpoint, deployment, settings, apiKey);
    }

    public static ClientSetup ForClient(EmbeddingClient client, int? defaultModelDimensions)
    {
        ArgumentNullException.ThrowIfNull(client);

        // Model and Endpoint are marked experimental in SDK 2.15; they are plain getters and the only way to learn them.
#pragma warning disable OPENAI001
        Uri? endpoint = client.Endpoint;
        string model = client.Model;
#pragma warning restore OPENAI001
        bool azure = endpoint is not null
            && (endpoint.Host.EndsWith(".openai.azure.com", StringComparison.OrdinalIgnoreCase)
                || endpoint.AbsolutePath.Contains("/openai/v1", StringComparison.OrdinalIgnoreCase));

        // The caller's client keeps its own pipeline, retries included; retrying here as well would multiply them.
        var settings = new OpenAIEmbeddingSettings { MaxRetries = 0, Dimensions = defaultModelDimensions };
        if (defaultModelDimensions is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(defaultModelDimensions), defaultModelDimensions, "defaultModelDimensions must be positive when set.");
        }

        return new ClientSetup(client, azure ? OpenAIEmbeddingDefaults.AzureProvider : OpenAIEmbeddingDefaults.OpenAIProvider, endpoint, model, settings, Secret: null);
    }
}
