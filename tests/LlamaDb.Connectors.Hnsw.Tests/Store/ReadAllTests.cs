namespace LlamaDb.Connectors.Hnsw.Tests.Store;

/// <summary><c>HnswCollection.ReadAllAsync</c>: one pass over every live record, in pages, with vectors (what <c>llamadb migrate</c> copies).</summary>
public sealed class ReadAllTests : IDisposable
{
    private readonly string _root = StoreTestData.TempRoot();

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task ReadAllAsync_AfterDeletes_ReturnsEveryLiveRecordOnceWithItsVector()
    {
        float[][] vectors = StoreTestData.Clustered(50, 32, seed: 41);
        using var store = new HnswVectorStore(_root);
        HnswCollection<long, Doc> docs = store.GetCollection<long, Doc>("docs", new HnswCollectionOptions { Seed = 4 });
        await docs.EnsureCollectionExistsAsync();
        await docs.UpsertAsync(vectors.Select((v, i) => StoreTestData.MakeDoc(i, v)));
        await docs.DeleteAsync(Enumerable.Range(0, 50).Where(i => i % 3 == 0).Select(i => (long)i)); // holes in the slots

        var pages = new List<IReadOnlyList<Doc>>();
        await foreach (IReadOnlyList<Doc> page in docs.ReadAllAsync(batchSize: 7, includeVectors: true))
        {
            pages.Add(page);
        }

        Doc[] all = [.. pages.SelectMany(p => p)];
        Assert.All(pages, p => Assert.InRange(p.Count, 1, 7));
        Assert.Equal(Enumerable.Range(0, 50).Where(i => i % 3 != 0).Select(i => (long)i), all.Select(d => d.Id).Order());
        Assert.Equal(docs.Count, all.Length);
        foreach (Doc doc in all)
        {
            Assert.Equal(vectors[doc.Id], doc.Embedding.ToArray(), (a, b) => Math.Abs(a - b) < 1e-5f);
        }
    }

    [Fact]
    public async Task ReadAllAsync_EmptyCollection_YieldsNoPage()
    {
        using var store = new HnswVectorStore(_root);
        HnswCollection<long, Doc> docs = store.GetCollection<long, Doc>("empty", new HnswCollectionOptions());
        await docs.EnsureCollectionExistsAsync();

        int pages = 0;
        await foreach (IReadOnlyList<Doc> page in docs.ReadAllAsync(batchSize: 10, includeVectors: false))
        {
            pages++;
        }

        Assert.Equal(0, pages);
    }
}
