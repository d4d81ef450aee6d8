namespace LlamaDb.VectorData;

/// <summary>Marks a data property of a record.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class VectorStoreDataAttribute : Attribute
{
    /// <summary>Whether the store keeps an index on the property for fast filtering. Defaults to false.</summary>
    public bool IsIndexed { get; init; }

    /// <summary>Whether the property (a string) gets a full-text index for keyword and hybrid search. Defaults to false.</summary>
    public bool IsFullTextIndexed { get; init; }

    /// <summary>The name the store keeps the property under. Defaults to the property name.</summary>
    public string? StorageName { get; init; }
}
