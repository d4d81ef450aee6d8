namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>
/// A distance as a generic struct operator: <c>where TDistance : struct, IVectorDistance</c> makes the JIT emit one
/// specialized, inlinable copy of each search loop per metric.
/// </summary>
internal interface IVectorDistance
{
    /// <summary>The distance between two stored vectors of <paramref name="stride"/> storage floats each (lower is better).</summary>
    static abstract float Distance(ref float a, ref float b, int stride);
}
