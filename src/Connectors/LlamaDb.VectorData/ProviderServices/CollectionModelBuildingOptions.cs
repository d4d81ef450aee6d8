namespace LlamaDb.VectorData.ProviderServices;

/// <summary>What a connector supports, for <see cref="CollectionModelBuilder"/>.</summary>
public sealed class CollectionModelBuildingOptions
{
    /// <summary>Key types. Defaults to string, Guid, ulong, long, int.</summary>
    public IReadOnlyList<Type> SupportedKeyTypes { get; init; } = [typeof(string), typeof(Guid), typeof(ulong), typeof(long), typeof(int)];

    /// <summary>Scalar data types (arrays and lists of them are supported too). Defaults to strings, numbers, bool, DateTime(Offset), Guid.</summary>
    public IReadOnlyList<Type> SupportedDataTypes { get; init; } =
    [
        typeof(string), typeof(int), typeof(long), typeof(short), typeof(byte), typeof(uint), typeof(ulong),
        typeof(float), typeof(double), typeof(decimal), typeof(bool), typeof(DateTime), typeof(DateTimeOffset), typeof(Guid),
    ];

    /// <summary>Distance functions the connector implements.</summary>
    public IReadOnlyList<string> SupportedDistanceFunctions { get; init; } =
    [
        DistanceFunction.CosineSimilarity, DistanceFunction.CosineDistance, DistanceFunction.DotProductSimilarity,
        DistanceFunction.NegativeDotProductSimilarity, DistanceFunction.EuclideanDistance, DistanceFunction.EuclideanSquaredDistance,
        DistanceFunction.HammingDistance,
    ];

    /// <summary>Index kinds the connector implements.</summary>
    public IReadOnlyList<string> SupportedIndexKinds { get; init; } = [IndexKind.Hnsw, IndexKind.Flat];

    /// <summary>The distance function when a property names none. Defaults to cosine similarity.</summary>
    public string DefaultDistanceFunction { get; init; } = DistanceFunction.CosineSimilarity;

    /// <summary>The index kind when a property names none. Defaults to HNSW.</summary>
    public string DefaultIndexKind { get; init; } = IndexKind.Hnsw;
}
