using LlamaDb.Connectors.Hnsw;
using LlamaDb.Retrieval;
using LlamaDb.VectorData;
using Microsoft.Extensions.AI;

namespace LlamaDb.Server.Stores;

/// <summary>The embedded store in a folder: one sub-folder per collection, its manifest in <c>embedding.json</c> there.</summary>
internal sealed class FolderChunkStoreBackend(string folder, ChunkStoreBackendOptions options) : ChunkStoreBackend
{
    /// <summary>The manifest's file in a collection's folder.</summary>
    public const string ManifestFile = "embedding.json";

    private readonly Lock _lock = new();
    private HnswVectorStore? _store;
    private bool _disposed;

    public override string Kind => "hnsw";

    public override string Display => folder;

    public override bool Exists => Directory.Exists(folder);

    public override bool Checkpoints => true;

    /// <summary>Gets the folder as given.</summary>
    public string Folder => folder;

    public override VectorStore Store => FolderStore;

    private HnswVectorStore FolderStore
    {
        get
        {
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                return _store ??= new HnswVectorStore(folder, new HnswVectorStoreOptions { LoggerFactory = options.LoggerFactory });
            }
        }
    }

    public override VectorStoreCollection<string, ChunkRecord> GetChunks(string name, int dimensions, IEmbeddingGenerator generator) =>
        FolderStore.GetCollection<string, ChunkRecord>(name, CollectionOptions(ChunkRecordDefinition.Create(dimensions), generator));

    public override VectorStoreCollection<object, Dictionary<string, object?>> GetStoredChunks(string name, int dimensions) =>
        FolderStore.GetCollection<object, Dictionary<string, object?>>(name, CollectionOptions(StoredChunkDefinition(dimensions), null));

    public override string Describe(string name) => Path.GetFullPath(CollectionFolder(name));

    public override Task<bool> CollectionExistsAsync(string name, CancellationToken cancellationToken) =>
        // A missing store folder holds no collection; asking the store would create the folder.
        Exists ? base.CollectionExistsAsync(name, cancellationToken) : Task.FromResult(false);

    public override async Task<string?> GetManifestAsync(string name, CancellationToken cancellationToken)
    {
        string path = Path.Combine(CollectionFolder(name), ManifestFile);
        return File.Exists(path) ? await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false) : null;
    }

    public override async Task SetManifestAsync(string name, string json, CancellationToken cancellationToken)
    {
        // Written to a temporary name and renamed into place: a reader sees the old file or the new one.
        string path = Path.Combine(CollectionFolder(name), ManifestFile);
        string temp = path + ".tmp";
        await File.WriteAllTextAsync(temp, json, cancellationToken).ConfigureAwait(false);
        File.Move(temp, path, overwrite: true);
    }

    public override Task<long?> SizeBytesAsync(string name, CancellationToken cancellationToken)
    {
        string directory = CollectionFolder(name);
        long? bytes = Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length)
            : null;
        return Task.FromResult(bytes);
    }

    public override Task CheckpointAsync<TKey, TRecord>(VectorStoreCollection<TKey, TRecord> collection, CancellationToken cancellationToken) =>
        collection is HnswCollection<TKey, TRecord> folderCollection ? folderCollection.CheckpointAsync(cancellationToken) : Task.CompletedTask;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_lock)
            {
                _disposed = true;
                _store?.Dispose();
                _store = null;
            }
        }
    }

    private string CollectionFolder(string name) => Path.Combine(folder, name);

    private HnswCollectionOptions CollectionOptions(VectorStoreCollectionDefinition definition, IEmbeddingGenerator? generator) => new()
    {
        Definition = definition,
        EmbeddingGenerator = generator,
        Durability = options.GroupCommit ? HnswDurability.GroupCommit : HnswDurability.FlushEveryWrite,
    };
}
