using LlamaDb.VectorData;
using LlamaDb.VectorData.ConformanceTests;
using Microsoft.Extensions.AI;

namespace LlamaDb.Connectors.Postgres.Tests.Conformance;

/// <summary>The connector on its own PGlite server (PostgreSQL + pgvector 0.8 on 127.0.0.1), HNSW indexes.</summary>
public class PostgresFixture : VectorStoreFixture
{
    private PgliteServer? _server;

    /// <summary>The server (started by <see cref="InitializeAsync"/>).</summary>
    internal PgliteServer Server => _server ?? throw new InvalidOperationException("The fixture has not been initialized.");

    /// <summary>Collection names are SQL identifiers here: a letter or '_', then letters, digits, '_' or '-'.</summary>
    public override IReadOnlyList<string> InvalidCollectionNames => [.. base.InvalidCollectionNames, "1abc", "a b", "a\"b", "a;drop", new string('a', 64)];

    /// <summary>The quantization every collection of this fixture uses.</summary>
    protected virtual PostgresQuantization Quantization => PostgresQuantization.None;

    /// <summary>Candidates rescored per result by quantized searches.</summary>
    protected virtual int Oversampling => 4;

    public override VectorStore CreateStore() => new PostgresVectorStore(Server.ConnectionString, new PostgresVectorStoreOptions
    {
        CollectionDefaults = new PostgresCollectionOptions { Quantization = Quantization, Oversampling = Oversampling },
    });

    public override VectorStoreCollection<TKey, TRecord> GetCollection<TKey, TRecord>(VectorStore store, string name, VectorStoreCollectionDefinition? definition, IEmbeddingGenerator embeddingGenerator) =>
        ((PostgresVectorStore)store).GetCollection<TKey, TRecord>(name, new PostgresCollectionOptions { Definition = definition, EmbeddingGenerator = embeddingGenerator, Quantization = Quantization, Oversampling = Oversampling });

    public override async Task InitializeAsync()
    {
        _server = await PgliteServer.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>The same without an ANN index: exact scans.</summary>
public sealed class PostgresFlatFixture : PostgresFixture
{
    public override string IndexKind => VectorData.IndexKind.Flat;
}

/// <summary>halfvec columns and indexes.</summary>
public sealed class PostgresHalfFixture : PostgresFixture
{
    protected override PostgresQuantization Quantization => PostgresQuantization.Half;
}

/// <summary>Binary-quantized HNSW indexes, rescored with the full vectors.</summary>
public sealed class PostgresBinaryFixture : PostgresFixture
{
    protected override PostgresQuantization Quantization => PostgresQuantization.Binary;

    // The suite's recall test uses 16-dimension random vectors: 16 sign bits give only 17 distinct Hamming distances,
    // so many more candidates must be rescored than for real (hundreds of dimensions) embeddings.
    protected override int Oversampling => 16;
}

public sealed class PostgresCollectionManagementTests(PostgresFixture fixture) : CollectionManagementConformanceTests<PostgresFixture>(fixture);

public sealed class PostgresCrudTests(PostgresFixture fixture) : CrudConformanceTests<PostgresFixture>(fixture);

public sealed class PostgresVectorSearchTests(PostgresFixture fixture) : VectorSearchConformanceTests<PostgresFixture>(fixture);

public sealed class PostgresFilterTests(PostgresFixture fixture) : FilterConformanceTests<PostgresFixture>(fixture);

public sealed class PostgresHybridSearchTests(PostgresFixture fixture) : HybridSearchConformanceTests<PostgresFixture>(fixture);

public sealed class PostgresHalfHybridSearchTests(PostgresHalfFixture fixture) : HybridSearchConformanceTests<PostgresHalfFixture>(fixture);

public sealed class PostgresHalfCrudTests(PostgresHalfFixture fixture) : CrudConformanceTests<PostgresHalfFixture>(fixture);

public sealed class PostgresEmbeddingGenerationTests(PostgresFixture fixture) : EmbeddingGenerationConformanceTests<PostgresFixture>(fixture);

public sealed class PostgresDynamicRecordTests(PostgresFixture fixture) : DynamicRecordConformanceTests<PostgresFixture>(fixture);

public sealed class PostgresFlatVectorSearchTests(PostgresFlatFixture fixture) : VectorSearchConformanceTests<PostgresFlatFixture>(fixture);

public sealed class PostgresFlatFilterTests(PostgresFlatFixture fixture) : FilterConformanceTests<PostgresFlatFixture>(fixture);

public sealed class PostgresHalfVectorSearchTests(PostgresHalfFixture fixture) : VectorSearchConformanceTests<PostgresHalfFixture>(fixture);

public sealed class PostgresBinaryVectorSearchTests(PostgresBinaryFixture fixture) : VectorSearchConformanceTests<PostgresBinaryFixture>(fixture);
