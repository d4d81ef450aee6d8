namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>One search hit.</summary>
/// <param name="Id">The caller-assigned id of the vector.</param>
/// <param name="Distance">The distance under the index's <see cref="VectorMetric"/>: lower is better.</param>
internal readonly record struct VectorMatch(int Id, float Distance);
