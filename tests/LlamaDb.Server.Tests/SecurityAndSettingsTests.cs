using System.Collections;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LlamaDb.Server.Hosting;
using LlamaDb.Server.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace LlamaDb.Server.Tests;

/// <summary>Cross-site request checks, JSON content type, host filtering, and how API keys and LLAMADB_* variables are read.</summary>
public sealed class SecurityAndSettingsTests : IAsyncLifetime
{
    private ServerHost _server = null!;

    public async Task InitializeAsync() =>
        _server = await ServerHost.StartAsync(o => o.EmbeddingGenerator = new TestEmbeddingGenerator(16));

    public Task DisposeAsync() => _server.DisposeAsync().AsTask();

    [Theory]
    [InlineData(null)]
    [InlineData("text/plain; charset=json")]
    [InlineData("text/plain")]
    public async Task JsonEndpoint_WithoutJsonContentType_Is415(string? contentType)
    {
        using HttpClient http = _server.CreateClient();
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"name\":\"csrf\"}"));
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        using HttpResponseMessage response = await http.PostAsync("/v1/collections", content);

        await Http.AssertProblemAsync(response, 415);
        await Http.GetJsonAsync(http, "/v1/collections/csrf", 404);
    }

    [Fact]
    public async Task StateChange_SecFetchSiteCrossSite_Is403NamingTheCheck()
    {
        using HttpClient http = _server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/collections") { Content = JsonContent.Create(new { name = "xsite" }) };
        request.Headers.Add("Sec-Fetch-Site", "cross-site");

        using HttpResponseMessage response = await http.SendAsync(request);

        JsonElement problem = await Http.AssertProblemAsync(response, 403);
        Assert.Contains("Sec-Fetch-Site", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MultipartIngest_FromOtherOrigin_Is403NamingTheCheck()
    {
        using HttpClient http = _server.CreateClient();
        await http.PostJsonAsync("/v1/collections", new { name = "origin" }, 201);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/collections/origin/documents")
        {
            Content = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes("planted text")), "files", "evil.txt" } },
        };
        request.Headers.Add("Origin", "http://evil.example");

        using HttpResponseMessage response = await http.SendAsync(request);

        JsonElement problem = await Http.AssertProblemAsync(response, 403);
        Assert.Contains("Origin", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        JsonElement info = await http.GetJsonAsync("/v1/collections/origin");
        Assert.Equal(0, info.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task StateChange_SameOrigin_IsServed()
    {
        using HttpClient http = _server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/collections") { Content = JsonContent.Create(new { name = "same" }) };
        request.Headers.Add("Origin", _server.BaseAddress.GetLeftPart(UriPartial.Authority));
        request.Headers.Add("Sec-Fetch-Site", "same-origin");

        using HttpResponseMessage response = await http.SendAsync(request);

        await Http.ReadAsync(response, 201);
    }

    [Fact]
    public async Task LoopbackServer_OtherHostHeader_IsRejected()
    {
        using HttpClient http = _server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/collections");
        request.Headers.Host = "rebound.example";

        using HttpResponseMessage response = await http.SendAsync(request);

        Assert.Equal(400, (int)response.StatusCode);
    }

    [Theory]
    [InlineData("http://127.0.0.1:0", null, "localhost;127.0.0.1;[::1]")]
    [InlineData("http://localhost:5000;http://[::1]:5001", null, "localhost;127.0.0.1;[::1]")]
    [InlineData("http://0.0.0.0:8080", null, null)]
    [InlineData("http://*:8080", null, null)]
    [InlineData("http://127.0.0.1:8080", "example.org", "example.org")]
    public void LimitHostsWhenLoopbackOnly_SetsAllowedHostsOnlyForLoopbackWithoutConfiguration(string urls, string? configured, string? expected)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AllowedHosts"] = configured }).Build();

        LlamaDbServer.LimitHostsWhenLoopbackOnly(configuration, urls);

        Assert.Equal(expected, configuration["AllowedHosts"]);
    }

    [Theory]
    [InlineData("secret")]
    [InlineData("other, secret")]
    public void ApiKeys_PlainString_IsSplitOnCommas(string value)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["LlamaDb:Server:ApiKeys"] = value }).Build();

        ServerSettings settings = ServerSettings.Resolve(new LlamaDbServerOptions { StorePath = "store" }, configuration);

        Assert.Contains("secret", settings.ApiKeys);
        Assert.Equal(value.Split(',').Length, settings.ApiKeys.Count);
    }

    [Fact]
    public async Task ApiKeys_PlainStringSetting_RequiresTheKey()
    {
        await using ServerHost server = await ServerHost.StartAsync(o => o.EmbeddingGenerator = new TestEmbeddingGenerator(16), "--LlamaDb:Server:ApiKeys=secret");

        using HttpResponseMessage anonymous = await server.CreateClient().GetAsync("/v1/collections");
        using HttpResponseMessage keyed = await server.CreateClient("secret").GetAsync("/v1/collections");

        await Http.AssertProblemAsync(anonymous, 401);
        await Http.ReadAsync(keyed, 200);
    }

    [Fact]
    public void FromEnvironment_MapsLlamaDbVariables_BelowConfiguration()
    {
        var variables = new Hashtable
        {
            ["LLAMADB_API_KEYS"] = "env-a,env-b",
            ["LLAMADB_RERANK_MODEL"] = "rerank-dir",
            ["LLAMADB_CHAT_ENDPOINT"] = "http://127.0.0.1:1/v1",
            ["LLAMADB_CHAT_MODEL"] = "env-model",
            ["LLAMADB_STORE"] = "env-store",
            ["UNRELATED"] = "x",
        };
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(ServerSettings.FromEnvironment(variables))
            .AddInMemoryCollection(new Dictionary<string, string?> { ["LlamaDb:Chat:Model"] = "configured-model" })
            .Build();

        ServerSettings settings = ServerSettings.Resolve(new LlamaDbServerOptions(), configuration);

        Assert.Equal(["env-a", "env-b"], settings.ApiKeys);
        Assert.Equal("rerank-dir", settings.RerankerModel);
        Assert.Equal("env-store", settings.StorePath);
        Assert.Equal(new Uri("http://127.0.0.1:1/v1"), settings.ChatEndpoint);
        Assert.Equal("configured-model", settings.ChatModel);
    }
}
