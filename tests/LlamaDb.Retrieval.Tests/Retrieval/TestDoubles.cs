using System.Linq.Expressions;
using LlamaDb.VectorData;
using Microsoft.Extensions.Logging;

namespace LlamaDb.Retrieval.Tests.Retrieval;

/// <summary>A reranker double: scores with a function and records its calls.</summary>
internal sealed class ScriptedReranker(Func<string, IReadOnlyList<string>, IReadOnlyList<double>> score) : IReranker
{
    public List<(string Query, IReadOnlyList<string> Documents)> Calls { get; } = [];

    public Task<IReadOnlyList<double>> ScoreAsync(string query, IReadOnlyList<string> documents, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Calls.Add((query, documents));
        return Task.FromResult(score(query, documents));
    }

    /// <summary>Scores 1 for each passage containing <paramref name="word"/> (case-insensitive), else 0.</summary>
    public static ScriptedReranker Favoring(string word) =>
        new((_, docs) => [.. docs.Select(d => d.Contains(word, StringComparison.OrdinalIgnoreCase) ? 1.0 : 0.0)]);

    public static ScriptedReranker Throwing(Exception exception) => new((_, _) => throw exception);
}

/// <summary>Records log entries.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    public List<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => Entries.Add((logLevel, formatter(state, exception), exception));
}

/// <summary>A collection that only forwards the abstract contract (no keyword or hybrid search), like a store without full text.</summary>
internal sealed class VectorOnlyCollection(VectorStoreCollection<string, ChunkRecord> inner) : VectorStoreCollection<string, ChunkRecord>
{
    public override string Name => inner.Name;

    public override Task<bool> CollectionExistsAsync(CancellationToken cancellationToken = default) => inner.CollectionExistsAsync(cancellationToken);

    public override Task EnsureCollectionExistsAsync(CancellationToken cancellationToken = default) => inner.EnsureCollectionExistsAsync(cancellationToken);

    public override Task EnsureCollectionDeletedAsync(CancellationToken cancellationToken = default) => inner.EnsureCollectionDeletedAsync(cancellationToken);

    public override Task<ChunkRecord?> GetAsync(string key, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default) => inner.GetAsync(key, options, cancellationToken);

    public override IAsyncEnumerable<ChunkRecord> GetAsync(Expression<Func<ChunkRecord, bool>> filter, int top, FilteredRecordRetrievalOptions<ChunkRecord>? options = null, CancellationToken cancellationToken = default)
        => inner.GetAsync(filter, top, options, cancellationToken);

    public override Task DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);

    public override Task UpsertAsync(ChunkRecord record, CancellationToken cancellationToken = default) => inner.UpsertAsync(record, cancellationToken);

    public override IAsyncEnumerable<VectorSearchResult<ChunkRecord>> SearchAsync<TInput>(TInput searchValue, int top, VectorSearchOptions<ChunkRecord>? options = null, CancellationToken cancellationToken = default)
        => inner.SearchAsync(searchValue, top, options, cancellationToken);

    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }
}
