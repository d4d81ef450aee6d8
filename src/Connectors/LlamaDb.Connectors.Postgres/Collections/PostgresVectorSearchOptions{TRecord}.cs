using LlamaDb.VectorData;

namespace LlamaDb.Connectors.Postgres;

/// <summary>Vector search options with PostgreSQL-specific settings.</summary>
/// <typeparam name="TRecord">The record type.</typeparam>
public sealed class PostgresVectorSearchOptions<TRecord> : VectorSearchOptions<TRecord>
{
    /// <summary>
    /// <c>hnsw.ef_search</c> for this query (higher: better recall, slower). Defaults to null: the collection's
    /// <see cref="PostgresCollectionOptions.EfSearch"/>. Raised to top + skip when smaller, at most 1,000.
    /// </summary>
    public int? EfSearch { get; set; }
}
