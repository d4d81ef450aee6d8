namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>The index implementations, as recorded in a snapshot.</summary>
internal enum VectorIndexKind
{
    /// <summary><see cref="HnswIndex"/>: approximate, hierarchical navigable small world graph.</summary>
    Hnsw = 1,

    /// <summary><see cref="FlatIndex"/>: exact brute force.</summary>
    Flat = 2,
}
