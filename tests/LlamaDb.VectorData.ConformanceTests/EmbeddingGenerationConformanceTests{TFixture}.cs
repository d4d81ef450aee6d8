using LlamaDb.VectorData.ConformanceTests.Records;
using Microsoft.Extensions.AI;

namespace LlamaDb.VectorData.ConformanceTests;

/// <summary>
/// String vector properties embedded by an <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> set on the
/// property, on the definition, or on the collection options (through <see cref="VectorStoreFixture.GetCollection"/>):
/// UpsertAsync(many) embeds in one batched call, and SearchAsync("text") embeds the query. Uses
/// <see cref="TestEmbeddingGenerator"/> (bag-of-words hashing), so scores are computed here exactly.
/// </summary>
/// <typeparam name="TFixture">The connector's fixture.</typeparam>
public abstract class EmbeddingGenerationConformanceTests<TFixture>(TFixture fixture) : ConformanceTestBase<TFixture>(fixture)
    where TFixture : VectorStoreFixture
{
    private static readonly TextRecord[] s_records =
    [
        new() { Key = 1, Text = "red apple pie", Embedding = "red apple pie" },
        new() { Key = 2, Text = "diesel engine repair", Embedding = "diesel engine repair" },
        new() { Key = 3, Text = "blue ocean waves", Embedding = "blue ocean waves" },
    ];

    private static VectorStoreCollectionDefinition Definition(IEmbeddingGenerator? onProperty, IEmbeddingGenerator? onDefinition) => new()
    {
        EmbeddingGenerator = onDefinition,
        Properties =
        [
            new VectorStoreKeyProperty(nameof(TextRecord.Key), typeof(int)),
            new VectorStoreDataProperty(nameof(TextRecord.Text), typeof(string)),
            new VectorStoreVectorProperty(nameof(TextRecord.Embedding), typeof(string), TextRecord.Dimensions) { EmbeddingGenerator = onProperty },
        ],
    };

    /// <summary>Upserts three records in one call, then searches by text; checks the generator calls and the scores.</summary>
    private static async Task AssertEmbedsAsync(VectorStoreCollection<int, TextRecord> collection, TestEmbeddingGenerator generator)
    {
        await collection.EnsureCollectionExistsAsync();

        await collection.UpsertAsync(s_records);

        Assert.Equal(1, generator.CallCount);
        Assert.Equal(s_records.Select(r => r.Text).Order(StringComparer.Ordinal), generator.Calls[0].Order(StringComparer.Ordinal));

        List<VectorSearchResult<TextRecord>> results = await collection.SearchAsync("apple pie with cream", top: 3).ToListAsync();

        Assert.Equal(2, generator.CallCount);
        Assert.Equal(["apple pie with cream"], generator.Calls[1]);
        Assert.Equal(1, results[0].Record.Key);
        Assert.Equal("red apple pie", results[0].Record.Text);
        float[] query = generator.Embed("apple pie with cream");
        foreach (VectorSearchResult<TextRecord> result in results)
        {
            Assert.Equal(Vectors.Cosine(query, generator.Embed(result.Record.Text)), result.Score!.Value, 1e-4);
        }
    }

    [Fact]
    public virtual async Task UpsertAsync_GeneratorOnProperty_EmbedsInOneBatch()
    {
        using var generator = new TestEmbeddingGenerator(TextRecord.Dimensions);

        VectorStoreCollection<int, TextRecord> collection = Track(Store.GetCollection<int, TextRecord>(NewCollectionName(), Definition(onProperty: generator, onDefinition: null)));

        await AssertEmbedsAsync(collection, generator);
    }

    [Fact]
    public virtual async Task UpsertAsync_GeneratorOnDefinition_EmbedsInOneBatch()
    {
        using var generator = new TestEmbeddingGenerator(TextRecord.Dimensions);

        VectorStoreCollection<int, TextRecord> collection = Track(Store.GetCollection<int, TextRecord>(NewCollectionName(), Definition(onProperty: null, onDefinition: generator)));

        await AssertEmbedsAsync(collection, generator);
    }

    [Fact]
    public virtual async Task UpsertAsync_GeneratorOnCollectionOptions_EmbedsInOneBatch()
    {
        using var generator = new TestEmbeddingGenerator(TextRecord.Dimensions);

        VectorStoreCollection<int, TextRecord> collection = Track(Fixture.GetCollection<int, TextRecord>(Store, NewCollectionName(), definition: null, generator));

        await AssertEmbedsAsync(collection, generator);
    }

    [Fact]
    public virtual async Task UpsertAsync_PropertyGeneratorOverridesDefinitionGenerator()
    {
        using var onProperty = new TestEmbeddingGenerator(TextRecord.Dimensions);
        using var onDefinition = new TestEmbeddingGenerator(TextRecord.Dimensions);

        VectorStoreCollection<int, TextRecord> collection = Track(Store.GetCollection<int, TextRecord>(NewCollectionName(), Definition(onProperty, onDefinition)));

        await AssertEmbedsAsync(collection, onProperty);
        Assert.Equal(0, onDefinition.CallCount);
    }

    [Fact]
    public virtual async Task UpsertAsync_OneRecord_EmbedsOnlyIt()
    {
        using var generator = new TestEmbeddingGenerator(TextRecord.Dimensions);
        VectorStoreCollection<int, TextRecord> collection = Track(Store.GetCollection<int, TextRecord>(NewCollectionName(), Definition(generator, null)));
        await collection.EnsureCollectionExistsAsync();

        await collection.UpsertAsync(new TextRecord { Key = 9, Text = "lonely", Embedding = "lonely" });

        Assert.Equal(["lonely"], Assert.Single(generator.Calls));
        Assert.Equal("lonely", (await collection.GetAsync(9))?.Text);
    }

    [Fact]
    public virtual async Task UpsertAsync_ReplacedText_SearchUsesTheNewEmbedding()
    {
        using var generator = new TestEmbeddingGenerator(TextRecord.Dimensions);
        VectorStoreCollection<int, TextRecord> collection = Track(Store.GetCollection<int, TextRecord>(NewCollectionName(), Definition(generator, null)));
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(s_records);

        await collection.UpsertAsync(new TextRecord { Key = 2, Text = "apple pie with cream", Embedding = "apple pie with cream" });
        VectorSearchResult<TextRecord> best = (await collection.SearchAsync("apple pie with cream", top: 1).ToListAsync()).Single();

        Assert.Equal(2, best.Record.Key);
        Assert.Equal(1.0, best.Score!.Value, 1e-4);
    }

    [Fact]
    public virtual async Task GetCollection_StringVectorWithoutGenerator_ThrowsInvalidOperation()
    {
        await Assert.ThrowsAnyAsync<InvalidOperationException>(async () =>
        {
            // Either getting or creating the collection may reject the schema.
            VectorStoreCollection<int, TextRecord> collection = Track(Store.GetCollection<int, TextRecord>(NewCollectionName()));
            await collection.EnsureCollectionExistsAsync();
        });
    }
}
