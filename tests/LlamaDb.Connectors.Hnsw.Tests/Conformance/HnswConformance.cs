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
        ((HnswVectorStore)store).GetCollection<TKey, TRecord>(name, new HnswCollectionOptions { Definition = definition, EmbeddingGenerator = embeddingGenerator, Seed = 1, Quantization = Quantization });

    /// <summary>Gets the quantization every collection of this fixture uses.</summary>
    protected virtual HnswQuantization Quantization => HnswQuantization.None;

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

/// <summary>HNSW over int8 codes, rescored with the float vectors.</summary>
public sealed class Int8Fixture : HnswFixture
{
    protected override HnswQuantization Quantization => HnswQuantization.Int8;
}

/// <summary>HNSW over binary sign codes, rescored with the float vectors.</summary>
public sealed class BinaryFixture : HnswFixture
{
    protected override HnswQuantization Quantization => HnswQuantization.Binary;
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

public sealed class Int8CrudTests(Int8Fixture fixture) : CrudConformanceTests<Int8Fixture>(fixture);

public sealed class Int8VectorSearchTests(Int8Fixture fixture) : VectorSearchConformanceTests<Int8Fixture>(fixture);

public sealed class Int8FilterTests(Int8Fixture fixture) : FilterConformanceTests<Int8Fixture>(fixture);

public sealed class Int8HybridSearchTests(Int8Fixture fixture) : HybridSearchConformanceTests<Int8Fixture>(fixture);

public sealed class Int8EmbeddingGenerationTests(Int8Fixture fixture) : EmbeddingGenerationConformanceTests<Int8Fixture>(fixture);

public sealed class Int8DynamicRecordTests(Int8Fixture fixture) : DynamicRecordConformanceTests<Int8Fixture>(fixture);

public sealed class BinaryVectorSearchTests(BinaryFixture fixture) : VectorSearchConformanceTests<BinaryFixture>(fixture);

public sealed class BinaryFilterTests(BinaryFixture fixture) : FilterConformanceTests<BinaryFixture>(fixture);
