using LlamaDb.VectorData;

namespace LlamaDb.Connectors.Hnsw.CrashHost;

/// <summary>A record of the store crash workload.</summary>
public sealed class CrashDoc
{
    [VectorStoreKey]
    public long Id { get; set; }

    [VectorStoreData(IsIndexed = true)]
    public int Version { get; set; }

    [VectorStoreData(IsFullTextIndexed = true)]
    public string Text { get; set; } = string.Empty;

    [VectorStoreVector(StoreCrashWorkload.Dimensions, DistanceFunction = DistanceFunction.EuclideanSquaredDistance)]
    public float[] Vector { get; set; } = [];
}

/// <summary>
/// The seeded sequence of upserts and deletes the store crash host performs, reproducible in the test so it can
/// tell which state every key must have. Compiled into both the host and the test project.
/// </summary>
internal static class StoreCrashWorkload
{
    public const int Dimensions = 16;
    public const int KeySpace = 200;

    /// <summary>Operation <paramref name="index"/> (from 1): (isDelete, key).</summary>
    public static (bool Delete, long Key) Operation(int seed, int index)
    {
        var random = new Random(unchecked((seed * 7_919) + index));
        return (random.Next(5) == 0, random.Next(KeySpace));
    }

    /// <summary>The record an upsert at operation <paramref name="index"/> writes.</summary>
    public static CrashDoc Record(long key, int index) => new()
    {
        Id = key,
        Version = index,
        Text = $"record {key} version {index} " + new string('x', index % 97),
        Vector = Vector(key, index),
    };

    public static float[] Vector(long key, int index)
    {
        var random = new Random(unchecked((int)(key * 31) + (index * 1_000_003)));
        var vector = new float[Dimensions];
        for (int i = 0; i < vector.Length; i++)
        {
            vector[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return vector;
    }

    public static HnswCollectionOptions Options() => new()
    {
        Seed = 5,
        CheckpointAfterLogBytes = 16 * 1024, // small, so automatic checkpoints happen during the workload
    };
}
