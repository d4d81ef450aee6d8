namespace LlamaDb.VectorData.ConformanceTests;

/// <summary>
/// Dynamic collections (<see cref="VectorStore.GetDynamicCollection"/>): <c>Dictionary&lt;string, object?&gt;</c>
/// records described by a definition. Values come back with the definition's .NET types.
/// </summary>
/// <typeparam name="TFixture">The connector's fixture.</typeparam>
public abstract class DynamicRecordConformanceTests<TFixture>(TFixture fixture) : ConformanceTestBase<TFixture>(fixture)
    where TFixture : VectorStoreFixture
{
    private VectorStoreCollectionDefinition Definition() => new()
    {
        Properties =
        [
            new VectorStoreKeyProperty("Key", typeof(string)),
            new VectorStoreDataProperty("Category", typeof(string)) { IsIndexed = true },
            new VectorStoreDataProperty("Rating", typeof(int)),
            new VectorStoreDataProperty("Price", typeof(double?)),
            new VectorStoreDataProperty("Tags", typeof(List<string>)),
            new VectorStoreVectorProperty("Embedding", typeof(ReadOnlyMemory<float>), 3) { DistanceFunction = DistanceFunction.CosineSimilarity, IndexKind = Fixture.IndexKind },
        ],
    };

    private static Dictionary<string, object?> Record(string key, string category, int rating, double? price, float[] embedding) => new()
    {
        ["Key"] = key,
        ["Category"] = category,
        ["Rating"] = rating,
        ["Price"] = price,
        ["Tags"] = new List<string> { category, "all" },
        ["Embedding"] = new ReadOnlyMemory<float>(embedding),
    };

    private static Dictionary<string, object?>[] Records() =>
    [
        Record("k1", "a", 5, 1.5, [1, 0, 0]),
        Record("k2", "b", 3, null, [1, 1, 0]),
        Record("k3", "a", 1, 2.5, [0, 1, 0]),
    ];

    private async Task<VectorStoreCollection<object, Dictionary<string, object?>>> SeededAsync()
    {
        VectorStoreCollection<object, Dictionary<string, object?>> collection = await CreateDynamicCollectionAsync(Definition());
        await collection.UpsertAsync(Records());
        return collection;
    }

    [Fact]
    public virtual async Task GetAsync_DynamicRecord_ReturnsValuesWithDefinitionTypes()
    {
        VectorStoreCollection<object, Dictionary<string, object?>> collection = await SeededAsync();

        Dictionary<string, object?>? got = await collection.GetAsync("k1");

        Assert.NotNull(got);
        Assert.Equal("k1", got["Key"]);
        Assert.Equal("a", got["Category"]);
        Assert.Equal(5, got["Rating"]);
        Assert.Equal(1.5, got["Price"]);
        Assert.Equal(new List<string> { "a", "all" }, Assert.IsType<List<string>>(got["Tags"]));
        Assert.True(!got.TryGetValue("Embedding", out object? vector) || vector is null || vector is ReadOnlyMemory<float> { Length: 0 }, "Without IncludeVectors the vector is absent, null or empty.");
    }

    [Fact]
    public virtual async Task GetAsync_DynamicRecordNullValue_ReturnsNull()
    {
        VectorStoreCollection<object, Dictionary<string, object?>> collection = await SeededAsync();

        Dictionary<string, object?>? got = await collection.GetAsync("k2");

        Assert.NotNull(got);
        Assert.True(!got.TryGetValue("Price", out object? price) || price is null);
    }

    [Fact]
    public virtual async Task GetAsync_DynamicIncludeVectors_ReturnsTheVector()
    {
        VectorStoreCollection<object, Dictionary<string, object?>> collection = await SeededAsync();

        Dictionary<string, object?>? got = await collection.GetAsync("k2", new RecordRetrievalOptions { IncludeVectors = true });

        Assert.Equal([1f, 1f, 0f], Assert.IsType<ReadOnlyMemory<float>>(got?["Embedding"]).ToArray());
    }

    [Fact]
    public virtual async Task GetAsync_DynamicMissingKey_ReturnsNull()
    {
        VectorStoreCollection<object, Dictionary<string, object?>> collection = await SeededAsync();

        Assert.Null(await collection.GetAsync("nope"));
    }

    [Fact]
    public virtual async Task UpsertAsync_DynamicExistingKey_Replaces()
    {
        VectorStoreCollection<object, Dictionary<string, object?>> collection = await SeededAsync();

        await collection.UpsertAsync(Record("k1", "z", 9, null, [0, 0, 1]));
        Dictionary<string, object?>? got = await collection.GetAsync("k1");

        Assert.Equal("z", got?["Category"]);
        Assert.Equal(9, got?["Rating"]);
    }

    [Fact]
    public virtual async Task DeleteAsync_DynamicKey_Removes()
    {
        VectorStoreCollection<object, Dictionary<string, object?>> collection = await SeededAsync();

        await collection.DeleteAsync("k1");
        await collection.DeleteAsync("missing");

        Assert.Null(await collection.GetAsync("k1"));
        Assert.NotNull(await collection.GetAsync("k2"));
    }

    [Fact]
    public virtual async Task SearchAsync_Dynamic_ReturnsDictionariesBestFirst()
    {
        VectorStoreCollection<object, Dictionary<string, object?>> collection = await SeededAsync();

        List<VectorSearchResult<Dictionary<string, object?>>> results = await collection.SearchAsync(new float[] { 1, 0, 0 }, top: 3).ToListAsync();

        Assert.Equal(["k1", "k2", "k3"], results.Select(r => (string)r.Record["Key"]!));
        Assert.Equal(1.0, results[0].Score!.Value, 1e-4);
        Assert.Equal(Math.Sqrt(0.5), results[1].Score!.Value, 1e-4);
        Assert.Equal("b", results[1].Record["Category"]);
    }

    [Fact]
    public virtual async Task SearchAsync_DynamicWithFilter_Filters()
    {
        VectorStoreCollection<object, Dictionary<string, object?>> collection = await SeededAsync();

        // The casts are safe: every record has these keys with these types.
        var options = new VectorSearchOptions<Dictionary<string, object?>> { Filter = r => (string)r["Category"]! == "a" };
        List<VectorSearchResult<Dictionary<string, object?>>> results = await collection.SearchAsync(new float[] { 0, 1, 0 }, top: 3, options).ToListAsync();

        Assert.Equal(["k3", "k1"], results.Select(r => (string)r.Record["Key"]!));
    }

    [Fact]
    public virtual async Task GetAsyncFilter_Dynamic_Filters()
    {
        VectorStoreCollection<object, Dictionary<string, object?>> collection = await SeededAsync();

        // The casts are safe: every record has these keys with these types.
        List<Dictionary<string, object?>> high = await collection.GetAsync(r => (int)r["Rating"]! >= 3, top: 10).ToListAsync();
        List<Dictionary<string, object?>> tagged = await collection.GetAsync(r => ((List<string>)r["Tags"]!).Contains("b"), top: 10).ToListAsync();

        Assert.Equal(["k1", "k2"], high.Select(r => (string)r["Key"]!).Order(StringComparer.Ordinal));
        Assert.Equal(["k2"], tagged.Select(r => (string)r["Key"]!));
    }
}
