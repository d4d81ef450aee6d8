namespace LlamaDb.VectorData;

/// <summary>Marks a vector property of a record.</summary>
/// <param name="Dimensions">The number of dimensions of the vector.</param>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class VectorStoreVectorAttribute(int Dimensions) : Attribute
{
    /// <summary>The number of dimensions of the vector.</summary>
    public int Dimensions { get; } = Dimensions > 0 ? Dimensions : throw new ArgumentOutOfRangeException(nameof(Dimensions), Dimensions, "Dimensions must be positive.");

    /// <summary>The distance function (see <see cref="VectorData.DistanceFunction"/>). Defaults to the store's default.</summary>
    public string? DistanceFunction { get; init; }

    /// <summary>The index kind (see <see cref="VectorData.IndexKind"/>). Defaults to the store's default.</summary>
    public string? IndexKind { get; init; }

    /// <summary>The name the store keeps the property under. Defaults to the property name.</summary>
    public string? StorageName { get; init; }
}
