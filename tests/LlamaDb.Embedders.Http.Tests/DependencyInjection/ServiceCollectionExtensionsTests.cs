using System.Text.Json.Nodes;
using LlamaDb.Embedders.Http.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlamaDb.Embedders.Http.Tests.DependencyInjection;

public sealed class ServiceCollectionExtensionsTests
{
    private static IConfigurationRoot Config(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static ServiceCollection Services(IConfiguration? root = null, ListLogger? logger = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new InstantTimeProvider());
        if (root is not null)
        {
            services.AddSingleton(root);
        }

        if (logger is not null)
        {
            services.AddLogging(builder => builder.AddProvider(logger).SetMinimumLevel(LogLevel.Trace));
        }

        return services;
    }

    [Fact]
    public async Task AddOpenAICompatibleEmbeddingGenerator_WithHttpClientFactory_ClientHasNoTimeoutOfItsOwn()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        ServiceCollection services = Services();
        services.AddHttpClient();
        services.AddOpenAICompatibleEmbeddingGenerator(o => o.Endpoint = server.BaseAddress);
        services.AddKeyedCohereEmbeddingGenerator("cohere", o =>
        {
            o.Endpoint = server.BaseAddress;
            o.ApiKey = "k";
            o.Model = "embed-v4.0";
        });
        await using ServiceProvider provider = services.BuildServiceProvider();

        var compatible = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var cohere = provider.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("cohere");

        // HttpClient's 100 s default would cut requests the generator's own Timeout allows.
        Assert.Equal(Timeout.InfiniteTimeSpan, compatible.GetService<HttpClient>()?.Timeout);
        Assert.Equal(Timeout.InfiniteTimeSpan, cohere.GetService<HttpClient>()?.Timeout);
    }

    [Fact]
    public async Task AddCohereAndOpenAICompatible_ConfigurationPlusConfigure_ConfigureWins()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        IConfigurationRoot config = Config(new()
        {
            ["Local:Endpoint"] = server.BaseAddress.ToString(),
            ["Local:Model"] = "from-config",
            ["Cohere:Endpoint"] = server.BaseAddress.ToString(),
            ["Cohere:ApiKey"] = "k",
            ["Cohere:Model"] = "from-config",
        });
        ServiceCollection services = Services();
        services.AddOpenAICompatibleEmbeddingGenerator(config.GetSection("Local"), o => o.Model = "from-code");
        services.AddKeyedCohereEmbeddingGenerator("cohere", config.GetSection("Cohere"), o => o.Model = "from-code");
        await using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Equal("from-code", provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId);
        Assert.Equal("from-code", provider.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("cohere").GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId);
    }

    [Fact]
    public async Task AddOpenAICompatibleEmbeddingGenerator_FromConfigurationSection_BindsEverySetting()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        IConfigurationRoot config = Config(new()
        {
            ["Embeddings:Local:Endpoint"] = server.BaseAddress + "v1",
            ["Embeddings:Local:ApiKey"] = "local-key",
            ["Embeddings:Local:Model"] = "bge-m3",
            ["Embeddings:Local:Dimensions"] = "5",
            ["Embeddings:Local:EncodingFormat"] = "Base64",
            ["Embeddings:Local:MaxBatchSize"] = "2",
            ["Embeddings:Local:DocumentPrefix"] = "passage: ",
            ["Embeddings:Local:Timeout"] = "00:30:00",
            ["Embeddings:Local:MaxRetries"] = "1",
            ["Embeddings:Local:MaxConcurrency"] = "1",
        });
        ServiceCollection services = Services();
        services.AddOpenAICompatibleEmbeddingGenerator(config.GetSection("Embeddings:Local"));
        await using ServiceProvider provider = services.BuildServiceProvider();

        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var result = await generator.GenerateAsync(["a", "b", "c"]);

        Assert.Same(generator, provider.GetRequiredService<IEmbeddingGenerator>());
        Assert.Equal(2, server.Requests.Count);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"model":"bge-m3","input":["passage: a","passage: b"],"encoding_format":"base64","dimensions":5}"""),
            server.Requests[0].Json), server.Requests[0].Body);
        Assert.Equal("Bearer local-key", server.Requests[0].Authorization);
        Assert.Equal(LoopbackEmbeddingServer.ExpectedVector("passage: c", 5), result[2].Vector.ToArray());
        Assert.Equal("openai-compatible", generator.GetService<EmbeddingGeneratorMetadata>()?.ProviderName);
    }

    [Fact]
    public async Task AddCohereEmbeddingGenerator_FromConfigurationSection_BindsEverySetting()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        IConfigurationRoot config = Config(new()
        {
            ["Cohere:Endpoint"] = server.BaseAddress.ToString(),
            ["Cohere:ApiKey"] = "section-key",
            ["Cohere:Model"] = "embed-multilingual-v3.0",
            ["Cohere:Dimensions"] = "8",
            ["Cohere:InputType"] = "search_query",
            ["Cohere:Truncate"] = "START",
            ["Cohere:MaxBatchSize"] = "3",
            ["Cohere:MaxConcurrency"] = "1",
        });
        ServiceCollection services = Services();
        services.AddCohereEmbeddingGenerator(config.GetSection("Cohere"));
        await using ServiceProvider provider = services.BuildServiceProvider();

        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        await generator.GenerateAsync(["a", "b", "c", "d"]);

        Assert.Equal([3, 1], server.Requests.Select(r => r.Inputs.Count));
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"model":"embed-multilingual-v3.0","texts":["d"],"input_type":"search_query","embedding_types":["float"],"truncate":"START","output_dimension":8}"""),
            server.Requests[1].Json), server.Requests[1].Body);
        Assert.Equal("Bearer section-key", server.Requests[0].Authorization);
    }

    [Fact]
    public async Task AddCohereEmbeddingGenerator_KeyOnlyInRootConfiguration_UsesIt()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        ServiceCollection services = Services(Config(new() { ["COHERE_API_KEY"] = "root-config-key" }));
        services.AddCohereEmbeddingGenerator(o =>
        {
            o.Endpoint = server.BaseAddress;
            o.Model = "embed-v4.0";
        });
        await using ServiceProvider provider = services.BuildServiceProvider();

        await provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateAsync(["a"]);

        Assert.Equal("Bearer root-config-key", server.Requests[0].Authorization);
    }

    [Fact]
    public async Task AddOpenAICompatibleEmbeddingGenerator_InvalidOptions_FailWhenResolvedNamingTheSetting()
    {
        ServiceCollection services = Services();
        services.AddOpenAICompatibleEmbeddingGenerator(Config(new() { ["Model"] = "m", ["MaxConcurrency"] = "4" }));
        services.AddKeyedOpenAICompatibleEmbeddingGenerator("bad-batch", o =>
        {
            o.Endpoint = new Uri("http://127.0.0.1:9");
            o.MaxBatchSize = 0;
        });
        await using ServiceProvider provider = services.BuildServiceProvider();

        Exception ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.Contains("OpenAICompatibleEmbeddingOptions.Endpoint", ex.Message, StringComparison.Ordinal);
        ex = Assert.ThrowsAny<ArgumentException>(() => provider.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("bad-batch"));
        Assert.Contains("OpenAICompatibleEmbeddingOptions.MaxBatchSize", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddCohereEmbeddingGenerator_MissingModel_FailsWhenResolvedNamingIt()
    {
        ServiceCollection services = Services();
        services.AddCohereEmbeddingGenerator(o => o.ApiKey = "k");
        await using ServiceProvider provider = services.BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());

        Assert.Contains("CohereEmbeddingOptions.Model", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddKeyedGenerators_ResolveByKey_AndUseTheHttpClientFactoryClient()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        ServiceCollection services = Services();
        services.AddHttpClient(CohereEmbeddingServiceCollectionExtensions.HttpClientName, c => c.DefaultRequestHeaders.Add("X-Client", "cohere-factory"));
        services.AddHttpClient(OpenAICompatibleEmbeddingServiceCollectionExtensions.HttpClientName, c => c.DefaultRequestHeaders.Add("X-Client", "openai-factory"));
        services.AddKeyedCohereEmbeddingGenerator("co", o =>
        {
            o.Endpoint = server.BaseAddress;
            o.ApiKey = "k";
            o.Model = "embed-v4.0";
        });
        services.AddKeyedOpenAICompatibleEmbeddingGenerator("local", Config(new() { ["Endpoint"] = server.BaseAddress.ToString() }));
        await using ServiceProvider provider = services.BuildServiceProvider();

        await provider.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("co").GenerateAsync(["a"]);
        await provider.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("local").GenerateAsync(["b"]);

        Assert.Equal("/v2/embed", server.Requests[0].Path);
        Assert.Equal("cohere-factory", server.Requests[0].Headers["X-Client"]);
        Assert.Equal("/v1/embeddings", server.Requests[1].Path);
        Assert.Equal("openai-factory", server.Requests[1].Headers["X-Client"]);
        Assert.Null(provider.GetService<IEmbeddingGenerator<string, Embedding<float>>>());
    }

    [Fact]
    public async Task AddOpenAICompatibleEmbeddingGenerator_BuilderStages_WrapTheGenerator()
    {
        await using var server = await LoopbackEmbeddingServer.StartAsync();
        ServiceCollection services = Services();
        int calls = 0;
        services.AddOpenAICompatibleEmbeddingGenerator(o => o.Endpoint = server.BaseAddress)
            .Use(inner => new CountingGenerator(inner, () => calls++));
        await using ServiceProvider provider = services.BuildServiceProvider();

        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        await generator.GenerateAsync(["a"]);

        Assert.Equal(1, calls);
        Assert.NotNull(generator.GetService<OpenAICompatibleEmbeddingGenerator>());
    }

    [Fact]
    public async Task Registration_DoesNoIoUntilResolved()
    {
        var services = new ServiceCollection();
        services.AddCohereEmbeddingGenerator();
        services.AddOpenAICompatibleEmbeddingGenerator();
        await using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Equal(2, services.Count(d => d.ServiceType == typeof(IEmbeddingGenerator<string, Embedding<float>>)));
    }

    private sealed class CountingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner, Action onCall)
        : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
    {
        public override Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
            IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            onCall();
            return base.GenerateAsync(values, options, cancellationToken);
        }
    }
}
