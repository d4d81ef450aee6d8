namespace LlamaDb.VectorData;

/// <summary>
/// Keyword-only (full-text) search, such as BM25, without a vector side. Microsoft.Extensions.VectorData has no such
/// interface; stores with a full-text index implement it next to <see cref="IKeywordHybridSearchable{TRecord}"/>.
/// </summary>
/// <typeparam name="TRecord">The record type.</typeparam>
public interface IKeywordSearchable<TRecord>
{
    /// <summary>Finds the <paramref name="top"/> records that best match <paramref name="keywords"/>, best first.</summary>
    /// <param name="keywords">The keywords (or one string of words); the store analyzes them like the indexed text.</param>
    /// <param name="top">How many records to return.</param>
    /// <param name="options">Options; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>The records with their keyword scores (higher is better).</returns>
    IAsyncEnumerable<VectorSearchResult<TRecord>> KeywordSearchAsync(
        ICollection<string> keywords,
        int top,
        KeywordSearchOptions<TRecord>? options = default,
        CancellationToken cancellationToken = default);

    /// <summary>Asks for an object of type <paramref name="serviceType"/>.</summary>
    object? GetService(Type serviceType, object? serviceKey = null);
}
