using LlamaDb.VectorData.ConformanceTests.Records;
using Microsoft.Extensions.AI;

namespace LlamaDb.VectorData.ConformanceTests;

/// <summary>
/// Upsert, get and delete for every key type and data type. Semantics (Microsoft.Extensions.VectorData): a missing
/// key gets null, deleting a missing key does nothing, upserting an existing key replaces the whole record, and
/// without IncludeVectors the vector properties of returned records keep their default value.
/// </summary>
/// <typeparam name="TFixture">The connector's fixture.</typeparam>
public abstract class CrudConformanceTests<TFixture>(TFixture fixture) : ConformanceTestBase<TFixture>(fixture)
    where TFixture : VectorStoreFixture
{
    private static ProductRecord Product(int key, string category = "a", float[]? embedding = null) => new()
    {
        Key = key,
        Category = category,
        Name = $"product {key}",
        Rating = key,
        NullableRating = key % 2 == 0 ? key : null,
        Price = key * 1.25,
        IsActive = key % 2 == 1,
        Tags = [$"t{key}", "all"],
        Labels = [$"l{key}"],
        Created = new DateTimeOffset(2024, 1, key, 8, 30, 0, TimeSpan.Zero),
        Id = new Guid(key, 0, 0, [0, 0, 0, 0, 0, 0, 0, 1]),
        Embedding = embedding ?? new float[] { 1, key, 0 },
    };

    private static void AssertSameData(ProductRecord expected, ProductRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Key, actual.Key);
        Assert.Equal(expected.Category, actual.Category);
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Rating, actual.Rating);
        Assert.Equal(expected.NullableRating, actual.NullableRating);
        Assert.Equal(expected.Price, actual.Price);
        Assert.Equal(expected.IsActive, actual.IsActive);
        Assert.Equal(expected.Tags, actual.Tags);
        Assert.Equal(expected.Labels, actual.Labels);
        Assert.Equal(expected.Created, actual.Created);
        Assert.Equal(expected.Id, actual.Id);
    }

    // ---- key types ----

    [Fact]
    public virtual Task Crud_StringKeys_RoundTrip() => KeyRoundTripAsync(["a", "key-2", "ünïcödé ключ 🙂", "with space/and slash"]);

    [Fact]
    public virtual Task Crud_GuidKeys_RoundTrip() => KeyRoundTripAsync(
    [
        new Guid("0f8fad5b-d9cb-469f-a165-70867728950e"), new Guid("7c9e6679-7425-40de-944b-e07fc1f90ae7"),
        new Guid("ffffffff-ffff-ffff-ffff-ffffffffffff"), new Guid("00000000-0000-0000-0000-000000000001"),
    ]);

    [Fact]
    public virtual Task Crud_UlongKeys_RoundTrip() => KeyRoundTripAsync([1UL, 2UL, ulong.MaxValue, (ulong)long.MaxValue + 1]);

    [Fact]
    public virtual Task Crud_LongKeys_RoundTrip() => KeyRoundTripAsync([1L, -1L, long.MaxValue, long.MinValue]);

    [Fact]
    public virtual Task Crud_IntKeys_RoundTrip() => KeyRoundTripAsync([1, -1, int.MaxValue, int.MinValue]);

    /// <summary>Upserts one then many, gets each by key and all by keys, searches one, deletes one then many.</summary>
    protected async Task KeyRoundTripAsync<TKey>(TKey[] keys)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(keys);
        VectorStoreCollection<TKey, KeyRecord<TKey>> collection = await CreateCollectionAsync<TKey, KeyRecord<TKey>>();
        KeyRecord<TKey>[] records = [.. keys.Select((key, i) => new KeyRecord<TKey> { Key = key, Text = $"text {i}", Embedding = new float[] { 1, i, 0 } })];

        await collection.UpsertAsync(records[0]);
        await collection.UpsertAsync(records.Skip(1));

        for (int i = 0; i < records.Length; i++)
        {
            KeyRecord<TKey>? got = await collection.GetAsync(keys[i]);
            Assert.NotNull(got);
            Assert.Equal(keys[i], got.Key);
            Assert.Equal($"text {i}", got.Text);
        }

        List<KeyRecord<TKey>> many = await collection.GetAsync(keys).ToListAsync();
        Assert.Equal(records.Select(r => r.Text).Order(StringComparer.Ordinal), many.Select(r => r.Text).Order(StringComparer.Ordinal));

        VectorSearchResult<KeyRecord<TKey>> best = Assert.Single(await collection.SearchAsync(new float[] { 1, 2, 0 }, top: 1).ToListAsync());
        Assert.Equal(keys[2], best.Record.Key);

        await collection.DeleteAsync(keys[0]);
        Assert.Null(await collection.GetAsync(keys[0]));
        await collection.DeleteAsync(keys[1..3]);
        Assert.Null(await collection.GetAsync(keys[1]));
        Assert.Null(await collection.GetAsync(keys[2]));
        KeyRecord<TKey>? last = await collection.GetAsync(keys[3]);
        Assert.NotNull(last);
        Assert.Equal(keys[3], last.Key);
    }

    // ---- data types ----

    [Fact]
    public virtual async Task Crud_AllDataTypes_RoundTrip()
    {
        VectorStoreCollection<int, AllTypesRecord> collection = await CreateCollectionAsync<int, AllTypesRecord>();
        var record = new AllTypesRecord
        {
            Key = 1,
            String = "text with ünïcödé, \"quotes\" and\nnew line",
            NullableString = "not null",
            Int = int.MinValue,
            Long = long.MaxValue,
            Float = 1.5f,
            Double = 0.1,
            Decimal = 12345.6789m,
            Bool = true,
            DateTime = new DateTime(2024, 2, 29, 13, 45, 10, DateTimeKind.Utc),
            DateTimeOffset = new DateTimeOffset(2024, 2, 29, 13, 45, 10, TimeSpan.FromHours(2)),
            Guid = new Guid("0f8fad5b-d9cb-469f-a165-70867728950e"),
            NullableInt = 42,
            NullableDouble = -2.5,
            NullableBool = false,
            NullableDateTime = new DateTime(1999, 12, 31, 23, 59, 59, DateTimeKind.Utc),
            NullableDateTimeOffset = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero),
            NullableGuid = new Guid("7c9e6679-7425-40de-944b-e07fc1f90ae7"),
            StringArray = ["a", "", "c"],
            IntArray = [3, -1, 2],
            StringList = ["x", "y"],
            DoubleList = [0.5, -1e300],
            NullableGuidList = [new Guid("00000000-0000-0000-0000-000000000001")],
            Embedding = new float[] { 1, 2, 3 },
        };

        await collection.UpsertAsync(record);
        AllTypesRecord? got = await collection.GetAsync(1, new RecordRetrievalOptions { IncludeVectors = true });

        Assert.NotNull(got);
        Assert.Equal(record.String, got.String);
        Assert.Equal(record.NullableString, got.NullableString);
        Assert.Equal(record.Int, got.Int);
        Assert.Equal(record.Long, got.Long);
        Assert.Equal(record.Float, got.Float);
        Assert.Equal(record.Double, got.Double);
        Assert.Equal(record.Decimal, got.Decimal);
        Assert.Equal(record.Bool, got.Bool);
        Assert.Equal(record.DateTime, got.DateTime);
        Assert.Equal(record.DateTimeOffset, got.DateTimeOffset);
        Assert.Equal(record.Guid, got.Guid);
        Assert.Equal(record.NullableInt, got.NullableInt);
        Assert.Equal(record.NullableDouble, got.NullableDouble);
        Assert.Equal(record.NullableBool, got.NullableBool);
        Assert.Equal(record.NullableDateTime, got.NullableDateTime);
        Assert.Equal(record.NullableDateTimeOffset, got.NullableDateTimeOffset);
        Assert.Equal(record.NullableGuid, got.NullableGuid);
        Assert.Equal(record.StringArray, got.StringArray);
        Assert.Equal(record.IntArray, got.IntArray);
        Assert.Equal(record.StringList, got.StringList);
        Assert.Equal(record.DoubleList, got.DoubleList);
        Assert.Equal(record.NullableGuidList, got.NullableGuidList);
        Assert.Equal(record.Embedding.ToArray(), got.Embedding.ToArray());
    }

    [Fact]
    public virtual async Task Crud_NullsAndEmptyCollections_RoundTrip()
    {
        VectorStoreCollection<int, AllTypesRecord> collection = await CreateCollectionAsync<int, AllTypesRecord>();
        var record = new AllTypesRecord { Key = 2, String = "", Embedding = new float[] { 0, 0, 1 } };

        await collection.UpsertAsync(record);
        AllTypesRecord? got = await collection.GetAsync(2);

        Assert.NotNull(got);
        Assert.Equal("", got.String);
        Assert.Null(got.NullableString);
        Assert.Null(got.NullableInt);
        Assert.Null(got.NullableDouble);
        Assert.Null(got.NullableBool);
        Assert.Null(got.NullableDateTime);
        Assert.Null(got.NullableDateTimeOffset);
        Assert.Null(got.NullableGuid);
        Assert.Null(got.NullableGuidList);
        Assert.Empty(got.StringArray);
        Assert.Empty(got.IntArray);
        Assert.Empty(got.StringList);
        Assert.Empty(got.DoubleList);
        Assert.Equal(default, got.DateTime);
        Assert.Equal(Guid.Empty, got.Guid);
    }

    [Fact]
    public virtual async Task Crud_SmallIntegerTypes_RoundTrip()
    {
        VectorStoreCollection<int, SmallIntegersRecord> collection = await CreateCollectionAsync<int, SmallIntegersRecord>();
        var record = new SmallIntegersRecord { Key = 1, Short = short.MinValue, Byte = byte.MaxValue, UInt = uint.MaxValue, ULong = ulong.MaxValue, NullableShort = 7, Embedding = new float[] { 1, 0, 0 } };

        await collection.UpsertAsync(record);
        SmallIntegersRecord? got = await collection.GetAsync(1);

        Assert.NotNull(got);
        Assert.Equal(short.MinValue, got.Short);
        Assert.Equal(byte.MaxValue, got.Byte);
        Assert.Equal(uint.MaxValue, got.UInt);
        Assert.Equal(ulong.MaxValue, got.ULong);
        Assert.Equal((short)7, got.NullableShort);
    }

    [Fact]
    public virtual async Task Crud_FloatArrayVector_RoundTrips()
    {
        VectorStoreCollection<string, ArrayVectorRecord> collection = await CreateCollectionAsync<string, ArrayVectorRecord>();
        await collection.UpsertAsync([new ArrayVectorRecord { Key = "a", Embedding = [1, 2, 3] }, new ArrayVectorRecord { Key = "b", Embedding = [-3, 0, 1] }]);

        ArrayVectorRecord? withVectors = await collection.GetAsync("a", new RecordRetrievalOptions { IncludeVectors = true });
        ArrayVectorRecord? withoutVectors = await collection.GetAsync("a");
        VectorSearchResult<ArrayVectorRecord> best = Assert.Single(await collection.SearchAsync(new float[] { -3, 0, 1 }, top: 1).ToListAsync());

        Assert.NotNull(withVectors?.Embedding);
        Assert.Equal(new float[] { 1, 2, 3 }, withVectors.Embedding);
        Assert.NotNull(withoutVectors);
        Assert.Null(withoutVectors.Embedding);
        Assert.Equal("b", best.Record.Key);
    }

    [Fact]
    public virtual async Task Crud_EmbeddingVector_RoundTrips()
    {
        VectorStoreCollection<string, EmbeddingVectorRecord> collection = await CreateCollectionAsync<string, EmbeddingVectorRecord>();
        await collection.UpsertAsync([new EmbeddingVectorRecord { Key = "a", Embedding = new Embedding<float>(new float[] { 1, 2, 3 }) }, new EmbeddingVectorRecord { Key = "b", Embedding = new Embedding<float>(new float[] { -3, 0, 1 }) }]);

        EmbeddingVectorRecord? withVectors = await collection.GetAsync("a", new RecordRetrievalOptions { IncludeVectors = true });
        EmbeddingVectorRecord? withoutVectors = await collection.GetAsync("a");
        VectorSearchResult<EmbeddingVectorRecord> best = Assert.Single(await collection.SearchAsync(new float[] { -3, 0, 1 }, top: 1).ToListAsync());

        Assert.NotNull(withVectors?.Embedding);
        Assert.Equal(new float[] { 1, 2, 3 }, withVectors.Embedding.Vector.ToArray());
        Assert.NotNull(withoutVectors);
        Assert.Null(withoutVectors.Embedding);
        Assert.Equal("b", best.Record.Key);
    }

    // ---- get ----

    [Fact]
    public virtual async Task GetAsync_ExistingKey_ReturnsTheRecord()
    {
        VectorStoreCollection<int, ProductRecord> collection = await CreateCollectionAsync<int, ProductRecord>();
        ProductRecord record = Product(3);
        await collection.UpsertAsync(record);

        AssertSameData(record, await collection.GetAsync(3));
    }

    [Fact]
    public virtual async Task GetAsync_MissingKey_ReturnsNull()
    {
        VectorStoreCollection<int, ProductRecord> collection = await CreateCollectionAsync<int, ProductRecord>();
        await collection.UpsertAsync(Product(1));

        Assert.Null(await collection.GetAsync(2));
    }

    [Fact]
    public virtual async Task GetAsync_EmptyCollection_ReturnsNull()
    {
        VectorStoreCollection<int, ProductRecord> collection = await CreateCollectionAsync<int, ProductRecord>();

        Assert.Null(await collection.GetAsync(1));
    }

    [Fact]
    public virtual async Task GetAsync_WithoutIncludeVectors_VectorIsDefault()
    {
        VectorStoreCollection<int, ProductRecord> collection = await CreateCollectionAsync<int, ProductRecord>();
        await collection.UpsertAsync(Product(1));

        ProductRecord? got = await collection.GetAsync(1);

        Assert.NotNull(got);
        Assert.Equal(0, got.Embedding.Length);
    }

    [Fact]
    public virtual async Task GetAsync_IncludeVectors_ReturnsTheVectorAsUpserted()
    {
        VectorStoreCollection<int, ProductRecord> collection = await CreateCollectionAsync<int, ProductRecord>();
        await collection.UpsertAsync(Product(1, embedding: [3, 4, 0]));

        ProductRecord? got = await collection.GetAsync(1, new RecordRetrievalOptions { IncludeVectors = true });

        // Not normalized, even though the default distance function is cosine similarity.
        Assert.NotNull(got);
        Assert.Equal(new float[] { 3, 4, 0 }, got.Embedding.ToArray());
    }

    [Fact]
    public virtual async Task GetAsync_ManyKeysWithMissingOnes_ReturnsOnlyExisting()
    {
        VectorStoreCollection<int, ProductRecord> collection = await CreateCollectionAsync<int, ProductRecord>();
        await collection.UpsertAsync([Product(1), Product(2), Product(3)]);

        List<ProductRecord> got = await collection.GetAsync([3, 99, 1, -5]).ToListAsync();

        Assert.Equal([1, 3], got.Select(r => r.Key).Order());
        AssertSameData(Product(3), got.Single(r => r.Key == 3));
    }

    [Fact]
    public virtual async Task GetAsync_ManyKeysIncludeVectors_ReturnsVectors()
    {
        VectorStoreCollection<int, ProductRecord> collection = await CreateCollectionAsync<int, ProductRecord>();
        await collection.UpsertAsync([Product(1), Product(2)]);

        List<ProductRecord> withVectors = await collection.GetAsync([1, 2], new RecordRetrievalOptions { IncludeVectors = true }).ToListAsync();
        List<ProductRecord> withoutVectors = await collection.GetAsync([1, 2]).ToListAsync();

        Assert.Equal([1f, 2f, 0f], withVectors.Single(r => r.Key == 2).Embedding.ToArray());
        Assert.All(withoutVectors, r => Assert.Equal(0, r.Embedding.Length));
    }

    // ---- upsert ----

    [Fact]
    public virtual async Task UpsertAsync_ExistingKey_ReplacesTheWholeRecord()
    {
        VectorStoreCollection<int, ProductRecord> collection = await CreateCollectionAsync<int, ProductRecord>();
        await collection.UpsertAsync(new ProductRecord { Key = 1, Category = "old", Name = "old", Rating = 1, NullableRating = 5, Tags = ["a", "b"], Embedding = new float[] { 1, 0, 0 } });
        var replacement = new ProductRecord { Key = 1, Category = "new", Name = null, Rating = 2, NullableRating = null, Tags = [], Embedding = new float[] { 0, 1, 0 } };

        await collection.UpsertAsync(replacement);
        ProductRecord? got = await collection.GetAsync(1, new RecordRetrievalOptions { IncludeVectors = true });

        AssertSameData(replacement, got);
        Assert.Equal([0f, 1f, 0f], got!.Embedding.ToArray());
    }

    [Fact]
    public virtual async Task UpsertAsync_ExistingKey_SearchSeesOnlyTheNewVector()
    {
        VectorStoreCollection<int, ProductRecord> collection = await CreateCollectionAsync<int, ProductRecord>();
        await collection.UpsertAsync([Product(1, embedding: [1, 0, 0]), Product(2, embedding: [1, 0, 0])]);

        await collection.UpsertAsync(Product(1, embedding: [0, 1, 0]));
        List<VectorSearchResult<ProductRecord>> results = await collection.SearchAsync(new float[] { 1, 0, 0 }, top: 10).ToListAsync();

        Assert.Equal([2, 1], results.Select(r => r.Record.Key));
        Assert.Equal(1.0, results[0].Score!.Value, 1e-4);
        Assert.Equal(0.0, results[1].Score!.Value, 1e-4);
    }

    [Fact]
    public virtual async Task UpsertAsync_Many_AllStored()
    {
        VectorStoreCollection<int, ProductRecord> collection = await CreateCollectionAsync<int, ProductRecord>();
        ProductRecord[] records = [.. Enumerable.Range(1, 25).Select(i => Product(i))];

        await collection.UpsertAsync(records);

        List<ProductRecord> got = await collection.GetAsync(Enumerable.Range(1, 25)).ToListAsync();
        Assert.Equal(Enumerable.Range(1, 25), got.Select(r => r.Key).Order());
    }

    [Fact]
    public virtual async Task UpsertAsync_EmptyBatch_DoesNothing()
    {
        VectorStoreCollection<int, ProductRecord> collection = await CreateCollectionAsync<int, ProductRecord>();

        await collection.UpsertAsync(Array.Empty<ProductRecord>());

        Assert.Empty(await collection.GetAsync(r => true, top: 10).ToListAsync());
    }

    [Fact]
    public virtual async Task UpsertAsync_WrongDimensions_ThrowsArgumentExceptionAndStoresNothing()
    {
        VectorStoreCollection<int, ProductRecord> collection = await CreateCollectionAsync<int, ProductRecord>();
        await collection.UpsertAsync(Product(1));

        await Assert.ThrowsAnyAsync<ArgumentException>(() => collection.UpsertAsync(Product(2, embedding: [1, 2])));

        Assert.Null(await collection.GetAsync(2));
        AssertSameData(Product(1), await collection.GetAsync(1));
    }

    // ---- delete ----

    [Fact]
    public virtual async Task DeleteAsync_ExistingKey_RemovesFromGetAndSearch()
    {
        VectorStoreCollection<int, ProductRecord> collection = await CreateCollectionAsync<int, ProductRecord>();
        await collection.UpsertAsync([Product(1), Product(2)]);

        await collection.DeleteAsync(1);

        Assert.Null(await collection.GetAsync(1));
        Assert.NotNull(await collection.GetAsync(2));
        Assert.Equal([2], (await collection.SearchAsync(new float[] { 1, 1, 0 }, top: 10).ToListAsync()).Select(r => r.Record.Key));
    }

    [Fact]
    public virtual async Task DeleteAsync_MissingKey_DoesNothing()
    {
        VectorStoreCollection<int, ProductRecord> collection = await CreateCollectionAsync<int, ProductRecord>();
        await collection.UpsertAsync(Product(1));

        await collection.DeleteAsync(2);

        AssertSameData(Product(1), await collection.GetAsync(1));
    }

    [Fact]
    public virtual async Task DeleteAsync_ManyKeysWithMissingOnes_RemovesTheExisting()
    {
        VectorStoreCollection<int, ProductRecord> collection = await CreateCollectionAsync<int, ProductRecord>();
        await collection.UpsertAsync([Product(1), Product(2), Product(3)]);

        await collection.DeleteAsync([1, 3, 42]);

        Assert.Equal([2], (await collection.GetAsync([1, 2, 3]).ToListAsync()).Select(r => r.Key));
    }

    [Fact]
    public virtual async Task DeleteAsync_ThenUpsertSameKey_StoresTheNewRecord()
    {
        VectorStoreCollection<int, ProductRecord> collection = await CreateCollectionAsync<int, ProductRecord>();
        await collection.UpsertAsync(Product(1, category: "first"));
        await collection.DeleteAsync(1);

        await collection.UpsertAsync(Product(1, category: "second"));

        Assert.Equal("second", (await collection.GetAsync(1))?.Category);
        Assert.Single(await collection.SearchAsync(new float[] { 1, 1, 0 }, top: 10).ToListAsync());
    }

    // ---- get by filter ----

    [Fact]
    public virtual async Task GetAsyncFilter_Top_LimitsToMatchingRecords()
    {
        VectorStoreCollection<int, ProductRecord> collection = await CreateCollectionAsync<int, ProductRecord>();
        await collection.UpsertAsync([Product(1, "a"), Product(2, "a"), Product(3, "b"), Product(4, "a"), Product(5, "a")]);

        List<ProductRecord> all = await collection.GetAsync(r => r.Category == "a", top: 100).ToListAsync();
        List<ProductRecord> two = await collection.GetAsync(r => r.Category == "a", top: 2).ToListAsync();

        Assert.Equal([1, 2, 4, 5], all.Select(r => r.Key).Order());
        Assert.Equal(2, two.Count);
        Assert.All(two, r => Assert.Equal("a", r.Category));
        Assert.Equal(2, two.Select(r => r.Key).Distinct().Count());
    }

    [Fact]
    public virtual async Task GetAsyncFilter_SkipPages_AreDisjointAndCoverEveryMatch()
    {
        VectorStoreCollection<int, ProductRecord> collection = await CreateCollectionAsync<int, ProductRecord>();
        await collection.UpsertAsync([Product(1, "a"), Product(2, "a"), Product(3, "b"), Product(4, "a"), Product(5, "a"), Product(6, "a")]);

        var pages = new List<int[]>();
        for (int skip = 0; skip < 8; skip += 2)
        {
            var options = new FilteredRecordRetrievalOptions<ProductRecord> { Skip = skip };
            pages.Add([.. (await collection.GetAsync(r => r.Category == "a", top: 2, options).ToListAsync()).Select(r => r.Key)]);
        }

        // Without an order the store picks one, but it must be the same from call to call.
        Assert.Equal([2, 2, 1, 0], pages.Select(p => p.Length));
        Assert.Equal([1, 2, 4, 5, 6], pages.SelectMany(p => p).Order());
    }

    [Fact]
    public virtual async Task GetAsyncFilter_IncludeVectors_ReturnsVectorsOnlyWhenAsked()
    {
        VectorStoreCollection<int, ProductRecord> collection = await CreateCollectionAsync<int, ProductRecord>();
        await collection.UpsertAsync(Product(1, embedding: [3, 4, 0]));

        ProductRecord with = Assert.Single(await collection.GetAsync(r => r.Key == 1, top: 5, new FilteredRecordRetrievalOptions<ProductRecord> { IncludeVectors = true }).ToListAsync());
        ProductRecord without = Assert.Single(await collection.GetAsync(r => r.Key == 1, top: 5).ToListAsync());

        Assert.Equal([3f, 4f, 0f], with.Embedding.ToArray());
        Assert.Equal(0, without.Embedding.Length);
        AssertSameData(Product(1), without);
    }

    [Fact]
    public virtual async Task GetAsyncFilter_NoMatch_ReturnsNothing()
    {
        VectorStoreCollection<int, ProductRecord> collection = await CreateCollectionAsync<int, ProductRecord>();
        await collection.UpsertAsync([Product(1), Product(2)]);

        Assert.Empty(await collection.GetAsync(r => r.Category == "nope", top: 10).ToListAsync());
    }

    [Fact]
    public virtual async Task GetAsyncFilter_TopNotPositive_ThrowsArgumentOutOfRange()
    {
        VectorStoreCollection<int, ProductRecord> collection = await CreateCollectionAsync<int, ProductRecord>();

        await Assert.ThrowsAnyAsync<ArgumentOutOfRangeException>(async () => await collection.GetAsync(r => true, top: 0).ToListAsync());
    }
}
