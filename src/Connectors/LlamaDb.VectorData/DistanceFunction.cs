namespace LlamaDb.VectorData;

/// <summary>Distance functions a vector property can use (Microsoft.Extensions.VectorData names).</summary>
public static class DistanceFunction
{
    /// <summary>Cosine similarity: higher is more similar, in [-1, 1].</summary>
    public const string CosineSimilarity = nameof(CosineSimilarity);

    /// <summary>Cosine distance (1 - cosine similarity): lower is more similar, in [0, 2].</summary>
    public const string CosineDistance = nameof(CosineDistance);

    /// <summary>Dot product: higher is more similar.</summary>
    public const string DotProductSimilarity = nameof(DotProductSimilarity);

    /// <summary>Negated dot product: lower is more similar.</summary>
    public const string NegativeDotProductSimilarity = nameof(NegativeDotProductSimilarity);

    /// <summary>Euclidean (L2) distance: lower is more similar.</summary>
    public const string EuclideanDistance = nameof(EuclideanDistance);

    /// <summary>Squared Euclidean distance: lower is more similar.</summary>
    public const string EuclideanSquaredDistance = nameof(EuclideanSquaredDistance);

    /// <summary>Hamming distance between binary vectors (differing bits): lower is more similar.</summary>
    public const string HammingDistance = nameof(HammingDistance);

    /// <summary>Manhattan (L1) distance: lower is more similar.</summary>
    public const string ManhattanDistance = nameof(ManhattanDistance);

    /// <summary>Whether higher scores mean more similar for <paramref name="distanceFunction"/>.</summary>
    public static bool IsSimilarity(string distanceFunction) =>
        distanceFunction is CosineSimilarity or DotProductSimilarity;
}
