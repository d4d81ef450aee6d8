using System.Reflection;

namespace LlamaDb.VectorData.ProviderServices;

/// <summary>A data property of a collection model.</summary>
public sealed class DataPropertyModel(string modelName, string storageName, Type type, PropertyInfo? property)
    : PropertyModel(modelName, storageName, type, property)
{
    /// <summary>Whether the store keeps an index on it for filtering.</summary>
    public bool IsIndexed { get; init; }

    /// <summary>Whether it has a full-text index.</summary>
    public bool IsFullTextIndexed { get; init; }
}
