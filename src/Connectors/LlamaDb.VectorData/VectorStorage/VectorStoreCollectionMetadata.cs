namespace LlamaDb.VectorData;

/// <summary>Describes a collection (from <see cref="VectorStoreCollection{TKey, TRecord}.GetService"/>).</summary>
public sealed class VectorStoreCollectionMetadata
{
    /// <summary>The kind of store.</summary>
    public string? VectorStoreSystemName { get; init; }

    /// <summary>The store's name.</summary>
    public string? VectorStoreName { get; init; }

    /// <summary>The collection's name.</summary>
    public string? CollectionName { get; init; }
}
