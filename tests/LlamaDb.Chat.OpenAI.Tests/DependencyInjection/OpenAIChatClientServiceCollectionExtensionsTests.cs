using LlamaDb.Chat.OpenAI.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LlamaDb.Chat.OpenAI.Tests.DependencyInjection;

public sealed class OpenAIChatClientServiceCollectionExtensionsTests : IAsyncLifetime
{
    private ChatWireServer _server = null!;

    public async Task InitializeAsync() => _server = await ChatWireServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task AddOpenAICompatibleChatClient_FromConfiguration_ResolvesWorkingSingleton()
    {
        IConfiguration config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Chat:Endpoint"] = _server.V1.ToString(),
            ["Chat:Model"] = "qwen2.5",
            ["Chat:MaxRetries"] = "0",
            ["Chat:UseMaxTokensParameter"] = "false",
        }).Build();
        _server.EnqueueCompletion("from di");
        var services = new ServiceCollection();
        services.AddOpenAICompatibleChatClient(config.GetSection("Chat"), o => o.ProviderName = "ollama");
        await using ServiceProvider provider = services.BuildServiceProvider();

        IChatClient client = provider.GetRequiredService<IChatClient>();
        ChatResponse response = await client.GetResponseAsync("Hi", new ChatOptions { MaxOutputTokens = 9 });

        Assert.Same(client, provider.GetRequiredService<IChatClient>());
        Assert.Equal("from di", response.Text);
        Assert.Equal("qwen2.5", (string?)_server.Single.Json["model"]);
        Assert.Equal(9, (int?)_server.Single.Json["max_completion_tokens"]);
        Assert.Equal("ollama", client.GetService<ChatClientMetadata>()!.ProviderName);
    }

    [Fact]
    public async Task AddAzureOpenAIChatClient_FromConfiguration_UsesDeploymentAndApiKeyHeader()
    {
        IConfiguration config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Endpoint"] = _server.BaseAddress.ToString(),
            ["ApiKey"] = "az-key-abcdef",
            ["Deployment"] = "dep-1",
            ["MaxRetries"] = "0",
        }).Build();
        _server.EnqueueCompletion("ok");
        var services = new ServiceCollection();
        services.AddAzureOpenAIChatClient(config);
        await using ServiceProvider provider = services.BuildServiceProvider();

        await provider.GetRequiredService<IChatClient>().GetResponseAsync("Hi");

        Assert.Equal("/openai/v1/chat/completions", _server.Single.Path);
        Assert.Equal("az-key-abcdef", _server.Single.Headers["api-key"]);
        Assert.Equal("dep-1", (string?)_server.Single.Json["model"]);
    }

    [Fact]
    public async Task AddKeyedOpenAIChatClient_ResolvesByKeyOnly()
    {
        _server.EnqueueCompletion("keyed");
        var services = new ServiceCollection();
        services.AddKeyedOpenAIChatClient("fast", o =>
        {
            o.ApiKey = "sk-keyed-00000000";
            o.Endpoint = _server.V1;
            o.Model = "gpt-fast";
            o.MaxRetries = 0;
        });
        await using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Null(provider.GetService<IChatClient>());
        ChatResponse response = await provider.GetRequiredKeyedService<IChatClient>("fast").GetResponseAsync("Hi");

        Assert.Equal("keyed", response.Text);
    }

    [Fact]
    public void AddOpenAIChatClient_Registration_DoesNoIoUntilResolved()
    {
        var services = new ServiceCollection();

        // No key anywhere would fail at construction; registering must not construct.
        services.AddOpenAIChatClient(o => o.ApiKey = null);

        Assert.Contains(services, d => d.ServiceType == typeof(IChatClient) && d.Lifetime == ServiceLifetime.Singleton);
    }
}

[Collection(nameof(EnvironmentVariableCollection))]
public sealed class ChatEnvironmentVariableTests : IAsyncLifetime
{
    private ChatWireServer _server = null!;

    public async Task InitializeAsync() => _server = await ChatWireServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task AddOpenAIChatClient_KeyFromEnvironment_IsSentAsBearer()
    {
        string? previous = Environment.GetEnvironmentVariable("OPENAI_API_KEY");
        Environment.SetEnvironmentVariable("OPENAI_API_KEY", "sk-env-key-00000000");
        try
        {
            _server.EnqueueCompletion("env");
            var services = new ServiceCollection();
            services.AddOpenAIChatClient(o =>
            {
                o.Endpoint = _server.V1;
                o.MaxRetries = 0;
            });
            await using ServiceProvider provider = services.BuildServiceProvider();

            await provider.GetRequiredService<IChatClient>().GetResponseAsync("Hi");

            Assert.Equal("Bearer sk-env-key-00000000", _server.Single.Headers["Authorization"]);
            Assert.Equal("gpt-4o-mini", (string?)_server.Single.Json["model"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable("OPENAI_API_KEY", previous);
        }
    }

    [Fact]
    public async Task AddAzureOpenAIChatClient_EndpointAndKeyFromEnvironment_AreUsed()
    {
        string? previousKey = Environment.GetEnvironmentVariable("AZURE_OPENAI_API_KEY");
        string? previousEndpoint = Environment.GetEnvironmentVariable("AZURE_OPENAI_ENDPOINT");
        Environment.SetEnvironmentVariable("AZURE_OPENAI_API_KEY", "az-env-key");
        Environment.SetEnvironmentVariable("AZURE_OPENAI_ENDPOINT", _server.BaseAddress.ToString());
        try
        {
            _server.EnqueueCompletion("env");
            var services = new ServiceCollection();
            services.AddAzureOpenAIChatClient(o =>
            {
                o.Deployment = "dep-env";
                o.MaxRetries = 0;
            });
            await using ServiceProvider provider = services.BuildServiceProvider();

            await provider.GetRequiredService<IChatClient>().GetResponseAsync("Hi");

            Assert.Equal("az-env-key", _server.Single.Headers["api-key"]);
            Assert.Equal("/openai/v1/chat/completions", _server.Single.Path);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AZURE_OPENAI_API_KEY", previousKey);
            Environment.SetEnvironmentVariable("AZURE_OPENAI_ENDPOINT", previousEndpoint);
        }
    }
}

/// <summary>Tests that change process environment variables run one at a time.</summary>
[CollectionDefinition(nameof(EnvironmentVariableCollection), DisableParallelization = true)]
public sealed class EnvironmentVariableCollection;
