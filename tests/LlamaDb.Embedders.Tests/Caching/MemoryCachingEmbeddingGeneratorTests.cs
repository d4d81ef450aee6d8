using LlamaDb.Embedders.Tests.TestDoubles;
using Microsoft.Extensions.AI;

namespace LlamaDb.Embedders.Tests.Caching;

public sealed class MemoryCachingEmbeddingGeneratorTests
{
    [Fact]
    public async Task GenerateAsync_SameTextsTwice_SecondCallMakesNoInnerCall()
    {
        var inner = new CountingEmbeddingGenerator();
        using var cache = new MemoryCachingEmbeddingGenerator<string, Embedding<float>>(inner);

        GeneratedEmbeddings<Embedding<float>> first = await cache.GenerateAsync(["a", "bb", "ccc"]);
        GeneratedEmbeddings<Embedding<float>> second = await cache.GenerateAsync(["a", "bb", "ccc"]);

        Assert.Equal(1, inner.CallCount);
        Assert.Equal(3, second.Count);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(first[i].Vector.ToArray(), second[i].Vector.ToArray());
        }

        Assert.Null(second.Usage);
    }

    [Fact]
    public async Task GenerateAsync_PartialHits_SendsOnlyMissesInOneCallAndKeepsOrder()
    {
        var inner = new CountingEmbeddingGenerator();
        using var cache = new MemoryCachingEmbeddingGenerator<string, Embedding<float>>(inner);
        await cache.GenerateAsync(["b", "d"]);

        GeneratedEmbeddings<Embedding<float>> result = await cache.GenerateAsync(["a", "b", "c", "d", "e"]);

        Assert.Equal(2, inner.CallCount);
        (string[] inputs, _) = inner.Calls.Last();
        Assert.Equal(["a", "c", "e"], inputs);
        string[] texts = ["a", "b", "c", "d", "e"];
        for (int i = 0; i < texts.Length; i++)
        {
            Assert.Equal(CountingEmbeddingGenerator.VectorFor(texts[i], 4), result[i].Vector.ToArray());
        }

        Assert.Equal(3, result.Usage?.InputTokenCount);
    }

    [Fact]
    public async Task GenerateAsync_DuplicateMissesInOneCall_SentOnce()
    {
        var inner = new CountingEmbeddingGenerator();
        using var cache = new MemoryCachingEmbeddingGenerator<string, Embedding<float>>(inner);

        GeneratedEmbeddings<Embedding<float>> result = await cache.GenerateAsync(["x", "y", "x"]);

        Assert.Equal(["x", "y"], inner.Calls.Single().Inputs);
        Assert.Equal(result[0].Vector.ToArray(), result[2].Vector.ToArray());
        Assert.Equal(3, result.Count);
    }

    [Fact]
    public async Task GenerateAsync_DifferentDimensionsModelOrInputType_MissesTheCache()
    {
        var inner = new CountingEmbeddingGenerator();
        using var cache = new MemoryCachingEmbeddingGenerator<string, Embedding<float>>(inner);
        EmbeddingGenerationOptions query = new() { AdditionalProperties = new() { ["input_type"] = "search_query" } };
        EmbeddingGenerationOptions document = new() { AdditionalProperties = new() { ["input_type"] = "search_document" } };

        await cache.GenerateAsync(["t"]);
        await cache.GenerateAsync(["t"], new EmbeddingGenerationOptions { Dimensions = 2 });
        await cache.GenerateAsync(["t"], new EmbeddingGenerationOptions { ModelId = "other" });
        await cache.GenerateAsync(["t"], query);
        await cache.GenerateAsync(["t"], document);
        Assert.Equal(5, inner.CallCount);

        await cache.GenerateAsync(["t"]);
        await cache.GenerateAsync(["t"], new EmbeddingGenerationOptions { Dimensions = 2 });
        await cache.GenerateAsync(["t"], new EmbeddingGenerationOptions { ModelId = "other" });
        await cache.GenerateAsync(["t"], query.Clone());
        await cache.GenerateAsync(["t"], document.Clone());
        Assert.Equal(5, inner.CallCount);
    }

    [Fact]
    public void GetCacheKey_InnerModelOrTextDiffers_KeysDiffer()
    {
        var innerA = new CountingEmbeddingGenerator(modelId: "model-a");
        var innerB = new CountingEmbeddingGenerator(modelId: "model-b");
        using var cacheA = new MemoryCachingEmbeddingGenerator<string, Embedding<float>>(innerA);
        using var cacheB = new MemoryCachingEmbeddingGenerator<string, Embedding<float>>(innerB);

        Assert.NotEqual(cacheA.ComputeKey("t", null), cacheB.ComputeKey("t", null));
        Assert.Equal(cacheA.ComputeKey("t", null), cacheA.ComputeKey("t", new EmbeddingGenerationOptions()));
        Assert.NotEqual(cacheA.ComputeKey("t", null), cacheA.ComputeKey("u", null));
        Assert.StartsWith("llamadb:embedding:v2:", cacheA.ComputeKey("t", null), StringComparison.Ordinal);
    }

    [Fact]
    public void GetCacheKey_GeneratorSettingsThatChangeVectors_KeysDiffer()
    {
        string Key(IEmbeddingGenerator<string, Embedding<float>> inner)
        {
            using var cache = new MemoryCachingEmbeddingGenerator<string, Embedding<float>>(inner);
            return cache.ComputeKey("t", null);
        }

        string baseline = Key(new CountingEmbeddingGenerator(providerUri: new Uri("http://a.example/"), dimensions: 4));
        Assert.Equal(baseline, Key(new CountingEmbeddingGenerator(providerUri: new Uri("http://a.example/"), dimensions: 4)));
        Assert.NotEqual(baseline, Key(new CountingEmbeddingGenerator(providerUri: new Uri("http://b.example/"), dimensions: 4)));
        Assert.NotEqual(baseline, Key(new CountingEmbeddingGenerator(providerUri: new Uri("http://a.example/"), dimensions: 8)));
        Assert.NotEqual(
            Key(new FingerprintedGenerator(EmbeddingCacheFingerprint.From(("dimensions", 256)))),
            Key(new FingerprintedGenerator(EmbeddingCacheFingerprint.From(("dimensions", 512)))));
    }

    [Fact]
    public void GetCacheKey_KnownInputs_MatchesPinnedValue()
    {
        // Pins the key derivation: if this changes, cached entries written by earlier versions would be misread,
        // so bump the key version prefix together with the pinned value.
        using var cache = new MemoryCachingEmbeddingGenerator<string, Embedding<float>>(new CountingEmbeddingGenerator(modelId: "all-MiniLM-L6-v2", providerName: "onnx"));
        var options = new EmbeddingGenerationOptions { Dimensions = 384, AdditionalProperties = new() { ["input_type"] = "search_query", ["a"] = 1 } };

        Assert.Equal("llamadb:embedding:v2:a674a1b5fcea9e92edf541c3ce5232dc9df7582ab8ee6c51c42378279e34f2a0", cache.ComputeKey("hello", options));
    }

    [Fact]
    public async Task GenerateAsync_RawRepresentationFactory_BypassesCache()
    {
        var inner = new CountingEmbeddingGenerator();
        using var cache = new MemoryCachingEmbeddingGenerator<string, Embedding<float>>(inner);
        var options = new EmbeddingGenerationOptions { RawRepresentationFactory = _ => null };

        await cache.GenerateAsync(["t"], options);
        await cache.GenerateAsync(["t"], options);

        Assert.Equal(2, inner.CallCount);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task GenerateAsync_MoreEntriesThanMaxEntries_EvictsLeastRecentlyUsed()
    {
        var inner = new CountingEmbeddingGenerator();
        using var cache = new MemoryCachingEmbeddingGenerator<string, Embedding<float>>(inner, new EmbeddingCacheOptions { MaxEntries = 2 });

        await cache.GenerateAsync(["a"]);
        await cache.GenerateAsync(["b"]);
        await cache.GenerateAsync(["a"]); // a is now most recent
        await cache.GenerateAsync(["c"]); // evicts b
        Assert.Equal(3, inner.CallCount);
        Assert.Equal(2, cache.Count);

        await cache.GenerateAsync(["a", "c"]);
        Assert.Equal(3, inner.CallCount);
        await cache.GenerateAsync(["b"]);
        Assert.Equal(4, inner.CallCount);
        Assert.Equal(["b"], inner.Calls.Last().Inputs);
    }

    [Fact]
    public async Task GenerateAsync_MoreBytesThanMaxBytes_EvictsLeastRecentlyUsed()
    {
        var inner = new CountingEmbeddingGenerator(dimensions: 64);
        using var probe = new MemoryCachingEmbeddingGenerator<string, Embedding<float>>(inner);
        long entrySize = MemoryCachingEmbeddingGenerator<string, Embedding<float>>.EstimateSize(
            probe.ComputeKey("a", null), new Embedding<float>(new float[64]) { ModelId = "fake-model" });
        using var cache = new MemoryCachingEmbeddingGenerator<string, Embedding<float>>(
            inner, new EmbeddingCacheOptions { MaxEntries = 100, MaxBytes = (2 * entrySize) + (entrySize / 2) });

        await cache.GenerateAsync(["a", "b"]);
        Assert.Equal(2 * entrySize, cache.SizeInBytes);
        await cache.GenerateAsync(["c"]); // evicts a
        Assert.Equal(2, cache.Count);
        Assert.Equal(2 * entrySize, cache.SizeInBytes);

        await cache.GenerateAsync(["b", "c"]);
        Assert.Equal(2, inner.CallCount);
        await cache.GenerateAsync(["a"]);
        Assert.Equal(3, inner.CallCount);
    }

    [Fact]
    public async Task GenerateAsync_EntryLargerThanMaxBytes_IsNotCached()
    {
        var inner = new CountingEmbeddingGenerator(dimensions: 64);
        using var cache = new MemoryCachingEmbeddingGenerator<string, Embedding<float>>(inner, new EmbeddingCacheOptions { MaxBytes = 100 });

        await cache.GenerateAsync(["a"]);
        await cache.GenerateAsync(["a"]);

        Assert.Equal(2, inner.CallCount);
        Assert.Equal(0, cache.Count);
    }

    [Theory]
    [InlineData(0, null, "MaxEntries")]
    [InlineData(-1, null, "MaxEntries")]
    [InlineData(10, 0L, "MaxBytes")]
    public void UseCaching_OptionOutOfRange_ThrowsNamingTheOption(int maxEntries, long? maxBytes, string name)
    {
        var builder = new CountingEmbeddingGenerator().AsBuilder();
        ArgumentOutOfRangeException e = Assert.Throws<ArgumentOutOfRangeException>(() => builder.UseCaching(o =>
        {
            o.MaxEntries = maxEntries;
            o.MaxBytes = maxBytes;
        }));
        Assert.Equal(name, e.ParamName);
    }

    [Fact]
    public async Task GenerateAsync_ConcurrentCallers_CacheStaysConsistent()
    {
        var inner = new CountingEmbeddingGenerator();
        using var cache = new MemoryCachingEmbeddingGenerator<string, Embedding<float>>(inner, new EmbeddingCacheOptions { MaxEntries = 50 });
        string[] texts = [.. Enumerable.Range(0, 200).Select(i => $"t{i % 80}")];

        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            for (int i = 0; i < texts.Length; i += 7)
            {
                string text = texts[(i + (worker * 13)) % texts.Length];
                GeneratedEmbeddings<Embedding<float>> result = await cache.GenerateAsync([text]);
                Assert.Equal(CountingEmbeddingGenerator.VectorFor(text, 4), result[0].Vector.ToArray());
            }
        })));

        Assert.True(cache.Count <= 50);
    }

    private sealed class FingerprintedGenerator(EmbeddingCacheFingerprint fingerprint)
        : DelegatingEmbeddingGenerator<string, Embedding<float>>(new CountingEmbeddingGenerator())
    {
        public override object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(EmbeddingCacheFingerprint) ? fingerprint : base.GetService(serviceType, serviceKey);
    }
}
