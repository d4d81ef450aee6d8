using System.Linq.Expressions;

namespace LlamaDb.VectorData.ProviderServices;

/// <summary>A collection's schema as a connector sees it: the key, data and vector properties and how to reach them on records.</summary>
public sealed class CollectionModel
{
    private readonly Dictionary<string, PropertyModel> _byModelName;
    private readonly Func<object> _createRecord;

    internal CollectionModel(Type recordType, KeyPropertyModel key, IReadOnlyList<DataPropertyModel> data, IReadOnlyList<VectorPropertyModel> vectors, Func<object> createRecord)
    {
        RecordType = recordType;
        KeyProperty = key;
        DataProperties = data;
        VectorProperties = vectors;
        _createRecord = createRecord;
        var all = new List<PropertyModel> { key };
        all.AddRange(data);
        all.AddRange(vectors);
        Properties = all;
        _byModelName = new Dictionary<string, PropertyModel>(StringComparer.Ordinal);
        foreach (PropertyModel property in all)
        {
            _byModelName[property.ModelName] = property;
        }
    }

    /// <summary>The record type (<c>Dictionary&lt;string, object?&gt;</c> for dynamic collections).</summary>
    public Type RecordType { get; }

    /// <summary>Whether records are dictionaries.</summary>
    public bool IsDynamic => RecordType == typeof(Dictionary<string, object?>);

    /// <summary>The key property.</summary>
    public KeyPropertyModel KeyProperty { get; }

    /// <summary>The data properties.</summary>
    public IReadOnlyList<DataPropertyModel> DataProperties { get; }

    /// <summary>The vector properties.</summary>
    public IReadOnlyList<VectorPropertyModel> VectorProperties { get; }

    /// <summary>All properties: key, data, vectors.</summary>
    public IReadOnlyList<PropertyModel> Properties { get; }

    /// <summary>Creates an empty record.</summary>
    public object CreateRecord() => _createRecord();

    /// <summary>Finds a property by its name on the record.</summary>
    public bool TryGetProperty(string modelName, out PropertyModel property) => _byModelName.TryGetValue(modelName, out property!);

    /// <summary>The vector property <paramref name="selector"/> names, or the only one.</summary>
    public VectorPropertyModel GetVectorPropertyOrSingle<TRecord>(Expression<Func<TRecord, object?>>? selector)
    {
        if (selector is null)
        {
            return VectorProperties.Count == 1
                ? VectorProperties[0]
                : throw new InvalidOperationException($"The collection has {VectorProperties.Count} vector properties ({string.Join(", ", VectorProperties.Select(p => p.ModelName))}); set VectorProperty in the search options.");
        }

        string name = MemberName(selector.Body);
        return VectorProperties.FirstOrDefault(p => p.ModelName == name)
            ?? throw new InvalidOperationException($"'{name}' is not a vector property of the collection.");
    }

    /// <summary>The full-text indexed data property <paramref name="selector"/> names, or the only one.</summary>
    public DataPropertyModel GetFullTextPropertyOrSingle<TRecord>(Expression<Func<TRecord, object?>>? selector)
    {
        List<DataPropertyModel> fullText = DataProperties.Where(p => p.IsFullTextIndexed).ToList();
        if (selector is null)
        {
            return fullText.Count == 1
                ? fullText[0]
                : throw new InvalidOperationException($"The collection has {fullText.Count} full-text indexed properties; mark one with IsFullTextIndexed or set AdditionalProperty in the hybrid search options.");
        }

        string name = MemberName(selector.Body);
        return fullText.FirstOrDefault(p => p.ModelName == name)
            ?? throw new InvalidOperationException($"'{name}' is not a full-text indexed data property of the collection.");
    }

    private static string MemberName(Expression body)
    {
        while (body is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } convert)
        {
            body = convert.Operand;
        }

        return body switch
        {
            MemberExpression member => member.Member.Name,
            MethodCallExpression { Method.Name: "get_Item", Arguments: [ConstantExpression { Value: string key }] } => key,
            _ => throw new NotSupportedException($"'{body}' does not name a property; use r => r.Property."),
        };
    }
}
