using System.Collections.Concurrent;
using System.Text.Json;
using LlamaDb.Retrieval;
using LlamaDb.Server.Stores;
using LlamaDb.VectorData;
using Microsoft.Extensions.AI;

namespace LlamaDb.Server.Hosting;

/// <summary>
/// The <see cref="ChunkRecord"/> collections of one store (the embedded folder store or PostgreSQL). Each collection
/// also keeps its model record (the embedding model and dimensions it was built with; <c>embedding.json</c> in a
/// folder store, the table's metadata in PostgreSQL), written when it is created.
/// </summary>
internal sealed partial class CollectionManager : IAsyncDisposable
{
    private readonly ChunkStoreBackend _store;
    private readonly IEmbeddingGenerator<string, Embedding<float>> _embedder;
    private readonly ConcurrentDictionary<string, VectorStoreCollection<string, ChunkRecord>> _open = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _createGate = new(1, 1);
    private readonly ILogger _logger;

    /// <summary>Creates the manager over <paramref name="store"/>, which it owns.</summary>
    public CollectionManager(ChunkStoreBackend store, IEmbeddingGenerator<string, Embedding<float>> embedder, string modelId, int dimensions, ILoggerFactory loggerFactory, string? modelPath = null)
    {
        _embedder = embedder;
        ModelId = modelId;
        ModelPath = modelPath;
        Dimensions = dimensions;
        _logger = loggerFactory.CreateLogger<CollectionManager>();
        _store = store;
        Definition = ChunkRecordDefinition.Create(dimensions);
    }

    public string ModelId { get; }

    /// <summary>Gets the full path of the model folder the server loaded, or null.</summary>
    public string? ModelPath { get; }

    public int Dimensions { get; }

    public VectorStoreCollectionDefinition Definition { get; }

    /// <summary>Gets the store as shown to people (never a password).</summary>
    public string StoreDisplay => _store.Display;

    public Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken) => _store.ListAsync(cancellationToken);

    /// <summary>The number of records in an open collection.</summary>
    public Task<long> CountAsync(VectorStoreCollection<string, ChunkRecord> collection, CancellationToken cancellationToken) =>
        ChunkStoreBackend.CountAsync(collection, cancellationToken);

    /// <summary>Creates <paramref name="name"/>; false when it already exists.</summary>
    public async Task<bool> CreateAsync(string name, CancellationToken cancellationToken)
    {
        ValidateName(name);
        await _createGate.WaitAsync(cancellationToken);
        try
        {
            if (await _store.CollectionExistsAsync(name, cancellationToken))
            {
                return false;
            }

            VectorStoreCollection<string, ChunkRecord> collection = NewCollection(name);
            await collection.EnsureCollectionExistsAsync(cancellationToken);
            await WriteModelFileAsync(name, cancellationToken);
            _open[name] = collection;
            return true;
        }
        finally
        {
            _createGate.Release();
        }
    }

    /// <summary>The open collection <paramref name="name"/>; 404 when it does not exist, 409 when it is not a chunk collection of this model's dimensions.</summary>
    public async Task<VectorStoreCollection<string, ChunkRecord>> GetAsync(string name, CancellationToken cancellationToken)
    {
        ValidateName(name);
        if (_open.TryGetValue(name, out VectorStoreCollection<string, ChunkRecord>? open) && await _store.CollectionExistsAsync(name, cancellationToken))
        {
            return open;
        }

        if (!await _store.CollectionExistsAsync(name, cancellationToken))
        {
            _open.TryRemove(name, out _);
            throw ProblemException.NotFound($"Collection '{name}' does not exist; create it with POST /v1/collections.");
        }

        VectorStoreCollection<string, ChunkRecord> collection = _open.GetOrAdd(name, NewCollection);
        try
        {
            // Opens the collection and checks the stored schema (folder) or table (PostgreSQL) against ChunkRecord with our dimensions.
            _ = await CountAsync(collection, cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or ObjectDisposedException or IOException)
        {
            _open.TryRemove(name, out _);
            if (!await _store.CollectionExistsAsync(name, cancellationToken))
            {
                throw Deleted(name); // deleted while this request opened it
            }

            if (ex is ObjectDisposedException or IOException)
            {
                throw;
            }

            throw ProblemException.Conflict($"Collection '{name}' cannot be served with model '{ModelId}' ({Dimensions} dimensions): {ex.Message}");
        }

        await EnsureSameModelAsync(name, cancellationToken);

        return collection;
    }

    /// <summary>The 404 for a request that raced the deletion of <paramref name="name"/>.</summary>
    public static ProblemException Deleted(string name) =>
        ProblemException.NotFound($"Collection '{name}' does not exist (it was deleted while the request ran).");

    /// <summary>Whether <paramref name="name"/> is a valid collection name that no longer exists in the store.</summary>
    public async Task<bool> IsGoneAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            ValidateName(name);
        }
        catch (ProblemException)
        {
            return false;
        }

        return !await _store.CollectionExistsAsync(name, cancellationToken);
    }

    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        ValidateName(name);
        await _createGate.WaitAsync(cancellationToken);
        try
        {
            _open.TryRemove(name, out _);
            if (!await _store.CollectionExistsAsync(name, cancellationToken))
            {
                return false;
            }

            await _store.DeleteAsync(name, cancellationToken);
            return true;
        }
        finally
        {
            _createGate.Release();
        }
    }

    /// <summary>The model record of <paramref name="name"/>, or null for a collection made by something else.</summary>
    public async Task<CollectionModelInfo?> ReadModelFileAsync(string name, CancellationToken cancellationToken)
    {
        string? json = await _store.GetManifestAsync(name, cancellationToken);
        return json is null ? null : JsonSerializer.Deserialize<CollectionModelInfo>(json, JsonBody.Options);
    }

    /// <summary>How long shutdown may spend checkpointing all collections.</summary>
    public static readonly TimeSpan CheckpointTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Checkpoints every open collection of a folder store at shutdown (PostgreSQL has nothing to checkpoint). <paramref name="shutdownToken"/> is not used: the host cancels it
    /// when its own shutdown timeout ends, often before the store's turn; a bounded timeout of our own limits the work
    /// instead, and a collection that cannot finish keeps its writes in its log.
    /// </summary>
    public async Task CheckpointAllAsync(CancellationToken shutdownToken)
    {
        _ = shutdownToken;
        if (!_store.Checkpoints)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(CheckpointTimeout);
        foreach ((string name, VectorStoreCollection<string, ChunkRecord> collection) in _open)
        {
            try
            {
                if (await _store.CollectionExistsAsync(name, timeout.Token))
                {
                    await _store.CheckpointAsync(collection, timeout.Token);
                    LogCheckpointed(_logger, name, await CountAsync(collection, timeout.Token));
                }
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or ObjectDisposedException or OperationCanceledException)
            {
                LogCheckpointFailed(_logger, ex, name);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _open.Clear();
        _store.Dispose();
        _createGate.Dispose();
        return ValueTask.CompletedTask;
    }

    private VectorStoreCollection<string, ChunkRecord> NewCollection(string name) => _store.GetChunks(name, Dimensions, _embedder);

    /// <summary>
    /// 409 when the collection records another embedding model than the one this server runs: vectors of one model
    /// searched with another's query embeddings give silently wrong rankings, even at equal dimensions.
    /// </summary>
    private async Task EnsureSameModelAsync(string name, CancellationToken cancellationToken)
    {
        CollectionModelInfo? recorded;
        try
        {
            recorded = await ReadModelFileAsync(name, cancellationToken);
        }
        catch (JsonException)
        {
            return; // unreadable record: the schema check above already guards dimensions
        }

        if (recorded is null || ModelPath is null)
        {
            return;
        }

        string? recordedPath = recorded.ModelPath ?? (Directory.Exists(recorded.Model) ? Path.GetFullPath(recorded.Model) : null);
        bool samePath = recordedPath is not null && string.Equals(Path.GetFullPath(recordedPath).TrimEnd('/'), ModelPath.TrimEnd('/'), StringComparison.Ordinal);
        bool sameId = recorded.ModelId is not null && string.Equals(recorded.ModelId, ModelId, StringComparison.Ordinal);
        if (!samePath && !sameId)
        {
            _open.TryRemove(name, out _);
            throw ProblemException.Conflict(
                $"Collection '{name}' was built with embedding model '{recorded.Model}'; this server runs '{ModelPath}'. Serve it with that model, or re-ingest it into a new collection.");
        }
    }

    private Task WriteModelFileAsync(string name, CancellationToken cancellationToken) =>
        _store.SetManifestAsync(name, JsonSerializer.Serialize(new CollectionModelInfo(ModelPath ?? ModelId, Dimensions, DateTimeOffset.UtcNow) { ModelPath = ModelPath, ModelId = ModelId }, JsonBody.Options), cancellationToken);

    private static void ValidateName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 128 || name[0] == '.' || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw ProblemException.BadRequest($"'{name}' is not a valid collection name: use up to 128 ASCII letters, digits, '-', '_' and '.', not starting with '.'.");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Checkpointed collection {Name} ({Count} records)")]
    private static partial void LogCheckpointed(ILogger logger, string name, long count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not checkpoint collection {Name} at shutdown; its log still holds the writes")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception ex, string name);
}

/// <summary>
/// What a collection's model record holds (<c>embedding.json</c> in a folder store; the same record <c>llamadb ingest</c> writes): <c>model</c> is a loadable spec (a
/// folder path or hub repo id), <c>modelPath</c> the folder, <c>modelId</c> the model's own id.
/// </summary>
internal sealed record CollectionModelInfo(string Model, int Dimensions, DateTimeOffset CreatedAt)
{
    public string? ModelPath { get; init; }

    public string? ModelId { get; init; }
}
