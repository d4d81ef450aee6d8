using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using LlamaDb.Connectors.Hnsw;
using LlamaDb.Connectors.Postgres;
using LlamaDb.VectorData;

namespace LlamaDb.Cli.Store;

/// <summary>Reads every record of a collection of stored chunks (<c>ChunkStoreBackend.GetStoredChunks</c>) with its vector, in pages.</summary>
internal static class StoredChunkReader
{
    /// <summary>
    /// Every record of <paramref name="collection"/> in pages of <paramref name="batchSize"/>. The embedded store reads its
    /// slots in one pass, PostgreSQL pages by key range; other stores page with <c>Skip</c> over a match-all filter.
    /// </summary>
    public static async IAsyncEnumerable<IReadOnlyList<Dictionary<string, object?>>> ReadAllAsync(
        VectorStoreCollection<object, Dictionary<string, object?>> collection, int batchSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (collection is HnswCollection<object, Dictionary<string, object?>> folder)
        {
            await foreach (IReadOnlyList<Dictionary<string, object?>> page in folder.ReadAllAsync(batchSize, includeVectors: true, cancellationToken).ConfigureAwait(false))
            {
                yield return page;
            }

            yield break;
        }

        if (collection is PostgresCollection<object, Dictionary<string, object?>> table)
        {
            // Key-range pages (one index scan over the table), not OFFSET pages that rescan every earlier row.
            await foreach (IReadOnlyList<Dictionary<string, object?>> page in table.ReadAllAsync(batchSize, includeVectors: true, cancellationToken).ConfigureAwait(false))
            {
                yield return page;
            }

            yield break;
        }

        Expression<Func<Dictionary<string, object?>, bool>> all = static _ => true;
        int skip = 0;
        // Bounded: every page but the last is full, so the loop ends after count / batchSize + 1 pages.
        while (true)
        {
            var page = new List<Dictionary<string, object?>>(batchSize);
            var options = new FilteredRecordRetrievalOptions<Dictionary<string, object?>> { Skip = skip, IncludeVectors = true };
            await foreach (Dictionary<string, object?> record in collection.GetAsync(all, batchSize, options, cancellationToken).ConfigureAwait(false))
            {
                page.Add(record);
            }

            if (page.Count > 0)
            {
                yield return page;
            }

            if (page.Count < batchSize)
            {
                yield break;
            }

            skip += page.Count;
        }
    }
}
