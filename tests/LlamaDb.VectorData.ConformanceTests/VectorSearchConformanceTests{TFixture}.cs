using System.Collections;
using LlamaDb.VectorData.ConformanceTests.Records;
using Microsoft.Extensions.AI;

namespace LlamaDb.VectorData.ConformanceTests;

/// <summary>
/// Vector search with every distance function. Scores follow Microsoft.Extensions.VectorData: similarity functions
/// (cosine similarity, dot product) are higher-is-better, distances (cosine distance, negative dot product,
/// Euclidean, squared Euclidean, Hamming) lower-is-better; results come best first, Skip applies after ordering,
/// and ScoreThreshold drops results worse than it in the function's own direction.
/// </summary>
/// <typeparam name="TFixture">The connector's fixture.</typeparam>
public abstract class VectorSearchConformanceTests<TFixture>(TFixture fixture) : ConformanceTestBase<TFixture>(fixture)
    where TFixture : VectorStoreFixture
{
    private const double Tolerance = 1e-4;

    /// <summary>The query of the distance tests.</summary>
    private static readonly float[] s_query = [2, 0, 0];

    /// <summary>
    /// Against <see cref="s_query"/>: key 1 is parallel (cos 1), key 2 at cos 0.6 but long, key 3 orthogonal, key 4
    /// opposite, so every distance function orders them differently from at least one other.
    /// </summary>
    private static readonly VectorRecord[] s_records =
    [
        new() { Key = 4, Text = "opposite", Embedding = new float[] { -1, 0, 0 } },
        new() { Key = 3, Text = "orthogonal", Embedding = new float[] { 0, 2, 0 } },
        new() { Key = 2, Text = "long", Embedding = new float[] { 3, 4, 0 } },
        new() { Key = 1, Text = "parallel", Embedding = new float[] { 1, 0, 0 } },
    ];

    /// <summary>A definition of <see cref="VectorRecord"/> with <paramref name="distanceFunction"/>.</summary>
    protected VectorStoreCollectionDefinition Definition(string distanceFunction) => new()
    {
        Properties =
        [
            new VectorStoreKeyProperty(nameof(VectorRecord.Key), typeof(int)),
            new VectorStoreDataProperty(nameof(VectorRecord.Text), typeof(string)),
            new VectorStoreVectorProperty(nameof(VectorRecord.Embedding), typeof(ReadOnlyMemory<float>), 3) { DistanceFunction = distanceFunction, IndexKind = Fixture.IndexKind },
        ],
    };

    private async Task<VectorStoreCollection<int, VectorRecord>> SeededAsync(string distanceFunction)
    {
        VectorStoreCollection<int, VectorRecord> collection = await CreateCollectionAsync<int, VectorRecord>(Definition(distanceFunction));
        await collection.UpsertAsync(s_records);
        return collection;
    }

    private async Task AssertSearchAsync(string distanceFunction, int[] expectedKeys, double[] expectedScores)
    {
        VectorStoreCollection<int, VectorRecord> collection = await SeededAsync(distanceFunction);

        List<VectorSearchResult<VectorRecord>> results = await collection.SearchAsync(s_query, top: 4).ToListAsync();

        Assert.Equal(expectedKeys, results.Select(r => r.Record.Key));
        for (int i = 0; i < results.Count; i++)
        {
            Assert.NotNull(results[i].Score);
            Assert.Equal(expectedScores[i], results[i].Score!.Value, Tolerance);
        }
    }

    private static async Task<int[]> KeysAsync<TRecord>(IAsyncEnumerable<VectorSearchResult<TRecord>> results, Func<TRecord, int> key) =>
        [.. (await results.ToListAsync()).Select(r => key(r.Record))];

    // ---- distance functions ----

    [Fact]
    public virtual Task SearchAsync_CosineSimilarity_HigherIsBetter() =>
        AssertSearchAsync(DistanceFunction.CosineSimilarity, [1, 2, 3, 4], [1, 0.6, 0, -1]);

    [Fact]
    public virtual Task SearchAsync_CosineDistance_LowerIsBetter() =>
        AssertSearchAsync(DistanceFunction.CosineDistance, [1, 2, 3, 4], [0, 0.4, 1, 2]);

    [Fact]
    public virtual Task SearchAsync_DotProductSimilarity_HigherIsBetterAndSeesLength() =>
        AssertSearchAsync(DistanceFunction.DotProductSimilarity, [2, 1, 3, 4], [6, 2, 0, -2]);

    [Fact]
    public virtual Task SearchAsync_NegativeDotProductSimilarity_LowerIsBetter() =>
        AssertSearchAsync(DistanceFunction.NegativeDotProductSimilarity, [2, 1, 3, 4], [-6, -2, 0, 2]);

    [Fact]
    public virtual Task SearchAsync_EuclideanDistance_LowerIsBetter() =>
        AssertSearchAsync(DistanceFunction.EuclideanDistance, [1, 3, 4, 2], [1, Math.Sqrt(8), 3, Math.Sqrt(17)]);

    [Fact]
    public virtual Task SearchAsync_EuclideanSquaredDistance_LowerIsBetter() =>
        AssertSearchAsync(DistanceFunction.EuclideanSquaredDistance, [1, 3, 4, 2], [1, 8, 9, 17]);

    [Fact]
    public virtual async Task SearchAsync_HammingDistance_CountsDifferingBits()
    {
        VectorStoreCollection<int, BinaryRecord> collection = await CreateCollectionAsync<int, BinaryRecord>();
        static BitArray Bits(string pattern) => new([.. pattern.Select(c => c == '1')]);
        await collection.UpsertAsync(
        [
            new BinaryRecord { Key = 1, Embedding = Bits("11100000") },
            new BinaryRecord { Key = 2, Embedding = Bits("11000000") },
            new BinaryRecord { Key = 3, Embedding = Bits("00111111") },
            new BinaryRecord { Key = 4, Embedding = Bits("00110000") },
        ]);

        List<VectorSearchResult<BinaryRecord>> results = await collection.SearchAsync(Bits("11000000"), top: 4, new VectorSearchOptions<BinaryRecord> { IncludeVectors = true }).ToListAsync();

        Assert.Equal([2, 1, 4, 3], results.Select(r => r.Record.Key));
        Assert.Equal([0.0, 1, 4, 8], results.Select(r => r.Score!.Value));
        Assert.Equal([true, true, true, false, false, false, false, false], results[1].Record.Embedding!.Cast<bool>());
    }

    [Fact]
    public virtual async Task SearchAsync_DefaultDistanceFunction_IsCosineSimilarity()
    {
        VectorStoreCollection<int, ProductRecord> collection = await CreateCollectionAsync<int, ProductRecord>();
        await collection.UpsertAsync([new ProductRecord { Key = 1, Embedding = new float[] { 3, 4, 0 } }, new ProductRecord { Key = 2, Embedding = new float[] { 1, 0, 0 } }]);

        List<VectorSearchResult<ProductRecord>> results = await collection.SearchAsync(new float[] { 2, 0, 0 }, top: 2).ToListAsync();

        Assert.Equal([2, 1], results.Select(r => r.Record.Key));
        Assert.Equal(1.0, results[0].Score!.Value, Tolerance);
        Assert.Equal(0.6, results[1].Score!.Value, Tolerance);
    }

    // ---- top, skip, threshold ----

    [Fact]
    public virtual async Task SearchAsync_Top_ReturnsTheBest()
    {
        VectorStoreCollection<int, VectorRecord> collection = await SeededAsync(DistanceFunction.EuclideanDistance);

        int[] two = await KeysAsync(collection.SearchAsync(s_query, top: 2), r => r.Key);
        int[] all = await KeysAsync(collection.SearchAsync(s_query, top: 100), r => r.Key);

        Assert.Equal([1, 3], two);
        Assert.Equal([1, 3, 4, 2], all);
    }

    [Fact]
    public virtual async Task SearchAsync_Skip_AppliesAfterOrdering()
    {
        VectorStoreCollection<int, VectorRecord> collection = await SeededAsync(DistanceFunction.EuclideanDistance);

        int[] skipped = await KeysAsync(collection.SearchAsync(s_query, top: 2, new VectorSearchOptions<VectorRecord> { Skip = 1 }), r => r.Key);
        int[] pastTheEnd = await KeysAsync(collection.SearchAsync(s_query, top: 2, new VectorSearchOptions<VectorRecord> { Skip = 4 }), r => r.Key);
        int[] lastOne = await KeysAsync(collection.SearchAsync(s_query, top: 5, new VectorSearchOptions<VectorRecord> { Skip = 3 }), r => r.Key);

        Assert.Equal([3, 4], skipped);
        Assert.Empty(pastTheEnd);
        Assert.Equal([2], lastOne);
    }

    [Fact]
    public virtual async Task SearchAsync_ScoreThresholdWithSimilarity_DropsLowerScores()
    {
        VectorStoreCollection<int, VectorRecord> collection = await SeededAsync(DistanceFunction.CosineSimilarity);

        List<VectorSearchResult<VectorRecord>> results = await collection.SearchAsync(s_query, top: 4, new VectorSearchOptions<VectorRecord> { ScoreThreshold = 0.5 }).ToListAsync();

        Assert.Equal([1, 2], results.Select(r => r.Record.Key));
    }

    [Fact]
    public virtual async Task SearchAsync_ScoreThresholdWithDotProduct_DropsLowerScores()
    {
        VectorStoreCollection<int, VectorRecord> collection = await SeededAsync(DistanceFunction.DotProductSimilarity);

        int[] actual = await KeysAsync(collection.SearchAsync(s_query, top: 4, new VectorSearchOptions<VectorRecord> { ScoreThreshold = 1 }), r => r.Key);
        Assert.Equal([2, 1], actual);
    }

    [Fact]
    public virtual async Task SearchAsync_ScoreThresholdWithCosineDistance_DropsHigherScores()
    {
        VectorStoreCollection<int, VectorRecord> collection = await SeededAsync(DistanceFunction.CosineDistance);

        int[] actual = await KeysAsync(collection.SearchAsync(s_query, top: 4, new VectorSearchOptions<VectorRecord> { ScoreThreshold = 0.5 }), r => r.Key);
        Assert.Equal([1, 2], actual);
    }

    [Fact]
    public virtual async Task SearchAsync_ScoreThresholdWithEuclidean_DropsHigherScores()
    {
        VectorStoreCollection<int, VectorRecord> collection = await SeededAsync(DistanceFunction.EuclideanDistance);

        int[] actual = await KeysAsync(collection.SearchAsync(s_query, top: 4, new VectorSearchOptions<VectorRecord> { ScoreThreshold = 2.9 }), r => r.Key);
        Assert.Equal([1, 3], actual);
    }

    [Fact]
    public virtual async Task SearchAsync_ScoreThresholdWithNegativeDotProduct_DropsHigherScores()
    {
        VectorStoreCollection<int, VectorRecord> collection = await SeededAsync(DistanceFunction.NegativeDotProductSimilarity);

        int[] actual = await KeysAsync(collection.SearchAsync(s_query, top: 4, new VectorSearchOptions<VectorRecord> { ScoreThreshold = -1 }), r => r.Key);
        Assert.Equal([2, 1], actual);
    }

    [Fact]
    public virtual async Task SearchAsync_ScoreThresholdAndSkip_SkipsWithinTheKeptResults()
    {
        VectorStoreCollection<int, VectorRecord> collection = await SeededAsync(DistanceFunction.EuclideanDistance);

        var options = new VectorSearchOptions<VectorRecord> { ScoreThreshold = 3.5, Skip = 1 };

        int[] actual = await KeysAsync(collection.SearchAsync(s_query, top: 4, options), r => r.Key);
        Assert.Equal([3, 4], actual);
    }

    [Fact]
    public virtual async Task SearchAsync_TopNotPositive_ThrowsArgumentOutOfRange()
    {
        VectorStoreCollection<int, VectorRecord> collection = await SeededAsync(DistanceFunction.CosineSimilarity);

        await Assert.ThrowsAnyAsync<ArgumentOutOfRangeException>(async () => await collection.SearchAsync(s_query, top: 0).ToListAsync());
    }

    [Fact]
    public virtual async Task SearchAsync_EmptyCollection_ReturnsNothing()
    {
        VectorStoreCollection<int, VectorRecord> collection = await CreateCollectionAsync<int, VectorRecord>(Definition(DistanceFunction.CosineSimilarity));

        Assert.Empty(await collection.SearchAsync(s_query, top: 3).ToListAsync());
    }

    // ---- vectors in results ----

    [Fact]
    public virtual async Task SearchAsync_WithoutIncludeVectors_VectorIsDefaultAndDataIsThere()
    {
        VectorStoreCollection<int, VectorRecord> collection = await SeededAsync(DistanceFunction.CosineSimilarity);

        VectorSearchResult<VectorRecord> best = (await collection.SearchAsync(s_query, top: 1).ToListAsync()).Single();

        Assert.Equal("parallel", best.Record.Text);
        Assert.Equal(0, best.Record.Embedding.Length);
    }

    [Fact]
    public virtual async Task SearchAsync_IncludeVectors_ReturnsVectorsAsUpserted()
    {
        VectorStoreCollection<int, VectorRecord> collection = await SeededAsync(DistanceFunction.CosineSimilarity);

        List<VectorSearchResult<VectorRecord>> results = await collection.SearchAsync(s_query, top: 2, new VectorSearchOptions<VectorRecord> { IncludeVectors = true }).ToListAsync();

        // Key 2 was upserted as (3, 4, 0): a store that normalizes for cosine must still return the original.
        Assert.Equal([1f, 0f, 0f], results[0].Record.Embedding.ToArray());
        Assert.Equal([3f, 4f, 0f], results[1].Record.Embedding.ToArray());
    }

    // ---- vector property and input types ----

    [Fact]
    public virtual async Task SearchAsync_VectorProperty_SearchesTheChosenVector()
    {
        VectorStoreCollection<int, TwoVectorRecord> collection = await CreateCollectionAsync<int, TwoVectorRecord>();
        await collection.UpsertAsync(
        [
            new TwoVectorRecord { Key = 1, First = new float[] { 1, 0, 0 }, Second = new float[] { 0, 1, 0 } },
            new TwoVectorRecord { Key = 2, First = new float[] { 0, 1, 0 }, Second = new float[] { 1, 0, 0 } },
        ]);
        float[] query = [1, 0.1f, 0];

        int[] byFirst = await KeysAsync(collection.SearchAsync(query, top: 2, new VectorSearchOptions<TwoVectorRecord> { VectorProperty = r => r.First }), r => r.Key);
        int[] bySecond = await KeysAsync(collection.SearchAsync(query, top: 2, new VectorSearchOptions<TwoVectorRecord> { VectorProperty = r => r.Second }), r => r.Key);

        Assert.Equal([1, 2], byFirst);
        Assert.Equal([2, 1], bySecond);
    }

    [Fact]
    public virtual async Task SearchAsync_SeveralVectorsWithoutVectorProperty_ThrowsInvalidOperation()
    {
        VectorStoreCollection<int, TwoVectorRecord> collection = await CreateCollectionAsync<int, TwoVectorRecord>();
        await collection.UpsertAsync(new TwoVectorRecord { Key = 1, First = new float[] { 1, 0, 0 }, Second = new float[] { 0, 1, 0 } });

        await Assert.ThrowsAnyAsync<InvalidOperationException>(async () => await collection.SearchAsync(new float[] { 1, 0, 0 }, top: 1).ToListAsync());
    }

    [Fact]
    public virtual async Task SearchAsync_InputTypes_GiveTheSameResults()
    {
        VectorStoreCollection<int, VectorRecord> collection = await SeededAsync(DistanceFunction.EuclideanDistance);

        List<VectorSearchResult<VectorRecord>> fromMemory = await collection.SearchAsync(new ReadOnlyMemory<float>(s_query), top: 4).ToListAsync();
        List<VectorSearchResult<VectorRecord>> fromArray = await collection.SearchAsync((float[])s_query.Clone(), top: 4).ToListAsync();
        List<VectorSearchResult<VectorRecord>> fromEmbedding = await collection.SearchAsync(new Embedding<float>(s_query), top: 4).ToListAsync();

        int[] expected = [1, 3, 4, 2];
        Assert.Equal(expected, fromMemory.Select(r => r.Record.Key));
        Assert.Equal(expected, fromArray.Select(r => r.Record.Key));
        Assert.Equal(expected, fromEmbedding.Select(r => r.Record.Key));
        Assert.Equal(fromMemory.Select(r => r.Score), fromArray.Select(r => r.Score));
        Assert.Equal(fromMemory.Select(r => r.Score), fromEmbedding.Select(r => r.Score));
    }

    [Fact]
    public virtual async Task SearchAsync_WrongDimensions_ThrowsArgumentException()
    {
        VectorStoreCollection<int, VectorRecord> collection = await SeededAsync(DistanceFunction.CosineSimilarity);

        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await collection.SearchAsync(new float[] { 1, 0 }, top: 1).ToListAsync());
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await collection.SearchAsync(new float[] { 1, 0, 0, 0 }, top: 1).ToListAsync());
    }

    // ---- larger sets ----

    [Fact]
    public virtual async Task SearchAsync_ManyRecords_ScoresAreExactAndRecallIsHigh()
    {
        const int count = 300;
        const int dimensions = 16;
        const int top = 10;
        var random = new Random(20240229);
        float[] RandomVector() => [.. Enumerable.Range(0, dimensions).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        VectorRecord[] records = [.. Enumerable.Range(0, count).Select(i => new VectorRecord { Key = i, Text = $"r{i}", Embedding = RandomVector() })];
        var definition = new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty(nameof(VectorRecord.Key), typeof(int)),
                new VectorStoreDataProperty(nameof(VectorRecord.Text), typeof(string)),
                new VectorStoreVectorProperty(nameof(VectorRecord.Embedding), typeof(ReadOnlyMemory<float>), dimensions) { DistanceFunction = DistanceFunction.CosineSimilarity, IndexKind = Fixture.IndexKind },
            ],
        };
        VectorStoreCollection<int, VectorRecord> collection = await CreateCollectionAsync<int, VectorRecord>(definition);
        await collection.UpsertAsync(records);

        int found = 0;
        for (int q = 0; q < 10; q++)
        {
            float[] query = RandomVector();
            HashSet<int> exact = [.. records.OrderByDescending(r => Vectors.Cosine(query, r.Embedding.Span)).Take(top).Select(r => r.Key)];

            List<VectorSearchResult<VectorRecord>> results = await collection.SearchAsync(query, top: top).ToListAsync();

            Assert.Equal(top, results.Count);
            Assert.Equal(top, results.Select(r => r.Record.Key).Distinct().Count());
            for (int i = 0; i < results.Count; i++)
            {
                VectorRecord stored = records[results[i].Record.Key];
                Assert.Equal(Vectors.Cosine(query, stored.Embedding.Span), results[i].Score!.Value, Tolerance);
                Assert.True(i == 0 || results[i - 1].Score >= results[i].Score, "Results must come best first.");
            }

            found += results.Count(r => exact.Contains(r.Record.Key));
        }

        Assert.True(found >= 95, $"Recall@{top} over 10 queries was {found}%; expected at least 95%.");
    }
}
