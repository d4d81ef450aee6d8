using System.Reflection;

namespace LlamaDb.VectorData.ProviderServices;

/// <summary>The key property of a collection model.</summary>
public sealed class KeyPropertyModel(string modelName, string storageName, Type type, PropertyInfo? property)
    : PropertyModel(modelName, storageName, type, property);
