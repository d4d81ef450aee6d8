namespace LlamaDb.VectorData.ConformanceTests;

/// <summary>Small vector helpers for expected values.</summary>
internal static class Vectors
{
    public static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }

        return sum;
    }

    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => Dot(a, b) / Math.Sqrt(Dot(a, a) * Dot(b, b));

    public static double EuclideanSquared(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = (double)a[i] - b[i];
            sum += d * d;
        }

        return sum;
    }

    /// <summary>The score <paramref name="distanceFunction"/> gives (Microsoft.Extensions.VectorData conventions).</summary>
    public static double Score(string distanceFunction, ReadOnlySpan<float> query, ReadOnlySpan<float> vector) => distanceFunction switch
    {
        DistanceFunction.CosineSimilarity => Cosine(query, vector),
        DistanceFunction.CosineDistance => 1 - Cosine(query, vector),
        DistanceFunction.DotProductSimilarity => Dot(query, vector),
        DistanceFunction.NegativeDotProductSimilarity => -Dot(query, vector),
        DistanceFunction.EuclideanDistance => Math.Sqrt(EuclideanSquared(query, vector)),
        DistanceFunction.EuclideanSquaredDistance => EuclideanSquared(query, vector),
        _ => throw new ArgumentOutOfRangeException(nameof(distanceFunction), distanceFunction, "Not a float distance function."),
    };
}
