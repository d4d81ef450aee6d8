using Microsoft.Extensions.AI;

namespace LlamaDb.Embedders;

/// <summary>
/// A <see cref="CachingEmbeddingGenerator{TInput, TEmbedding}"/> over an in-process least-recently-used cache bounded
/// by entry count and optionally by bytes (<see cref="EmbeddingCacheOptions"/>). Thread safe.
/// </summary>
/// <remarks>Hits return the cached embedding instance itself; treat returned embeddings as read-only.</remarks>
/// <typeparam name="TInput">The input type.</typeparam>
/// <typeparam name="TEmbedding">The embedding type.</typeparam>
public sealed class MemoryCachingEmbeddingGenerator<TInput, TEmbedding> : CachingEmbeddingGenerator<TInput, TEmbedding>
    where TEmbedding : Embedding
{
    /// <summary>The estimated bytes an entry costs besides its vector and key (node, record, embedding object).</summary>
    internal const int EntryOverheadBytes = 128;

    private readonly LruCache<TEmbedding> _cache;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="innerGenerator">The generator that computes misses.</param>
    /// <param name="options">The cache bounds; defaults apply when <see langword="null"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public MemoryCachingEmbeddingGenerator(IEmbeddingGenerator<TInput, TEmbedding> innerGenerator, EmbeddingCacheOptions? options = null)
        : base(innerGenerator)
    {
        EmbeddingCacheOptions validated = (options ?? new EmbeddingCacheOptions()).Validated();
        _cache = new LruCache<TEmbedding>(validated.MaxEntries, validated.MaxBytes);
    }

    /// <summary>Gets the number of cached embeddings.</summary>
    public int Count => _cache.Count;

    /// <summary>Gets the estimated bytes the cached embeddings take (the quantity <see cref="EmbeddingCacheOptions.MaxBytes"/> bounds).</summary>
    public long SizeInBytes => _cache.Bytes;

    /// <inheritdoc />
    protected override Task<TEmbedding?> ReadCacheAsync(string key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_cache.TryGet(key, out TEmbedding? value) ? value : null);
    }

    /// <inheritdoc />
    protected override Task WriteCacheAsync(string key, TEmbedding value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        _cache.Set(key, value, EstimateSize(key, value));
        return Task.CompletedTask;
    }

    /// <summary>Estimates what one entry costs: vector payload + key characters + model id characters + a fixed overhead.</summary>
    internal static long EstimateSize(string key, Embedding embedding)
    {
        long vectorBytes = embedding switch
        {
            Embedding<float> e => (long)e.Vector.Length * sizeof(float),
            Embedding<double> e => (long)e.Vector.Length * sizeof(double),
            Embedding<Half> e => (long)e.Vector.Length * 2,
            Embedding<byte> e => e.Vector.Length,
            Embedding<sbyte> e => e.Vector.Length,
            Embedding<int> e => (long)e.Vector.Length * sizeof(int),
            BinaryEmbedding e => (e.Vector.Length + 7) / 8,
            _ => (long)embedding.Dimensions * sizeof(float),
        };
        return vectorBytes + (2L * key.Length) + (2L * (embedding.ModelId?.Length ?? 0)) + EntryOverheadBytes;
    }
}
