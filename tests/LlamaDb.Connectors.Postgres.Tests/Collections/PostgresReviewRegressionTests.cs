using LlamaDb.VectorData;

namespace LlamaDb.Connectors.Postgres.Tests.Collections;

/// <summary>Cases from the connector's review: each failed before its fix.</summary>
public sealed class PostgresReviewRegressionTests(PostgresServerFixture fixture) : IClassFixture<PostgresServerFixture>
{
    public sealed class Item
    {
        [VectorStoreKey]
        public int Key { get; set; }

        [VectorStoreData(IsIndexed = true)]
        public int Count { get; set; }

        [VectorStoreData]
        public float Score { get; set; }

        [VectorStoreData(IsIndexed = true)]
        public IReadOnlyList<string> Tags { get; set; } = [];

        [VectorStoreData]
        public List<DateTime> Dates { get; set; } = [];

        [VectorStoreVector(3)]
        public ReadOnlyMemory<float> Embedding { get; set; }
    }

    public sealed class Article
    {
        [VectorStoreKey]
        public int Key { get; set; }

        [VectorStoreData(IsFullTextIndexed = true)]
        public string Text { get; set; } = "";

        [VectorStoreVector(3)]
        public ReadOnlyMemory<float> Embedding { get; set; }
    }

    public sealed class PlainArticle
    {
        [VectorStoreKey]
        public int Key { get; set; }

        [VectorStoreData]
        public string Text { get; set; } = "";

        [VectorStoreVector(3)]
        public ReadOnlyMemory<float> Embedding { get; set; }
    }

    private static string NewName() => $"r{Guid.NewGuid():N}"[..20];

    private async Task<(PostgresVectorStore Store, VectorStoreCollection<int, Item> Collection)> CreateAsync(params Item[] items)
    {
        var store = new PostgresVectorStore(fixture.ConnectionString);
        VectorStoreCollection<int, Item> collection = store.GetCollection<int, Item>(NewName());
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(items);
        return (store, collection);
    }

    private static Item NewItem(int key, int count = 0, float score = 0, float[]? embedding = null) =>
        new() { Key = key, Count = count, Score = score, Tags = [$"t{key}", "all"], Embedding = embedding ?? [1, key, 0] };

    [Fact]
    public async Task Filter_NumericValueOfAnotherType_ComparesAsCSharpDoes()
    {
        (PostgresVectorStore store, VectorStoreCollection<int, Item> collection) = await CreateAsync(NewItem(1, count: 2, score: 0.1f), NewItem(2, count: 3, score: 0.2f));
        using (store)
        {
            try
            {
                double min = 2.5;
                Assert.Equal([2], (await collection.GetAsync(r => r.Count >= min, top: 10).ToListAsync()).Select(r => r.Key));
                Assert.Equal([2], (await collection.GetAsync(r => r.Count > 2.7, top: 10).ToListAsync()).Select(r => r.Key));

                // (double)0.1f > 0.1 in C#, so the record with Score 0.1f matches.
                double threshold = 0.1;
                Assert.Equal([1, 2], (await collection.GetAsync(r => r.Score > threshold, top: 10).ToListAsync()).Select(r => r.Key).Order());

                long big = 3;
                Assert.Equal([2], (await collection.GetAsync(r => r.Count == big, top: 10).ToListAsync()).Select(r => r.Key));
                long[] ids = [1, 7];
                Assert.Equal([1], (await collection.GetAsync(r => ids.Contains(r.Key), top: 10).ToListAsync()).Select(r => r.Key));
                Assert.Equal([2], (await collection.GetAsync(r => !ids.Contains(r.Key), top: 10).ToListAsync()).Select(r => r.Key));
            }
            finally
            {
                await collection.EnsureCollectionDeletedAsync();
            }
        }
    }

    [Fact]
    public async Task ReadOnlyListProperty_RoundTripsAndFilters()
    {
        (PostgresVectorStore store, VectorStoreCollection<int, Item> collection) = await CreateAsync(NewItem(1), NewItem(2));
        using (store)
        {
            try
            {
                Item? got = await collection.GetAsync(1);
                Assert.Equal(["t1", "all"], got!.Tags);
                Assert.Equal([2], (await collection.GetAsync(r => r.Tags.Contains("t2"), top: 10).ToListAsync()).Select(r => r.Key));
                Assert.Equal([1], (await collection.GetAsync(r => !r.Tags.Contains("t2"), top: 10).ToListAsync()).Select(r => r.Key));
            }
            finally
            {
                await collection.EnsureCollectionDeletedAsync();
            }
        }
    }

    [Fact]
    public async Task DateTimeExtremesInLists_RoundTripAndMatch()
    {
        Item item = NewItem(1);
        item.Dates = [DateTime.MinValue, DateTime.MaxValue, new DateTime(2024, 5, 6, 7, 8, 9, 123, DateTimeKind.Utc)];
        (PostgresVectorStore store, VectorStoreCollection<int, Item> collection) = await CreateAsync(item);
        using (store)
        {
            try
            {
                Item? got = await collection.GetAsync(1);
                Assert.Equal(item.Dates, got!.Dates);
                Assert.Single(await collection.GetAsync(r => r.Dates.Contains(DateTime.MaxValue), top: 10).ToListAsync());
                Assert.Single(await collection.GetAsync(r => r.Dates.Contains(default(DateTime)), top: 10).ToListAsync());
            }
            finally
            {
                await collection.EnsureCollectionDeletedAsync();
            }
        }
    }

    [Fact]
    public async Task SearchAsync_SkipBeyondEfSearchCap_StillReturnsResults()
    {
        var items = new Item[1200];
        var random = new Random(3);
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = NewItem(i, embedding: [(float)random.NextDouble(), (float)random.NextDouble(), (float)random.NextDouble()]);
        }

        (PostgresVectorStore store, VectorStoreCollection<int, Item> collection) = await CreateAsync(items);
        using (store)
        {
            try
            {
                List<VectorSearchResult<Item>> page = await collection.SearchAsync(new float[] { 0.5f, 0.5f, 0.5f }, top: 10, new VectorSearchOptions<Item> { Skip = 1100 }).ToListAsync();
                Assert.Equal(10, page.Count);
                List<VectorSearchResult<Item>> all = await collection.SearchAsync(new float[] { 0.5f, 0.5f, 0.5f }, top: 1150).ToListAsync();
                Assert.True(all.Count >= 1100, $"{all.Count} results for top 1150 over 1,200 records");
            }
            finally
            {
                await collection.EnsureCollectionDeletedAsync();
            }
        }
    }

    [Fact]
    public async Task SearchAsync_ZeroVectorUnderCosine_IsNotRankedFirst()
    {
        (PostgresVectorStore store, VectorStoreCollection<int, Item> collection) = await CreateAsync(NewItem(1, embedding: [0, 0, 0]), NewItem(2, embedding: [1, 0, 0]), NewItem(3, embedding: [0, 1, 0]));
        using (store)
        {
            try
            {
                List<VectorSearchResult<Item>> results = await collection.SearchAsync(new float[] { 1, 0.1f, 0 }, top: 3).ToListAsync();
                Assert.Equal(2, results[0].Record.Key);
                Assert.NotEqual(1, results[1].Record.Key);
            }
            finally
            {
                await collection.EnsureCollectionDeletedAsync();
            }
        }
    }

    [Fact]
    public async Task EnsureCollectionExistsAsync_ExistingTableWithoutTheFullTextColumn_ThrowsTheShapeError()
    {
        using var store = new PostgresVectorStore(fixture.ConnectionString);
        string name = NewName();
        VectorStoreCollection<int, PlainArticle> plain = store.GetCollection<int, PlainArticle>(name);
        await plain.EnsureCollectionExistsAsync();
        try
        {
            InvalidOperationException e = await Assert.ThrowsAsync<InvalidOperationException>(() => store.GetCollection<int, Article>(name).EnsureCollectionExistsAsync());
            Assert.Contains("llamadb_tsv_Text", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            await plain.EnsureCollectionDeletedAsync();
        }
    }

    [Fact]
    public async Task EnsureCollectionExistsAsync_AfterOptionsChange_UsesTheSchemaFixedAtConstruction()
    {
        var options = new PostgresVectorStoreOptions();
        using var store = new PostgresVectorStore(fixture.ConnectionString, options);
        options.Schema = "x$$;DROP TABLE t;--";
        string name = NewName();
        VectorStoreCollection<int, Item> collection = store.GetCollection<int, Item>(name);
        await collection.EnsureCollectionExistsAsync();
        Assert.Equal("public", store.Schema);
        Assert.True(await store.CollectionExistsAsync(name));
        await collection.EnsureCollectionDeletedAsync();
    }

    [Fact]
    public async Task ReadAllAsync_PagesByKeyRange_ReturnsEveryRecordOnceInKeyOrder()
    {
        var items = new Item[1203];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = NewItem(i * 7 % 1203 - 600); // negative and positive keys, inserted out of order
        }

        (PostgresVectorStore store, VectorStoreCollection<int, Item> collection) = await CreateAsync(items);
        using (store)
        {
            try
            {
                var pages = new List<IReadOnlyList<Item>>();
                await foreach (IReadOnlyList<Item> page in ((PostgresCollection<int, Item>)collection).ReadAllAsync(500, includeVectors: true))
                {
                    pages.Add(page);
                }

                Assert.Equal([500, 500, 203], pages.Select(p => p.Count));
                List<int> keys = [.. pages.SelectMany(p => p).Select(r => r.Key)];
                Assert.Equal(Enumerable.Range(-600, 1203), keys);
                Assert.All(pages.SelectMany(p => p), r => Assert.Equal(3, r.Embedding.Length));
            }
            finally
            {
                await collection.EnsureCollectionDeletedAsync();
            }
        }
    }

    [Fact]
    public void VectorProperty_BeyondPgvectorsVectorLimit_IsRefusedUpFront()
    {
        using var store = new PostgresVectorStore(fixture.ConnectionString);
        var definition = new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty("Key", typeof(int)),
                new VectorStoreVectorProperty("Embedding", typeof(ReadOnlyMemory<float>), 20_000),
            ],
        };
        NotSupportedException e = Assert.Throws<NotSupportedException>(() => store.GetCollection<int, Dictionary<string, object?>>("big", new PostgresCollectionOptions { Definition = definition, Quantization = PostgresQuantization.Binary }));
        Assert.Contains("16000", e.Message.Replace(",", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }
}
