using System.Runtime.CompilerServices;
using LlamaDb.Connectors.Postgres.Sql;
using LlamaDb.VectorData;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace LlamaDb.Connectors.Postgres;

/// <summary>
/// A vector store on PostgreSQL with pgvector: each collection is a table in <see cref="PostgresVectorStoreOptions.Schema"/>
/// with a primary key, one column per data property, a <c>vector(N)</c> (<c>bit(N)</c> for binary vectors) column per
/// vector property with an HNSW index (optionally over <c>halfvec</c> or sign-bit copies), and generated
/// <c>tsvector</c> columns with GIN indexes for full-text search.
/// </summary>
public sealed class PostgresVectorStore : VectorStore
{
    /// <summary>The <see cref="VectorStoreMetadata.VectorStoreSystemName"/> of this store.</summary>
    public const string SystemName = "postgresql";

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private bool _disposed;
    private volatile string? _vectorSchema;

    /// <summary>Creates a store over a connection string (the store owns the data source it builds).</summary>
    public PostgresVectorStore(string connectionString, PostgresVectorStoreOptions? options = null)
        : this(BuildDataSource(connectionString), options, ownsDataSource: true)
    {
    }

    /// <summary>Creates a store over <paramref name="dataSource"/>, which the caller owns (for example from DI).</summary>
    public PostgresVectorStore(NpgsqlDataSource dataSource, PostgresVectorStoreOptions? options = null)
        : this(dataSource, options, ownsDataSource: false)
    {
    }

    private PostgresVectorStore(NpgsqlDataSource dataSource, PostgresVectorStoreOptions? options, bool ownsDataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        Options = options ?? new PostgresVectorStoreOptions();
        Options.Validate();
        Schema = Options.Schema; // fixed here: later changes to the options object do not reach the SQL
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        var builder = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        Name = $"{builder.Host}:{builder.Port}/{builder.Database}";
        ILogger logger = Options.LoggerFactory?.CreateLogger<PostgresVectorStore>() ?? NullLogger<PostgresVectorStore>.Instance;
        Executor = new PgExecutor(dataSource, Options, Name, logger);
    }

    /// <summary>The store's options.</summary>
    public PostgresVectorStoreOptions Options { get; }

    /// <summary>The schema of the collections' tables (validated when the store was created).</summary>
    public string Schema { get; }

    /// <summary>Where the store is: host:port/database (no credentials).</summary>
    public string Name { get; }

    internal PgExecutor Executor { get; }

    /// <inheritdoc />
    public override VectorStoreCollection<TKey, TRecord> GetCollection<TKey, TRecord>(string name, VectorStoreCollectionDefinition? definition = null) =>
        GetCollection<TKey, TRecord>(name, new PostgresCollectionOptions(Options.CollectionDefaults) { Definition = definition });

    /// <summary>Gets a collection with options.</summary>
    public PostgresCollection<TKey, TRecord> GetCollection<TKey, TRecord>(string name, PostgresCollectionOptions? options)
        where TKey : notnull
        where TRecord : class
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new PostgresCollection<TKey, TRecord>(this, name, options ?? new PostgresCollectionOptions(Options.CollectionDefaults));
    }

    /// <inheritdoc />
    public override VectorStoreCollection<object, Dictionary<string, object?>> GetDynamicCollection(string name, VectorStoreCollectionDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return GetCollection<object, Dictionary<string, object?>>(name, new PostgresCollectionOptions(Options.CollectionDefaults) { Definition = definition });
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<string> ListCollectionNamesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        List<string> names = await Executor.RunAsync(null, "ListCollectionNames", (connection, ct) => PgCommands.ReadAsync(
            connection,
            """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = @schema AND c.relkind IN ('r', 'p') AND split_part(obj_description(c.oid, 'pg_class'), E'\n', 1) = @marker
            ORDER BY c.relname
            """,
            [new NpgsqlParameter("schema", Schema), new NpgsqlParameter("marker", TableMapping.CommentMarker)],
            static reader => reader.GetString(0),
            ct), cancellationToken).ConfigureAwait(false);
        foreach (string name in names)
        {
            yield return name;
        }
    }

    /// <inheritdoc />
    public override Task<bool> CollectionExistsAsync(string name, CancellationToken cancellationToken = default)
    {
        PgIdentifier.ValidateCollectionName(name);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return TableExistsAsync(name, cancellationToken);
    }

    /// <summary>
    /// Reads the application metadata kept with a collection (for example which embedding model built it), or null when
    /// the collection has none or does not exist. It lives in the table's comment, so it goes when the table goes.
    /// </summary>
    public Task<string?> GetCollectionMetadataAsync(string name, CancellationToken cancellationToken = default)
    {
        PgIdentifier.ValidateCollectionName(name);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Executor.RunAsync(name, "GetCollectionMetadata", async (connection, ct) =>
        {
            string? comment = await PgCommands.ScalarAsync<string?>(
                connection, "SELECT obj_description(to_regclass(@table), 'pg_class')", [new NpgsqlParameter("table", PgIdentifier.Qualified(Schema, name))], ct).ConfigureAwait(false);
            int newline = comment?.IndexOf('\n', StringComparison.Ordinal) ?? -1;
            return comment is not null && newline >= 0 && comment[..newline] == TableMapping.CommentMarker ? comment[(newline + 1)..] : null;
        }, cancellationToken);
    }

    /// <summary>Stores application metadata (any text, typically JSON) with an existing collection; null clears it.</summary>
    public Task SetCollectionMetadataAsync(string name, string? metadata, CancellationToken cancellationToken = default)
    {
        PgIdentifier.ValidateCollectionName(name);
        ObjectDisposedException.ThrowIf(_disposed, this);
        string table = PgIdentifier.Qualified(Schema, name);
        return Executor.RunAsync(name, "SetCollectionMetadata", async (connection, ct) =>
        {
            string statement = await PgCommands.CommentStatementAsync(
                connection, table, metadata is null ? TableMapping.CommentMarker : TableMapping.CommentMarker + "\n" + metadata, onlyIfUnmarked: false, ct).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Collection '{name}' does not exist; call EnsureCollectionExistsAsync first.");
            return await PgCommands.ExecuteAsync(connection, statement, [], ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>The (quoted) schema pgvector is installed in; found once per store.</summary>
    internal async Task<string> GetVectorSchemaAsync(CancellationToken cancellationToken)
    {
        if (_vectorSchema is { } known)
        {
            return known;
        }

        string? schema = await Executor.RunAsync(null, "FindVectorExtension", (connection, ct) => PgCommands.ScalarAsync<string?>(
            connection, "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'vector'", [], ct), cancellationToken).ConfigureAwait(false);
        if (schema is null)
        {
            throw new VectorStoreException($"The PostgreSQL database {Name} has no 'vector' extension (pgvector 0.8 or later). Install pgvector on the server (https://github.com/pgvector/pgvector#installation; managed services list it as an extension) and run CREATE EXTENSION vector once, or let EnsureCollectionExistsAsync create it (PostgresVectorStoreOptions.CreateExtension).")
            {
                VectorStoreSystemName = SystemName,
                VectorStoreName = Name,
                OperationName = "FindVectorExtension",
            };
        }

        // A quoted identifier from regnamespace::text is already quoted when it needs to be.
        _vectorSchema = schema;
        return schema;
    }

    internal async Task<bool> TableExistsAsync(string name, CancellationToken cancellationToken) =>
        (await GetTableStateAsync(name, cancellationToken).ConfigureAwait(false)).IsCollection;

    /// <summary>Whether a relation of that name exists, and whether it is a LlamaDb collection (its comment starts with the marker).</summary>
    internal Task<(bool Exists, bool IsCollection)> GetTableStateAsync(string name, CancellationToken cancellationToken) =>
        Executor.RunAsync(name, "CollectionExists", async (connection, ct) => (await PgCommands.ReadAsync(
            connection,
            """
            SELECT t IS NOT NULL, coalesce(split_part(obj_description(t, 'pg_class'), E'\n', 1) = @marker, FALSE)
            FROM to_regclass(@table) AS t
            """,
            [new NpgsqlParameter("table", PgIdentifier.Qualified(Schema, name)), new NpgsqlParameter("marker", TableMapping.CommentMarker)],
            static reader => (reader.GetBoolean(0), reader.GetBoolean(1)),
            ct).ConfigureAwait(false))[0], cancellationToken); // SELECT ... FROM a function call: always one row

    /// <summary>The error for a table of a collection's name that is not a collection (made by someone else).</summary>
    internal InvalidOperationException NotACollection(string name) =>
        new($"The table {Schema}.{name} exists but is not a LlamaDb collection (its comment does not start with '{TableMapping.CommentMarker}'); LlamaDb does not use or drop it. Choose another collection name, or, if its columns match the record definition, mark it: COMMENT ON TABLE \"{Schema}\".\"{name}\" IS '{TableMapping.CommentMarker}'.");

    /// <inheritdoc />
    public override Task EnsureCollectionDeletedAsync(string name, CancellationToken cancellationToken = default)
    {
        PgIdentifier.ValidateCollectionName(name);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return DropAsync(name, cancellationToken);
    }

    private async Task DropAsync(string name, CancellationToken cancellationToken)
    {
        (bool exists, bool isCollection) = await GetTableStateAsync(name, cancellationToken).ConfigureAwait(false);
        if (!exists)
        {
            return;
        }

        if (!isCollection)
        {
            // Never drop a table LlamaDb did not create (an app's own "users" table behind DELETE /v1/collections/users).
            throw NotACollection(name);
        }

        await Executor.RunAsync(name, "EnsureCollectionDeleted", (connection, ct) =>
            PgCommands.ExecuteAsync(connection, $"DROP TABLE IF EXISTS {PgIdentifier.Qualified(Schema, name)}", [], ct), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(VectorStoreMetadata))
        {
            return new VectorStoreMetadata { VectorStoreSystemName = SystemName, VectorStoreName = Name };
        }

        if (serviceType == typeof(NpgsqlDataSource))
        {
            return _dataSource;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            if (_ownsDataSource)
            {
                _dataSource.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private static NpgsqlDataSource BuildDataSource(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        try
        {
            return new NpgsqlDataSourceBuilder(connectionString).Build();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"The PostgreSQL connection string is not valid: {e.Message}", nameof(connectionString), e);
        }
    }
}
