using LlamaDb.VectorData.ConformanceTests.Records;

namespace LlamaDb.VectorData.ConformanceTests;

/// <summary>
/// Hybrid search (<see cref="IKeywordHybridSearchable{TRecord}"/>): a vector ranking and a keyword ranking over a
/// full-text indexed property, fused (LlamaDb uses reciprocal rank fusion), best first. Records are built so that the
/// expected results hold for any rank fusion that rewards appearing in both rankings, whether the store ranks all
/// records by vector or only its nearest candidates. Keywords are single lower-case words present verbatim in the text.
/// When the fixture says hybrid search is unsupported, the tests check that collections do not claim it.
/// </summary>
/// <typeparam name="TFixture">The connector's fixture.</typeparam>
public abstract class HybridSearchConformanceTests<TFixture>(TFixture fixture) : ConformanceTestBase<TFixture>(fixture)
    where TFixture : VectorStoreFixture
{
    private static readonly float[] s_query = [1, 0, 0];

    /// <summary>By cosine similarity to <see cref="s_query"/> the keys rank 1, 2, 3, 4, 5, 6; only key 6 mentions "zebra".</summary>
    private static readonly ArticleRecord[] s_articles =
    [
        new() { Key = 1, Text = "apple pie recipe", Category = "food", Embedding = new float[] { 1, 0, 0 } },
        new() { Key = 2, Text = "banana bread recipe", Category = "food", Embedding = new float[] { 1, 1, 0 } },
        new() { Key = 3, Text = "cherry tart", Category = "food", Embedding = new float[] { 1, 2, 0 } },
        new() { Key = 4, Text = "diesel engine repair", Category = "cars", Embedding = new float[] { 0, 1, 0 } },
        new() { Key = 5, Text = "electric car batteries", Category = "cars", Embedding = new float[] { -1, 1, 0 } },
        new() { Key = 6, Text = "the zebra at the zoo", Category = "animals", Embedding = new float[] { -1, 0, 0 } },
    ];

    /// <summary>The collection as hybrid-searchable, or null (after checking it does not claim to be) when the fixture says it is unsupported.</summary>
    private async Task<IKeywordHybridSearchable<TRecord>?> SeededAsync<TRecord>(TRecord[] records)
        where TRecord : class
    {
        VectorStoreCollection<int, TRecord> collection = await CreateCollectionAsync<int, TRecord>();
        if (!Fixture.SupportsHybridSearch)
        {
            Assert.False(collection is IKeywordHybridSearchable<TRecord>, "The fixture says hybrid search is unsupported, but the collection implements IKeywordHybridSearchable.");
            return null;
        }

        await collection.UpsertAsync(records);
        return Assert.IsAssignableFrom<IKeywordHybridSearchable<TRecord>>(collection);
    }

    private static void AssertBestFirst<TRecord>(List<VectorSearchResult<TRecord>> results)
    {
        for (int i = 1; i < results.Count; i++)
        {
            Assert.True(results[i - 1].Score >= results[i].Score, "Hybrid results must come best (highest fused score) first.");
        }
    }

    [Fact]
    public virtual async Task HybridSearchAsync_KeywordOnlyMatch_Surfaces()
    {
        if (await SeededAsync(s_articles) is not { } hybrid)
        {
            return;
        }

        List<VectorSearchResult<ArticleRecord>> results = await hybrid.HybridSearchAsync(s_query, ["zebra"], top: 3).ToListAsync();

        // Key 6 is the farthest by vector but the only keyword match.
        Assert.Equal(3, results.Count);
        Assert.Contains(6, results.Select(r => r.Record.Key));
        Assert.Contains(1, results.Select(r => r.Record.Key));
        AssertBestFirst(results);
    }

    [Fact]
    public virtual async Task HybridSearchAsync_NoKeywordMatch_FollowsVectorOrder()
    {
        if (await SeededAsync(s_articles) is not { } hybrid)
        {
            return;
        }

        List<VectorSearchResult<ArticleRecord>> results = await hybrid.HybridSearchAsync(s_query, ["nomatchword"], top: 3).ToListAsync();

        Assert.Equal([1, 2, 3], results.Select(r => r.Record.Key));
        AssertBestFirst(results);
    }

    [Fact]
    public virtual async Task HybridSearchAsync_Filter_ExcludesNonMatchingRecords()
    {
        if (await SeededAsync(s_articles) is not { } hybrid)
        {
            return;
        }

        var options = new HybridSearchOptions<ArticleRecord> { Filter = r => r.Category != "animals" };
        List<VectorSearchResult<ArticleRecord>> results = await hybrid.HybridSearchAsync(s_query, ["zebra"], top: 3, options).ToListAsync();

        Assert.Equal([1, 2, 3], results.Select(r => r.Record.Key));
    }

    [Fact]
    public virtual async Task HybridSearchAsync_TopAndSkip_PageTheFusedOrder()
    {
        if (await SeededAsync(s_articles) is not { } hybrid)
        {
            return;
        }

        // "apple" matches only key 1, the nearest vector: fused scores are all distinct.
        List<VectorSearchResult<ArticleRecord>> firstFour = await hybrid.HybridSearchAsync(s_query, ["apple"], top: 4).ToListAsync();
        List<VectorSearchResult<ArticleRecord>> skipped = await hybrid.HybridSearchAsync(s_query, ["apple"], top: 3, new HybridSearchOptions<ArticleRecord> { Skip = 1 }).ToListAsync();
        List<VectorSearchResult<ArticleRecord>> two = await hybrid.HybridSearchAsync(s_query, ["apple"], top: 2).ToListAsync();

        Assert.Equal([1, 2, 3, 4], firstFour.Select(r => r.Record.Key));
        Assert.Equal([2, 3, 4], skipped.Select(r => r.Record.Key));
        Assert.Equal([1, 2], two.Select(r => r.Record.Key));
    }

    [Fact]
    public virtual async Task HybridSearchAsync_IncludeVectors_ReturnsVectorsOnlyWhenAsked()
    {
        if (await SeededAsync(s_articles) is not { } hybrid)
        {
            return;
        }

        VectorSearchResult<ArticleRecord> with = (await hybrid.HybridSearchAsync(s_query, ["apple"], top: 1, new HybridSearchOptions<ArticleRecord> { IncludeVectors = true }).ToListAsync()).Single();
        VectorSearchResult<ArticleRecord> without = (await hybrid.HybridSearchAsync(s_query, ["apple"], top: 1).ToListAsync()).Single();

        Assert.Equal([1f, 0f, 0f], with.Record.Embedding.ToArray());
        Assert.Equal(0, without.Record.Embedding.Length);
        Assert.Equal("apple pie recipe", without.Record.Text);
    }

    [Fact]
    public virtual async Task HybridSearchAsync_AdditionalProperty_MatchesKeywordsInThatProperty()
    {
        // By vector: key 1 nearest (no keyword), then key 2 ("apple" in Body), then key 3 ("apple" in Title).
        TitledArticleRecord[] records =
        [
            new() { Key = 1, Title = "nothing", Body = "nothing", Embedding = new float[] { 1, 0, 0 } },
            new() { Key = 2, Title = "fruit", Body = "an apple a day", Embedding = new float[] { 1, 1, 0 } },
            new() { Key = 3, Title = "apple harvest", Body = "orchards", Embedding = new float[] { 1, 2, 0 } },
            new() { Key = 4, Title = "engines", Body = "diesel", Embedding = new float[] { 0, 1, 0 } },
            new() { Key = 5, Title = "batteries", Body = "electric", Embedding = new float[] { -1, 0, 0 } },
        ];
        if (await SeededAsync(records) is not { } hybrid)
        {
            return;
        }

        int[] byTitle = [.. (await hybrid.HybridSearchAsync(s_query, ["apple"], top: 2, new HybridSearchOptions<TitledArticleRecord> { AdditionalProperty = r => r.Title }).ToListAsync()).Select(r => r.Record.Key).Order()];
        int[] byBody = [.. (await hybrid.HybridSearchAsync(s_query, ["apple"], top: 2, new HybridSearchOptions<TitledArticleRecord> { AdditionalProperty = r => r.Body }).ToListAsync()).Select(r => r.Record.Key).Order()];

        Assert.Equal([1, 3], byTitle);
        Assert.Equal([1, 2], byBody);
    }

    [Fact]
    public virtual async Task HybridSearchAsync_SeveralFullTextPropertiesWithoutAdditionalProperty_ThrowsInvalidOperation()
    {
        if (await SeededAsync<TitledArticleRecord>([new() { Key = 1, Title = "apple", Body = "apple", Embedding = new float[] { 1, 0, 0 } }]) is not { } hybrid)
        {
            return;
        }

        await Assert.ThrowsAnyAsync<InvalidOperationException>(async () => await hybrid.HybridSearchAsync(s_query, ["apple"], top: 1).ToListAsync());
    }

    [Fact]
    public virtual async Task HybridSearchAsync_WrongDimensions_ThrowsArgumentException()
    {
        if (await SeededAsync(s_articles) is not { } hybrid)
        {
            return;
        }

        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await hybrid.HybridSearchAsync(new float[] { 1, 0 }, ["apple"], top: 1).ToListAsync());
    }

    [Fact]
    public virtual async Task HybridSearchAsync_TopNotPositive_ThrowsArgumentOutOfRange()
    {
        if (await SeededAsync(s_articles) is not { } hybrid)
        {
            return;
        }

        await Assert.ThrowsAnyAsync<ArgumentOutOfRangeException>(async () => await hybrid.HybridSearchAsync(s_query, ["apple"], top: 0).ToListAsync());
    }
}
