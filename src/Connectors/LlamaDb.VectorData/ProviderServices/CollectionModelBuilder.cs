using System.Collections;
using System.Reflection;
using Microsoft.Extensions.AI;

namespace LlamaDb.VectorData.ProviderServices;

/// <summary>
/// Builds a <see cref="CollectionModel"/> from a record type's attributes or a <see cref="VectorStoreCollectionDefinition"/>,
/// validating every property against what the connector supports.
/// </summary>
public static class CollectionModelBuilder
{
    /// <summary>Builds the model of <paramref name="recordType"/>.</summary>
    /// <param name="recordType">The record type; <c>Dictionary&lt;string, object?&gt;</c> needs a definition.</param>
    /// <param name="definition">The schema; when null, attributes on <paramref name="recordType"/> are read.</param>
    /// <param name="defaultGenerator">The collection's or store's generator for properties that embed their values.</param>
    /// <param name="options">What the connector supports; null for the defaults.</param>
    /// <exception cref="InvalidOperationException">The schema is invalid; the message names the property and what is supported.</exception>
    public static CollectionModel Build(Type recordType, VectorStoreCollectionDefinition? definition, IEmbeddingGenerator? defaultGenerator = null, CollectionModelBuildingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(recordType);
        options ??= new CollectionModelBuildingOptions();
        bool dynamic = recordType == typeof(Dictionary<string, object?>);
        if (dynamic && definition is null)
        {
            throw new InvalidOperationException("A dynamic collection (Dictionary<string, object?> records) needs a VectorStoreCollectionDefinition.");
        }

        IEmbeddingGenerator? generator = definition?.EmbeddingGenerator ?? defaultGenerator;
        List<VectorStoreProperty> properties = definition is not null ? [.. definition.Properties] : ReadAttributes(recordType);

        KeyPropertyModel? key = null;
        var data = new List<DataPropertyModel>();
        var vectors = new List<VectorPropertyModel>();
        var storageNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (VectorStoreProperty property in properties)
        {
            PropertyInfo? clr = dynamic ? null : recordType.GetProperty(property.Name, BindingFlags.Public | BindingFlags.Instance);
            if (!dynamic && clr is null)
            {
                throw new InvalidOperationException($"The record type {recordType.Name} has no public property '{property.Name}' named in the definition.");
            }

            if (clr is not null && property.Type is not null && property.Type != clr.PropertyType)
            {
                throw new InvalidOperationException($"Property '{property.Name}' has type {TypeName(property.Type)} in the definition but {TypeName(clr.PropertyType)} on {recordType.Name}.");
            }

            Type type = property.Type ?? clr?.PropertyType
                ?? (property is VectorStoreVectorProperty ? typeof(ReadOnlyMemory<float>) : throw new InvalidOperationException($"Property '{property.Name}' needs a Type in the definition of a dynamic collection."));
            string storageName = property.StorageName ?? property.Name;
            if (!storageNames.Add(storageName))
            {
                throw new InvalidOperationException($"Two properties use the storage name '{storageName}'.");
            }

            switch (property)
            {
                case VectorStoreKeyProperty:
                    if (key is not null)
                    {
                        throw new InvalidOperationException($"The record has two key properties ('{key.ModelName}' and '{property.Name}'); one is allowed.");
                    }

                    if (!options.SupportedKeyTypes.Contains(type))
                    {
                        throw new InvalidOperationException($"Key property '{property.Name}' has type {TypeName(type)}, which is not supported. Supported key types: {string.Join(", ", options.SupportedKeyTypes.Select(TypeName))}.");
                    }

                    key = new KeyPropertyModel(property.Name, storageName, type, clr);
                    break;

                case VectorStoreDataProperty dataProperty:
                    if (!IsSupportedDataType(type, options))
                    {
                        throw new InvalidOperationException($"Data property '{property.Name}' has type {TypeName(type)}, which is not supported. Supported data types: {string.Join(", ", options.SupportedDataTypes.Select(TypeName))}, their nullable forms, and arrays or lists of them.");
                    }

                    if (dataProperty.IsFullTextIndexed && type != typeof(string))
                    {
                        throw new InvalidOperationException($"Data property '{property.Name}' is marked IsFullTextIndexed but has type {TypeName(type)}; full-text indexing needs a string.");
                    }

                    data.Add(new DataPropertyModel(property.Name, storageName, type, clr) { IsIndexed = dataProperty.IsIndexed, IsFullTextIndexed = dataProperty.IsFullTextIndexed });
                    break;

                case VectorStoreVectorProperty vectorProperty:
                    vectors.Add(BuildVector(vectorProperty, type, storageName, clr, generator, options));
                    break;

                default:
                    throw new InvalidOperationException($"Property '{property.Name}' is of unknown kind {property.GetType().Name}.");
            }
        }

        if (key is null)
        {
            throw new InvalidOperationException($"The record type {recordType.Name} has no key property; mark one with [VectorStoreKey] or add a VectorStoreKeyProperty.");
        }

        if (vectors.Count == 0)
        {
            throw new InvalidOperationException($"The record type {recordType.Name} has no vector property; mark one with [VectorStoreVector(dimensions)] or add a VectorStoreVectorProperty.");
        }

        Func<object> create = dynamic
            ? static () => new Dictionary<string, object?>()
            : CreateFactory(recordType);
        return new CollectionModel(recordType, key, data, vectors, create);
    }

    private static VectorPropertyModel BuildVector(VectorStoreVectorProperty property, Type type, string storageName, PropertyInfo? clr, IEmbeddingGenerator? defaultGenerator, CollectionModelBuildingOptions options)
    {
        string distance = property.DistanceFunction ?? (VectorTypes.IsBinaryType(type) ? DistanceFunction.HammingDistance : options.DefaultDistanceFunction);
        if (!options.SupportedDistanceFunctions.Contains(distance))
        {
            throw new InvalidOperationException($"Vector property '{property.Name}' asks for distance function '{distance}', which is not supported. Supported: {string.Join(", ", options.SupportedDistanceFunctions)}.");
        }

        string indexKind = property.IndexKind ?? options.DefaultIndexKind;
        if (!options.SupportedIndexKinds.Contains(indexKind))
        {
            throw new InvalidOperationException($"Vector property '{property.Name}' asks for index kind '{indexKind}', which is not supported. Supported: {string.Join(", ", options.SupportedIndexKinds)}.");
        }

        bool binary = VectorTypes.IsBinaryType(type);
        if (binary != (distance == DistanceFunction.HammingDistance))
        {
            throw new InvalidOperationException(binary
                ? $"Vector property '{property.Name}' holds binary vectors and needs the HammingDistance distance function, not '{distance}'."
                : $"Vector property '{property.Name}' uses HammingDistance, which needs a BitArray or BinaryEmbedding property, not {TypeName(type)}.");
        }

        IEmbeddingGenerator? generator = null;
        if (!VectorTypes.IsVectorType(type))
        {
            generator = property.EmbeddingGenerator ?? defaultGenerator;
            if (type != typeof(string))
            {
                throw new InvalidOperationException($"Vector property '{property.Name}' has type {TypeName(type)}. Supported: ReadOnlyMemory<float>, float[], Embedding<float>, BitArray, BinaryEmbedding, or string with an IEmbeddingGenerator<string, Embedding<float>>.");
            }

            if (generator is not IEmbeddingGenerator<string, Embedding<float>>)
            {
                throw new InvalidOperationException($"Vector property '{property.Name}' is a string, so it must be embedded, but no IEmbeddingGenerator<string, Embedding<float>> is set on the property, the definition, the collection options or the store options.");
            }
        }

        return new VectorPropertyModel(property.Name, storageName, type, clr)
        {
            Dimensions = property.Dimensions,
            DistanceFunction = distance,
            IndexKind = indexKind,
            EmbeddingGenerator = generator,
        };
    }

    private static List<VectorStoreProperty> ReadAttributes(Type recordType)
    {
        var properties = new List<VectorStoreProperty>();
        foreach (PropertyInfo clr in recordType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (clr.GetCustomAttribute<VectorStoreKeyAttribute>() is { } key)
            {
                properties.Add(new VectorStoreKeyProperty(clr.Name, clr.PropertyType) { StorageName = key.StorageName });
            }
            else if (clr.GetCustomAttribute<VectorStoreDataAttribute>() is { } data)
            {
                properties.Add(new VectorStoreDataProperty(clr.Name, clr.PropertyType) { StorageName = data.StorageName, IsIndexed = data.IsIndexed, IsFullTextIndexed = data.IsFullTextIndexed });
            }
            else if (clr.GetCustomAttribute<VectorStoreVectorAttribute>() is { } vector)
            {
                properties.Add(new VectorStoreVectorProperty(clr.Name, clr.PropertyType, vector.Dimensions) { StorageName = vector.StorageName, DistanceFunction = vector.DistanceFunction, IndexKind = vector.IndexKind });
            }
        }

        return properties;
    }

    /// <summary>Whether a data property type is supported: a scalar, its nullable form, or an array / list of scalars.</summary>
    internal static bool IsSupportedDataType(Type type, CollectionModelBuildingOptions options)
    {
        Type? element = ElementType(type);
        Type scalar = element ?? type;
        scalar = Nullable.GetUnderlyingType(scalar) ?? scalar;
        return options.SupportedDataTypes.Contains(scalar);
    }

    /// <summary>The element type of an array or list type, or null for scalars (strings are scalars).</summary>
    public static Type? ElementType(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (type == typeof(string))
        {
            return null;
        }

        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (type.IsGenericType)
        {
            Type definition = type.GetGenericTypeDefinition();
            if (definition == typeof(List<>) || definition == typeof(IList<>) || definition == typeof(IReadOnlyList<>)
                || definition == typeof(ICollection<>) || definition == typeof(IEnumerable<>) || definition == typeof(IReadOnlyCollection<>))
            {
                return type.GetGenericArguments()[0];
            }
        }

        return null;
    }

    private static Func<object> CreateFactory(Type recordType)
    {
        ConstructorInfo? constructor = recordType.GetConstructor(Type.EmptyTypes);
        if (constructor is null)
        {
            throw new InvalidOperationException($"The record type {recordType.Name} needs a public parameterless constructor.");
        }

        return () => constructor.Invoke(null);
    }

    internal static string TypeName(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } inner)
        {
            return TypeName(inner) + "?";
        }

        if (type.IsArray)
        {
            return TypeName(type.GetElementType()!) + "[]";
        }

        if (type.IsGenericType)
        {
            string name = type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)];
            return $"{name}<{string.Join(", ", type.GetGenericArguments().Select(TypeName))}>";
        }

        return type.Name;
    }
}
