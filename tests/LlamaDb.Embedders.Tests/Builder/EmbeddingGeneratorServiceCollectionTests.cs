using LlamaDb.Embedders.Tests.TestDoubles;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlamaDb.Embedders.Tests.Builder;

/// <summary>LlamaDb's stages on Microsoft.Extensions.AI's builder and registrations.</summary>
public sealed class EmbeddingGeneratorServiceCollectionTests
{
    [Fact]
    public async Task AddEmbeddingGenerator_UseLoggingUseCaching_ResolvesPipelineFromServices()
    {
        var logs = new CapturingLoggerProvider(LogLevel.Debug);
        var inner = new CountingEmbeddingGenerator();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        EmbeddingGeneratorBuilder<string, Embedding<float>> builder = services.AddEmbeddingGenerator(inner);
        builder.UseLogging().UseCaching();
        await using ServiceProvider provider = services.BuildServiceProvider();

        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        await generator.GenerateAsync(["a", "b"]);
        await generator.GenerateAsync(["a", "b"]);

        Assert.IsType<LoggingEmbeddingGenerator<string, Embedding<float>>>(generator);
        Assert.NotNull(generator.GetService<MemoryCachingEmbeddingGenerator<string, Embedding<float>>>());
        Assert.Equal(1, inner.CallCount);
        Assert.NotEmpty(logs.Entries);
        Assert.Same(generator, provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
    }

    [Fact]
    public async Task AddKeyedEmbeddingGenerator_TwoKeys_EachResolvesItsOwnPipeline()
    {
        var small = new CountingEmbeddingGenerator(modelId: "small");
        var large = new CountingEmbeddingGenerator(modelId: "large");
        var services = new ServiceCollection();
        services.AddKeyedEmbeddingGenerator("small", small).UseCaching();
        services.AddKeyedEmbeddingGenerator("large", large).UseBatching(maxBatchSize: 1);
        await using ServiceProvider provider = services.BuildServiceProvider();

        var smallGenerator = provider.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("small");
        var largeGenerator = provider.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("large");
        await smallGenerator.GenerateAsync(["a"]);
        await smallGenerator.GenerateAsync(["a"]);
        await largeGenerator.GenerateAsync(["a", "b"]);

        Assert.Equal(1, small.CallCount);
        Assert.Equal(2, large.CallCount);
        Assert.Null(provider.GetService<IEmbeddingGenerator<string, Embedding<float>>>());
    }

    [Fact]
    public async Task UseDistributedCache_WithFingerprintKeyValues_TwoModelsSharingOneCacheDoNotShareEntries()
    {
        var services = new ServiceCollection();
        services.AddDistributedMemoryCache();
        await using ServiceProvider provider = services.BuildServiceProvider();
        var cache = provider.GetRequiredService<IDistributedCache>();
        var small = new CountingEmbeddingGenerator(modelId: "small");
        var large = new CountingEmbeddingGenerator(modelId: "large");
        using IEmbeddingGenerator<string, Embedding<float>> smallGenerator = small.AsBuilder()
            .UseDistributedCache(cache, c => c.CacheKeyAdditionalValues = EmbeddingCacheFingerprint.GetCacheKeyValues(c))
            .Build(provider);
        using IEmbeddingGenerator<string, Embedding<float>> largeGenerator = large.AsBuilder()
            .UseDistributedCache(cache, c => c.CacheKeyAdditionalValues = EmbeddingCacheFingerprint.GetCacheKeyValues(c))
            .Build(provider);

        await smallGenerator.GenerateAsync(["a"]);
        await largeGenerator.GenerateAsync(["a"]);
        await smallGenerator.GenerateAsync(["a"]);

        Assert.Equal(1, small.CallCount);
        Assert.Equal(1, large.CallCount);
    }

    [Fact]
    public void Build_LlamaDbAndMeaiStages_RunInTheOrderAdded_FirstIsOutermost()
    {
        IEmbeddingGenerator<string, Embedding<float>> built = new CountingEmbeddingGenerator().AsBuilder()
            .ConfigureOptions(_ => { })
            .UseCaching()
            .UseInputTypePrefixes(TextPrefixes.E5)
            .UseBatching(maxBatchSize: 4)
            .Build();

        Assert.IsType<ConfigureOptionsEmbeddingGenerator<string, Embedding<float>>>(built);
        Assert.NotNull(built.GetService<MemoryCachingEmbeddingGenerator<string, Embedding<float>>>());
        Assert.NotNull(built.GetService<InputTypePrefixingEmbeddingGenerator<Embedding<float>>>());
        Assert.NotNull(built.GetService<BatchingEmbeddingGenerator<string, Embedding<float>>>());
    }
}
