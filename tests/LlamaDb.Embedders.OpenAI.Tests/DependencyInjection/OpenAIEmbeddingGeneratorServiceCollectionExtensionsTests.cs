using LlamaDb.Embedders.OpenAI.Tests.Embeddings;
using LlamaDb.Embedders.OpenAI.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static LlamaDb.Embedders.OpenAI.Tests.Embeddings.OpenAIEmbeddingGeneratorTests;

namespace LlamaDb.Embedders.OpenAI.Tests.DependencyInjection;

public sealed class OpenAIEmbeddingGeneratorServiceCollectionExtensionsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public async Task AddOpenAIEmbeddingGenerator_ConfigurationSection_BindsOptions()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        IConfiguration configuration = Config(
            ("OpenAI:ApiKey", Key),
            ("OpenAI:Endpoint", server.OpenAIEndpoint.ToString()),
            ("OpenAI:Model", "text-embedding-3-large"),
            ("OpenAI:Dimensions", "64"),
            ("OpenAI:Organization", "org-cfg"),
            ("OpenAI:MaxBatchSize", "2"),
            ("OpenAI:MaxConcurrency", "1"),
            ("OpenAI:MaxRetries", "0"),
            ("OpenAI:OversizedInput", "Truncate"),
            ("OpenAI:Timeout", "00:00:30"));
        var services = new ServiceCollection();
        services.AddOpenAIEmbeddingGenerator(configuration.GetSection("OpenAI"));
        await using ServiceProvider provider = services.BuildServiceProvider();

        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        GeneratedEmbeddings<Embedding<float>> result = await generator.GenerateAsync(["a", "b", "c"]);

        Assert.Equal(2, server.Requests.Count);
        Assert.All(server.Requests, r =>
        {
            Assert.Equal("text-embedding-3-large", r.Model);
            Assert.Equal(64, r.Dimensions);
            Assert.Equal("Bearer " + Key, r.Headers["Authorization"]);
            Assert.Equal("org-cfg", r.Headers["OpenAI-Organization"]);
        });
        AssertVectorsInOrder(["a", "b", "c"], result, 64);
        Assert.Same(generator, provider.GetRequiredService<IEmbeddingGenerator>());
    }

    [Fact]
    public async Task AddOpenAIEmbeddingGenerator_ConfigureAfterSection_Wins()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        IConfiguration configuration = Config(("ApiKey", "sk-from-config-000000"), ("Endpoint", server.OpenAIEndpoint.ToString()), ("Model", "from-config"));
        var services = new ServiceCollection();
        services.AddOpenAIEmbeddingGenerator(configuration, o => o.Model = "from-code");
        await using ServiceProvider provider = services.BuildServiceProvider();

        await provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateAsync(["a"]);

        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("from-code", request.Model);
        Assert.Equal("Bearer sk-from-config-000000", request.Headers["Authorization"]);
    }

    [Fact]
    public async Task AddOpenAIEmbeddingGenerator_BuilderStages_WrapTheGenerator()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        var services = new ServiceCollection();
        var counter = new CountingStage.Counter();
        services.AddOpenAIEmbeddingGenerator(o =>
            {
                o.ApiKey = Key;
                o.Endpoint = server.OpenAIEndpoint;
            })
            .Use(inner => new CountingStage(inner, counter));
        await using ServiceProvider provider = services.BuildServiceProvider();

        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        await generator.GenerateAsync(["a"]);

        Assert.IsType<CountingStage>(generator);
        Assert.Equal(1, counter.Calls);
        Assert.IsType<OpenAIEmbeddingGenerator>(generator.GetService<OpenAIEmbeddingGenerator>());
    }

    [Fact]
    public async Task AddKeyedAzureOpenAIEmbeddingGenerator_ConfigurationSection_ResolvesByKey()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        IConfiguration configuration = Config(
            ("Azure:Endpoint", server.BaseAddress.ToString()),
            ("Azure:ApiKey", AzureOpenAIEmbeddingGeneratorTests.AzureKey),
            ("Azure:Deployment", "cfg-deployment"),
            ("Azure:Dimensions", "12"));
        var services = new ServiceCollection();
        services.AddKeyedAzureOpenAIEmbeddingGenerator("azure", configuration.GetSection("Azure"));
        await using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Null(provider.GetService<IEmbeddingGenerator<string, Embedding<float>>>());
        var generator = provider.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("azure");
        await generator.GenerateAsync(["a"]);

        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("/openai/v1/embeddings", request.Path);
        Assert.Equal("cfg-deployment", request.Model);
        Assert.Equal(12, request.Dimensions);
        Assert.Equal(AzureOpenAIEmbeddingGeneratorTests.AzureKey, request.Headers["api-key"]);
        Assert.False(request.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task AddOpenAIEmbeddingGenerator_LoggerFactoryInContainer_LogsWithoutKey()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        server.EnqueueError(500, "oops", "server_error");
        using var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        services.AddOpenAIEmbeddingGenerator(o =>
        {
            o.ApiKey = Key;
            o.Endpoint = server.OpenAIEndpoint;
            o.RetryDelay = TimeSpan.FromMilliseconds(1);
            o.MaxRetryDelay = TimeSpan.FromMilliseconds(2);
        });
        await using ServiceProvider provider = services.BuildServiceProvider();

        await provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateAsync(["hello"]);

        Assert.Contains(logs.Lines, l => l.Contains("HTTP 500", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.StartsWith("Trace", StringComparison.Ordinal) && l.Contains("hello", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Contains("SECRETKEY", StringComparison.Ordinal));
    }

    [Fact]
    public void AddOpenAIEmbeddingGenerator_InvalidOption_ThrowsOnResolveNotRegistration()
    {
        var services = new ServiceCollection();
        services.AddOpenAIEmbeddingGenerator(Config(("ApiKey", Key), ("MaxConcurrency", "0")));
        using ServiceProvider provider = services.BuildServiceProvider();

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());

        Assert.Contains("OpenAIEmbeddingOptions.MaxConcurrency", e.Message, StringComparison.Ordinal);
    }

    private sealed class CountingStage(IEmbeddingGenerator<string, Embedding<float>> inner, CountingStage.Counter counter)
        : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
    {
        public override Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref counter.Calls);
            return base.GenerateAsync(values, options, cancellationToken);
        }

        public sealed class Counter
        {
#pragma warning disable CA1051 // Test double.
            public int Calls;
#pragma warning restore CA1051
        }
    }
}
