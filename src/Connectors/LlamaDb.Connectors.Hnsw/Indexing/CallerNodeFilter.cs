namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>Query searches with a caller filter: live nodes the <see cref="IIdFilter"/> matches.</summary>
internal readonly struct CallerNodeFilter(IIdFilter filter) : INodeFilter
{
    /// <inheritdoc />
    public bool Accept(int id, byte state) => state == NodeState.Live && filter.Matches(id);
}
