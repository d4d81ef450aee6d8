namespace LlamaDb.Embedders;

/// <summary>Bounds of the in-memory embedding cache that <c>UseCaching</c> adds.</summary>
public sealed class EmbeddingCacheOptions
{
    /// <summary>Gets or sets the most entries kept; the least recently used entry is evicted first. Defaults to 10,000.</summary>
    public int MaxEntries { get; set; } = 10_000;

    /// <summary>
    /// Gets or sets the most bytes kept (vector payload, key and a fixed per-entry overhead, as estimated by the cache),
    /// or <see langword="null"/> for no byte bound. An entry larger than the bound is not cached. Defaults to <see langword="null"/>.
    /// </summary>
    public long? MaxBytes { get; set; }

    internal EmbeddingCacheOptions Validated()
    {
        if (MaxEntries <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxEntries), MaxEntries, $"{nameof(MaxEntries)} must be positive.");
        }

        if (MaxBytes is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBytes), MaxBytes, $"{nameof(MaxBytes)} must be positive when set.");
        }

        return new EmbeddingCacheOptions { MaxEntries = MaxEntries, MaxBytes = MaxBytes };
    }
}
