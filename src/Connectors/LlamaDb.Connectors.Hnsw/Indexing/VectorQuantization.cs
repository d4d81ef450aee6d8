namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>How an index compresses the vectors it traverses (not implemented yet: only <see cref="None"/> is accepted).</summary>
internal enum VectorQuantization
{
    /// <summary>Full-precision vectors.</summary>
    None,

    /// <summary>8-bit scalar codes, rescored with the float vectors (reserved).</summary>
    Int8,

    /// <summary>1-bit sign codes, rescored with the float vectors (reserved).</summary>
    Binary,
}
