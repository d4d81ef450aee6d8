using LlamaDb.Connectors.Hnsw.Indexing;

namespace LlamaDb.Connectors.Hnsw.Tests.Indexing;

/// <summary>Seeded data sets, exact ground truth and tie-aware recall for the index tests.</summary>
internal static class IndexTestData
{
    public const int K = 10;

    public static int DimensionsFor(VectorMetric metric) => metric switch
    {
        VectorMetric.DotProduct => 32,
        VectorMetric.Euclidean => 24,
        _ => 128,
    };

    /// <summary>Clustered vectors: normalized for dot product, Gaussian blobs for Euclidean, bit flips around centers for Hamming.</summary>
    public static float[][] Clustered(VectorMetric metric, int count, int dimensions, int seed, int clusters = 20)
    {
        var random = new Random(seed);
        var centers = new float[clusters][];
        for (int c = 0; c < clusters; c++)
        {
            centers[c] = new float[dimensions];
            for (int d = 0; d < dimensions; d++)
            {
                centers[c][d] = metric == VectorMetric.Hamming ? random.Next(2) : (float)(Gaussian(random) * 3);
            }
        }

        var vectors = new float[count][];
        for (int i = 0; i < count; i++)
        {
            float[] center = centers[random.Next(clusters)];
            var v = new float[dimensions];
            for (int d = 0; d < dimensions; d++)
            {
                v[d] = metric == VectorMetric.Hamming
                    ? (random.NextDouble() < 0.15 ? 1 - center[d] : center[d])
                    : center[d] + (float)Gaussian(random);
            }

            if (metric == VectorMetric.DotProduct)
            {
                Normalize(v);
            }

            vectors[i] = v;
        }

        return vectors;
    }

    public static IVectorIndex Create(string kind, VectorMetric metric, int dimensions, int seed = 7, int initialCapacity = 64) =>
        Create(kind, new VectorIndexOptions { Dimensions = dimensions, Metric = metric, M = 12, EfConstruction = 100, EfSearch = 64, Seed = seed, InitialCapacity = initialCapacity });

    public static IVectorIndex Create(string kind, VectorIndexOptions options) =>
        kind == "flat" ? new FlatIndex(options) : new HnswIndex(options);

    public static void AddAll(IVectorIndex index, float[][] vectors, int firstId = 0)
    {
        for (int i = 0; i < vectors.Length; i++)
        {
            index.Add(firstId + i, vectors[i]);
        }
    }

    /// <summary>The exact distance under <paramref name="metric"/> (reference implementation, scalar).</summary>
    public static float Distance(VectorMetric metric, float[] a, float[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += metric switch
            {
                VectorMetric.DotProduct => a[i] * b[i],
                VectorMetric.Euclidean => (a[i] - b[i]) * (a[i] - b[i]),
                _ => (a[i] > 0) != (b[i] > 0) ? 1 : 0,
            };
        }

        return metric == VectorMetric.DotProduct ? (float)(1 - sum) : (float)sum;
    }

    /// <summary>Asserts two distances agree to a relative 1e-4 (SIMD and scalar sums round differently).</summary>
    public static void AssertClose(float expected, float actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-4f * Math.Max(1f, Math.Abs(expected)), $"expected {expected}, got {actual}");

    /// <summary>The exact distances from <paramref name="query"/> to every eligible id, ascending.</summary>
    public static List<(int Id, float Distance)> Exact(VectorMetric metric, float[]?[] vectors, float[] query, Func<int, bool>? eligible = null)
    {
        var all = new List<(int Id, float Distance)>();
        for (int id = 0; id < vectors.Length; id++)
        {
            if (vectors[id] is { } v && (eligible is null || eligible(id)))
            {
                all.Add((id, Distance(metric, v, query)));
            }
        }

        all.Sort((x, y) => x.Distance.CompareTo(y.Distance));
        return all;
    }

    /// <summary>Recall@k counting a returned id as a hit when its true distance is within the true k-th distance (ties count).</summary>
    public static double Recall(VectorMetric metric, float[]?[] vectors, float[] query, ReadOnlySpan<VectorMatch> found, Func<int, bool>? eligible = null)
    {
        List<(int Id, float Distance)> exact = Exact(metric, vectors, query, eligible);
        int wanted = Math.Min(K, exact.Count);
        if (wanted == 0)
        {
            return 1;
        }

        float kth = exact[wanted - 1].Distance;
        float tolerance = 1e-4f * Math.Max(1, Math.Abs(kth));
        int hits = 0;
        foreach (VectorMatch match in found)
        {
            if (vectors[match.Id] is { } v && (eligible is null || eligible(match.Id)) && Distance(metric, v, query) <= kth + tolerance)
            {
                hits++;
            }
        }

        return Math.Min(hits, wanted) / (double)wanted;
    }

    /// <summary>Mean recall@10 over <paramref name="queries"/>.</summary>
    public static double MeanRecall(IVectorIndex index, VectorMetric metric, float[]?[] vectors, float[][] queries, IIdFilter? filter = null, Func<int, bool>? eligible = null, int? ef = null)
    {
        var results = new VectorMatch[K];
        double total = 0;
        foreach (float[] query in queries)
        {
            int found = index.Search(query, K, results, ef, filter);
            total += Recall(metric, vectors, query, results.AsSpan(0, found), eligible);
        }

        return total / queries.Length;
    }

    private static void Normalize(float[] v)
    {
        double norm = 0;
        foreach (float x in v)
        {
            norm += x * x;
        }

        float scale = (float)(1 / Math.Sqrt(norm));
        for (int i = 0; i < v.Length; i++)
        {
            v[i] *= scale;
        }
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
