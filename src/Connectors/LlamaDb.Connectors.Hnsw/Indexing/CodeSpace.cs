namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>The stored form of vectors and the distance over it: a metric combined with a quantization.</summary>
internal enum CodeSpace
{
    /// <summary>Float components, <c>1 - dot</c>.</summary>
    FloatDot,

    /// <summary>Float components, squared L2.</summary>
    FloatEuclidean,

    /// <summary>Packed bits, Hamming (binary vectors, and the codes of <see cref="VectorQuantization.Binary"/>).</summary>
    Bits,

    /// <summary>Int8 codes with a scale, <c>1 - dot</c> of the dequantized vectors.</summary>
    Int8Dot,

    /// <summary>Int8 codes with a scale and squared norm, squared L2 of the dequantized vectors.</summary>
    Int8Euclidean,
}

/// <summary>Maps metric + quantization to a <see cref="CodeSpace"/>.</summary>
internal static class CodeSpaces
{
    public static CodeSpace For(VectorMetric metric, VectorQuantization quantization) => (metric, quantization) switch
    {
        (VectorMetric.Hamming, _) => CodeSpace.Bits,
        (_, VectorQuantization.Binary) => CodeSpace.Bits,
        (VectorMetric.DotProduct, VectorQuantization.Int8) => CodeSpace.Int8Dot,
        (VectorMetric.Euclidean, VectorQuantization.Int8) => CodeSpace.Int8Euclidean,
        (VectorMetric.Euclidean, _) => CodeSpace.FloatEuclidean,
        _ => CodeSpace.FloatDot,
    };
}
