using LlamaDb.VectorData;

namespace LlamaDb.Connectors.Hnsw;

/// <summary>Vector search options with the embedded store's per-query knobs.</summary>
/// <typeparam name="TRecord">The record type.</typeparam>
public sealed class HnswVectorSearchOptions<TRecord> : VectorSearchOptions<TRecord>
{
    /// <summary>
    /// The HNSW candidate-list size for this query (higher: better recall, slower). Defaults to null: the collection's
    /// <see cref="HnswCollectionOptions.EfSearch"/>. Raised to top + skip when smaller.
    /// </summary>
    public int? EfSearch { get; set; }
}
