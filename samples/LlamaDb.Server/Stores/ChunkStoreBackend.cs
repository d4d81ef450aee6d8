using LlamaDb.Connectors.Hnsw;
using LlamaDb.Connectors.Postgres;
using LlamaDb.Retrieval;
using LlamaDb.VectorData;
using Microsoft.Extensions.AI;

namespace LlamaDb.Server.Stores;

/// <summary>
/// A store of <see cref="ChunkRecord"/> collections as <c>llamadb</c> and the server use it, whatever holds it: the
/// embedded folder store or PostgreSQL. Besides the <see cref="VectorStore"/> it keeps each collection's manifest (the
/// JSON that records the embedding model: <c>embedding.json</c> in a folder store, the table's metadata in PostgreSQL),
/// counts records and checkpoints (the embedded store only).
/// </summary>
internal abstract class ChunkStoreBackend : IDisposable
{
    /// <summary>Opens the store <paramref name="spec"/> names (see <see cref="StoreSpec"/>); no I/O happens until it is used.</summary>
    public static ChunkStoreBackend Open(string spec, ChunkStoreBackendOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        options ??= new ChunkStoreBackendOptions();
        if (StoreSpec.IsPostgres(spec))
        {
            return new PostgresChunkStoreBackend(spec[StoreSpec.PostgresPrefix.Length..], options);
        }

        string folder = spec.StartsWith(StoreSpec.FolderPrefix, StringComparison.OrdinalIgnoreCase) ? spec[StoreSpec.FolderPrefix.Length..] : spec;
        if (string.IsNullOrWhiteSpace(folder))
        {
            throw new StoreException($"The store '{spec}' names no folder: use hnsw:<dir>, a folder path, or postgres:<connection-string>.");
        }

        return new FolderChunkStoreBackend(folder, options);
    }

    /// <summary>Gets "hnsw" or "postgres".</summary>
    public abstract string Kind { get; }

    /// <summary>Gets the store as shown to people: the folder as given, or the PostgreSQL server and database (never a password).</summary>
    public abstract string Display { get; }

    /// <summary>Gets whether the store is there to read (a folder store's folder exists; a PostgreSQL store is assumed to).</summary>
    public abstract bool Exists { get; }

    /// <summary>Gets whether collections keep writes in a log that a checkpoint folds into snapshots (the embedded store).</summary>
    public virtual bool Checkpoints => false;

    /// <summary>Gets the vector store (a folder store creates its folder when this is first read).</summary>
    public abstract VectorStore Store { get; }

    /// <summary>The chunk collection <paramref name="name"/> of a model with <paramref name="dimensions"/>; <paramref name="generator"/> embeds chunk texts and queries.</summary>
    public abstract VectorStoreCollection<string, ChunkRecord> GetChunks(string name, int dimensions, IEmbeddingGenerator generator);

    /// <summary>
    /// The chunk collection <paramref name="name"/> as dynamic records whose <c>Embedding</c> is the stored vector
    /// (<see cref="ReadOnlyMemory{T}"/> of float), for copying records with their vectors without a model.
    /// </summary>
    public abstract VectorStoreCollection<object, Dictionary<string, object?>> GetStoredChunks(string name, int dimensions);

    /// <summary>The place a collection lives, for people: its folder, or its table and server.</summary>
    public abstract string Describe(string name);

    /// <summary>The collection's manifest JSON, or null when it has none (or does not exist).</summary>
    public abstract Task<string?> GetManifestAsync(string name, CancellationToken cancellationToken);

    /// <summary>Stores the manifest JSON of an existing collection.</summary>
    public abstract Task SetManifestAsync(string name, string json, CancellationToken cancellationToken);

    /// <summary>The bytes the collection takes (files, or table and indexes), or null when unknown.</summary>
    public abstract Task<long?> SizeBytesAsync(string name, CancellationToken cancellationToken);

    /// <summary>Checks that the store answers (a PostgreSQL server is reachable); the embedded store always does.</summary>
    public virtual Task ProbeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Whether the collection exists.</summary>
    public virtual Task<bool> CollectionExistsAsync(string name, CancellationToken cancellationToken) =>
        Store.CollectionExistsAsync(name, cancellationToken);

    /// <summary>The collections, in name order.</summary>
    public virtual async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await foreach (string name in Store.ListCollectionNamesAsync(cancellationToken).ConfigureAwait(false))
        {
            names.Add(name);
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <summary>Deletes the collection (and its manifest).</summary>
    public virtual Task DeleteAsync(string name, CancellationToken cancellationToken) =>
        Store.EnsureCollectionDeletedAsync(name, cancellationToken);

    /// <summary>Writes a checkpoint of an open collection (the embedded store; nothing for PostgreSQL).</summary>
    public virtual Task CheckpointAsync<TKey, TRecord>(VectorStoreCollection<TKey, TRecord> collection, CancellationToken cancellationToken)
        where TKey : notnull
        where TRecord : class => Task.CompletedTask;

    /// <summary>The number of records in an open collection of either store.</summary>
    public static async Task<long> CountAsync<TKey, TRecord>(VectorStoreCollection<TKey, TRecord> collection, CancellationToken cancellationToken)
        where TKey : notnull
        where TRecord : class
    {
        ArgumentNullException.ThrowIfNull(collection);
        return collection switch
        {
            HnswCollection<TKey, TRecord> folder => folder.Count,
            PostgresCollection<TKey, TRecord> table => await table.CountAsync(cancellationToken).ConfigureAwait(false),
            _ => throw new NotSupportedException($"Counting the records of a {collection.GetType().Name} is not supported."),
        };
    }

    /// <summary>
    /// <see cref="ChunkRecordDefinition"/> with the <c>Embedding</c> vector as stored floats instead of the text the model embeds.
    /// </summary>
    public static VectorStoreCollectionDefinition StoredChunkDefinition(int dimensions)
    {
        VectorStoreCollectionDefinition chunks = ChunkRecordDefinition.Create(dimensions);
        var properties = new List<VectorStoreProperty>(chunks.Properties.Count);
        foreach (VectorStoreProperty property in chunks.Properties)
        {
            properties.Add(property is VectorStoreVectorProperty vector
                ? new VectorStoreVectorProperty(vector.Name, typeof(ReadOnlyMemory<float>), vector.Dimensions)
                {
                    StorageName = vector.StorageName,
                    DistanceFunction = vector.DistanceFunction,
                    IndexKind = vector.IndexKind,
                }
                : property);
        }

        return new VectorStoreCollectionDefinition { Properties = properties };
    }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected abstract void Dispose(bool disposing);
}
