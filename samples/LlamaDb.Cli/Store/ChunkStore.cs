using LlamaDb.Cli.Commands;
using LlamaDb.Embedders.Onnx;
using LlamaDb.Retrieval;
using LlamaDb.Server.Stores;
using LlamaDb.VectorData;
using Microsoft.Extensions.AI;

namespace LlamaDb.Cli.Store;

/// <summary>An open store (a folder or PostgreSQL) and one chunk collection in it, with the embedding model the collection uses.</summary>
internal sealed class ChunkStore : IDisposable
{
    private readonly OnnxEmbeddingGenerator? _generator;

    private ChunkStore(ChunkStoreBackend backend, VectorStoreCollection<string, ChunkRecord> collection, OnnxEmbeddingGenerator? generator, CollectionManifest? manifest, string modelSpec)
    {
        Backend = backend;
        Collection = collection;
        _generator = generator;
        Manifest = manifest;
        ModelSpec = modelSpec;
    }

    /// <summary>Gets the store; this object owns it.</summary>
    public ChunkStoreBackend Backend { get; }

    public VectorStoreCollection<string, ChunkRecord> Collection { get; }

    public CollectionManifest? Manifest { get; }

    public string ModelSpec { get; }

    /// <summary>Gets the embedding model (null when opened without one, for counts and deletes only).</summary>
    public OnnxEmbeddingGenerator? Generator => _generator;

    /// <summary>Opens the store a <c>--store</c> value names (<c>postgres:...</c>, <c>hnsw:&lt;dir&gt;</c> or a folder); no I/O yet.</summary>
    public static ChunkStoreBackend OpenBackend(string store) =>
        ChunkStoreBackend.Open(store, new ChunkStoreBackendOptions { GroupCommit = true });

    /// <summary>The manifest of <paramref name="collection"/>, or null when the collection or its manifest does not exist.</summary>
    public static async Task<CollectionManifest?> ReadManifestAsync(ChunkStoreBackend backend, string collection, CancellationToken cancellationToken) =>
        await backend.CollectionExistsAsync(collection, cancellationToken)
            ? CollectionManifest.Parse(await backend.GetManifestAsync(collection, cancellationToken), $"collection '{collection}' in {backend.Display}")
            : null;

    /// <summary>Fails with a usage error unless <paramref name="collection"/> exists in the store.</summary>
    public static async Task RequireCollectionAsync(ChunkStoreBackend backend, string collection, CancellationToken cancellationToken)
    {
        if (!backend.Exists)
        {
            throw new CliUsageException($"Store '{backend.Display}' does not exist; create it with llamadb ingest --store {backend.Display} --collection <name> <paths>.");
        }

        if (!await backend.CollectionExistsAsync(collection, cancellationToken))
        {
            throw new CliUsageException($"Collection '{collection}' does not exist in store '{backend.Display}' (see llamadb collections list --store {backend.Display}).");
        }
    }

    /// <summary>
    /// Opens an existing collection for searching: the model is <paramref name="modelFlag"/>, else the one the collection
    /// records, else <paramref name="modelSetting"/>; its dimensions must match the collection's.
    /// </summary>
    public static async Task<ChunkStore> OpenForSearchAsync(string store, string collection, string? modelFlag, string? modelSetting, bool quiet, CancellationToken cancellationToken)
    {
        ChunkStoreBackend backend = OpenBackend(store);
        try
        {
            await RequireCollectionAsync(backend, collection, cancellationToken);
            CollectionManifest? manifest = CollectionManifest.Parse(await backend.GetManifestAsync(collection, cancellationToken), $"collection '{collection}' in {backend.Display}"); // existence checked just above
            string spec = modelFlag ?? manifest?.Model ?? modelSetting
                ?? throw new CliUsageException($"Collection '{collection}' records no embedding model; pass --model <dir|repo-id>.");
            OnnxEmbeddingGenerator generator = await LoadModelAsync(spec, quiet, cancellationToken);
            try
            {
                CheckDimensions(collection, manifest, generator, spec);
                return Open(backend, collection, generator, manifest, spec, generator.Dimensions);
            }
            catch
            {
                generator.Dispose();
                throw;
            }
        }
        catch
        {
            backend.Dispose();
            throw;
        }
    }

    /// <summary>Opens (or creates) a collection for ingestion with a loaded model; the result owns <paramref name="backend"/> and <paramref name="generator"/>.</summary>
    public static ChunkStore OpenForIngest(ChunkStoreBackend backend, string collection, OnnxEmbeddingGenerator generator, CollectionManifest? manifest, string spec, bool force = false)
    {
        CheckDimensions(collection, manifest, generator, spec);
        if (!force && manifest is not null && !SameModel(manifest, generator, spec))
        {
            // Same dimensions, another model: unchanged documents would keep the old model's vectors and every later
            // query would be embedded by the new one, a silently wrong ranking.
            throw new CliUsageException(
                $"Collection '{collection}' was built with embedding model '{manifest.Model}'; '{spec}' is another model. Use that model, "
                + "ingest into a new collection, or pass --force to re-embed every document with the new one.");
        }

        return Open(backend, collection, generator, manifest, spec, generator.Dimensions);
    }

    /// <summary>Opens an existing collection without a model (counts, info); searching it would fail. The result owns <paramref name="backend"/>.</summary>
    public static async Task<ChunkStore> OpenWithoutModelAsync(ChunkStoreBackend backend, string collection, CancellationToken cancellationToken)
    {
        CollectionManifest manifest = await ReadManifestAsync(backend, collection, cancellationToken)
            ?? throw new CliUsageException($"Collection '{collection}' in '{backend.Display}' has no model record ({CollectionManifest.FileName} in a folder store; it was not made by llamadb ingest).");
        return Open(backend, collection, null, manifest, manifest.Model, manifest.Dimensions);
    }

    /// <summary>The number of chunks in the collection.</summary>
    public Task<long> CountAsync(CancellationToken cancellationToken) => ChunkStoreBackend.CountAsync(Collection, cancellationToken);

    public static async Task<OnnxEmbeddingGenerator> LoadModelAsync(string spec, bool quiet, CancellationToken cancellationToken)
    {
        string directory = await ModelLocator.ResolveAsync(spec, ModelKind.Embedder, quiet, cancellationToken);
        return await OnnxEmbeddingGenerator.CreateAsync(directory, cancellationToken: cancellationToken);
    }

    public void Dispose()
    {
        Collection.Dispose();
        Backend.Dispose();
        _generator?.Dispose();
    }

    /// <summary>Whether <paramref name="generator"/> (loaded from <paramref name="spec"/>) is the model the manifest records.</summary>
    internal static bool SameModel(CollectionManifest manifest, OnnxEmbeddingGenerator generator, string spec)
    {
        if (string.Equals(manifest.Model, spec, StringComparison.Ordinal))
        {
            return true;
        }

        string? recordedPath = manifest.ModelPath ?? (Directory.Exists(manifest.Model) ? Path.GetFullPath(manifest.Model) : null);
        string? currentPath = Directory.Exists(spec) ? Path.GetFullPath(spec) : null;
        if (recordedPath is not null && currentPath is not null)
        {
            return string.Equals(recordedPath.TrimEnd('/'), currentPath.TrimEnd('/'), StringComparison.Ordinal);
        }

        return manifest.ModelId is not null && string.Equals(manifest.ModelId, generator.ModelId, StringComparison.Ordinal);
    }

    private static void CheckDimensions(string collection, CollectionManifest? manifest, OnnxEmbeddingGenerator generator, string spec)
    {
        if (manifest is not null && manifest.Dimensions != generator.Dimensions)
        {
            throw new CliUsageException(
                $"Model '{spec}' makes {generator.Dimensions}-dimension embeddings, but collection '{collection}' was built with "
                + $"{manifest.Dimensions}-dimension embeddings by '{manifest.Model}'; use that model or ingest into a new collection.");
        }
    }

    private static ChunkStore Open(ChunkStoreBackend backend, string collection, OnnxEmbeddingGenerator? generator, CollectionManifest? manifest, string spec, int dimensions)
    {
        VectorStoreCollection<string, ChunkRecord> chunks = backend.GetChunks(collection, dimensions, generator ?? (IEmbeddingGenerator)new UnavailableEmbeddingGenerator());
        return new ChunkStore(backend, chunks, generator, manifest, spec);
    }

    /// <summary>Stands in for the model when a collection is opened only to count or describe it.</summary>
    internal sealed class UnavailableEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
    {
        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("This command opened the collection without its embedding model.");

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
