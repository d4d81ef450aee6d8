using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LlamaDb.Retrieval.Tests.Reranking;

/// <summary>
/// A real HTTP server on 127.0.0.1 speaking Cohere's <c>/v2/rerank</c> protocol. By default it scores each document by
/// how many query words it contains (divided by 10) and returns the results best first; queued responses override that.
/// </summary>
internal sealed class RerankTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Func<HttpContext, Task>> _scripted = new();

    private RerankTestServer(WebApplication app, string pathPrefix)
    {
        _app = app;
        app.MapPost(pathPrefix + "/v2/rerank", HandleAsync);
    }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public Uri BaseAddress { get; private set; } = null!; // set by StartAsync

    public static async Task<RerankTestServer> StartAsync(string pathPrefix = "")
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var server = new RerankTestServer(builder.Build(), pathPrefix);
        await server._app.StartAsync();
        server.BaseAddress = new Uri(server._app.Urls.First() + pathPrefix);
        return server;
    }

    /// <summary>Queues a response for the next request (answered in order; then the default scorer answers).</summary>
    public void Enqueue(int status, string body, string? retryAfter = null) => _scripted.Enqueue(async context =>
    {
        context.Response.StatusCode = status;
        if (retryAfter is not null)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body);
    });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using JsonDocument body = await JsonDocument.ParseAsync(context.Request.Body);
        JsonElement root = body.RootElement;
        var request = new RecordedRequest(
            context.Request.Path,
            context.Request.Headers.Authorization.ToString(),
            root.GetProperty("model").GetString()!,
            root.GetProperty("query").GetString()!,
            [.. root.GetProperty("documents").EnumerateArray().Select(d => d.GetString()!)],
            root.GetProperty("top_n").GetInt32(),
            root.TryGetProperty("max_tokens_per_doc", out JsonElement maxTokens) ? maxTokens.GetInt32() : null);
        Requests.Enqueue(request);

        if (_scripted.TryDequeue(out Func<HttpContext, Task>? scripted))
        {
            await scripted(context);
            return;
        }

        string[] queryWords = request.Query.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var results = request.Documents
            .Select((d, i) => new { index = i, relevance_score = queryWords.Count(w => d.Contains(w, StringComparison.OrdinalIgnoreCase)) / 10.0 })
            .OrderByDescending(r => r.relevance_score)
            .Take(request.TopN)
            .ToArray();
        await context.Response.WriteAsJsonAsync(new { id = "test", results, meta = new { api_version = new { version = "2" } } });
    }

    internal sealed record RecordedRequest(string Path, string Authorization, string Model, string Query, string[] Documents, int TopN, int? MaxTokensPerDocument);
}
