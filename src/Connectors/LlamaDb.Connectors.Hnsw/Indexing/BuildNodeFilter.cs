namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>
/// Insert-time searches: every node that is not removed (including ones other threads are still inserting, as
/// hnswlib does), except the node being linked itself.
/// </summary>
internal readonly struct BuildNodeFilter(int self) : INodeFilter
{
    /// <inheritdoc />
    public bool Accept(int id, byte state) => state != NodeState.Removed && id != self;
}
