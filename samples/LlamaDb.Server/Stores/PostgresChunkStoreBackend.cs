using LlamaDb.Connectors.Postgres;
using LlamaDb.Retrieval;
using LlamaDb.VectorData;
using Microsoft.Extensions.AI;
using Npgsql;

namespace LlamaDb.Server.Stores;

/// <summary>
/// PostgreSQL with pgvector: one table per collection, the manifest kept as the table's collection metadata (so it goes
/// with the table). Failures to reach the server become one <see cref="StoreException"/> naming the server, never the password.
/// </summary>
internal sealed class PostgresChunkStoreBackend : ChunkStoreBackend
{
    private readonly PostgresVectorStore _store;

    public PostgresChunkStoreBackend(string connectionString, ChunkStoreBackendOptions options)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new StoreException("The store 'postgres:' has no connection string: use postgres:Host=<host>;Username=<user>;Password=<password>;Database=<db>.");
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            Display = $"{StoreSpec.PostgresPrefix}{builder.Host ?? "localhost"}:{builder.Port}/{builder.Database ?? builder.Username ?? "postgres"}";
            _store = new PostgresVectorStore(connectionString, new PostgresVectorStoreOptions { LoggerFactory = options.LoggerFactory });
        }
        catch (ArgumentException e)
        {
            throw new StoreException($"The PostgreSQL connection string is not valid: {StoreSpec.Redact(e.Message)}", e);
        }
    }

    public override string Kind => "postgres";

    public override string Display { get; }

    public override bool Exists => true;

    public override VectorStore Store => _store;

    public override VectorStoreCollection<string, ChunkRecord> GetChunks(string name, int dimensions, IEmbeddingGenerator generator) =>
        _store.GetCollection<string, ChunkRecord>(name, new PostgresCollectionOptions { Definition = ChunkRecordDefinition.Create(dimensions), EmbeddingGenerator = generator });

    public override VectorStoreCollection<object, Dictionary<string, object?>> GetStoredChunks(string name, int dimensions) =>
        _store.GetCollection<object, Dictionary<string, object?>>(name, new PostgresCollectionOptions { Definition = StoredChunkDefinition(dimensions) });

    public override string Describe(string name) => $"table {_store.Options.Schema}.{name} in {Display}";

    public override Task ProbeAsync(CancellationToken cancellationToken) => ListAsync(cancellationToken);

    public override Task<bool> CollectionExistsAsync(string name, CancellationToken cancellationToken) =>
        GuardAsync(() => _store.CollectionExistsAsync(name, cancellationToken));

    public override Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken) =>
        GuardAsync(() => base.ListAsync(cancellationToken));

    public override Task DeleteAsync(string name, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            await _store.EnsureCollectionDeletedAsync(name, cancellationToken).ConfigureAwait(false);
            return true;
        });

    public override Task<string?> GetManifestAsync(string name, CancellationToken cancellationToken) =>
        GuardAsync(() => _store.GetCollectionMetadataAsync(name, cancellationToken));

    public override Task SetManifestAsync(string name, string json, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            await _store.SetCollectionMetadataAsync(name, json, cancellationToken).ConfigureAwait(false);
            return true;
        });

    public override Task<long?> SizeBytesAsync(string name, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            // The data source is the store's own (it is not disposed here); the size covers the table, its TOAST and indexes.
            var dataSource = (NpgsqlDataSource)_store.GetService(typeof(NpgsqlDataSource))!;
            NpgsqlCommand command = dataSource.CreateCommand("SELECT pg_total_relation_size(to_regclass(format('%I.%I', @schema, @name)))");
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("schema", _store.Options.Schema);
                command.Parameters.AddWithValue("name", name);
                object? size = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                return size is long bytes ? bytes : (long?)null;
            }
        });

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _store.Dispose();
        }
    }

    /// <summary>Runs a store-level call, turning "the server cannot be reached" into one <see cref="StoreException"/>.</summary>
    private async Task<T> GuardAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception e) when (ConnectionFailure(e) is { } failure)
        {
            string cause = failure.InnerException is { } root && root.Message != failure.Message ? $"{failure.Message} ({root.Message})" : failure.Message;
            throw new StoreException($"Cannot reach the PostgreSQL store {Display}: {StoreSpec.Redact(cause)}", e);
        }
    }

    /// <summary>The Npgsql failure below <paramref name="e"/> when it is about the connection (not an error the server answered with).</summary>
    private static NpgsqlException? ConnectionFailure(Exception e) => e switch
    {
        PostgresException => null,
        NpgsqlException npgsql => npgsql,
        VectorStoreException { InnerException: NpgsqlException inner } when inner is not PostgresException => inner,
        _ => null,
    };
}
