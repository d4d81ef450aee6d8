namespace LlamaDb.VectorData;

/// <summary>Vector similarity search over records.</summary>
/// <typeparam name="TRecord">The record type.</typeparam>
public interface IVectorSearchable<TRecord>
{
    /// <summary>
    /// Finds the <paramref name="top"/> records most similar to <paramref name="searchValue"/>: a vector
    /// (<c>ReadOnlyMemory&lt;float&gt;</c>, <c>float[]</c>, <c>Embedding&lt;float&gt;</c>), or a value the vector
    /// property's embedding generator embeds (for example a <see cref="string"/>).
    /// </summary>
    IAsyncEnumerable<VectorSearchResult<TRecord>> SearchAsync<TInput>(
        TInput searchValue,
        int top,
        VectorSearchOptions<TRecord>? options = null,
        CancellationToken cancellationToken = default)
        where TInput : notnull;

    /// <summary>Asks for an object of type <paramref name="serviceType"/>, such as <see cref="VectorStoreCollectionMetadata"/>.</summary>
    object? GetService(Type serviceType, object? serviceKey = null);
}
