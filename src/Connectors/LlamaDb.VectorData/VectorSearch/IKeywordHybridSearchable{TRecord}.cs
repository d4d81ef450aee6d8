namespace LlamaDb.VectorData;

/// <summary>Hybrid search: vector similarity and keyword (full-text) matching, fused.</summary>
/// <typeparam name="TRecord">The record type.</typeparam>
public interface IKeywordHybridSearchable<TRecord>
{
    /// <summary>Finds the <paramref name="top"/> records by fusing vector search on <paramref name="searchValue"/> and keyword search on <paramref name="keywords"/>.</summary>
    IAsyncEnumerable<VectorSearchResult<TRecord>> HybridSearchAsync<TInput>(
        TInput searchValue,
        ICollection<string> keywords,
        int top,
        HybridSearchOptions<TRecord>? options = default,
        CancellationToken cancellationToken = default)
        where TInput : notnull;

    /// <summary>Asks for an object of type <paramref name="serviceType"/>.</summary>
    object? GetService(Type serviceType, object? serviceKey = null);
}
