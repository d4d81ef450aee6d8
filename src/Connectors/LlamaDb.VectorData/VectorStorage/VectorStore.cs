namespace LlamaDb.VectorData;

/// <summary>A vector store: a set of named collections.</summary>
public abstract class VectorStore : IDisposable
{
    /// <summary>Gets a collection of typed records. Nothing is created until <see cref="VectorStoreCollection{TKey, TRecord}.EnsureCollectionExistsAsync"/>.</summary>
    /// <param name="name">The collection's name.</param>
    /// <param name="definition">The schema, when <typeparamref name="TRecord"/> carries no attributes.</param>
    public abstract VectorStoreCollection<TKey, TRecord> GetCollection<TKey, TRecord>(string name, VectorStoreCollectionDefinition? definition = null)
        where TKey : notnull
        where TRecord : class;

    /// <summary>Gets a collection of dynamic records (<c>Dictionary&lt;string, object?&gt;</c>) described by <paramref name="definition"/>.</summary>
    public abstract VectorStoreCollection<object, Dictionary<string, object?>> GetDynamicCollection(string name, VectorStoreCollectionDefinition definition);

    /// <summary>Lists the names of the collections that exist.</summary>
    public abstract IAsyncEnumerable<string> ListCollectionNamesAsync(CancellationToken cancellationToken = default);

    /// <summary>Whether a collection exists.</summary>
    public abstract Task<bool> CollectionExistsAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Deletes a collection if it exists.</summary>
    public abstract Task EnsureCollectionDeletedAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Asks for an object of type <paramref name="serviceType"/>, such as <see cref="VectorStoreMetadata"/>.</summary>
    public abstract object? GetService(Type serviceType, object? serviceKey = null);

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases resources.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}
