using LlamaDb.VectorData;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LlamaDb.Connectors.Postgres.Sql;

/// <summary>Runs an operation on a pooled connection, retrying transient failures and turning server errors into typed ones.</summary>
internal sealed partial class PgExecutor(NpgsqlDataSource dataSource, PostgresVectorStoreOptions options, string storeName, ILogger logger)
{
    public NpgsqlDataSource DataSource => dataSource;

    /// <summary>
    /// Runs <paramref name="operation"/> on an open connection. Every operation the connector runs is idempotent
    /// (upserts, deletes by key, reads), so a transient failure is retried on a fresh connection.
    /// </summary>
    public async Task<T> RunAsync<T>(string? collection, string operationName, Func<NpgsqlConnection, CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                NpgsqlConnection connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    return await operation(connection, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (IsTransient(e) && attempt < options.MaxRetries && !cancellationToken.IsCancellationRequested)
            {
                TimeSpan delay = options.RetryDelay * Math.Pow(2, attempt) * (0.5 + Random.Shared.NextDouble());
                LogRetry(logger, operationName, collection ?? "-", attempt + 1, options.MaxRetries, delay.TotalMilliseconds, e.Message);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e)
            {
                throw Translate(e, collection, operationName);
            }
            catch (NpgsqlException e)
            {
                throw new VectorStoreException($"PostgreSQL {operationName} on '{collection ?? storeName}' failed: {e.Message}", e)
                {
                    VectorStoreSystemName = PostgresVectorStore.SystemName,
                    VectorStoreName = storeName,
                    CollectionName = collection,
                    OperationName = operationName,
                };
            }
        }
    }

    private static bool IsTransient(Exception e) => e switch
    {
        PostgresException pg => pg.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected
            or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
            or PostgresErrorCodes.TooManyConnections or PostgresErrorCodes.ConnectionFailure,
        // A timed-out statement is not retried: it would most likely time out again, multiplying the wait.
        NpgsqlException npgsql => npgsql.IsTransient && npgsql.InnerException is not TimeoutException,
        _ => false,
    };

    private Exception Translate(PostgresException e, string? collection, string operationName)
    {
        string where = collection is null ? $"store '{storeName}'" : $"collection '{collection}'";
        return e.SqlState switch
        {
            PostgresErrorCodes.UndefinedTable when collection is not null =>
                new InvalidOperationException($"Collection '{collection}' does not exist; call EnsureCollectionExistsAsync first.", e),
            PostgresErrorCodes.UndefinedFile or PostgresErrorCodes.FeatureNotSupported when e.MessageText.Contains("vector", StringComparison.OrdinalIgnoreCase) && e.MessageText.Contains("extension", StringComparison.OrdinalIgnoreCase) =>
                MissingExtension(e, collection, operationName),
            PostgresErrorCodes.UndefinedObject when e.MessageText.Contains("vector", StringComparison.OrdinalIgnoreCase) || e.MessageText.Contains("hnsw", StringComparison.OrdinalIgnoreCase) =>
                MissingExtension(e, collection, operationName),
            PostgresErrorCodes.UndefinedFunction when e.MessageText.Contains("vector", StringComparison.OrdinalIgnoreCase) || e.MessageText.Contains("bit", StringComparison.OrdinalIgnoreCase) =>
                MissingExtension(e, collection, operationName),
            PostgresErrorCodes.InsufficientPrivilege =>
                new VectorStoreException($"PostgreSQL refused {operationName} on {where}: {e.MessageText}. The connecting role needs CREATE on the schema (and CREATE EXTENSION vector, done once by an administrator).", e)
                { VectorStoreSystemName = PostgresVectorStore.SystemName, VectorStoreName = storeName, CollectionName = collection, OperationName = operationName },
            // Class 22 (data exception): a value the server will not take (wrong dimensions, NUL in text, out of range).
            _ when e.SqlState.StartsWith("22", StringComparison.Ordinal) =>
                new ArgumentException($"PostgreSQL rejected a value in {operationName} on {where}: {e.MessageText}", e),
            _ => new VectorStoreException($"PostgreSQL {operationName} on {where} failed: {e.SqlState} {e.MessageText}", e)
            { VectorStoreSystemName = PostgresVectorStore.SystemName, VectorStoreName = storeName, CollectionName = collection, OperationName = operationName },
        };
    }

    private VectorStoreException MissingExtension(PostgresException e, string? collection, string operationName) =>
        new($"The PostgreSQL server has no usable 'vector' extension (pgvector 0.8 or later): {e.MessageText}. Install pgvector on the server (https://github.com/pgvector/pgvector#installation; managed services list it as an extension) and run CREATE EXTENSION vector once.", e)
        {
            VectorStoreSystemName = PostgresVectorStore.SystemName,
            VectorStoreName = storeName,
            CollectionName = collection,
            OperationName = operationName,
        };

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL {Operation} on {Collection} failed transiently (attempt {Attempt} of {MaxRetries} retries), retrying in {DelayMs:F0} ms: {Error}")]
    private static partial void LogRetry(ILogger logger, string operation, string collection, int attempt, int maxRetries, double delayMs, string error);
}
