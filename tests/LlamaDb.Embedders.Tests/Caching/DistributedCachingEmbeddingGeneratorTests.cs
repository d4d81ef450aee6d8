using LlamaDb.Embedders.Tests.TestDoubles;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;

namespace LlamaDb.Embedders.Tests.Caching;

public sealed class DistributedCachingEmbeddingGeneratorTests
{
    private static MemoryDistributedCache NewStorage() => new(Microsoft.Extensions.Options.Options.Create(new MemoryDistributedCacheOptions()));

    [Fact]
    public async Task GenerateAsync_SecondGeneratorOverSameStorage_ServesExactFloatsWithoutInnerCall()
    {
        MemoryDistributedCache storage = NewStorage();
        float[] special = [0.1f, -0f, float.Epsilon, float.MaxValue, -1.17549435E-38f, 1f / 3f, float.NaN, float.NegativeInfinity];
        var writerInner = new FixedVectorGenerator(special);
        using var writer = new DistributedCachingEmbeddingGenerator<string, Embedding<float>>(writerInner, storage);
        GeneratedEmbeddings<Embedding<float>> written = await writer.GenerateAsync(["hello"]);

        var readerInner = new FixedVectorGenerator([9f]);
        using var reader = new DistributedCachingEmbeddingGenerator<string, Embedding<float>>(readerInner, storage);
        GeneratedEmbeddings<Embedding<float>> read = await reader.GenerateAsync(["hello"]);

        Assert.Equal(0, readerInner.CallCount);
        Embedding<float> embedding = Assert.Single(read);
        Assert.NotSame(written[0], embedding);
        Assert.Equal(special.Select(BitConverter.SingleToInt32Bits), embedding.Vector.ToArray().Select(BitConverter.SingleToInt32Bits));
        Assert.Equal("fixed-model", embedding.ModelId);
        Assert.Equal(written[0].CreatedAt, embedding.CreatedAt);
        Assert.Equal(TimeSpan.FromHours(-5), embedding.CreatedAt!.Value.Offset);
        Assert.Equal("v", embedding.AdditionalProperties?["k"]?.ToString());
    }

    [Fact]
    public async Task GenerateAsync_StoredBytes_AreCompactFloat32()
    {
        MemoryDistributedCache storage = NewStorage();
        var inner = new CountingEmbeddingGenerator(dimensions: 256);
        var keys = new KeyCapturingCache(storage);
        using var capturing = new DistributedCachingEmbeddingGenerator<string, Embedding<float>>(inner, keys);

        await capturing.GenerateAsync(["abc"]);

        byte[] bytes = Assert.Single(keys.Written).Value;
        Assert.Equal("LDBE"u8.ToArray(), bytes[..4]);
        Assert.InRange(bytes.Length, 256 * 4, (256 * 4) + 64);
        float[] expected = CountingEmbeddingGenerator.VectorFor("abc", 256);
        Assert.Equal(expected[0], BitConverter.ToSingle(bytes, bytes.Length - (256 * 4)));
    }

    [Fact]
    public async Task GenerateAsync_CorruptEntry_TreatedAsMiss()
    {
        MemoryDistributedCache storage = NewStorage();
        var keys = new KeyCapturingCache(storage);
        var inner = new CountingEmbeddingGenerator();
        using var cache = new DistributedCachingEmbeddingGenerator<string, Embedding<float>>(inner, keys);
        await cache.GenerateAsync(["abc"]);
        string key = Assert.Single(keys.Written).Key;
        byte[] truncated = keys.Written[0].Value[..^3];
        await storage.SetAsync(key, truncated);

        GeneratedEmbeddings<Embedding<float>> result = await cache.GenerateAsync(["abc"]);

        Assert.Equal(2, inner.CallCount);
        Assert.Equal(CountingEmbeddingGenerator.VectorFor("abc", 4), result[0].Vector.ToArray());
    }

    [Fact]
    public async Task GenerateAsync_NonFloatEmbeddings_RoundTripAsJson()
    {
        MemoryDistributedCache storage = NewStorage();
        var inner = new ByteGenerator();
        using var first = new DistributedCachingEmbeddingGenerator<string, Embedding<byte>>(inner, storage);
        using var second = new DistributedCachingEmbeddingGenerator<string, Embedding<byte>>(inner, storage);

        await first.GenerateAsync(["q"]);
        GeneratedEmbeddings<Embedding<byte>> read = await second.GenerateAsync(["q"]);

        Assert.Equal(1, inner.CallCount);
        Assert.Equal(new byte[] { 1, 2, 255 }, read[0].Vector.ToArray());
    }

    [Fact]
    public async Task GenerateAsync_CacheEntryOptions_PassedToStorage()
    {
        var keys = new KeyCapturingCache(NewStorage());
        using var cache = new DistributedCachingEmbeddingGenerator<string, Embedding<float>>(new CountingEmbeddingGenerator(), keys)
        {
            CacheEntryOptions = new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(7) },
        };

        await cache.GenerateAsync(["x"]);

        Assert.Equal(TimeSpan.FromMinutes(7), keys.LastOptions?.SlidingExpiration);
    }

    private sealed class FixedVectorGenerator(float[] vector) : IEmbeddingGenerator<string, Embedding<float>>
    {
        public int CallCount { get; private set; }

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            CallCount++;
            return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(_ => new Embedding<float>(vector.ToArray())
            {
                ModelId = "fixed-model",
                CreatedAt = new DateTimeOffset(2025, 12, 31, 23, 59, 58, 123, TimeSpan.FromHours(-5)),
                AdditionalProperties = new() { ["k"] = "v" },
            })));
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    private sealed class ByteGenerator : IEmbeddingGenerator<string, Embedding<byte>>
    {
        public int CallCount { get; private set; }

        public Task<GeneratedEmbeddings<Embedding<byte>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            CallCount++;
            return Task.FromResult(new GeneratedEmbeddings<Embedding<byte>>(values.Select(_ => new Embedding<byte>(new byte[] { 1, 2, 255 }))));
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    private sealed class KeyCapturingCache(IDistributedCache inner) : IDistributedCache
    {
        public List<(string Key, byte[] Value)> Written { get; } = [];

        public DistributedCacheEntryOptions? LastOptions { get; private set; }

        public byte[]? Get(string key) => inner.Get(key);

        public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => inner.GetAsync(key, token);

        public void Refresh(string key) => inner.Refresh(key);

        public Task RefreshAsync(string key, CancellationToken token = default) => inner.RefreshAsync(key, token);

        public void Remove(string key) => inner.Remove(key);

        public Task RemoveAsync(string key, CancellationToken token = default) => inner.RemoveAsync(key, token);

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => inner.Set(key, value, options);

        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
        {
            Written.Add((key, value));
            LastOptions = options;
            return inner.SetAsync(key, value, options, token);
        }
    }
}
