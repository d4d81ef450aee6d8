using LlamaDb.Connectors.Hnsw.Indexing;

namespace LlamaDb.Connectors.Hnsw.Tests.Indexing;

/// <summary>Int8 and binary quantization: code-space search, exact float rescoring from the memory-mapped raw vectors.</summary>
public sealed class QuantizedIndexTests : IDisposable
{
    private const int Count = 2000;
    private const int QueryCount = 50;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "llamadb-quant-" + Guid.NewGuid().ToString("N"));

    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (string kind in new[] { "hnsw", "flat" })
        {
            foreach (string metric in new[] { nameof(VectorMetric.DotProduct), nameof(VectorMetric.Euclidean) })
            {
                foreach (string quantization in new[] { nameof(VectorQuantization.Int8), nameof(VectorQuantization.Binary) })
                {
                    data.Add(kind, metric, quantization);
                }
            }
        }

        return data;
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Search_AfterRescoring_RecallAtLeast95WithExactDistances(string kind, string metricName, string quantizationName)
    {
        VectorMetric metric = Enum.Parse<VectorMetric>(metricName);
        VectorQuantization quantization = Enum.Parse<VectorQuantization>(quantizationName);
        (float[][] vectors, float[][] queries) = Data(metric, 11);

        // Binary codes keep 1 bit of 24-32 dimensions, so they need a deeper candidate list than int8.
        using IVectorIndex index = Create(kind, metric, quantization, oversampling: quantization == VectorQuantization.Binary ? 20 : 4);
        IndexTestData.AddAll(index, vectors);

        Assert.True(IndexTestData.MeanRecall(index, metric, vectors, queries) >= 0.95);
        var results = new VectorMatch[IndexTestData.K];
        foreach (float[] query in queries.Take(10))
        {
            int found = index.Search(query, IndexTestData.K, results);
            Assert.Equal(IndexTestData.K, found);
            for (int i = 0; i < found; i++)
            {
                // Rescored: the distance is the float one, not the code-space approximation.
                IndexTestData.AssertClose(IndexTestData.Distance(metric, vectors[results[i].Id], query), results[i].Distance);
                Assert.True(i == 0 || results[i - 1].Distance <= results[i].Distance);
            }
        }
    }

    [Theory]
    [InlineData("hnsw", nameof(VectorQuantization.Int8), 0.3)]
    [InlineData("flat", nameof(VectorQuantization.Int8), 0.3)]
    [InlineData("hnsw", nameof(VectorQuantization.Binary), 0.05)]
    public void VectorBytes_AreAFractionOfTheFloatVectors_AndRawVectorsAreMappedOutsideTheIndex(string kind, string quantizationName, double maxRatio)
    {
        const int dimensions = 384;
        using IVectorIndex plain = Create(kind, VectorMetric.DotProduct, VectorQuantization.None, dimensions: dimensions);
        using IVectorIndex quantized = Create(kind, VectorMetric.DotProduct, Enum.Parse<VectorQuantization>(quantizationName), dimensions: dimensions);

        Assert.InRange(quantized.VectorBytes / (double)plain.VectorBytes, 0.01, maxRatio);
        Assert.True(quantized.MemoryBytes < plain.MemoryBytes);
        Assert.Equal(plain.VectorBytes, quantized.RawVectorBytes);
        Assert.Equal(0, plain.RawVectorBytes);
    }

    [Theory]
    [InlineData("hnsw")]
    [InlineData("flat")]
    public void GetVector_ReturnsTheExactFloats(string kind)
    {
        (float[][] vectors, _) = Data(VectorMetric.Euclidean, 12);
        using IVectorIndex index = Create(kind, VectorMetric.Euclidean, VectorQuantization.Int8);
        IndexTestData.AddAll(index, vectors);
        var destination = new float[vectors[0].Length];

        foreach (int id in new[] { 0, 17, Count - 1 })
        {
            index.GetVector(id, destination);
            Assert.Equal(vectors[id], destination);
        }
    }

    [Theory]
    [InlineData("hnsw")]
    [InlineData("flat")]
    public void RemovedAndReplaced_NeverReturnOldOrRemovedVectors(string kind)
    {
        (float[][] vectors, float[][] queries) = Data(VectorMetric.DotProduct, 13);
        using IVectorIndex index = Create(kind, VectorMetric.DotProduct, VectorQuantization.Int8);
        IndexTestData.AddAll(index, vectors);
        var current = (float[]?[])vectors.Clone();
        for (int id = 0; id < Count; id += 2)
        {
            index.Remove(id);
            current[id] = null;
        }

        // Replace some live ids with other vectors: results must be scored with the new ones.
        for (int id = 1; id < 200; id += 2)
        {
            current[id] = vectors[(id + 500) % Count];
            index.Add(id, current[id]!);
        }

        var results = new VectorMatch[IndexTestData.K];
        foreach (float[] query in queries)
        {
            int found = index.Search(query, IndexTestData.K, results);
            for (int i = 0; i < found; i++)
            {
                float[]? live = current[results[i].Id];
                Assert.NotNull(live);
                IndexTestData.AssertClose(IndexTestData.Distance(VectorMetric.DotProduct, live, query), results[i].Distance);
            }
        }

        Assert.True(IndexTestData.MeanRecall(index, VectorMetric.DotProduct, current, queries) >= 0.95);
    }

    [Theory]
    [InlineData("hnsw")]
    [InlineData("flat")]
    public void SearchExact_OverCandidates_UsesTheFloats(string kind)
    {
        (float[][] vectors, float[][] queries) = Data(VectorMetric.Euclidean, 14);
        using IVectorIndex index = Create(kind, VectorMetric.Euclidean, VectorQuantization.Int8);
        IndexTestData.AddAll(index, vectors);
        int[] candidates = Enumerable.Range(0, Count).Where(id => id % 7 == 0).ToArray();
        index.Remove(7);
        var results = new VectorMatch[IndexTestData.K];

        int found = index.SearchExact(queries[0], IndexTestData.K, candidates, results);

        List<(int Id, float Distance)> exact = IndexTestData.Exact(VectorMetric.Euclidean, vectors, queries[0], id => id % 7 == 0 && id != 7);
        Assert.Equal(IndexTestData.K, found);
        Assert.Equal(exact.Take(IndexTestData.K).Select(e => e.Id), results.Select(r => r.Id));
    }

    [Theory]
    [InlineData("hnsw", nameof(VectorQuantization.Int8))]
    [InlineData("hnsw", nameof(VectorQuantization.Binary))]
    [InlineData("flat", nameof(VectorQuantization.Int8))]
    public void Snapshot_RoundTrip_KeepsCodesGraphAndRawVectors(string kind, string quantizationName)
    {
        (float[][] vectors, float[][] queries) = Data(VectorMetric.DotProduct, 15);
        using IVectorIndex index = Create(kind, VectorMetric.DotProduct, Enum.Parse<VectorQuantization>(quantizationName), oversampling: 6);
        IndexTestData.AddAll(index, vectors);
        index.Remove(3);
        using var stream = new MemoryStream();
        index.WriteTo(stream);
        stream.Position = 0;

        using IVectorIndex read = IVectorIndex.ReadFrom(stream, _directory);

        Assert.Equal(index.Count, read.Count);
        Assert.True(read.RawVectorBytes >= (long)Count * vectors[0].Length * sizeof(float));
        var a = new VectorMatch[IndexTestData.K];
        var b = new VectorMatch[IndexTestData.K];
        foreach (float[] query in queries)
        {
            int n = index.Search(query, IndexTestData.K, a);
            Assert.Equal(n, read.Search(query, IndexTestData.K, b));
            Assert.Equal(a, b);
        }

        var vector = new float[vectors[0].Length];
        read.GetVector(5, vector);
        Assert.Equal(vectors[5], vector);
    }

    [Fact]
    public void Snapshot_CorruptRawVectors_FailsTheChecksum()
    {
        (float[][] vectors, _) = Data(VectorMetric.DotProduct, 16);
        using IVectorIndex index = Create("hnsw", VectorMetric.DotProduct, VectorQuantization.Int8);
        IndexTestData.AddAll(index, vectors[..100]);
        using var stream = new MemoryStream();
        index.WriteTo(stream);
        byte[] bytes = stream.ToArray();
        bytes[bytes.Length - 8 - 5] ^= 0x10; // inside the raw vectors, just before the checksum

        Assert.Throws<InvalidDataException>(() => IVectorIndex.ReadFrom(new MemoryStream(bytes), _directory));
    }

    [Fact]
    public void RawVectorFile_LeavesNoFileBehind()
    {
        Directory.CreateDirectory(_directory);
        using (IVectorIndex index = Create("hnsw", VectorMetric.DotProduct, VectorQuantization.Int8))
        {
            index.Add(0, new float[IndexTestData.DimensionsFor(VectorMetric.DotProduct)]);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Empty(Directory.GetFiles(_directory)); // unlinked while open
            }
        }

        Assert.Empty(Directory.GetFiles(_directory));
    }

    [Fact]
    public void Options_QuantizedHamming_IsRefusedWithTheReason()
    {
        var options = new VectorIndexOptions { Dimensions = 64, Metric = VectorMetric.Hamming, Quantization = VectorQuantization.Int8 };

        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(() => new HnswIndex(options));
        Assert.Equal("Quantization", error.ParamName);
        Assert.Contains("float vectors only", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Int8Code_DequantizedComponents_WithinHalfAStep()
    {
        var random = new Random(5);
        for (int trial = 0; trial < 200; trial++)
        {
            int dimensions = random.Next(1, 70);
            float[] vector = Enumerable.Range(0, dimensions).Select(_ => (float)((random.NextDouble() * 2) - 1) * (trial % 5 == 0 ? 1e-3f : 10f)).ToArray();
            var stored = new float[Int8Code.Stride(dimensions)];
            Int8Code.Encode(vector, stored);
            float scale = stored[0];
            sbyte[] codes = System.Runtime.InteropServices.MemoryMarshal.Cast<float, sbyte>(stored.AsSpan(Int8Code.HeaderFloats)).ToArray();
            double norm = 0;
            for (int i = 0; i < dimensions; i++)
            {
                Assert.True(Math.Abs((codes[i] * scale) - vector[i]) <= (scale / 2) + 1e-6, $"component {i}");
                norm += codes[i] * scale * (codes[i] * scale);
            }

            Assert.True(Math.Abs(norm - stored[1]) <= 1e-5 * Math.Max(1, norm), $"norm {norm} vs {stored[1]}");
            Assert.All(codes[dimensions..], c => Assert.Equal(0, c));
        }
    }

    [Fact]
    public void Int8Distances_MatchTheDequantizedVectors()
    {
        var random = new Random(6);
        foreach (int dimensions in new[] { 1, 15, 16, 31, 32, 33, 100, 384, 1023 })
        {
            float[] a = Enumerable.Range(0, dimensions).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
            float[] b = Enumerable.Range(0, dimensions).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
            int stride = Int8Code.Stride(dimensions);
            var sa = new float[stride];
            var sb = new float[stride];
            Int8Code.Encode(a, sa);
            Int8Code.Encode(b, sb);
            double dot = 0;
            double l2 = 0;
            sbyte[] qa = System.Runtime.InteropServices.MemoryMarshal.Cast<float, sbyte>(sa.AsSpan(2)).ToArray();
            sbyte[] qb = System.Runtime.InteropServices.MemoryMarshal.Cast<float, sbyte>(sb.AsSpan(2)).ToArray();
            for (int i = 0; i < dimensions; i++)
            {
                double x = qa[i] * (double)sa[0];
                double y = qb[i] * (double)sb[0];
                dot += x * y;
                l2 += (x - y) * (x - y);
            }

            Assert.Equal(1 - dot, Int8DotDistance.Distance(ref sa[0], ref sb[0], stride), 4);
            Assert.Equal(l2, Int8EuclideanDistance.Distance(ref sa[0], ref sb[0], stride), 4);
        }
    }

    private IVectorIndex Create(string kind, VectorMetric metric, VectorQuantization quantization, int oversampling = 4, int? dimensions = null) =>
        IndexTestData.Create(kind, new VectorIndexOptions
        {
            Dimensions = dimensions ?? IndexTestData.DimensionsFor(metric),
            Metric = metric,
            M = 12,
            EfConstruction = 100,
            EfSearch = 64,
            Seed = 7,
            InitialCapacity = 64,
            Quantization = quantization,
            Oversampling = oversampling,
            RawVectorDirectory = _directory,
        });

    private static (float[][] Vectors, float[][] Queries) Data(VectorMetric metric, int seed)
    {
        float[][] all = IndexTestData.Clustered(metric, Count + QueryCount, IndexTestData.DimensionsFor(metric), seed);
        return (all[..Count], all[Count..]);
    }
}
