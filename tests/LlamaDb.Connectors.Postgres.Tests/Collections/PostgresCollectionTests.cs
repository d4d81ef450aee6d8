using LlamaDb.VectorData;
using LlamaDb.VectorData.ConformanceTests.Records;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace LlamaDb.Connectors.Postgres.Tests.Collections;

/// <summary>What the conformance suite cannot express: schema checks, injection attempts, metadata, DI, SQL shapes.</summary>
public sealed class PostgresCollectionTests(PostgresServerFixture fixture) : IClassFixture<PostgresServerFixture>
{
    private static string NewName() => $"t{Guid.NewGuid():N}"[..20];

    private static ProductRecord Product(int key, string category = "a", float[]? embedding = null) => new()
    {
        Key = key,
        Category = category,
        Name = $"name {key}",
        Rating = key,
        Tags = ["x", category],
        Labels = ["l"],
        Created = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero),
        Id = Guid.NewGuid(),
        Embedding = embedding ?? [1, key, 0],
    };

    private static VectorStoreCollectionDefinition Definition(int dimensions) => new()
    {
        Properties =
        [
            new VectorStoreKeyProperty("Key", typeof(int)),
            new VectorStoreDataProperty("Category", typeof(string)),
            new VectorStoreVectorProperty("Embedding", typeof(ReadOnlyMemory<float>), dimensions),
        ],
    };

    [Fact]
    public async Task EnsureCollectionExistsAsync_ExistingTableWithOtherDimensions_ThrowsNamingBoth()
    {
        using var store = new PostgresVectorStore(fixture.ConnectionString);
        string name = NewName();
        using VectorStoreCollection<int, Dictionary<string, object?>> small = store.GetCollection<int, Dictionary<string, object?>>(name, Definition(3));
        await small.EnsureCollectionExistsAsync();
        try
        {
            using VectorStoreCollection<int, Dictionary<string, object?>> large = store.GetCollection<int, Dictionary<string, object?>>(name, Definition(8));
            InvalidOperationException e = await Assert.ThrowsAsync<InvalidOperationException>(() => large.EnsureCollectionExistsAsync());
            Assert.Contains("vector(3)", e.Message, StringComparison.Ordinal);
            Assert.Contains("vector(8)", e.Message, StringComparison.Ordinal);
            Assert.Contains("Embedding", e.Message, StringComparison.Ordinal);

            // A handle made before (or without) EnsureCollectionExistsAsync gets the same error on first use.
            using VectorStoreCollection<int, Dictionary<string, object?>> other = store.GetCollection<int, Dictionary<string, object?>>(name, Definition(8));
            await Assert.ThrowsAsync<InvalidOperationException>(() => other.GetAsync(1));
        }
        finally
        {
            await store.EnsureCollectionDeletedAsync(name);
        }
    }

    [Fact]
    public async Task Operations_MissingCollection_ThrowInvalidOperationNamingIt()
    {
        using var store = new PostgresVectorStore(fixture.ConnectionString);
        string name = NewName();
        using VectorStoreCollection<int, ProductRecord> collection = store.GetCollection<int, ProductRecord>(name);
        InvalidOperationException e = await Assert.ThrowsAsync<InvalidOperationException>(() => collection.UpsertAsync(Product(1)));
        Assert.Contains(name, e.Message, StringComparison.Ordinal);
        Assert.Contains("EnsureCollectionExistsAsync", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Values_WithSqlMetacharacters_AreStoredVerbatimAndMatchedAsValues()
    {
        using var store = new PostgresVectorStore(fixture.ConnectionString);
        VectorStoreCollection<int, ProductRecord> collection = store.GetCollection<int, ProductRecord>(NewName());
        await collection.EnsureCollectionExistsAsync();
        try
        {
            string evil = "a'; DROP TABLE x; --\" \\ $$ {\"q\"}";
            ProductRecord record = Product(1, evil);
            record.Tags = [evil, "{", "}", "NULL", ""];
            await collection.UpsertAsync([record, Product(2, "plain")]);

            ProductRecord? got = await collection.GetAsync(1);
            Assert.NotNull(got);
            Assert.Equal(evil, got.Category);
            Assert.Equal(record.Tags, got.Tags);

            List<ProductRecord> matched = await collection.GetAsync(r => r.Category == evil, top: 10).ToListAsync();
            Assert.Equal([1], matched.Select(r => r.Key));
            matched = await collection.GetAsync(r => r.Tags.Contains("NULL"), top: 10).ToListAsync();
            Assert.Equal([1], matched.Select(r => r.Key));
            matched = await collection.GetAsync(r => r.Category.Contains("DROP"), top: 10).ToListAsync();
            Assert.Equal([1], matched.Select(r => r.Key));
            Assert.Equal(2, await ((PostgresCollection<int, ProductRecord>)collection).CountAsync());
        }
        finally
        {
            await collection.EnsureCollectionDeletedAsync();
        }
    }

    [Fact]
    public async Task UpsertAsync_BadRecordInBatch_StoresNothing()
    {
        using var store = new PostgresVectorStore(fixture.ConnectionString, new PostgresVectorStoreOptions { CollectionDefaults = new PostgresCollectionOptions { UpsertBatchSize = 2 } });
        var collection = (PostgresCollection<int, ProductRecord>)store.GetCollection<int, ProductRecord>(NewName());
        await collection.EnsureCollectionExistsAsync();
        try
        {
            await collection.UpsertAsync(Product(100));
            ProductRecord[] batch = [Product(1), Product(2), Product(3), Product(4, embedding: [1, float.NaN, 0])];
            ArgumentException e = await Assert.ThrowsAnyAsync<ArgumentException>(() => collection.UpsertAsync(batch));
            Assert.Contains("NaN", e.Message, StringComparison.Ordinal);
            Assert.Equal(1, await collection.CountAsync());

            // Several statements (batch size 2) in one transaction: all land.
            await collection.UpsertAsync([Product(1), Product(2), Product(3), Product(4), Product(5)]);
            Assert.Equal(6, await collection.CountAsync());
        }
        finally
        {
            await collection.EnsureCollectionDeletedAsync();
        }
    }

    [Fact]
    public async Task UpsertAsync_SameKeyTwiceInOneCall_LastWins()
    {
        using var store = new PostgresVectorStore(fixture.ConnectionString);
        var collection = (PostgresCollection<int, ProductRecord>)store.GetCollection<int, ProductRecord>(NewName());
        await collection.EnsureCollectionExistsAsync();
        try
        {
            await collection.UpsertAsync([Product(1, "first"), Product(2), Product(1, "second")]);
            Assert.Equal("second", (await collection.GetAsync(1))!.Category);
            Assert.Equal(2, await collection.CountAsync());
        }
        finally
        {
            await collection.EnsureCollectionDeletedAsync();
        }
    }

    [Fact]
    public async Task CollectionMetadata_RoundTripsSurvivesEnsureAndGoesWithTheTable()
    {
        using var store = new PostgresVectorStore(fixture.ConnectionString);
        string name = NewName();
        VectorStoreCollection<int, ProductRecord> collection = store.GetCollection<int, ProductRecord>(name);
        await collection.EnsureCollectionExistsAsync();
        Assert.Null(await store.GetCollectionMetadataAsync(name));
        string json = "{\"model\":\"it's \\\"quoted\\\"\",\"n\":1}\nsecond line";
        await store.SetCollectionMetadataAsync(name, json);
        Assert.Equal(json, await store.GetCollectionMetadataAsync(name));

        await collection.EnsureCollectionExistsAsync();
        Assert.Equal(json, await store.GetCollectionMetadataAsync(name));
        Assert.Contains(name, await store.ListCollectionNamesAsync().ToListAsync());

        await collection.EnsureCollectionDeletedAsync();
        Assert.Null(await store.GetCollectionMetadataAsync(name));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.SetCollectionMetadataAsync(name, "{}"));
    }

    [Fact]
    public async Task ListCollectionNamesAsync_IgnoresOtherTables()
    {
        using var store = new PostgresVectorStore(fixture.ConnectionString);
        string other = NewName();
        var dataSource = (NpgsqlDataSource)store.GetService(typeof(NpgsqlDataSource))!;
        await using (NpgsqlCommand command = dataSource.CreateCommand($"CREATE TABLE public.\"{other}\" (id int)"))
        {
            await command.ExecuteNonQueryAsync();
        }

        // Someone else's table is not a collection: not listed, not "existing", never dropped or adopted.
        Assert.False(await store.CollectionExistsAsync(other));
        Assert.DoesNotContain(other, await store.ListCollectionNamesAsync().ToListAsync());
        InvalidOperationException e = await Assert.ThrowsAsync<InvalidOperationException>(() => store.EnsureCollectionDeletedAsync(other));
        Assert.Contains("not a LlamaDb collection", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.GetCollection<int, ProductRecord>(other).EnsureCollectionExistsAsync());
        await using (NpgsqlCommand count = dataSource.CreateCommand($"SELECT count(*) FROM public.\"{other}\""))
        {
            Assert.Equal(0L, await count.ExecuteScalarAsync());
        }

        await using (NpgsqlCommand drop = dataSource.CreateCommand($"DROP TABLE public.\"{other}\""))
        {
            await drop.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task Search_WithSelectiveFilter_ReturnsTopThroughIterativeScan()
    {
        using var store = new PostgresVectorStore(fixture.ConnectionString);
        VectorStoreCollection<int, ProductRecord> collection = store.GetCollection<int, ProductRecord>(NewName());
        await collection.EnsureCollectionExistsAsync();
        try
        {
            var random = new Random(7);
            var records = new List<ProductRecord>();
            for (int i = 0; i < 2000; i++)
            {
                records.Add(Product(i, i % 100 == 0 ? "rare" : "common", [(float)random.NextDouble(), (float)random.NextDouble(), (float)random.NextDouble()]));
            }

            await collection.UpsertAsync(records);
            List<VectorSearchResult<ProductRecord>> results = await collection.SearchAsync(new float[] { 0.5f, 0.5f, 0.5f }, top: 15,
                new PostgresVectorSearchOptions<ProductRecord> { Filter = r => r.Category == "rare", EfSearch = 10 }).ToListAsync();

            // 20 rare records exist; ef_search 10 alone would find few of them without iterative scans.
            Assert.Equal(15, results.Count);
            Assert.All(results, r => Assert.Equal("rare", r.Record.Category));
            Assert.True(results.Zip(results.Skip(1)).All(p => p.First.Score >= p.Second.Score));
        }
        finally
        {
            await collection.EnsureCollectionDeletedAsync();
        }
    }

    [Fact]
    public async Task Indexes_AreCreatedForVectorsIndexedAndFullTextProperties()
    {
        using var store = new PostgresVectorStore(fixture.ConnectionString, new PostgresVectorStoreOptions { CollectionDefaults = new PostgresCollectionOptions { M = 8, EfConstruction = 32 } });
        string name = NewName();
        VectorStoreCollection<int, ArticleRecord> collection = store.GetCollection<int, ArticleRecord>(name);
        VectorStoreCollection<int, ProductRecord> products = store.GetCollection<int, ProductRecord>(name + "p");
        await collection.EnsureCollectionExistsAsync();
        await products.EnsureCollectionExistsAsync();
        try
        {
            var dataSource = (NpgsqlDataSource)store.GetService(typeof(NpgsqlDataSource))!;
            var definitions = new List<string>();
            await using NpgsqlCommand command = dataSource.CreateCommand("SELECT indexdef FROM pg_indexes WHERE tablename = $1 OR tablename = $2");
            command.Parameters.AddWithValue(name);
            command.Parameters.AddWithValue(name + "p");
            await using (NpgsqlDataReader reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    definitions.Add(reader.GetString(0));
                }
            }

            Assert.Contains(definitions, d => d.Contains("USING hnsw", StringComparison.Ordinal) && d.Contains("vector_cosine_ops", StringComparison.Ordinal) && d.Contains("m='8'", StringComparison.Ordinal) && d.Contains("ef_construction='32'", StringComparison.Ordinal));
            Assert.Contains(definitions, d => d.Contains("USING gin", StringComparison.Ordinal) && d.Contains("llamadb_tsv_", StringComparison.Ordinal));
            Assert.Contains(definitions, d => d.Contains("USING btree", StringComparison.Ordinal) && d.Contains("\"Category\"", StringComparison.Ordinal));
            Assert.Contains(definitions, d => d.Contains("USING btree", StringComparison.Ordinal) && d.Contains("\"Rating\"", StringComparison.Ordinal));
        }
        finally
        {
            await collection.EnsureCollectionDeletedAsync();
            await products.EnsureCollectionDeletedAsync();
        }
    }

    [Fact]
    public async Task GetService_ReturnsMetadataAndDataSource()
    {
        using var store = new PostgresVectorStore(fixture.ConnectionString);
        var metadata = (VectorStoreMetadata)store.GetService(typeof(VectorStoreMetadata))!;
        Assert.Equal("postgresql", metadata.VectorStoreSystemName);
        Assert.Equal($"127.0.0.1:{fixture.Server.Port}/postgres", metadata.VectorStoreName);
        Assert.DoesNotContain("postgres;", metadata.VectorStoreName!, StringComparison.Ordinal);
        Assert.IsAssignableFrom<NpgsqlDataSource>(store.GetService(typeof(NpgsqlDataSource)));
    }

    [Fact]
    public async Task AddPostgresVectorStore_ResolvesStoreAndCollection()
    {
        var services = new ServiceCollection();
        services.AddPostgresVectorStore(fixture.ConnectionString, o => o.CollectionDefaults.EfSearch = 50);
        string name = NewName();
        services.AddPostgresCollection<int, ProductRecord>(name);
        await using ServiceProvider provider = services.BuildServiceProvider();
        Assert.Same(provider.GetRequiredService<PostgresVectorStore>(), provider.GetRequiredService<VectorStore>());
        VectorStoreCollection<int, ProductRecord> collection = provider.GetRequiredService<VectorStoreCollection<int, ProductRecord>>();
        Assert.Same(collection, provider.GetRequiredService<IKeywordSearchable<ProductRecord>>());
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(Product(1));
        Assert.NotNull(await collection.GetAsync(1));
        await collection.EnsureCollectionDeletedAsync();
    }

    [Fact]
    public void Options_Invalid_ThrowNamingTheOption()
    {
        Assert.Equal("M", Assert.Throws<ArgumentOutOfRangeException>(() => new PostgresVectorStore(fixture.ConnectionString, new PostgresVectorStoreOptions { CollectionDefaults = new PostgresCollectionOptions { M = 1 } })).ParamName);
        Assert.Equal("TextSearchConfiguration", Assert.Throws<ArgumentOutOfRangeException>(() => new PostgresVectorStore(fixture.ConnectionString, new PostgresVectorStoreOptions { CollectionDefaults = new PostgresCollectionOptions { TextSearchConfiguration = "english'; --" } })).ParamName);
        Assert.Throws<ArgumentException>(() => new PostgresVectorStore(fixture.ConnectionString, new PostgresVectorStoreOptions { Schema = "a\"b" }));
        Assert.Throws<ArgumentException>(() => new PostgresVectorStore("Host=127.0.0.1;Nonsense Key=1"));
    }
}
