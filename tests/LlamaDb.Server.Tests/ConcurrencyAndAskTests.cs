using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LlamaDb.Server.Tests.Infrastructure;

namespace LlamaDb.Server.Tests;

/// <summary>Many clients at once, and /ask against a loopback chat-completions server (JSON and SSE).</summary>
public sealed class ConcurrencyAndAskTests : IAsyncLifetime
{
    private FakeChatServer _chat = null!;
    private ServerHost _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _chat = await FakeChatServer.StartAsync();
        _server = await ServerHost.StartAsync(
            o => o.EmbeddingGenerator = new TestEmbeddingGenerator(32),
            $"--LlamaDb:Chat:Endpoint={_chat.V1}", "--LlamaDb:Chat:Model=fake-chat");
        _http = _server.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        await _chat.DisposeAsync();
    }

    [Fact]
    public async Task FiftyClients_MixingSearchAndUpsert_NoErrorsNoLostWrites()
    {
        await _http.PostJsonAsync("/v1/collections", new { name = "busy" }, 201);
        const int Clients = 50;
        const int WritesPerClient = 4;
        using var start = new SemaphoreSlim(0, Clients);

        Task[] clients = [.. Enumerable.Range(0, Clients).Select(async c =>
        {
            using HttpClient http = _server.CreateClient();
            await start.WaitAsync();
            for (int i = 0; i < WritesPerClient; i++)
            {
                object[] records = [new { id = $"c{c}-r{i}", documentId = $"c{c}", text = $"client {c} writes record {i} about topic{c % 7}" }];
                JsonElement upserted = await http.PostJsonAsync("/v1/collections/busy/records", new { records });
                Assert.Equal(1, upserted.GetProperty("upserted").GetInt32());
                string mode = ((c + i) % 3) switch { 0 => "vector", 1 => "keyword", _ => "hybrid" };
                JsonElement found = await http.PostJsonAsync("/v1/collections/busy/search", new { query = $"topic{c % 7} record", mode, top = 5 });
                Assert.Equal(JsonValueKind.Array, found.GetProperty("results").ValueKind);
            }
        })];
        start.Release(Clients);
        await Task.WhenAll(clients);

        JsonElement info = await _http.GetJsonAsync("/v1/collections/busy");
        Assert.Equal(Clients * WritesPerClient, info.GetProperty("count").GetInt32());
        JsonElement some = await _http.PostJsonAsync("/v1/collections/busy/records/get", new { ids = new[] { "c0-r0", "c49-r3", "c25-r2" } });
        Assert.Equal(3, some.GetProperty("records").GetArrayLength());
    }

    [Fact]
    public async Task Ask_Json_AnswersWithCitations()
    {
        await SeedAsync("ask-json");

        JsonElement answer = await _http.PostJsonAsync("/ask", new { question = "How are writes made durable?", collection = "ask-json", mode = "keyword", top = 3 });

        Assert.Contains("[1]", answer.GetProperty("answer").GetString(), StringComparison.Ordinal);
        JsonElement citation = Assert.Single(answer.GetProperty("citations").EnumerateArray());
        Assert.Equal(1, citation.GetProperty("number").GetInt32());
        Assert.Equal("wal", citation.GetProperty("documentId").GetString());
        Assert.Contains("write ahead log", answer.GetProperty("answer").GetString(), StringComparison.Ordinal);
        Assert.Contains("write ahead log", _chat.LastPrompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_Stream_SendsDeltasThenDoneWithCitations()
    {
        await SeedAsync("ask-stream");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ask")
        {
            Content = JsonContent.Create(new { question = "How are writes made durable?", collection = "ask-stream", mode = "keyword", top = 3, stream = true }),
        };

        using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = new List<(string Name, JsonElement Data)>();
        using (var reader = new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8))
        {
            string? name = null;
            while (await reader.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line["event: ".Length..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    events.Add((name!, JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone()));
                }
            }
        }

        string[] deltas = [.. events.Where(e => e.Name == "delta").Select(e => e.Data.GetProperty("text").GetString()!)];
        Assert.True(deltas.Length >= 3, $"expected several deltas, got {deltas.Length}");
        (string last, JsonElement done) = events[^1];
        Assert.Equal("done", last);
        Assert.Equal(string.Concat(deltas), done.GetProperty("answer").GetString());
        Assert.Equal("wal", Assert.Single(done.GetProperty("citations").EnumerateArray()).GetProperty("documentId").GetString());
    }

    [Fact]
    public async Task Ask_UnknownCollection_Is404Problem()
    {
        using HttpResponseMessage response = await _http.PostAsJsonAsync("/ask", new { question = "q?", collection = "missing", stream = true });

        await Http.AssertProblemAsync(response, 404);
    }

    private async Task SeedAsync(string name)
    {
        await _http.PostJsonAsync("/v1/collections", new { name }, 201);
        object[] records =
        [
            new { id = "wal#0", documentId = "wal", source = "wal.md", text = "The write ahead log makes writes durable before they are acknowledged." },
            new { id = "graph#0", documentId = "graph", source = "graph.md", text = "The graph links each vector to its nearest neighbours." },
        ];
        await _http.PostJsonAsync($"/v1/collections/{name}/records", new { records });
    }
}
