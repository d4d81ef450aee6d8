using System.ClientModel;
using System.Net;
using LlamaDb.Embedders.Http;
using LlamaDb.Embedders.OpenAI.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OpenAI;
using OpenAI.Embeddings;
using EmbeddingGenerationOptions = Microsoft.Extensions.AI.EmbeddingGenerationOptions; // the OpenAI SDK has one too

namespace LlamaDb.Embedders.OpenAI.Tests.DependencyInjection;

/// <summary>
/// An app that references Microsoft.Extensions.AI, Microsoft.Extensions.AI.OpenAI and LlamaDb's embedder packages and
/// imports all their namespaces at once. Every LlamaDb API is called by its simple name here, so a type or extension
/// method that collides with Microsoft.Extensions.AI's (CS0104/CS0121/CS0433) fails this project's build.
/// </summary>
public sealed class MeaiCoexistenceTests
{
    [Fact]
    public async Task AllNamespacesImported_MeaiBuilderWithLlamaDbStages_CompilesAndRuns()
    {
        var services = new ServiceCollection();
        services.AddDistributedMemoryCache();
        services.AddSingleton<Microsoft.Extensions.Logging.ILoggerFactory>(NullLoggerFactory.Instance);
        EmbeddingGeneratorBuilder<string, Embedding<float>> builder = services.AddEmbeddingGenerator(new HashEmbeddingGenerator());
        builder
            .UseOpenTelemetry(sourceName: LlamaDbTelemetry.SourceName)
            .UseLogging()
            .ConfigureOptions(o => o.Dimensions ??= 3)
            .UseDistributedCache(configure: c => c.CacheKeyAdditionalValues = EmbeddingCacheFingerprint.GetCacheKeyValues(c))
            .UseCaching(o => o.MaxEntries = 10)
            .UseInputTypePrefixes(TextPrefixes.E5)
            .UseBatching(maxBatchSize: 2, maxConcurrency: 1);
        services.AddKeyedEmbeddingGenerator("second", new HashEmbeddingGenerator()).UseCaching();
        await using ServiceProvider provider = services.BuildServiceProvider();

        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        GeneratedEmbeddings<Embedding<float>> result = await generator.GenerateAsync(
            ["a", "b", "c"], EmbeddingInputTypes.ForQuery(new EmbeddingGenerationOptions()).WithInputType(EmbeddingInputTypes.SearchDocument));

        Assert.Equal(3, result.Count);
        Assert.NotNull(generator.GetService<MemoryCachingEmbeddingGenerator<string, Embedding<float>>>());
        Assert.NotNull(generator.GetService<BatchingEmbeddingGenerator<string, Embedding<float>>>());
        Assert.NotNull(generator.GetService<InputTypePrefixingEmbeddingGenerator<Embedding<float>>>());
        Assert.NotNull(generator.GetService<DistributedCachingEmbeddingGenerator<string, Embedding<float>>>());
        Assert.NotNull(provider.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("second"));
        Assert.NotNull(provider.GetRequiredService<IDistributedCache>());
    }

    [Fact]
    public async Task AllNamespacesImported_ProviderRegistrationsAndSdkBridges_CompileAndRun()
    {
        await using OpenAIWireServer server = await OpenAIWireServer.StartAsync();
        var client = new EmbeddingClient("text-embedding-3-small", new ApiKeyCredential("sk-test-000000"), new OpenAIClientOptions { Endpoint = server.OpenAIEndpoint });

        // Microsoft.Extensions.AI.OpenAI's bridge and ours side by side.
        using IEmbeddingGenerator<string, Embedding<float>> meai = client.AsIEmbeddingGenerator(defaultModelDimensions: 8);
        using IEmbeddingGenerator<string, Embedding<float>> ours = client.AsLlamaDbEmbeddingGenerator(defaultModelDimensions: 8);
        Assert.Single(await ours.GenerateAsync(["x"]));
        Assert.NotNull(ours.GetService<OpenAIEmbeddingGenerator>());

        var services = new ServiceCollection();
        EmbeddingGeneratorBuilder<string, Embedding<float>> openai = services.AddOpenAIEmbeddingGenerator(o => o.ApiKey = "sk-test-000000");
        EmbeddingGeneratorBuilder<string, Embedding<float>> azure = services.AddKeyedAzureOpenAIEmbeddingGenerator("azure", o => o.ApiKey = "k");
        EmbeddingGeneratorBuilder<string, Embedding<float>> cohere = services.AddKeyedCohereEmbeddingGenerator("cohere", o => o.ApiKey = "k");
        EmbeddingGeneratorBuilder<string, Embedding<float>> compatible = services.AddKeyedOpenAICompatibleEmbeddingGenerator("local", o => o.Endpoint = server.OpenAIEndpoint);
        openai.UseCaching();
        azure.UseBatching(4);
        cohere.UseOpenTelemetry(sourceName: LlamaDbTelemetry.SourceName);
        compatible.UseInputTypePrefixes(TextPrefixes.Nomic);

        var error = new EmbeddingProviderException("cohere", HttpStatusCode.TooManyRequests, "slow down");
        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
        Assert.Equal(CohereEmbeddingServiceCollectionExtensions.HttpClientName, CohereEmbeddingServiceCollectionExtensions.HttpClientName);
    }

    private sealed class HashEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
    {
        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(new float[] { v.Length, 1, 2 }))));

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

        public void Dispose()
        {
        }
    }
}
