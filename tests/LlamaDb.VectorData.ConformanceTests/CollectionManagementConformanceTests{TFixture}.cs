using LlamaDb.VectorData.ConformanceTests.Records;

namespace LlamaDb.VectorData.ConformanceTests;

/// <summary>Creating, listing, checking and deleting collections.</summary>
/// <typeparam name="TFixture">The connector's fixture.</typeparam>
public abstract class CollectionManagementConformanceTests<TFixture>(TFixture fixture) : ConformanceTestBase<TFixture>(fixture)
    where TFixture : VectorStoreFixture
{
    private static ProductRecord Product(int key) => new() { Key = key, Category = "a", Name = $"p{key}", Embedding = new float[] { 1, key, 0 } };

    [Fact]
    public virtual async Task GetCollection_BeforeEnsureExists_CollectionDoesNotExist()
    {
        VectorStoreCollection<int, ProductRecord> collection = GetCollection<int, ProductRecord>();

        Assert.False(await collection.CollectionExistsAsync());
        Assert.False(await Store.CollectionExistsAsync(collection.Name));
    }

    [Fact]
    public virtual async Task EnsureCollectionExistsAsync_NewCollection_ExistsForCollectionAndStore()
    {
        VectorStoreCollection<int, ProductRecord> collection = GetCollection<int, ProductRecord>();

        await collection.EnsureCollectionExistsAsync();

        Assert.True(await collection.CollectionExistsAsync());
        Assert.True(await Store.CollectionExistsAsync(collection.Name));
    }

    [Fact]
    public virtual async Task EnsureCollectionExistsAsync_Twice_KeepsTheRecords()
    {
        VectorStoreCollection<int, ProductRecord> collection = await CreateCollectionAsync<int, ProductRecord>();
        await collection.UpsertAsync(Product(1));

        await collection.EnsureCollectionExistsAsync();

        Assert.NotNull(await collection.GetAsync(1));
    }

    [Fact]
    public virtual void Name_IsTheNameGiven()
    {
        string name = NewCollectionName();

        VectorStoreCollection<int, ProductRecord> collection = Track(Store.GetCollection<int, ProductRecord>(name));

        Assert.Equal(name, collection.Name);
    }

    [Fact]
    public virtual async Task ListCollectionNamesAsync_CreatedCollections_AreListed()
    {
        VectorStoreCollection<int, ProductRecord> first = await CreateCollectionAsync<int, ProductRecord>();
        VectorStoreCollection<string, KeyRecord<string>> second = await CreateCollectionAsync<string, KeyRecord<string>>();
        VectorStoreCollection<int, ProductRecord> notCreated = GetCollection<int, ProductRecord>();

        List<string> names = await Store.ListCollectionNamesAsync().ToListAsync();

        Assert.Contains(first.Name, names);
        Assert.Contains(second.Name, names);
        Assert.DoesNotContain(notCreated.Name, names);
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public virtual async Task ListCollectionNamesAsync_DeletedCollection_IsNotListed()
    {
        VectorStoreCollection<int, ProductRecord> collection = await CreateCollectionAsync<int, ProductRecord>();

        await collection.EnsureCollectionDeletedAsync();

        Assert.DoesNotContain(collection.Name, await Store.ListCollectionNamesAsync().ToListAsync());
    }

    [Fact]
    public virtual async Task EnsureCollectionDeletedAsync_ExistingCollection_NoLongerExists()
    {
        VectorStoreCollection<int, ProductRecord> collection = await CreateCollectionAsync<int, ProductRecord>();
        await collection.UpsertAsync(Product(1));

        await collection.EnsureCollectionDeletedAsync();

        Assert.False(await collection.CollectionExistsAsync());
        Assert.False(await Store.CollectionExistsAsync(collection.Name));
    }

    [Fact]
    public virtual async Task EnsureCollectionDeletedAsync_FromStore_NoLongerExists()
    {
        VectorStoreCollection<int, ProductRecord> collection = await CreateCollectionAsync<int, ProductRecord>();

        await Store.EnsureCollectionDeletedAsync(collection.Name);

        Assert.False(await collection.CollectionExistsAsync());
    }

    [Fact]
    public virtual async Task EnsureCollectionDeletedAsync_MissingCollection_DoesNothing()
    {
        VectorStoreCollection<int, ProductRecord> collection = GetCollection<int, ProductRecord>();

        await collection.EnsureCollectionDeletedAsync();
        await collection.EnsureCollectionDeletedAsync();
        await Store.EnsureCollectionDeletedAsync(NewCollectionName());

        Assert.False(await collection.CollectionExistsAsync());
    }

    [Fact]
    public virtual async Task EnsureCollectionExistsAsync_AfterDelete_StartsEmpty()
    {
        VectorStoreCollection<int, ProductRecord> collection = await CreateCollectionAsync<int, ProductRecord>();
        await collection.UpsertAsync(Product(1));
        await collection.EnsureCollectionDeletedAsync();

        await collection.EnsureCollectionExistsAsync();

        Assert.True(await collection.CollectionExistsAsync());
        Assert.Null(await collection.GetAsync(1));
        Assert.Empty(await collection.SearchAsync(new float[] { 1, 1, 0 }, top: 5).ToListAsync());
    }

    [Fact]
    public virtual async Task GetCollection_TwoObjectsForOneName_ShareTheRecords()
    {
        string name = NewCollectionName();
        VectorStoreCollection<int, ProductRecord> writer = Track(Store.GetCollection<int, ProductRecord>(name));
        await writer.EnsureCollectionExistsAsync();
        await writer.UpsertAsync(Product(7));

        VectorStoreCollection<int, ProductRecord> reader = Track(Store.GetCollection<int, ProductRecord>(name));

        Assert.True(await reader.CollectionExistsAsync());
        Assert.Equal("p7", (await reader.GetAsync(7))?.Name);
    }

    [Fact]
    public virtual async Task Collections_SameKeyInTwoCollections_AreIndependent()
    {
        VectorStoreCollection<int, ProductRecord> first = await CreateCollectionAsync<int, ProductRecord>();
        VectorStoreCollection<int, ProductRecord> second = await CreateCollectionAsync<int, ProductRecord>();
        await first.UpsertAsync(new ProductRecord { Key = 1, Name = "first", Embedding = new float[] { 1, 0, 0 } });
        await second.UpsertAsync(new ProductRecord { Key = 1, Name = "second", Embedding = new float[] { 0, 1, 0 } });

        await second.DeleteAsync(1);

        Assert.Equal("first", (await first.GetAsync(1))?.Name);
        Assert.Null(await second.GetAsync(1));
    }

    [Fact]
    public virtual async Task GetCollection_InvalidName_ThrowsArgumentException()
    {
        foreach (string name in Fixture.InvalidCollectionNames)
        {
            await Assert.ThrowsAnyAsync<ArgumentException>(async () =>
            {
                // Either getting or creating the collection may reject the name.
                using VectorStoreCollection<int, ProductRecord> collection = Store.GetCollection<int, ProductRecord>(name);
                await collection.EnsureCollectionExistsAsync();
            });
        }
    }

    [Fact]
    public virtual async Task GetService_CollectionMetadata_NamesTheCollectionAndStoreKind()
    {
        VectorStoreCollection<int, ProductRecord> collection = await CreateCollectionAsync<int, ProductRecord>();

        var metadata = Assert.IsType<VectorStoreCollectionMetadata>(collection.GetService(typeof(VectorStoreCollectionMetadata)));

        Assert.Equal(collection.Name, metadata.CollectionName);
        Assert.False(string.IsNullOrWhiteSpace(metadata.VectorStoreSystemName));
        Assert.Null(collection.GetService(typeof(VectorStoreCollectionMetadata), serviceKey: "other"));
        Assert.Null(collection.GetService(typeof(Uri)));
    }

    [Fact]
    public virtual void GetService_StoreMetadata_NamesTheStoreKind()
    {
        var metadata = Assert.IsType<VectorStoreMetadata>(Store.GetService(typeof(VectorStoreMetadata)));

        Assert.False(string.IsNullOrWhiteSpace(metadata.VectorStoreSystemName));
        Assert.Null(Store.GetService(typeof(Uri)));
    }

    [Fact]
    public virtual async Task Collection_IsVectorSearchable()
    {
        VectorStoreCollection<int, ProductRecord> collection = await CreateCollectionAsync<int, ProductRecord>();

        Assert.IsAssignableFrom<IVectorSearchable<ProductRecord>>(collection);
    }
}
