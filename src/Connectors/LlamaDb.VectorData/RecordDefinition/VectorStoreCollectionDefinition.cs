using Microsoft.Extensions.AI;

namespace LlamaDb.VectorData;

/// <summary>
/// The schema of a collection without attributes: for plain classes, and for dynamic records
/// (<c>Dictionary&lt;string, object?&gt;</c>).
/// </summary>
public sealed class VectorStoreCollectionDefinition
{
    /// <summary>The properties: one key, any data properties, at least one vector property.</summary>
    public IList<VectorStoreProperty> Properties { get; init; } = [];

    /// <summary>The generator used for vector properties that embed their input and have none of their own.</summary>
    public IEmbeddingGenerator? EmbeddingGenerator { get; set; }
}
