using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlamaDb.Retrieval.Onnx.Tests.Cli;

/// <summary>
/// A real Kestrel server on 127.0.0.1 speaking OpenAI's <c>POST /v1/chat/completions</c>: server-sent events
/// (<c>data: {chunk}</c> blocks, then <c>data: [DONE]</c>) when the request streams, a JSON completion otherwise. It answers
/// every request with the same scripted text pieces and records the request bodies.
/// </summary>
public sealed class ChatCompletionsServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string[] _pieces;

    private ChatCompletionsServer(WebApplication app, string[] pieces)
    {
        _app = app;
        _pieces = pieces;
    }

    public Uri V1 { get; private set; } = null!;

    public ConcurrentQueue<JsonNode> Requests { get; } = new();

    public static async Task<ChatCompletionsServer> StartAsync(params string[] pieces)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        WebApplication app = builder.Build();
        var server = new ChatCompletionsServer(app, pieces);
        app.MapPost("/v1/chat/completions", server.HandleAsync);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.V1 = new Uri(new Uri(address), "/v1");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        JsonNode body = (await JsonNode.ParseAsync(context.Request.Body))!; // the client always sends a JSON body
        Requests.Enqueue(body);
        string model = body["model"]?.GetValue<string>() ?? "unknown";
        if (body["stream"]?.GetValue<bool>() == true)
        {
            context.Response.ContentType = "text/event-stream";
            foreach (string piece in _pieces)
            {
                await WriteEventAsync(context, Chunk(model, new JsonObject { ["content"] = piece }, null));
            }

            await WriteEventAsync(context, Chunk(model, new JsonObject(), "stop"));
            await context.Response.WriteAsync("data: [DONE]\n\n");
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject
        {
            ["id"] = "chatcmpl-1",
            ["object"] = "chat.completion",
            ["created"] = 1_700_000_000,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = string.Concat(_pieces) },
                ["finish_reason"] = "stop",
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 10, ["completion_tokens"] = 5, ["total_tokens"] = 15 },
        }.ToJsonString());
    }

    private static async Task WriteEventAsync(HttpContext context, string json)
    {
        await context.Response.WriteAsync($"data: {json}\n\n");
        await context.Response.Body.FlushAsync();
    }

    private static string Chunk(string model, JsonObject delta, string? finishReason) => new JsonObject
    {
        ["id"] = "chatcmpl-s1",
        ["object"] = "chat.completion.chunk",
        ["created"] = 1_700_000_001,
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finishReason }),
    }.ToJsonString(new JsonSerializerOptions());
}
