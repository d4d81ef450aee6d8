using System.Net.Http.Json;
using System.Text.Json;
using LlamaDb.Retrieval;
using LlamaDb.Retrieval.Onnx;
using LlamaDb.Server.Tests.Infrastructure;

namespace LlamaDb.Server.Tests;

/// <summary>/v2/rerank with the real cross-encoder (synthetic-crossencoder-tiny), called by LlamaDb's CohereReranker and raw JSON.</summary>
public sealed class RerankEndpointTests : IAsyncLifetime
{
    private static readonly string s_reranker = TestPaths.Models("synthetic-crossencoder-tiny");
    private static readonly string[] s_documents =
    [
        "The write-ahead log makes acknowledged writes durable.",
        "Snapshots replace the log at checkpoints.",
        "Berlin has about 3.7 million inhabitants.",
        "HNSW graphs link each vector to its nearest neighbours.",
    ];

    private ServerHost _server = null!;
    private CrossEncoderReranker _reference = null!;

    public async Task InitializeAsync()
    {
        _reference = await CrossEncoderReranker.CreateAsync(s_reranker);
        _server = await ServerHost.StartAsync(o =>
        {
            o.EmbeddingGenerator = new TestEmbeddingGenerator(32);
            o.RerankerModel = s_reranker;
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _reference.Dispose();
    }

    [Fact]
    public async Task CohereReranker_AgainstServer_ReturnsTheCrossEncodersScores()
    {
        using var client = new CohereReranker(new CohereRerankerOptions { Endpoint = _server.BaseAddress, ApiKey = "", Model = "rerank-test" });

        IReadOnlyList<double> scores = await client.ScoreAsync("how are writes made durable?", s_documents);

        IReadOnlyList<double> expected = await _reference.ScoreAsync("how are writes made durable?", s_documents);
        Assert.Equal(expected.Count, scores.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i], scores[i], 5);
        }
    }

    [Fact]
    public async Task CohereReranker_MoreDocumentsThanMaxTop_IsServed()
    {
        using var client = new CohereReranker(new CohereRerankerOptions { Endpoint = _server.BaseAddress, ApiKey = "", Model = "rerank-test" });
        string[] documents = [.. Enumerable.Range(0, 150).Select(i => s_documents[i % s_documents.Length] + $" ({i})")];

        IReadOnlyList<double> scores = await client.ScoreAsync("how are writes made durable?", documents);

        Assert.Equal(150, scores.Count);
    }

    [Fact]
    public async Task Rerank_TopNAboveMaxTop_ReturnsEveryDocument()
    {
        using HttpClient http = _server.CreateClient();

        JsonElement body = await http.PostJsonAsync("/v2/rerank", new { query = "q", documents = s_documents, top_n = 500 });

        Assert.Equal(s_documents.Length, body.GetProperty("results").GetArrayLength());
    }

    [Fact]
    public async Task Rerank_TopNZero_IsProblem()
    {
        using HttpClient http = _server.CreateClient();

        using HttpResponseMessage response = await http.PostAsJsonAsync("/v2/rerank", new { query = "q", documents = s_documents, top_n = 0 });

        await Http.AssertProblemAsync(response, 400);
    }

    [Fact]
    public async Task Rerank_TopNAndObjectsAndReturnDocuments_SortedByScore()
    {
        using HttpClient http = _server.CreateClient();
        object[] documents = [s_documents[0], new { text = s_documents[1] }, s_documents[2], new { text = s_documents[3] }];

        JsonElement body = await http.PostJsonAsync("/v2/rerank", new { model = "m", query = "log durability", documents, top_n = 3, return_documents = true });

        JsonElement[] results = [.. body.GetProperty("results").EnumerateArray()];
        Assert.Equal(3, results.Length);
        IReadOnlyList<double> expected = await _reference.ScoreAsync("log durability", s_documents);
        int[] expectedOrder = [.. Enumerable.Range(0, 4).OrderByDescending(i => expected[i]).Take(3)];
        Assert.Equal(expectedOrder, results.Select(r => r.GetProperty("index").GetInt32()));
        double[] scores = [.. results.Select(r => r.GetProperty("relevance_score").GetDouble())];
        Assert.Equal(scores.OrderByDescending(s => s), scores);
        Assert.Equal(s_documents[expectedOrder[0]], results[0].GetProperty("document").GetProperty("text").GetString());
    }

    [Fact]
    public async Task Rerank_DocumentOfWrongShape_IsProblem()
    {
        using HttpClient http = _server.CreateClient();

        using HttpResponseMessage response = await http.PostAsJsonAsync("/v2/rerank", new { query = "q", documents = new object[] { "ok", 42 } });

        JsonElement problem = await Http.AssertProblemAsync(response, 400);
        Assert.Contains("documents[1]", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
