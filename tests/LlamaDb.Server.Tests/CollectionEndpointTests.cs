using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LlamaDb.Connectors.Hnsw;
using LlamaDb.Retrieval;
using LlamaDb.Server.Tests.Infrastructure;

namespace LlamaDb.Server.Tests;

/// <summary>Collections, records, search, filters and ingestion over the real embedded store (bag-of-words test embedder).</summary>
public sealed class CollectionEndpointTests : IAsyncLifetime
{
    private const int Dimensions = 64;
    private ServerHost _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await ServerHost.StartAsync(o =>
        {
            o.EmbeddingGenerator = new TestEmbeddingGenerator(Dimensions);
            o.Reranker = new LengthReranker();
        });
        _http = _server.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Create_Info_Delete_Lifecycle()
    {
        JsonElement created = await _http.PostJsonAsync("/v1/collections", new { name = "docs" }, 201);
        Assert.Equal("docs", created.GetProperty("name").GetString());
        Assert.Equal("test-bag-of-words", created.GetProperty("model").GetString());
        Assert.Equal(Dimensions, created.GetProperty("dimensions").GetInt32());
        Assert.Contains(created.GetProperty("definition").EnumerateArray(), p => p.GetProperty("name").GetString() == "Embedding" && p.GetProperty("dimensions").GetInt32() == Dimensions);

        using (HttpResponseMessage again = await _http.PostAsJsonAsync("/v1/collections", new { name = "docs" }))
        {
            await Http.AssertProblemAsync(again, 409);
        }

        JsonElement list = await _http.GetJsonAsync("/v1/collections");
        Assert.Contains("docs", list.GetProperty("collections").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(0, (await _http.GetJsonAsync("/v1/collections/docs")).GetProperty("count").GetInt32());

        using (HttpResponseMessage deleted = await _http.DeleteAsync("/v1/collections/docs"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using HttpResponseMessage gone = await _http.GetAsync("/v1/collections/docs");
        await Http.AssertProblemAsync(gone, 404);
    }

    [Fact]
    public async Task Create_InvalidName_IsProblem()
    {
        using HttpResponseMessage response = await _http.PostAsJsonAsync("/v1/collections", new { name = "../escape" });

        await Http.AssertProblemAsync(response, 400);
    }

    [Fact]
    public async Task Records_UpsertGetDelete_RoundTrip()
    {
        await _http.PostJsonAsync("/v1/collections", new { name = "records" }, 201);
        object[] records =
        [
            new { id = "a#0", documentId = "a", text = "apples and pears", source = "fruit.md", title = "Fruit" },
            new { id = "b#0", documentId = "b", text = "carrots and peas", source = "veg.md" },
        ];

        JsonElement upserted = await _http.PostJsonAsync("/v1/collections/records/records", new { records });
        JsonElement got = await _http.PostJsonAsync("/v1/collections/records/records/get", new { ids = new[] { "a#0", "missing" } });
        JsonElement deleted = await _http.PostJsonAsync("/v1/collections/records/records/delete", new { ids = new[] { "a#0" } });
        JsonElement info = await _http.GetJsonAsync("/v1/collections/records");

        Assert.Equal(2, upserted.GetProperty("count").GetInt32());
        JsonElement record = Assert.Single(got.GetProperty("records").EnumerateArray());
        Assert.Equal("apples and pears", record.GetProperty("text").GetString());
        Assert.Equal("Fruit", record.GetProperty("title").GetString());
        Assert.Equal("fruit.md", record.GetProperty("source").GetString());
        Assert.Equal(1, deleted.GetProperty("count").GetInt32());
        Assert.Equal(1, info.GetProperty("count").GetInt32());
    }

    [Theory]
    [InlineData("vector")]
    [InlineData("keyword")]
    [InlineData("hybrid")]
    public async Task Search_EachMode_RanksTheMatchingChunkFirst(string mode)
    {
        await SeedAsync("search-" + mode);

        JsonElement body = await _http.PostJsonAsync($"/v1/collections/search-{mode}/search", new { query = "write ahead log durability", mode, top = 3 });

        JsonElement[] results = [.. body.GetProperty("results").EnumerateArray()];
        Assert.NotEmpty(results);
        Assert.Equal(mode, body.GetProperty("mode").GetString());
        Assert.Equal("wal", results[0].GetProperty("documentId").GetString());
        Assert.Equal(1, results[0].GetProperty("rank").GetInt32());
        double[] scores = [.. results.Select(r => r.GetProperty("score").GetDouble())];
        Assert.Equal(scores.OrderByDescending(s => s), scores);
    }

    [Fact]
    public async Task Search_Filters_EqualityAndInList()
    {
        await SeedAsync("filters");

        JsonElement equal = await _http.PostJsonAsync("/v1/collections/filters/search", new { query = "log snapshots graph city", mode = "keyword", top = 10, filter = new { source = "graph.md" } });
        JsonElement inList = await _http.PostJsonAsync("/v1/collections/filters/search", new { query = "log snapshots graph city", mode = "hybrid", top = 10, filter = new { documentId = new[] { "wal", "city" } } });

        Assert.All(equal.GetProperty("results").EnumerateArray(), r => Assert.Equal("graph.md", r.GetProperty("source").GetString()));
        Assert.NotEmpty(equal.GetProperty("results").EnumerateArray());
        string[] documents = [.. inList.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("documentId").GetString()!).Distinct().Order()];
        Assert.Equal(["city", "wal"], documents);
    }

    [Fact]
    public async Task Search_UnknownFilterFieldOrMode_IsProblem()
    {
        await SeedAsync("bad-search");

        using HttpResponseMessage field = await _http.PostAsJsonAsync("/v1/collections/bad-search/search", new { query = "x", filter = new { text = "DROP" } });
        using HttpResponseMessage mode = await _http.PostAsJsonAsync("/v1/collections/bad-search/search", new { query = "x", mode = "fuzzy" });
        using HttpResponseMessage missing = await _http.PostAsJsonAsync("/v1/collections/nope/search", new { query = "x" });

        Assert.Contains("text", (await Http.AssertProblemAsync(field, 400)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("mode", (await Http.AssertProblemAsync(mode, 400)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        await Http.AssertProblemAsync(missing, 404);
    }

    [Fact]
    public async Task Search_Rerank_UsesTheServersReranker()
    {
        await SeedAsync("rerank");

        JsonElement plain = await _http.PostJsonAsync("/v1/collections/rerank/search", new { query = "log", mode = "hybrid", top = 4, rerank = false });
        JsonElement reranked = await _http.PostJsonAsync("/v1/collections/rerank/search", new { query = "log", mode = "hybrid", top = 4, rerank = true });

        Assert.False(plain.GetProperty("reranked").GetBoolean());
        Assert.True(reranked.GetProperty("reranked").GetBoolean());
        JsonElement[] results = [.. reranked.GetProperty("results").EnumerateArray()];
        Assert.All(results, r => Assert.Equal(JsonValueKind.Number, r.GetProperty("rerankScore").ValueKind));
        int[] lengths = [.. results.Select(r => r.GetProperty("text").GetString()!.Length)];
        Assert.Equal(lengths.OrderByDescending(l => l), lengths); // LengthReranker: longer is better
    }

    [Fact]
    public async Task Ingest_JsonDocuments_ChunksAndMakesThemSearchable()
    {
        await _http.PostJsonAsync("/v1/collections", new { name = "ingest" }, 201);
        string longText = string.Join("\n\n", Enumerable.Range(0, 40).Select(i => $"Paragraph {i} talks about topic{i} and the shared words of this document."));
        object[] documents =
        [
            new { source = "guide/install.md", text = "# Install\n\nRun the installer.\n\n## Linux\n\nUse apt to install the zebra package." },
            new { id = "notes", source = "notes.txt", title = "Notes", text = longText },
        ];

        JsonElement result = await _http.PostJsonAsync("/v1/collections/ingest/documents", new { documents, maxTokens = 64 });
        JsonElement again = await _http.PostJsonAsync("/v1/collections/ingest/documents", new { documents, maxTokens = 64 });
        JsonElement search = await _http.PostJsonAsync("/v1/collections/ingest/search", new { query = "zebra package", mode = "keyword", top = 1 });

        Assert.Equal(2, result.GetProperty("documents").GetInt32());
        Assert.True(result.GetProperty("chunks").GetInt32() > 3, result.ToString());
        Assert.Equal(0, result.GetProperty("failed").GetInt32());
        Assert.Equal(2, again.GetProperty("skipped").GetInt32());
        JsonElement top = Assert.Single(search.GetProperty("results").EnumerateArray());
        Assert.Equal("guide/install.md", top.GetProperty("documentId").GetString());
        Assert.Equal("Install > Linux", top.GetProperty("headingPath").GetString());
    }

    [Fact]
    public async Task Ingest_MultipartFiles_ChunksAndMakesThemSearchable()
    {
        await _http.PostJsonAsync("/v1/collections", new { name = "upload" }, 201);
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.UTF8.GetBytes("# Kiwi\n\nThe kiwi is a flightless bird.")), "files", "kiwi.md" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes("<html><body><main><p>Otters hold hands while sleeping.</p></main></body></html>")), "files", "otter.html" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes("Plain text about walruses.")), "files", "walrus.txt" },
        };

        using HttpResponseMessage response = await _http.PostAsync("/v1/collections/upload/documents", form);
        JsonElement result = await Http.ReadAsync(response, 200);
        JsonElement search = await _http.PostJsonAsync("/v1/collections/upload/search", new { query = "otters sleeping", mode = "keyword", top = 1 });

        Assert.Equal(3, result.GetProperty("documents").GetInt32());
        Assert.Equal("otter.html", Assert.Single(search.GetProperty("results").EnumerateArray()).GetProperty("source").GetString());
    }

    [Fact]
    public async Task Ingest_InvalidUtf8File_IsProblem()
    {
        await _http.PostJsonAsync("/v1/collections", new { name = "bad-upload" }, 201);
        using var form = new MultipartFormDataContent { { new ByteArrayContent([0x61, 0xC3, 0x28, 0x62]), "files", "broken.txt" } };

        using HttpResponseMessage response = await _http.PostAsync("/v1/collections/bad-upload/documents", form);

        Assert.Contains("UTF-8", (await Http.AssertProblemAsync(response, 400)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GracefulShutdown_CheckpointsTheStore_RecordsSurviveReopen()
    {
        await _http.PostJsonAsync("/v1/collections", new { name = "durable" }, 201);
        object[] records = [.. Enumerable.Range(0, 20).Select(i => new { id = $"r{i}", text = $"record number {i}" })];
        await _http.PostJsonAsync("/v1/collections/durable/records", new { records });

        await _server.StopAsync();

        string folder = Path.Combine(_server.StorePath, "durable");
        Assert.True(File.Exists(Path.Combine(folder, "checkpoint.bin")), "no checkpoint was written at shutdown");
        Assert.True(File.Exists(Path.Combine(folder, "embedding.json")));
        using var store = new HnswVectorStore(_server.StorePath, new HnswVectorStoreOptions { EmbeddingGenerator = new TestEmbeddingGenerator(Dimensions) });
        var collection = store.GetCollection<string, ChunkRecord>("durable", new HnswCollectionOptions { Definition = ChunkRecordDefinition.Create(Dimensions) });
        Assert.Equal(20, collection.Count);
    }

    private async Task SeedAsync(string name)
    {
        await _http.PostJsonAsync("/v1/collections", new { name }, 201);
        object[] records =
        [
            new { id = "wal#0", documentId = "wal", source = "wal.md", text = "The write ahead log makes every acknowledged write durable before it returns." },
            new { id = "snap#0", documentId = "snap", source = "snap.md", text = "Snapshots replace the log contents at checkpoints." },
            new { id = "graph#0", documentId = "graph", source = "graph.md", text = "The graph links each vector to its nearest neighbours." },
            new { id = "city#0", documentId = "city", source = "city.md", text = "Berlin is a city with many inhabitants and a long log of history." },
        ];
        await _http.PostJsonAsync($"/v1/collections/{name}/records", new { records });
    }

    /// <summary>A reranker double: longer passages score higher.</summary>
    private sealed class LengthReranker : IReranker
    {
        public Task<IReadOnlyList<double>> ScoreAsync(string query, IReadOnlyList<string> documents, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<double>>([.. documents.Select(d => (double)d.Length)]);
    }
}
