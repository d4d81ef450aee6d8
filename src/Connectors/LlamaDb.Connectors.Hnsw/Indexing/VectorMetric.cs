namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>How an index compares vectors. Every metric is reported as a distance: lower is better.</summary>
internal enum VectorMetric
{
    /// <summary>
    /// Inner product, reported as <c>1 - dot(a, b)</c> (hnswlib's inner-product space). Cosine similarity is this
    /// metric on vectors the caller normalized to unit length; the distance is then in [0, 2].
    /// </summary>
    DotProduct,

    /// <summary>Euclidean distance, reported as the squared L2 distance (no square root; same order).</summary>
    Euclidean,

    /// <summary>
    /// Hamming distance on binary vectors: <see cref="IVectorIndex.Dimensions"/> counts bits, an input component
    /// greater than zero is a set bit, and the index stores the bits packed 64 to a <see cref="ulong"/>.
    /// The distance is the number of differing bits.
    /// </summary>
    Hamming,
}
