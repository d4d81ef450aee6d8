using Microsoft.Extensions.AI;

namespace LlamaDb.VectorData;

/// <summary>A vector property of a record definition.</summary>
public class VectorStoreVectorProperty : VectorStoreProperty
{
    private int _dimensions;

    /// <summary>Creates the property; its type comes from the record class (or defaults to <c>ReadOnlyMemory&lt;float&gt;</c> for dynamic records).</summary>
    public VectorStoreVectorProperty(string name, int dimensions)
        : base(name, type: null)
    {
        Dimensions = dimensions;
    }

    /// <summary>Creates the property with its .NET type (<c>ReadOnlyMemory&lt;float&gt;</c>, <c>float[]</c>, <c>Embedding&lt;float&gt;</c>, <c>BitArray</c>, or <c>string</c> to embed automatically).</summary>
    public VectorStoreVectorProperty(string name, Type type, int dimensions)
        : base(name, type)
    {
        Dimensions = dimensions;
    }

    /// <summary>The number of dimensions.</summary>
    public int Dimensions
    {
        get => _dimensions;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, nameof(Dimensions));
            _dimensions = value;
        }
    }

    /// <summary>The index kind (see <see cref="VectorData.IndexKind"/>).</summary>
    public string? IndexKind { get; set; }

    /// <summary>The distance function (see <see cref="VectorData.DistanceFunction"/>).</summary>
    public string? DistanceFunction { get; set; }

    /// <summary>The generator that embeds this property's input (for example a <see cref="string"/>) when records are upserted and queries searched.</summary>
    public IEmbeddingGenerator? EmbeddingGenerator { get; set; }
}
