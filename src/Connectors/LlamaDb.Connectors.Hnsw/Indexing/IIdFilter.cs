namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>
/// Restricts which ids a search may return. The HNSW search still routes through nodes that do not match
/// (so the graph stays connected) and keeps exploring until it holds <c>ef</c> matching candidates.
/// Implementations are called from the search hot loop: keep <see cref="Matches"/> cheap and thread-safe.
/// </summary>
internal interface IIdFilter
{
    /// <summary>Whether <paramref name="id"/> may be returned.</summary>
    bool Matches(int id);
}
