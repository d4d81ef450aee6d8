namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>The per-id state byte of an index.</summary>
internal static class NodeState
{
    /// <summary>Never added (or still being inserted for the first time).</summary>
    public const byte Absent = 0;

    /// <summary>Added and searchable.</summary>
    public const byte Live = 1;

    /// <summary>Removed: kept in the graph for routing (a tombstone), never returned.</summary>
    public const byte Removed = 2;
}
