using LlamaDb.Embedders.OpenAI.Tests.Embeddings;
using LlamaDb.Embedders.OpenAI.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LlamaDb.Embedders.OpenAI.Tests.DependencyInjection;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentCollection
{
    public const string Name = "Process environment";
}

/// <summary>Sets process environment variables, so runs alone and restores them afterwards.</summary>
[Collection(EnvironmentCollection.Name)]
public sealed class EnvironmentVariableTests : IDisposable
{
    private static readonly string[] s_names = ["OPENAI_API_KEY", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT"];
    private readonly Dictionary<string, string?> _saved = s_names.ToDictionary(n => n, Environment.GetEnvironmentVariable);

    public EnvironmentVariableTests()
    {
        foreach (string name in s_names)
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    public void Dispose()
    {
        foreach ((string name, string? value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    [Fact]
    public async Task AddOpenAIEmbeddingGenerator_NoKeyInOptions_UsesOpenAIApiKeyVariable()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        Environment.SetEnvironmentVariable("OPENAI_API_KEY", "sk-from-env-1234567");
        var services = new ServiceCollection();
        services.AddOpenAIEmbeddingGenerator(o => o.Endpoint = server.OpenAIEndpoint);
        await using ServiceProvider provider = services.BuildServiceProvider();

        await provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateAsync(["a"]);

        Assert.Equal("Bearer sk-from-env-1234567", Assert.Single(server.Requests).Headers["Authorization"]);
    }

    [Fact]
    public async Task AddOpenAIEmbeddingGenerator_KeyInConfiguration_WinsOverVariable()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        Environment.SetEnvironmentVariable("OPENAI_API_KEY", "sk-from-env-1234567");
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new("ApiKey", "sk-from-config-1234567"), new("Endpoint", server.OpenAIEndpoint.ToString())])
            .Build();
        var services = new ServiceCollection();
        services.AddOpenAIEmbeddingGenerator(configuration);
        await using ServiceProvider provider = services.BuildServiceProvider();

        await provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateAsync(["a"]);

        Assert.Equal("Bearer sk-from-config-1234567", Assert.Single(server.Requests).Headers["Authorization"]);
    }

    [Fact]
    public async Task AddAzureOpenAIEmbeddingGenerator_KeyAndEndpointFromVariables_Used()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        Environment.SetEnvironmentVariable("AZURE_OPENAI_API_KEY", "azure-env-key-123");
        Environment.SetEnvironmentVariable("AZURE_OPENAI_ENDPOINT", server.BaseAddress.ToString());
        var services = new ServiceCollection();
        services.AddAzureOpenAIEmbeddingGenerator(o => o.Deployment = "env-deployment");
        await using ServiceProvider provider = services.BuildServiceProvider();

        await provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateAsync(["a"]);

        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("/openai/v1/embeddings", request.Path);
        Assert.Equal("azure-env-key-123", request.Headers["api-key"]);
        Assert.Equal("env-deployment", request.Model);
    }

    [Fact]
    public void AddOpenAIEmbeddingGenerator_NoKeyAnywhere_ResolvingNamesTheSettings()
    {
        var services = new ServiceCollection();
        services.AddOpenAIEmbeddingGenerator();
        using ServiceProvider provider = services.BuildServiceProvider();

        var e = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());

        Assert.Equal("OpenAI API key missing: set OpenAIEmbeddingOptions.ApiKey, configuration 'ApiKey' or OPENAI_API_KEY.", e.Message);
    }

    [Fact]
    public void AddAzureOpenAIEmbeddingGenerator_MissingSettings_NameEachOne()
    {
        var noEndpoint = Assert.Throws<InvalidOperationException>(() => new OpenAIEmbeddingGenerator(new AzureOpenAIEmbeddingOptions { ApiKey = "k", Deployment = "d" }));
        var noKey = Assert.Throws<InvalidOperationException>(() => new OpenAIEmbeddingGenerator(new AzureOpenAIEmbeddingOptions { Endpoint = new Uri("https://r.openai.azure.com"), Deployment = "d" }));
        var noDeployment = Assert.Throws<InvalidOperationException>(() => new OpenAIEmbeddingGenerator(new AzureOpenAIEmbeddingOptions { Endpoint = new Uri("https://r.openai.azure.com"), ApiKey = "k" }));

        Assert.Contains("AzureOpenAIEmbeddingOptions.Endpoint", noEndpoint.Message, StringComparison.Ordinal);
        Assert.Contains("AZURE_OPENAI_ENDPOINT", noEndpoint.Message, StringComparison.Ordinal);
        Assert.Contains("AzureOpenAIEmbeddingOptions.ApiKey", noKey.Message, StringComparison.Ordinal);
        Assert.Contains("AZURE_OPENAI_API_KEY", noKey.Message, StringComparison.Ordinal);
        Assert.Contains("AzureOpenAIEmbeddingOptions.Deployment", noDeployment.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registration_DoesNoWork_UntilResolved()
    {
        var services = new ServiceCollection();

        // No key anywhere: registering must not throw, only resolving would.
        services.AddOpenAIEmbeddingGenerator();
        services.AddKeyedAzureOpenAIEmbeddingGenerator("azure");

        Assert.Equal(4, services.Count);
    }
}
