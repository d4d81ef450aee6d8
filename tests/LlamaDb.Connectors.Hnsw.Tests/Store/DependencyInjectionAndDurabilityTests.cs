using LlamaDb.VectorData;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace LlamaDb.Connectors.Hnsw.Tests.Store;

public sealed class DependencyInjectionAndDurabilityTests : IDisposable
{
    private readonly string _root = StoreTestData.TempRoot();

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    public sealed class Note
    {
        [VectorStoreKey]
        public string Id { get; set; } = string.Empty;

        [VectorStoreData(IsFullTextIndexed = true)]
        public string Text { get; set; } = string.Empty;

        [VectorStoreVector(64)]
        public string? Embedding { get; set; }
    }

    [Fact]
    public async Task AddHnswVectorStore_WithRegisteredGenerator_EmbedsOnUpsertAndSearch()
    {
        var generator = new TestEmbeddingGenerator(64);
        var services = new ServiceCollection();
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(generator);
        services.AddHnswVectorStore(_root);
        services.AddHnswCollection<string, Note>("notes");
        await using ServiceProvider provider = services.BuildServiceProvider();

        var notes = provider.GetRequiredService<VectorStoreCollection<string, Note>>();
        Assert.Same(notes, provider.GetRequiredService<IKeywordHybridSearchable<Note>>());
        Assert.Same(provider.GetRequiredService<HnswVectorStore>(), provider.GetRequiredService<VectorStore>());
        await notes.EnsureCollectionExistsAsync();
        string[] texts = ["pasta with tomato sauce", "quantum physics lecture", "spaghetti carbonara recipe"];
        await notes.UpsertAsync(texts.Select((t, i) => new Note { Id = $"n{i}", Text = t, Embedding = t }));
        Assert.Equal(1, generator.CallCount);

        var found = new List<string>();
        await foreach (VectorSearchResult<Note> hit in notes.SearchAsync("quantum physics lecture", 1))
        {
            found.Add(hit.Record.Id);
        }

        Assert.Equal(["n1"], found);
    }

    [Fact]
    public async Task AddKeyedHnswVectorStore_TwoKeys_AreSeparateStores()
    {
        var services = new ServiceCollection();
        services.AddKeyedHnswVectorStore("a", Path.Combine(_root, "a"));
        services.AddKeyedHnswVectorStore("b", Path.Combine(_root, "b"));
        services.AddKeyedHnswCollection<long, Doc>("a", "docs");
        await using ServiceProvider provider = services.BuildServiceProvider();

        Assert.NotSame(provider.GetRequiredKeyedService<VectorStore>("a"), provider.GetRequiredKeyedService<VectorStore>("b"));
        var docs = provider.GetRequiredKeyedService<VectorStoreCollection<long, Doc>>("a");
        await docs.EnsureCollectionExistsAsync();
        Assert.True(Directory.Exists(Path.Combine(_root, "a", "docs")));
        Assert.False(Directory.Exists(Path.Combine(_root, "b", "docs")));
    }

    [Fact]
    public async Task GroupCommit_ConcurrentWriters_AllDurableAfterReopen()
    {
        float[][] vectors = StoreTestData.Clustered(800, 32, seed: 61);
        using (var store = new HnswVectorStore(_root))
        {
            HnswCollection<long, Doc> docs = store.GetCollection<long, Doc>("docs", new HnswCollectionOptions { Durability = HnswDurability.GroupCommit, Seed = 1 });
            await docs.EnsureCollectionExistsAsync();
            await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                for (int i = w; i < 800; i += 8)
                {
                    await docs.UpsertAsync(StoreTestData.MakeDoc(i, vectors[i]));
                }
            })));
        }

        using var reopened = new HnswVectorStore(_root);
        HnswCollection<long, Doc> again = reopened.GetCollection<long, Doc>("docs", new HnswCollectionOptions { Durability = HnswDurability.GroupCommit, Seed = 1 });
        Assert.Equal(800, again.Count);
        Assert.Equal("cat3", (await again.GetAsync(793))!.Category);
    }

    [Fact]
    public async Task Open_ExistingCollectionWithOtherDimensions_ThrowsNamingBoth()
    {
        using var store = new HnswVectorStore(_root);
        HnswCollection<long, Doc> docs = store.GetCollection<long, Doc>("docs", new HnswCollectionOptions());
        await docs.EnsureCollectionExistsAsync();
        var other = new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty("Id", typeof(long)),
                new VectorStoreVectorProperty("Embedding", typeof(ReadOnlyMemory<float>), 48),
            ],
        };

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => store.GetCollection<object, Dictionary<string, object?>>("docs", new HnswCollectionOptions { Definition = other }).GetAsync(1L));
        Assert.Contains("32", ex.Message, StringComparison.Ordinal);
        Assert.Contains("48", ex.Message, StringComparison.Ordinal);
    }
}
