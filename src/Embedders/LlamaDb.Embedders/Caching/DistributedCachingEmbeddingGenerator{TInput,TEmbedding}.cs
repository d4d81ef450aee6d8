using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;

namespace LlamaDb.Embedders;

/// <summary>
/// A <see cref="CachingEmbeddingGenerator{TInput, TEmbedding}"/> over an <see cref="IDistributedCache"/>. Float
/// embeddings are stored compactly (a small header with dimensions, model id and creation time, then the vector as
/// little-endian float32); other embedding types as JSON. An entry that does not parse reads as a miss.
/// </summary>
/// <typeparam name="TInput">The input type.</typeparam>
/// <typeparam name="TEmbedding">The embedding type.</typeparam>
public sealed class DistributedCachingEmbeddingGenerator<TInput, TEmbedding> : CachingEmbeddingGenerator<TInput, TEmbedding>
    where TEmbedding : Embedding
{
    private readonly IDistributedCache _storage;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="innerGenerator">The generator that computes misses.</param>
    /// <param name="storage">The cache that holds the embeddings.</param>
    public DistributedCachingEmbeddingGenerator(IEmbeddingGenerator<TInput, TEmbedding> innerGenerator, IDistributedCache storage)
        : base(innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(storage);
        _storage = storage;
    }

    /// <summary>
    /// Gets or sets the serializer options for embeddings stored as JSON and for embeddings' additional properties.
    /// Defaults to <see cref="AIJsonUtilities.DefaultOptions"/>.
    /// </summary>
    public JsonSerializerOptions JsonSerializerOptions
    {
        get;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            field = value;
        }
    } = AIJsonUtilities.DefaultOptions;

    /// <summary>Gets or sets the expiration of written entries; <see langword="null"/> (the default) leaves it to the cache.</summary>
    public DistributedCacheEntryOptions? CacheEntryOptions { get; set; }

    /// <inheritdoc />
    protected override async Task<TEmbedding?> ReadCacheAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        byte[]? bytes = await _storage.GetAsync(key, cancellationToken).ConfigureAwait(false);
        return bytes is null ? null : EmbeddingCacheSerializer.Deserialize<TEmbedding>(bytes, JsonSerializerOptions);
    }

    /// <inheritdoc />
    protected override Task WriteCacheAsync(string key, TEmbedding value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        byte[] bytes = EmbeddingCacheSerializer.Serialize(value, JsonSerializerOptions);
        return _storage.SetAsync(key, bytes, CacheEntryOptions ?? new DistributedCacheEntryOptions(), cancellationToken);
    }
}
