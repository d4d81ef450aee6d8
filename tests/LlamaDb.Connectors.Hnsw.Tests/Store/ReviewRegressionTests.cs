using LlamaDb.VectorData;

namespace LlamaDb.Connectors.Hnsw.Tests.Store;

/// <summary>Regressions for review findings: key conversion, stored data isolation, leftovers of unfinished deletes.</summary>
public sealed class ReviewRegressionTests : IDisposable
{
    private readonly string _root = StoreTestData.TempRoot();

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static VectorStoreCollectionDefinition Definition() => new()
    {
        Properties =
        [
            new VectorStoreKeyProperty("Id", typeof(long)),
            new VectorStoreDataProperty("Tags", typeof(List<string>)) { IsIndexed = true },
            new VectorStoreVectorProperty("Embedding", typeof(ReadOnlyMemory<float>), 3),
        ],
    };

    [Fact]
    public async Task DynamicCollection_IntAndLongKeys_AreTheSameRecord()
    {
        using var store = new HnswVectorStore(_root);
        VectorStoreCollection<object, Dictionary<string, object?>> collection = store.GetDynamicCollection("dyn", Definition());
        await collection.EnsureCollectionExistsAsync();

        await collection.UpsertAsync(new Dictionary<string, object?> { ["Id"] = 5, ["Tags"] = new List<string> { "a" }, ["Embedding"] = new ReadOnlyMemory<float>([1, 0, 0]) });
        await collection.UpsertAsync(new Dictionary<string, object?> { ["Id"] = 5L, ["Tags"] = new List<string> { "b" }, ["Embedding"] = new ReadOnlyMemory<float>([0, 1, 0]) });

        Dictionary<string, object?>? got = await collection.GetAsync(5L);
        Assert.NotNull(got);
        Assert.Equal(["b"], Assert.IsType<List<string>>(got["Tags"]));
        Assert.NotNull(await collection.GetAsync(5));
        Assert.Equal(1, ((HnswCollection<object, Dictionary<string, object?>>)collection).Count);
        await Assert.ThrowsAsync<ArgumentException>(() => collection.GetAsync("five"));
        await collection.DeleteAsync(5);
        Assert.Null(await collection.GetAsync(5L));
    }

    [Fact]
    public async Task StoredLists_CallerMutations_DoNotReachTheStore()
    {
        using var store = new HnswVectorStore(_root);
        VectorStoreCollection<object, Dictionary<string, object?>> collection = store.GetDynamicCollection("dyn", Definition());
        await collection.EnsureCollectionExistsAsync();
        var tags = new List<string> { "a" };
        await collection.UpsertAsync(new Dictionary<string, object?> { ["Id"] = 1L, ["Tags"] = tags, ["Embedding"] = new ReadOnlyMemory<float>([1, 0, 0]) });

        tags.Add("after-upsert");
        var first = (List<string>)(await collection.GetAsync(1L))!["Tags"]!;
        first.Add("after-get");
        var second = (List<string>)(await collection.GetAsync(1L))!["Tags"]!;

        Assert.Equal(["a"], second);
        Assert.NotSame(first, second);
        var matches = new List<object?>();
        await foreach (Dictionary<string, object?> record in collection.GetAsync(r => ((List<string>)r["Tags"]!).Contains("after-get"), 10))
        {
            matches.Add(record["Id"]);
        }

        Assert.Empty(matches);
    }

    [Fact]
    public async Task EnsureCollectionExists_OverLeftoversOfAnUnfinishedDelete_StartsEmpty()
    {
        using (var store = new HnswVectorStore(_root))
        {
            VectorStoreCollection<object, Dictionary<string, object?>> collection = store.GetDynamicCollection("dyn", Definition());
            await collection.EnsureCollectionExistsAsync();
            await collection.UpsertAsync(new Dictionary<string, object?> { ["Id"] = 1L, ["Tags"] = new List<string>(), ["Embedding"] = new ReadOnlyMemory<float>([1, 0, 0]) });
            await ((HnswCollection<object, Dictionary<string, object?>>)collection).CheckpointAsync();
            await collection.UpsertAsync(new Dictionary<string, object?> { ["Id"] = 2L, ["Tags"] = new List<string>(), ["Embedding"] = new ReadOnlyMemory<float>([0, 1, 0]) });
        }

        // A delete that removed collection.json and then stopped: the log and snapshots are still there.
        File.Delete(Path.Combine(_root, "dyn", "collection.json"));
        Directory.CreateDirectory(Path.Combine(_root, ".del-0123"));

        using var reopened = new HnswVectorStore(_root);
        Assert.False(Directory.Exists(Path.Combine(_root, ".del-0123")));
        VectorStoreCollection<object, Dictionary<string, object?>> again = reopened.GetDynamicCollection("dyn", Definition());
        Assert.False(await again.CollectionExistsAsync());
        await again.EnsureCollectionExistsAsync();
        Assert.Null(await again.GetAsync(1L));
        Assert.Null(await again.GetAsync(2L));
        Assert.Equal(0, ((HnswCollection<object, Dictionary<string, object?>>)again).Count);
    }

    [Fact]
    public async Task EnsureCollectionDeleted_ThenRecreate_IsEmptyAndLeavesNoTombstone()
    {
        using var store = new HnswVectorStore(_root);
        VectorStoreCollection<object, Dictionary<string, object?>> collection = store.GetDynamicCollection("dyn", Definition());
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(new Dictionary<string, object?> { ["Id"] = 1L, ["Tags"] = new List<string>(), ["Embedding"] = new ReadOnlyMemory<float>([1, 0, 0]) });

        await collection.EnsureCollectionDeletedAsync();
        await collection.EnsureCollectionExistsAsync();

        Assert.Null(await collection.GetAsync(1L));
        Assert.Empty(Directory.GetDirectories(_root, ".del-*"));
    }

    [Fact]
    public async Task Upsert_CosineVectorTooLongToNormalize_IsRejectedAndNothingStored()
    {
        using var store = new HnswVectorStore(_root);
        HnswCollection<long, Doc> docs = store.GetCollection<long, Doc>("docs", new HnswCollectionOptions());
        await docs.EnsureCollectionExistsAsync();
        float[] huge = Enumerable.Repeat(3e38f, 32).ToArray();

        await Assert.ThrowsAsync<ArgumentException>(() => docs.UpsertAsync(StoreTestData.MakeDoc(1, huge)));
        Assert.Equal(0, docs.Count);
    }

    [Fact]
    public async Task LargeBatch_WithReplacementsAndRepeatedKeys_LastOccurrenceWinsAndSearchAgrees()
    {
        float[][] vectors = StoreTestData.Clustered(500, 32, seed: 81);
        using (var store = new HnswVectorStore(_root))
        {
            HnswCollection<long, Doc> docs = store.GetCollection<long, Doc>("docs", new HnswCollectionOptions { Seed = 2 });
            await docs.EnsureCollectionExistsAsync();
            await docs.UpsertAsync(Enumerable.Range(0, 50).Select(i => StoreTestData.MakeDoc(i, vectors[i])));

            // 100 new keys, 20 replacements of existing keys, and 10 keys that appear twice (the second occurrence, vector 300 + key, wins).
            var batch = new List<Doc>();
            batch.AddRange(Enumerable.Range(100, 100).Select(i => StoreTestData.MakeDoc(i, vectors[i])));
            batch.AddRange(Enumerable.Range(0, 20).Select(i => StoreTestData.MakeDoc(i, vectors[200 + i])));
            batch.AddRange(Enumerable.Range(100, 10).Select(i => StoreTestData.MakeDoc(i, vectors[300 + i])));
            Assert.True(batch.Count >= Engine.CollectionEngine.ParallelApplyThreshold);
            await docs.UpsertAsync(batch);
            await VerifyAsync(docs);
        }

        using var reopened = new HnswVectorStore(_root);
        await VerifyAsync(reopened.GetCollection<long, Doc>("docs", new HnswCollectionOptions { Seed = 2 }));

        async Task VerifyAsync(HnswCollection<long, Doc> docs)
        {
            Assert.Equal(150, docs.Count);
            foreach ((long id, int vector) in new (long, int)[] { (5, 205), (30, 30), (105, 405), (150, 150) })
            {
                Doc? doc = await docs.GetAsync(id, new RecordRetrievalOptions { IncludeVectors = true });
                Assert.NotNull(doc);
                Assert.True(StoreTestData.Dot(vectors[vector], doc.Embedding.Span) > 0.9999f, $"record {id} holds the wrong vector: dot with expected {StoreTestData.Dot(vectors[vector], doc.Embedding.Span)}, with first {StoreTestData.Dot(vectors[id], doc.Embedding.Span)}, count {docs.Count}");
                await foreach (VectorSearchResult<Doc> hit in docs.SearchAsync(vectors[vector], 1))
                {
                    Assert.Equal(id, hit.Record.Id);
                }
            }
        }
    }
}
