namespace LlamaDb.VectorData;

/// <summary>Marks the key property of a record.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class VectorStoreKeyAttribute : Attribute
{
    /// <summary>The name the store keeps the property under. Defaults to the property name.</summary>
    public string? StorageName { get; init; }
}
