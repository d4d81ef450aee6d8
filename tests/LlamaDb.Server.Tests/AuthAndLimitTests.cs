using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LlamaDb.Server.Tests.Infrastructure;
using OpenAI;
using OpenAI.Embeddings;

namespace LlamaDb.Server.Tests;

/// <summary>API keys, every limit, malformed JSON and the /ask 503 without a chat endpoint.</summary>
public sealed class AuthAndLimitTests : IAsyncLifetime
{
    private const string Key = "test-key-1";
    private ServerHost _server = null!;

    public async Task InitializeAsync() =>
        _server = await ServerHost.StartAsync(
            o =>
            {
                o.EmbeddingGenerator = new TestEmbeddingGenerator(16);
                o.Limits = new ServerLimits { MaxRequestBodyBytes = 64 * 1024, MaxInputsPerRequest = 4, MaxTop = 5, MaxTextLength = 200 };
            },
            // Keys from configuration, as an operator would set them.
            "--LlamaDb:Server:ApiKeys:0=other-key", $"--LlamaDb:Server:ApiKeys:1={Key}");

    public Task DisposeAsync() => _server.DisposeAsync().AsTask();

    [Fact]
    public async Task Auth_NoKey_Is401WithBearerChallenge()
    {
        using HttpClient http = _server.CreateClient();

        using HttpResponseMessage response = await http.PostAsJsonAsync("/v1/embeddings", new { input = "x", model = "m" });

        await Http.AssertProblemAsync(response, 401);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    [Fact]
    public async Task Auth_WrongKey_Is401()
    {
        using HttpClient http = _server.CreateClient("not-the-key");

        using HttpResponseMessage response = await http.GetAsync("/v1/collections");

        await Http.AssertProblemAsync(response, 401);
    }

    [Fact]
    public async Task Auth_OpenAISdkWithWrongKey_Throws401()
    {
        var client = new EmbeddingClient("m", new ApiKeyCredential("wrong"), new OpenAIClientOptions { Endpoint = new Uri(_server.BaseAddress, "/v1") });

        ClientResultException ex = await Assert.ThrowsAsync<ClientResultException>(() => client.GenerateEmbeddingAsync("x"));

        Assert.Equal(401, ex.Status);
    }

    [Fact]
    public async Task Auth_RightKey_IsServed_AndHealthAndPageAreOpen()
    {
        using HttpClient authorized = _server.CreateClient(Key);
        using HttpClient anonymous = _server.CreateClient();

        using HttpResponseMessage embeddings = await authorized.PostAsJsonAsync("/v1/embeddings", new { input = "x", model = "m" });
        using HttpResponseMessage health = await anonymous.GetAsync("/health");
        using HttpResponseMessage page = await anonymous.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, embeddings.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task Limit_MaxRequestBodyBytes_Is413NamingTheLimit()
    {
        using HttpClient http = _server.CreateClient(Key);
        string big = new('a', 100 * 1024);

        using HttpResponseMessage response = await http.PostAsync("/v1/embeddings", new StringContent($"{{\"input\":\"{big}\",\"model\":\"m\"}}", Encoding.UTF8, "application/json"));

        AssertLimit(await Http.AssertProblemAsync(response, 413), "MaxRequestBodyBytes");
    }

    [Fact]
    public async Task Limit_MaxRequestBodyBytes_ChunkedBodyWithoutLength_Is413()
    {
        using HttpClient http = _server.CreateClient(Key);
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($"{{\"input\":\"{new string('a', 100 * 1024)}\"}}")));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/embeddings") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using HttpResponseMessage response = await http.SendAsync(request);

        AssertLimit(await Http.AssertProblemAsync(response, 413), "MaxRequestBodyBytes");
    }

    [Fact]
    public async Task Limit_MaxInputsPerRequest_NamesTheLimit()
    {
        using HttpClient http = _server.CreateClient(Key);

        using HttpResponseMessage embeddings = await http.PostAsJsonAsync("/v1/embeddings", new { input = new[] { "a", "b", "c", "d", "e" }, model = "m" });
        using HttpResponseMessage rerank = await http.PostAsJsonAsync("/v2/embed", new { texts = new[] { "a", "b", "c", "d", "e" }, model = "m" });

        AssertLimit(await Http.AssertProblemAsync(embeddings, 400), "MaxInputsPerRequest");
        AssertLimit(await Http.AssertProblemAsync(rerank, 400), "MaxInputsPerRequest");
    }

    [Fact]
    public async Task Limit_MaxTop_NamesTheLimit()
    {
        using HttpClient http = _server.CreateClient(Key);
        await http.PostJsonAsync("/v1/collections", new { name = "top" }, 201);

        using HttpResponseMessage response = await http.PostAsJsonAsync("/v1/collections/top/search", new { query = "x", top = 6 });

        AssertLimit(await Http.AssertProblemAsync(response, 400), "MaxTop");
    }

    [Fact]
    public async Task Limit_MaxTextLength_NamesTheLimit()
    {
        using HttpClient http = _server.CreateClient(Key);

        using HttpResponseMessage response = await http.PostAsJsonAsync("/v1/embeddings", new { input = new[] { "short", new string('b', 201) }, model = "m" });

        JsonElement problem = await Http.AssertProblemAsync(response, 400);
        AssertLimit(problem, "MaxTextLength");
        Assert.Contains("input[1]", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/embeddings", "{\"input\": [\"a\",")]
    [InlineData("/v1/collections", "{name: 'x'}")]
    [InlineData("/v2/rerank", "not json")]
    [InlineData("/ask", "{\"question\": 1e999999999}")]
    public async Task MalformedJson_Is400Problem(string path, string body)
    {
        using HttpClient http = _server.CreateClient(Key);

        using HttpResponseMessage response = await http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

        JsonElement problem = await Http.AssertProblemAsync(response, 400);
        Assert.Equal("Malformed JSON", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Ask_WithoutChatEndpoint_Is503NamingTheSetting()
    {
        using HttpClient http = _server.CreateClient(Key);

        using HttpResponseMessage response = await http.PostAsJsonAsync("/ask", new { question = "anything?" });

        JsonElement problem = await Http.AssertProblemAsync(response, 503);
        Assert.Contains("LlamaDb:Chat:Endpoint", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static void AssertLimit(JsonElement problem, string limit)
    {
        Assert.Equal(limit, problem.GetProperty("limit").GetString());
        Assert.Contains(limit, problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Contains(limit, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
