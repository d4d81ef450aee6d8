using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using LlamaDb.Connectors.Hnsw.Engine;
using LlamaDb.VectorData;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlamaDb.Connectors.Hnsw;

/// <summary>
/// An embedded, persistent vector store in a folder: one sub-folder per collection (<c>collection.json</c>, snapshot
/// files, <c>wal.log</c>). One process may open a folder at a time.
/// </summary>
public sealed class HnswVectorStore : VectorStore
{
    /// <summary>The <see cref="VectorStoreMetadata.VectorStoreSystemName"/> of this store.</summary>
    public const string SystemName = "llamadb.hnsw";

    private readonly ConcurrentDictionary<string, CollectionEngine> _engines = new(StringComparer.Ordinal);
    private readonly Lock _enginesLock = new();
    private readonly ILogger _logger;
    private bool _disposed;

    /// <summary>Opens (creating if needed) a store in <paramref name="rootPath"/>.</summary>
    public HnswVectorStore(string rootPath, HnswVectorStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootPath);
        RootPath = Path.GetFullPath(rootPath);
        Options = options ?? new HnswVectorStoreOptions();
        _logger = Options.LoggerFactory?.CreateLogger<HnswVectorStore>() ?? (ILogger)NullLogger.Instance;
        Directory.CreateDirectory(RootPath);
        foreach (string leftover in Directory.EnumerateDirectories(RootPath, ".del-*"))
        {
            try
            {
                Directory.Delete(leftover, recursive: true);
            }
            catch (IOException ex)
            {
                _logger.LogWarning(ex, "Could not remove the deleted collection folder '{Folder}'.", leftover);
            }
        }
    }

    /// <summary>The store's folder.</summary>
    public string RootPath { get; }

    internal HnswVectorStoreOptions Options { get; }

    /// <inheritdoc />
    public override VectorStoreCollection<TKey, TRecord> GetCollection<TKey, TRecord>(string name, VectorStoreCollectionDefinition? definition = null) =>
        GetCollection<TKey, TRecord>(name, new HnswCollectionOptions(Options.CollectionDefaults) { Definition = definition ?? Options.CollectionDefaults.Definition });

    /// <summary>Gets a collection with explicit options.</summary>
    public HnswCollection<TKey, TRecord> GetCollection<TKey, TRecord>(string name, HnswCollectionOptions options)
        where TKey : notnull
        where TRecord : class
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new HnswCollection<TKey, TRecord>(this, name, options);
    }

    /// <inheritdoc />
    public override VectorStoreCollection<object, Dictionary<string, object?>> GetDynamicCollection(string name, VectorStoreCollectionDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return GetCollection<object, Dictionary<string, object?>>(name, new HnswCollectionOptions(Options.CollectionDefaults) { Definition = definition });
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<string> ListCollectionNamesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (string directory in Directory.EnumerateDirectories(RootPath).Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (File.Exists(Path.Combine(directory, CollectionEngine.SchemaFile)))
            {
                yield return Path.GetFileName(directory);
            }
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override Task<bool> CollectionExistsAsync(string name, CancellationToken cancellationToken = default)
    {
        ValidateCollectionName(name);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_engines.ContainsKey(name) || File.Exists(Path.Combine(RootPath, name, CollectionEngine.SchemaFile)));
    }

    /// <inheritdoc />
    public override Task EnsureCollectionDeletedAsync(string name, CancellationToken cancellationToken = default)
    {
        ValidateCollectionName(name);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_enginesLock)
        {
            if (_engines.TryRemove(name, out CollectionEngine? engine))
            {
                engine.Dispose();
            }

            string directory = Path.Combine(RootPath, name);
            if (Directory.Exists(directory))
            {
                // Under the collection's lock (no other process has it open), move the folder aside in one rename, then
                // delete it: a crash leaves either the whole collection or a '.del-*' folder that the next open removes.
                string tombstone = Path.Combine(RootPath, $".del-{Guid.NewGuid():N}");
                using (Storage.CollectionDirectoryLock.Acquire(directory))
                {
                    Directory.Move(directory, tombstone);
                }

                Directory.Delete(tombstone, recursive: true);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(VectorStoreMetadata))
        {
            return new VectorStoreMetadata { VectorStoreSystemName = SystemName, VectorStoreName = RootPath };
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>The open engine of a collection, opening it from disk (or creating it when <paramref name="create"/>); null when it does not exist.</summary>
    internal CollectionEngine? GetOrCreateEngine(string name, CollectionSchema requested, HnswCollectionOptions options, bool create)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_engines.TryGetValue(name, out CollectionEngine? engine))
        {
            engine.Schema.EnsureCompatible(requested);
            return engine;
        }

        lock (_enginesLock)
        {
            if (_engines.TryGetValue(name, out engine))
            {
                engine.Schema.EnsureCompatible(requested);
                return engine;
            }

            string directory = Path.Combine(RootPath, name);
            bool exists = File.Exists(Path.Combine(directory, CollectionEngine.SchemaFile));
            if (!exists && !create)
            {
                return null;
            }

            engine = exists
                ? CollectionEngine.Open(directory, requested, options, _logger)
                : CollectionEngine.CreateOrOpen(directory, requested, options, _logger);
            _engines[name] = engine;
            return engine;
        }
    }

    internal static void ValidateCollectionName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.Length > 128 || name[0] == '.' || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw new ArgumentException($"'{name}' is not a valid collection name: use up to 128 ASCII letters, digits, '-', '_' and '.', not starting with '.'.", nameof(name));
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            foreach (CollectionEngine engine in _engines.Values)
            {
                engine.Dispose();
            }

            _engines.Clear();
        }

        base.Dispose(disposing);
    }
}
