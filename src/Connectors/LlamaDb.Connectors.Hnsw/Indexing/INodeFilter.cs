namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>Which visited nodes a layer search may put in its result list; a struct so the JIT specializes the loop.</summary>
internal interface INodeFilter
{
    /// <summary>Whether the node <paramref name="id"/> in <paramref name="state"/> may be a result.</summary>
    bool Accept(int id, byte state);
}
