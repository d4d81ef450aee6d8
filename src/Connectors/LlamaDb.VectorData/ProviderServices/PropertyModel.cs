using System.Reflection;

namespace LlamaDb.VectorData.ProviderServices;

/// <summary>A property of a collection model: where its value lives on a record and how the store names it.</summary>
public abstract class PropertyModel
{
    private readonly PropertyInfo? _property;

    /// <summary>Creates the model of a property.</summary>
    /// <param name="modelName">The property's name on the record (or its dictionary key for dynamic records).</param>
    /// <param name="storageName">The name the store keeps it under.</param>
    /// <param name="type">The property's .NET type.</param>
    /// <param name="property">The CLR property for typed records; null for dynamic records.</param>
    protected PropertyModel(string modelName, string storageName, Type type, PropertyInfo? property)
    {
        ModelName = modelName;
        StorageName = storageName;
        Type = type;
        _property = property;
    }

    /// <summary>The property's name on the record.</summary>
    public string ModelName { get; }

    /// <summary>The name the store keeps it under.</summary>
    public string StorageName { get; }

    /// <summary>The property's .NET type.</summary>
    public Type Type { get; }

    /// <summary>Reads the property from a record (a typed record or a <c>Dictionary&lt;string, object?&gt;</c>).</summary>
    public object? GetValue(object record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (_property is not null)
        {
            return _property.GetValue(record);
        }

        return record is IDictionary<string, object?> dictionary && dictionary.TryGetValue(ModelName, out object? value) ? value : null;
    }

    /// <summary>Writes the property on a record.</summary>
    public void SetValue(object record, object? value)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (_property is not null)
        {
            _property.SetValue(record, value);
        }
        else if (record is IDictionary<string, object?> dictionary)
        {
            dictionary[ModelName] = value;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{ModelName} ({Type.Name})";
}
