using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI;
using OpenAI.Chat;

namespace LlamaDb.Chat.OpenAI;

/// <summary>What a chat client is built from: the SDK client, who it talks to, and how requests are shaped.</summary>
internal sealed record ChatClientSetup(ChatClient Client, string Provider, Uri? Endpoint, string Model, string? Secret, bool UseMaxTokensParameter)
{
    public static ChatClientSetup ForOpenAI(OpenAIChatClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options.MaxRetries, options.Timeout, nameof(OpenAIChatClientOptions));
        string model = SettingValues.FirstNonEmpty(options.Model)
            ?? throw new InvalidOperationException("OpenAI model missing: set OpenAIChatClientOptions.Model or configuration 'Model'.");
        string apiKey = SettingValues.FirstNonEmpty(options.ApiKey, Environment.GetEnvironmentVariable(ChatDefaults.OpenAIKeyVariable))
            ?? throw new InvalidOperationException(
                $"OpenAI API key missing: set OpenAIChatClientOptions.ApiKey, configuration 'ApiKey' or {ChatDefaults.OpenAIKeyVariable}.");
        Uri endpoint = options.Endpoint ?? ChatDefaults.OpenAIEndpoint;
        RequireAbsolute(endpoint, "OpenAIChatClientOptions.Endpoint");

        OpenAIClientOptions clientOptions = CreateOptions(endpoint, options.MaxRetries, options.Timeout);
        clientOptions.OrganizationId = options.Organization;
        clientOptions.ProjectId = options.Project;
        var client = new ChatClient(model, new ApiKeyCredential(apiKey), clientOptions);
        return new ChatClientSetup(client, ChatDefaults.OpenAIProvider, endpoint, model, apiKey, UseMaxTokensParameter: false);
    }

    public static ChatClientSetup ForAzure(AzureOpenAIChatClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options.MaxRetries, options.Timeout, nameof(AzureOpenAIChatClientOptions));
        Uri resource = options.Endpoint ?? SettingValues.AbsoluteUriFromEnvironment(ChatDefaults.AzureEndpointVariable)
            ?? throw new InvalidOperationException(
                $"Azure OpenAI endpoint missing: set AzureOpenAIChatClientOptions.Endpoint, configuration 'Endpoint' or {ChatDefaults.AzureEndpointVariable}.");
        RequireAbsolute(resource, "AzureOpenAIChatClientOptions.Endpoint");
        string apiKey = SettingValues.FirstNonEmpty(options.ApiKey, Environment.GetEnvironmentVariable(ChatDefaults.AzureKeyVariable))
            ?? throw new InvalidOperationException(
                $"Azure OpenAI API key missing: set AzureOpenAIChatClientOptions.ApiKey, configuration 'ApiKey' or {ChatDefaults.AzureKeyVariable}.");
        string deployment = SettingValues.FirstNonEmpty(options.Deployment)
            ?? throw new InvalidOperationException("Azure OpenAI deployment missing: set AzureOpenAIChatClientOptions.Deployment or configuration 'Deployment'.");
        Uri endpoint = AzureV1Endpoint(resource);

        OpenAIClientOptions clientOptions = CreateOptions(endpoint, options.MaxRetries, options.Timeout);

        // The SDK's stable constructors always install a bearer policy for the credential; this one runs after it, on every
        // try, and moves the key to api-key.
        clientOptions.AddPolicy(new KeyHeaderPolicy(apiKey), PipelinePosition.BeforeTransport);
        var client = new ChatClient(deployment, new ApiKeyCredential(apiKey), clientOptions);
        return new ChatClientSetup(client, ChatDefaults.AzureProvider, endpoint, deployment, apiKey, UseMaxTokensParameter: false);
    }

    public static ChatClientSetup ForCompatible(OpenAICompatibleChatClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options.MaxRetries, options.Timeout, nameof(OpenAICompatibleChatClientOptions));
        Uri endpoint = options.Endpoint
            ?? throw new InvalidOperationException("Server address missing: set OpenAICompatibleChatClientOptions.Endpoint or configuration 'Endpoint'.");
        RequireAbsolute(endpoint, "OpenAICompatibleChatClientOptions.Endpoint");
        string model = SettingValues.FirstNonEmpty(options.Model)
            ?? throw new InvalidOperationException("Model missing: set OpenAICompatibleChatClientOptions.Model or configuration 'Model'.");
        string? apiKey = SettingValues.FirstNonEmpty(options.ApiKey);
        string provider = SettingValues.FirstNonEmpty(options.ProviderName) ?? ChatDefaults.CompatibleProvider;

        OpenAIClientOptions clientOptions = CreateOptions(endpoint, options.MaxRetries, options.Timeout);
        if (apiKey is null)
        {
            // The SDK requires a credential; the placeholder's bearer header is removed before anything is sent.
            clientOptions.AddPolicy(new KeyHeaderPolicy(apiKeyHeaderValue: null), PipelinePosition.BeforeTransport);
        }

        var client = new ChatClient(model, new ApiKeyCredential(apiKey ?? ChatDefaults.NoKeyPlaceholder), clientOptions);
        return new ChatClientSetup(client, provider, endpoint, model, apiKey, options.UseMaxTokensParameter);
    }

    public static ChatClientSetup ForClient(ChatClient client)
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
        return new ChatClientSetup(client, azure ? ChatDefaults.AzureProvider : ChatDefaults.OpenAIProvider, endpoint, model, Secret: null, UseMaxTokensParameter: false);
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

    private static OpenAIClientOptions CreateOptions(Uri endpoint, int maxRetries, TimeSpan timeout) => new()
    {
        Endpoint = endpoint,
        RetryPolicy = new ClientRetryPolicy(maxRetries),
        NetworkTimeout = timeout,
    };

    private static void Validate(int maxRetries, TimeSpan timeout, string optionsName)
    {
        if (maxRetries < 0)
        {
            throw new ArgumentOutOfRangeException($"{optionsName}.MaxRetries", maxRetries, $"{optionsName}.MaxRetries must not be negative.");
        }

        if (timeout <= TimeSpan.Zero && timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException($"{optionsName}.Timeout", timeout, $"{optionsName}.Timeout must be positive or Timeout.InfiniteTimeSpan.");
        }
    }

    private static void RequireAbsolute(Uri uri, string name)
    {
        if (!uri.IsAbsoluteUri)
        {
            throw new ArgumentOutOfRangeException(name, uri, $"{name} must be an absolute URI.");
        }
    }
}
