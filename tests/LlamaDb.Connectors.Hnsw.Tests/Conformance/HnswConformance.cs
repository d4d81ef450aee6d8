using LlamaDb.VectorData;
using LlamaDb.VectorData.ConformanceTests;
using Microsoft.Extensions.AI;

namespace LlamaDb.Connectors.Hnsw.Tests.Conformance;

/// <summary>The embedded store in a temporary folder, HNSW index.</summary>
public class HnswFixture : VectorStoreFixture
{
    private readonly string _folder = Directory.CreateTempSubdirectory("llamadb-conf-").FullName;

    public override VectorStore CreateStore() => new HnswVectorStore(_folder);

    public override VectorStoreCollection<TKey, TRecord> GetCollection<TKey, TRecord>(VectorStore store, string name, VectorStoreCollectionDefinition? definition, IEmbeddingGenerator embeddingGenerator) =>
        ((HnswVectorStore)store).GetCollection<TKey, TRecord>(name, new HnswCollectionOptions { Definition = definition, EmbeddingGenerator = embeddingGenerator, Seed = 1 });

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>The same, exact flat index.</summary>
public sealed class FlatFixture : HnswFixture
{
    public override string IndexKind => VectorData.IndexKind.Flat;
}

public sealed class HnswCollectionManagementTests(HnswFixture fixture) : CollectionManagementConformanceTests<HnswFixture>(fixture);

public sealed class HnswCrudTests(HnswFixture fixture) : CrudConformanceTests<HnswFixture>(fixture);

public sealed class HnswVectorSearchTests(HnswFixture fixture) : VectorSearchConformanceTests<HnswFixture>(fixture);

public sealed class HnswFilterTests(HnswFixture fixture) : FilterConformanceTests<HnswFixture>(fixture);

public sealed class HnswHybridSearchTests(HnswFixture fixture) : HybridSearchConformanceTests<HnswFixture>(fixture);

public sealed class HnswEmbeddingGenerationTests(HnswFixture fixture) : EmbeddingGenerationConformanceTests<HnswFixture>(fixture);

public sealed class HnswDynamicRecordTests(HnswFixture fixture) : DynamicRecordConformanceTests<HnswFixture>(fixture);

public sealed class FlatCrudTests(FlatFixture fixture) : CrudConformanceTests<FlatFixture>(fixture);

public sealed class FlatVectorSearchTests(FlatFixture fixture) : VectorSearchConformanceTests<FlatFixture>(fixture);

public sealed class FlatFilterTests(FlatFixture fixture) : FilterConformanceTests<FlatFixture>(fixture);

public sealed class FlatHybridSearchTests(FlatFixture fixture) : HybridSearchConformanceTests<FlatFixture>(fixture);
