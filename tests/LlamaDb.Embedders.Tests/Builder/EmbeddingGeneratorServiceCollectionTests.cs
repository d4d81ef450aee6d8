using LlamaDb.Embedders.Tests.TestDoubles;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlamaDb.Embedders.Tests.Builder;

public sealed class EmbeddingGeneratorServiceCollectionTests
{
    [Fact]
    public async Task AddEmbeddingGenerator_UseLoggingUseCaching_ResolvesPipelineFromServices()
    {
        var logs = new CapturingLoggerProvider(LogLevel.Debug);
        var inner = new CountingEmbeddingGenerator();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        services.AddEmbeddingGenerator(inner).UseLogging().UseCaching();
        await using ServiceProvider provider = services.BuildServiceProvider();

        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        await generator.GenerateAsync(["a", "b"]);
        await generator.GenerateAsync(["a", "b"]);

        Assert.IsType<LoggingEmbeddingGenerator<string, Embedding<float>>>(generator);
        Assert.NotNull(generator.GetService<MemoryCachingEmbeddingGenerator<string, Embedding<float>>>());
        Assert.Equal(1, inner.CallCount);
        Assert.Equal(2, logs.Entries.Count(e => e.EventId.Name == "EmbeddingsInvoked"));
        Assert.Same(generator, provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.Same(generator, provider.GetRequiredService<IEmbeddingGenerator>());
    }

    [Fact]
    public async Task AddEmbeddingGenerator_UseDistributedCache_ResolvesCacheFromServices()
    {
        var services = new ServiceCollection();
        services.AddDistributedMemoryCache();
        services.AddSingleton<CountingEmbeddingGenerator>();
        services.AddEmbeddingGenerator(sp => sp.GetRequiredService<CountingEmbeddingGenerator>()).UseDistributedCache();
        await using ServiceProvider provider = services.BuildServiceProvider();

        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        await generator.GenerateAsync(["a"]);
        await generator.GenerateAsync(["a"]);

        Assert.IsType<DistributedCachingEmbeddingGenerator<string, Embedding<float>>>(generator);
        Assert.Equal(1, provider.GetRequiredService<CountingEmbeddingGenerator>().CallCount);
    }

    [Fact]
    public async Task AddEmbeddingGenerator_UseDistributedCacheWithoutCache_FailsClearlyAtResolve()
    {
        var services = new ServiceCollection();
        services.AddEmbeddingGenerator(new CountingEmbeddingGenerator()).UseDistributedCache();
        await using ServiceProvider provider = services.BuildServiceProvider();

        InvalidOperationException e = Assert.Throws<InvalidOperationException>(
            () => provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.Contains(nameof(IDistributedCache), e.Message, StringComparison.Ordinal);
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
        Assert.Same(largeGenerator, provider.GetRequiredKeyedService<IEmbeddingGenerator>("large"));
        Assert.Null(provider.GetService<IEmbeddingGenerator<string, Embedding<float>>>());
    }

    [Fact]
    public async Task Use_AnonymousStage_SeesInputsAndCallsTheNextStage()
    {
        var inner = new CountingEmbeddingGenerator();
        var seen = new List<string>();
        using IEmbeddingGenerator<string, Embedding<float>> generator = inner.AsBuilder()
            .Use(async (values, options, next, cancellationToken) =>
            {
                seen.AddRange(values);
                return await next.GenerateAsync(values.Select(v => v.ToUpperInvariant()), options, cancellationToken);
            })
            .Build();

        GeneratedEmbeddings<Embedding<float>> result = await generator.GenerateAsync(["a", "b"]);

        Assert.Equal(["a", "b"], seen);
        Assert.Equal(["A", "B"], inner.Calls.Single().Inputs);
        Assert.Equal(2, result.Count);
    }

    [Fact]
    public void Build_StagesRunInTheOrderAdded_FirstIsOutermost()
    {
        var order = new List<string>();
        IEmbeddingGenerator<string, Embedding<float>> built = new CountingEmbeddingGenerator().AsBuilder()
            .Use(inner => { order.Add("outer"); return new ConfigureOptionsEmbeddingGenerator<string, Embedding<float>>(inner, _ => { }); })
            .Use(inner => { order.Add("inner"); return new BatchingEmbeddingGenerator<string, Embedding<float>>(inner, 4); })
            .Build();

        Assert.IsType<ConfigureOptionsEmbeddingGenerator<string, Embedding<float>>>(built);
        Assert.NotNull(built.GetService<BatchingEmbeddingGenerator<string, Embedding<float>>>());
        Assert.Equal(["inner", "outer"], order);
    }
}
