using LlamaDb.VectorData;
using LlamaDb.VectorData.ConformanceTests.Records;

namespace LlamaDb.Connectors.Postgres.Tests.Collections;

/// <summary>Servers that lack pgvector, and servers that die under a pooled connection.</summary>
public sealed class PostgresFailureTests
{
    [Fact]
    public async Task EnsureCollectionExistsAsync_ServerWithoutPgvector_ThrowsNamingTheExtension()
    {
        await using PgliteServer server = await PgliteServer.StartAsync(withVector: false);
        using var store = new PostgresVectorStore(server.ConnectionString);
        VectorStoreCollection<int, ProductRecord> collection = store.GetCollection<int, ProductRecord>("products");
        VectorStoreException e = await Assert.ThrowsAsync<VectorStoreException>(() => collection.EnsureCollectionExistsAsync());
        Assert.Contains("'vector' extension", e.Message, StringComparison.Ordinal);
        Assert.Contains("CREATE EXTENSION vector", e.Message, StringComparison.Ordinal);
        Assert.Equal("postgresql", e.VectorStoreSystemName);
        Assert.False(await store.CollectionExistsAsync("products"));
    }

    [Fact]
    public async Task Operations_AfterTheServerRestarts_AreRetriedOnAFreshConnection()
    {
        string data = Directory.CreateTempSubdirectory("llamadb-pglite-").FullName;
        try
        {
            PgliteServer first = await PgliteServer.StartAsync(dataDirectory: data);
            int port = first.Port;
            using var logs = new CapturingLoggerFactory();
            using var store = new PostgresVectorStore(first.ConnectionString, new PostgresVectorStoreOptions { LoggerFactory = logs });
            VectorStoreCollection<int, ProductRecord> collection = store.GetCollection<int, ProductRecord>("products");
            await collection.EnsureCollectionExistsAsync();
            await collection.UpsertAsync(new ProductRecord { Key = 1, Category = "a", Embedding = new float[] { 1, 0, 0 } });

            // The pool keeps its connection; the server dies under it (a real kill), then comes back on the same port.
            first.Kill();
            await first.DisposeAsync();
            await using PgliteServer second = await PgliteServer.StartAsync(dataDirectory: data, port: port);

            ProductRecord? got = await collection.GetAsync(1);
            Assert.NotNull(got);
            Assert.Equal("a", got.Category);
            Assert.Contains(logs.Messages, m => m.Contains("failed transiently", StringComparison.Ordinal) && m.Contains("retrying", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
