using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlamaDb.Server.Tests.Infrastructure;

/// <summary>
/// A loopback chat-completions server speaking OpenAI's wire format (JSON, or server-sent events ending in
/// <c>data: [DONE]</c>). Its "model" answers by quoting the first line of source [1] from the prompt and citing it, so a
/// test can check that retrieval reached the model and that the citation comes back.
/// </summary>
public sealed partial class FakeChatServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;
    private int _piecesStarted;

    private FakeChatServer(WebApplication app) => _app = app;

    public Uri V1 { get; private set; } = null!;

    public int Requests => Volatile.Read(ref _requests);

    public string? LastPrompt { get; private set; }

    /// <summary>The streamed pieces this server has begun to write so far, over all requests (counted before each write).</summary>
    public int PiecesStarted => Volatile.Read(ref _piecesStarted);

    /// <summary>
    /// When set, a streamed answer awaits it (with the piece's index) before writing each piece after the first, so a
    /// test can hold piece N+1 until its client has seen piece N.
    /// </summary>
    public Func<int, Task>? BeforePiece { get; set; }

    public static async Task<FakeChatServer> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        WebApplication app = builder.Build();
        var server = new FakeChatServer(app);
        app.MapPost("/v1/chat/completions", server.HandleAsync);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.V1 = new Uri(address.TrimEnd('/') + "/v1");
        return server;
    }

    /// <summary>The answer's pieces for a prompt: they are streamed one per event.</summary>
    public static IReadOnlyList<string> AnswerPieces(string prompt)
    {
        Match source = SourceOne().Match(prompt);
        string quote = source.Success ? source.Groups[1].Value.Trim() : "nothing";
        if (quote.Length > 60)
        {
            quote = quote[..60];
        }

        return ["From the knowledge base: ", "\"", quote, "\"", " [1]."];
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        JsonNode request = (await JsonNode.ParseAsync(context.Request.Body))!;
        string prompt = string.Join("\n", request["messages"]!.AsArray().Select(m => ContentOf(m!["content"])));
        LastPrompt = prompt;
        string model = request["model"]!.GetValue<string>();
        IReadOnlyList<string> pieces = AnswerPieces(prompt);
        if (request["stream"]?.GetValue<bool>() == true)
        {
            context.Response.ContentType = "text/event-stream";
            for (int i = 0; i < pieces.Count; i++)
            {
                if (i > 0 && BeforePiece is { } before)
                {
                    await before(i);
                }

                Interlocked.Increment(ref _piecesStarted);
                await WriteEventAsync(context, Chunk(model, new JsonObject { ["content"] = pieces[i] }, null));
            }

            await WriteEventAsync(context, Chunk(model, new JsonObject(), "stop"));
            await context.Response.WriteAsync("data: [DONE]\n\n");
            return;
        }

        var completion = new JsonObject
        {
            ["id"] = "chatcmpl-test",
            ["object"] = "chat.completion",
            ["created"] = 1700000000,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = string.Concat(pieces) },
                ["finish_reason"] = "stop",
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 10, ["completion_tokens"] = 5, ["total_tokens"] = 15 },
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(completion.ToJsonString());
    }

    private static string ContentOf(JsonNode? content) => content switch
    {
        JsonValue value => value.GetValue<string>(),
        JsonArray parts => string.Join("", parts.Select(p => p?["text"]?.GetValue<string>() ?? string.Empty)),
        _ => string.Empty,
    };

    private static JsonObject Chunk(string model, JsonObject delta, string? finish) => new()
    {
        ["id"] = "chatcmpl-test",
        ["object"] = "chat.completion.chunk",
        ["created"] = 1700000000,
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish }),
    };

    private static async Task WriteEventAsync(HttpContext context, JsonObject payload)
    {
        await context.Response.WriteAsync("data: " + payload.ToJsonString() + "\n\n");
        await context.Response.Body.FlushAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [GeneratedRegex(@"(?m)^\[1\][^\n]*\n([^\n]+)")]
    private static partial Regex SourceOne();
}
