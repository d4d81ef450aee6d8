using LlamaDb.VectorData;

namespace LlamaDb.Connectors.Hnsw.Tests.Store;

/// <summary>A typical record: text, metadata, a 32-d vector.</summary>
public sealed class Doc
{
    [VectorStoreKey]
    public long Id { get; set; }

    [VectorStoreData(IsIndexed = true)]
    public string Category { get; set; } = string.Empty;

    [VectorStoreData(IsFullTextIndexed = true)]
    public string Text { get; set; } = string.Empty;

    [VectorStoreData]
    public int Rank { get; set; }

    [VectorStoreData(IsIndexed = true)]
    public List<string> Tags { get; set; } = [];

    [VectorStoreVector(32, DistanceFunction = DistanceFunction.CosineSimilarity)]
    public ReadOnlyMemory<float> Embedding { get; set; }
}

/// <summary>Seeded clustered vectors (embedding-like) and brute-force ground truth.</summary>
internal static class StoreTestData
{
    public static float[][] Clustered(int count, int dimensions, int seed, int clusters = 20)
    {
        var random = new Random(seed);
        var centers = new float[clusters][];
        for (int c = 0; c < clusters; c++)
        {
            centers[c] = Normalize(Enumerable.Range(0, dimensions).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray());
        }

        var vectors = new float[count][];
        for (int i = 0; i < count; i++)
        {
            float[] center = centers[random.Next(clusters)];
            vectors[i] = Normalize(center.Select(x => x + (float)(((random.NextDouble() * 2) - 1) * 0.35)).ToArray());
        }

        return vectors;
    }

    public static float[] Normalize(float[] v)
    {
        float norm = MathF.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }

    public static float Dot(float[] a, ReadOnlySpan<float> b)
    {
        float sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>The ids of the k most similar (by dot product) among <paramref name="live"/>.</summary>
    public static HashSet<long> TrueTop(float[] query, IEnumerable<(long Id, float[] Vector)> live, int k) =>
        live.OrderByDescending(x => Dot(query, x.Vector)).ThenBy(x => x.Id).Take(k).Select(x => x.Id).ToHashSet();

    public static Doc MakeDoc(long id, float[] vector) => new()
    {
        Id = id,
        Category = $"cat{id % 10}",
        Text = $"document number {id} about topic {id % 7} and subject {id % 13}",
        Rank = (int)(id % 100),
        Tags = [$"t{id % 3}", $"u{id % 5}"],
        Embedding = vector,
    };

    public static string TempRoot() => Path.Combine(Path.GetTempPath(), "llamadb-store-tests", Guid.NewGuid().ToString("N"));
}
