namespace LlamaDb.Connectors.Hnsw.FullText;

/// <summary>Decides which documents a search may return.</summary>
/// <remarks>Called during searches, possibly from several threads at once, while the index holds its read lock:
/// implementations must be thread-safe and must not call back into the index.</remarks>
internal interface IDocFilter
{
    /// <summary>Returns whether the document <paramref name="docId"/> may be returned.</summary>
    /// <param name="docId">The document id.</param>
    bool Matches(int docId);
}
