using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LlamaDb.Server.Tests.Infrastructure;

namespace LlamaDb.Server.Tests;

/// <summary>Many clients at once, requests racing a collection delete, and /ask against a loopback chat-completions server (JSON and SSE).</summary>
public sealed class ConcurrencyAndAskTests : IAsyncLifetime
{
    /// <summary>How long a test waits for the other side before it fails: a bound on a deadlock, not a timing.</summary>
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(30);

    private readonly HoldingEmbeddingGenerator _embedder = new(32);
    private FakeChatServer _chat = null!;
    private ServerHost _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _chat = await FakeChatServer.StartAsync();
        _server = await ServerHost.StartAsync(
            o => o.EmbeddingGenerator = _embedder,
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
    public async Task Ask_Stream_EachDeltaReachesTheClientBeforeTheModelWritesTheNext()
    {
        await SeedAsync("ask-paced");
        // The model writes piece N+1 only once this client has read delta N from /ask; a server that buffered the
        // answer would never send delta N, and the model gives up waiting after the bound and writes the rest at once.
        TaskCompletionSource[] seen = [.. Enumerable.Range(0, 16).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously))];
        int stalledAt = -1;
        _chat.BeforePiece = async piece =>
        {
            if (Volatile.Read(ref stalledAt) >= 0)
            {
                return;
            }

            try
            {
                await seen[piece - 1].Task.WaitAsync(s_bound);
            }
            catch (TimeoutException)
            {
                Interlocked.CompareExchange(ref stalledAt, piece, -1);
            }
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ask")
        {
            Content = JsonContent.Create(new { question = "How are writes made durable?", collection = "ask-paced", mode = "keyword", top = 3, stream = true }),
        };
        using var reading = new CancellationTokenSource(s_bound * 3);

        using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, reading.Token);
        var deltas = new List<string>();
        var startedWhenSeen = new List<int>();
        string? done = null;
        using (var reader = new StreamReader(await response.Content.ReadAsStreamAsync(reading.Token), Encoding.UTF8))
        {
            string? name = null;
            while (await reader.ReadLineAsync(reading.Token) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line["event: ".Length..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    JsonElement data = JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone();
                    Assert.True(name != "error", $"/ask reported an error: {data}");
                    if (name == "delta")
                    {
                        // How many pieces the model had begun when this one arrived: it starts N+1 only after seen[N].
                        startedWhenSeen.Add(_chat.PiecesStarted);
                        deltas.Add(data.GetProperty("text").GetString()!);
                        seen[deltas.Count - 1].TrySetResult();
                    }
                    else if (name == "done")
                    {
                        done = data.GetProperty("answer").GetString();
                    }
                }
            }
        }

        Assert.True(stalledAt < 0, $"the model waited {s_bound.TotalSeconds:0} s for the client to read delta {stalledAt - 1}: /ask held the answer back");
        IReadOnlyList<string> pieces = FakeChatServer.AnswerPieces(_chat.LastPrompt!);
        Assert.Equal(pieces, deltas);
        Assert.Equal(Enumerable.Range(1, pieces.Count), startedWhenSeen); // delta N arrived while the model had begun only N+1 pieces
        Assert.Equal(string.Concat(pieces), done);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Ask_CollectionDeletedWhileTheQuestionIsEmbedded_Is404Problem(bool stream)
    {
        await SeedAsync("ask-doomed");
        const string Question = "Which log makes the writes durable?";
        HoldingEmbeddingGenerator.Hold hold = _embedder.HoldOn(Question);

        // /ask has opened the collection (GetAsync passed) and is embedding the question for the vector search.
        Task<HttpResponseMessage> asking = _http.PostAsJsonAsync("/ask", new { question = Question, collection = "ask-doomed", mode = "vector", top = 3, stream });
        await hold.Reached.Task.WaitAsync(s_bound);
        using (HttpResponseMessage deleted = await _http.DeleteAsync("/v1/collections/ask-doomed"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        hold.Release();
        using HttpResponseMessage response = await asking.WaitAsync(s_bound);

        JsonElement problem = await Http.AssertProblemAsync(response, 404);
        Assert.Contains("'ask-doomed'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, _chat.Requests);
    }

    [Fact]
    public async Task Search_CollectionDeletedWhileTheQueryIsEmbedded_Is404Problem()
    {
        await SeedAsync("search-doomed");
        const string Query = "nearest neighbours of the graph";
        HoldingEmbeddingGenerator.Hold hold = _embedder.HoldOn(Query);

        Task<HttpResponseMessage> searching = _http.PostAsJsonAsync("/v1/collections/search-doomed/search", new { query = Query, mode = "vector", top = 3 });
        await hold.Reached.Task.WaitAsync(s_bound);
        using (HttpResponseMessage deleted = await _http.DeleteAsync("/v1/collections/search-doomed"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        hold.Release();
        using HttpResponseMessage response = await searching.WaitAsync(s_bound);

        JsonElement problem = await Http.AssertProblemAsync(response, 404);
        Assert.Contains("'search-doomed'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
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
