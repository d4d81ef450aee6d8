using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace LlamaDb.Server.Tests.Infrastructure;

/// <summary>The LlamaDb server on Kestrel at 127.0.0.1 (port 0) over a real store in a temporary folder.</summary>
public sealed class ServerHost : IAsyncDisposable
{
    private readonly bool _ownsStore;
    private bool _stopped;

    private ServerHost(WebApplication app, string storePath, bool ownsStore)
    {
        App = app;
        StorePath = storePath;
        _ownsStore = ownsStore;
    }

    public WebApplication App { get; }

    public string StorePath { get; }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Starts a server; <paramref name="configure"/> sets the options (an embedder is required unless a model is given).</summary>
    public static async Task<ServerHost> StartAsync(Action<LlamaDbServerOptions> configure, params string[] args)
    {
        string store = Path.Combine(Path.GetTempPath(), "llamadb-server-tests", Guid.NewGuid().ToString("N"));
        var options = new LlamaDbServerOptions { StorePath = store, Urls = "http://127.0.0.1:0" };
        configure(options);
        // Pins every setting a caller's environment could supply (LLAMADB_* or LlamaDb__* variables) to "unset"; the
        // test's own args come later and win.
        string[] allArgs =
        [
            "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.AspNetCore=Warning",
            "--LlamaDb:Server:ApiKeys=", "--LlamaDb:Server:Model=", "--LlamaDb:Server:Reranker=",
            "--LlamaDb:Chat:Endpoint=", "--LlamaDb:Chat:Model=", "--LlamaDb:Chat:ApiKey=", "--AllowedHosts=",
            .. args,
        ];
        WebApplication app = LlamaDbServer.Build(options, allArgs);
        var host = new ServerHost(app, options.StorePath!, ownsStore: options.StorePath == store);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        host.BaseAddress = new Uri(address);
        return host;
    }

    /// <summary>A client for the server, with <paramref name="apiKey"/> as bearer token when given.</summary>
    public HttpClient CreateClient(string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }

    /// <summary>Stops the server gracefully (checkpoint, store closed) without deleting the store.</summary>
    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_ownsStore && Directory.Exists(StorePath))
        {
            Directory.Delete(StorePath, recursive: true);
        }
    }
}

/// <summary>JSON helpers for the tests.</summary>
public static class Http
{
    public static async Task<JsonElement> PostJsonAsync(this HttpClient client, string path, object body, int expectedStatus = 200)
    {
        using HttpResponseMessage response = await client.PostAsJsonAsync(path, body);
        return await ReadAsync(response, expectedStatus);
    }

    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string path, int expectedStatus = 200)
    {
        using HttpResponseMessage response = await client.GetAsync(path);
        return await ReadAsync(response, expectedStatus);
    }

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response, int expectedStatus)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == expectedStatus, $"Expected {expectedStatus}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts a problem-details response with <paramref name="status"/>; returns its body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, int status)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"Expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        JsonElement problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        return problem;
    }
}
