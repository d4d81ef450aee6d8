namespace LlamaDb.VectorData;

/// <summary>Describes a vector store (from <see cref="VectorStore.GetService"/>).</summary>
public sealed class VectorStoreMetadata
{
    /// <summary>The kind of store, for example "llamadb.hnsw" or "postgresql".</summary>
    public string? VectorStoreSystemName { get; init; }

    /// <summary>The store's name (for example its folder or database).</summary>
    public string? VectorStoreName { get; init; }
}
