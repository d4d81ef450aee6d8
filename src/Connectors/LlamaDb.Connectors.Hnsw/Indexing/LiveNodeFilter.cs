namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>Query searches without a caller filter: live nodes only.</summary>
internal readonly struct LiveNodeFilter : INodeFilter
{
    /// <inheritdoc />
    public bool Accept(int id, byte state) => state == NodeState.Live;
}
