using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LlamaDb.VectorData.Tests.Conformance;

/// <summary>
/// A brute-force, in-memory reference store built only from the contract's provider services. It exists to run the
/// conformance suite in this repository before a real connector does, so the suite's expectations are checked.
/// </summary>
internal sealed class InMemoryVectorStore : VectorStore
{
    internal ConcurrentDictionary<string, InMemoryCollectionData> Collections { get; } = new(StringComparer.Ordinal);

    internal static void ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal) || name.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException($"The collection name '{name}' may not contain '/', '\\' or '..'.", nameof(name));
        }
    }

    public override VectorStoreCollection<TKey, TRecord> GetCollection<TKey, TRecord>(string name, VectorStoreCollectionDefinition? definition = null) =>
        new InMemoryCollection<TKey, TRecord>(this, name, definition, embeddingGenerator: null);

    public VectorStoreCollection<TKey, TRecord> GetCollection<TKey, TRecord>(string name, VectorStoreCollectionDefinition? definition, IEmbeddingGenerator? embeddingGenerator)
        where TKey : notnull
        where TRecord : class =>
        new InMemoryCollection<TKey, TRecord>(this, name, definition, embeddingGenerator);

    public override VectorStoreCollection<object, Dictionary<string, object?>> GetDynamicCollection(string name, VectorStoreCollectionDefinition definition) =>
        new InMemoryCollection<object, Dictionary<string, object?>>(this, name, definition, embeddingGenerator: null);

    public override async IAsyncEnumerable<string> ListCollectionNamesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (string name in Collections.Keys)
        {
            yield return name;
        }
    }

    public override Task<bool> CollectionExistsAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult(Collections.ContainsKey(name));

    public override Task EnsureCollectionDeletedAsync(string name, CancellationToken cancellationToken = default)
    {
        Collections.TryRemove(name, out _);
        return Task.CompletedTask;
    }

    public override object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(VectorStoreMetadata) ? new VectorStoreMetadata { VectorStoreSystemName = "inmemory" } : null;
}
