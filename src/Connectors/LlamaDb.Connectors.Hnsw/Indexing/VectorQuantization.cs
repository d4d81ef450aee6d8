namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>
/// How an index compresses the vectors it traverses. With <see cref="Int8"/> or <see cref="Binary"/> the graph and the
/// searches use the compact codes, the full float vectors live in a memory-mapped file (<see cref="RawVectorFile"/>,
/// outside the index's heap), and every search rescores its best candidates exactly with them.
/// </summary>
internal enum VectorQuantization
{
    /// <summary>Full-precision vectors.</summary>
    None,

    /// <summary>8-bit scalar codes (per-vector symmetric scale), about a quarter of the float size.</summary>
    Int8,

    /// <summary>1-bit sign codes searched by Hamming distance, a thirty-second of the float size.</summary>
    Binary,
}
