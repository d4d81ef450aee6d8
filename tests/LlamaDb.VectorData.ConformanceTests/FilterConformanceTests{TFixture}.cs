using System.Linq.Expressions;
using LlamaDb.VectorData.ConformanceTests.Records;

namespace LlamaDb.VectorData.ConformanceTests;

/// <summary>
/// Filters in GetAsync(filter) and in SearchAsync(Filter): every supported operator, checked against the same
/// records filtered by LINQ to Objects, so a store filters exactly as C# would (nulls included: <c>null != "x"</c>
/// holds, <c>null &gt; 2</c> does not).
/// </summary>
/// <typeparam name="TFixture">The connector's fixture.</typeparam>
public abstract class FilterConformanceTests<TFixture>(TFixture fixture) : ConformanceTestBase<TFixture>(fixture)
    where TFixture : VectorStoreFixture
{
    private static readonly Guid s_id2 = new("22222222-2222-2222-2222-222222222222");

    private static readonly ProductRecord[] s_records =
    [
        new()
        {
            Key = 1, Category = "a", Name = "alpha", Rating = 5, NullableRating = 5, Price = 10.5, IsActive = true, Tags = ["x", "y"], Labels = ["l1"],
            Created = new DateTimeOffset(2024, 1, 1, 12, 0, 0, TimeSpan.FromHours(2)), Id = new Guid("11111111-1111-1111-1111-111111111111"), Embedding = new float[] { 1, 0, 0 },
        },
        new()
        {
            Key = 2, Category = "b", Name = null, Rating = 3, NullableRating = null, Price = 20, IsActive = false, Tags = ["y"], Labels = ["l1", "l2"],
            Created = new DateTimeOffset(2024, 6, 1, 0, 0, 0, TimeSpan.Zero), Id = s_id2, Embedding = new float[] { 1, 1, 0 },
        },
        new()
        {
            Key = 3, Category = "a", Name = "beta", Rating = 1, NullableRating = 1, Price = 0.25, IsActive = true, Tags = [], Labels = [],
            Created = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.FromHours(-5)), Id = new Guid("33333333-3333-3333-3333-333333333333"), Embedding = new float[] { 1, 2, 0 },
        },
        new()
        {
            Key = 4, Category = "c", Name = "alphabet", Rating = 4, NullableRating = null, Price = -1, IsActive = false, Tags = ["z", "x"], Labels = ["l3"],
            Created = new DateTimeOffset(2023, 3, 1, 0, 0, 0, TimeSpan.Zero), Id = new Guid("44444444-4444-4444-4444-444444444444"), Embedding = new float[] { 0, 1, 0 },
        },
        new()
        {
            Key = 5, Category = "ab", Name = "gamma", Rating = 2, NullableRating = 2, Price = 3, IsActive = true, Tags = ["y", "z"], Labels = ["l2"],
            Created = new DateTimeOffset(2024, 3, 15, 6, 0, 0, TimeSpan.Zero), Id = new Guid("55555555-5555-5555-5555-555555555555"), Embedding = new float[] { -1, 1, 0 },
        },
    ];

    // Instance state a filter can capture.
    private readonly string _categoryField = "b";

    private int MinimumRating { get; } = 4;

    /// <summary>
    /// Asserts that GetAsync(filter) and SearchAsync(Filter = filter) both return exactly <paramref name="expected"/>, and
    /// that LINQ to Objects agrees (set <paramref name="compareWithLinq"/> to false when the lambda would throw in C#).
    /// </summary>
    protected async Task AssertFilterAsync(Expression<Func<ProductRecord, bool>> filter, int[] expected, bool compareWithLinq = true)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (compareWithLinq)
        {
            Assert.Equal(expected, s_records.Where(filter.Compile()).Select(r => r.Key).Order());
        }

        VectorStoreCollection<int, ProductRecord> collection = await CreateCollectionAsync<int, ProductRecord>();
        await collection.UpsertAsync(s_records);

        List<ProductRecord> got = await collection.GetAsync(filter, top: 100).ToListAsync();
        List<VectorSearchResult<ProductRecord>> searched = await collection.SearchAsync(new float[] { 1, 0.5f, 0 }, top: 100, new VectorSearchOptions<ProductRecord> { Filter = filter }).ToListAsync();

        Assert.Equal(expected, got.Select(r => r.Key).Order());
        Assert.Equal(expected, searched.Select(r => r.Record.Key).Order());
        for (int i = 1; i < searched.Count; i++)
        {
            Assert.True(searched[i - 1].Score >= searched[i].Score, "Filtered search results must come best first.");
        }
    }

    [Fact]
    public virtual Task Filter_Equal_Matches() => AssertFilterAsync(r => r.Category == "a", [1, 3]);

    [Fact]
    public virtual Task Filter_NotEqual_Matches() => AssertFilterAsync(r => r.Category != "a", [2, 4, 5]);

    [Fact]
    public virtual Task Filter_LessThan_Matches() => AssertFilterAsync(r => r.Rating < 3, [3, 5]);

    [Fact]
    public virtual Task Filter_LessThanOrEqual_Matches() => AssertFilterAsync(r => r.Rating <= 3, [2, 3, 5]);

    [Fact]
    public virtual Task Filter_GreaterThan_Matches() => AssertFilterAsync(r => r.Rating > 3, [1, 4]);

    [Fact]
    public virtual Task Filter_GreaterThanOrEqual_Matches() => AssertFilterAsync(r => r.Rating >= 3, [1, 2, 4]);

    [Fact]
    public virtual Task Filter_DoubleComparison_Matches() => AssertFilterAsync(r => r.Price > 0.5 && r.Price <= 20, [1, 2, 5]);

    [Fact]
    public virtual Task Filter_FlippedComparison_Matches() => AssertFilterAsync(r => 3 < r.Rating, [1, 4]);

    [Fact]
    public virtual Task Filter_And_Matches() => AssertFilterAsync(r => r.Category == "a" && r.Rating > 2, [1]);

    [Fact]
    public virtual Task Filter_Or_Matches() => AssertFilterAsync(r => r.Category == "c" || r.Rating == 1, [3, 4]);

    [Fact]
    public virtual Task Filter_Not_Matches() => AssertFilterAsync(r => !(r.Category == "a" || r.Rating == 4), [2, 5]);

    [Fact]
    public virtual Task Filter_NestedLogic_Matches() => AssertFilterAsync(r => (r.Category == "a" && !r.IsActive) || (r.Rating > 3 && r.Category != "a"), [4]);

    [Fact]
    public virtual Task Filter_BoolProperty_Matches() => AssertFilterAsync(r => r.IsActive, [1, 3, 5]);

    [Fact]
    public virtual Task Filter_NegatedBoolProperty_Matches() => AssertFilterAsync(r => !r.IsActive, [2, 4]);

    [Fact]
    public virtual Task Filter_BoolEqualFalse_Matches() => AssertFilterAsync(r => r.IsActive == false, [2, 4]);

    [Fact]
    public virtual Task Filter_KeyProperty_Matches() => AssertFilterAsync(r => r.Key == 2 || r.Key >= 5, [2, 5]);

    [Fact]
    public virtual Task Filter_StringContains_MatchesSubstrings() => AssertFilterAsync(r => r.Category.Contains('b'), [2, 5]);

    [Fact]
    public virtual Task Filter_StringContainsString_MatchesSubstringsOrdinally() => AssertFilterAsync(r => r.Name!.Contains("alpha"), [1, 4], compareWithLinq: false);

    [Fact]
    public virtual Task Filter_ListContains_MatchesRecordsHoldingTheElement() => AssertFilterAsync(r => r.Tags.Contains("x"), [1, 4]);

    [Fact]
    public virtual Task Filter_ArrayPropertyContains_MatchesRecordsHoldingTheElement() => AssertFilterAsync(r => r.Labels.Contains("l2"), [2, 5]);

    [Fact]
    public virtual Task Filter_CapturedArrayContainsProperty_MatchesMembers()
    {
        // C# 14 binds this to MemoryExtensions.Contains over a span.
        string[] categories = ["b", "c"];

        return AssertFilterAsync(r => categories.Contains(r.Category), [2, 4]);
    }

    [Fact]
    public virtual Task Filter_CapturedListContainsProperty_MatchesMembers()
    {
        List<int> keys = [1, 4, 99];

        return AssertFilterAsync(r => keys.Contains(r.Key), [1, 4]);
    }

    [Fact]
    public virtual Task Filter_CapturedLocals_UseTheirValues()
    {
        string category = "a";
        int minimum = 2;

        return AssertFilterAsync(r => r.Category == category && r.Rating >= minimum, [1]);
    }

    [Fact]
    public virtual Task Filter_CapturedFieldAndProperty_UseTheirValues() => AssertFilterAsync(r => r.Category == _categoryField || r.Rating >= MinimumRating, [1, 2, 4]);

    [Fact]
    public virtual Task Filter_PropertyOfCapturedObject_UsesItsValue()
    {
        var settings = new { Category = "a", Limits = new { Rating = 3 } };

        return AssertFilterAsync(r => r.Category == settings.Category && r.Rating > settings.Limits.Rating, [1]);
    }

    [Fact]
    public virtual Task Filter_NullableEqualNull_MatchesNulls() => AssertFilterAsync(r => r.NullableRating == null, [2, 4]);

    [Fact]
    public virtual Task Filter_NullableNotEqualNull_MatchesValues() => AssertFilterAsync(r => r.NullableRating != null, [1, 3, 5]);

    [Fact]
    public virtual Task Filter_NullableComparison_NullNeverOrders() => AssertFilterAsync(r => r.NullableRating >= 2, [1, 5]);

    [Fact]
    public virtual Task Filter_StringEqualNull_MatchesNulls() => AssertFilterAsync(r => r.Name == null, [2]);

    [Fact]
    public virtual Task Filter_StringNotEqualValue_NullMatches() => AssertFilterAsync(r => r.Name != "alpha", [2, 3, 4, 5]);

    [Fact]
    public virtual Task Filter_DateTimeOffset_ComparesInstants()
    {
        // Key 1 is 2024-01-01T12:00+02:00, which is 10:00Z.
        var tenUtc = new DateTimeOffset(2024, 1, 1, 10, 0, 0, TimeSpan.Zero);

        return AssertFilterAsync(r => r.Created > tenUtc, [2, 3, 5]);
    }

    [Fact]
    public virtual Task Filter_Guid_Matches() => AssertFilterAsync(r => r.Id == s_id2, [2]);

    [Fact]
    public virtual Task Filter_True_MatchesEverything() => AssertFilterAsync(r => true, [1, 2, 3, 4, 5]);

    [Fact]
    public virtual Task Filter_NothingMatches_ReturnsNothing() => AssertFilterAsync(r => r.Category == "zzz", []);

    [Fact]
    public virtual async Task Filter_WithSearchTop_ReturnsTheBestMatches()
    {
        VectorStoreCollection<int, ProductRecord> collection = await CreateCollectionAsync<int, ProductRecord>();
        await collection.UpsertAsync(s_records);

        // Outside category "a", by cosine similarity to (1, 0, 0): key 2 (0.71), key 4 (0), key 5 (-0.71).
        List<VectorSearchResult<ProductRecord>> results = await collection.SearchAsync(new float[] { 1, 0, 0 }, top: 2, new VectorSearchOptions<ProductRecord> { Filter = r => r.Category != "a" }).ToListAsync();

        Assert.Equal([2, 4], results.Select(r => r.Record.Key));
    }

    [Fact]
    public virtual async Task Filter_Unsupported_ThrowsNotSupported()
    {
        VectorStoreCollection<int, ProductRecord> collection = await CreateCollectionAsync<int, ProductRecord>();
        await collection.UpsertAsync(s_records);

        await Assert.ThrowsAnyAsync<NotSupportedException>(async () => await collection.GetAsync(r => r.Category.StartsWith('a'), top: 10).ToListAsync());
        await Assert.ThrowsAnyAsync<NotSupportedException>(async () =>
            await collection.SearchAsync(new float[] { 1, 0, 0 }, top: 10, new VectorSearchOptions<ProductRecord> { Filter = r => r.Rating + 1 > 2 }).ToListAsync());
        await Assert.ThrowsAnyAsync<NotSupportedException>(async () => await collection.GetAsync(r => r.Rating == r.NullableRating, top: 10).ToListAsync());
    }
}
