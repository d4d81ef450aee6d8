namespace LlamaDb.VectorData;

/// <summary>A data property of a record definition.</summary>
/// <param name="name">The property's name.</param>
/// <param name="type">The property's .NET type.</param>
public sealed class VectorStoreDataProperty(string name, Type? type = null) : VectorStoreProperty(name, type)
{
    /// <summary>Whether the store keeps an index on the property for fast filtering.</summary>
    public bool IsIndexed { get; set; }

    /// <summary>Whether the property gets a full-text index for keyword and hybrid search.</summary>
    public bool IsFullTextIndexed { get; set; }
}
