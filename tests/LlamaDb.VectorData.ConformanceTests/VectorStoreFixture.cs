using Microsoft.Extensions.AI;

namespace LlamaDb.VectorData.ConformanceTests;

/// <summary>
/// What a connector supplies to the conformance suite: a store, and the few things the contract cannot express.
/// One fixture instance serves one test class (xunit <see cref="IClassFixture{TFixture}"/>); test classes may run in
/// parallel, so <see cref="CreateStore"/> must return a store that does not share state with other fixtures (for
/// example a fresh temporary folder or database schema).
/// </summary>
public abstract class VectorStoreFixture : IAsyncLifetime
{
    private VectorStore? _store;

    /// <summary>The store created by <see cref="CreateStore"/>.</summary>
    public VectorStore Store => _store ?? throw new InvalidOperationException("The fixture has not been initialized.");

    /// <summary>The index kind the tests ask for. Defaults to <see cref="VectorData.IndexKind.Hnsw"/>.</summary>
    public virtual string IndexKind => VectorData.IndexKind.Hnsw;

    /// <summary>Whether collections implement <see cref="IKeywordHybridSearchable{TRecord}"/>. Defaults to true.</summary>
    public virtual bool SupportsHybridSearch => true;

    /// <summary>Collection names the store must reject with an <see cref="ArgumentException"/>.</summary>
    public virtual IReadOnlyList<string> InvalidCollectionNames => ["", " ", "../escape", "a/b", "a\\b"];

    /// <summary>Creates the store under test.</summary>
    public abstract VectorStore CreateStore();

    /// <summary>
    /// Gets a collection of <paramref name="store"/> whose connector-specific collection options carry
    /// <paramref name="embeddingGenerator"/> (<see cref="VectorStoreCollectionOptions.EmbeddingGenerator"/>), which
    /// <see cref="VectorStore.GetCollection{TKey, TRecord}"/> cannot pass.
    /// </summary>
    public abstract VectorStoreCollection<TKey, TRecord> GetCollection<TKey, TRecord>(VectorStore store, string name, VectorStoreCollectionDefinition? definition, IEmbeddingGenerator embeddingGenerator)
        where TKey : notnull
        where TRecord : class;

    /// <inheritdoc />
    public virtual Task InitializeAsync()
    {
        _store = CreateStore();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public virtual Task DisposeAsync()
    {
        _store?.Dispose();
        _store = null;
        return Task.CompletedTask;
    }
}
