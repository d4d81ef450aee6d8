using LlamaDb.Connectors.Hnsw.Indexing;

namespace LlamaDb.Connectors.Hnsw.Tests.Indexing;

public sealed class VectorIndexRecallTests
{
    private const int Count = 2000;
    private const int QueryCount = 50;

    public static TheoryData<string, string> KindsAndMetrics()
    {
        var data = new TheoryData<string, string>();
        foreach (string kind in new[] { "hnsw", "flat" })
        {
            foreach (VectorMetric metric in Enum.GetValues<VectorMetric>())
            {
                data.Add(kind, metric.ToString());
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(KindsAndMetrics))]
    public void Search_ClusteredData_RecallAtLeast95(string kind, string metricName)
    {
        VectorMetric metric = Enum.Parse<VectorMetric>(metricName);
        (float[][] vectors, float[][] queries) = Data(metric, 1);
        using IVectorIndex index = IndexTestData.Create(kind, metric, IndexTestData.DimensionsFor(metric));
        IndexTestData.AddAll(index, vectors);

        Assert.Equal(Count, index.Count);
        Assert.True(IndexTestData.MeanRecall(index, metric, vectors, queries) >= 0.95);
    }

    [Theory]
    [MemberData(nameof(KindsAndMetrics))]
    public void Search_ResultsSortedBestFirstWithExactDistances(string kind, string metricName)
    {
        VectorMetric metric = Enum.Parse<VectorMetric>(metricName);
        (float[][] vectors, float[][] queries) = Data(metric, 2);
        using IVectorIndex index = IndexTestData.Create(kind, metric, IndexTestData.DimensionsFor(metric));
        IndexTestData.AddAll(index, vectors);
        var results = new VectorMatch[IndexTestData.K];

        foreach (float[] query in queries)
        {
            int found = index.Search(query, IndexTestData.K, results);
            Assert.Equal(IndexTestData.K, found);
            for (int i = 0; i < found; i++)
            {
                IndexTestData.AssertClose(IndexTestData.Distance(metric, vectors[results[i].Id], query), results[i].Distance);
                Assert.True(i == 0 || results[i - 1].Distance <= results[i].Distance);
            }
        }
    }

    [Theory]
    [MemberData(nameof(KindsAndMetrics))]
    public void Search_AfterRemovingHalf_RecallAtLeast95AndNoRemovedId(string kind, string metricName)
    {
        VectorMetric metric = Enum.Parse<VectorMetric>(metricName);
        (float[][] vectors, float[][] queries) = Data(metric, 3);
        using IVectorIndex index = IndexTestData.Create(kind, metric, IndexTestData.DimensionsFor(metric));
        IndexTestData.AddAll(index, vectors);
        var live = (float[]?[])vectors.Clone();
        var random = new Random(3);
        foreach (int id in Enumerable.Range(0, Count).OrderBy(_ => random.Next()).Take(Count / 2))
        {
            index.Remove(id);
            live[id] = null;
        }

        Assert.Equal(Count / 2, index.Count);
        Assert.True(IndexTestData.MeanRecall(index, metric, live, queries) >= 0.95);
        var results = new VectorMatch[IndexTestData.K];
        foreach (float[] query in queries)
        {
            int found = index.Search(query, IndexTestData.K, results);
            for (int i = 0; i < found; i++)
            {
                Assert.NotNull(live[results[i].Id]);
                Assert.True(index.Contains(results[i].Id));
            }
        }
    }

    [Theory]
    [MemberData(nameof(KindsAndMetrics))]
    public void Add_OnRemovedIds_ReplacesVectors(string kind, string metricName)
    {
        VectorMetric metric = Enum.Parse<VectorMetric>(metricName);
        (float[][] vectors, float[][] queries) = Data(metric, 4);
        float[][] replacements = IndexTestData.Clustered(metric, Count, IndexTestData.DimensionsFor(metric), seed: 44);
        using IVectorIndex index = IndexTestData.Create(kind, metric, IndexTestData.DimensionsFor(metric));
        IndexTestData.AddAll(index, vectors);
        var current = (float[]?[])vectors.Clone();
        for (int id = 0; id < Count; id += 2)
        {
            index.Remove(id);
        }

        for (int id = 0; id < Count; id += 2)
        {
            index.Add(id, replacements[id]);
            current[id] = replacements[id];
        }

        Assert.Equal(Count, index.Count);
        Assert.True(IndexTestData.MeanRecall(index, metric, current, queries) >= 0.95);
        var stored = new float[IndexTestData.DimensionsFor(metric)];
        index.GetVector(0, stored);
        float[] expected = metric == VectorMetric.Hamming ? replacements[0].Select(x => x > 0 ? 1f : 0f).ToArray() : replacements[0];
        Assert.Equal(expected, stored);
    }

    [Theory]
    [MemberData(nameof(KindsAndMetrics))]
    public void Search_WithFilter_RecallAtLeast95OverMatchingIds(string kind, string metricName)
    {
        VectorMetric metric = Enum.Parse<VectorMetric>(metricName);
        (float[][] vectors, float[][] queries) = Data(metric, 5);
        using IVectorIndex index = IndexTestData.Create(kind, metric, IndexTestData.DimensionsFor(metric));
        IndexTestData.AddAll(index, vectors);
        foreach (double fraction in new[] { 0.1, 0.5 })
        {
            var random = new Random(5);
            bool[] members = Enumerable.Range(0, Count).Select(_ => random.NextDouble() < fraction).ToArray();
            var filter = new PredicateFilter(members);

            double recall = IndexTestData.MeanRecall(index, metric, vectors, queries, filter, id => members[id]);

            Assert.True(recall >= 0.95, $"filter keeping {fraction:P0}: recall {recall:F3}");
            var results = new VectorMatch[IndexTestData.K];
            Assert.All(queries, q =>
            {
                int found = index.Search(q, IndexTestData.K, results, filter: filter);
                Assert.Equal(IndexTestData.K, found);
                Assert.All(results, r => Assert.True(members[r.Id]));
            });
        }
    }

    [Theory]
    [MemberData(nameof(KindsAndMetrics))]
    public void SearchExact_OverCandidateIds_ReturnsExactTopK(string kind, string metricName)
    {
        VectorMetric metric = Enum.Parse<VectorMetric>(metricName);
        (float[][] vectors, float[][] queries) = Data(metric, 6);
        using IVectorIndex index = IndexTestData.Create(kind, metric, IndexTestData.DimensionsFor(metric));
        IndexTestData.AddAll(index, vectors);
        index.Remove(3);
        int[] candidates = Enumerable.Range(0, 300).Select(i => i * 5 % Count).Append(-1).Append(Count + 7).Append(3).ToArray();
        var eligible = new HashSet<int>(candidates.Where(id => id >= 0 && id < Count && id != 3));
        var results = new VectorMatch[IndexTestData.K];

        foreach (float[] query in queries)
        {
            int found = index.SearchExact(query, IndexTestData.K, candidates, results);
            List<(int Id, float Distance)> exact = IndexTestData.Exact(metric, vectors, query, eligible.Contains);
            Assert.Equal(IndexTestData.K, found);
            for (int i = 0; i < found; i++)
            {
                Assert.Contains(results[i].Id, eligible);
                IndexTestData.AssertClose(exact[i].Distance, results[i].Distance);
            }
        }
    }

    [Theory]
    [InlineData("hnsw")]
    [InlineData("flat")]
    public void Search_FewerLiveIdsThanK_ReturnsAllLive(string kind)
    {
        using IVectorIndex index = IndexTestData.Create(kind, VectorMetric.Euclidean, 4);
        index.Add(5, [1, 0, 0, 0]);
        index.Add(9, [0, 1, 0, 0]);
        index.Add(2, [0, 0, 1, 0]);
        index.Remove(9);
        var results = new VectorMatch[10];

        int found = index.Search([1, 0, 0, 0], 10, results);

        Assert.Equal(2, found);
        Assert.Equal(new VectorMatch(5, 0), results[0]);
        Assert.Equal(new VectorMatch(2, 2), results[1]);
        Assert.Equal(10, index.IdLimit);
        Assert.False(index.Contains(9));
        Assert.Throws<KeyNotFoundException>(() => index.GetVector(9, new float[4]));
    }

    [Fact]
    public void Hnsw_SameSeedSameInsertions_SameResults()
    {
        (float[][] vectors, float[][] queries) = Data(VectorMetric.Euclidean, 7);
        using IVectorIndex first = IndexTestData.Create("hnsw", VectorMetric.Euclidean, 24, seed: 11);
        using IVectorIndex second = IndexTestData.Create("hnsw", VectorMetric.Euclidean, 24, seed: 11);
        IndexTestData.AddAll(first, vectors);
        IndexTestData.AddAll(second, vectors);
        var a = new VectorMatch[IndexTestData.K];
        var b = new VectorMatch[IndexTestData.K];

        foreach (float[] query in queries)
        {
            first.Search(query, IndexTestData.K, a, ef: 10);
            second.Search(query, IndexTestData.K, b, ef: 10);
            Assert.Equal(a, b);
        }
    }

    [Fact]
    public void Hnsw_Levels_FollowGeometricDistribution()
    {
        using var index = new HnswIndex(new VectorIndexOptions { Dimensions = 2, Metric = VectorMetric.Euclidean, M = 16, EfConstruction = 8, Seed = 3 });
        var random = new Random(3);
        const int n = 20000;
        for (int id = 0; id < n; id++)
        {
            index.Add(id, [(float)random.NextDouble(), (float)random.NextDouble()]);
        }

        int aboveZero = Enumerable.Range(0, n).Count(id => index.LevelOf(id) > 0);

        // P(level > 0) = 1/M with mult = 1/ln(M).
        Assert.InRange(aboveZero / (double)n, 0.75 / 16, 1.25 / 16);
        Assert.Equal(Enumerable.Range(0, n).Max(index.LevelOf), index.TopLevel);
    }

    [Fact]
    public void Add_BeyondInitialCapacity_Grows()
    {
        (float[][] vectors, float[][] queries) = Data(VectorMetric.DotProduct, 8);
        using IVectorIndex index = IndexTestData.Create("hnsw", VectorMetric.DotProduct, 32, initialCapacity: 1);
        long before = index.MemoryBytes;
        IndexTestData.AddAll(index, vectors);

        Assert.True(index.MemoryBytes > before);
        Assert.True(IndexTestData.MeanRecall(index, VectorMetric.DotProduct, vectors, queries) >= 0.95);
    }

    [Fact]
    public void Options_Invalid_ThrowNamingTheOption()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new HnswIndex(new VectorIndexOptions { Dimensions = 8, M = 1 }));
        Assert.Equal("M", error.ParamName);
        error = Assert.Throws<ArgumentOutOfRangeException>(() => new FlatIndex(new VectorIndexOptions { Dimensions = 0 }));
        Assert.Equal("Dimensions", error.ParamName);
        using IVectorIndex index = IndexTestData.Create("hnsw", VectorMetric.Euclidean, 4);
        Assert.Throws<ArgumentException>(() => index.Add(0, new float[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Add(-1, new float[4]));
    }

    private static (float[][] Vectors, float[][] Queries) Data(VectorMetric metric, int seed)
    {
        int dimensions = IndexTestData.DimensionsFor(metric);
        float[][] all = IndexTestData.Clustered(metric, Count + QueryCount, dimensions, seed);
        return (all[..Count], all[Count..]);
    }
}
