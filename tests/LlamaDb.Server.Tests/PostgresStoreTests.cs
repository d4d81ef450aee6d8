using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LlamaDb.Server.Tests.Infrastructure;
using LlamaDb.Server.Stores;

namespace LlamaDb.Server.Tests;

/// <summary>The server over a <c>postgres:</c> store: a real PostgreSQL with pgvector (PGlite) instead of a folder.</summary>
public sealed class PostgresStoreTests : IAsyncLifetime
{
    private const int Dimensions = 64;
    private PgliteServer _postgres = null!;
    private FakeChatServer _chat = null!;
    private ServerHost _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _postgres = await PgliteServer.StartAsync();
        _chat = await FakeChatServer.StartAsync();
        _server = await ServerHost.StartAsync(
            o =>
            {
                o.StorePath = StoreSpec.PostgresPrefix + _postgres.ConnectionString;
                o.EmbeddingGenerator = new TestEmbeddingGenerator(Dimensions);
            },
            $"--LlamaDb:Chat:Endpoint={_chat.V1}", "--LlamaDb:Chat:Model=fake-chat");
        _http = _server.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        await _chat.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    [Fact]
    public async Task Collections_CreateUpsertSearchDelete_OverPostgres()
    {
        JsonElement created = await _http.PostJsonAsync("/v1/collections", new { name = "pg-docs" }, 201);
        Assert.Equal(Dimensions, created.GetProperty("dimensions").GetInt32());
        Assert.Equal("test-bag-of-words", created.GetProperty("model").GetString()); // the model record, read back from the table
        using (HttpResponseMessage again = await _http.PostAsJsonAsync("/v1/collections", new { name = "pg-docs" }))
        {
            await Http.AssertProblemAsync(again, 409);
        }

        JsonElement upserted = await SeedAsync("pg-docs");
        Assert.Equal(4, upserted.GetProperty("count").GetInt32());

        foreach (string mode in (string[])["vector", "keyword", "hybrid"])
        {
            JsonElement body = await _http.PostJsonAsync("/v1/collections/pg-docs/search", new { query = "write ahead log durability", mode, top = 3 });
            JsonElement[] results = [.. body.GetProperty("results").EnumerateArray()];
            Assert.NotEmpty(results);
            Assert.Equal("wal", results[0].GetProperty("documentId").GetString());
            double[] scores = [.. results.Select(r => r.GetProperty("score").GetDouble())];
            Assert.Equal(scores.OrderByDescending(s => s), scores);
        }

        JsonElement filtered = await _http.PostJsonAsync("/v1/collections/pg-docs/search", new { query = "log", mode = "hybrid", top = 10, filter = new { documentId = new[] { "wal", "city" } } });
        Assert.Equal(["city", "wal"], filtered.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("documentId").GetString()!).Distinct().Order().ToArray());

        JsonElement got = await _http.PostJsonAsync("/v1/collections/pg-docs/records/get", new { ids = new[] { "snap#0", "missing" } });
        Assert.Equal("snap.md", Assert.Single(got.GetProperty("records").EnumerateArray()).GetProperty("source").GetString());
        JsonElement deleted = await _http.PostJsonAsync("/v1/collections/pg-docs/records/delete", new { ids = new[] { "snap#0" } });
        Assert.Equal(3, deleted.GetProperty("count").GetInt32());
        Assert.Equal(3, (await _http.GetJsonAsync("/v1/collections/pg-docs")).GetProperty("count").GetInt32());
        Assert.Contains("pg-docs", (await _http.GetJsonAsync("/v1/collections")).GetProperty("collections").EnumerateArray().Select(e => e.GetString()));

        using (HttpResponseMessage gone = await _http.DeleteAsync("/v1/collections/pg-docs"))
        {
            Assert.Equal(HttpStatusCode.NoContent, gone.StatusCode);
        }

        using HttpResponseMessage missing = await _http.PostAsJsonAsync("/v1/collections/pg-docs/search", new { query = "log" });
        await Http.AssertProblemAsync(missing, 404);
    }

    [Fact]
    public async Task Ingest_ThenAsk_OverPostgres_AnswersWithCitations()
    {
        await _http.PostJsonAsync("/v1/collections", new { name = "pg-ask" }, 201);
        JsonElement ingested = await _http.PostJsonAsync("/v1/collections/pg-ask/documents", new
        {
            documents = new object[]
            {
                new { source = "wal.md", text = "# Durability\n\nThe write ahead log makes every acknowledged write durable before it returns." },
                new { source = "city.txt", text = "Berlin is a city with many inhabitants." },
            },
        });
        Assert.Equal(2, ingested.GetProperty("documents").GetInt32());

        JsonElement answer = await _http.PostJsonAsync("/ask", new { question = "How is a write made durable?", collection = "pg-ask", mode = "keyword", top = 3 });

        Assert.Contains("[1]", answer.GetProperty("answer").GetString(), StringComparison.Ordinal);
        Assert.Equal("wal.md", answer.GetProperty("citations").EnumerateArray().First().GetProperty("source").GetString());
    }

    [Fact]
    public async Task Start_PostgresNotAnswering_FailsNamingTheServerWithoutThePassword()
    {
        int port = ClosedPort();
        const string Password = "pw-never-shown-7";

        var error = await Assert.ThrowsAsync<StoreException>(() => ServerHost.StartAsync(o =>
        {
            o.StorePath = $"postgres:Host=127.0.0.1;Port={port};Username=postgres;Password={Password};Database=postgres;Timeout=5";
            o.EmbeddingGenerator = new TestEmbeddingGenerator(Dimensions);
        }));

        Assert.Contains($"127.0.0.1:{port}/postgres", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error.Message, StringComparison.Ordinal);
    }

    private Task<JsonElement> SeedAsync(string name)
    {
        object[] records =
        [
            new { id = "wal#0", documentId = "wal", source = "wal.md", text = "The write ahead log makes every acknowledged write durable before it returns." },
            new { id = "snap#0", documentId = "snap", source = "snap.md", text = "Snapshots replace the log contents at checkpoints." },
            new { id = "graph#0", documentId = "graph", source = "graph.md", text = "The graph links each vector to its nearest neighbours." },
            new { id = "city#0", documentId = "city", source = "city.md", text = "Berlin is a city with many inhabitants and a long log of history." },
        ];
        return _http.PostJsonAsync($"/v1/collections/{name}/records", new { records });
    }

    /// <summary>A loopback port nothing listens on: bound, read, released.</summary>
    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
