using System.Buffers.Binary;
using LlamaDb.Connectors.Hnsw.Indexing;

namespace LlamaDb.Connectors.Hnsw.Tests.Indexing;

public sealed class VectorIndexSnapshotTests
{
    public static TheoryData<string, string> KindsAndMetrics() => VectorIndexRecallTests.KindsAndMetrics();

    [Theory]
    [MemberData(nameof(KindsAndMetrics))]
    public void ReadFrom_AfterWriteTo_SameResultsStateAndParameters(string kind, string metricName)
    {
        VectorMetric metric = Enum.Parse<VectorMetric>(metricName);
        int dimensions = IndexTestData.DimensionsFor(metric);
        float[][] all = IndexTestData.Clustered(metric, 1030, dimensions, seed: 21);
        using IVectorIndex original = IndexTestData.Create(kind, metric, dimensions);
        IndexTestData.AddAll(original, all[..1000]);
        for (int id = 0; id < 1000; id += 3)
        {
            original.Remove(id);
        }

        byte[] snapshot = Snapshot(original);
        using IVectorIndex copy = IVectorIndex.ReadFrom(new MemoryStream(snapshot));

        Assert.IsType(original.GetType(), copy);
        Assert.Equal(original.Count, copy.Count);
        Assert.Equal(original.IdLimit, copy.IdLimit);
        Assert.Equal(original.Dimensions, copy.Dimensions);
        Assert.Equal(original.Metric, copy.Metric);
        Assert.Equal(snapshot, Snapshot(copy));
        var a = new VectorMatch[IndexTestData.K];
        var b = new VectorMatch[IndexTestData.K];
        foreach (float[] query in all[1000..])
        {
            int na = original.Search(query, IndexTestData.K, a);
            int nb = copy.Search(query, IndexTestData.K, b);
            Assert.Equal(a.AsSpan(0, na).ToArray(), b.AsSpan(0, nb).ToArray());
        }

        for (int id = 0; id < 1000; id++)
        {
            Assert.Equal(original.Contains(id), copy.Contains(id));
        }

        // The loaded index keeps working: replace a removed id and add a new one.
        copy.Add(0, all[1000]);
        copy.Add(5000, all[1001]);
        Assert.Equal(0, copy.Search(all[1000], 1, a) == 1 ? a[0].Id : -1);
        Assert.True(copy.Contains(5000));
    }

    [Theory]
    [InlineData("hnsw")]
    [InlineData("flat")]
    public void ReadFrom_EmptyIndex_RoundTrips(string kind)
    {
        using IVectorIndex original = IndexTestData.Create(kind, VectorMetric.Euclidean, 3);
        using IVectorIndex copy = IVectorIndex.ReadFrom(new MemoryStream(Snapshot(original)));

        Assert.Equal(0, copy.Count);
        Assert.Equal(0, copy.Search([1, 2, 3], 5, new VectorMatch[5]));
    }

    [Theory]
    [InlineData("hnsw")]
    [InlineData("flat")]
    public void ReadFrom_EveryTruncation_ThrowsInvalidData(string kind)
    {
        byte[] snapshot = SmallSnapshot(kind);
        for (int length = 0; length < snapshot.Length; length += length < 128 ? 1 : 29)
        {
            var error = Assert.Throws<InvalidDataException>(() => IVectorIndex.ReadFrom(new MemoryStream(snapshot, 0, length)));
            Assert.Contains("snapshot", error.Message, StringComparison.OrdinalIgnoreCase);
            Assert.Throws<InvalidDataException>(() => IVectorIndex.ReadFrom(new ForwardOnlyStream(snapshot.AsMemory(0, length))));
        }
    }

    [Theory]
    [InlineData("hnsw")]
    [InlineData("flat")]
    public void ReadFrom_FlippedBytes_ThrowsInvalidData(string kind)
    {
        byte[] snapshot = SmallSnapshot(kind);
        var random = new Random(17);
        for (int trial = 0; trial < 300; trial++)
        {
            byte[] corrupted = (byte[])snapshot.Clone();
            int position = trial < 60 ? trial : random.Next(corrupted.Length);
            corrupted[position] ^= (byte)(1 << random.Next(8));

            Assert.Throws<InvalidDataException>(() => IVectorIndex.ReadFrom(new MemoryStream(corrupted)));
        }
    }

    [Fact]
    public void ReadFrom_BadHeader_MessageNamesTheProblem()
    {
        byte[] snapshot = SmallSnapshot("hnsw");

        Assert.Contains("magic", Read(With(snapshot, 0, 'X')), StringComparison.Ordinal);
        Assert.Contains("format version 9", Read(WithInt(snapshot, 8, 9)), StringComparison.Ordinal);
        Assert.Contains("kind", Read(WithInt(snapshot, 12, 77)), StringComparison.Ordinal);
        Assert.Contains("metric", Read(WithInt(snapshot, 16, 77)), StringComparison.Ordinal);
        Assert.Contains("Dimensions", Read(WithInt(snapshot, 20, -4)), StringComparison.Ordinal);
        Assert.Contains("parameter M", Read(WithInt(snapshot, 24, 0)), StringComparison.Ordinal);
        Assert.Contains("checksum", Read(With(snapshot, snapshot.Length - 1, (char)(snapshot[^1] ^ 1))), StringComparison.Ordinal);
        Assert.Contains("truncated", Read(new MemoryStream(snapshot, 0, 70)), StringComparison.Ordinal);
        Assert.Contains("id limit", Read(WithInt(snapshot, 44, int.MaxValue)), StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFrom_LinkToUnknownIdWithValidChecksum_ThrowsInvalidData()
    {
        // A body that passes the checksum but links outside the graph: the structural validation must catch it.
        const int n = 40;
        const int m = 4;
        byte[] snapshot = SmallSnapshot("hnsw", n, m);
        int states = 68; // magic, version, 13 header fields (format 2)
        int vectors = states + n;
        int levels = vectors + (n * 3 * sizeof(float));
        int links0 = levels + (n * sizeof(int));
        BinaryPrimitives.WriteInt32LittleEndian(snapshot.AsSpan(links0 + sizeof(int)), 1_000_000); // node 0, first neighbour
        RewriteChecksum(snapshot, n, m);

        string message = Read(new MemoryStream(snapshot));

        Assert.Contains("links id 0 at level 0 to id 1000000", message, StringComparison.Ordinal);
    }

    private static string Read(byte[] snapshot) => Read(new MemoryStream(snapshot));

    private static string Read(Stream stream) => Assert.Throws<InvalidDataException>(() => IVectorIndex.ReadFrom(stream)).Message;

    private static byte[] With(byte[] snapshot, int offset, char value)
    {
        byte[] copy = (byte[])snapshot.Clone();
        copy[offset] = (byte)value;
        return copy;
    }

    private static byte[] WithInt(byte[] snapshot, int offset, int value)
    {
        byte[] copy = (byte[])snapshot.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(copy.AsSpan(offset), value);
        return copy;
    }

    private static byte[] Snapshot(IVectorIndex index)
    {
        using var stream = new MemoryStream();
        index.WriteTo(stream);
        return stream.ToArray();
    }

    private static byte[] SmallSnapshot(string kind, int count = 60, int m = 4)
    {
        float[][] vectors = IndexTestData.Clustered(VectorMetric.Euclidean, count, 3, seed: 2);
        using IVectorIndex index = IndexTestData.Create(kind, new VectorIndexOptions { Dimensions = 3, Metric = VectorMetric.Euclidean, M = m, EfConstruction = 20, Seed = 5 });
        IndexTestData.AddAll(index, vectors);
        index.Remove(1);
        return Snapshot(index);
    }

    /// <summary>Recomputes the trailing checksum section by section, as <see cref="SnapshotWriter"/> folds it.</summary>
    private static void RewriteChecksum(byte[] snapshot, int n, int m)
    {
        var sections = new List<int> { 8, 4, 4, 4, 4, 4, 4, 4, 8, 4, 4, 4, 4, 4, 4, n, n * 3 * sizeof(float), n * sizeof(int), n * ((2 * m) + 1) * sizeof(int) };
        int levels = 68 + n + (n * 3 * sizeof(float));
        for (int id = 0; id < n; id++)
        {
            int level = BinaryPrimitives.ReadInt32LittleEndian(snapshot.AsSpan(levels + (id * sizeof(int))));
            if (level > 0)
            {
                sections.Add(level * (m + 1) * sizeof(int));
            }
        }

        var checksum = new SnapshotChecksum();
        int offset = 0;
        foreach (int length in sections)
        {
            checksum.Append(snapshot.AsSpan(offset, length));
            offset += length;
        }

        Assert.Equal(snapshot.Length - sizeof(ulong), offset);
        BinaryPrimitives.WriteUInt64LittleEndian(snapshot.AsSpan(offset), checksum.Value);
    }
}
