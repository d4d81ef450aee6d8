using System.Linq.Expressions;
using System.Runtime.CompilerServices;

namespace LlamaDb.VectorData;

/// <summary>A collection of records with a key, data and vectors.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TRecord">The record type.</typeparam>
public abstract class VectorStoreCollection<TKey, TRecord> : IVectorSearchable<TRecord>, IDisposable
    where TKey : notnull
    where TRecord : class
{
    /// <summary>The collection's name.</summary>
    public abstract string Name { get; }

    /// <summary>Whether the collection exists.</summary>
    public abstract Task<bool> CollectionExistsAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates the collection if it does not exist.</summary>
    public abstract Task EnsureCollectionExistsAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes the collection if it exists.</summary>
    public abstract Task EnsureCollectionDeletedAsync(CancellationToken cancellationToken = default);

    /// <summary>Gets a record by key, or null.</summary>
    public abstract Task<TRecord?> GetAsync(TKey key, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Gets the records with these keys; keys that do not exist are skipped.</summary>
    public virtual async IAsyncEnumerable<TRecord> GetAsync(IEnumerable<TKey> keys, RecordRetrievalOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (TKey key in keys)
        {
            TRecord? record = await GetAsync(key, options, cancellationToken).ConfigureAwait(false);
            if (record is not null)
            {
                yield return record;
            }
        }
    }

    /// <summary>Gets up to <paramref name="top"/> records matching <paramref name="filter"/>.</summary>
    public abstract IAsyncEnumerable<TRecord> GetAsync(Expression<Func<TRecord, bool>> filter, int top, FilteredRecordRetrievalOptions<TRecord>? options = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes a record by key (nothing happens if it does not exist).</summary>
    public abstract Task DeleteAsync(TKey key, CancellationToken cancellationToken = default);

    /// <summary>Deletes records by key.</summary>
    public virtual async Task DeleteAsync(IEnumerable<TKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (TKey key in keys)
        {
            await DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Inserts or replaces a record.</summary>
    public abstract Task UpsertAsync(TRecord record, CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces records.</summary>
    public virtual async Task UpsertAsync(IEnumerable<TRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        foreach (TRecord record in records)
        {
            await UpsertAsync(record, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public abstract IAsyncEnumerable<VectorSearchResult<TRecord>> SearchAsync<TInput>(TInput searchValue, int top, VectorSearchOptions<TRecord>? options = null, CancellationToken cancellationToken = default)
        where TInput : notnull;

    /// <inheritdoc />
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
