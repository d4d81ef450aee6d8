using System.Text.Json;
using System.Text.Json.Serialization;
using LlamaDb.VectorData;
using LlamaDb.VectorData.ProviderServices;

namespace LlamaDb.Connectors.Hnsw.Engine;

/// <summary>What <c>collection.json</c> records: the stored schema and index parameters of a collection.</summary>
internal sealed class CollectionSchema
{
    public const int CurrentFormat = 1;

    public int Format { get; set; } = CurrentFormat;

    public string Name { get; set; } = string.Empty;

    public SchemaProperty Key { get; set; } = new();

    public List<SchemaProperty> Data { get; set; } = [];

    public List<SchemaProperty> Vectors { get; set; } = [];

    public int M { get; set; } = 16;

    public int EfConstruction { get; set; } = 200;

    public int EfSearch { get; set; } = 100;

    public int? Seed { get; set; }

    public float Bm25K1 { get; set; } = 0.9f;

    public float Bm25B { get; set; } = 0.4f;

    /// <summary>CRC-32C (hex) of the file's JSON written without this field: a damaged file is refused, not misread.</summary>
    public string? Checksum { get; set; }

    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static CollectionSchema FromModel(string name, CollectionModel model, HnswCollectionOptions options)
    {
        var schema = new CollectionSchema
        {
            Name = name,
            Key = new SchemaProperty { Name = model.KeyProperty.ModelName, StorageName = model.KeyProperty.StorageName, Type = KeyTypeName(model.KeyProperty.Type) },
            M = options.M,
            EfConstruction = options.EfConstruction,
            EfSearch = options.EfSearch,
            Seed = options.Seed,
            Bm25K1 = options.Bm25K1,
            Bm25B = options.Bm25B,
        };
        foreach (DataPropertyModel data in model.DataProperties)
        {
            schema.Data.Add(new SchemaProperty
            {
                Name = data.ModelName,
                StorageName = data.StorageName,
                Type = CollectionModelBuilder.ElementType(data.Type) is null ? "scalar" : "list",
                IsIndexed = data.IsIndexed,
                IsFullTextIndexed = data.IsFullTextIndexed,
            });
        }

        foreach (VectorPropertyModel vector in model.VectorProperties)
        {
            schema.Vectors.Add(new SchemaProperty
            {
                Name = vector.ModelName,
                StorageName = vector.StorageName,
                Type = vector.IsBinary ? "binary" : "float",
                Dimensions = vector.Dimensions,
                DistanceFunction = vector.DistanceFunction,
                IndexKind = vector.IndexKind,
                Quantization = QuantizationFor(vector, options),
                Oversampling = QuantizationFor(vector, options) is null ? null : options.Oversampling,
            });
        }

        return schema;
    }

    /// <summary>Checks that a model opened against an existing collection matches what is stored.</summary>
    public void EnsureCompatible(CollectionSchema requested)
    {
        if (Key.Type != requested.Key.Type)
        {
            throw new InvalidOperationException($"Collection '{Name}' was created with {Key.Type} keys; this model uses {requested.Key.Type} keys.");
        }

        foreach (SchemaProperty vector in requested.Vectors)
        {
            SchemaProperty? stored = Vectors.Find(v => v.StorageName == vector.StorageName)
                ?? throw new InvalidOperationException($"Collection '{Name}' has no vector property '{vector.StorageName}'; it has {string.Join(", ", Vectors.Select(v => v.StorageName))}.");
            if (stored.Dimensions != vector.Dimensions || stored.DistanceFunction != vector.DistanceFunction || stored.Type != vector.Type || stored.IndexKind != vector.IndexKind)
            {
                throw new InvalidOperationException(
                    $"Vector property '{vector.StorageName}' of collection '{Name}' was created with {stored.Dimensions} dimensions, {stored.DistanceFunction}, {stored.IndexKind}; this model asks for {vector.Dimensions}, {vector.DistanceFunction}, {vector.IndexKind}.");
            }
        }

        foreach (SchemaProperty data in requested.Data)
        {
            SchemaProperty? stored = Data.Find(d => d.StorageName == data.StorageName);
            if (stored is not null && stored.IsFullTextIndexed != data.IsFullTextIndexed)
            {
                throw new InvalidOperationException($"Data property '{data.StorageName}' of collection '{Name}' was created with IsFullTextIndexed = {stored.IsFullTextIndexed}.");
            }
        }
    }

    public void Save(string path)
    {
        Checksum = null;
        Checksum = Storage.Crc32C.Compute(JsonSerializer.SerializeToUtf8Bytes(this, s_json)).ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, this, s_json);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }

    public static CollectionSchema Load(string path)
    {
        try
        {
            CollectionSchema schema = JsonSerializer.Deserialize<CollectionSchema>(File.ReadAllBytes(path), s_json)
                ?? throw new InvalidDataException($"'{path}' is empty.");
            string? stored = schema.Checksum;
            schema.Checksum = null;
            string actual = Storage.Crc32C.Compute(JsonSerializer.SerializeToUtf8Bytes(schema, s_json)).ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
            if (stored != actual)
            {
                throw new InvalidDataException($"'{path}' is damaged: its checksum is {stored ?? "missing"}, its contents give {actual}.");
            }

            schema.Checksum = stored;
            if (schema.Format != CurrentFormat)
            {
                throw new InvalidDataException($"'{path}' has format {schema.Format}; this version reads format {CurrentFormat}.");
            }

            return schema;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"'{path}' is not a valid collection definition: {ex.Message}", ex);
        }
    }

    /// <summary>"int8", "binary" or null for a vector property, from the options; refuses quantizing a binary vector by name.</summary>
    private static string? QuantizationFor(VectorPropertyModel vector, HnswCollectionOptions options)
    {
        HnswQuantization quantization = options.Quantization;
        bool named = options.PropertyQuantization.TryGetValue(vector.ModelName, out HnswQuantization byName)
            || options.PropertyQuantization.TryGetValue(vector.StorageName, out byName);
        if (named)
        {
            quantization = byName;
        }

        if (vector.IsBinary)
        {
            return named && quantization != HnswQuantization.None
                ? throw new ArgumentException($"Vector property '{vector.ModelName}' holds binary vectors (already one bit per dimension); {quantization} quantization applies to float vectors only.", nameof(options))
                : null;
        }

        return quantization switch
        {
            HnswQuantization.Int8 => "int8",
            HnswQuantization.Binary => "binary",
            _ => null,
        };
    }

    private static string KeyTypeName(Type type) => type == typeof(object) ? "object" : type.Name;
}

/// <summary>One property in <c>collection.json</c>.</summary>
internal sealed class SchemaProperty
{
    public string Name { get; set; } = string.Empty;

    public string StorageName { get; set; } = string.Empty;

    public string Type { get; set; } = string.Empty;

    public bool IsIndexed { get; set; }

    public bool IsFullTextIndexed { get; set; }

    public int Dimensions { get; set; }

    public string? DistanceFunction { get; set; }

    public string? IndexKind { get; set; }

    /// <summary>"int8", "binary", or null (full floats in memory).</summary>
    public string? Quantization { get; set; }

    /// <summary>Candidates rescored per result when quantized.</summary>
    public int? Oversampling { get; set; }
}
