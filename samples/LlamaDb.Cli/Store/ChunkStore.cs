using LlamaDb.Cli.Commands;
using LlamaDb.Connectors.Hnsw;
using LlamaDb.Embedders.Onnx;
using LlamaDb.Retrieval;
using Microsoft.Extensions.AI;

namespace LlamaDb.Cli.Store;

/// <summary>An open store folder and one chunk collection in it, with the embedding model the collection uses.</summary>
internal sealed class ChunkStore : IDisposable
{
    private readonly OnnxEmbeddingGenerator? _generator;

    private ChunkStore(HnswVectorStore store, HnswCollection<string, ChunkRecord> collection, OnnxEmbeddingGenerator? generator, CollectionManifest? manifest, string modelSpec)
    {
        Store = store;
        Collection = collection;
        _generator = generator;
        Manifest = manifest;
        ModelSpec = modelSpec;
    }

    public HnswVectorStore Store { get; }

    public HnswCollection<string, ChunkRecord> Collection { get; }

    public CollectionManifest? Manifest { get; }

    public string ModelSpec { get; }

    /// <summary>Gets the embedding model (null when opened without one, for counts and deletes only).</summary>
    public OnnxEmbeddingGenerator? Generator => _generator;

    public static string CollectionDirectory(string store, string collection) => Path.Combine(store, collection);

    public static bool CollectionExists(string store, string collection) =>
        File.Exists(Path.Combine(CollectionDirectory(store, collection), "collection.json"));

    /// <summary>
    /// Opens an existing collection for searching: the model is <paramref name="modelFlag"/>, else the one the collection
    /// records, else <paramref name="modelSetting"/>; its dimensions must match the collection's.
    /// </summary>
    public static async Task<ChunkStore> OpenForSearchAsync(string store, string collection, string? modelFlag, string? modelSetting, bool quiet, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(store))
        {
            throw new CliUsageException($"Store '{store}' does not exist; create it with llamadb ingest --store {store} --collection <name> <paths>.");
        }

        if (!CollectionExists(store, collection))
        {
            throw new CliUsageException($"Collection '{collection}' does not exist in store '{store}' (see llamadb collections list --store {store}).");
        }

        CollectionManifest? manifest = CollectionManifest.TryRead(CollectionDirectory(store, collection));
        string spec = modelFlag ?? manifest?.Model ?? modelSetting
            ?? throw new CliUsageException($"Collection '{collection}' records no embedding model; pass --model <dir|repo-id>.");
        OnnxEmbeddingGenerator generator = await LoadModelAsync(spec, quiet, cancellationToken);
        try
        {
            CheckDimensions(collection, manifest, generator, spec);
            return Open(store, collection, generator, manifest, spec, generator.Dimensions);
        }
        catch
        {
            generator.Dispose();
            throw;
        }
    }

    /// <summary>Opens (or creates) a collection for ingestion with a loaded model.</summary>
    public static ChunkStore OpenForIngest(string store, string collection, OnnxEmbeddingGenerator generator, CollectionManifest? manifest, string spec, bool force = false)
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

        Directory.CreateDirectory(store);
        return Open(store, collection, generator, manifest, spec, generator.Dimensions);
    }

    /// <summary>Opens an existing collection without a model (counts, info); searching it would fail.</summary>
    public static ChunkStore OpenWithoutModel(string store, string collection)
    {
        CollectionManifest? manifest = CollectionManifest.TryRead(CollectionDirectory(store, collection))
            ?? throw new CliUsageException($"Collection '{collection}' in '{store}' has no {CollectionManifest.FileName} (it was not made by llamadb ingest).");
        return Open(store, collection, null, manifest, manifest.Model, manifest.Dimensions);
    }

    public static async Task<OnnxEmbeddingGenerator> LoadModelAsync(string spec, bool quiet, CancellationToken cancellationToken)
    {
        string directory = await ModelLocator.ResolveAsync(spec, ModelKind.Embedder, quiet, cancellationToken);
        return await OnnxEmbeddingGenerator.CreateAsync(directory, cancellationToken: cancellationToken);
    }

    public void Dispose()
    {
        Collection.Dispose();
        Store.Dispose();
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

    private static ChunkStore Open(string store, string collection, OnnxEmbeddingGenerator? generator, CollectionManifest? manifest, string spec, int dimensions)
    {
        var vectorStore = new HnswVectorStore(store);
        try
        {
            var options = new HnswCollectionOptions
            {
                Definition = ChunkRecordDefinition.Create(dimensions),
                EmbeddingGenerator = generator ?? (IEmbeddingGenerator)new UnavailableEmbeddingGenerator(),
                Durability = HnswDurability.GroupCommit,
            };
            HnswCollection<string, ChunkRecord> chunks = vectorStore.GetCollection<string, ChunkRecord>(collection, options);
            return new ChunkStore(vectorStore, chunks, generator, manifest, spec);
        }
        catch
        {
            vectorStore.Dispose();
            throw;
        }
    }

    /// <summary>Stands in for the model when a collection is opened only to count or describe it.</summary>
    private sealed class UnavailableEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
    {
        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("This command opened the collection without its embedding model.");

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
