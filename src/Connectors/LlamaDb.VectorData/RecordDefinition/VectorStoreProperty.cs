namespace LlamaDb.VectorData;

/// <summary>A property of a record definition.</summary>
public abstract class VectorStoreProperty
{
    /// <summary>Creates the property.</summary>
    /// <param name="name">The property's name on the record (or the dictionary key for dynamic records).</param>
    /// <param name="type">The property's .NET type; may be null for attribute-built models that read it from the type.</param>
    protected VectorStoreProperty(string name, Type? type)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Type = type;
    }

    /// <summary>The property's name on the record.</summary>
    public string Name { get; }

    /// <summary>The name the store keeps the property under. Defaults to <see cref="Name"/>.</summary>
    public string? StorageName { get; set; }

    /// <summary>The property's .NET type.</summary>
    public Type? Type { get; set; }
}
