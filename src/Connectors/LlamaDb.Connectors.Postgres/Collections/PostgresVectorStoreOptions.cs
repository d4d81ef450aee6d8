using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace LlamaDb.Connectors.Postgres;

/// <summary>Options for a <see cref="PostgresVectorStore"/>.</summary>
public sealed class PostgresVectorStoreOptions
{
    /// <summary>The schema holding the collections' tables (ASCII letters, digits, '_' and '-'; it must exist). Defaults to "public".</summary>
    public string Schema { get; set; } = "public";

    /// <summary>The generator for vector properties that embed their input and name none. Defaults to null.</summary>
    public IEmbeddingGenerator? EmbeddingGenerator { get; set; }

    /// <summary>Defaults for collections obtained without options (<see cref="PostgresVectorStore.GetCollection{TKey, TRecord}(string, LlamaDb.VectorData.VectorStoreCollectionDefinition?)"/>).</summary>
    public PostgresCollectionOptions CollectionDefaults { get; set; } = new();

    /// <summary>Retries of an operation that failed with a transient error (connection lost, server shutting down, serialization failure). Defaults to 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry's delay; later ones double, with jitter. Defaults to 100 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Whether <c>EnsureCollectionExistsAsync</c> runs <c>CREATE EXTENSION IF NOT EXISTS vector</c>. Defaults to true.</summary>
    public bool CreateExtension { get; set; } = true;

    /// <summary>Logs retries and schema changes. Defaults to null (no logging).</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(CollectionDefaults, nameof(CollectionDefaults));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRetries, nameof(MaxRetries));
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryDelay, TimeSpan.Zero, nameof(RetryDelay));
        Sql.PgIdentifier.ValidatePlainName(Schema, "schema");
        CollectionDefaults.Validate();
    }
}
